"""二（二） rent subsidy, worked by hand from the notice and SPEC §4.

SPEC: rate 60% on settled_on <= d < settled_on + 1 year, 30% on
settled_on + 1 year <= d < settled_on + 2 years; each lease's rent spread evenly
over its days (inclusive); that day's rent x min(1, 2000 / A(d)); summed over the
days of Y, rounded once half up.  29 February + n years is 28 February.
"""

from __future__ import annotations

from factories import (
    CODE,
    SHIPPED,
    assert_blocked,
    assert_ineligible,
    assert_payable,
    blocking,
    ent,
    issue,
    lease,
    rec,
    rules_with,
)

from tongnan_calc.core.measures import MEASURES
from tongnan_calc.core.model import Status

rent = MEASURES["rent"]
PARAMS = {"rates", "area_cap_m2"}


# --- settling on 29 February -------------------------------------------------


def test_leap_day_settling_first_year_2016() -> None:
    # settled 2016-02-29; lease 2016-01-01..2016-12-31 = 366 days, 36,600 -> 100/day.
    # Days before settling: Jan 31 + Feb 1..28 = 59; counted days 366 - 59 = 307, all at 60%.
    # 307 x 100 x 0.60 = 18,420.00
    r = rec(ent(settled_on="2016-02-29"), leases=[lease("2016-01-01", "2016-12-31", 36600)])
    assert_payable(rent(r, 2016, SHIPPED), "18420.00", PARAMS)


def test_leap_day_settling_first_anniversary_is_28_february() -> None:
    # settled 2016-02-29 -> first anniversary 2017-02-28 (SPEC §2).
    # lease 2017-01-01..2017-12-31 = 365 days, 36,500 -> 100/day.
    # 60%: 2017-01-01..2017-02-27 = 31 + 27 = 58 days -> 58 x 60 = 3,480
    # 30%: 2017-02-28..2017-12-31 = 365 - 58 = 307 days -> 307 x 30 = 9,210
    # total 12,690.00   (an anniversary on 1 March would give 3,540 + 9,180 = 12,720)
    r = rec(ent(settled_on="2016-02-29"), leases=[lease("2017-01-01", "2017-12-31", 36500)])
    assert_payable(rent(r, 2017, SHIPPED), "12690.00", PARAMS)


def test_leap_day_settling_second_anniversary_is_28_february() -> None:
    # second anniversary 2018-02-28: 30% on 2018-01-01..2018-02-27 = 31 + 27 = 58 days,
    # nothing from 2018-02-28.  lease 2018 full year 36,500 -> 100/day.
    # 58 x 100 x 0.30 = 1,740.00   (to 1 March would be 59 x 30 = 1,770)
    r = rec(ent(settled_on="2016-02-29"), leases=[lease("2018-01-01", "2018-12-31", 36500)])
    assert_payable(rent(r, 2018, SHIPPED), "1740.00", PARAMS)


def test_year_after_the_two_year_window_is_ineligible() -> None:
    # settled 2016-02-29: the window ends before 2018-02-28, so 2019 has no rate at all.
    r = rec(ent(settled_on="2016-02-29"), leases=[lease("2019-01-01", "2019-12-31", 36500)])
    assert_ineligible(rent(r, 2019, SHIPPED), "二（二）", "2019")


def test_year_before_settling_is_ineligible() -> None:
    # settled 2016-03-01: in 2015 no day has a rate.
    r = rec(ent(settled_on="2016-03-01"), leases=[lease("2015-01-01", "2015-12-31", 36500)])
    assert_ineligible(rent(r, 2015, SHIPPED), "二（二）")


# --- one lease crossing the first anniversary -----------------------------------


def test_lease_crossing_first_anniversary_splits_rate_within_the_row() -> None:
    # settled 2015-07-01 -> first anniversary 2016-07-01.
    # lease 2016-04-01..2016-09-30: Apr 30 + May 31 + Jun 30 + Jul 31 + Aug 31 + Sep 30 = 183 days,
    # rent 10,000 -> 10000/183 a day.
    # 60%: 2016-04-01..06-30 = 91 days; 30%: 2016-07-01..09-30 = 92 days.
    # 10000/183 x (91 x 0.6 + 92 x 0.3) = 10000/183 x 82.2 = 822000/183 = 4491.8032... -> 4,491.80
    r = rec(ent(settled_on="2015-07-01"), leases=[lease("2016-04-01", "2016-09-30", 10000)])
    assert_payable(rent(r, 2016, SHIPPED), "4491.80", PARAMS)


def test_lease_spanning_year_end_counts_only_days_of_y() -> None:
    # settled 2015-11-01; lease 2015-11-01..2016-02-29 = Nov 30 + Dec 31 + Jan 31 + Feb 29 = 121 days,
    # rent 12,100 -> 100/day, all days within year 1 (60%).
    # 2015: 61 days x 60 = 3,660.00; 2016: 60 days x 60 = 3,600.00
    r = rec(ent(settled_on="2015-11-01"), leases=[lease("2015-11-01", "2016-02-29", 12100)])
    assert_payable(rent(r, 2015, SHIPPED), "3660.00", PARAMS)
    assert_payable(rent(r, 2016, SHIPPED), "3600.00", PARAMS)


# --- the 2,000 m² area cap ----------------------------------------------------


def test_overlapping_leases_above_cap_factor_only_on_overlap_days() -> None:
    # settled 2015-01-01 (the policy start itself: 新落户 on or after it); all of 2015 at 60%.
    # A: 2015-01-01..12-31, 1,500 m², 73,000 / 365 = 200 a day.
    # B: 2015-07-01..12-31 = 184 days, 1,000 m², 18,400 / 184 = 100 a day.
    # Jan 1..Jun 30 (181 days): A(d) = 1500, factor 1            -> 181 x 200 = 36,200
    # Jul 1..Dec 31 (184 days): A(d) = 2500, factor 2000/2500 = 4/5 -> 184 x 300 x 4/5 = 44,160
    # 0.60 x (36,200 + 44,160) = 0.60 x 80,360 = 48,216.00
    # (the factor on every day would give 0.6 x 91,400 x 0.8 = 43,872)
    r = rec(
        ent(settled_on="2015-01-01"),
        leases=[
            lease("2015-01-01", "2015-12-31", 73000, 1500, building="A座"),
            lease("2015-07-01", "2015-12-31", 18400, 1000, building="B座", row=3),
        ],
    )
    assert_payable(rent(r, 2015, SHIPPED), "48216.00", PARAMS)


def test_single_lease_above_cap() -> None:
    # settled 2015-03-15; one lease 2015-03-15..12-31 of 2,345.6 m², rent 12,345.67; all at 60%.
    # factor 2000/2345.6 on every day, so the daily spread cancels:
    # 12345.67 x 0.6 x 2000 / 2345.6 = 14,814,804 / 2,345.6 = 6315.99761... -> 6,316.00
    # (2345.6 x 6315 = 14,812,464; remainder 2,340 / 2,345.6 = 0.9976)
    r = rec(ent(settled_on="2015-03-15"), leases=[lease("2015-03-15", "2015-12-31", "12345.67", "2345.6")])
    assert_payable(rent(r, 2015, SHIPPED), "6316.00", PARAMS)


def test_area_exactly_at_cap_is_not_reduced() -> None:
    # 2,000 m² exactly: factor min(1, 2000/2000) = 1.  36,500 x 0.60 = 21,900.00
    r = rec(ent(settled_on="2015-01-01"), leases=[lease("2015-01-01", "2015-12-31", 36500, 2000)])
    assert_payable(rent(r, 2015, SHIPPED), "21900.00", PARAMS)


def test_lease_in_non_planned_building_not_counted_nor_in_area() -> None:
    # planned: 100 m², 36,500 for 2015; non-planned: 2,500 m², 100,000 for 2015.
    # Only the planned lease counts, also for A(d) = 100 (factor 1): 36,500 x 0.60 = 21,900.00
    # (counting the other's area: factor 2000/2600 -> 16,846.15; counting its rent: 81,900)
    r = rec(
        ent(settled_on="2015-01-01"),
        leases=[
            lease("2015-01-01", "2015-12-31", 36500, 100),
            lease("2015-01-01", "2015-12-31", 100000, 2500, planned=False, building="民房", row=3),
        ],
    )
    assert_payable(rent(r, 2015, SHIPPED), "21900.00", PARAMS)


def test_only_non_planned_leases_is_ineligible() -> None:
    r = rec(
        ent(settled_on="2015-01-01"),
        leases=[lease("2015-01-01", "2015-12-31", 100000, 2500, planned=False)],
    )
    assert_ineligible(rent(r, 2015, SHIPPED), "二（二）")


# --- newly settled --------------------------------------------------------------


def test_settled_before_policy_start_is_ineligible() -> None:
    # 2014-12-31 < policy start 2015-01-01: not 新落户, even though 2015 is in its first two years.
    r = rec(ent(settled_on="2014-12-31"), leases=[lease("2015-01-01", "2015-12-31", 36500)])
    assert_ineligible(rent(r, 2015, SHIPPED), "二（二）", "2014-12-31")


def test_no_settling_date_is_ineligible() -> None:
    r = rec(ent(settled_on=None), leases=[lease("2015-01-01", "2015-12-31", 36500)])
    assert_ineligible(rent(r, 2015, SHIPPED), "二（二）")


# --- a rate change in the rule file, read per day --------------------------------


def test_rate_change_mid_year_read_per_day() -> None:
    # rules: rates 2015-01-01 [0.60, 0.30], 2016-07-01 [0.50, 0.25].
    # settled 2016-01-01, 2016 wholly in year 1; lease 2016 full year 36,600 / 366 = 100 a day.
    # Jan 1..Jun 30 = 31+29+31+30+31+30 = 182 days x 100 x 0.60 = 10,920
    # Jul 1..Dec 31 = 184 days x 100 x 0.50 = 9,200
    # total 20,120.00  (read on 31 Dec: 18,300; read on settling: 21,960)
    rules = rules_with(rent_rates_from={"2016-07-01": ("0.50", "0.25")})
    r = rec(ent(settled_on="2016-01-01"), leases=[lease("2016-01-01", "2016-12-31", 36600)])
    assert_payable(rent(r, 2016, rules), "20120.00", PARAMS)


def test_rate_change_applies_to_year_two_rate_too() -> None:
    # same rules; 2017 is wholly year 2 (2017-01-01 <= d < 2018-01-01), rate in force 0.25.
    # 36,500 x 0.25 = 9,125.00
    rules = rules_with(rent_rates_from={"2016-07-01": ("0.50", "0.25")})
    r = rec(ent(settled_on="2016-01-01"), leases=[lease("2017-01-01", "2017-12-31", 36500)])
    assert_payable(rent(r, 2017, rules), "9125.00", PARAMS)


# --- bad input ------------------------------------------------------------------


def test_lease_row_with_an_error_blocks_rent() -> None:
    # a bad row in `leases` blocks rent for that enterprise: never computed from the rows left.
    r = rec(
        ent(settled_on="2015-01-01"),
        leases=[lease("2015-01-01", "2015-12-31", 36500)],
        blocking=blocking("leases", issue("leases", 7, "area_m2", code=CODE)),
    )
    line = rent(r, 2015, SHIPPED)
    assert_blocked(line, "leases")
    assert line.status is Status.BLOCKED
