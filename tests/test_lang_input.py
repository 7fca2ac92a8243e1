"""Input issues and fatal errors in Chinese (the default) and in English (``--lang en``).

Every message of the reader has a Chinese text beside its English one (``InputIssue.message_zh``,
``InputIssue.message``); the location and the severity are shown in the reader's language; a fatal
error is one line ``错误：…`` by default and ``error: …`` with ``--lang en``.
"""

from __future__ import annotations

import json
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hostile import X, run_json, with_x, write_batch, write_xlsx, x_record
from typer.testing import CliRunner

from tongnan_calc.cli.app import _argv_lang, app
from tongnan_calc.core.model import InputIssue
from tongnan_calc.input import cells
from tongnan_calc.input.reader import read_workbook
from tongnan_calc.input.uscc import check_char

A = "91500223MA5U7K3L2W"
B = "91500223MA60B4XQ8A"
C = "92500223MA5YP6HC1K"


def valid(seventeen: str) -> str:
    return seventeen + check_char(seventeen)


D, E, F, G, H = (valid(f"91500223MA6{n}00000") for n in "DEFGH")
WRONG_CHECK = "91500223MA5U7K3L2X"  # its check character should be W
NOT_IN_ENTERPRISES = valid("91500000MA5U7AAA1")
DIGITS_ONLY = "915002230000000020"


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def many_issues(path: Path) -> Path:
    """Nearly every kind of input issue the reader writes, each once."""
    return write_xlsx(
        path,
        {
            "enterprises": [
                ["credit_code", "name", "ecommerce_entity", "settled_on", "hq_type", "demo_level", "备注"],
                [A, "甲", "是", "2016-03-01"],
                [B, "乙", "maybe"],
                [C, "丙", "是", "2016/2/30"],
                [WRONG_CHECK, "丁", "否"],
                ["91500223MA5U7K3L2", "戊", "是"],
                ["91500223MA5U7K3LIW", "己", "是"],
                [D, None, "是"],
                [E, "庚", "是", None, "总部"],
                [F, "辛", "是", None, None, "省级"],
                [G, "壬", "是", datetime(2015, 3, 1, 8, 30)],
                [H, "癸", "是"],
                [H, "癸二", "是"],
                [int(DIGITS_ONLY), "子", "是"],
                [valid("91500223MA6J00000"), "丑", "是", "1899-12-31"],
                [valid("91500223MA6K00000"), "寅", "是", "三月一日"],
            ],
            "leases": [
                ["credit_code", "planned_building", "area_m2", "period_start", "period_end", "rent_paid"],
                [A, "是", -300, date(2016, 3, 1), date(2016, 12, 31), 1000],
                [A, "是", 100, date(2016, 3, 1), date(2016, 1, 1), 1000],
                [A, "是", 100, date(2016, 3, 1), date(2016, 12, 31), -5],
                [A, "是", 100, date(2016, 3, 1), date(2016, 12, 31), "abc"],
                [A, "是", 1e16, date(2016, 3, 1), date(2016, 12, 31), 1000],
                [NOT_IN_ENTERPRISES, "是", 100, date(2016, 3, 1), date(2016, 12, 31), 1000],
                [B, "是", 100, date(2016, 3, 1), date(2016, 12, 31), 1000],
            ],
            "data_lines": [["credit_code", "year", "fee_paid"], [A, 2016, "=500*2"]],
            "sales": [
                ["credit_code", "year", "sales"],
                [A, 2016, 100],
                [A, 2016, 200],
                [A, "20x6", 1],
                [A, 1800, 1],
            ],
            "loans": [["credit_code", "loan_id", "key_project", "drawdown_date", "maturity_date"]],
            "备忘": [["填表说明"]],
        },
    )


# (sheet, row, column) -> (Chinese message, English message): the English is the text of before.
EXPECTED: dict[tuple[str, int | None, str | None], tuple[str, str]] = {
    ("enterprises", None, None): ("未识别的列，已忽略：备注（G列）", "unknown columns ignored: 备注 (G)"),
    ("enterprises", 3, "ecommerce_entity"): (
        "应为“是”或“否”（也可填 Y/N、yes/no、true/false、1/0），实际为“maybe”",
        "expected yes/no (是/否, Y/N, yes/no, true/false, 1/0), got 'maybe'",
    ),
    ("enterprises", 4, "settled_on"): (
        "应为日历上存在的日期，实际为“2016/2/30”",
        "expected a real calendar date, got '2016/2/30'",
    ),
    ("enterprises", 5, "credit_code"): (
        "校验位应为“W”，实际为“X”：代码可能录入有误（该行仍参与计算）",
        "expected check character 'W', got 'X': the code may be mistyped (the row is still used)",
    ),
    ("enterprises", 6, "credit_code"): (
        "统一社会信用代码应为18位，实际为17位：“91500223MA5U7K3L2”",
        "expected a unified social credit code of 18 characters, got 17: '91500223MA5U7K3L2'",
    ),
    ("enterprises", 7, "credit_code"): (
        "统一社会信用代码只能由数字和字母 A-H、J-N、P-R、T、U、W-Y组成，第17位却是“I”",
        "expected a unified social credit code (digits and the letters A-H J-N P-R T U W-Y), got 'I' at position 17",
    ),
    ("enterprises", 8, "name"): ("应为文字（此项必填），实际为空白", "expected text, got blank"),
    ("enterprises", 9, "hq_type"): (
        "应为全国性总部、西部营运中心、区域性物流配送中心、结算中心之一"
        "（也可填英文键 national_hq, western_ops_center, regional_logistics_center, settlement_center），实际为“总部”",
        "expected one of national_hq, western_ops_center, regional_logistics_center, settlement_center "
        "(全国性总部, 西部营运中心, 区域性物流配送中心, 结算中心), got '总部'",
    ),
    ("enterprises", 10, "demo_level"): (
        "应为国家级、市级之一（也可填英文键 national, municipal），实际为“省级”",
        "expected one of national, municipal (国家级, 市级), got '省级'",
    ),
    ("enterprises", 11, "settled_on"): (
        "应为不带时刻的日期，实际为2015-03-01 08:30:00",
        "expected a date without a time of day, got 2015-03-01 08:30:00",
    ),
    ("enterprises", 12, "credit_code"): (
        "统一社会信用代码重复（另见第13行）：含此代码的各行均不使用",
        "duplicate credit code (also on row 13); every row with this code is dropped",
    ),
    ("enterprises", 13, "credit_code"): (
        "统一社会信用代码重复（另见第12行）：含此代码的各行均不使用",
        "duplicate credit code (also on row 12); every row with this code is dropped",
    ),
    ("enterprises", 14, "credit_code"): (
        "统一社会信用代码被录入为数字，Excel 已丢失部分数字：请将单元格设为文本后重新录入",
        "credit code typed as a number: Excel has lost digits; enter it as text",
    ),
    ("enterprises", 15, "settled_on"): (
        "应为1900-01-01 至 2200-12-31 之间的日期，实际为“1899-12-31”",
        "expected a date between 1900-01-01 and 2200-12-31, got '1899-12-31'",
    ),
    ("enterprises", 16, "settled_on"): (
        "应为日期，如 2015-03-01 或 2015年3月1日，实际为“三月一日”",
        "expected a date such as 2015-03-01, got '三月一日'",
    ),
    ("enterprises", 3, "credit_code"): (
        "该企业未读入：其他工作表中属于它的1行未使用（办公租赁1行）",
        "enterprise dropped: 1 row for it in other sheets not used (leases: 1)",
    ),
    ("leases", 2, "area_m2"): ("应为大于 0 的数，实际为-300", "expected a number greater than 0, got -300"),
    ("leases", 3, "period_end"): (
        "应为不早于租期起（2016-03-01）的日期，实际为2016-01-01",
        "expected a date on or after period_start (2016-03-01), got 2016-01-01",
    ),
    ("leases", 4, "rent_paid"): ("应为不小于 0 的金额，实际为-5", "expected an amount of 0 or more, got -5"),
    ("leases", 5, "rent_paid"): (
        "应为金额，如 1,234.50，实际为“abc”",
        "expected an amount such as 1,234.50, got 'abc'",
    ),
    ("leases", 6, "area_m2"): (
        "应为小于 1,000,000,000,000,000 的数，实际为1e+16",
        "expected a number below 1,000,000,000,000,000, got 1e+16",
    ),
    ("leases", 7, "credit_code"): ("企业信息表中没有这个统一社会信用代码", "credit code not in enterprises"),
    ("data_lines", 2, "fee_paid"): (
        "公式没有计算结果（文件不是由 Excel 保存的）：请在 Excel 中打开并保存，或直接填入数值",
        "a formula without a computed value (the file was not saved by Excel): "
        "open and save it in Excel, or type the value",
    ),
    ("sales", 2, "year"): (
        "该企业的2016年度重复（另见第3行）",
        "duplicate year 2016 for this enterprise (also on row 3)",
    ),
    ("sales", 3, "year"): (
        "该企业的2016年度重复（另见第2行）",
        "duplicate year 2016 for this enterprise (also on row 2)",
    ),
    ("sales", 4, "year"): ("应为年份，如 2015，实际为“20x6”", "expected a year such as 2015, got '20x6'"),
    ("sales", 5, "year"): (
        "应为1900 至 2200 之间的年份，实际为1800",
        "expected a year between 1900 and 2200, got 1800",
    ),
    ("loans", None, "principal"): (
        "表头行（第1行）缺少必填列贷款本金（principal）；本工作表各行均不使用",
        "required column principal (贷款本金) is missing from header row 1; no row of this sheet is used",
    ),
    ("备忘", None, None): (
        "工作表未使用：表名不是企业信息（enterprises）、办公租赁（leases）、数据专线（data_lines）、"
        "年销售额（sales）、贷款（loans）中的任何一个",
        "sheet not used: its name is not one of enterprises (企业信息), leases (办公租赁), "
        "data_lines (数据专线), sales (年销售额), loans (贷款)",
    ),
}


@pytest.fixture(scope="module")
def issues(tmp_path_factory: pytest.TempPathFactory) -> tuple[InputIssue, ...]:
    return read_workbook(many_issues(tmp_path_factory.mktemp("lang") / "many.xlsx")).issues


def test_every_input_issue_in_chinese_and_in_english(issues: tuple[InputIssue, ...]) -> None:
    found = {(i.sheet, i.row, i.column): (i.text("zh"), i.text("en")) for i in issues}
    assert len(found) == len(issues) == len(EXPECTED) == 29
    assert found == EXPECTED
    assert all(i.message == i.text("en") and i.message_zh == i.text("zh") for i in issues)


def test_the_chinese_texts_are_chinese(issues: tuple[InputIssue, ...]) -> None:
    """No English word of the English texts slips into the Chinese ones (keys and values aside)."""
    for issue in issues:
        zh = issue.text("zh")
        assert zh != issue.message
        for word in ("expected", "got", "blank", "row", "duplicate", "column", "sheet", "enterprise "):
            assert word not in zh.replace("credit_code", "").replace("data_lines", ""), (word, zh)


def test_location_and_severity_in_chinese(issues: tuple[InputIssue, ...]) -> None:
    by = {(i.sheet, i.row, i.column): i for i in issues}
    area = by["leases", 2, "area_m2"]
    assert (area.where("zh"), area.severity_text("zh")) == ("办公租赁 第2行 租用面积（area_m2）", "错误")
    assert (area.where("en"), area.severity_text("en")) == ("leases row 2 area_m2", "error")
    assert area.where() == "leases row 2 area_m2"  # English by default: the measures and logs use it
    warning = by["enterprises", 5, "credit_code"]
    assert (warning.where("zh"), warning.severity_text("zh")) == (
        "企业信息 第5行 统一社会信用代码（credit_code）",
        "警告",
    )
    notice = by["enterprises", None, None]
    assert (notice.where("zh"), notice.severity_text("zh")) == ("企业信息", "提示")
    missing = by["loans", None, "principal"]
    assert missing.where("zh") == "贷款 贷款本金（principal）"
    unknown_sheet = by["备忘", None, None]
    assert unknown_sheet.where("zh") == "备忘"


def test_an_issue_without_chinese_shows_its_english() -> None:
    """An issue from elsewhere (the ledger's) made without a Chinese text still shows."""
    issue = InputIssue("payouts", 3, "year", "year", "'20x5'", "error", "expected a year such as 2015, got '20x5'")
    assert issue.text("zh") == issue.text("en") == issue.message


def test_equal_issues_compare_by_their_english_text() -> None:
    one = InputIssue("leases", 2, "x", None, None, "error", "m", None, "甲")
    assert one == InputIssue("leases", 2, "x", None, None, "error", "m")
    assert cells.Bad("m", "甲") == cells.Bad("m")


def test_cells_bad_says_both() -> None:
    bad = cells.bad(cells.EXPECT_POSITIVE, " ")
    assert (bad.message, bad.zh) == ("expected a number greater than 0, got blank", "应为大于 0 的数，实际为空白")
    unknown = cells.bad("something new", 1.5)
    assert (unknown.message, unknown.zh) == ("expected something new, got 1.5", None)
    assert cells.bad("something new", "x", "新东西").zh == "应为新东西，实际为“x”"


def test_every_expectation_has_its_chinese() -> None:
    expectations = [value for name, value in vars(cells).items() if name.startswith("EXPECT_") and name != "EXPECT_ZH"]
    assert expectations and all(e in cells.EXPECT_ZH for e in expectations)


# --- the terminal, the workbooks, the JSON ---------------------------------------------------------------------


def test_run_shows_the_issues_in_chinese_by_default(tmp_path: Path) -> None:
    workbook = many_issues(tmp_path / "many.xlsx")
    code, stdout, _ = invoke("run", workbook, "--year", "2016", "--no-ledger")
    assert code == 1
    text = " ".join(stdout.split())
    assert "办公租赁 第2行 租用面积（area_m2） │ 错误 │ -300 │ 应为大于 0 的数，实际为-300" in text
    assert "expected" not in stdout
    code, stdout, _ = invoke("run", workbook, "--year", "2016", "--no-ledger", "--lang", "en")
    text = " ".join(stdout.split())
    assert "leases row 2 area_m2 │ error │ -300 │ expected a number greater than 0, got -300" in text


def test_json_messages_follow_lang_and_the_keys_stay(tmp_path: Path) -> None:
    workbook = many_issues(tmp_path / "many.xlsx")
    documents = {}
    for lang in ("zh", "en"):
        code, stdout, _ = invoke("run", workbook, "--year", "2016", "--no-ledger", "--json", "-", "--lang", lang)
        assert code == 1
        documents[lang] = json.loads(stdout)["input_issues"]
    _, default, _ = invoke("run", workbook, "--year", "2016", "--no-ledger", "--json", "-")
    assert json.loads(default)["input_issues"] == documents["zh"]
    zh, en = documents["zh"], documents["en"]
    assert [{k: v for k, v in i.items() if k != "message"} for i in zh] == [
        {k: v for k, v in i.items() if k != "message"} for i in en
    ]
    area = next(i for i in zh if (i["sheet"], i["row"], i["column"]) == ("leases", 2, "area_m2"))
    assert (area["severity"], area["message"]) == ("error", "应为大于 0 的数，实际为-300")
    area = next(i for i in en if (i["sheet"], i["row"], i["column"]) == ("leases", 2, "area_m2"))
    assert (area["severity"], area["message"]) == ("error", "expected a number greater than 0, got -300")


def test_check_hint_column_is_in_one_language(tmp_path: Path) -> None:
    workbook = many_issues(tmp_path / "many.xlsx")
    _, zh, _ = invoke("check", workbook)
    _, en, _ = invoke("check", workbook, "--lang", "en")
    zh_text, en_text = " ".join(zh.split()), " ".join(en.split())
    assert "填写大于 0 的面积（平方米）" in zh_text and "enter an area greater than 0" not in zh_text
    assert "enter an area greater than 0 (m²)" in en_text and "填写大于 0 的面积" not in en_text
    assert " / " not in zh and " / " not in en.replace("yes/no", "").replace("true/false", "")
    titles = [line.strip() for line in zh.splitlines() if line.strip() and line.strip()[0] not in "┏┃┡│└"]
    assert titles[:6] == [  # a sheet named by its key: the key, then its Chinese name
        "enterprises（企业信息）",
        "leases（办公租赁）",
        "data_lines（数据专线）",
        "sales（年销售额）",
        "loans（贷款）",
        "备忘",
    ]
    assert "租用面积（area_m2） │ 错误" in zh_text


# --- fatal errors ---------------------------------------------------------------------------------------------------


def xls_file(folder: Path) -> Path:
    path = folder / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    return path


def zip_file(folder: Path) -> Path:
    path = folder / "archive.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return path


def no_enterprises(folder: Path) -> Path:
    return write_xlsx(folder / "no-enterprises.xlsx", {"leases": [["credit_code"]], "说明": [["x"]]})


def twice(folder: Path) -> Path:
    return write_xlsx(folder / "twice.xlsx", {"enterprises": [["credit_code"]], "企业信息": [["credit_code"]]})


def no_name_column(folder: Path) -> Path:
    return write_xlsx(folder / "no-name.xlsx", {"企业信息": [["统一社会信用代码", "电子商务法人企业"], [A, "是"]]})


def empty_enterprises(folder: Path) -> Path:
    return write_xlsx(folder / "empty.xlsx", {"enterprises": [[]]})


def csv_file(folder: Path) -> Path:
    path = folder / "data.xlsx"
    path.write_text("credit_code,name\n", encoding="utf-8")
    return path


def empty_file(folder: Path) -> Path:
    path = folder / "zero.xlsx"
    path.write_bytes(b"")
    return path


FATAL_WORKBOOKS = [
    pytest.param(lambda folder: folder / "none.xlsx", "找不到文件", "file not found", id="missing"),
    pytest.param(
        lambda folder: folder,
        "这是文件夹，不是工作簿（.xlsx/.xls/.xlsb/.ods）",
        "is a directory, not a workbook (.xlsx/.xls/.xlsb/.ods)",
        id="folder",
    ),
    pytest.param(
        empty_file,
        "文件是空的（0 字节），不是工作簿（.xlsx/.xls/.xlsb/.ods）",
        "file is empty (0 bytes), not a workbook (.xlsx/.xls/.xlsb/.ods)",
        id="empty",
    ),
    pytest.param(
        csv_file,
        "不是工作簿（.xlsx/.xls/.xlsb/.ods）：是 CSV 之类的文本文件",
        "is not a workbook (.xlsx/.xls/.xlsb/.ods): it is a text file such as CSV",
        id="csv",
    ),
    pytest.param(
        xls_file,  # an OLE2 header and nothing else, under an .xlsx name: opened by its content
        "无法作为 .xls 工作簿读取：Cannot detect file format",
        "cannot be read as an .xls workbook: Cannot detect file format",
        id="xls",
    ),
    pytest.param(
        zip_file,
        "这是 zip 压缩包，不是工作簿（.xlsx/.xls/.xlsb/.ods）",
        "is a zip archive but not a workbook (.xlsx/.xls/.xlsb/.ods)",
        id="zip",
    ),
    pytest.param(
        no_enterprises,
        "没有企业信息（enterprises）工作表；现有工作表：“leases”、“说明”",
        "no enterprises (企业信息) sheet; sheets found: 'leases', '说明'",
        id="no-enterprises-sheet",
    ),
    pytest.param(
        twice,
        "工作表“enterprises”和“企业信息”都是企业信息（enterprises）工作表：只保留一个",
        "sheets 'enterprises' and '企业信息' are both the enterprises (企业信息) sheet; keep only one",
        id="sheet-twice",
    ),
    pytest.param(
        no_name_column,
        "工作表“企业信息”缺少必填列企业名称（name）；其表头行是第1行",
        "sheet '企业信息' is missing required column name (企业名称); its header row is row 1",
        id="missing-column",
    ),
    pytest.param(
        empty_enterprises,
        "工作表“enterprises”是空的（没有表头行）",
        "sheet 'enterprises' is empty (no header row)",
        id="empty-sheet",
    ),
]


@pytest.mark.parametrize(("make", "zh", "en"), FATAL_WORKBOOKS)
@pytest.mark.parametrize("command", ["run", "check"])
def test_an_unreadable_workbook_is_one_line_in_either_language(
    tmp_path: Path, make: object, zh: str, en: str, command: str
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    args = [command, path] + (["--year", "2016", "--no-ledger"] if command == "run" else [])
    assert invoke(*args) == (2, "", f"错误：{path}：{zh}\n")
    assert invoke(*args, "--lang", "zh") == (2, "", f"错误：{path}：{zh}\n")
    assert invoke(*args, "--lang", "en") == (2, "", f"error: {path}: {en}\n")


def clean(path: Path) -> Path:
    return write_xlsx(path, {"enterprises": [["credit_code", "name", "ecommerce_entity"], [A, "甲", "是"]]})


def test_output_errors_in_chinese(tmp_path: Path) -> None:
    workbook = clean(tmp_path / "in.xlsx")
    out = tmp_path / "p.xlsx"
    out.write_bytes(b"old")
    run = ["run", workbook, "--year", "2016", "--no-ledger"]
    assert invoke(*run, "--out", out) == (2, "", f"错误：{out} 已存在：如要替换，请加 --force\n")
    assert invoke(*run, "--out", out, "--lang", "en") == (2, "", f"error: {out} exists: use --force to replace it\n")
    nowhere = tmp_path / "no" / "p.xlsx"
    assert invoke(*run, "--json", nowhere) == (2, "", f"错误：无法写入 {nowhere}：文件夹 {nowhere.parent} 不存在\n")
    assert invoke(*run, "--out", tmp_path) == (2, "", f"错误：{tmp_path} 是文件夹：请给出文件名\n")
    assert invoke(*run, "--out", workbook, "--force") == (
        2,
        "",
        f"错误：{workbook} 是本命令的输入文件：请另取一个文件名\n",
    )
    same = tmp_path / "same"
    assert invoke(*run, "--out", same, "--json", same) == (
        2,
        "",
        f"错误：{same} 被同时用作两个输出：请分别给出文件\n",
    )
    assert invoke("template", out) == (2, "", f"错误：{out} 已存在：如要替换，请加 --force\n")


def test_year_errors_in_chinese(tmp_path: Path) -> None:
    workbook = clean(tmp_path / "in.xlsx")
    code, _, err = invoke("run", workbook, "--year", "2014", "--no-ledger")
    assert code == 2
    assert err.startswith("错误：2014年早于规则文件 ") and err.endswith(" 中的政策起始日 2015-01-01\n")
    assert invoke("run", workbook, "--year", "9999", "--no-ledger") == (2, "", "错误：年度 9999 超出范围\n")
    assert invoke("run", workbook, "--year", "9999", "--no-ledger", "--lang", "en") == (
        2,
        "",
        "error: year 9999 is out of range\n",
    )
    code, _, err = invoke("explain", A, workbook, "--year", "2014", "--no-ledger")
    assert code == 2 and err.startswith("错误：2014年早于规则文件 ")


def test_a_missing_ledger_keeps_its_own_text_with_the_chinese_prefix(tmp_path: Path) -> None:
    """The ledger's messages are translated by the ledger's owner: the run passes them on as they are."""
    workbook = clean(tmp_path / "in.xlsx")
    ledger = tmp_path / "none.sqlite"
    code, _, err = invoke("run", workbook, "--year", "2016", "--ledger", ledger)
    assert code == 2 and err.startswith("错误：") and len(err.splitlines()) == 1


def test_duties_unknown_unit_in_chinese() -> None:
    code, out, err = invoke("duties", "--unit", "区卫生局")
    assert (code, out) == (2, "")
    assert err.startswith("错误：通知中没有名为“区卫生局”的单位；各单位为：") and len(err.splitlines()) == 1
    code, _, err = invoke("duties", "--unit", "区")
    assert code == 2 and err.startswith("错误：单位“区”对应多个单位：")


def test_the_language_of_errors_met_outside_a_command() -> None:
    assert _argv_lang(["run", "x.xlsx", "--year", "2016"]) == "zh"
    assert _argv_lang(["run", "x.xlsx", "--lang", "en"]) == "en"
    assert _argv_lang(["check", "--lang=en", "x.xlsx"]) == "en"
    assert _argv_lang(["check", "--lang=zh", "x.xlsx"]) == "zh"
    assert _argv_lang(["ledger", "record", "p.xlsx"]) == "zh"  # every command speaks Chinese by default


def test_run_says_where_it_wrote_in_its_language(tmp_path: Path) -> None:
    workbook = clean(tmp_path / "in.xlsx")
    zh, en = tmp_path / "zh.xlsx", tmp_path / "en.xlsx"
    code, stdout, _ = invoke("run", workbook, "--year", "2016", "--no-ledger", "--out", zh)
    assert code == 0 and stdout.splitlines()[-1] == f"已写出付款工作簿 {zh}"
    code, stdout, _ = invoke("run", workbook, "--year", "2016", "--no-ledger", "--out", en, "--lang", "en")
    assert code == 0 and stdout.splitlines()[-1] == f"payout workbook: {en}"


# --- the reason of a blocked line ---------------------------------------------------------------------------


def test_a_blocked_reason_names_the_cells_in_the_language_asked(tmp_path: Path) -> None:
    path = write_batch(tmp_path / "area.xlsx", with_x(leases={"area_m2": -100}))
    reasons = {lang: run_json(path, lang=lang).lines(X)["rent"]["reason"] for lang in ("zh", "en")}
    assert reasons == {
        "zh": "输入有误，无法计算：办公租赁 第5行 租用面积（area_m2）",
        "en": "input errors prevent the computation: leases row 5 area_m2",
    }


def test_a_blocked_reason_names_five_cells_and_counts_the_others(tmp_path: Path) -> None:
    sheets = with_x(leases={"area_m2": -100})
    sheets["leases"].extend(x_record("leases", area_m2=-100) for _ in range(6))
    path = write_batch(tmp_path / "areas.xlsx", sheets)
    reasons = {lang: run_json(path, lang=lang).lines(X)["rent"]["reason"] for lang in ("zh", "en")}
    assert reasons == {
        "zh": "输入有误，无法计算："
        + "，".join(f"办公租赁 第{row}行 租用面积（area_m2）" for row in range(5, 10))
        + "（另有2处）",
        "en": "input errors prevent the computation: "
        + ", ".join(f"leases row {row} area_m2" for row in range(5, 10))
        + " (+2)",
    }
