"""Recording an approved payout workbook written by ``tongnan-calc run``: provenance, seals, conflicts."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Final

from python_calamine import CalamineWorkbook

from tongnan_calc import cells, payout_layout, uscc
from tongnan_calc.cells import Bad, Cell
from tongnan_calc.ledger.sheets import (
    EXPECT_CENTS,
    EXPECT_NO_TIER,
    EXPECT_TIER,
    _blank_row,
    _cell,
    _find_sheet,
    _header_text,
    _open_workbook,
    _Sheet,
)
from tongnan_calc.ledger.store import (
    MONEY_MEASURES,
    SALES_MILESTONE,
    LedgerError,
    _decimal,
    _has_cents_only,
    _insert_payouts,
    _Payout,
    _Plan,
    _plan,
    _Source,
    _writing,
    money_text,
)
from tongnan_calc.money import CENT, canonical
from tongnan_calc.seal import file_sha256, seal


@dataclass(frozen=True)
class RecordReport:
    """The result of ``record_payout``: every row was recorded or already recorded."""

    ledger: str
    workbook: str
    year: int
    rules_version: str
    rows_read: int
    added: int
    already_recorded: int
    amount_added: Decimal
    # recorded, but worth a look: a one-time reward paid twice, a run made without a ledger
    warnings: tuple[str, ...] = ()


_SHA256 = re.compile(r"[0-9a-f]{64}")
PROVENANCE_NEEDED: Final = ("tool", "year", "rules_version", "rules_sha256", "input_sha256")
RECORD_COLUMNS: Final = ("credit_code", "measure", "tier", "amount", "seal")


@dataclass(frozen=True)
class Provenance:
    """What the provenance sheet (来源) of a payout workbook says about its run."""

    year: int
    rules_version: str
    rules_sha256: str
    input_sha256: str
    tool_version: str = ""
    ledger: str = ""  # the ledger the run read prior payouts from; "" when none


# 来源 ledger values that mean "the run read no ledger" (see report.xlsx)
NO_LEDGER: Final = frozenset({"", "未使用台账", "none"})


def _not_ours(workbook: Path, why: str) -> LedgerError:
    return LedgerError(f"{workbook} is not a payout workbook written by tongnan-calc run: {why}")


def _provenance_values(sheet: _Sheet) -> dict[str, Cell]:
    values: dict[str, Cell] = {}
    for row in sheet.rows:
        key = _header_text(_cell(row, 0))
        if key and key not in values:
            values[key] = _cell(row, 2)
    return values


def _provenance_text(values: Mapping[str, Cell], key: str, workbook: Path) -> str:
    zh = next(z for k, z, _ in payout_layout.PROVENANCE_ROWS if k == key)
    raw = values.get(key, "")
    if cells.is_blank(raw):
        raise _not_ours(workbook, f"sheet {payout_layout.PROVENANCE[0]} has no {key} ({zh})")
    return _header_text(raw)


def _read_provenance(book: CalamineWorkbook, workbook: Path) -> Provenance:
    sheet = _find_sheet(book, workbook, payout_layout.PROVENANCE)
    name = payout_layout.PROVENANCE[0]
    if sheet is None:
        raise _not_ours(workbook, f"it has no sheet {name} (provenance)")
    values = _provenance_values(sheet)
    text = {key: _provenance_text(values, key, workbook) for key in PROVENANCE_NEEDED}
    if text["tool"] != payout_layout.TOOL_NAME:
        raise _not_ours(workbook, f"sheet {name} names the tool {text['tool']!r}")
    year = cells.to_year(values["year"])
    if isinstance(year, Bad) or year is None:
        raise _not_ours(workbook, f"sheet {name} year: {getattr(year, 'message', 'blank')}")
    for key in ("rules_sha256", "input_sha256"):
        if _SHA256.fullmatch(text[key]) is None:
            raise _not_ours(workbook, f"sheet {name} {key} is not a SHA-256: {text[key]!r}")
    used = _header_text(values.get("ledger", ""))
    return Provenance(
        year=year,
        rules_version=text["rules_version"],
        rules_sha256=text["rules_sha256"],
        input_sha256=text["input_sha256"],
        tool_version=_header_text(values.get("tool_version", "")),
        ledger="" if used in NO_LEDGER else used,
    )


def _payable_columns(sheet: _Sheet, workbook: Path) -> dict[str, int]:
    table: dict[str, str] = {}
    for column in payout_layout.LINE_COLUMNS:
        for name in (column.key, column.zh, column.en):
            table[name.casefold()] = column.key
    found: dict[str, int] = {}
    header = sheet.rows[0] if sheet.rows else ()
    for index, raw in enumerate(header):
        key = table.get(_header_text(raw).casefold())
        if key is not None and key not in found:
            found[key] = index
    for key in RECORD_COLUMNS:
        if key not in found:
            zh = next(c.zh for c in payout_layout.LINE_COLUMNS if c.key == key)
            raise LedgerError(f"{workbook}: sheet {sheet.name} has no column {zh} ({key})")
    return found


class _RowProblem(Exception):
    """A payable row that cannot be recorded; the message names row and column."""


def _column_name(key: str) -> str:
    zh = next(c.zh for c in payout_layout.LINE_COLUMNS if c.key == key)
    return f"{zh} ({key})"


def _record_row(values: Sequence[Cell], columns: Mapping[str, int], row: int, prov: Provenance) -> tuple[_Payout, bool]:
    """(the payout on this row, whether its seal matches)."""

    def cell(key: str) -> Cell:
        return _cell(values, columns[key])

    def fail(key: str, message: str) -> _RowProblem:
        return _RowProblem(f"row {row} column {_column_name(key)}: {message}")

    code = cells.to_text(cell("credit_code"))
    if isinstance(code, Bad):
        raise fail("credit_code", code.message)
    measure = _header_text(cell("measure"))
    amount = cells.to_amount(cell("amount"))
    if isinstance(amount, Bad) or amount is None:
        raise fail("amount", getattr(amount, "message", cells.EXPECT_AMOUNT))
    if not _has_cents_only(amount):
        raise fail("amount", cells.bad(EXPECT_CENTS, cell("amount")).message)
    tier = cells.to_amount(cell("tier"), required=False)
    if isinstance(tier, Bad):
        raise fail("tier", tier.message)
    tier = None if tier is None else canonical(tier)
    payout = _Payout(uscc.normalize(code), prov.year, measure, tier, amount.quantize(CENT), row)
    expected = seal(
        year=prov.year,
        rules_sha256=prov.rules_sha256,
        input_sha256=prov.input_sha256,
        credit_code=payout.credit_code,
        measure=measure,
        tier=tier,
        amount=payout.amount,
    )
    matches = _header_text(cell("seal")).lower() == expected
    if matches and measure not in MONEY_MEASURES:
        raise fail("measure", f"{measure!r} is not a measure that pays money")
    if matches and (measure == SALES_MILESTONE) != (tier is not None):
        raise fail("tier", EXPECT_TIER if tier is None else EXPECT_NO_TIER)
    return payout, matches


def _rows_text(rows: Sequence[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:5])
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    return ("row " if len(rows) == 1 else "rows ") + shown + more


def _read_payable(workbook: Path) -> tuple[Provenance, tuple[_Payout, ...], int]:
    """The provenance and the sealed payable rows of a payout workbook; refuses edits."""
    book = _open_workbook(workbook)
    prov = _read_provenance(book, workbook)
    sheet = _find_sheet(book, workbook, payout_layout.PAYABLE)
    if sheet is None:
        raise _not_ours(workbook, f"it has no sheet {payout_layout.PAYABLE[0]} (payable lines)")
    columns = _payable_columns(sheet, workbook)
    where = f"{workbook}: sheet {sheet.name}"
    payouts: list[_Payout] = []
    edited: list[int] = []
    unsealed: list[int] = []
    for row, values in enumerate(sheet.rows[1:], start=2):
        if _blank_row(values):
            continue
        if cells.is_blank(_cell(values, columns["seal"])):
            unsealed.append(row)
            continue
        try:
            payout, matches = _record_row(values, columns, row, prov)
        except _RowProblem as exc:
            raise LedgerError(f"{where} {exc}; nothing was recorded") from None
        payouts.append(payout)
        if not matches:
            edited.append(row)
    _refuse_unsealed(unsealed, where)
    _refuse_edited(edited, where)
    _refuse_repeats(payouts, where)
    return prov, tuple(payouts), len(payouts)


def _refuse_unsealed(rows: Sequence[int], where: str) -> None:
    if rows:
        verb = "has" if len(rows) == 1 else "have"
        raise LedgerError(
            f"{where} {_rows_text(rows)} {verb} no check value (校验码): rows added after tongnan-calc"
            " wrote the workbook cannot be recorded, delete them; nothing was recorded"
        )


def _refuse_edited(rows: Sequence[int], where: str) -> None:
    if rows:
        verb = "was" if len(rows) == 1 else "were"
        raise LedgerError(
            f"{where} {_rows_text(rows)} {verb} changed after tongnan-calc wrote it"
            " (the check value 校验码 does not match the credit code, measure, tier and amount);"
            " nothing was recorded"
        )


def _refuse_repeats(payouts: Sequence[_Payout], where: str) -> None:
    first: dict[tuple[str, int, str, str | None], _Payout] = {}
    for payout in payouts:
        other = first.setdefault(payout.key(), payout)
        if other is not payout:
            raise LedgerError(
                f"{where} rows {other.row} and {payout.row} are the same payout"
                f" ({payout.describe()}): a row was copied; nothing was recorded"
            )


def _conflict_message(workbook: Path, plan: _Plan) -> str:
    payout, entry_id, amount = plan.conflicts[0]
    more = len(plan.conflicts) - 1
    tail = f" (and {more} more conflicting rows)" if more else ""
    return (
        f"{workbook}: sheet {payout_layout.PAYABLE[0]} row {payout.row}: {payout.describe()}"
        f" is already recorded as entry {entry_id} with amount {money_text(amount)},"
        f" not {money_text(payout.amount)}{tail}; nothing was recorded"
        f" (if entry {entry_id} is wrong, reverse it first)"
    )


def record_payout(ledger: Path, workbook: Path) -> RecordReport:
    """Record the payable lines left in an approved payout workbook written by ``run``.

    Every row must still match its seal (校验码); rows already recorded with the
    same amount are skipped (so recording twice adds nothing); a row recorded
    with another amount refuses the whole workbook.
    """
    prov, payouts, rows_read = _read_payable(workbook)
    source = _Source(
        "record",
        str(workbook),
        file_sha256(workbook),
        prov.year,
        prov.rules_version,
        prov.rules_sha256,
        prov.input_sha256,
    )
    with _writing(ledger) as conn:
        plan = _plan(conn, payouts)
        if plan.conflicts:
            raise LedgerError(_conflict_message(workbook, plan))
        warnings = _one_time_warnings(conn, plan.add)
        _insert_payouts(conn, source, plan.add)
    if not prov.ledger:
        warnings.insert(0, f"{workbook} was computed without a ledger: earlier payouts were not taken into account")
    return RecordReport(
        ledger=str(ledger),
        workbook=str(workbook),
        year=prov.year,
        rules_version=prov.rules_version,
        rows_read=rows_read,
        added=len(plan.add),
        already_recorded=len(plan.already),
        amount_added=sum((p.amount for p in plan.add), Decimal("0.00")),
        warnings=tuple(warnings),
    )


def _one_time_warnings(conn: sqlite3.Connection, payouts: Sequence[_Payout]) -> list[str]:
    """One-time rewards (二（三）, 二（五）) about to be recorded although already paid in another year."""
    warnings: list[str] = []
    for payout in payouts:
        if payout.measure not in ("spin_off", SALES_MILESTONE):
            continue
        for entry_id, year, tier in conn.execute(
            "SELECT id, year, tier FROM payouts_in_force WHERE credit_code = ? AND measure = ? AND year <> ?"
            " ORDER BY year, id",
            (payout.credit_code, payout.measure, payout.year),
        ):
            if tier is None or payout.tier is None or _decimal(tier, "tier", entry_id) >= payout.tier:
                paid = "" if tier is None else f" tier {tier}"
                warnings.append(
                    f"row {payout.row}: {payout.describe()} is a one-time reward already paid for {year}"
                    f"{paid} (entry {entry_id})"
                )
                break
    return warnings
