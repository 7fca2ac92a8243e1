"""What every command shares: the language option, the rule-file option, one-line errors, the ledger default."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from tongnan_calc.core.say import Lang, Say, as_say


class Language(str, Enum):
    zh = "zh"
    en = "en"


def to_lang(lang: Language) -> Lang:
    return "en" if lang is Language.en else "zh"


LangOption = Annotated[Language, typer.Option("--lang", help="Language of the output: zh (default) or en.")]
RulesOption = Annotated[
    Optional[Path], typer.Option("--rules", help="Rule file (default: the rules.yaml shipped with the tool).")
]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace existing output files.")]
WorkbookArgument = Annotated[Path, typer.Argument(help="Input workbook (.xlsx) with the sheets of SPEC §3.")]
YearOption = Annotated[int, typer.Option("--year", "-y", help="Calculation year Y.")]
LedgerOption = Annotated[
    Optional[Path],
    typer.Option(
        "--ledger",
        help="Payout ledger of prior payouts (default: $TONGNAN_LEDGER, else the ledger saved by"
        " `tongnan-calc ledger init`); it must exist.",
    ),
]
NoLedgerOption = Annotated[bool, typer.Option("--no-ledger", help="Read no ledger, even the default one.")]
RequireLedgerOption = Annotated[
    bool,
    typer.Option(
        "--require-ledger",
        help="Refuse to compute without a ledger (also: require_ledger = true in the configuration).",
    ),
]


ERROR_PREFIX: dict[Lang, str] = {"zh": "错误：", "en": "error: "}


def fail(message: Say | str, code: int = 2, lang: Lang = "en") -> typer.Exit:
    """Print ``error: <line>`` (``错误：<line>`` in Chinese) on stderr for each line and leave with ``code``.

    A ``Say`` is shown in ``lang``; a bare string is shown as it is.
    """
    text = as_say(message).in_lang(lang)
    err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
    for line in text.splitlines() or [text]:
        err.print(f"{ERROR_PREFIX[lang]}{line}", markup=False)
    return typer.Exit(code)


def resolve_ledger(ledger: Path | None, no_ledger: bool, *, require: bool = False) -> Path | None:
    """The ledger a computing command reads (``shell.run.find_ledger``): --ledger FILE, else
    $TONGNAN_LEDGER, else the ledger saved by `ledger init` in the user's configuration, else none
    (the run says so in every output).  A named ledger that does not exist is a ``FatalError``, and
    so is no ledger when ``require`` (--require-ledger) or the configuration requires one."""
    from tongnan_calc.shell.run import find_ledger

    return find_ledger(ledger, no_ledger=no_ledger, require=require)
