"""二（六） first sentence: priority for demonstration enterprises' special-fund applications.

    从事电子商务的国家级、市级电子商务示范企业申报民营发展专项资金，优先给予支持。
    （责任单位：区经济信息委、区商务局、区财政局）

SPEC §4 ``demo_priority``: a ``flag`` when demo_level is one of ``levels``.
"""

from __future__ import annotations

from tongnan_calc.measures.common import Uses, ineligible, make_line, year_end
from tongnan_calc.model import Line, Msg, Records, Status
from tongnan_calc.rules import Rules

MEASURE = "demo_priority"


def compute(rec: Records, year: int, rules: Rules) -> Line:
    uses = Uses(rules, MEASURE)
    levels: tuple[str, ...] = uses.get("levels", year_end(year))
    level = rec.enterprise.demo_level
    if level in levels:
        return make_line(rec, rules, MEASURE, Status.FLAG, Msg.of("demo_priority_flag", level=level), uses)
    return ineligible(rec, rules, MEASURE, Msg.of("not_demo", levels="/".join(levels)), uses)
