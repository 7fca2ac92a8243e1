"""二（六） first sentence: priority for demonstration enterprises' special-fund applications.

    从事电子商务的国家级、市级电子商务示范企业申报民营发展专项资金，优先给予支持。
    （责任单位：区经济信息委、区商务局、区财政局）

SPEC §4 ``demo_priority``: a ``flag`` when demo_level is one of ``levels``.
"""

from __future__ import annotations

from tongnan_calc.core.dates import year_end
from tongnan_calc.core.measures.common import Template, Uses, once, shared, template
from tongnan_calc.core.model import Line, Records, Status
from tongnan_calc.core.params import DEMO_LEVELS, Kind, Param
from tongnan_calc.core.rules import Rules
from tongnan_calc.core.trace import Basis

MEASURE = "demo_priority"

LEVELS = Param("levels", Kind.CHOICES, "choices", choices=DEMO_LEVELS)
"""The demonstration levels that get the priority."""
PARAMS = (LEVELS,)


def compute(rec: Records, year: int, rules: Rules) -> Line:
    level = rec.enterprise.demo_level
    return once(rules, (MEASURE, "outcome", year, level), lambda: _outcome(rules, year, level)).of(rec)


def _outcome(rules: Rules, year: int, level: str | None) -> Template:
    """The line every enterprise at this level gets in the year (made once per rule file)."""
    basis = shared(rules, MEASURE, (year, level), lambda: _basis(rules, year, level))
    levels: tuple[str, ...] = basis.checks[-1].get("levels")  # type: ignore[assignment]
    if level in levels:
        return template(rules, MEASURE, Status.FLAG, "demo_priority_flag", basis, level=level)
    return template(rules, MEASURE, Status.INELIGIBLE, "not_demo", basis, levels="/".join(levels))


def _basis(rules: Rules, year: int, level: str | None) -> Basis:
    """The basis every line of the year at this level shares: the levels in force on 31 December Y
    and the one condition."""
    uses = Uses(rules, MEASURE)
    levels: tuple[str, ...] = uses.get(LEVELS, year_end(year))
    uses.check("demo_level", level in levels, levels=levels, level=level)
    return uses.basis()
