"""The kinds of column of the clerks' blank input workbook (``template.py``): how each is filled in
(width, number format, the forms it accepts in Chinese and English) and its data validation (drop-downs
for yes/no and the choice columns, date, number and whole-year checks, 18 characters for a credit code)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from openpyxl.worksheet.datavalidation import DataValidation

from tongnan_calc.clerk.template_words import header_text, lang_text
from tongnan_calc.core.say import Lang
from tongnan_calc.input import cells
from tongnan_calc.input.reader import CREDIT_CODE, Column

TEXT_FORMAT: Final = "@"
DATE_FORMAT: Final = "yyyy-mm-dd"
MONEY_FORMAT: Final = "#,##0.00"
YEAR_FORMAT: Final = "0"

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
WIDER: Final[dict[str, int]] = {"name": 36, "building": 24}  # columns wider than their kind


def kind_of(column: Column) -> Kind:
    """The kind of a column of ``SHEETS``."""
    if column.key == CREDIT_CODE.key:
        return KINDS["credit_code"]
    if column.key in ("loan_id", "bank_account"):
        return KINDS["id"]  # text as written, never a number
    return KINDS[_KIND_OF_CONVERTER[column.convert]]


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
    forms = lang_text(kind_of(column).forms, lang)
    return DataValidation(
        **rule,
        allow_blank=not column.required,
        showErrorMessage=True,
        showInputMessage=True,
        errorStyle="stop",
        errorTitle=lang_text(ERROR_TITLE, lang),
        error=_clip(forms, 255),
        promptTitle=_clip(header_text(column, lang), 32),
        prompt=_clip(forms, 255),
    )
