"""The properties test what they claim: over a fixed seed (``property_cases.share``, derandomized),
most generated examples reach the comparison each property is about.

Each property of test_properties.py and test_properties_oracles.py is a ``check_*`` function that
runs its assertions and returns whether the example reached the comparison that matters (an
amount compared with the oracle, a bound checked on a payable line, two payable amounts compared);
the other Hypothesis tests in tests/ get a predicate that says the same of their examples.  A share
under its floor means the strategy drifted away from what the property checks (as the rent
property did, when two thirds of its examples were ineligible and never compared an amount).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import test_properties as props
import test_properties_oracles as oracles
from hypothesis import strategies as st
from property_cases import CODE, fee_cases, loan_cases, rent_cases, share

from tongnan_calc.core.model import PriorPayout, Status

N = 100

ALL: list[tuple[str, st.SearchStrategy[Any], Callable[[Any], bool], float]] = [
    ("rent day by day: amount compared", rent_cases(planned=None), props.check_rent_day_by_day, 0.8),
    ("rent split: amounts compared", props.split_cases(), props.check_split, 0.8),
    ("rent bounds: checked on a payable line", rent_cases(planned=None), props.check_rent_bounds, 0.8),
    ("rent monotone: amounts compared", props.raised_rent_cases(), props.check_rent_monotone, 0.8),
    ("data line: amount compared", fee_cases(), props.check_data_line, 0.8),
    ("data line monotone: amounts compared", props.raised_fee_cases(), props.check_data_line_monotone, 0.8),
    ("loan lifetime cap: a year paid", st.tuples(loan_cases(), props.history()), props.check_lifetime_cap, 0.8),
    ("loan monotone: amounts compared", props.raised_interest_cases(), props.check_loan_monotone, 0.8),
    ("row order: a payable line compared", props.reordered_cases(), props.check_row_order, 0.8),
    ("ledger: a repeat possible", props.ledger_cases, props.repeat_possible, 0.8),
    ("loan oracle: amount compared", oracles.loan_year_cases(), oracles.check_loan_oracle, 0.8),
    ("sales: a tier paid", oracles.sales_cases(), oracles.check_sales, 0.8),
    ("rounding: a payable line checked", oracles.rounding_cases(), oracles.check_rounding, 0.8),
]


@pytest.mark.parametrize(("what", "strategy", "check", "floor"), ALL, ids=[a[0] for a in ALL])
def test_most_examples_reach_the_comparison(
    what: str, strategy: st.SearchStrategy[Any], check: Callable[[Any], bool], floor: float
) -> None:
    hits, runs = share(strategy, check, N)
    assert runs == N
    assert hits >= floor * N, f"{what}: {hits} of {runs}"


def test_the_header_language_property_reaches_a_payable_line() -> None:
    """Slow (three workbooks a case): counted on the batches alone."""
    hits, runs = share(props.header_cases(), lambda case: props.payable_lines(case[0], case[1]) > 0, N)
    assert hits >= 0.8 * runs


def test_the_rent_cases_reach_the_area_cap_and_both_rates() -> None:
    """Edges, not just the bulk: the cap cuts the area in a fair share of cases, and both rates occur."""

    def features(case: Any) -> tuple[bool, bool, bool]:
        line = props.rent_line(*case)
        intervals = line.basis.of("rent_interval")
        return (
            any(s.get("factor") < 1 for s in intervals),  # type: ignore[operator]
            any(s.get("rate") == props.RATE_1 for s in intervals),
            any(s.get("rate") != props.RATE_1 for s in intervals),
        )

    found: list[tuple[bool, bool, bool]] = []
    share(rent_cases(), lambda case: found.append(features(case)) is None, N)
    capped, first, second = (sum(f[i] for f in found) for i in range(3))
    assert capped >= 0.2 * N and first >= 0.3 * N and second >= 0.3 * N, (capped, first, second)


def test_the_data_line_cases_reach_the_annual_cap() -> None:
    hits, _ = share(fee_cases(), lambda case: props.data_line.compute(*case, props.RULES).amount == 100000, N)
    assert hits >= 0.1 * N


def test_the_loan_cases_reach_the_lifetime_cap() -> None:
    """The lifetime property is about the cap: in a fair share of cases the cap cuts a year's amount."""

    def capped(case: Any) -> bool:
        records, earlier = case
        if sum(earlier, Decimal(0)) > 500000:  # as check_lifetime_cap
            earlier = earlier[:1]
        prior = [PriorPayout(CODE, 2010 + i, "loan_interest", a) for i, a in enumerate(earlier)]
        for year in range(2015, 2024):
            line = props.loan_interest.compute(props.replace(records, prior=tuple(prior)), year, props.RULES)
            if line.status is Status.PAYABLE and line.basis.of("enterprise_cap"):
                return True
            if line.amount is not None:
                prior.append(PriorPayout(CODE, year, "loan_interest", line.amount))
        return False

    hits, _ = share(st.tuples(loan_cases(), props.history()), capped, N)
    assert hits >= 0.2 * N


# --- the other Hypothesis tests in tests/ ----------------------------------------------------------------


def test_the_unit_totals_property_reaches_payable_lines() -> None:
    import test_print

    hits, _ = share(test_print.LINES, lambda raw: any(s is Status.PAYABLE and c is not None for s, c, _ in raw), N)
    assert hits >= 0.8 * N


def test_the_terminal_property_draws_control_characters() -> None:
    import test_terminal_safety as terminal

    def controls(case: tuple[str, str, str]) -> bool:
        return any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in "".join(case))

    hits, _ = share(st.tuples(terminal.TEXT, terminal.TEXT, terminal.TEXT), controls, N)
    assert hits >= 0.8 * N


def test_the_table_bound_property_reaches_both_sides() -> None:
    """``narrowest > width`` (the bound says too wide) and the table fitting both occur often."""
    import test_terminal_safety as terminal

    sides: list[tuple[bool, bool]] = []
    share(terminal.TABLE_CASES, lambda case: sides.append(terminal.table_sides(*case)) is None, N)
    too_wide, fitting = sum(s[0] for s in sides), sum(s[1] for s in sides)
    assert too_wide >= 0.2 * N and fitting >= 0.2 * N, (too_wide, fitting)


def test_the_capitals_property_reaches_zeros_inside_and_large_amounts() -> None:
    import test_print

    def interesting(cents: int) -> bool:
        digits = str(Decimal(cents) / 100)
        return "0" in digits.rstrip("0").split(".")[0][1:] or cents >= 10**10

    hits, _ = share(test_print.CAPITAL_CENTS, interesting, N)
    assert hits >= 0.5 * N


def test_the_overlay_property_replaces_the_shipped_date_now_and_then() -> None:
    import test_overlay

    hits, _ = share(test_overlay.CAPS, lambda caps: date(2015, 1, 1) in caps, N)
    assert 0.1 * N <= hits <= 0.9 * N
