"""Properties checked against computations worked from SPEC §2 and §4 alone (tests/property_cases.py):

- loan_interest equals the SPEC's loan subsidy (days in [drawdown, maturity), the term band, the
  benchmark table as the SPEC prints it, 50 % of the smaller of the benchmark interest and the
  interest paid) under the lifetime cap; it never exceeds 50 % of the interest paid when every
  bearing key loan states it, nor the cap left;
- sales_milestone, year after year with its payouts recorded, pays what the SPEC's tiers say, at
  most one tier a year, each tier at most once, never a lower tier after a higher one, never a
  negative amount — in both modes (highest_only, top_up);
- every payable amount has at most two decimals and is the half-up rounding (worked in integers
  here) of the exact value its trace states;
- the payable amounts add up to the totals: the JSON's totals (payable and by measure) and the
  payout workbook's 合计 row.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path

import openpyxl
from hostile import grid, write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from property_cases import (
    CODE,
    LOAN_CAP,
    LOAN_SHARE,
    TIER_AMOUNTS,
    TIERS,
    assert_pays,
    at_most_two_decimals,
    cents,
    enterprise,
    half_up,
    loan_cases,
    loan_oracle,
    loan_year,
    mostly,
    sales_amounts,
    sales_oracle,
)
from test_properties import as_sheets, batch_cases, reached

from tongnan_calc.core import engine
from tongnan_calc.core.measures import loan_interest, sales_milestone
from tongnan_calc.core.model import PriorPayout, Records, Sale, Status
from tongnan_calc.core.rules import Rules
from tongnan_calc.rules.load import DEFAULT_RULES, load_rules

RULES = load_rules()
MEDIUM = settings(max_examples=100, deadline=None)
SLOW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- loan interest --------------------------------------------------------------------------------------


@st.composite
def loan_year_cases(draw: st.DrawFn) -> tuple[Records, int]:
    """A loan case, earlier loan_interest payouts (now and then none, or the cap nearly used up), and a
    year in which one of the loans runs, mostly."""
    records = draw(loan_cases())
    earlier = draw(
        st.lists(st.sampled_from([Decimal(0), Decimal("499999.99"), Decimal(250000)]) | cents(0, 200000), max_size=2)
    )
    if sum(earlier, Decimal(0)) > LOAN_CAP:
        earlier = earlier[:1]
    prior = tuple(PriorPayout(CODE, 2012 + i, "loan_interest", amount) for i, amount in enumerate(earlier))
    year = loan_year(draw, records)
    return replace(records, prior=prior), year


def check_loan_oracle(case: tuple[Records, int]) -> bool:
    records, year = case
    line = loan_interest.compute(records, year, RULES)
    expected = loan_oracle(records, year)
    if expected is None:
        assert line.status is Status.INELIGIBLE, line.reason
        assert line.amount is None
        return reached(False, "amount compared")
    total, capped = expected
    assert_pays(line, half_up(capped))
    if line.amount is None:  # 0.00, compared: nothing to pay (no interest paid, or the cap used up)
        return reached(True, "amount compared")
    # never more than the cap left ...
    left = LOAN_CAP - sum((Fraction(p.amount) for p in records.prior), Fraction(0))
    assert line.amount <= half_up(left) and line.amount <= LOAN_CAP
    # ... nor than half the interest paid, when every bearing key loan states what was paid
    start, stop = date(year, 1, 1), date(year + 1, 1, 1)
    bearing = [
        loan for loan in records.loans if loan.key_project and loan.drawdown_date < stop and loan.maturity_date > start
    ]
    if bearing and all(loan.interest_paid is not None for loan in bearing):
        paid = sum((Fraction(loan.interest_paid or 0) for loan in bearing), Fraction(0))
        assert line.amount <= half_up(LOAN_SHARE * paid)
    assert line.amount <= half_up(total)
    # loan by loan, in the trace: never more than 50 % of what that loan's interest paid says
    stated = {loan.loan_id: loan.interest_paid for loan in records.loans}
    for step in line.basis.of("loan_subsidy"):
        paid_here = stated[str(step.get("loan"))]
        subsidy = step.get("subsidy")
        assert isinstance(subsidy, Fraction)
        assert paid_here is None or subsidy <= LOAN_SHARE * Fraction(paid_here)
    return reached(True, "amount compared")


@MEDIUM
@given(loan_year_cases())
def test_loan_interest_is_the_spec_subsidy_under_the_lifetime_cap(case: tuple[Records, int]) -> None:
    check_loan_oracle(case)


# --- sales milestone ------------------------------------------------------------------------------------


@cache
def tier_rules(mode: str) -> Rules:
    """The shipped rules with the tests' own tier amounts (the notice fixes none) and ``mode``."""
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    for threshold, amount in TIER_AMOUNTS.items():
        old = f"{{threshold: {threshold}, amount: null}}"
        assert old in text
        text = text.replace(old, f"{{threshold: {threshold}, amount: {amount}}}")
    assert text.count("2015-01-01: highest_only") == 1
    text = text.replace("2015-01-01: highest_only", f"2015-01-01: {mode}")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rules.yaml"
        path.write_text(text, encoding="utf-8")
        return load_rules(path)


@st.composite
def sales_cases(draw: st.DrawFn) -> SalesCase:
    """Sales for some of the years 2013-2020 (thresholds exactly, a cent above, the bulk up to 1.5
    billion), the mode (top_up or highest_only), and now and then a reward the ledger holds for a year
    whose sales are not on record (as a workbook that starts later than the ledger)."""
    first = draw(mostly(draw(st.integers(2015, 2019)), draw(st.integers(2013, 2014)), 10))
    years = range(first, draw(st.integers(first, 2020)) + 1)
    amounts = [draw(sales_amounts) for _ in years]
    grows = draw(mostly(True, False, 4))
    if grows:  # an enterprise that grows (three in four)
        amounts.sort()
    known = dict(zip(years, amounts, strict=True))
    if grows:  # and passes 50 million by its last year
        known[max(known)] = max(known[max(known)], draw(st.sampled_from([Decimal(6 * 10**7), Decimal(2 * 10**8)])))
    if len(known) > 1 and draw(mostly(False, True, 5)):  # a year missing from the records
        del known[draw(st.sampled_from(years))]
    top_up = draw(st.booleans())
    history: tuple[PriorPayout, ...] = ()
    if draw(mostly(False, True, 8)):
        # both lower tiers paid in full (under highest_only, a year before the records start), then top_up and
        # sales past 1 billion: the 200,000 top-up less 250,000 paid is below 0 (SPEC: not below 0)
        history = tuple(
            PriorPayout(CODE, first - 2 + i, "sales_milestone", Decimal(int(TIER_AMOUNTS[t])), Decimal(int(t)))
            for i, t in enumerate(TIERS[:2])
        )
        known[max(known)] = Decimal(2 * 10**9)
        top_up = True
    return known, top_up, history


SalesCase = tuple[dict[int, Decimal], bool, tuple[PriorPayout, ...]]


def check_sales(case: SalesCase) -> bool:
    sales, top_up, history = case
    rules = tier_rules("top_up" if top_up else "highest_only")
    records = Records(enterprise(), sales=tuple(Sale(CODE, y, s, i) for i, (y, s) in enumerate(sales.items(), 2)))
    prior = list(history)
    paid_tiers = [p.tier for p in history if p.tier is not None]
    paid = 0
    for year in range(2015, 2021):
        line = sales_milestone.compute(replace(records, prior=tuple(prior)), year, rules)
        expected = sales_oracle(sales, prior, year, top_up)
        if expected is None:
            assert line.status is Status.INELIGIBLE, (year, line.reason)
            assert line.amount is None
            continue
        tier, amount = expected
        assert_pays(line, half_up(amount))
        if line.amount is None:  # a top-up the earlier rewards cover: nothing to pay, nothing recorded
            continue
        assert line.tier is not None
        assert (line.tier, line.amount) == (tier, half_up(amount))  # one tier, the highest crossed
        assert line.amount >= 0 and at_most_two_decimals(line.amount)
        assert all(t < line.tier for t in paid_tiers)  # each tier once, never a lower after a higher
        paid_tiers.append(line.tier)
        paid += 1
        prior.append(PriorPayout(CODE, year, "sales_milestone", line.amount, line.tier))
    return reached(paid > 0, "a tier paid")


@MEDIUM
@given(sales_cases())
def test_sales_milestone_pays_the_spec_tiers_at_most_one_a_year_never_negative(
    case: SalesCase,
) -> None:
    check_sales(case)


# --- rounding and totals ----------------------------------------------------------------------------------


def rounding_cases() -> st.SearchStrategy[tuple[list[Records], int]]:
    return batch_cases()


def check_rounding(case: tuple[list[Records], int]) -> bool:
    """Every payable amount: two decimals at most, the half-up rounding of its trace's exact value."""
    batch, year = case
    checked = 0
    for line in engine.compute(batch, year, RULES):
        if line.status is not Status.PAYABLE:
            assert line.amount is None or line.status is Status.PENDING
            continue
        assert line.amount is not None and at_most_two_decimals(line.amount)
        (exact,) = [s.get("amount") for s in line.basis.of("exact")]
        (rounded,) = [s.get("amount") for s in line.basis.of("rounded")]
        assert isinstance(exact, Fraction | Decimal)
        assert line.amount == rounded == half_up(Fraction(exact)), (line.measure, exact, line.amount)
        checked += 1
    return reached(checked > 0, "a payable line checked")


@MEDIUM
@given(rounding_cases())
def test_every_payable_amount_is_the_half_up_rounding_of_its_exact_value(case: tuple[list[Records], int]) -> None:
    check_rounding(case)


def total_row(path: Path) -> Decimal | None:
    """The cached value of the 合计 row's amount on 应付明细 (None without such a row)."""
    sheet = openpyxl.load_workbook(path, data_only=True)["应付明细"]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2, values_only=True):
        if row[0] == "合计":
            value = row[header.index("金额（元）")]
            return Decimal(0) if value is None else Decimal(str(value))
    return None


@SLOW
@given(batch_cases())
def test_the_payable_amounts_add_up_to_the_json_totals_and_the_workbook_total(
    case: tuple[list[Records], int],
) -> None:
    from tongnan_calc.report.json_out import dumps
    from tongnan_calc.report.xlsx import write_payout_workbook
    from tongnan_calc.shell.run import run

    batch, year = case
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        result = run(write_xlsx(folder / "batch.xlsx", grid(as_sheets(batch))), year)
        document = json.loads(dumps(result))
        write_payout_workbook(result, folder / "payout.xlsx")
        in_workbook = total_row(folder / "payout.xlsx")
    payable = [e for e in document["entitlements"] if e["status"] == "payable"]
    reached(bool(payable), "a payable line added")
    assert all(e["amount"] == f"{Decimal(e['amount']):.2f}" for e in payable)  # two decimals, as text
    total = sum((Decimal(e["amount"]) for e in payable), Decimal(0))
    assert Decimal(document["totals"]["payable"]) == total
    by_measure: dict[str, Decimal] = {}
    for e in payable:
        by_measure[e["measure"]] = by_measure.get(e["measure"], Decimal(0)) + Decimal(e["amount"])
    shown = {m: Decimal(a) for m, a in document["totals"]["by_measure"].items() if Decimal(a) != 0}
    assert shown == {m: a for m, a in by_measure.items() if a != 0}
    assert in_workbook == total
