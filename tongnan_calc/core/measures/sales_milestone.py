"""二（五） One-time rewards for annual sales first crossing 50 million, 100 million, 1 billion.

    对年销售额首次突破5000万元、1亿元、10亿元的电子商务企业，给予一次性奖励（不重复享受）。
    （责任单位：区商务局、区财政局）

SPEC §4 ``sales_milestone``: tier t is first crossed in Y when sales(Y) > threshold,
no earlier year on record is above it, and no prior payout exists for t or a higher
tier.  Of several tiers crossed at once only the highest is paid (``highest_only``);
``top_up`` pays that tier's amount less all prior milestone payouts.  A tier with
no amount in the rule file gives a ``pending`` line: a person decides.
"""

from __future__ import annotations

from fractions import Fraction

from tongnan_calc.core.dates import year_end
from tongnan_calc.core.measures.common import (
    Template,
    Uses,
    blocked,
    common_conditions,
    ineligible,
    make_line,
    no_error,
    once,
    passed,
    payable,
    shared,
    template,
)
from tongnan_calc.core.model import SALES, Line, Msg, Records, Status
from tongnan_calc.core.money import frac, show
from tongnan_calc.core.params import Kind, Param
from tongnan_calc.core.rules import Rules, Tier
from tongnan_calc.core.trace import Basis, check

MEASURE = "sales_milestone"

HIGHEST_ONLY, TOP_UP = "highest_only", "top_up"
MODE = Param("mode", Kind.CHOICE, "choice", choices=(HIGHEST_ONLY, TOP_UP))
"""``highest_only``: the highest tier crossed is paid; ``top_up``: its amount less the earlier rewards."""
TIERS = Param("tiers", Kind.TIERS, "yuan")
"""The sales thresholds and their rewards (null: the policy fixes none)."""
PARAMS = (MODE, TIERS)


def compute(rec: Records, year: int, rules: Rules) -> Line:
    before = passed(rules, MEASURE)
    early = common_conditions(rec, rules, MEASURE) or blocked(rec, rules, MEASURE, SALES, before)
    if early is not None:
        return early
    this_year = [s for s in rec.sales if s.year == year]
    if not this_year:
        return once(rules, (MEASURE, "none", year), lambda: _none(rules, year)).of(rec)
    sales = this_year[0].sales
    uses = Uses(rules, MEASURE, (*before, no_error(SALES)))
    uses.check("sales_on_record", True, year=year, sales=sales)
    shown = once(rules, (MEASURE, "tiers shown", year), lambda: _show_tiers(rules, year))
    tiers: tuple[Tier, ...] = uses.get(TIERS, year_end(year), shown)
    mode: str = uses.get(MODE, year_end(year))
    uses.step("sales", year=year, sales=sales)
    earlier = max((s.sales for s in rec.sales if s.year < year), default=None)
    if earlier is not None:
        uses.step("sales_earlier", sales=earlier)
    prior = [p for p in rec.prior if p.measure == MEASURE] if rec.prior else []
    paid_tier = max((p.tier for p in prior if p.tier is not None), default=None)
    if paid_tier is not None:
        uses.step("sales_paid_tier", tier=paid_tier)
    crossed = [
        t
        for t in tiers
        if sales > t.threshold
        and (earlier is None or earlier <= t.threshold)
        and (paid_tier is None or paid_tier < t.threshold)
    ]
    thresholds = tuple(t.threshold for t in crossed)
    uses.check("sales_crossed", bool(crossed), earlier=earlier, paid=paid_tier, crossed=thresholds)
    if not crossed:
        return ineligible(rec, rules, MEASURE, Msg.of("sales_no_tier", sales=show(sales)), uses)
    tier = crossed[-1]
    if len(crossed) > 1:
        uses.step("sales_crossed", tiers=thresholds)
    uses.check("sales_tier_amount", tier.amount is not None, tier=tier.threshold, amount=tier.amount)
    if tier.amount is None:
        return make_line(
            rec,
            rules,
            MEASURE,
            Status.PENDING,
            Msg.of("sales_pending", tier=show(tier.threshold)),
            uses,
            tier=tier.threshold,
        )
    amount = frac(tier.amount)
    if mode == TOP_UP:
        already = sum((frac(p.amount) for p in prior), Fraction(0))
        uses.step("sales_top_up", amount=already)
        amount = max(Fraction(0), amount - already)
    reason = Msg.of("sales_payable", tier=show(tier.threshold))
    return payable(rec, rules, MEASURE, amount, reason, uses, tier=tier.threshold)


def _none(rules: Rules, year: int) -> Template:
    """The line of the enterprises with no sales on record for the year."""
    basis = shared(
        rules,
        MEASURE,
        ("none", year),
        lambda: Basis(checks=(no_error(SALES), check("sales_on_record", False, year=year, sales=None))),
    )
    return template(rules, MEASURE, Status.INELIGIBLE, "sales_none", basis, year=year)


def _show_tiers(rules: Rules, year: int) -> str:
    tiers, _ = rules.value(MEASURE, TIERS.name, year_end(year))
    return "; ".join(f">{show(t.threshold)}: {'null' if t.amount is None else show(t.amount)}" for t in tiers)
