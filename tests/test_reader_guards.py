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
    X,
    assert_control_unchanged,
    baseline,
    evaluate,
    with_x,
    write_batch,
    x_record,
)

from tongnan_calc.workbook_in import EXAMPLE_CODE, read_workbook

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
