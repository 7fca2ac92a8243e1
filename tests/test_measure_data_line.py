"""二（四） data-line subsidy: min(30% x F, 100,000) within a 2-year period.

SPEC §4: F = sum of fee_paid for Y; the period is the 2 consecutive calendar
years from the first year (not before the policy start year, 2015) with a fee
above zero on record or a prior data_line payout.
"""

from __future__ import annotations

from factories import (
    SHIPPED,
    assert_blocked,
    assert_ineligible,
    assert_payable,
    blocking,
    ent,
    fee,
    issue,
    paid,
    rec,
)

from tongnan_calc.core.measures import MEASURES
from tongnan_calc.core.model import Status

data_line = MEASURES["data_line"]
PARAMS = {"rate", "annual_cap", "period_years"}


def test_thirty_percent_below_cap_summing_rows_of_y() -> None:
    # F(2015) = 100,000 + 23,456.78 = 123,456.78 (the 2016 row is another year)
    # 0.30 x 123,456.78 = 37,037.034 -> 37,037.03
    r = rec(ent(), data_lines=[fee(2015, 100000), fee(2015, "23456.78", row=3), fee(2016, 90000, row=4)])
    assert_payable(data_line(r, 2015, SHIPPED), "37037.03", PARAMS)


def test_rounding_is_half_up() -> None:
    # 0.30 x 10,016.75 = 3,005.025 exactly -> half up 3,005.03 (half even would give 3,005.02)
    r = rec(ent(), data_lines=[fee(2015, "10016.75")])
    assert_payable(data_line(r, 2015, SHIPPED), "3005.03", PARAMS)


def test_above_cap() -> None:
    # 0.30 x 400,000 = 120,000 > 100,000 -> 100,000.00
    r = rec(ent(), data_lines=[fee(2015, 400000)])
    assert_payable(data_line(r, 2015, SHIPPED), "100000.00", PARAMS)


def test_just_above_cap_capped_before_rounding() -> None:
    # 0.30 x 333,333.35 = 100,000.005 > 100,000 -> 100,000.00 (not 100,000.01)
    r = rec(ent(), data_lines=[fee(2015, "333333.35")])
    assert_payable(data_line(r, 2015, SHIPPED), "100000.00", PARAMS)


def test_period_starts_first_year_with_a_fee() -> None:
    # fees 2016: 1,000, 2017: 2,000, 2018: 3,000 -> period 2016-2017.
    # 2016: 0.3 x 1,000 = 300.00; 2017: 0.3 x 2,000 = 600.00; 2018: outside (third year)
    r = rec(ent(), data_lines=[fee(2016, 1000), fee(2017, 2000, row=3), fee(2018, 3000, row=4)])
    assert_payable(data_line(r, 2016, SHIPPED), "300.00", PARAMS)
    assert_payable(data_line(r, 2017, SHIPPED), "600.00", PARAMS)
    assert_ineligible(data_line(r, 2018, SHIPPED), "二（四）", "2016", "2017")


def test_zero_fee_year_does_not_start_the_period() -> None:
    # fees 2015: 0, 2016: 1,000, 2017: 1,000, 2018: 1,000 -> first fee above zero 2016,
    # period 2016-2017: 2017 pays 300.00, 2018 is the third year.
    r = rec(
        ent(),
        data_lines=[fee(2015, 0), fee(2016, 1000, row=3), fee(2017, 1000, row=4), fee(2018, 1000, row=5)],
    )
    assert_payable(data_line(r, 2017, SHIPPED), "300.00", PARAMS)
    assert_ineligible(data_line(r, 2018, SHIPPED), "二（四）")


def test_period_not_before_policy_start_year() -> None:
    # fees 2014: 5,000 (before the policy start year 2015), 2015: 1,000, 2016: 2,000, 2017: 3,000.
    # The period starts in 2015 (not 2014): 2015-2016.
    # 2016: 0.3 x 2,000 = 600.00; 2017 is the third year -> ineligible.
    r = rec(
        ent(),
        data_lines=[fee(2014, 5000), fee(2015, 1000, row=3), fee(2016, 2000, row=4), fee(2017, 3000, row=5)],
    )
    assert_payable(data_line(r, 2016, SHIPPED), "600.00", PARAMS)
    assert_ineligible(data_line(r, 2017, SHIPPED), "二（四）", "2015", "2016")


def test_period_counted_from_a_prior_payout() -> None:
    # ledger: data_line paid for 2015 (no fee row for 2015 in this workbook).
    # fees 2016: 10,000, 2017: 10,000 -> period 2015-2016.
    # 2016: 0.3 x 10,000 = 3,000.00; 2017 -> ineligible.
    r = rec(
        ent(),
        data_lines=[fee(2016, 10000), fee(2017, 10000, row=3)],
        prior=[paid("data_line", 2015, 3000)],
    )
    assert_payable(data_line(r, 2016, SHIPPED), "3000.00", PARAMS)
    assert_ineligible(data_line(r, 2017, SHIPPED), "二（四）", "2015", "2016")


def test_no_fee_on_record_is_ineligible() -> None:
    r = rec(ent())
    line = data_line(r, 2015, SHIPPED)
    assert_ineligible(line, "二（四）")


def test_bad_data_line_row_blocks() -> None:
    r = rec(
        ent(),
        data_lines=[fee(2015, 1000)],
        blocking=blocking("data_lines", issue("data_lines", 4, "fee_paid")),
    )
    line = data_line(r, 2015, SHIPPED)
    assert_blocked(line, "data_lines")
    assert line.status is Status.BLOCKED
