"""The Excel payout workbook for the finance bureau (SPEC §7).

Sheets: summary (SUM formulas over the payable sheet, by measure and by
responsible unit), payable, pending, flags, blocked, ineligible lines, input
issues, provenance.  Money cells are numbers formatted ``#,##0.00``; every text
cell is written as a string (``write_string``), so input text never becomes a
formula.  The file is written to a temporary name beside the target and renamed
into place.

The payout workbook is written with xlsxwriter in constant-memory mode: at
province scale (hundreds of thousands of lines) it writes the same rows about
1.5 times as fast as openpyxl's write-only mode, and in little memory.  Every
payable, pending, flag and blocked line is written; ineligible lines are written
up to ``MAX_INELIGIBLE_ROWS`` (the summary says how many were left out; the JSON
output lists them all).  ``Sheet`` (openpyxl write-only) serves the comparison
workbook.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped, unused-ignore]
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from tongnan_calc import __version__
from tongnan_calc.messages import Lang, render
from tongnan_calc.model import Basis, InputIssue, Line, Msg, Status
from tongnan_calc.money import fmt
from tongnan_calc.outputs import atomic_path
from tongnan_calc.payout_layout import (
    BLOCKED,
    FLAGS,
    INELIGIBLE,
    ISSUE_COLUMNS,
    ISSUES,
    LINE_COLUMNS,
    PAYABLE,
    PENDING,
    PROVENANCE,
    PROVENANCE_ROWS,
    SUMMARY,
    TOOL_NAME,
    Column,
)
from tongnan_calc.runner import RunResult
from tongnan_calc.seal import seal

WRITER = "xlsxwriter"
"""The library that writes the payout workbook (the benchmark's write floor uses the same)."""
MAX_INELIGIBLE_ROWS = 10_000
"""At most this many ineligible lines on the ineligible sheet (all of them are in the JSON)."""
MONEY_FORMAT = "#,##0.00"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")

SHEET_FOR_STATUS = {
    Status.PAYABLE: PAYABLE,
    Status.PENDING: PENDING,
    Status.FLAG: FLAGS,
    Status.BLOCKED: BLOCKED,
    Status.INELIGIBLE: INELIGIBLE,
}


def sheet_name(names: tuple[str, str], lang: Lang) -> str:
    return names[0] if lang == "zh" else names[1]


class Sheet:
    """A write-only sheet with typed cell helpers: text is always text."""

    def __init__(self, book: Workbook, title: str) -> None:
        self.ws: WriteOnlyWorksheet = book.create_sheet(title)
        self.rows = 0

    def header(self, columns: Sequence[Column], lang: Lang) -> None:
        for index, column in enumerate(columns, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = column.width
        self.ws.freeze_panes = "A2"
        self.append([self.bold(column.zh if lang == "zh" else column.en) for column in columns])

    def text(self, value: str | None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value="" if value is None else value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell

    def bold(self, value: str) -> WriteOnlyCell:
        cell = self.text(value)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        return cell

    def money(self, value: Decimal | None) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=None if value is None else value)
        cell.number_format = MONEY_FORMAT
        return cell

    def formula(self, text: str, money: bool = True) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=text)
        if money:
            cell.number_format = MONEY_FORMAT
        return cell

    def number(self, value: int | None) -> WriteOnlyCell:
        return WriteOnlyCell(self.ws, value=value)

    def append(self, cells: Iterable[Any]) -> None:
        self.ws.append(list(cells))
        self.rows += 1


class _Out:
    """One worksheet of the payout workbook (xlsxwriter), with typed cell writers: text is always text."""

    def __init__(self, book: _Book, title: str) -> None:
        self.book = book
        self.ws = book.xl.add_worksheet(title)
        self.rows = 0

    def widths(self, widths: Iterable[float]) -> None:
        for index, width in enumerate(widths):
            self.ws.set_column(index, index, width)

    def header(self, columns: Sequence[Column], lang: Lang) -> None:
        self.widths(column.width for column in columns)
        self.ws.freeze_panes(1, 0)
        self.bold_row([column.zh if lang == "zh" else column.en for column in columns])

    def bold_row(self, values: Sequence[str | None]) -> None:
        for col, value in enumerate(values):
            if value:
                self.ws.write_string(self.rows, col, value, self.book.bold)
        self.rows += 1

    def row(self, values: Sequence[object]) -> None:
        """Cells of a row: ``str`` as text, ``Decimal`` as money, ``int`` as a number, ``_Formula``; ``None`` blank."""
        ws, r, book = self.ws, self.rows, self.book
        for col, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, str):
                ws.write_string(r, col, value)
            elif isinstance(value, Decimal):
                ws.write_number(r, col, float(value), book.money)
            elif isinstance(value, _Formula):
                # no cached value: the spreadsheet computes it (an empty <v> also forces a recalculation)
                ws.write_formula(r, col, value.text, book.money if value.money else None, "")
            elif isinstance(value, _Bold):
                ws.write_string(r, col, value.text, book.bold)
            else:
                ws.write_number(r, col, value)
        self.rows += 1


class _Formula:
    __slots__ = ("money", "text")

    def __init__(self, text: str, money: bool = True) -> None:
        self.text, self.money = text, money


class _Bold:
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class _Book:
    def __init__(self, path: Path) -> None:
        self.xl = xlsxwriter.Workbook(
            str(path),
            {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
        )
        self.money = self.xl.add_format({"num_format": MONEY_FORMAT})
        self.bold = self.xl.add_format({"bold": True, "bg_color": "#DDEBF7", "pattern": 1})


def write_payout_workbook(result: RunResult, out: Path, lang: Lang = "zh") -> None:
    """Write the payout workbook atomically to ``out``."""
    grouped: dict[Status, list[Line]] = {status: [] for status in Status}
    for line in result.lines:
        grouped[line.status].append(line)
    with atomic_path(out) as temporary:
        book = _Book(temporary)
        summary = _Out(book, sheet_name(SUMMARY, lang))
        for status in (Status.PAYABLE, Status.PENDING, Status.FLAG, Status.BLOCKED, Status.INELIGIBLE):
            lines = grouped[status]
            if status is Status.INELIGIBLE:
                lines = lines[:MAX_INELIGIBLE_ROWS]
            _lines_sheet(book, sheet_name(SHEET_FOR_STATUS[status], lang), lines, result, lang)
        _issues_sheet(book, sheet_name(ISSUES, lang), result.batch.issues, lang)
        _provenance_sheet(book, sheet_name(PROVENANCE, lang), result, lang)
        ineligible = len(grouped[Status.INELIGIBLE])
        _summary(summary, result, sheet_name(PAYABLE, lang), len(grouped[Status.PAYABLE]), lang, ineligible)
        book.xl.close()


def _seal(line: Line, result: RunResult) -> str:
    if line.status is not Status.PAYABLE or line.amount is None:
        return ""
    return seal(
        year=result.year,
        rules_sha256=result.rules.sha256,
        input_sha256=result.input_sha256,
        credit_code=line.credit_code,
        measure=line.measure,
        tier=line.tier,
        amount=line.amount,
    )


def _lines_sheet(book: _Book, title: str, lines: list[Line], result: RunResult, lang: Lang) -> None:
    sheet = _Out(book, title)
    sheet.header(LINE_COLUMNS, lang)
    ws, money = sheet.ws, book.money
    reasons: dict[int, tuple[Msg, str]] = {}  # rendered once per reason object
    bases: dict[int, tuple[Basis, str]] = {}  # likewise for the bases ineligible lines share
    for r, line in enumerate(lines, start=1):
        ws.write_string(r, 0, line.credit_code)
        if line.name:
            ws.write_string(r, 1, line.name)
        ws.write_string(r, 2, line.measure)
        ws.write_string(r, 3, line.clause)
        if line.tier is not None:
            ws.write_number(r, 4, float(line.tier), money)
        if line.amount is not None:
            ws.write_number(r, 5, float(line.amount), money)
        if line.responsible:
            ws.write_string(r, 6, "、".join(line.responsible))
        found = reasons.get(id(line.reason))
        if found is None or found[0] is not line.reason:
            found = reasons[id(line.reason)] = (line.reason, render(line.reason, lang))
        if found[1]:
            ws.write_string(r, 7, found[1])
        known = bases.get(id(line.basis))
        if known is None or known[0] is not line.basis:
            known = (line.basis, "\n".join(line.basis.lines()))
            if line.amount is None:
                bases[id(line.basis)] = known
        if known[1]:
            ws.write_string(r, 8, known[1])
        check = _seal(line, result)
        if check:
            ws.write_string(r, 9, check)
    sheet.rows = len(lines) + 1


def _issues_sheet(book: _Book, title: str, issues: Sequence[InputIssue], lang: Lang) -> None:
    sheet = _Out(book, title)
    sheet.header(ISSUE_COLUMNS, lang)
    for issue in issues:
        severity, message = issue.severity_text(lang), issue.text(lang)
        sheet.row([issue.sheet, issue.row, issue.column, issue.header, issue.value, severity, message])


def provenance_values(result: RunResult) -> dict[str, str]:
    return {
        "tool": TOOL_NAME,
        "tool_version": __version__,
        "year": str(result.year),
        "rules_path": result.rules.path,
        "rules_version": result.rules.version,
        "rules_sha256": result.rules.sha256,
        "input_path": result.input_path,
        "input_sha256": result.input_sha256,
        "ledger": "" if result.ledger is None else result.ledger.path,
        "prior_payouts_read": "" if result.ledger is None else str(result.ledger.prior_read),
        "generated_at": result.generated_at.isoformat(),
        "payable_total": fmt(result.totals.payable),
        "payable_lines": str(result.totals.counts[Status.PAYABLE]),
    }


def _provenance_sheet(book: _Book, title: str, result: RunResult, lang: Lang) -> None:
    sheet = _Out(book, title)
    columns = (
        Column("key", "key", "key", 22),
        Column("item", "项目", "item", 24),
        Column("value", "内容", "value", 70),
    )
    sheet.header(columns, lang)
    values = provenance_values(result)
    for key, zh, en in PROVENANCE_ROWS:
        shown = values[key] if values[key] or key != "ledger" else ("未使用台账" if lang == "zh" else "none")
        sheet.row([key, zh if lang == "zh" else en, shown])


def _summary(sheet: _Out, result: RunResult, payable: str, count: int, lang: Lang, ineligible: int) -> None:
    """Totals by measure (SUMIF over the payable sheet) and by responsible unit (SUM of those)."""
    zh = lang == "zh"
    sheet.widths((18, 10, 44, 36, 12, 18, 18))
    title = (
        f"潼南区电子商务政策 {result.year}年度 兑付汇总" if zh else f"Tongnan e-commerce policy payouts {result.year}"
    )
    sheet.row([_Bold(title)])
    sheet.row([f"规则版本 {result.rules.version}" if zh else f"rules version {result.rules.version}"])
    heads = (
        ("措施", "条款", "名称", "责任单位", "应付行数", "应付金额（元）", "核对：计算值")
        if zh
        else ("measure", "clause", "title", "responsible units", "payable lines", "payable (yuan)", "check: computed")
    )
    sheet.row([_Bold(h) for h in heads])
    last = max(count + 1, 2)
    measure_range = f"'{payable}'!$C$2:$C${last}"
    amount_range = f"'{payable}'!$F$2:$F${last}"
    first_row = sheet.rows + 1
    rows_of: dict[str, int] = {}
    for measure_id, spec in result.rules.measures.items():
        row = sheet.rows + 1
        rows_of[measure_id] = row
        sheet.row(
            [
                measure_id,
                spec.clause,
                spec.title,
                "、".join(spec.responsible),
                _Formula(f'=COUNTIF({measure_range},"{measure_id}")', False),
                _Formula(f'=SUMIF({measure_range},"{measure_id}",{amount_range})'),
                result.totals.by_measure[measure_id],
            ]
        )
    last_row = sheet.rows
    sheet.row(
        [
            _Bold("合计" if zh else "total"),
            None,
            None,
            None,
            _Formula(f"=SUM(E{first_row}:E{last_row})", False),
            _Formula(f"=SUM(F{first_row}:F{last_row})"),
            result.totals.payable,
        ]
    )
    sheet.row([])
    sheet.row(
        [
            _Bold("责任单位" if zh else "responsible unit"),
            None,
            _Bold("说明" if zh else "note"),
            None,
            None,
            _Bold("应付金额（元）" if zh else "payable (yuan)"),
            _Bold("核对：计算值" if zh else "check: computed"),
        ]
    )
    note = (
        "所负责措施的应付合计（共同负责的措施各单位均计入）"
        if zh
        else "payable under the measures it is responsible for (shared measures count for each unit)"
    )
    for unit, measures in _units(result).items():
        cells = ",".join(f"F{rows_of[m]}" for m in measures)
        computed = sum((result.totals.by_measure[m] for m in measures), Decimal("0.00"))
        sheet.row(
            [
                unit,
                None,
                note,
                None,
                None,
                _Formula(f"=SUM({cells})"),
                computed,
            ]
        )
    sheet.row([])
    counts = result.totals.counts
    labels = {
        Status.PENDING: "待定行数" if zh else "pending lines",
        Status.FLAG: "标记行数" if zh else "flag lines",
        Status.BLOCKED: "无法计算行数" if zh else "blocked lines",
        Status.INELIGIBLE: "不符合条件行数" if zh else "ineligible lines",
    }
    for status, label in labels.items():
        sheet.row([label, counts[status]])
    errors = sum(1 for issue in result.batch.issues if issue.severity == "error")
    sheet.row(["输入错误数" if zh else "input errors", errors])
    if ineligible > MAX_INELIGIBLE_ROWS:
        sheet.row(
            [
                "注" if zh else "note",
                f"不符合条件的 {ineligible} 行中，“{sheet_name(INELIGIBLE, lang)}”表只列出前 {MAX_INELIGIBLE_ROWS} 行；"
                "完整列表见 JSON 输出（--json）"
                if zh
                else f"the {sheet_name(INELIGIBLE, lang)} sheet lists the first {MAX_INELIGIBLE_ROWS} of "
                f"{ineligible} ineligible lines; the JSON output (--json) lists them all",
            ]
        )


def _units(result: RunResult) -> dict[str, list[str]]:
    units: dict[str, list[str]] = {}
    for measure_id, spec in result.rules.measures.items():
        for unit in spec.responsible:
            units.setdefault(unit, []).append(measure_id)
    return units
