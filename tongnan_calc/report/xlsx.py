"""The Excel payout workbook for the finance bureau (SPEC §7).

Sheets: summary (SUM formulas over the payable sheet, by measure and by
responsible unit), payable, pending, flags, blocked, ineligible lines, input
issues, provenance.  Money cells are numbers formatted ``#,##0.00``; every text
cell is written as a string, so input text never becomes a formula.  The file is
written to a temporary name beside the target and renamed into place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from tongnan_calc import __version__
from tongnan_calc.messages import Lang, render
from tongnan_calc.model import InputIssue, Line, Status
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


def write_payout_workbook(result: RunResult, out: Path, lang: Lang = "zh") -> None:
    """Write the payout workbook atomically to ``out``."""
    book = Workbook(write_only=True)
    grouped: dict[Status, list[Line]] = {status: [] for status in Status}
    for line in result.lines:
        grouped[line.status].append(line)
    summary = Sheet(book, sheet_name(SUMMARY, lang))
    payable_name = sheet_name(PAYABLE, lang)
    for status in (Status.PAYABLE, Status.PENDING, Status.FLAG, Status.BLOCKED, Status.INELIGIBLE):
        _lines_sheet(book, sheet_name(SHEET_FOR_STATUS[status], lang), grouped[status], result, lang)
    _issues_sheet(book, sheet_name(ISSUES, lang), result.batch.issues, lang)
    _provenance_sheet(book, sheet_name(PROVENANCE, lang), result, lang)
    _summary(summary, result, payable_name, len(grouped[Status.PAYABLE]), lang)
    with atomic_path(out) as temporary:
        book.save(temporary)


def _line_cells(sheet: Sheet, line: Line, result: RunResult, lang: Lang) -> list[WriteOnlyCell]:
    check = ""
    if line.status is Status.PAYABLE and line.amount is not None:
        check = seal(
            year=result.year,
            rules_sha256=result.rules.sha256,
            input_sha256=result.input_sha256,
            credit_code=line.credit_code,
            measure=line.measure,
            tier=line.tier,
            amount=line.amount,
        )
    return [
        sheet.text(line.credit_code),
        sheet.text(line.name),
        sheet.text(line.measure),
        sheet.text(line.clause),
        sheet.money(line.tier),
        sheet.money(line.amount),
        sheet.text("、".join(line.responsible)),
        sheet.text(render(line.reason, lang)),
        sheet.text("\n".join(line.basis.lines())),
        sheet.text(check),
    ]


def _lines_sheet(book: Workbook, title: str, lines: list[Line], result: RunResult, lang: Lang) -> None:
    sheet = Sheet(book, title)
    sheet.header(LINE_COLUMNS, lang)
    for line in lines:
        sheet.append(_line_cells(sheet, line, result, lang))


def _issues_sheet(book: Workbook, title: str, issues: Sequence[InputIssue], lang: Lang) -> None:
    sheet = Sheet(book, title)
    sheet.header(ISSUE_COLUMNS, lang)
    for issue in issues:
        sheet.append(
            [
                sheet.text(issue.sheet),
                sheet.number(issue.row),
                sheet.text(issue.column),
                sheet.text(issue.header),
                sheet.text(issue.value),
                sheet.text(issue.severity),
                sheet.text(issue.message),
            ]
        )


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


def _provenance_sheet(book: Workbook, title: str, result: RunResult, lang: Lang) -> None:
    sheet = Sheet(book, title)
    columns = (
        Column("key", "key", "key", 22),
        Column("item", "项目", "item", 24),
        Column("value", "内容", "value", 70),
    )
    sheet.header(columns, lang)
    values = provenance_values(result)
    for key, zh, en in PROVENANCE_ROWS:
        shown = values[key] if values[key] or key != "ledger" else ("未使用台账" if lang == "zh" else "none")
        sheet.append([sheet.text(key), sheet.text(zh if lang == "zh" else en), sheet.text(shown)])


def _summary(sheet: Sheet, result: RunResult, payable: str, count: int, lang: Lang) -> None:
    """Totals by measure (SUMIF over the payable sheet) and by responsible unit (SUM of those)."""
    zh = lang == "zh"
    for index, width in enumerate((18, 10, 44, 36, 12, 18, 18), start=1):
        sheet.ws.column_dimensions[get_column_letter(index)].width = width
    title = (
        f"潼南区电子商务政策 {result.year}年度 兑付汇总" if zh else f"Tongnan e-commerce policy payouts {result.year}"
    )
    sheet.append([sheet.bold(title)])
    sheet.append([sheet.text(f"规则版本 {result.rules.version}" if zh else f"rules version {result.rules.version}")])
    heads = (
        ("措施", "条款", "名称", "责任单位", "应付行数", "应付金额（元）", "核对：计算值")
        if zh
        else ("measure", "clause", "title", "responsible units", "payable lines", "payable (yuan)", "check: computed")
    )
    sheet.append([sheet.bold(h) for h in heads])
    last = max(count + 1, 2)
    measure_range = f"'{payable}'!$C$2:$C${last}"
    amount_range = f"'{payable}'!$F$2:$F${last}"
    first_row = sheet.rows + 1
    rows_of: dict[str, int] = {}
    for measure_id, spec in result.rules.measures.items():
        row = sheet.rows + 1
        rows_of[measure_id] = row
        sheet.append(
            [
                sheet.text(measure_id),
                sheet.text(spec.clause),
                sheet.text(spec.title),
                sheet.text("、".join(spec.responsible)),
                sheet.formula(f'=COUNTIF({measure_range},"{measure_id}")', money=False),
                sheet.formula(f'=SUMIF({measure_range},"{measure_id}",{amount_range})'),
                sheet.money(result.totals.by_measure[measure_id]),
            ]
        )
    last_row = sheet.rows
    sheet.append(
        [
            sheet.bold("合计" if zh else "total"),
            None,
            None,
            None,
            sheet.formula(f"=SUM(E{first_row}:E{last_row})", money=False),
            sheet.formula(f"=SUM(F{first_row}:F{last_row})"),
            sheet.money(result.totals.payable),
        ]
    )
    sheet.append([])
    sheet.append(
        [
            sheet.bold("责任单位" if zh else "responsible unit"),
            None,
            sheet.bold("说明" if zh else "note"),
            None,
            None,
            sheet.bold("应付金额（元）" if zh else "payable (yuan)"),
            sheet.bold("核对：计算值" if zh else "check: computed"),
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
        sheet.append(
            [
                sheet.text(unit),
                None,
                sheet.text(note),
                None,
                None,
                sheet.formula(f"=SUM({cells})"),
                sheet.money(computed),
            ]
        )
    sheet.append([])
    counts = result.totals.counts
    labels = {
        Status.PENDING: "待定行数" if zh else "pending lines",
        Status.FLAG: "标记行数" if zh else "flag lines",
        Status.BLOCKED: "无法计算行数" if zh else "blocked lines",
        Status.INELIGIBLE: "不符合条件行数" if zh else "ineligible lines",
    }
    for status, label in labels.items():
        sheet.append([sheet.text(label), sheet.number(counts[status])])
    errors = sum(1 for issue in result.batch.issues if issue.severity == "error")
    sheet.append([sheet.text("输入错误数" if zh else "input errors"), sheet.number(errors)])


def _units(result: RunResult) -> dict[str, list[str]]:
    units: dict[str, list[str]] = {}
    for measure_id, spec in result.rules.measures.items():
        for unit in spec.responsible:
            units.setdefault(unit, []).append(measure_id)
    return units
