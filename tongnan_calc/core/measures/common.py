"""What every measure shares: building a line and its trace, the 二（七） conditions, blocking, parameter use."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

from tongnan_calc.core.dates import year_end
from tongnan_calc.core.model import Line, Msg, Records, Status
from tongnan_calc.core.money import round_money, show
from tongnan_calc.core.params import Param
from tongnan_calc.core.rules import Ended, Rules
from tongnan_calc.core.trace import EXACT, ROUNDED, Basis, Check, ParamUse, Step, Value

# A batch asks the same parameter on the same day for every enterprise, and most of
# its lines are one of a few ineligible outcomes.  Both are worked out once per rule
# file: ``memo(rules)`` is a dictionary kept for each ``Rules`` object (by id; the
# entry holds the object, so the id is not reused while the entry exists).
_MEMOS: dict[int, tuple[Rules, dict[Hashable, Any]]] = {}
_MEMOS_KEPT = 16
_LAST: list[tuple[Rules, dict[Hashable, Any]] | None] = [None]

T = TypeVar("T")


def memo(rules: Rules) -> dict[Hashable, Any]:
    last = _LAST[0]  # a batch asks for the same rule file hundreds of thousands of times
    if last is not None and last[0] is rules:
        return last[1]
    found = _MEMOS.get(id(rules))
    if found is not None and found[0] is rules:
        _LAST[0] = found
        return found[1]
    if len(_MEMOS) >= _MEMOS_KEPT:
        _MEMOS.clear()
        _LAST[0] = None
    cache: dict[Hashable, Any] = {}
    _MEMOS[id(rules)] = _LAST[0] = (rules, cache)
    return cache


def once(rules: Rules, key: Hashable, build: Callable[[], T]) -> T:
    """``build()``, computed once per rule file and ``key`` (which must say everything it depends on)."""
    cache = memo(rules)
    found: T | None = cache.get(key)
    if found is None:
        found = cache[key] = build()
    return found


def param_use(rules: Rules, measure: str, name: str, day: date, shown: str | None = None) -> tuple[Any, ParamUse]:
    """The value of a parameter in force on ``day`` and its use for a basis, with the value's reference in
    the short form a basis cites (``Reference.short``; none when the file gives none) — looked up once."""
    cache = memo(rules)
    key = ("param", measure, name, day, shown)
    found: tuple[Any, ParamUse] | None = cache.get(key)
    if found is None:
        dated = rules.param(measure, name)
        now = dated.entry(day)
        value, ref = now.value, now.reference
        reference = ref.short(rules.title) if ref is not None else None
        use = ParamUse(name, shown if shown is not None else _show(value), now.effective, dated.clause, reference)
        found = cache[key] = (value, use)
    return found


# ``Line`` is a frozen dataclass with an instance dictionary: a copy of a prepared
# line's dictionary with another enterprise's code and name is the same line as the
# constructor would make, three times faster.  (Should ``Line`` ever get slots, the
# constructor is used instead.)
_CLONE = "__slots__" not in Line.__dict__
_new = object.__new__


class Template:
    """A line that many enterprises get alike (same measure, status, reason and basis)."""

    __slots__ = ("line", "values")

    def __init__(self, rules: Rules, measure: str, status: Status, reason: Msg, basis: Basis | None = None) -> None:
        spec = rules.measures[measure]
        self.line = Line(
            credit_code="",
            name="",
            measure=measure,
            clause=spec.clause,
            status=status,
            amount=None,
            reason=reason,
            basis=basis if basis is not None else _NO_BASIS,
            responsible=spec.responsible,
        )
        self.values = self.line.__dict__ if _CLONE else {}

    def of(self, rec: Records) -> Line:
        ent = rec.enterprise
        if not _CLONE:
            return replace(self.line, credit_code=ent.credit_code, name=ent.name)
        line: Line = _new(Line)
        values = line.__dict__
        values.update(self.values)
        values["credit_code"] = ent.credit_code
        values["name"] = ent.name
        return line


_NO_BASIS = Basis()


def template(
    rules: Rules, measure: str, status: Status, key: str, basis: Basis | None = None, **args: object
) -> Template:
    """The template line for a reason (catalog ``key`` and ``args``) and basis, made once per rule file.

    ``basis`` must itself be a shared object (``None``, or one made once per rule file)."""
    cache = memo(rules)
    memo_key = ("template", measure, status, key, id(basis), tuple(args.items()))
    found: Template | None = cache.get(memo_key)
    if found is None:
        found = cache[memo_key] = Template(rules, measure, status, Msg.of(key, **args), basis)
        cache[("keep", id(basis))] = basis  # the basis lives as long as the template keyed by its id
    return found


class Uses:
    """Collects a computation's trace: the rule-file values it reads, the conditions it checks, its steps."""

    __slots__ = ("checks", "measure", "params", "rules", "steps")

    def __init__(self, rules: Rules, measure: str, checks: tuple[Check, ...] = ()) -> None:
        self.rules = rules
        self.measure = measure
        self.params: list[ParamUse] = []
        self.steps: list[Step] = []
        self.checks: list[Check] = list(checks)

    def get(self, param: Param, day: date, shown: str | None = None) -> Any:
        value, use = param_use(self.rules, self.measure, param.name, day, shown)
        if use not in self.params:
            self.params.append(use)
        return value

    def step(self, kind: str, **args: Value) -> None:
        self.steps.append(Step(kind, tuple(args.items())))

    def check(self, kind: str, met: bool | None, **args: Value) -> None:
        self.checks.append(Check(kind, met, tuple(args.items())))

    def basis(self) -> Basis:
        return Basis(tuple(self.params), tuple(self.steps), tuple(self.checks))


def _show(value: object) -> str:
    kind = type(value)
    if kind is Decimal or kind is Fraction or kind is int:
        return show(value)  # type: ignore[arg-type]
    if isinstance(value, (Decimal, Fraction, int)) and not isinstance(value, bool):
        return show(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return "null" if value is None else str(value)


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
    basis: Basis | None = None,
) -> Line:
    spec = rules.measures[measure]
    ent = rec.enterprise
    # the constructor, not a copied instance dictionary: its attributes stay in the compact
    # per-class layout (a materialised ``__dict__`` takes 2.5 times the memory)
    return Line(
        ent.credit_code,
        ent.name,
        measure,
        spec.clause,
        status,
        amount,
        reason,
        uses.basis() if uses is not None else basis if basis is not None else _NO_BASIS,
        tier,
        spec.responsible,
    )


def ineligible(
    rec: Records, rules: Rules, measure: str, reason: Msg, uses: Uses | None = None, basis: Basis | None = None
) -> Line:
    return make_line(rec, rules, measure, Status.INELIGIBLE, reason, uses, basis=basis)


def payable(
    rec: Records,
    rules: Rules,
    measure: str,
    exact: Fraction | Decimal,
    reason: Msg,
    uses: Uses,
    tier: Decimal | None = None,
) -> Line:
    """A payable line: the exact amount (caps already applied) rounded once, half up.

    OUR READING of SPEC §4 (``payable``: "an amount to pay") and of the notice (给予补助/奖励): an amount
    that rounds to 0.00 — no rent paid in the window, no interest paid, a top-up the earlier rewards
    already cover — is nothing to pay.  The line is ``ineligible``, its reason naming the clause, and its
    basis shows the whole computation and the failed check ``amount_above_zero``: the payout sheet lists only
    amounts to transfer, and ``ledger record`` records no 0.00 payout."""
    amount = round_money(exact)
    uses.step(EXACT, amount=exact)
    uses.step(ROUNDED, amount=amount)
    if amount <= 0:  # the check is shown where it fails only: a payable line's amount shows it passed
        uses.check("amount_above_zero", False, amount=amount)
        clause = rules.measures[measure].clause
        return make_line(rec, rules, measure, Status.INELIGIBLE, Msg.of("nothing_to_pay", clause=clause), uses)
    return make_line(rec, rules, measure, Status.PAYABLE, reason, uses, amount=amount, tier=tier)


def _micro(rules: Rules, measure: str) -> tuple[Check, ...]:
    if measure in rules.excluded_by_micro_support:
        return (Check("micro_support", True, (("micro", False),)),)
    return ()


def passed(rules: Rules, measure: str) -> tuple[Check, ...]:
    """The 二（七） checks every line past ``common_conditions`` has passed (made once per rule file)."""
    return once(rules, ("passed", measure), lambda: _passed(rules, measure))


def _passed(rules: Rules, measure: str) -> tuple[Check, ...]:
    micro = _micro(rules, measure)
    if measure in ENTITY_ONLY:
        return (*micro, Check("ecommerce_entity", True, (("entity", True),)))
    return micro


ENTITY_ONLY = frozenset({"rent", "spin_off", "data_line", "sales_milestone"})
"""The measures 二（七） reserves for e-commerce legal entities ("电子商务法人企业可享受以上（二）至（五）项")."""


def shared(rules: Rules, measure: str, key: Hashable, make: Callable[[], Basis]) -> Basis:
    """A basis many lines share: ``make()``'s, its checks after the passed 二（七） ones (made once per
    rule file, measure and ``key``, which must say everything the basis depends on)."""

    def build() -> Basis:
        made = make()
        return Basis(made.params, made.steps, (*passed(rules, measure), *made.checks))

    return once(rules, ("shared", measure, key), build)


def common_conditions(rec: Records, rules: Rules, measure: str) -> Line | None:
    """二（七）: 二（二）至（五） are for e-commerce legal entities ("电子商务法人企业可享受")."""
    if not rec.enterprise.ecommerce_entity:
        return once(rules, ("not entity", measure), lambda: _not_entity(rules, measure)).of(rec)
    return None


def _not_entity(rules: Rules, measure: str) -> Template:
    basis = Basis(checks=(*_micro(rules, measure), Check("ecommerce_entity", False, (("entity", False),))))
    return template(rules, measure, Status.INELIGIBLE, "not_ecommerce_entity", basis)


def micro_support_exclusion(rec: Records, rules: Rules, measure: str) -> Line | None:
    """二（七）: "享受微企扶持的不再享受上述优惠政策" — for every measure the rule file excludes."""
    if rec.enterprise.micro_support and measure in rules.excluded_by_micro_support:
        return once(rules, ("micro", measure), lambda: _micro_excluded(rules, measure)).of(rec)
    return None


def _micro_excluded(rules: Rules, measure: str) -> Template:
    basis = Basis(checks=(Check("micro_support", False, (("micro", True),)),))
    return template(rules, measure, Status.INELIGIBLE, "micro_support", basis)


DAILY = frozenset({"rent"})
"""Measures that read their parameters day by day (SPEC §5); the others read them on 31 December Y."""


def measure_ended(rec: Records, year: int, rules: Rules, measure: str) -> Line | None:
    """A measure the rule file ends (``policy.end``, its ``end``, ``enabled: null``) is ineligible from that day.

    An annual measure is ended for Y when it is not in force on 31 December Y; a daily one (``rent``)
    when it is in force on no day of Y (days after a mid-year end are left out by the measure itself)."""
    if not rules.ends:
        return None
    ended = once(rules, ("ended", measure, year), lambda: _ended_in(rules, measure, year))
    if ended is None:
        return None
    found = ended
    basis = once(rules, ("ended basis", measure, year), lambda: Basis(checks=(_in_force(found),)))
    return template(
        rules,
        measure,
        Status.INELIGIBLE,
        "measure_ended",
        basis,
        end=ended.on,
        by=ended.by,
        clause=rules.measures[measure].clause,
    ).of(rec)


def _in_force(ended: Ended) -> Check:
    return Check("in_force", False, (("on", ended.on), ("by", ended.by)))


def _ended_in(rules: Rules, measure: str, year: int) -> Ended | None:
    if measure not in DAILY:
        return rules.ended(measure, year_end(year))
    first = date(year, 1, 1)
    ended = rules.ended(measure, first)
    if ended is None or any(first < change <= year_end(year) for change in rules.end_changes(measure)):
        return None
    return ended


BLOCKERS_NAMED = 5
"""A blocked line names at most this many of the issues that block it."""

_NO_ERROR: dict[str, Check] = {}


def no_error(sheet: str) -> Check:
    """The check that this enterprise has no input error in ``sheet``, passed (one object a sheet)."""
    found = _NO_ERROR.get(sheet)
    if found is None:
        found = _NO_ERROR[sheet] = Check(
            "no_input_error", True, (("sheet", sheet), ("where_zh", None), ("where_en", None))
        )
    return found


def blocked(rec: Records, rules: Rules, measure: str, sheet: str, checks: tuple[Check, ...] = ()) -> Line | None:
    """A measure that needs a sheet with errors for this enterprise is blocked, never shrunk.

    The reason names where the errors are in both languages (``where_zh``, ``where_en``):
    the catalog shows the one of the reader's language.  ``checks``: those passed before."""
    issues = rec.blockers(sheet)
    if not issues:
        return None
    shown = issues[:BLOCKERS_NAMED]
    more = len(issues) - len(shown)
    where_en = ", ".join(issue.where("en") for issue in shown) + (f" (+{more})" if more else "")
    where_zh = "，".join(issue.where("zh") for issue in shown) + (f"（另有{more}处）" if more else "")
    failed = Check("no_input_error", False, (("sheet", sheet), ("where_zh", where_zh), ("where_en", where_en)))
    return make_line(
        rec,
        rules,
        measure,
        Status.BLOCKED,
        Msg.of("blocked", where_zh=where_zh, where_en=where_en),
        basis=Basis(checks=(*checks, failed)),
    )
