"""Scenario tests that analysts write in YAML, without Python (`tongnan-calc rules test`).

A scenario file holds a list of cases (or a mapping with a ``cases`` list)::

    - name: rent across the first anniversary
      year: 2016
      rules:                              # optional: replaces ALL the dated values of rent.rates
        rent.rates: {2015-01-01: [0.60, 0.30], 2016-07-01: [0.50, 0.25]}
      enterprise: {ecommerce_entity: 是, settled_on: 2015-07-01}
      leases:
        - {planned_building: Y, area_m2: 1200, period_start: 2016-01-01,
           period_end: 2016-12-31, rent_paid: 120000}
      prior:                              # payouts recorded in the ledger
        - {year: 2015, measure: spin_off, amount: 20000}
      expect:
        rent: {status: payable, amount: "50885.25"}   # 120000 × (182×0.60 + 184×0.25) / 366
        spin_off: ineligible

Records go through the same reader as a workbook (the same value forms, the same
checks); a case with input errors fails unless it lists them under
``expect_issues``.  Rule overrides replace a parameter's dated values (``rent.rates``),
a policy key (``policy.start``) or a measure's ``end`` (``rent.end``) before the rule file is
validated as a whole; a key the rule file leaves out (``rent.enabled``, ``policy.end``) is added.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from tongnan_calc.core import engine
from tongnan_calc.core.measures import PARAMS
from tongnan_calc.core.model import ENTERPRISES, MEASURE_IDS, Line, PriorPayout, Status
from tongnan_calc.core.money import fmt
from tongnan_calc.core.rules import Problems, RuleError, RuleProblem, Rules
from tongnan_calc.core.say import Lang, Say, UserError, join_lines
from tongnan_calc.rules.load import DEFAULT_RULES, compose_yaml
from tongnan_calc.rules.nodes import INT_TAG, misread, misread_say
from tongnan_calc.rules.schema import build
from tongnan_calc.text.basis import basis_lines, check_line
from tongnan_calc.text.messages import render

RECORD_SHEETS = ("leases", "data_lines", "sales", "loans")
CASE_KEYS = frozenset({"name", "year", "rules", "enterprise", "prior", "expect", "expect_issues", *RECORD_SHEETS})
SEVERITY_ZH = {"error": "错误", "warning": "警告", "notice": "提示"}
DEFAULT_CODE = "91500223MA60000002"  # a valid GB 32100-2015 code, used when a case gives none

_constructor = yaml.constructor.SafeConstructor()
STR_TAG = "tag:yaml.org,2002:str"
# Overrides of keys a rule file may leave out (added when it does): `policy.end`, `rent.end`, `rent.enabled`, ...
ADDABLE = frozenset(
    {"policy.end"}
    | {f"{m}.end" for m in MEASURE_IDS}
    | {f"{m}.{param.name}" for m in MEASURE_IDS for param in PARAMS[m] if param.optional}
)


class ScenarioError(UserError):
    """A scenario file that cannot be read: one ``file:line: message`` per problem."""


@dataclass(frozen=True)
class Expectation:
    measure: str
    status: Status
    amount: Decimal | None = None
    tier: Decimal | None = None
    reason_contains: str | None = None


@dataclass(frozen=True)
class Case:
    file: str
    line: int
    name: str
    year: int
    enterprise: dict[str, Any]
    records: dict[str, list[dict[str, Any]]]
    prior: tuple[PriorPayout, ...]
    expect: tuple[Expectation, ...]
    expect_issues: tuple[str, ...] = ()
    overrides: tuple[tuple[str, yaml.Node], ...] = ()


@dataclass(frozen=True)
class Outcome:
    """A case run: each failure in both languages (``failures`` gives them in English)."""

    case: Case
    problems: tuple[Say, ...] = field(default_factory=tuple)

    @property
    def failures(self) -> tuple[str, ...]:
        return self.failures_in("en")

    def failures_in(self, lang: Lang) -> tuple[str, ...]:
        return tuple(p.in_lang(lang) for p in self.problems)

    @property
    def passed(self) -> bool:
        return not self.problems


# --- reading scenario files ------------------------------------------------------------


def scenario_files(paths: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")))
        else:
            found.append(path)
    return found


def load_cases(path: Path) -> list[Case]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        reason = str(exc.strerror or exc)
        raise ScenarioError(Say(f"{path}:0: 无法读取：{reason}", f"{path}:0: cannot be read: {reason}")) from None
    problems = Problems()
    root = compose_yaml(raw, problems)
    if root is None or problems:
        raise ScenarioError(
            join_lines([Say(f"{path}:{line}: {msg.zh}", f"{path}:{line}: {msg.en}") for line, msg in problems.sorted()])
        )
    if isinstance(root, yaml.MappingNode):
        root = {str(k.value): v for k, v in root.value}.get("cases", root)
    if not isinstance(root, yaml.SequenceNode):
        raise ScenarioError(
            Say(
                f"{path}:1: 应为用例的列表（或 `cases:` 下的列表）",
                f"{path}:1: expected a list of cases (or `cases:` with a list)",
            )
        )
    return [_case(str(path), node) for node in root.value]


def _fail(file: str, node: yaml.Node, zh: str, en: str) -> ScenarioError:
    """``file:line: message`` of a scenario file, in both languages."""
    where = f"{file}:{node.start_mark.line + 1}: "
    return ScenarioError(Say(where + zh, where + en))


def _value(node: yaml.Node, file: str = "") -> Any:
    """A YAML node as Python values; a value YAML cannot build (2015-02-29), or an int it reads otherwise
    than its decimal digits (``036600``: octal 15744), is the file's problem."""
    _refuse_misread(node, file)
    try:
        return _constructor.construct_object(node, deep=True)
    except (ValueError, yaml.YAMLError) as exc:
        raise _fail(file, node, f"无法读取这个值：{exc}", f"cannot read this value: {exc}") from None


def _refuse_misread(node: yaml.Node, file: str) -> None:
    if isinstance(node, yaml.ScalarNode):
        other = misread(node) if node.tag == INT_TAG else None
        if other is not None:
            what = misread_say(node, other)
            raise _fail(file, node, what.zh, what.en)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _refuse_misread(item, file)
    elif isinstance(node, yaml.MappingNode):
        for key, item in node.value:
            _refuse_misread(key, file)
            _refuse_misread(item, file)


def _case(file: str, node: yaml.Node) -> Case:
    if not isinstance(node, yaml.MappingNode):
        raise _fail(
            file,
            node,
            "每个用例应为包含 name、year、enterprise 和 expect 的映射",
            "a case must be a mapping with name, year, enterprise and expect",
        )
    keys = {str(k.value): v for k, v in node.value}
    unknown = sorted(set(keys) - CASE_KEYS)
    if unknown:
        raise _fail(
            file,
            node,
            f"用例中有未知的键：{'、'.join(unknown)}（应为：{'、'.join(sorted(CASE_KEYS))}）",
            f"unknown key(s) in a case: {', '.join(unknown)} (expected: {', '.join(sorted(CASE_KEYS))})",
        )
    for required in ("name", "year", "expect"):
        if required not in keys:
            raise _fail(file, node, f"用例缺少 `{required}`", f"a case needs `{required}`")
    name = str(_value(keys["name"], file))
    year = _value(keys["year"], file)
    if not isinstance(year, int) or isinstance(year, bool):
        raise _fail(file, keys["year"], f"{name}：year 必须是整数", f"{name}: year must be a whole number")
    enterprise = _value(keys["enterprise"], file) if "enterprise" in keys else {}
    if not isinstance(enterprise, dict):
        raise _fail(
            file,
            keys["enterprise"],
            f"{name}：enterprise 应为“列名: 值”的映射",
            f"{name}: enterprise must be a mapping of column: value",
        )
    records: dict[str, list[dict[str, Any]]] = {}
    for sheet in RECORD_SHEETS:
        rows = _value(keys[sheet], file) if sheet in keys else []
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise _fail(
                file, keys[sheet], f"{name}：{sheet} 应为映射的列表", f"{name}: {sheet} must be a list of mappings"
            )
        records[sheet] = rows
    overrides: list[tuple[str, yaml.Node]] = []
    if "rules" in keys:
        if not isinstance(keys["rules"], yaml.MappingNode):
            raise _fail(
                file,
                keys["rules"],
                f"{name}：rules 应把 `measure.param` 对应到带生效日期的值",
                f"{name}: rules must map `measure.param` to dated values",
            )
        overrides = [(str(k.value), v) for k, v in keys["rules"].value]
    issues = _value(keys["expect_issues"], file) if "expect_issues" in keys else []
    return Case(
        file=file,
        line=node.start_mark.line + 1,
        name=name,
        year=year,
        enterprise=enterprise,
        records=records,
        prior=_prior(file, keys.get("prior"), name, enterprise),
        expect=_expectations(file, keys["expect"], name),
        expect_issues=tuple(str(i) for i in issues),
        overrides=tuple(overrides),
    )


def _prior(file: str, node: yaml.Node | None, name: str, enterprise: Mapping[str, Any]) -> tuple[PriorPayout, ...]:
    if node is None:
        return ()
    items = _value(node, file)
    if not isinstance(items, list):
        raise _fail(
            file,
            node,
            f"{name}：prior 应为 {{year, measure, amount, tier}} 的列表",
            f"{name}: prior must be a list of {{year, measure, amount, tier}}",
        )
    code = str(enterprise.get("credit_code", DEFAULT_CODE))
    out = []
    for item in items:
        measure = item.get("measure") if isinstance(item, dict) else None
        if measure not in MEASURE_IDS:
            raise _fail(
                file,
                node,
                f"{name}：以往发放记录的措施“{measure}”不是措施编号（{'、'.join(MEASURE_IDS)}）",
                f"{name}: prior payout measure {measure!r} is not a measure id ({', '.join(MEASURE_IDS)})",
            )
        try:
            tier = item.get("tier")
            out.append(
                PriorPayout(
                    credit_code=code,
                    year=int(item["year"]),
                    measure=str(item["measure"]),
                    amount=_decimal(item["amount"]),
                    tier=None if tier is None else _decimal(tier),
                )
            )
        except (KeyError, TypeError, AttributeError, InvalidOperation):
            raise _fail(
                file,
                node,
                f"{name}：每条以往发放记录都需要 year、measure 和 amount（sales_milestone 还需要 tier）",
                f"{name}: each prior payout needs year, measure and amount (tier for sales_milestone)",
            ) from None
    return tuple(out)


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise TypeError
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))


def _expectations(file: str, node: yaml.Node, name: str) -> tuple[Expectation, ...]:
    items = _value(node, file)
    if not isinstance(items, dict) or not items:
        raise _fail(
            file,
            node,
            f"{name}：expect 应把措施编号对应到状态或 {{status, amount}}",
            f"{name}: expect must map measure ids to a status or {{status, amount}}",
        )
    out = []
    for measure, want in items.items():
        if measure not in MEASURE_IDS:
            raise _fail(
                file,
                node,
                f"{name}：“{measure}”不是措施编号（{'、'.join(MEASURE_IDS)}）",
                f"{name}: {measure!r} is not a measure id ({', '.join(MEASURE_IDS)})",
            )
        spec = want if isinstance(want, dict) else {"status": want}
        try:
            status = Status(str(spec["status"]))
            amount = None if spec.get("amount") is None else _decimal(spec["amount"])
            tier = None if spec.get("tier") is None else _decimal(spec["tier"])
        except (KeyError, ValueError, TypeError, InvalidOperation):
            raise _fail(
                file,
                node,
                f"{name}：{measure}：应为状态（{'、'.join(s.value for s in Status)}），可另加金额",
                f"{name}: {measure}: expected a status ({', '.join(s.value for s in Status)}) and an optional amount",
            ) from None
        for value, what, what_zh in ((amount, "amount", "金额"), (tier, "tier", "档次")):
            if value is not None and value != value.quantize(Decimal("0.01")):
                raise _fail(
                    file,
                    node,
                    f"{name}：{measure}：预期{what_zh} {value} 没有精确到分",
                    f"{name}: {measure}: the expected {what} {value} is not to the cent",
                )
        reason = spec.get("reason_contains")
        out.append(Expectation(str(measure), status, amount, tier, None if reason is None else str(reason)))
    return tuple(out)


# --- running ---------------------------------------------------------------------------------


def rules_for(case: Case, base_path: Path, base_raw: bytes) -> Rules:
    """The rule file with the case's overrides put in, validated as a whole."""
    if not case.overrides:
        from tongnan_calc.rules.load import parse_rules

        return parse_rules(base_raw, str(base_path))
    problems = Problems()
    root = compose_yaml(base_raw, problems)
    if root is None:
        raise RuleError([RuleProblem(str(base_path), line, msg) for line, msg in problems.sorted()])
    for where, node in case.overrides:
        _replace(root, where, node, case)
    _undocument(root, {where for where, _ in case.overrides})
    digest = hashlib.sha256(base_raw + case.name.encode()).hexdigest()
    rules = build(root, problems, sha256=digest, path=f"{base_path} + {case.file}:{case.line}")
    if rules is None or problems:
        overridden = tuple(f"{where}:" for where, _ in case.overrides) + tuple(
            f"{where} " for where, _ in case.overrides
        )
        raise RuleError(
            [
                RuleProblem(case.file if msg.en.startswith(overridden) else str(base_path), line, msg)
                for line, msg in problems.sorted()
            ]
        )
    return rules


def _undocument(root: yaml.Node, overridden: set[str]) -> None:
    """A case's own values cite no reference: the ``documentation`` of each parameter it overrides is left
    out (else the shipped reference of a date the case gives a value for would be cited for the case's value)."""
    if not isinstance(root, yaml.MappingNode):
        return
    for key, value in root.value:
        if key.value == "documentation" and isinstance(value, yaml.MappingNode):
            value.value = [(k, v) for k, v in value.value if str(k.value) not in overridden]


def _replace(root: yaml.Node, where: str, node: yaml.Node, case: Case) -> None:
    parts = where.split(".")
    path = (
        ["policy", parts[1]]
        if parts[0] == "policy" and len(parts) == 2
        else ["measures", parts[0], "end"]
        if parts[1:] == ["end"] and parts[0] in MEASURE_IDS
        else ["measures", parts[0], "params", *parts[1:]]
    )
    if len(parts) != 2:
        raise _fail(
            case.file,
            node,
            f"{case.name}：覆盖的规则值应写成 measure.param 或 policy.key，实际为“{where}”",
            f"{case.name}: write overrides as measure.param or policy.key, got {where!r}",
        )
    current = root
    for depth, key in enumerate(path):
        if not isinstance(current, yaml.MappingNode):
            break
        for index, (key_node, value_node) in enumerate(current.value):
            if key_node.value == key:
                if depth == len(path) - 1:
                    current.value[index] = (key_node, node)
                    return
                current = value_node
                break
        else:
            if depth == len(path) - 1 and where in ADDABLE:  # a key the base file may leave out
                current.value.append((yaml.ScalarNode(STR_TAG, key, node.start_mark, node.end_mark), node))
                return
            break
    raise _fail(
        case.file, node, f"{case.name}：规则文件中没有“{where}”", f"{case.name}: the rule file has no {where!r}"
    )


def sheets_for(case: Case) -> dict[str, list[list[Any]]]:
    """The case's records as sheets of cells, headed by the English keys."""
    enterprise = {"credit_code": DEFAULT_CODE, "name": case.name, "ecommerce_entity": True, **case.enterprise}
    sheets = {ENTERPRISES: _table([enterprise])}
    code = enterprise["credit_code"]
    for sheet in RECORD_SHEETS:
        if case.records[sheet]:
            sheets[sheet] = _table([{"credit_code": code, **row} for row in case.records[sheet]])
    return sheets


def _table(rows: Sequence[Mapping[str, Any]]) -> list[list[Any]]:
    header: list[str] = []
    for row in rows:
        header.extend(k for k in row if k not in header)
    return [list(header)] + [[_cell(row.get(k)) for k in header] for row in rows]


def _cell(value: Any) -> Any:
    """A YAML value as python-calamine would give the cell: blanks as '', numbers as float or int."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, str, date)):
        return value
    return str(value)


def run_case(case: Case, base_path: Path = DEFAULT_RULES, base_raw: bytes | None = None) -> Outcome:
    from tongnan_calc.input.reader import read_sheets

    raw = base_raw if base_raw is not None else base_path.read_bytes()
    try:
        rules = rules_for(case, base_path, raw)
    except RuleError as exc:
        return Outcome(case, tuple(Say(f"规则文件：{p.text('zh')}", f"rule file: {p}") for p in exc.problems))
    batch = read_sheets(sheets_for(case), source=f"{case.file}:{case.line}")
    failures = [
        Say(
            f"意外的输入{SEVERITY_ZH.get(issue.severity, issue.severity)}：{issue.where()}：{issue.message}",
            f"unexpected input {issue.severity}: {issue.where()}: {issue.message}",
        )
        for issue in batch.issues
        if not any(want in issue.message or want == issue.where() for want in case.expect_issues)
    ]
    for wanted in case.expect_issues:
        if not any(wanted in issue.message or wanted == issue.where() for issue in batch.issues):
            failures.append(Say(f"预期的输入问题“{wanted}”没有出现", f"expected an input issue {wanted!r}, none found"))
    if not batch.records:
        unread = Say("未能读取该企业：没有计算", "the enterprise was not read: nothing computed")
        return Outcome(case, (*failures, unread))
    try:
        engine.check_year(case.year, rules)
    except engine.YearError as exc:
        return Outcome(case, (*failures, exc.say))
    prior = engine.prior_by_enterprise(case.prior, case.year)
    later = engine.later_by_enterprise(case.prior, case.year)
    lines = {line.measure: line for line in engine.compute(batch.records[:1], case.year, rules, prior, later=later)}
    for expectation in case.expect:
        failures.extend(_check(expectation, lines[expectation.measure]))
    return Outcome(case, tuple(failures))


def _shown(status: Status, amount: Decimal | None) -> Say:
    return Say(f"{status.value} {fmt(amount) or '（无金额）'}", f"{status.value} {fmt(amount) or '(no amount)'}")


def _check(want: Expectation, line: Line) -> Iterator[Say]:
    got = _shown(line.status, line.amount)
    expected = _shown(want.status, want.amount)
    wrong = line.status is not want.status or (
        want.amount is not None and line.amount != want.amount.quantize(Decimal("0.01"))
    )
    if want.tier is not None and line.tier != want.tier:
        wrong = True
        expected += Say(f" 档次 {fmt(want.tier)}", f" tier {fmt(want.tier)}")
        got += Say(f" 档次 {fmt(line.tier)}", f" tier {fmt(line.tier)}")
    # reason_contains is looked for in both languages, so the reason is shown in both (Chinese only when
    # no reason was expected, in Chinese)
    reason = render(line.reason, "zh") + " / " + render(line.reason, "en")
    if want.reason_contains is not None and want.reason_contains not in reason:
        wrong = True
        expected += Say(f" 说明包含“{want.reason_contains}”", f" reason containing {want.reason_contains!r}")
    if wrong:
        reason_zh = reason if want.reason_contains is not None else render(line.reason, "zh")
        basis_zh, basis = ("\n      ".join(basis_lines(line.basis, lang)) for lang in ("zh", "en"))
        # the conditions the measure found not met, with the values seen (from the same trace)
        failed = [c for c in line.basis.checks if not c.met]
        checks_zh, checks = ("\n      ".join(check_line(c, lang) for c in failed) for lang in ("zh", "en"))
        yield Say(
            f"{want.measure}：预期 {expected.zh}，实际 {got.zh} — {reason_zh}"
            f"\n    计算依据：\n      {basis_zh or '（无）'}"
            + (f"\n    未满足的条件：\n      {checks_zh}" if checks_zh else ""),
            f"{want.measure}: expected {expected.en}, got {got.en} — {reason}"
            f"\n    basis:\n      {basis or '(no basis)'}"
            + (f"\n    conditions not met:\n      {checks}" if checks else ""),
        )


def run_files(paths: Iterable[Path], rules_path: Path = DEFAULT_RULES) -> list[Outcome]:
    """Every case of the files; an overlay as ``rules_path`` is merged onto the shipped rules first."""
    from tongnan_calc.rules.load import load_tree
    from tongnan_calc.rules.overlay import is_overlay, merged_text

    raw = rules_path.read_bytes()
    if is_overlay(compose_yaml(raw, Problems())):
        raw = merged_text(load_tree(rules_path).root).encode("utf-8")
    outcomes: list[Outcome] = []
    for path in scenario_files(paths):
        outcomes.extend(run_case(case, rules_path, raw) for case in load_cases(path))
    return outcomes
