"""The xlsxwriter side of the payout and comparison workbooks: a stream of plain operations, and ``Book``, which
applies them.

``report/xlsx.py`` turns lines into rows of plain values (text, Decimal amounts, ints,
``Formula``, ``Bold`` …) and sends them as operations; ``Book`` applies them with
xlsxwriter.  ``open_book`` is the one place that chooses how, by the workbook's
expected size: assembled in memory when small, streamed (constant memory) when
large.  Both ways write the same cells (tested).  (A second process that applied
the operations while the lines were computed, ``BookProcess``, was removed with
issue 14: it did not clearly pay at 10,000 or 100,000 enterprises — bench/README.md,
round 7.)

Operations (tuples):
    ("sheet", title)                       a new worksheet; sheets are numbered from 0
    ("header", sheet, widths, heads, kinds)  column widths, a frozen bold header row repeated on every
                                           printed page; ``kinds`` (layout.Kind) say how "lines" are written
    ("widths", sheet, widths)              column widths only
    ("lines", sheet, rows)                 table rows in the header's columns, boxed; "wrap" cells get a
                                           row height that fits their text
    ("rows", sheet, rows, boxed)           general rows of str / Decimal / int / Formula / Bold / Title /
                                           Banner / None
    ("print", sheet, Print)                A4 page setup: orientation, one page wide, header and footer
Every text cell is written with ``write_string``: input text never becomes a formula.
"""

from __future__ import annotations

import math
import shutil
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped, unused-ignore]
import xlsxwriter.exceptions  # type: ignore[import-untyped, unused-ignore]

MONEY_FORMAT = "#,##0.00"
FONT = "宋体"
"""The font of every cell: SimSun, on every Chinese Windows (LibreOffice substitutes a CJK font)."""
FONT_SIZE = 10
LINE_HEIGHT = 15.0
"""Points a line of text takes at ``FONT_SIZE`` (a wrapped cell's row is this times its lines): 宋体 needs 13.5,
the CJK fonts LibreOffice substitutes for it (Noto Sans CJK) about 14.5."""
Op = tuple[Any, ...]


class Formula:
    """A formula cell, written with its value cached (readers that do not recalculate show it)."""

    __slots__ = ("money", "text", "value")

    def __init__(self, text: str, value: Decimal | int | str, money: bool = True) -> None:
        self.text, self.value, self.money = text, value, money


def _number(value: Any) -> Any:
    """A cell's value as xlsxwriter writes it: an amount (an exact ``Decimal``, already rounded to the fen)
    becomes the double a spreadsheet number is — here and nowhere else; nothing is computed in float."""
    return float(value) if type(value) is Decimal else value


class Bold:
    """A header-style text cell."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


class Title(Bold):
    """A sheet's title: large and bold, without a box."""

    __slots__ = ()


class Banner(Bold):
    """A warning the reader must not miss: bold, red."""

    __slots__ = ()


@dataclass(frozen=True)
class Print:
    """How a sheet prints on A4: one page wide (as many pages down as it takes)."""

    landscape: bool
    header: str  # xlsxwriter header text (&L &C &R sections); the text in it is escaped by ``escape``
    footer: str = "&C第 &P 页 共 &N 页"
    hidden: bool = False  # left out of printing: a hidden sheet (the summary says so)


def escape(text: str) -> str:
    """Text for a page header or footer: ``&`` is a control character there."""
    return text.replace("&", "&&")


class _Widths(dict[str, float]):
    """A character's width in units: CJK (East Asian wide or full-width) two, any other a little over one
    (fonts substituted for 宋体 set Latin text wider); worked out once per character."""

    def __missing__(self, ch: str) -> float:
        width = self[ch] = 2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.15
        return width


_WIDTH = _Widths()


def text_lines(text: str, width: float) -> int:
    """How many printed lines ``text`` takes in a column ``width`` characters wide (CJK counts two)."""
    usable = max(width - 0.75, 1.0)  # Excel pads a cell by a fraction of a character
    total = 0
    measure = _WIDTH.__getitem__
    for part in text.split("\n"):
        total += max(1, math.ceil(sum(map(measure, part)) / usable))
    return total


class Book:
    """An xlsxwriter workbook written by operations: in constant-memory mode (each sheet's rows streamed to a
    temporary file as they come), or ``in_memory`` (the whole workbook assembled in memory, no temporary file:
    quicker for a small workbook, the same cells)."""

    def __init__(self, path: Path, *, in_memory: bool = False) -> None:
        # streamed: each sheet's rows go to a temporary file in a folder of this book's, removed by close or
        # abort (xlsxwriter removes its files when it closes, not when a run stops half-way)
        self._tmpdir = None if in_memory else tempfile.mkdtemp(prefix="tongnan-calc-xlsx-")
        options: dict[str, Any] = {
            "constant_memory": not in_memory,
            "in_memory": in_memory,
            "tmpdir": self._tmpdir,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE},
        }
        self.xl = xlsxwriter.Workbook(str(path), options)
        base = {"font_name": FONT, "font_size": FONT_SIZE, "valign": "top"}
        box = {**base, "border": 1}
        self.formats: dict[str, Any] = {
            "text": self.xl.add_format(box),
            "wrap": self.xl.add_format({**box, "text_wrap": True}),
            "money": self.xl.add_format({**box, "num_format": MONEY_FORMAT}),
            "int": self.xl.add_format(box),
            "bold": self.xl.add_format(
                {**box, "bold": True, "bg_color": "#DDEBF7", "pattern": 1, "text_wrap": True, "align": "center"}
            ),
            "plain": self.xl.add_format(base),
            "plain_money": self.xl.add_format({**base, "num_format": MONEY_FORMAT}),
            "plain_bold": self.xl.add_format({**base, "bold": True}),
            "title": self.xl.add_format({**base, "bold": True, "font_size": 14}),
            "banner": self.xl.add_format({**base, "bold": True, "font_size": 12, "font_color": "#C00000"}),
        }
        self.money = self.formats["money"]
        self.bold = self.formats["bold"]
        self.sheets: list[Any] = []
        self.rows: list[int] = []
        self.kinds: list[tuple[str, ...]] = []
        self.widths: list[tuple[float, ...]] = []

    def apply(self, op: Op) -> None:
        kind = op[0]
        if kind == "lines":
            self._lines(op[1], op[2])
        elif kind == "rows":
            for row in op[2]:
                self._row(op[1], row, op[3] if len(op) > 3 else False)
        elif kind == "sheet":
            self.sheets.append(self.xl.add_worksheet(op[1]))
            self.rows.append(0)
            self.kinds.append(())
            self.widths.append(())
        elif kind == "header":
            sheet = op[1]
            self._widths(sheet, op[2])
            self.kinds[sheet] = tuple(op[4]) if len(op) > 4 else ()
            ws = self.sheets[sheet]
            ws.freeze_panes(self.rows[sheet] + 1, 0)
            ws.repeat_rows(self.rows[sheet])
            self._row(sheet, [Bold(head) for head in op[3]], True)
        elif kind == "widths":
            self._widths(op[1], op[2])
        elif kind == "print":
            self._print(op[1], op[2])
        else:
            raise ValueError(f"unknown workbook operation {kind!r}")

    def close(self) -> None:
        """Assemble the file; a disk error is raised as the ``OSError`` xlsxwriter wraps."""
        try:
            self.xl.close()
        except xlsxwriter.exceptions.FileCreateError as exc:
            cause = exc.args[0] if exc.args else None
            if isinstance(cause, OSError):
                raise cause from None
            raise
        finally:
            self.abort()

    def abort(self) -> None:
        """Remove the temporary files (the sheets' rows) without assembling a workbook."""
        for sheet in self.sheets:
            fh = getattr(sheet, "row_data_fh", None)
            if fh is not None:
                fh.close()
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def _widths(self, sheet: int, widths: Sequence[float]) -> None:
        ws = self.sheets[sheet]
        self.widths[sheet] = tuple(widths)
        for index, width in enumerate(widths):
            ws.set_column(index, index, width)

    def _print(self, sheet: int, setup: Print) -> None:
        ws = self.sheets[sheet]
        ws.set_paper(9)  # A4
        if setup.landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(1, 0)  # one page wide, as many down as it takes
        ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.75)
        ws.center_horizontally()
        ws.set_header(setup.header, {"margin": 0.3})
        ws.set_footer(setup.footer, {"margin": 0.3})
        if setup.hidden:
            ws.hide()

    def _lines(self, sheet: int, rows: Sequence[tuple[Any, ...]]) -> None:
        ws, r = self.sheets[sheet], self.rows[sheet]
        kinds, widths, formats = self.kinds[sheet], self.widths[sheet], self.formats
        text_format, wrap_format = formats["text"], formats["wrap"]
        write_string, write_number, write_blank = ws.write_string, ws.write_number, ws.write_blank
        for row in rows:
            height = 1
            for col, kind in enumerate(kinds):
                if kind == "wrap":
                    value = row[col]
                    if value and (len(value) * 2 > widths[col] - 0.75 or "\n" in value):
                        height = max(height, text_lines(value, widths[col]))
            if height > 1:
                ws.set_row(r, LINE_HEIGHT * height + 2)
            for col, kind in enumerate(kinds):
                value = row[col]
                if value is None or value == "":
                    write_blank(r, col, None, formats[kind])
                elif kind == "text":
                    write_string(r, col, value, text_format)
                elif kind == "wrap":
                    write_string(r, col, value, wrap_format)
                else:
                    write_number(r, col, _number(value), formats[kind])
            r += 1
        self.rows[sheet] = r

    def _row(self, sheet: int, values: Sequence[object], boxed: bool) -> None:
        """``str`` as text, ``Decimal`` as money, ``int`` as a number, ``Formula``, ``Bold``, ``Title``,
        ``Banner``; ``None`` blank (boxed, in a boxed row)."""
        ws, r, f = self.sheets[sheet], self.rows[sheet], self.formats
        text, money, number = (f["text"], f["money"], f["int"]) if boxed else (f["plain"], f["plain_money"], f["plain"])
        if boxed:  # a heading wraps in its box (``bold``): its row gets the lines it takes, not one
            widths = self.widths[sheet]
            height = max(
                (
                    text_lines(value.text, widths[col])
                    for col, value in enumerate(values)
                    if isinstance(value, Bold) and col < len(widths)
                ),
                default=1,
            )
            if height > 1:
                ws.set_row(r, LINE_HEIGHT * height + 2)
        for col, value in enumerate(values):
            if value is None or value == "":
                if boxed:
                    ws.write_blank(r, col, None, text)
            elif isinstance(value, str):
                ws.write_string(r, col, value, text)
            elif isinstance(value, Decimal):
                ws.write_number(r, col, _number(value), money)
            elif isinstance(value, Formula):
                ws.write_formula(r, col, value.text, money if value.money else number, _number(value.value))
            elif isinstance(value, Title):
                ws.write_string(r, col, value.text, f["title"])
            elif isinstance(value, Banner):
                ws.write_string(r, col, value.text, f["banner"])
            elif isinstance(value, Bold):
                ws.write_string(r, col, value.text, f["bold"] if boxed else f["plain_bold"])
            else:
                ws.write_number(r, col, value, number)
        self.rows[sheet] = r + 1


IN_MEMORY_BELOW = 20_000
"""Expected lines (enterprises × measures) below which the workbook is assembled in memory: xlsxwriter's
constant-memory mode writes each sheet's rows, then each part of the file, to a temporary file of its own
(about 26 files for the payout workbook), which took about half of writing a district's workbook; in memory,
10,000 enterprises (70,000 lines) took 115 MB more, so a large workbook keeps the constant-memory mode."""


def open_book(path: Path, expected_lines: int) -> Book:
    """The one place that chooses how a workbook is written, by its size: in memory when small, streamed
    when large.  Both ways write the same cells (tested)."""
    return Book(path, in_memory=expected_lines < IN_MEMORY_BELOW)
