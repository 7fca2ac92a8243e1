"""The optimised engine against a straightforward reading of SPEC §4, line by line.

A seeded mid-size batch (a few hundred enterprises with random leases, data-line
fees, sales, loans and prior payouts, built in memory from ``model`` records) is
computed by ``engine.compute`` and by the reference below, written from the
contract alone and as plainly as possible: rent loops over every day of Y and
looks the rate and the area cap up on that day; loan interest counts the days one
by one and finds the term by adding months; nothing is cached or cut into
intervals.  Every line's status and amount must agree, for several years and
rule files (including revisions that take effect in the middle of a year).
"""

from __future__ import annotations

import calendar
import random
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from factories import TIER_AMOUNTS, rules_with

from tongnan_calc.core import engine
from tongnan_calc.core.model import (
    DATA_LINES,
    LEASES,
    LOANS,
    SALES,
    DataLine,
    Enterprise,
    InputIssue,
    Lease,
    Loan,
    PriorPayout,
    Records,
    Sale,
    Status,
)
from tongnan_calc.core.rules import NoValueInForce, Rules
from tongnan_calc.input import uscc
from tongnan_calc.rules.load import load_rules

SEED = 20160101
ENTERPRISES = 360
ONE_DAY = timedelta(days=1)


# --- the seeded batch --------------------------------------------------------------


def _code(n: int) -> str:
    body = f"91500223MA{n:07d}"
    return body + uscc.check_char(body)


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _amount(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low * 100, high * 100)) / 100


def _blocker(sheet: str, code: str) -> tuple[str, tuple[InputIssue, ...]]:
    issue = InputIssue(sheet, 9, "x", None, "bad", "error", "expected something else", code)
    return (sheet, (issue,))


def batch(seed: int = SEED, size: int = ENTERPRISES) -> list[Records]:
    rng = random.Random(seed)
    out: list[Records] = []
    for n in range(1, size + 1):
        code = _code(n)
        settled = _day(rng, date(2014, 6, 1), date(2017, 6, 30)) if rng.random() < 0.7 else None
        if settled is not None and rng.random() < 0.1:
            settled = rng.choice((date(2016, 2, 29), date(2015, 2, 28), date(2015, 1, 1), date(2014, 12, 31)))
        spun_off = rng.random() < 0.25
        enterprise = Enterprise(
            credit_code=code,
            name=f"企业{n}",
            ecommerce_entity=rng.random() < 0.9,
            settled_on=settled,
            micro_support=rng.random() < 0.08,
            hq_type=rng.choice((None, None, None, "national_hq", "settlement_center")),
            renowned=rng.random() < 0.3,
            city_key=rng.random() < 0.05,
            demo_level=rng.choice((None, None, "national", "municipal", "provincial")),
            spun_off=spun_off,
            operating_since=_day(rng, date(2013, 1, 1), date(2017, 12, 31)) if spun_off else None,
            row=n + 1,
        )
        leases = []
        for i in range(rng.choice((0, 1, 1, 2, 3, 4))):
            base = settled or date(2015, 1, 1)
            start = _day(rng, base - timedelta(days=200), base + timedelta(days=700))
            end = start + timedelta(days=rng.randrange(0, 500))
            area = Decimal(rng.choice((100, 450, 800, 1200, 1500, 2000, 2600))) + Decimal(rng.randrange(0, 100)) / 10
            leases.append(
                Lease(code, rng.random() < 0.85, area, start, end, _amount(rng, 0, 900_000), f"楼{i}", 100 + i)
            )
        fees = [
            DataLine(code, rng.choice((2014, 2015, 2016, 2017)), rng.choice((Decimal(0), _amount(rng, 1, 500_000))))
            for _ in range(rng.choice((0, 0, 1, 2, 3)))
        ]
        years = rng.sample((2013, 2014, 2015, 2016, 2017), rng.randrange(0, 6))
        sales = [
            Sale(code, y, rng.choice((_amount(rng, 0, 60_000_000), _amount(rng, 40_000_000, 1_300_000_000))))
            for y in years
        ]
        loans = []
        for i in range(rng.choice((0, 0, 1, 2, 3))):
            drawdown = _day(rng, date(2012, 1, 1), date(2020, 6, 30))
            if rng.random() < 0.15:
                drawdown = rng.choice((date(2014, 11, 22), date(2015, 3, 1), date(2015, 10, 23), date(2012, 7, 6)))
            maturity = drawdown + timedelta(days=rng.choice((1, 30, 31, 180, 181, 184, 365, 366, 1096, 1827, 3000)))
            if rng.random() < 0.05:  # drawn before the first benchmark rate in the rule file: pending
                drawdown, maturity = date(2001, 2, 1), date(2018, 1, 1)
            principal = Decimal(rng.randrange(1, 4000)) * 10_000
            paid = None if rng.random() < 0.5 else _amount(rng, 0, 300_000)
            loans.append(Loan(code, f"L{n}-{i}", rng.random() < 0.8, principal, drawdown, maturity, paid, 200 + i))
        prior = []
        if rng.random() < 0.15:
            prior.append(PriorPayout(code, rng.choice((2014, 2015, 2016)), "data_line", _amount(rng, 1, 100_000)))
        if rng.random() < 0.1:
            prior.append(PriorPayout(code, rng.choice((2015, 2016)), "spin_off", Decimal(20000)))
        if rng.random() < 0.15:
            tier = Decimal(rng.choice((50_000_000, 100_000_000, 1_000_000_000)))
            prior.append(PriorPayout(code, rng.choice((2014, 2015, 2016)), "sales_milestone", Decimal(100000), tier))
        if rng.random() < 0.2:
            prior.append(PriorPayout(code, rng.choice((2014, 2015, 2016)), "loan_interest", _amount(rng, 1, 500_000)))
        blocking = []
        for sheet in (LEASES, DATA_LINES, SALES, LOANS):
            if rng.random() < 0.03:
                blocking.append(_blocker(sheet, code))
        out.append(
            Records(enterprise, tuple(leases), tuple(fees), tuple(sales), tuple(loans), tuple(blocking), tuple(prior))
        )
    return out


# --- the reference: SPEC §4, day by day ---------------------------------------------

Result = tuple[Status, Decimal | None]


def add_years(d: date, n: int) -> date:
    if d.month == 2 and d.day == 29 and not calendar.isleap(d.year + n):
        return date(d.year + n, 2, 28)
    return date(d.year + n, d.month, d.day)


def add_months(d: date, n: int) -> date:
    month0 = d.month - 1 + n
    year, month = d.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def days_of(year: int) -> Iterator[date]:
    d = date(year, 1, 1)
    while d.year == year:
        yield d
        d += ONE_DAY


def exact_half_up(value: Fraction) -> Decimal:
    """Half up to the cent without going through a rounded decimal division."""
    cents = value * 100
    floor = cents.numerator // cents.denominator
    if cents - floor >= Fraction(1, 2):
        floor += 1
    return Decimal(floor) / 100


def param(rules: Rules, measure: str, name: str, day: date) -> object:
    return rules.value(measure, name, day)[0]


def year_end(year: int) -> date:
    return date(year, 12, 31)


def paid(rec: Records, measure: str) -> list[PriorPayout]:
    return [p for p in rec.prior if p.measure == measure]


def excluded(rec: Records, rules: Rules, measure: str) -> bool:
    if rec.enterprise.micro_support and measure in rules.excluded_by_micro_support:
        return True
    common = measure in ("rent", "spin_off", "data_line", "sales_milestone")
    return common and not rec.enterprise.ecommerce_entity


def blocked(rec: Records, sheet: str) -> bool:
    return any(key == sheet and issues for key, issues in rec.blocking)


def ref_key_support(rec: Records, year: int, rules: Rules) -> Result:
    e = rec.enterprise
    hq_types = param(rules, "key_support", "hq_types", year_end(year))
    assert isinstance(hq_types, tuple)
    if (e.hq_type in hq_types and e.renowned) or e.city_key:
        return Status.FLAG, None
    return Status.INELIGIBLE, None


def ref_rent(rec: Records, year: int, rules: Rules) -> Result:
    settled = rec.enterprise.settled_on
    if settled is None or settled < rules.start:
        return Status.INELIGIBLE, None
    first, second = add_years(settled, 1), add_years(settled, 2)
    window = [d for d in days_of(year) if settled <= d < second]
    if not window:
        return Status.INELIGIBLE, None
    if blocked(rec, LEASES):
        return Status.BLOCKED, None
    counted = [lease for lease in rec.leases if lease.planned_building]
    if not any(lease.period_start <= d <= lease.period_end for d in window for lease in counted):
        return Status.INELIGIBLE, None
    total = Fraction(0)
    for d in window:
        covering = [lease for lease in counted if lease.period_start <= d <= lease.period_end]
        if not covering:
            continue
        rates = param(rules, "rent", "rates", d)
        cap = param(rules, "rent", "area_cap_m2", d)
        assert isinstance(rates, tuple) and isinstance(cap, Decimal)
        rate = Fraction(rates[0] if d < first else rates[1])
        area = sum((Fraction(lease.area_m2) for lease in covering), Fraction(0))
        factor = min(Fraction(1), Fraction(cap) / area)
        for lease in covering:
            days = (lease.period_end - lease.period_start).days + 1
            total += Fraction(lease.rent_paid) / days * factor * rate
    return Status.PAYABLE, exact_half_up(total)


def ref_spin_off(rec: Records, year: int, rules: Rules) -> Result:
    e = rec.enterprise
    if not e.spun_off or e.operating_since is None:
        return Status.INELIGIBLE, None
    years = param(rules, "spin_off", "min_operating_years", year_end(year))
    assert isinstance(years, int)
    if add_years(e.operating_since, years) > year_end(year) or paid(rec, "spin_off"):
        return Status.INELIGIBLE, None
    amount = param(rules, "spin_off", "amount", year_end(year))
    assert isinstance(amount, Decimal)
    return Status.PAYABLE, exact_half_up(Fraction(amount))


def ref_data_line(rec: Records, year: int, rules: Rules) -> Result:
    starts = [d.year for d in rec.data_lines if d.fee_paid > 0 and d.year >= rules.start.year]
    starts += [p.year for p in paid(rec, "data_line")]
    if not starts:
        return Status.INELIGIBLE, None
    period = param(rules, "data_line", "period_years", year_end(year))
    assert isinstance(period, int)
    if not min(starts) <= year < min(starts) + period:
        return Status.INELIGIBLE, None
    fee = sum((Fraction(d.fee_paid) for d in rec.data_lines if d.year == year), Fraction(0))
    if fee == 0:
        return Status.INELIGIBLE, None
    rate = param(rules, "data_line", "rate", year_end(year))
    cap = param(rules, "data_line", "annual_cap", year_end(year))
    assert isinstance(rate, Decimal) and isinstance(cap, Decimal)
    return Status.PAYABLE, exact_half_up(min(Fraction(rate) * fee, Fraction(cap)))


def ref_sales_milestone(rec: Records, year: int, rules: Rules) -> Result:
    if blocked(rec, SALES):
        return Status.BLOCKED, None
    now = [s.sales for s in rec.sales if s.year == year]
    if not now:
        return Status.INELIGIBLE, None
    tiers = param(rules, "sales_milestone", "tiers", year_end(year))
    mode = param(rules, "sales_milestone", "mode", year_end(year))
    assert isinstance(tiers, tuple)
    prior = paid(rec, "sales_milestone")
    crossed = [
        t
        for t in tiers
        if now[0] > t.threshold
        and not any(s.sales > t.threshold for s in rec.sales if s.year < year)
        and not any(p.tier is not None and p.tier >= t.threshold for p in prior)
    ]
    if not crossed:
        return Status.INELIGIBLE, None
    tier = crossed[-1]
    if tier.amount is None:
        return Status.PENDING, None
    amount = Fraction(tier.amount)
    if mode == "top_up":
        amount = max(Fraction(0), amount - sum((Fraction(p.amount) for p in prior), Fraction(0)))
    return Status.PAYABLE, exact_half_up(amount)


def ref_demo_priority(rec: Records, year: int, rules: Rules) -> Result:
    levels = param(rules, "demo_priority", "levels", year_end(year))
    assert isinstance(levels, tuple)
    return (Status.FLAG if rec.enterprise.demo_level in levels else Status.INELIGIBLE), None


def term_months(start: date, end: date) -> int:
    """The fewest whole months from start that reach end: a part month counts as a whole one."""
    months = 0
    while add_months(start, months) < end:
        months += 1
    return months


def ref_loan_interest(rec: Records, year: int, rules: Rules) -> Result:
    levels = param(rules, "loan_interest", "levels", year_end(year))
    assert isinstance(levels, tuple)
    if rec.enterprise.demo_level not in levels:
        return Status.INELIGIBLE, None
    if blocked(rec, LOANS):
        return Status.BLOCKED, None
    loans = [loan for loan in rec.loans if loan.key_project]
    share = param(rules, "loan_interest", "share_of_benchmark", year_end(year))
    day_count = param(rules, "loan_interest", "day_count", year_end(year))
    cap = param(rules, "loan_interest", "enterprise_cap", year_end(year))
    assert isinstance(share, Decimal) and isinstance(day_count, int) and isinstance(cap, Decimal)
    total, bearing, undecided = Fraction(0), 0, False
    for loan in loans:
        days = sum(1 for d in days_of(year) if loan.drawdown_date <= d < loan.maturity_date)
        if days == 0:
            continue
        bearing += 1
        try:
            bands = param(rules, "loan_interest", "benchmark_rates", loan.drawdown_date)
        except NoValueInForce:
            bands = None
        if bands is None:
            undecided = True
            continue
        assert isinstance(bands, tuple)
        months = term_months(loan.drawdown_date, loan.maturity_date)
        band = next(b for b in bands if b.max_months is None or months <= b.max_months)
        interest = Fraction(loan.principal) * Fraction(band.rate_percent) / 100 * days / day_count
        if loan.interest_paid is not None:
            interest = min(interest, Fraction(loan.interest_paid))
        total += Fraction(share) * interest
    if bearing == 0:
        return Status.INELIGIBLE, None
    if undecided:
        return Status.PENDING, None
    left = Fraction(cap) - sum((Fraction(p.amount) for p in paid(rec, "loan_interest")), Fraction(0))
    if left <= 0:
        return Status.INELIGIBLE, None
    return Status.PAYABLE, exact_half_up(min(total, left))


REFERENCE = {
    "key_support": ref_key_support,
    "rent": ref_rent,
    "spin_off": ref_spin_off,
    "data_line": ref_data_line,
    "sales_milestone": ref_sales_milestone,
    "demo_priority": ref_demo_priority,
    "loan_interest": ref_loan_interest,
}
NEEDS_SHEET = {"data_line": DATA_LINES}


def reference(records: list[Records], year: int, rules: Rules) -> list[tuple[str, str, Status, Decimal | None]]:
    out = []
    for full in records:
        prior = tuple(p for p in full.prior if p.year < year)
        rec = Records(full.enterprise, full.leases, full.data_lines, full.sales, full.loans, full.blocking, prior)
        for measure, compute in REFERENCE.items():
            if excluded(rec, rules, measure):
                status, amount = Status.INELIGIBLE, None
            elif measure in NEEDS_SHEET and blocked(rec, NEEDS_SHEET[measure]):
                status, amount = Status.BLOCKED, None
            else:
                status, amount = compute(rec, year, rules)
            out.append((rec.enterprise.credit_code, measure, status, amount))
    return out


# --- the comparison -------------------------------------------------------------------

SHIPPED = load_rules()
REVISED = rules_with(
    ("        2015-01-01: 2000\n", "        2015-01-01: 2000\n        2016-07-01: 1500\n"),
    tier_amounts=TIER_AMOUNTS,
    sales_mode="top_up",
    rent_rates_from={"2016-03-15": ("0.50", "0.25"), "2017-01-01": ("0.70", "0.35")},
)
TIERED = rules_with(tier_amounts=TIER_AMOUNTS)
RECORDS = batch()


def _prior_map(records: list[Records]) -> dict[str, tuple[PriorPayout, ...]]:
    return {rec.enterprise.credit_code: rec.prior for rec in records if rec.prior}


@pytest.mark.parametrize("year", [2015, 2016, 2017])
@pytest.mark.parametrize("rules", [SHIPPED, TIERED, REVISED], ids=["shipped", "tiers", "revised"])
def test_every_line_matches_the_day_by_day_reference(year: int, rules: Rules) -> None:
    bare = [Records(r.enterprise, r.leases, r.data_lines, r.sales, r.loans, r.blocking) for r in RECORDS]
    prior = engine.prior_by_enterprise((p for r in RECORDS for p in r.prior), year)
    lines = engine.compute(bare, year, rules, prior)
    got = [(line.credit_code, line.measure, line.status, line.amount) for line in lines]
    want = reference(RECORDS, year, rules)
    assert len(got) == len(want)
    mismatches = [(g, w) for g, w in zip(got, want, strict=True) if g != w]
    assert not mismatches, f"{len(mismatches)} lines differ, first: {mismatches[:3]}"


def test_the_batch_exercises_every_status_of_every_measure() -> None:
    """The comparison means something only if the batch reaches each interesting case."""
    seen: set[tuple[str, Status]] = set()
    for year in (2015, 2016, 2017):
        for rules in (SHIPPED, REVISED):
            seen.update((m, s) for _, m, s, _ in reference(RECORDS, year, rules))
    expected = {
        ("key_support", Status.FLAG),
        ("rent", Status.PAYABLE),
        ("rent", Status.BLOCKED),
        ("spin_off", Status.PAYABLE),
        ("data_line", Status.PAYABLE),
        ("data_line", Status.BLOCKED),
        ("sales_milestone", Status.PENDING),
        ("sales_milestone", Status.PAYABLE),
        ("sales_milestone", Status.BLOCKED),
        ("demo_priority", Status.FLAG),
        ("loan_interest", Status.PAYABLE),
        ("loan_interest", Status.PENDING),
        ("loan_interest", Status.BLOCKED),
    }
    assert expected <= seen, expected - seen
    for measure in REFERENCE:
        assert (measure, Status.INELIGIBLE) in seen
