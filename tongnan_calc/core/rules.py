"""The rules as data: dated values, a measure's rules, the whole rule file, and the problems found reading one.

Pure: nothing here reads a file.  ``load`` reads a rule file and ``schema`` builds these from it;
the core looks parameters up through ``Rules.param`` / ``Dated.at``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any, Generic, TypeVar

from tongnan_calc.core.params import ENABLED
from tongnan_calc.core.say import Lang, Say, UserError, join_lines

T = TypeVar("T")


class Problems:
    """Problems collected while reading a rule file: (line, message) pairs, each message in both languages."""

    def __init__(self) -> None:
        self.items: list[tuple[int, Say]] = []

    def add(self, line: int, message: Say) -> None:
        self.items.append((line, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def sorted(self) -> list[tuple[int, Say]]:
        """By line, then by the English text (the order never depends on the language shown); no repeats."""
        return sorted(set(self.items), key=lambda item: (item[0], item[1].en, item[1].zh))


@dataclass(frozen=True)
class RuleProblem:
    """One problem of a rule file: ``str()`` is ``file:line: message`` in English."""

    file: str
    line: int
    say: Say

    @property
    def message(self) -> str:
        return self.say.en

    def text(self, lang: Lang = "en") -> str:
        return f"{self.file}:{self.line}: {self.say.in_lang(lang)}"

    def __str__(self) -> str:
        return self.text("en")


class RuleError(UserError):
    """A rule file that cannot be read exactly; carries every problem found, one line each in ``say``."""

    def __init__(self, problems: list[RuleProblem]) -> None:
        super().__init__(join_lines([Say(p.text("zh"), p.text("en")) for p in problems]))
        self.problems = problems


class NoValueInForce(Exception):
    """A parameter was asked for a date before its first value (``str()`` English, ``say`` both)."""

    def __init__(self, message: Say) -> None:
        super().__init__(message.en)
        self.say = message


@dataclass(frozen=True)
class Reference:
    """Where a dated value comes from: the document (its title or 文号), the clause, when issued, a URL."""

    clause: str
    title: str = ""
    number: str = ""  # 文号
    issued: date | None = None
    url: str = ""

    def text(self) -> str:
        """``《title》（number，issued）clause URL``, the parts that are known."""
        name = f"《{self.title}》" if self.title else ""
        detail = "，".join(part for part in (self.number, self.issued.isoformat() if self.issued else "") if part)
        shown = f"{name}（{detail}）" if name and detail else name or detail
        return " ".join(part for part in (f"{shown}{self.clause}", self.url) if part)

    def short(self, policy: str = "") -> str:
        """The reference as a line's basis cites it, once per rule-file value on every line: the 文号 and
        the clause; without one, ``《title》（issued）clause`` (the PBOC notices share their titles: the
        date tells them apart); the rule file's own notice (its title is ``policy``) by the clause alone.
        No URL; on one line (a basis is a text line a row: a line break of the file is a space).
        ``text()`` (``rules show``, the payout workbook's provenance) gives it all."""
        if self.number:
            shown = f"{self.number} {self.clause}"
        elif self.title and self.title != policy:
            issued = f"（{self.issued.isoformat()}）" if self.issued else ""
            shown = f"《{self.title}》{issued}{self.clause}"
        else:
            shown = self.clause
        return " ".join(shown.split())


@dataclass(frozen=True)
class InForce(Generic[T]):
    """A parameter's value on a day: the value, the date it took effect and its reference (if the file gives one)."""

    value: T
    effective: date
    reference: Reference | None


@dataclass(frozen=True)
class Dated(Generic[T]):
    """A parameter's values, each in force from its date until the next one.

    ``description`` and ``references`` (one per entry, ``None`` where the file gives none) are what the
    rule file says about the parameter; ``line`` is where it is written (0: not in the file, a default),
    ``entry_lines`` where each dated value is (in an overlay's merge, each in the file it comes from)."""

    measure: str
    name: str
    clause: str
    unit: str
    entries: tuple[tuple[date, T], ...]
    line: int = field(default=0, compare=False)  # where it is written, not what it says
    description: str = ""
    references: tuple[Reference | None, ...] = ()
    entry_lines: tuple[int, ...] = field(default=(), compare=False)

    def entry(self, day: date) -> InForce[T]:
        """The value in force on ``day``, the date it took effect and its reference."""
        value, effective = self.at(day)
        return InForce(value, effective, self.reference(effective))

    def reference(self, effective: date) -> Reference | None:
        """The reference of the value that took effect on ``effective`` (``None``: the file gives none)."""
        for (start, _), found in zip(self.entries, self.references, strict=False):
            if start == effective:
                return found
        return None

    def at(self, day: date) -> tuple[T, date]:
        """The value in force on ``day`` and the date it took effect."""
        found: tuple[T, date] | None = None
        for start, value in self.entries:
            if start > day:
                break
            found = (value, start)
        if found is None:
            where, first = f"{self.measure}.{self.name}", self.entries[0][0].isoformat()
            raise NoValueInForce(
                Say(
                    f"{where} 在 {day.isoformat()} 没有生效的值（最早的值自 {first} 起）",
                    f"{where} has no value in force on {day.isoformat()} (the first is from {first})",
                )
            )
        return found

    def changes(self) -> tuple[date, ...]:
        return tuple(d for d, _ in self.entries)


@dataclass(frozen=True)
class MeasureRules:
    id: str
    clause: str
    responsible: tuple[str, ...]
    params: Mapping[str, Dated[Any]]
    title: str = ""
    end: date | None = None  # `end:` under the measure: not in force from that day on


@dataclass(frozen=True)
class Ended:
    """Why a measure is not in force on a day: the day it ended and the rule-file key that ends it."""

    on: date
    by: str  # "policy.end", "rent.end" or "rent.enabled"


@dataclass(frozen=True)
class Rules:
    path: str
    sha256: str
    schema: int
    version: str
    title: str
    start: date
    excluded_by_micro_support: frozenset[str]
    measures: Mapping[str, MeasureRules] = field(default_factory=dict)
    end: date | None = None  # `policy.end`: no measure is in force from that day on
    issuer: str = ""  # the unit that issues the payout workbook (rules.yaml ``issuer``)
    notes: tuple[tuple[int, Say], ...] = ()  # warnings found reading the file (line, message): `rules check`
    base: str = ""  # an overlay's: the rule file it was merged onto (empty for a whole file)
    base_version: str = ""

    def param(self, measure: str, name: str) -> Dated[Any]:
        return self.measures[measure].params[name]

    def ended(self, measure: str, day: date) -> Ended | None:
        """Whether ``measure`` has ended by ``day`` (``policy.end``, its own ``end``, or ``enabled: null``)."""
        spec = self.measures[measure]
        found: list[Ended] = []
        if self.end is not None and self.end <= day:
            found.append(Ended(self.end, "policy.end"))
        if spec.end is not None and spec.end <= day:
            found.append(Ended(spec.end, f"{measure}.end"))
        enabled = spec.params.get(ENABLED.name)
        if enabled is not None and enabled.entries[0][0] <= day:
            value, since = enabled.at(day)
            if value is None:
                found.append(Ended(since, f"{measure}.{ENABLED.name}"))
        return min(found, key=lambda ended: ended.on) if found else None

    def end_changes(self, measure: str) -> tuple[date, ...]:
        """The days on which ``measure`` may start or stop being in force."""
        spec = self.measures[measure]
        enabled = spec.params.get(ENABLED.name)
        days = {d for d in (self.end, spec.end) if d is not None}
        return tuple(sorted(days | set(enabled.changes() if enabled is not None else ())))

    @cached_property
    def ends(self) -> bool:
        """Whether any measure of this rule file ever ends (most do not: then nothing is checked)."""
        return self.end is not None or any(
            spec.end is not None or None in dict(spec.params[ENABLED.name].entries).values()
            for spec in self.measures.values()
            if ENABLED.name in spec.params or spec.end is not None
        )

    def value(self, measure: str, name: str, day: date) -> tuple[Any, date]:
        return self.param(measure, name).at(day)


def iter_params(rules: Rules) -> Iterator[Dated[Any]]:
    for measure in rules.measures.values():
        yield from measure.params.values()


ANY = "any"
"""``loan_interest.levels: any``: every e-commerce enterprise, whatever its demonstration level."""


@dataclass(frozen=True)
class Tier:
    """A sales milestone: the threshold in yuan and its reward (``None``: the policy fixes none)."""

    threshold: Decimal
    amount: Decimal | None


@dataclass(frozen=True)
class Band:
    """A benchmark lending rate for loans of at most ``max_months`` (``None``: every longer term)."""

    max_months: int | None
    rate_percent: Decimal
