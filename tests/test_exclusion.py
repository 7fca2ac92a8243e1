"""二（七）: stacking, the e-commerce legal entity condition and the micro-support exclusion.

SPEC §4: rent, spin_off, data_line and sales_milestone require
ecommerce_entity = yes and are ineligible when micro_support = yes (the excluded
list is the rule file's policy.excluded_by_micro_support); they stack with each
other.  key_support, demo_priority and loan_interest are not in the shipped list.

One enterprise, year 2016, payable under everything (hand-worked):
  rent:      settled 2016-01-01; lease 2016-01-01..12-31, 100 m², 36,600 -> all 366 days
             in year 1: 36,600 x 0.60 = 21,960.00
  spin_off:  operating since 2015-06-01 + 1 year = 2016-06-01 <= 2016-12-31 -> 20,000.00
  data_line: F(2016) = 50,000, period 2016-2017: 0.30 x 50,000 = 15,000.00
  sales:     2015: 30 M, 2016: 60 M > 50 M first -> 100,000.00 (tier amounts set in the test rules)
  loan:      municipal; 1,000,000 drawn 2015-06-01 (5.50%, 24 months), due 2017-06-01;
             2016 D = 366: 27,500 x 366/360 = 27,958.333 -> 27,958.33
  flags:     key_support (city_key), demo_priority (municipal)
  total payable 21,960 + 20,000 + 15,000 + 100,000 + 27,958.33 = 184,918.33
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from factories import (
    CODE,
    TIER_AMOUNTS,
    assert_ineligible,
    assert_payable,
    ent,
    fee,
    lease,
    loan,
    rec,
    rules_with,
    sale,
)

from tongnan_calc.core.engine import compute, totals
from tongnan_calc.core.model import Enterprise, Line, Records, Status
from tongnan_calc.text.messages import render

RULES = rules_with(tier_amounts=TIER_AMOUNTS)
YEAR = 2016
FOUR = ("rent", "spin_off", "data_line", "sales_milestone")

EXPECTED = {
    # measure: (hand amount, parameters the basis must name)
    "rent": ("21960.00", {"rates", "area_cap_m2"}),
    "spin_off": ("20000.00", {"amount", "min_operating_years"}),
    "data_line": ("15000.00", {"rate", "annual_cap", "period_years"}),
    "sales_milestone": ("100000.00", {"mode", "tiers"}),
    "loan_interest": (
        "27958.33",
        {"levels", "share_of_benchmark", "enterprise_cap", "day_count", "benchmark_rates"},
    ),
}


def everything(**overrides: object) -> Records:
    fields: dict[str, object] = {
        "settled_on": "2016-01-01",
        "spun_off": True,
        "operating_since": "2015-06-01",
        "demo_level": "municipal",
        "city_key": True,
    }
    fields.update(overrides)
    enterprise: Enterprise = ent(**fields)
    return rec(
        enterprise,
        leases=[lease("2016-01-01", "2016-12-31", 36600, 100)],
        data_lines=[fee(2016, 50000)],
        sales=[sale(2015, 30000000), sale(2016, 60000000, row=3)],
        loans=[loan("JK-2015-101", 1000000, "2015-06-01", "2017-06-01")],
    )


def by_measure(lines: list[Line]) -> dict[str, Line]:
    out = {line.measure: line for line in lines}
    assert len(out) == len(lines) == 7
    return out


def test_stacking_all_measures_paid_in_one_year() -> None:
    lines = by_measure(compute([everything()], YEAR, RULES))
    for measure, (amount, params) in EXPECTED.items():
        assert_payable(lines[measure], amount, params)
        assert lines[measure].credit_code == CODE
    assert lines["key_support"].status is Status.FLAG
    assert lines["demo_priority"].status is Status.FLAG
    t = totals(lines.values())
    # 21,960 + 20,000 + 15,000 + 100,000 + 27,958.33 = 184,918.33
    assert t.payable == Decimal("184918.33")
    assert t.by_measure["rent"] == Decimal("21960.00")
    assert t.counts[Status.PAYABLE] == 5
    assert t.counts[Status.FLAG] == 2


def test_micro_support_excludes_the_four_measures_only() -> None:
    lines = by_measure(compute([everything(micro_support=True)], YEAR, RULES))
    for measure in FOUR:
        assert_ineligible(lines[measure], "二（七）", "微企")
    assert lines["key_support"].status is Status.FLAG
    assert lines["demo_priority"].status is Status.FLAG
    amount, params = EXPECTED["loan_interest"]
    assert_payable(lines["loan_interest"], amount, params)
    # 27,958.33 only
    assert totals(lines.values()).payable == Decimal("27958.33")


def test_micro_support_excludes_pending_sales_too() -> None:
    # with the shipped rules (no tier amounts) sales would be pending; micro support makes it ineligible
    lines = by_measure(compute([everything(micro_support=True)], YEAR, rules_with()))
    assert_ineligible(lines["sales_milestone"], "二（七）")


def test_not_an_ecommerce_entity_makes_the_four_ineligible() -> None:
    lines = by_measure(compute([everything(ecommerce_entity=False)], YEAR, RULES))
    for measure in FOUR:
        text = assert_ineligible(lines[measure], "二（七）")
        assert "电子商务法人企业" in text, text
    assert lines["key_support"].status is Status.FLAG
    assert lines["demo_priority"].status is Status.FLAG
    amount, params = EXPECTED["loan_interest"]
    assert_payable(lines["loan_interest"], amount, params)


def test_excluded_list_widened_in_the_rule_file() -> None:
    # an analyst adds loan_interest to excluded_by_micro_support: with micro_support = yes the
    # loan line must be ineligible naming 二（七）, not 27,958.33
    rules = rules_with(tier_amounts=TIER_AMOUNTS, excluded=[*FOUR, "loan_interest"])
    lines = by_measure(compute([everything(micro_support=True)], YEAR, rules))
    assert_ineligible(lines["loan_interest"], "二（七）")
    assert lines["demo_priority"].status is Status.FLAG


def test_excluded_list_narrowed_in_the_rule_file() -> None:
    # rent removed from the list: paid despite micro support, 21,960.00; the other three still excluded
    rules = rules_with(tier_amounts=TIER_AMOUNTS, excluded=["spin_off", "data_line", "sales_milestone"])
    lines = by_measure(compute([everything(micro_support=True)], YEAR, rules))
    amount, params = EXPECTED["rent"]
    assert_payable(lines["rent"], amount, params)
    for measure in ("spin_off", "data_line", "sales_milestone"):
        assert_ineligible(lines[measure], "二（七）")


@pytest.mark.parametrize("measure", FOUR)
def test_ineligible_reason_rendered_in_english_names_the_clause(measure: str) -> None:
    lines = by_measure(compute([everything(micro_support=True)], YEAR, RULES))
    assert "二（七）" in render(lines[measure].reason, "en")
