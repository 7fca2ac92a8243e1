"""A minimal .xlsb writer for the tests (LibreOffice reads .xlsb but cannot write it): the records
python-calamine needs (MS-XLSB: BrtBeginSheet, BrtWsDim, BrtBeginSheetData, BrtRowHdr, cells,
BrtMergeCell) and nothing else.  Cells: str (BrtCellSt; '#DIV/0!', '#N/A' as BrtCellError, '=#DIV/0!' as
BrtFmlaError), bool, int or float (BrtCellReal)."""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Sequence
from pathlib import Path

ERRORS = {"#NULL!": 0x00, "#DIV/0!": 0x07, "#VALUE!": 0x0F, "#REF!": 0x17, "#NAME?": 0x1D, "#NUM!": 0x24, "#N/A": 0x2A}
Merge = tuple[int, int, int, int]  # first row, last row, first column, last column (0-based)


def _varint(number: int) -> bytes:
    out = b""
    while True:
        low, number = number & 0x7F, number >> 7
        if not number:
            return out + bytes([low])
        out += bytes([low | 0x80])


def record(kind: int, data: bytes = b"") -> bytes:
    return _varint(kind) + _varint(len(data)) + data


def _wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def _cell(column: int, value: object) -> bytes:
    head = struct.pack("<I", column) + b"\x00\x00\x00\x00"
    if isinstance(value, str) and value.startswith("=") and value[1:] in ERRORS:
        return record(0x0B, head + bytes([ERRORS[value[1:]]]) + b"\x00\x00" + struct.pack("<I", 0))
    if isinstance(value, str) and value in ERRORS:
        return record(0x03, head + bytes([ERRORS[value]]))
    if isinstance(value, str):
        return record(0x06, head + _wide(value))
    if isinstance(value, bool):
        return record(0x04, head + bytes([value]))
    assert isinstance(value, (int, float))
    return record(0x05, head + struct.pack("<d", float(value)))


def sheet_bin(rows: Sequence[tuple[int, Sequence[object]]], merges: Sequence[Merge] = ()) -> bytes:
    """``rows``: (0-based row, values from column A; None: no cell)."""
    last_row = max((r for r, _ in rows), default=0)
    last_col = max((len(v) for _, v in rows), default=1) - 1
    out = record(0x81) + record(0x94, struct.pack("<IIII", 0, last_row, 0, max(last_col, 0))) + record(0x91)
    for row, values in rows:
        out += record(0x00, struct.pack("<I", row) + b"\x00" * 13)
        out += b"".join(_cell(c, v) for c, v in enumerate(values) if v is not None)
    out += record(0x92)
    if merges:
        out += record(0xB1, struct.pack("<I", len(merges)))
        out += b"".join(record(0xB0, struct.pack("<IIII", *m)) for m in merges) + record(0xB2)
    return out + record(0x82)


def write_xlsb(path: Path, sheets: Sequence[tuple[str, bytes]]) -> Path:
    book = record(0x83) + record(0x8F)
    rels = ['<?xml version="1.0" encoding="UTF-8"?>']
    rels.append('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">')
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    for index, (name, _) in enumerate(sheets, start=1):
        book += record(0x9C, struct.pack("<II", 0, index) + _wide(f"rId{index}") + _wide(name))
        rels.append(f'<Relationship Id="rId{index}" Type="{kind}/worksheet" Target="worksheets/sheet{index}.bin"/>')
    book += record(0x90) + record(0x84)
    rels.append("</Relationships>")
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/></Types>'
    )
    root = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{kind}/officeDocument" Target="xl/workbook.bin"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", root)
        archive.writestr("xl/workbook.bin", book)
        archive.writestr("xl/_rels/workbook.bin.rels", "".join(rels))
        for index, (_, data) in enumerate(sheets, start=1):
            archive.writestr(f"xl/worksheets/sheet{index}.bin", data)
    return path
