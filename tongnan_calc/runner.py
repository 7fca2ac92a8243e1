"""The main job as one call: read the rules, the workbook and the ledger, compute.

This is the imperative shell around ``engine``: it touches files and the clock
and returns a ``RunResult`` that the report writers render.  Every failure that
stops a run is a ``FatalError`` with one line for the user (exit code 2).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tongnan_calc import engine
from tongnan_calc.model import Batch, Line, PriorPayout
from tongnan_calc.rules import DEFAULT_RULES, RuleError, Rules, load_rules


class FatalError(Exception):
    """Nothing can be computed; the message is one line for the user."""


@dataclass(frozen=True)
class LedgerUse:
    path: str
    prior_read: int  # payouts for years before Y that the run applied


@dataclass(frozen=True)
class RunResult:
    year: int
    rules: Rules
    batch: Batch
    lines: tuple[Line, ...]
    totals: engine.Totals
    input_path: str
    input_sha256: str
    ledger: LedgerUse | None
    generated_at: datetime


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load(rules_path: Path | None) -> Rules:
    try:
        return load_rules(rules_path or DEFAULT_RULES)
    except RuleError as exc:
        raise FatalError(str(exc)) from None


def run(workbook: Path, year: int, rules_path: Path | None = None, ledger_path: Path | None = None) -> RunResult:
    """Compute every entitlement of one batch for calculation year ``year``."""
    from tongnan_calc.workbook_in import WorkbookError, read_workbook

    rules = load(rules_path)
    try:
        engine.check_year(year, rules)
    except engine.YearError as exc:
        raise FatalError(str(exc)) from None
    prior, ledger = _prior(ledger_path, year)
    try:
        batch = read_workbook(workbook)
    except WorkbookError as exc:
        raise FatalError(str(exc)) from None
    lines = tuple(engine.compute(batch.records, year, rules, prior))
    return RunResult(
        year=year,
        rules=rules,
        batch=batch,
        lines=lines,
        totals=engine.totals(lines),
        input_path=str(workbook),
        input_sha256=file_sha256(workbook),
        ledger=ledger,
        generated_at=datetime.now(UTC).replace(microsecond=0),
    )


def _prior(ledger_path: Path | None, year: int) -> tuple[dict[str, tuple[PriorPayout, ...]], LedgerUse | None]:
    if ledger_path is None:
        return {}, None
    from tongnan_calc.ledger import LedgerError, read_prior

    try:
        snapshot = read_prior(ledger_path)
    except LedgerError as exc:
        raise FatalError(str(exc)) from None
    prior = engine.prior_by_enterprise(snapshot.payouts, year)
    return prior, LedgerUse(str(ledger_path), sum(len(v) for v in prior.values()))
