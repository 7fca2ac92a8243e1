"""A clerk's hand-made workbook: values typed in a column that has no header were dropped without a word.

SPEC §3: unknown extra columns are ignored and listed once as a notice.  A column whose header cell is
blank (a remark typed to the right of the table, an amount put one column too far) is such a column; its
values are now listed in a notice naming the column and the rows, in both languages — and still not read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hostile import write_xlsx
from typer.testing import CliRunner

from tongnan_calc.cli.app import app
from tongnan_calc.core.model import InputIssue
from tongnan_calc.input.reader import read_sheets, read_workbook
from tongnan_calc.input.uscc import check_char

A = "91500223MA5U7K3L2W"
B = "91500223MA60B4XQ8A"
ENTERPRISES = ["统一社会信用代码", "企业名称", "电子商务法人企业"]
DATA_LINES = ["统一社会信用代码", "年度", "实付租赁费"]


def notices(issues: tuple[InputIssue, ...]) -> list[tuple[str, str, str]]:
    return [(i.sheet, i.message, i.message_zh or "") for i in issues if i.severity == "notice"]


def test_values_under_a_column_without_a_header_are_a_notice(tmp_path: Path) -> None:
    # data_lines: D has no header; D2 holds 99,999 (an amount one column too far), D4 a remark.
    # enterprises: a remark in F3, two columns right of the header row (E blank everywhere: nothing said)
    path = write_xlsx(
        tmp_path / "in.xlsx",
        {
            "企业信息": [ENTERPRISES, [A, "甲", "是"], [B, "乙", "是", None, None, "已迁出"]],
            "数据专线": [DATA_LINES, [A, 2016, 1000, 99999], [B, 2016, 2000], [A, 2015, 500, "补录"]],
        },
    )

    batch = read_workbook(path)

    assert notices(batch.issues) == [
        (
            "enterprises",
            "column F has no header but holds values (row 3): they are not read; give the column a header,"
            " or delete the values",
            "F列没有表头，但有填写的值（第3行）：这些值未被读取；请为该列填写表头，或删除这些值",
        ),
        (
            "data_lines",
            "column D has no header but holds values (rows 2, 4): they are not read; give the column a header,"
            " or delete the values",
            "D列没有表头，但有填写的值（第2、4行）：这些值未被读取；请为该列填写表头，或删除这些值",
        ),
    ]
    # the rows themselves are read as before: three data-line fees, none of them 99,999
    assert sorted(str(f.fee_paid) for r in batch.records for f in r.data_lines) == ["1000", "2000", "500"]
    assert not [i for i in batch.issues if i.severity != "notice"]


def test_more_than_three_rows_are_counted_and_blank_text_says_nothing() -> None:
    rows: list[list[object]] = [[*ENTERPRISES, "", "备注"]]
    codes = [check_char_code(n) for n in range(6)]
    rows += [[code, f"企业{n}", "是", "x" if n != 2 else "  ", ""] for n, code in enumerate(codes)]

    batch = read_sheets({"企业信息": rows})

    assert notices(batch.issues) == [
        (
            "enterprises",
            "column D has no header but holds values (rows 2, 3, 5 and 2 more): they are not read;"
            " give the column a header, or delete the values",
            "D列没有表头，但有填写的值（第2、3、5等5行）：这些值未被读取；请为该列填写表头，或删除这些值",
        ),
        ("enterprises", "unknown columns ignored: 备注 (E)", "未识别的列，已忽略：备注（E列）"),
    ]


def check_char_code(n: int) -> str:
    body = f"91500223MA7{n:06d}"
    return body + check_char(body)


def test_a_workbook_without_such_a_column_has_no_notice(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", {"企业信息": [ENTERPRISES, [A, "甲", "是"]], "数据专线": [DATA_LINES]})
    assert notices(read_workbook(path).issues) == []


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("zh", "为该列填写规定的列名（见“说明”工作表）；如这些值不需要，请删除"),
        ("en", "give the column one of the column names (see the 说明 sheet), or delete the values"),
    ],
)
def test_check_shows_the_notice_with_a_hint(tmp_path: Path, lang: str, expected: str) -> None:
    path = write_xlsx(tmp_path / "in.xlsx", {"企业信息": [ENTERPRISES, [A, "甲", "是", date(2016, 1, 1)]]})

    result = CliRunner(env={"COLUMNS": "400"}).invoke(app, ["check", str(path), "--lang", lang])

    assert result.exit_code == 0
    assert expected in result.stdout
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.endswith(
        "0 个错误，0 个警告，1 个提示；没有错误，可以运行计算"
        if lang == "zh"
        else "0 errors, 0 warnings, 1 notice; no errors: ready to run"
    )
