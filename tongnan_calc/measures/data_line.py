"""二（四） Data-line lease subsidy.

    电子商务企业租用数据专线的，给予不超过租赁费用30%的补贴，每年补助金额最高10万元
    人民币，补贴期限为2年。（责任单位：区商务局、区财政局）

SPEC §4 ``data_line``: F = the fees paid in Y; amount = min(rate × F, annual_cap),
only within the period_years consecutive calendar years that start with the first
year (not before the policy start year) with a fee above zero or a prior payout.
"""

from __future__ import annotations

from fractions import Fraction

from tongnan_calc.measures.common import Uses, blocked, common_conditions, ineligible, payable, year_end
from tongnan_calc.model import DATA_LINES, Line, Msg, Records
from tongnan_calc.money import frac
from tongnan_calc.rules import Rules

MEASURE = "data_line"


def compute(rec: Records, year: int, rules: Rules) -> Line:
    early = common_conditions(rec, rules, MEASURE) or blocked(rec, rules, MEASURE, DATA_LINES)
    if early is not None:
        return early
    start_year = rules.start.year
    starts = {d.year for d in rec.data_lines if d.fee_paid > 0 and d.year >= start_year}
    starts.update(p.year for p in rec.prior if p.measure == MEASURE)
    if not starts:
        return ineligible(rec, rules, MEASURE, Msg.of("data_line_no_fee"))
    uses = Uses(rules, MEASURE)
    first = min(starts)
    period: int = uses.get("period_years", year_end(year))
    last = first + period - 1
    uses.step("subsidy period", f"{first} to {last}")
    if not first <= year <= last:
        return ineligible(rec, rules, MEASURE, Msg.of("data_line_outside_period", first=first, last=last), uses)
    fee = sum((frac(d.fee_paid) for d in rec.data_lines if d.year == year), Fraction(0))
    if fee <= 0:
        return ineligible(rec, rules, MEASURE, Msg.of("data_line_no_fee_in_year", year=year), uses)
    rate = frac(uses.get("rate", year_end(year)))
    cap = frac(uses.get("annual_cap", year_end(year)))
    uses.step("fees paid this year (F)", fee)
    uses.step("rate × F", rate * fee)
    amount = min(rate * fee, cap)
    if amount < rate * fee:
        uses.step("annual cap applied", cap)
    return payable(rec, rules, MEASURE, amount, Msg.of("data_line_payable", first=first, last=last), uses)
