"""The shape of ``rules.yaml`` (SPEC §5): keys, parameter kinds, units and checks.

Which parameters each measure has, what the code reads each as and in which unit, come from the
measures' own declarations (``core.measures.PARAMS``, ``core.params.Param``); this module keeps
what each kind of value in each unit allows (``KINDS``) and derives ``PARAMS`` and ``OPTIONAL``.

``build`` walks the composed YAML node tree (so that every value keeps its line
number), converts each value exactly (numbers become ``Decimal`` from their
text, never through float) and reports every problem it finds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

import yaml

from tongnan_calc.core import params as declared
from tongnan_calc.core.measures import PARAMS as DECLARED
from tongnan_calc.core.model import MEASURE_CLAUSES, MEASURE_IDS
from tongnan_calc.core.params import Param
from tongnan_calc.core.rules import ANY, Band, Dated, MeasureRules, Problems, Rules, Tier
from tongnan_calc.core.say import Say
from tongnan_calc.rules import meta
from tongnan_calc.rules.nodes import (
    BAD,
    BOOL_TAG,
    STR_TAG,
    Bad,
    _constructor,
    _quoted,
    _seen,
    _zh_list,
    choices,
    day,
    is_null,
    line,
    mapping,
    named,
    number,
    said,
    sequence,
    text,
    whole,
)

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

T = TypeVar("T", int, Decimal)

# --- parameter kinds -------------------------------------------------------------

Convert = Callable[[yaml.Node, Problems, Say], Any]


@dataclass(frozen=True)
class Kind:
    """How a parameter is read: its unit as ``rules show`` names it, its converter, and the unit id a rule
    file may give as its ``unit`` (``meta.UNITS``: the unit the calculation reads it in)."""

    unit: str
    convert: Convert
    unit_id: str = ""


def _rate(node: yaml.Node, problems: Problems, where: Say) -> Decimal | Bad:
    value = number(node, problems, where)
    if isinstance(value, Bad):
        return BAD
    if value > 1:
        problems.add(
            line(node),
            said(
                where,
                f"比例 {value} 大于 1：{value}% 应写作 {value / 100}",
                f"rate {value} is above 1: write {value}% as {value / 100}",
            ),
        )
        return BAD
    if value < 0:
        problems.add(line(node), said(where, f"比例 {value} 为负数", f"rate {value} is negative"))
        return BAD
    return value


# Upper bounds: a value past them is a typing slip, never a policy (and would overflow dates or money).
MAX_YUAN = Decimal(10) ** 12
MAX_AREA_M2 = Decimal(10) ** 7
MAX_YEARS = 100
MAX_DAY_COUNT = 366
MAX_MONTHS = 1200


def _amount(node: yaml.Node, problems: Problems, where: Say) -> Decimal | Bad:
    value = number(node, problems, where)
    if not isinstance(value, Bad) and value < 0:
        problems.add(line(node), said(where, f"{value} 为负数", f"{value} is negative"))
        return BAD
    return _at_most(value, MAX_YUAN, node, problems, where)


def _positive(node: yaml.Node, problems: Problems, where: Say, limit: Decimal = MAX_YUAN) -> Decimal | Bad:
    value = number(node, problems, where)
    if not isinstance(value, Bad) and value <= 0:
        problems.add(line(node), said(where, f"{value} 必须大于 0", f"{value} must be above 0"))
        return BAD
    return _at_most(value, limit, node, problems, where)


def _area(node: yaml.Node, problems: Problems, where: Say) -> Decimal | Bad:
    return _positive(node, problems, where, MAX_AREA_M2)


def _positive_int(node: yaml.Node, problems: Problems, where: Say, limit: int = MAX_MONTHS) -> int | Bad:
    value = whole(node, problems, where)
    if not isinstance(value, Bad) and value <= 0:
        problems.add(line(node), said(where, f"{value} 必须大于 0", f"{value} must be above 0"))
        return BAD
    return _at_most(value, limit, node, problems, where)


def _years(node: yaml.Node, problems: Problems, where: Say) -> int | Bad:
    return _positive_int(node, problems, where, MAX_YEARS)


def _days(node: yaml.Node, problems: Problems, where: Say) -> int | Bad:
    return _positive_int(node, problems, where, MAX_DAY_COUNT)


def _at_most(value: T | Bad, limit: T, node: yaml.Node, problems: Problems, where: Say) -> T | Bad:
    if not isinstance(value, Bad) and value > limit:
        problems.add(
            line(node),
            said(
                where,
                f"{value} 超过 {limit:,}：请检查数值及其单位",
                f"{value} is more than {limit:,}: check the value and its unit",
            ),
        )
        return BAD
    return value


def _rate_pair(node: yaml.Node, problems: Problems, where: Say) -> tuple[Decimal, ...] | Bad:
    items = sequence(node, problems, where)
    if isinstance(items, Bad):
        return BAD
    if len(items) != 2:
        problems.add(
            line(node),
            said(
                where,
                f"应为两个比例 [第一年, 第二年]，实际为 {len(items)} 个",
                f"expected two rates [year 1, year 2], got {len(items)}",
            ),
        )
        return BAD
    rates = [_rate(item, problems, where) for item in items]
    return BAD if any(isinstance(r, Bad) for r in rates) else tuple(rates)  # type: ignore[arg-type]


def _choice(node: yaml.Node, problems: Problems, where: Say, *, allowed: tuple[str, ...]) -> str | Bad:
    value = text(node, problems, where)
    if isinstance(value, str) and value not in allowed:
        problems.add(
            line(node),
            said(
                where,
                f"{_quoted(value)}不是以下之一：{_zh_list(allowed)}",
                f"{value!r} is not one of: {', '.join(allowed)}",
            ),
        )
        return BAD
    return value


def _tiers(node: yaml.Node, problems: Problems, where: Say) -> tuple[Tier, ...] | Bad:
    items = sequence(node, problems, where)
    if isinstance(items, Bad):
        return BAD
    tiers: list[Tier] = []
    for item in items:
        keys = mapping(item, problems, where, required=("threshold", "amount"))
        if isinstance(keys, Bad) or len(keys) < 2:
            return BAD
        threshold = _positive(keys["threshold"], problems, where + Say("的门槛", " threshold"))
        amount_node = keys["amount"]
        amount = None if is_null(amount_node) else _amount(amount_node, problems, where + Say("的金额", " amount"))
        if isinstance(threshold, Bad) or isinstance(amount, Bad):
            return BAD
        if tiers and threshold <= tiers[-1].threshold:
            before = tiers[-1].threshold
            problems.add(
                line(item),
                said(
                    where,
                    f"档次顺序有误：门槛 {threshold} 不高于上一档的 {before}",
                    f"tiers out of order: threshold {threshold} is not above {before}",
                ),
            )
            return BAD
        tiers.append(Tier(threshold, amount))
    if not tiers:
        problems.add(line(node), said(where, "至少应有一个档次", "expected at least one tier"))
        return BAD
    return tuple(tiers)


def _bands(node: yaml.Node, problems: Problems, where: Say) -> tuple[Band, ...] | Bad | None:
    """Benchmark lending rates by term band; null means none in force (an analyst decides)."""
    if is_null(node):
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
            problems.add(
                line(item),
                said(
                    where,
                    "不设上限的期限档（max_months: null）之后还有期限档",
                    "a band after the open band (max_months: null)",
                ),
            )
            return BAD
        months = None if is_null(keys["max_months"]) else _positive_int(keys["max_months"], problems, where)
        rate = _positive(keys["rate"], problems, where + Say("的利率", " rate"))
        if isinstance(months, Bad) or isinstance(rate, Bad):
            return BAD
        if rate < 1 or rate > 100:
            problems.add(
                line(item),
                said(
                    where,
                    f"利率 {rate} 应以年利率百分数填写：5.60% 写作 5.60",
                    f"rate {rate} is in % a year: write 5.60 for 5.60%",
                ),
            )
            return BAD
        last = bands[-1].max_months if bands else 0
        if months is not None and last is not None and months <= last:
            problems.add(
                line(item),
                said(
                    where,
                    f"期限档次顺序有误：{months} 个月不大于上一档的 {last} 个月",
                    f"term bands out of order: {months} months is not above {last}",
                ),
            )
            return BAD
        bands.append(Band(months, rate))
    if not bands or bands[-1].max_months is not None:
        problems.add(
            line(node),
            said(
                where,
                "最后一个期限档必须不设上限（max_months: null）",
                "the last band must be open (max_months: null)",
            ),
        )
        return BAD
    return tuple(bands)


def _choices(node: yaml.Node, problems: Problems, where: Say, *, allowed: tuple[str, ...]) -> tuple[str, ...] | Bad:
    return choices(node, problems, where, allowed)


def _levels_or_any(
    node: yaml.Node, problems: Problems, where: Say, *, allowed: tuple[str, ...]
) -> tuple[str, ...] | str | Bad:
    """A list of demonstration levels, or ``any``: every e-commerce enterprise, whatever its level."""
    if isinstance(node, yaml.ScalarNode) and node.tag == STR_TAG and node.value == ANY:
        return ANY
    if isinstance(node, yaml.SequenceNode):
        return choices(node, problems, where, allowed)
    seen = _seen(node)
    problems.add(
        line(node),
        said(
            where,
            f"应为示范企业级别的列表（如 [national, municipal]）或 any，实际为{seen.zh}",
            f"expected a list of levels such as [national, municipal], or any, got {seen.en}",
        ),
    )
    return BAD


def _day_or_null(node: yaml.Node, problems: Problems, where: Say) -> date | Bad | None:
    """A date, or null: no date (a condition that does not apply)."""
    return None if is_null(node) else day(node, problems, where)


def _enabled(node: yaml.Node, problems: Problems, where: Say) -> bool | Bad | None:
    """``true`` while the measure is in force; ``null`` (or ``false``) from the day it ends."""
    if is_null(node):
        return None
    if isinstance(node, yaml.ScalarNode) and node.tag == BOOL_TAG:
        return bool(_constructor.construct_yaml_bool(node)) or None
    seen = _seen(node)
    problems.add(
        line(node),
        said(
            where,
            f"应为 true（执行）或 null（自该日起停止执行），实际为{seen.zh}",
            f"expected true (in force) or null (ended from that day), got {seen.en}",
        ),
    )
    return BAD


# What each kind of value (what the code reads it as) allows in each unit: the unit as ``rules show``
# names it and the converter that checks it.  A converter of choices gets the declaration's choices.
KINDS: Mapping[tuple[declared.Kind, str], tuple[str, Callable[..., Any]]] = {
    (declared.Kind.NUMBER, "fraction"): ("fraction (0.30 = 30%)", _rate),
    (declared.Kind.NUMBER, "yuan"): ("yuan", _amount),
    (declared.Kind.NUMBER, "m2"): ("m²", _area),
    (declared.Kind.WHOLE, "years"): ("years", _years),
    (declared.Kind.WHOLE, "days"): ("days", _days),
    (declared.Kind.PAIR, "fraction"): ("fractions [year 1, year 2]", _rate_pair),
    (declared.Kind.CHOICE, "choice"): ("choice", _choice),
    (declared.Kind.CHOICES, "choices"): ("choices", _choices),
    (declared.Kind.CHOICES_OR_ANY, "choices"): ("choices or any", _levels_or_any),
    (declared.Kind.TIERS, "yuan"): ("yuan", _tiers),
    (declared.Kind.BANDS, "% a year"): ("% a year by term band", _bands),
    (declared.Kind.DATE_OR_NULL, "date"): ("date or null", _day_or_null),
    (declared.Kind.TRUE_OR_NULL, "true/null"): ("true or null", _enabled),
}
WITH_CHOICES = frozenset({declared.Kind.CHOICE, declared.Kind.CHOICES, declared.Kind.CHOICES_OR_ANY})


def kind_of(param: Param) -> Kind:
    """How a declared parameter is read and checked: by what the code reads it as, in its unit."""
    found = KINDS.get((param.kind, param.unit))
    if found is None:
        raise TypeError(f"{param.name}: no rule checks a {param.kind.value} in {param.unit!r}")
    if (param.kind in WITH_CHOICES) != bool(param.choices):
        raise TypeError(f"{param.name}: choices are for a choice or choices, and one of those needs them")
    unit, convert = found
    return Kind(unit, partial(convert, allowed=param.choices) if param.choices else convert, param.unit)


# Each unit in Chinese, for `rules show --lang zh`.
UNITS_ZH: Mapping[str, str] = {
    "fraction (0.30 = 30%)": "比例（0.30 = 30%）",
    "yuan": "元",
    "m²": "平方米",
    "years": "年",
    "days": "天",
    "choices": "可选值",
    "choice": "选项",
    "fractions [year 1, year 2]": "比例 [第一年, 第二年]",
    "% a year by term band": "年利率 %，按期限档次",
    "choices or any": "可选值或 any（任何电子商务企业）",
    "date or null": "日期或 null（不设日期条件）",
    "true or null": "true（执行）或 null（停止执行）",
}

# The parameters a rule file must give, by measure, as the measures declare them.
PARAMS: Mapping[str, Mapping[str, Kind]] = {
    measure: {param.name: kind_of(param) for param in DECLARED[measure] if not param.optional}
    for measure in MEASURE_IDS
}

# Parameters a rule file may leave out: readings the notice leaves open, whose default is the reading the
# tool took before they were parameters (each declaration's ``left_out``): e.g. ``established_from`` left
# out is null from the policy start (no date condition); ``enabled`` left out is not kept at all (the
# measure never ends: ``Rules.ended``).
KEEP_OUT = declared.NOT_KEPT
OPTIONAL: Mapping[str, Mapping[str, tuple[Kind, Any]]] = {
    measure: {param.name: (kind_of(param), param.left_out) for param in DECLARED[measure] if param.optional}
    for measure in MEASURE_IDS
}


# --- the whole file ------------------------------------------------------------------


def dated(node: yaml.Node, problems: Problems, measure: str, name: str, clause: str, kind: Kind) -> Dated[Any] | Bad:
    where = named(f"{measure}.{name}")
    if not isinstance(node, yaml.MappingNode) or not node.value:
        problems.add(
            line(node),
            said(
                where,
                "未注明生效日期：请写成 `2015-01-01: <值>`",
                "undated value: write it as `2015-01-01: <value>`",
            ),
        )
        return BAD
    entries: dict[date, Any] = {}
    lines: dict[date, int] = {}
    ok = True
    for key_node, value_node in node.value:
        start = day(key_node, problems, where + Say("（每个值都须注明生效日期）", " (each value needs its date)"))
        if isinstance(start, Bad):
            ok = False
            continue
        since = start.isoformat()
        if start in entries:
            problems.add(line(key_node), said(where, f"生效日期 {since} 重复出现", f"{since} appears twice"))
            ok = False
            continue
        value = kind.convert(value_node, problems, where + Say(f"（自 {since} 起）", f" from {since}"))
        ok = ok and not isinstance(value, Bad)
        entries[start] = value
        lines[start] = line(key_node)
    if not ok:
        return BAD
    ordered = tuple(sorted(entries.items()))
    return Dated(
        measure, name, clause, kind.unit, ordered, line(node), entry_lines=tuple(lines[start] for start, _ in ordered)
    )


def _measure(node: yaml.Node, problems: Problems, measure: str, start: date | Bad) -> MeasureRules | Bad:
    keys = mapping(
        node, problems, named(measure), required=("clause", "responsible", "params"), optional=("title", "end")
    )
    if isinstance(keys, Bad) or len(keys) < 3:
        return BAD
    clause = text(keys["clause"], problems, named(f"{measure}.clause"))
    if isinstance(clause, str) and clause != MEASURE_CLAUSES[measure]:
        right = MEASURE_CLAUSES[measure]
        problems.add(
            line(keys["clause"]),
            said(
                named(f"{measure}.clause"),
                f"{_quoted(clause)}不是 {measure} 的条款（应为 {right}）",
                f"{clause!r} is not the clause of {measure} ({right})",
            ),
        )
    responsible = choices(
        keys["responsible"],
        problems,
        named(f"{measure}.responsible"),
        NOTICE_UNITS,
        Say("通知中列明的责任单位", "a department named in the notice"),
    )
    title = text(keys["title"], problems, named(f"{measure}.title")) if "title" in keys else ""
    end = day(keys["end"], problems, named(f"{measure}.end")) if "end" in keys else None
    kinds = PARAMS[measure]
    optional = OPTIONAL[measure]
    raw = mapping(
        keys["params"],
        problems,
        named(f"{measure}.params"),
        required=tuple(kinds),
        optional=tuple(optional),
        noun="参数",
    )
    if isinstance(raw, Bad):
        return BAD
    params: dict[str, Dated[Any]] = {}
    for name, kind in {**kinds, **{name: kind for name, (kind, _) in optional.items()}}.items():
        if name not in raw:
            continue
        value = dated(raw[name], problems, measure, name, MEASURE_CLAUSES[measure], kind)
        if isinstance(value, Dated):
            params[name] = value
            first = value.entries[0][0]
            if isinstance(start, date) and first > start:
                begin, then = start.isoformat(), first.isoformat()
                problems.add(
                    value.line,
                    said(
                        named(f"{measure}.{name}"),
                        f"从政策起始日 {begin} 到 {then} 没有生效的值：第一个值的生效日期应为 {begin} 或更早",
                        f"no value in force from the policy start {begin} to {then}:"
                        f" date the first value {begin} or earlier",
                    ),
                )
    for name, (kind, default) in optional.items():
        if name not in raw and default is not KEEP_OUT and isinstance(start, date):
            params[name] = Dated(measure, name, MEASURE_CLAUSES[measure], kind.unit, ((start, default),))
    if (
        len(params) < len(kinds) + sum(name in raw for name in optional)
        or isinstance(clause, Bad)
        or isinstance(responsible, Bad)
    ):
        return BAD
    if isinstance(title, Bad) or isinstance(end, Bad):
        return BAD
    return MeasureRules(measure, clause, responsible, params, title, end)


def build(root: yaml.Node, problems: Problems, *, sha256: str, path: str) -> Rules | None:
    top = mapping(
        root,
        problems,
        Say("规则文件", "rule file"),
        required=("schema", "version", "policy", "measures"),
        optional=("issuer", "documentation"),
    )
    if isinstance(top, Bad) or any(key not in top for key in ("schema", "version", "policy", "measures")):
        return None
    version_schema = whole(top["schema"], problems, named("schema"))
    if isinstance(version_schema, int) and version_schema != 1:
        problems.add(
            line(top["schema"]),
            said(
                named("schema"),
                f"本工具不能读取 schema {version_schema}（只能读取 1）",
                f"{version_schema} is not a schema this tool reads (1)",
            ),
        )
    version = text(top["version"], problems, named("version"))
    # the unit that issues the payout workbook (its signature block); optional, ``run --issuer`` overrides it
    issuer = text(top["issuer"], problems, named("issuer")) if "issuer" in top else ""
    policy = mapping(
        top["policy"],
        problems,
        named("policy"),
        required=("title", "start", "excluded_by_micro_support"),
        optional=("end",),
    )
    title: str | Bad = BAD
    start: date | Bad = BAD
    end: date | Bad | None = None
    excluded: tuple[str, ...] | Bad = BAD
    if not isinstance(policy, Bad) and all(key in policy for key in ("title", "start", "excluded_by_micro_support")):
        title = text(policy["title"], problems, named("policy.title"))
        start = day(policy["start"], problems, named("policy.start"))
        end = day(policy["end"], problems, named("policy.end")) if "end" in policy else None
        excluded = choices(
            policy["excluded_by_micro_support"], problems, named("policy.excluded_by_micro_support"), MEASURE_IDS
        )
    found = mapping(top["measures"], problems, named("measures"), required=MEASURE_IDS, noun="措施")
    measures: dict[str, MeasureRules] = {}
    if not isinstance(found, Bad):
        for measure_id, node in found.items():
            built = _measure(node, problems, measure_id, start)
            if isinstance(built, MeasureRules):
                measures[measure_id] = built
    notes: list[tuple[int, Say]] = []
    if "documentation" in top and len(measures) == len(MEASURE_IDS):
        units = {
            m: {n: k.unit_id for n, k in {**PARAMS[m], **{o: k for o, (k, _) in OPTIONAL[m].items()}}.items()}
            for m in MEASURE_IDS
        }
        measures, notes = meta.document(top["documentation"], problems, measures, units)
    if (
        problems
        or isinstance(version, Bad)
        or isinstance(issuer, Bad)
        or isinstance(title, Bad)
        or isinstance(start, Bad)
        or isinstance(excluded, Bad)
        or isinstance(end, Bad)
        or not isinstance(version_schema, int)
    ):
        return None
    return Rules(
        path, sha256, version_schema, version, title, start, frozenset(excluded), measures, end, issuer, tuple(notes)
    )
