"""二（六） first sentence: priority for demonstration enterprises' special-fund applications.

    从事电子商务的国家级、市级电子商务示范企业申报民营发展专项资金，优先给予支持。
    （责任单位：区经济信息委、区商务局、区财政局）

SPEC §4 ``demo_priority``: a ``flag`` when demo_level is one of ``levels``.
"""

from __future__ import annotations

from tongnan_calc.core.dates import year_end
from tongnan_calc.core.measures.common import Uses, once, template
from tongnan_calc.core.model import Basis, Line, Records, Status
from tongnan_calc.core.rules import Rules

MEASURE = "demo_priority"


def compute(rec: Records, year: int, rules: Rules) -> Line:
    levels, basis = once(rules, (MEASURE, year), lambda: _basis(rules, year))
    level = rec.enterprise.demo_level
    if level in levels:
        return template(rules, MEASURE, Status.FLAG, "demo_priority_flag", basis, level=level).of(rec)
    return template(rules, MEASURE, Status.INELIGIBLE, "not_demo", basis, levels="/".join(levels)).of(rec)


def _basis(rules: Rules, year: int) -> tuple[tuple[str, ...], Basis]:
    """The levels in force on 31 December Y, and the basis every line of the year shares."""
    uses = Uses(rules, MEASURE)
    levels: tuple[str, ...] = uses.get("levels", year_end(year))
    return levels, uses.basis()
