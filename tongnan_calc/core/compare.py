"""Baseline against reform: what a rule revision costs on real data (pure).

Given the lines of one batch computed under two rule files, add up each side by
measure and list, per enterprise and measure, who gains, loses, becomes eligible
or stops being eligible.  A pending line has no amount: it is counted (by measure
and tier) on each side, never shown as a gain or a loss; a line that moves between
pending and payable is a change of its own kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from tongnan_calc.core.engine import Totals, totals
from tongnan_calc.core.model import Line, Status
from tongnan_calc.core.rules import Rules
from tongnan_calc.core.say import Say

ZERO = Decimal("0.00")

# change categories (a public interface of `compare --json`)
GAINS, LOSES = "gains", "loses"
NEWLY_ELIGIBLE, NO_LONGER_ELIGIBLE = "newly_eligible", "no_longer_eligible"
STATUS_CHANGED = "status_changed"
PENDING_TO_PAYABLE, PAYABLE_TO_PENDING = "pending_to_payable", "payable_to_pending"
MOVED = frozenset({PENDING_TO_PAYABLE, PAYABLE_TO_PENDING})
"""Changes listed apart from the gains and losses: the money of a pending line is not known."""


@dataclass(frozen=True)
class Side:
    version: str
    totals: Totals


@dataclass(frozen=True)
class LineChange:
    credit_code: str
    name: str
    measure: str
    baseline: Line
    reform: Line
    difference: Decimal
    change: str

    @property
    def moved(self) -> bool:
        """Between pending and payable: listed apart, never as a gain or a loss."""
        return self.change in MOVED

    @property
    def pending(self) -> bool:
        """Pending on either side: the difference is not known."""
        return Status.PENDING in (self.baseline.status, self.reform.status)


@dataclass(frozen=True)
class PendingCount:
    """How many lines are pending for one measure and tier (no tier: None), on each side."""

    measure: str
    tier: Decimal | None
    baseline: int
    reform: int


@dataclass(frozen=True)
class Comparison:
    year: int
    baseline: Side
    reform: Side
    difference_total: Decimal
    difference_by_measure: dict[str, Decimal]
    changes: tuple[LineChange, ...]
    pending: tuple[PendingCount, ...] = ()

    @property
    def affected(self) -> tuple[LineChange, ...]:
        """The changes that are not moves between pending and payable."""
        return tuple(c for c in self.changes if not c.moved)

    @property
    def moves(self) -> tuple[LineChange, ...]:
        return tuple(c for c in self.changes if c.moved)

    @property
    def moved_total(self) -> Decimal:
        """The part of ``difference_total`` that lines moving between pending and payable make."""
        return sum((c.difference for c in self.moves), ZERO)


def paid(line: Line) -> Decimal:
    return line.amount if line.status is Status.PAYABLE and line.amount is not None else ZERO


def classify(before: Line, after: Line) -> str | None:
    """The kind of change from one line to the other, or None when nothing changed."""
    if before.status is Status.INELIGIBLE and after.status is not Status.INELIGIBLE:
        return NEWLY_ELIGIBLE
    if before.status is not Status.INELIGIBLE and after.status is Status.INELIGIBLE:
        return NO_LONGER_ELIGIBLE
    if before.status is Status.PENDING and after.status is Status.PAYABLE:
        return PENDING_TO_PAYABLE
    if before.status is Status.PAYABLE and after.status is Status.PENDING:
        return PAYABLE_TO_PENDING
    if paid(after) > paid(before):
        return GAINS
    if paid(after) < paid(before):
        return LOSES
    if before.status is not after.status or before.tier != after.tier:
        return STATUS_CHANGED
    return None


def compare_lines(year: int, baseline: tuple[str, Sequence[Line]], reform: tuple[str, Sequence[Line]]) -> Comparison:
    """Both sides were computed from the same records, so their lines pair up one to one."""
    (base_version, base_lines), (reform_version, reform_lines) = baseline, reform
    if len(base_lines) != len(reform_lines):
        raise ValueError("the two sides were not computed from the same records")
    changes: list[LineChange] = []
    pending: dict[tuple[str, Decimal | None], list[int]] = {}
    for before, after in zip(base_lines, reform_lines, strict=True):
        if (before.credit_code, before.measure) != (after.credit_code, after.measure):
            raise ValueError("the two sides were not computed from the same records")
        for side, line in enumerate((before, after)):
            if line.status is Status.PENDING:
                pending.setdefault((line.measure, line.tier), [0, 0])[side] += 1
        change = classify(before, after)
        if change is not None:
            changes.append(
                LineChange(
                    before.credit_code, before.name, before.measure, before, after, paid(after) - paid(before), change
                )
            )
    base_totals, reform_totals = totals(base_lines), totals(reform_lines)
    order = {measure: index for index, measure in enumerate(base_totals.by_measure)}
    by_measure = {m: reform_totals.by_measure[m] - base_totals.by_measure[m] for m in base_totals.by_measure}
    return Comparison(
        year=year,
        baseline=Side(base_version, base_totals),
        reform=Side(reform_version, reform_totals),
        difference_total=reform_totals.payable - base_totals.payable,
        difference_by_measure=by_measure,
        changes=tuple(changes),
        pending=tuple(
            PendingCount(measure, tier, counts[0], counts[1])
            for (measure, tier), counts in sorted(
                pending.items(), key=lambda item: (order[item[0][0]], item[0][1] is None, item[0][1] or 0)
            )
        ),
    )


def version_conflict(baseline: Rules, reform: Rules) -> Say | None:
    """The refusal of a baseline and a reform that say different things under one version, or None.

    The version must change when the content changes: two files of one version that differ (in more than
    their comments or layout) would make every output that cites the version ambiguous."""
    if baseline.version != reform.version or _content(baseline) == _content(reform):
        return None
    version, before, after = baseline.version, baseline.sha256, reform.sha256
    return Say(
        f"基准 {baseline.path} 与修订 {reform.path} 的版本都是“{version}”，但内容不同"
        f"（sha256 分别为 {before} 和 {after}）：内容改变时版本必须随之改变，请为修订写上新的版本",
        f"the baseline {baseline.path} and the reform {reform.path} are both version {version!r} but differ"
        f" (sha256 {before} and {after}): the version must change when the content changes,"
        " give the revision its own",
    )


def _content(rules: Rules) -> Rules:
    return replace(rules, path="", sha256="", base="", base_version="")
