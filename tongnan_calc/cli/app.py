"""The command line: parse, call one function, render.  No computation lives here."""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from tongnan_calc import __version__
from tongnan_calc.cli.clerk_info import duties_command, explain_command
from tongnan_calc.cli.clerk_input import check_command, template_command
from tongnan_calc.cli.common import (
    ForceOption,
    LangOption,
    Language,
    LedgerOption,
    NoLedgerOption,
    RequireLedgerOption,
    RulesOption,
    WorkbookArgument,
    YearOption,
    fail,
    resolve_ledger,
    to_lang,
)
from tongnan_calc.cli.i18n import ERROR_PREFIX, TongnanGroup, argv_lang, bi
from tongnan_calc.cli.ledger import app as ledger_app
from tongnan_calc.cli.rules import app as rules_app
from tongnan_calc.core.say import Lang, Say
from tongnan_calc.files.outputs import (
    OutputError,
    cannot_write,
    check_outputs,
    check_stdout,
    check_xlsx_name,
    quiet_stdout,
    write_text_atomic,
    writing,
)
from tongnan_calc.report.screen import screen, visible
from tongnan_calc.shell.collector import gc_paused
from tongnan_calc.shell.run import FatalError, Hooks, RunOptions, batch, run_compare

if TYPE_CHECKING:  # imported when used: `tongnan-calc --help` stays quick
    pass

JSON_HELP = bi("JSON 写到这里；写 - 则输出到标准输出。", "Write JSON here; '-' for stdout.")

app = typer.Typer(
    name="tongnan-calc",
    cls=TongnanGroup,
    help=bi(
        "潼南区电子商务政策：各企业的兑付资格和金额。",
        "Eligibility and payouts under the Tongnan District e-commerce policy (潼南区电子商务政策).",
    ),
    epilog=bi(
        "示例：tongnan-calc run examples/example.xlsx --year 2016 --out payout-2016.xlsx",
        "Example: tongnan-calc run examples/example.xlsx --year 2016 --out payout-2016.xlsx",
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
)
app.add_typer(rules_app, name="rules")
app.add_typer(ledger_app, name="ledger")
app.command("template")(template_command)
app.command("check")(check_command)
app.command("explain")(explain_command)
app.command("duties")(duties_command)


@app.command("run")
def run_command(
    workbook: WorkbookArgument,
    year: YearOption,
    rules: RulesOption = None,
    ledger: LedgerOption = None,
    no_ledger: NoLedgerOption = False,
    require_ledger: RequireLedgerOption = False,
    out: Annotated[
        Optional[Path],
        typer.Option(
            "--out", "-o", help=bi("兑付工作簿（.xlsx）写到这里。", "Write the payout workbook (.xlsx) here.")
        ),
    ] = None,
    json_out: Annotated[Optional[str], typer.Option("--json", help=JSON_HELP)] = None,
    lang: LangOption = Language.zh,
    show_all: Annotated[
        bool,
        typer.Option("--all", help=bi("终端中也列出不符合条件的记录。", "Show ineligible lines in the terminal too.")),
    ] = False,
    force: ForceOption = False,
    issuer: Annotated[
        Optional[str],
        typer.Option(
            "--issuer",
            help=bi(
                "兑付工作簿上的发放单位（默认：规则文件中写明的发放单位）。",
                "The issuing unit in the payout workbook (default: the rule file's).",
            ),
        ),
    ] = None,
) -> None:
    """计算一批企业 Y 年度的全部兑付。

    示例：tongnan-calc run examples/example.xlsx --year 2016 --out payout-2016.xlsx

    退出码：0 计算完成，输入无错误；1 计算完成，但部分输入有错误（全部列出）；2 未计算。

    —— English ——

    Compute every entitlement of a batch for year Y.

    Example: tongnan-calc run examples/example.xlsx --year 2016 --out payout-2016.xlsx

    Exit codes: 0 done with no input error; 1 done, but some input had errors
    (all listed); 2 nothing computed.
    """
    try:
        ledger_path = resolve_ledger(ledger, no_ledger, require=require_ledger)
    except FatalError as exc:
        raise fail(exc.say, lang=to_lang(lang)) from None
    options = RunOptions(workbook, year, rules, ledger_path, out, json_out, to_lang(lang), force, issuer=issuer)
    _run(options, show_all)


_CONSOLE_SCRIPT = [False]
"""Set by ``main``: the command runs as the console script (it may take SIGTERM and SIGHUP)."""


def _run(options: RunOptions, show_all: bool) -> None:
    """Parse (done), call one function (``shell.run.batch``), render."""
    from tongnan_calc.report.terminal import phases, progress_bar

    watched = sys.stderr.isatty()  # progress on stderr, only for a person watching
    hooks = Hooks(phases(watched), lambda text, total: progress_bar(watched, text, total))
    if _CONSOLE_SCRIPT[0]:
        _stop_on_termination()
    # the run's objects are shown and let go while the collector is still paused: turned back on
    # with the result alive, its first collections would walk every record and line again
    with gc_paused():
        code = _batch_and_show(options, show_all, hooks)
    raise typer.Exit(code)


def _batch_and_show(options: RunOptions, show_all: bool, hooks: Hooks) -> int:
    """The run (``shell.run.batch``) and what the terminal shows of it; the exit code."""
    from tongnan_calc.report.terminal import MAX_TABLE_ROWS, print_result

    language = options.lang
    try:
        result = batch(replace(options, keep_ineligible=MAX_TABLE_ROWS), hooks)
    except (FatalError, OutputError) as exc:
        raise fail(exc.say, lang=language) from None
    console = screen(stderr=options.json == "-")
    try:
        with writing(None) if options.json != "-" else contextlib.nullcontext():  # the tables on stdout
            print_result(console, result, language, show_all=show_all)
    except OutputError as exc:
        raise fail(exc.say, lang=language) from None
    if options.out is not None:
        done = Say(f"已写出付款工作簿 {options.out}", f"payout workbook: {options.out}").in_lang(language)
        console.print(done, markup=False, soft_wrap=True)  # a path is never folded: it is copied from here
    if options.json is not None and options.json != "-":
        console.print(Say(f"已写出 JSON {options.json}", f"JSON: {options.json}").in_lang(language), soft_wrap=True)
    return 1 if result.batch.has_errors else 0


@app.command("compare")
def compare_command(
    workbook: WorkbookArgument,
    year: YearOption,
    baseline: Annotated[
        Path, typer.Option("--baseline", help=bi("现行规则文件（基准）。", "Rule file in force (the baseline)."))
    ],
    reform: Annotated[
        Path,
        typer.Option(
            "--reform",
            help=bi(
                "修订后的规则文件（修订），或合并到基准之上的修订文件（只写改动的键）。",
                "Revised rule file, or an overlay merged onto the baseline (the reform).",
            ),
        ),
    ],
    ledger: LedgerOption = None,
    no_ledger: NoLedgerOption = False,
    out: Annotated[
        Optional[Path],
        typer.Option("--out", "-o", help=bi("差异工作簿写到这里。", "Write a workbook of the differences.")),
    ] = None,
    json_out: Annotated[Optional[str], typer.Option("--json", help=JSON_HELP)] = None,
    lang: LangOption = Language.zh,
    force: ForceOption = False,
) -> None:
    """规则修订对预算的影响（用真实数据）：两套规则下的合计，以及哪些企业增加或减少。

    示例：tongnan-calc compare examples/example.xlsx -y 2018 --baseline tongnan_calc/rules.yaml
    --reform examples/rules-2018-revision.yaml

    待定的行按措施和档次计数，从不给出金额。基准与修订版本相同而内容不同时退出码为 2。

    —— English ——

    Budget impact of a rule revision on real data: totals under each and who gains or loses.

    Example: tongnan-calc compare examples/example.xlsx -y 2018 --baseline tongnan_calc/rules.yaml
    --reform examples/rules-2018-revision.yaml

    Pending lines are counted by measure and tier, never given an amount. Exit 2 when the two differ under one version.
    """
    language = to_lang(lang)
    try:
        json_path = Path(json_out) if json_out not in (None, "-") else None
        check_outputs([out, json_path], [workbook, baseline, reform, resolve_ledger(ledger, no_ledger)], force=force)
        check_xlsx_name(out)
        if json_out == "-":
            check_stdout()
        before, _, comparison = run_compare(workbook, year, baseline, reform, resolve_ledger(ledger, no_ledger))
    except (FatalError, OutputError) as exc:
        raise fail(exc.say, lang=language) from None
    from tongnan_calc.report.compare_out import comparison_dumps, print_comparison, write_comparison_workbook
    from tongnan_calc.report.terminal import print_issues, print_ledger

    console = screen(stderr=json_out == "-")
    try:
        with writing(None) if json_out != "-" else contextlib.nullcontext():  # the tables on stdout
            print_comparison(console, comparison, language)
            print_issues(console, before.batch.issues, language)
            print_ledger(console, before, language)
        if out is not None:
            with writing(out):
                write_comparison_workbook(comparison, out, language)
            console.print(Say(f"已写出比较工作簿 {out}", f"workbook: {out}").in_lang(language), soft_wrap=True)
        if json_out is not None:
            with writing(None if json_out == "-" else Path(json_out)):
                if json_out == "-":
                    sys.stdout.write(comparison_dumps(comparison, language))
                    sys.stdout.flush()
                else:
                    write_text_atomic(Path(json_out), comparison_dumps(comparison, language))
            if json_out != "-":
                console.print(Say(f"已写出 JSON {json_out}", f"JSON: {json_out}").in_lang(language), soft_wrap=True)
    except OutputError as exc:
        raise fail(exc.say, lang=language) from None
    raise typer.Exit(1 if before.batch.has_errors else 0)


def version_callback(value: bool) -> None:
    if value:
        print(f"tongnan-calc {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=version_callback, is_eager=True, help=bi("显示版本号。", "Show the version.")
        ),
    ] = False,
    lang: LangOption = Language.zh,  # read from the command line first (cli.i18n)
) -> None:
    """tongnan-calc：潼南区电子商务政策兑付计算工具。

    —— English ——

    tongnan-calc: the Tongnan District e-commerce policy calculator.
    """


def _argv_lang(argv: list[str] | None = None) -> Lang:
    """The language of an error met outside a command's own handling (a full disk, Ctrl-C, a bug):
    the command line's --lang, else Chinese (every command's default)."""
    return argv_lang(sys.argv[1:] if argv is None else argv)


def main() -> None:
    """Console-script entry: no traceback reaches a user unless TONGNAN_DEBUG is set."""
    if not os.environ.get("TONGNAN_DEBUG"):
        # a writer's file left open by a failed save is closed at exit: say nothing more then
        sys.unraisablehook = lambda _: None
    _CONSOLE_SCRIPT[0] = True
    try:
        code = app(standalone_mode=False)
    except (typer.Abort, KeyboardInterrupt):
        code = 130
    except typer.Exit as exc:
        code = exc.exit_code
    except SystemExit as exc:  # typer's own answer to Ctrl-C is a silent exit 130
        code = exc.code if isinstance(exc.code, int) else 2
    except OSError as exc:  # a full disk, a file vanished under us: one line, no traceback
        if exc.errno == errno.EPIPE and not exc.filename:  # the terminal output's reader has gone
            quiet_stdout()
            line = cannot_write(None, exc).say.in_lang(_argv_lang())
        else:
            line = (f"{exc.filename}: " if exc.filename else "") + (exc.strerror or str(exc))
        print(visible(f"{ERROR_PREFIX[_argv_lang()]}{line}"), file=sys.stderr)
        sys.exit(2)
    except Exception as exc:
        show, exit_code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(exit_code, int):  # a usage error: click's own message
            show()
            sys.exit(exit_code)
        if os.environ.get("TONGNAN_DEBUG"):
            raise
        what = f"{type(exc).__name__}: {exc}"
        text = Say(
            f"内部错误：{what}（设置 TONGNAN_DEBUG=1 可查看详情）",
            f"internal error: {what} (set TONGNAN_DEBUG=1 for details)",
        )
        print(visible(f"{ERROR_PREFIX[_argv_lang()]}{text.in_lang(_argv_lang())}"), file=sys.stderr)
        sys.exit(2)
    if code == 130:
        print(f"{ERROR_PREFIX[_argv_lang()]}{Say('已中断', 'interrupted').in_lang(_argv_lang())}", file=sys.stderr)
    sys.exit(code if isinstance(code, int) else 0)


def _stop_on_termination() -> None:
    """SIGTERM (a scheduler's, ``timeout``'s) and SIGHUP (the terminal closed) end a run as Ctrl-C does:
    its temporary files are removed (the default would skip that: a half-written output would stay behind).
    Only for ``run`` in the console script: the ledger's commands rely on SQLite's journal instead."""

    def stop(number: int, _: object) -> None:
        raise SystemExit(128 + number)

    for number in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if number is not None and signal.getsignal(number) is signal.SIG_DFL:
            signal.signal(number, stop)
