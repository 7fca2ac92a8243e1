"""二（三） one-time 20,000 yuan for a spin-off operating 一年以上 (the bound included).

SPEC §4: requires spun_off = yes and operating_since + 1 year <= 31 December Y;
ineligible when a prior spin_off payout exists.
"""

from __future__ import annotations

import pytest
from factories import SHIPPED, assert_ineligible, assert_payable, ent, paid, rec, rules_with

from tongnan_calc.core.engine import compute, prior_by_enterprise
from tongnan_calc.core.measures import MEASURES
from tongnan_calc.core.rules import RuleError
from tongnan_calc.text.messages import render

spin_off = MEASURES["spin_off"]
PARAMS = {"amount", "min_operating_years"}


def test_one_year_exactly_on_31_december_is_eligible() -> None:
    # operating_since 2015-12-31 + 1 year = 2016-12-31 <= 2016-12-31 (以上 includes the bound)
    # amount 20,000 -> 20,000.00
    r = rec(ent(spun_off=True, operating_since="2015-12-31"))
    assert_payable(spin_off(r, 2016, SHIPPED), "20000.00", PARAMS)


def test_one_day_later_is_ineligible() -> None:
    # operating_since 2016-01-01 + 1 year = 2017-01-01 > 2016-12-31
    r = rec(ent(spun_off=True, operating_since="2016-01-01"))
    assert_ineligible(spin_off(r, 2016, SHIPPED), "二（三）", "2017-01-01")


def test_one_day_later_is_eligible_the_next_year() -> None:
    # 2017-01-01 <= 2017-12-31 -> 20,000.00
    r = rec(ent(spun_off=True, operating_since="2016-01-01"))
    assert_payable(spin_off(r, 2017, SHIPPED), "20000.00", PARAMS)


def test_leap_day_start() -> None:
    # operating_since 2016-02-29 + 1 year = 2017-02-28 <= 2017-12-31 -> 20,000.00; 2016 too early.
    r = rec(ent(spun_off=True, operating_since="2016-02-29"))
    assert_payable(spin_off(r, 2017, SHIPPED), "20000.00", PARAMS)
    assert_ineligible(spin_off(r, 2016, SHIPPED), "二（三）", "2017-02-28")


def test_prior_payout_in_an_earlier_year_is_ineligible_naming_that_year() -> None:
    # paid for 2016 (ledger); in 2017 the one-time reward is not paid again.
    r = rec(
        ent(spun_off=True, operating_since="2015-06-01"),
        prior=[paid("spin_off", 2016, 20000)],
    )
    assert_ineligible(spin_off(r, 2017, SHIPPED), "二（三）", "2016")


def test_prior_payout_of_another_measure_does_not_count() -> None:
    # only a spin_off payout makes it one-time: 20,000.00
    r = rec(
        ent(spun_off=True, operating_since="2015-06-01"),
        prior=[paid("data_line", 2016, 3000), paid("rent", 2016, 21900)],
    )
    assert_payable(spin_off(r, 2017, SHIPPED), "20000.00", PARAMS)


def test_not_spun_off_is_ineligible() -> None:
    r = rec(ent(spun_off=False, operating_since="2015-01-01"))
    assert_ineligible(spin_off(r, 2016, SHIPPED), "二（三）")


def test_no_operating_date_is_ineligible() -> None:
    r = rec(ent(spun_off=True, operating_since=None))
    assert_ineligible(spin_off(r, 2016, SHIPPED), "二（三）")


def test_ledger_payout_for_y_itself_is_not_prior() -> None:
    # SPEC §4: prior payouts are those recorded for years before Y.  Re-running 2017 after
    # recording 2017's payout still shows 20,000.00; 2018 is ineligible naming 2017.
    # (the ledger rows go through prior_by_enterprise, which keeps years < Y; compute() itself
    # attaches whatever mapping it is given)
    r = rec(ent(spun_off=True, operating_since="2015-06-01"))
    ledger = [paid("spin_off", 2017, 20000)]
    (line_2017,) = [
        x for x in compute([r], 2017, SHIPPED, prior_by_enterprise(ledger, 2017)) if x.measure == "spin_off"
    ]
    assert_payable(line_2017, "20000.00", PARAMS)
    (line_2018,) = [
        x for x in compute([r], 2018, SHIPPED, prior_by_enterprise(ledger, 2018)) if x.measure == "spin_off"
    ]
    assert_ineligible(line_2018, "二（三）", "2017")


# --- spin_off.established_from (issue 12: a reading the notice leaves open) ---------------------------

ESTABLISHED = "      established_from:\n        2015-01-01: null\n"


def since(*dated: tuple[str, str]) -> tuple[str, str]:
    return (ESTABLISHED, "      established_from:\n" + "".join(f"        {d}: {v}\n" for d, v in dated))


def test_established_from_null_by_default_rewards_an_old_spin_off() -> None:
    # the shipped reading: no date condition.  Operating since 2010-03-01 (before the policy):
    # 2010-03-01 + 1 year <= 2016-12-31 -> 20,000.00
    assert SHIPPED.value("spin_off", "established_from", SHIPPED.start) == (None, SHIPPED.start)
    r = rec(ent(spun_off=True, operating_since="2010-03-01"))
    assert_payable(spin_off(r, 2016, SHIPPED), "20000.00", PARAMS | {"established_from"})


def test_established_from_a_date_refuses_a_spin_off_operating_before_it() -> None:
    rules = rules_with(since(("2015-01-01", "2015-01-01")))
    r = rec(ent(spun_off=True, operating_since="2014-12-31"))
    line = spin_off(r, 2016, rules)
    assert_ineligible(line, "二（三）", "2015-01-01")
    assert render(line.reason, "zh") == (
        "2014-12-31开始运营，早于规则文件 spin_off.established_from 的2015-01-01：只奖励该日及以后分离设立的企业（二（三））"
    )
    assert render(line.reason, "en") == (
        "operating since 2014-12-31, before 2015-01-01 (rule file spin_off.established_from): only spin-offs"
        " established on or after that date are rewarded (二（三）)"
    )


def test_established_from_includes_its_own_day() -> None:
    # operating since 2015-01-01, the date itself: 2016-01-01 <= 2016-12-31 -> 20,000.00
    rules = rules_with(since(("2015-01-01", "2015-01-01")))
    r = rec(ent(spun_off=True, operating_since="2015-01-01"))
    assert_payable(spin_off(r, 2016, rules), "20000.00", PARAMS | {"established_from"})


def test_established_from_is_read_on_31_december() -> None:
    # null until 2016-12-31, 2016-01-01 from 2017-01-01.  Operating since 2015-06-01:
    # 2016 (null in force): 20,000.00; 2017 (2016-01-01 in force, 2015-06-01 before it): ineligible
    rules = rules_with(since(("2015-01-01", "null"), ("2017-01-01", "2016-01-01")))
    r = rec(ent(spun_off=True, operating_since="2015-06-01"))
    assert_payable(spin_off(r, 2016, rules), "20000.00", PARAMS)
    assert_ineligible(spin_off(r, 2017, rules), "二（三）", "2016-01-01", "2015-06-01")


def test_established_from_must_be_a_date_or_null() -> None:
    with pytest.raises(RuleError) as caught:
        rules_with(since(("2015-01-01", "yes please")))
    (problem,) = caught.value.problems
    assert (
        problem.say.en
        == "spin_off.established_from from 2015-01-01: expected a date such as 2015-01-01, got 'yes please'"
    )
    assert (
        problem.say.zh == "spin_off.established_from（自 2015-01-01 起）：应为日期（如 2015-01-01），实际为“yes please”"
    )


def test_a_rule_file_without_established_from_reads_null() -> None:
    # an older rule file without the key loads, with no date condition from the policy start
    rules = rules_with((ESTABLISHED, ""))
    assert rules.value("spin_off", "established_from", rules.start) == (None, rules.start)
    r = rec(ent(spun_off=True, operating_since="2010-03-01"))
    assert_payable(spin_off(r, 2016, rules), "20000.00", PARAMS)
