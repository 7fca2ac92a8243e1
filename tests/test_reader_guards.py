"""Cells the reader used to read as something they are not, each of which paid more money without a word:

- a cell showing an Excel error (#N/A, #DIV/0!, ...) read as blank: "no", or "not given";
- the template's example row read as a real enterprise;
- an amount merged down over several rows counted on each of them;
- a loan entered twice subsidised twice;
- a value under a slightly misnamed header ignored with a notice.

Each case is a real .xlsx file built on the control batch of ``hostile`` (plus the enterprise X) and
checks the exact input issues in English and in Chinese, what the enterprise concerned gets, and that
nobody else's result changes.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hostile import (
    X_RENT,
    A,
    B,
    ErrorValue,
    Formula,
    X,
    assert_control_unchanged,
    baseline,
    evaluate,
    grid,
    rewrite_cell,
    run_json,
    with_x,
    write_batch,
    write_raw_xlsx,
    write_xlsx,
    x_record,
)

from tongnan_calc.input.reader import EXAMPLE_CODE, WorkbookError, read_workbook

X_DROPPED = "enterprise dropped: 3 rows for it in other sheets not used (leases: 1, data_lines: 1, sales: 1)"
X_DROPPED_ZH = "该企业未读入：其他工作表中属于它的3行未使用（办公租赁1行，数据专线1行，年销售额1行）"


def both(path: Path) -> list[tuple[object, ...]]:
    """(sheet, row, column, severity, English message, Chinese message) of every input issue."""
    return [(i.sheet, i.row, i.column, i.severity, i.message, i.message_zh) for i in read_workbook(path).issues]


def excel_error(shown: str) -> tuple[str, str]:
    return (
        f"the cell shows the Excel error {shown}: enter the value itself",
        f"单元格显示 Excel 错误值 {shown}：请直接填入实际的值",
    )


# --- 1. cells showing an Excel error ----------------------------------------------------------------------

ERRORS = ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"]


@pytest.mark.parametrize("formula", [True, False], ids=["formula", "value"])
@pytest.mark.parametrize("shown", ERRORS)
def test_an_error_in_an_optional_yes_no_drops_the_enterprise_never_reads_no(
    tmp_path: Path, shown: str, formula: bool
) -> None:
    """Read as blank, micro_support = no: X would be paid rent and a data-line subsidy that 二（七） excludes."""
    cell = Formula("=IF(1,NA())", shown, error=True) if formula else ErrorValue(shown)
    path = write_raw_xlsx(tmp_path / "error.xlsx", grid(with_x(enterprises={"micro_support": cell})))
    outcome = evaluate(path)
    assert outcome.exit_code == 1
    assert both(path) == [
        ("enterprises", 5, "micro_support", "error", *excel_error(shown)),
        ("enterprises", 5, "credit_code", "notice", X_DROPPED, X_DROPPED_ZH),
    ]
    assert outcome.issues()[0][4] == excel_error(shown)[0]  # the command says the same
    assert X not in outcome.codes()
    assert_control_unchanged(outcome)


def test_an_error_in_the_optional_interest_paid_blocks_the_loan_subsidy(tmp_path: Path) -> None:
    """Read as blank, interest_paid is "not given" and no longer limits A's subsidy: more money."""
    sheets = with_x()
    sheets["loans"][0] = {**sheets["loans"][0], "interest_paid": Formula("=F2/0", "#DIV/0!", error=True)}
    path = write_raw_xlsx(tmp_path / "interest.xlsx", grid(sheets))
    outcome = evaluate(path)
    assert outcome.exit_code == 1
    assert both(path) == [("loans", 2, "interest_paid", "error", *excel_error("#DIV/0!"))]
    assert outcome.status(A, "loan_interest") == ("blocked", None)
    assert (
        outcome.lines(A)["loan_interest"]["reason"] == "input errors prevent the computation: loans row 2 interest_paid"
    )
    assert outcome.status(X, "rent") == ("payable", X_RENT)
    assert_control_unchanged(outcome, except_measures=["loan_interest"])
    assert outcome.status(B, "loan_interest") == baseline()[B, "loan_interest"][:2]


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="E5" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
        '<c t="e" s="0" r="E5"><v>#DIV/0!</v></c>',  # attributes in another order, no formula
        '<c r="E5" s="0" t="e"><f t="shared" ref="E5:E5" si="0">NA()</f><v>#DIV/0!</v></c>',
    ],
    ids=["formula", "attributes-reordered", "shared-formula"],
)
def test_an_error_cell_written_into_a_workbook_of_openpyxl(tmp_path: Path, cell: str) -> None:
    path = write_batch(tmp_path / "batch.xlsx", with_x(enterprises={"micro_support": "否"}))
    rewrite_cell(path, "enterprises", "E5", cell)
    assert both(path) == [
        ("enterprises", 5, "micro_support", "error", *excel_error("#DIV/0!")),
        ("enterprises", 5, "credit_code", "notice", X_DROPPED, X_DROPPED_ZH),
    ]


def test_a_row_of_error_cells_is_listed_never_skipped_as_blank(tmp_path: Path) -> None:
    sheets = with_x()
    sheets["data_lines"].append(
        {"credit_code": ErrorValue("#REF!"), "year": ErrorValue("#REF!"), "fee_paid": ErrorValue("#N/A")}
    )
    path = write_raw_xlsx(tmp_path / "refs.xlsx", grid(sheets))
    outcome = evaluate(path)
    assert outcome.exit_code == 1
    assert both(path) == [
        ("data_lines", 6, "credit_code", "error", *excel_error("#REF!")),
        ("data_lines", 6, "year", "error", *excel_error("#REF!")),
        ("data_lines", 6, "fee_paid", "error", *excel_error("#N/A")),
    ]
    assert [issue[3] for issue in outcome.issues()] == ["error"] * 3
    assert_control_unchanged(outcome)


def test_an_error_in_a_column_that_is_not_read_is_no_issue(tmp_path: Path) -> None:
    layout = grid(with_x())
    for rows in layout.values():
        rows[0].append("备注")
        for row in rows[1:]:
            row.append(ErrorValue("#N/A"))
    outcome = evaluate(write_raw_xlsx(tmp_path / "notes.xlsx", layout))
    assert outcome.exit_code == 0
    assert {issue[3] for issue in outcome.issues()} == {"notice"}  # the unknown column, once per sheet
    assert_control_unchanged(outcome)


# --- 2. the template's example row -----------------------------------------------------------------------


EXAMPLE_ROW = (
    "the template's example row: delete it before the run",
    "这是模板自带的虚构示例行：计算前请删除本行",
)


@pytest.mark.parametrize("code", [EXAMPLE_CODE, f" {EXAMPLE_CODE.lower()} "])
def test_the_example_credit_code_is_an_error_in_every_sheet(tmp_path: Path, code: str) -> None:
    sheets = with_x()
    for key in ("enterprises", "leases", "data_lines", "sales"):
        sheets[key].append(x_record(key, credit_code=code))
    path = write_batch(tmp_path / "example.xlsx", sheets)
    outcome = evaluate(path)
    assert outcome.exit_code == 1
    assert both(path) == [
        ("enterprises", 6, "credit_code", "error", *EXAMPLE_ROW),
        ("leases", 6, "credit_code", "error", *EXAMPLE_ROW),
        ("data_lines", 6, "credit_code", "error", *EXAMPLE_ROW),
        ("sales", 7, "credit_code", "error", *EXAMPLE_ROW),
    ]
    assert EXAMPLE_CODE not in outcome.codes()
    assert outcome.status(X, "rent") == ("payable", X_RENT)
    assert_control_unchanged(outcome)


# --- 3. cells merged down over several rows --------------------------------------------------------------


def two_leases() -> dict[str, list[dict[str, object]]]:
    """X's rent of 36,600 for 2016 as two lease rows (5 and 6) of half a year and 18,300 each."""
    sheets = with_x(leases={"period_end": "2016-06-30", "rent_paid": 18300})
    sheets["leases"].append(x_record("leases", period_start="2016-07-01", rent_paid=18300))
    return sheets


def merged(ref: str, rows: int) -> tuple[str, str]:
    return (
        f"part of a merged cell {ref} covering {rows} rows: give each row its own value",
        f"属于合并单元格 {ref}（跨{rows}行）：请取消合并，每行分别填写各自的值",
    )


def test_an_amount_merged_over_two_rows_is_an_error_on_both_never_paid_twice(tmp_path: Path) -> None:
    """Copied onto both rows, one invoice of 36,600 would pay 43,920.00 instead of 21,960.00."""
    sheets = two_leases()
    sheets["leases"][-2]["rent_paid"] = 36600  # one invoice for the year, merged over both rows
    path = write_batch(tmp_path / "merged.xlsx", sheets, merges={"leases": ["A5:A6", "G5:G6"]})
    outcome = evaluate(path)
    assert outcome.exit_code == 1
    assert both(path) == [
        ("leases", 5, "rent_paid", "error", *merged("G5:G6", 2)),
        ("leases", 6, "rent_paid", "error", *merged("G5:G6", 2)),
    ]
    assert [i[4] for i in outcome.issues()] == [merged("G5:G6", 2)[0]] * 2
    assert outcome.status(X, "rent") == ("blocked", None)
    assert_control_unchanged(outcome)


@pytest.mark.parametrize(
    ("ref", "columns"),
    [
        ("D5:D6", ["area_m2"]),
        ("E5:E6", ["period_start"]),
        ("F5:F6", ["period_end"]),
        ("F5:G6", ["period_end", "rent_paid"]),
    ],
)
def test_numbers_and_dates_merged_down_are_errors(tmp_path: Path, ref: str, columns: list[str]) -> None:
    sheets = two_leases()
    for row in sheets["leases"][-2:]:
        row["period_start"], row["period_end"] = "2016-01-01", "2016-12-31"
    path = write_batch(tmp_path / "merged.xlsx", sheets, merges={"leases": [ref]})
    assert both(path) == [("leases", row, column, "error", *merged(ref, 2)) for row in (5, 6) for column in columns]
    outcome = evaluate(path)
    assert outcome.status(X, "rent") == ("blocked", None)
    assert_control_unchanged(outcome)


def test_a_year_merged_down_is_an_error(tmp_path: Path) -> None:
    sheets = with_x(data_lines={"fee_paid": 500})
    sheets["data_lines"].append(x_record("data_lines", fee_paid=500))
    path = write_batch(tmp_path / "merged.xlsx", sheets, merges={"data_lines": ["B5:B6"]})
    assert both(path) == [("data_lines", row, "year", "error", *merged("B5:B6", 2)) for row in (5, 6)]
    assert evaluate(path).status(X, "data_line") == ("blocked", None)


def test_text_and_yes_no_merged_down_are_read_on_each_row(tmp_path: Path) -> None:
    """The credit code, the building and planned_building say the same of both leases: read so."""
    sheets = two_leases()
    for row in sheets["leases"][-2:]:
        row["building"] = "潼南电子商务大厦"
    sheets["leases"][-1]["building"] = None
    sheets["leases"][-1]["planned_building"] = None
    outcome = evaluate(write_batch(tmp_path / "merged.xlsx", sheets, merges={"leases": ["A5:A6", "B5:B6", "C5:C6"]}))
    assert (outcome.exit_code, outcome.issues()) == (0, [])
    assert outcome.status(X, "rent") == ("payable", X_RENT)
    assert_control_unchanged(outcome)


def test_an_amount_merged_over_a_data_row_and_a_blank_row_is_still_an_error(tmp_path: Path) -> None:
    """The range covers two rows: whose amount it is only the clerk knows (the blank row is no record)."""
    layout = grid(with_x())
    layout["leases"].append([None] * len(layout["leases"][0]))
    layout["leases"].append(["", "", "", "", "", "", "note"][: len(layout["leases"][0])])
    path = write_xlsx(tmp_path / "merged.xlsx", layout, merges={"leases": ["G5:G6"]})
    assert both(path)[0] == ("leases", 5, "rent_paid", "error", *merged("G5:G6", 2))


# --- 4. a loan entered twice -------------------------------------------------------------------------------


def test_a_loan_entered_twice_blocks_the_subsidy_never_pays_it_twice(tmp_path: Path) -> None:
    sheets = with_x()
    sheets["loans"].append(dict(sheets["loans"][0]))  # A's L-A1 again, row 4
    sheets["loans"].append({**sheets["loans"][0], "credit_code": B})  # the same id for B: another loan
    path = write_batch(tmp_path / "twice.xlsx", sheets)
    outcome = evaluate(path)
    assert outcome.exit_code == 1
    assert both(path) == [
        (
            "loans",
            2,
            "loan_id",
            "error",
            "duplicate loan 'L-A1' for this enterprise (also on row 4); each loan is entered once",
            "该企业的贷款编号“L-A1”重复（另见第4行）：每笔贷款只填一行",
        ),
        (
            "loans",
            4,
            "loan_id",
            "error",
            "duplicate loan 'L-A1' for this enterprise (also on row 2); each loan is entered once",
            "该企业的贷款编号“L-A1”重复（另见第2行）：每笔贷款只填一行",
        ),
    ]
    assert outcome.status(A, "loan_interest") == ("blocked", None)
    assert_control_unchanged(outcome, except_measures=["loan_interest"])
    once = evaluate(write_batch(tmp_path / "once.xlsx", with_x()))
    assert once.status(A, "loan_interest") == baseline()[A, "loan_interest"][:2]
    assert Decimal(str(once.status(A, "loan_interest")[1])) > 0


# --- 5. a value under a misnamed header --------------------------------------------------------------------

MICRO = "享受微企扶持（是/否）"
LOOKS_LIKE_MICRO = (
    f"unknown column {MICRO} (E) looks like micro_support (享受微企扶持): rename the header, or it is ignored",
    f"未识别的列“{MICRO}”（E列）像是享受微企扶持（micro_support）：请改正表头，否则该列被忽略",
)
UNDER_MICRO = (
    f"value under the unknown column {MICRO} (E), which is not read: "
    "rename the header to 享受微企扶持 (or micro_support)",
    f"此值位于未识别的列“{MICRO}”（E列）下，未被读取：请将表头改为“享受微企扶持”（或 micro_support）",
)


def misnamed(tmp_path: Path, micro_x: object, *, extra: bool = False) -> Path:
    layout = grid(with_x(enterprises={"micro_support": micro_x}), lang="zh")
    enterprises = layout["企业信息"]
    enterprises[0][enterprises[0].index("享受微企扶持")] = MICRO if not extra else "享受微企扶持"
    if extra:
        enterprises[0].append(f" {MICRO} ")
        for row in enterprises[1:]:
            row.append("是")
    return write_xlsx(tmp_path / "misnamed.xlsx", layout)


def test_a_value_under_a_misnamed_column_is_an_error_never_read_as_no(tmp_path: Path) -> None:
    """Ignored, 享受微企扶持（是/否） = 是 would read as no: X paid rent that 二（七） excludes."""
    path = misnamed(tmp_path, "是")
    outcome = run_json(path, lang="zh")
    assert outcome.exit_code == 1
    assert both(path) == [
        ("enterprises", None, None, "warning", *LOOKS_LIKE_MICRO),
        ("enterprises", 2, "micro_support", "error", *UNDER_MICRO),  # A: 否
        (
            "enterprises",
            2,
            "credit_code",
            "notice",
            "enterprise dropped: 7 rows for it in other sheets not used (leases: 2, data_lines: 2, sales: 2, loans: 1)",
            "该企业未读入：其他工作表中属于它的7行未使用（办公租赁2行，数据专线2行，年销售额2行，贷款1行）",
        ),
        ("enterprises", 5, "micro_support", "error", *UNDER_MICRO),  # X: 是
        ("enterprises", 5, "credit_code", "notice", X_DROPPED, X_DROPPED_ZH),
    ]
    assert outcome.codes() == {B, "92500223MA5YP6HC1K"}


def test_a_misnamed_column_left_blank_is_a_warning_only(tmp_path: Path) -> None:
    layout = grid(with_x(), lang="zh")
    enterprises = layout["企业信息"]
    position = enterprises[0].index("享受微企扶持")
    enterprises[0][position] = MICRO
    for row in enterprises[1:]:
        row[position] = None
    path = write_xlsx(tmp_path / "blank.xlsx", layout)
    outcome = evaluate(path)
    assert outcome.exit_code == 0
    assert both(path) == [("enterprises", None, None, "warning", *LOOKS_LIKE_MICRO)]
    assert outcome.status(X, "rent") == ("payable", X_RENT)
    assert_control_unchanged(outcome)


def test_a_lookalike_beside_the_column_itself_is_a_warning_only(tmp_path: Path) -> None:
    path = misnamed(tmp_path, None, extra=True)
    outcome = evaluate(path)
    assert outcome.exit_code == 0
    letter = "L"  # after the 11 columns of 企业信息
    assert both(path) == [
        (
            "enterprises",
            None,
            None,
            "warning",
            LOOKS_LIKE_MICRO[0].replace("(E)", f"({letter})"),
            LOOKS_LIKE_MICRO[1].replace("（E列）", f"（{letter}列）"),
        )
    ]
    assert_control_unchanged(outcome)


def test_an_english_key_inside_a_header_is_a_lookalike_too(tmp_path: Path) -> None:
    layout = grid(with_x())
    loans = layout["loans"]
    loans[0][loans[0].index("interest_paid")] = "Interest_Paid [yuan]"
    path = write_xlsx(tmp_path / "key.xlsx", layout)
    assert both(path) == [
        (
            "loans",
            None,
            None,
            "warning",
            "unknown column Interest_Paid [yuan] (G) looks like interest_paid (当年实付利息): "
            "rename the header, or it is ignored",
            "未识别的列“Interest_Paid [yuan]”（G列）像是当年实付利息（interest_paid）：请改正表头，否则该列被忽略",
        ),
        (
            "loans",
            2,
            "interest_paid",
            "error",
            "value under the unknown column Interest_Paid [yuan] (G), which is not read: "
            "rename the header to 当年实付利息 (or interest_paid)",
            "此值位于未识别的列“Interest_Paid [yuan]”（G列）下，未被读取：请将表头改为“当年实付利息”（或 interest_paid）",
        ),
    ]
    outcome = evaluate(path)
    assert outcome.status(A, "loan_interest") == ("blocked", None)
    assert_control_unchanged(outcome, except_measures=["loan_interest"])


def test_a_misnamed_required_column_leaves_the_sheet_unused_and_says_what_it_looks_like(tmp_path: Path) -> None:
    layout = grid(with_x(), lang="zh")
    leases = layout["办公租赁"]
    leases[0][leases[0].index("实付租金")] = "实付租金（元）"
    path = write_xlsx(tmp_path / "rent.xlsx", layout)
    assert both(path) == [
        (
            "leases",
            None,
            "rent_paid",
            "error",
            "required column rent_paid (实付租金) is missing from header row 1; no row of this sheet is used",
            "表头行（第1行）缺少必填列实付租金（rent_paid）；本工作表各行均不使用",
        ),
        (
            "leases",
            None,
            None,
            "warning",
            "unknown column 实付租金（元） (G) looks like rent_paid (实付租金): rename the header, or it is ignored",
            "未识别的列“实付租金（元）”（G列）像是实付租金（rent_paid）：请改正表头，否则该列被忽略",
        ),
    ]
    assert evaluate(path).status(X, "rent") == ("blocked", None)


def test_a_misnamed_required_column_of_enterprises_is_fatal_and_names_the_lookalike(tmp_path: Path) -> None:
    layout = grid(with_x(), lang="zh")
    layout["企业信息"][0][1] = "企业名称（全称）"
    path = write_xlsx(tmp_path / "name.xlsx", layout)
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path)
    assert (caught.value.say.zh, caught.value.say.en) == (
        f"{path}：工作表“企业信息”缺少必填列企业名称（name）；其表头行是第1行（B列“企业名称（全称）”像是企业名称：请改正表头）",
        f"{path}: sheet '企业信息' is missing required column name (企业名称); its header row is row 1 "
        "(column B '企业名称（全称）' looks like name: rename the header)",
    )
