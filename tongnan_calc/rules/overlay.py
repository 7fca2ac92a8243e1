"""Overlays: a revision written as only what it changes, merged onto a whole rule file.

An overlay is a rule file with a top-level ``base:`` (the version it applies to),
its own ``version:``, and only the keys it changes (the Tax-Calculator reform-file
idea).  It is merged onto the baseline at the level of the YAML nodes, before the
schema sees anything, so every key the schema knows can be revised:

- a mapping in the overlay is merged key by key into the baseline's mapping;
- a key that is a date (a dated value) replaces the baseline's value of that date,
  or adds a new date: the dated values of a parameter are never dropped; a value
  replaced by another loses the baseline's ``documentation`` reference of its date
  (the overlay's own, if it gives one, is taken);
- any other value (text, a number, a list) replaces the baseline's.

The merged tree is then validated as a whole, exactly as a whole file is.  Each
problem names the file it comes from: ``overlay.yaml:12: …`` for a line of the
overlay, ``rules.yaml:40: …`` for a line of the baseline.
"""

from __future__ import annotations

import yaml

from tongnan_calc.core.rules import Problems, RuleProblem, Rules
from tongnan_calc.core.say import Say
from tongnan_calc.rules.nodes import named, said, text

OVERLAY_KEY = "base"

FILE_LINES = 10**9
"""The lines of the k-th file of a merge are numbered from ``k * FILE_LINES``: a problem's line says its file."""


def is_overlay(root: yaml.Node | None) -> bool:
    """A rule file is an overlay when its top level is a mapping with ``base:``."""
    return isinstance(root, yaml.MappingNode) and any(
        isinstance(key, yaml.ScalarNode) and key.value == OVERLAY_KEY for key, _ in root.value
    )


def merge_overlay(
    below: yaml.Node, below_rules: Rules, root: yaml.MappingNode, number: int, problems: Problems
) -> yaml.Node:
    """Merge the overlay ``root`` (the ``number``-th file of the merge) onto ``below`` (in place), with every
    problem of the overlay itself: its own keys, its version against the baseline's."""
    _shift(root, number * FILE_LINES)
    top = _own_keys(root, problems)
    changed = _changed_values(below, root)
    _merge(below, root, problems, "")
    _drop_references(below, changed)
    _check_versions(top, below_rules, problems)
    return below


def located(files: list[str], line: int, message: Say) -> RuleProblem:
    """A problem of a merge, in the file its line comes from."""
    return RuleProblem(files[line // FILE_LINES], line % FILE_LINES, message)


def line_of(node: yaml.Node) -> int:
    return _line(node)


def merged_text(root: yaml.Node) -> str:
    """The merged rule file written out whole (``rules show --overlay FILE --yaml``); its sha256 is the merge's."""
    return str(yaml.serialize(root, allow_unicode=True, width=1000))


def _own_keys(root: yaml.MappingNode, problems: Problems) -> dict[str, yaml.Node]:
    """Take ``base`` (and note ``version``) out of the overlay's top level: ``base`` is not a rule value."""
    keys: dict[str, yaml.Node] = {}
    kept = []
    for key, value in root.value:
        name = str(key.value)
        if name == OVERLAY_KEY:
            keys[OVERLAY_KEY] = value
            continue
        if name == "version":
            keys["version"] = value
        kept.append((key, value))
    root.value = kept
    if "version" not in keys:
        problems.add(
            _line(root),
            Say(
                "修订文件缺少 version：内容改变时版本必须随之改变，请为修订写上新的版本",
                "the overlay has no version: the version must change when the content changes,"
                " give the revision its own",
            ),
        )
    return keys


def _check_versions(top: dict[str, yaml.Node], below: Rules, problems: Problems) -> None:
    applies = text(top[OVERLAY_KEY], problems, named(OVERLAY_KEY))
    if isinstance(applies, str) and applies != below.version:
        problems.add(
            _line(top[OVERLAY_KEY]),
            said(
                named(OVERLAY_KEY),
                f"此修订文件适用于版本“{applies}”，但基准 {below.path} 的版本是“{below.version}”",
                f"this overlay applies to version {applies!r},"
                f" but the baseline {below.path} is version {below.version!r}",
            ),
        )
    node = top.get("version")
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:str" and node.value == below.version:
        problems.add(
            _line(node),
            said(
                named("version"),
                f"修订后的版本“{node.value}”与基准的版本相同：内容改变时版本必须随之改变",
                f"the revision's version {node.value!r} is the baseline's: the version must change"
                " when the content changes",
            ),
        )


def _merge(base: yaml.Node, over: yaml.MappingNode, problems: Problems, where: str) -> None:
    """Merge ``over`` into ``base`` (both mappings), in place."""
    assert isinstance(base, yaml.MappingNode)
    index = {str(key.value): i for i, (key, _) in enumerate(base.value) if isinstance(key, yaml.ScalarNode)}
    seen: dict[str, int] = {}
    for key, value in over.value:
        name = str(key.value)
        place = f"{where}.{name}" if where else name
        if name in seen:
            first = seen[name] % FILE_LINES
            problems.add(
                _line(key),
                said(
                    named(where) if where else Say("规则文件", "rule file"),
                    f"{name} 重复出现（第一次在第 {first} 行）",
                    f"{name} appears twice (the first is on line {first})",
                ),
            )
            continue
        seen[name] = _line(key)
        if name not in index:
            base.value.append((key, value))
            continue
        position = index[name]
        _, old = base.value[position]
        dated = key.tag == "tag:yaml.org,2002:timestamp"
        if not dated and isinstance(old, yaml.MappingNode) and isinstance(value, yaml.MappingNode):
            _merge(old, value, problems, place)
        else:
            base.value[position] = (key, value)


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                found: yaml.Node = value
                return found
    return None


def _pairs(node: yaml.Node | None) -> list[tuple[str, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        return []
    return [(str(key.value), value) for key, value in node.value if isinstance(key, yaml.ScalarNode)]


def _changed_values(below: yaml.Node, over: yaml.Node) -> list[tuple[str, str]]:
    """(measure.param, date) of each dated value of the baseline that the overlay changes without giving
    it a reference of its own: the baseline's reference of that date is not this value's."""
    documented = {
        (key, day) for key, doc in _pairs(_child(over, "documentation")) for day, _ in _pairs(_child(doc, "reference"))
    }
    changed = []
    for measure, spec in _pairs(_child(over, "measures")):
        for name, dated in _pairs(_child(spec, "params")):
            old = _child(_child(_child(_child(below, "measures"), measure), "params"), name)
            for day, value in _pairs(dated):
                was = _child(old, day)
                if was is not None and not _same(was, value) and (f"{measure}.{name}", day) not in documented:
                    changed.append((f"{measure}.{name}", day))
    return changed


def _same(a: yaml.Node, b: yaml.Node) -> bool:
    """The same value written the same way (tags and text; the lines may differ)."""
    if type(a) is not type(b) or a.tag != b.tag:
        return False
    if isinstance(a, yaml.ScalarNode):
        return bool(a.value == b.value)
    if len(a.value) != len(b.value):
        return False
    if isinstance(a, yaml.MappingNode):
        return all(_same(k, j) and _same(v, w) for (k, v), (j, w) in zip(a.value, b.value, strict=True))
    return all(_same(x, y) for x, y in zip(a.value, b.value, strict=True))


def _drop_references(merged: yaml.Node, changed: list[tuple[str, str]]) -> None:
    """Take the baseline's reference of each changed value out of the merged ``documentation``: the value
    is then cited without one (``rules check`` warns), never with the document of the value it replaced."""
    for key, day in changed:
        refs = _child(_child(_child(merged, "documentation"), key), "reference")
        if isinstance(refs, yaml.MappingNode):
            refs.value = [(k, v) for k, v in refs.value if not (isinstance(k, yaml.ScalarNode) and k.value == day)]


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _shift(node: yaml.Node, by: int) -> None:
    """Number the lines of ``node`` and everything under it from ``by``."""
    for mark_name in ("start_mark", "end_mark"):
        mark = getattr(node, mark_name)
        if mark is not None:
            setattr(
                node,
                mark_name,
                yaml.error.Mark(mark.name, mark.index, mark.line + by, mark.column, mark.buffer, mark.pointer),
            )
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _shift(key, by)
            _shift(value, by)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _shift(item, by)


__all__ = ["FILE_LINES", "OVERLAY_KEY", "is_overlay", "line_of", "located", "merge_overlay", "merged_text"]
