"""二（六） second sentence: interest subsidy on key construction project loans.

SPEC §4: demo_level national or municipal; only key_project loans; D = days of Y
within [drawdown, maturity); term in months, a part month counting as a whole;
r = benchmark rate for that band in force on the drawdown date;
subsidy = 50% x min(principal x r x D / 360, interest_paid when given);
enterprise amount = min(sum, 500,000 - prior loan_interest payouts).

Rates used below (rules.yaml / SPEC table; the earlier tables, from 2002-02-21, in test_benchmark_history.py):
  2012-07-06: <=6 m 5.60, <=12 m 6.00, <=36 m 6.15, <=60 m 6.40, else 6.55
  2014-11-22: <=12 m 5.60, <=60 m 6.00, else 6.15
  2015-05-11: <=12 m 5.10, <=60 m 5.50, else 5.65
  2015-10-24: <=12 m 4.35, <=60 m 4.75, else 4.90
  2019-08-20: none (LPR) -> pending
"""

from __future__ import annotations

import pytest
from factories import (
    SHIPPED,
    assert_blocked,
    assert_ineligible,
    assert_payable,
    blocking,
    ent,
    issue,
    loan,
    paid,
    rec,
    rules_with,
)

from tongnan_calc.core.measures import MEASURES
from tongnan_calc.core.model import Enterprise, Status
from tongnan_calc.core.rules import RuleError
from tongnan_calc.text.messages import render

loan_interest = MEASURES["loan_interest"]
PARAMS = {"levels", "share_of_benchmark", "enterprise_cap", "day_count", "benchmark_rates"}


def demo(level: str = "municipal") -> Enterprise:
    return ent(demo_level=level, name="重庆潼南示范电商有限公司")


# --- rate tables --------------------------------------------------------------------


def test_loan_before_2014_11_22_uses_five_band_table_and_crosses_year_end() -> None:
    # drawn 2014-09-01, due 2015-07-01: 10 months -> 6 m-1 y band of 2012-07-06: 6.00%.
    # days of 2015 in [2015-01-01, 2015-07-01): 31+28+31+30+31+30 = 181.
    # 2,000,000 x 0.06 x 0.5 x 181/360 = 60,000 x 181/360 = 10,860,000/360 = 30,166.666... -> 30,166.67
    # (the <=1 y band 5.60 of 2014-11-22 would give 28,155.56)
    r = rec(demo(), loans=[loan("JK-2014-031", 2000000, "2014-09-01", "2015-07-01")])
    assert_payable(loan_interest(r, 2015, SHIPPED), "30166.67", PARAMS)


def test_day_count_360_over_a_whole_365_day_year() -> None:
    # drawn 2014-06-01, due 2016-06-01: 24 months -> 1-3 y band of 2012-07-06: 6.15%.
    # 2015 wholly inside: D = 365.
    # 1,000,000 x 0.0615 x 0.5 = 30,750; x 365/360 = 30,750 x 73/72 = 2,244,750/72 = 31,177.0833 -> 31,177.08
    # (a 365-day basis would give 30,750.00)
    r = rec(demo("national"), loans=[loan("JK-2014-007", 1000000, "2014-06-01", "2016-06-01")])
    assert_payable(loan_interest(r, 2015, SHIPPED), "31177.08", PARAMS)


def test_leap_year_366_days_over_360() -> None:
    # drawn 2015-06-01 (table of 2015-05-11), due 2017-06-01: 24 months -> 1-5 y: 5.50%.
    # 2016: D = 366.  1,000,000 x 0.055 x 0.5 = 27,500; x 366/360 = 10,065,000/360 = 27,958.333 -> 27,958.33
    r = rec(demo(), loans=[loan("JK-2015-101", 1000000, "2015-06-01", "2017-06-01")])
    assert_payable(loan_interest(r, 2016, SHIPPED), "27958.33", PARAMS)


# --- term band boundary ------------------------------------------------------------------


def test_term_exactly_twelve_months_is_the_one_year_band() -> None:
    # drawn 2015-01-10 (table of 2014-11-22; 2015-03-01 not yet), due 2016-01-10: exactly 12 months
    # -> <=1 y band 5.60%.  D = 2015-01-10..2015-12-31 = 365 - 9 = 356.
    # 1,000,000 x 0.056 x 0.5 x 356/360 = 28,000 x 356/360 = 9,968,000/360 = 27,688.888... -> 27,688.89
    r = rec(demo(), loans=[loan("JK-2015-001", 1000000, "2015-01-10", "2016-01-10")])
    assert_payable(loan_interest(r, 2015, SHIPPED), "27688.89", PARAMS)


def test_twelve_months_and_one_day_is_thirteen_months() -> None:
    # due 2016-01-11: 12 months + 1 day -> 13 months -> 1-5 y band 6.00%.  D = 356 as above.
    # 30,000 x 356/360 = 10,680,000/360 = 29,666.666... -> 29,666.67
    r = rec(demo(), loans=[loan("JK-2015-002", 1000000, "2015-01-10", "2016-01-11")])
    assert_payable(loan_interest(r, 2015, SHIPPED), "29666.67", PARAMS)


def test_leap_day_drawdown_plus_twelve_months_is_28_february() -> None:
    # drawn 2016-02-29 (table of 2015-10-24), due 2017-02-28: 29 Feb + 12 months = 28 Feb (SPEC §2),
    # so exactly 12 months -> <=1 y 4.35%.  2016: [02-29, 12-31] = 366 - 59 = 307 days.
    # 1,000,000 x 0.0435 x 0.5 = 21,750; x 307/360 = 6,677,250/360 = 18,547.9166... -> 18,547.92
    # (the 1-5 y band 4.75% would give 23,750 x 307/360 = 20,253.47)
    r = rec(demo(), loans=[loan("JK-2016-229", 1000000, "2016-02-29", "2017-02-28")])
    assert_payable(loan_interest(r, 2016, SHIPPED), "18547.92", PARAMS)


def test_drawdown_on_the_day_a_table_takes_effect_uses_it() -> None:
    # drawn 2014-11-22, due 2015-11-22: 12 months; the 2014-11-22 table is in force that day: 5.60%.
    # 2015 days [01-01, 11-22) = 365 - (9 + 31) = 325.
    # 1,000,000 x 0.056 x 0.5 = 28,000; x 325/360 = 9,100,000/360 = 25,277.777... -> 25,277.78
    # (the 2012-07-06 table's 6 m-1 y 6.00% would give 27,083.33)
    r = rec(demo(), loans=[loan("JK-2014-1122", 1000000, "2014-11-22", "2015-11-22")])
    assert_payable(loan_interest(r, 2015, SHIPPED), "25277.78", PARAMS)


def test_drawdown_the_day_before_a_table_uses_the_old_one() -> None:
    # drawn 2014-11-21, due 2015-11-21: 12 months -> 2012-07-06 table, 6 m-1 y band 6.00%.
    # 2015 days [01-01, 11-21) = 365 - (10 + 31) = 324.
    # 1,000,000 x 0.06 x 0.5 = 30,000; x 324/360 = 27,000.00
    r = rec(demo(), loans=[loan("JK-2014-1121", 1000000, "2014-11-21", "2015-11-21")])
    assert_payable(loan_interest(r, 2015, SHIPPED), "27000.00", PARAMS)


def test_two_loans_are_summed_then_rounded_once() -> None:
    # 28,000 x 356/360 + 30,000 x 356/360 = 58,000 x 356/360 = 20,648,000/360 = 57,355.555... -> 57,355.56
    r = rec(
        demo(),
        loans=[
            loan("JK-2015-001", 1000000, "2015-01-10", "2016-01-10"),
            loan("JK-2015-002", 1000000, "2015-01-10", "2016-01-11", row=3),
        ],
    )
    assert_payable(loan_interest(r, 2015, SHIPPED), "57355.56", PARAMS)


# --- days of Y only; the maturity day bears no interest ---------------------------------------


def test_loan_across_year_end_counts_days_of_each_year() -> None:
    # drawn 2015-11-01 (table of 2015-10-24), due 2016-05-01: 6 months -> <=1 y 4.35%.
    # 3,000,000 x 0.0435 x 0.5 = 65,250 a 360-day year.
    # 2015: Nov 30 + Dec 31 = 61 days -> 65,250 x 61/360 = 3,980,250/360 = 11,056.25
    # 2016: [01-01, 05-01) = 31+29+31+30 = 121 days (not 05-01) -> 65,250 x 121/360 = 7,895,250/360 = 21,931.25
    r = rec(demo(), loans=[loan("JK-2015-088", 3000000, "2015-11-01", "2016-05-01")])
    assert_payable(loan_interest(r, 2015, SHIPPED), "11056.25", PARAMS)
    assert_payable(loan_interest(r, 2016, SHIPPED), "21931.25", PARAMS)


def test_maturity_on_1_january_bears_no_interest_in_that_year() -> None:
    # due 2016-01-01: the days of 2016 in [2015-11-01, 2016-01-01) are none.
    r = rec(demo(), loans=[loan("JK-2015-089", 3000000, "2015-11-01", "2016-01-01")])
    assert_ineligible(loan_interest(r, 2016, SHIPPED), "二（六）")


# --- interest actually paid ---------------------------------------------------------------


def test_interest_paid_below_half_the_benchmark_interest_gets_half_of_it() -> None:
    # the issue's case: a loan priced at or below half the benchmark.  2016-01-01 to 2017-01-01, 12 months -> 4.35%.
    # benchmark interest 1,000,000 x 0.0435 x 366/360 = 44,225.00; interest actually paid 10,000 is less
    # -> 50% x 10,000 = 5,000.00 (not min(22,112.50, 10,000) = 10,000: the whole interest refunded)
    r = rec(demo(), loans=[loan("JK-2016-010", 1000000, "2016-01-01", "2017-01-01", interest_paid=10000)])
    assert_payable(loan_interest(r, 2016, SHIPPED), "5000.00", PARAMS)


def test_interest_paid_below_the_benchmark_interest_halves_what_was_paid() -> None:
    # benchmark interest 1,000,000 x 0.056 x 356/360 = 55,377.777...; interest paid 20,000 is less
    # -> 50% x 20,000 = 10,000.00
    r = rec(demo(), loans=[loan("JK-2015-001", 1000000, "2015-01-10", "2016-01-10", interest_paid=20000)])
    assert_payable(loan_interest(r, 2015, SHIPPED), "10000.00", PARAMS)


def test_interest_paid_equal_to_the_benchmark_interest() -> None:
    # 1,200,000 x 0.0435 x 136/360 = 19,720.00 = interest paid -> 50% x 19,720 = 9,860.00
    r = rec(demo(), loans=[loan("CQ-2015-1116", 1200000, "2015-11-16", "2016-05-16", interest_paid=19720)])
    assert_payable(loan_interest(r, 2016, SHIPPED), "9860.00", PARAMS)


def test_interest_paid_above_the_benchmark_interest_does_not_raise_it() -> None:
    # benchmark interest 55,377.777... < interest paid 60,000 -> 50% x 55,377.777... = 27,688.888... -> 27,688.89
    r = rec(demo(), loans=[loan("JK-2015-001", 1000000, "2015-01-10", "2016-01-10", interest_paid=60000)])
    assert_payable(loan_interest(r, 2015, SHIPPED), "27688.89", PARAMS)


def test_interest_paid_absent_uses_the_benchmark_interest() -> None:
    # no interest_paid: 50% x 55,377.777... = 27,688.89
    r = rec(demo(), loans=[loan("JK-2015-001", 1000000, "2015-01-10", "2016-01-10")])
    assert_payable(loan_interest(r, 2015, SHIPPED), "27688.89", PARAMS)


def test_interest_paid_limits_each_loan_not_the_sum() -> None:
    # loan 1: 50% x min(55,377.777..., 20,000) = 10,000; loan 2 (13 months, 6.00%, no interest_paid):
    # 1,000,000 x 0.06 x 0.5 x 356/360 = 29,666.666...; 10,000 + 29,666.666... = 39,666.666... -> 39,666.67
    r = rec(
        demo(),
        loans=[
            loan("JK-2015-001", 1000000, "2015-01-10", "2016-01-10", interest_paid=20000),
            loan("JK-2015-002", 1000000, "2015-01-10", "2016-01-11", row=3),
        ],
    )
    assert_payable(loan_interest(r, 2015, SHIPPED), "39666.67", PARAMS)


# --- enterprise cap ------------------------------------------------------------------------------


def test_enterprise_cap_500000() -> None:
    # 100,000,000 x 0.056 x 0.5 x 356/360 = 2,800,000 x 356/360 = 2,768,888.89 > 500,000 -> 500,000.00
    r = rec(demo(), loans=[loan("JK-2015-500", 100000000, "2015-01-10", "2016-01-10")])
    assert_payable(loan_interest(r, 2015, SHIPPED), "500000.00", PARAMS)


def test_prior_payout_450000_leaves_50000() -> None:
    # 2016: 30,000,000 x 0.0435 x 0.5 x 121/360 = 652,500 x 121/360 = 78,952,500/360 = 219,312.50
    # min(219,312.50, 500,000 - 450,000) = 50,000.00
    r = rec(
        demo(),
        loans=[loan("JK-2015-300", 30000000, "2015-11-01", "2016-05-01")],
        prior=[paid("loan_interest", 2015, 450000)],
    )
    assert_payable(loan_interest(r, 2016, SHIPPED), "50000.00", PARAMS)


def test_prior_payout_450000_below_what_is_left() -> None:
    # 2016: 65,250 x 121/360 = 21,931.25 < 50,000 left -> 21,931.25
    r = rec(
        demo(),
        loans=[loan("JK-2015-088", 3000000, "2015-11-01", "2016-05-01")],
        prior=[paid("loan_interest", 2015, 450000)],
    )
    assert_payable(loan_interest(r, 2016, SHIPPED), "21931.25", PARAMS)


def test_cap_reached_by_prior_payouts() -> None:
    # 300,000 (2015) + 200,000 (2016) = 500,000: nothing left in 2017.
    r = rec(
        demo(),
        loans=[loan("JK-2015-300", 30000000, "2015-11-01", "2018-05-01")],
        prior=[paid("loan_interest", 2015, 300000), paid("loan_interest", 2016, 200000)],
    )
    # min(sum, 500,000 - 500,000 = 0): nothing to pay -> ineligible, naming 二（六）
    assert_ineligible(loan_interest(r, 2017, SHIPPED), "二（六）")


# --- who and which loans ---------------------------------------------------------------------------


def test_demo_level_required() -> None:
    r = rec(ent(demo_level=None), loans=[loan("JK-2015-001", 1000000, "2015-01-10", "2016-01-10")])
    assert_ineligible(loan_interest(r, 2015, SHIPPED), "二（六）")


# --- loan_interest.levels: any (issue 12: 二（六）'s second sentence has no subject) ------------------

NEXT = '      # 二（六）: "按银行同期基准利率的50%给予贷款贴息"'
LEVELS = "      levels:\n        2015-01-01: [national, municipal]\n" + NEXT
ANY_LEVEL = (LEVELS, "      levels:\n        2015-01-01: any\n" + NEXT)
LOAN_2016 = loan("JK-2016-001", 1000000, "2016-01-01", "2017-01-01")


def test_levels_default_is_national_and_municipal() -> None:
    # the shipped reading: no level, no subsidy, the reason naming the levels
    assert SHIPPED.value("loan_interest", "levels", SHIPPED.start)[0] == ("national", "municipal")
    line = loan_interest(rec(ent(demo_level=None), loans=[LOAN_2016]), 2016, SHIPPED)
    assert render(line.reason, "zh") == "非国家级、市级电子商务示范企业（二（六））"


def test_levels_any_pays_an_enterprise_with_no_level() -> None:
    # drawn 2016-01-01, due 2017-01-01: 12 months -> <=1 y band of 2015-10-24: 4.35%; D = 366 (2016).
    # 1,000,000 x 0.0435 x 366/360 = 44,225.00; x 0.5 = 22,112.50
    rules = rules_with(ANY_LEVEL)
    assert rules.value("loan_interest", "levels", rules.start)[0] == "any"
    assert_payable(loan_interest(rec(ent(demo_level=None), loans=[LOAN_2016]), 2016, rules), "22112.50", PARAMS)


def test_levels_any_does_not_require_an_ecommerce_legal_entity() -> None:
    # 二（七）'s 法人企业 condition names 二（二）至（五）, not 二（六）: an e-commerce enterprise that is
    # not a legal entity is paid as well: 22,112.50 (as above)
    rules = rules_with(ANY_LEVEL)
    r = rec(ent(demo_level=None, ecommerce_entity=False), loans=[LOAN_2016])
    assert_payable(loan_interest(r, 2016, rules), "22112.50", PARAMS)
    # ... and the demonstration enterprises are paid as before
    assert_payable(loan_interest(rec(demo("national"), loans=[LOAN_2016]), 2016, rules), "22112.50", PARAMS)


def test_levels_any_leaves_demo_priority_alone() -> None:
    # demo_priority has its own levels: with loan_interest.levels any, no level is still no flag
    rules = rules_with(ANY_LEVEL)
    line = MEASURES["demo_priority"](rec(ent(demo_level=None)), 2016, rules)
    assert line.status is Status.INELIGIBLE


def test_levels_is_a_list_or_any() -> None:
    with pytest.raises(RuleError) as caught:
        rules_with((LEVELS, "      levels:\n        2015-01-01: everyone\n" + NEXT))
    (problem,) = caught.value.problems
    assert problem.say.en == (
        "loan_interest.levels from 2015-01-01: expected a list of levels such as [national, municipal], or any,"
        " got 'everyone'"
    )
    assert problem.say.zh == (
        "loan_interest.levels（自 2015-01-01 起）：应为示范企业级别的列表（如 [national, municipal]）或 any，实际为“everyone”"
    )


def test_only_key_project_loans_count() -> None:
    # key loan 27,688.89 (as above); the 5,000,000 working-capital loan is not a key project.
    r = rec(
        demo(),
        loans=[
            loan("JK-2015-001", 1000000, "2015-01-10", "2016-01-10"),
            loan("LD-2015-009", 5000000, "2015-01-10", "2016-01-10", key_project=False, row=3),
        ],
    )
    assert_payable(loan_interest(r, 2015, SHIPPED), "27688.89", PARAMS)


def test_no_key_project_loan_is_ineligible() -> None:
    r = rec(demo(), loans=[loan("LD-2015-009", 5000000, "2015-01-10", "2016-01-10", key_project=False)])
    assert_ineligible(loan_interest(r, 2015, SHIPPED), "二（六）")


# --- after the LPR reform ---------------------------------------------------------------------------


def test_loan_drawn_the_day_before_2019_08_20_has_a_rate() -> None:
    # drawn 2019-08-19 (table of 2015-10-24), due 2020-08-19: 12 months -> 4.35%.
    # 2019: Aug 19..31 = 13 + Sep 30 + Oct 31 + Nov 30 + Dec 31 = 135 days.
    # 1,000,000 x 0.0435 x 0.5 = 21,750; x 135/360 = 2,936,250/360 = 8,156.25
    r = rec(demo(), loans=[loan("JK-2019-819", 1000000, "2019-08-19", "2020-08-19")])
    assert_payable(loan_interest(r, 2019, SHIPPED), "8156.25", PARAMS)


def test_loan_drawn_on_2019_08_20_is_pending() -> None:
    r = rec(demo(), loans=[loan("JK-2019-820", 1000000, "2019-08-20", "2020-08-20")])
    line = loan_interest(r, 2019, SHIPPED)
    assert line.status is Status.PENDING
    assert line.amount is None
    assert "JK-2019-820" in render(line.reason, "zh")


def test_loan_drawn_after_2019_08_20_is_pending() -> None:
    r = rec(demo(), loans=[loan("JK-2020-003", 1000000, "2020-03-01", "2021-03-01")])
    line = loan_interest(r, 2020, SHIPPED)
    assert line.status is Status.PENDING
    assert line.amount is None
    assert "JK-2020-003" in render(line.reason, "zh")


def test_analyst_added_rate_after_lpr_is_used() -> None:
    # the analyst adds 2019-08-20 rates (here the 2015-10-24 ones again) -> the loan computes.
    # drawn 2020-03-01, due 2021-03-01: 12 months -> 4.35%; 2020 days Mar 1..Dec 31 = 366 - 60 = 306.
    # 21,750 x 306/360 = 6,655,500/360 = 18,487.50
    rules = rules_with(
        (
            "        2019-08-20: null\n",
            "        2019-08-20:\n"
            "          - {max_months: 12, rate: 4.35}\n"
            "          - {max_months: 60, rate: 4.75}\n"
            "          - {max_months: null, rate: 4.90}\n",
        )
    )
    r = rec(demo(), loans=[loan("JK-2020-003", 1000000, "2020-03-01", "2021-03-01")])
    assert_payable(loan_interest(r, 2020, rules), "18487.50", PARAMS)


def test_bad_loan_row_blocks() -> None:
    r = rec(
        demo(),
        loans=[loan("JK-2015-001", 1000000, "2015-01-10", "2016-01-10")],
        blocking=blocking("loans", issue("loans", 5, "maturity_date")),
    )
    assert_blocked(loan_interest(r, 2015, SHIPPED), "loans")
