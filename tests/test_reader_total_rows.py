"""A total row (合计) under a sheet's data: one input error that says what it is, never four that do not.

Read as data, a row ``合计 | | | 4,300 | | | 266,000`` was a credit code of 2 characters and three blank
required cells: four errors, none saying that the row is a total, and the advice to "check the
18-character code".  A total is no record of any enterprise: it is not read, nothing depends on it (it
blocks nobody), and it is an error so that the clerk deletes it (SPEC §3: a bad row is never skipped in
silence).  Recognised by its word (合计, 总计, 小计, 共计, 汇总, total, subtotal, grand total, sum; spaces and a
colon aside) in the credit-code cell, or in any cell of a row whose credit code is blank.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hostile import Formula, assert_control_unchanged, evaluate, grid, with_x, write_raw_xlsx

from tongnan_calc.clerk.annotate import hint
from tongnan_calc.input.reader import read_workbook

TOTAL = (
    "a total row: totals are not input and this row is not read; delete the row",
    "这是合计行：合计不是输入数据，本行不读取；请删除本行",
)


def _issues(path: Path) -> list[tuple[object, ...]]:
    return [
        (i.sheet, i.row, i.column, i.severity, i.value, i.message, i.message_zh) for i in read_workbook(path).issues
    ]


@pytest.mark.parametrize("word", ["合计", "合 计", "总计：", "小计", "Total", "GRAND TOTAL", "汇总"])
def test_a_total_row_in_the_credit_code_column_is_one_error(tmp_path: Path, word: str) -> None:
    sheets = with_x()
    sheets["leases"].append(
        {"credit_code": word, "area_m2": Formula("=SUM(D2:D5)", 4400), "rent_paid": Formula("=SUM(G2:G5)", 302600)}
    )
    path = write_raw_xlsx(tmp_path / "total.xlsx", grid(sheets))
    assert _issues(path) == [("leases", 6, "credit_code", "error", repr(word), *TOTAL)]
    outcome = evaluate(path)
    assert outcome.exit_code == 1
    assert_control_unchanged(outcome)


def test_a_total_row_with_a_blank_credit_code_is_one_error(tmp_path: Path) -> None:
    sheets = with_x()
    sheets["sales"].append({"year": "合计", "sales": Formula("=SUM(C2:C6)", 230001000)})
    sheets["enterprises"].append({"name": "合计："})
    path = write_raw_xlsx(tmp_path / "total.xlsx", grid(sheets))
    assert _issues(path) == [
        ("enterprises", 6, "credit_code", "error", None, *TOTAL),
        ("sales", 7, "credit_code", "error", None, *TOTAL),
    ]
    assert_control_unchanged(evaluate(path))


def test_a_row_that_only_mentions_a_total_elsewhere_keeps_its_own_errors(tmp_path: Path) -> None:
    """A blank credit code with 合计 only as part of a longer text is no total row: its errors stand."""
    sheets = with_x()
    sheets["enterprises"].append({"name": "合计公司", "ecommerce_entity": "是"})
    path = write_raw_xlsx(tmp_path / "name.xlsx", grid(sheets))
    assert [issue[2] for issue in _issues(path)] == ["credit_code"]
    assert _issues(path)[0][5] == "expected a unified social credit code of 18 characters, got blank"


def test_the_total_row_error_says_what_to_do_in_both_languages(tmp_path: Path) -> None:
    sheets = with_x()
    sheets["data_lines"].append({"credit_code": "合计", "fee_paid": 411000})
    (issue,) = read_workbook(write_raw_xlsx(tmp_path / "total.xlsx", grid(sheets))).issues
    assert (issue.text("zh"), issue.text("en")) == (TOTAL[1], TOTAL[0])
    assert (hint(issue, "zh"), hint(issue, "en")) == (
        "删除合计行：合计由工具自行计算",
        "delete the total row: the tool adds up itself",
    )


@pytest.mark.parametrize("second", ["en", "zh"])
def test_a_second_header_row_is_one_error_naming_the_header_row(tmp_path: Path, second: str) -> None:
    """The English keys kept under the Chinese headers (or the header again, as a printout repeats it) were
    read as an enterprise: three errors, the first advising to check the 18-character code."""
    layout = grid(with_x(), lang="zh")
    for name, rows in layout.items():
        rows.insert(1, list(grid(with_x(), lang=second)[{"zh": name, "en": _KEYS[name]}[second]][0]))
    path = write_raw_xlsx(tmp_path / "two-headers.xlsx", layout)
    again = (
        "the header row again: it is not read; delete the row (the header is row 1)",
        "表头行重复出现：本行不读取；请删除本行（表头在第1行）",
    )
    value = {"en": "'credit_code'", "zh": "'统一社会信用代码'"}[second]
    issues = _issues(path)
    assert issues == [(sheet, 2, "credit_code", "error", value, *again) for sheet, *_ in issues]
    assert [issue[0] for issue in issues] == ["enterprises", "leases", "data_lines", "sales", "loans"]
    (issue,) = [i for i in read_workbook(path).issues if i.sheet == "sales"]
    assert (hint(issue, "zh"), hint(issue, "en")) == (
        "删除这一行：每个工作表只要一行表头",
        "delete this row: a sheet has one header row",
    )
    assert_control_unchanged(evaluate(path))


_KEYS = {
    "企业信息": "enterprises",
    "办公租赁": "leases",
    "数据专线": "data_lines",
    "年销售额": "sales",
    "贷款": "loans",
}
