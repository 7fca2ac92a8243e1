"""`tongnan-calc template`: a blank input workbook with every sheet and column of SPEC §3.

The template is read back with openpyxl (sheets, headers, validations, frozen
panes, widths, text formats, the instructions sheet) and with the reader; then
it is filled in with the records of ``examples/example.xlsx`` and must check
clean and compute exactly what the example computes.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from tongnan_calc.clerk.template import EXAMPLE_CODE, display_width, write_template
from tongnan_calc.cli.app import app
from tongnan_calc.core.model import Batch, Records
from tongnan_calc.core.say import Lang
from tongnan_calc.input import uscc
from tongnan_calc.input.reader import SHEETS, read_workbook
from tongnan_calc.shell.run import run

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "example.xlsx"

SHEET_NAMES = {
    "zh": ["说明", "企业信息", "办公租赁", "数据专线", "年销售额", "贷款"],
    "en": ["instructions", "enterprises", "leases", "data_lines", "sales", "loans"],
}
HEADERS = {
    "zh": {
        "企业信息": [
            "统一社会信用代码",
            "企业名称",
            "电子商务法人企业",
            "落户日期",
            "享受微企扶持",
            "机构类型",
            "国内外知名企业",
            "市重点培育",
            "示范企业级别",
            "特色传统企业分离设立",
            "开始运营日期",
            "开户银行",
            "银行账号",
        ],
        "办公租赁": ["统一社会信用代码", "楼宇名称", "规划商务楼宇", "租用面积", "租期起", "租期止", "实付租金"],
        "数据专线": ["统一社会信用代码", "年度", "实付租赁费"],
        "年销售额": ["统一社会信用代码", "年度", "年销售额"],
        "贷款": ["统一社会信用代码", "贷款编号", "重点建设项目", "贷款本金", "放款日期", "到期日期", "当年实付利息"],
    },
    "en": {
        "enterprises": [
            "credit_code",
            "name",
            "ecommerce_entity",
            "settled_on",
            "micro_support",
            "hq_type",
            "renowned",
            "city_key",
            "demo_level",
            "spun_off",
            "operating_since",
            "bank_name",
            "bank_account",
        ],
        "leases": ["credit_code", "building", "planned_building", "area_m2", "period_start", "period_end", "rent_paid"],
        "data_lines": ["credit_code", "year", "fee_paid"],
        "sales": ["credit_code", "year", "sales"],
        "loans": [
            "credit_code",
            "loan_id",
            "key_project",
            "principal",
            "drawdown_date",
            "maturity_date",
            "interest_paid",
        ],
    },
}

# The validation each kind of column has: (type, operator, formula1, formula2, allow_blank).
CREDIT = ("textLength", "equal", "18", None, False)
DATE_RULE = ("date", "between", "DATE(1900,1,1)", "DATE(2200,12,31)")
AMOUNT = ("decimal", "greaterThanOrEqual", "0", None)
YEAR = ("whole", "between", "1900", "2200", False)


def yes_no(lang: Lang, required: bool) -> tuple[object, ...]:
    return ("list", None, '"是,否"' if lang == "zh" else '"yes,no"', None, not required)


def expected_validations(lang: Lang) -> dict[tuple[str, str], tuple[object, ...] | None]:
    """(sheet key, column key) -> the validation expected on that column."""
    hq = '"全国性总部,西部营运中心,区域性物流配送中心,结算中心"'
    hq_en = '"national_hq,western_ops_center,regional_logistics_center,settlement_center"'
    return {
        ("enterprises", "credit_code"): CREDIT,
        ("enterprises", "name"): None,
        ("enterprises", "ecommerce_entity"): yes_no(lang, True),
        ("enterprises", "settled_on"): (*DATE_RULE, True),
        ("enterprises", "micro_support"): yes_no(lang, False),
        ("enterprises", "hq_type"): ("list", None, hq if lang == "zh" else hq_en, None, True),
        ("enterprises", "renowned"): yes_no(lang, False),
        ("enterprises", "city_key"): yes_no(lang, False),
        ("enterprises", "demo_level"): (
            "list",
            None,
            '"国家级,市级"' if lang == "zh" else '"national,municipal"',
            None,
            True,
        ),
        ("enterprises", "spun_off"): yes_no(lang, False),
        ("enterprises", "operating_since"): (*DATE_RULE, True),
        ("enterprises", "bank_name"): None,
        ("enterprises", "bank_account"): None,
        ("leases", "credit_code"): CREDIT,
        ("leases", "building"): None,
        ("leases", "planned_building"): yes_no(lang, True),
        ("leases", "area_m2"): ("decimal", "greaterThan", "0", None, False),
        ("leases", "period_start"): (*DATE_RULE, False),
        ("leases", "period_end"): (*DATE_RULE, False),
        ("leases", "rent_paid"): (*AMOUNT, False),
        ("data_lines", "credit_code"): CREDIT,
        ("data_lines", "year"): YEAR,
        ("data_lines", "fee_paid"): (*AMOUNT, False),
        ("sales", "credit_code"): CREDIT,
        ("sales", "year"): YEAR,
        ("sales", "sales"): (*AMOUNT, False),
        ("loans", "credit_code"): CREDIT,
        ("loans", "loan_id"): None,
        ("loans", "key_project"): yes_no(lang, True),
        ("loans", "principal"): (*AMOUNT, False),
        ("loans", "drawdown_date"): (*DATE_RULE, False),
        ("loans", "maturity_date"): (*DATE_RULE, False),
        ("loans", "interest_paid"): (*AMOUNT, True),
    }


def invoke(*args: str | Path) -> tuple[int, str, str]:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


@cache
def template(lang: Lang, folder: Path) -> Path:
    out = folder / f"template-{lang}.xlsx"
    write_template(out, lang)
    return out


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("templates")


def data_sheets(lang: Lang) -> list[tuple[str, str]]:
    """(sheet key, sheet name in the template)."""
    return [(spec.key, spec.header if lang == "zh" else spec.key) for spec in SHEETS]


def letter_of(sheet: Any, header: str) -> str:
    for cell in sheet[1]:
        if cell.value == header:
            return str(cell.column_letter)
    raise AssertionError(header)


# --- the blank template ------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sheets_and_headers(lang: Lang, folder: Path) -> None:
    book = openpyxl.load_workbook(template(lang, folder))
    assert book.sheetnames == SHEET_NAMES[lang]
    for name, headers in HEADERS[lang].items():
        sheet = book[name]
        assert [c.value for c in sheet[1]] == headers, name
        assert all(c.font.bold for c in sheet[1])
        assert sheet.freeze_panes == "A2", name
        assert sheet.max_row == 2  # the header and one example row


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_column_widths_fit_the_headers(lang: Lang, folder: Path) -> None:
    book = openpyxl.load_workbook(template(lang, folder))
    for name in HEADERS[lang]:
        sheet = book[name]
        for cell in sheet[1]:
            width = sheet.column_dimensions[cell.column_letter].width
            assert width > display_width(str(cell.value)) + 1, (name, cell.value, width)
        code = "统一社会信用代码" if lang == "zh" else "credit_code"
        assert sheet.column_dimensions[letter_of(sheet, code)].width >= 20  # 18 characters


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_credit_codes_and_loan_ids_are_text_columns(lang: Lang, folder: Path) -> None:
    book = openpyxl.load_workbook(template(lang, folder))
    for _, name in data_sheets(lang):
        sheet = book[name]
        code = letter_of(sheet, "统一社会信用代码" if lang == "zh" else "credit_code")
        assert sheet.column_dimensions[code].number_format == "@", name
        assert sheet[f"{code}2"].number_format == "@"
        assert sheet[f"{code}2"].data_type == "s"
    loans = book[SHEET_NAMES[lang][5]]
    loan_id = letter_of(loans, "贷款编号" if lang == "zh" else "loan_id")
    assert loans.column_dimensions[loan_id].number_format == "@"
    enterprises = book[SHEET_NAMES[lang][1]]
    settled = letter_of(enterprises, "落户日期" if lang == "zh" else "settled_on")
    assert enterprises.column_dimensions[settled].number_format == "yyyy-mm-dd"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_data_validations(lang: Lang, folder: Path) -> None:
    book = openpyxl.load_workbook(template(lang, folder))
    expected = expected_validations(lang)
    for spec in SHEETS:
        sheet = book[spec.header if lang == "zh" else spec.key]
        by_range = {str(v.sqref): v for v in sheet.data_validations.dataValidation}
        assert len(by_range) == len(sheet.data_validations.dataValidation)
        for position, column in enumerate(spec.columns, start=1):
            letter = openpyxl.utils.get_column_letter(position)
            rule = by_range.pop(f"{letter}2:{letter}1048576", None)
            want = expected[spec.key, column.key]
            if want is None:
                assert rule is None, (spec.key, column.key)
                continue
            assert rule is not None, (spec.key, column.key)
            got = (rule.type, rule.operator, rule.formula1, rule.formula2, bool(rule.allow_blank))
            assert got == want, (spec.key, column.key)
            assert rule.showErrorMessage and rule.errorStyle == "stop"
            assert rule.showInputMessage and rule.prompt
            assert not rule.showDropDown  # (True would hide the drop-down arrow)
        assert by_range == {}, spec.key


def test_drop_down_wording() -> None:
    expected = expected_validations("zh")
    assert expected["enterprises", "ecommerce_entity"][2] == '"是,否"'
    assert expected_validations("en")["enterprises", "ecommerce_entity"][2] == '"yes,no"'


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_example_rows_are_fictional_with_a_valid_code(lang: Lang, folder: Path) -> None:
    assert uscc.validate(EXAMPLE_CODE).valid
    assert "EXAMPLE" in EXAMPLE_CODE
    book = openpyxl.load_workbook(template(lang, folder))
    for _, name in data_sheets(lang):
        sheet = book[name]
        assert sheet["A2"].value == EXAMPLE_CODE
        assert sheet["A2"].comment is not None
    name = book[SHEET_NAMES[lang][1]]["B2"].value
    assert ("示例" in name) if lang == "zh" else ("Example" in name)


EXAMPLE_ROW = (
    "the template's example row: delete it before the run",
    "这是模板自带的虚构示例行：计算前请删除本行",
)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_example_rows_of_the_blank_template_are_errors_never_an_enterprise(lang: Lang, folder: Path) -> None:
    """A clerk who forgets to delete them must not pay 示例电子商务有限公司 (87,849.14 yuan in 2016)."""
    batch = read_workbook(template(lang, folder))
    assert batch.records == ()
    assert [(i.sheet, i.row, i.column, i.severity, i.message, i.message_zh) for i in batch.issues] == [
        (spec.key, 2, "credit_code", "error", *EXAMPLE_ROW) for spec in SHEETS
    ]
    assert all(i.value == repr(EXAMPLE_CODE) for i in batch.issues)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_example_rows_read_as_they_are_written_but_for_the_code(lang: Lang, folder: Path, tmp_path: Path) -> None:
    """Every other value of the example rows is a valid one (a clerk copies their forms)."""
    path = template(lang, folder)
    book = openpyxl.load_workbook(path)
    for _, name in data_sheets(lang):
        book[name]["A2"].value = "91500223MA5U7K3L2W"
    copy = tmp_path / "example-rows.xlsx"
    book.save(copy)
    batch = read_workbook(copy)
    assert [r.enterprise.credit_code for r in batch.records] == ["91500223MA5U7K3L2W"]
    records = batch.records[0]
    assert (len(records.leases), len(records.data_lines), len(records.sales), len(records.loans)) == (1, 1, 1, 1)
    assert records.enterprise.hq_type == "settlement_center"
    assert records.enterprise.demo_level == "municipal"
    assert records.leases[0].area_m2 == Decimal(500)
    assert_only_the_instructions_notice(batch, lang)


def assert_only_the_instructions_notice(batch: Batch, lang: Lang) -> None:
    """The reader reads past the instructions sheet silently: no issue at all."""
    assert batch.issues == ()


# --- the instructions sheet -------------------------------------------------------------------


def instruction_table(path: Path, lang: Lang) -> dict[tuple[str, str], tuple[Any, ...]]:
    sheet = openpyxl.load_workbook(path)[SHEET_NAMES[lang][0]]
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows()]
    head = ("工作表", "表头") if lang == "zh" else ("sheet", "column")
    start = next(i for i, row in enumerate(rows) if row[:2] == head)
    return {(str(row[0]), str(row[1])): row for row in rows[start + 1 :]}


def test_instructions_zh_explain_every_column(folder: Path) -> None:
    table = instruction_table(template("zh", folder), "zh")
    assert len(table) == sum(len(spec.columns) for spec in SHEETS)
    for spec in SHEETS:
        sheet = spec.header + ("（必须有的工作表）" if spec.key == "enterprises" else "")
        for column in spec.columns:
            row = table[sheet, column.header]
            assert row[2] == column.key
            assert row[3] == ("必填" if column.required else "选填")
            assert all(row[4:]), row
    assert table["办公租赁", "租用面积"] == (
        "办公租赁",
        "租用面积",
        "area_m2",
        "必填",
        "租用面积（平方米）；补助面积有上限（规则文件现定 2000 平方米）",
        "大于 0 的数（平方米）：数字，或文本 1,200.5",
        "办公用房租金补助 rent 二（二）",
    )
    assert table["企业信息（必须有的工作表）", "示范企业级别"][4:] == (
        "示范企业级别（六）",
        "从下拉列表选择：国家级、市级；不是示范企业则留空（也接受英文键 national, municipal）",
        "示范企业优先支持 demo_priority 二（六）；贷款贴息 loan_interest 二（六）",
    )
    assert table["企业信息（必须有的工作表）", "享受微企扶持"][6] == (
        "办公用房租金补助 rent 二（二）；分离设立一次性奖励 spin_off 二（三）；数据专线补贴 data_line 二（四）；"
        "销售额突破奖励 sales_milestone 二（五）"
    )
    assert table["办公租赁", "楼宇名称"][6] == "不参与计算"


def test_instructions_en_explain_every_column(folder: Path) -> None:
    table = instruction_table(template("en", folder), "en")
    assert len(table) == sum(len(spec.columns) for spec in SHEETS)
    assert table["loans", "interest_paid"] == (
        "loans",
        "interest_paid",
        "当年实付利息",
        "no",
        "the interest actually paid on this loan in the calculation year, in yuan; "
        "when given, the subsidy is not more than this",
        "an amount in yuan, 0 or more: a number, or text 1,234.50, ¥1,234.50",
        "loan_interest 二（六）",
    )
    assert table["enterprises (required sheet)", "ecommerce_entity"][3:5] == (
        "yes",
        "whether it is an e-commerce legal entity (七)",
    )
    assert table["data_lines", "year"][5] == "a year 1900–2200 such as 2016 (also text 2016年)"


# --- the command --------------------------------------------------------------------------------


def test_template_command_writes_and_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "input.xlsx"

    assert invoke("template", out) == (0, f"已写出输入模板 {out}\n", "")
    assert openpyxl.load_workbook(out).sheetnames == SHEET_NAMES["zh"]

    assert invoke("template", "--lang", "en", out) == (2, "", f"error: {out} exists: use --force to replace it\n")
    assert openpyxl.load_workbook(out).sheetnames == SHEET_NAMES["zh"]

    assert invoke("template", "--lang", "en", "--force", out) == (0, f"input template written to {out}\n", "")
    assert openpyxl.load_workbook(out).sheetnames == SHEET_NAMES["en"]


def test_template_command_into_a_missing_folder(tmp_path: Path) -> None:
    out = tmp_path / "nowhere" / "input.xlsx"
    code, stdout, stderr = invoke("template", "--lang", "en", out)
    assert (code, stdout) == (2, "")
    assert stderr == f"error: cannot write {out}: folder {out.parent} does not exist\n"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_check_of_the_blank_template_says_to_delete_the_example_rows(lang: Lang, folder: Path) -> None:
    code, stdout, stderr = invoke("check", template(lang, folder))
    assert (code, stderr) == (1, "")
    assert stdout.count(EXAMPLE_ROW[1]) == 5
    assert "5 个错误，0 个警告，0 个提示" in stdout


def test_run_of_the_blank_template_pays_nobody(folder: Path) -> None:
    result = run(template("zh", folder), 2016)
    assert result.lines == ()
    assert result.batch.has_errors


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_check_of_the_template_without_its_example_rows_has_no_issue(lang: Lang, folder: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(template(lang, folder))
    for _, name in data_sheets(lang):
        book[name].delete_rows(2)
    emptied = tmp_path / "emptied.xlsx"
    book.save(emptied)
    code, stdout, stderr = invoke("check", emptied)
    assert (code, stderr) == (0, "")
    assert stdout.endswith("0 个错误，0 个警告，0 个提示；没有错误，可以运行计算\n")


# --- a template filled in with the example's records --------------------------------------------

YES_NO = {"zh": ("是", "否"), "en": ("yes", "no")}
CHOICES_ZH = {
    "national_hq": "全国性总部",
    "western_ops_center": "西部营运中心",
    "regional_logistics_center": "区域性物流配送中心",
    "settlement_center": "结算中心",
    "national": "国家级",
    "municipal": "市级",
}


def cell_value(value: object, key: str, lang: Lang) -> object:
    """A record field as a clerk would enter it in the template of ``lang``."""
    if isinstance(value, bool):
        return YES_NO[lang][0 if value else 1]
    if key in ("hq_type", "demo_level") and isinstance(value, str):
        return CHOICES_ZH[value] if lang == "zh" else value
    if value == "":
        return None
    return value


def records_of(batch: Batch, key: str) -> list[Any]:
    if key == "enterprises":
        return [r.enterprise for r in batch.records]
    return [record for r in batch.records for record in getattr(r, key)]


def fill(path: Path, out: Path, source: Batch, lang: Lang) -> Path:
    """Write the records of ``source`` into the template, over its example rows."""
    book = openpyxl.load_workbook(path)
    for spec in SHEETS:
        sheet = book[spec.header if lang == "zh" else spec.key]
        by_header = {c.header if lang == "zh" else c.key: c.key for c in spec.columns}
        positions = {by_header[str(c.value)]: c.column for c in sheet[1]}
        for number, record in enumerate(records_of(source, spec.key), start=2):
            for field in dataclasses.fields(record):
                if field.name in positions:
                    value = cell_value(getattr(record, field.name), field.name, lang)
                    sheet.cell(row=number, column=positions[field.name]).value = value  # None clears the example
    book.save(out)
    return out


def comparable(records: Records) -> bool:
    """An enterprise whose records are the same in the filled template: no planted error blocks it."""
    return not records.blocking


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_filled_template_checks_clean_and_computes_like_the_example(lang: Lang, folder: Path, tmp_path: Path) -> None:
    source = read_workbook(EXAMPLE)
    filled = fill(template(lang, folder), tmp_path / f"filled-{lang}.xlsx", source, lang)

    batch = read_workbook(filled)
    assert [r.enterprise for r in batch.records] == [r.enterprise for r in source.records]
    # Only the example's planted warning is left (its errors were not records):
    warnings = [(i.sheet, i.row, i.column, i.severity) for i in batch.issues if i.severity != "notice"]
    assert warnings == [("enterprises", 19, "credit_code", "warning")]
    assert_only_the_instructions_notice(
        dataclasses.replace(batch, issues=tuple(i for i in batch.issues if i.severity == "notice")), lang
    )

    code, stdout, stderr = invoke("check", filled)
    assert (code, stderr) == (0, "")
    assert "0 个错误，1 个警告，" in stdout

    same = {r.enterprise.credit_code for r in source.records if comparable(r)}
    assert len(same) == 19  # all but E17, whose rent the planted negative area blocks

    def lines(path: Path) -> list[tuple[object, ...]]:
        return [
            (x.credit_code, x.measure, x.status, x.amount, x.reason, x.tier)
            for x in run(path, 2016).lines
            if x.credit_code in same
        ]

    expected = lines(EXAMPLE)
    assert len(expected) == 19 * 7
    assert lines(filled) == expected


def test_filled_values_keep_their_types(folder: Path, tmp_path: Path) -> None:
    source = read_workbook(EXAMPLE)
    filled = fill(template("zh", folder), tmp_path / "filled.xlsx", source, "zh")
    sheet = openpyxl.load_workbook(filled)["企业信息"]
    assert sheet["A2"].value == source.records[0].enterprise.credit_code
    assert sheet["C2"].value == "是"
    assert sheet["D2"].value.date() == date(2015, 7, 1)
