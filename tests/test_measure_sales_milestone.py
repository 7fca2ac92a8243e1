"""二（五） one-time rewards for first crossing 50 million, 100 million, 1 billion.

SPEC §4: tier t is first crossed in Y when sales(Y) > threshold_t (突破: strictly
above), no earlier year in `sales` has sales > threshold_t, and no prior
sales_milestone payout exists for tier t or a higher tier.  highest_only pays the
highest tier first crossed; top_up pays its amount minus all prior
sales_milestone payouts (not below 0).  No amount in the rule file -> pending.

Amounts set for the tests (the notice fixes none): 50 M -> 100,000,
100 M -> 200,000, 1 B -> 1,000,000.
"""

from __future__ import annotations

from decimal import Decimal

from factories import (
    SHIPPED,
    TIER_AMOUNTS,
    assert_blocked,
    assert_ineligible,
    assert_nothing_to_pay,
    assert_payable,
    blocking,
    ent,
    issue,
    paid,
    rec,
    rules_with,
    sale,
)

from tongnan_calc.core.measures import MEASURES
from tongnan_calc.core.model import Status
from tongnan_calc.text.messages import render

sales_milestone = MEASURES["sales_milestone"]
PARAMS = {"mode", "tiers"}

M50 = Decimal("50000000")
M100 = Decimal("100000000")
B1 = Decimal("1000000000")

HIGHEST_ONLY = rules_with(tier_amounts=TIER_AMOUNTS)
TOP_UP = rules_with(tier_amounts=TIER_AMOUNTS, sales_mode="top_up")


def names_tier(text: str, tier: Decimal) -> bool:
    n = int(tier)
    return any(form in text for form in (str(n), f"{n:,}", f"{n // 10000}万", f"{n // 100000000}亿"))


# --- amounts unset: pending -----------------------------------------------------


def test_one_tier_crossed_amount_unset_is_pending_naming_the_tier() -> None:
    # sales 2015: 40 M, 2016: 60 M > 50 M -> first crossed 50 M; the shipped rules set no amount.
    r = rec(ent(), sales=[sale(2015, 40000000), sale(2016, 60000000, row=3)])
    line = sales_milestone(r, 2016, SHIPPED)
    assert line.status is Status.PENDING
    assert line.amount is None
    assert line.tier == M50
    assert names_tier(render(line.reason, "zh"), M50), render(line.reason, "zh")


def test_several_tiers_amount_unset_pending_names_the_highest() -> None:
    # 1.2 B crosses all three in 2016; highest_only -> the 1 B tier, amount unset -> pending.
    r = rec(ent(), sales=[sale(2016, 1200000000)])
    line = sales_milestone(r, 2016, SHIPPED)
    assert line.status is Status.PENDING
    assert line.amount is None
    assert line.tier == B1
    assert names_tier(render(line.reason, "zh"), B1), render(line.reason, "zh")


# --- amounts set ------------------------------------------------------------------


def test_one_tier_crossed_pays_its_amount() -> None:
    # 60 M > 50 M (2015: 40 M not above) -> tier 50 M: 100,000.00
    r = rec(ent(), sales=[sale(2015, 40000000), sale(2016, 60000000, row=3)])
    line = sales_milestone(r, 2016, HIGHEST_ONLY)
    assert_payable(line, "100000.00", PARAMS)
    assert line.tier == M50


def test_several_tiers_in_one_year_only_the_highest() -> None:
    # 2016: 1.2 B > 50 M, 100 M, 1 B; 2015: 10 M.  highest_only -> 1 B tier: 1,000,000.00
    # (not 100,000 + 200,000 + 1,000,000 = 1,300,000)
    r = rec(ent(), sales=[sale(2015, 10000000), sale(2016, 1200000000, row=3)])
    line = sales_milestone(r, 2016, HIGHEST_ONLY)
    assert_payable(line, "1000000.00", PARAMS)
    assert line.tier == B1


def test_equal_to_threshold_is_not_crossed() -> None:
    # 2016: exactly 50,000,000.00 is not 突破 (strictly above) -> no tier.
    r = rec(ent(), sales=[sale(2016, "50000000.00")])
    assert_ineligible(sales_milestone(r, 2016, HIGHEST_ONLY), "二（五）")


def test_one_cent_above_after_a_year_at_the_threshold() -> None:
    # 2016 exactly 50 M (not above), 2017 50,000,000.01 > 50 M and no earlier year above it
    # -> first crossed in 2017: 100,000.00
    r = rec(ent(), sales=[sale(2016, "50000000.00"), sale(2017, "50000000.01", row=3)])
    line = sales_milestone(r, 2017, HIGHEST_ONLY)
    assert_payable(line, "100000.00", PARAMS)
    assert line.tier == M50


def test_tier_exceeded_in_an_earlier_sales_year_is_not_first() -> None:
    # 2015: 60 M, 2016: 70 M; no ledger payout.  50 M was exceeded in 2015 -> not first in 2016.
    r = rec(ent(), sales=[sale(2015, 60000000), sale(2016, 70000000, row=3)])
    assert_ineligible(sales_milestone(r, 2016, HIGHEST_ONLY), "二（五）")


def test_higher_tier_first_crossed_after_lower_one_earlier() -> None:
    # 2015: 60 M (above 50 M), 2016: 45 M, 2017: 120 M.
    # In 2017 50 M is not first (2015); 100 M is first -> 200,000.00
    r = rec(ent(), sales=[sale(2015, 60000000), sale(2016, 45000000, row=3), sale(2017, 120000000, row=4)])
    line = sales_milestone(r, 2017, HIGHEST_ONLY)
    assert_payable(line, "200000.00", PARAMS)
    assert line.tier == M100


def test_highest_only_ignores_prior_lower_payout_in_the_amount() -> None:
    # ledger: 50 M tier paid 100,000 for 2016.  2017: 150 M -> 100 M first crossed.
    # highest_only pays the tier's amount: 200,000.00
    r = rec(
        ent(),
        sales=[sale(2016, 60000000), sale(2017, 150000000, row=3)],
        prior=[paid("sales_milestone", 2016, 100000, tier=M50)],
    )
    line = sales_milestone(r, 2017, HIGHEST_ONLY)
    assert_payable(line, "200000.00", PARAMS)
    assert line.tier == M100


def test_top_up_pays_the_difference() -> None:
    # same facts, mode top_up: 200,000 - 100,000 (all prior sales_milestone payouts) = 100,000.00
    r = rec(
        ent(),
        sales=[sale(2016, 60000000), sale(2017, 150000000, row=3)],
        prior=[paid("sales_milestone", 2016, 100000, tier=M50)],
    )
    line = sales_milestone(r, 2017, TOP_UP)
    assert_payable(line, "100000.00", PARAMS)
    assert line.tier == M100


def test_top_up_never_pays_below_zero() -> None:
    # ledger: the 50 M tier was paid 250,000 for 2016 (an amount a person decided while the rule file had
    # none).  2017: 150 M crosses 100 M, whose amount is 200,000: top_up 200,000 - 250,000 < 0 -> 0.00,
    # "not below 0" (SPEC §4), never a negative payout — and 0.00 is nothing to pay (common.payable).
    r = rec(
        ent(),
        sales=[sale(2016, 60000000), sale(2017, 150000000, row=3)],
        prior=[paid("sales_milestone", 2016, 250000, tier=M50)],
    )
    line = sales_milestone(r, 2017, TOP_UP)
    assert_nothing_to_pay(line, "二（五）", PARAMS)
    assert [s.get("amount") for s in line.basis.of("sales_top_up")] == [Decimal(250000)]


def test_top_up_two_tiers_in_one_year_after_a_lower_payout() -> None:
    # ledger: 50 M tier paid 100,000 for 2016.  2017: 1.5 B crosses 100 M and 1 B.
    # top_up on the highest: 1,000,000 - 100,000 = 900,000.00
    r = rec(
        ent(),
        sales=[sale(2016, 60000000), sale(2017, 1500000000, row=3)],
        prior=[paid("sales_milestone", 2016, 100000, tier=M50)],
    )
    line = sales_milestone(r, 2017, TOP_UP)
    assert_payable(line, "900000.00", PARAMS)
    assert line.tier == B1


def test_top_up_without_prior_pays_the_full_amount() -> None:
    # no prior payout: 200,000 - 0 = 200,000.00 (2016: 120 M crosses 50 M and 100 M; highest 100 M)
    r = rec(ent(), sales=[sale(2016, 120000000)])
    line = sales_milestone(r, 2016, TOP_UP)
    assert_payable(line, "200000.00", PARAMS)
    assert line.tier == M100


def test_prior_payout_for_a_higher_tier_blocks_lower_tiers() -> None:
    # ledger: the 100 M tier paid for 2016 (history from before the tool; 2016 sales not in this workbook).
    # 2018: 80 M > 50 M, no earlier sales row above 50 M, but a higher tier was paid -> no tier.
    r = rec(
        ent(),
        sales=[sale(2018, 80000000)],
        prior=[paid("sales_milestone", 2016, 200000, tier=M100)],
    )
    assert_ineligible(sales_milestone(r, 2018, HIGHEST_ONLY), "二（五）")


def test_prior_payout_for_the_same_tier_blocks_it() -> None:
    r = rec(
        ent(),
        sales=[sale(2017, 60000000)],
        prior=[paid("sales_milestone", 2016, 100000, tier=M50)],
    )
    assert_ineligible(sales_milestone(r, 2017, HIGHEST_ONLY), "二（五）")


def test_no_sales_for_y_is_ineligible() -> None:
    r = rec(ent(), sales=[sale(2015, 60000000)])
    assert_ineligible(sales_milestone(r, 2016, HIGHEST_ONLY), "二（五）", "2016")


def test_bad_sales_row_blocks() -> None:
    r = rec(ent(), sales=[sale(2016, 60000000)], blocking=blocking("sales", issue("sales", 3, "sales")))
    assert_blocked(sales_milestone(r, 2016, HIGHEST_ONLY), "sales")
