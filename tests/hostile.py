"""Builders for the hostile-input suite: bad workbooks, rule files and zips made on the fly.

No binary fixture is stored: every workbook is written here, with openpyxl
(``write_xlsx``), or by hand as SpreadsheetML (``write_raw_xlsx``: formulas
with cached values, control characters, cells far away), or as a raw zip with
members compressed by hand (``raw_zip``, ``repeated_member``: zip bombs).

A hostile case adds rows for the enterprise ``X`` (or for ``UNKNOWN``) to a
*control* batch of three ordinary enterprises ``A``, ``B`` and ``C``; the case
then checks the exact input issue it expects, and that the results of ``A``,
``B`` and ``C`` are exactly those of the control batch alone (``baseline``).
Records are dicts keyed by column key; ``grid`` lays them out under English
keys or Chinese headers, so the same batch can be written in either language.
"""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl
from typer.testing import CliRunner, Result

import tongnan_calc
from tongnan_calc.cli.app import app
from tongnan_calc.input.reader import SHEETS
from tongnan_calc.input.uscc import check_char

PROJECT_ROOT = Path(tongnan_calc.__file__).resolve().parent.parent
YEAR = 2016


def valid_code(body: str) -> str:
    """The 17 characters ``body`` and their check character."""
    return body + check_char(body)


A = "91500223MA5U7K3L2W"
B = "91500223MA60B4XQ8A"
C = "92500223MA5YP6HC1K"
X = valid_code("91500223MA61XXXX1")  # the hostile enterprise of a case
UNKNOWN = valid_code("91500000MA5U7AAA1")  # valid, never in enterprises
CONTROL_CODES = (A, B, C)

Record = dict[str, object]
Sheets = dict[str, list[Record]]  # sheet key -> records, in row order
Grid = dict[str, list[list[object]]]  # sheet name -> rows (row 1 first); None: an empty cell

HEADERS_ZH: dict[str, dict[str, str]] = {spec.key: {c.key: c.header for c in spec.columns} for spec in SHEETS}
SHEET_ZH: dict[str, str] = {spec.key: spec.header for spec in SHEETS}
COLUMN_ORDER: dict[str, list[str]] = {spec.key: [c.key for c in spec.columns] for spec in SHEETS}
SHEET_ORDER = [spec.key for spec in SHEETS]


# --- the control batch and the hostile enterprise X ------------------------------------------------


def control() -> Sheets:
    """Three ordinary enterprises with every kind of record and no input issue (year 2016).

    A: settled 2015-03-01, two leases (one over the area cap, across the first
    anniversary), data-line fees over the cap, sales first crossing 50 million,
    spin-off, national demonstration enterprise with a key-project loan.
    B: settled 2016-05-01, city key enterprise, sales crossing two tiers at once,
    municipal demonstration enterprise.  C: not an e-commerce legal entity.
    """
    return {
        "enterprises": [
            {
                "credit_code": A,
                "name": "重庆潼南甲电子商务有限公司",
                "ecommerce_entity": "是",
                "settled_on": "2015-03-01",
                "micro_support": "否",
                "hq_type": "national_hq",
                "renowned": "是",
                "city_key": "否",
                "demo_level": "national",
                "spun_off": "是",
                "operating_since": "2014-06-01",
            },
            {
                "credit_code": B,
                "name": "重庆潼南乙电商有限公司",
                "ecommerce_entity": "是",
                "settled_on": "2016-05-01",
                "city_key": "是",
                "demo_level": "municipal",
            },
            {"credit_code": C, "name": "重庆潼南丁商贸有限公司", "ecommerce_entity": "否", "spun_off": "是"},
        ],
        "leases": [
            {
                "credit_code": A,
                "building": "潼南电子商务大厦",
                "planned_building": "是",
                "area_m2": 2500,
                "period_start": "2015-03-01",
                "period_end": "2016-02-29",
                "rent_paid": 120000,
            },
            {
                "credit_code": A,
                "building": "潼南电子商务大厦",
                "planned_building": "是",
                "area_m2": 1000,
                "period_start": "2016-03-01",
                "period_end": "2016-12-31",
                "rent_paid": "50,000.00",
            },
            {
                "credit_code": B,
                "planned_building": "是",
                "area_m2": 800,
                "period_start": "2016-05-01",
                "period_end": "2017-04-30",
                "rent_paid": 96000,
            },
        ],
        "data_lines": [
            {"credit_code": A, "year": 2015, "fee_paid": 10000},
            {"credit_code": A, "year": 2016, "fee_paid": 400000},
            {"credit_code": B, "year": 2016, "fee_paid": 20000},
        ],
        "sales": [
            {"credit_code": A, "year": 2015, "sales": 40000000},
            {"credit_code": A, "year": 2016, "sales": 60000000},
            {"credit_code": B, "year": 2016, "sales": 120000000},
            {"credit_code": C, "year": 2016, "sales": 70000000},
        ],
        "loans": [
            {
                "credit_code": A,
                "loan_id": "L-A1",
                "key_project": "是",
                "principal": 1000000,
                "drawdown_date": "2015-07-01",
                "maturity_date": "2017-06-30",
                "interest_paid": 60000,
            },
            {
                "credit_code": B,
                "loan_id": "L-B1",
                "key_project": "是",
                "principal": 2000000,
                "drawdown_date": "2016-01-15",
                "maturity_date": "2019-01-14",
            },
        ],
    }


# X's own records: rent 36,600 over the 366 days of 2016 (60%: 21,960.00), a data-line
# fee of 1,000 (30%: 300.00), sales far below every tier.
X_RECORDS: dict[str, Record] = {
    "enterprises": {
        "credit_code": X,
        "name": "重庆潼南丙电商有限公司",
        "ecommerce_entity": "是",
        "settled_on": "2016-01-01",
    },
    "leases": {
        "credit_code": X,
        "planned_building": "是",
        "area_m2": 100,
        "period_start": "2016-01-01",
        "period_end": "2016-12-31",
        "rent_paid": 36600,
    },
    "data_lines": {"credit_code": X, "year": 2016, "fee_paid": 1000},
    "sales": {"credit_code": X, "year": 2016, "sales": 1000},
}
X_RENT = "21960.00"
X_DATA_LINE = "300.00"


def x_record(sheet: str, **changes: object) -> Record:
    return {**X_RECORDS[sheet], **changes}


def with_x(base: Sheets | None = None, **changes: Mapping[str, object] | None) -> Sheets:
    """The control batch (or ``base``) plus X's records, each changed by ``changes[sheet]``.

    ``changes[sheet] = None`` leaves X without a record in that sheet.
    """
    sheets = {key: list(rows) for key, rows in (base or control()).items()}
    for key, record in X_RECORDS.items():
        change = changes.get(key, {})
        if change is None:
            continue
        sheets.setdefault(key, []).append({**record, **change})
    return sheets


def row_of(sheets: Sheets, sheet: str, code: str = X, nth: int = 0) -> int:
    """The Excel row of the ``nth`` record of ``code`` in ``sheet`` (header in row 1)."""
    rows = [i for i, r in enumerate(sheets[sheet]) if r.get("credit_code") == code]
    return rows[nth] + 2


# --- laying out and writing workbooks --------------------------------------------------------------


def columns_of(key: str, records: Sequence[Record]) -> list[str]:
    used = {k for r in records for k in r}
    return [k for k in COLUMN_ORDER[key] if k in used]


def grid(sheets: Sheets, *, lang: str = "en", columns: Mapping[str, Sequence[str]] | None = None) -> Grid:
    """Sheets and rows as a clerk types them: header in row 1 (keys, or Chinese headers)."""
    out: Grid = {}
    for key in [k for k in SHEET_ORDER if k in sheets] + [k for k in sheets if k not in SHEET_ORDER]:
        records = sheets[key]
        keys = list((columns or {}).get(key) or columns_of(key, records))
        name = key if lang == "en" else SHEET_ZH.get(key, key)
        header: list[object] = [k if lang == "en" else HEADERS_ZH[key].get(k, k) for k in keys]
        out[name] = [header, *([r.get(k) for k in keys] for r in records)]
    return out


def write_xlsx(
    path: Path,
    sheets: Grid,
    *,
    hidden_sheets: Iterable[str] = (),
    hidden_rows: Mapping[str, Iterable[int]] | None = None,
    merges: Mapping[str, Iterable[str]] | None = None,
) -> Path:
    """Write ``sheets`` with openpyxl (formulas are written without a cached value)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    hidden = set(hidden_sheets)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
        for number in (hidden_rows or {}).get(title, ()):
            ws.row_dimensions[number].hidden = True
        for cell_range in (merges or {}).get(title, ()):
            ws.merge_cells(cell_range)
        if title in hidden:
            ws.sheet_state = "hidden"
    book.save(path)
    return path


def write_batch(path: Path, sheets: Sheets, *, lang: str = "en", **options: Any) -> Path:
    return write_xlsx(path, grid(sheets, lang=lang), **options)


# --- SpreadsheetML by hand -----------------------------------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A formula cell; ``cached`` is the value Excel stored with it (``None``: no cached value)."""

    text: str
    cached: object = None
    error: bool = False  # the cached value is an error such as #DIV/0!


@dataclass(frozen=True)
class ErrorValue:
    """A cell holding an Excel error value (``t="e"``) without a formula, as typed or pasted as values."""

    shown: str  # #N/A, #DIV/0!, ...


@dataclass(frozen=True)
class At:
    """A cell placed at an explicit reference (e.g. ``XFD1048576``), not after the previous one."""

    ref: str
    value: object


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def xml_text(text: str) -> str:
    """Text for an XML element: control characters as Excel writes them (``_x000B_``)."""
    out = []
    for ch in text:
        code = ord(ch)
        if (code < 0x20 and ch not in "\t\n\r") or code in (0xFFFE, 0xFFFF):
            out.append(f"_x{code:04X}_")
        else:
            out.append(escape(ch))
    return "".join(out)


def _cell_xml(ref: str, value: object) -> str:
    if isinstance(value, At):
        return _cell_xml(value.ref, value.value)
    if isinstance(value, ErrorValue):
        return f'<c r="{ref}" t="e"><v>{escape(value.shown)}</v></c>'
    if isinstance(value, Formula):
        formula = f"<f>{escape(value.text.removeprefix('='))}</f>"
        cached = value.cached
        if cached is None:
            return f'<c r="{ref}">{formula}</c>'
        if value.error:
            return f'<c r="{ref}" t="e">{formula}<v>{escape(str(cached))}</v></c>'
        if isinstance(cached, bool):
            return f'<c r="{ref}" t="b">{formula}<v>{int(cached)}</v></c>'
        if isinstance(cached, (int, float)):
            return f'<c r="{ref}">{formula}<v>{cached!r}</v></c>'
        return f'<c r="{ref}" t="str">{formula}<v>{xml_text(str(cached))}</v></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    if isinstance(value, (date, datetime)):
        raise TypeError("write dates as text in a raw workbook")
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{xml_text(str(value))}</t></is></c>'


def sheet_xml(rows: Sequence[Sequence[object]]) -> bytes:
    parts = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(_cell_xml(f"{column_letter(c)}{r}", value) for c, value in enumerate(row) if value is not None)
        far = [v for v in row if isinstance(v, At)]
        number = int("".join(ch for ch in far[0].ref if ch.isdigit())) if far else r
        parts.append(f'<row r="{number}">{cells}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + "".join(parts)
        + "</sheetData></worksheet>"
    ).encode()


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


def package_parts(names: Sequence[str], hidden: Iterable[str] = ()) -> list[tuple[str, bytes]]:
    """Every member of a minimal .xlsx but the sheets: content types, relationships, workbook."""
    hidden = set(hidden)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
        for i in range(1, len(names) + 1)
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}</Types>"
    )
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    sheets = "".join(
        f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}"'
        f'{" state=" + chr(34) + "hidden" + chr(34) if name in hidden else ""} r:id="rId{i}"/>'
        for i, name in enumerate(names, start=1)
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f"<sheets>{sheets}</sheets></workbook>"
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(names) + 1)
    )
    workbook_rels = f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG_REL}">{rels}</Relationships>'
    return [
        ("[Content_Types].xml", types.encode()),
        ("_rels/.rels", root_rels.encode()),
        ("xl/workbook.xml", workbook.encode()),
        ("xl/_rels/workbook.xml.rels", workbook_rels.encode()),
    ]


def write_raw_xlsx(path: Path, sheets: Grid, *, hidden_sheets: Iterable[str] = ()) -> Path:
    """An .xlsx written as SpreadsheetML by hand: cached formula values, control characters, far cells."""
    names = list(sheets)
    members = [deflated(name, data) for name, data in package_parts(names, hidden_sheets)]
    members += [deflated(f"xl/worksheets/sheet{i}.xml", sheet_xml(rows)) for i, rows in enumerate(sheets.values(), 1)]
    return raw_zip(path, members)


def rewrite_cell(path: Path, sheet: str, ref: str, cell: str) -> Path:
    """Replace cell ``ref`` of the sheet named ``sheet`` of a workbook openpyxl wrote by the XML ``cell``
    (e.g. ``<c r="F2" t="e"><f>1/0</f><v>#DIV/0!</v></c>``), keeping every other member as it was."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
        book = openpyxl.load_workbook(path, read_only=True)
        index = book.sheetnames.index(sheet) + 1
        book.close()
    target = f"xl/worksheets/sheet{index}.xml"
    pattern = re.compile(rf'<c r="{ref}"(?:[^>]*/>|[^>]*>.*?</c>)'.encode(), re.DOTALL)
    out = path.with_suffix(".tmp")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            written = data
            if info.filename == target:
                written, count = pattern.subn(cell.encode(), data)
                assert count == 1, (ref, count)
            archive.writestr(info, written)
    out.replace(path)
    return path


# --- zips by hand --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """A zip member already compressed (raw deflate): its name, data, CRC-32 and size."""

    name: str
    data: bytes
    crc: int
    size: int


def deflated(name: str, content: bytes) -> Member:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return Member(name, compressor.compress(content) + compressor.flush(), zlib.crc32(content), len(content))


def repeated_member(name: str, head: bytes, chunk: bytes, count: int, tail: bytes) -> Member:
    """A member holding ``head + chunk * count + tail``, compressed without ever holding it.

    After a full flush a raw-deflate stream restarts with an empty window, so the
    compressed form of ``chunk`` is the same block every time: it is made once
    and repeated.  The CRC-32 is computed over the real content.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert block == again, "a full flush did not make the block repeatable"
    last = compressor.compress(tail) + compressor.flush()
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    size = len(head) + len(chunk) * count + len(tail)
    assert size < 2**32, "no zip64 here"
    return Member(name, first + block * count + last, crc, size)


def raw_zip(path: Path, members: Sequence[Member]) -> Path:
    """A zip archive of already-compressed members (method 8, deflate)."""
    out = bytearray()
    central = bytearray()
    dos_time, dos_date = 0, 0x21  # 1980-01-01 00:00
    for member in members:
        name = member.name.encode()
        offset = len(out)
        out += struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            20,
            0,
            8,
            dos_time,
            dos_date,
            member.crc,
            len(member.data),
            member.size,
            len(name),
            0,
        )
        out += name + member.data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            dos_time,
            dos_date,
            member.crc,
            len(member.data),
            member.size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += name
    start = len(out)
    out += central
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), start, 0)
    path.write_bytes(bytes(out))
    return path


def xml_bomb(path: Path, *, expanded: int, filler: bytes, chunk_size: int = 1 << 20) -> Path:
    """A small .xlsx whose only sheet (``enterprises``) expands to about ``expanded`` bytes of
    well-formed XML: a header row, then ``filler`` (whole rows, or whitespace) over and over."""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<worksheet xmlns="{_MAIN}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>credit_code</t></is></c><c r="B1" t="inlineStr"><is><t>name</t>'
        '</is></c><c r="C1" t="inlineStr"><is><t>ecommerce_entity</t></is></c></row>'
    ).encode()
    tail = b"</sheetData></worksheet>"
    chunk = filler * max(1, chunk_size // len(filler))
    count = max(1, (expanded - len(head) - len(tail)) // len(chunk))
    members = [deflated(name, data) for name, data in package_parts(["enterprises"])]
    members.append(repeated_member("xl/worksheets/sheet1.xml", head, chunk, count, tail))
    return raw_zip(path, members)


def long_strings_xlsx(path: Path, *, strings: int, length: int, seed: int = 16) -> Path:
    """A decompression-heavy workbook: ``enterprises`` with ``strings`` rows, each enterprise's name a
    shared string of ``length`` characters (distinct, compressible about 200:1, under the ratio guard),
    as Excel stores long text.  Written as it is compressed: the expanded text is never held."""
    import random

    rng = random.Random(seed)
    block = "潼南电子商务" * 1366  # 8,196 characters
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    data, crc, size = bytearray(), 0, 0

    def put(text: str) -> None:
        nonlocal crc, size
        raw = text.encode()
        crc, size = zlib.crc32(raw, crc), size + len(raw)
        data.extend(compressor.compress(raw))

    put(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" count="{strings}" uniqueCount="{strings}">')
    for index in range(strings):
        put(f"<si><t>企业{index:06d}")
        done = 0
        while done < length:
            piece = block[: min(len(block), length - done)]
            token = "".join(rng.choice("0123456789") for _ in range(16))
            put(token + piece[16:])
            done += len(piece)
        put("</t></si>")
    put("</sst>")
    data.extend(compressor.flush())
    shared = Member("xl/sharedStrings.xml", bytes(data), crc, size)
    header = ["credit_code", "name", "ecommerce_entity"]
    rows: list[list[object]] = [header]
    sheet = ['<?xml version="1.0" encoding="UTF-8"?>', f'<worksheet xmlns="{_MAIN}"><sheetData>']
    for row_number, row in enumerate(rows, start=1):
        cells = "".join(_cell_xml(f"{column_letter(i)}{row_number}", v) for i, v in enumerate(row))
        sheet.append(f'<row r="{row_number}">{cells}</row>')
    for index in range(strings):
        number = index + 2
        code = valid_code(f"91500223MA{index:07d}")
        sheet.append(
            f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{code}</t></is></c>'
            f'<c r="B{number}" t="s"><v>{index}</v></c>'
            f'<c r="C{number}" t="inlineStr"><is><t>否</t></is></c></row>'
        )
    sheet.append("</sheetData></worksheet>")
    parts = package_parts(["enterprises"])
    parts[0] = (
        parts[0][0],
        parts[0][1].replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        ),
    )
    parts[3] = (
        parts[3][0],
        parts[3][1].replace(
            b"</Relationships>",
            f'<Relationship Id="rIdS" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>".encode(),
        ),
    )
    members = [deflated(name, content) for name, content in parts]
    members.append(deflated("xl/worksheets/sheet1.xml", "".join(sheet).encode()))
    members.append(shared)
    return raw_zip(path, members)


# --- the command line --------------------------------------------------------------------------


def cli(*args: object, env: Mapping[str, str] | None = None) -> Result:
    """``tongnan-calc ARGS`` in process (stderr kept apart from stdout)."""
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200", **(env or {})})


@dataclass(frozen=True)
class Outcome:
    """A ``run --json -``: exit code, the JSON (``None`` when nothing was computed), stderr."""

    exit_code: int
    data: dict[str, Any] | None
    stderr: str
    exception: BaseException | None = None

    def issues(self, *, code: str | None = None) -> list[tuple[object, ...]]:
        """(sheet, row, column, severity, message) of every input issue (of one enterprise)."""
        assert self.data is not None
        return [
            (i["sheet"], i["row"], i["column"], i["severity"], i["message"])
            for i in self.data["input_issues"]
            if code is None or i["credit_code"] == code
        ]

    def lines(self, code: str) -> dict[str, dict[str, Any]]:
        assert self.data is not None
        return {e["measure"]: e for e in self.data["entitlements"] if e["credit_code"] == code}

    def status(self, code: str, measure: str) -> tuple[str, str | None]:
        line = self.lines(code)[measure]
        return line["status"], line["amount"]

    def codes(self) -> set[str]:
        assert self.data is not None
        return {e["credit_code"] for e in self.data["entitlements"]}


def run_json(workbook: Path, *extra: object, year: int = YEAR, lang: str = "en") -> Outcome:
    """A ``run --json -``, in English unless ``lang`` says otherwise: the tests pin the English messages."""
    result = cli("run", workbook, "--year", year, "--json", "-", "--no-ledger", "--lang", lang, *extra)
    data = json.loads(result.stdout) if result.exit_code in (0, 1) and result.stdout.strip() else None
    exception = result.exception if not isinstance(result.exception, SystemExit) else None
    return Outcome(result.exit_code, data, result.stderr, exception)


def evaluate(workbook: Path, *, year: int = YEAR) -> Outcome:
    """What ``run_json`` gives, computed in process without the terminal tables (fast).

    ``run`` then ``result_json`` are exactly what the command calls; the exit code
    is the command's rule (1 when some input has errors).  A test checks that both
    give the same outcome on a hostile workbook.
    """
    from tongnan_calc.report.json_out import dumps
    from tongnan_calc.shell.run import FatalError, run

    try:
        result = run(workbook, year)
    except FatalError as exc:
        return Outcome(2, None, f"error: {exc}\n")
    return Outcome(1 if result.batch.has_errors else 0, json.loads(dumps(result, "en")), "")


def essentials(line: Mapping[str, Any]) -> tuple[object, ...]:
    """What a line pays and why, without the basis (whose text names row numbers)."""
    return (line["status"], line["amount"], line["tier"], line["reason"])


def results_of(outcome: Outcome, codes: Iterable[str] = CONTROL_CODES) -> dict[tuple[str, str], tuple[object, ...]]:
    assert outcome.data is not None, (outcome.exit_code, outcome.stderr, outcome.exception)
    wanted = set(codes)
    return {
        (e["credit_code"], e["measure"]): essentials(e)
        for e in outcome.data["entitlements"]
        if e["credit_code"] in wanted
    }


@cache
def baseline() -> dict[tuple[str, str], tuple[object, ...]]:
    """The results of A, B and C computed from the control batch alone."""
    with tempfile.TemporaryDirectory() as folder:
        outcome = run_json(write_batch(Path(folder) / "control.xlsx", control()))
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.issues() == [], outcome.issues()
    return results_of(outcome)


def assert_control_unchanged(outcome: Outcome, *, except_measures: Iterable[str] = ()) -> None:
    """A, B and C have exactly their control results (but for ``except_measures``)."""
    skip = set(except_measures)
    expected = {k: v for k, v in baseline().items() if k[1] not in skip}
    got = {k: v for k, v in results_of(outcome).items() if k[1] not in skip}
    assert got == expected


def one_error_line(stderr: str) -> str:
    """The single ``error: ...`` line of a refused command (no traceback, nothing else)."""
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("error: "), stderr
    assert "Traceback" not in stderr
    return lines[0].removeprefix("error: ")


# --- a real process --------------------------------------------------------------------------------

MAIN = "from tongnan_calc.cli.app import main; main()"


@dataclass(frozen=True)
class Child:
    returncode: int  # negative: killed by that signal
    stdout: str
    stderr: str
    peak_rss: int  # bytes
    seconds: float


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    path = os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))
    env = {k: v for k, v in os.environ.items() if k != "TONGNAN_DEBUG"}
    return {
        **env,
        "PYTHONPATH": path,
        "PYTHONDONTWRITEBYTECODE": "1",
        "COLUMNS": "200",
        "RUST_BACKTRACE": "0",
        **(extra or {}),
    }


def run_process(
    argv: Sequence[object],
    *,
    address_space: int | None = None,
    file_size: int | None = None,
    timeout: float = 60,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Child:
    """Run ``argv`` and measure its peak memory.

    ``address_space`` caps the process's virtual memory (RLIMIT_AS), so that a case
    that would eat the machine fails fast instead; ``file_size`` caps the size of any
    file it writes (RLIMIT_FSIZE, SIGXFSZ ignored): a write past it fails with EFBIG,
    as on a full disk.  The peak resident size comes from ``wait4`` for this process
    alone (``ru_maxrss``, KiB on Linux).
    """

    def limit() -> None:
        if address_space is not None:
            resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
        if file_size is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen(
            [str(a) for a in argv],
            stdout=out,
            stderr=err,
            env=child_env(env),
            cwd=cwd,
            preexec_fn=limit,  # noqa: PLW1509 - only setrlimit and a signal disposition, before exec
        )
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                process.kill()
                pid, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.01)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        return Child(
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            usage.ru_maxrss * 1024,
            seconds,
        )


def run_child(code_and_args: Sequence[object], **options: Any) -> Child:
    """``python -c CODE ARGS`` (see ``run_process`` for the options)."""
    return run_process([sys.executable, "-c", *code_and_args], **options)


def cli_child(*args: object, **options: Any) -> Child:
    """``tongnan-calc ARGS`` as a real process, through the console-script entry ``main``."""
    return run_child([MAIN, *args], **options)


def killed_by(child: Child) -> str:
    return signal.Signals(-child.returncode).name if child.returncode < 0 else ""


READ_ONLY_MOUNT = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'


def read_only_folder_support(folder: Path) -> str | None:
    """Why ``folder`` cannot be made read-only for a child process here, or ``None`` when it can.

    As root, permission bits do not stop a write: the folder is bind-mounted read-only
    in a private mount namespace (``unshare -m``) that only the child sees.
    """
    if os.geteuid() != 0:
        return None
    probe = run_process(
        ["unshare", "-m", "--propagation", "private", "sh", "-c", READ_ONLY_MOUNT, "sh", folder, "touch", folder / "x"],
        timeout=20,
    )
    if probe.returncode == 0 or (folder / "x").exists():
        (folder / "x").unlink(missing_ok=True)
        return f"running as root and a read-only bind mount did not stop a write (touch exited {probe.returncode})"
    if "Read-only file system" not in probe.stderr:
        return f"running as root and no read-only bind mount is possible here: {probe.stderr.strip()[:200]}"
    return None


def in_read_only_folder(folder: Path, *args: object, **options: Any) -> Child:
    """``tongnan-calc ARGS`` as a real process that cannot write in ``folder``."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            return cli_child(*args, **options)
        finally:
            folder.chmod(0o755)
    argv = ["unshare", "-m", "--propagation", "private", "sh", "-c", READ_ONLY_MOUNT, "sh", folder]
    return run_process([*argv, sys.executable, "-c", MAIN, *args], **options)
