"""The import contract: which part of the package may import which (README "Architecture").

Read from the source with ``ast`` (every import, also those inside functions), so a module
added later is covered without editing this file.  A part is the first folder under
``tongnan_calc/``; a few edges are allowed module by module.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tongnan_calc"

PARTS = ("core", "text", "files", "rules", "input", "report", "ledger", "clerk", "shell", "cli")

# part -> the parts (or single modules, "part.module") it may import.  Lower parts first.
ALLOWED: dict[str, frozenset[str]] = {
    "core": frozenset({"core"}),
    "text": frozenset({"core", "text"}),
    "files": frozenset({"core", "files"}),
    "input": frozenset({"core", "text", "files", "input"}),
    "rules": frozenset({"core", "text", "files", "rules", "input"}),
    "report": frozenset({"core", "text", "files", "rules", "report", "clerk.explain"}),
    "ledger": frozenset({"core", "text", "files", "rules", "input", "ledger", "report.layout", "report.seal"}),
    "clerk": frozenset({"core", "text", "files", "rules", "input", "clerk"}),
    "shell": frozenset({"core", "text", "files", "rules", "input", "report", "ledger", "clerk", "shell"}),
    "cli": frozenset(PARTS),
}

# modules a part may never import, even where its part is allowed
FORBIDDEN: dict[str, frozenset[str]] = {
    "ledger": frozenset({"core.measures", "core.engine"}),  # the ledger stores payouts; it computes none
}

# Edges that break the contract today and are being removed.  This list may only shrink: an edge listed
# here that no longer exists fails the test.  (Empty: core.model -> text.basis went with issue 14, the
# basis rendered from the trace outside the model.)
KNOWN: frozenset[tuple[str, str]] = frozenset()

# third-party libraries: the core imports none; each library belongs to the parts named
LIBRARIES: dict[str, frozenset[str]] = {
    "rich": frozenset({"cli", "report"}),
    "typer": frozenset({"cli"}),
    "click": frozenset({"cli"}),
    "openpyxl": frozenset({"clerk", "ledger", "input"}),  # report writes with xlsxwriter alone
    "xlsxwriter": frozenset({"report"}),
    "python_calamine": frozenset({"input", "ledger"}),
    "yaml": frozenset({"rules"}),
    "sqlite3": frozenset({"ledger"}),
}

# what the core may import from the standard library: no files, no processes, no clock
CORE_STDLIB = frozenset(
    {
        "__future__",
        "bisect",
        "calendar",
        "collections",
        "dataclasses",
        "datetime",
        "decimal",
        "enum",
        "fractions",
        "functools",
        "itertools",
        "math",
        "operator",
        "re",
        "typing",
    }
)


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def imports(path: Path, name: str) -> Iterator[str]:
    """Every module ``path`` imports (absolute names)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield full if _is_module(full) else base


def _is_module(name: str) -> bool:
    rel = Path(*name.split("."))
    return (PACKAGE.parent / rel).with_suffix(".py").exists() or (PACKAGE.parent / rel / "__init__.py").exists()


def part_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "tongnan_calc" and parts[1] in PARTS else None


def _granted(target: str, allowed: frozenset[str]) -> bool:
    short = target.removeprefix("tongnan_calc.")
    return any(short == grant or short.startswith(grant + ".") for grant in allowed)


EDGES = [(name, target) for name, path in modules() for target in imports(path, name)]


def test_every_module_is_in_a_part() -> None:
    loose = [name for name, _ in modules() if name != "tongnan_calc" and part_of(name) is None]
    assert loose == [], "modules outside the parts of the architecture"


@pytest.mark.parametrize("part", PARTS)
def test_a_part_imports_only_what_it_may(part: str) -> None:
    wrong = []
    for name, target in EDGES:
        if part_of(name) != part or not target.startswith("tongnan_calc."):
            continue
        if target == "tongnan_calc":
            continue  # the package's face (__version__)
        if (name, target) in KNOWN:
            continue
        if not _granted(target, ALLOWED[part]) or _granted(target, FORBIDDEN.get(part, frozenset())):
            wrong.append(f"{name} -> {target}")
    assert wrong == []


def test_the_known_exceptions_still_exist() -> None:
    """A known exception that was mended is taken off the list (the list only shrinks)."""
    assert set(EDGES) >= KNOWN


@pytest.mark.parametrize("library", sorted(LIBRARIES))
def test_each_library_stays_in_its_parts(library: str) -> None:
    wrong = [
        f"{name} -> {target}"
        for name, target in EDGES
        if target.split(".")[0] == library and part_of(name) not in LIBRARIES[library]
    ]
    assert wrong == []


def test_the_core_imports_only_pure_standard_modules() -> None:
    wrong = [
        f"{name} -> {target}"
        for name, target in EDGES
        if part_of(name) == "core"
        and not target.startswith("tongnan_calc.")
        and target.split(".")[0] not in CORE_STDLIB
    ]
    assert wrong == []


def test_no_import_circles() -> None:
    graph: dict[str, set[str]] = {}
    for name, target in EDGES:
        if target.startswith("tongnan_calc.") and target != name and (name, target) not in KNOWN:
            graph.setdefault(name, set()).add(target)
    circles = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                circles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert circles == []


def test_the_contract_catches_a_forbidden_import(tmp_path: Path) -> None:
    """The checker itself: a core module importing rich and the runner is caught."""
    module = tmp_path / "bad.py"
    module.write_text("import rich\nfrom tongnan_calc.shell import run\n", encoding="utf-8")
    found = set(imports(module, "tongnan_calc.core.bad"))
    assert found == {"rich", "tongnan_calc.shell.run"}
    assert not _granted("tongnan_calc.shell.run", ALLOWED["core"])
    assert "rich" not in CORE_STDLIB


def test_the_ledger_packages_lazy_names_are_its_interface() -> None:
    """``tongnan_calc.ledger`` imports its names on first use (PEP 562): the table of where each lives,
    ``__all__`` and the names mypy sees must be the same names, each found in its module."""
    import importlib

    ledger = importlib.import_module("tongnan_calc.ledger")
    where = ledger._WHERE
    assert set(where) == set(ledger.__all__)
    source = (PACKAGE / "ledger" / "__init__.py").read_text(encoding="utf-8")
    checked = ast.parse(source).body
    typed: set[str] = set()
    for node in checked:
        if isinstance(node, ast.If):  # if TYPE_CHECKING: the imports mypy reads
            typed |= {alias.name for imp in node.body if isinstance(imp, ast.ImportFrom) for alias in imp.names}
    assert typed == set(where)
    for name, module in where.items():
        assert getattr(importlib.import_module(f"tongnan_calc.ledger.{module}"), name) is getattr(ledger, name)
