"""`tongnan-calc check`: every input issue with a fix-it hint, grouped by sheet; `--annotate`
writes a copy of the workbook with exactly the bad cells marked and leaves the original alone."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hostile import write_xlsx
from typer.testing import CliRunner

from tongnan_calc.clerk.annotate import ERROR_COLOR, WARNING_COLOR, annotate_copy, hint, locate
from tongnan_calc.cli.app import app
from tongnan_calc.core.model import InputIssue
from tongnan_calc.input import cells
from tongnan_calc.input.reader import read_workbook
from tongnan_calc.input.uscc import check_char

A = "91500223MA5U7K3L2W"
B = "91500223MA60B4XQ8A"
C = "92500223MA5YP6HC1K"
WRONG_CHECK = "91500223MA5U7K3L2" + "X"  # readable, but its check character should be W
NOT_IN_ENTERPRISES = "91500000MA5U7AAA1" + check_char("91500000MA5U7AAA1")
DIGITS_ONLY = "915002230000000020"  # a valid code of digits only: typed as a number, Excel loses it


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def bad_workbook(path: Path) -> Path:
    """Five kinds of bad cell and one warning, on sheets whose columns are not in SPEC order.

    企业信息: C3 bad yes/no, D4 impossible date, B5 wrong check character (warning);
    leases (header on row 2, under a blank row 1): F3 negative rent;
    年销售额: A2 credit code typed as a number; data_lines: A2 credit code not in 企业信息.
    """
    return write_xlsx(
        path,
        {
            "企业信息": [
                ["企业名称", "统一社会信用代码", "电子商务法人企业", "落户日期"],
                ["潼南甲电子商务有限公司", A, "是", date(2016, 3, 1)],
                ["潼南乙电子商务有限公司", B, "maybe", None],
                ["潼南丙电子商务有限公司", C, "是", "2016/2/30"],
                ["潼南丁电子商务有限公司", WRONG_CHECK, "否", None],
            ],
            "leases": [
                [],
                ["credit_code", "planned_building", "area_m2", "period_start", "period_end", "rent_paid"],
                [A, "Y", 500, date(2016, 3, 1), date(2016, 12, 31), -5000],
            ],
            "年销售额": [
                ["统一社会信用代码", "年度", "年销售额"],
                [int(DIGITS_ONLY), 2016, 60_000_000],
            ],
            "data_lines": [
                ["credit_code", "year", "fee_paid"],
                [NOT_IN_ENTERPRISES, 2016, 1000],
            ],
        },
    )


# The marked cells of `check --lang en --annotate`: (sheet, cell) -> (fill colour, comment text).
MARKS = {
    ("企业信息", "C3"): (
        ERROR_COLOR,
        "error: expected yes/no (是/否, Y/N, yes/no, true/false, 1/0), got 'maybe'\n→ enter yes or no (是/否)",
    ),
    ("企业信息", "D4"): (
        ERROR_COLOR,
        "error: expected a real calendar date, got '2016/2/30'\n→ enter a date such as 2015-03-01",
    ),
    ("企业信息", "B5"): (
        WARNING_COLOR,
        "warning: expected check character 'W', got 'X': the code may be mistyped (the row is still used)\n"
        "→ check for a typing mistake; some early codes fail this",
    ),
    ("leases", "F3"): (
        ERROR_COLOR,
        "error: expected an amount of 0 or more, got -5000\n→ an amount cannot be negative: enter what was paid",
    ),
    ("年销售额", "A2"): (
        ERROR_COLOR,
        "error: credit code typed as a number: Excel has lost digits; enter it as text\n"
        "→ format the cell as text and type the 18-character code again",
    ),
    ("data_lines", "A2"): (
        ERROR_COLOR,
        "error: credit code not in enterprises\n→ add the enterprise to 企业信息 (enterprises) or correct the code",
    ),
}


# The same in Chinese, the default: `check --annotate`.
MARKS_ZH = {
    ("企业信息", "C3"): (
        ERROR_COLOR,
        "错误：应为“是”或“否”（也可填 Y/N、yes/no、true/false、1/0），实际为“maybe”\n→ 填写“是”或“否”",
    ),
    ("企业信息", "D4"): (
        ERROR_COLOR,
        "错误：应为日历上存在的日期，实际为“2016/2/30”\n→ 填写日期，如 2015-03-01 或 2015年3月1日",
    ),
    ("企业信息", "B5"): (
        WARNING_COLOR,
        "警告：校验位应为“W”，实际为“X”：代码可能录入有误（该行仍参与计算）\n→ 核对代码是否录入有误；早期代码可能如此，可不改",
    ),
    ("leases", "F3"): (
        ERROR_COLOR,
        "错误：应为不小于 0 的金额，实际为-5000\n→ 金额不能为负，填写实际支付的数",
    ),
    ("年销售额", "A2"): (
        ERROR_COLOR,
        "错误：统一社会信用代码被录入为数字，Excel 已丢失部分数字：请将单元格设为文本后重新录入\n→ 将单元格设为文本格式，重新输入18位代码",
    ),
    ("data_lines", "A2"): (
        ERROR_COLOR,
        "错误：企业信息表中没有这个统一社会信用代码\n→ 先在企业信息表中加上该企业，或更正代码",
    ),
}


def marked_cells(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """Every cell with a fill or a comment: (sheet, cell) -> (fill colour, comment text)."""
    found = {}
    for sheet in openpyxl.load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.comment is not None or cell.fill.fill_type is not None:
                    colour = str(cell.fill.fgColor.rgb)[-6:] if cell.fill.fill_type else ""
                    found[sheet.title, cell.coordinate] = (colour, cell.comment.text if cell.comment else "")
    return found


def values(path: Path) -> dict[tuple[str, str], Any]:
    return {
        (sheet.title, cell.coordinate): cell.value
        for sheet in openpyxl.load_workbook(path).worksheets
        for row in sheet.iter_rows()
        for cell in row
    }


# --- the check ----------------------------------------------------------------------------------

# Exactly what `check --lang en` prints for ``bad_workbook`` (lines without their trailing spaces).
EXPECTED_TABLES = """\
企业信息 (enterprises)
┏━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ row ┃ column                            ┃ severity ┃ value                ┃ message                                                         ┃ how to fix                                             ┃
┡━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│   3 │ ecommerce_entity 电子商务法人企业 │ error    │ 'maybe'              │ expected yes/no (是/否, Y/N, yes/no, true/false, 1/0), got      │ enter yes or no (是/否)                                │
│     │                                   │          │                      │ 'maybe'                                                         │                                                        │
│   4 │ settled_on 落户日期               │ error    │ '2016/2/30'          │ expected a real calendar date, got '2016/2/30'                  │ enter a date such as 2015-03-01                        │
│   5 │ credit_code 统一社会信用代码      │ warning  │ '91500223MA5U7K3L2X' │ expected check character 'W', got 'X': the code may be mistyped │ check for a typing mistake; some early codes fail this │
│     │                                   │          │                      │ (the row is still used)                                         │                                                        │
└─────┴───────────────────────────────────┴──────────┴──────────────────────┴─────────────────────────────────────────────────────────────────┴────────────────────────────────────────────────────────┘
leases
┏━━━━━┳━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ row ┃ column             ┃ severity ┃ value ┃ message                                    ┃ how to fix                                        ┃
┡━━━━━╇━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│   3 │ rent_paid 实付租金 │ error    │ -5000 │ expected an amount of 0 or more, got -5000 │ an amount cannot be negative: enter what was paid │
└─────┴────────────────────┴──────────┴───────┴────────────────────────────────────────────┴───────────────────────────────────────────────────┘
data_lines
┏━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ row ┃ column                       ┃ severity ┃ value                ┃ message                        ┃ how to fix                                                       ┃
┡━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│   2 │ credit_code 统一社会信用代码 │ error    │ '91500000MA5U7AAA1H' │ credit code not in enterprises │ add the enterprise to 企业信息 (enterprises) or correct the code │
└─────┴──────────────────────────────┴──────────┴──────────────────────┴────────────────────────────────┴──────────────────────────────────────────────────────────────────┘
年销售额 (sales)
┏━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ row ┃ column                       ┃ severity ┃ value         ┃ message                                                               ┃ how to fix                                                   ┃
┡━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│   2 │ credit_code 统一社会信用代码 │ error    │ 9.1500223e+17 │ credit code typed as a number: Excel has lost digits; enter it as     │ format the cell as text and type the 18-character code again │
│     │                              │          │               │ text                                                                  │                                                              │
└─────┴──────────────────────────────┴──────────┴───────────────┴───────────────────────────────────────────────────────────────────────┴──────────────────────────────────────────────────────────────┘
"""

# Exactly what `check` prints in Chinese (the default) for ``bad_workbook``.
EXPECTED_TABLES_ZH = """\
企业信息（enterprises）
┏━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ 行 ┃ 列                                   ┃ 严重程度 ┃ 所填内容             ┃ 问题                                                                 ┃ 怎么改                                         ┃
┡━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│  3 │ 电子商务法人企业（ecommerce_entity） │ 错误     │ 'maybe'              │ 应为“是”或“否”（也可填 Y/N、yes/no、true/false、1/0），实际为“maybe” │ 填写“是”或“否”                                 │
│  4 │ 落户日期（settled_on）               │ 错误     │ '2016/2/30'          │ 应为日历上存在的日期，实际为“2016/2/30”                              │ 填写日期，如 2015-03-01 或 2015年3月1日        │
│  5 │ 统一社会信用代码（credit_code）      │ 警告     │ '91500223MA5U7K3L2X' │ 校验位应为“W”，实际为“X”：代码可能录入有误（该行仍参与计算）         │ 核对代码是否录入有误；早期代码可能如此，可不改 │
└────┴──────────────────────────────────────┴──────────┴──────────────────────┴──────────────────────────────────────────────────────────────────────┴────────────────────────────────────────────────┘
leases（办公租赁）
┏━━━━┳━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ 行 ┃ 列                    ┃ 严重程度 ┃ 所填内容 ┃ 问题                             ┃ 怎么改                         ┃
┡━━━━╇━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│  3 │ 实付租金（rent_paid） │ 错误     │ -5000    │ 应为不小于 0 的金额，实际为-5000 │ 金额不能为负，填写实际支付的数 │
└────┴───────────────────────┴──────────┴──────────┴──────────────────────────────────┴────────────────────────────────┘
data_lines（数据专线）
┏━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ 行 ┃ 列                              ┃ 严重程度 ┃ 所填内容             ┃ 问题                                 ┃ 怎么改                                 ┃
┡━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│  2 │ 统一社会信用代码（credit_code） │ 错误     │ '91500000MA5U7AAA1H' │ 企业信息表中没有这个统一社会信用代码 │ 先在企业信息表中加上该企业，或更正代码 │
└────┴─────────────────────────────────┴──────────┴──────────────────────┴──────────────────────────────────────┴────────────────────────────────────────┘
年销售额（sales）
┏━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓
┃ 行 ┃ 列                              ┃ 严重程度 ┃ 所填内容      ┃ 问题                                                                             ┃ 怎么改                                 ┃
┡━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩
│  2 │ 统一社会信用代码（credit_code） │ 错误     │ 9.1500223e+17 │ 统一社会信用代码被录入为数字，Excel 已丢失部分数字：请将单元格设为文本后重新录入 │ 将单元格设为文本格式，重新输入18位代码 │
└────┴─────────────────────────────────┴──────────┴───────────────┴──────────────────────────────────────────────────────────────────────────────────┴────────────────────────────────────────┘
"""


def table_lines(stdout: str) -> list[str]:
    return [line.rstrip() for line in stdout.splitlines()]


def test_check_lists_every_issue_by_sheet_with_hints(tmp_path: Path) -> None:
    workbook = bad_workbook(tmp_path / "in.xlsx")

    code, stdout, stderr = invoke("check", workbook, "--lang", "en")

    assert (code, stderr) == (1, "")
    assert table_lines(stdout) == [
        *EXPECTED_TABLES.splitlines(),
        f"{workbook}: 2 enterprises, 7 rows read; 5 errors, 1 warning, 0 notices; fix the errors before the run",
    ]


def test_check_in_chinese(tmp_path: Path) -> None:
    workbook = bad_workbook(tmp_path / "in.xlsx")

    code, stdout, stderr = invoke("check", workbook)

    assert (code, stderr) == (1, "")
    lines = table_lines(stdout)
    assert lines[:-1] == EXPECTED_TABLES_ZH.splitlines()
    assert lines[0] == "企业信息（enterprises）"
    assert [cell.strip() for cell in lines[2].split("┃")[1:-1]] == [
        "行",
        "列",
        "严重程度",
        "所填内容",
        "问题",
        "怎么改",
    ]
    assert lines[-1] == f"{workbook}：读取 2 家企业、7 行数据；5 个错误，1 个警告，0 个提示；请更正错误后再运行计算"


def test_check_of_a_clean_workbook_exits_0(tmp_path: Path) -> None:
    workbook = write_xlsx(
        tmp_path / "clean.xlsx",
        {"enterprises": [["credit_code", "name", "ecommerce_entity"], [A, "潼南甲电子商务有限公司", "yes"]]},
    )

    assert invoke("check", workbook, "--lang", "en") == (
        0,
        f"{workbook}: 1 enterprise, 1 row read; 0 errors, 0 warnings, 0 notices; no errors: ready to run\n",
        "",
    )


def test_check_of_an_unreadable_workbook_is_one_line_and_exit_2(tmp_path: Path) -> None:
    text = tmp_path / "in.xlsx"
    text.write_text("credit_code,name\n", encoding="utf-8")

    assert invoke("check", text, "--lang", "en") == (
        2,
        "",
        f"error: {text}: is not a workbook (.xlsx/.xls/.xlsb/.ods): it is a text file such as CSV\n",
    )
    missing = tmp_path / "none.xlsx"
    assert invoke("check", missing, "--lang", "en") == (2, "", f"error: {missing}: file not found\n")
    assert invoke("check", text) == (
        2,
        "",
        f"错误：{text}：不是工作簿（.xlsx/.xls/.xlsb/.ods）：是 CSV 之类的文本文件\n",
    )
    assert invoke("check", missing) == (2, "", f"错误：{missing}：找不到文件\n")


# --- the annotated copy -------------------------------------------------------------------------


def test_annotate_marks_exactly_the_bad_cells_and_leaves_the_original_alone(tmp_path: Path) -> None:
    workbook = bad_workbook(tmp_path / "in.xlsx")
    before = workbook.read_bytes()
    out = tmp_path / "checked.xlsx"

    code, stdout, stderr = invoke("check", workbook, "--lang", "en", "--annotate", out)

    assert (code, stderr) == (1, "")
    assert table_lines(stdout)[-1] == f"annotated copy {out}: 6 cells marked"
    assert workbook.read_bytes() == before
    assert marked_cells(workbook) == {}
    assert marked_cells(out) == MARKS
    assert values(out) == values(workbook)  # a copy: every value as it was


def test_annotate_in_chinese_by_default(tmp_path: Path) -> None:
    workbook = bad_workbook(tmp_path / "in.xlsx")
    out = tmp_path / "checked.xlsx"

    code, stdout, stderr = invoke("check", workbook, "--annotate", out)

    assert (code, stderr) == (1, "")
    assert table_lines(stdout)[-1] == f"已写出标注副本 {out}：标出 6 个单元格"
    assert marked_cells(out) == MARKS_ZH
    assert values(out) == values(workbook)
    # every sheet of the copy prints on A4 one page wide, its header row repeated on every page
    copy = openpyxl.load_workbook(out)
    header_rows = {layout.name: layout.header_row for layout in locate(copy).values()}
    assert 2 in header_rows.values()  # a sheet whose header is below a title row
    for ws in copy.worksheets:
        assert (ws.page_setup.paperSize, ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (9, 1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        row = header_rows.get(ws.title, 1)
        assert ws.print_title_rows in (f"{row}:{row}", f"${row}:${row}"), ws.title
        assert ws.oddHeader.center.text == f"{ws.title}（已标注）"
        assert ws.page_setup.orientation == ("landscape" if ws.max_column > 6 else "portrait")


def test_annotate_refuses_an_existing_output_without_force(tmp_path: Path) -> None:
    workbook = bad_workbook(tmp_path / "in.xlsx")
    out = tmp_path / "checked.xlsx"
    out.write_bytes(b"keep me")

    assert invoke("check", workbook, "--annotate", out, "--lang", "en") == (
        2,
        "",
        f"error: {out} exists: use --force to replace it\n",
    )
    assert invoke("check", workbook, "--annotate", out) == (2, "", f"错误：{out} 已存在：如要替换，请加 --force\n")
    assert out.read_bytes() == b"keep me"

    code, _, stderr = invoke("check", workbook, "--annotate", out, "--force", "--lang", "en")
    assert (code, stderr) == (1, "")
    assert marked_cells(out) == MARKS


def test_annotate_never_writes_over_the_workbook_itself(tmp_path: Path) -> None:
    workbook = bad_workbook(tmp_path / "in.xlsx")
    before = workbook.read_bytes()

    code, stdout, stderr = invoke("check", workbook, "--annotate", workbook, "--force", "--lang", "en")

    assert (code, stdout) == (2, "")
    assert stderr == f"error: {workbook} is the workbook being checked: give another file name for the copy\n"
    code, stdout, stderr = invoke("check", workbook, "--annotate", workbook, "--force")
    assert (code, stdout, stderr) == (2, "", f"错误：{workbook} 就是要检查的工作簿：请为副本另取一个文件名\n")
    assert workbook.read_bytes() == before


def test_annotate_of_an_unreadable_workbook_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "checked.xlsx"
    code, _, _ = invoke("check", tmp_path / "none.xlsx", "--annotate", out)
    assert code == 2
    assert not out.exists()


def test_annotate_a_clean_workbook_marks_nothing(tmp_path: Path) -> None:
    workbook = write_xlsx(
        tmp_path / "clean.xlsx",
        {"enterprises": [["credit_code", "name", "ecommerce_entity"], [A, "潼南甲电子商务有限公司", "yes"]]},
    )
    out = tmp_path / "checked.xlsx"

    code, stdout, _ = invoke("check", workbook, "--annotate", out)

    assert code == 0
    assert table_lines(stdout)[-1] == f"已写出标注副本 {out}：标出 0 个单元格"
    assert marked_cells(out) == {}


def test_sheet_level_issues_go_on_the_header_cells(tmp_path: Path) -> None:
    """A missing column: on the first header cell; a repeated column: on its first header cell.
    Notices (an unknown column, a sheet not used) mark nothing."""
    workbook = write_xlsx(
        tmp_path / "in.xlsx",
        {
            "enterprises": [
                ["credit_code", "name", "ecommerce_entity", "备注"],
                [A, "潼南甲电子商务有限公司", "是", "x"],
            ],
            "备忘": [["填表说明"]],
            "贷款": [
                [],
                [],
                ["统一社会信用代码", "贷款编号", "重点建设项目", "放款日期", "到期日期"],
                [A, "L1", "是", date(2016, 1, 1), date(2017, 1, 1)],
            ],
            "sales": [["year", "credit_code", "sales", "年度"], [2016, A, 100, 2016]],
        },
    )
    batch = read_workbook(workbook)
    assert [(i.sheet, i.row, i.column, i.severity) for i in batch.issues] == [
        ("enterprises", None, None, "notice"),
        ("sales", None, "year", "error"),
        ("loans", None, "principal", "error"),
        ("备忘", None, None, "notice"),
    ]
    out = tmp_path / "checked.xlsx"

    assert annotate_copy(workbook, batch.issues, out, "en") == 2

    assert marked_cells(out) == {
        ("sales", "A1"): (
            ERROR_COLOR,
            "error: column year (年度) appears more than once (columns A, D); no row of this sheet is used\n"
            "→ delete the repeated column, keep one",
        ),
        ("贷款", "A3"): (
            ERROR_COLOR,
            "error: required column principal (贷款本金) is missing from header row 3; no row of this sheet is used\n"
            "→ add the column principal (贷款本金) to the header row",
        ),
    }
    zh = tmp_path / "checked-zh.xlsx"
    assert annotate_copy(workbook, batch.issues, zh) == 2  # in Chinese by default
    assert marked_cells(zh) == {
        ("sales", "A1"): (
            ERROR_COLOR,
            "错误：年度（year）列出现了不止一次（A、D列）；本工作表各行均不使用\n→ 删除重复的列，只保留一列",
        ),
        ("贷款", "A3"): (
            ERROR_COLOR,
            "错误：表头行（第3行）缺少必填列贷款本金（principal）；本工作表各行均不使用\n"
            "→ 在表头行加上“贷款本金”列（或英文键 principal）",
        ),
    }


def test_several_issues_on_one_cell_share_one_comment_and_the_worst_colour(tmp_path: Path) -> None:
    workbook = write_xlsx(
        tmp_path / "in.xlsx",
        {"enterprises": [["credit_code", "name", "ecommerce_entity"], [A, "甲", "是"], [A, "乙", "是"]]},
    )
    warning = InputIssue(
        "enterprises", 2, "credit_code", "统一社会信用代码", None, "warning", "expected check character 'W', got 'X': x"
    )
    batch = read_workbook(workbook)
    out = tmp_path / "checked.xlsx"

    assert annotate_copy(workbook, (warning, *batch.issues), out, "en") == 2

    marked = marked_cells(out)
    assert marked["enterprises", "A2"] == (
        ERROR_COLOR,
        "warning: expected check character 'W', got 'X': x\n"
        "→ check for a typing mistake; some early codes fail this\n\n"
        "error: duplicate credit code (also on row 3); every row with this code is dropped\n"
        "→ keep one row per enterprise",
    )
    assert marked["enterprises", "A3"][0] == ERROR_COLOR


def test_an_existing_comment_is_kept_below_the_marks(tmp_path: Path) -> None:
    workbook = bad_workbook(tmp_path / "in.xlsx")
    book = openpyxl.load_workbook(workbook)
    book["leases"]["F3"].comment = openpyxl.comments.Comment("已核实", "clerk")
    book.save(workbook)
    out = tmp_path / "checked.xlsx"

    annotate_copy(workbook, read_workbook(workbook).issues, out, "en")

    assert marked_cells(out)["leases", "F3"][1] == MARKS["leases", "F3"][1] + "\n\n---\n已核实"


# --- hints ----------------------------------------------------------------------------------------


def issue(message: str, column: str | None = "x", header: str | None = None) -> InputIssue:
    return InputIssue("leases", 2, column, header, None, "error", message)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            cells.bad(cells.EXPECT_DATE, "2015-3").message,
            "填写日期，如 2015-03-01 或 2015年3月1日 / enter a date such as 2015-03-01",
        ),
        (
            cells.bad(cells.EXPECT_REAL_DATE, "2015-2-30").message,
            "填写日期，如 2015-03-01 或 2015年3月1日 / enter a date such as 2015-03-01",
        ),
        (
            cells.bad(cells.EXPECT_DATE_RANGE, "1800-1-1").message,
            "填写日期，如 2015-03-01 或 2015年3月1日 / enter a date such as 2015-03-01",
        ),
        (
            cells.bad(cells.EXPECT_DATE_NO_TIME, "x").message,
            "去掉时间，只填日期 / remove the time of day, keep the date",
        ),
        (
            "expected a date on or after period_start (2016-03-01), got '2016-01-01'",
            "结束日期须晚于开始日期，核对两个日期 / the end must come after the start: check both dates",
        ),
        (cells.bad(cells.EXPECT_YES_NO, "maybe").message, "填写“是”或“否” / enter yes or no (是/否)"),
        (cells.bad(cells.EXPECT_AMOUNT, "abc").message, "填写金额数字，如 1234.50 / enter an amount such as 1234.50"),
        (
            cells.bad(cells.EXPECT_NON_NEGATIVE, -1.0).message,
            "金额不能为负，填写实际支付的数 / an amount cannot be negative: enter what was paid",
        ),
        (
            cells.bad(cells.EXPECT_POSITIVE, 0.0).message,
            "填写大于 0 的面积（平方米） / enter an area greater than 0 (m²)",
        ),
        (cells.bad(cells.EXPECT_YEAR, "x").message, "填写四位年份，如 2016 / enter a four-digit year such as 2016"),
        (
            cells.bad(cells.EXPECT_YEAR_RANGE, 15.0).message,
            "填写四位年份，如 2016 / enter a four-digit year such as 2016",
        ),
        (cells.bad(cells.EXPECT_TEXT, "").message, "此项必填 / this cell is required"),
        (
            cells.bad(cells.EXPECT_HQ_TYPE, "x").message,
            "从下拉列表选择机构类型，或留空 / choose a type from the list, or leave it blank",
        ),
        (
            cells.bad(cells.EXPECT_DEMO_LEVEL, "x").message,
            "填写“国家级”或“市级”，或留空 / enter national (国家级) or municipal (市级), or leave it blank",
        ),
        (
            cells.CREDIT_CODE_AS_NUMBER,
            "将单元格设为文本格式，重新输入18位代码 / format the cell as text and type the 18-character code again",
        ),
        (
            "expected a unified social credit code of 18 characters, got 17: '91500223MA5U7K3L2'",
            "核对18位统一社会信用代码（不含 I、O、Z、S、V） / check the 18-character credit code (no I, O, Z, S or V)",
        ),
        (
            cells.bad(cells.EXPECT_CREDIT_CODE, "").message,
            "核对18位统一社会信用代码（不含 I、O、Z、S、V） / check the 18-character credit code (no I, O, Z, S or V)",
        ),
        (
            "duplicate credit code (also on row 3); every row with this code is dropped",
            "每家企业只保留一行 / keep one row per enterprise",
        ),
        (
            "duplicate year 2016 for this enterprise (also on row 3)",
            "同一企业同一年度只留一行，填合计数 / keep one row per enterprise and year, with the total",
        ),
        (
            "credit code not in enterprises",
            "先在企业信息表中加上该企业，或更正代码 / add the enterprise to 企业信息 (enterprises) or correct the code",
        ),
        (
            "the cell shows the Excel error #DIV/0!: enter the value itself",
            "在单元格中直接填入实际的值，不要留下出错的公式或错误值 / "
            "type the value itself in the cell, not a formula that fails or an error value",
        ),
        (
            "a formula without a computed value (the file was not saved by Excel): "
            "open and save it in Excel, or type the value",
            "在 Excel 中打开并保存该文件，或把公式换成数值 / "
            "open and save the file in Excel, or replace the formula by its value",
        ),
        (
            "the template's example row: delete it before the run",
            "删除模板自带的示例行，或用真实数据覆盖它 / "
            "delete the template's example row, or overwrite it with real data",
        ),
        (
            "part of a merged cell G2:G3 covering 2 rows: give each row its own value",
            "取消合并单元格，在每一行分别填写该行自己的值 / unmerge the cells and give each row its own value",
        ),
        (
            "duplicate loan 'L-1' for this enterprise (also on row 3); each loan is entered once",
            "每笔贷款只留一行；不同的贷款请填不同的贷款编号 / "
            "keep one row per loan; give different loans different loan ids",
        ),
        (
            "unknown column 享受微企扶持（是/否） (E) looks like micro_support (享受微企扶持): "
            "rename the header, or it is ignored",
            "把表头改为规定的列名（见“说明”工作表）；如该列与之无关，请换一个列名 / "
            "rename the header to the column's name; if the column is something else, give it another name",
        ),
        (
            "value under the unknown column 享受微企扶持（是/否） (E), which is not read: "
            "rename the header to 享受微企扶持 (or micro_support)",
            "把该列的表头改为规定的列名，这一列的值才会被读取 / "
            "rename the header of that column so that its values are read",
        ),
        ("something new", ""),
    ],
)
def test_hint_per_kind_of_message(message: str, expected: str) -> None:
    """``expected``: the Chinese hint / the English one."""
    zh, _, en = expected.partition(" / ")
    assert (hint(issue(message), "zh"), hint(issue(message), "en")) == (zh, en)
    assert hint(issue(message)) == zh  # Chinese by default


def test_hint_for_a_missing_column_names_it() -> None:
    missing = issue(
        "required column area_m2 (租用面积) is missing from header row 1; no row of this sheet is used",
        "area_m2",
        "租用面积",
    )
    assert hint(missing, "zh") == "在表头行加上“租用面积”列（或英文键 area_m2）"
    assert hint(missing, "en") == "add the column area_m2 (租用面积) to the header row"


def test_every_message_of_the_example_has_a_hint() -> None:
    example = Path(__file__).resolve().parent.parent / "examples" / "example.xlsx"
    issues = read_workbook(example).issues
    assert all(hint(i, "zh") and hint(i, "en") for i in issues)


def test_annotate_the_shipped_example(tmp_path: Path) -> None:
    """企业信息 has 企业名称 first, so its credit codes are in column B."""
    example = Path(__file__).resolve().parent.parent / "examples" / "example.xlsx"
    out = tmp_path / "example-checked.xlsx"

    assert annotate_copy(example, read_workbook(example).issues, out) == 3

    assert {where: colour for where, (colour, _) in marked_cells(out).items()} == {
        ("企业信息", "B19"): WARNING_COLOR,
        ("leases", "D15"): ERROR_COLOR,
        ("data_lines", "A10"): ERROR_COLOR,
    }


def test_annotate_marks_a_misnamed_header_its_values_and_a_merged_amount(tmp_path: Path) -> None:
    """The warning goes on the misnamed header itself, its values on their cells (the column they stand
    for is missing), the rows of a merged amount on the merged cell."""
    path = tmp_path / "in.xlsx"
    book = openpyxl.Workbook()
    book.remove(book.active)
    enterprises = book.create_sheet("企业信息")
    for row in (
        ["统一社会信用代码", "企业名称", "电子商务法人企业", "落户日期", "享受微企扶持（是/否）"],
        [A, "甲", "是", date(2016, 3, 1), "是"],
        [B, "乙", "是", date(2016, 3, 1), None],
    ):
        enterprises.append(row)
    leases = book.create_sheet("leases")
    for row in (
        ["credit_code", "planned_building", "area_m2", "period_start", "period_end", "rent_paid"],
        [B, "是", 100, date(2016, 3, 1), date(2016, 6, 30), 36600],
        [B, "是", 100, date(2016, 7, 1), date(2016, 12, 31), None],
    ):
        leases.append(row)
    leases.merge_cells("F2:F3")
    book.save(path)
    out = tmp_path / "checked.xlsx"

    assert annotate_copy(path, read_workbook(path).issues, out, "en") == 4

    merged = (
        "error: part of a merged cell F2:F3 covering 2 rows: give each row its own value\n"
        "→ unmerge the cells and give each row its own value"
    )
    assert marked_cells(out) == {
        ("企业信息", "E1"): (
            WARNING_COLOR,
            "warning: unknown column 享受微企扶持（是/否） (E) looks like micro_support (享受微企扶持): "
            "rename the header, or it is ignored\n"
            "→ rename the header to the column's name; if the column is something else, give it another name",
        ),
        ("企业信息", "E2"): (
            ERROR_COLOR,
            "error: value under the unknown column 享受微企扶持（是/否） (E), which is not read: "
            "rename the header to 享受微企扶持 (or micro_support)\n"
            "→ rename the header of that column so that its values are read",
        ),
        ("leases", "F2"): (ERROR_COLOR, f"{merged}\n\n---\n{merged}"),  # row 3's mark, on the merged cell
    }
