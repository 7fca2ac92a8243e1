"""A blank input workbook for clerks (SPEC §3): ``tongnan-calc template``.

Every sheet and column of ``workbook_in.SHEETS`` with headers in one language
(zh: the Chinese sheet names and headers; en: the English keys), data
validation on every column that has a fixed form (drop-downs for yes/no and
the choice columns, date, number and whole-year checks, 18 characters for a
credit code), column widths and number formats (credit codes and loan ids are
text, so Excel keeps every character), a frozen header row, one fictional
example row per sheet (credit code ``EXAMPLE_CODE``, which the reader refuses: an
example row left in the workbook is an error, never paid) and an instructions sheet (说明 / instructions) that
explains each column and names the measures that need it.

The workbook is written to a temporary name beside the target and renamed
into place.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tongnan_calc.core.model import DATA_LINES, ENTERPRISES, LEASES, LOANS, MEASURE_CLAUSES, SALES
from tongnan_calc.core.say import Lang
from tongnan_calc.files.outputs import save_atomic
from tongnan_calc.input import cells
from tongnan_calc.input.reader import CREDIT_CODE, SHEETS, Column, SheetSpec
from tongnan_calc.input.reader import EXAMPLE_CODE as READER_EXAMPLE_CODE
from tongnan_calc.text.messages import MEASURE_NAMES

INSTRUCTIONS: Final = {"zh": "说明", "en": "instructions"}
"""The name of the instructions sheet in each language (not a data sheet)."""


EXAMPLE_CODE: Final = READER_EXAMPLE_CODE
"""The fictional credit code of the example rows (a valid GB 32100-2015 code that the reader refuses)."""

HEADER_ROW: Final = 1
EXAMPLE_ROW: Final = 2
LAST_ROW: Final = 1048576  # validations and formats cover the whole column

TEXT_FORMAT: Final = "@"
DATE_FORMAT: Final = "yyyy-mm-dd"
MONEY_FORMAT: Final = "#,##0.00"
YEAR_FORMAT: Final = "0"

HEADER_FONT: Final = Font(bold=True)
HEADER_FILL: Final = PatternFill("solid", fgColor="DDEBF7")
TITLE_FONT: Final = Font(bold=True, size=14)
WRAP: Final = Alignment(wrap_text=True, vertical="top")


def _lang_text(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "zh" else pair[1]


# --- kinds of column -----------------------------------------------------------------

YES_NO: Final = {"zh": ("是", "否"), "en": ("yes", "no")}


@dataclass(frozen=True)
class Kind:
    """How a kind of column is filled in: width, format, forms, validation."""

    name: str
    width: int
    number_format: str | None
    forms: tuple[str, str]  # accepted forms (zh, en)


def _choice_forms(choices: Mapping[str, str], none_zh: str) -> tuple[str, str]:
    names, keys = "、".join(choices.values()), ", ".join(choices)
    return (
        f"从下拉列表选择：{names}；{none_zh}则留空（也接受英文键 {keys}）",
        f"choose from the list: {keys}; blank when none (also the Chinese names {names})",
    )


KINDS: Final[dict[str, Kind]] = {
    "credit_code": Kind(
        "credit_code",
        22,
        TEXT_FORMAT,
        (
            "18位统一社会信用代码（数字及大写字母，不含 I、O、Z、S、V），按文本填写；小写字母和空格会自动更正",
            "the 18-character unified social credit code (digits and capital letters except I, O, Z, S, V), "
            "entered as text; lower case and spaces are corrected",
        ),
    ),
    "text": Kind("text", 20, None, ("文字", "text")),
    "id": Kind("id", 18, TEXT_FORMAT, ("文字（按文本填写，保留前导零）", "text (entered as text, leading zeros kept)")),
    "yes_no": Kind(
        "yes_no",
        10,
        None,
        (
            "是 / 否（也接受 Y/N、yes/no、true/false、1/0）；可选列留空视为“否”",
            "yes / no (also 是/否, Y/N, true/false, 1/0); an optional column left blank means no",
        ),
    ),
    "date": Kind(
        "date",
        13,
        DATE_FORMAT,
        (
            "日期：日期单元格，或文本 2015-03-01、2015/3/1、2015.3.1、2015年3月1日",
            "a date: a date cell, or text 2015-03-01, 2015/3/1, 2015.3.1, 2015年3月1日",
        ),
    ),
    "amount": Kind(
        "amount",
        16,
        MONEY_FORMAT,
        (
            "金额（元），0 或正数：数字，或文本 1,234.50、¥1,234.50",
            "an amount in yuan, 0 or more: a number, or text 1,234.50, ¥1,234.50",
        ),
    ),
    "positive": Kind(
        "positive",
        12,
        MONEY_FORMAT,
        ("大于 0 的数（平方米）：数字，或文本 1,200.5", "a number greater than 0 (m²): a number, or text 1,200.5"),
    ),
    "year": Kind(
        "year",
        8,
        YEAR_FORMAT,
        (
            f"四位年份 {cells.YEAR_MIN}–{cells.YEAR_MAX}，如 2016（也接受文本 2016年）",
            f"a year {cells.YEAR_MIN}–{cells.YEAR_MAX} such as 2016 (also text 2016年)",
        ),
    ),
    "hq_type": Kind("hq_type", 20, None, _choice_forms(cells.HQ_TYPES, "不属于以上类型")),
    "demo_level": Kind("demo_level", 14, None, _choice_forms(cells.DEMO_LEVELS, "不是示范企业")),
}

_KIND_OF_CONVERTER: Final[dict[Callable[..., object], str]] = {
    cells.to_text: "text",
    cells.to_yes_no: "yes_no",
    cells.to_date: "date",
    cells.to_amount: "amount",
    cells.to_positive: "positive",
    cells.to_year: "year",
    cells.to_hq_type: "hq_type",
    cells.to_demo_level: "demo_level",
}
_WIDER: Final[dict[str, int]] = {"name": 36, "building": 24}


def kind_of(column: Column) -> Kind:
    """The kind of a column of ``SHEETS``."""
    if column.key == CREDIT_CODE.key:
        return KINDS["credit_code"]
    if column.key in ("loan_id", "bank_account"):
        return KINDS["id"]  # text as written, never a number
    return KINDS[_KIND_OF_CONVERTER[column.convert]]


# --- what each column means and which measure needs it (SPEC §3, §4) ------------------------

ALL: Final = tuple(MEASURE_CLAUSES)
COMMON: Final = ("rent", "spin_off", "data_line", "sales_milestone")

# (sheet key, column key) -> ((meaning zh, meaning en), measures that need the column)
MEANINGS: Final[dict[tuple[str, str], tuple[tuple[str, str], tuple[str, ...]]]] = {
    (ENTERPRISES, "credit_code"): (
        (
            "企业的统一社会信用代码，每家企业一行，各表据此关联",
            "the enterprise's credit code: one row per enterprise; joins all sheets",
        ),
        ALL,
    ),
    (ENTERPRISES, "name"): (("企业名称", "the enterprise's name"), ALL),
    (ENTERPRISES, "ecommerce_entity"): (
        ("是否为电子商务法人企业（七）", "whether it is an e-commerce legal entity (七)"),
        COMMON,
    ),
    (ENTERPRISES, "settled_on"): (
        (
            "新落户本区的日期；不是新落户企业则留空（二）",
            "the date it newly settled in the district; blank if it did not (二)",
        ),
        ("rent",),
    ),
    (ENTERPRISES, "micro_support"): (
        (
            "是否享受微企扶持；享受的不再享受租金、分离设立、数据专线、销售额奖励（七）",
            "whether it enjoys micro-enterprise support, which excludes rent, spin-off, data-line "
            "and sales rewards (七)",
        ),
        COMMON,
    ),
    (ENTERPRISES, "hq_type"): (
        ("机构类型（一）", "the kind of headquarters or centre it is (一)"),
        ("key_support",),
    ),
    (ENTERPRISES, "renowned"): (
        (
            "是否为国内外知名电子商务企业（一）",
            "whether it is a well-known domestic or foreign e-commerce enterprise (一)",
        ),
        ("key_support",),
    ),
    (ENTERPRISES, "city_key"): (
        ("是否为市重点培育企业（一）", "whether the city cultivates it as a key enterprise (一)"),
        ("key_support",),
    ),
    (ENTERPRISES, "demo_level"): (
        ("示范企业级别（六）", "its demonstration-enterprise level (六)"),
        ("demo_priority", "loan_interest"),
    ),
    (ENTERPRISES, "spun_off"): (
        (
            "是否由本地特色传统企业分离设立（三）",
            "whether it was set up by splitting off from a local characteristic traditional enterprise (三)",
        ),
        ("spin_off",),
    ),
    (ENTERPRISES, "operating_since"): (
        ("分离设立的企业开始运营的日期（三）", "the date the split-off entity started operating (三)"),
        ("spin_off",),
    ),
    (ENTERPRISES, "bank_name"): (
        ("收款开户银行（带入发放表，不参与计算）", "the payee's bank (carried to the payout workbook)"),
        (),
    ),
    (ENTERPRISES, "bank_account"): (
        (
            "收款银行账号：请以文本填写（设单元格为文本），不参与计算",
            "the payee's account: type it as text (a text cell); not used in the computation",
        ),
        (),
    ),
    (LEASES, "credit_code"): (
        ("承租企业的统一社会信用代码（须在企业信息表中）", "the tenant's credit code (must be in enterprises)"),
        ("rent",),
    ),
    (LEASES, "building"): (("楼宇名称（仅供查阅，不参与计算）", "the building's name (for reference only)"), ()),
    (LEASES, "planned_building"): (
        (
            "是否为规划商务楼宇；只有规划商务楼宇的租金计入",
            "whether it is a planned business building; only those count",
        ),
        ("rent",),
    ),
    (LEASES, "area_m2"): (
        (
            "租用面积（平方米）；补助面积有上限（规则文件现定 2000 平方米）",
            "the area rented in m²; the area subsidised is capped (2,000 m² in the shipped rules)",
        ),
        ("rent",),
    ),
    (LEASES, "period_start"): (
        ("本次实付租金对应租期的第一天", "the first day of the period the rent was paid for"),
        ("rent",),
    ),
    (LEASES, "period_end"): (
        (
            "本次实付租金对应租期的最后一天（含当天，不早于租期起）",
            "the last day of that period (inclusive, not before the start)",
        ),
        ("rent",),
    ),
    (LEASES, "rent_paid"): (
        (
            "该租期实际支付的租金（元），按天平均分摊",
            "the rent actually paid for that period in yuan, spread evenly over its days",
        ),
        ("rent",),
    ),
    (DATA_LINES, "credit_code"): (
        ("企业的统一社会信用代码（须在企业信息表中）", "the enterprise's credit code (must be in enterprises)"),
        ("data_line",),
    ),
    (DATA_LINES, "year"): (("租赁费所属年度", "the year the fee was paid for"), ("data_line",)),
    (DATA_LINES, "fee_paid"): (
        (
            "实际支付的数据专线租赁费（元）；同一年度多行相加",
            "the data-line lease fee actually paid in yuan; rows of one year are added",
        ),
        ("data_line",),
    ),
    (SALES, "credit_code"): (
        ("企业的统一社会信用代码（须在企业信息表中）", "the enterprise's credit code (must be in enterprises)"),
        ("sales_milestone",),
    ),
    (SALES, "year"): (
        (
            "销售额所属年度；请填写已知的全部往年，每年一行",
            "the year of the sales; give every past year known, one row per year",
        ),
        ("sales_milestone",),
    ),
    (SALES, "sales"): (("该年度的年销售额（元）", "the annual sales of that year in yuan"), ("sales_milestone",)),
    (LOANS, "credit_code"): (
        ("借款企业的统一社会信用代码（须在企业信息表中）", "the borrower's credit code (must be in enterprises)"),
        ("loan_interest",),
    ),
    (LOANS, "loan_id"): (
        ("贷款合同编号，每笔贷款一行", "the loan's contract number: one row per loan"),
        ("loan_interest",),
    ),
    (LOANS, "key_project"): (
        (
            "是否为重点建设项目贷款；只有重点建设项目贷款贴息",
            "whether it is a key construction project loan; only those count",
        ),
        ("loan_interest",),
    ),
    (LOANS, "principal"): (("贷款本金（元）", "the principal in yuan"), ("loan_interest",)),
    (LOANS, "drawdown_date"): (
        ("放款日期；按当日基准利率计算贴息", "the drawdown date; the benchmark rate in force that day applies"),
        ("loan_interest",),
    ),
    (LOANS, "maturity_date"): (
        (
            "到期日期（晚于放款日期；到期当天不计息）",
            "the maturity date (after the drawdown date; that day bears no interest)",
        ),
        ("loan_interest",),
    ),
    (LOANS, "interest_paid"): (
        (
            "计算年度内该笔贷款实际支付的利息（元）；填写后贴息不超过此数",
            "the interest actually paid on this loan in the calculation year, in yuan; "
            "when given, the subsidy is not more than this",
        ),
        ("loan_interest",),
    ),
}

# --- the fictional example row of each sheet -----------------------------------------------

EXAMPLE_ROWS: Final[dict[str, dict[str, tuple[object, object]]]] = {
    # column key -> (zh value, en value)
    ENTERPRISES: {
        "credit_code": (EXAMPLE_CODE, EXAMPLE_CODE),
        "name": (
            "示例电子商务有限公司（虚构示例，请删除本行）",
            "Example E-commerce Co., Ltd. (fictional: delete this row)",
        ),
        "ecommerce_entity": ("是", "yes"),
        "settled_on": (date(2016, 3, 1), date(2016, 3, 1)),
        "micro_support": ("否", "no"),
        "hq_type": ("结算中心", "settlement_center"),
        "renowned": ("否", "no"),
        "city_key": ("否", "no"),
        "demo_level": ("市级", "municipal"),
        "spun_off": ("否", "no"),
        "operating_since": (date(2016, 3, 1), date(2016, 3, 1)),
        "bank_name": ("示例银行潼南支行", "Example Bank, Tongnan branch"),
        "bank_account": ("6222 0000 0000 0000 000", "6222 0000 0000 0000 000"),
    },
    LEASES: {
        "credit_code": (EXAMPLE_CODE, EXAMPLE_CODE),
        "building": ("示例大厦A栋", "Example Tower A"),
        "planned_building": ("是", "yes"),
        "area_m2": (500, 500),
        "period_start": (date(2016, 3, 1), date(2016, 3, 1)),
        "period_end": (date(2017, 2, 28), date(2017, 2, 28)),
        "rent_paid": (120000, 120000),
    },
    DATA_LINES: {
        "credit_code": (EXAMPLE_CODE, EXAMPLE_CODE),
        "year": (2016, 2016),
        "fee_paid": (30000, 30000),
    },
    SALES: {
        "credit_code": (EXAMPLE_CODE, EXAMPLE_CODE),
        "year": (2016, 2016),
        "sales": (62500000, 62500000),
    },
    LOANS: {
        "credit_code": (EXAMPLE_CODE, EXAMPLE_CODE),
        "loan_id": ("示例-2016-001", "EXAMPLE-2016-001"),
        "key_project": ("是", "yes"),
        "principal": (1000000, 1000000),
        "drawdown_date": (date(2016, 3, 1), date(2016, 3, 1)),
        "maturity_date": (date(2017, 3, 1), date(2017, 3, 1)),
        "interest_paid": (43500, 43500),
    },
}

EXAMPLE_NOTE: Final = (
    "第2行为虚构的示例行，填表时请覆盖或删除（留在表中的示例行会被检查报错，不参与计算）。",
    "Row 2 is a fictional example: overwrite or delete it (an example row left in the workbook is an error "
    "and is not computed).",
)

# --- the words of the instructions sheet ------------------------------------------------------

TITLE: Final = (
    "潼南区电子商务政策兑付计算 — 输入表填写说明",
    "Tongnan District e-commerce policy calculator — how to fill in this workbook",
)
NOTES: Final[tuple[tuple[str, str], ...]] = (
    (
        "每个工作表的第1行为表头：请勿修改表头文字（中文表头或英文键均可）；列的顺序可以调整，多余的列会被忽略。",
        "Row 1 of each sheet is the header: keep its words (the Chinese headers or the English keys both work); "
        "columns may be in any order and extra columns are ignored.",
    ),
    EXAMPLE_NOTE,
    (
        "只有“企业信息”表必须有；没有某类记录时，相应工作表留空或删除即可。",
        "Only the enterprises sheet is required; a sheet with no records may be left empty or deleted.",
    ),
    (
        "各表通过统一社会信用代码关联到“企业信息”表中的企业；"
        "代码列已设为文本格式，请勿改为数字格式（否则 Excel 会丢失位数）。",
        "Every sheet is joined to the enterprises sheet by the credit code; the code columns are formatted as "
        "text: keep them so (as a number, Excel loses digits).",
    ),
    (
        "下拉列表和数据验证帮助避免录入错误；粘贴的内容不受验证，请用检查命令核对。",
        "Drop-down lists and data validation catch typing mistakes; pasted cells are not validated, so run the check.",
    ),
    (
        "填好后先运行 tongnan-calc check 工作簿.xlsx 检查（加 --annotate 标注.xlsx 可在副本中标出有问题的单元格），"
        "再运行 tongnan-calc run 工作簿.xlsx --year 年度 计算。",
        "When done, run tongnan-calc check WORKBOOK.xlsx (add --annotate MARKED.xlsx for a copy with the bad cells "
        "marked), then tongnan-calc run WORKBOOK.xlsx --year YEAR.",
    ),
    ("本“说明”工作表不参与计算。", "This instructions sheet is not read as data."),
)
TABLE_HEADERS: Final[tuple[tuple[str, str, int], ...]] = (
    # zh, en, width
    ("工作表", "sheet", 14),
    ("表头", "column", 22),
    ("英文键 / 中文表头", "Chinese header", 22),
    ("必填", "required", 8),
    ("含义", "meaning", 48),
    ("可填写的形式", "accepted forms", 56),
    ("用于哪些措施", "needed by", 36),
)
REQUIRED_WORDS: Final = {True: ("必填", "yes"), False: ("选填", "no")}
SHEET_REQUIRED: Final = (
    "（必须有的工作表）",
    " (required sheet)",
)
NOT_USED: Final = ("不参与计算", "none (reference only)")


def measures_text(measures: tuple[str, ...], lang: Lang) -> str:
    """'rent 租金补助 二（二）' for each measure; ``NOT_USED`` when none."""
    if not measures:
        return _lang_text(NOT_USED, lang)
    if lang == "zh":
        return "；".join(f"{MEASURE_NAMES[m][0]} {m} {MEASURE_CLAUSES[m]}" for m in measures)
    return "; ".join(f"{m} {MEASURE_CLAUSES[m]}" for m in measures)


def header_text(spec_or_column: SheetSpec | Column, lang: Lang) -> str:
    """The sheet name or column header the template uses in ``lang``."""
    return spec_or_column.header if lang == "zh" else spec_or_column.key


# --- validations --------------------------------------------------------------------------------


def _list_formula(values: tuple[str, ...]) -> str:
    return '"' + ",".join(values) + '"'


def _choices(kind: str, lang: Lang) -> tuple[str, ...]:
    if kind == "yes_no":
        return YES_NO[lang]
    table = cells.HQ_TYPES if kind == "hq_type" else cells.DEMO_LEVELS
    return tuple(table.values()) if lang == "zh" else tuple(table)


ERROR_TITLE: Final = ("输入有误", "Not accepted")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def validation(column: Column, lang: Lang) -> DataValidation | None:
    """The data validation for a column (``None`` for free text)."""
    kind = kind_of(column).name
    rule: dict[str, object]
    if kind in ("yes_no", "hq_type", "demo_level"):
        rule = {"type": "list", "formula1": _list_formula(_choices(kind, lang))}
    elif kind == "date":
        rule = {
            "type": "date",
            "operator": "between",
            "formula1": f"DATE({cells.YEAR_MIN},1,1)",
            "formula2": f"DATE({cells.YEAR_MAX},12,31)",
        }
    elif kind == "amount":
        rule = {"type": "decimal", "operator": "greaterThanOrEqual", "formula1": "0"}
    elif kind == "positive":
        rule = {"type": "decimal", "operator": "greaterThan", "formula1": "0"}
    elif kind == "year":
        rule = {
            "type": "whole",
            "operator": "between",
            "formula1": str(cells.YEAR_MIN),
            "formula2": str(cells.YEAR_MAX),
        }
    elif kind == "credit_code":
        rule = {"type": "textLength", "operator": "equal", "formula1": "18"}
    else:
        return None
    forms = _lang_text(kind_of(column).forms, lang)
    return DataValidation(
        **rule,
        allow_blank=not column.required,
        showErrorMessage=True,
        showInputMessage=True,
        errorStyle="stop",
        errorTitle=_lang_text(ERROR_TITLE, lang),
        error=_clip(forms, 255),
        promptTitle=_clip(header_text(column, lang), 32),
        prompt=_clip(forms, 255),
    )


# --- writing ------------------------------------------------------------------------------------


def display_width(text: str) -> int:
    """Columns a text takes on screen: East Asian wide characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _header_cell(sheet: Worksheet, row: int, column: int, text: str) -> None:
    cell = sheet.cell(row=row, column=column, value=text)
    cell.data_type = "s"  # never a formula
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL


def _data_sheet(book: Workbook, spec: SheetSpec, lang: Lang) -> None:
    sheet = book.create_sheet(header_text(spec, lang))
    example = EXAMPLE_ROWS[spec.key]
    for position, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(position)
        kind = kind_of(column)
        header = header_text(column, lang)
        _header_cell(sheet, HEADER_ROW, position, header)
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(_WIDER.get(column.key, kind.width), display_width(header) + 3)
        if kind.number_format is not None:
            dimension.number_format = kind.number_format
        value = example[column.key][0 if lang == "zh" else 1]
        cell = sheet.cell(row=EXAMPLE_ROW, column=position, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        if kind.number_format is not None:
            cell.number_format = kind.number_format
        rule = validation(column, lang)
        if rule is not None:
            rule.add(f"{letter}{HEADER_ROW + 1}:{letter}{LAST_ROW}")
            sheet.add_data_validation(rule)
    note = Comment(_lang_text(EXAMPLE_NOTE, lang), "tongnan-calc")
    sheet.cell(row=EXAMPLE_ROW, column=1).comment = note
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"


def instruction_rows(lang: Lang) -> list[tuple[str, ...]]:
    """The rows of the column table on the instructions sheet (without its header)."""
    rows: list[tuple[str, ...]] = []
    for spec in SHEETS:
        sheet = header_text(spec, lang)
        if spec.key == ENTERPRISES:
            sheet += _lang_text(SHEET_REQUIRED, lang)
        for column in spec.columns:
            meaning, measures = MEANINGS[(spec.key, column.key)]
            other = column.key if lang == "zh" else column.header
            rows.append(
                (
                    sheet,
                    header_text(column, lang),
                    other,
                    _lang_text(REQUIRED_WORDS[column.required], lang),
                    _lang_text(meaning, lang),
                    _lang_text(kind_of(column).forms, lang),
                    measures_text(measures, lang),
                )
            )
    return rows


def _instructions_sheet(book: Workbook, lang: Lang) -> None:
    sheet = book.create_sheet(INSTRUCTIONS[lang])
    title = sheet.cell(row=1, column=1, value=_lang_text(TITLE, lang))
    title.font = TITLE_FONT
    row = 2
    for number, note in enumerate(NOTES, start=1):
        sheet.cell(row=row, column=1, value=f"{number}. {_lang_text(note, lang)}").data_type = "s"
        row += 1
    row += 1
    for position, (zh, en, width) in enumerate(TABLE_HEADERS, start=1):
        _header_cell(sheet, row, position, zh if lang == "zh" else en)
        sheet.column_dimensions[get_column_letter(position)].width = width
    for values in instruction_rows(lang):
        row += 1
        for position, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=position, value=value)
            cell.data_type = "s"
            cell.alignment = WRAP


def build_template(lang: Lang) -> Workbook:
    """The template as an openpyxl workbook (the instructions sheet first: it opens there)."""
    book = Workbook()
    book.remove(book.active)
    _instructions_sheet(book, lang)
    for spec in SHEETS:
        _data_sheet(book, spec, lang)
    book.properties.creator = "tongnan-calc"
    book.properties.title = _lang_text(TITLE, lang)
    return book


def write_template(out: Path, lang: Lang) -> None:
    """Write the blank input workbook in ``lang`` atomically to ``out``."""
    book = build_template(lang)
    save_atomic(out, book.save)


def template_sheet_names(lang: Lang) -> Mapping[str, str]:
    """Sheet key -> the name the template gives it in ``lang``."""
    return {spec.key: header_text(spec, lang) for spec in SHEETS}
