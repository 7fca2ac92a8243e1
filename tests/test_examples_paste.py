"""Every example in ``--help`` and in the README works when pasted in a fresh clone's root.

The examples are collected, not listed here: each ``Example:`` command of every
command's help (walked from the typer app, so a command added later is covered; a long one
goes on over lines that start with an option), and each ``tongnan-calc …`` line of the
README's code blocks that names no placeholder (an upper-case word such as WORKBOOK or FILE,
or an optional part in ``[…]``: those lines are synopses) — the try-it steps on the shipped
example and the yearly cycle on the bureau's own (here blank) workbook and ledger alike.

They run one after the other, as a clerk would paste them, in a copy of the clone's files
(examples/, tests/scenarios/, rules.yaml, docs/) with a home and a configuration folder of
their own: none may exit 2 (nothing computed); exit 1 is a run over the example's planted
input errors.  An example that needs the output of another (recording the payout workbook that
``run --out`` wrote) runs after it: the README's order first, then the help's, then once more
for what failed only for want of a file that a later example makes.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer

from tongnan_calc.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PLACEHOLDER = re.compile(r"\b[A-Z][A-Z_.]{2,}\b|\[")
COPIED = ("examples", "docs", "tests/scenarios")
SCRATCH = "/tmp/try-ledger.sqlite"


def _walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[Any]:
    yield command
    for _, sub in sorted((getattr(command, "commands", None) or {}).items()):
        yield from _walk(sub, (*path, "x"))


def help_examples() -> list[str]:
    found: list[str] = []
    for command in _walk(typer.main.get_command(app)):
        text = f"{command.help or ''}\n{command.epilog or ''}"
        # the English examples (each Chinese 示例 runs the same command, its quoted words in Chinese)
        for match in re.finditer(r"Example:\s*(tongnan-calc[^\n]*(?:\n[ \t]*-[^\n]*)*)", text):
            line = " ".join(match.group(1).split())  # a long example goes on over lines that start with an option
            if line not in found:
                found.append(line)
    return found


def readme_examples() -> list[str]:
    found: list[str] = []
    inside = False
    for raw in README.read_text(encoding="utf-8").splitlines():
        if raw.strip().startswith("```"):
            inside = not inside
            continue
        line = raw.strip().removeprefix("$ ")
        if not inside or not line.startswith("tongnan-calc "):
            continue
        command = line.split("  #")[0].split(" # ")[0].strip()
        if PLACEHOLDER.search(command) is None and command not in found:
            found.append(command)
    return found


def _clone(where: Path) -> Path:
    root = where / "clone"
    root.mkdir()
    for name in COPIED:
        shutil.copytree(ROOT / name, root / name)
    shutil.copyfile(ROOT / "tongnan_calc" / "rules.yaml", root / "rules.yaml")
    (root / "tongnan_calc").mkdir()
    shutil.copyfile(ROOT / "tongnan_calc" / "rules.yaml", root / "tongnan_calc" / "rules.yaml")
    return root


def _pasting(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A fresh clone to paste into, and the environment of a new user: an empty home, no TONGNAN_ variable,
    this interpreter's tongnan-calc first on the PATH."""
    root = _clone(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TONGNAN_")}
    env |= {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        "COLUMNS": "120",
    }
    return root, env


def _run(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_examples_are_found() -> None:
    assert len(help_examples()) >= 15
    assert any(line.startswith("tongnan-calc run ") for line in help_examples())


@pytest.mark.parametrize("source", ["README", "help"])
def test_every_example_works_when_pasted(tmp_path: Path, source: str) -> None:
    """The README's examples in one fresh clone, the help's in another (both write payout-2016.xlsx)."""
    root, env = _pasting(tmp_path)
    scratch = str(tmp_path / "try-ledger.sqlite")  # the examples' scratch ledger, here a fresh one
    examples = readme_examples() if source == "README" else help_examples()
    assert examples
    pending = [line.replace(SCRATCH, scratch) for line in examples]
    failed: dict[str, str] = {}
    for _ in range(2):  # a second pass for an example that needs a file a later one makes
        failed = {}
        for command in pending:
            shlex.split(command)  # a line a shell can read
            done = _run(command, root, env)
            if done.returncode not in (0, 1):
                failed[command] = f"exit {done.returncode}: {(done.stderr or done.stdout).strip()[:300]}"
        pending = list(failed)
        if not pending:
            break
    assert failed == {}
