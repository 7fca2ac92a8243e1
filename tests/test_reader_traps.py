"""A clerk's workbook as clerks save it (issue 13): decorated sheet names, other formats, Excel's lock
file, an --out name that is not .xlsx.  Each trap: the exact message in Chinese and English, and the
proof that nothing is lost (the decorated sheet pays the same rent; .xls and .ods give the same JSON)."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from factories import CODE
from hostile import write_xlsx
from ledger_helpers import write_history, write_payout
from typer.testing import CliRunner

from tongnan_calc.cli.app import app
from tongnan_calc.input.reader import read_workbook
from tongnan_calc.input.sheet_names import canonical_table, decorated
from tongnan_calc.input.sheets_spec import _SHEET_BY_NAME
from tongnan_calc.ledger import LedgerError, import_history, init_ledger, record_payout

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "example.xlsx"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
EXAMPLE_RENT_2016 = Decimal("533869.84")  # rent of 2016 on the example: the sum of its rent lines (test_example)

A = "91500223MA5U7K3L2W"
ENT_HEAD = ["credit_code", "name", "ecommerce_entity"]
LEASE_HEAD = ["credit_code", "planned_building", "area_m2", "period_start", "period_end", "rent_paid"]


def _ledger(folder: Path) -> Path:
    """A new, empty ledger (only ``ledger init`` creates one)."""
    path = folder / "ledger.sqlite"
    if not path.exists():
        init_ledger(path)
    return path


def invoke(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "250"})
    return result.exit_code, result.stdout, result.stderr


def renamed(source: Path, target: Path, names: dict[str, str], copies: dict[str, str] | None = None) -> Path:
    """``source`` with sheets renamed (old -> new), and sheets copied (new name -> sheet copied)."""
    book = openpyxl.load_workbook(source)
    for old, new in names.items():
        book[old].title = new
    for new, old in (copies or {}).items():
        book.copy_worksheet(book[old]).title = new
    book.save(target)
    return target


def run_json(workbook: Path, *more: object) -> tuple[int, dict[str, Any]]:
    code, stdout, _ = invoke("run", workbook, "--year", 2016, "--no-ledger", "--json", "-", *more)
    return code, json.loads(stdout)


# --- decorated sheet names --------------------------------------------------------------------------------

TABLE = canonical_table(_SHEET_BY_NAME)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("办公租赁（2016年）", "leases"),
        ("办公租赁(2016)", "leases"),
        ("办公租赁2016年度", "leases"),
        ("2016年办公租赁表", "leases"),
        ("【办公租赁】", "leases"),
        ("办公租赁 - 副本", "leases"),
        ("Copy of leases", "leases"),
        ("leases (2)", "leases"),
        ("ｌｅａｓｅｓ", "leases"),  # full-width letters
        ("办公租赁（２０１６）", "leases"),  # full-width digits
        ("Data Lines 2016", "data_lines"),
        ("企业信息表", "enterprises"),
        ("ENTERPRISES copy", "enterprises"),
        ("2016年销售额", "sales"),
        ("贷款 2", "loans"),
    ],
)
def test_a_decorated_name_stands_for_its_sheet(name: str, key: str) -> None:
    assert decorated(name, TABLE) == key


@pytest.mark.parametrize(
    "name", ["Sheet1", "说明", "租赁", "subleases", "办公租赁说明", "贷款与年销售额", "leases notes", "2016", ""]
)
def test_a_name_with_more_than_decoration_stands_for_nothing(name: str) -> None:
    assert decorated(name, TABLE) is None


def test_a_decorated_sheet_pays_the_same_rent_as_the_plain_one(tmp_path: Path) -> None:
    plain_code, plain = run_json(EXAMPLE)
    workbook = renamed(EXAMPLE, tmp_path / "decorated.xlsx", {"leases": "办公租赁（2016年）"})
    code, result = run_json(workbook)
    assert Decimal(plain["totals"]["by_measure"]["rent"]) == EXAMPLE_RENT_2016
    assert (code, result["totals"], result["entitlements"]) == (plain_code, plain["totals"], plain["entitlements"])
    warning = next(i for i in read_workbook(workbook).issues if i.value == "办公租赁（2016年）")
    assert (warning.sheet, warning.severity, warning.row, warning.column) == ("leases", "warning", None, None)
    assert warning.message == (
        "sheet '办公租赁（2016年）' is read as the leases (办公租赁) sheet: the names differ, check it; "
        "if it is that sheet, rename it '办公租赁'"
    )
    assert warning.message_zh == (
        "工作表“办公租赁（2016年）”按办公租赁（leases）工作表读取：表名不完全相同，请核对；如无误，可将表名改为“办公租赁”"
    )


def test_a_sheet_also_present_under_its_own_name_blocks_the_measures_that_need_it(tmp_path: Path) -> None:
    workbook = renamed(EXAMPLE, tmp_path / "both.xlsx", {}, {"办公租赁 (2)": "leases"})
    code, result = run_json(workbook)
    assert code == 1
    assert result["totals"]["by_measure"]["rent"] == "0.00"
    rent = [line for line in result["entitlements"] if line["measure"] == "rent"]
    assert {line["status"] for line in rent} <= {"blocked", "ineligible"}
    assert any(line["status"] == "blocked" for line in rent)
    error = next(i for i in read_workbook(workbook).issues if i.sheet == "leases" and i.row is None)
    assert (error.severity, error.message, error.message_zh) == (
        "error",
        "sheets 'leases' and '办公租赁 (2)' both look like the leases (办公租赁) sheet: none of them is read, "
        "and the measures that need this sheet are blocked; keep only one",
        "工作表“leases”和“办公租赁 (2)”都像是办公租赁（leases）工作表：均未读取，需要该表的措施均不计算；请只保留一个",
    )
    # the other measures are computed as before
    plain = run_json(EXAMPLE)[1]["totals"]["by_measure"]
    assert {k: v for k, v in result["totals"]["by_measure"].items() if k != "rent"} == {
        k: v for k, v in plain.items() if k != "rent"
    }


def test_two_decorated_candidates_compete_too(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "two.xlsx",
        {
            "enterprises": [ENT_HEAD, [A, "甲", "是"]],
            "租赁": [],
            "办公租赁2015": [LEASE_HEAD],
            "办公租赁2016": [LEASE_HEAD],
        },
    )
    batch = read_workbook(path)
    errors = [i for i in batch.issues if i.severity == "error"]
    assert [i.message for i in errors] == [
        "sheets '办公租赁2015' and '办公租赁2016' both look like the leases (办公租赁) sheet: none of them is read, "
        "and the measures that need this sheet are blocked; keep only one"
    ]
    assert [key for key, _ in batch.records[0].blocking] == ["leases"]


def test_competing_enterprises_sheets_are_fatal(tmp_path: Path) -> None:
    rows = [ENT_HEAD, [A, "甲", "是"]]
    path = write_xlsx(tmp_path / "ents.xlsx", {"企业信息": rows, "企业信息（2016）": rows})
    assert invoke("check", path) == (
        2,
        "",
        f"错误：{path}：工作表“企业信息”和“企业信息（2016）”都像是企业信息（enterprises）工作表：请只保留一个\n",
    )
    assert invoke("run", path, "--year", 2016, "--no-ledger", "--lang", "en") == (
        2,
        "",
        f"error: {path}: sheets '企业信息' and '企业信息（2016）' both look like the enterprises (企业信息) sheet; "
        "keep only one\n",
    )


def test_an_unknown_sheet_with_data_is_a_warning_and_check_does_not_say_ready(tmp_path: Path) -> None:
    clean = {"enterprises": [ENT_HEAD, [A, "甲", "是"]]}
    ready = write_xlsx(tmp_path / "ready.xlsx", {**clean, "Sheet1": [["only a title"]]})
    code, stdout, _ = invoke("check", ready)
    assert (code, stdout.splitlines()[-1].endswith("没有错误，可以运行计算")) == (0, True)

    path = write_xlsx(
        tmp_path / "unread.xlsx", {**clean, "Sheet1": [LEASE_HEAD, [A, "是", 100, "2016-01-01", "2016-12-31", 1]]}
    )
    warning = next(i for i in read_workbook(path).issues if i.sheet == "Sheet1")
    known = "enterprises (企业信息), leases (办公租赁), data_lines (数据专线), sales (年销售额), loans (贷款)"
    known_zh = "企业信息（enterprises）、办公租赁（leases）、数据专线（data_lines）、年销售额（sales）、贷款（loans）"
    assert (warning.severity, warning.message, warning.message_zh) == (
        "warning",
        f"sheet not read: it has 2 non-blank rows, but its name is not one of {known}; if it holds input, rename it",
        f"工作表未读取：其中有2行非空行，但表名不是{known_zh}中的任何一个；如为数据表，请改用规定的表名",
    )
    code, stdout, _ = invoke("check", path)
    assert (code, stdout.splitlines()[-1]) == (
        0,
        f"{path}：读取 1 家企业、1 行数据；0 个错误，1 个警告，0 个提示；没有错误，但有工作表未读取：请先核对上面的警告",
    )
    code, stdout, _ = invoke("check", path, "--lang", "en")
    assert (code, stdout.splitlines()[-1]) == (
        0,
        f"{path}: 1 enterprise, 1 row read; 0 errors, 1 warning, 0 notices; "
        "no errors, but a sheet was not read: see the warnings above",
    )


# --- the ledger's workbooks ------------------------------------------------------------------------------


def test_a_decorated_history_sheet_is_imported_with_a_warning(tmp_path: Path) -> None:
    workbook = write_history(tmp_path / "h.xlsx", [(CODE, 2015, "spin_off", None, 20000)], sheet="历史发放（2015）")
    report = import_history(_ledger(tmp_path), workbook)
    assert (report.added, report.imported) == (1, True)
    [warning] = report.history_issues
    assert (warning.issue.severity, warning.issue.message, warning.zh) == (
        "warning",
        "sheet '历史发放（2015）' is read as the payouts/历史发放 sheet: the names differ, check it",
        "工作表“历史发放（2015）”按“payouts/历史发放”工作表读取：表名不完全相同，请核对",
    )


def test_two_history_sheets_are_refused_naming_them(tmp_path: Path) -> None:
    workbook = write_history(tmp_path / "h.xlsx", [(CODE, 2015, "spin_off", None, 20000)])
    renamed(workbook, workbook, {}, {"payouts 2016": "payouts"})
    with pytest.raises(LedgerError) as caught:
        import_history(_ledger(tmp_path), workbook)
    assert (
        caught.value.say.en
        == f"{workbook}: sheets 'payouts' and 'payouts 2016' both look like the payouts sheet; keep only one"
    )
    assert caught.value.say.zh == f"{workbook}：工作表“payouts”和“payouts 2016”都像是 payouts 工作表：请只保留一个"


def test_a_decorated_payable_sheet_is_recorded_with_a_warning(tmp_path: Path) -> None:
    workbook = write_payout(tmp_path / "payout.xlsx", [(CODE, "spin_off", None, 20000)])
    renamed(workbook, workbook, {"应付明细": "应付明细（2016）"})
    report = record_payout(_ledger(tmp_path), workbook)
    assert report.added == 1
    assert (
        report.warnings[0].en
        == "sheet '应付明细（2016）' is read as the 应付明细/payable sheet: the names differ, check it"
    )
    assert report.warnings[0].zh == "工作表“应付明细（2016）”按“应付明细/payable”工作表读取：表名不完全相同，请核对"


# --- Excel's lock file, --out ------------------------------------------------------------------------------


def test_excels_lock_file_names_the_workbook_to_open(tmp_path: Path) -> None:
    lock = tmp_path / "~$example.xlsx"
    lock.write_bytes(b"\x05clerk" + b" " * 48 + b"\x05\x00c\x00l\x00e\x00r\x00k\x00" + b" " * 100)
    assert invoke("check", lock) == (
        2,
        "",
        f"错误：{lock}：这是 Excel 的锁定文件（example.xlsx 在 Excel 中打开时生成）：请改为打开 example.xlsx\n",
    )
    assert invoke("run", lock, "--year", 2016, "--no-ledger", "--lang", "en") == (
        2,
        "",
        f"error: {lock}: this is Excel's lock file for example.xlsx: open example.xlsx instead\n",
    )


@pytest.mark.parametrize("name", ["payout.xls", "payout", "payout.xlsx.bak", "payout.ods"])
def test_out_must_end_in_xlsx(tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    run = ("run", EXAMPLE, "--year", 2016, "--no-ledger", "--out", out)
    assert invoke(*run) == (
        2,
        "",
        f"错误：{out}：--out 的文件名须以 .xlsx 结尾（写出的是 .xlsx 工作簿），例如 payout-2016.xlsx\n",
    )
    assert invoke(*run, "--lang", "en") == (
        2,
        "",
        f"error: {out}: the name given to --out must end in .xlsx (an .xlsx workbook is written), e.g. payout-2016.xlsx\n",
    )
    assert not out.exists()


def test_out_in_capitals_and_json_under_any_name_are_written(tmp_path: Path) -> None:
    out, data = tmp_path / "PAYOUT.XLSX", tmp_path / "result.txt"
    code, _, _ = invoke("run", EXAMPLE, "--year", 2016, "--no-ledger", "--out", out, "--json", data)
    assert (code, out.exists(), json.loads(data.read_text(encoding="utf-8"))["year"]) == (1, True, 2016)


# --- other formats: the same JSON, line by line -----------------------------------------------------------


def json_lines(workbook: Path) -> list[str]:
    """The JSON of ``run --json -``, the input's path and SHA-256 (which differ by format) replaced."""
    code, stdout, _ = invoke("run", workbook, "--year", 2016, "--no-ledger", "--json", "-")
    assert code == 1  # the example has input errors on purpose
    digest = hashlib.sha256(workbook.read_bytes()).hexdigest()
    assert stdout.count(json.dumps(str(workbook))) == 1
    assert stdout.count(digest) == 1
    return stdout.replace(json.dumps(str(workbook)), '"<input>"').replace(digest, "<sha256>").splitlines()


def assert_same_json(converted: Path) -> None:
    expected, got = json_lines(EXAMPLE), json_lines(converted)
    assert len(got) == len(expected) > 100
    for number, (line, want) in enumerate(zip(got, expected, strict=True), start=1):
        assert (number, line) == (number, want)


@pytest.mark.parametrize("name", ["example.xls", "example.ods"])
def test_the_example_converted_once_gives_the_same_json(name: str) -> None:
    """tests/fixtures: examples/example.xlsx saved by LibreOffice 7 as .xls (Excel 97) and .ods.
    (LibreOffice cannot write .xlsb: no .xlsb fixture.)"""
    assert_same_json(FIXTURES / name)


@pytest.mark.parametrize("name", ["example.xls", "example.ods"])
def test_a_workbook_under_another_kinds_name_is_read_by_its_content(tmp_path: Path, name: str) -> None:
    misnamed = tmp_path / f"{name}.xlsx"
    shutil.copyfile(FIXTURES / name, misnamed)
    assert_same_json(misnamed)


def convert(source: Path, outdir: Path, filter_name: str) -> None:
    """LibreOffice (headless, a fresh profile) saves ``source`` into ``outdir`` with ``filter_name``."""
    assert SOFFICE is not None
    profile = outdir / "profile"
    command = [
        SOFFICE,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        filter_name,
        "--outdir",
        str(outdir),
        str(source),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=300)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (no soffice on PATH)")
@pytest.mark.parametrize(("suffix", "filter_name"), [("xls", "xls:MS Excel 97"), ("ods", "ods:calc8")])
def test_the_example_converted_by_libreoffice_now_gives_the_same_json(
    tmp_path: Path, suffix: str, filter_name: str
) -> None:
    convert(EXAMPLE, tmp_path, filter_name)
    assert_same_json(tmp_path / f"example.{suffix}")


# --- other formats: the same cells, the same located issues -------------------------------------------------

CELL_TRAPS = FIXTURES / "cell-traps-source.xlsx"
"""Cells that calamine reads as blank or loses in an .xls or .ods unless they are scanned: an Excel error
(=NA() in an optional yes/no, =1/0 in rent_paid), a rent merged over two leases; and booleans, dates
and amounts as text.  tests/fixtures/cell-traps.{xlsx,xls,ods}: this workbook saved by LibreOffice
(which computes the formulas) in each format."""


def issues_and_records(path: Path) -> tuple[list[tuple[object, ...]], object]:
    batch = read_workbook(path)
    return [
        (i.sheet, i.row, i.column, i.severity, i.value, i.message, i.message_zh) for i in batch.issues
    ], batch.records


def test_the_cell_traps_in_xlsx_are_located() -> None:
    issues, _ = issues_and_records(FIXTURES / "cell-traps.xlsx")
    assert [(i[0], i[1], i[2], i[5]) for i in issues if i[3] == "error"] == [
        ("enterprises", 2, "micro_support", "the cell shows the Excel error #N/A: enter the value itself"),
        ("leases", 2, "rent_paid", "the cell shows the Excel error #DIV/0!: enter the value itself"),
        ("leases", 3, "rent_paid", "part of a merged cell F3:F4 covering 2 rows: give each row its own value"),
        ("leases", 4, "rent_paid", "part of a merged cell F3:F4 covering 2 rows: give each row its own value"),
    ]


@pytest.mark.parametrize("suffix", ["xls", "ods"])
def test_the_cell_traps_read_alike_in_every_format(suffix: str) -> None:
    assert issues_and_records(FIXTURES / f"cell-traps.{suffix}") == issues_and_records(FIXTURES / "cell-traps.xlsx")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (no soffice on PATH)")
def test_the_cell_traps_converted_now_read_alike(tmp_path: Path) -> None:
    for name in ("xlsx:Calc MS Excel 2007 XML", "xls:MS Excel 97", "ods:calc8"):
        convert(CELL_TRAPS, tmp_path, name)
    expected = issues_and_records(tmp_path / "cell-traps-source.xlsx")
    assert len(expected[0]) == 5
    for suffix in ("xls", "ods"):
        assert issues_and_records(tmp_path / f"cell-traps-source.{suffix}") == expected


def test_an_ods_sheet_past_excels_rows_is_refused_before_calamine_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "far.ods"
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="enterprises"><table:table-row table:number-rows-repeated="2000000">'
        '<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>'
        "</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    assert invoke("check", path, "--lang", "en") == (
        2,
        "",
        f"error: {path}: refused: sheet 'enterprises' reaches row 2,000,000 and column 1; "
        "delete the cells far outside the data\n",
    )
    assert invoke("check", path) == (
        2,
        "",
        f"错误：{path}：拒绝读取：工作表“enterprises”用到第 2,000,000 行、第 1 列：请删除数据区以外远处的单元格\n",
    )


# --- .xlsb (LibreOffice cannot write it: tests/xlsb_writer.py) -------------------------------------------------

B = "91500223MA60B4XQ8A"
XLSB_SHEETS: list[tuple[str, list[list[object]], list[tuple[int, int, int, int]]]] = [
    (
        "企业信息",
        [
            ["统一社会信用代码", "企业名称", "电子商务法人企业", "享受微企扶持"],
            [A, "甲公司", True, "#N/A"],
            [B, "乙公司", "是", False],
        ],
        [],
    ),
    (
        "办公租赁（2016年）",
        [
            ["统一社会信用代码", "规划商务楼宇", "租用面积", "租期起", "租期止", "实付租金"],
            [A, "是", 100, "2016-01-01", "2016-06-30", "=#DIV/0!"],
            [B, "是", 120, "2016-01-01", "2016-06-30", 36600],
            [B, "是", 120, "2016-07-01", "2016-12-31", None],
            [B, "是", 50.5, "2016/1/1", "2016年12月31日", "¥1,234.50"],
        ],
        [(2, 3, 5, 5)],  # F3:F4
    ),
]


def test_an_xlsb_reads_as_the_same_xlsx(tmp_path: Path) -> None:
    from xlsb_writer import sheet_bin, write_xlsb

    xlsb = write_xlsb(
        tmp_path / "batch.xlsb",
        [(name, sheet_bin(list(enumerate(rows)), merges)) for name, rows, merges in XLSB_SHEETS],
    )
    book = openpyxl.Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, rows, merges in XLSB_SHEETS:
        sheet = book.create_sheet(name)
        for row in rows:  # openpyxl writes '#N/A' as an error cell; '=#DIV/0!' (a formula's error in the .xlsb) too
            sheet.append([v[1:] if isinstance(v, str) and v.startswith("=#") else v for v in row])
        for top, bottom, left, right in merges:
            sheet.merge_cells(start_row=top + 1, end_row=bottom + 1, start_column=left + 1, end_column=right + 1)
    xlsx = tmp_path / "batch.xlsx"
    book.save(xlsx)
    issues, records = issues_and_records(xlsb)
    assert (issues, records) == issues_and_records(xlsx)
    assert [(i[0], i[1], i[2], i[5]) for i in issues if i[3] != "notice"] == [
        ("enterprises", 2, "micro_support", "the cell shows the Excel error #N/A: enter the value itself"),
        (
            "leases",
            None,
            None,
            "sheet '办公租赁（2016年）' is read as the leases (办公租赁) sheet: the names differ, check it; "
            "if it is that sheet, rename it '办公租赁'",
        ),
        ("leases", 2, "rent_paid", "the cell shows the Excel error #DIV/0!: enter the value itself"),
        ("leases", 3, "rent_paid", "part of a merged cell F3:F4 covering 2 rows: give each row its own value"),
        ("leases", 4, "rent_paid", "part of a merged cell F3:F4 covering 2 rows: give each row its own value"),
    ]


def test_an_xlsb_row_past_excels_rows_is_refused_before_calamine_reads_it(tmp_path: Path) -> None:
    """calamine stops reading an .xlsb sheet at a row past 1,048,576 without a word: the rows below would be lost."""
    from xlsb_writer import sheet_bin, write_xlsb

    rows: list[tuple[int, list[object]]] = [(0, ENT_HEAD), (1, [A, "甲", "是"]), (2_000_000, [B, "乙", "是"])]
    path = write_xlsb(tmp_path / "far.xlsb", [("enterprises", sheet_bin(rows))])
    assert invoke("check", path, "--lang", "en") == (
        2,
        "",
        f"error: {path}: refused: sheet 'enterprises' reaches row 2,000,001 and column 3; "
        "delete the cells far outside the data\n",
    )


def test_another_sheet_with_data_in_a_history_workbook_is_a_warning(tmp_path: Path) -> None:
    workbook = write_history(tmp_path / "h.xlsx", [(CODE, 2015, "spin_off", None, 20000)])
    renamed(workbook, workbook, {}, {"2014年": "payouts", "说明": "payouts"})
    report = import_history(_ledger(tmp_path), workbook)
    assert (report.added, report.imported) == (1, True)
    assert [(h.issue.severity, h.issue.message, h.zh) for h in report.history_issues] == [
        (
            "warning",
            "sheet '2014年' not read: it has 2 non-blank rows, but only the payouts (历史发放) sheet is imported; "
            "move its payouts there if it holds some",
            "工作表“2014年”未读取：其中有2行非空行，但只导入 历史发放（payouts）工作表；如为历史发放，请移到该表中",
        )
    ]


def test_a_payout_workbook_saved_as_xls_is_refused_by_record(tmp_path: Path) -> None:
    """Its rows are read alike, but hidden rows (which must not be recorded as paid) are found in the .xlsx's XML."""
    from xlsb_writer import sheet_bin, write_xlsb

    workbook = write_payout(tmp_path / "payout.xlsx", [(CODE, "spin_off", None, 20000)])
    book = openpyxl.load_workbook(workbook)
    sheets = [
        (ws.title, sheet_bin([(r, list(v)) for r, v in enumerate(ws.iter_rows(values_only=True))])) for ws in book
    ]
    xlsb = write_xlsb(tmp_path / "payout.xlsb", sheets)
    with pytest.raises(LedgerError) as caught:
        record_payout(_ledger(tmp_path), xlsb)
    assert caught.value.say.en == (
        f"{xlsb}: is an .xlsb workbook, whose hidden rows cannot be checked; record the .xlsx payout workbook that run wrote"
    )
    assert caught.value.say.zh == f"{xlsb}：这是 .xlsb 工作簿，无法检查其中的隐藏行：请登记 run 写出的 .xlsx 付款工作簿"
