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

from tongnan_calc.core.dates import ONE_DAY, add_years, year_bounds
from tongnan_calc.core.measures.common import (
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
from tongnan_calc.core.rules import Rules
from tongnan_calc.core.trace import Basis, Check, check

MEASURE = "rent"

RATES = Param("rates", Kind.PAIR, "fraction")
"""The share of the rent paid in the first and in the second year after settling."""
AREA_CAP = Param("area_cap_m2", Kind.NUMBER, "m2")
"""The most office area whose rent counts."""
PARAMS = (RATES, AREA_CAP)
_ONE = Fraction(1)


def compute(rec: Records, year: int, rules: Rules) -> Line:
    early = common_conditions(rec, rules, MEASURE)
    if early is not None:
        return early
    settled = rec.enterprise.settled_on
    before = passed(rules, MEASURE)
    if settled is None:
        basis = shared(
            rules,
            MEASURE,
            "no date",
            lambda: Basis(checks=(check("rent_settled", False, start=rules.start, settled=None),)),
        )
        return template(rules, MEASURE, Status.INELIGIBLE, "rent_not_settled", basis).of(rec)
    # the common ineligible outcomes are shared by all the enterprises settled on the same day
    if settled < rules.start:
        basis = shared(
            rules,
            MEASURE,
            ("early", settled),
            lambda: Basis(checks=(check("rent_settled", False, start=rules.start, settled=settled),)),
        )
        return template(
            rules, MEASURE, Status.INELIGIBLE, "rent_settled_before_start", basis, settled=settled, start=rules.start
        ).of(rec)
    first_anniversary, second_anniversary = add_years(settled, 1), add_years(settled, 2)
    year_start, year_stop = year_bounds(year)
    lo, hi = max(year_start, settled), min(year_stop, second_anniversary)
    last = second_anniversary - ONE_DAY
    if lo >= hi:
        basis = shared(rules, MEASURE, ("outside", year, settled), lambda: _outside(rules, year, settled, last))
        return template(
            rules, MEASURE, Status.INELIGIBLE, "rent_outside_period", basis, year=year, settled=settled, last=last
        ).of(rec)
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
    cuts = {lo, hi, first_anniversary}
    for lease in leases:
        cuts.update((lease.period_start, lease.period_end + ONE_DAY))
    for param in PARAMS:
        cuts.update(rules.param(MEASURE, param.name).changes())
    cuts.update(rules.end_changes(MEASURE))
    points = sorted(d for d in cuts if lo <= d <= hi)
    # each lease's exact rent per day and area, worked out once for all its intervals
    exact = {id(lease): _exact(lease) for lease in leases}
    total = Fraction(0)
    for start, stop in pairwise(points):
        total += _interval(uses, leases, start, stop, first_anniversary, exact)
    return payable(rec, rules, MEASURE, total, Msg.of("rent_payable", start=lo, end=end), uses)


def _outside(rules: Rules, year: int, settled: date, last: date) -> Basis:
    """The checks of a year outside the two years after settling."""
    return Basis(
        checks=(
            check("rent_settled", True, start=rules.start, settled=settled),
            check("rent_window", False, year=year, settled=settled, last=last, start=None, end=None),
        )
    )


def _interval(
    uses: Uses,
    leases: list[Lease],
    start: date,
    stop: date,
    first_anniversary: date,
    exact: dict[int, tuple[Fraction, Fraction]] | None = None,
) -> Fraction:
    """The subsidy for the days [start, stop), on which nothing changes.

    ``exact``: each lease's (rent per day, area) by ``id(lease)``, when already known."""
    active = [lease for lease in leases if lease.period_start <= start and lease.period_end >= stop - ONE_DAY]
    if not active:
        return Fraction(0)
    ended = uses.rules.ended(MEASURE, start) if uses.rules.ends else None
    if ended is not None:
        uses.step("rent_ended", start=start, end=stop - ONE_DAY, on=ended.on, by=ended.by)
        return Fraction(0)
    if exact is None:
        exact = {id(lease): _exact(lease) for lease in active}
    days = (stop - start).days
    rates = uses.get(RATES, start)
    rate = _value(uses, rates[0] if start < first_anniversary else rates[1])
    cap = _value(uses, uses.get(AREA_CAP, start))
    if len(active) == 1:
        daily, area = exact[id(active[0])]
        rent = daily * days
    else:
        area = sum((exact[id(lease)][1] for lease in active), Fraction(0))
        rent = sum((exact[id(lease)][0] for lease in active), Fraction(0)) * days
    if area <= cap:
        factor, amount = _ONE, rent * rate
    else:
        factor = cap / area
        amount = rent * factor * rate
    uses.step(
        "rent_interval",
        start=start,
        end=stop - ONE_DAY,
        days=days,
        rows=tuple(lease.row for lease in active),
        rent=rent,
        area=area,
        factor=factor,
        rate=rate,
        subsidy=amount,
    )
    return amount


def _exact(lease: Lease) -> tuple[Fraction, Fraction]:
    """A lease's exact rent per day and its area."""
    return frac(lease.rent_paid) / _days(lease), frac(lease.area_m2)


def _value(uses: Uses, value: Decimal) -> Fraction:
    """A rule-file value as an exact fraction, worked out once per rule file."""
    return once(uses.rules, (MEASURE, "exact", value), lambda: frac(value))


def _days(lease: Lease) -> int:
    return (lease.period_end - lease.period_start).days + 1
