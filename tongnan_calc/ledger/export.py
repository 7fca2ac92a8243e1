"""Exporting the ledger to a workbook (openpyxl) that ``ledger import`` reads back."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from tongnan_calc.ledger.history import HISTORY_SHEET
from tongnan_calc.ledger.store import Entry, LedgerError, _entries, _reading
from tongnan_calc.outputs import save_atomic

EXPORT_PAYOUTS_SHEET: Final = HISTORY_SHEET[1]  # 历史发放: re-importable with `ledger import`
EXPORT_ENTRIES_SHEET: Final = "全部记录"
MONEY_FORMAT: Final = "#,##0.00"
TIER_FORMAT: Final = "#,##0"

# (heading, width, number format or None) — payouts in force, in the import layout
_PAYOUT_HEADINGS: Final = (
    ("统一社会信用代码", 22, None),
    ("年度", 8, None),
    ("措施", 16, None),
    ("档次", 16, TIER_FORMAT),
    ("金额", 16, MONEY_FORMAT),
    ("记录号", 8, None),
    ("来源", 40, None),
    ("记录时间", 22, None),
)
_ENTRY_HEADINGS: Final = (
    ("记录号", 8, None),
    ("类型", 10, None),
    ("统一社会信用代码", 22, None),
    ("年度", 8, None),
    ("措施", 16, None),
    ("档次", 16, TIER_FORMAT),
    ("金额", 16, MONEY_FORMAT),
    ("冲销的记录号", 12, None),
    ("被冲销于记录号", 14, None),
    ("原因", 30, None),
    ("来源", 40, None),
    ("记录时间", 22, None),
)

XlsxValue = str | int | Decimal | None


def _payout_row(entry: Entry) -> tuple[XlsxValue, ...]:
    return (
        entry.credit_code,
        entry.year,
        entry.measure,
        entry.tier,
        entry.amount,
        entry.id,
        entry.source,
        entry.recorded_at,
    )


def _entry_row(entry: Entry) -> tuple[XlsxValue, ...]:
    return (
        entry.id,
        entry.kind,
        entry.credit_code,
        entry.year,
        entry.measure,
        entry.tier,
        entry.amount,
        entry.reverses,
        entry.reversed_by,
        entry.reason,
        entry.source,
        entry.recorded_at,
    )


def export(ledger: Path, out: Path) -> int:
    """Write the ledger to ``out`` (.xlsx); returns the number of entries written.

    Sheet 历史发放 holds the payouts in force in the history-import layout (so the
    file can be imported into another ledger); sheet 全部记录 holds every entry,
    reversals included.  The file is replaced atomically.
    """
    if out.suffix.lower() != ".xlsx":
        raise LedgerError(f"cannot write {out}: the file name must end in .xlsx")
    if not out.parent.is_dir():
        raise LedgerError(f"cannot write {out}: folder {out.parent} does not exist")
    if out.is_dir():
        raise LedgerError(f"cannot write {out}: it is a folder")
    if out.resolve() == ledger.resolve():
        raise LedgerError(f"{out} is the ledger itself, an input of this command: give another file name")
    with _reading(ledger) as conn:
        entries = _entries(conn)
    sheets = (
        (EXPORT_PAYOUTS_SHEET, _PAYOUT_HEADINGS, [_payout_row(e) for e in entries if e.in_force]),
        (EXPORT_ENTRIES_SHEET, _ENTRY_HEADINGS, [_entry_row(e) for e in entries]),
    )
    _write_xlsx_atomically(out, sheets)
    return len(entries)


Heading = tuple[str, int, str | None]


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
        raise LedgerError(f"cannot write {out}: {exc.strerror or exc}") from None


def _fill_sheet(ws: Any, headings: Sequence[Heading], rows: Sequence[Sequence[XlsxValue]]) -> None:
    from openpyxl.utils import get_column_letter

    for col, (heading, width, _) in enumerate(headings, start=1):
        _put(ws, 1, col, heading, None)
        ws.column_dimensions[get_column_letter(col)].width = width
    for number, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            _put(ws, number, col, value, headings[col - 1][2])
    ws.freeze_panes = "A2"


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _put(ws: Any, row: int, col: int, value: XlsxValue, number_format: str | None) -> None:
    """Write one cell: text always as text (never a formula), numbers with their format."""
    if value is None:
        return
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):  # control characters (pasted text) escaped as Excel writes them
        value = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    elif number_format is not None:
        cell.number_format = number_format
