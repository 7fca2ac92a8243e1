"""二（三） One-time reward for an e-commerce entity split off from a traditional enterprise.

    对于区内特色传统企业分离成立独立的电子商务法人企业并运行一年以上的，给予一次性2万元的
    奖励。（责任单位：区商务局、区财政局）

SPEC §4 ``spin_off``: requires ``spun_off`` and operating_since + min_operating_years
≤ 31 December Y; paid once: ineligible when a prior ``spin_off`` payout exists.
``established_from`` (SPEC §5; null by default: no date condition): when a date, a
spin-off operating since before it is ineligible.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from tongnan_calc.core.dates import add_years, year_end
from tongnan_calc.core.measures.common import (
    Template,
    Uses,
    common_conditions,
    ineligible,
    once,
    passed,
    payable,
    shared,
    template,
)
from tongnan_calc.core.model import Line, Msg, Records, Status
from tongnan_calc.core.money import frac
from tongnan_calc.core.params import Kind, Param
from tongnan_calc.core.rules import Rules
from tongnan_calc.core.trace import Basis, check

MEASURE = "spin_off"

AMOUNT = Param("amount", Kind.NUMBER, "yuan")
"""The one-time reward."""
MIN_OPERATING_YEARS = Param("min_operating_years", Kind.WHOLE, "years")
"""How many years the spin-off must have operated."""
ESTABLISHED_FROM = Param("established_from", Kind.DATE_OR_NULL, "date", left_out=None)
"""A spin-off operating since before this date is not rewarded; null (and left out): no date condition."""
PARAMS = (AMOUNT, MIN_OPERATING_YEARS, ESTABLISHED_FROM)


def compute(rec: Records, year: int, rules: Rules) -> Line:
    early = common_conditions(rec, rules, MEASURE)
    if early is not None:
        return early
    ent = rec.enterprise
    if not ent.spun_off:
        return once(rules, (MEASURE, "not spun off"), lambda: _not_spun_off(rules)).of(rec)
    if ent.operating_since is None:
        return once(rules, (MEASURE, "no date", year), lambda: _no_date_line(rules, year)).of(rec)
    uses = Uses(rules, MEASURE, (*passed(rules, MEASURE), check("spun_off", True, spun_off=True)))
    since: date | None = uses.get(ESTABLISHED_FROM, year_end(year))
    if since is not None:
        after = ent.operating_since >= since
        uses.check("spin_off_established", after, since=since, operating=ent.operating_since)
        if not after:
            reason = Msg.of("spin_off_before", operating=ent.operating_since, since=since)
            return ineligible(rec, rules, MEASURE, reason, uses)
    years: int = uses.get(MIN_OPERATING_YEARS, year_end(year))
    qualifies_on = add_years(ent.operating_since, years)
    on_time = qualifies_on <= year_end(year)
    uses.check("spin_off_years", on_time, years=years, year=year, since=ent.operating_since, on=qualifies_on)
    if not on_time:
        return ineligible(rec, rules, MEASURE, Msg.of("spin_off_too_early", years=years, date=qualifies_on), uses)
    paid = sorted(p.year for p in rec.prior if p.measure == MEASURE)
    uses.check("spin_off_not_paid", not paid, paid=paid[0] if paid else None)
    if paid:
        return ineligible(rec, rules, MEASURE, Msg.of("spin_off_paid", year=paid[0]), uses)
    amount = frac(uses.get(AMOUNT, year_end(year)))
    uses.step("spin_off_on", on=qualifies_on)
    return payable(rec, rules, MEASURE, Fraction(amount), Msg.of("spin_off_payable"), uses)


def _not_spun_off(rules: Rules) -> Template:
    basis = shared(rules, MEASURE, "not spun off", lambda: Basis(checks=(check("spun_off", False, spun_off=False),)))
    return template(rules, MEASURE, Status.INELIGIBLE, "spin_off_not_spun_off", basis)


def _no_date_line(rules: Rules, year: int) -> Template:
    basis = shared(rules, MEASURE, ("no date", year), lambda: _no_date(rules, year))
    return template(rules, MEASURE, Status.INELIGIBLE, "spin_off_no_operating_date", basis)


def _no_date(rules: Rules, year: int) -> Basis:
    """The checks of a spin-off without an operating start date (the years read, not used: no parameter shown)."""
    years, _ = rules.value(MEASURE, MIN_OPERATING_YEARS.name, year_end(year))
    return Basis(
        checks=(
            check("spun_off", True, spun_off=True),
            check("spin_off_years", False, years=years, year=year, since=None, on=None),
        )
    )
