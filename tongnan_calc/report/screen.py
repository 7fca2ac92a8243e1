"""The terminal boundary: every text the tool shows on a screen passes here.

Text from a file or a user (a company name, a cell quoted in a reason, a rule
file's line, a ledger note, a path) may hold control characters: ESC starts a
sequence that clears or recolours the screen or fakes lines of output (Excel
stores ESC as ``_x001B_`` and the reader decodes it).  ``visible`` shows each as
its Python escape: ESC as ``\\x1b``, CR as ``\\r``, DEL as ``\\x7f``, a C1 control
as ``\\x9b``.  Only the newline passes (a table cell or a record may span
lines).  The workbook and the JSON keep the original text: this is for screens.

The terminal library (rich) would also read ``[bold]`` as markup and ``:100:``
as an emoji code (``rules.yaml:100:`` became ``rules.yaml💯``).  ``screen``
makes a console that does neither: markup, emoji and highlighting off, and
``visible`` applied once more to every text segment it writes (the guarantee;
``plain`` applies it before the layout, so that widths are right).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import IO, Any

from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return {"\t": "\\t", "\r": "\\r"}.get(char, f"\\x{ord(char):02x}")


def visible(text: str) -> str:
    """``text`` with every control character but the newline shown as its escape (ESC as ``\\x1b``)."""
    return _CONTROL.sub(_escape, text)


def plain(text: object, style: str = "") -> Text:
    """A literal rich ``Text`` of ``text``: no markup, no emoji, control characters visible."""
    return Text(visible(str(text)), style=style)


class SafeConsole(Console):
    """A ``Console`` that reads no markup, no emoji codes, highlights nothing, and writes no control
    character it was not asked to (its own styles and cursor moves are ``control`` segments or styles)."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        return super()._render_buffer(
            segment if segment.control else Segment(visible(segment.text), segment.style, segment.control)
            for segment in buffer
        )


def screen(*, stderr: bool = False, file: IO[str] | None = None, **options: Any) -> Console:
    """The console every command prints with: see ``SafeConsole``."""
    return SafeConsole(stderr=stderr, file=file, markup=False, emoji=False, highlight=False, **options)


_STYLE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def fits(text: str, width: int, needles: Sequence[str]) -> bool:
    """Whether ``text`` (a rendering, its styles stripped) is at most ``width`` wide and shows every one of
    ``needles`` whole on one line (a credit code, an amount: never cut, never folded)."""
    lines = _STYLE.sub("", text).splitlines()
    if any(cell_len(line) > width for line in lines):
        return False
    return all(any(needle in line for line in lines) for needle in needles if needle)


def print_fitted(
    console: Console,
    table: RenderableType,
    needles: Sequence[str],
    records: Callable[[], Iterable[RenderableType]],
) -> None:
    """``table`` when it shows every needle whole at the console's width, and each column's heading whole
    (a column squeezed to nothing is no table); otherwise its rows as records (one field a line), which
    any width of 40 columns or more shows whole.  The table is laid out once: the rendering checked is
    the one written."""
    headers = [str(column.header) for column in table.columns] if isinstance(table, Table) else []
    width = console.width
    # a table that cannot fit is not laid out at all (200 rows take a while); rich may lay a table with
    # minimum column widths out a few cells too wide: then once narrower
    attempts = 0 if isinstance(table, Table) and narrowest(table, needles) > width else 2
    for _ in range(attempts):
        with console.capture() as capture:
            console.print(table, crop=False, width=width)
        rendered = capture.get()
        if fits(rendered, console.width, [*needles, *headers]):
            console.file.write(rendered)
            console.file.flush()
            return
        widest = max((cell_len(line) for line in _STYLE.sub("", rendered).splitlines()), default=0)
        if not console.width < widest <= console.width + 4:
            break
        width -= widest - console.width
    for record in records():
        console.print(record)


def narrowest(table: Table, needles: Sequence[str]) -> int:
    """A lower bound of the width at which ``table`` shows each heading and each of ``needles`` whole:
    each column at least as wide as its heading, its ``min_width`` and the needles among its cells, plus
    the padding and the rules between the columns.  (Worked out from the cells, without a layout.)"""
    wanted = set(needles)
    total = 0
    for column in table.columns:
        widest = max(cell_len(str(column.header)), column.min_width or 0)
        for cell in column.cells:
            text = cell.plain if isinstance(cell, Text) else cell if isinstance(cell, str) else None
            if text is not None and text in wanted:
                widest = max(widest, cell_len(text))
        total += widest
    count = len(table.columns)
    _, right, _, left = table.padding
    padding = count * (left + right) - (0 if table.pad_edge or not count else left + right)
    rules = 0 if table.box is None else count + 1 if table.show_edge else max(count - 1, 0)
    return total + padding + rules


def record(title: Text | str | None, fields: Sequence[tuple[str, Text | str]], lang: str) -> Text:
    """One row as a record: an optional title line, then ``label：value`` a line (``label: value`` in English)."""
    colon = "：" if lang == "zh" else ": "
    out = Text()
    if title is not None:
        out.append_text(title if isinstance(title, Text) else plain(title, "bold"))
        out.append("\n")
    for label, value in fields:
        out.append(f"{label}{colon}", style="bold")
        out.append_text(value if isinstance(value, Text) else plain(value))
        out.append("\n")
    return out
