"""One module per clause of part 二; each ``compute(records, year, rules) -> Line`` is pure."""

from __future__ import annotations

from collections.abc import Callable

from tongnan_calc.core.measures import (
    data_line,
    demo_priority,
    key_support,
    loan_interest,
    rent,
    sales_milestone,
    spin_off,
)
from tongnan_calc.core.model import Line, Records
from tongnan_calc.core.rules import Rules

Measure = Callable[[Records, int, Rules], Line]

# SPEC §4 order; the ids are public interface.
MEASURES: dict[str, Measure] = {
    "key_support": key_support.compute,
    "rent": rent.compute,
    "spin_off": spin_off.compute,
    "data_line": data_line.compute,
    "sales_milestone": sales_milestone.compute,
    "demo_priority": demo_priority.compute,
    "loan_interest": loan_interest.compute,
}
