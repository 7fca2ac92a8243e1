"""The command line: parse, call one function, render.  No computation lives here."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console

from tongnan_calc import __version__
from tongnan_calc.cli.clerk_info import duties_command, explain_command
from tongnan_calc.cli.clerk_input import check_command, template_command
from tongnan_calc.cli.common import (
    ERROR_PREFIX,
    ForceOption,
    LangOption,
    Language,
    LedgerOption,
    NoLedgerOption,
    RulesOption,
    WorkbookArgument,
    YearOption,
    fail,
    resolve_ledger,
    to_lang,
)
from tongnan_calc.cli.ledger import app as ledger_app
from tongnan_calc.cli.rules import app as rules_app
from tongnan_calc.core.result import RunResult
from tongnan_calc.core.say import Lang, Say
from tongnan_calc.shell.outputs import OutputError, check_outputs, write_text_atomic
from tongnan_calc.shell.run import FatalError, run_compare

if TYPE_CHECKING:  # imported when used: `tongnan-calc --help` stays quick
    from tongnan_calc.core.model import Line
    from tongnan_calc.core.rules import Rules
    from tongnan_calc.report.json_out import JsonStream
    from tongnan_calc.report.terminal import Phases
    from tongnan_calc.report.xlsx import PayoutWriter
    from tongnan_calc.shell.run import Inputs

app = typer.Typer(
    name="tongnan-calc",
    help="Eligibility and payouts under the Tongnan District e-commerce policy (潼南区电子商务政策).",
    epilog="Example: tongnan-calc run examples/example.xlsx --year 2016 --out payout-2016.xlsx",
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
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write the payout workbook (.xlsx) here.")] = None,
    json_out: Annotated[Optional[str], typer.Option("--json", help="Write JSON here; '-' for stdout.")] = None,
    lang: LangOption = Language.zh,
    show_all: Annotated[bool, typer.Option("--all", help="Show ineligible lines in the terminal too.")] = False,
    force: ForceOption = False,
) -> None:
    """Compute every entitlement of a batch for year Y.

    Example: tongnan-calc run examples/example.xlsx --year 2016 --out payout-2016.xlsx

    Exit codes: 0 done with no input error; 1 done, but some input had errors
    (all listed); 2 nothing computed.
    """
    ledger_path = resolve_ledger(ledger, no_ledger)
    with ExitStack() as pause:
        _run(workbook, year, rules, ledger_path, out, json_out, to_lang(lang), show_all, force, pause)


_CONSOLE_SCRIPT = [False]
"""Set by ``main``: the command runs as the console script (it may take SIGTERM and SIGHUP)."""


def _run(
    workbook: Path,
    year: int,
    rules: Path | None,
    ledger_path: Path | None,
    out: Path | None,
    json_out: str | None,
    language: Lang,
    show_all: bool,
    force: bool,
    pause: ExitStack,
) -> None:
    from tongnan_calc.core.measures import MEASURES
    from tongnan_calc.report.terminal import MAX_TABLE_ROWS, phases, print_result, progress_bar
    from tongnan_calc.shell.collector import gc_paused
    from tongnan_calc.shell.run import checked_year, compute, load, read_inputs

    step = phases(sys.stderr.isatty())  # progress on stderr, only for a person watching
    writer = None  # the payout workbook, written while the lines are computed
    json_stream = None  # and the JSON, likewise
    json_file = ExitStack()  # the JSON's temporary file, put in place once the JSON is complete
    try:
        json_path = Path(json_out) if json_out not in (None, "-") else None
        check_outputs([out, json_path], [workbook, rules, ledger_path], force=force)
        # runner.run, step by step: the rule file, the workbook and the ledger, the computation
        with step(Say("读取规则文件", "reading the rule file").in_lang(language)):
            rule_set = load(rules)
        # From here to the end of the run the cyclic collector is paused (records and lines hold no
        # cycles, and each collection would walk them all again); it is turned back on when the command ends.
        pause.enter_context(gc_paused())
        if _CONSOLE_SCRIPT[0]:
            _stop_on_termination()
        with step(Say(f"读取 {workbook.name} 和发放台账", f"reading {workbook.name} and the ledger").in_lang(language)):
            inputs = read_inputs(workbook, checked_year(year, rule_set), ledger_path)
        count = len(inputs.batch.records)
        lines = count * len(MEASURES)  # one line per enterprise and measure
        writer = _payout_writer(out, language, year, rule_set, inputs, lines) if out is not None else None
        if json_out is not None:
            json_stream = _json_stream(json_out, json_file, inputs, year, rule_set, lines, language)
        sink = _sink(writer, json_stream)
        computing = Say(f"计算 {count:,} 家企业", f"computing {count:,} enterprises").in_lang(language)
        with progress_bar(sys.stderr.isatty(), computing, count) as advance:
            # the writers have every line as it comes; the result keeps the lines the terminal shows
            result = compute(inputs, year, rule_set, advance, sink, keep_ineligible=MAX_TABLE_ROWS)
    except (FatalError, OutputError) as exc:
        _abandon(writer, json_file)
        raise fail(exc.say, lang=language) from None
    except BaseException:
        _abandon(writer, json_file)
        raise

    console = Console(stderr=json_out == "-", highlight=False)
    try:
        print_result(console, result, language, show_all=show_all)
        _write_outputs(result, writer, json_stream, json_file, json_out == "-", language, step)
    except BaseException:
        _abandon(writer, json_file)
        raise
    if out is not None:
        console.print(Say(f"已写出付款工作簿 {out}", f"payout workbook: {out}").in_lang(language), markup=False)
    if json_out is not None and json_out != "-":
        console.print(Say(f"已写出 JSON {json_out}", f"JSON: {json_out}").in_lang(language), markup=False)
    raise typer.Exit(1 if result.batch.has_errors else 0)


def _payout_writer(out: Path, language: Lang, year: int, rules: Rules, inputs: Inputs, lines: int) -> PayoutWriter:
    """The payout workbook's writer: in a second process for a large batch on a machine with two cores."""
    from tongnan_calc.report.xlsx import PayoutWriter, SealKey, use_writer_process

    key = SealKey(year, rules.sha256, inputs.sha256)
    return PayoutWriter(out, language, key, in_process=not use_writer_process(lines))


def _sink(writer: PayoutWriter | None, json_stream: JsonStream | None) -> Callable[[Sequence[Line]], None] | None:
    """Where the lines go as they come: the writers' ``add``."""
    sinks = [each.add for each in (writer, json_stream) if each is not None]
    if not sinks:
        return None

    def send(lines: Sequence[Line]) -> None:
        for sink in sinks:
            sink(lines)

    return send


def _json_stream(
    json_out: str, files: ExitStack, inputs: Inputs, year: int, rules: Rules, lines: int, language: Lang
) -> JsonStream:
    """The JSON, written as the lines come into a temporary file (``files``): beside the output, renamed
    onto it once complete; for ``-``, an anonymous file copied to stdout once complete (a run that fails
    half-way writes nothing)."""
    import tempfile

    from tongnan_calc.report.json_out import JsonStream, compact_for, head
    from tongnan_calc.shell.outputs import atomic_path

    if json_out == "-":
        handle = files.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))  # noqa: SIM115
    else:
        temporary = files.enter_context(atomic_path(Path(json_out)))
        handle = files.enter_context(temporary.open("w", encoding="utf-8"))
    members = head(year, rules, inputs.path, inputs.sha256, inputs.ledger)
    return JsonStream(handle, members, language, compact=compact_for(lines))


def _abandon(writer: PayoutWriter | None, json_file: ExitStack) -> None:
    """No outputs: stop the workbook's writer, remove the temporary files."""
    if writer is not None:
        writer.abort()
    with contextlib.suppress(OSError):
        json_file.__exit__(RuntimeError, RuntimeError("no JSON"), None)


def _write_outputs(
    result: RunResult,
    writer: PayoutWriter | None,
    json_stream: JsonStream | None,
    json_file: ExitStack,
    to_stdout: bool,
    language: Lang,
    step: Phases,
) -> None:
    """The end of the payout workbook and of the JSON (both have had the lines already); a writer process
    works meanwhile."""
    if writer is not None:
        writer.finish(result)
    if json_stream is not None:
        json_stream.finish(result)  # complete, still in its temporary file
    if writer is not None:
        lines = sum(result.totals.counts.values())
        with step(
            Say(f"写出付款工作簿（{lines:,} 行）", f"writing the payout workbook ({lines:,} lines)").in_lang(language)
        ):
            writer.close()
    if json_stream is not None:  # put in place only when every output has been written
        with step(Say("写出 JSON", "writing JSON").in_lang(language)):
            if to_stdout:
                json_stream.handle.flush()
                json_stream.handle.seek(0)
                shutil.copyfileobj(json_stream.handle, sys.stdout, 1 << 20)
                sys.stdout.flush()
            json_file.close()  # the file is put in place (or the anonymous one dropped)


@app.command("compare")
def compare_command(
    workbook: WorkbookArgument,
    year: YearOption,
    baseline: Annotated[Path, typer.Option("--baseline", help="Rule file in force (the baseline).")],
    reform: Annotated[Path, typer.Option("--reform", help="Revised rule file (the reform).")],
    ledger: LedgerOption = None,
    no_ledger: NoLedgerOption = False,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write a workbook of the differences.")] = None,
    json_out: Annotated[Optional[str], typer.Option("--json", help="Write JSON here; '-' for stdout.")] = None,
    lang: LangOption = Language.zh,
    force: ForceOption = False,
) -> None:
    """Budget impact of a rule revision on real data: totals under each and who gains or loses.

    Example: tongnan-calc compare examples/example.xlsx --year 2016 --baseline rules.yaml --reform rules-new.yaml
    """
    language = to_lang(lang)
    try:
        json_path = Path(json_out) if json_out not in (None, "-") else None
        check_outputs([out, json_path], [workbook, baseline, reform, resolve_ledger(ledger, no_ledger)], force=force)
        before, _, comparison = run_compare(workbook, year, baseline, reform, resolve_ledger(ledger, no_ledger))
    except (FatalError, OutputError) as exc:
        raise fail(exc.say, lang=language) from None
    from tongnan_calc.report.compare_out import comparison_dumps, print_comparison, write_comparison_workbook
    from tongnan_calc.report.terminal import print_issues, print_ledger

    console = Console(stderr=json_out == "-", highlight=False)
    print_comparison(console, comparison, language)
    print_issues(console, before.batch.issues, language)
    print_ledger(console, before, language)
    if out is not None:
        write_comparison_workbook(comparison, out, language)
        console.print(Say(f"已写出比较工作簿 {out}", f"workbook: {out}").in_lang(language), markup=False)
    if json_out == "-":
        sys.stdout.write(comparison_dumps(comparison, language))
    elif json_out is not None:
        write_text_atomic(Path(json_out), comparison_dumps(comparison, language))
        console.print(Say(f"已写出 JSON {json_out}", f"JSON: {json_out}").in_lang(language), markup=False)
    raise typer.Exit(1 if before.batch.has_errors else 0)


def version_callback(value: bool) -> None:
    if value:
        print(f"tongnan-calc {__version__}")
        raise typer.Exit(0)


@app.callback()
def main_callback(
    version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """tongnan-calc: the Tongnan District e-commerce policy calculator."""


LANG_COMMANDS = frozenset({"run", "compare", "check", "explain", "template", "duties"})
"""The commands whose --lang is Chinese by default; the others (ledger, rules) speak English for now."""


def _argv_lang(argv: list[str] | None = None) -> Lang:
    """The language of an error met outside a command's own handling (a full disk, Ctrl-C, a bug):
    the command line's --lang, else Chinese for the commands of ``LANG_COMMANDS``."""
    args = sys.argv[1:] if argv is None else argv
    for index, arg in enumerate(args):
        if arg == "--lang" and index + 1 < len(args):
            return "en" if args[index + 1] == "en" else "zh"
        if arg.startswith("--lang="):
            return "en" if arg == "--lang=en" else "zh"
    command = next((arg for arg in args if not arg.startswith("-")), None)
    return "zh" if command in LANG_COMMANDS else "en"


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
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"{ERROR_PREFIX[_argv_lang()]}{where}{exc.strerror or exc}", file=sys.stderr)
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
        print(f"{ERROR_PREFIX[_argv_lang()]}{text.in_lang(_argv_lang())}", file=sys.stderr)
        sys.exit(2)
    if code == 130:
        print(f"{ERROR_PREFIX[_argv_lang()]}{Say('已中断', 'interrupted').in_lang(_argv_lang())}", file=sys.stderr)
    sys.exit(code if isinstance(code, int) else 0)


def _stop_on_termination() -> None:
    """SIGTERM (a scheduler's, ``timeout``'s) and SIGHUP (the terminal closed) end a run as Ctrl-C does:
    its temporary files are removed and its other processes stopped (the default would skip all that).
    Only for ``run`` in the console script: the ledger's commands rely on SQLite's journal instead."""

    def stop(number: int, _: object) -> None:
        raise SystemExit(128 + number)

    for number in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if number is not None and signal.getsignal(number) is signal.SIG_DFL:
            signal.signal(number, stop)
