"""The main job as one call: read the rules, the workbook and the ledger, compute.

This is the imperative shell around ``engine``: it touches files and the clock
and returns a ``RunResult`` that the report writers render.  Every failure that
stops a run is a ``FatalError`` with one line for the user (exit code 2).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tongnan_calc.core import engine
from tongnan_calc.core.compare import Comparison, compare_lines
from tongnan_calc.core.model import Batch, Line, PriorPayout
from tongnan_calc.core.result import LedgerUse, RunResult
from tongnan_calc.core.rules import RuleError, Rules
from tongnan_calc.core.say import UserError
from tongnan_calc.report.seal import file_sha256
from tongnan_calc.rules.load import DEFAULT_RULES, load_rules


class FatalError(UserError):
    """Nothing can be computed; the message (``say``, in both languages) is one line for the user."""


def load(rules_path: Path | None) -> Rules:
    try:
        return load_rules(rules_path or DEFAULT_RULES)
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
    """The same batch under two rule files, read once."""
    baseline, reform = load(baseline_path), load(reform_path)
    checked_year(year, baseline)
    inputs = read_inputs(workbook, checked_year(year, reform), ledger_path)
    before, after = compute(inputs, year, baseline), compute(inputs, year, reform)
    comparison = compare_lines(year, (baseline.version, before.lines), (reform.version, after.lines))
    return before, after, comparison


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
