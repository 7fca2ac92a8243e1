"""What a rule file says about its parameters (OpenFisca's parameter metadata): ``documentation:``.

The dated values stay where they are, under each measure's ``params`` (so that a revision, a
scenario override or an overlay replaces values without touching what documents them).  A
top-level ``documentation`` block gives, for each parameter ``measure.param``::

    documentation:
      spin_off.amount:
        description: 传统企业分离设立电子商务法人企业的一次性奖励金额     # one line, Chinese
        unit: yuan                                                       # one of UNITS
        reference:                                                       # by the date of each value
          2015-01-01: {title: 重庆市潼南区人民政府办公室关于……的通知, clause: 二（三）}

A reference names the document by ``title`` or ``number`` (its 文号), or both, and gives its
``clause``; ``issued`` (a date) and ``url`` are optional.  ``unit`` must be the unit the
calculation reads the parameter in (a wrong one is an error); what a unit allows (the range of its
values) is checked by the parameter's kind in ``schema``.  The block is optional (older rule files
have none): a value without a reference, a reference to a date with no value and an entry for a
parameter the file does not have are warnings (``Rules.notes``, shown by ``rules check``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

import yaml

from tongnan_calc.core.rules import Dated, MeasureRules, Problems, Reference
from tongnan_calc.core.say import Say
from tongnan_calc.rules.nodes import BAD, Bad, _quoted, day, line, mapping, named, said, text

# Each unit a rule file may name, in Chinese and in English.
UNITS: Mapping[str, tuple[str, str]] = {
    "yuan": ("元", "yuan"),
    "fraction": ("比例（0.30 = 30%）", "fraction (0.30 = 30%)"),
    "m2": ("平方米", "m²"),
    "years": ("年", "years"),
    "days": ("天", "days"),
    "date": ("日期", "date"),
    "choices": ("可选值", "choices"),
    "choice": ("选项", "choice"),
    "% a year": ("年利率 %", "% a year"),
    "true/null": ("true（执行）或 null（停止执行）", "true or null"),
}

Notes = list[tuple[int, Say]]


def document(
    node: yaml.Node,
    problems: Problems,
    measures: dict[str, MeasureRules],
    units: Mapping[str, Mapping[str, str]],
) -> tuple[dict[str, MeasureRules], Notes]:
    """The measures with each parameter's description and references put in; the warnings found."""
    notes: Notes = []
    if not isinstance(node, yaml.MappingNode):
        problems.add(
            line(node),
            said(named("documentation"), "应为 measure.param 到其说明的映射", "expected a mapping of measure.param"),
        )
        return measures, notes
    documented: dict[str, dict[str, Dated[Any]]] = {m: dict(spec.params) for m, spec in measures.items()}
    seen: set[str] = set()
    for key_node, value in node.value:
        key = str(key_node.value)
        if key in seen:
            problems.add(line(key_node), said(named("documentation"), f"{key} 重复出现", f"{key} appears twice"))
            continue
        seen.add(key)
        measure, _, name = key.partition(".")
        dated = documented.get(measure, {}).get(name)
        where = named(f"documentation.{key}")
        if dated is None or dated.line == 0:
            notes.append((line(value), said(where, "规则文件中没有这个参数", "the rule file has no such parameter")))
            continue
        found = _entry(value, problems, where, units[measure][name], dated, notes)
        if found is not None:
            documented[measure][name] = found
    out = {m: replace(spec, params=documented[m]) for m, spec in measures.items()}
    return out, notes


def _entry(node: yaml.Node, problems: Problems, where: Say, unit: str, dated: Dated[Any], notes: Notes) -> Any:
    keys = mapping(node, problems, where, required=(), optional=("description", "unit", "reference"))
    if isinstance(keys, Bad):
        return None
    described = ""
    if "description" in keys:
        value = text(keys["description"], problems, where + Say("的 description", ".description"))
        if isinstance(value, str) and "\n" in value.strip():
            problems.add(
                line(keys["description"]), said(where, "description 应为一行文字", "description must be one line")
            )
        described = value.strip() if isinstance(value, str) else ""
    if "unit" in keys:
        _unit(keys["unit"], problems, where, unit)
    refs: dict[date, Reference] = {}
    if "reference" in keys:
        refs = _references(keys["reference"], problems, where, {start for start, _ in dated.entries}, notes)
    return replace(dated, description=described, references=tuple(refs.get(start) for start, _ in dated.entries))


def _unit(node: yaml.Node, problems: Problems, where: Say, expected: str) -> None:
    value = text(node, problems, where + Say("的 unit", ".unit"))
    if isinstance(value, Bad) or value == expected:
        return
    known = value in UNITS
    zh, en = ("不是本参数的单位", "not the unit of this parameter") if known else ("不是已知的单位", "not a unit")
    problems.add(
        line(node),
        said(where, f"单位{_quoted(value)}{zh}（应为 {expected}）", f"unit {value!r} is {en} (expected {expected})"),
    )


def _references(
    node: yaml.Node, problems: Problems, where: Say, dates: set[date], notes: Notes
) -> dict[date, Reference]:
    if not isinstance(node, yaml.MappingNode):
        problems.add(
            line(node),
            said(
                where,
                "reference 应把取值的生效日期对应到其出处：`2015-01-01: {title: …, clause: …}`",
                "reference must map the date of a value to its source: `2015-01-01: {title: …, clause: …}`",
            ),
        )
        return {}
    found: dict[date, Reference] = {}
    for key_node, value_node in node.value:
        start = day(key_node, problems, where + Say("的 reference", ".reference"))
        if isinstance(start, Bad):
            continue
        since = start.isoformat()
        here = where + Say(f"的 reference（{since}）", f".reference {since}")
        reference = _reference(value_node, problems, here)
        if start in found:
            problems.add(line(key_node), said(here, f"{since} 重复出现", f"{since} appears twice"))
        elif start not in dates:
            notes.append(
                (line(key_node), said(here, f"没有自 {since} 起的取值", f"there is no value from {since} to refer to"))
            )
        elif isinstance(reference, Reference):
            found[start] = reference
    return found


def _reference(node: yaml.Node, problems: Problems, here: Say) -> Reference | Bad:
    keys = mapping(node, problems, here, required=("clause",), optional=("title", "number", "issued", "url"))
    if isinstance(keys, Bad):
        return BAD
    parts: dict[str, str] = {}
    ok = "clause" in keys
    for key in ("title", "number", "clause", "url"):
        if key in keys:
            value = text(keys[key], problems, here + Say(f"的 {key}", f" {key}"))
            ok = ok and not isinstance(value, Bad)
            parts[key] = value if isinstance(value, str) else ""
    issued = day(keys["issued"], problems, here + Say("的 issued", " issued")) if "issued" in keys else None
    if "title" not in keys and "number" not in keys:
        problems.add(
            line(node),
            said(here, "应写明文件标题（title）或文号（number）", "name the document: its title or its number (文号)"),
        )
        return BAD
    if not ok or isinstance(issued, Bad):
        return BAD
    return Reference(parts["clause"], parts.get("title", ""), parts.get("number", ""), issued, parts.get("url", ""))
