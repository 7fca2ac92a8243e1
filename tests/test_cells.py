"""Cell converters: every accepted and rejected form, with exact messages."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from tongnan_calc.input import cells
from tongnan_calc.input.cells import Bad, Cell
from tongnan_calc.input.uscc import Checked

D = date(2015, 3, 1)

# --- showing values -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("", "blank"),
        ("  ", "blank"),
        ("abc", "'abc'"),
        ("是", "'是'"),
        (2015.0, "2015"),
        (1.5, "1.5"),
        (7, "7"),
        (9.1350100000001e17, "9.1350100000001e+17"),
        (True, "TRUE"),
        (False, "FALSE"),
        (D, "2015-03-01"),
        (datetime(2015, 3, 1, 10, 30), "2015-03-01 10:30:00"),
        (time(10, 0), "10:00:00"),
        (timedelta(days=1), "1 day, 0:00:00"),
    ],
)
def test_shown(raw: Cell, text: str) -> None:
    assert cells.shown(raw) == text


def test_seen_is_none_for_blank() -> None:
    assert cells.seen("") is None
    assert cells.seen(" \u3000") is None
    assert cells.seen("x") == "'x'"


def test_is_blank() -> None:
    assert cells.is_blank("")
    assert cells.is_blank(" \t\u3000")
    assert not cells.is_blank(0.0)
    assert not cells.is_blank(False)
    assert not cells.is_blank("0")


# --- dates -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (D, D),
        (datetime(2015, 3, 1), D),
        ("2015-03-01", D),
        ("2015-3-1", D),
        ("2015/3/1", D),
        ("2015/03/01", D),
        ("2015.3.1", D),
        ("2015.03.01", D),
        ("2015年3月1日", D),
        ("2015年03月01日", D),
        ("  2015-03-01  ", D),
        ("\u30002015年3月1日\u3000", D),
        ("2016-02-29", date(2016, 2, 29)),
        ("1900-01-01", date(1900, 1, 1)),
        ("2200-12-31", date(2200, 12, 31)),
    ],
)
def test_date_accepted(raw: Cell, value: date) -> None:
    assert cells.to_date(raw) == value
    assert cells.to_date(raw, required=False) == value


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "expected a date such as 2015-03-01, got blank"),
        ("   ", "expected a date such as 2015-03-01, got blank"),
        ("abc", "expected a date such as 2015-03-01, got 'abc'"),
        ("2015-03/01", "expected a date such as 2015-03-01, got '2015-03/01'"),
        ("2015/3.1", "expected a date such as 2015-03-01, got '2015/3.1'"),
        ("15-3-1", "expected a date such as 2015-03-01, got '15-3-1'"),
        ("3/1/2015", "expected a date such as 2015-03-01, got '3/1/2015'"),
        ("2015-03-01 10:00", "expected a date such as 2015-03-01, got '2015-03-01 10:00'"),
        ("2015年3月1", "expected a date such as 2015-03-01, got '2015年3月1'"),
        ("20150301", "expected a date such as 2015-03-01, got '20150301'"),
        ("2015-02-29", "expected a real calendar date, got '2015-02-29'"),
        ("2015-13-01", "expected a real calendar date, got '2015-13-01'"),
        ("2015年4月31日", "expected a real calendar date, got '2015年4月31日'"),
        ("2015.0.10", "expected a real calendar date, got '2015.0.10'"),
        ("1899-12-31", "expected a date between 1900-01-01 and 2200-12-31, got '1899-12-31'"),
        ("2201-01-01", "expected a date between 1900-01-01 and 2200-12-31, got '2201-01-01'"),
        (date(1800, 1, 1), "expected a date between 1900-01-01 and 2200-12-31, got 1800-01-01"),
        (datetime(2015, 3, 1, 10, 0), "expected a date without a time of day, got 2015-03-01 10:00:00"),
        (datetime(2015, 3, 1, 0, 0, 1), "expected a date without a time of day, got 2015-03-01 00:00:01"),
        (42064.0, "expected a date such as 2015-03-01, got 42064"),
        (True, "expected a date such as 2015-03-01, got TRUE"),
        (time(10, 0), "expected a date such as 2015-03-01, got 10:00:00"),
        (timedelta(days=3), "expected a date such as 2015-03-01, got 3 days, 0:00:00"),
    ],
)
def test_date_rejected(raw: Cell, message: str) -> None:
    assert cells.to_date(raw) == Bad(message)


def test_date_blank_optional_is_none() -> None:
    assert cells.to_date("", required=False) is None
    assert cells.to_date(" ", required=False) is None


# --- yes/no ---------------------------------------------------------------------------------

YES_NO = "expected yes/no (是/否, Y/N, yes/no, true/false, 1/0)"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("y", True),
        ("N", False),
        ("n", False),
        ("yes", True),
        ("YES", True),
        ("Yes", True),
        ("yEs", True),
        ("no", False),
        ("No", False),
        ("true", True),
        ("TRUE", True),
        ("False", False),
        ("1", True),
        ("0", False),
        (" 是 ", True),
        ("\u3000N\u3000", False),
        (1.0, True),
        (0.0, False),
        (1, True),
        (0, False),
        (True, True),
        (False, False),
    ],
)
def test_yes_no_accepted(raw: Cell, value: bool) -> None:
    assert cells.to_yes_no(raw) is value
    assert cells.to_yes_no(raw, required=False) is value


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", f"{YES_NO}, got blank"),
        ("maybe", f"{YES_NO}, got 'maybe'"),
        ("有", f"{YES_NO}, got '有'"),
        ("2", f"{YES_NO}, got '2'"),
        ("1.0", f"{YES_NO}, got '1.0'"),
        ("y e s", f"{YES_NO}, got 'y e s'"),
        (2.0, f"{YES_NO}, got 2"),
        (0.5, f"{YES_NO}, got 0.5"),
        (D, f"{YES_NO}, got 2015-03-01"),
    ],
)
def test_yes_no_rejected(raw: Cell, message: str) -> None:
    assert cells.to_yes_no(raw) == Bad(message)


def test_yes_no_blank_optional_is_no() -> None:
    assert cells.to_yes_no("", required=False) is False
    assert cells.to_yes_no("  ", required=False) is False
    assert cells.to_yes_no("") == Bad(f"{YES_NO}, got blank")


# --- amounts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (0.1, "0.1"),
        (1234.5, "1234.5"),
        (0.30000000000000004, "0.30000000000000004"),
        (100.0, "100"),
        (0.0, "0"),
        (-0.0, "0"),
        (12345, "12345"),
        (999999999999999.0, "999999999999999"),
        ("1234.50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1,234,567", "1234567"),
        ("¥1,234.50", "1234.50"),
        ("￥1,234.50", "1234.50"),
        (" ¥ 1,234.50 ", "1234.50"),
        ("1 234.50", "1234.50"),
        ("100 000", "100000"),  # a space between digit groups, like a comma
        ("1\u00a0234\u00a0567.50", "1234567.50"),
        ("1 234,567", "1234567"),
        ("\u30001234\u3000", "1234"),
        ("0", "0"),
        ("-0", "0"),
        ("0.005", "0.005"),
        ("123", "123"),
    ],
)
def test_amount_accepted(raw: Cell, value: str) -> None:
    result = cells.to_amount(raw)
    assert isinstance(result, Decimal)
    assert result == Decimal(value)
    assert str(result) == value


AMOUNT = "expected an amount such as 1,234.50"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", f"{AMOUNT}, got blank"),
        ("abc", f"{AMOUNT}, got 'abc'"),
        ("1,23.4", f"{AMOUNT}, got '1,23.4'"),
        ("1234,567", f"{AMOUNT}, got '1234,567'"),
        ("1,2345", f"{AMOUNT}, got '1,2345'"),
        (",123", f"{AMOUNT}, got ',123'"),
        ("1,234.5,0", f"{AMOUNT}, got '1,234.5,0'"),
        # A space between digits separates groups of three, as a comma does: "12 34" was read as 1,234
        # (and "1.23 4" as 1.234) while "1,23.4" was refused.
        ("12 34", f"{AMOUNT}, got '12 34'"),
        ("1 2345", f"{AMOUNT}, got '1 2345'"),
        ("1.23 4", f"{AMOUNT}, got '1.23 4'"),
        ("1,234 5", f"{AMOUNT}, got '1,234 5'"),
        ("1.2.3", f"{AMOUNT}, got '1.2.3'"),
        (".5", f"{AMOUNT}, got '.5'"),
        ("1e5", f"{AMOUNT}, got '1e5'"),
        ("$100", f"{AMOUNT}, got '$100'"),
        ("100元", f"{AMOUNT}, got '100元'"),
        ("¥¥100", f"{AMOUNT}, got '¥¥100'"),
        ("-¥-5", f"{AMOUNT}, got '-¥-5'"),
        ("nan", f"{AMOUNT}, got 'nan'"),
        (float("nan"), f"{AMOUNT}, got nan"),
        (float("inf"), f"{AMOUNT}, got inf"),
        (float("-inf"), f"{AMOUNT}, got -inf"),
        (True, f"{AMOUNT}, got TRUE"),
        (False, f"{AMOUNT}, got FALSE"),
        (D, f"{AMOUNT}, got 2015-03-01"),
        (-5.0, "expected an amount of 0 or more, got -5"),
        (-0.01, "expected an amount of 0 or more, got -0.01"),
        (-3, "expected an amount of 0 or more, got -3"),
        ("-1,234.50", "expected an amount of 0 or more, got '-1,234.50'"),
        ("-¥5", "expected an amount of 0 or more, got '-¥5'"),
        ("¥-5", "expected an amount of 0 or more, got '¥-5'"),
        ("−5", "expected an amount of 0 or more, got '−5'"),
        (1e20, "expected a number below 1,000,000,000,000,000, got 1e+20"),
        (1e308, "expected a number below 1,000,000,000,000,000, got 1e+308"),
        ("1,000,000,000,000,000", "expected a number below 1,000,000,000,000,000, got '1,000,000,000,000,000'"),
    ],
)
def test_amount_rejected(raw: Cell, message: str) -> None:
    assert cells.to_amount(raw) == Bad(message)


def test_amount_blank_optional_is_none() -> None:
    assert cells.to_amount("", required=False) is None
    assert cells.to_amount("-1", required=False) == Bad("expected an amount of 0 or more, got '-1'")


def test_amount_never_goes_through_binary_float() -> None:
    total = sum((cells.to_amount(0.1) for _ in range(10)), Decimal(0))  # type: ignore[misc]
    assert total == Decimal("1.0")


# --- positive numbers (areas) -----------------------------------------------------------------

POSITIVE = "expected a number greater than 0"


@pytest.mark.parametrize(
    ("raw", "value"),
    [(120.5, "120.5"), (100.0, "100"), (3, "3"), ("1,200.5", "1200.5"), (" 80 ", "80"), ("0.01", "0.01")],
)
def test_positive_accepted(raw: Cell, value: str) -> None:
    assert cells.to_positive(raw) == Decimal(value)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", f"{POSITIVE}, got blank"),
        (0.0, f"{POSITIVE}, got 0"),
        ("0", f"{POSITIVE}, got '0'"),
        (-5.0, f"{POSITIVE}, got -5"),
        ("-5", f"{POSITIVE}, got '-5'"),
        ("¥100", f"{POSITIVE}, got '¥100'"),
        ("100m2", f"{POSITIVE}, got '100m2'"),
        ("1,00", f"{POSITIVE}, got '1,00'"),
        ("12 0", f"{POSITIVE}, got '12 0'"),
        (float("nan"), f"{POSITIVE}, got nan"),
        (True, f"{POSITIVE}, got TRUE"),
    ],
)
def test_positive_rejected(raw: Cell, message: str) -> None:
    assert cells.to_positive(raw) == Bad(message)


def test_positive_blank_optional_is_none() -> None:
    assert cells.to_positive("", required=False) is None


# --- years ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (2015.0, 2015),
        (2015, 2015),
        ("2015", 2015),
        ("2015.0", 2015),
        ("2015年", 2015),
        (" 2015 ", 2015),
        (1900.0, 1900),
        ("2200", 2200),
    ],
)
def test_year_accepted(raw: Cell, value: int) -> None:
    assert cells.to_year(raw) == value


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "expected a year such as 2015, got blank"),
        ("abc", "expected a year such as 2015, got 'abc'"),
        ("2015.5", "expected a year such as 2015, got '2015.5'"),
        ("2015年度", "expected a year such as 2015, got '2015年度'"),
        ("二〇一五", "expected a year such as 2015, got '二〇一五'"),
        ("2015-01-01", "expected a year such as 2015, got '2015-01-01'"),
        (2015.5, "expected a year such as 2015, got 2015.5"),
        (True, "expected a year such as 2015, got TRUE"),
        (D, "expected a year such as 2015, got 2015-03-01"),
        (float("nan"), "expected a year such as 2015, got nan"),
        (1899.0, "expected a year between 1900 and 2200, got 1899"),
        (2201, "expected a year between 1900 and 2200, got 2201"),
        ("15", "expected a year between 1900 and 2200, got '15'"),
        ("20150", "expected a year between 1900 and 2200, got '20150'"),
    ],
)
def test_year_rejected(raw: Cell, message: str) -> None:
    assert cells.to_year(raw) == Bad(message)


def test_year_blank_optional_is_none() -> None:
    assert cells.to_year("", required=False) is None


# --- text --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [("  甲公司 ", "甲公司"), ("L-001", "L-001"), (12345.0, "12345"), (1.5, "1.5"), (D, "2015-03-01")],
)
def test_text_accepted(raw: Cell, value: str) -> None:
    assert cells.to_text(raw) == value


def test_text_blank() -> None:
    assert cells.to_text("") == Bad("expected text, got blank")
    assert cells.to_text("  ") == Bad("expected text, got blank")
    assert cells.to_text("", required=False) == ""


# --- choices -------------------------------------------------------------------------------------------

HQ = (
    "expected one of national_hq, western_ops_center, regional_logistics_center, settlement_center "
    "(全国性总部, 西部营运中心, 区域性物流配送中心, 结算中心)"
)
DEMO = "expected one of national, municipal (国家级, 市级)"


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("national_hq", "national_hq"),
        ("National_HQ", "national_hq"),
        (" western_ops_center ", "western_ops_center"),
        ("REGIONAL_LOGISTICS_CENTER", "regional_logistics_center"),
        ("settlement_center", "settlement_center"),
        ("全国性总部", "national_hq"),
        ("西部营运中心", "western_ops_center"),
        ("西部运营中心", "western_ops_center"),
        ("区域性物流配送中心", "regional_logistics_center"),
        ("结算中心", "settlement_center"),
        ("", None),
    ],
)
def test_hq_type_accepted(raw: Cell, value: str | None) -> None:
    assert cells.to_hq_type(raw) == value


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("总部", f"{HQ}, got '总部'"),
        ("national hq", f"{HQ}, got 'national hq'"),
        (1.0, f"{HQ}, got 1"),
        (True, f"{HQ}, got TRUE"),
    ],
)
def test_hq_type_rejected(raw: Cell, message: str) -> None:
    assert cells.to_hq_type(raw) == Bad(message)


def test_hq_type_required_blank() -> None:
    assert cells.to_hq_type("", required=True) == Bad(f"{HQ}, got blank")


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("national", "national"),
        ("NATIONAL", "national"),
        ("Municipal", "municipal"),
        ("国家级", "national"),
        (" 市级 ", "municipal"),
        ("", None),
    ],
)
def test_demo_level_accepted(raw: Cell, value: str | None) -> None:
    assert cells.to_demo_level(raw) == value


@pytest.mark.parametrize(
    ("raw", "message"),
    [("省级", f"{DEMO}, got '省级'"), ("city", f"{DEMO}, got 'city'"), (2.0, f"{DEMO}, got 2")],
)
def test_demo_level_rejected(raw: Cell, message: str) -> None:
    assert cells.to_demo_level(raw) == Bad(message)


# --- credit codes ----------------------------------------------------------------------------------------

CODE = "91350100M000100Y43"
AS_NUMBER = "credit code typed as a number: Excel has lost digits; enter it as text"


def test_credit_code_valid_and_normalized() -> None:
    assert cells.to_credit_code(CODE) == Checked(CODE)
    assert cells.to_credit_code(" 91350100m000100y43\u3000") == Checked(CODE)


def test_credit_code_bad_check_character_is_a_warning_not_bad() -> None:
    result = cells.to_credit_code("91350100M000100Y44")
    assert isinstance(result, Checked)
    assert result.code == "91350100M000100Y44"
    assert result.warning == ("expected check character '3', got '4': the code may be mistyped (the row is still used)")


@pytest.mark.parametrize("raw", [9.1350100000001e17, 913501000001004.0, 123.0, 7, 0.0])
def test_credit_code_as_number_is_always_an_error(raw: Cell) -> None:
    assert cells.to_credit_code(raw) == Bad(AS_NUMBER)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "expected a unified social credit code of 18 characters, got blank"),
        ("  ", "expected a unified social credit code of 18 characters, got blank"),
        (True, "expected a unified social credit code of 18 characters, got TRUE"),
        (D, "expected a unified social credit code of 18 characters, got 2015-03-01"),
        ("9135", "expected a unified social credit code of 18 characters, got 4: '9135'"),
        (
            "91350100M000100Y4Z",
            "expected a unified social credit code (digits and the letters A-H J-N P-R T U W-Y), got 'Z' at position 18",
        ),
    ],
)
def test_credit_code_rejected(raw: Cell, message: str) -> None:
    assert cells.to_credit_code(raw) == Bad(message)
