"""Amounts a reviewer decided on pending lines of a payout workbook (sheet 待定).

A pending line is eligible, but the policy fixes no amount (a sales milestone, a
one-time reward held because a later year was recorded): a person decides.  The
reviewer writes the amount in 核定金额 and the decision in 核定依据 (the number of a
meeting's minutes, a letter); ``ledger record`` records each such row as a payout of
the workbook's year, with the decision as the entry's reason, under the same checks
as a payable line (one-time rewards, the lifetime interest cap, tiers).

The row must still be the line the calculator wrote: its check value (校验码,
``seal.pending_seal``) covers the year, the run, the credit code, the measure and the
tier, not the reviewer's two columns.  A decided amount must be a number above 0
with at most two decimals; a row whose 核定金额 is blank is not recorded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Final

from python_calamine import CalamineWorkbook

from tongnan_calc.core.money import CENT, canonical
from tongnan_calc.core.say import Say
from tongnan_calc.input import cells, uscc
from tongnan_calc.input.cells import Bad, Cell
from tongnan_calc.ledger.entries import _Payout
from tongnan_calc.ledger.limits import Limits
from tongnan_calc.ledger.schema import MONEY_MEASURES, SALES_MILESTONE, LedgerError, _has_cents_only
from tongnan_calc.ledger.sheets import EXPECT_CENTS, _blank_row, _cell, _find_sheet, _header_text, _Sheet, bad_say
from tongnan_calc.report import layout as payout_layout
from tongnan_calc.report.seal import pending_seal

NEEDED: Final = ("credit_code", "measure", "tier", "seal")
EXPECT_DECIDED: Final = "a decided amount above 0 (leave 核定金额 blank when nothing is paid)"
NOTHING: Final = Say("；未记录任何发放", "; nothing was recorded")


@dataclass(frozen=True)
class Run:
    """What a pending row's check value covers besides the row (from the provenance sheet)."""

    year: int
    rules_sha256: str
    input_sha256: str


def _columns() -> dict[str, str]:
    table: dict[str, str] = {}
    for column in (*payout_layout.LINE_COLUMNS, *payout_layout.DECIDED_COLUMNS):
        for name in (column.key, column.zh, column.en):
            table.setdefault(name.casefold(), column.key)
    return table


def _zh(key: str) -> str:
    return next(c.zh for c in (*payout_layout.LINE_COLUMNS, *payout_layout.DECIDED_COLUMNS) if c.key == key)


def _header(sheet: _Sheet) -> dict[str, int]:
    table = _columns()
    found: dict[str, int] = {}
    for index, raw in enumerate(sheet.rows[0] if sheet.rows else ()):
        key = table.get(_header_text(raw).casefold())
        if key is not None and key not in found:
            found[key] = index
    return found


def _where(workbook: Path, sheet: str) -> Say:
    return Say(f"{workbook}：工作表 {sheet}", f"{workbook}: sheet {sheet}")


def _refusal(where: Say, row: int, key: str, said: Say) -> LedgerError:
    return LedgerError(
        where + Say(f" 第{row}行 {_zh(key)}({key})列：", f" row {row} column {_zh(key)} ({key}): ") + said + NOTHING
    )


def _amount(raw: Cell) -> Decimal | Say:
    """The decided amount in ``raw``, or why it is not one."""
    value = cells.to_amount(raw)
    if isinstance(value, Bad):
        return bad_say(value, raw)
    if value is None or value == 0:
        return bad_say(cells.bad(EXPECT_DECIDED, raw, "大于 0 的核定金额（不发放时请留空）"), raw)
    if not _has_cents_only(value):
        return bad_say(cells.bad(EXPECT_CENTS, raw), raw)
    return value.quantize(CENT)


def read_decided(book: CalamineWorkbook, workbook: Path, run: Run, limits: Limits) -> tuple[_Payout, ...]:
    """The pending rows of ``workbook`` with a decided amount, as payouts of ``run.year``.

    Refuses (nothing recorded) a decided amount that is not a number above 0 with at most two
    decimals, a decision left blank, and a row that is not the line the calculator wrote
    (its 校验码 missing or not matching its credit code, measure and tier)."""
    sheet = _find_sheet(book, workbook, payout_layout.PENDING)
    if sheet is None:
        return ()
    columns = _header(sheet)
    if "decided_amount" not in columns:
        return ()  # no reviewer's column: nothing was decided
    where = _where(workbook, sheet.name)
    filled = [
        (row, values)
        for row, values in enumerate(sheet.rows[1:], start=2)
        if not _blank_row(values) and not cells.is_blank(_cell(values, columns["decided_amount"]))
    ]
    if not filled:
        return ()
    for key in (*NEEDED, "decided_basis"):
        if key not in columns:
            raise LedgerError(
                where + Say(f" 中缺少列 {_zh(key)}（{key}）", f" has no column {_zh(key)} ({key})") + NOTHING
            )
    return tuple(_decided_row(values, columns, row, run, limits, where) for row, values in filled)


def _decided_row(
    values: Sequence[Cell], columns: Mapping[str, int], row: int, run: Run, limits: Limits, where: Say
) -> _Payout:
    def cell(key: str) -> Cell:
        return _cell(values, columns[key])

    amount = _amount(cell("decided_amount"))
    if isinstance(amount, Say):
        raise _refusal(where, row, "decided_amount", amount)
    decision = " ".join(_header_text(cell("decided_basis")).split())
    if not decision:
        raise _refusal(
            where,
            row,
            "decided_basis",
            Say("填写了核定金额，须写明核定依据（如会议纪要、批复文号）", "a decided amount needs its decision basis"),
        )
    sealed = _sealed(values, columns, run)
    if sealed is None:
        raise LedgerError(
            where
            + Say(
                f" 第{row}行在 tongnan-calc 生成后被改动过或不是其生成的行"
                "（校验码与统一社会信用代码、措施、档次不符）：只有 tongnan-calc 写出的待定行可以填写核定金额",
                f" row {row} was changed after tongnan-calc wrote it or was not written by it"
                " (the check value 校验码 does not match the credit code, measure and tier):"
                " only a pending line tongnan-calc wrote can take a decided amount",
            )
            + NOTHING
        )
    credit_code, measure, tier = sealed
    if measure not in MONEY_MEASURES:
        raise _refusal(where, row, "measure", Say(f"{measure!r} 不是发放资金的措施", f"{measure!r} does not pay money"))
    if measure == SALES_MILESTONE and tier is not None:
        problem = limits.tier_problem(tier, run.year, cell("tier"))
        if problem is not None:
            raise _refusal(where, row, "tier", problem)
    return _Payout(credit_code, run.year, measure, tier, amount, row, decision)


def _sealed(values: Sequence[Cell], columns: Mapping[str, int], run: Run) -> tuple[str, str, Decimal | None] | None:
    """(credit code, measure, tier) of a pending row whose 校验码 matches them; None otherwise."""
    code = cells.to_text(_cell(values, columns["credit_code"]))
    tier = cells.to_amount(_cell(values, columns["tier"]), required=False)
    if isinstance(code, Bad) or isinstance(tier, Bad):
        return None
    credit_code, measure = uscc.normalize(code), _header_text(_cell(values, columns["measure"]))
    tier = None if tier is None else canonical(tier)
    expected = pending_seal(
        year=run.year,
        rules_sha256=run.rules_sha256,
        input_sha256=run.input_sha256,
        credit_code=credit_code,
        measure=measure,
        tier=tier,
    )
    return (credit_code, measure, tier) if _header_text(_cell(values, columns["seal"])).lower() == expected else None
