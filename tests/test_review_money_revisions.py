"""The money review, round 3: a rule revision inside the year, worked by hand (SPEC §4, §5).

Rent reads its parameters day by day, so a year can hold the first anniversary, a new rate pair and a
new area cap at once; the annual measures read theirs on 31 December Y, so a sales tier an analyst adds
rewards only a first crossing — never an enterprise that was above it before the tier existed.
"""

from __future__ import annotations

from factories import assert_ineligible, assert_payable, ent, lease, paid, rec, rules_with, sale

from tongnan_calc.core.measures import MEASURES
from tongnan_calc.core.rules import Rules

rent = MEASURES["rent"]
sales_milestone = MEASURES["sales_milestone"]

_LAST_TIER = "          - {threshold: 1000000000, amount: null}\n"


def _revised_rent() -> Rules:
    """From 2017-07-01: rates [0.50, 0.25] and an area cap of 1,000 m²."""
    return rules_with(
        (
            "      area_cap_m2:\n        2015-01-01: 2000\n",
            "      area_cap_m2:\n        2015-01-01: 2000\n        2017-07-01: 1000\n",
        ),
        rent_rates_from={"2017-07-01": ("0.50", "0.25")},
    )


def test_rent_anniversary_new_rates_and_new_area_cap_in_one_year() -> None:
    """二（二） with a revision from 2017-07-01 (rates [0.50, 0.25], cap 1,000 m²); settled 2016-10-01, so
    the first anniversary is 2017-10-01; one lease 2017-01-01..2017-12-31 of 1,500 m², 36,500 -> 100 a day.
      2017-01-01..06-30 181 days: year 1, 60 %, cap 2,000 (factor 1)      181 × 100 × 0.60       = 10,860
      2017-07-01..09-30  92 days: year 1, 50 %, cap 1,000 (factor 2/3)     92 × 100 × 0.50 × 2/3  =  3,066.666…
      2017-10-01..12-31  92 days: year 2, 25 %, cap 1,000 (factor 2/3)     92 × 100 × 0.25 × 2/3  =  1,533.333…
      total 15,460.00 exactly (the thirds add up to 4,600).  The values of 1 January for the whole year would
      give 273 × 100 × 0.60 + 92 × 100 × 0.30 = 19,140.00; those of 31 December 273 × 100 × 0.50 × 2/3 +
      92 × 100 × 0.25 × 2/3 = 10,633.33."""
    r = rec(ent(settled_on="2016-10-01"), leases=[lease("2017-01-01", "2017-12-31", 36500, 1500)])
    assert_payable(rent(r, 2017, _revised_rent()), "15460.00", {"rates", "area_cap_m2"})
    # 2016, before the revision: a lease 2016-10-01..12-31 (92 days, 9,200 -> 100 a day), 60 %, cap 2,000
    r16 = rec(ent(settled_on="2016-10-01"), leases=[lease("2016-10-01", "2016-12-31", 9200, 1500)])
    assert_payable(rent(r16, 2016, _revised_rent()), "5520.00", {"rates", "area_cap_m2"})  # 92 × 100 × 0.60


def _tier_added_2018() -> Rules:
    """The 2018 revision's 500 million tier (examples/rules-2018-revision.yaml), with amounts."""
    added = (
        "        2018-01-01:\n"
        "          - {threshold: 50000000, amount: 100000}\n"
        "          - {threshold: 100000000, amount: 200000}\n"
        "          - {threshold: 500000000, amount: 500000}\n"
        "          - {threshold: 1000000000, amount: 1000000}\n"
    )
    return rules_with((_LAST_TIER, _LAST_TIER + added), tier_amounts=(100000, 200000, 1000000))


def test_sales_tier_added_by_a_revision_rewards_a_first_crossing_after_it() -> None:
    """二（五） "首次突破": 2017 sales 150 million crossed 100 million (200,000 paid for 2017); the 500 million
    tier exists from 2018-01-01; 2018 sales 600 million cross it for the first time -> 500,000.00."""
    r = rec(
        sales=[sale(2017, 150000000), sale(2018, 600000000, row=3)],
        prior=[paid("sales_milestone", 2017, 200000, tier=100000000)],
    )
    line = sales_milestone(r, 2018, _tier_added_2018())
    assert_payable(line, "500000.00", {"mode", "tiers"})
    assert line.tier == 500000000


def test_sales_tier_added_by_a_revision_does_not_reward_sales_above_it_before() -> None:
    """二（五） "首次突破": 2017 sales 600 million crossed 50 and 100 million (highest_only: 200,000 for the
    100 million tier; no 500 million tier in force on 2017-12-31).  The 500 million tier added from
    2018-01-01 is not first crossed in 2018 (700 million): an earlier year (2017) was already above it
    -> ineligible, not 500,000.00."""
    r = rec(
        sales=[sale(2017, 600000000), sale(2018, 700000000, row=3)],
        prior=[paid("sales_milestone", 2017, 200000, tier=100000000)],
    )
    assert_ineligible(sales_milestone(r, 2018, _tier_added_2018()), "二（五）")
    # the same enterprise in 2017 under the revised file: the 500 million tier is not yet in force
    line = sales_milestone(rec(sales=[sale(2017, 600000000)]), 2017, _tier_added_2018())
    assert_payable(line, "200000.00", {"mode", "tiers"})
    assert line.tier == 100000000


def _rent_ends_2017_07_01() -> Rules:
    """`end: 2017-07-01` under rent: not in force from that day (rules.yaml: rent pays the days before)."""
    title = "    title: 新落户企业办公用房租金补助\n"
    return rules_with((title, title + "    end: 2017-07-01\n"))


def test_rent_whose_leased_days_all_fall_after_the_measure_ends_is_ineligible_not_zero_payable() -> None:
    """rent ends on 2017-07-01 (rules.yaml: "makes it ineligible from that day on, the reason naming the end
    ... rent pays the days before the end").  Settled 2017-08-01 with a lease 2017-08-01..12-31: not one
    day of it is in force -> ineligible, the reason naming the end.  It was `payable` 0.00 ("rent subsidy
    for 2017-08-01 to 2017-12-31"), a row of the payout sheet for a measure no longer in force; since a
    0.00 amount is nothing to pay (common.payable) it was ineligible as "按计算依据，金额为0.00元，无需发放",
    which hides why.  The same for a lease that starts after the end though the window began before it."""
    rules = _rent_ends_2017_07_01()
    late = rec(ent(settled_on="2017-08-01"), leases=[lease("2017-08-01", "2017-12-31", 15300)])
    text = assert_ineligible(rent(late, 2017, rules), "二（二）", "2017-07-01", "rent.end")
    assert text == "本项政策自2017-07-01起停止执行（规则文件 rent.end）（二（二））"
    early = rec(ent(settled_on="2017-01-01"), leases=[lease("2017-08-01", "2017-12-31", 15300)])
    assert_ineligible(rent(early, 2017, rules), "二（二）", "2017-07-01", "rent.end")
    # a lease with days on both sides of the end is paid for the days before it:
    # 2017-06-01..07-31 = 61 days, 6,100 -> 100 a day; June (30 days) at 60 % = 1,800.00
    both = rec(ent(settled_on="2017-01-01"), leases=[lease("2017-06-01", "2017-07-31", 6100)])
    assert_payable(rent(both, 2017, rules), "1800.00", {"rates", "area_cap_m2"})
