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
from tongnan_calc.core.measures.common import Uses, blocked, ineligible, make_line, once, payable, template
from tongnan_calc.core.model import LOANS, Basis, Line, Loan, Msg, Records, Status
from tongnan_calc.core.money import frac, show
from tongnan_calc.core.rules import ANY, Band, NoValueInForce, Rules

MEASURE = "loan_interest"


def compute(rec: Records, year: int, rules: Rules) -> Line:
    levels, basis = once(rules, (MEASURE, year), lambda: _levels(rules, year))
    if levels != ANY and rec.enterprise.demo_level not in levels:
        return template(rules, MEASURE, Status.INELIGIBLE, "not_demo", basis, levels="/".join(levels)).of(rec)
    uses = Uses(rules, MEASURE)
    uses.get("levels", year_end(year))
    block = blocked(rec, rules, MEASURE, LOANS)
    if block is not None:
        return block
    loans = [loan for loan in rec.loans if loan.key_project]
    if not loans:
        return ineligible(rec, rules, MEASURE, Msg.of("loan_none"), uses)
    share = frac(uses.get("share_of_benchmark", year_end(year)))
    day_count: int = uses.get("day_count", year_end(year))
    cap = frac(uses.get("enterprise_cap", year_end(year)))
    total, bearing = Fraction(0), 0
    undecided: dict[str, list[str]] = {}
    for loan in loans:
        days = overlap_days(loan.drawdown_date, loan.maturity_date, *year_bounds(year))
        if days == 0:
            uses.step(f"loan {loan.loan_id}", f"no interest days in {year}")
            continue
        bearing += 1
        rate = _benchmark(uses, loan)
        if isinstance(rate, str):
            undecided.setdefault(rate, []).append(loan.loan_id)
            continue
        total += _subsidy(uses, loan, days, rate, share, day_count)
    if bearing == 0:
        return ineligible(rec, rules, MEASURE, Msg.of("loan_no_days", year=year), uses)
    if undecided:
        uses.step("computed so far for the other loans", total)
        key = "loan_before_first_table" if "loan_before_first_table" in undecided else "loan_no_benchmark"
        reason = Msg.of(key, loans=", ".join(loan_id for ids in undecided.values() for loan_id in ids))
        return make_line(rec, rules, MEASURE, Status.PENDING, reason, uses)
    paid = sum((frac(p.amount) for p in rec.prior if p.measure == MEASURE), Fraction(0))
    remaining = max(Fraction(0), cap - paid)
    uses.step("subsidy before the cap", total)
    uses.step("paid in earlier years", paid)
    if remaining == 0:
        return ineligible(rec, rules, MEASURE, Msg.of("loan_cap_reached", cap=show(cap)), uses)
    if total > remaining:
        uses.step("enterprise cap applied: cap less earlier payouts", remaining)
    return payable(rec, rules, MEASURE, min(total, remaining), Msg.of("loan_payable", loans=bearing), uses)


def _levels(rules: Rules, year: int) -> tuple[tuple[str, ...] | str, Basis]:
    """The levels in force on 31 December Y (or ``any``), and the basis of the lines that stop there."""
    uses = Uses(rules, MEASURE)
    levels: tuple[str, ...] | str = uses.get("levels", year_end(year))
    return levels, uses.basis()


def _benchmark(uses: Uses, loan: Loan) -> Fraction | str:
    """The benchmark rate (a fraction a year) for the loan's term band on its drawdown date.

    When there is none, the message key saying why: the rule file's table starts
    later (an analyst adds the earlier table) or the benchmark was withdrawn (the
    LPR replaced it: an analyst decides which rate to use).
    """
    months = months_rounded_up(loan.drawdown_date, loan.maturity_date)
    on = loan.drawdown_date.isoformat()
    try:
        bands: tuple[Band, ...] | None = uses.get("benchmark_rates", loan.drawdown_date, "table")
    except NoValueInForce:
        uses.step(f"loan {loan.loan_id}", f"drawn {on}, before the first benchmark table of the rule file")
        return "loan_before_first_table"
    if bands is None:
        uses.step(f"loan {loan.loan_id}", f"no benchmark rate in force on {on} (withdrawn)")
        return "loan_no_benchmark"
    band = next(b for b in bands if b.max_months is None or months <= b.max_months)
    upper = "longer" if band.max_months is None else f"≤ {band.max_months} months"
    uses.step(f"loan {loan.loan_id} term", f"{months} months, band {upper}: {show(band.rate_percent)}%")
    return frac(band.rate_percent) / 100


def _subsidy(uses: Uses, loan: Loan, days: int, rate: Fraction, share: Fraction, day_count: int) -> Fraction:
    """SPEC §4: share × min(interest at the benchmark rate for the days, interest_paid when given).

    二（六） "按银行同期基准利率的50%给予贷款贴息": half the interest at the benchmark rate, or half
    of what was actually paid when that is less — never more than half the interest paid."""
    interest = frac(loan.principal) * rate * days / day_count
    text = f"{show(loan.principal)} × {show(rate)} × {days}/{day_count} = {show(interest)}"
    if loan.interest_paid is not None and frac(loan.interest_paid) < interest:
        interest = frac(loan.interest_paid)
        text += f"; interest paid {show(interest)} is less"
    subsidy = interest * share
    text += f"; × {show(share)} = {show(subsidy)}"
    uses.step(f"loan {loan.loan_id} subsidy", text)
    return subsidy
