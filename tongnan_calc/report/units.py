"""Payable money by responsible unit, each line counted once (SPEC §7).

A clause names its responsible units in order; the first leads (牵头) and the
others share the duty (共同负责).  The money of a payable line is attributed to
its lead unit only, so the unit table adds up to the payable total; the units
that share each lead unit's lines are listed beside it.

OUR READING: the notice lists each clause's units with the lead first (二（二）
"区商务局、区财政局": the bureau of commerce runs the subsidy, the finance bureau
pays it), so the first unit of a measure's ``responsible`` list is its lead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from tongnan_calc.core.model import Line, Status

NO_UNIT = "（未指定）"
"""The lead unit of a line whose clause names none (a rule file may leave ``responsible`` empty)."""


@dataclass(frozen=True)
class UnitTotal:
    unit: str
    amount: Decimal
    lines: int
    sharing: tuple[str, ...]  # the co-responsible units of its lines, in first-seen order


def lead_unit(line: Line) -> str:
    return line.responsible[0] if line.responsible else NO_UNIT


def unit_totals(lines: Iterable[Line], declared: Iterable[tuple[str, ...]] = ()) -> tuple[UnitTotal, ...]:
    """Payable amounts by lead unit.  ``declared``: the measures' responsible units (the rule file's), so
    that every lead unit is listed, with no line too, and its co-responsible units with it; then any
    other lead unit a line names, in the order its first line comes."""
    amounts: dict[str, Decimal] = {}
    counts: dict[str, int] = {}
    sharing: dict[str, dict[str, None]] = {}

    def lead(units: tuple[str, ...]) -> str:
        unit = units[0] if units else NO_UNIT
        if unit not in amounts:
            amounts[unit], counts[unit], sharing[unit] = Decimal("0.00"), 0, {}
        for other in units[1:]:
            sharing[unit].setdefault(other, None)
        return unit

    for units in declared:
        lead(units)
    for line in lines:
        if line.status is Status.PAYABLE and line.amount is not None:
            unit = lead(line.responsible)
            amounts[unit] += line.amount
            counts[unit] += 1
    return tuple(UnitTotal(unit, amounts[unit], counts[unit], tuple(sharing[unit])) for unit in amounts)
