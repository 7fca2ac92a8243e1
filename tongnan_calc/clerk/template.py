"""A blank input workbook for clerks (SPEC §3): ``tongnan-calc template``.

Every sheet and column of ``workbook_in.SHEETS`` with headers in one language
(zh: the Chinese sheet names and headers; en: the English keys), data
validation on every column that has a fixed form (drop-downs for yes/no and
the choice columns, date, number and whole-year checks, 18 characters for a
credit code), column widths and number formats (credit codes and loan ids are
text, so Excel keeps every character), a frozen header row, one fictional
example row per sheet (credit code ``EXAMPLE_CODE``, which the reader refuses: an
example row left in the workbook is an error, never paid) and an instructions sheet (说明 / instructions) that
explains each column and names the measures that need it.

The workbook is written to a temporary name beside the target and renamed
into place.  What each kind of column accepts and its validation are in ``template_columns``; the
words (meanings, example rows, instructions) in ``template_words``.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tongnan_calc.clerk.print_setup import print_setup
from tongnan_calc.clerk.template_columns import WIDER, kind_of, validation
from tongnan_calc.clerk.template_words import (
    EXAMPLE_CODE,
    EXAMPLE_NOTE,
    EXAMPLE_ROWS,
    INSTRUCTIONS,
    MEANINGS,
    NOTES,
    REQUIRED_WORDS,
    SHEET_REQUIRED,
    TABLE_HEADERS,
    TITLE,
    header_text,
    lang_text,
    measures_text,
)
from tongnan_calc.core.model import ENTERPRISES
from tongnan_calc.core.say import Lang
from tongnan_calc.files.outputs import save_atomic
from tongnan_calc.input.reader import SHEETS, SheetSpec

__all__ = [
    "EXAMPLE_CODE",
    "INSTRUCTIONS",
    "build_template",
    "display_width",
    "instruction_rows",
    "template_sheet_names",
    "write_template",
]

HEADER_ROW: Final = 1
EXAMPLE_ROW: Final = 2
LAST_ROW: Final = 1048576  # validations and formats cover the whole column

HEADER_FONT: Final = Font(bold=True)
HEADER_FILL: Final = PatternFill("solid", fgColor="DDEBF7")
TITLE_FONT: Final = Font(bold=True, size=14)
WRAP: Final = Alignment(wrap_text=True, vertical="top")


# --- writing ------------------------------------------------------------------------------------


def display_width(text: str) -> int:
    """Columns a text takes on screen: East Asian wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _header_cell(sheet: Worksheet, row: int, column: int, text: str) -> None:
    cell = sheet.cell(row=row, column=column, value=text)
    cell.data_type = "s"  # never a formula
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL


def _data_sheet(book: Workbook, spec: SheetSpec, lang: Lang) -> None:
    sheet = book.create_sheet(header_text(spec, lang))
    example = EXAMPLE_ROWS[spec.key]
    for position, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(position)
        kind = kind_of(column)
        header = header_text(column, lang)
        _header_cell(sheet, HEADER_ROW, position, header)
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(WIDER.get(column.key, kind.width), display_width(header) + 3)
        if kind.number_format is not None:
            dimension.number_format = kind.number_format
        value = example[column.key][0 if lang == "zh" else 1]
        cell = sheet.cell(row=EXAMPLE_ROW, column=position, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        if kind.number_format is not None:
            cell.number_format = kind.number_format
        rule = validation(column, lang)
        if rule is not None:
            rule.add(f"{letter}{HEADER_ROW + 1}:{letter}{LAST_ROW}")
            sheet.add_data_validation(rule)
    note = Comment(lang_text(EXAMPLE_NOTE, lang), "tongnan-calc")
    sheet.cell(row=EXAMPLE_ROW, column=1).comment = note
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    print_setup(sheet, sheet.title, landscape=len(spec.columns) > 6, zh=lang == "zh")


def instruction_rows(lang: Lang) -> list[tuple[str, ...]]:
    """The rows of the column table on the instructions sheet (without its header)."""
    rows: list[tuple[str, ...]] = []
    for spec in SHEETS:
        sheet = header_text(spec, lang)
        if spec.key == ENTERPRISES:
            sheet += lang_text(SHEET_REQUIRED, lang)
        for column in spec.columns:
            meaning, measures = MEANINGS[(spec.key, column.key)]
            other = column.key if lang == "zh" else column.header
            rows.append(
                (
                    sheet,
                    header_text(column, lang),
                    other,
                    lang_text(REQUIRED_WORDS[column.required], lang),
                    lang_text(meaning, lang),
                    lang_text(kind_of(column).forms, lang),
                    measures_text(measures, lang),
                )
            )
    return rows


LINE_HEIGHT: Final = 15.0
"""Points a line of text takes at the default size (the payout workbook's ``LINE_HEIGHT``)."""


def _lines(text: str, width: float) -> int:
    """Printed lines of ``text`` in a column ``width`` wide (Latin counted a little wide, as fonts print it)."""
    shown = sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.15 for ch in text)
    return max(1, math.ceil(shown / max(width - 0.75, 1.0)))


def _instructions_sheet(book: Workbook, lang: Lang) -> None:
    """The notes (each across the table's width, wrapped) and the table of columns; it prints on A4 one page
    wide, the table's heading on every page, each row as high as its wrapped text (a program opening the file
    does not size the rows: the notes ran off the page and the meanings were cut)."""
    sheet = book.create_sheet(INSTRUCTIONS[lang])
    title = sheet.cell(row=1, column=1, value=lang_text(TITLE, lang))
    title.font = TITLE_FONT
    across = sum(width for _, _, width in TABLE_HEADERS)
    row = 2
    for number, note in enumerate(NOTES, start=1):
        cell = sheet.cell(row=row, column=1, value=f"{number}. {lang_text(note, lang)}")
        cell.data_type = "s"
        cell.alignment = WRAP
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(TABLE_HEADERS))
        sheet.row_dimensions[row].height = LINE_HEIGHT * _lines(str(cell.value), across) + 2
        row += 1
    row += 1
    heading = row
    for position, (zh, en, width) in enumerate(TABLE_HEADERS, start=1):
        _header_cell(sheet, row, position, zh if lang == "zh" else en)
        sheet.column_dimensions[get_column_letter(position)].width = width
    for values in instruction_rows(lang):
        row += 1
        lines = max(_lines(value, width) for value, (_, _, width) in zip(values, TABLE_HEADERS, strict=False))
        if lines > 1:
            sheet.row_dimensions[row].height = LINE_HEIGHT * lines + 2
        for position, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=position, value=value)
            cell.data_type = "s"
            cell.alignment = WRAP
    print_setup(sheet, INSTRUCTIONS[lang], landscape=True, title_rows=f"{heading}:{heading}", zh=lang == "zh")


def build_template(lang: Lang) -> Workbook:
    """The template as an openpyxl workbook (the instructions sheet first: it opens there)."""
    book = Workbook()
    book.remove(book.active)
    _instructions_sheet(book, lang)
    for spec in SHEETS:
        _data_sheet(book, spec, lang)
    book.properties.creator = "tongnan-calc"
    book.properties.title = lang_text(TITLE, lang)
    return book


def write_template(out: Path, lang: Lang) -> None:
    """Write the blank input workbook in ``lang`` atomically to ``out``."""
    book = build_template(lang)
    save_atomic(out, book.save)


def template_sheet_names(lang: Lang) -> Mapping[str, str]:
    """Sheet key -> the name the template gives it in ``lang``."""
    return {spec.key: header_text(spec, lang) for spec in SHEETS}
