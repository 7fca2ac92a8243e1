"""Exporting the ledger to a workbook (openpyxl) that ``ledger import`` reads back."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from tongnan_calc.core.say import Lang, Say
from tongnan_calc.files.outputs import save_atomic
from tongnan_calc.ledger.connection import _reading
from tongnan_calc.ledger.entries import KIND_ZH, Entry, _entries
from tongnan_calc.ledger.history import HISTORY_SHEET
from tongnan_calc.ledger.schema import LedgerError

# Sheet names and headings in Chinese (the default) or English (``lang="en"``); the
# payouts sheet is re-importable with `ledger import` in both: its names are the
# history sheet's and columns' Chinese names or keys.
EXPORT_PAYOUTS_SHEET: Final = HISTORY_SHEET[1]  # 历史发放
EXPORT_ENTRIES_SHEET: Final = "全部记录"
EXPORT_SHEETS: Final[dict[Lang, tuple[str, str]]] = {
    "zh": (EXPORT_PAYOUTS_SHEET, EXPORT_ENTRIES_SHEET),
    "en": (HISTORY_SHEET[0], "entries"),
}
MONEY_FORMAT: Final = "#,##0.00"
TIER_FORMAT: Final = "#,##0"

# (Chinese heading, English heading, width, number format or None) — payouts in force, in the import layout
_PAYOUT_HEADINGS: Final = (
    ("统一社会信用代码", "credit_code", 22, None),
    ("年度", "year", 8, None),
    ("措施", "measure", 18, None),
    ("档次", "tier", 16, TIER_FORMAT),
    ("金额", "amount", 16, MONEY_FORMAT),
    ("条目号", "entry_id", 8, None),
    ("来源", "source", 40, None),
    ("记录时间", "recorded_at", 28, None),
)
_ENTRY_HEADINGS: Final = (
    ("条目号", "entry_id", 8, None),
    ("类型", "kind", 10, None),
    ("统一社会信用代码", "credit_code", 22, None),
    ("年度", "year", 8, None),
    ("措施", "measure", 18, None),
    ("档次", "tier", 16, TIER_FORMAT),
    ("金额", "amount", 16, MONEY_FORMAT),
    ("冲销的条目号", "reverses", 12, None),
    ("被冲销于条目号", "reversed_by", 14, None),
    ("原因", "reason", 30, None),
    ("来源", "source", 40, None),
    ("记录时间", "recorded_at", 28, None),
)

XlsxValue = str | int | Decimal | None


def _payout_row(entry: Entry, lang: Lang) -> tuple[XlsxValue, ...]:
    return (
        entry.credit_code,
        entry.year,
        entry.measure,
        entry.tier,
        entry.amount,
        entry.id,
        entry.source_in(lang),
        entry.recorded_at,
    )


def _entry_row(entry: Entry, lang: Lang) -> tuple[XlsxValue, ...]:
    return (
        entry.id,
        KIND_ZH[entry.kind] if lang == "zh" else entry.kind,
        entry.credit_code,
        entry.year,
        entry.measure,
        entry.tier,
        entry.amount,
        entry.reverses,
        entry.reversed_by,
        entry.reason,
        entry.source_in(lang),
        entry.recorded_at,
    )


def _cannot_write(out: Path, why: Say) -> LedgerError:
    return LedgerError(Say(f"无法写入 {out}：{why.zh}", f"cannot write {out}: {why.en}"))


def export(ledger: Path, out: Path, lang: Lang = "zh") -> int:
    """Write the ledger to ``out`` (.xlsx); returns the number of entries written.

    Sheet 历史发放 (``payouts`` in English) holds the payouts in force in the
    history-import layout (so the file can be imported into another ledger);
    sheet 全部记录 (``entries``) holds every entry, reversals included.  The file
    is replaced atomically.
    """
    if out.suffix.lower() != ".xlsx":
        raise _cannot_write(out, Say("文件名须以 .xlsx 结尾", "the file name must end in .xlsx"))
    if not out.parent.is_dir():
        raise _cannot_write(out, Say(f"文件夹 {out.parent} 不存在", f"folder {out.parent} does not exist"))
    if out.is_dir():
        raise _cannot_write(out, Say("这是一个文件夹", "it is a folder"))
    if out.resolve() == ledger.resolve():
        raise LedgerError(
            Say(
                f"{out} 就是台账本身（本命令的输入）：请换一个文件名",
                f"{out} is the ledger itself, an input of this command: give another file name",
            )
        )
    with _reading(ledger) as conn:
        entries = _entries(conn)
    payouts_sheet, entries_sheet = EXPORT_SHEETS[lang]
    sheets = (
        (payouts_sheet, _headings(_PAYOUT_HEADINGS, lang), [_payout_row(e, lang) for e in entries if e.in_force]),
        (entries_sheet, _headings(_ENTRY_HEADINGS, lang), [_entry_row(e, lang) for e in entries]),
    )
    _write_xlsx_atomically(out, sheets)
    return len(entries)


Heading = tuple[str, int, str | None]

HISTORY_ROW = tuple[str, int, str, Decimal | None, Decimal]
"""A row of a history workbook: credit code, year, measure, tier (sales_milestone only), amount."""

_HISTORY_NOTES: Final[dict[Lang, tuple[str, ...]]] = {
    "zh": (
        "历史发放：本工具启用之前已发放的奖补，每笔一行，用 `tongnan-calc ledger import` 导入台账。",
        "统一社会信用代码：18位；年度：发放所属的计算年度，如 2015；",
        "措施：rent、spin_off、data_line、sales_milestone、loan_interest 之一；",
        "档次：只有 sales_milestone 填写，为档次门槛金额（元），如 50000000；其他措施留空；",
        "金额：实际发放的金额（元），最多两位小数。",
    ),
    "en": (
        "payouts: support paid before the tool existed, one payout a row; import it with `tongnan-calc ledger import`.",
        "credit_code: 18 characters; year: the calculation year it was paid for, e.g. 2015;",
        "measure: one of rent, spin_off, data_line, sales_milestone, loan_interest;",
        "tier: sales_milestone only, the tier's threshold in yuan, e.g. 50000000; blank for the others;",
        "amount: the amount paid in yuan, at most two decimals.",
    ),
}


def write_history_workbook(out: Path, rows: Sequence[HISTORY_ROW] = (), lang: Lang = "zh") -> None:
    """A history workbook for `ledger import`: sheet 历史发放 (``payouts``) with ``rows`` (none: a blank
    one to fill in, ``template --history``), and a sheet of notes named as the instructions sheet the
    import passes over (说明 / ``instructions``, ``sheets.unread_sheets``)."""
    if out.suffix.lower() != ".xlsx":
        raise _cannot_write(out, Say("文件名须以 .xlsx 结尾", "the file name must end in .xlsx"))
    payouts_sheet = EXPORT_SHEETS[lang][0]
    notes = [(line,) for line in _HISTORY_NOTES[lang]]
    notes_sheet = "说明" if lang == "zh" else "instructions"
    _write_xlsx_atomically(
        out,
        (
            (payouts_sheet, _headings(_PAYOUT_HEADINGS[:5], lang), rows),
            (notes_sheet, ((notes_sheet, 110, None),), notes),
        ),
    )


def _headings(table: Sequence[tuple[str, str, int, str | None]], lang: Lang) -> tuple[Heading, ...]:
    return tuple((zh if lang == "zh" else en, width, number_format) for zh, en, width, number_format in table)


def _write_xlsx_atomically(
    out: Path, sheets: Sequence[tuple[str, Sequence[Heading], Sequence[Sequence[XlsxValue]]]]
) -> None:
    from openpyxl import Workbook

    book: Any = Workbook()  # openpyxl objects are typed loosely: its stubs are optional
    book.remove(book.active)
    for title, headings, rows in sheets:
        _fill_sheet(book.create_sheet(title), headings, rows)
    try:
        save_atomic(out, book.save)
    except OSError as exc:
        raise _cannot_write(out, Say(f"{exc.strerror or exc}", f"{exc.strerror or exc}")) from None


def _fill_sheet(ws: Any, headings: Sequence[Heading], rows: Sequence[Sequence[XlsxValue]]) -> None:
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    for col, (heading, width, _) in enumerate(headings, start=1):
        _put(ws, 1, col, heading, None)
        ws.column_dimensions[get_column_letter(col)].width = width
    for number, values in enumerate(rows, start=2):
        lines = max(
            (
                _lines(value, width)
                for value, (_, width, _) in zip(values, headings, strict=False)
                if isinstance(value, str)
            ),
            default=1,
        )
        if lines > 1:  # a wrapped text's row is as high as its lines (no spreadsheet program sizes it on opening)
            ws.row_dimensions[number].height = LINE_HEIGHT * lines + 2
        for col, value in enumerate(values, start=1):
            _put(ws, number, col, value, headings[col - 1][2], headings[col - 1][1])
            if lines > 1:  # every cell of a tall row at its top, beside the wrapped text
                cell = ws.cell(row=number, column=col)
                cell.alignment = Alignment(wrap_text=cell.alignment.wrap_text, vertical="top")
    ws.freeze_panes = "A2"
    _print_setup(ws, sum(width for _, width, _ in headings))


PORTRAIT_WIDTH: Final = 100
"""Column widths (characters) above which a sheet prints in landscape."""


def _print_setup(ws: Any, width: int) -> None:
    """Prints on A4 as it is, as the payout workbook does: one page wide, the heading row on every page,
    the cells' grid, the sheet's name above and the page number (N / M) below (openpyxl left none of it: the entries
    sheet printed its columns over 15 pages, the amounts on pages of their own, without a heading)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if width > PORTRAIT_WIDTH else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True
    ws.oddHeader.center.text = "&A"
    ws.oddFooter.center.text = "&P / &N"


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


LINE_HEIGHT: Final = 15.0
"""Points a line of text takes (the payout workbook's ``report.xlsx_book.LINE_HEIGHT``)."""


def _lines(text: str, width: int) -> int:
    return max(1, math.ceil(_shown_width(text) / (width - 0.75)))


def _shown_width(text: str) -> float:
    """Columns a text takes: a CJK character two, any other a little over one (as the payout workbook counts)."""
    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text)


def _put(ws: Any, row: int, col: int, value: XlsxValue, number_format: str | None, width: int = 1000) -> None:
    """Write one cell: text always as text (never a formula), numbers with their format."""
    from openpyxl.styles import Alignment

    if value is None:
        return
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):  # control characters (pasted text) escaped as Excel writes them
        value = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        if _shown_width(value) > width - 0.75:  # a long text (a source, a reason) wraps in its column, never cut
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    elif number_format is not None:
        cell.number_format = number_format
