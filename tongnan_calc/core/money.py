"""Exact money: conversions, the one rounding per payout line, display.

SPEC §2: amounts are exact (``Decimal`` from cells, ``Fraction`` inside a
computation) and each payout line is rounded once, half up, to 0.01 yuan.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

CENT = Decimal("0.01")


def frac(value: Decimal | int | Fraction) -> Fraction:
    """The exact rational value of a decimal amount or rate."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, Decimal) and value.is_finite():
        # Fraction(int, int) takes the fast path; Fraction(Decimal) goes through the numbers ABCs.
        return Fraction(*value.as_integer_ratio())
    return Fraction(value)


def round_money(value: Fraction | Decimal) -> Decimal:
    """Round an exact amount half up (away from zero) to 0.01 yuan (the only rounding).

    In integers: for n/d >= 0 the cents are floor((100 n/d) + 1/2) = (200 n + d) // (2 d)."""
    if type(value) is Fraction:
        num, den = value.numerator, value.denominator
    else:
        num, den = frac(value).as_integer_ratio()
    cents = (200 * abs(num) + den) // (2 * den)
    return Decimal(-cents if num < 0 else cents).scaleb(-2)


def fmt(amount: Decimal | None) -> str:
    """Two decimals, no grouping: the form used in JSON and the basis."""
    return "" if amount is None else f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):f}"


def show(value: Fraction | Decimal | int) -> str:
    """An exact value for a human: the decimal itself when it terminates, else 10 places and '…'."""
    if type(value) is int:
        return str(value)
    if isinstance(value, Decimal) and value.is_finite():
        # The same text as the general case below (which rounds to the context's precision too).
        return f"{value.normalize():f}" if value else "0"
    exact = frac(value)
    den = exact.denominator
    if den == 1:
        return str(exact.numerator)
    den >>= (den & -den).bit_length() - 1  # without its factors 2
    while den % 5 == 0:
        den //= 5
    if den == 1:
        text = f"{Decimal(exact.numerator) / Decimal(exact.denominator):f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    q = Decimal(exact.numerator) / Decimal(exact.denominator)
    return f"{q.quantize(Decimal('1e-10')):f}…"


def canonical(value: Decimal) -> Decimal:
    """A decimal without trailing zeros, so that equal values print alike (``50000000.0`` -> ``50000000``)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()
