"""二（六） second sentence: interest subsidy on key construction project loans.

    从事电子商务的国家级、市级电子商务示范企业申报民营发展专项资金，优先给予支持。
    重点建设项目贷款，按银行同期基准利率的50%给予贷款贴息，每个企业贴息最高不超过50万元。
    （责任单位：区经济信息委、区商务局、区财政局）

SPEC §4 ``loan_interest``: demo_level one of ``levels`` (or ``levels: any``: every
e-commerce enterprise, whatever its level or legal form — 二（七）'s legal-entity
condition names 二（二）至（五） only); for each key-project loan, D = the days of Y within
[drawdown, maturity); r = the benchmark rate for the term band (months, a part
month counting whole) in force on the drawdown date; subsidy = principal × r ×
D / day_count, or interest_paid when given and less, times share.  The enterprise amount is
at most enterprise_cap less the prior ``loan_interest`` payouts.
"""

from __future__ import annotations

from fractions import Fraction

from tongnan_calc.core.dates import months_rounded_up, overlap_days, year_bounds, year_end
from tongnan_calc.core.measures.common import (
    Template,
    Uses,
    blocked,
    ineligible,
    make_line,
    no_error,
    once,
    payable,
    shared,
    template,
)
from tongnan_calc.core.model import LOANS, Line, Loan, Msg, Records, Status
from tongnan_calc.core.money import frac, show
from tongnan_calc.core.params import DEMO_LEVELS, Kind, Param
from tongnan_calc.core.rules import ANY, Band, NoValueInForce, Rules
from tongnan_calc.core.trace import Basis

MEASURE = "loan_interest"

LEVELS = Param("levels", Kind.CHOICES_OR_ANY, "choices", choices=DEMO_LEVELS)
"""The demonstration levels whose loans are subsidised, or ``any``: every e-commerce enterprise."""
SHARE_OF_BENCHMARK = Param("share_of_benchmark", Kind.NUMBER, "fraction")
"""The share of the interest at the benchmark rate subsidised."""
ENTERPRISE_CAP = Param("enterprise_cap", Kind.NUMBER, "yuan")
"""The most subsidy an enterprise gets, all years together; the step that says it capped the amount
has its name."""
DAY_COUNT = Param("day_count", Kind.WHOLE, "days")
"""The days of a year in the interest formula."""
BENCHMARK_RATES = Param("benchmark_rates", Kind.BANDS, "% a year")
"""The benchmark lending rates by term band, read on the drawdown date (null: none in force)."""
PARAMS = (LEVELS, SHARE_OF_BENCHMARK, ENTERPRISE_CAP, DAY_COUNT, BENCHMARK_RATES)


def compute(rec: Records, year: int, rules: Rules) -> Line:
    level = rec.enterprise.demo_level
    at_level = once(rules, (MEASURE, "level", year, level), lambda: _at_level(rules, year, level))
    if isinstance(at_level, Template):
        return at_level.of(rec)
    before = at_level.checks
    block = blocked(rec, rules, MEASURE, LOANS, before)
    if block is not None:
        return block
    uses = Uses(rules, MEASURE, (*before, no_error(LOANS)))
    uses.get(LEVELS, year_end(year))
    loans = [loan for loan in rec.loans if loan.key_project]
    ids = tuple(loan.loan_id for loan in loans)
    uses.check("loan_key_project", bool(loans), loans=ids, others=len(rec.loans) - len(loans))
    if not loans:
        return ineligible(rec, rules, MEASURE, Msg.of("loan_none"), uses)
    share = frac(uses.get(SHARE_OF_BENCHMARK, year_end(year)))
    day_count: int = uses.get(DAY_COUNT, year_end(year))
    cap = frac(uses.get(ENTERPRISE_CAP, year_end(year)))
    start, stop = year_bounds(year)
    days = tuple(overlap_days(loan.drawdown_date, loan.maturity_date, start, stop) for loan in loans)
    bearing = sum(1 for n in days if n > 0)
    uses.check("loan_days", bearing > 0, year=year, loans=ids, days=days)
    total = Fraction(0)
    undecided: dict[str, list[str]] = {}
    for loan, n in zip(loans, days, strict=True):
        if n == 0:
            uses.step("loan_no_days", loan=loan.loan_id, year=year)
            continue
        rate = _benchmark(uses, loan)
        if isinstance(rate, str):
            undecided.setdefault(rate, []).append(loan.loan_id)
            continue
        total += _subsidy(uses, loan, n, rate, share, day_count)
    if bearing == 0:
        return ineligible(rec, rules, MEASURE, Msg.of("loan_no_days", year=year), uses)
    missing = tuple(loan_id for found in undecided.values() for loan_id in found)
    uses.check("loan_benchmark", not missing, missing=missing)
    if undecided:
        uses.step("loan_so_far", amount=total)
        key = "loan_before_first_table" if "loan_before_first_table" in undecided else "loan_no_benchmark"
        reason = Msg.of(key, loans=", ".join(missing))
        return make_line(rec, rules, MEASURE, Status.PENDING, reason, uses)
    paid = sum((frac(p.amount) for p in rec.prior if p.measure == MEASURE), Fraction(0))
    remaining = max(Fraction(0), cap - paid)
    uses.check("loan_cap", remaining > 0, cap=cap, paid=paid)
    uses.step("loan_total", amount=total)
    uses.step("loan_prior", amount=paid)
    if remaining == 0:
        return ineligible(rec, rules, MEASURE, Msg.of("loan_cap_reached", cap=show(cap)), uses)
    if total > remaining:
        uses.step("enterprise_cap", amount=remaining)  # the name of the parameter (ENTERPRISE_CAP)
    return payable(rec, rules, MEASURE, min(total, remaining), Msg.of("loan_payable", loans=bearing), uses)


def _at_level(rules: Rules, year: int, level: str | None) -> Template | Basis:
    """The line of the enterprises at a level that is not subsidised in the year; the basis so far of the
    others (made once per rule file, year and level)."""
    levels: tuple[str, ...] | str = once(rules, (MEASURE, "levels", year), lambda: _levels(rules, year))
    at_level = shared(rules, MEASURE, ("level", year, level), lambda: _level_basis(rules, year, level, levels))
    if levels != ANY and level not in levels:
        return template(rules, MEASURE, Status.INELIGIBLE, "not_demo", at_level, levels="/".join(levels))
    return at_level


def _levels(rules: Rules, year: int) -> tuple[str, ...] | str:
    """The levels in force on 31 December Y (or ``any``)."""
    levels: tuple[str, ...] | str = Uses(rules, MEASURE).get(LEVELS, year_end(year))
    return levels


def _level_basis(rules: Rules, year: int, level: str | None, levels: tuple[str, ...] | str) -> Basis:
    """The basis of the lines of the year at this level that stop at it, and the checks of those that go on."""
    uses = Uses(rules, MEASURE)
    uses.get(LEVELS, year_end(year))
    if levels == ANY:  # levels: any — every e-commerce enterprise, whatever its level
        uses.check("any_level", True, level=level)
    else:
        uses.check("demo_level", level in levels, levels=levels, level=level)
    return uses.basis()


def _benchmark(uses: Uses, loan: Loan) -> Fraction | str:
    """The benchmark rate (a fraction a year) for the loan's term band on its drawdown date.

    When there is none, the message key saying why: the rule file's table starts
    later (an analyst adds the earlier table) or the benchmark was withdrawn (the
    LPR replaced it: an analyst decides which rate to use).
    """
    months = months_rounded_up(loan.drawdown_date, loan.maturity_date)
    try:
        bands: tuple[Band, ...] | None = uses.get(BENCHMARK_RATES, loan.drawdown_date, "table")
    except NoValueInForce:
        uses.step("loan_before_table", loan=loan.loan_id, drawn=loan.drawdown_date)
        return "loan_before_first_table"
    if bands is None:
        uses.step("loan_withdrawn", loan=loan.loan_id, drawn=loan.drawdown_date)
        return "loan_no_benchmark"
    band = next(b for b in bands if b.max_months is None or months <= b.max_months)
    uses.step("loan_term", loan=loan.loan_id, months=months, max_months=band.max_months, rate_percent=band.rate_percent)
    return frac(band.rate_percent) / 100


def _subsidy(uses: Uses, loan: Loan, days: int, rate: Fraction, share: Fraction, day_count: int) -> Fraction:
    """SPEC §4: share × min(interest at the benchmark rate for the days, interest_paid when given).

    二（六） "按银行同期基准利率的50%给予贷款贴息": half the interest at the benchmark rate, or half
    of what was actually paid when that is less — never more than half the interest paid."""
    principal = frac(loan.principal)
    interest = principal * rate * days / day_count
    paid = None
    if loan.interest_paid is not None and frac(loan.interest_paid) < interest:
        paid = frac(loan.interest_paid)
    subsidy = (interest if paid is None else paid) * share
    uses.step(
        "loan_subsidy",
        loan=loan.loan_id,
        principal=loan.principal,
        rate=rate,
        days=days,
        day_count=day_count,
        interest=interest,
        paid=paid,
        share=share,
        subsidy=subsidy,
    )
    return subsidy
