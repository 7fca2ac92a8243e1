"""Reading the sheets of a workbook the ledger imports or records (python-calamine)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from python_calamine import CalamineError, CalamineWorkbook

from tongnan_calc import cells
from tongnan_calc.cells import Cell
from tongnan_calc.ledger.store import LedgerError

EXPECT_TIER: Final = "the tier's threshold in yuan (sales_milestone has one)"
EXPECT_NO_TIER: Final = "blank (only sales_milestone has a tier)"
EXPECT_CENTS: Final = "an amount with at most two decimals"


@dataclass(frozen=True)
class _Sheet:
    name: str  # as found in the workbook
    rows: tuple[tuple[Cell, ...], ...]  # rows[0] is Excel row 1


def _open_workbook(path: Path) -> CalamineWorkbook:
    """Open an .xlsx workbook, refusing what the input reader refuses (one line each)."""
    from tongnan_calc.workbook_in import WorkbookError, check_file

    try:
        check_file(path)
        return CalamineWorkbook.from_path(str(path))
    except WorkbookError as exc:
        raise LedgerError(str(exc)) from None
    except (CalamineError, OSError, ValueError) as exc:
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise LedgerError(f"{path}: cannot be read as an .xlsx workbook ({detail})") from None


def _find_sheet(book: CalamineWorkbook, path: Path, names: Sequence[str]) -> _Sheet | None:
    wanted = {name.casefold() for name in names}
    for actual in book.sheet_names:
        if actual.strip().casefold() in wanted:
            try:
                data = book.get_sheet_by_name(actual).to_python(skip_empty_area=False)
            except (CalamineError, ValueError) as exc:
                raise LedgerError(f"cannot read sheet {actual} of {path}: {exc}") from None
            return _Sheet(actual, tuple(tuple(row) for row in data))
    return None


def _cell(row: Sequence[Cell], index: int) -> Cell:
    return row[index] if index < len(row) else ""


def _blank_row(row: Sequence[Cell]) -> bool:
    return all(cells.is_blank(value) for value in row)


def _header_text(value: Cell) -> str:
    return value.strip() if isinstance(value, str) else cells.shown(value)
