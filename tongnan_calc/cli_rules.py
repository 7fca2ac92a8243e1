"""`tongnan-calc rules …`: the analysts' commands (check, show, diff, test)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tongnan_calc.cli_common import fail
from tongnan_calc.rules import DEFAULT_RULES, RuleError, load_rules
from tongnan_calc.rules_schema import MEASURE_IDS
from tongnan_calc.rules_tools import diff_rules, params_on

app = typer.Typer(
    name="rules",
    help="Check, show, diff and test a rule file (for analysts).",
    epilog="Example: tongnan-calc rules check rules.yaml",
    no_args_is_help=True,
)


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


@app.command("check")
def check(
    file: Annotated[Optional[Path], typer.Argument(help="Rule file (default: the shipped rules.yaml).")] = None,
) -> None:
    """Validate a rule file and report every problem at once, as file:line: message.

    Example: tongnan-calc rules check rules.yaml

    Exit 0 when the file is clean, 2 otherwise.
    """
    path = file or DEFAULT_RULES
    try:
        rules = load_rules(path)
    except RuleError as exc:
        raise fail("\n".join(str(p) for p in exc.problems)) from None
    count = sum(len(m.params) for m in rules.measures.values())
    _console().print(f"{path}: ok — version {rules.version}, {len(rules.measures)} measures, {count} parameters")


@app.command("show")
def show(
    file: Annotated[Optional[Path], typer.Option("--rules", help="Rule file (default: the shipped one).")] = None,
    on: Annotated[Optional[str], typer.Option("--on", help="Date, YYYY-MM-DD (default: today).")] = None,
    measure: Annotated[Optional[str], typer.Option("--measure", help="Only this measure id.")] = None,
) -> None:
    """Show every parameter in force on a date, with its clause, unit and the date it took effect.

    Example: tongnan-calc rules show --on 2016-12-31 --measure loan_interest
    """
    try:
        rules = load_rules(file or DEFAULT_RULES)
        day = date.fromisoformat(on) if on else date.today()
    except RuleError as exc:
        raise fail("\n".join(str(p) for p in exc.problems)) from None
    except ValueError:
        raise fail(f"--on {on!r} is not a date: write YYYY-MM-DD") from None
    if measure is not None and measure not in MEASURE_IDS:
        raise fail(f"--measure {measure!r} is not one of: {', '.join(MEASURE_IDS)}")
    table = Table(title=f"{rules.path} (version {rules.version}) on {day.isoformat()}")
    for head in ("measure", "parameter", "value", "unit", "clause", "in force from"):
        table.add_column(head, overflow="fold")
    for row in params_on(rules, day, measure):
        effective = row.effective.isoformat() if row.effective else "—"
        table.add_row(*(Text(v) for v in (row.measure, row.name, row.value, row.unit, row.clause, effective)))
    _console().print(table)


@app.command("diff")
def diff(
    old: Annotated[Path, typer.Argument(help="The rule file before the revision.")],
    new: Annotated[Path, typer.Argument(help="The rule file after the revision.")],
) -> None:
    """Show what a revision changes, parameter by parameter and date by date.

    Example: tongnan-calc rules diff rules-2015.1.yaml rules.yaml
    """
    try:
        before, after = load_rules(old), load_rules(new)
    except RuleError as exc:
        raise fail("\n".join(str(p) for p in exc.problems)) from None
    changes = diff_rules(before, after)
    console = _console()
    if not changes:
        console.print("no differences")
        return
    for change in changes:
        console.print(change.text(), markup=False)


@app.command("test")
def test(
    paths: Annotated[list[Path], typer.Argument(help="Scenario files (.yaml) or folders of them.")],
    file: Annotated[Optional[Path], typer.Option("--rules", help="Rule file (default: the shipped one).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List passing cases too.")] = False,
) -> None:
    """Run scenario tests written in YAML: records inline, the year, rule overrides, expected lines.

    Example: tongnan-calc rules test tests/scenarios/

    Exit 0 when every case passes, 1 when some fail, 2 when a file cannot be read.
    """
    from tongnan_calc.scenarios import ScenarioError, run_files

    rules_path = file or DEFAULT_RULES
    try:
        load_rules(rules_path)
        outcomes = run_files(paths, rules_path)
    except RuleError as exc:
        raise fail("\n".join(str(p) for p in exc.problems)) from None
    except ScenarioError as exc:
        raise fail(str(exc)) from None
    console = _console()
    failed = [o for o in outcomes if not o.passed]
    for outcome in outcomes:
        where = f"{outcome.case.file}:{outcome.case.line}"
        if not outcome.passed:
            console.print(Text(f"FAIL {where} {outcome.case.name}", style="bold red"))
            for failure in outcome.failures:
                console.print(Text(f"  {failure}"))
        elif verbose:
            console.print(Text(f"ok   {where} {outcome.case.name}", style="green"))
    console.print(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    raise typer.Exit(1 if failed else 0)
