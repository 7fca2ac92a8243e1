"""Hidden rows and hidden sheets of the input workbook are read like the others, and said (input/hidden.py).

A clerk who hides a lease row (by hand, by a filter, by an outline) to leave it out would otherwise see it
paid without a word; a hidden sheet of ours likewise.  Each hidden data row is a warning on its row's credit
code, a hidden sheet a warning on the sheet; what is computed does not change.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile import cli
from openpyxl import load_workbook

from tongnan_calc.input.reader import read_workbook
from tongnan_calc.input.xlsx_scan import scan_sheet

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "example.xlsx"
CODE = "91500223MA601P037Q"  # leases row 3 is its 2016 lease (120,000 paid)
ROW = (
    "this row is hidden in the workbook but is read like the others: delete it if it must not count",
    "该行在工作簿中被隐藏，但仍与其他行一样读取：不应计入的行请删除，不要隐藏",
)
SHEET = (
    "sheet 'data_lines' is hidden in the workbook but is read as the data_lines (数据专线) sheet:"
    " delete it if it must not count",
    "工作表“data_lines”在工作簿中被隐藏，但仍按数据专线（data_lines）工作表读取：不应计入请删除该表，不要隐藏",
)


def hidden_example(path: Path) -> Path:
    book = load_workbook(EXAMPLE)
    book["leases"].row_dimensions[3].hidden = True
    book["data_lines"].sheet_state = "hidden"
    book.save(path)
    return path


def hidden_issues(path: Path) -> list[tuple[object, ...]]:
    return [
        (i.sheet, i.row, i.column, i.severity, i.credit_code, i.message, i.message_zh)
        for i in read_workbook(path).issues
        if "hidden" in i.message
    ]


def test_a_hidden_row_and_a_hidden_sheet_are_warnings_in_both_languages(tmp_path: Path) -> None:
    assert hidden_issues(hidden_example(tmp_path / "hidden.xlsx")) == [
        ("leases", 3, "credit_code", "warning", CODE, *ROW),
        ("data_lines", None, None, "warning", None, *SHEET),
    ]
    assert hidden_issues(EXAMPLE) == []


def test_what_is_hidden_is_still_computed_and_the_exit_code_is_the_same(tmp_path: Path) -> None:
    shown = cli("run", EXAMPLE, "--year", 2016, "--no-ledger", "--json", "-")
    hidden = cli("run", hidden_example(tmp_path / "hidden.xlsx"), "--year", 2016, "--no-ledger", "--json", "-")
    assert hidden.exit_code == shown.exit_code == 1  # the example's planted input errors
    before, after = json.loads(shown.stdout), json.loads(hidden.stdout)
    assert after["entitlements"] == before["entitlements"]  # the hidden lease row and data lines still pay
    added = [i for i in after["input_issues"] if i not in before["input_issues"]]
    assert [(i["sheet"], i["row"], i["severity"], i["message"]) for i in added] == [
        ("leases", 3, "warning", ROW[1]),
        ("data_lines", None, "warning", SHEET[1]),
    ]


def _rows_xml(path: Path, change: Callable[[bytes], bytes]) -> Path:
    """``path`` with the leases sheet's XML (sheet2) changed."""
    out = path.with_name("changed-" + path.name)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, change(data) if info.filename == "xl/worksheets/sheet2.xml" else data)
    return out


FORMS: dict[str, tuple[Callable[[bytes], bytes], frozenset[int]]] = {
    # as openpyxl and Excel write it
    "hidden 1": (lambda x: x.replace(b'<row r="4"', b'<row r="4" hidden="1"'), frozenset({3, 4})),
    # as LibreOffice writes it: every row says hidden true or false, the reference first
    "LibreOffice": (
        lambda x: re.sub(
            rb'<row r="([0-9]+)"( hidden="1")?',
            lambda m: b'<row r="' + m.group(1) + b'" ht="15" hidden="' + (b"true" if m.group(2) else b"false") + b'"',
            x,
        ),
        frozenset({3}),
    ),
    # the reference after the other attributes
    "reference last": (
        lambda x: x.replace(b'<row r="3" hidden="1"', b'<row hidden="1" spans="1:7" r="3"'),
        frozenset({3}),
    ),
    # a height of 0 is as good as hidden; hidden="0" is not hidden
    "zero height": (
        lambda x: x.replace(b'<row r="5"', b'<row r="5" ht="0" customHeight="1"').replace(
            b'<row r="3" hidden="1"', b'<row r="3" hidden="0"'
        ),
        frozenset({5}),
    ),
    # every element with a namespace prefix
    "prefixed": (
        lambda x: re.sub(rb"<(/?)(row|c|v|sheetData|worksheet|f|is|t)\b", rb"<\1x:\2", x).replace(
            b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
            b'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
        ),
        frozenset({3}),
    ),
}


@pytest.mark.parametrize("form", FORMS)
def test_the_scan_finds_hidden_rows_in_every_form(tmp_path: Path, form: str) -> None:
    change, expected = FORMS[form]
    path = _rows_xml(hidden_example(tmp_path / "hidden.xlsx"), change)
    with zipfile.ZipFile(path) as archive:
        assert scan_sheet(archive, "xl/worksheets/sheet2.xml", "leases").hidden_rows == expected
    rows = sorted(row for _, row, *_ in hidden_issues(path) if row is not None)
    assert rows == sorted(expected)  # leases rows 3, 4 and 5 all hold data
