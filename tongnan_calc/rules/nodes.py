"""Reading the composed YAML nodes of a rule file exactly: scalars, containers, and the words of a problem.

Every value keeps its line number; numbers become ``Decimal`` from their text, never through float.
A value that cannot be read adds a problem (``where: what``, in both languages) and is ``BAD``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import yaml

from tongnan_calc.core.rules import Problems
from tongnan_calc.core.say import Say

INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
STR_TAG = "tag:yaml.org,2002:str"
NULL_TAG = "tag:yaml.org,2002:null"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"

_constructor = yaml.constructor.SafeConstructor()


class Bad:
    """Marks a value that could not be converted (a problem was reported)."""


BAD = Bad()


def line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


# --- messages ------------------------------------------------------------------
# ``where`` names the place of a problem (``rent.params``, ``data_line.rate from 2015-01-01``)
# in both languages; a message is ``where: what`` (``where：what`` in Chinese).


def named(where: str) -> Say:
    """A place named by its keys only: the same in both languages."""
    return Say(where, where)


def said(where: Say, zh: str, en: str) -> Say:
    return Say(f"{where.zh}：{zh}", f"{where.en}: {en}")


def _zh_list(items: tuple[str, ...] | frozenset[str]) -> str:
    return "、".join(items)


def _quoted(value: object) -> str:
    """A value written by the analyst, in Chinese quotation marks (escapes as Python shows them)."""
    return f"“{repr(str(value))[1:-1]}”"


# --- scalars -------------------------------------------------------------------


def number(node: yaml.Node, problems: Problems, where: Say) -> Decimal | Bad:
    """A YAML int or float as an exact Decimal, from the text written in the file."""
    if isinstance(node, yaml.ScalarNode) and node.tag == INT_TAG:
        found = _integer(node, problems, where)
        return found if isinstance(found, Bad) else Decimal(found)
    if isinstance(node, yaml.ScalarNode) and node.tag == FLOAT_TAG:
        text = str(node.value).replace("_", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal("NaN")
        if value.is_finite():
            return value
    seen = _seen(node)
    problems.add(line(node), said(where, f"应为数字，实际为{seen.zh}", f"expected a number, got {seen.en}"))
    return BAD


# Decimal digits (YAML drops the underscores).  YAML 1.1 also reads 0x1F, 0b101, 017 (octal: 15) and 1:30
# (base 60: 90) as integers: such a value is refused unless its decimal digits say the same number.
_DIGITS = re.compile(r"[-+]?[0-9][0-9_]*")


def misread(node: yaml.ScalarNode) -> int | None:
    """YAML's value of an int node when its decimal digits say another number (``None`` when they agree)."""
    value = int(_constructor.construct_yaml_int(node))
    text = str(node.value)
    return None if _DIGITS.fullmatch(text) and int(text.replace("_", "")) == value else value


def misread_say(node: yaml.ScalarNode, value: int) -> Say:
    seen = _seen(node)
    return Say(
        f"应为普通十进制数字，实际为{seen.zh}（YAML 会将其读作 {value}）",
        f"expected a number in plain decimal digits, got {seen.en} (YAML would read it as {value})",
    )


def _integer(node: yaml.ScalarNode, problems: Problems, where: Say) -> int | Bad:
    """A YAML int read exactly as its decimal digits say, never as YAML 1.1's octal, hex, binary or base 60."""
    other = misread(node)
    if other is None:
        return int(_constructor.construct_yaml_int(node))
    what = misread_say(node, other)
    problems.add(line(node), said(where, what.zh, what.en))
    return BAD


def whole(node: yaml.Node, problems: Problems, where: Say) -> int | Bad:
    if isinstance(node, yaml.ScalarNode) and node.tag == INT_TAG:
        return _integer(node, problems, where)
    seen = _seen(node)
    problems.add(line(node), said(where, f"应为整数，实际为{seen.zh}", f"expected a whole number, got {seen.en}"))
    return BAD


def text(node: yaml.Node, problems: Problems, where: Say) -> str | Bad:
    if isinstance(node, yaml.ScalarNode) and node.tag == STR_TAG and str(node.value).strip():
        return str(node.value)
    quote = isinstance(node, yaml.ScalarNode) and bool(node.value)
    seen = _seen(node)
    problems.add(
        line(node),
        said(
            where,
            f"应为文本，实际为{seen.zh}" + ("：请加上引号" if quote else ""),
            f"expected text, got {seen.en}" + (": quote it" if quote else ""),
        ),
    )
    return BAD


def day(node: yaml.Node, problems: Problems, where: Say) -> date | Bad:
    if isinstance(node, yaml.ScalarNode) and node.tag == TIMESTAMP_TAG:
        try:
            value = _constructor.construct_yaml_timestamp(node)
        except ValueError:
            problems.add(
                line(node),
                said(
                    where,
                    f"{_quoted(node.value)}不是实际存在的日期",
                    f"{str(node.value)!r} is not a real calendar date",
                ),
            )
            return BAD
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
    seen = _seen(node)
    problems.add(
        line(node),
        said(
            where,
            f"应为日期（如 2015-01-01），实际为{seen.zh}",
            f"expected a date such as 2015-01-01, got {seen.en}",
        ),
    )
    return BAD


def _seen(node: yaml.Node) -> Say:
    if isinstance(node, yaml.ScalarNode):
        if node.tag == NULL_TAG:
            return Say("空值", "nothing")
        return Say(_quoted(node.value), repr(str(node.value)))
    return Say("列表", "a list") if isinstance(node, yaml.SequenceNode) else Say("映射", "a mapping")


# --- containers ------------------------------------------------------------------


def mapping(
    node: yaml.Node,
    problems: Problems,
    where: Say,
    *,
    required: tuple[str, ...],
    optional: tuple[str, ...] = (),
    noun: str = "键",
) -> dict[str, yaml.Node] | Bad:
    """A mapping with text keys: unknown, repeated and missing keys are problems.

    ``noun`` is what a key is called in Chinese (键, 参数, 措施); English says "key".
    """
    if not isinstance(node, yaml.MappingNode):
        problems.add(
            line(node),
            said(where, f"应为包含 {_zh_list(required)} 的映射", f"expected a mapping of {', '.join(required)}"),
        )
        return BAD
    out: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key in out:
            first = line(out[key])
            problems.add(
                line(key_node),
                said(
                    where,
                    f"{key} 重复出现（第一次在第 {first} 行）",
                    f"{key} appears twice (the first is on line {first})",
                ),
            )
        elif key not in required and key not in optional:
            known = required + optional
            problems.add(
                line(key_node),
                said(
                    where,
                    f"未知的{noun}{_quoted(key)}（应为以下之一：{_zh_list(known)}）",
                    f"unknown key {key!r} (expected one of: {', '.join(known)})",
                ),
            )
        else:
            out[key] = value_node
    for key in required:
        if key not in out:
            problems.add(line(node), said(where, f"缺少{noun}{_quoted(key)}", f"missing key {key!r}"))
    return out


def sequence(node: yaml.Node, problems: Problems, where: Say) -> list[yaml.Node] | Bad:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    seen = _seen(node)
    problems.add(line(node), said(where, f"应为列表，实际为{seen.zh}", f"expected a list, got {seen.en}"))
    return BAD


def choices(
    node: yaml.Node,
    problems: Problems,
    where: Say,
    allowed: tuple[str, ...] | frozenset[str],
    what: Say | None = None,
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
            expected = what or Say(f"以下之一：{_zh_list(allowed)}", f"one of: {', '.join(allowed)}")
            problems.add(
                line(item), said(where, f"{_quoted(value)}不是{expected.zh}", f"{value!r} is not {expected.en}")
            )
            return BAD
        if value in out:
            problems.add(line(item), said(where, f"{_quoted(value)}重复列出", f"{value!r} is listed twice"))
            return BAD
        out.append(value)
    return tuple(out)


BOOL_TAG = "tag:yaml.org,2002:bool"


def is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == NULL_TAG
