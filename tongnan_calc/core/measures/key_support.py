"""二（一） Key support for well-known enterprises' headquarters and centres, and city-cultivated enterprises.

    对在我区设立全国性总部、西部营运中心（基地）、区域性物流配送中心（基地）、结算中心的
    国内外知名电子商务企业，以及我市重点培育的电子商务企业，给予重点支持。符合市级微型企业
    孵化园奖励条件的，按相关规定奖励（责任单位：区商务局、区财政局、潼南工商局）

SPEC §4 ``key_support``: a ``flag`` (support without a formula) when hq_type is one
of ``hq_types`` and the enterprise is renowned, or when the city cultivates it.
"""

from __future__ import annotations

from tongnan_calc.core.dates import year_end
from tongnan_calc.core.measures.common import Template, Uses, once, shared, template
from tongnan_calc.core.model import Line, Records, Status
from tongnan_calc.core.params import Kind, Param
from tongnan_calc.core.rules import Rules
from tongnan_calc.core.trace import Basis

MEASURE = "key_support"

HQ_TYPES = Param(
    "hq_types",
    Kind.CHOICES,
    "choices",
    choices=("national_hq", "western_ops_center", "regional_logistics_center", "settlement_center"),
)
"""The kinds of headquarters or centre (``hq_type``) the clause supports."""
PARAMS = (HQ_TYPES,)


def compute(rec: Records, year: int, rules: Rules) -> Line:
    ent = rec.enterprise
    key = (MEASURE, "outcome", year, ent.hq_type, ent.renowned, ent.city_key)
    return once(rules, key, lambda: _outcome(rules, year, ent.hq_type, ent.renowned, ent.city_key)).of(rec)


def _outcome(rules: Rules, year: int, hq: str | None, renowned: bool, city_key: bool) -> Template:
    """The line every enterprise of the year with these values gets (made once per rule file)."""
    hq_types = _hq_types(rules, year)
    qualifies = hq in hq_types
    basis = shared(rules, MEASURE, (year, hq, renowned, city_key), lambda: _basis(rules, year, hq, renowned, city_key))
    if city_key:
        return template(rules, MEASURE, Status.FLAG, "key_support_city", basis)
    if qualifies and renowned:
        return template(rules, MEASURE, Status.FLAG, "key_support_hq", basis, hq=hq)
    if qualifies:
        return template(rules, MEASURE, Status.INELIGIBLE, "key_support_not_renowned", basis)
    return template(rules, MEASURE, Status.INELIGIBLE, "key_support_none", basis)


def _hq_types(rules: Rules, year: int) -> tuple[str, ...]:
    """The hq_types in force on 31 December Y."""
    hq_types: tuple[str, ...] = Uses(rules, MEASURE).get(HQ_TYPES, year_end(year))
    return hq_types


def _basis(rules: Rules, year: int, hq: str | None, renowned: bool, city_key: bool) -> Basis:
    """The basis every line of the year with these values shares: the hq_types and the one condition."""
    uses = Uses(rules, MEASURE)
    hq_types: tuple[str, ...] = uses.get(HQ_TYPES, year_end(year))
    met = (hq in hq_types and renowned) or city_key
    uses.check("key_support", met, hq=hq, renowned=renowned, city_key=city_key)
    return uses.basis()
