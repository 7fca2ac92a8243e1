"""A look at an .xls, .ods or .xlsb workbook before python-calamine opens it (``xlsx_scan``: an .xlsx's).

calamine reads an .xls or an .ods whole when it opens it, and builds each sheet's dense
grid from its first to its last cell then: the grid's size is checked here first, from
the file's own records (``MAX_CELLS`` over all the sheets, as they are all built at once).
And, as for an .xlsx, what calamine reads as a blank cell though it is not one:

- .xls: cells holding an Excel error (a BOOLERR record with its error flag, or a FORMULA
  record whose cached result is an error);
- .ods: cells holding an error (``calcext:value-type="error"``, as LibreOffice writes them).

And for an .ods, the merged cells (calamine gives none for an .ods): ``table:number-rows-spanned``
and ``table:number-columns-spanned``, so that a merged amount is refused as in an .xlsx.
An .xlsb (binary records, read lazily by calamine but without its error cells and merged cells,
and cut short silently at a row past 1,048,576) is scanned likewise.
Only the standard library and ``olefile`` (the .xls's compound file) are used; no XML parser.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import olefile

from tongnan_calc.core.say import Say
from tongnan_calc.input.xlsx_scan import MAX_CELLS, MAX_COLUMNS, MAX_ROWS, ScanError, SheetScan, check_grid

Merged = tuple[tuple[tuple[int, int], tuple[int, int]], ...]  # ((top, left), (bottom, right)), 0-based


@dataclass(frozen=True)
class OtherScan:
    """What the scan found in each sheet: its ``SheetScan`` and, for an .ods, its merged ranges."""

    sheets: dict[str, SheetScan] = field(default_factory=dict)
    merged: dict[str, Merged] = field(default_factory=dict)


def _check_total(cells: int) -> None:
    if cells > MAX_CELLS:
        raise ScanError(
            Say(
                f"各工作表的范围合计达 {cells:,} 个单元格（上限 {MAX_CELLS:,}）：请删除数据区以外远处的单元格",
                f"the sheets span {cells:,} cells in all (the limit is {MAX_CELLS:,}); "
                "delete the cells far outside the data",
            )
        )


# --- .xls (BIFF8) -----------------------------------------------------------------------------------------

_BOF, _EOF, _BOUNDSHEET = 0x0809, 0x000A, 0x0085
_FORMULA, _BOOLERR = 0x0006, 0x0205
_CELLS: Final = frozenset({0x0006, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00D6})  # row, col first
_MULTI: Final = frozenset({0x00BD, 0x00BE})  # MULRK, MULBLANK: row, first col ... last col
XLS_ERRORS: Final = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?", 0x24: "#NUM!"}
XLS_ERRORS_NA: Final = 0x2A


def _xls_error(code: int) -> str:
    return "#N/A" if code == XLS_ERRORS_NA else XLS_ERRORS.get(code, f"#ERROR({code})")


def _records(stream: bytes, start: int) -> Iterator[tuple[int, int, bytes]]:
    """(offset, type, data) of the BIFF records from ``start``."""
    at, end = start, len(stream)
    while at + 4 <= end:
        kind, size = struct.unpack_from("<HH", stream, at)
        yield at, kind, stream[at + 4 : at + 4 + size]
        at += 4 + size


def _sheet_name(data: bytes) -> str:
    length, high = data[6], data[7] & 1
    raw = data[8 : 8 + length * (2 if high else 1)]
    return raw.decode("utf-16-le" if high else "latin-1", "replace")


def _xls_sheet(stream: bytes, start: int, name: str) -> tuple[SheetScan, int]:
    """The sheet's scan and the cells of its grid."""
    last_row = last_col = -1
    rows: set[int] = set()
    errors: dict[tuple[int, int], str] = {}
    for _, kind, data in _records(stream, start):
        if kind == _EOF:
            break
        if kind in _CELLS and len(data) >= 4:
            row, col = struct.unpack_from("<HH", data)
            last_col = max(last_col, col)
        elif kind in _MULTI and len(data) >= 6:
            row = struct.unpack_from("<H", data)[0]
            last_col = max(last_col, struct.unpack_from("<H", data, len(data) - 2)[0])
        else:
            continue
        last_row = max(last_row, row)
        rows.add(row)
        if kind == _BOOLERR and len(data) >= 8 and data[7] == 1:
            errors[row + 1, col + 1] = _xls_error(data[6])
        elif kind == _FORMULA and len(data) >= 14 and data[12:14] == b"\xff\xff" and data[6] == 2:
            errors[row + 1, col + 1] = _xls_error(data[8])
    check_grid(name, last_row + 1, last_col + 1)
    return SheetScan(len(rows), frozenset(), errors), (last_row + 1) * (last_col + 1)


def scan_xls(path: Path) -> OtherScan:
    """Every sheet of an .xls: its error cells; raise ``ScanError`` for a grid too large."""
    with olefile.OleFileIO(str(path)) as ole:
        name = "Workbook" if ole.exists("Workbook") else "Book"
        stream: bytes = ole.openstream(name).read()
    found: dict[str, SheetScan] = {}
    total = 0
    for _, kind, data in _records(stream, 0):
        if kind == _EOF:
            break
        if kind == _BOUNDSHEET and len(data) >= 8:
            sheet = _sheet_name(data)
            found[sheet], cells = _xls_sheet(stream, struct.unpack_from("<I", data)[0], sheet)
            total += cells
    _check_total(total)
    return OtherScan(found)


# --- .ods ----------------------------------------------------------------------------------------------------

CHUNK: Final = 1 << 20
_TAG = re.compile(
    rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>"
)
_ATTRIBUTE = re.compile(rb'([\w:.-]+)="([^"]*)"')
_TEXT = re.compile(rb"<text:p\b[^>]*>([^<]{0,60})")


def _attributes(text: bytes) -> dict[bytes, bytes]:
    return dict(_ATTRIBUTE.findall(text))


def _repeat(attributes: dict[bytes, bytes], name: bytes) -> int:
    value = attributes.get(name, b"1")
    return int(value) if value.isdigit() else 1


@dataclass
class _OdsSheet:
    name: str
    row: int = 0  # the next row, 0-based
    col: int = 0
    last_row: int = 0  # 1-based extent of the cells with content
    last_col: int = 0
    rows: int = 0
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    row_repeat: int = 1


def _ods_cell(sheet: _OdsSheet, attributes: dict[bytes, bytes], tail: bytes, empty: bool) -> None:
    repeat = _repeat(attributes, b"table:number-columns-repeated")
    has_value = b"office:value-type" in attributes or (not empty and b"<text:p" in tail[:200])
    if has_value:
        sheet.last_row = max(sheet.last_row, sheet.row + sheet.row_repeat)
        sheet.last_col = max(sheet.last_col, sheet.col + repeat)
    if attributes.get(b"calcext:value-type") == b"error":
        shown = _TEXT.search(tail, 0, 4096)
        text = shown.group(1).decode("utf-8", "replace").strip() if shown else ""
        for col in range(sheet.col, sheet.col + min(repeat, MAX_COLUMNS)):
            sheet.errors[sheet.row + 1, col + 1] = text or "#ERROR"
    rows = _repeat(attributes, b"table:number-rows-spanned")
    cols = _repeat(attributes, b"table:number-columns-spanned")
    if rows > 1 or cols > 1:
        sheet.merged.append(((sheet.row, sheet.col), (sheet.row + rows - 1, sheet.col + cols - 1)))
    sheet.col += repeat


def scan_ods(path: Path) -> OtherScan:
    """Every sheet of an .ods: its error cells and merged ranges; raise ``ScanError`` for a grid too large."""
    found: dict[str, SheetScan] = {}
    merged: dict[str, Merged] = {}
    total = 0
    sheet: _OdsSheet | None = None
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as handle:
        buffer = b""
        while chunk := handle.read(CHUNK):
            buffer += chunk
            cut = buffer.rfind(b"<")
            text, buffer = buffer[:cut], buffer[cut:]
            for match in _TAG.finditer(text):
                closing, tag, attributes, empty = match.groups()
                if tag == b"table" and not closing:
                    name = _attributes(attributes).get(b"table:name", b"").decode("utf-8", "replace")
                    sheet = _OdsSheet(_unescape(name))
                elif sheet is None:
                    continue
                elif tag == b"table" and closing:
                    check_grid(sheet.name, sheet.last_row, max(sheet.last_col, 1))
                    found[sheet.name] = SheetScan(sheet.rows, frozenset(), sheet.errors)
                    merged[sheet.name] = tuple(sheet.merged)
                    total += sheet.last_row * sheet.last_col
                    sheet = None
                elif tag == b"table-row" and not closing:
                    sheet.col, sheet.row_repeat = 0, _repeat(_attributes(attributes), b"table:number-rows-repeated")
                    if empty:
                        sheet.row += sheet.row_repeat
                elif tag == b"table-row":
                    sheet.row += sheet.row_repeat
                    sheet.rows += 1
                    if sheet.row > MAX_ROWS + 1 and sheet.last_row > MAX_ROWS:
                        check_grid(sheet.name, sheet.last_row, max(sheet.last_col, 1))
                elif not closing:
                    _ods_cell(sheet, _attributes(attributes), text[match.end() : match.end() + 4096], bool(empty))
    _check_total(total)
    return OtherScan(found, merged)


def _unescape(text: str) -> str:
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


# --- .xlsb ---------------------------------------------------------------------------------------------------

_ROW_HEADER, _CELL_ERROR, _FORMULA_ERROR, _BUNDLE_SHEET, _MERGE_CELL = 0x00, 0x03, 0x0B, 0x9C, 0xB0
_XLSB_CELLS: Final = frozenset(range(0x01, 0x0C)) | {0x3E}  # BrtCellBlank ... BrtFmlaError, BrtCellRString
_XLSB_ROW_LIMIT: Final = 0x10_0000  # calamine stops reading a sheet at a row past this, silently


def _varint(data: bytes, at: int, most: int) -> tuple[int, int] | None:
    value = 0
    for index in range(most):
        if at + index >= len(data):
            return None
        byte = data[at + index]
        value |= (byte & 0x7F) << (7 * index)
        if not byte & 0x80:
            return value, at + index + 1
    return value, at + most


def _xlsb_records(handle: Iterator[bytes]) -> Iterator[tuple[int, bytes]]:
    """(type, data) of the records of a stream given in chunks."""
    buffer, at = b"", 0
    for chunk in handle:
        buffer = buffer[at:] + chunk
        at = 0
        while True:
            kind = _varint(buffer, at, 2)
            size = None if kind is None else _varint(buffer, kind[1], 4)
            if kind is None or size is None or size[1] + size[0] > len(buffer):
                break
            yield kind[0], buffer[size[1] : size[1] + size[0]]
            at = size[1] + size[0]


def _member_chunks(archive: zipfile.ZipFile, member: str) -> Iterator[bytes]:
    with archive.open(member) as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def _wide(data: bytes, at: int) -> tuple[str, int]:
    (count,) = struct.unpack_from("<I", data, at)
    if count == 0xFFFF_FFFF:
        return "", at + 4
    end = at + 4 + 2 * count
    return data[at + 4 : end].decode("utf-16-le", "replace"), end


def _xlsb_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member, from workbook.bin and its relationships."""
    from tongnan_calc.input.xlsx_scan import _REL, _REL_TARGET_FIRST

    rels = archive.read("xl/_rels/workbook.bin.rels")[: 4 << 20]
    targets = dict(_REL.findall(rels))
    targets.update({rid: target for target, rid in _REL_TARGET_FIRST.findall(rels)})
    members: dict[str, str] = {}
    for kind, data in _xlsb_records(_member_chunks(archive, "xl/workbook.bin")):
        if kind == _BUNDLE_SHEET and len(data) >= 12:
            rid, at = _wide(data, 8)
            name, _ = _wide(data, at)
            target = targets.get(rid.encode())
            if target is not None:
                text = target.decode("utf-8", "replace")
                members[name] = text.lstrip("/") if text.startswith("/") else f"xl/{text}"
    return members


def _xlsb_sheet(archive: zipfile.ZipFile, member: str, name: str) -> tuple[SheetScan, Merged, int]:
    row = last_row = last_col = -1
    rows = 0
    errors: dict[tuple[int, int], str] = {}
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = []
    for kind, data in _xlsb_records(_member_chunks(archive, member)):
        if kind == _ROW_HEADER and len(data) >= 4:
            (row,) = struct.unpack_from("<I", data)
            rows += 1
            if row > _XLSB_ROW_LIMIT:
                check_grid(name, row + 1, max(last_col + 1, 1))
        elif kind in _XLSB_CELLS and len(data) >= 4:
            (col,) = struct.unpack_from("<I", data)
            last_row, last_col = max(last_row, row), max(last_col, col)
            if kind in (_CELL_ERROR, _FORMULA_ERROR) and len(data) >= 9:
                errors[row + 1, col + 1] = _xls_error(data[8])
        elif kind == _MERGE_CELL and len(data) >= 16:
            top, bottom, left, right = struct.unpack_from("<IIII", data)
            merged.append(((top, left), (bottom, right)))
    check_grid(name, last_row + 1, last_col + 1)
    return SheetScan(rows, frozenset(), errors), tuple(merged), (last_row + 1) * (last_col + 1)


def scan_xlsb(path: Path) -> OtherScan:
    """Every sheet of an .xlsb: its error cells (calamine reads them as blank) and merged ranges
    (calamine gives none); raise ``ScanError`` for a grid too large, before calamine builds it."""
    found: dict[str, SheetScan] = {}
    merged: dict[str, Merged] = {}
    total = 0
    with zipfile.ZipFile(path) as archive:
        for name, member in _xlsb_members(archive).items():
            found[name], merged[name], cells = _xlsb_sheet(archive, member, name)
            total = max(total, cells)  # calamine builds one sheet's grid at a time
    _check_total(total)
    return OtherScan(found, merged)
