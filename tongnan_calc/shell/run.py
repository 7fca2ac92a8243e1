"""The main job as one call: read the rules, the workbook and the ledger, compute, write the outputs.

This is the imperative shell around ``engine``: it touches files and the clock
and returns a ``RunResult`` that the report writers render.  ``batch(options)``
is ``tongnan-calc run`` without its terminal (the command parses, calls it and
renders); ``run`` computes without writing.  Every failure that stops a run is a
``FatalError`` (or an ``OutputError``) with one line for the user (exit code 2).
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tongnan_calc.core import engine
from tongnan_calc.core.compare import Comparison, compare_lines, version_conflict
from tongnan_calc.core.model import MEASURE_IDS, Batch, Line, PriorPayout
from tongnan_calc.core.result import LedgerUse, RunResult
from tongnan_calc.core.rules import RuleError, Rules
from tongnan_calc.core.say import Lang, Say, UserError
from tongnan_calc.files.outputs import atomic_path, check_outputs, check_stdout, check_xlsx_name, writing
from tongnan_calc.report.seal import file_sha256
from tongnan_calc.rules.load import DEFAULT_RULES, load_rules
from tongnan_calc.shell.collector import gc_paused

if TYPE_CHECKING:  # imported when used: the writers' libraries load only for a run that writes
    from tongnan_calc.report.json_out import JsonStream
    from tongnan_calc.report.xlsx import PayoutWriter


class FatalError(UserError):
    """Nothing can be computed; the message (``say``, in both languages) is one line for the user."""


def load(rules_path: Path | None, base: Path | None = None) -> Rules:
    """A rule file, or an overlay merged onto ``base`` (default: the shipped rules)."""
    try:
        return load_rules(rules_path or DEFAULT_RULES, base)
    except RuleError as exc:
        raise FatalError(exc.say) from None


@dataclass(frozen=True)
class Inputs:
    """One batch read from disk: records and issues, the input digest, the ledger's prior payouts."""

    path: str
    sha256: str
    batch: Batch
    prior: dict[str, tuple[PriorPayout, ...]]
    ledger: LedgerUse | None
    later: dict[str, tuple[PriorPayout, ...]] = field(default_factory=dict)  # engine.later_by_enterprise


def read_inputs(workbook: Path, year: int, ledger_path: Path | None) -> Inputs:
    from tongnan_calc.input.reader import WorkbookError, read_workbook

    prior, later, ledger = _prior(ledger_path, year)
    try:
        batch = read_workbook(workbook)
    except WorkbookError as exc:
        raise FatalError(exc.say) from None
    return Inputs(str(workbook), file_sha256(workbook), batch, prior, ledger, later)


def checked_year(year: int, rules: Rules) -> int:
    try:
        engine.check_year(year, rules)
    except engine.YearError as exc:
        raise FatalError(exc.say) from None
    return year


def compute(
    inputs: Inputs,
    year: int,
    rules: Rules,
    progress: Callable[[int], None] | None = None,
    sink: Callable[[Sequence[Line]], None] | None = None,
    keep_ineligible: int | None = None,
) -> RunResult:
    """The run's lines and totals.  ``sink``: see ``engine.compute``; with ``keep_ineligible`` only
    the first that many ineligible lines are kept in the result (the sink has them all)."""
    tally = engine.Tally()

    def through(chunk: Sequence[Line]) -> None:
        tally.add(chunk)
        if sink is not None:
            sink(chunk)

    found = engine.compute(
        inputs.batch.records, year, rules, inputs.prior, progress, through, inputs.later, keep_ineligible
    )
    lines = tuple(found)
    totals = tally.totals()
    return RunResult(
        year=year,
        rules=rules,
        batch=inputs.batch,
        lines=lines,
        totals=totals,
        input_path=inputs.path,
        input_sha256=inputs.sha256,
        ledger=inputs.ledger,
        generated_at=datetime.now(UTC).replace(microsecond=0),
        ineligible_not_kept=sum(totals.counts.values()) - len(lines),
    )


def run(workbook: Path, year: int, rules_path: Path | None = None, ledger_path: Path | None = None) -> RunResult:
    """Compute every entitlement of one batch for calculation year ``year``."""
    rules = load(rules_path)
    return compute(read_inputs(workbook, checked_year(year, rules), ledger_path), year, rules)


def run_compare(
    workbook: Path, year: int, baseline_path: Path, reform_path: Path, ledger_path: Path | None = None
) -> tuple[RunResult, RunResult, Comparison]:
    """The same batch under two rule files, read once; the reform may be an overlay of the baseline."""
    baseline, reform = load(baseline_path), load(reform_path, baseline_path)
    conflict = version_conflict(baseline, reform)
    if conflict is not None:
        raise FatalError(conflict)
    checked_year(year, baseline)
    inputs = read_inputs(workbook, checked_year(year, reform), ledger_path)
    before, after = compute(inputs, year, baseline), compute(inputs, year, reform)
    comparison = compare_lines(year, (baseline.version, before.lines), (reform.version, after.lines))
    return before, after, comparison


def _no_ledger_required(no_ledger: bool, config: Path) -> Say:
    why = (
        Say("给出了 --no-ledger", "--no-ledger was given")
        if no_ledger
        else Say(
            "没有台账（未用 --ledger 或环境变量 TONGNAN_LEDGER 指定，配置中也没有）",
            "no ledger (none named with --ledger or $TONGNAN_LEDGER, none in the configuration)",
        )
    )
    return why + Say(
        f"，而 --require-ledger 或配置文件 {config} 中的 require_ledger = true 要求使用台账"
        "（否则一次性奖励、期限和累计上限无法核对）：请用 --ledger 指定台账，"
        "或用 `tongnan-calc ledger init PATH` 建立本局的台账",
        f", but --require-ledger or require_ledger = true in {config} requires one"
        " (without it one-time rewards, periods and lifetime caps cannot be checked): name one with --ledger,"
        " or create the bureau's ledger with `tongnan-calc ledger init PATH`",
    )


def find_ledger(option: Path | None, *, no_ledger: bool = False, require: bool = False) -> Path | None:
    """The ledger a run reads: ``option`` (--ledger), else $TONGNAN_LEDGER, else the one saved in the
    user's configuration (``ledger.home``); None when none is named, or with ``no_ledger``.

    A named ledger that does not exist is refused (nothing is created); so is no ledger when
    ``require`` or ``require_ledger = true`` in the configuration."""
    from tongnan_calc.ledger import LedgerError, home

    try:
        found = None if no_ledger else home.find(option)
        if found is None and (require or home.read_config().require_ledger):
            raise FatalError(_no_ledger_required(no_ledger, home.config_file()))
    except LedgerError as exc:
        raise FatalError(exc.say) from None
    return None if found is None else found.path


def _prior(ledger_path: Path | None, year: int) -> tuple[engine.Grouped, engine.Grouped, LedgerUse | None]:
    """The ledger's payouts for years before ``year``, those for later years that hold lines, the ledger used."""
    if ledger_path is None:
        return {}, {}, None
    from tongnan_calc.ledger import LedgerError, read_prior

    try:
        snapshot = read_prior(ledger_path)
    except LedgerError as exc:
        raise FatalError(exc.say) from None
    prior = engine.prior_by_enterprise(snapshot.payouts, year)
    later = engine.later_by_enterprise(snapshot.payouts, year)
    return prior, later, LedgerUse(str(ledger_path), sum(len(v) for v in prior.values()))


# --- the main job as one call: read, compute, write every output -------------------------------------------


Phase = Callable[[str], AbstractContextManager[None]]
"""What the run is doing, shown by the caller (``report.terminal.phases``): a context per step."""

ProgressBar = Callable[[str, int], AbstractContextManager[Callable[[int], None]]]
"""A bar for ``total`` enterprises (``report.terminal.progress_bar``): told how many are done."""


def _no_phase(text: str) -> AbstractContextManager[None]:
    return nullcontext()


def _no_progress(text: str, total: int) -> AbstractContextManager[Callable[[int], None]]:
    return nullcontext(lambda done: None)


@dataclass(frozen=True)
class RunOptions:
    """What ``tongnan-calc run`` was asked: the inputs, the outputs and the reader's language."""

    workbook: Path
    year: int
    rules: Path | None = None
    ledger: Path | None = None
    out: Path | None = None  # the payout workbook
    json: str | None = None  # a path, or "-" for standard output
    lang: Lang = "zh"
    force: bool = False  # outputs may replace existing files
    keep_ineligible: int | None = None  # the result keeps only the first that many ineligible lines
    issuer: str | None = None  # the payout workbook's issuing unit (default: the rule file's ``issuer``)


@dataclass(frozen=True)
class Hooks:
    """How the caller shows a long run (nothing, by default: a test or a program calling ``batch``)."""

    phase: Phase = _no_phase
    progress: ProgressBar = _no_progress


def batch(options: RunOptions, hooks: Hooks = Hooks()) -> RunResult:
    """The main job as one call: read the rule file, the workbook and the ledger, compute every line,
    and write the payout workbook and the JSON as the lines come.

    When it returns, every output asked for is complete and in its place (the JSON to standard output
    included); when it fails, none is left behind, and a failure the user can act on is a
    ``FatalError`` or an ``OutputError`` (one line, exit code 2)."""
    say = options.lang
    json_path = Path(options.json) if options.json not in (None, "-") else None
    check_outputs([options.out, json_path], [options.workbook, options.rules, options.ledger], force=options.force)
    check_xlsx_name(options.out)
    if options.json == "-":
        check_stdout()  # closed (>&-): refused before any work
    # where the JSON is written as it comes (a failed write names it): beside its file, or a temporary file
    json_target = json_path or Path(tempfile.gettempdir())
    writer: PayoutWriter | None = None  # the payout workbook, written while the lines are computed
    json_stream: JsonStream | None = None  # and the JSON, likewise
    json_file = ExitStack()  # the JSON's temporary file, put in place once the JSON is complete
    try:
        with hooks.phase(Say("读取规则文件", "reading the rule file").in_lang(say)):
            rules = load(options.rules)
        # records and lines hold no cycles: the cyclic collector would only walk them again and again
        with gc_paused():
            name = options.workbook.name
            with hooks.phase(Say(f"读取 {name} 和发放台账", f"reading {name} and the ledger").in_lang(say)):
                inputs = read_inputs(options.workbook, checked_year(options.year, rules), options.ledger)
            count = len(inputs.batch.records)
            lines = count * len(MEASURE_IDS)  # one line per enterprise and measure
            if options.out is not None:
                with writing(options.out):
                    writer = _payout_writer(options.out, say, options.year, rules, inputs, lines, options.issuer)
            if options.json is not None:
                with writing(json_target):
                    json_stream = _json_stream(options.json, json_file, inputs, options.year, rules, lines, say)
            computing = Say(f"计算 {count:,} 家企业", f"computing {count:,} enterprises").in_lang(say)
            with hooks.progress(computing, count) as advance:
                # the writers have every line as it comes; the result keeps the lines the terminal shows
                sink = _sink(writer, json_stream, options.out, json_target)
                result = compute(inputs, options.year, rules, advance, sink, keep_ineligible=options.keep_ineligible)
            targets = (options.out, json_target, options.json == "-")
            _write_outputs(result, writer, json_stream, json_file, targets, say, hooks.phase)
    except BaseException:
        _abandon(writer, json_file)
        raise
    return result


def _payout_writer(
    out: Path, lang: Lang, year: int, rules: Rules, inputs: Inputs, lines: int, issuer: str | None
) -> PayoutWriter:
    """The payout workbook's writer; ``lines`` (expected) chooses how it writes (``xlsx_book.open_book``)."""
    from tongnan_calc.report.xlsx import PayoutWriter, SealKey, bank_details

    key = SealKey(year, rules.sha256, inputs.sha256)
    banks = bank_details(inputs.batch)
    return PayoutWriter(out, lang, key, expected_lines=lines, banks=banks, issuer=issuer)


def _sink(
    writer: PayoutWriter | None, json_stream: JsonStream | None, out: Path | None, json_target: Path
) -> Callable[[Sequence[Line]], None] | None:
    """Where the lines go as they come: the writers' ``add``; a failed write names its output."""
    sinks = [(each.add, target) for each, target in ((writer, out), (json_stream, json_target)) if each is not None]
    if not sinks:
        return None

    def send(lines: Sequence[Line]) -> None:
        for sink, target in sinks:
            with writing(target):
                sink(lines)

    return send


def _json_stream(
    json_out: str, files: ExitStack, inputs: Inputs, year: int, rules: Rules, lines: int, lang: Lang
) -> JsonStream:
    """The JSON, written as the lines come into a temporary file (``files``): beside the output, renamed
    onto it once complete; for ``-``, an anonymous file copied to stdout once complete (a run that fails
    half-way writes nothing)."""
    from tongnan_calc.report.json_out import JsonStream, compact_for, head

    if json_out == "-":
        handle = files.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))  # noqa: SIM115
    else:
        temporary = files.enter_context(atomic_path(Path(json_out)))
        handle = files.enter_context(temporary.open("w", encoding="utf-8"))
    members = head(year, rules, inputs.path, inputs.sha256, inputs.ledger, lang)
    return JsonStream(handle, members, lang, compact=compact_for(lines))


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
    targets: tuple[Path | None, Path, bool],
    lang: Lang,
    phase: Phase,
) -> None:
    """The end of the payout workbook and of the JSON (both have had the lines already); each is put in
    place only when every output has been written.  ``targets``: the workbook, where the JSON is written,
    whether it goes to stdout — a failed write names its output (``files.outputs.writing``)."""
    out, json_target, to_stdout = targets
    if writer is not None:
        with writing(out):
            writer.finish(result)
    if json_stream is not None:
        with writing(json_target):
            json_stream.finish(result)  # complete, still in its temporary file
            json_stream.handle.flush()
    if writer is not None:
        lines = sum(result.totals.counts.values())
        with (
            phase(
                Say(f"写出付款工作簿（{lines:,} 行）", f"writing the payout workbook ({lines:,} lines)").in_lang(lang)
            ),
            writing(out),
        ):
            writer.close()
    if json_stream is not None:
        with phase(Say("写出 JSON", "writing JSON").in_lang(lang)):
            if to_stdout:
                json_stream.handle.seek(0)
                with writing(None):
                    shutil.copyfileobj(json_stream.handle, sys.stdout, 1 << 20)
                    sys.stdout.flush()
            with writing(json_target):
                json_file.close()  # the file is put in place (or the anonymous one dropped)
