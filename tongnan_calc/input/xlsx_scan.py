"""A look at a workbook's sheet XML before python-calamine reads it.

Two things calamine cannot tell us, found by streaming each worksheet once:

- the size of the sheet it will allocate: calamine builds a dense grid from the
  first to the last cell, so a single cell at XFD1048576, or millions of rows,
  would exhaust memory; the declared ``<dimension>`` and the row count are checked;
- formulas without a stored value: calamine returns them as blank cells, which would
  silently read as "no value" (a missing ``interest_paid`` pays more, not less);
- cells holding an Excel error (``t="e"``: #N/A, #DIV/0!, #VALUE!, #REF!, #NAME?,
  #NUM!, #NULL!, with or without a formula): calamine returns them as blank cells too
  (an optional yes/no would read as "no").

Only the standard library is used; nothing here parses XML with entity expansion.
"""

from __future__ import annotations

import functools
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Final

from tongnan_calc.core.say import Say, UserError

MAX_ROWS = 1_048_576  # Excel's own limit
MAX_COLUMNS = 16_384
MAX_CELLS = 200_000_000  # rows × columns of the grid calamine would allocate
CHUNK = 1 << 20
OVERLAP = 4096

_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
"""An element's namespace prefix: Excel writes none (``<c r="A1">``), other programs (the .NET Open XML
SDK, some Java writers) may put one on every element (``<x:c r="A1">``); calamine reads both."""
_SHEET = re.compile(rb"<" + _PREFIX + rb'sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_SHEET_ID_FIRST = re.compile(rb"<" + _PREFIX + rb'sheet\b[^>]*?\br:id="([^"]*)"[^>]*?\bname="([^"]*)"')
_REL = re.compile(rb"<" + _PREFIX + rb'Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')
_REL_TARGET_FIRST = re.compile(rb"<" + _PREFIX + rb'Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet\b")
_RECALCULATE = re.compile(rb"<" + _PREFIX + rb'calcPr\b[^>]*?\bfullCalcOnLoad="(?:1|true)"')


@dataclass(frozen=True, slots=True)
class _Cells:
    """The patterns on cells written one way: the reference first (as Excel writes them), or anywhere."""

    wide: re.Pattern[bytes]  # a cell in a column past ZZ (702): never data of ours
    # a formula with no value or an empty one: (column, row, the tag's other attributes, the empty value
    # element when there is one) — an empty value of a text cell (``t="str"``) is the empty text (``_uncached``)
    uncached: re.Pattern[bytes]
    formula_cell: re.Pattern[bytes]  # a formula, with a value or without


@dataclass(frozen=True, slots=True)
class _Tags:
    """The patterns of a worksheet whose elements carry ``prefix`` (``b""``, or ``b"x:"``)."""

    row: bytes  # the start of a row's tag
    formula: bytes  # the start of a formula's tag
    irregular: re.Pattern[bytes]  # a row or cell tag whose reference is not its first attribute, or none
    first: _Cells  # the reference first: ``<c r="A1" s="1">``
    anywhere: _Cells  # the reference among the other attributes: ``<c s="1" r="A1">``
    no_reference: re.Pattern[bytes]  # a whole row or cell tag without its reference (``r``)
    dimension: re.Pattern[bytes]
    last_row: re.Pattern[bytes]
    # A row hidden by hand, by a collapsed outline or by a filter (``hidden="1"``), or of height 0: its number
    hidden_row: re.Pattern[bytes]
    # An error cell: ``t="e"`` among the attributes of ``<c>`` (in any order), then its value
    # in ``<v>`` before the cell ends.  (A self-closing ``<c .../>`` has no value: it is blank.)
    error_cell: re.Pattern[bytes]


def _cells(p: bytes, cell: bytes, ref: bytes) -> _Cells:
    """``cell``: the start of a cell's tag up to its reference; ``ref``: the reference's two groups."""
    return _Cells(
        wide=re.compile(cell + rb'r="([A-Z]{3})([0-9]+)"'),
        uncached=re.compile(
            cell + ref + rb"([^>]*)(?<!/)>\s*<" + p + rb"f\b[^>]*?(?:/>|>[^<]*</" + p + rb"f>)\s*"
            rb"(?:(<" + p + rb"v\s*/>|<" + p + rb"v>\s*</" + p + rb"v>)|</" + p + rb"c>)"
        ),
        formula_cell=re.compile(cell + ref + rb"[^>]*(?<!/)>\s*<" + p + rb"f\b"),
    )


@functools.cache
def _tags(prefix: bytes) -> _Tags:
    p = re.escape(prefix)
    cell = rb"<" + p + rb"c\b"
    ref = rb'(?=[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})")'
    return _Tags(
        row=b"<" + prefix + b"row",
        formula=b"<" + prefix + b"f",
        irregular=re.compile(rb"<" + p + rb'(?:c|row)(?![^\s/>]| r=")'),
        first=_cells(p, cell + rb"\s+", rb'r="([A-Z]{1,3})([0-9]{1,7})"'),
        anywhere=_cells(p, cell + rb"[^>]*?\b", ref),
        no_reference=re.compile(rb"<" + p + rb'(?:row|c)(?=[\s/>])(?![^>]*\br=")[^>]*>'),
        dimension=re.compile(rb"<" + p + rb'dimension\s+ref="([A-Z]+)?([0-9]+)?(?::([A-Z]+)([0-9]+))?"'),
        last_row=re.compile(rb"<" + p + rb'row\b[^>]*?\br="([0-9]+)"'),
        hidden_row=re.compile(
            rb"<" + p + rb'row\b(?=[^>]*?\b(?:hidden="(?:1|true)"|ht="0+(?:\.0*)?"))[^>]*?\br="([0-9]+)"'
        ),
        error_cell=re.compile(
            cell + rb'(?=[^>]*?\bt="e")' + ref + rb"[^>]*(?<!/)>"
            rb"(?:(?!</" + p + rb"c>).){0,4096}?<" + p + rb"v>([^<]*)</" + p + rb"v>",
            re.DOTALL,
        ),
    )


def _prefix_of(buffer: bytes) -> bytes:
    """The prefix of a worksheet's root element (``b""`` when it has none, or it is not found)."""
    match = _ROOT.search(buffer, 0, 65536)
    return match.group(1) or b"" if match else b""


_TAG_CUT = 12
"""A row or cell tag that starts this close to the end of a buffer may be cut short: it is looked at
whole in the next buffer (which begins ``OVERLAP`` bytes earlier)."""
ERROR_SHOWN_MAX = 40
"""An error value longer than this (never one of Excel's) is cut short when shown."""


class ScanError(UserError):
    """The workbook would make the reader allocate an absurd grid."""


@dataclass(frozen=True)
class SheetScan:
    rows: int
    uncached_formulas: frozenset[tuple[int, int]]  # (row, column), both 1-based
    errors: Mapping[tuple[int, int], str] = field(default_factory=dict)  # (row, column) -> #DIV/0! ...
    hidden_rows: frozenset[int] = frozenset()  # rows hidden in Excel (1-based): read like the others


def column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number


def _unescape(name: bytes) -> str:
    text = name.decode("utf-8", "replace")
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


def sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member of its XML, from workbook.xml and its relationships."""
    try:
        book = archive.read("xl/workbook.xml")[: 4 << 20]
        rels = archive.read("xl/_rels/workbook.xml.rels")[: 4 << 20]
    except KeyError:
        return {}
    targets = dict(_REL.findall(rels))
    targets.update({rid: target for target, rid in _REL_TARGET_FIRST.findall(rels)})
    pairs = _SHEET.findall(book) or [(name, rid) for rid, name in _SHEET_ID_FIRST.findall(book)]
    members: dict[str, str] = {}
    for name, rid in pairs:
        target = targets.get(rid)
        if target is None:
            continue
        text = target.decode("utf-8", "replace")
        members[_unescape(name)] = text.lstrip("/") if text.startswith("/") else f"xl/{text}"
    return members


def _read(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    with archive.open(member) as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def _chunks(
    archive: zipfile.ZipFile, member: str, read: Callable[[str], Iterator[bytes]] | None = None
) -> Iterator[tuple[bytes, int]]:
    """The member's bytes in chunks, each after the end of the one before (the offset where new bytes start);
    ``read``: the member's bytes in pieces (``zipfile``'s own by default)."""
    tail = b""
    for chunk in read(member) if read is not None else _read(archive, member):
        if chunk:
            yield tail + chunk, len(tail)
            tail = chunk[-OVERLAP:]


def recalc_on_load(archive: zipfile.ZipFile) -> bool:
    """Whether the workbook asks to be recalculated when opened (``<calcPr fullCalcOnLoad="1"/>``).

    A program that writes formulas without computing them (xlsxwriter, openpyxl) says so: xlsxwriter
    stores 0 as every formula's value, which read as stored makes a sales total or an interest paid 0.
    Excel computes them when it opens the file and does not keep the request when it saves it."""
    try:
        book = archive.read("xl/workbook.xml")[: 4 << 20]
    except KeyError:
        return False
    return _RECALCULATE.search(book) is not None


def scan_sheet(
    archive: zipfile.ZipFile,
    member: str,
    name: str,
    read: Callable[[str], Iterator[bytes]] | None = None,
    *,
    recalculated: bool = False,
) -> SheetScan:
    """``read``: the member's bytes in pieces (``zipfile``'s own by default; the reader's count them
    against the bound on the expanded parts, ``bounds``).  ``recalculated``: the workbook asks to be
    recalculated when opened (``recalc_on_load``): no formula's stored value is its value, every
    formula counts as one without a value."""
    rows, last_row, widest = 0, 0, 0
    formulas: set[tuple[int, int]] = set()
    errors: dict[tuple[int, int], str] = {}
    hidden: set[int] = set()
    tags: _Tags | None = None
    for buffer, new in _chunks(archive, member, read):
        if tags is None:
            tags = _tags(_prefix_of(buffer))
            _check_dimension(buffer, name, tags)
        row_tag = tags.row
        rows += buffer.count(row_tag, max(0, new - len(row_tag) + 1))  # a tag split across chunks is counted once
        if rows > MAX_ROWS:
            raise ScanError(
                Say(
                    f"工作表“{name}”超过 {MAX_ROWS:,} 行，超出 Excel 的上限",
                    f"sheet {name!r} has more than {MAX_ROWS:,} rows, more than Excel allows",
                )
            )
        cells = tags.first  # as Excel writes them: the reference first (far faster to look for)
        odd = tags.irregular.search(buffer)  # the first one: past the buffer's last bytes, a tag cut short
        if odd is not None and odd.start() < len(buffer) - _TAG_CUT:
            cells = tags.anywhere
            if (found := tags.no_reference.search(buffer)) is not None:
                raise ScanError(_no_reference(name, found.group()))
        for letters, row in cells.wide.findall(buffer):
            widest = max(widest, column_number(letters))
            last_row = max(last_row, int(row))
        tag = buffer.rfind(row_tag)
        if tag >= 0 and (match := tags.last_row.match(buffer, tag)):
            last_row = max(last_row, int(match.group(1)))
        if tags.formula in buffer:
            found_cells = cells.formula_cell.findall(buffer) if recalculated else _uncached(cells, buffer)
            formulas.update((int(row), column_number(col)) for col, row in found_cells)
        if b't="e"' in buffer:
            for col, row, value in tags.error_cell.findall(buffer):
                errors[int(row), column_number(col)] = _error_text(value)
        if b'hidden="' in buffer or b'ht="0' in buffer:
            hidden.update(map(int, tags.hidden_row.findall(buffer)))
    check_grid(name, last_row, max(widest, 1))
    return SheetScan(rows, frozenset(formulas), errors, frozenset(hidden))


_TEXT_CELL: Final = re.compile(rb'\bt="str"')


def _uncached(cells: _Cells, buffer: bytes) -> list[tuple[bytes, bytes]]:
    """The (column, row) of the formulas without a value.  A formula whose value element is empty has
    one when its cell is a text cell (``t="str"``): the empty text, as Excel and LibreOffice store the
    result of ``=IF(…,"",…)`` (a program that does not compute, openpyxl, writes the element without the
    type).  A text cell with no value element at all was never computed."""
    return [
        (col, row)
        for col, row, attributes, empty in cells.uncached.findall(buffer)
        if not (empty and _TEXT_CELL.search(attributes))
    ]


def _no_reference(name: str, tag: bytes) -> Say:
    """A row or cell stored without its reference: calamine places it by counting, the scan cannot."""
    shown = tag[:60].decode("utf-8", "replace")
    return Say(
        f"工作表“{name}”中有未注明位置的行或单元格（{shown}），文件不是由 Excel 保存的：请在 Excel 中打开并另存后再试",
        f"sheet {name!r} has a row or cell stored without its reference ({shown}): the file was not saved by "
        "Excel; open it in Excel, save it, and try again",
    )


def _error_text(value: bytes) -> str:
    """The error a cell shows (``#DIV/0!``), as text fit for a message."""
    text = _unescape(value).strip()
    text = "".join(ch if ch.isprintable() else "?" for ch in text) or "?"
    return text if len(text) <= ERROR_SHOWN_MAX else text[: ERROR_SHOWN_MAX - 1] + "…"


def check_grid(name: str, last_row: int, last_col: int) -> None:
    if last_row > MAX_ROWS or last_col > MAX_COLUMNS or last_row * last_col > MAX_CELLS:
        raise ScanError(
            Say(
                f"工作表“{name}”用到第 {last_row:,} 行、第 {last_col:,} 列：请删除数据区以外远处的单元格",
                f"sheet {name!r} reaches row {last_row:,} and column {last_col:,}; "
                "delete the cells far outside the data",
            )
        )


def _check_dimension(buffer: bytes, name: str, tags: _Tags) -> None:
    match = tags.dimension.search(buffer, 0, 8192)
    if match is None or match.group(4) is None:
        return
    last_col, last_row = column_number(match.group(3)), int(match.group(4))
    first_col = column_number(match.group(1)) if match.group(1) else 1
    first_row = int(match.group(2)) if match.group(2) else 1
    rows, columns = last_row - first_row + 1, last_col - first_col + 1
    if last_row > MAX_ROWS or last_col > MAX_COLUMNS or rows * columns > MAX_CELLS:
        corner = f"{match.group(3).decode()}{last_row}"
        raise ScanError(
            Say(
                f"工作表“{name}”的范围达 {rows:,} 行 × {columns:,} 列（至 {corner}）：请删除数据区以外远处的单元格",
                f"sheet {name!r} spans {rows:,} rows × {columns:,} columns "
                f"(to {corner}); delete the cells far outside the data",
            )
        )


def scan_workbook(archive: zipfile.ZipFile, names: set[str] | None = None) -> dict[str, SheetScan]:
    """Scan the named sheets (all when None); raise ScanError for an absurd one."""
    found: dict[str, SheetScan] = {}
    recalculated = recalc_on_load(archive)
    for name, member in sheet_members(archive).items():
        if names is not None and name not in names:
            continue
        try:
            archive.getinfo(member)
        except KeyError:
            continue
        found[name] = scan_sheet(archive, member, name, recalculated=recalculated)
    return found
