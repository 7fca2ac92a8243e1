"""Importing payouts made before the tool existed (sheet ``payouts`` / 历史发放)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Final

from tongnan_calc.core.model import InputIssue, Severity
from tongnan_calc.core.money import CENT, canonical
from tongnan_calc.core.rules import Rules
from tongnan_calc.core.say import Lang, Say
from tongnan_calc.input import cells
from tongnan_calc.input.cells import Bad, Cell
from tongnan_calc.ledger.connection import _reading, _writing, must_exist
from tongnan_calc.ledger.entries import _insert_payouts, _Payout, _Plan, _plan, _Source
from tongnan_calc.ledger.example import example_history, is_example
from tongnan_calc.ledger.limits import Limits, load_ledger_rules
from tongnan_calc.ledger.record_warnings import reimported, reversed_before
from tongnan_calc.ledger.schema import (
    FLAG_MEASURES,
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
    bad_say,
    cell_say,
    shown_zh,
    unread_sheets,
)
from tongnan_calc.report.seal import file_sha256

SEVERITY_ZH: Final[dict[str, str]] = {"error": "错误", "warning": "警告", "notice": "提示"}


@dataclass(frozen=True)
class HistoryIssue:
    """An input issue of a history workbook (its ``message`` in English) and the message in Chinese."""

    issue: InputIssue
    zh: str

    def line(self, lang: Lang) -> str:
        """``error: payouts row 3 year: ...`` or ``错误：历史发放 第3行 年度(year)：...``."""
        issue = self.issue
        if lang == "en":
            header = f" ({issue.header})" if issue.header and issue.header != issue.column else ""
            return f"{issue.severity}: {issue.where()}{header}: {issue.message}"
        parts = [HISTORY_SHEET[1]]
        if issue.row is not None:
            parts.append(f"第{issue.row}行")
        if issue.column is not None:
            parts.append(f"{_COLUMN_ZH.get(issue.column, issue.column)}({issue.column})")
        return f"{SEVERITY_ZH[issue.severity]}：{' '.join(parts)}：{self.zh}"


@dataclass(frozen=True)
class ImportReport:
    """The result of ``import_history``.

    ``imported`` is False when the workbook had errors and ``allow_errors`` was not
    given: then nothing was written (``added`` is 0).
    """

    ledger: str
    workbook: str
    sheet: str
    rows_read: int
    added: int
    already_recorded: int
    rejected: int  # rows with errors, never imported
    history_issues: tuple[HistoryIssue, ...]
    imported: bool

    @property
    def issues(self) -> tuple[InputIssue, ...]:
        return tuple(h.issue for h in self.history_issues)

    @property
    def has_errors(self) -> bool:
        return any(issue.severity == "error" for issue in self.issues)


HISTORY_SHEET: Final = ("payouts", "历史发放")
EXPORT_ENTRIES_SHEETS: Final = ("entries", "全部记录")
"""The sheet of every entry that ``ledger export`` writes besides the payouts (export.EXPORT_SHEETS):
read past without a warning when an export is imported again."""


@dataclass(frozen=True)
class _HistoryColumn:
    key: str
    zh: str
    required: bool
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.key, self.zh, *self.aliases)


HISTORY_COLUMNS: Final[tuple[_HistoryColumn, ...]] = (
    _HistoryColumn("credit_code", "统一社会信用代码", True),
    _HistoryColumn("year", "年度", True),
    _HistoryColumn("measure", "措施", True),
    _HistoryColumn("tier", "档次", False, ("档次（元）", "档次(元)")),
    _HistoryColumn("amount", "金额", True, ("金额（元）", "金额(元)")),
)
# Columns that ``export`` writes besides the history columns: read back silently.
EXPORT_EXTRA_COLUMNS: Final[tuple[_HistoryColumn, ...]] = (
    _HistoryColumn("entry_id", "条目号", False, ("记录号",)),  # 记录号: the heading of earlier exports
    _HistoryColumn("source", "来源", False),
    _HistoryColumn("recorded_at", "记录时间", False),
)

_COLUMN_ZH: Final[dict[str, str]] = {c.key: c.zh for c in HISTORY_COLUMNS + EXPORT_EXTRA_COLUMNS}

EXPECT_MEASURE: Final = f"a measure that pays money ({', '.join(MONEY_MEASURES)})"
EXPECT_MEASURE_ZH: Final = f"发放资金的措施（{'、'.join(MONEY_MEASURES)}）"


@dataclass
class _Issues:
    """Collects the input issues of one sheet of a history workbook."""

    sheet: str
    headers: dict[str, str] = field(default_factory=dict)  # column key -> header seen
    items: list[HistoryIssue] = field(default_factory=list)

    def add(
        self,
        row: int | None,
        column: str | None,
        raw: Cell,
        message: Say,
        *,
        severity: Severity = "error",
        credit_code: str | None = None,
    ) -> None:
        header = None if column is None else self.headers.get(column)
        value = None if column is None else cells.seen(raw)
        issue = InputIssue(self.sheet, row, column, header, value, severity, message.en, credit_code)
        self.items.append(HistoryIssue(issue, message.zh))

    def error_rows(self) -> set[int]:
        return {h.issue.row for h in self.items if h.issue.severity == "error" and h.issue.row is not None}

    def has_errors(self) -> bool:
        return any(h.issue.severity == "error" for h in self.items)


def _history_columns(header: Sequence[Cell], issues: _Issues) -> dict[str, int]:
    """Map column keys to indexes; report unknown, repeated and missing columns."""
    table = {name.casefold(): column for column in HISTORY_COLUMNS + EXPORT_EXTRA_COLUMNS for name in column.names()}
    found: dict[str, int] = {}
    unknown: list[str] = []
    for index, raw in enumerate(header):
        text = _header_text(raw)
        if not text:
            continue
        column = table.get(text.casefold())
        if column is None:
            unknown.append(text)
        elif column.key in found:
            issues.add(1, column.key, raw, Say(f"列 {text} 出现了两次", f"column {text} appears twice"))
        else:
            found[column.key] = index
            issues.headers[column.key] = text
    if unknown:
        issues.add(
            1,
            None,
            "",
            Say(f"已忽略无法识别的列：{'、'.join(unknown)}", f"unknown columns ignored: {', '.join(unknown)}"),
            severity="notice",
        )
    for column in HISTORY_COLUMNS:
        if column.required and column.key not in found:
            issues.add(
                None,
                column.key,
                "",
                Say(f"缺少列 {column.zh}（{column.key}）", f"missing column {column.key} ({column.zh})"),
            )
    return found


def _history_measure(raw: Cell, row: int, issues: _Issues, code: str | None) -> str | None:
    text = raw.strip().lower() if isinstance(raw, str) else ""
    if text in MONEY_MEASURES:
        return text
    got = cells.shown(raw)
    message = Say(
        f"应为{EXPECT_MEASURE_ZH}，实际为{shown_zh(raw)}",
        f"expected {EXPECT_MEASURE}, got {got}",
    )
    if text in FLAG_MEASURES:
        message += Say("：这是标识类措施，从不发放资金", ": a flag, never paid")
    issues.add(row, "measure", raw, message, credit_code=code)
    return None


def _history_tier(
    raw: Cell, measure: str | None, row: int, issues: _Issues, code: str | None, year: int | None, limits: Limits
) -> tuple[bool, Decimal | None]:
    """(ok, tier): for sales_milestone a tier threshold of the rules in force on 31 December of
    the row's year (when the year is readable), blank for the others."""
    if measure is None:
        return False, None
    if measure != SALES_MILESTONE:
        if cells.is_blank(raw):
            return True, None
        issues.add(row, "tier", raw, bad_say(cells.bad(EXPECT_NO_TIER, raw), raw), credit_code=code)
        return False, None
    value = cells.to_amount(raw)
    if isinstance(value, Bad) or value is None or value <= 0:
        issues.add(row, "tier", raw, bad_say(cells.bad(EXPECT_TIER, raw), raw), credit_code=code)
        return False, None
    problem = None if year is None else limits.tier_problem(value, year, raw)
    if problem is not None:
        issues.add(row, "tier", raw, problem, credit_code=code)
        return False, None
    return True, canonical(value)


def _history_amount(raw: Cell, row: int, issues: _Issues, code: str | None) -> Decimal | None:
    value = cells.to_amount(raw)
    if isinstance(value, Bad) or value is None:
        message = bad_say(value, raw) if isinstance(value, Bad) else cell_say(cells.EXPECT_AMOUNT, raw)
        issues.add(row, "amount", raw, message, credit_code=code)
        return None
    if not _has_cents_only(value):
        issues.add(row, "amount", raw, bad_say(cells.bad(EXPECT_CENTS, raw), raw), credit_code=code)
        return None
    return value.quantize(CENT)


def _history_code(raw: Cell, row: int, issues: _Issues) -> str | None:
    checked = cells.to_credit_code(raw)
    if isinstance(checked, Bad):
        issues.add(row, "credit_code", raw, bad_say(checked, raw))
        return None
    if checked.warning is not None:
        warning = cell_say(checked.warning, raw, getattr(checked, "warning_zh", None))
        issues.add(row, "credit_code", raw, warning, severity="warning", credit_code=checked.code)
    return checked.code


def _history_row(
    values: Sequence[Cell], columns: Mapping[str, int], row: int, issues: _Issues, limits: Limits
) -> _Payout | None:
    def cell(key: str) -> Cell:
        return _cell(values, columns[key]) if key in columns else ""

    code = _history_code(cell("credit_code"), row, issues)
    year = cells.to_year(cell("year"))
    if isinstance(year, Bad) or year is None:
        said = bad_say(year, cell("year")) if isinstance(year, Bad) else cell_say(cells.EXPECT_YEAR, cell("year"))
        issues.add(row, "year", cell("year"), said, credit_code=code)
        year = None
    measure = _history_measure(cell("measure"), row, issues, code)
    tier_ok, tier = _history_tier(cell("tier"), measure, row, issues, code, year, limits)
    amount = _history_amount(cell("amount"), row, issues, code)
    if code is None or year is None or measure is None or not tier_ok or amount is None:
        return None
    return _Payout(code, year, measure, tier, amount, row)


def _flag_duplicates(payouts: Sequence[_Payout], issues: _Issues) -> None:
    """Two rows for the same payout: an error on both rows."""
    first: dict[tuple[str, int, str, str | None], _Payout] = {}
    for payout in payouts:
        other = first.setdefault(payout.key(), payout)
        if other is payout:
            continue
        for this, that in ((other, payout), (payout, other)):
            issues.add(
                this.row,
                None,
                "",
                Say(
                    f"与第{that.row}行是同一笔发放（统一社会信用代码、年度、措施、档次均相同）",
                    f"the same payout (credit code, year, measure, tier) as row {that.row}",
                ),
                credit_code=this.credit_code,
            )


@dataclass(frozen=True)
class _History:
    sheet: str
    rows_read: int
    payouts: tuple[_Payout, ...]  # the rows without errors (so far)
    issues: _Issues
    readable: bool = True  # False: the header row has errors, so no row was read

    def importable(self, allow_errors: bool) -> bool:
        """Whether anything may be written: no errors, or errors allowed on a readable sheet."""
        if not self.readable:
            return False
        return allow_errors or not self.issues.error_rows()


def _read_history(workbook: Path, limits: Limits) -> _History:
    book = _open_workbook(workbook)
    sheet = _find_sheet(book, workbook, HISTORY_SHEET)
    if sheet is None:
        raise LedgerError(
            Say(
                f"{workbook} 中没有工作表 {HISTORY_SHEET[1]}（{HISTORY_SHEET[0]}）",
                f"{workbook} has no sheet {HISTORY_SHEET[0]} ({HISTORY_SHEET[1]})",
            )
        )
    issues = _Issues(HISTORY_SHEET[0])
    if (decorated := sheet.warning()) is not None:
        issues.add(None, None, sheet.name, decorated, severity="warning")
    for name, rows in unread_sheets(book, workbook, sheet.name, EXPORT_ENTRIES_SHEETS):
        issues.add(
            None,
            None,
            name,
            Say(
                f"工作表“{name}”未读取：其中有{rows}行非空行，但只导入 {HISTORY_SHEET[1]}（{HISTORY_SHEET[0]}）工作表；"
                "如为历史发放，请移到该表中",
                f"sheet {name!r} not read: it has {rows} non-blank rows, but only the {HISTORY_SHEET[0]} "
                f"({HISTORY_SHEET[1]}) sheet is imported; move its payouts there if it holds some",
            ),
            severity="warning",
        )
    columns = _history_columns(sheet.rows[0] if sheet.rows else (), issues)
    data = [(n, r) for n, r in enumerate(sheet.rows[1:], start=2) if not _blank_row(r)]
    if issues.has_errors():
        return _History(sheet.name, len(data), (), issues, readable=False)
    payouts = [p for n, r in data if (p := _history_row(r, columns, n, issues, limits)) is not None]
    _flag_duplicates(payouts, issues)
    bad = issues.error_rows()
    return _History(sheet.name, len(data), tuple(p for p in payouts if p.row not in bad), issues)


def _flag_conflicts(plan: _Plan, issues: _Issues) -> None:
    for payout, entry_id, amount in plan.conflicts:
        issues.add(
            payout.row,
            "amount",
            money_text(payout.amount),
            Say(
                f"台账中已有这笔发放（条目 {entry_id}），金额为 {money_text(amount)}：如条目 {entry_id} 有误，请先冲销",
                f"already in the ledger as entry {entry_id} with amount {money_text(amount)}:"
                f" reverse entry {entry_id} first if it is wrong",
            ),
            credit_code=payout.credit_code,
        )


def import_history(
    ledger: Path, workbook: Path, *, allow_errors: bool = False, rules: Rules | None = None, example: bool = False
) -> ImportReport:
    """Import payouts made before the tool existed (sheet ``payouts`` / 历史发放).

    A workbook with errors (bad cells, repeated rows, a payout already in the
    ledger with another amount) imports nothing, unless ``allow_errors``: then
    its good rows are imported.  Rows already in the ledger with the same amount
    are counted as already recorded.  A sales_milestone tier must be a threshold
    of ``rules`` (the shipped rule file when None) in force on 31 December of the
    row's year.  A workbook holding only the shipped example's enterprises is refused unless
    ``example`` (``ledger.example``).
    """
    must_exist(ledger)
    history = _read_history(workbook, Limits(rules if rules is not None else load_ledger_rules()))
    if not example and is_example(p.credit_code for p in history.payouts):
        raise example_history(workbook)
    if not history.importable(allow_errors):
        if history.payouts:  # report conflicts too, in the same pass
            with _reading(ledger, verify_all=True) as conn:
                _flag_conflicts(_plan(conn, history.payouts), history.issues)
        return _import_report(ledger, workbook, history, _Plan(), imported=False)
    source = _Source("import", str(workbook), file_sha256(workbook))
    with _writing(ledger) as conn:
        plan = _plan(conn, history.payouts)
        _flag_conflicts(plan, history.issues)
        if plan.conflicts and not allow_errors:
            return _import_report(ledger, workbook, history, _Plan(), imported=False)
        for payout in plan.add:
            if (found := reversed_before(conn, payout)) is not None:
                raw = money_text(payout.amount)
                history.issues.add(
                    payout.row, "amount", raw, reimported(found), severity="warning", credit_code=payout.credit_code
                )
        _insert_payouts(conn, source, plan.add)
    return _import_report(ledger, workbook, history, plan, imported=True)


def _import_report(ledger: Path, workbook: Path, history: _History, plan: _Plan, *, imported: bool) -> ImportReport:
    issues = tuple(sorted(history.issues.items, key=lambda h: (h.issue.row or 0, h.issue.severity != "notice")))
    return ImportReport(
        ledger=str(ledger),
        workbook=str(workbook),
        sheet=history.sheet,
        rows_read=history.rows_read,
        added=len(plan.add),
        already_recorded=len(plan.already),
        rejected=len(history.issues.error_rows()),
        history_issues=issues,
        imported=imported,
    )
