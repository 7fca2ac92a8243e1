"""Pure converters from raw cell values to typed values (SPEC §3, "Values").

Each converter takes a cell as python-calamine returns it (``str``, ``float``,
``int``, ``bool``, ``date``, ``datetime``, ``time``, ``timedelta``; ``''`` for a
blank cell) and returns the converted value or a ``Bad`` carrying a message of
the form ``expected ..., got ...`` and the same in Chinese (``应为……，实际为……``).
Converters never raise on cell content.

Blank cells: with ``required=True`` a blank cell is ``Bad``; otherwise it gives
the column's default (``None``, ``False`` for yes/no, ``''`` for text).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Final

from tongnan_calc.input import uscc

Cell = str | float | int | bool | date | datetime | time | timedelta


@dataclass(frozen=True, slots=True)
class Bad:
    """A cell that could not be converted; ``message`` says what was expected (``zh``: in Chinese)."""

    message: str
    zh: str | None = field(default=None, compare=False)  # the same in Chinese, derived from the English


# --- what each converter expects (the part after "expected") ----------------

EXPECT_DATE: Final = "a date such as 2015-03-01"
EXPECT_DATE_NO_TIME: Final = "a date without a time of day"
EXPECT_REAL_DATE: Final = "a real calendar date"
EXPECT_DATE_RANGE: Final = "a date between 1900-01-01 and 2200-12-31"
EXPECT_YES_NO: Final = "yes/no (是/否, Y/N, yes/no, true/false, 1/0)"
EXPECT_AMOUNT: Final = "an amount such as 1,234.50"
EXPECT_NON_NEGATIVE: Final = "an amount of 0 or more"
EXPECT_POSITIVE: Final = "a number greater than 0"
# Past this, a cell holds a slip of the keyboard (or 1e308), never an amount or an area.
MAX_NUMBER: Final = Decimal(10) ** 15
EXPECT_AT_MOST: Final = "a number below 1,000,000,000,000,000"
EXPECT_YEAR: Final = "a year such as 2015"
EXPECT_YEAR_RANGE: Final = "a year between 1900 and 2200"
EXPECT_TEXT: Final = "text"
EXPECT_CREDIT_CODE: Final = "a unified social credit code of 18 characters"
CREDIT_CODE_AS_NUMBER: Final = "credit code typed as a number: Excel has lost digits; enter it as text"

HQ_TYPES: Final[dict[str, str]] = {
    "national_hq": "全国性总部",
    "western_ops_center": "西部营运中心",
    "regional_logistics_center": "区域性物流配送中心",
    "settlement_center": "结算中心",
}
DEMO_LEVELS: Final[dict[str, str]] = {
    "national": "国家级",
    "municipal": "市级",
}
# Other Chinese spellings accepted besides the names above.
_HQ_ALIASES: Final[dict[str, str]] = {"西部运营中心": "western_ops_center"}


def _choice_expect(choices: dict[str, str]) -> str:
    keys = ", ".join(choices)
    names = ", ".join(choices.values())
    return f"one of {keys} ({names})"


EXPECT_HQ_TYPE: Final = _choice_expect(HQ_TYPES)
EXPECT_DEMO_LEVEL: Final = _choice_expect(DEMO_LEVELS)


def _choice_expect_zh(choices: dict[str, str]) -> str:
    return f"{'、'.join(choices.values())}之一（也可填英文键 {', '.join(choices)}）"


EXPECT_ZH: Final[dict[str, str]] = {
    EXPECT_DATE: "日期，如 2015-03-01 或 2015年3月1日",
    EXPECT_DATE_NO_TIME: "不带时刻的日期",
    EXPECT_REAL_DATE: "日历上存在的日期",
    EXPECT_DATE_RANGE: "1900-01-01 至 2200-12-31 之间的日期",
    EXPECT_YES_NO: "“是”或“否”（也可填 Y/N、yes/no、true/false、1/0）",
    EXPECT_AMOUNT: "金额，如 1,234.50",
    EXPECT_NON_NEGATIVE: "不小于 0 的金额",
    EXPECT_POSITIVE: "大于 0 的数",
    EXPECT_AT_MOST: "小于 1,000,000,000,000,000 的数",
    EXPECT_YEAR: "年份，如 2015",
    EXPECT_YEAR_RANGE: "1900 至 2200 之间的年份",
    EXPECT_TEXT: "文字（此项必填）",
    EXPECT_CREDIT_CODE: "18位统一社会信用代码",
    EXPECT_HQ_TYPE: _choice_expect_zh(HQ_TYPES),
    EXPECT_DEMO_LEVEL: _choice_expect_zh(DEMO_LEVELS),
}
"""Each expectation above in Chinese (what comes after 应为)."""

CREDIT_CODE_AS_NUMBER_ZH: Final = "统一社会信用代码被录入为数字，Excel 已丢失部分数字：请将单元格设为文本后重新录入"

YEAR_MIN: Final = 1900
YEAR_MAX: Final = 2200

# The full-width forms of ASCII (U+FF01-U+FF5E: １２３，４５６．７８, ２０１６年３月１日, as a Chinese input method
# types them) and the ideographic space, as ASCII: for numbers, dates and years only.  Nothing else is
# folded (NFKC would also read ① or ² as digits).
_FULL_WIDTH: Final = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _ascii(text: str) -> str:
    return text if text.isascii() else text.translate(_FULL_WIDTH)


# --- showing a raw value -----------------------------------------------------


def is_blank(raw: Cell) -> bool:
    """A blank cell: empty, or text made only of spaces."""
    return isinstance(raw, str) and not raw.strip()


def shown(raw: Cell) -> str:
    """The value as a user would recognise it: text quoted, numbers plain."""
    if isinstance(raw, str):
        return "blank" if not raw.strip() else repr(raw)
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float):
        if raw.is_integer() and abs(raw) < 1e16:
            return str(int(raw))
        return repr(raw)
    if isinstance(raw, datetime):
        return raw.isoformat(sep=" ")
    if isinstance(raw, (date, time)):
        return raw.isoformat()
    return str(raw)


def shown_zh(raw: Cell) -> str:
    """``shown`` for a Chinese message: text in Chinese quotes, a blank cell 空白."""
    if isinstance(raw, str):
        if not raw.strip():
            return "空白"
        return f"“{raw}”" if raw.isprintable() else repr(raw)
    return shown(raw)


def seen(raw: Cell) -> str | None:
    """The ``value`` of an input issue: ``shown`` text, ``None`` when blank."""
    return None if is_blank(raw) else shown(raw)


def bad(expected: str, raw: Cell, expected_zh: str | None = None) -> Bad:
    """``expected <expected>, got <raw>`` and ``应为<expected_zh>，实际为<raw>``.

    ``expected_zh`` defaults to the Chinese of a known expectation (``EXPECT_ZH``);
    without one the message has no Chinese text."""
    got = shown(raw)
    zh = expected_zh or EXPECT_ZH.get(expected)
    if zh is None:
        return Bad(f"expected {expected}, got {got}")
    return Bad(f"expected {expected}, got {got}", f"应为{zh}，实际为{shown_zh(raw) if type(raw) is str else got}")


# --- dates ---------------------------------------------------------------------

_DATE_SEP = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})")
_DATE_ZH = re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日")
_DATE_MIN: Final = date(YEAR_MIN, 1, 1)
_DATE_MAX: Final = date(YEAR_MAX, 12, 31)


def _in_range(value: date, raw: Cell) -> date | Bad:
    if _DATE_MIN <= value <= _DATE_MAX:
        return value
    return bad(EXPECT_DATE_RANGE, raw)


def _date_from_text(raw: str) -> date | Bad:
    text = _ascii(raw).strip()
    match = _DATE_SEP.fullmatch(text) or _DATE_ZH.fullmatch(text)
    if match is None:
        return bad(EXPECT_DATE, raw)
    groups = match.groups()
    year, month, day = int(groups[0]), int(groups[-2]), int(groups[-1])
    try:
        value = date(year, month, day)
    except ValueError:
        return bad(EXPECT_REAL_DATE, raw)
    return _in_range(value, raw)


def to_date(raw: Cell, required: bool = True) -> date | Bad | None:
    """A date cell, a datetime at midnight, or text 2015-03-01, 2015/3/1,
    2015.3.1, 2015年3月1日."""
    if isinstance(raw, datetime):
        if raw.time() != time(0, 0):
            return bad(EXPECT_DATE_NO_TIME, raw)
        return _in_range(raw.date(), raw)
    if isinstance(raw, date):
        return _in_range(raw, raw)
    if isinstance(raw, str):
        if not raw.strip():
            return bad(EXPECT_DATE, raw) if required else None
        return _date_from_text(raw)
    return bad(EXPECT_DATE, raw)


# --- yes/no --------------------------------------------------------------------

_YES_NO: Final[dict[str, bool]] = {
    "是": True,
    "否": False,
    "y": True,
    "n": False,
    "yes": True,
    "no": False,
    "true": True,
    "false": False,
    "1": True,
    "0": False,
}


# The usual spellings, looked up before stripping and lower-casing.
_YES_NO_EXACT: Final[dict[str, bool]] = {
    spelling: answer for key, answer in _YES_NO.items() for spelling in (key, key.upper(), key.capitalize())
}


def to_yes_no(raw: Cell, required: bool = True) -> bool | Bad:
    """是/否, Y/N, yes/no, true/false, 1/0 (text or number), Excel booleans."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        answer = _YES_NO_EXACT.get(raw)
        if answer is not None:
            return answer
        text = raw.strip()
        if not text:
            return bad(EXPECT_YES_NO, raw) if required else False
        answer = _YES_NO.get(text.lower())
        return bad(EXPECT_YES_NO, raw) if answer is None else answer
    if isinstance(raw, (float, int)):
        if raw == 1:
            return True
        if raw == 0:
            return False
    return bad(EXPECT_YES_NO, raw)


# --- amounts and numbers ---------------------------------------------------------

# After a space between digits becomes a comma and every other space is removed: optional sign,
# optional currency sign (amounts only), digits in valid thousands groups or plain, optional decimals.
_AMOUNT = re.compile(r"([-−]?)[¥￥]?([-−]?)([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(\.[0-9]+)?")
_NUMBER = re.compile(r"([-−]?)()([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(\.[0-9]+)?")
_DIGIT_SPACE_DIGIT = re.compile(r"(?<=[0-9])\s+(?=[0-9])")
_ZERO: Final = Decimal(0)
_EXACT_INT_LIMIT: Final = 2.0**53


def _from_float(raw: float) -> Decimal | None:
    """A float through its shortest repr; ``None`` for nan/inf."""
    if raw.is_integer():  # False for nan and inf
        if -_EXACT_INT_LIMIT < raw < _EXACT_INT_LIMIT:
            return Decimal(int(raw))  # also turns -0.0 into 0
        return Decimal(repr(raw))
    if not math.isfinite(raw):
        return None
    return Decimal(repr(raw))


def _from_text(text: str, pattern: re.Pattern[str]) -> Decimal | None:
    """Parse ``text``; ``None`` when it does not match ``pattern``.

    A sign before or after the currency sign makes the result negative
    (``-0`` is zero)."""
    # a space between two digits separates groups of three, as a comma does ("1 234.50"); "12 34" is no number
    compact = "".join(_DIGIT_SPACE_DIGIT.sub(",", _ascii(text)).split())
    match = pattern.fullmatch(compact)
    if match is None:
        return None
    sign1, sign2, whole, fraction = match.groups()
    if sign1 and sign2:
        return None
    value = Decimal(whole.replace(",", "") + (fraction or ""))
    return -value if (sign1 or sign2) and value else value


def _decimal(raw: Cell, pattern: re.Pattern[str]) -> Decimal | None:
    """A number or text as a ``Decimal``; ``None`` when it is neither."""
    if isinstance(raw, float):
        return _from_float(raw)
    if isinstance(raw, str):
        return _from_text(raw, pattern)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return Decimal(raw)
    return None  # bool, date, time, ...


def to_amount(raw: Cell, required: bool = True) -> Decimal | Bad | None:
    """Money ≥ 0: a number, or text such as 1,234.50, ¥1,234.50, ￥1,234.50."""
    value = _decimal(raw, _AMOUNT)
    if value is None:
        if is_blank(raw):
            return bad(EXPECT_AMOUNT, raw) if required else None
        return bad(EXPECT_AMOUNT, raw)
    if value < _ZERO:
        return bad(EXPECT_NON_NEGATIVE, raw)
    if value >= MAX_NUMBER:
        return bad(EXPECT_AT_MOST, raw)
    return value


def to_positive(raw: Cell, required: bool = True) -> Decimal | Bad | None:
    """A number > 0 (an area): a number, or text such as 1,200.5."""
    value = _decimal(raw, _NUMBER)
    if value is None:
        if is_blank(raw):
            return bad(EXPECT_POSITIVE, raw) if required else None
        return bad(EXPECT_POSITIVE, raw)
    if value <= _ZERO:
        return bad(EXPECT_POSITIVE, raw)
    if value >= MAX_NUMBER:
        return bad(EXPECT_AT_MOST, raw)
    return value


# --- years -------------------------------------------------------------------------

_YEAR_TEXT = re.compile(r"([0-9]+)(?:\.0+|年)?")


def _year_in_range(year: int, raw: Cell) -> int | Bad:
    if YEAR_MIN <= year <= YEAR_MAX:
        return year
    return bad(EXPECT_YEAR_RANGE, raw)


def to_year(raw: Cell, required: bool = True) -> int | Bad | None:
    """A whole number 1900..2200: 2015, 2015.0, text 2015 or 2015年."""
    if isinstance(raw, bool):
        return bad(EXPECT_YEAR, raw)
    if isinstance(raw, float):
        if not raw.is_integer():
            return bad(EXPECT_YEAR, raw)
        return _year_in_range(int(raw), raw)
    if isinstance(raw, int):
        return _year_in_range(raw, raw)
    if isinstance(raw, str):
        text = _ascii(raw).strip()
        if not text:
            return bad(EXPECT_YEAR, raw) if required else None
        match = _YEAR_TEXT.fullmatch(text)
        if match is None:
            return bad(EXPECT_YEAR, raw)
        return _year_in_range(int(match.group(1)), raw)
    return bad(EXPECT_YEAR, raw)


# --- text and choices -----------------------------------------------------------------


def to_text(raw: Cell, required: bool = True) -> str | Bad:
    """Any non-blank cell as text (surrounding spaces removed); numbers shown
    plainly (12345.0 -> '12345')."""
    if isinstance(raw, str):
        text = raw.strip()
        if not text and required:
            return bad(EXPECT_TEXT, raw)
        return text
    return shown(raw)


def _choice_table(choices: dict[str, str], aliases: dict[str, str]) -> dict[str, str]:
    table = {key.lower(): key for key in choices}
    table.update({name: key for key, name in choices.items()})
    table.update(aliases)
    return table


_HQ_TABLE: Final = _choice_table(HQ_TYPES, _HQ_ALIASES)
_DEMO_TABLE: Final = _choice_table(DEMO_LEVELS, {})


def _to_choice(raw: Cell, table: dict[str, str], expected: str, required: bool) -> str | Bad | None:
    if not isinstance(raw, str):
        return bad(expected, raw)
    text = raw.strip()
    if not text:
        return bad(expected, raw) if required else None
    key = table.get(text.lower())
    return bad(expected, raw) if key is None else key


def to_hq_type(raw: Cell, required: bool = False) -> str | Bad | None:
    """national_hq, western_ops_center, regional_logistics_center,
    settlement_center or their Chinese names; returns the key."""
    return _to_choice(raw, _HQ_TABLE, EXPECT_HQ_TYPE, required)


def to_demo_level(raw: Cell, required: bool = False) -> str | Bad | None:
    """national / municipal or 国家级 / 市级; returns the key."""
    return _to_choice(raw, _DEMO_TABLE, EXPECT_DEMO_LEVEL, required)


# --- credit codes ------------------------------------------------------------------------


def to_credit_code(raw: Cell) -> uscc.Checked | Bad:
    """A text cell holding a credit code (always required).

    A number cell is always an error: Excel keeps only 15 significant digits,
    so the code cannot be recovered.  A wrong check character is not ``Bad``:
    it comes back as a ``Checked`` with a ``warning``.
    """
    if isinstance(raw, (float, int)) and not isinstance(raw, bool):
        return Bad(CREDIT_CODE_AS_NUMBER, CREDIT_CODE_AS_NUMBER_ZH)
    if not isinstance(raw, str):
        return bad(EXPECT_CREDIT_CODE, raw)
    if not raw.strip():
        return bad(EXPECT_CREDIT_CODE, raw)
    checked = uscc.validate(raw)
    if checked.error is not None:
        return Bad(checked.error, checked.error_zh)
    return checked
