"""Load and validate ``rules.yaml``; look up a parameter as in force on a date.

The rule file is read exactly or not at all: every problem is reported as
``file:line: message`` and the calculator never guesses a value (SPEC §5).
The parameter shapes live in ``schema``, the rules as data in ``model``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from tongnan_calc.core.rules import Problems, RuleError, RuleProblem, Rules
from tongnan_calc.core.say import Say
from tongnan_calc.files.kinds import special_kind
from tongnan_calc.rules.overlay import is_overlay, line_of, located, merge_overlay, merged_text
from tongnan_calc.rules.schema import build

MAX_RULES_BYTES = 1024 * 1024
DEFAULT_RULES = Path(__file__).resolve().parent.parent / "rules.yaml"


# --- reading -----------------------------------------------------------------


def load_rules(path: Path = DEFAULT_RULES, base: Path | None = None) -> Rules:
    """Read and validate a rule file; raise RuleError with every problem found.

    An overlay (a file with ``base:``) is merged onto ``base`` (default: the shipped rules) and the
    result validated as a whole (see ``overlay``); a whole rule file ignores ``base``.
    """
    return load_tree(path, base).rules


# --- overlays (see ``overlay``) -------------------------------------------------


@dataclass
class Tree:
    """A rule file's node tree (an overlay's: merged onto its baseline), the files its lines come from."""

    root: yaml.Node
    files: list[str]
    rules: Rules


def load_tree(path: Path, base: Path | None = None) -> Tree:
    """Read ``path``; an overlay is merged onto ``base`` (default: the shipped rules) and validated whole.

    ``base`` may itself be an overlay (then merged onto the shipped rules first); a whole file ignores it.
    """
    return _load(path, base, depth=0)


def _load(path: Path, base: Path | None, depth: int, shown: str = "") -> Tree:
    shown = shown or str(path)
    raw = read_rules(path)
    problems = Problems()
    root = compose_yaml(raw, problems)
    if problems or root is None:
        raise RuleError([RuleProblem(shown, line, msg) for line, msg in problems.sorted()])
    if not is_overlay(root):
        rules = build(root, problems, sha256=hashlib.sha256(raw).hexdigest(), path=shown)
        if problems or rules is None:
            raise RuleError([RuleProblem(shown, line, msg) for line, msg in problems.sorted()])
        return Tree(root, [shown], rules)
    base_path = base or DEFAULT_RULES
    if depth > 1 or base_path.resolve() == path.resolve():
        raise RuleError(
            [
                RuleProblem(
                    shown,
                    line_of(root),
                    Say(
                        f"base：修订文件的基准（{base_path}）本身也须有基准：请以完整的规则文件为基准",
                        f"base: the baseline of this overlay ({base_path}) needs a baseline too:"
                        " merge it onto a whole rule file",
                    ),
                )
            ]
        )
    below = _load(base_path, None, depth + 1, "" if base else shipped())
    files = [*below.files, shown]
    assert isinstance(root, yaml.MappingNode)
    merged = merge_overlay(below.root, below.rules, root, len(below.files), problems)
    digest = hashlib.sha256(merged_text(merged).encode("utf-8")).hexdigest()
    rules = build(merged, problems, sha256=digest, path=f"{below.rules.path} + {shown}")
    if problems or rules is None:
        raise RuleError([located(files, line, msg) for line, msg in problems.sorted()])
    return Tree(merged, files, replace(rules, base=below.rules.path, base_version=below.rules.version))


def shipped() -> str:
    """The shipped rules as an overlay's implicit baseline is named: from the working folder when under it
    (``tongnan_calc/rules.yaml`` in a clone's root), else in full."""
    try:
        return str(DEFAULT_RULES.relative_to(Path.cwd()))
    except ValueError:
        return str(DEFAULT_RULES)


def read_rules(path: Path) -> bytes:
    """The bytes of a rule file, never more than the limit (a huge file or /dev/zero is refused)."""
    shown = str(path)
    kind = special_kind(path)  # before opening: a named pipe would block, a device never end
    if kind is not None:
        problem = Say(f"这是{kind.zh}，不是规则文件", f"is {kind.en}, not a rule file")
        raise RuleError([RuleProblem(shown, 0, problem)])
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_RULES_BYTES + 1)
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


def parse_rules(raw: bytes, shown: str) -> Rules:

    problems = Problems()
    root = compose_yaml(raw, problems)
    rules = None
    if root is not None and not problems:
        rules = build(root, problems, sha256=hashlib.sha256(raw).hexdigest(), path=shown)
    if problems or rules is None:
        raise RuleError([RuleProblem(shown, line, msg) for line, msg in problems.sorted()])
    return rules


_FAST_LOADER = getattr(yaml, "CSafeLoader", None)
"""libyaml's loader, when PyYAML was built with it (its wheels are): ten times the pure-Python one."""


def _compose_fast(text: str) -> yaml.Node | None:
    """The node tree by libyaml, for a file with no anchor, no alias and no error; ``None`` otherwise — the
    pure-Python loader then reads it again and says what is wrong, in the words the tests pin."""
    if _FAST_LOADER is None:
        return None
    try:
        for event in yaml.parse(text, Loader=_FAST_LOADER):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return None
        node: yaml.Node | None = yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        return None
    return node


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
    fast = _compose_fast(text)
    if fast is not None:
        return fast
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
