"""SpreadsheetML as programs other than Excel write it, read exactly as Excel's own.

Excel writes its elements in the default namespace (``<c r="A1">``) with the cell reference first; a
workbook exported by another program (the .NET Open XML SDK, some Java writers) may put a prefix on every
element (``<x:c r="A1">``, ``<x:f>``, ``<x:v>``) or write a cell's attributes in another order
(``<c s="1" r="A1">``).  calamine reads both; the pre-scan that finds what calamine reads as blank (a
formula without a computed value, a cell showing an Excel error) and the size of each sheet must too, or
those cells are read as "not given" — an ``interest_paid`` read as not given pays more.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from hostile import (
    A,
    B,
    ErrorValue,
    Formula,
    assert_control_unchanged,
    evaluate,
    grid,
    with_x,
    write_raw_xlsx,
)

from tongnan_calc.input.reader import WorkbookError, read_workbook
from tongnan_calc.input.xlsx_scan import ScanError, scan_sheet

_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_UNCACHED = (
    "a formula without a computed value (the file was not saved by Excel): open and save it in Excel, or type the value",
    "公式没有计算结果（文件不是由 Excel 保存的）：请在 Excel 中打开并保存，或直接填入数值",
)


def _prefixed(xml: bytes) -> bytes:
    """Every element of the default (SpreadsheetML) namespace with the prefix ``x:``."""
    if b'xmlns="' + _MAIN + b'"' not in xml:
        return xml
    xml = xml.replace(b'xmlns="' + _MAIN + b'"', b'xmlns:x="' + _MAIN + b'"')
    return re.sub(rb"<(/?)(?![?!])([A-Za-z][\w.-]*)(?=[\s/>])", rb"<\1x:\2", xml)


def _reordered(xml: bytes) -> bytes:
    """Every cell's reference written last among its attributes: ``<c s="0" t="e" r="A1">``."""
    return re.sub(rb'<c r="([A-Z]+[0-9]+)"([^>]*?)(/?)>', rb'<c s="0"\2 r="\1"\3>', xml)


def _rewritten(path: Path, change: object) -> Path:
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    out = path.with_name("rewritten-" + path.name)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info, change(data) if info.filename.endswith(".xml") else data)  # type: ignore[operator]
    return out


def _issues(path: Path) -> list[tuple[object, ...]]:
    return [(i.sheet, i.row, i.column, i.severity, i.message, i.message_zh) for i in read_workbook(path).issues]


FORMS = {"prefixed": _prefixed, "reordered": _reordered}


@pytest.mark.parametrize("form", FORMS)
def test_a_formula_without_a_value_and_an_error_cell_are_errors_in_every_form(tmp_path: Path, form: str) -> None:
    """A's interest_paid as a formula never computed, B's as #DIV/0!: read as blank, both loans would be
    subsidised on the benchmark rate alone (interest_paid "not given")."""
    sheets = with_x()
    loans = sheets["loans"]
    assert [loan["credit_code"] for loan in loans] == [A, B]
    loans[0] = {**loans[0], "interest_paid": Formula("=D2*0.05", None)}
    loans[1] = {**loans[1], "interest_paid": ErrorValue("#DIV/0!")}
    plain = write_raw_xlsx(tmp_path / "loans.xlsx", grid(sheets))
    expected = [
        ("loans", 2, "interest_paid", "error", *_UNCACHED),
        (
            "loans",
            3,
            "interest_paid",
            "error",
            "the cell shows the Excel error #DIV/0!: enter the value itself",
            "单元格显示 Excel 错误值 #DIV/0!：请直接填入实际的值",
        ),
    ]
    assert _issues(plain) == expected
    changed = _rewritten(plain, FORMS[form])
    assert _issues(changed) == expected
    outcome = evaluate(changed)
    assert outcome.exit_code == 1
    assert outcome.status(A, "loan_interest") == ("blocked", None)
    assert outcome.status(B, "loan_interest") == ("blocked", None)
    assert_control_unchanged(outcome, except_measures=["loan_interest"])


@pytest.mark.parametrize("form", FORMS)
def test_the_same_batch_in_every_form_gives_the_same_results(tmp_path: Path, form: str) -> None:
    plain = write_raw_xlsx(tmp_path / "batch.xlsx", grid(with_x()))
    outcome = evaluate(_rewritten(plain, FORMS[form]))
    assert outcome.exit_code == 0
    assert_control_unchanged(outcome)
    assert outcome.issues() == []


def test_a_prefixed_cell_far_away_is_refused_before_calamine_allocates_its_grid(tmp_path: Path) -> None:
    """One cell at XFD1048576 makes calamine allocate 17 billion cells: the scan refuses it first."""
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="' + _MAIN + b'"><x:sheetData>'
        b'<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>credit_code</x:t></x:is></x:c></x:row>'
        b'<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    path = tmp_path / "far.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    with zipfile.ZipFile(path) as archive, pytest.raises(ScanError) as raised:
        scan_sheet(archive, "xl/worksheets/sheet1.xml", "enterprises")
    assert raised.value.say.en == "sheet 'enterprises' reaches row 1,048,576 and column 16,384; " + (
        "delete the cells far outside the data"
    )
    assert raised.value.say.zh == "工作表“enterprises”用到第 1,048,576 行、第 16,384 列：请删除数据区以外远处的单元格"


def test_a_prefixed_workbook_names_its_sheets_for_the_scan(tmp_path: Path) -> None:
    """The sheets of a prefixed workbook.xml are found, so their far cells are refused with the file named."""
    far_cell = b'<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row></x:sheetData>'

    def far_away(xml: bytes) -> bytes:
        return _prefixed(xml).replace(b"</x:sheetData>", far_cell) if b"credit_code" in xml else _prefixed(xml)

    far = _rewritten(write_raw_xlsx(tmp_path / "batch.xlsx", grid(with_x())), far_away)
    with pytest.raises(WorkbookError) as raised:
        read_workbook(far)
    assert raised.value.say.zh == (
        f"{far}：拒绝读取：工作表“enterprises”用到第 1,048,576 行、第 16,384 列：请删除数据区以外远处的单元格"
    )
    assert raised.value.say.en == (
        f"{far}: refused: sheet 'enterprises' reaches row 1,048,576 and column 16,384; "
        "delete the cells far outside the data"
    )


def _without_references(xml: bytes) -> bytes:
    """Rows and cells without their reference (``r`` is optional in SpreadsheetML: the position follows)."""
    return re.sub(rb'<(c|row) r="[A-Z]*[0-9]+"', rb"<\1", xml) if b"loan_id" in xml else xml


def test_cells_without_their_reference_are_refused_naming_the_sheet(tmp_path: Path) -> None:
    """calamine places such cells by counting; the scan cannot, and read as blank the interest_paid formula
    without a value would no longer limit A's subsidy: the workbook is refused, with what to do."""
    sheets = with_x()
    sheets["loans"][0] = {**sheets["loans"][0], "interest_paid": Formula("=D2*0.05", None)}
    path = _rewritten(write_raw_xlsx(tmp_path / "loans.xlsx", grid(sheets)), _without_references)
    with pytest.raises(WorkbookError) as raised:
        read_workbook(path)
    assert raised.value.say.en == (
        f"{path}: refused: sheet 'loans' has a row or cell stored without its reference (<row>): "
        "the file was not saved by Excel; open it in Excel, save it, and try again"
    )
    assert raised.value.say.zh == (
        f"{path}：拒绝读取：工作表“loans”中有未注明位置的行或单元格（<row>），文件不是由 Excel 保存的："
        "请在 Excel 中打开并另存后再试"
    )


def test_a_tag_cut_at_the_end_of_a_piece_is_no_missing_reference(tmp_path: Path) -> None:
    """The scan reads a sheet in pieces of 1 MiB: a tag cut by a piece's end is whole in the next one."""
    sheets = with_x()
    sheets["sales"] += [{"credit_code": A, "year": 1990 + n % 20, "sales": n} for n in range(60_000)]
    path = write_raw_xlsx(tmp_path / "long.xlsx", grid(sheets))
    issues = {(i.sheet, i.column, i.severity) for i in read_workbook(path).issues}
    assert issues == {("sales", "year", "error")}  # A's years repeat: nothing else is said


def test_prefixed_shared_text_repeated_in_many_cells_is_bounded(tmp_path: Path) -> None:
    """The bound on the shared text the cells copy (``bounds``) finds the shared strings and the cells that
    refer to them with a prefix too: 30 copies of a 96,000-byte name (2.7 MiB) pass a bound of 1 MiB."""
    from test_hostile_bounds import ENV, one_string_in_many_cells, refusal

    path = _rewritten(one_string_in_many_cells(tmp_path / "copies.xlsx", 30), _prefixed)
    with zipfile.ZipFile(path) as archive:
        assert b"</x:si>" in archive.read("xl/sharedStrings.xml")
    assert refusal(path, "en") == (
        f"error: {path}: refused: its cells refer to more than 1 MiB of shared text in all (the same long text "
        f"in many cells): possibly a zip bomb ({ENV} sets the limit)\n"
    )
    assert refusal(path, "zh") == (
        f"错误：{path}：拒绝读取：单元格引用的共享文本合计超过上限 1 MiB（同一段长文本被大量单元格重复引用），"
        f"可能是压缩炸弹（上限由环境变量 {ENV} 设定）\n"
    )


@pytest.mark.parametrize("form", ["plain", *FORMS])
def test_a_formula_whose_value_is_empty_text_is_blank_in_every_form(tmp_path: Path, form: str) -> None:
    """A's interest_paid ``=IF(…,"",…)`` with its empty result stored (``t="str"``, ``<v></v>``) is not
    given — no issue; B's never computed (``<v/>``, no type) is still a formula without a value."""
    sheets = with_x()
    loans = sheets["loans"]
    loans[0] = {**loans[0], "interest_paid": Formula('=IF(1,"",D2*0.05)', "")}
    loans[1] = {**loans[1], "interest_paid": Formula("=D3*0.05", None)}
    path = write_raw_xlsx(tmp_path / "loans.xlsx", grid(sheets))
    if form != "plain":
        path = _rewritten(path, FORMS[form])
    assert _issues(path) == [("loans", 3, "interest_paid", "error", *_UNCACHED)]
    outcome = evaluate(path)
    assert outcome.status(A, "loan_interest")[0] == "payable"
    assert outcome.status(B, "loan_interest") == ("blocked", None)
