"""What analysts ask of a rule file: the parameters in force on a date, and what a revision changes."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from tongnan_calc.core.measures import data_line, loan_interest, sales_milestone
from tongnan_calc.core.money import show
from tongnan_calc.core.rules import Band, Dated, Rules, Tier
from tongnan_calc.core.say import Lang, Say
from tongnan_calc.rules.schema import UNITS_ZH


def show_value(value: Any, lang: Lang = "en") -> str:
    """A parameter value as an analyst wrote it (the words of a term band in ``lang``)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if isinstance(value, Tier):
        return f"> {show(value.threshold)}: {'null' if value.amount is None else show(value.amount)}"
    if isinstance(value, Band):
        if lang == "zh":
            upper = "更长期限" if value.max_months is None else f"≤ {value.max_months} 个月"
        else:
            upper = "longer" if value.max_months is None else f"≤ {value.max_months} months"
        return f"{upper}: {show(value.rate_percent)}%"
    if isinstance(value, tuple):
        return "[" + ", ".join(show_value(v, lang) for v in value) + "]"
    if isinstance(value, str):
        return value
    return show(value)


# --- what the ledger checks a payout against (the ledger reads no measure: these name the parameters) ---


def data_line_period(rules: Rules, day: date) -> int:
    """The data_line subsidy period in years in force on ``day`` (``NoValueInForce`` before the first).

    二（四）"补贴期限为2年": consecutive calendar years from the first."""
    period: int = rules.value(data_line.MEASURE, data_line.PERIOD_YEARS.name, day)[0]
    return period


def milestone_tiers(rules: Rules, day: date) -> tuple[Tier, ...]:
    """The sales_milestone tiers in force on ``day`` (``NoValueInForce`` before the first)."""
    tiers: tuple[Tier, ...] = rules.value(sales_milestone.MEASURE, sales_milestone.TIERS.name, day)[0]
    return tiers


def interest_cap(rules: Rules, day: date) -> Decimal:
    """The lifetime loan_interest cap per enterprise in force on ``day`` (``NoValueInForce`` before the first).

    二（六）"每个企业贴息最高不超过50万元": the cap is for all the years together."""
    cap: Decimal = rules.value(loan_interest.MEASURE, loan_interest.ENTERPRISE_CAP.name, day)[0]
    return cap


def both(value: Any) -> Say:
    return Say(show_value(value, "zh"), show_value(value, "en"))


@dataclass(frozen=True)
class ParamRow:
    measure: str
    name: str
    clause: str
    unit: Say
    value: Say
    effective: date | None  # None: no value in force on the date asked
    reference: str = ""  # the value's reference (``Reference.text``), "" when the file gives none
    description: str = ""


def params_on(rules: Rules, day: date, measure: str | None = None) -> list[ParamRow]:
    """Every parameter in force on ``day`` (of one measure, or of all)."""
    rows: list[ParamRow] = []
    for spec in rules.measures.values():
        if measure is not None and spec.id != measure:
            continue
        for dated in spec.params.values():
            rows.append(_row(dated, day))
    return rows


def _row(dated: Dated[Any], day: date) -> ParamRow:
    unit = Say(UNITS_ZH.get(dated.unit, dated.unit), dated.unit)
    found = [(start, value) for start, value in dated.entries if start <= day]
    if not found:
        return ParamRow(dated.measure, dated.name, dated.clause, unit, Say("（无生效值）", "(none in force)"), None)
    start, value = found[-1]
    reference = dated.reference(start)
    shown = reference.text() if reference is not None else ""
    return ParamRow(dated.measure, dated.name, dated.clause, unit, both(value), start, shown, dated.description)


def unreferenced(rules: Rules) -> list[tuple[int, Say]]:
    """The warnings of ``rules check``, in file order (line, message): the parameters with values that cite
    no reference, and what the file's ``documentation`` names that is not there (``Rules.notes``)."""
    found: list[tuple[int, Say]] = []
    for spec in rules.measures.values():
        for dated in spec.params.values():
            if dated.line == 0:  # a default the file leaves out
                continue
            refs = dated.references or (None,) * len(dated.entries)
            lines = dated.entry_lines or (dated.line,) * len(dated.entries)
            unsourced = [
                (start.isoformat(), at)
                for (start, _), ref, at in zip(dated.entries, refs, lines, strict=True)
                if ref is None
            ]
            if unsourced:
                missing = [day for day, _ in unsourced]
                where, days = f"{dated.measure}.{dated.name}", ", ".join(missing)
                found.append(
                    (
                        unsourced[0][1],  # the first value without one (in an overlay: in the overlay)
                        Say(
                            f"{where}：自 {'、'.join(missing)} 起的取值未注明出处（reference：文件标题或文号、条款）",
                            f"{where}: no reference (the document and clause) for the value from {days}",
                        ),
                    )
                )
    return sorted([*rules.notes, *found], key=lambda item: item[0])


@dataclass(frozen=True)
class UsedReference:
    """A rule-file value a run used, with its reference (for the payout workbook's provenance)."""

    measure: str
    name: str
    effective: date
    reference: str  # ``Reference.text``; "" when the file gives none


def references_used(rules: Rules, uses: Iterable[tuple[str, str, date]]) -> list[UsedReference]:
    """The references of the values a run used: ``uses`` holds (measure, parameter, effective date),
    e.g. from each line's basis (``line.measure``, ``param.name``, ``param.effective``); each once, in rule order."""
    order = {(m, n): i for i, (m, n) in enumerate((s.id, n) for s in rules.measures.values() for n in s.params)}
    seen: set[tuple[str, str, date]] = set()
    for measure, name, effective in uses:
        if (measure, name) in order:
            seen.add((measure, name, effective))
    rows = []
    for measure, name, effective in sorted(seen, key=lambda u: (order[u[0], u[1]], u[2])):
        reference = rules.param(measure, name).reference(effective)
        rows.append(UsedReference(measure, name, effective, reference.text() if reference is not None else ""))
    return rows


@dataclass(frozen=True)
class Change:
    """One difference between two rule files: what, from when, before and after (in both languages)."""

    where: str  # "version", "policy.start", "rent.rates", "rent.responsible", ...
    effective: date | None
    kind: str  # "added", "removed", "changed"
    old: Say
    new: Say

    def text(self, lang: Lang = "en") -> str:
        old, new = self.old.in_lang(lang), self.new.in_lang(lang)
        if lang == "zh":
            when = f" 自 {self.effective.isoformat()} 起" if self.effective else ""
            if self.kind == "added":
                return f"{self.where}{when}：新增 {new}"
            if self.kind == "removed":
                return f"{self.where}{when}：删除（原为 {old}）"
            return f"{self.where}{when}：{old} → {new}"
        when = f" from {self.effective.isoformat()}" if self.effective else ""
        if self.kind == "added":
            return f"{self.where}{when}: added {new}"
        if self.kind == "removed":
            return f"{self.where}{when}: removed (was {old})"
        return f"{self.where}{when}: {old} → {new}"


def diff_rules(old: Rules, new: Rules) -> list[Change]:
    """What a revision changes: version, policy, responsible units, each dated value."""
    return list(_diff(old, new))


def _diff(old: Rules, new: Rules) -> Iterator[Change]:
    for where, before, after in (
        ("version", old.version, new.version),
        ("policy.title", old.title, new.title),
        ("policy.start", old.start.isoformat(), new.start.isoformat()),
        (
            "policy.excluded_by_micro_support",
            show_value(tuple(sorted(old.excluded_by_micro_support))),
            show_value(tuple(sorted(new.excluded_by_micro_support))),
        ),
    ):
        if before != after:
            yield Change(where, None, "changed", Say(before, before), Say(after, after))
    for measure_id, spec in new.measures.items():
        was = old.measures[measure_id]
        if was.responsible != spec.responsible:
            units_before, units_after = "、".join(was.responsible), "、".join(spec.responsible)
            yield Change(
                f"{measure_id}.responsible",
                None,
                "changed",
                Say(units_before, units_before),
                Say(units_after, units_after),
            )
        for name, dated in spec.params.items():
            yield from _diff_dated(f"{measure_id}.{name}", was.params[name], dated)


def _diff_dated(where: str, old: Dated[Any], new: Dated[Any]) -> Iterator[Change]:
    before, after = dict(old.entries), dict(new.entries)
    for start in sorted(set(before) | set(after)):
        if start not in before:
            yield Change(where, start, "added", Say("", ""), both(after[start]))
        elif start not in after:
            yield Change(where, start, "removed", both(before[start]), Say("", ""))
        elif before[start] != after[start]:
            yield Change(where, start, "changed", both(before[start]), both(after[start]))


# --- entries lost in a revision ----------------------------------------------------------


@dataclass(frozen=True)
class Dropped:
    """A dated value of a tier list or band table that leaves out entries of the value before it."""

    where: str  # "sales_milestone.tiers"
    effective: date
    previous: date
    entries: tuple[Tier | Band, ...]

    def text(self, lang: Lang = "en") -> str:
        if lang == "zh":
            lost = "、".join(_entry(e, "zh") for e in self.entries)
            return (
                f"警告：{self.where} 自 {self.effective.isoformat()} 起的值去掉了 {lost}"
                f"（自 {self.previous.isoformat()} 起生效）：若是笔误，请在新值中写出每一个保留的项"
            )
        lost = ", ".join(_entry(e, "en") for e in self.entries)
        return (
            f"warning: {self.where} from {self.effective.isoformat()} drops {lost}"
            f" (in force from {self.previous.isoformat()}): if that is a slip, write every entry that stays"
            " in the new value"
        )


def _entry(entry: Tier | Band, lang: Lang) -> str:
    if isinstance(entry, Tier):
        return f"> {show(entry.threshold)}"
    if lang == "zh":
        return "更长期限档" if entry.max_months is None else f"≤ {entry.max_months} 个月档"
    return "the longer band" if entry.max_months is None else f"the ≤ {entry.max_months} months band"


def _key(entry: Tier | Band) -> object:
    return entry.threshold if isinstance(entry, Tier) else entry.max_months


def _listed(value: Any) -> bool:
    return isinstance(value, tuple) and bool(value) and all(isinstance(v, (Tier, Band)) for v in value)


def dropped_entries(new: Rules, reference: Rules | None = None) -> list[Dropped]:
    """Each dated value of a tier list or band table (sales_milestone.tiers, loan_interest.benchmark_rates)
    that leaves out an entry of the value in force before it: a tier silently lost in a revision.

    Only what is new against ``reference`` is looked at (a pair of consecutive values that ``reference``
    does not hold as they are); without ``reference``, every pair.  A ``null`` (no table in force) is
    neither checked nor checked against."""
    found: list[Dropped] = []
    for measure_id, spec in new.measures.items():
        for name, dated in spec.params.items():
            old: Dated[Any] | None = None
            if reference is not None and measure_id in reference.measures:
                old = reference.measures[measure_id].params.get(name)
            known = set(_pairs(old.entries)) if old is not None else set()
            for pair in _pairs(dated.entries):
                (before_day, before), (day, value) = pair
                if pair in known or not (_listed(before) and _listed(value)):
                    continue
                kept = {_key(e) for e in value}
                lost = tuple(e for e in before if _key(e) not in kept)
                if lost:
                    found.append(Dropped(f"{measure_id}.{name}", day, before_day, lost))
    return found


def _pairs(entries: tuple[tuple[date, Any], ...]) -> list[tuple[tuple[date, Any], tuple[date, Any]]]:
    return list(itertools.pairwise(entries))
