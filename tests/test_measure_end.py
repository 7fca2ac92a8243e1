"""A measure that ends (issue 12): `enabled: null` from a date, `end:` under a measure or under `policy`.

The notice sets no end; the rule file may.  From the day a measure ends it is ineligible, the
reason naming the end (the date and the rule-file key) and the clause, in both languages.
Annual measures read the end as in force on 31 December Y (SPEC §5); rent, read day by day,
pays the days before the end.  Left out, nothing ends: the shipped file computes as before.
"""

from __future__ import annotations

import pytest
from factories import SHIPPED, ent, fee, lease, rec, rules_with

from tongnan_calc.core.engine import compute
from tongnan_calc.core.model import Line, Records, Status
from tongnan_calc.core.rules import RuleError, Rules
from tongnan_calc.text.basis import basis_lines
from tongnan_calc.text.messages import render

SPIN_OFF_PARAMS = "      established_from:\n"
SPIN_OFF_ENDS_2018 = (
    SPIN_OFF_PARAMS,
    "      enabled:\n        2015-01-01: true\n        2018-01-01: null\n" + SPIN_OFF_PARAMS,
)


def line_of(records: Records, year: int, rules: Rules, measure: str) -> Line:
    (found,) = [x for x in compute([records], year, rules) if x.measure == measure]
    return found


def spun_off() -> Records:
    return rec(ent(spun_off=True, operating_since="2015-06-01"))


def test_nothing_ends_in_the_shipped_file() -> None:
    assert not SHIPPED.ends
    assert SHIPPED.ended("spin_off", SHIPPED.start.replace(year=9998)) is None


def test_enabled_null_from_a_date_ends_the_measure() -> None:
    rules = rules_with(SPIN_OFF_ENDS_2018)
    # 2017: still in force on 2017-12-31 -> operating since 2015-06-01 + 1 year <= 2017-12-31: 20,000.00
    paid_2017 = line_of(spun_off(), 2017, rules, "spin_off")
    assert (paid_2017.status, str(paid_2017.amount)) == (Status.PAYABLE, "20000.00")
    # 2018: ended on 2018-01-01 (on 31 December 2018 enabled is null)
    ended = line_of(spun_off(), 2018, rules, "spin_off")
    assert (ended.status, ended.amount) == (Status.INELIGIBLE, None)
    assert render(ended.reason, "zh") == "本项政策自2018-01-01起停止执行（规则文件 spin_off.enabled）（二（三））"
    assert render(ended.reason, "en") == (
        "the measure ends on 2018-01-01 (rule file spin_off.enabled): not in force from that day (二（三）)"
    )
    # the other measures are untouched: data_line pays 30% of 10,000 = 3,000.00
    data = line_of(rec(ent(), data_lines=[fee(2018, 10000)]), 2018, rules, "data_line")
    assert (data.status, str(data.amount)) == (Status.PAYABLE, "3000.00")


def test_enabled_true_again_restores_the_measure() -> None:
    # null from 2018-01-01, true again from 2019-01-01: 2019 pays 20,000.00 again
    rules = rules_with(
        (
            SPIN_OFF_PARAMS,
            "      enabled:\n        2015-01-01: true\n        2018-01-01: null\n"
            "        2019-01-01: true\n" + SPIN_OFF_PARAMS,
        )
    )
    assert line_of(spun_off(), 2018, rules, "spin_off").status is Status.INELIGIBLE
    again = line_of(spun_off(), 2019, rules, "spin_off")
    assert (again.status, str(again.amount)) == (Status.PAYABLE, "20000.00")


def test_an_end_date_mid_year_ends_an_annual_measure_for_that_year() -> None:
    # data_line.end 2018-07-01: not in force on 2018-12-31 -> 2018 ineligible; 2017: 30% x 10,000 = 3,000.00
    rules = rules_with(("    clause: 二（四）\n", "    clause: 二（四）\n    end: 2018-07-01\n"))
    records = rec(ent(), data_lines=[fee(2017, 10000), fee(2018, 10000)])
    assert str(line_of(records, 2017, rules, "data_line").amount) == "3000.00"
    ended = line_of(records, 2018, rules, "data_line")
    assert ended.status is Status.INELIGIBLE
    assert render(ended.reason, "en") == (
        "the measure ends on 2018-07-01 (rule file data_line.end): not in force from that day (二（四）)"
    )
    assert render(ended.reason, "zh") == "本项政策自2018-07-01起停止执行（规则文件 data_line.end）（二（四））"


def test_rent_pays_the_days_before_a_mid_year_end() -> None:
    # rent.end 2016-07-01; settled 2016-01-01; one lease for 2016 at 366,000 (1,000 a day), 100 m².
    # Days 2016-01-01..2016-06-30 = 31+29+31+30+31+30 = 182, first year 60%:
    # 182 x 1,000 x 0.60 = 109,200.00; the 184 days from 2016-07-01 bear nothing.
    rules = rules_with(("    clause: 二（二）\n", "    clause: 二（二）\n    end: 2016-07-01\n"))
    records = rec(ent(settled_on="2016-01-01"), leases=[lease("2016-01-01", "2017-12-31", 731000)])
    line = line_of(records, 2016, rules, "rent")
    assert (line.status, str(line.amount)) == (Status.PAYABLE, "109200.00")
    assert "2016-07-01 to 2016-12-31: ended on 2016-07-01 (rent.end)" in basis_lines(line.basis)
    assert "2016-07-01至2016-12-31：自2016-07-01起终止（rent.end）" in basis_lines(line.basis, "zh")
    # 2017: ended on every day of the year -> ineligible naming the end
    later = line_of(records, 2017, rules, "rent")
    assert later.status is Status.INELIGIBLE
    assert render(later.reason, "zh") == "本项政策自2016-07-01起停止执行（规则文件 rent.end）（二（二））"
    # without the end: 2016 pays 366 x 1,000 x 0.60 = 219,600.00
    assert str(line_of(records, 2016, SHIPPED, "rent").amount) == "219600.00"


def test_policy_end_ends_every_measure_and_the_earliest_end_is_named() -> None:
    # policy.end 2019-01-01 and spin_off ended by enabled from 2018-01-01: 2019 names the earlier end
    base = "  start: 2015-01-01\n"
    rules = rules_with((base, base + "  end: 2019-01-01\n"), SPIN_OFF_ENDS_2018)
    lines = compute([spun_off()], 2019, rules)
    assert {line.status for line in lines} == {Status.INELIGIBLE}
    by_measure = {line.measure: render(line.reason, "en") for line in lines}
    assert by_measure["spin_off"].startswith("the measure ends on 2018-01-01 (rule file spin_off.enabled)")
    assert by_measure["rent"] == (
        "the measure ends on 2019-01-01 (rule file policy.end): not in force from that day (二（二）)"
    )
    # 2018 still computes the measures the policy end has not reached
    assert line_of(rec(ent(), data_lines=[fee(2018, 10000)]), 2018, rules, "data_line").status is Status.PAYABLE


def test_an_ended_measure_comes_before_the_micro_support_exclusion() -> None:
    rules = rules_with(SPIN_OFF_ENDS_2018)
    line = line_of(rec(ent(spun_off=True, operating_since="2015-06-01", micro_support=True)), 2018, rules, "spin_off")
    assert render(line.reason, "en").startswith("the measure ends on 2018-01-01")


def test_enabled_must_be_true_or_null() -> None:
    with pytest.raises(RuleError) as caught:
        rules_with((SPIN_OFF_PARAMS, "      enabled:\n        2015-01-01: 1\n" + SPIN_OFF_PARAMS))
    (problem,) = caught.value.problems
    assert problem.say.en == (
        "spin_off.enabled from 2015-01-01: expected true (in force) or null (ended from that day), got '1'"
    )
    assert (
        problem.say.zh
        == "spin_off.enabled（自 2015-01-01 起）：应为 true（执行）或 null（自该日起停止执行），实际为“1”"
    )


def test_an_end_must_be_a_date() -> None:
    with pytest.raises(RuleError) as caught:
        rules_with(("    clause: 二（四）\n", "    clause: 二（四）\n    end: soon\n"))
    (problem,) = caught.value.problems
    assert problem.say.en == "data_line.end: expected a date such as 2015-01-01, got 'soon'"
    assert problem.say.zh == "data_line.end：应为日期（如 2015-01-01），实际为“soon”"
