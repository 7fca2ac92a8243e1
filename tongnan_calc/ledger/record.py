"""Recording an approved payout workbook written by ``tongnan-calc run``: provenance, seals, conflicts."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Final

from python_calamine import CalamineWorkbook

from tongnan_calc.core.money import CENT, canonical
from tongnan_calc.core.rules import Rules
from tongnan_calc.core.say import Say
from tongnan_calc.input import cells, uscc
from tongnan_calc.input.cells import Bad, Cell
from tongnan_calc.input.sheets_spec import _letter
from tongnan_calc.ledger.across import NOTHING_RECORDED, across_years, one_time_warnings
from tongnan_calc.ledger.connection import _writing, must_exist
from tongnan_calc.ledger.decided import Run, read_decided
from tongnan_calc.ledger.entries import _insert_payouts, _Payout, _Plan, _plan, _Source, other_tier_same_year
from tongnan_calc.ledger.example import example_payouts, is_example
from tongnan_calc.ledger.limits import Limits, beyond_the_period, load_ledger_rules
from tongnan_calc.ledger.record_warnings import other_rules, reinstated, same_run_elsewhere, same_run_missing
from tongnan_calc.ledger.schema import (
    MONEY_MEASURES,
    SALES_MILESTONE,
    LedgerError,
    _has_cents_only,
    money_text,
)
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
    bad_say,
    cell_say,
    hidden_rows,
    renamed_sheets,
    shown_zh,
)
from tongnan_calc.ledger.struck import struck_rows
from tongnan_calc.report import layout as payout_layout
from tongnan_calc.report.seal import file_sha256, seal
from tongnan_calc.text.messages import MEASURE_NAMES, STATUS_NAMES


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
    # recorded, but worth a look: a lower milestone tier after a higher one, a run made without a ledger
    warnings: tuple[Say, ...] = ()
    decided_added: int = 0  # of ``added``: decided amounts of pending lines (sheet 待定)


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


def _not_ours(workbook: Path, why: Say) -> LedgerError:
    return LedgerError(
        Say(
            f"{workbook} 不是 tongnan-calc run 生成的发放表：{why.zh}",
            f"{workbook} is not a payout workbook written by tongnan-calc run: {why.en}",
        )
    )


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
        name = payout_layout.PROVENANCE[0]
        raise _not_ours(workbook, Say(f"工作表 {name} 中缺少{zh}（{key}）", f"sheet {name} has no {key} ({zh})"))
    return _header_text(raw)


def _read_provenance(book: CalamineWorkbook, workbook: Path) -> Provenance:
    sheet = _find_sheet(book, workbook, payout_layout.PROVENANCE)
    name = payout_layout.PROVENANCE[0]
    if sheet is None:
        raise _not_ours(workbook, Say(f"缺少工作表 {name}", f"it has no sheet {name} (provenance)"))
    values = _provenance_values(sheet)
    text = {key: _provenance_text(values, key, workbook) for key in PROVENANCE_NEEDED}
    if text["tool"] != payout_layout.TOOL_NAME:
        tool = text["tool"]
        raise _not_ours(workbook, Say(f"工作表 {name} 所列工具为 {tool!r}", f"sheet {name} names the tool {tool!r}"))
    year = cells.to_year(values["year"])
    if isinstance(year, Bad) or year is None:
        message = year.message if isinstance(year, Bad) else "blank"
        zh = bad_say(year, values["year"]).zh if isinstance(year, Bad) else "空白"
        raise _not_ours(workbook, Say(f"工作表 {name} 中的年度有误：{zh}", f"sheet {name} year: {message}"))
    for key in ("rules_sha256", "input_sha256"):
        if _SHA256.fullmatch(text[key]) is None:
            raise _not_ours(
                workbook,
                Say(
                    f"工作表 {name} 中的 {key} 不是 SHA-256 值：{text[key]!r}",
                    f"sheet {name} {key} is not a SHA-256: {text[key]!r}",
                ),
            )
    used = _header_text(values.get("ledger", ""))
    return Provenance(
        year=year,
        rules_version=text["rules_version"],
        rules_sha256=text["rules_sha256"],
        input_sha256=text["input_sha256"],
        tool_version=_header_text(values.get("tool_version", "")),
        ledger="" if used in NO_LEDGER else used,
    )


def _column_table() -> dict[str, str]:
    """A payout workbook's column headings (key, Chinese, English; case aside) -> column key."""
    table: dict[str, str] = {}
    for column in payout_layout.LINE_COLUMNS:
        for name in (column.key, column.zh, column.en):
            table[name.casefold()] = column.key
    return table


def _added_columns(sheet: _Sheet) -> list[int]:
    """The columns of 应付明细 that are none of the tool's: added after it wrote the workbook."""
    table = _column_table()
    header = sheet.rows[0] if sheet.rows else ()
    width = max(map(len, sheet.rows), default=0)
    return [
        index for index in range(width) if index >= len(header) or _header_text(header[index]).casefold() not in table
    ]


def _payable_columns(sheet: _Sheet, workbook: Path) -> dict[str, int]:
    table = _column_table()
    found: dict[str, int] = {}
    header = sheet.rows[0] if sheet.rows else ()
    for index, raw in enumerate(header):
        key = table.get(_header_text(raw).casefold())
        if key is not None and key not in found:
            found[key] = index
    for key in RECORD_COLUMNS:
        if key not in found:
            zh = next(c.zh for c in payout_layout.LINE_COLUMNS if c.key == key)
            raise LedgerError(
                Say(
                    f"{workbook}：工作表 {sheet.name} 中缺少列 {zh}（{key}）",
                    f"{workbook}: sheet {sheet.name} has no column {zh} ({key})",
                )
            )
    return found


class _RowProblem(Exception):
    """A payable row that cannot be recorded; the message names row and column."""

    def __init__(self, say: Say) -> None:
        super().__init__(say.en)
        self.say = say


def _column_name(key: str) -> str:
    zh = next(c.zh for c in payout_layout.LINE_COLUMNS if c.key == key)
    return f"{zh} ({key})"


def _record_row(
    values: Sequence[Cell], columns: Mapping[str, int], row: int, prov: Provenance, limits: Limits
) -> tuple[_Payout, bool]:
    """(the payout on this row, whether its seal matches)."""

    def cell(key: str) -> Cell:
        return _cell(values, columns[key])

    def fail(key: str, said: Say) -> _RowProblem:
        zh_name = next(c.zh for c in payout_layout.LINE_COLUMNS if c.key == key)
        zh = f"第{row}行 {zh_name}({key})列：{said.zh}"
        return _RowProblem(Say(zh, f"row {row} column {_column_name(key)}: {said.en}"))

    code = cells.to_text(cell("credit_code"))
    if isinstance(code, Bad):
        raise fail("credit_code", bad_say(code, cell("credit_code")))
    measure = _header_text(cell("measure"))
    amount = cells.to_amount(cell("amount"))
    if isinstance(amount, Bad) or amount is None:
        raise fail(
            "amount",
            bad_say(amount, cell("amount"))
            if isinstance(amount, Bad)
            else cell_say(cells.EXPECT_AMOUNT, cell("amount")),
        )
    if not _has_cents_only(amount):
        raise fail("amount", bad_say(cells.bad(EXPECT_CENTS, cell("amount")), cell("amount")))
    tier = cells.to_amount(cell("tier"), required=False)
    if isinstance(tier, Bad):
        raise fail("tier", bad_say(tier, cell("tier")))
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
        raise fail("measure", Say(f"{measure!r} 不是发放资金的措施", f"{measure!r} is not a measure that pays money"))
    if matches and (measure == SALES_MILESTONE) != (tier is not None):
        expect = EXPECT_TIER if tier is None else EXPECT_NO_TIER
        raise fail("tier", Say(_EXPECT_ZH_BARE[expect], expect))
    if matches and tier is not None and (problem := limits.tier_problem(tier, prov.year, cell("tier"))) is not None:
        raise fail("tier", problem)
    return payout, matches


_EXPECT_ZH_BARE: Final = {
    EXPECT_TIER: "须填写档次的门槛金额（sales_milestone 有档次）",
    EXPECT_NO_TIER: "档次应为空白（只有 sales_milestone 有档次）",
}


def _rows_text(rows: Sequence[int]) -> Say:
    shown = ", ".join(str(r) for r in rows[:5])
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    more_zh = f"等{len(rows)}行" if len(rows) > 5 else "行"
    return Say(
        "第" + "、".join(str(r) for r in rows[:5]) + more_zh, ("row " if len(rows) == 1 else "rows ") + shown + more
    )


def _where(workbook: Path, sheet: str) -> Say:
    return Say(f"{workbook}：工作表 {sheet}", f"{workbook}: sheet {sheet}")


def _read_payable(workbook: Path, limits: Limits) -> tuple[Provenance, tuple[_Payout, ...], int]:
    """The provenance and the sealed payable rows of a payout workbook; refuses edits."""
    book = _open_workbook(workbook)
    prov = _read_provenance(book, workbook)
    sheet = _find_sheet(book, workbook, payout_layout.PAYABLE)
    if sheet is None:
        name = payout_layout.PAYABLE[0]
        raise _not_ours(workbook, Say(f"缺少工作表 {name}（应付明细行）", f"it has no sheet {name} (payable lines)"))
    columns = _payable_columns(sheet, workbook)
    where = _where(workbook, sheet.name)
    _refuse_hidden(workbook, sheet, where)
    payouts: list[_Payout] = []
    edited: list[int] = []
    unsealed: list[int] = []
    marked: list[tuple[int, Cell]] = []  # sealed rows whose 状态 no longer says 应付: the reviewer's rejection
    renamed: list[tuple[int, Cell]] = []  # sealed rows whose 措施 no longer names the measure (不同意 written there)
    added = _added_columns(sheet)
    remarks: list[tuple[int, int, Cell]] = []  # (row, column, value) of sealed rows in added columns
    total = False  # the tool's 合计 row seen: below it, rows without code, measure, amount or seal are its footer
    for row, values in enumerate(sheet.rows[1:], start=2):
        if _blank_row(values):
            continue
        if not total and "seq" in columns and _header_text(_cell(values, columns["seq"])) in payout_layout.TOTAL_MARK:
            total = True
            continue
        if total and all(
            cells.is_blank(_cell(values, columns[k])) for k in ("credit_code", "measure", "amount", "seal")
        ):
            continue  # the total in capitals, the signature block
        if cells.is_blank(_cell(values, columns["seal"])):
            unsealed.append(row)
            continue
        try:
            payout, matches = _record_row(values, columns, row, prov, limits)
        except _RowProblem as exc:
            raise LedgerError(where + Say(" ", " ") + exc.say + NOTHING_RECORDED) from None
        payouts.append(payout)
        remarks.extend((row, i, _cell(values, i)) for i in added if not cells.is_blank(_cell(values, i)))
        if not matches:
            edited.append(row)
        elif "status" in columns and _header_text(_cell(values, columns["status"])).casefold() not in PAYABLE_STATUS:
            marked.append((row, _cell(values, columns["status"])))
        elif "measure_name" in columns and not _named(payout.measure, _cell(values, columns["measure_name"])):
            renamed.append((row, _cell(values, columns["measure_name"])))
    _refuse_unsealed(unsealed, where)
    _refuse_marked(marked, where)
    _refuse_renamed(renamed, where)
    _refuse_struck(struck_rows(workbook, sheet.name, {p.row for p in payouts}), where)
    _refuse_remarks(remarks, sheet, where)
    _refuse_edited(edited, where)
    payouts.extend(read_decided(book, workbook, Run(prov.year, prov.rules_sha256, prov.input_sha256), limits))
    _refuse_repeats(payouts, where)
    return prov, tuple(payouts), len(payouts)


def _refuse_hidden(workbook: Path, sheet: _Sheet, where: Say) -> None:
    """Rows hidden or filtered out (not deleted): calamine reads them, so they would be recorded as paid."""
    data = sheet.rows
    hidden = [r for r in hidden_rows(workbook, sheet.name) if 2 <= r <= len(data) and not _blank_row(data[r - 1])]
    if hidden:
        verb, them = ("is", "it") if len(hidden) == 1 else ("are", "them")
        said = _rows_text(hidden)
        raise LedgerError(
            Say(
                f"{where.zh} {said.zh}被隐藏（或被筛选隐藏）：请取消隐藏，并删除未获批准的行{NOTHING_RECORDED.zh}",
                f"{where.en} {said.en} {verb} hidden: unhide {them}, and delete the rows that were rejected;"
                " nothing was recorded",
            )
        )


def _refuse_unsealed(rows: Sequence[int], where: Say) -> None:
    if rows:
        verb = "has" if len(rows) == 1 else "have"
        said = _rows_text(rows)
        raise LedgerError(
            Say(
                f"{where.zh} {said.zh}没有校验码：tongnan-calc 生成发放表之后添加的行不能记录，请删除这些行"
                f"{NOTHING_RECORDED.zh}",
                f"{where.en} {said.en} {verb} no check value (校验码): rows added after tongnan-calc"
                " wrote the workbook cannot be recorded, delete them; nothing was recorded",
            )
        )


# the status the tool writes on every row of 应付明细 (Chinese; English with run --lang en)
PAYABLE_STATUS: Final = frozenset(name.casefold() for name in STATUS_NAMES["payable"])


def _named(measure: str, raw: Cell) -> bool:
    """Whether the 措施 cell still holds the measure's name as run writes it (either language): the name is
    not sealed, and a reviewer's 不同意 written over it would otherwise be recorded as paid."""
    names = MEASURE_NAMES.get(measure, ())
    return _header_text(raw).casefold() in {name.casefold() for name in names}


def _rows_seen(rows: Sequence[tuple[int, Cell]]) -> tuple[str, str, str]:
    """The first five rows with what each holds, in Chinese, then 'row'/'rows' and the English list."""
    shown = rows[:5]
    more = len(rows) - len(shown)
    listed = ", ".join(f"{row} ({cells.shown(raw)})" for row, raw in shown) + (f" and {more} more" if more else "")
    listed_zh = "、".join(f"第{row}行（{shown_zh(raw)}）" for row, raw in shown) + (f"等{len(rows)}行" if more else "")
    return listed_zh, "row" if len(rows) == 1 else "rows", listed


def _refuse_marked(rows: Sequence[tuple[int, Cell]], where: Say) -> None:
    """Rows whose 状态 (status) the reviewer changed from 应付 (to 不予批准, 否, or blank): the status is not
    sealed, and recorded as they are, a row marked as rejected would be recorded as paid."""
    if not rows:
        return
    listed_zh, said, listed = _rows_seen(rows)
    raise LedgerError(
        Say(
            f"{where.zh} {listed_zh}的状态不再是“应付”：未获批准的行应删除，而不是改状态；请删除未获批准的行，"
            f"其余行的状态保持“应付”{NOTHING_RECORDED.zh}",
            f"{where.en} {said} {listed}: the status (状态) is no longer 应付 (payable): a rejected row is deleted,"
            " not marked; delete the rows that were rejected and leave 应付 on the others; nothing was recorded",
        )
    )


def _refuse_renamed(rows: Sequence[tuple[int, Cell]], where: Say) -> None:
    """Rows whose 措施 (measure name) no longer names the measure of their sealed 措施代码."""
    if not rows:
        return
    listed_zh, said, listed = _rows_seen(rows)
    raise LedgerError(
        Say(
            f"{where.zh} {listed_zh}的措施名称已被改动，与措施代码不符：未获批准的行应删除，而不是在行内批注；"
            f"请删除未获批准的行，其余行的措施名称保持原样{NOTHING_RECORDED.zh}",
            f"{where.en} {said} {listed}: the measure name (措施) was changed and no longer matches the measure id:"
            " a rejected row is deleted, not annotated; delete the rows that were rejected and leave the others'"
            " measure names as written; nothing was recorded",
        )
    )


def _refuse_struck(rows: Sequence[int] | None, where: Say) -> None:
    if rows is None:  # the styles could not be read: a struck-through row cannot be ruled out
        raise LedgerError(
            Say(
                f"{where.zh} 无法检查各行是否被划了删除线（工作簿的样式部分过大或已损坏）："
                f"请在 Excel 中打开并另存后再试{NOTHING_RECORDED.zh}",
                f"{where.en} cannot be checked for rows struck through (the workbook's styles are too large or"
                " damaged): open it in Excel, save it, and try again; nothing was recorded",
            )
        )
    if rows:
        said = _rows_text(rows)
        verb = "is" if len(rows) == 1 else "are"
        raise LedgerError(
            Say(
                f"{where.zh} {said.zh}被划了删除线：未获批准的行应删除，而不是划删除线；请删除未获批准的行"
                f"（其余行去掉删除线）{NOTHING_RECORDED.zh}",
                f"{where.en} {said.en} {verb} struck through: a rejected row is deleted, not struck through;"
                " delete the rows that were rejected (and remove the strikethrough from the others);"
                " nothing was recorded",
            )
        )


def _refuse_remarks(remarks: Sequence[tuple[int, int, Cell]], sheet: _Sheet, where: Say) -> None:
    """Values on payout rows in a column the tool did not write (审核意见: 不同意): a decision written there
    would be ignored and the row recorded as paid."""
    if not remarks:
        return
    row, index, raw = remarks[0]
    header = sheet.rows[0][index] if index < len(sheet.rows[0]) else ""
    letter = _letter(index)
    named = f"{letter} ({cells.shown(header)})"
    named_zh = f"{letter}列（{shown_zh(header)}）"
    rows = sorted({r for r, _, _ in remarks})
    said = _rows_text(rows)
    verb = "has" if len(rows) == 1 else "have"
    raise LedgerError(
        Say(
            f"{where.zh} {named_zh}不是 tongnan-calc 写出的列，而{said.zh}在该列填有内容"
            f"（第{row}行：{shown_zh(raw)}）：其中的审核意见不会被读取；未获批准的行请删除，然后删除该列（或其内容）"
            + NOTHING_RECORDED.zh,
            f"{where.en} column {named} was not written by tongnan-calc, and {said.en} {verb} values in it"
            f" (row {row}: {cells.shown(raw)}): a decision written there is not read; delete the rows that were"
            " rejected, then delete the column (or its values); nothing was recorded",
        )
    )


def _refuse_edited(rows: Sequence[int], where: Say) -> None:
    if rows:
        verb = "was" if len(rows) == 1 else "were"
        said = _rows_text(rows)
        raise LedgerError(
            Say(
                f"{where.zh} {said.zh}在 tongnan-calc 生成后被改动过"
                f"（校验码与统一社会信用代码、措施、档次、金额不符）{NOTHING_RECORDED.zh}",
                f"{where.en} {said.en} {verb} changed after tongnan-calc wrote it"
                " (the check value 校验码 does not match the credit code, measure, tier and amount);"
                " nothing was recorded",
            )
        )


def _refuse_repeats(payouts: Sequence[_Payout], where: Say) -> None:
    first: dict[tuple[str, int, str, str | None], _Payout] = {}
    for payout in payouts:
        other = first.setdefault(payout.key(), payout)
        if other is not payout:
            what = payout.describe()
            raise LedgerError(
                Say(
                    f"{where.zh} 第{other.row}行与第{payout.row}行是同一笔发放（{what.zh}）：有行被复制了"
                    f"{NOTHING_RECORDED.zh}",
                    f"{where.en} rows {other.row} and {payout.row} are the same payout"
                    f" ({what.en}): a row was copied; nothing was recorded",
                )
            )


def _conflict_message(workbook: Path, plan: _Plan) -> Say:
    payout, entry_id, amount = plan.conflicts[0]
    more = len(plan.conflicts) - 1
    tail = f" (and {more} more conflicting rows)" if more else ""
    tail_zh = f"（另有{more}行与台账冲突）" if more else ""
    what = payout.describe()
    where = _where(workbook, payout_layout.PAYABLE[0])
    return Say(
        f"{where.zh} {payout.label().zh}：{what.zh} 已记入台账（条目 {entry_id}），金额为 {money_text(amount)}，"
        f"而非 {money_text(payout.amount)}{tail_zh}{NOTHING_RECORDED.zh}（如条目 {entry_id} 有误，请先冲销）",
        f"{where.en} {payout.label().en}: {what.en}"
        f" is already recorded as entry {entry_id} with amount {money_text(amount)},"
        f" not {money_text(payout.amount)}{tail}; nothing was recorded"
        f" (if entry {entry_id} is wrong, reverse it first)",
    )


def record_payout(ledger: Path, workbook: Path, *, rules: Rules | None = None, example: bool = False) -> RecordReport:
    """Record the payable lines left in an approved payout workbook written by ``run``.

    Every row must still match its seal (校验码) and be visible (not hidden or
    filtered out); rows already recorded with the same amount are skipped (so
    recording twice adds nothing); a row recorded with another amount refuses the
    whole workbook, and so does a sales_milestone tier that is not a threshold of
    ``rules`` (the shipped rule file when None), a second spin_off payout or
    payout of the same sales_milestone tier, loan_interest payouts above the lifetime cap, or data_line
    years beyond one period (``beyond_the_period``), counting the payouts in force of every year in the ledger.
    A workbook computed from the shipped example is refused unless ``example`` (``ledger.example``).
    """
    must_exist(ledger)
    limits = Limits(rules if rules is not None else load_ledger_rules())
    prov, payouts, rows_read = _read_payable(workbook, limits)
    if not example and is_example((p.credit_code for p in payouts), prov.input_sha256):
        raise example_payouts(workbook)
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
        where = _where(workbook, payout_layout.PAYABLE[0])
        refusals = other_tier_same_year(conn, plan.add, where) + across_years(conn, plan.add, limits, where)
        refusals += beyond_the_period(conn, plan.add, limits, where)
        if refusals:
            raise LedgerError(Say("\n".join(r.zh for r in refusals), "\n".join(r.en for r in refusals)), lines=True)
        warnings = one_time_warnings(conn, plan.add) + reinstated(conn, plan.add)
        elsewhere = same_run_elsewhere(conn, source, plan.add)
        missing = same_run_missing(conn, source, payouts)
        _insert_payouts(conn, source, plan.add)
    warnings[:0] = renamed_sheets(workbook, (payout_layout.PROVENANCE, payout_layout.PAYABLE))
    if not prov.ledger:
        warnings.insert(
            0,
            Say(
                f"{workbook} 计算时未使用台账：以往年度的发放未被考虑",
                f"{workbook} was computed without a ledger: earlier payouts were not taken into account",
            ),
        )
    rules_differ = other_rules(workbook, prov.rules_version, prov.rules_sha256, limits.rules)
    warnings.extend(w for w in (elsewhere, missing, rules_differ) if w is not None)
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
        decided_added=sum(1 for p in plan.add if p.decision),
    )
