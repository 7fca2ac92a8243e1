"""What every command shares: the language option, the rule-file option, one-line errors, the ledger default."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from tongnan_calc.cli.i18n import ERROR_PREFIX, bi
from tongnan_calc.core.say import Lang, Say, as_say


class Language(str, Enum):
    zh = "zh"
    en = "en"


def to_lang(lang: Language) -> Lang:
    return "en" if lang is Language.en else "zh"


LangOption = Annotated[
    Language,
    typer.Option(
        "--lang", help=bi("输出语言：zh（中文，默认）或 en（英文）。", "Language of the output: zh (default) or en.")
    ),
]
RulesOption = Annotated[
    Optional[Path],
    typer.Option(
        "--rules",
        help=bi(
            "规则文件（默认：随工具提供的 rules.yaml）。", "Rule file (default: the rules.yaml shipped with the tool)."
        ),
    ),
]
ForceOption = Annotated[
    bool, typer.Option("--force", help=bi("覆盖已有的输出文件。", "Replace existing output files."))
]
WorkbookArgument = Annotated[
    Path,
    typer.Argument(
        help=bi("输入工作簿（.xlsx），含规定的各工作表。", "Input workbook (.xlsx) with the sheets of SPEC §3.")
    ),
]
YearOption = Annotated[int, typer.Option("--year", "-y", help=bi("计算年度 Y。", "Calculation year Y."))]
LedgerOption = Annotated[
    Optional[Path],
    typer.Option(
        "--ledger",
        help=bi(
            "以往发放记录的发放台账（默认：$TONGNAN_LEDGER，否则 `tongnan-calc ledger init`"
            " 记入配置的台账）；文件必须已存在。",
            "Payout ledger of prior payouts (default: $TONGNAN_LEDGER, else the ledger saved by"
            " `tongnan-calc ledger init`); it must exist.",
        ),
    ),
]
NoLedgerOption = Annotated[
    bool,
    typer.Option(
        "--no-ledger", help=bi("不读取任何发放台账，默认台账也不读。", "Read no ledger, even the default one.")
    ),
]
RequireLedgerOption = Annotated[
    bool,
    typer.Option(
        "--require-ledger",
        help=bi(
            "没有发放台账时拒绝计算（也可在配置文件中把 require_ledger 设为是）。",
            "Refuse to compute without a ledger (also: require_ledger = true in the configuration).",
        ),
    ),
]


def fail(message: Say | str, code: int = 2, lang: Lang = "en") -> typer.Exit:
    """Print ``error: <line>`` (``错误：<line>`` in Chinese) on stderr for each line and leave with ``code``.

    A ``Say`` is shown in ``lang``; a bare string is shown as it is.
    """
    from tongnan_calc.report.screen import plain, screen

    text = as_say(message).in_lang(lang)
    err = screen(stderr=True, soft_wrap=True)
    for line in text.splitlines() or [text]:
        err.print(plain(f"{ERROR_PREFIX[lang]}{line}"))
    return typer.Exit(code)


def resolve_ledger(ledger: Path | None, no_ledger: bool, *, require: bool = False) -> Path | None:
    """The ledger a computing command reads (``shell.run.find_ledger``): --ledger FILE, else
    $TONGNAN_LEDGER, else the ledger saved by `ledger init` in the user's configuration, else none
    (the run says so in every output).  A named ledger that does not exist is a ``FatalError``, and
    so is no ledger when ``require`` (--require-ledger) or the configuration requires one."""
    from tongnan_calc.shell.run import find_ledger

    return find_ledger(ledger, no_ledger=no_ledger, require=require)
