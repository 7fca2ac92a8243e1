"""Rows entered twice: identical leases and data-line fees are a warning on each row naming the
others and are still counted (two real identical leases exist); a repeated (credit code, year)
in sales is an error on each row (one enterprise has one sales figure a year) that blocks the
sales milestone of that enterprise only.

X's lease pays 60 % of 36,600 = 21,960.00 and its data-line fee 30 % of 1,000 = 300.00
(``hostile``): a row entered twice pays twice that, 43,920.00 and 600.00.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from hostile import (
    X_DATA_LINE,
    X_RENT,
    X,
    assert_control_unchanged,
    cli,
    evaluate,
    with_x,
    write_batch,
    x_record,
)

from tongnan_calc.input.reader import read_workbook

# X's rows in the control batch plus X: leases 5, data_lines 5, sales 6.
LEASE_TWICE = "the same lease as row {}: counted twice — delete one if it was entered twice"
LEASE_TWICE_ZH = "与第{}行是同一笔租赁：计入两次——如系重复录入，请删除其中一行"
FEE_THRICE = (
    "the same data-line fee as rows {}: counted 3 times — delete the extra rows if it was entered more than once"
)
FEE_THRICE_ZH = "与第{}行是同一笔数据专线费用：计入3次——如系重复录入，请删除多余的行"


def twice(tmp_path: Path) -> Path:
    """X's lease entered twice (rows 5 and 6), its data-line fee three times (rows 5, 6, 7)."""
    sheets = with_x()
    sheets["leases"].append(x_record("leases"))
    sheets["data_lines"] += [x_record("data_lines"), x_record("data_lines")]
    return write_batch(tmp_path / "twice.xlsx", sheets)


def test_identical_leases_and_fees_are_warnings_naming_each_other_and_are_counted(tmp_path: Path) -> None:
    outcome = evaluate(twice(tmp_path))
    assert outcome.exit_code == 0  # warnings only
    assert outcome.issues() == [
        ("leases", 5, "credit_code", "warning", LEASE_TWICE.format(6)),
        ("leases", 6, "credit_code", "warning", LEASE_TWICE.format(5)),
        ("data_lines", 5, "credit_code", "warning", FEE_THRICE.format("6, 7")),
        ("data_lines", 6, "credit_code", "warning", FEE_THRICE.format("5, 7")),
        ("data_lines", 7, "credit_code", "warning", FEE_THRICE.format("5, 6")),
    ]
    assert X_RENT == "21960.00" and X_DATA_LINE == "300.00"
    assert outcome.status(X, "rent") == ("payable", "43920.00")  # both rows counted
    assert outcome.status(X, "data_line") == ("payable", "900.00")  # 30 % of 3,000
    assert_control_unchanged(outcome)


def test_identical_rows_in_chinese(tmp_path: Path) -> None:
    issues = read_workbook(twice(tmp_path)).issues
    assert [(i.sheet, i.row, i.severity, i.text("zh")) for i in issues] == [
        ("leases", 5, "warning", LEASE_TWICE_ZH.format(6)),
        ("leases", 6, "warning", LEASE_TWICE_ZH.format(5)),
        ("data_lines", 5, "warning", FEE_THRICE_ZH.format("6、7")),
        ("data_lines", 6, "warning", FEE_THRICE_ZH.format("5、7")),
        ("data_lines", 7, "warning", FEE_THRICE_ZH.format("5、6")),
    ]


LEASE_CHANGES = [
    ("building", "另一座楼"),
    ("planned_building", "否"),
    ("area_m2", 101),
    ("period_start", "2016-01-02"),
    ("period_end", "2016-12-30"),
    ("rent_paid", 36601),
]


@pytest.mark.parametrize(("column", "value"), LEASE_CHANGES, ids=[c for c, _ in LEASE_CHANGES])
def test_leases_differing_in_one_column_are_not_the_same_lease(tmp_path: Path, column: str, value: object) -> None:
    sheets = with_x()
    sheets["leases"].append(x_record("leases", **{column: value}))
    outcome = evaluate(write_batch(tmp_path / "two.xlsx", sheets))
    assert (outcome.exit_code, outcome.issues()) == (0, [])


@pytest.mark.parametrize(("column", "value"), [("year", 2015), ("fee_paid", 1001)])
def test_fees_differing_in_one_column_are_not_the_same_fee(tmp_path: Path, column: str, value: object) -> None:
    sheets = with_x()
    sheets["data_lines"].append(x_record("data_lines", **{column: value}))
    outcome = evaluate(write_batch(tmp_path / "two.xlsx", sheets))
    assert (outcome.exit_code, outcome.issues()) == (0, [])


def test_the_same_values_written_differently_are_the_same_lease(tmp_path: Path) -> None:
    sheets = with_x()
    sheets["leases"].append(x_record("leases", period_start="2016年1月1日", rent_paid="¥36,600.00", area_m2="100"))
    outcome = evaluate(write_batch(tmp_path / "two.xlsx", sheets))
    assert outcome.issues() == [
        ("leases", 5, "credit_code", "warning", LEASE_TWICE.format(6)),
        ("leases", 6, "credit_code", "warning", LEASE_TWICE.format(5)),
    ]


def test_a_row_with_an_error_is_not_called_a_duplicate(tmp_path: Path) -> None:
    sheets = with_x()
    sheets["leases"].append(x_record("leases", rent_paid="abc"))
    sheets["leases"].append(x_record("leases", rent_paid="abc"))
    outcome = evaluate(write_batch(tmp_path / "two.xlsx", sheets))
    assert outcome.exit_code == 1
    assert [(sheet, row, severity) for sheet, row, _, severity, _ in outcome.issues()] == [
        ("leases", 6, "error"),
        ("leases", 7, "error"),
    ]
    assert outcome.status(X, "rent") == ("blocked", None)


def test_identical_rows_paying_nothing_are_not_called_duplicates(tmp_path: Path) -> None:
    """A fee of 0 entered twice pays nothing twice: no warning (the 100,000 batch has 27 such pairs)."""
    sheets = with_x(data_lines={"fee_paid": 0})
    sheets["data_lines"].append(x_record("data_lines", fee_paid="0.00"))
    outcome = evaluate(write_batch(tmp_path / "two.xlsx", sheets))
    assert (outcome.exit_code, outcome.issues()) == (0, [])


def test_the_same_lease_of_two_enterprises_is_not_a_duplicate(tmp_path: Path) -> None:
    sheets = with_x()
    sheets["leases"].append({**sheets["leases"][0], "credit_code": X})
    outcome = evaluate(write_batch(tmp_path / "two.xlsx", sheets))
    assert (outcome.exit_code, outcome.issues()) == (0, [])


HINT = (
    "核对这几行：如系重复录入，只留一行；确是相同的几笔，可不改",
    "check these rows: keep one if it was entered twice; leave them if they are really separate",
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_check_shows_the_identical_rows_before_the_run(tmp_path: Path, lang: str) -> None:
    result = cli("check", twice(tmp_path), "--lang", lang, env={"COLUMNS": "400"})  # no line wrapped
    assert result.exit_code == 0, result.stderr
    lease, fee, hint, warning = (
        (LEASE_TWICE_ZH, FEE_THRICE_ZH, HINT[0], "警告")
        if lang == "zh"
        else (LEASE_TWICE, FEE_THRICE, HINT[1], "warning")
    )
    rows = [
        (int(cells[1]), cells[3].strip(), cells[5].strip(), cells[6].strip())
        for line in result.stdout.splitlines()
        if len(cells := line.split("│")) == 8
    ]
    comma = "、" if lang == "zh" else ", "
    assert rows == [
        (5, warning, lease.format(6), hint),
        (6, warning, lease.format(5), hint),
        (5, warning, fee.format(f"6{comma}7"), hint),
        (6, warning, fee.format(f"5{comma}7"), hint),
        (7, warning, fee.format(f"5{comma}6"), hint),
    ]
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.endswith(
        "0 个错误，5 个警告，0 个提示；没有错误，可以运行计算"
        if lang == "zh"
        else "0 errors, 5 warnings, 0 notices; no errors: ready to run"
    )


def test_the_payout_workbook_lists_the_identical_rows(tmp_path: Path) -> None:
    out = tmp_path / "payout.xlsx"
    result = cli("run", twice(tmp_path), "--year", 2016, "--no-ledger", "--out", out)
    assert result.exit_code == 0, result.stderr
    sheet = openpyxl.load_workbook(out)["输入问题"]
    leases, data_lines = "办公租赁（leases）", "数据专线（data_lines）"  # the sheet as a clerk reads it
    found = [row for row in sheet.iter_rows(values_only=True) if row[0] in (leases, data_lines)]
    assert [(r[0], r[1], r[5], r[6]) for r in found] == [
        (leases, 5, "警告", LEASE_TWICE_ZH.format(6)),
        (leases, 6, "警告", LEASE_TWICE_ZH.format(5)),
        (data_lines, 5, "警告", FEE_THRICE_ZH.format("6、7")),
        (data_lines, 6, "警告", FEE_THRICE_ZH.format("5、7")),
        (data_lines, 7, "警告", FEE_THRICE_ZH.format("5、6")),
    ]


def test_a_repeated_sales_year_is_an_error_on_each_row_in_both_languages(tmp_path: Path) -> None:
    sheets = with_x(sales={"sales": 60000000})
    sheets["sales"].append(x_record("sales", sales=60000000))  # even the same figure: one a year
    path = write_batch(tmp_path / "sales.xlsx", sheets)
    outcome = evaluate(path)
    assert outcome.exit_code == 1
    assert outcome.issues() == [
        ("sales", 6, "year", "error", "duplicate year 2016 for this enterprise (also on row 7)"),
        ("sales", 7, "year", "error", "duplicate year 2016 for this enterprise (also on row 6)"),
    ]
    assert [i.text("zh") for i in read_workbook(path).issues] == [
        "该企业的2016年度重复（另见第7行）",
        "该企业的2016年度重复（另见第6行）",
    ]
    assert outcome.status(X, "sales_milestone") == ("blocked", None)
    assert outcome.status(X, "rent") == ("payable", X_RENT)
    assert_control_unchanged(outcome)
