"""Load and validate ``rules.yaml``; look up a parameter as in force on a date.

The rule file is read exactly or not at all: every problem is reported as
``file:line: message`` and the calculator never guesses a value (SPEC §5).
The parameter shapes themselves live in ``rules_schema``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml

from tongnan_calc.text.messages import Lang
from tongnan_calc.text.say import Say, UserError, join_lines

T = TypeVar("T")

MAX_RULES_BYTES = 1024 * 1024
DEFAULT_RULES = Path(__file__).resolve().parent.parent / "rules.yaml"


class Problems:
    """Problems collected while reading a rule file: (line, message) pairs, each message in both languages."""

    def __init__(self) -> None:
        self.items: list[tuple[int, Say]] = []

    def add(self, line: int, message: Say) -> None:
        self.items.append((line, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def sorted(self) -> list[tuple[int, Say]]:
        """By line, then by the English text (the order never depends on the language shown); no repeats."""
        return sorted(set(self.items), key=lambda item: (item[0], item[1].en, item[1].zh))


@dataclass(frozen=True)
class RuleProblem:
    """One problem of a rule file: ``str()`` is ``file:line: message`` in English."""

    file: str
    line: int
    say: Say

    @property
    def message(self) -> str:
        return self.say.en

    def text(self, lang: Lang = "en") -> str:
        return f"{self.file}:{self.line}: {self.say.in_lang(lang)}"

    def __str__(self) -> str:
        return self.text("en")


class RuleError(UserError):
    """A rule file that cannot be read exactly; carries every problem found, one line each in ``say``."""

    def __init__(self, problems: list[RuleProblem]) -> None:
        super().__init__(join_lines([Say(p.text("zh"), p.text("en")) for p in problems]))
        self.problems = problems


class NoValueInForce(Exception):
    """A parameter was asked for a date before its first value (``str()`` English, ``say`` both)."""

    def __init__(self, message: Say) -> None:
        super().__init__(message.en)
        self.say = message


@dataclass(frozen=True)
class Dated(Generic[T]):
    """A parameter's values, each in force from its date until the next one."""

    measure: str
    name: str
    clause: str
    unit: str
    entries: tuple[tuple[date, T], ...]
    line: int = 0

    def at(self, day: date) -> tuple[T, date]:
        """The value in force on ``day`` and the date it took effect."""
        found: tuple[T, date] | None = None
        for start, value in self.entries:
            if start > day:
                break
            found = (value, start)
        if found is None:
            where, first = f"{self.measure}.{self.name}", self.entries[0][0].isoformat()
            raise NoValueInForce(
                Say(
                    f"{where} 在 {day.isoformat()} 没有生效的值（最早的值自 {first} 起）",
                    f"{where} has no value in force on {day.isoformat()} (the first is from {first})",
                )
            )
        return found

    def changes(self) -> tuple[date, ...]:
        return tuple(d for d, _ in self.entries)


@dataclass(frozen=True)
class MeasureRules:
    id: str
    clause: str
    responsible: tuple[str, ...]
    params: Mapping[str, Dated[Any]]
    title: str = ""
    end: date | None = None  # `end:` under the measure: not in force from that day on


@dataclass(frozen=True)
class Ended:
    """Why a measure is not in force on a day: the day it ended and the rule-file key that ends it."""

    on: date
    by: str  # "policy.end", "rent.end" or "rent.enabled"


@dataclass(frozen=True)
class Rules:
    path: str
    sha256: str
    schema: int
    version: str
    title: str
    start: date
    excluded_by_micro_support: frozenset[str]
    measures: Mapping[str, MeasureRules] = field(default_factory=dict)
    end: date | None = None  # `policy.end`: no measure is in force from that day on

    def param(self, measure: str, name: str) -> Dated[Any]:
        return self.measures[measure].params[name]

    def ended(self, measure: str, day: date) -> Ended | None:
        """Whether ``measure`` has ended by ``day`` (``policy.end``, its own ``end``, or ``enabled: null``)."""
        spec = self.measures[measure]
        found: list[Ended] = []
        if self.end is not None and self.end <= day:
            found.append(Ended(self.end, "policy.end"))
        if spec.end is not None and spec.end <= day:
            found.append(Ended(spec.end, f"{measure}.end"))
        enabled = spec.params.get("enabled")
        if enabled is not None and enabled.entries[0][0] <= day:
            value, since = enabled.at(day)
            if value is None:
                found.append(Ended(since, f"{measure}.enabled"))
        return min(found, key=lambda ended: ended.on) if found else None

    def end_changes(self, measure: str) -> tuple[date, ...]:
        """The days on which ``measure`` may start or stop being in force."""
        spec = self.measures[measure]
        enabled = spec.params.get("enabled")
        days = {d for d in (self.end, spec.end) if d is not None}
        return tuple(sorted(days | set(enabled.changes() if enabled is not None else ())))

    @cached_property
    def ends(self) -> bool:
        """Whether any measure of this rule file ever ends (most do not: then nothing is checked)."""
        return self.end is not None or any(
            spec.end is not None or None in dict(spec.params["enabled"].entries).values()
            for spec in self.measures.values()
            if "enabled" in spec.params or spec.end is not None
        )

    def value(self, measure: str, name: str, day: date) -> tuple[Any, date]:
        return self.param(measure, name).at(day)


# --- reading -----------------------------------------------------------------


def load_rules(path: Path = DEFAULT_RULES) -> Rules:
    """Read and validate a rule file; raise RuleError with every problem found."""
    shown = str(path)
    try:
        with path.open("rb") as handle:  # never more than the limit: a huge file or /dev/zero is refused
            raw = handle.read(MAX_RULES_BYTES + 1)
    except FileNotFoundError:
        raise RuleError([RuleProblem(shown, 0, Say("找不到规则文件", "no such rule file"))]) from None
    except IsADirectoryError:
        raise RuleError(
            [RuleProblem(shown, 0, Say("这是一个文件夹，不是规则文件", "is a directory, not a rule file"))]
        ) from None
    except OSError as exc:
        raise RuleError(
            [RuleProblem(shown, 0, Say(f"无法读取：{exc.strerror}", f"cannot be read: {exc.strerror}"))]
        ) from None
    return parse_rules(raw, shown)


def parse_rules(raw: bytes, shown: str) -> Rules:
    from tongnan_calc.rules.schema import build

    problems = Problems()
    root = compose_yaml(raw, problems)
    rules = None
    if root is not None and not problems:
        rules = build(root, problems, sha256=hashlib.sha256(raw).hexdigest(), path=shown)
    if problems or rules is None:
        raise RuleError([RuleProblem(shown, line, msg) for line, msg in problems.sorted()])
    return rules


def compose_yaml(raw: bytes, problems: Problems) -> yaml.Node | None:
    if len(raw) > MAX_RULES_BYTES:
        problems.add(
            1,
            Say(
                f"文件超过 {MAX_RULES_BYTES:,} 字节，这是规则文件的大小上限",
                f"the file is more than {MAX_RULES_BYTES:,} bytes, the most a rule file may have",
            ),
        )
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = f"0x{raw[exc.start]:02x}"
        problems.add(
            line,
            Say(
                f"字节 {byte} 不是 UTF-8 编码：请将文件另存为 UTF-8 编码",
                f"byte {byte} is not UTF-8: save the file as UTF-8",
            ),
        )
        return None
    text = text.removeprefix("\ufeff")
    for number, content in enumerate(text.splitlines(), start=1):
        if "\t" in content:
            problems.add(number, Say("有制表符（Tab）：缩进请用空格", "a tab character: indent with spaces"))
    if problems:
        return None
    if not _within_nesting(text, problems):
        return None
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                problems.add(
                    event.start_mark.line + 1 if event.start_mark is not None else 1,
                    Say(
                        "不允许使用锚点和别名（& 和 *）：请把每个值完整写出",
                        "anchors and aliases (& and *) are not allowed: write each value out",
                    ),
                )
                return None
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        char = f"#x{exc.character:04x}"
        problems.add(
            line,
            Say(
                f"不是有效的 YAML：不可接受的字符 {char}：不允许使用特殊字符",
                f"not valid YAML: unacceptable character {char}: special characters are not allowed",
            ),
        )
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        detail = exc.problem or exc.context
        problems.add(line, Say(f"不是有效的 YAML（解析器提示：{detail}）", f"not valid YAML: {detail}"))
        return None
    except yaml.YAMLError as exc:
        detail = " ".join(str(exc).split())
        problems.add(1, Say(f"不是有效的 YAML（解析器提示：{detail}）", f"not valid YAML: {detail}"))
        return None
    if root is None:
        problems.add(
            1,
            Say(
                "文件是空的：应包含 schema、version、policy、measures 四项",
                "the file is empty: expected a mapping of schema, version, policy, measures",
            ),
        )
    return root


MAX_NESTING = 32


def _within_nesting(text: str, problems: Problems) -> bool:
    """Refuse flow collections nested absurdly deep before YAML recurses into them."""
    depth = 0
    for number, content in enumerate(text.splitlines(), start=1):
        for char in content.split("#", 1)[0]:
            if char in "[{":
                depth += 1
                if depth > MAX_NESTING:
                    problems.add(
                        number,
                        Say(
                            f"列表或映射嵌套超过 {MAX_NESTING} 层",
                            f"lists or mappings nested more than {MAX_NESTING} deep",
                        ),
                    )
                    return False
            elif char in "]}":
                depth = max(0, depth - 1)
    return True


def iter_params(rules: Rules) -> Iterator[Dated[Any]]:
    for measure in rules.measures.values():
        yield from measure.params.values()


__all__ = [
    "DEFAULT_RULES",
    "Dated",
    "Ended",
    "MeasureRules",
    "NoValueInForce",
    "Problems",
    "RuleError",
    "RuleProblem",
    "Rules",
    "compose_yaml",
    "iter_params",
    "load_rules",
    "parse_rules",
]
