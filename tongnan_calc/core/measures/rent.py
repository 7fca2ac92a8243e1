"""二（二） Rent subsidy for newly settled e-commerce enterprises.

    新落户区内的电子商务企业租用规划商务楼宇作办公用房的，前两年分别按租金的60%和
    30%予以补助，返还租金计算面积最高不超过2000平方米。（责任单位：区商务局、区财政局）

SPEC §4 ``rent``: each counted lease row's rent is spread evenly over its days;
on day d the rate is rates[0] in the first year after settling and rates[1] in
the second; that day's rent from each lease is multiplied by
min(1, area_cap_m2 / A(d)), A(d) the total area of the counted leases covering d.

The year is cut into intervals on which the rate, the cap and the set of leases
are constant, so the work grows with the number of leases, not of days.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from math import lcm
from typing import Literal

from tongnan_calc.core.dates import ONE_DAY, add_years, year_bounds
from tongnan_calc.core.measures.common import (
    Template,
    Uses,
    blocked,
    common_conditions,
    ineligible,
    no_error,
    once,
    passed,
    payable,
    shared,
    template,
)
from tongnan_calc.core.model import LEASES, Lease, Line, Msg, Records, Status
from tongnan_calc.core.money import frac
from tongnan_calc.core.params import Kind, Param
from tongnan_calc.core.rules import Ended, Rules
from tongnan_calc.core.trace import Basis, Check, check

MEASURE = "rent"

RATES = Param("rates", Kind.PAIR, "fraction")
"""The share of the rent paid in the first and in the second year after settling."""
AREA_CAP = Param("area_cap_m2", Kind.NUMBER, "m2")
"""The most office area whose rent counts."""
PARAMS = (RATES, AREA_CAP)
_ONE = Fraction(1)
_ZERO = Fraction(0)


def compute(rec: Records, year: int, rules: Rules) -> Line:
    early = common_conditions(rec, rules, MEASURE)
    if early is not None:
        return early
    settled = rec.enterprise.settled_on
    # the ineligible outcomes before the leases are read are shared by all the enterprises settled on the same day
    outside = once(rules, (MEASURE, "outside", year, settled), lambda: _not_in_window(rules, year, settled))
    if outside is not False:
        return outside.of(rec)
    assert settled is not None  # an enterprise without the date is outside every window
    before = passed(rules, MEASURE)
    first_anniversary, second_anniversary = add_years(settled, 1), add_years(settled, 2)
    year_start, year_stop = year_bounds(year)
    lo, hi = max(year_start, settled), min(year_stop, second_anniversary)
    last = second_anniversary - ONE_DAY
    checks: tuple[Check, ...] = (*before, check("rent_settled", True, start=rules.start, settled=settled))
    end = hi - ONE_DAY
    checks = (*checks, check("rent_window", True, year=year, settled=settled, last=last, start=lo, end=end))
    block = blocked(rec, rules, MEASURE, LEASES, checks)
    if block is not None:
        return block
    leases = [
        lease
        for lease in rec.leases
        if lease.planned_building and lease.period_start < hi and lease.period_end + ONE_DAY > lo
    ]
    others = sum(1 for lease in rec.leases if not lease.planned_building)
    counted = check("rent_leases", bool(leases), rows=tuple(lease.row for lease in leases), others=others)
    checks = (*checks, no_error(LEASES), counted)
    if not leases:
        reason = Msg.of("rent_no_lease", start=lo, end=end)
        return ineligible(rec, rules, MEASURE, reason, basis=Basis(checks=checks))

    uses = Uses(rules, MEASURE, checks)
    uses.step("settled_on", settled=settled)
    uses.step("rent_window", start=lo, end=end)
    spans = [_span(lease) for lease in leases]
    cuts = {lo, hi, first_anniversary}
    for span in spans:
        cuts.add(span[0])
        cuts.add(span[1])
    cuts.update(d for d in _rule_cuts(rules) if lo < d < hi)
    points = sorted(d for d in cuts if lo <= d <= hi)
    total = _sum([_interval(uses, spans, start, stop, first_anniversary) for start, stop in pairwise(points)])
    stopped = _ended_on_every_leased_day(uses) if rules.ends else None
    if stopped is not None:
        # the rule file ends the measure before the first day of a counted lease in the window: nothing is in
        # force to pay (ineligible, naming the end), not a payable 0.00 line
        uses.check("in_force", False, on=stopped.on, by=stopped.by)
        reason = Msg.of("measure_ended", end=stopped.on, by=stopped.by, clause=rules.measures[MEASURE].clause)
        return ineligible(rec, rules, MEASURE, reason, uses)
    return payable(rec, rules, MEASURE, total, Msg.of("rent_payable", start=lo, end=end), uses)


def _ended_on_every_leased_day(uses: Uses) -> Ended | None:
    """The end of the measure when every day of the window with a counted lease falls after it (the steps
    say so: an ended interval and no paid one), else None."""
    kinds = {step.kind for step in uses.steps}
    if "rent_interval" in kinds or "rent_ended" not in kinds:
        return None
    first = next(step for step in uses.steps if step.kind == "rent_ended")
    on, by = first.get("on"), first.get("by")
    assert isinstance(on, date) and isinstance(by, str)
    return Ended(on, by)


def _not_in_window(rules: Rules, year: int, settled: date | None) -> Template | Literal[False]:
    """The line of an enterprise settled on ``settled`` when the year is not one of its two years after
    settling (no date, settled before the policy start, or outside the window); ``False`` when it is."""
    if settled is None:
        basis = shared(
            rules,
            MEASURE,
            "no date",
            lambda: Basis(checks=(check("rent_settled", False, start=rules.start, settled=None),)),
        )
        return template(rules, MEASURE, Status.INELIGIBLE, "rent_not_settled", basis)
    if settled < rules.start:
        basis = shared(
            rules,
            MEASURE,
            ("early", settled),
            lambda: Basis(checks=(check("rent_settled", False, start=rules.start, settled=settled),)),
        )
        return template(
            rules, MEASURE, Status.INELIGIBLE, "rent_settled_before_start", basis, settled=settled, start=rules.start
        )
    second_anniversary = add_years(settled, 2)
    year_start, year_stop = year_bounds(year)
    if max(year_start, settled) < min(year_stop, second_anniversary):
        return False
    last = second_anniversary - ONE_DAY
    basis = shared(rules, MEASURE, ("outside", year, settled), lambda: _outside(rules, year, settled, last))
    return template(
        rules, MEASURE, Status.INELIGIBLE, "rent_outside_period", basis, year=year, settled=settled, last=last
    )


def _outside(rules: Rules, year: int, settled: date, last: date) -> Basis:
    """The checks of a year outside the two years after settling."""
    return Basis(
        checks=(
            check("rent_settled", True, start=rules.start, settled=settled),
            check("rent_window", False, year=year, settled=settled, last=last, start=None, end=None),
        )
    )


Span = tuple[date, date, int, Fraction, Fraction]
"""A counted lease: its first day, the day after its last, its row, its exact rent per day and its area."""


def _span(lease: Lease) -> Span:
    return (lease.period_start, lease.period_end + ONE_DAY, lease.row, *_exact(lease))


def _rule_cuts(rules: Rules) -> tuple[date, ...]:
    """The days on which a parameter of the measure or its being in force may change (once per rule file)."""

    def build() -> tuple[date, ...]:
        days: set[date] = set(rules.end_changes(MEASURE))
        for param in PARAMS:
            days.update(rules.param(MEASURE, param.name).changes())
        return tuple(sorted(days))

    return once(rules, (MEASURE, "cuts"), build)


def _interval(uses: Uses, spans: list[Span], start: date, stop: date, first_anniversary: date) -> Fraction:
    """The subsidy for the days [start, stop), on which nothing changes."""
    active = [span for span in spans if span[0] <= start and span[1] >= stop]
    if not active:
        return _ZERO
    ended = uses.rules.ended(MEASURE, start) if uses.rules.ends else None
    if ended is not None:
        uses.step("rent_ended", start=start, end=stop - ONE_DAY, on=ended.on, by=ended.by)
        return _ZERO
    days = (stop - start).days
    rates = uses.get(RATES, start)
    rate = _value(uses, rates[0] if start < first_anniversary else rates[1])
    cap = _value(uses, uses.get(AREA_CAP, start))
    # exact, in integers: each value is made a fraction once (normalised once), not by one operator a term
    if len(active) == 1:
        _, _, row, daily, area = active[0]
        rows: tuple[int, ...] = (row,)
        rent_n, rent_d = daily.numerator * days, daily.denominator
        rent = Fraction(rent_n, rent_d)
    else:
        rows = tuple(span[2] for span in active)
        area = _sum([span[4] for span in active])
        daily = _sum([span[3] for span in active])
        rent_n, rent_d = daily.numerator * days, daily.denominator
        rent = Fraction(rent_n, rent_d)
    area_n, area_d, cap_n, cap_d = area.numerator, area.denominator, cap.numerator, cap.denominator
    if area_n * cap_d <= cap_n * area_d:
        factor, amount = _ONE, Fraction(rent_n * rate.numerator, rent_d * rate.denominator)
    else:
        factor = Fraction(cap_n * area_d, cap_d * area_n)
        amount = Fraction(rent_n * cap_n * area_d * rate.numerator, rent_d * cap_d * area_n * rate.denominator)
    uses.step(
        "rent_interval",
        start=start,
        end=stop - ONE_DAY,
        days=days,
        rows=rows,
        rent=rent,
        area=area,
        factor=factor,
        rate=rate,
        subsidy=amount,
    )
    return amount


def _sum(values: list[Fraction]) -> Fraction:
    """The exact sum, made a fraction once: the numerators over the least common denominator."""
    den = lcm(*(value.denominator for value in values))
    return Fraction(sum(value.numerator * (den // value.denominator) for value in values), den)


def _exact(lease: Lease) -> tuple[Fraction, Fraction]:
    """A lease's exact rent per day and its area."""
    return frac(lease.rent_paid) / _days(lease), frac(lease.area_m2)


def _value(uses: Uses, value: Decimal) -> Fraction:
    """A rule-file value as an exact fraction, worked out once per rule file."""
    return once(uses.rules, (MEASURE, "exact", value), lambda: frac(value))


def _days(lease: Lease) -> int:
    return (lease.period_end - lease.period_start).days + 1
