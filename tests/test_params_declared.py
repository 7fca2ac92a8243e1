"""Each measure declares the parameters it reads, once; nothing else spells a parameter's name (issue 14).

The schema accepts for each measure exactly the parameters it declares, read and checked as declared;
the shipped rule file has exactly them; and no module outside the declarations spells a parameter's
name as a string (read from the source with ``ast``, so a module added later is covered).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from tongnan_calc.core import measures
from tongnan_calc.core.measures import (
    COMMON_PARAMS,
    MEASURES,
    PARAMS,
    data_line,
    demo_priority,
    key_support,
    loan_interest,
    rent,
    sales_milestone,
    spin_off,
)
from tongnan_calc.core.model import MEASURE_IDS
from tongnan_calc.core.params import NOT_KEPT, REQUIRED, Kind, Param
from tongnan_calc.core.rules import Problems
from tongnan_calc.core.say import Say
from tongnan_calc.rules import meta, schema
from tongnan_calc.rules.load import load_rules
from tongnan_calc.rules.nodes import Bad

PACKAGE = Path(__file__).resolve().parents[1] / "tongnan_calc"
MODULES: dict[str, ModuleType] = {
    module.MEASURE: module
    for module in (key_support, rent, spin_off, data_line, sales_milestone, demo_priority, loan_interest)
}
NAMES = frozenset(param.name for declared in PARAMS.values() for param in declared)
KEYS = frozenset(f"{measure}.{param.name}" for measure, declared in PARAMS.items() for param in declared)


def test_the_registry_lists_each_measure_and_its_declarations() -> None:
    assert tuple(PARAMS) == tuple(MEASURES) == MEASURE_IDS
    for measure, module in MODULES.items():
        assert MEASURES[measure] is module.compute
        assert PARAMS[measure] == (*module.PARAMS, *COMMON_PARAMS)
        # every Param the module defines is in its PARAMS (none declared and left out of the registry)
        defined = [value for value in vars(module).values() if isinstance(value, Param)]
        assert set(map(id, defined)) == set(map(id, module.PARAMS)), measure
        assert len({param.name for param in PARAMS[measure]}) == len(PARAMS[measure]), measure


def test_the_schema_accepts_for_each_measure_exactly_what_it_declares() -> None:
    for measure in MEASURE_IDS:
        declared = PARAMS[measure]
        required = [param.name for param in declared if param.left_out is REQUIRED]
        optional = {param.name: param.left_out for param in declared if param.left_out is not REQUIRED}
        assert list(schema.PARAMS[measure]) == required
        assert {name: default for name, (_, default) in schema.OPTIONAL[measure].items()} == optional
        kinds = {**schema.PARAMS[measure], **{name: kind for name, (kind, _) in schema.OPTIONAL[measure].items()}}
        assert {name: kind.unit_id for name, kind in kinds.items()} == {param.name: param.unit for param in declared}


def test_the_shipped_rule_file_has_exactly_the_declared_parameters() -> None:
    rules = load_rules()
    for measure in MEASURE_IDS:
        shipped = list(rules.measures[measure].params)
        # an optional parameter left out and not kept (``enabled``) is not there
        assert shipped == [param.name for param in PARAMS[measure] if param.left_out is not NOT_KEPT], measure


def test_every_declaration_is_read_by_a_rule_of_the_schema_in_a_unit_a_file_may_name() -> None:
    for declared in PARAMS.values():
        for param in declared:
            kind = schema.kind_of(param)
            assert kind.unit_id == param.unit in meta.UNITS
            assert kind.unit in schema.UNITS_ZH


@pytest.mark.parametrize(
    "param",
    [
        Param("cap", Kind.WHOLE, "yuan"),  # a whole number of yuan: no rule checks it
        Param("share", Kind.NUMBER, "percent"),  # no such unit
        Param("mode", Kind.CHOICE, "choice"),  # a choice without its choices
        Param("rate", Kind.NUMBER, "fraction", choices=("a",)),  # choices for a number
    ],
)
def test_a_declaration_no_rule_of_the_schema_reads_is_refused(param: Param) -> None:
    with pytest.raises(TypeError, match=param.name):
        schema.kind_of(param)


def test_the_choices_a_file_may_write_are_the_declared_ones() -> None:
    """The schema checks a choice against the declaration's choices, and says them."""
    problems = Problems()
    node = yaml.compose("top_up")
    kind = schema.kind_of(Param("mode", Kind.CHOICE, "choice", choices=("highest_only", "each_tier")))
    assert isinstance(kind.convert(node, problems, Say("mode", "mode")), Bad)
    assert [say.en for _, say in problems.items] == ["mode: 'top_up' is not one of: highest_only, each_tier"]
    assert kind_of_shipped("mode").convert(node, Problems(), Say("mode", "mode")) == sales_milestone.TOP_UP


def kind_of_shipped(name: str) -> schema.Kind:
    return schema.PARAMS[sales_milestone.MEASURE][name]


# --- nothing else spells a parameter's name ----------------------------------------------------------------

# Words that are parameter names and also name something else, each where it means that other thing:
# a column of the outputs and the ledger, an argument of a step or a check of the trace, a key inside a
# value (a tier's ``amount``, a term band's ``rate``).  A lookup of a parameter by one of them is still
# caught (``test_no_parameter_is_looked_up_by_a_spelled_name``).
OTHER_MEANINGS = frozenset({"amount", "rate", "levels"})

# Where the declarations are: the measures and ``core/params.py`` (``ENABLED``, ``Kind``).
DECLARING = ("core/measures/", "core/params.py")


def sources() -> Iterator[tuple[str, ast.AST]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def strings(tree: ast.AST) -> Iterator[ast.Constant]:
    """Every string constant but documentation (a string standing alone as a statement)."""
    prose = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in prose:
            yield node


def spelled(value: str) -> str | None:
    """The parameter name or rule-file key (``measure.param``) the string spells, if any."""
    if value in NAMES - OTHER_MEANINGS:
        return value
    if value.startswith(".") and value[1:] in NAMES:  # the rest of a key: f"{measure}.enabled"
        return value[1:]
    return next((found for found in re.findall(r"\b\w+\.\w+\b", value) if found in KEYS), None)


def test_no_module_but_the_declarations_spells_a_parameter_name() -> None:
    found = [
        f"{name}:{node.lineno}: {spelled(node.value)}"
        for name, tree in sources()
        if not name.startswith(DECLARING)
        for node in strings(tree)
        if spelled(node.value) is not None
    ]
    assert found == []


def _literal(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _holds_params(owner: ast.expr) -> bool:
    """``x.params`` (a measure's dated values), ``params`` or ``uses`` (a measure's trace)."""
    if isinstance(owner, ast.Attribute):
        return owner.attr == "params"
    return isinstance(owner, ast.Name) and owner.id in ("uses", "params")


def lookups(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """Each parameter looked up by a written name: ``.param(m, "x")``, ``.value(m, "x", d)``, ``.get("x", d)``
    on a measure's uses, ``params["x"]``, ``params.get("x")``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            attr, args = node.func.attr, node.args
            if attr in ("param", "value") and len(args) >= 2 and _literal(args[1]) in NAMES:
                yield node.lineno, f".{attr}(…, {_literal(args[1])!r})"
            if attr == "get" and args and _literal(args[0]) in NAMES and _holds_params(node.func.value):
                yield node.lineno, f".get({_literal(args[0])!r})"
        if isinstance(node, ast.Subscript) and _literal(node.slice) in NAMES:
            owner = node.value
            if isinstance(owner, ast.Attribute) and owner.attr == "params":
                yield node.lineno, f"params[{_literal(node.slice)!r}]"


def test_no_parameter_is_looked_up_by_a_spelled_name() -> None:
    """Also in the measures: they read a parameter through its declaration (``uses.get(RATES, day)``)."""
    found = [f"{name}:{line}: {what}" for name, tree in sources() for line, what in lookups(tree)]
    assert found == []


def test_the_checks_catch_a_spelled_name() -> None:
    """The checkers themselves: a module spelling a name, a key, or looking one up by its name is caught."""
    source = (
        'CAP = "enterprise_cap"\n'
        'WHERE = f"rule file {x} spin_off.established_from"\n'
        'BY = f"{measure}.enabled"\n'
        'SAID = "the amount"\n'
        "def f(rules, uses):\n"
        '    """Reads loan_interest.enterprise_cap (documentation: not caught)."""\n'
        '    rules.value("loan_interest", "amount", day)\n'
        '    uses.get("rates", day)\n'
        '    return spec.params["levels"]\n'
    )
    tree = ast.parse(source)
    assert [spelled(node.value) for node in strings(tree) if spelled(node.value)] == [
        "enterprise_cap",
        "spin_off.established_from",
        "enabled",
        "rates",
    ]
    assert [what for _, what in lookups(tree)] == [".value(…, 'amount')", ".get('rates')", "params['levels']"]
    assert measures.PARAMS is PARAMS
