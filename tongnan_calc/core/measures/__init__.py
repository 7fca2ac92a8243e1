"""One module per clause of part 二; each ``compute(records, year, rules) -> Line`` is pure.

Each module declares the parameters it reads (its ``PARAMS``, ``core.params.Param``); ``PARAMS`` here
lists them by measure, with those every measure has (``ENABLED``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

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
from tongnan_calc.core.params import ENABLED, Param
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

COMMON_PARAMS: tuple[Param, ...] = (ENABLED,)
"""The parameters every measure has (read by ``Rules.ended``, not by the measure's own code)."""

# The parameters each measure reads, in the order a rule file lists them: its own, then the common ones.
PARAMS: Mapping[str, tuple[Param, ...]] = {
    "key_support": (*key_support.PARAMS, *COMMON_PARAMS),
    "rent": (*rent.PARAMS, *COMMON_PARAMS),
    "spin_off": (*spin_off.PARAMS, *COMMON_PARAMS),
    "data_line": (*data_line.PARAMS, *COMMON_PARAMS),
    "sales_milestone": (*sales_milestone.PARAMS, *COMMON_PARAMS),
    "demo_priority": (*demo_priority.PARAMS, *COMMON_PARAMS),
    "loan_interest": (*loan_interest.PARAMS, *COMMON_PARAMS),
}
