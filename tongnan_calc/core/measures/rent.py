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
from tongnan_calc.core.measures.common import Uses, blocked, common_conditions, ineligible, once, payable
from tongnan_calc.core.model import LEASES, Lease, Line, Msg, Records
from tongnan_calc.core.money import frac, show
from tongnan_calc.core.rules import Rules

MEASURE = "rent"
_ONE = Fraction(1)


def compute(rec: Records, year: int, rules: Rules) -> Line:
    early = common_conditions(rec, rules, MEASURE)
    if early is not None:
        return early
    settled = rec.enterprise.settled_on
    if settled is None:
        return ineligible(rec, rules, MEASURE, Msg.of("rent_not_settled"))
    if settled < rules.start:
        return ineligible(rec, rules, MEASURE, Msg.of("rent_settled_before_start", settled=settled, start=rules.start))
    first_anniversary, second_anniversary = add_years(settled, 1), add_years(settled, 2)
    year_start, year_stop = year_bounds(year)
    lo, hi = max(year_start, settled), min(year_stop, second_anniversary)
    if lo >= hi:
        last = second_anniversary - ONE_DAY
        return ineligible(rec, rules, MEASURE, Msg.of("rent_outside_period", year=year, settled=settled, last=last))
    block = blocked(rec, rules, MEASURE, LEASES)
    if block is not None:
        return block
    leases = [
        lease
        for lease in rec.leases
        if lease.planned_building and lease.period_start < hi and lease.period_end + ONE_DAY > lo
    ]
    if not leases:
        return ineligible(rec, rules, MEASURE, Msg.of("rent_no_lease", start=lo, end=hi - ONE_DAY))

    uses = Uses(rules, MEASURE)
    uses.step("settled_on", settled.isoformat())
    uses.step("subsidy days this year", f"{lo.isoformat()} to {(hi - ONE_DAY).isoformat()}")
    cuts = {lo, hi, first_anniversary}
    for lease in leases:
        cuts.update((lease.period_start, lease.period_end + ONE_DAY))
    for name in ("rates", "area_cap_m2"):
        cuts.update(rules.param(MEASURE, name).changes())
    cuts.update(rules.end_changes(MEASURE))
    points = sorted(d for d in cuts if lo <= d <= hi)
    # each lease's exact rent per day and area (and the area's text), worked out once for all its intervals
    exact = {id(lease): _exact(lease) for lease in leases}
    total = Fraction(0)
    for start, stop in pairwise(points):
        total += _interval(uses, leases, start, stop, first_anniversary, exact)
    return payable(rec, rules, MEASURE, total, Msg.of("rent_payable", start=lo, end=hi - ONE_DAY), uses)


def _interval(
    uses: Uses,
    leases: list[Lease],
    start: date,
    stop: date,
    first_anniversary: date,
    exact: dict[int, tuple[Fraction, Fraction, str]] | None = None,
) -> Fraction:
    """The subsidy for the days [start, stop), on which nothing changes.

    ``exact``: each lease's (rent per day, area, area shown) by ``id(lease)``, when already known."""
    active = [lease for lease in leases if lease.period_start <= start and lease.period_end >= stop - ONE_DAY]
    if not active:
        return Fraction(0)
    ended = uses.rules.ended(MEASURE, start) if uses.rules.ends else None
    if ended is not None:
        uses.step(f"{start.isoformat()} to {(stop - ONE_DAY).isoformat()}", f"ended on {ended.on} ({ended.by})")
        return Fraction(0)
    if exact is None:
        exact = {id(lease): _exact(lease) for lease in active}
    days = (stop - start).days
    rates = uses.get("rates", start)
    rate, rate_shown = _value(uses, rates[0] if start < first_anniversary else rates[1])
    cap, _ = _value(uses, uses.get("area_cap_m2", start))
    if len(active) == 1:
        daily, area, area_shown = exact[id(active[0])]
        rent = daily * days
    else:
        area = sum((exact[id(lease)][1] for lease in active), Fraction(0))
        area_shown = show(area)
        rent = sum((exact[id(lease)][0] for lease in active), Fraction(0)) * days
    if area <= cap:
        factor, factor_shown, amount = _ONE, "1", rent * rate
    else:
        factor = cap / area
        factor_shown, amount = show(factor), rent * factor * rate
    rows = ",".join(str(lease.row) for lease in active)
    uses.step(
        f"{start.isoformat()} to {(stop - ONE_DAY).isoformat()} ({days} days)",
        f"lease rows {rows}; rent {show(rent)}; area {area_shown} m², factor {factor_shown}; "
        f"rate {rate_shown}; subsidy {show(amount)}",
    )
    return amount


def _exact(lease: Lease) -> tuple[Fraction, Fraction, str]:
    """A lease's exact rent per day, its area, and the area as shown in the basis."""
    return frac(lease.rent_paid) / _days(lease), frac(lease.area_m2), show(lease.area_m2)


def _value(uses: Uses, value: Decimal) -> tuple[Fraction, str]:
    """A rule-file value as an exact fraction and as shown, worked out once per rule file."""
    return once(uses.rules, (MEASURE, "exact", value), lambda: (frac(value), show(value)))


def _days(lease: Lease) -> int:
    return (lease.period_end - lease.period_start).days + 1
