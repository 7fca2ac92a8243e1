"""The payout and comparison workbooks on paper: nothing cut (issue review-outputs).

Looked at page by page (LibreOffice → PDF → PNG), two things did not print right:

- a heading that wraps in its box kept a one-line row: with ``--lang en`` the summary's
  ``payable lines`` and the pending sheet's ``decided amount`` printed their second word over
  the first data row (the headings are bold, wrapped, centred; the row had no height of its own);
- the provenance sheet's 项目 column (22 wide, not wrapped) cut each reference row's
  ``loan_interest.share_of_benchmark 自2015-01-01起`` at the border of the next column.

Checked here on the cells (every heading's row holds the lines its text takes, by the writer's
own measure) and on paper (the second line of ``payable lines`` stands above the first data row).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner

from tests.test_print import to_pdf
from tongnan_calc.cli.app import app
from tongnan_calc.report.xlsx_book import LINE_HEIGHT, text_lines

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "example.xlsx"
RULES = ROOT / "tongnan_calc" / "rules.yaml"
REVISION = ROOT / "examples" / "rules-2018-revision.yaml"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
ENV = {"COLUMNS": "200", "TERM": "dumb", "TONGNAN_LEDGER": ""}


def payout(tmp_path: Path, lang: str) -> Path:
    out = tmp_path / f"payout-{lang}.xlsx"
    args = ["run", str(EXAMPLE), "--year", "2016", "--no-ledger", "--out", str(out), "--lang", lang]
    result = CliRunner().invoke(app, args, env=ENV)
    assert result.exit_code == 1, result.output  # the example's planted input errors
    return out


def comparison(tmp_path: Path, lang: str) -> Path:
    out = tmp_path / f"impact-{lang}.xlsx"
    args = ["compare", str(EXAMPLE), "-y", "2018", "--baseline", str(RULES), "--reform", str(REVISION)]
    result = CliRunner().invoke(app, [*args, "--no-ledger", "--out", str(out), "--lang", lang], env=ENV)
    assert result.exit_code == 1, result.output
    return out


def width(ws: Any, column: int) -> float:
    return float(ws.column_dimensions[get_column_letter(column)].width)


def height(ws: Any, row: int) -> float:
    return float(ws.row_dimensions[row].height or LINE_HEIGHT)


def short_rows(path: Path, wanted: Any) -> list[tuple[str, str, str, float, int]]:
    """(sheet, cell, text, row height, lines needed) of each visible ``wanted`` cell whose row is too low."""
    found = []
    for ws in openpyxl.load_workbook(path):
        if ws.sheet_state != "visible":
            continue
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and wanted(ws, cell):
                    need = text_lines(cell.value, width(ws, cell.column))
                    if height(ws, cell.row) < need * LINE_HEIGHT:
                        found.append((ws.title, cell.coordinate, cell.value, height(ws, cell.row), need))
    return found


def heading(ws: Any, cell: Any) -> bool:
    """A table's heading: bold, boxed, wrapped."""
    return bool(cell.font.b and cell.border.left.style and cell.alignment.wrap_text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_heading_row_holds_its_wrapped_text(tmp_path: Path, lang: str) -> None:
    assert short_rows(payout(tmp_path, lang), heading) == []
    assert short_rows(comparison(tmp_path, lang), heading) == []


def test_the_headings_that_wrapped_over_the_first_row(tmp_path: Path) -> None:
    """The cases seen on paper, by hand: 10 wide, 'payable lines' takes two lines, so its row 2 × 15 + 2 points (32.25: xlsxwriter rounds to whole pixels)."""
    book = openpyxl.load_workbook(payout(tmp_path, "en"))
    summary = book["summary"]
    header = next(r for r in range(1, 12) if summary.cell(r, 5).value == "payable lines")
    assert summary.cell(header, 5).font.b
    assert (width(summary, 5), height(summary, header)) == (10.7109375, 32.25)  # xlsxwriter: whole pixels
    pending = book["pending"]
    decided = [c.value for c in pending[1]].index("decided amount") + 1
    assert height(pending, 1) >= 2 * LINE_HEIGHT and text_lines("decided amount", width(pending, decided)) == 2


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_provenance_references_wrap_in_their_column(tmp_path: Path, lang: str) -> None:
    book = openpyxl.load_workbook(payout(tmp_path, lang))
    ws = book["来源" if lang == "zh" else "provenance"]
    references = [row for row in ws.iter_rows(min_row=2) if row[0].value == "reference"]
    assert len(references) > 10
    for _, item, _ in references:
        assert item.alignment.wrap_text, item.coordinate
        assert height(ws, item.row) >= text_lines(item.value, width(ws, 2)) * LINE_HEIGHT, item.value
    longest = max((item.value for _, item, _ in references), key=len)
    assert longest.startswith("loan_interest.")
    assert text_lines(longest.split(" ")[0], width(ws, 2)) == 1  # the parameter's name is never split


def _words(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    """(word, xMin, yMin, xMax, yMax) of a PDF page, by pdftotext -bbox."""
    out = subprocess.run(
        [str(PDFTOTEXT), "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(m[4], float(m[0]), float(m[1]), float(m[2]), float(m[3])) for m in re.findall(pattern, out)]


@pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None,
    reason="LibreOffice or poppler-utils is not installed: .ci/install-libreoffice installs both",
)
def test_a_wrapped_heading_prints_above_the_first_row(tmp_path: Path) -> None:
    words = _words(to_pdf(payout(tmp_path, "en"), tmp_path), 1)
    first = next(w for w in words if w[0] == "payable" and w[1] > 200)  # the heading of the lines' column
    second = next(w for w in words if w[0] == "lines" and w[2] > first[2] and abs(w[1] - first[1]) < 20)
    data = next(w for w in words if w[0] == "key")  # 'key support', the first row below the heading
    assert second[4] <= data[2], (second, data)


def _ledger_export(tmp_path: Path, lang: str) -> Path:
    ledger, out = tmp_path / "try-ledger.sqlite", tmp_path / f"ledger-{lang}.xlsx"
    history = ROOT / "examples" / "history.xlsx"
    steps = (
        ["ledger", "init", str(ledger), "--no-save"],
        ["ledger", "import", str(history), "--example", "--ledger", str(ledger)],
        ["run", str(EXAMPLE), "--year", "2016", "--ledger", str(ledger), "--out", str(tmp_path / "p.xlsx")],
        ["ledger", "record", str(tmp_path / "p.xlsx"), "--example", "--ledger", str(ledger)],
        ["ledger", "export", str(out), "--ledger", str(ledger), "--lang", lang],
    )
    for step in steps:
        result = CliRunner().invoke(app, step, env={**ENV, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)})
        assert result.exit_code in (0, 1), (step, result.output)
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_ledger_export_prints_on_a4_one_page_wide(tmp_path: Path, lang: str) -> None:
    """``ledger export`` (openpyxl) had no print setup: the entries sheet printed its 12 columns over
    pages of their own (the amounts apart from the codes), without a heading row or page numbers, and a
    source longer than its column was cut by the next one."""
    book = openpyxl.load_workbook(_ledger_export(tmp_path, lang))
    assert len(book.sheetnames) == 2
    for ws in book:
        setup = (ws.page_setup.paperSize, ws.page_setup.orientation, ws.page_setup.fitToWidth)
        assert setup == (9, "landscape", 1)
        assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows in ("1:1", "$1:$1")
        assert ws.oddFooter.center.text == "&P / &N" and ws.oddHeader.center.text == "&A"
        assert ws.print_options.gridLines
        sources = [row for row in ws.iter_rows(min_row=2) if any(isinstance(c.value, str) for c in row)]
        assert sources
        for row in sources:
            for cell in row:
                if isinstance(cell.value, str) and text_lines(cell.value, width(ws, cell.column)) > 1:
                    assert cell.alignment.wrap_text, (cell.coordinate, cell.value)
                    assert height(ws, cell.row) >= text_lines(cell.value, width(ws, cell.column)) * LINE_HEIGHT


@pytest.mark.skipif(
    SOFFICE is None or PDFTOTEXT is None,
    reason="LibreOffice or poppler-utils is not installed: .ci/install-libreoffice installs both",
)
def test_every_page_of_the_ledger_export_has_every_column(tmp_path: Path) -> None:
    pdf = to_pdf(_ledger_export(tmp_path, "zh"), tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])  # type: ignore[index]
    for page in range(1, pages + 1):
        text = "".join(word for word, *_ in _words(pdf, page))
        assert "统一社会信用代码" in text and "金额" in text and "记录时间" in text, page  # the headings, all columns
        assert f"{page}/{pages}" in text, page


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_template_prints_on_a4_one_page_wide(tmp_path: Path, lang: str) -> None:
    """``template``'s instructions sheet had no print setup and rows of one line: its 206 columns printed
    over two pages across, the notes ran off the page and every wrapped meaning was cut by the next row."""
    out = tmp_path / f"template-{lang}.xlsx"
    assert CliRunner().invoke(app, ["template", str(out), "--lang", lang], env=ENV).exit_code == 0
    book = openpyxl.load_workbook(out)
    for ws in book:
        assert (ws.page_setup.paperSize, ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (9, 1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows
    notes = book.worksheets[0]
    assert notes.page_setup.orientation == "landscape"
    across = sum(width(notes, column) for column in range(1, 8))
    for row in notes.iter_rows(min_row=2):
        if row[0].value is None or not row[0].alignment.wrap_text:  # the title, the table's heading
            continue
        merged = any(str(cells).startswith(f"A{row[0].row}:") for cells in notes.merged_cells.ranges)
        room = across if merged else width(notes, 1)
        need = max(
            text_lines(str(cell.value), room if cell.column == 1 else width(notes, cell.column))
            for cell in row
            if cell.value is not None and cell.alignment.wrap_text
        )
        assert height(notes, row[0].row) >= need * LINE_HEIGHT * 0.85, (row[0].coordinate, row[0].value)


def test_the_status_sheets_print_no_smaller_than_they_must() -> None:
    """One page wide, a sheet prints at (page width / its columns' width): at the payable sheet's widths the
    flags, blocked and ineligible sheets were 245 characters wide (5.8 pt type in LibreOffice's PDF of the
    example, against 6.7 pt on the payable sheet, 213 wide) and the pending sheet 303 (4.8 pt).  Their wrapped
    columns are narrower now (their text takes more lines): flags as wide as the payable sheet at most, pending
    (three columns more: the check value and the reviewer's two) at most a quarter wider."""
    from tongnan_calc.report.layout import FIELDS, PAYABLE_COLUMNS, PENDING_COLUMNS, STATUS_COLUMNS

    def across(columns: Any) -> int:
        return sum(column.width for column in columns)

    assert across(PAYABLE_COLUMNS) == 213
    assert across(STATUS_COLUMNS) <= across(PAYABLE_COLUMNS)
    assert across(PENDING_COLUMNS) <= 1.25 * across(PAYABLE_COLUMNS)
    assert {c.key for c in STATUS_COLUMNS if c.width < FIELDS[c.key].width} == {
        "name",
        "responsible",
        "reason",
        "basis",
    }
    assert all(c.kind == "wrap" for c in STATUS_COLUMNS if c.width < FIELDS[c.key].width)
