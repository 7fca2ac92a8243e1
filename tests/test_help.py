"""Every command documents itself, in the style of sqlite-utils' docs tests.

The commands are found by walking the click group that typer builds from
``tongnan_calc.cli.app``, so a command added later is covered without editing
this file: its ``--help`` must show an example (``Example: tongnan-calc …`` that
runs that very command) and README.md must mention it.  Shell completion is on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from tongnan_calc.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PROG = "tongnan-calc"
ENV = {"COLUMNS": "200", "TERM": "dumb"}


def walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(path, command) for the group itself, then every command below it, depth first."""
    yield path, command
    for name, sub in sorted((getattr(command, "commands", None) or {}).items()):
        yield from walk(sub, (*path, name))


ROOT_COMMAND = typer.main.get_command(app)
ALL = list(walk(ROOT_COMMAND))
LEAVES = [(path, command) for path, command in ALL if not getattr(command, "commands", None)]
GROUPS = [(path, command) for path, command in ALL if getattr(command, "commands", None)]


def name(path: tuple[str, ...]) -> str:
    return " ".join(path) or "(tongnan-calc)"


# Known gaps in files this test's author does not own, reported to the lead, as
# {path: reason}.  Strict: once a gap is filled the test passes, fails as XPASS, and
# the entry must go.  (The root, rules and ledger groups got their examples, and
# README.md mentions every command, while this test was written.)
GROUPS_WITHOUT_EXAMPLE: dict[tuple[str, ...], str] = {}
README_MISSING: dict[tuple[str, ...], str] = {}


def _params(
    items: list[tuple[tuple[str, ...], Any]], known: dict[tuple[str, ...], str]
) -> list[Any]:  # a ParameterSet list
    return [
        pytest.param(
            path,
            command,
            id=name(path),
            marks=[pytest.mark.xfail(strict=True, reason=known[path])] if path in known else [],
        )
        for path, command in items
    ]


def example_pattern(path: tuple[str, ...]) -> re.Pattern[str]:
    """'Example:' followed (on the same line or the next) by a tongnan-calc line that runs this command."""
    command = re.escape(" ".join((PROG, *path)))
    return re.compile(rf"(?:Example:|示例：)\s*(?:\n\s*)?{command}(?![\w-])")


def test_the_walk_finds_the_commands() -> None:
    found = {" ".join(path) for path, _ in LEAVES}
    assert {"run", "compare", "explain", "duties", "rules check", "ledger record"} <= found


@pytest.mark.parametrize(("path", "command"), _params(LEAVES, {}))
def test_every_command_has_an_example_in_its_help(path: tuple[str, ...], command: Any) -> None:
    text = command.help or ""
    assert example_pattern(path).search(text), f"{name(path)}: its docstring needs 'Example: tongnan-calc …'"
    assert command.short_help is None or "Example" not in command.short_help
    result = CliRunner().invoke(app, [*path, "--help"], prog_name=PROG, env=ENV)
    assert result.exit_code == 0, result.output
    assert example_pattern(path).search(result.stdout), result.stdout


@pytest.mark.parametrize(("path", "command"), _params(GROUPS, GROUPS_WITHOUT_EXAMPLE))
def test_every_group_shows_an_example(path: tuple[str, ...], command: Any) -> None:
    """A group's --help (help text or epilog) shows at least one example of a command under it."""
    text = "\n".join(filter(None, (command.help, command.epilog)))
    assert re.search(rf"Example:\s*(?:\n\s*)?{re.escape(' '.join((PROG, *path)))}\b", text), name(path)


@pytest.mark.parametrize(("path", "command"), _params(LEAVES, README_MISSING))
def test_readme_mentions_every_command(path: tuple[str, ...], command: Any) -> None:
    readme = README.read_text(encoding="utf-8")
    wanted = " ".join((PROG, *path))
    assert re.search(rf"{re.escape(wanted)}(?![\w-])", readme), f"README.md does not mention `{wanted}`"


# --- shell completion ---------------------------------------------------------------------------


def test_completion_options_are_on() -> None:
    result = CliRunner().invoke(app, ["--help"], prog_name=PROG, env=ENV)
    assert result.exit_code == 0
    assert "--install-completion" in result.stdout
    assert "--show-completion" in result.stdout


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_a_script(shell: str) -> None:
    result = CliRunner().invoke(app, ["--show-completion", shell], prog_name=PROG, env=ENV)
    assert result.exit_code == 0, result.output
    assert "_TONGNAN_CALC_COMPLETE" in result.stdout
    assert "tongnan-calc" in result.stdout


def complete_bash(words: str) -> list[str]:
    """What bash completion offers for the command line ``words`` (the cursor at its end)."""
    env = {"_TONGNAN_CALC_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split(" ")) - 1)}
    result = CliRunner().invoke(app, [], prog_name=PROG, env=env)
    assert result.exit_code == 0, result.output
    return [line for line in result.stdout.splitlines() if line]


def test_completion_offers_every_command() -> None:
    assert set(complete_bash("tongnan-calc ")) == set(ROOT_COMMAND.commands)
    assert complete_bash("tongnan-calc ex") == ["explain"]
    assert set(complete_bash("tongnan-calc rules ")) == {p[1] for p, _ in LEAVES if p[0] == "rules"}


def test_completion_offers_the_notice_units_and_languages() -> None:
    assert complete_bash("tongnan-calc duties --unit 区财") == ["区财政局"]
    assert "潼南工商局" in complete_bash("tongnan-calc duties --unit ")
    assert complete_bash("tongnan-calc duties --lang ") == ["zh", "en"]
