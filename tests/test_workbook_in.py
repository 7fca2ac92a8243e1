"""Reading the input workbook (SPEC §3): sheets, headers, bad cells, joins, fatal errors.

Workbooks are built with openpyxl in ``tmp_path``; rows are lists of cell values
(``None`` leaves a cell empty, ``[]`` is a blank row).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tongnan_calc.core.model import Batch, DataLine, InputIssue, Lease, Loan, Records, Sale
from tongnan_calc.input import raw as workbook_raw
from tongnan_calc.input import reader as workbook_in
from tongnan_calc.input.reader import WorkbookError, read_workbook
from tongnan_calc.input.uscc import check_char

A = "91500223MA5U7K3L2W"
B = "91500223MA60B4XQ8A"
C = "92500223MA5YP6HC1K"
UNKNOWN = "91500223MA5U7K3L2" + "X"  # readable, but wrong check char: see its own test
D = "91500000MA5U7AAA1" + check_char("91500000MA5U7AAA1")  # valid, in no enterprises sheet

ENT_HEAD = ["credit_code", "name", "ecommerce_entity"]
LEASE_HEAD = ["credit_code", "planned_building", "area_m2", "period_start", "period_end", "rent_paid"]
LOAN_HEAD = ["credit_code", "loan_id", "key_project", "principal", "drawdown_date", "maturity_date"]

Rows = Sequence[Sequence[object]]


def write(tmp_path: Path, sheets: Mapping[str, Rows], name: str = "batch.xlsx") -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    sheet.cell(row=r, column=c, value=value)
    path = tmp_path / name
    book.save(path)
    return path


def read(tmp_path: Path, sheets: Mapping[str, Rows]) -> Batch:
    return read_workbook(write(tmp_path, sheets))


def ents(*codes: str) -> list[list[object]]:
    return [ENT_HEAD, *([code, f"企业{i}", "是"] for i, code in enumerate(codes))]


def by_code(batch: Batch) -> dict[str, Records]:
    return {r.enterprise.credit_code: r for r in batch.records}


def issue(
    sheet: str,
    row: int | None,
    column: str | None,
    header: str | None,
    value: str | None,
    message: str,
    credit_code: str | None = None,
    severity: str = "error",
) -> InputIssue:
    return InputIssue(sheet, row, column, header, value, severity, message, credit_code)  # type: ignore[arg-type]


# --- a good workbook --------------------------------------------------------------------------


def test_minimal_workbook(tmp_path: Path) -> None:
    batch = read(tmp_path, {"enterprises": ents(A, B)})
    assert batch.issues == ()
    assert batch.sheets_found == (("enterprises", "enterprises"),)
    assert batch.rows_read == 2
    first, second = batch.records
    assert first.enterprise.credit_code == A
    assert first.enterprise.name == "企业0"
    assert first.enterprise.ecommerce_entity is True
    assert first.enterprise.row == 2
    assert first.enterprise.settled_on is None
    assert first.enterprise.micro_support is False
    assert first.enterprise.hq_type is None
    assert second.enterprise.row == 3
    assert first.leases == first.sales == first.loans == first.data_lines == ()
    assert first.blocking == () and first.prior == ()


def test_all_sheets_in_chinese_with_columns_in_any_order(tmp_path: Path) -> None:
    batch = read(
        tmp_path,
        {
            "贷款": [
                ["当年实付利息", "到期日期", "放款日期", "贷款本金", "重点建设项目", "贷款编号", "统一社会信用代码"],
                [1200.5, "2017/6/30", date(2015, 7, 1), "¥1,000,000", "是", "L-1", A],
                [None, date(2016, 1, 1), "2015.1.1", 500000, "N", 20150001, A],
            ],
            "年销售额": [["年销售额", "统一社会信用代码", "年度"], ["60,000,000.00", A, "2015年"], [40000000, A, 2014]],
            "数据专线": [["年度", "实付租赁费", "统一社会信用代码"], [2015, 12000, A]],
            "办公租赁": [
                ["实付租金", "租期止", "租期起", "租用面积", "规划商务楼宇", "楼宇名称", "统一社会信用代码"],
                ["￥120,000.00", "2016年2月29日", "2015年3月1日", 2500, "是", " 电商大厦 ", A],
            ],
            "企业信息": [
                [
                    "开始运营日期",
                    "特色传统企业分离设立",
                    "示范企业级别",
                    "市重点培育",
                    "国内外知名企业",
                    "机构类型",
                    "享受微企扶持",
                    "落户日期",
                    "电子商务法人企业",
                    "企业名称",
                    "统一社会信用代码",
                ],
                [date(2014, 5, 1), "Y", "国家级", "false", "TRUE", "西部运营中心", 0, "2015-03-01", True, "甲公司", A],
            ],
        },
    )
    assert batch.issues == ()
    assert batch.sheets_found == (
        ("enterprises", "企业信息"),
        ("leases", "办公租赁"),
        ("data_lines", "数据专线"),
        ("sales", "年销售额"),
        ("loans", "贷款"),
    )
    assert batch.rows_read == 7
    (rec,) = batch.records
    e = rec.enterprise
    assert (e.credit_code, e.name, e.ecommerce_entity, e.settled_on) == (A, "甲公司", True, date(2015, 3, 1))
    assert (e.micro_support, e.hq_type, e.renowned, e.city_key) == (False, "western_ops_center", True, False)
    assert (e.demo_level, e.spun_off, e.operating_since, e.row) == ("national", True, date(2014, 5, 1), 2)
    assert rec.leases == (
        Lease(A, True, Decimal(2500), date(2015, 3, 1), date(2016, 2, 29), Decimal("120000.00"), "电商大厦", 2),
    )
    assert rec.data_lines == (DataLine(A, 2015, Decimal(12000), 2),)
    assert rec.sales == (Sale(A, 2015, Decimal("60000000.00"), 2), Sale(A, 2014, Decimal(40000000), 3))
    assert rec.loans == (
        Loan(A, "L-1", True, Decimal(1000000), date(2015, 7, 1), date(2017, 6, 30), Decimal("1200.5"), 2),
        Loan(A, "20150001", False, Decimal(500000), date(2015, 1, 1), date(2016, 1, 1), None, 3),
    )


def test_english_and_chinese_headers_mixed_with_spaces_and_case(tmp_path: Path) -> None:
    batch = read(
        tmp_path,
        {
            " Enterprises ": [
                [" 电子商务法人企业 ", "Credit_Code", "NAME", "\u3000落户日期\u3000"],
                ["y", A, "甲", "2015/3/1"],
            ],
            "LEASES": [
                ["租期起", "PERIOD_END", "credit_code", "规划商务楼宇", "Area_M2", "实付租金"],
                ["2015-03-01", "2015-12-31", A, "yes", 100, 5000],
            ],
        },
    )
    assert batch.issues == ()
    assert batch.sheets_found == (("enterprises", " Enterprises "), ("leases", "LEASES"))
    (rec,) = batch.records
    assert rec.enterprise.settled_on == date(2015, 3, 1)
    assert rec.leases[0].building == ""
    assert rec.leases[0].area_m2 == Decimal(100)


def test_optional_columns_blank_take_defaults(tmp_path: Path) -> None:
    head = [*ENT_HEAD, "settled_on", "micro_support", "hq_type", "demo_level", "operating_since"]
    batch = read(tmp_path, {"enterprises": [head, [A, "甲", "是", None, None, None, None, "  "]]})
    assert batch.issues == ()
    e = batch.records[0].enterprise
    assert (e.settled_on, e.micro_support, e.hq_type, e.demo_level, e.operating_since) == (
        None,
        False,
        None,
        None,
        None,
    )


# --- row numbers ----------------------------------------------------------------------------------


def test_excel_row_numbers_with_leading_and_inner_blank_rows(tmp_path: Path) -> None:
    batch = read(
        tmp_path,
        {
            "enterprises": [
                [],
                [],
                [None, None, None],
                ENT_HEAD,
                [A, "甲", "是"],
                [],
                ["  ", "\u3000"],
                [B, "乙", "maybe"],
            ],
            "leases": [[], LEASE_HEAD, [], [A, "Y", 0, "2015-03-01", "2015-12-31", 1]],
        },
    )
    assert batch.rows_read == 3
    (rec,) = batch.records
    assert rec.enterprise.row == 5
    assert [(i.sheet, i.row, i.column) for i in batch.issues] == [
        ("enterprises", 8, "ecommerce_entity"),
        ("leases", 4, "area_m2"),
    ]


def test_header_in_later_columns(tmp_path: Path) -> None:
    batch = read(tmp_path, {"enterprises": [[], [None, None, *ENT_HEAD], [None, None, A, "甲", "x"]]})
    assert batch.issues == (
        issue(
            "enterprises",
            3,
            "ecommerce_entity",
            "电子商务法人企业",
            "'x'",
            "expected yes/no (是/否, Y/N, yes/no, true/false, 1/0), got 'x'",
            A,
        ),
    )


# --- sheet-level problems -----------------------------------------------------------------------------


def test_unknown_columns_are_listed_once_per_sheet(tmp_path: Path) -> None:
    batch = read(
        tmp_path,
        {
            "enterprises": [[*ENT_HEAD, "备注", "contact"], [A, "甲", "是", "x", "y"], [B, "乙", "否", "x", "y"]],
            "sales": [["credit_code", "year", "sales", "note"], [A, 2015, 1]],
        },
    )
    assert batch.issues == (
        issue(
            "enterprises", None, None, None, None, "unknown columns ignored: 备注 (D), contact (E)", severity="notice"
        ),
        issue("sales", None, None, None, None, "unknown columns ignored: note (D)", severity="notice"),
    )
    assert len(batch.records) == 2
    assert not batch.has_errors


def test_unknown_sheet_is_a_notice(tmp_path: Path) -> None:
    batch = read(tmp_path, {"enterprises": ents(A), "备忘": [["填表说明"]]})
    assert batch.issues == (
        issue(
            "备忘",
            None,
            None,
            None,
            None,
            "sheet not used: its name is not one of enterprises (企业信息), leases (办公租赁), "
            "data_lines (数据专线), sales (年销售额), loans (贷款)",
            severity="notice",
        ),
    )


@pytest.mark.parametrize("name", ["说明", "instructions", " Instructions "])
def test_the_templates_instructions_sheet_is_read_past_silently(tmp_path: Path, name: str) -> None:
    batch = read(tmp_path, {"enterprises": ents(A), name: [["sheet", "column"], ["enterprises", "name"]]})
    assert batch.issues == ()
    assert len(batch.records) == 1


def test_empty_other_sheet_means_no_records(tmp_path: Path) -> None:
    batch = read(tmp_path, {"enterprises": ents(A), "leases": [], "loans": [[], []]})
    assert batch.issues == ()
    assert batch.records[0].leases == ()
    assert batch.records[0].blocking == ()


def test_sheet_with_header_only_has_no_records(tmp_path: Path) -> None:
    batch = read(tmp_path, {"enterprises": ents(A), "leases": [LEASE_HEAD]})
    assert batch.issues == ()
    assert batch.rows_read == 1


def test_missing_required_column_in_leases_blocks_every_enterprise(tmp_path: Path) -> None:
    head = ["credit_code", "planned_building", "period_start", "period_end", "rent_paid"]  # no area_m2
    batch = read(
        tmp_path,
        {
            "enterprises": ents(A, B),
            "leases": [head, [A, "Y", "2015-03-01", "2015-12-31", 100]],
            "sales": [["credit_code", "year", "sales"], [A, 2015, 1]],
        },
    )
    expected = issue(
        "leases",
        None,
        "area_m2",
        "租用面积",
        None,
        "required column area_m2 (租用面积) is missing from header row 1; no row of this sheet is used",
    )
    assert batch.issues == (expected,)
    assert batch.rows_read == 3  # the leases rows are not read
    for rec in batch.records:
        assert rec.leases == ()
        assert rec.blockers("leases") == (expected,)
        assert rec.blocking == (("leases", (expected,)),)
    assert by_code(batch)[A].sales == (Sale(A, 2015, Decimal(1), 2),)


def test_two_missing_columns_give_two_issues(tmp_path: Path) -> None:
    batch = read(tmp_path, {"enterprises": ents(A), "数据专线": [["统一社会信用代码"], [A]]})
    assert [i.message for i in batch.issues] == [
        "required column year (年度) is missing from header row 1; no row of this sheet is used",
        "required column fee_paid (实付租赁费) is missing from header row 1; no row of this sheet is used",
    ]
    assert len(batch.records[0].blockers("data_lines")) == 2


def test_column_twice_in_loans_makes_the_sheet_unusable(tmp_path: Path) -> None:
    head = [*LOAN_HEAD, "贷款本金"]
    batch = read(tmp_path, {"enterprises": ents(A), "loans": [head, [A, "L1", "Y", 1, "2015-01-01", "2016-01-01", 2]]})
    expected = issue(
        "loans",
        None,
        "principal",
        "贷款本金",
        None,
        "column principal (贷款本金) appears more than once (columns D, G); no row of this sheet is used",
    )
    assert batch.issues == (expected,)
    assert batch.records[0].loans == ()
    assert batch.records[0].blockers("loans") == (expected,)


# --- fatal sheet problems ---------------------------------------------------------------------------------


def fatal(path: Path) -> str:
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path)
    text = str(caught.value)
    assert "\n" not in text
    return text


def test_missing_required_column_in_enterprises_is_fatal(tmp_path: Path) -> None:
    path = write(tmp_path, {"enterprises": [["credit_code", "ecommerce_entity"], [A, "是"]]})
    assert fatal(path) == (
        f"{path}: sheet 'enterprises' is missing required column name (企业名称); its header row is row 1"
    )


def test_two_missing_columns_in_enterprises(tmp_path: Path) -> None:
    path = write(tmp_path, {"企业信息": [["企业名称"], ["甲"]]})
    assert fatal(path) == (
        f"{path}: sheet '企业信息' is missing required columns "
        "credit_code (统一社会信用代码), ecommerce_entity (电子商务法人企业); its header row is row 1"
    )


def test_title_row_above_the_header_is_taken_as_the_header(tmp_path: Path) -> None:
    path = write(tmp_path, {"enterprises": [[], ["2015年度企业信息"], ENT_HEAD, [A, "甲", "是"]]})
    assert fatal(path) == (
        f"{path}: sheet 'enterprises' is missing required columns credit_code (统一社会信用代码), "
        "name (企业名称), ecommerce_entity (电子商务法人企业); its header row is row 2"
    )


def test_empty_enterprises_sheet_is_fatal(tmp_path: Path) -> None:
    path = write(tmp_path, {"enterprises": [[], []]})
    assert fatal(path) == f"{path}: sheet 'enterprises' is empty (no header row)"


def test_column_twice_in_enterprises_is_fatal(tmp_path: Path) -> None:
    path = write(tmp_path, {"enterprises": [[*ENT_HEAD, "企业名称"], [A, "甲", "是", "乙"]]})
    assert fatal(path) == f"{path}: sheet 'enterprises': column name (企业名称) appears more than once (columns B, D)"


def test_no_enterprises_sheet_is_fatal(tmp_path: Path) -> None:
    path = write(tmp_path, {"Sheet1": [ENT_HEAD], "leases": [LEASE_HEAD]})
    assert fatal(path) == f"{path}: no enterprises (企业信息) sheet; sheets found: 'Sheet1', 'leases'"


def test_two_sheets_for_one_key_is_fatal(tmp_path: Path) -> None:
    path = write(tmp_path, {"enterprises": ents(A), "leases": [LEASE_HEAD], "办公租赁": [LEASE_HEAD]})
    assert fatal(path) == f"{path}: sheets 'leases' and '办公租赁' are both the leases (办公租赁) sheet; keep only one"


# --- bad cells and enterprises --------------------------------------------------------------------------------


def test_bad_enterprise_cell_drops_the_enterprise(tmp_path: Path) -> None:
    head = [*ENT_HEAD, "settled_on"]
    batch = read(tmp_path, {"enterprises": [head, [A, "甲", "是", "2015-02-30"], [B, "乙", "否", None]]})
    assert batch.issues == (
        issue(
            "enterprises",
            2,
            "settled_on",
            "落户日期",
            "'2015-02-30'",
            "expected a real calendar date, got '2015-02-30'",
            A,
        ),
    )
    assert [r.enterprise.credit_code for r in batch.records] == [B]
    assert batch.has_errors


def test_several_bad_cells_in_a_row_each_reported_in_column_order(tmp_path: Path) -> None:
    head = [*ENT_HEAD, "hq_type", "demo_level"]
    batch = read(tmp_path, {"enterprises": [head, [A, None, "?", "总部", "省级"]]})
    assert [(i.column, i.message) for i in batch.issues] == [
        ("name", "expected text, got blank"),
        ("ecommerce_entity", "expected yes/no (是/否, Y/N, yes/no, true/false, 1/0), got '?'"),
        (
            "hq_type",
            "expected one of national_hq, western_ops_center, regional_logistics_center, settlement_center "
            "(全国性总部, 西部营运中心, 区域性物流配送中心, 结算中心), got '总部'",
        ),
        ("demo_level", "expected one of national, municipal (国家级, 市级), got '省级'"),
    ]
    assert batch.records == ()


def test_required_blank_and_formula_without_value(tmp_path: Path) -> None:
    batch = read(tmp_path, {"enterprises": [ENT_HEAD, [A, "=B3", "是"], [B, "乙", None]]})
    assert [(i.row, i.column, i.value, i.message) for i in batch.issues] == [
        (
            2,
            "name",
            None,
            "a formula without a computed value (the file was not saved by Excel): open and save it in Excel, "
            "or type the value",
        ),
        (3, "ecommerce_entity", None, "expected yes/no (是/否, Y/N, yes/no, true/false, 1/0), got blank"),
    ]


def test_wrong_check_character_is_a_warning_and_the_row_is_kept(tmp_path: Path) -> None:
    code = "91350100M000100Y44"
    batch = read(tmp_path, {"enterprises": ents(code), "sales": [["credit_code", "year", "sales"], [code, 2015, 5]]})
    assert batch.issues == (
        issue(
            "enterprises",
            2,
            "credit_code",
            "统一社会信用代码",
            "'91350100M000100Y44'",
            "expected check character '3', got '4': the code may be mistyped (the row is still used)",
            code,
            "warning",
        ),
    )
    assert not batch.has_errors
    (rec,) = batch.records
    assert rec.enterprise.credit_code == code
    assert rec.sales == (Sale(code, 2015, Decimal(5), 2),)


def test_wrong_length_code_is_an_error(tmp_path: Path) -> None:
    batch = read(tmp_path, {"enterprises": ents("9150022", B)})
    assert batch.issues == (
        issue(
            "enterprises",
            2,
            "credit_code",
            "统一社会信用代码",
            "'9150022'",
            "expected a unified social credit code of 18 characters, got 7: '9150022'",
        ),
    )
    assert [r.enterprise.credit_code for r in batch.records] == [B]


def test_lower_case_and_spaces_in_codes_are_normalized_and_joined(tmp_path: Path) -> None:
    spaced = " 9150 0223 ma5u 7k3l 2w "
    batch = read(
        tmp_path,
        {
            "enterprises": ents(A.lower()),
            "sales": [["credit_code", "year", "sales"], [spaced, 2015, 1], ["\u3000" + A + "\u3000", 2016, 2]],
        },
    )
    assert batch.issues == ()
    (rec,) = batch.records
    assert rec.enterprise.credit_code == A
    assert [s.credit_code for s in rec.sales] == [A, A]


def test_code_typed_as_a_number_is_an_error(tmp_path: Path) -> None:
    batch = read(
        tmp_path,
        {
            "enterprises": [ENT_HEAD, [915002230000001234, "甲", "是"], [B, "乙", "是"]],
            "leases": [LEASE_HEAD, [915002230000001234, "Y", 1, "2015-01-01", "2015-12-31", 1]],
        },
    )
    message = "credit code typed as a number: Excel has lost digits; enter it as text"
    assert [(i.sheet, i.row, i.column, i.value, i.message, i.credit_code) for i in batch.issues] == [
        ("enterprises", 2, "credit_code", "9.150022300000013e+17", message, None),
        ("leases", 2, "credit_code", "9.150022300000013e+17", message, None),
    ]
    assert [r.enterprise.credit_code for r in batch.records] == [B]
    assert by_code(batch)[B].blocking == ()


def test_duplicate_enterprise_rejects_both_rows(tmp_path: Path) -> None:
    batch = read(
        tmp_path,
        {
            "enterprises": ents(A, B, A.lower()),
            "leases": [
                LEASE_HEAD,
                [A, "Y", 1, "2015-01-01", "2015-12-31", 1],
                [A, "Y", "x", "2015-01-01", "2015-12-31", 1],
            ],
            "loans": [LOAN_HEAD, [A, "L1", "Y", 1, "2015-01-01", "2016-01-01"]],
        },
    )
    assert [r.enterprise.credit_code for r in batch.records] == [B]
    assert batch.issues == (
        issue(
            "enterprises",
            2,
            "credit_code",
            "统一社会信用代码",
            f"'{A}'",
            "duplicate credit code (also on row 4); every row with this code is dropped",
            A,
        ),
        issue(
            "enterprises",
            2,
            "credit_code",
            "统一社会信用代码",
            A,
            "enterprise dropped: 3 rows for it in other sheets not used (leases: 2, loans: 1)",
            A,
            "notice",
        ),
        issue(
            "enterprises",
            4,
            "credit_code",
            "统一社会信用代码",
            f"'{A.lower()}'",
            "duplicate credit code (also on row 2); every row with this code is dropped",
            A,
        ),
        issue("leases", 3, "area_m2", "租用面积", "'x'", "expected a number greater than 0, got 'x'", A),
    )


def test_code_three_times_names_the_other_rows(tmp_path: Path) -> None:
    batch = read(tmp_path, {"enterprises": ents(A, A, A)})
    assert [(i.row, i.message) for i in batch.issues] == [
        (2, "duplicate credit code (also on rows 3, 4); every row with this code is dropped"),
        (3, "duplicate credit code (also on rows 2, 4); every row with this code is dropped"),
        (4, "duplicate credit code (also on rows 2, 3); every row with this code is dropped"),
    ]
    assert batch.records == ()


def test_many_duplicates_name_five_other_rows(tmp_path: Path) -> None:
    batch = read(tmp_path, {"enterprises": ents(*[A] * 8), "sales": [["credit_code", "year", "sales"], [B, 2015, 1]]})
    assert batch.issues[0].message == (
        "duplicate credit code (also on rows 3, 4, 5, 6, 7 and 2 more); every row with this code is dropped"
    )
    assert batch.issues[7].message == (
        "duplicate credit code (also on rows 2, 3, 4, 5, 6 and 2 more); every row with this code is dropped"
    )
    assert len(batch.issues) == 9  # 8 duplicates and the sales row of an unknown enterprise


def test_dropped_enterprise_without_other_rows_has_no_notice(tmp_path: Path) -> None:
    batch = read(tmp_path, {"enterprises": [ENT_HEAD, [A, "甲", "?"]]})
    assert [i.severity for i in batch.issues] == ["error"]


# --- other sheets ------------------------------------------------------------------------------------------------


def test_record_for_unknown_enterprise(tmp_path: Path) -> None:
    batch = read(
        tmp_path,
        {"enterprises": ents(A), "data_lines": [["credit_code", "year", "fee_paid"], [D, 2015, 100], [A, 2015, 5]]},
    )
    assert batch.issues == (
        issue("data_lines", 2, "credit_code", "统一社会信用代码", f"'{D}'", "credit code not in enterprises", D),
    )
    (rec,) = batch.records
    assert rec.data_lines == (DataLine(A, 2015, Decimal(5), 3),)
    assert rec.blocking == ()


def test_unknown_enterprise_issue_comes_before_the_row_cell_issues(tmp_path: Path) -> None:
    batch = read(tmp_path, {"enterprises": ents(A), "sales": [["credit_code", "year", "sales"], [D, "x", 1]]})
    assert [(i.column, i.message) for i in batch.issues] == [
        ("credit_code", "credit code not in enterprises"),
        ("year", "expected a year such as 2015, got 'x'"),
    ]


def test_bad_cell_in_leases_blocks_leases_of_that_enterprise_only(tmp_path: Path) -> None:
    batch = read(
        tmp_path,
        {
            "enterprises": ents(A, B),
            "leases": [
                LEASE_HEAD,
                [A, "Y", 100, "2015-01-01", "2015-12-31", 1000],
                [A, "Y", 100, "2015-01-01", "2015-12-31", -5],
                [B, "Y", 100, "2015-01-01", "2015-12-31", 1000],
            ],
            "sales": [["credit_code", "year", "sales"], [A, 2015, 1]],
        },
    )
    bad = issue("leases", 3, "rent_paid", "实付租金", "-5", "expected an amount of 0 or more, got -5", A)
    assert batch.issues == (bad,)
    recs = by_code(batch)
    assert [lease.row for lease in recs[A].leases] == [2]
    assert recs[A].blocking == (("leases", (bad,)),)
    assert recs[A].blockers("sales") == ()
    assert recs[A].sales == (Sale(A, 2015, Decimal(1), 2),)
    assert recs[B].blocking == ()
    assert len(recs[B].leases) == 1


def test_lease_end_before_start(tmp_path: Path) -> None:
    batch = read(
        tmp_path,
        {
            "enterprises": ents(A),
            "leases": [
                LEASE_HEAD,
                [A, "Y", 100, "2015-03-01", "2015-02-28", 1],
                [A, "Y", 100, date(2015, 3, 1), date(2015, 3, 1), 1],  # one day: fine
            ],
        },
    )
    bad = issue(
        "leases",
        2,
        "period_end",
        "租期止",
        "'2015-02-28'",
        "expected a date on or after period_start (2015-03-01), got '2015-02-28'",
        A,
    )
    assert batch.issues == (bad,)
    (rec,) = batch.records
    assert [lease.row for lease in rec.leases] == [3]
    assert rec.blockers("leases") == (bad,)


@pytest.mark.parametrize(
    ("maturity", "shown"),
    [(datetime(2015, 6, 1), "2015-06-01"), (datetime(2015, 5, 31), "2015-05-31")],
)
def test_loan_maturity_not_after_drawdown(tmp_path: Path, maturity: datetime, shown: str) -> None:
    batch = read(
        tmp_path,
        {"enterprises": ents(A), "loans": [LOAN_HEAD, [A, "L1", "Y", 1, datetime(2015, 6, 1), maturity]]},
    )
    bad = issue(
        "loans",
        2,
        "maturity_date",
        "到期日期",
        shown,
        f"expected a date after drawdown_date (2015-06-01), got {shown}",
        A,
    )
    assert batch.issues == (bad,)
    assert batch.records[0].loans == ()
    assert batch.records[0].blockers("loans") == (bad,)


def test_loan_maturity_after_drawdown_is_fine(tmp_path: Path) -> None:
    batch = read(
        tmp_path, {"enterprises": ents(A), "loans": [LOAN_HEAD, [A, "L1", "Y", 1, "2015-06-01", "2015-06-02"]]}
    )
    assert batch.issues == ()
    assert len(batch.records[0].loans) == 1


def test_duplicate_sales_year_is_an_error_on_both_rows(tmp_path: Path) -> None:
    batch = read(
        tmp_path,
        {
            "enterprises": ents(A, B),
            "sales": [
                ["credit_code", "year", "sales"],
                [A, 2014, 10],
                [A, 2015, 20],
                [B, 2015, 30],
                [A, "2015年", 40],
            ],
        },
    )
    first = issue("sales", 3, "year", "年度", "2015", "duplicate year 2015 for this enterprise (also on row 5)", A)
    second = issue("sales", 5, "year", "年度", "'2015年'", "duplicate year 2015 for this enterprise (also on row 3)", A)
    assert batch.issues == (first, second)
    recs = by_code(batch)
    assert recs[A].sales == (Sale(A, 2014, Decimal(10), 2),)
    assert recs[A].blockers("sales") == (first, second)
    assert recs[B].sales == (Sale(B, 2015, Decimal(30), 4),)
    assert recs[B].blocking == ()


def test_bad_code_in_other_sheet_blocks_nobody(tmp_path: Path) -> None:
    batch = read(tmp_path, {"enterprises": ents(A), "sales": [["credit_code", "year", "sales"], ["915002", 2015, 1]]})
    assert [(i.sheet, i.column, i.credit_code) for i in batch.issues] == [("sales", "credit_code", None)]
    assert batch.records[0].blocking == ()


def test_check_character_not_repeated_as_warning_in_other_sheets(tmp_path: Path) -> None:
    batch = read(tmp_path, {"enterprises": ents(A), "sales": [["credit_code", "year", "sales"], [UNKNOWN, 2015, 1]]})
    assert [(i.sheet, i.severity, i.message) for i in batch.issues] == [
        ("sales", "error", "credit code not in enterprises")
    ]


def test_issues_sorted_by_sheet_order_then_row(tmp_path: Path) -> None:
    batch = read(
        tmp_path,
        {
            "loans": [LOAN_HEAD, [D, "L1", "Y", 1, "2015-01-01", "2016-01-01"]],
            "sales": [["credit_code", "year", "sales"], [A, "x", 1]],
            "data_lines": [["credit_code", "year", "fee_paid"], [A, 2015, "y"]],
            "leases": [LEASE_HEAD, [A, "Y", 1, "2015-01-01", "2015-12-31", "z"]],
            "enterprises": [ENT_HEAD, [A, "甲", "是"], [B, "乙", "?"]],
        },
    )
    assert [(i.sheet, i.row) for i in batch.issues] == [
        ("enterprises", 3),
        ("leases", 2),
        ("data_lines", 2),
        ("sales", 2),
        ("loans", 2),
    ]
    assert [key for key, _ in by_code(batch)[A].blocking] == ["leases", "data_lines", "sales"]


# --- fatal file problems ------------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.xlsx"
    assert fatal(path) == f"{path}: file not found"


def test_directory(tmp_path: Path) -> None:
    assert fatal(tmp_path) == f"{tmp_path}: is a directory, not a workbook (.xlsx/.xls/.xlsb/.ods)"


def test_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert fatal(path) == f"{path}: file is empty (0 bytes), not a workbook (.xlsx/.xls/.xlsb/.ods)"


@pytest.mark.parametrize("name", ["batch.xlsx", "batch.csv"])
def test_csv_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("credit_code,name\n91500223MA5U7K3L2W,甲\n", encoding="utf-8")
    assert fatal(path) == f"{path}: is not a workbook (.xlsx/.xls/.xlsb/.ods): it is a text file such as CSV"


def test_binary_junk(tmp_path: Path) -> None:
    path = tmp_path / "junk.xlsx"
    path.write_bytes(b"\x00\x01\x02garbage")
    assert fatal(path) == f"{path}: is not a workbook (.xlsx/.xls/.xlsb/.ods): unrecognised content"


def test_truncated_zip(tmp_path: Path) -> None:
    good = write(tmp_path, {"enterprises": ents(A)})
    data = good.read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    assert fatal(path) == f"{path}: is damaged: not a readable zip archive (truncated or corrupt .xlsx)"


def test_old_xls(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024 + "Workbook".encode("utf-16-le"))
    # an .xls is read (SPEC §3); this one is an OLE2 header and nothing else
    assert fatal(path).startswith(f"{path}: cannot be read as an .xls workbook: Cfb error: ")


ENCRYPTED = "workbook is encrypted (password-protected); save an unprotected copy as .xlsx"


def test_encrypted_container(tmp_path: Path) -> None:
    path = tmp_path / "secret.xlsx"
    # An OLE container whose directory names the EncryptedPackage stream, far past the first chunk.
    filler = b"\x00" * (workbook_in._SCAN_CHUNK - 5)
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + filler + "EncryptedPackage".encode("utf-16-le"))
    assert fatal(path) == f"{path}: {ENCRYPTED}"


def test_really_encrypted_workbook(tmp_path: Path) -> None:
    from msoffcrypto.format import ooxml  # msoffcrypto-tool, in the test extra: never skipped

    plain = write(tmp_path, {"enterprises": ents(A)})
    out = io.BytesIO()
    with plain.open("rb") as handle:
        ooxml.OOXMLFile(handle).encrypt("secret", out)
    path = tmp_path / "secret.xlsx"
    path.write_bytes(out.getvalue())
    assert fatal(path) == f"{path}: {ENCRYPTED}"


def zip_with(path: Path, members: Mapping[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_ods(tmp_path: Path) -> None:
    path = zip_with(
        tmp_path / "batch.ods",
        {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"},
    )
    # an .ods is read (SPEC §3); this one has no manifest
    assert (
        fatal(path) == f"{path}: cannot be read as an .ods workbook: 'META-INF/manifest.xml' file not found in archive"
    )


def test_xlsb(tmp_path: Path) -> None:
    path = zip_with(tmp_path / "batch.xlsb", {"[Content_Types].xml": b"<x/>", "xl/workbook.bin": b"\x00"})
    # an .xlsb is read (SPEC §3); this one has a one-byte workbook part
    assert fatal(path).startswith(f"{path}: cannot be read as an .xlsb workbook: ")


def test_other_zip(tmp_path: Path) -> None:
    path = zip_with(tmp_path / "batch.xlsx", {"readme.txt": b"hello"})
    assert fatal(path) == f"{path}: is a zip archive but not a workbook (.xlsx/.xls/.xlsb/.ods)"


def test_broken_xlsx_inside(tmp_path: Path) -> None:
    path = zip_with(tmp_path / "batch.xlsx", {"[Content_Types].xml": b"<Types/>"})
    assert fatal(path) == f"{path}: cannot be read as a workbook: File not found '_rels/.rels'"


def test_zip_bomb_total_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = zip_with(
        tmp_path / "big.xlsx", {"[Content_Types].xml": b"<x/>", "xl/worksheets/sheet1.xml": b"<r/>" * 300_000}
    )
    monkeypatch.setenv("TONGNAN_MAX_EXPANDED_MB", "1")  # the bound (tongnan_calc.input.bounds)
    total = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
    assert fatal(path) == (
        f"{path}: refused: it expands to {total:,} bytes, more than the limit of 1 MiB: possibly a zip bomb "
        "(TONGNAN_MAX_EXPANDED_MB sets the limit)"
    )


def test_zip_bomb_ratio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = zip_with(
        tmp_path / "bomb.xlsx", {"[Content_Types].xml": b"<x/>", "xl/worksheets/sheet1.xml": b"\x00" * 2_000_000}
    )
    monkeypatch.setattr(workbook_raw, "RATIO_CHECK_MIN_BYTES", 1_000_000)  # where check_file reads it
    info = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
    ratio = int(info.file_size / info.compress_size)
    assert ratio > 1000
    assert (
        fatal(path) == f"{path}: refused: member 'xl/worksheets/sheet1.xml' expands {ratio} times (possible zip bomb)"
    )


def test_big_but_ordinary_member_is_fine(tmp_path: Path) -> None:
    # highly compressible, but under the size where the ratio is checked
    rows = [ENT_HEAD, *([A if i == 0 else B, "甲" * 50, "是"] for i in range(2))]
    batch = read(tmp_path, {"enterprises": rows})
    assert len(batch.records) == 2


# --- sheets in memory ------------------------------------------------------------------------------------


def test_read_sheets_reads_like_a_file(tmp_path: Path) -> None:
    sheets: dict[str, list[list[object]]] = {
        "enterprises": [[], ENT_HEAD, [A, "甲", "是"], [B, "乙", "?"]],
        "sales": [["credit_code", "year", "sales"], [A, 2015, 1], [D, 2015, 2]],
    }
    from_file = read(tmp_path, sheets)
    in_memory = workbook_in.read_sheets(
        {k: [[("" if v is None else v) for v in row] for row in rows] for k, rows in sheets.items()}
    )
    assert in_memory == from_file


def test_read_sheets_takes_ragged_rows_and_ints() -> None:
    batch = workbook_in.read_sheets(
        {
            "企业信息": [[*ENT_HEAD, "settled_on"], [A, "甲", 1], [B, "乙", True, date(2015, 3, 1)]],
            "data_lines": [["credit_code", "year", "fee_paid"], [A, 2015, 7]],
        }
    )
    assert batch.issues == ()
    assert [r.enterprise.settled_on for r in batch.records] == [None, date(2015, 3, 1)]
    assert batch.records[0].data_lines == (DataLine(A, 2015, Decimal(7), 2),)


def test_read_sheets_fatal_names_the_source() -> None:
    with pytest.raises(WorkbookError) as caught:
        workbook_in.read_sheets({"leases": [LEASE_HEAD]}, source="case.yaml:12")
    assert str(caught.value) == "case.yaml:12: no enterprises (企业信息) sheet; sheets found: 'leases'"
