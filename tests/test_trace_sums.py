"""The trace of every line of a 10,000-enterprise batch re-adds to its amount.

The batch is ``bench/generate.py 10000`` (seed 1, year 2016, with its ledger of
earlier payouts): leases over the area cap and across the first anniversary,
data-line fees over and under the annual cap, sales crossing several tiers with
prior rewards, key-project loans with interest_paid below the formula and prior
subsidies against the enterprise cap.  For each line the check is made on the
trace's data (the typed arguments of its steps and checks), not on its text:

- every payable line: the exact amount rounds, once and half up, to the amount;
- rent: each interval's subsidy is rent × factor × rate (factor ≤ 1, and < 1 only
  over the area cap), and the intervals sum to the exact amount;
- loan_interest: each loan's subsidy is share × min(principal × rate × days /
  day_count, interest paid), the loans sum to the total before the cap, and the
  cap applied (cap less the earlier payouts) explains the rest;
- data_line: rate × F, or the annual cap when below it;
- sales_milestone (with amounts for the tiers, and ``top_up``): the tier's amount less the
  earlier rewards deducted;
- a line held for a later year keeps the amount the earlier years allow;
- and every line renders in both languages.
"""

from __future__ import annotations

import sys
from collections import Counter
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from factories import TIER_AMOUNTS, rules_with

from tongnan_calc.core.model import Line, Status
from tongnan_calc.core.money import frac, round_money
from tongnan_calc.core.trace import EXACT, ROUNDED, Basis, Step, Value
from tongnan_calc.shell import run as runner
from tongnan_calc.text.basis import basis_lines, check_text

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> tuple[Line, ...]:
    sys.path.insert(0, str(BENCH))
    try:
        from generate import ensure
    finally:
        sys.path.remove(str(BENCH))
    batch = ensure(10000, out=tmp_path_factory.mktemp("batch"))
    inputs = runner.read_inputs(batch.workbook, 2016, batch.ledger)
    shipped = runner.compute(inputs, 2016, runner.load(None)).lines
    # the shipped rule file sets no milestone amounts (a person decides): the sales lines again with amounts
    # and top_up, which deducts the earlier rewards of the ledger
    rules = rules_with(tier_amounts=TIER_AMOUNTS, sales_mode="top_up")
    sales = tuple(line for line in runner.compute(inputs, 2016, rules).lines if line.measure == "sales_milestone")
    return shipped + sales


def q(value: Value) -> Fraction:
    assert isinstance(value, (int, Decimal, Fraction)) and not isinstance(value, bool), value
    return frac(value)


def one(basis: Basis, kind: str) -> Step | None:
    found = basis.of(kind)
    assert len(found) <= 1, found
    return found[0] if found else None


def test_every_line_re_adds_to_its_amount(lines: tuple[Line, ...]) -> None:
    checked: Counter[str] = Counter()
    for line in lines:
        basis = line.basis
        for lang in ("zh", "en"):  # every line renders, in both languages
            assert len(basis_lines(basis, lang)) == len(basis.params) + len(basis.steps)
            for c in basis.checks:
                check_text(c, lang)
        held = one(basis, "held_later")
        if line.status is Status.PAYABLE or held is not None:
            exact_step, rounded_step = one(basis, EXACT), one(basis, ROUNDED)
            assert exact_step is not None and rounded_step is not None, line
            exact = q(exact_step.get("amount"))
            amount = line.amount if held is None else held.get("amount")
            assert rounded_step.get("amount") == amount == round_money(exact), line
            if held is None:
                assert all(c.met for c in basis.checks), line
            else:  # every condition met but one: no payout of a later year in the ledger
                assert all(c.met for c in basis.checks[:-1]) and basis.checks[-1].kind == "no_later_payout", line
            _re_adds(line, basis, exact)
            checked[line.measure] += 1
    # the batch exercises every measure that sums, and its caps
    assert checked["rent"] > 300 and checked["loan_interest"] > 50, checked
    assert checked["data_line"] > 300 and checked["sales_milestone"] > 50, checked
    assert _capped(lines, "rent") > 10 and _capped(lines, "loan_interest") > 5, "the caps are exercised"


def _re_adds(line: Line, basis: Basis, exact: Fraction) -> None:
    if line.measure == "rent":
        intervals = basis.of("rent_interval")
        assert intervals, line
        for step in intervals:
            factor = q(step.get("factor"))
            assert 0 < factor <= 1
            assert (factor < 1) == (q(step.get("area")) > 2000)  # the shipped area cap
            assert q(step.get("subsidy")) == q(step.get("rent")) * factor * q(step.get("rate")), step
        assert sum(q(step.get("subsidy")) for step in intervals) == exact, line
    elif line.measure == "loan_interest":
        subsidies = basis.of("loan_subsidy")
        for step in subsidies:
            interest = q(step.get("principal")) * q(step.get("rate")) * q(step.get("days")) / q(step.get("day_count"))
            assert q(step.get("interest")) == interest, step
            paid = step.get("paid")
            base = interest if paid is None else q(paid)
            assert base <= interest
            assert q(step.get("subsidy")) == base * q(step.get("share")), step
        total = one(basis, "loan_total")
        prior = one(basis, "loan_prior")
        assert total is not None and prior is not None
        assert sum(q(step.get("subsidy")) for step in subsidies) == q(total.get("amount")), line
        cap = one(basis, "enterprise_cap")
        if cap is None:
            assert exact == q(total.get("amount")), line
        else:
            cap_check = basis.checks[-1]
            assert cap_check.kind == "loan_cap"
            assert q(cap.get("amount")) == q(cap_check.get("cap")) - q(prior.get("amount")) == exact
            assert exact < q(total.get("amount")), line
    elif line.measure == "data_line":
        fee, share = one(basis, "data_line_fee"), one(basis, "data_line_share")
        assert fee is not None and share is not None
        assert q(share.get("share")) == q(fee.get("fee")) * Fraction(3, 10)  # the shipped rate
        cap = one(basis, "annual_cap")
        assert exact == (q(share.get("share")) if cap is None else q(cap.get("cap"))), line
        assert cap is None or q(cap.get("cap")) < q(share.get("share"))
    elif line.measure == "sales_milestone":
        tier = basis.checks[-1]
        assert tier.kind == "sales_tier_amount"
        top_up = one(basis, "sales_top_up")
        deducted = Fraction(0) if top_up is None else q(top_up.get("amount"))
        assert exact == max(Fraction(0), q(tier.get("amount")) - deducted), line


def _capped(lines: tuple[Line, ...], measure: str) -> int:
    kind = {"rent": "rent_interval", "loan_interest": "enterprise_cap"}[measure]
    return sum(
        1
        for line in lines
        if line.measure == measure
        and any(s.kind == kind and (kind != "rent_interval" or q(s.get("factor")) < 1) for s in line.basis.steps)
    )
