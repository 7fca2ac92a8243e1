"""What every measure shares: building a line, the 二（七） conditions, blocking, parameter use."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from tongnan_calc.model import Basis, Line, Msg, ParamUse, Records, Status, Step
from tongnan_calc.money import fmt, round_money, show
from tongnan_calc.rules import Rules


class Uses:
    """Collects the rule-file values a computation reads, for the line's basis."""

    def __init__(self, rules: Rules, measure: str) -> None:
        self.rules = rules
        self.measure = measure
        self.params: list[ParamUse] = []
        self.steps: list[Step] = []

    def get(self, name: str, day: date, shown: str | None = None) -> Any:
        dated = self.rules.param(self.measure, name)
        value, effective = dated.at(day)
        use = ParamUse(name, shown if shown is not None else _show(value), effective, dated.clause)
        if use not in self.params:
            self.params.append(use)
        return value

    def step(self, label: str, value: object) -> None:
        self.steps.append(Step(label, value if isinstance(value, str) else _show(value)))

    def basis(self) -> Basis:
        return Basis(tuple(self.params), tuple(self.steps))


def _show(value: object) -> str:
    if isinstance(value, (Decimal, Fraction, int)) and not isinstance(value, bool):
        return show(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return "null" if value is None else str(value)


def year_end(year: int) -> date:
    """Annual measures read their parameters as in force on 31 December Y (SPEC §5)."""
    return date(year, 12, 31)


def make_line(
    rec: Records,
    rules: Rules,
    measure: str,
    status: Status,
    reason: Msg,
    uses: Uses | None = None,
    *,
    amount: Decimal | None = None,
    tier: Decimal | None = None,
) -> Line:
    spec = rules.measures[measure]
    return Line(
        credit_code=rec.enterprise.credit_code,
        name=rec.enterprise.name,
        measure=measure,
        clause=spec.clause,
        status=status,
        amount=amount,
        reason=reason,
        basis=uses.basis() if uses is not None else Basis(),
        tier=tier,
        responsible=spec.responsible,
    )


def ineligible(rec: Records, rules: Rules, measure: str, reason: Msg, uses: Uses | None = None) -> Line:
    return make_line(rec, rules, measure, Status.INELIGIBLE, reason, uses)


def payable(
    rec: Records,
    rules: Rules,
    measure: str,
    exact: Fraction,
    reason: Msg,
    uses: Uses,
    tier: Decimal | None = None,
) -> Line:
    """A payable line: the exact amount (caps already applied) rounded once, half up."""
    amount = round_money(exact)
    uses.step("exact amount", exact)
    uses.step("rounded half up to 0.01", fmt(amount))
    return make_line(rec, rules, measure, Status.PAYABLE, reason, uses, amount=amount, tier=tier)


def common_conditions(rec: Records, rules: Rules, measure: str) -> Line | None:
    """二（七）: 二（二）至（五） are for e-commerce legal entities ("电子商务法人企业可享受")."""
    if not rec.enterprise.ecommerce_entity:
        return ineligible(rec, rules, measure, Msg.of("not_ecommerce_entity"))
    return None


def micro_support_exclusion(rec: Records, rules: Rules, measure: str) -> Line | None:
    """二（七）: "享受微企扶持的不再享受上述优惠政策" — for every measure the rule file excludes."""
    if rec.enterprise.micro_support and measure in rules.excluded_by_micro_support:
        return ineligible(rec, rules, measure, Msg.of("micro_support"))
    return None


def blocked(rec: Records, rules: Rules, measure: str, sheet: str) -> Line | None:
    """A measure that needs a sheet with errors for this enterprise is blocked, never shrunk."""
    issues = rec.blockers(sheet)
    if not issues:
        return None
    where = ", ".join(issue.where() for issue in issues[:5])
    more = f" (+{len(issues) - 5})" if len(issues) > 5 else ""
    return make_line(rec, rules, measure, Status.BLOCKED, Msg.of("blocked", where=where + more))
