"""Exact money: conversions, the one rounding per payout line, display.

SPEC §2: amounts are exact (``Decimal`` from cells, ``Fraction`` inside a
computation) and each payout line is rounded once, half up, to 0.01 yuan.
"""

from __future__ import annotations

from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

CENT = Decimal("0.01")
SHOWN_PLACES = 10
"""A value that is not a terminating decimal is shown to this many places, then '…'."""

# The default context keeps 28 significant digits: normalize() and quantize() in it would round
# a longer exact value.  In this one they never round.
_WIDE = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


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
    # scaleb in the wide context: in the default one (28 digits) it would round a longer amount
    return Decimal(-cents if num < 0 else cents).scaleb(-2, _WIDE)


def fmt(amount: Decimal | None) -> str:
    """Two decimals, no grouping: the form used in JSON and the basis."""
    return "" if amount is None else f"{amount.quantize(CENT, rounding=ROUND_HALF_UP, context=_WIDE):f}"


def show(value: Fraction | Decimal | int) -> str:
    """An exact value for a human: the decimal itself, every digit, when it terminates, else 10 places and '…'."""
    kind = type(value)
    if kind is int:
        return str(value)
    if kind is Fraction:
        return show_ratio(*value.as_integer_ratio())
    if isinstance(value, Decimal) and value.is_finite():
        return _plain(value)
    return show_ratio(*frac(value).as_integer_ratio())


def show_ratio(num: int, den: int) -> str:
    """``show`` of ``num / den`` (in lowest terms, ``den`` > 0), worked out in integers: the value terminates
    when ``den`` is ``2^a 5^b``, with ``max(a, b)`` decimals, none of them a trailing zero."""
    if den == 1:
        return str(num)
    sign, num = ("-", -num) if num < 0 else ("", num)
    twos = (den & -den).bit_length() - 1
    rest, fives = den >> twos, 0
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    if rest == 1:  # num / (2^twos 5^fives) = num 2^(k - twos) 5^(k - fives) / 10^k, exactly
        places = max(twos, fives)
        return sign + _point(num * 2 ** (places - twos) * 5 ** (places - fives), places)
    whole, left = divmod(num * 10**SHOWN_PLACES, den)
    if 2 * left > den:  # to the nearest (never a tie: the decimal does not terminate)
        whole += 1
    return sign + _point(whole, SHOWN_PLACES) + "…"


def _point(digits: int, places: int) -> str:
    """``digits / 10^places`` written with exactly ``places`` decimals (``places`` > 0)."""
    text = str(digits).rjust(places + 1, "0")
    return text[:-places] + "." + text[-places:]


def _plain(value: Decimal) -> str:
    """A finite decimal with all its digits and no trailing zeros (``100.00`` -> ``100``, ``1E+3`` -> ``1000``)."""
    return f"{value.normalize(_WIDE):f}" if value else "0"


def canonical(value: Decimal) -> Decimal:
    """A decimal without trailing zeros, so that equal values print alike (``50000000.0`` -> ``50000000``)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1), context=_WIDE)
    return value.normalize(_WIDE)
