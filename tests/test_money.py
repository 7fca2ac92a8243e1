"""core/money: the one rounding and the exact text of an amount, against values worked out by hand."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal, Inexact
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongnan_calc.core.money import canonical, fmt, round_money, show


@pytest.mark.parametrize(
    ("exact", "rounded"),
    [
        (Fraction(3005025, 1000), "3005.03"),  # 3,005.025: half up (half even would give 3,005.02)
        (Fraction(3005015, 1000), "3005.02"),  # 3,005.015: half up (half even would give 3,005.02 too)
        (Fraction(3005035, 1000), "3005.04"),  # half even would give 3,005.04 too; half down 3,005.03
        (Fraction(1, 200), "0.01"),  # 0.005
        (Fraction(49999, 10000000), "0.00"),  # 0.0049999
        (Fraction(2, 3), "0.67"),  # 0.666…
        (Fraction(1, 3), "0.33"),
        (Decimal("100000.005"), "100000.01"),
        (Fraction(-1, 200), "-0.01"),  # away from zero
        (Fraction(0), "0.00"),
    ],
)
def test_round_money_is_half_up_to_the_cent(exact: Fraction | Decimal, rounded: str) -> None:
    assert round_money(exact) == Decimal(rounded)
    assert f"{round_money(exact):f}" == rounded


def test_fmt_shows_two_decimals() -> None:
    assert (fmt(Decimal("20000")), fmt(Decimal("0.5")), fmt(None)) == ("20000.00", "0.50", "")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("100.00"), "100"),
        (Decimal("1E+3"), "1000"),
        (Decimal("-0.50"), "-0.5"),
        (Decimal("0E-5"), "0"),
        (Fraction(7, 8), "0.875"),
        (Fraction(-7, 8), "-0.875"),
        (Fraction(1, 3), "0.3333333333…"),
        (Fraction(2, 3), "0.6666666667…"),
        (Fraction(-2, 3), "-0.6666666667…"),
        (Fraction(45, 1), "45"),
        (12, "12"),
    ],
)
def test_show(value: Decimal | Fraction | int, text: str) -> None:
    assert show(value) == text


def test_show_gives_every_digit_of_a_long_exact_decimal() -> None:
    """A basis shows an exact value in full: a cell's 30 significant digits are not cut to 28, and a fraction
    with only 2s and 5s in its denominator is a decimal with all its digits (2^-50 has 50 decimals), not one
    rounded at 28 digits shown as if exact."""
    assert show(Decimal("12345678901234.1234567890123456")) == "12345678901234.1234567890123456"
    assert show(Fraction(1, 2**50)) == "0.00000000000000088817841970012523233890533447265625"
    # 10^16 / 3 = 3333333333333333.333…: ten decimals shown, rounded, then the mark of a value cut short
    assert show(Fraction(10**16, 3)) == "3333333333333333.3333333333…"
    assert show(Fraction(2 * 10**20, 3)) == "66666666666666666666.6666666667…"


def test_canonical_keeps_every_digit() -> None:
    assert f"{canonical(Decimal('50000000.0')):f}" == "50000000"
    assert f"{canonical(Decimal('1.50')):f}" == "1.5"
    assert f"{canonical(Decimal('12345678901234.1234567890123456')):f}" == "12345678901234.1234567890123456"
    assert f"{canonical(Decimal('1234567890123456789012345678901234.00')):f}" == "1234567890123456789012345678901234"


_EXACT = Context(prec=500, traps=[Inexact])


@given(
    st.integers(-(10**40), 10**40),
    st.one_of(
        st.integers(1, 10**15),  # mostly not a terminating decimal
        st.builds(lambda twos, fives: 2**twos * 5**fives, st.integers(0, 90), st.integers(0, 90)),
        st.builds(lambda twos, odd: 2**twos * odd, st.integers(0, 60), st.sampled_from([3, 7, 9, 11, 13, 49])),
    ),
)
def test_show_is_the_decimal_value_worked_out_by_decimal(num: int, den: int) -> None:
    """``show`` works its digits out in integers; ``decimal`` gives them too: every digit when the value
    terminates (2s and 5s in the denominator), else 10 places to the nearest and '…'."""
    value = Fraction(num, den)
    rest = value.denominator
    while rest % 2 == 0:
        rest //= 2
    while rest % 5 == 0:
        rest //= 5
    if rest == 1:
        exact = _EXACT.divide(Decimal(value.numerator), Decimal(value.denominator))  # traps if inexact
        expected = f"{exact.normalize(_EXACT):f}" if exact else "0"
    else:
        near = Context(prec=500).divide(Decimal(value.numerator), Decimal(value.denominator))
        expected = f"{near.quantize(Decimal('1E-10'), rounding=ROUND_HALF_EVEN, context=Context(prec=500)):f}…"
    assert show(value) == expected
