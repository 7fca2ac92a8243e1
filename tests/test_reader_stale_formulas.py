"""Formulas whose stored value is a placeholder: a workbook that asks to be recalculated when opened.

A program that writes formulas without computing them (xlsxwriter, which many export tools use) stores
0 as every formula's value and sets ``<calcPr fullCalcOnLoad="1"/>`` in workbook.xml, so that Excel
computes them when it opens the file.  Read as stored, a sales total ``=40000000+20000000`` was 0 and an
``interest_paid`` formula was 0, without a word.  In such a workbook no formula's stored value can be
trusted: each formula cell in a known column is the input error of a formula without a computed value.
Opened and saved in Excel, the workbook carries the computed values and no longer asks to be recalculated.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from hostile import (
    A,
    B,
    Formula,
    assert_control_unchanged,
    evaluate,
    grid,
    with_x,
    write_raw_xlsx,
)

from tongnan_calc.input.reader import read_workbook

UNCACHED = (
    "a formula without a computed value (the file was not saved by Excel): open and save it in Excel, or type the value",
    "公式没有计算结果（文件不是由 Excel 保存的）：请在 Excel 中打开并保存，或直接填入数值",
)


def _write_xlsxwriter(path: Path, sheets: dict[str, list[list[object]]], *, values: bool) -> Path:
    """The grid written with xlsxwriter; a ``Formula`` with its value (``values``) or without (xlsxwriter's 0)."""
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, Formula):
                    sheet.write_formula(r, c, value.text, None, value.cached if values else 0)
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def _issues(path: Path) -> list[tuple[object, ...]]:
    return [(i.sheet, i.row, i.column, i.severity, i.message, i.message_zh) for i in read_workbook(path).issues]


def _with_formulas() -> dict[str, list[list[object]]]:
    sheets = with_x()
    sheets["sales"][1] = {**sheets["sales"][1], "sales": Formula("=40000000+20000000", 60000000)}
    sheets["loans"][0] = {**sheets["loans"][0], "interest_paid": Formula("=30000*2", 60000)}
    return grid(sheets)


EXPECTED = [("sales", 3, "sales", "error", *UNCACHED), ("loans", 2, "interest_paid", "error", *UNCACHED)]


@pytest.mark.parametrize("values", [False, True], ids=["placeholder-0", "value-given"])
def test_a_formula_of_a_workbook_to_be_recalculated_is_no_value(tmp_path: Path, values: bool) -> None:
    """A's sales of 2016 read as 0 lost its 50-million reward; its interest_paid read as 0 its loan subsidy."""
    path = _write_xlsxwriter(tmp_path / "export.xlsx", _with_formulas(), values=values)
    assert _issues(path) == EXPECTED
    outcome = evaluate(path)
    assert outcome.exit_code == 1
    assert outcome.status(A, "sales_milestone") == ("blocked", None)
    assert outcome.status(A, "loan_interest") == ("blocked", None)
    assert_control_unchanged(outcome, except_measures=["sales_milestone", "loan_interest"])
    assert outcome.status(B, "loan_interest")[0] == "payable"


def test_the_same_formulas_with_values_saved_by_excel_are_read(tmp_path: Path) -> None:
    """Without the request to recalculate (as Excel saves), a formula is read through its stored value."""
    path = write_raw_xlsx(tmp_path / "saved.xlsx", _with_formulas())
    assert _issues(path) == []
    assert_control_unchanged(evaluate(path))


def test_a_workbook_to_be_recalculated_without_formulas_in_its_data_is_read(tmp_path: Path) -> None:
    sheets = grid(with_x())
    sheets["notes"] = [[Formula("=1+1", 2)]]  # a sheet of no interest: a notice, not read
    path = _write_xlsxwriter(tmp_path / "plain.xlsx", sheets, values=False)
    assert [issue[3] for issue in _issues(path)] == ["notice"]
    assert_control_unchanged(evaluate(path))


def test_full_calc_on_load_written_true_counts_too(tmp_path: Path) -> None:
    path = _write_xlsxwriter(tmp_path / "export.xlsx", _with_formulas(), values=True)
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    book = {info.filename: data for info, data in members}["xl/workbook.xml"]
    assert b'fullCalcOnLoad="1"' in book
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info, book.replace(b'"1"', b'"true"') if info.filename == "xl/workbook.xml" else data)
    assert _issues(path) == EXPECTED
