"""Baseline against reform: what a rule revision costs on real data (pure).

Given the lines of one batch computed under two rule files, add up each side by
measure and list, per enterprise and measure, who gains, loses, becomes eligible
or stops being eligible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from tongnan_calc.core.engine import Totals, totals
from tongnan_calc.core.model import Line, Status

ZERO = Decimal("0.00")

# change categories (a public interface of `compare --json`)
GAINS, LOSES = "gains", "loses"
NEWLY_ELIGIBLE, NO_LONGER_ELIGIBLE = "newly_eligible", "no_longer_eligible"
STATUS_CHANGED = "status_changed"


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


@dataclass(frozen=True)
class Comparison:
    year: int
    baseline: Side
    reform: Side
    difference_total: Decimal
    difference_by_measure: dict[str, Decimal]
    changes: tuple[LineChange, ...]


def paid(line: Line) -> Decimal:
    return line.amount if line.status is Status.PAYABLE and line.amount is not None else ZERO


def classify(before: Line, after: Line) -> str | None:
    """The kind of change from one line to the other, or None when nothing changed."""
    if before.status is Status.INELIGIBLE and after.status is not Status.INELIGIBLE:
        return NEWLY_ELIGIBLE
    if before.status is not Status.INELIGIBLE and after.status is Status.INELIGIBLE:
        return NO_LONGER_ELIGIBLE
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
    for before, after in zip(base_lines, reform_lines, strict=True):
        if (before.credit_code, before.measure) != (after.credit_code, after.measure):
            raise ValueError("the two sides were not computed from the same records")
        change = classify(before, after)
        if change is not None:
            changes.append(
                LineChange(
                    before.credit_code, before.name, before.measure, before, after, paid(after) - paid(before), change
                )
            )
    base_totals, reform_totals = totals(base_lines), totals(reform_lines)
    by_measure = {m: reform_totals.by_measure[m] - base_totals.by_measure[m] for m in base_totals.by_measure}
    return Comparison(
        year=year,
        baseline=Side(base_version, base_totals),
        reform=Side(reform_version, reform_totals),
        difference_total=reform_totals.payable - base_totals.payable,
        difference_by_measure=by_measure,
        changes=tuple(changes),
    )
