"""The money path's edges, worked by hand from the notice (part 二) and SPEC §2–§6.

A second review of the measures: each case sits on a boundary the measure tests leave open
(an anniversary inside a lease, leases of different rents per m² above the area cap, a term
on the edge of a band of the five-band table, a benchmark change day, several loans against
what is left of the lifetime cap ...).  Each expected amount is worked out in the comment.
"""

from __future__ import annotations

from fractions import Fraction

from factories import (
    SHIPPED,
    TIER_AMOUNTS,
    assert_ineligible,
    assert_nothing_to_pay,
    assert_payable,
    ent,
    fee,
    lease,
    loan,
    paid,
    rec,
    rules_with,
    sale,
)

from tongnan_calc.core import engine
from tongnan_calc.core.measures import MEASURES
from tongnan_calc.core.model import Status
from tongnan_calc.text.basis import basis_lines
from tongnan_calc.text.messages import render

rent = MEASURES["rent"]
spin_off = MEASURES["spin_off"]
data_line = MEASURES["data_line"]
sales_milestone = MEASURES["sales_milestone"]
loan_interest = MEASURES["loan_interest"]
RENT = {"rates", "area_cap_m2"}
LOAN = {"share_of_benchmark", "enterprise_cap", "day_count", "benchmark_rates"}


def demo(level: str = "municipal") -> object:
    return ent(demo_level=level)


# --- 二（二） rent ---------------------------------------------------------------------------------


def test_rent_lease_ending_on_the_first_anniversary_pays_that_day_at_the_second_rate() -> None:
    # settled 2015-03-01, lease 2015-03-01..2016-03-01 inclusive: 306 days of 2015 (Mar..Dec)
    # + 60 days of 2016 before 1 March (Jan 31 + Feb 29) + 2016-03-01 = 367 days; 36,700 -> 100 a day.
    # 2016: first anniversary 2016-03-01 -> 60 days x 100 x 60 % = 3,600 and 1 day x 100 x 30 % = 30
    # total 3,630.00   (the anniversary day at 60 % would give 3,660.00; the end day left out 3,600.00)
    r = rec(ent(settled_on="2015-03-01"), leases=[lease("2015-03-01", "2016-03-01", 36700)])
    assert_payable(rent(r, 2016, SHIPPED), "3630.00", RENT)
    # 2015: 306 x 100 x 60 % = 18,360.00
    assert_payable(rent(r, 2015, SHIPPED), "18360.00", RENT)


def test_rent_lease_whose_last_day_is_the_first_day_of_the_year_counts_that_day() -> None:
    # settled 2015-07-01; lease 2015-07-01..2016-01-01 = 184 + 1 = 185 days, 18,500 -> 100 a day.
    # 2016: one day, 2016-01-01, at 60 % -> 60.00 (not "no lease": the lease covers a day of the window)
    r = rec(ent(settled_on="2015-07-01"), leases=[lease("2015-07-01", "2016-01-01", 18500)])
    assert_payable(rent(r, 2016, SHIPPED), "60.00", RENT)


def test_rent_lease_ending_the_day_before_the_second_anniversary_is_paid_to_its_end() -> None:
    # settled 2015-07-01; lease 2017-01-01..2017-06-30 = 181 days, 18,100 -> 100 a day, all in year two
    # (second anniversary 2017-07-01): 181 x 100 x 30 % = 5,430.00
    r = rec(ent(settled_on="2015-07-01"), leases=[lease("2017-01-01", "2017-06-30", 18100)])
    assert_payable(rent(r, 2017, SHIPPED), "5430.00", RENT)


def test_rent_overlapping_leases_with_different_rents_per_m2_share_the_cap_pro_rata() -> None:
    # settled 2015-01-01, all of 2015 at 60 %.
    # A: 1,500 m2, 2015-01-01..2015-12-31 (365 days), 365,000 -> 1,000 a day (0.667 a m2)
    # B: 1,000 m2, 2015-07-01..2015-12-31 (184 days),  92,000 ->   500 a day (0.5 a m2)
    # Jan 1..Jun 30, 181 days, A alone (1,500 <= 2,000): 181 x 1,000 x 0.6 = 108,600
    # Jul 1..Dec 31, 184 days, 2,500 m2 -> factor 2,000/2,500 = 0.8 on each lease (SPEC §4, not the
    # dearer 2,000 m2 first): (1,000 + 500) x 0.8 x 0.6 = 720 a day x 184 = 132,480
    # total 241,080.00
    r = rec(
        ent(settled_on="2015-01-01"),
        leases=[lease("2015-01-01", "2015-12-31", 365000, 1500), lease("2015-07-01", "2015-12-31", 92000, 1000)],
    )
    assert_payable(rent(r, 2015, SHIPPED), "241080.00", RENT)


def test_rent_cap_counts_the_area_of_the_day_not_of_the_year() -> None:
    # Two 1,500 m2 leases one after the other never overlap: no day above 2,000 m2, no reduction.
    # settled 2015-01-01; A 2015-01-01..2015-06-30 (181 days) 18,100; B 2015-07-01..2015-12-31 (184) 18,400
    # (181 + 184) x 100 x 0.6 = 21,900.00
    r = rec(
        ent(settled_on="2015-01-01"),
        leases=[lease("2015-01-01", "2015-06-30", 18100, 1500), lease("2015-07-01", "2015-12-31", 18400, 1500)],
    )
    assert_payable(rent(r, 2015, SHIPPED), "21900.00", RENT)


def test_rent_lease_starting_before_settling_counts_only_days_from_settling() -> None:
    # lease 2015-01-01..2015-12-31, 36,500 -> 100 a day; settled 2015-10-01: Oct 31 + Nov 30 + Dec 31 = 92 days
    # 92 x 100 x 0.6 = 5,520.00
    r = rec(ent(settled_on="2015-10-01"), leases=[lease("2015-01-01", "2015-12-31", 36500)])
    assert_payable(rent(r, 2015, SHIPPED), "5520.00", RENT)


def test_rent_paid_zero_pays_nothing() -> None:
    # rent_paid 0 on a counted lease: 0 a day -> 0.00, computed (not a guess) and nothing to pay
    r = rec(ent(settled_on="2015-01-01"), leases=[lease("2015-01-01", "2015-12-31", 0)])
    assert_nothing_to_pay(rent(r, 2015, SHIPPED), "二（二）", RENT)


# --- 二（三） spin_off ------------------------------------------------------------------------------


def test_spin_off_operating_one_year_in_mid_year_is_paid_that_year() -> None:
    # operating since 2015-06-30 -> one year on 2016-06-30 <= 2016-12-31: 20,000.00 in 2016; not in 2015
    r = rec(ent(spun_off=True, operating_since="2015-06-30"))
    assert_payable(spin_off(r, 2016, SHIPPED), "20000.00", {"amount", "min_operating_years"})
    assert spin_off(r, 2015, SHIPPED).status is Status.INELIGIBLE


def test_spin_off_paid_two_years_before_is_still_one_time() -> None:
    # paid for 2016; 2018 (two years later) is ineligible, naming 2016
    r = rec(ent(spun_off=True, operating_since="2015-01-01"), prior=[paid("spin_off", 2016, 20000)])
    assert_ineligible(spin_off(r, 2018, SHIPPED), "二（三）", "2016")


# --- 二（四） data_line ------------------------------------------------------------------------------


def test_data_line_fee_giving_exactly_the_cap() -> None:
    # 30 % x 333,333.33 = 99,999.999 (below the cap) -> 100,000.00 by rounding, not by the cap
    assert_payable(data_line(rec(data_lines=[fee(2015, "333333.33")]), 2015, SHIPPED), "100000.00", {"rate"})
    # 30 % x 333,333.34 = 100,000.002 -> capped to 100,000 exactly -> 100,000.00
    line = data_line(rec(data_lines=[fee(2015, "333333.34")]), 2015, SHIPPED)
    assert_payable(line, "100000.00", {"rate", "annual_cap"})


def test_data_line_period_from_a_prior_payout_when_the_workbook_holds_only_this_year() -> None:
    # ledger: data_line paid for 2015 and 2016; the 2017 workbook holds only 2017's fee:
    # the period is 2015-2016 (first year 2015, from the ledger) -> 2017 is ineligible
    r = rec(data_lines=[fee(2017, 10000)], prior=[paid("data_line", 2015, 3000), paid("data_line", 2016, 3000)])
    assert_ineligible(data_line(r, 2017, SHIPPED), "二（四）", "2015", "2016")
    # and 2016 with only 2015 paid is the second year: 30 % x 10,000 = 3,000.00
    r = rec(data_lines=[fee(2016, 10000)], prior=[paid("data_line", 2015, 3000)])
    assert_payable(data_line(r, 2016, SHIPPED), "3000.00", {"rate"})


def test_data_line_zero_fee_in_the_second_year_still_uses_it_up() -> None:
    # fees 2015: 10,000, 2016: 0, 2017: 10,000 -> period 2015-2016; 2017 ineligible (consecutive years)
    r = rec(data_lines=[fee(2015, 10000), fee(2016, 0), fee(2017, 10000)])
    assert_ineligible(data_line(r, 2017, SHIPPED), "二（四）")
    assert data_line(r, 2016, SHIPPED).status is Status.INELIGIBLE


# --- 二（五） sales_milestone -------------------------------------------------------------------------


def test_sales_two_tiers_crossed_in_one_year_after_the_lowest_was_paid() -> None:
    # paid 50 M tier (100,000) for 2015; 2016 sales 1.2 billion cross 100 M and 1 billion at once.
    # highest_only: 1 billion tier, 1,000,000.00
    prior = [paid("sales_milestone", 2015, 100000, tier=50000000)]
    r = rec(sales=[sale(2015, 60000000), sale(2016, 1200000000)], prior=prior)
    line = sales_milestone(r, 2016, rules_with(tier_amounts=TIER_AMOUNTS))
    assert_payable(line, "1000000.00", {"tiers", "mode"})
    assert line.tier is not None and int(line.tier) == 1000000000
    # top_up: 1,000,000 - 100,000 = 900,000.00
    line = sales_milestone(r, 2016, rules_with(tier_amounts=TIER_AMOUNTS, sales_mode="top_up"))
    assert_payable(line, "900000.00", {"tiers", "mode"})


def test_sales_earlier_year_above_a_tier_without_a_payout_still_is_not_first() -> None:
    # 2015: 120 M (no ledger entry: the enterprise never applied); 2016: 130 M -> no tier first crossed in 2016
    r = rec(sales=[sale(2015, 120000000), sale(2016, 130000000)])
    assert_ineligible(sales_milestone(r, 2016, rules_with(tier_amounts=TIER_AMOUNTS)), "二（五）")


def test_sales_top_up_counts_only_milestone_payouts() -> None:
    # top_up: prior payouts of other measures (spin_off 20,000) do not reduce the tier: 50 M tier 100,000.00
    r = rec(sales=[sale(2016, 60000000)], prior=[paid("spin_off", 2015, 20000)])
    line = sales_milestone(r, 2016, rules_with(tier_amounts=TIER_AMOUNTS, sales_mode="top_up"))
    assert_payable(line, "100000.00", {"tiers", "mode"})


# --- 二（六） loan_interest ---------------------------------------------------------------------------


def test_loan_drawn_on_a_benchmark_change_day_takes_the_new_rate() -> None:
    # drawn 2015-03-01 (the table of 2015-03-01 is in force that day), due 2017-03-01: 24 months -> 1-5 y 5.75 %
    # D = 2015-03-01..2015-12-31 = 306 days; 1,000,000 x 0.0575 x 306/360 x 0.5 = 57,500 x 0.85 x 0.5 = 24,437.50
    # (the day before's table, 6.00 %, would give 25,500.00)
    r = rec(ent(demo_level="national"), loans=[loan("JK-1", 1000000, "2015-03-01", "2017-03-01")])
    assert_payable(loan_interest(r, 2015, SHIPPED), "24437.50", LOAN)


def test_loan_term_of_exactly_36_months_is_the_one_to_three_year_band() -> None:
    # drawn 2013-01-15 (table of 2012-07-06), due 2016-01-15: 36 months -> 1-3 y 6.15 %; 2015 whole, 365 days
    # 1,000,000 x 0.0615 x 365/360 x 0.5 = 61,500 x 365/720 = 31,177.0833... -> 31,177.08
    r = rec(ent(demo_level="national"), loans=[loan("JK-1", 1000000, "2013-01-15", "2016-01-15")])
    assert_payable(loan_interest(r, 2015, SHIPPED), "31177.08", LOAN)
    # a day longer: 37 months -> 3-5 y 6.40 %: 64,000 x 365/720 = 32,444.444... -> 32,444.44
    r = rec(ent(demo_level="national"), loans=[loan("JK-1", 1000000, "2013-01-15", "2016-01-16")])
    assert_payable(loan_interest(r, 2015, SHIPPED), "32444.44", LOAN)


def test_loan_term_of_exactly_60_months_is_the_three_to_five_year_band() -> None:
    # drawn 2012-08-01 (table of 2012-07-06), due 2017-08-01: 60 months -> 3-5 y 6.40 %: 32,444.44 in 2015
    r = rec(ent(demo_level="national"), loans=[loan("JK-1", 1000000, "2012-08-01", "2017-08-01")])
    assert_payable(loan_interest(r, 2015, SHIPPED), "32444.44", LOAN)
    # due 2017-08-02: 61 months -> >5 y 6.55 %: 65,500 x 365/720 = 33,204.8611... -> 33,204.86
    r = rec(ent(demo_level="national"), loans=[loan("JK-1", 1000000, "2012-08-01", "2017-08-02")])
    assert_payable(loan_interest(r, 2015, SHIPPED), "33204.86", LOAN)


def test_loan_term_of_exactly_6_months_is_the_six_month_band() -> None:
    # drawn 2014-08-01 (table of 2012-07-06), due 2015-02-01: 6 months -> <=6 m 5.60 %; D in 2015 = 31 (January)
    # 1,000,000 x 0.056 x 31/360 x 0.5 = 28,000 x 31/360 = 2,411.111... -> 2,411.11   (6.00 %: 2,583.33)
    r = rec(ent(demo_level="national"), loans=[loan("JK-1", 1000000, "2014-08-01", "2015-02-01")])
    assert_payable(loan_interest(r, 2015, SHIPPED), "2411.11", LOAN)
    # due 2015-02-02: 7 months -> 6 m-1 y 6.00 %, D = 32: 30,000 x 32/360 = 2,666.666... -> 2,666.67
    r = rec(ent(demo_level="national"), loans=[loan("JK-1", 1000000, "2014-08-01", "2015-02-02")])
    assert_payable(loan_interest(r, 2015, SHIPPED), "2666.67", LOAN)


def test_loan_several_loans_against_what_is_left_of_the_cap() -> None:
    # prior loan_interest 480,000; two loans of 10,000,000 drawn 2015-10-24 due 2016-10-24: 12 months
    # -> <=1 y 4.35 %; D = Oct 24..Dec 31 = 8 + 30 + 31 = 69.  Each: 10,000,000 x 0.0435 x 69/360 x 0.5
    # = 41,687.50; together 83,375 > 500,000 - 480,000 = 20,000 -> 20,000.00
    loans = [loan("JK-1", 10000000, "2015-10-24", "2016-10-24"), loan("JK-2", 10000000, "2015-10-24", "2016-10-24")]
    prior = [paid("loan_interest", 2013, 300000), paid("loan_interest", 2014, 180000)]
    r = rec(ent(demo_level="national"), loans=loans, prior=prior)
    assert_payable(loan_interest(r, 2015, SHIPPED), "20000.00", LOAN)
    # without the prior payouts: 83,375.00
    r = rec(ent(demo_level="national"), loans=loans)
    assert_payable(loan_interest(r, 2015, SHIPPED), "83375.00", LOAN)


def test_loan_cap_exactly_used_up_is_ineligible() -> None:
    # prior 500,000.00 exactly: nothing left
    loans = [loan("JK-1", 10000000, "2015-10-24", "2016-10-24")]
    r = rec(ent(demo_level="national"), loans=loans, prior=[paid("loan_interest", 2014, 500000)])
    assert_ineligible(loan_interest(r, 2015, SHIPPED), "二（六）")


def test_loan_prior_payouts_of_other_measures_do_not_use_the_cap() -> None:
    # spin_off 20,000 and data_line 100,000 paid before: the loan's 41,687.50 is paid whole
    loans = [loan("JK-1", 10000000, "2015-10-24", "2016-10-24")]
    prior = [paid("spin_off", 2014, 20000), paid("data_line", 2014, 100000)]
    r = rec(ent(demo_level="national"), loans=loans, prior=prior)
    assert_payable(loan_interest(r, 2015, SHIPPED), "41687.50", LOAN)


def test_loan_interest_paid_zero_pays_nothing() -> None:
    # interest_paid 0 < benchmark interest: 50 % x 0 = 0.00 (half of what was paid, never more): nothing to pay
    r = rec(ent(demo_level="national"), loans=[loan("JK-1", 1000000, "2015-03-01", "2017-03-01", interest_paid=0)])
    assert_nothing_to_pay(loan_interest(r, 2015, SHIPPED), "二（六）", LOAN)


def test_loan_not_key_project_is_not_counted_beside_a_key_one() -> None:
    # JK-1 key project 24,437.50 (as on the benchmark change day above); JK-2 not a key project: left out
    loans = [
        loan("JK-1", 1000000, "2015-03-01", "2017-03-01"),
        loan("JK-2", 1000000, "2015-03-01", "2017-03-01", key_project=False),
    ]
    r = rec(ent(demo_level="national"), loans=loans)
    assert_payable(loan_interest(r, 2015, SHIPPED), "24437.50", LOAN)


# --- a year computed after later years were recorded -----------------------------------------------


def test_data_line_year_computed_late_beyond_the_period_is_held() -> None:
    # 二（四） 补贴期限为2年.  The ledger holds data_line for 2016 and 2017 (computed when 2016 looked like the
    # first year); the 2015 application comes late with a 2015 fee of 10,000.  The years before 2015 hold
    # nothing, so the measure alone finds the period 2015-2016 and 30 % x 10,000 = 3,000.00 payable:
    # a third year of subsidy (2015, 2016, 2017).  The line is held as pending: a person decides.
    records = rec(data_lines=[fee(2015, 10000)])
    payouts = (paid("data_line", 2016, 3000), paid("data_line", 2017, 3000))
    prior = engine.prior_by_enterprise(payouts, 2015)
    later = engine.later_by_enterprise(payouts, 2015)
    free = {line.measure: line for line in engine.compute([records], 2015, SHIPPED)}
    assert str(free["data_line"].amount) == "3000.00"
    line = {x.measure: x for x in engine.compute([records], 2015, SHIPPED, prior, later=later)}["data_line"]
    assert line.status is Status.PENDING
    assert line.amount is None
    assert render(line.reason, "en") == (
        "the ledger already holds a payout of this measure for 2016, 2017, a later year: with this year the"
        " subsidy would run beyond its period of 2 years (二（四）), so a person decides"
    )
    assert render(line.reason, "zh") == (
        "台账已有本项2016、2017年度（晚于本年度）的发放：连同本年度将超出2年的补贴期限（二（四）），待人工决定"
    )
    assert basis_lines(line.basis)[-1] == "amount from the payouts of earlier years only (not paid): 3000.00"


def test_data_line_year_computed_late_within_the_period_is_paid() -> None:
    # ledger: data_line 2016 only; 2015 computed late: 2015-2016 fit in the 2-year period -> 3,000.00 paid
    records = rec(data_lines=[fee(2015, 10000)])
    payouts = (paid("data_line", 2016, 3000),)
    later = engine.later_by_enterprise(payouts, 2015)
    line = {x.measure: x for x in engine.compute([records], 2015, SHIPPED, {}, later=later)}["data_line"]
    assert line.status is Status.PAYABLE
    assert str(line.amount) == "3000.00"


def test_loan_subsidy_exactly_what_is_left_of_the_cap_is_not_said_to_be_capped() -> None:
    # prior 458,312.50; one loan 41,687.50 (as above) = 500,000 - 458,312.50 exactly: paid whole, no cap step
    loans = [loan("JK-1", 10000000, "2015-10-24", "2016-10-24")]
    r = rec(ent(demo_level="national"), loans=loans, prior=[paid("loan_interest", 2014, "458312.50")])
    line = loan_interest(r, 2015, SHIPPED)
    assert_payable(line, "41687.50", LOAN)
    assert "enterprise_cap" not in [s.kind for s in line.basis.steps]
    # a cent more paid before: 500,000 - 458,312.51 = 41,687.49, and the basis says the cap was applied
    r = rec(ent(demo_level="national"), loans=loans, prior=[paid("loan_interest", 2014, "458312.51")])
    line = loan_interest(r, 2015, SHIPPED)
    assert_payable(line, "41687.49", LOAN)
    assert next(s for s in line.basis.steps if s.kind == "enterprise_cap").args == (("amount", Fraction("41687.49")),)


# --- annual measures read their parameters on 31 December Y (SPEC §5) ----------------------------------


def test_sales_tiers_revised_mid_year_are_read_on_31_december() -> None:
    # tier amounts 100,000 / 200,000 / 1,000,000 from 2015; from 2017-07-01 the 50 M tier pays 150,000.
    # 2017 sales 60 M cross 50 M for the first time: the tiers in force on 2017-12-31 -> 150,000.00
    last = "          - {threshold: 1000000000, amount: null}\n"
    revised = (
        "        2017-07-01:\n"
        "          - {threshold: 50000000, amount: 150000}\n"
        "          - {threshold: 100000000, amount: 200000}\n"
        "          - {threshold: 1000000000, amount: 1000000}\n"
    )
    rules = rules_with((last, last + revised), tier_amounts=(100000, 200000, None))
    line = sales_milestone(rec(sales=[sale(2016, 40000000), sale(2017, 60000000)]), 2017, rules)
    assert_payable(line, "150000.00", {"tiers", "mode"})


def test_data_line_rate_revised_mid_year_is_read_on_31_december() -> None:
    # rate 0.30 from 2015, 0.40 from 2017-07-01: 2017 fee 10,000 -> 0.40 x 10,000 = 4,000.00
    rules = rules_with(("        2015-01-01: 0.30\n", "        2015-01-01: 0.30\n        2017-07-01: 0.40\n"))
    assert_payable(data_line(rec(data_lines=[fee(2017, 10000)]), 2017, rules), "4000.00", {"rate"})


def test_spin_off_amount_revised_mid_year_is_read_on_31_december() -> None:
    # 20,000 from 2015, 30,000 from 2017-07-01: paid in 2017 -> 30,000.00
    rules = rules_with(("        2015-01-01: 20000\n", "        2015-01-01: 20000\n        2017-07-01: 30000\n"))
    line = spin_off(rec(ent(spun_off=True, operating_since="2016-03-01")), 2017, rules)
    assert_payable(line, "30000.00", {"amount"})


def test_loan_cap_revised_mid_year_is_read_on_31_december() -> None:
    # cap 500,000 from 2015, 450,000 from 2017-07-01; 430,000 paid before.
    # loan 10,000,000 drawn 2017-01-01 due 2018-01-01: 12 months -> <=1 y 4.35 % (2015-10-24); D = 365
    # 10,000,000 x 0.0435 x 365/360 x 0.5 = 220,520.833... -> capped at 450,000 - 430,000 = 20,000.00
    # (the cap of 1 January would leave 70,000.00)
    rules = rules_with(("        2015-01-01: 500000\n", "        2015-01-01: 500000\n        2017-07-01: 450000\n"))
    r = rec(
        ent(demo_level="national"),
        loans=[loan("JK-1", 10000000, "2017-01-01", "2018-01-01")],
        prior=[paid("loan_interest", 2016, 430000)],
    )
    assert_payable(loan_interest(r, 2017, rules), "20000.00", LOAN)


def test_data_line_year_between_an_earlier_and_a_later_paid_year_counts_both() -> None:
    # ledger: data_line 2015 and 2017 (2017 recorded from a run that did not know 2015).  2016 computed now:
    # the measure finds the period 2015-2016 (from the 2015 payout) and 30 % x 10,000 = 3,000.00, but
    # 2015, 2016 and 2017 are three years: held as pending
    records = rec(data_lines=[fee(2016, 10000)])
    payouts = (paid("data_line", 2015, 3000), paid("data_line", 2017, 3000))
    prior = engine.prior_by_enterprise(payouts, 2016)
    later = engine.later_by_enterprise(payouts, 2016)
    line = {x.measure: x for x in engine.compute([records], 2016, SHIPPED, prior, later=later)}["data_line"]
    assert line.status is Status.PENDING
    assert render(line.reason, "en").startswith("the ledger already holds a payout of this measure for 2017,")
    assert basis_lines(line.basis)[-1] == "amount from the payouts of earlier years only (not paid): 3000.00"
