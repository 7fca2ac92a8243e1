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

import contextlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from tongnan_calc import __version__
from tongnan_calc.core.model import Basis, InputIssue, Line, Msg, Status
from tongnan_calc.core.money import fmt
from tongnan_calc.core.result import RunResult, require_all_lines
from tongnan_calc.core.say import Lang
from tongnan_calc.files.outputs import atomic_path
from tongnan_calc.report.layout import (
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
from tongnan_calc.report.seal import seal
from tongnan_calc.report.xlsx_book import MONEY_FORMAT, Bold, Book, BookProcess, Formula
from tongnan_calc.text.basis import basis_lines
from tongnan_calc.text.messages import render

WRITER = "xlsxwriter"
"""The library that writes the payout workbook (the benchmark's write floor uses the same)."""
MAX_INELIGIBLE_ROWS = 10_000
"""At most this many ineligible lines on the ineligible sheet (all of them are in the JSON)."""
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


class PayoutWriter:
    """Writes the payout workbook while the lines are being computed.

    ``add`` takes lines as they come (in line order); ``finish`` writes the input
    issues, the provenance and the summary once the run is complete, and
    ``close`` waits until the file is in place.  With ``in_process=False`` the
    xlsxwriter work is done by a second process (``xlsx_book.BookProcess``)."""

    def __init__(self, out: Path, lang: Lang, seal_key: SealKey, *, in_process: bool = True) -> None:
        self.lang = lang
        self.key = seal_key
        self._files = contextlib.ExitStack()  # the temporary file, renamed onto ``out`` by ``close``
        temporary = self._files.enter_context(atomic_path(out))
        try:
            self.book: Book | BookProcess = Book(temporary) if in_process else _process_or_here(temporary)
        except BaseException:
            self._discard()
            raise
        self._sheets = 0
        self.summary = self._sheet(sheet_name(SUMMARY, lang))
        self.sheet_of: dict[Status, int] = {}
        for status in (Status.PAYABLE, Status.PENDING, Status.FLAG, Status.BLOCKED, Status.INELIGIBLE):
            self.sheet_of[status] = self._sheet(sheet_name(SHEET_FOR_STATUS[status], lang), LINE_COLUMNS)
        self.counts = dict.fromkeys(Status, 0)
        self._reasons: dict[int, tuple[Msg, str]] = {}  # rendered once per reason object
        self._bases: dict[int, tuple[Basis, str]] = {}  # likewise for the bases ineligible lines share
        self._open = True

    def _sheet(self, title: str, columns: Sequence[Column] | None = None) -> int:
        index = self._sheets
        self._sheets += 1
        self.book.apply(("sheet", title))
        if columns is not None:
            self.header(index, columns)
        return index

    def header(self, sheet: int, columns: Sequence[Column]) -> None:
        heads = [column.zh if self.lang == "zh" else column.en for column in columns]
        self.book.apply(("header", sheet, [column.width for column in columns], heads))

    def rows(self, sheet: int, rows: list[list[object]]) -> None:
        self.book.apply(("rows", sheet, rows))

    def add(self, lines: Sequence[Line]) -> None:
        """Lines in line order; ineligible ones beyond ``MAX_INELIGIBLE_ROWS`` are counted, not written."""
        grouped: dict[Status, list[tuple[object, ...]]] = {}
        counts, cap = self.counts, MAX_INELIGIBLE_ROWS
        for line in lines:
            status = line.status
            counts[status] += 1
            if status is Status.INELIGIBLE and counts[status] > cap:
                continue
            rows = grouped.get(status)
            if rows is None:
                rows = grouped[status] = []
            rows.append(self._line_row(line))
        for status, rows in grouped.items():
            self.book.apply(("lines", self.sheet_of[status], rows))

    def _line_row(self, line: Line) -> tuple[object, ...]:
        found = self._reasons.get(id(line.reason))
        if found is None or found[0] is not line.reason:
            if len(self._reasons) > 50_000:  # most reasons are one line's own: keep the cache small
                self._reasons.clear()
            found = self._reasons[id(line.reason)] = (line.reason, render(line.reason, self.lang))
        known = self._bases.get(id(line.basis))
        if known is None or known[0] is not line.basis:
            known = (line.basis, "\n".join(basis_lines(line.basis, self.lang)))
            if line.amount is None:
                if len(self._bases) > 50_000:
                    self._bases.clear()
                self._bases[id(line.basis)] = known
        return (
            line.credit_code,
            line.name,
            line.measure,
            line.clause,
            None if line.tier is None else float(line.tier),
            None if line.amount is None else float(line.amount),
            "、".join(line.responsible) if line.responsible else "",
            found[1],
            known[1],
            self.key.check(line),
        )

    def finish(self, result: RunResult) -> None:
        """The input issues, the provenance and the summary: the run is complete."""
        lang = self.lang
        _issues_sheet(self, self._sheet(sheet_name(ISSUES, lang), ISSUE_COLUMNS), result.batch.issues)
        _provenance_sheet(self, result)
        _summary(self, result, sheet_name(PAYABLE, lang), self.counts[Status.PAYABLE], self.counts[Status.INELIGIBLE])

    def close(self) -> None:
        """Wait for the workbook and put it in place (atomically)."""
        self._open = False
        try:
            self.book.close()
        except BaseException:
            self._discard()
            raise
        self._files.close()

    def abort(self) -> None:
        """No workbook: stop the writer and remove the temporary file."""
        if self._open:
            self._open = False
            if isinstance(self.book, BookProcess):
                self.book.abort()
            self._discard()

    def _discard(self) -> None:
        """Remove the temporary file without putting it in place."""
        aborted = RuntimeError("no workbook")
        with contextlib.suppress(OSError):
            self._files.__exit__(RuntimeError, aborted, None)


def _process_or_here(temporary: Path) -> Book | BookProcess:
    """A writer process; in this process when none can be started (a locked-down machine)."""
    try:
        return BookProcess(temporary)
    except OSError:
        return Book(temporary)


@dataclass(frozen=True)
class SealKey:
    """What a payable line's check value (校验码) covers besides the line itself."""

    year: int
    rules_sha256: str
    input_sha256: str

    def check(self, line: Line) -> str:
        if line.status is not Status.PAYABLE or line.amount is None:
            return ""
        return seal(
            year=self.year,
            rules_sha256=self.rules_sha256,
            input_sha256=self.input_sha256,
            credit_code=line.credit_code,
            measure=line.measure,
            tier=line.tier,
            amount=line.amount,
        )


PARALLEL_FROM = 5_000
"""Lines from which the workbook is written by a second process (below, the process start costs more)."""


def use_writer_process(expected_lines: int) -> bool:
    """A second process for a large workbook; ``TONGNAN_WRITER_PROCESS=0|1`` forces the choice."""
    forced = os.environ.get("TONGNAN_WRITER_PROCESS")
    if forced in ("0", "1"):
        return forced == "1"
    return expected_lines >= PARALLEL_FROM and (os.cpu_count() or 1) > 1


def write_payout_workbook(result: RunResult, out: Path, lang: Lang = "zh", *, in_process: bool = True) -> None:
    """Write the payout workbook of a finished run atomically to ``out``."""
    require_all_lines(result)  # the workbook's line sheets are written from the result's lines
    key = SealKey(result.year, result.rules.sha256, result.input_sha256)
    writer = PayoutWriter(out, lang, key, in_process=in_process)
    try:
        writer.add(result.lines)
        writer.finish(result)
    except BaseException:
        writer.abort()
        raise
    writer.close()


def _issues_sheet(writer: PayoutWriter, sheet: int, issues: Sequence[InputIssue]) -> None:
    lang = writer.lang
    rows: list[list[object]] = [
        [issue.sheet, issue.row, issue.column, issue.header, issue.value, issue.severity_text(lang), issue.text(lang)]
        for issue in issues
    ]
    writer.rows(sheet, rows)


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


def _provenance_sheet(writer: PayoutWriter, result: RunResult) -> None:
    lang = writer.lang
    columns = (
        Column("key", "key", "key", 22),
        Column("item", "项目", "item", 24),
        Column("value", "内容", "value", 70),
    )
    sheet = writer._sheet(sheet_name(PROVENANCE, lang), columns)
    values = provenance_values(result)
    rows: list[list[object]] = []
    for key, zh, en in PROVENANCE_ROWS:
        shown = values[key] if values[key] or key != "ledger" else ("未使用台账" if lang == "zh" else "none")
        rows.append([key, zh if lang == "zh" else en, shown])
    writer.rows(sheet, rows)


class _Rows:
    """Rows being laid out, numbered as they will be on the sheet (``rows`` so far)."""

    def __init__(self) -> None:
        self.cells: list[list[object]] = []

    @property
    def rows(self) -> int:
        return len(self.cells)

    def row(self, values: list[object]) -> None:
        self.cells.append(values)


def _summary(writer: PayoutWriter, result: RunResult, payable: str, count: int, ineligible: int) -> None:
    """Totals by measure (SUMIF over the payable sheet) and by responsible unit (SUM of those)."""
    lang = writer.lang
    zh = lang == "zh"
    writer.book.apply(("widths", writer.summary, (18, 10, 44, 36, 12, 18, 18)))
    sheet = _Rows()
    title = (
        f"潼南区电子商务政策 {result.year}年度 兑付汇总" if zh else f"Tongnan e-commerce policy payouts {result.year}"
    )
    sheet.row([Bold(title)])
    sheet.row([f"规则版本 {result.rules.version}" if zh else f"rules version {result.rules.version}"])
    heads = (
        ("措施", "条款", "名称", "责任单位", "应付行数", "应付金额（元）", "核对：计算值")
        if zh
        else ("measure", "clause", "title", "responsible units", "payable lines", "payable (yuan)", "check: computed")
    )
    sheet.row([Bold(h) for h in heads])
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
                Formula(f'=COUNTIF({measure_range},"{measure_id}")', False),
                Formula(f'=SUMIF({measure_range},"{measure_id}",{amount_range})'),
                result.totals.by_measure[measure_id],
            ]
        )
    last_row = sheet.rows
    sheet.row(
        [
            Bold("合计" if zh else "total"),
            None,
            None,
            None,
            Formula(f"=SUM(E{first_row}:E{last_row})", False),
            Formula(f"=SUM(F{first_row}:F{last_row})"),
            result.totals.payable,
        ]
    )
    sheet.row([])
    sheet.row(
        [
            Bold("责任单位" if zh else "responsible unit"),
            None,
            Bold("说明" if zh else "note"),
            None,
            None,
            Bold("应付金额（元）" if zh else "payable (yuan)"),
            Bold("核对：计算值" if zh else "check: computed"),
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
                Formula(f"=SUM({cells})"),
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
    writer.rows(writer.summary, sheet.cells)


def _units(result: RunResult) -> dict[str, list[str]]:
    units: dict[str, list[str]] = {}
    for measure_id, spec in result.rules.measures.items():
        for unit in spec.responsible:
            units.setdefault(unit, []).append(measure_id)
    return units
