"""The help's examples as a clerk copies them from a terminal of any width, in both languages.

``tests/test_examples_paste.py`` runs the examples as written in the source; here the
rendered ``--help`` is read the way it is pasted: the example's line on the screen must
hold the whole command.  At 80 columns (a default terminal) the help used to fold
``Example: tongnan-calc run examples/example.xlsx --year 2016 --out`` and put
``payout-2016.xlsx`` on the next line: pasted, that is ``run … --out`` without its
value (exit 2) and a second command ``payout-2016.xlsx`` (not found).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.test_examples_paste import PLACEHOLDER, README, SCRATCH, _pasting, _run, readme_examples
from tests.test_help import ALL, PROG, name
from tongnan_calc.cli.app import app
from tongnan_calc.cli.i18n import pick

LABEL = {"zh": "示例：", "en": "Example:"}


def source_examples(command: Any, lang: str) -> list[str]:
    """The examples written in a command's help and epilog, in ``lang``, each as one line."""
    text = "\n\n".join(
        pick(part, lang) or ""
        for part in (command.help, command.epilog)  # type: ignore[arg-type]
    )
    pattern = rf"{LABEL[lang]}\s*(tongnan-calc[^\n]*(?:\n[ \t]*-[^\n]*)*)"
    return [" ".join(match.group(1).split()) for match in re.finditer(pattern, text)]


def screen_examples(path: tuple[str, ...], lang: str, columns: int) -> list[str]:
    result = CliRunner().invoke(
        app, [*path, "--help", "--lang", lang], prog_name=PROG, env={"COLUMNS": str(columns), "TERM": "dumb"}
    )
    assert result.exit_code == 0, result.output
    return [line.split(LABEL[lang], 1)[1].strip() for line in result.stdout.splitlines() if LABEL[lang] in line]


@pytest.mark.parametrize("columns", [60, 80, 100])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("path", "command"), [pytest.param(p, c, id=name(p)) for p, c in ALL])
def test_an_example_is_one_line_on_any_terminal(path: tuple[str, ...], command: Any, lang: str, columns: int) -> None:
    written = source_examples(command, lang)
    assert written, f"{name(path)}: no example in {lang}"
    shown = screen_examples(path, lang, columns)
    assert shown == written
    for line in shown:  # the command it runs, as a shell reads it
        words = shlex.split(line)
        assert words[0] == PROG
        assert path == () or words[1 : len(path) + 1] == list(path)


@pytest.mark.parametrize(("path", "command"), [pytest.param(p, c, id=name(p)) for p, c in ALL])
def test_the_chinese_examples_run_what_the_english_ones_run(path: tuple[str, ...], command: Any) -> None:
    """tests/test_examples_paste.py runs the English examples; the Chinese ones differ only in quoted words."""

    def unquoted(line: str) -> str:
        return re.sub(r'"[^"]*"', '"…"', line)

    assert [unquoted(line) for line in source_examples(command, "zh")] == [
        unquoted(line) for line in source_examples(command, "en")
    ]


def readme_inline_examples() -> list[str]:
    """The README's ``tongnan-calc …`` commands in running text (`…`), not the code blocks that
    tests/test_examples_paste.py runs: those with no placeholder (WORKBOOK, ID, <file>, […], …) and more
    than a mention of a command or option (`tongnan-calc template`, `tongnan-calc run --out`)."""
    found: list[str] = []
    for command in re.findall(r"`(tongnan-calc [^`]*)`", README.read_text(encoding="utf-8")):
        words = shlex.split(command)
        if PLACEHOLDER.search(command) or re.search(r"[<…]|\bID\b", command) or len(words) < 3:
            continue
        if words[-1].startswith("--") and words[-1] != "--help":  # `tongnan-calc run --out`: an option named
            continue
        if command not in found:
            found.append(command)
    return found


def test_the_readme_inline_examples_work_after_its_code_blocks(tmp_path: Path) -> None:
    """Pasted in a fresh clone after the README's code blocks (which make the scratch and the configured
    ledgers): `ledger reverse 7 --reason "wrong enterprise"` named an entry that no ledger the README
    makes holds (exit 2); it is now a synopsis (ID, from `ledger list`) beside a working example."""
    inline = readme_inline_examples()
    assert any(line.startswith("tongnan-calc ledger reverse ") for line in inline)
    root, env = _pasting(tmp_path)
    scratch = str(tmp_path / "try-ledger.sqlite")
    for command in readme_examples():
        _run(command.replace(SCRATCH, scratch), root, env)
    failed = {}
    for command in inline:
        done = _run(command.replace(SCRATCH, scratch), root, env)
        if done.returncode != 0:
            failed[command] = f"exit {done.returncode}: {(done.stderr or done.stdout).strip()[:300]}"
    assert failed == {}
