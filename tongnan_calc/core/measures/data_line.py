"""二（四） Data-line lease subsidy.

    电子商务企业租用数据专线的，给予不超过租赁费用30%的补贴，每年补助金额最高10万元
    人民币，补贴期限为2年。（责任单位：区商务局、区财政局）

SPEC §4 ``data_line``: F = the fees paid in Y; amount = min(rate × F, annual_cap),
only within the period_years consecutive calendar years that start with the first
year (not before the policy start year) with a fee above zero or a prior payout.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from fractions import Fraction
from functools import reduce

from tongnan_calc.core.dates import year_end
from tongnan_calc.core.measures.common import (
    Template,
    Uses,
    blocked,
    common_conditions,
    no_error,
    once,
    passed,
    payable,
    shared,
    template,
)
from tongnan_calc.core.model import DATA_LINES, Line, Msg, Records, Status
from tongnan_calc.core.money import frac
from tongnan_calc.core.params import Kind, Param
from tongnan_calc.core.rules import Rules
from tongnan_calc.core.trace import Basis, Check, check

MEASURE = "data_line"

RATE = Param("rate", Kind.NUMBER, "fraction")
"""The share of the year's fees subsidised."""
ANNUAL_CAP = Param("annual_cap", Kind.NUMBER, "yuan")
"""The most subsidy a year (the step that says it capped the amount has its name)."""
PERIOD_YEARS = Param("period_years", Kind.WHOLE, "years")
"""How many consecutive calendar years the subsidy lasts."""
PARAMS = (RATE, ANNUAL_CAP, PERIOD_YEARS)


def compute(rec: Records, year: int, rules: Rules) -> Line:
    early = common_conditions(rec, rules, MEASURE) or blocked(rec, rules, MEASURE, DATA_LINES, passed(rules, MEASURE))
    if early is not None:
        return early
    start_year = rules.start.year
    starts = {d.year for d in rec.data_lines if d.fee_paid > 0 and d.year >= start_year}
    if rec.prior:
        starts.update(p.year for p in rec.prior if p.measure == MEASURE)
    if not starts:
        return once(rules, (MEASURE, "no fee"), lambda: _no_fee_line(rules, start_year)).of(rec)
    first = min(starts)
    period, outside = once(rules, (MEASURE, "period", year, first), lambda: _period_line(rules, year, first))
    if outside is not None:
        return outside.of(rec)
    last = first + period - 1
    fee = _fees(rec, year)
    if fee <= 0:
        basis = shared(rules, MEASURE, (year, first, fee), lambda: _no_fee_in_year(rules, year, first, fee))
        return template(rules, MEASURE, Status.INELIGIBLE, "data_line_no_fee_in_year", basis, year=year).of(rec)
    uses = Uses(rules, MEASURE, _in_period(rules, year, first, period))
    uses.check("data_line_fee", True, year=year, fee=fee)
    uses.get(PERIOD_YEARS, year_end(year))
    uses.step("data_line_period", first=first, last=last)
    rate, cap = uses.get(RATE, year_end(year)), uses.get(ANNUAL_CAP, year_end(year))
    share = _exact_product(rate, fee)
    uses.step("data_line_fee", fee=fee)
    uses.step("data_line_share", share=share)
    amount = min(share, cap if isinstance(share, Decimal) else frac(cap))
    if amount < share:
        uses.step("annual_cap", cap=cap)  # the step has the name of the parameter (ANNUAL_CAP)
    return payable(rec, rules, MEASURE, amount, Msg.of("data_line_payable", first=first, last=last), uses)


def _no_fee_line(rules: Rules, start_year: int) -> Template:
    basis = shared(rules, MEASURE, "no fee", lambda: _no_fee(start_year))
    return template(rules, MEASURE, Status.INELIGIBLE, "data_line_no_fee", basis)


def _period_line(rules: Rules, year: int, first: int) -> tuple[int, Template | None]:
    """The period in years, and the line of the enterprises whose first year ``first`` puts the year outside it."""
    period, basis = once(rules, (MEASURE, year, first), lambda: _period(rules, year, first))
    last = first + period - 1
    if first <= year <= last:
        return period, None
    reason = "data_line_outside_period"
    return period, template(rules, MEASURE, Status.INELIGIBLE, reason, basis, first=first, last=last)


def _no_fee(start_year: int) -> Basis:
    return Basis(checks=(no_error(DATA_LINES), check("data_line_first", False, start_year=start_year, first=None)))


def _in_period(rules: Rules, year: int, first: int, period: int) -> tuple[Check, ...]:
    """The checks passed by a line of a year within the period (made once per rule file, year and first year)."""

    def make() -> Basis:
        last = first + period - 1
        return Basis(
            checks=(
                no_error(DATA_LINES),
                check("data_line_first", True, start_year=rules.start.year, first=first),
                check("data_line_period", True, year=year, period=period, first=first, last=last),
            )
        )

    return shared(rules, MEASURE, ("in period", year, first, period), make).checks


def _no_fee_in_year(rules: Rules, year: int, first: int, fee: Decimal | Fraction) -> Basis:
    period, basis = once(rules, (MEASURE, year, first), lambda: _period(rules, year, first))
    checks = _in_period(rules, year, first, period)[len(passed(rules, MEASURE)) :]
    return Basis(basis.params, basis.steps, (*checks, check("data_line_fee", False, year=year, fee=fee)))


# Sums and products of finite decimals at unbounded precision are exact (Inexact would be an error).
_EXACT = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN, traps=[decimal.Inexact])


def _fees(rec: Records, year: int) -> Decimal | Fraction:
    """F, exact: the sum of the year's fees as a decimal (the value, and so the text, of the sum of fractions)."""
    fees = [d.fee_paid for d in rec.data_lines if d.year == year]
    if all(isinstance(f, Decimal) and f.is_finite() for f in fees):
        return reduce(_EXACT.add, fees, Decimal(0)) if len(fees) != 1 else fees[0]
    return sum((frac(f) for f in fees), Fraction(0))


def _exact_product(rate: object, fee: Decimal | Fraction) -> Decimal | Fraction:
    """rate × F exactly: a decimal when both are decimals, else a fraction."""
    if isinstance(rate, Decimal) and isinstance(fee, Decimal) and rate.is_finite():
        return _EXACT.multiply(rate, fee)  # exact: the precision is unbounded
    return frac(rate) * frac(fee)  # type: ignore[arg-type]


def _period(rules: Rules, year: int, first: int) -> tuple[int, Basis]:
    """The period in years, and the basis of the lines that stop at it (first year ``first``)."""
    uses = Uses(rules, MEASURE, (*passed(rules, MEASURE), no_error(DATA_LINES)))
    period: int = uses.get(PERIOD_YEARS, year_end(year))
    last = first + period - 1
    uses.check("data_line_first", True, start_year=rules.start.year, first=first)
    uses.check("data_line_period", first <= year <= last, year=year, period=period, first=first, last=last)
    uses.step("data_line_period", first=first, last=last)
    return period, uses.basis()
