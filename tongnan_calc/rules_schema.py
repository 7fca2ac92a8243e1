"""The shape of ``rules.yaml`` (SPEC §5): keys, parameter kinds, units and checks.

``build`` walks the composed YAML node tree (so that every value keeps its line
number), converts each value exactly (numbers become ``Decimal`` from their
text, never through float) and reports every problem it finds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import yaml

from tongnan_calc.rules import Dated, MeasureRules, Problems, Rules

MEASURE_CLAUSES: Mapping[str, str] = {
    "key_support": "二（一）",
    "rent": "二（二）",
    "spin_off": "二（三）",
    "data_line": "二（四）",
    "sales_milestone": "二（五）",
    "demo_priority": "二（六）",
    "loan_interest": "二（六）",
}
MEASURE_IDS = tuple(MEASURE_CLAUSES)

HQ_TYPES = ("national_hq", "western_ops_center", "regional_logistics_center", "settlement_center")
DEMO_LEVELS = ("national", "municipal")
MILESTONE_MODES = ("highest_only", "top_up")

# Every department the notice names (parts 一 and 二): a responsible unit must be one.
NOTICE_UNITS = frozenset(
    {
        "区商务局",
        "区财政局",
        "区发改委",
        "区经济信息委",
        "区金融服务中心",
        "潼南工商局",
        "区统计局",
        "区科委",
        "区国土房管局",
        "区规划局",
        "潼南地税局",
        "潼南国税局",
        "区市政局",
        "区农委",
        "区人力社保局",
        "区教委",
        "团区委",
        "区妇联",
        "区工业园区管委会",
        "区新城管委会",
        "区城乡建委",
        "潼南质监局",
        "区公安局",
        "区市政园林局",
        "潼南邮政公司",
        "区旅游局",
    }
)

INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
STR_TAG = "tag:yaml.org,2002:str"
NULL_TAG = "tag:yaml.org,2002:null"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"

_constructor = yaml.constructor.SafeConstructor()
T = TypeVar("T", int, Decimal)


class Bad:
    """Marks a value that could not be converted (a problem was reported)."""


BAD = Bad()


def line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


# --- scalars -------------------------------------------------------------------


def number(node: yaml.Node, problems: Problems, where: str) -> Decimal | Bad:
    """A YAML int or float as an exact Decimal, from the text written in the file."""
    if isinstance(node, yaml.ScalarNode) and node.tag == INT_TAG:
        return Decimal(_constructor.construct_yaml_int(node))
    if isinstance(node, yaml.ScalarNode) and node.tag == FLOAT_TAG:
        text = str(node.value).replace("_", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal("NaN")
        if value.is_finite():
            return value
    problems.add(line(node), f"{where}: expected a number, got {_seen(node)}")
    return BAD


def whole(node: yaml.Node, problems: Problems, where: str) -> int | Bad:
    if isinstance(node, yaml.ScalarNode) and node.tag == INT_TAG:
        return int(_constructor.construct_yaml_int(node))
    problems.add(line(node), f"{where}: expected a whole number, got {_seen(node)}")
    return BAD


def text(node: yaml.Node, problems: Problems, where: str) -> str | Bad:
    if isinstance(node, yaml.ScalarNode) and node.tag == STR_TAG and str(node.value).strip():
        return str(node.value)
    hint = ": quote it" if isinstance(node, yaml.ScalarNode) and node.value else ""
    problems.add(line(node), f"{where}: expected text, got {_seen(node)}{hint}")
    return BAD


def day(node: yaml.Node, problems: Problems, where: str) -> date | Bad:
    if isinstance(node, yaml.ScalarNode) and node.tag == TIMESTAMP_TAG:
        try:
            value = _constructor.construct_yaml_timestamp(node)
        except ValueError:
            problems.add(line(node), f"{where}: {str(node.value)!r} is not a real calendar date")
            return BAD
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
    problems.add(line(node), f"{where}: expected a date such as 2015-01-01, got {_seen(node)}")
    return BAD


def _seen(node: yaml.Node) -> str:
    if isinstance(node, yaml.ScalarNode):
        return "nothing" if node.tag == NULL_TAG else repr(str(node.value))
    return "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"


# --- containers ------------------------------------------------------------------


def mapping(
    node: yaml.Node,
    problems: Problems,
    where: str,
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
) -> dict[str, yaml.Node] | Bad:
    """A mapping with text keys: unknown, repeated and missing keys are problems."""
    if not isinstance(node, yaml.MappingNode):
        problems.add(line(node), f"{where}: expected a mapping of {', '.join(required)}")
        return BAD
    out: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key in out:
            problems.add(line(key_node), f"{where}: {key} appears twice (the first is on line {line(out[key])})")
        elif key not in required and key not in optional:
            known = ", ".join(required + optional)
            problems.add(line(key_node), f"{where}: unknown key {key!r} (expected one of: {known})")
        else:
            out[key] = value_node
    for key in required:
        if key not in out:
            problems.add(line(node), f"{where}: missing key {key!r}")
    return out


def sequence(node: yaml.Node, problems: Problems, where: str) -> list[yaml.Node] | Bad:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    problems.add(line(node), f"{where}: expected a list, got {_seen(node)}")
    return BAD


def choices(
    node: yaml.Node,
    problems: Problems,
    where: str,
    allowed: tuple[str, ...] | frozenset[str],
    what: str = "",
) -> tuple[str, ...] | Bad:
    items = sequence(node, problems, where)
    if isinstance(items, Bad):
        return BAD
    out: list[str] = []
    for item in items:
        value = text(item, problems, where)
        if isinstance(value, Bad):
            return BAD
        if value not in allowed:
            expected = what or f"one of: {', '.join(allowed)}"
            problems.add(line(item), f"{where}: {value!r} is not {expected}")
            return BAD
        if value in out:
            problems.add(line(item), f"{where}: {value!r} is listed twice")
            return BAD
        out.append(value)
    return tuple(out)


# --- parameter kinds -------------------------------------------------------------

Convert = Callable[[yaml.Node, Problems, str], Any]


@dataclass(frozen=True)
class Kind:
    unit: str
    convert: Convert


def _rate(node: yaml.Node, problems: Problems, where: str) -> Decimal | Bad:
    value = number(node, problems, where)
    if isinstance(value, Bad):
        return BAD
    if value > 1:
        problems.add(line(node), f"{where}: rate {value} is above 1: write {value}% as {value / 100}")
        return BAD
    if value < 0:
        problems.add(line(node), f"{where}: rate {value} is negative")
        return BAD
    return value


# Upper bounds: a value past them is a typing slip, never a policy (and would overflow dates or money).
MAX_YUAN = Decimal(10) ** 12
MAX_AREA_M2 = Decimal(10) ** 7
MAX_YEARS = 100
MAX_DAY_COUNT = 366
MAX_MONTHS = 1200


def _amount(node: yaml.Node, problems: Problems, where: str) -> Decimal | Bad:
    value = number(node, problems, where)
    if not isinstance(value, Bad) and value < 0:
        problems.add(line(node), f"{where}: {value} is negative")
        return BAD
    return _at_most(value, MAX_YUAN, node, problems, where)


def _positive(node: yaml.Node, problems: Problems, where: str, limit: Decimal = MAX_YUAN) -> Decimal | Bad:
    value = number(node, problems, where)
    if not isinstance(value, Bad) and value <= 0:
        problems.add(line(node), f"{where}: {value} must be above 0")
        return BAD
    return _at_most(value, limit, node, problems, where)


def _area(node: yaml.Node, problems: Problems, where: str) -> Decimal | Bad:
    return _positive(node, problems, where, MAX_AREA_M2)


def _positive_int(node: yaml.Node, problems: Problems, where: str, limit: int = MAX_MONTHS) -> int | Bad:
    value = whole(node, problems, where)
    if not isinstance(value, Bad) and value <= 0:
        problems.add(line(node), f"{where}: {value} must be above 0")
        return BAD
    return _at_most(value, limit, node, problems, where)


def _years(node: yaml.Node, problems: Problems, where: str) -> int | Bad:
    return _positive_int(node, problems, where, MAX_YEARS)


def _days(node: yaml.Node, problems: Problems, where: str) -> int | Bad:
    return _positive_int(node, problems, where, MAX_DAY_COUNT)


def _at_most(value: T | Bad, limit: T, node: yaml.Node, problems: Problems, where: str) -> T | Bad:
    if not isinstance(value, Bad) and value > limit:
        problems.add(line(node), f"{where}: {value} is more than {limit:,}: check the value and its unit")
        return BAD
    return value


def _rate_pair(node: yaml.Node, problems: Problems, where: str) -> tuple[Decimal, ...] | Bad:
    items = sequence(node, problems, where)
    if isinstance(items, Bad):
        return BAD
    if len(items) != 2:
        problems.add(line(node), f"{where}: expected two rates [year 1, year 2], got {len(items)}")
        return BAD
    rates = [_rate(item, problems, where) for item in items]
    return BAD if any(isinstance(r, Bad) for r in rates) else tuple(rates)  # type: ignore[arg-type]


def _mode(node: yaml.Node, problems: Problems, where: str) -> str | Bad:
    value = text(node, problems, where)
    if isinstance(value, str) and value not in MILESTONE_MODES:
        problems.add(line(node), f"{where}: {value!r} is not one of: {', '.join(MILESTONE_MODES)}")
        return BAD
    return value


@dataclass(frozen=True)
class Tier:
    threshold: Decimal
    amount: Decimal | None


def _tiers(node: yaml.Node, problems: Problems, where: str) -> tuple[Tier, ...] | Bad:
    items = sequence(node, problems, where)
    if isinstance(items, Bad):
        return BAD
    tiers: list[Tier] = []
    for item in items:
        keys = mapping(item, problems, where, required=("threshold", "amount"))
        if isinstance(keys, Bad) or len(keys) < 2:
            return BAD
        threshold = _positive(keys["threshold"], problems, f"{where} threshold")
        amount_node = keys["amount"]
        amount = None if _is_null(amount_node) else _amount(amount_node, problems, f"{where} amount")
        if isinstance(threshold, Bad) or isinstance(amount, Bad):
            return BAD
        if tiers and threshold <= tiers[-1].threshold:
            problems.add(
                line(item),
                f"{where}: tiers out of order: threshold {threshold} is not above {tiers[-1].threshold}",
            )
            return BAD
        tiers.append(Tier(threshold, amount))
    if not tiers:
        problems.add(line(node), f"{where}: expected at least one tier")
        return BAD
    return tuple(tiers)


@dataclass(frozen=True)
class Band:
    max_months: int | None  # None: every longer term
    rate_percent: Decimal


def _bands(node: yaml.Node, problems: Problems, where: str) -> tuple[Band, ...] | Bad | None:
    """Benchmark lending rates by term band; null means none in force (an analyst decides)."""
    if _is_null(node):
        return None
    items = sequence(node, problems, where)
    if isinstance(items, Bad):
        return BAD
    bands: list[Band] = []
    for item in items:
        keys = mapping(item, problems, where, required=("max_months", "rate"))
        if isinstance(keys, Bad) or len(keys) < 2:
            return BAD
        if bands and bands[-1].max_months is None:
            problems.add(line(item), f"{where}: a band after the open band (max_months: null)")
            return BAD
        months = None if _is_null(keys["max_months"]) else _positive_int(keys["max_months"], problems, where)
        rate = _positive(keys["rate"], problems, f"{where} rate")
        if isinstance(months, Bad) or isinstance(rate, Bad):
            return BAD
        if rate < 1 or rate > 100:
            problems.add(line(item), f"{where}: rate {rate} is in % a year: write 5.60 for 5.60%")
            return BAD
        last = bands[-1].max_months if bands else 0
        if months is not None and last is not None and months <= last:
            problems.add(line(item), f"{where}: term bands out of order: {months} months is not above {last}")
            return BAD
        bands.append(Band(months, rate))
    if not bands or bands[-1].max_months is not None:
        problems.add(line(node), f"{where}: the last band must be open (max_months: null)")
        return BAD
    return tuple(bands)


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG


def _levels(node: yaml.Node, problems: Problems, where: str) -> tuple[str, ...] | Bad:
    return choices(node, problems, where, DEMO_LEVELS)


def _hq_types(node: yaml.Node, problems: Problems, where: str) -> tuple[str, ...] | Bad:
    return choices(node, problems, where, HQ_TYPES)


RATE = Kind("fraction (0.30 = 30%)", _rate)
YUAN = Kind("yuan", _amount)

PARAMS: Mapping[str, Mapping[str, Kind]] = {
    "key_support": {"hq_types": Kind("choices", _hq_types)},
    "rent": {"rates": Kind("fractions [year 1, year 2]", _rate_pair), "area_cap_m2": Kind("m²", _area)},
    "spin_off": {"amount": YUAN, "min_operating_years": Kind("years", _years)},
    "data_line": {"rate": RATE, "annual_cap": YUAN, "period_years": Kind("years", _years)},
    "sales_milestone": {"mode": Kind("choice", _mode), "tiers": Kind("yuan", _tiers)},
    "demo_priority": {"levels": Kind("choices", _levels)},
    "loan_interest": {
        "levels": Kind("choices", _levels),
        "share_of_benchmark": RATE,
        "enterprise_cap": YUAN,
        "day_count": Kind("days", _days),
        "benchmark_rates": Kind("% a year by term band", _bands),
    },
}


# --- the whole file ------------------------------------------------------------------


def dated(node: yaml.Node, problems: Problems, measure: str, name: str, clause: str, kind: Kind) -> Dated[Any] | Bad:
    where = f"{measure}.{name}"
    if not isinstance(node, yaml.MappingNode) or not node.value:
        problems.add(line(node), f"{where}: undated value: write it as `2015-01-01: <value>`")
        return BAD
    entries: dict[date, Any] = {}
    ok = True
    for key_node, value_node in node.value:
        start = day(key_node, problems, f"{where} (each value needs its date)")
        if isinstance(start, Bad):
            ok = False
            continue
        if start in entries:
            problems.add(line(key_node), f"{where}: {start.isoformat()} appears twice")
            ok = False
            continue
        value = kind.convert(value_node, problems, f"{where} from {start.isoformat()}")
        ok = ok and not isinstance(value, Bad)
        entries[start] = value
    if not ok:
        return BAD
    return Dated(measure, name, clause, kind.unit, tuple(sorted(entries.items())), line(node))


def _measure(node: yaml.Node, problems: Problems, measure: str, start: date | Bad) -> MeasureRules | Bad:
    keys = mapping(node, problems, measure, required=("clause", "responsible", "params"), optional=("title",))
    if isinstance(keys, Bad) or len(keys) < 3:
        return BAD
    clause = text(keys["clause"], problems, f"{measure}.clause")
    if isinstance(clause, str) and clause != MEASURE_CLAUSES[measure]:
        problems.add(
            line(keys["clause"]),
            f"{measure}.clause: {clause!r} is not the clause of {measure} ({MEASURE_CLAUSES[measure]})",
        )
    responsible = choices(
        keys["responsible"], problems, f"{measure}.responsible", NOTICE_UNITS, "a department named in the notice"
    )
    title = text(keys["title"], problems, f"{measure}.title") if "title" in keys else ""
    kinds = PARAMS[measure]
    raw = mapping(keys["params"], problems, f"{measure}.params", required=tuple(kinds))
    if isinstance(raw, Bad):
        return BAD
    params: dict[str, Dated[Any]] = {}
    for name, kind in kinds.items():
        if name not in raw:
            continue
        value = dated(raw[name], problems, measure, name, MEASURE_CLAUSES[measure], kind)
        if isinstance(value, Dated):
            params[name] = value
            first = value.entries[0][0]
            if isinstance(start, date) and first > start:
                problems.add(
                    value.line,
                    f"{measure}.{name}: no value in force from the policy start {start.isoformat()}"
                    f" to {first.isoformat()}: date the first value {start.isoformat()} or earlier",
                )
    if len(params) < len(kinds) or isinstance(clause, Bad) or isinstance(responsible, Bad):
        return BAD
    if isinstance(title, Bad):
        return BAD
    return MeasureRules(measure, clause, responsible, params, title)


def build(root: yaml.Node, problems: Problems, *, sha256: str, path: str) -> Rules | None:
    top = mapping(root, problems, "rule file", required=("schema", "version", "policy", "measures"))
    if isinstance(top, Bad) or len(top) < 4:
        return None
    version_schema = whole(top["schema"], problems, "schema")
    if isinstance(version_schema, int) and version_schema != 1:
        problems.add(line(top["schema"]), f"schema: {version_schema} is not a schema this tool reads (1)")
    version = text(top["version"], problems, "version")
    policy = mapping(top["policy"], problems, "policy", required=("title", "start", "excluded_by_micro_support"))
    title: str | Bad = BAD
    start: date | Bad = BAD
    excluded: tuple[str, ...] | Bad = BAD
    if not isinstance(policy, Bad) and len(policy) == 3:
        title = text(policy["title"], problems, "policy.title")
        start = day(policy["start"], problems, "policy.start")
        excluded = choices(
            policy["excluded_by_micro_support"], problems, "policy.excluded_by_micro_support", MEASURE_IDS
        )
    found = mapping(top["measures"], problems, "measures", required=MEASURE_IDS)
    measures: dict[str, MeasureRules] = {}
    if not isinstance(found, Bad):
        for measure_id, node in found.items():
            built = _measure(node, problems, measure_id, start)
            if isinstance(built, MeasureRules):
                measures[measure_id] = built
    if (
        problems
        or isinstance(version, Bad)
        or isinstance(title, Bad)
        or isinstance(start, Bad)
        or isinstance(excluded, Bad)
        or not isinstance(version_schema, int)
    ):
        return None
    return Rules(path, sha256, version_schema, version, title, start, frozenset(excluded), measures)
