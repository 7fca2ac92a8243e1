"""The result of a run as data: what the report writers render (they import no runner)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tongnan_calc.core import engine
from tongnan_calc.core.model import Batch, Line
from tongnan_calc.core.rules import Rules


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
    ineligible_not_kept: int = 0
    """Ineligible lines counted in ``totals`` and written by the run's writers, but not in ``lines``
    (a run keeps only the first ``keep_ineligible`` of them: see ``compute``)."""


def require_all_lines(result: RunResult) -> None:
    """Refuse a result that does not hold all its lines (a run that streamed its outputs): written
    from it, a document would lack lines that its totals count."""
    if result.ineligible_not_kept:
        raise ValueError(f"the result does not hold {result.ineligible_not_kept} of its ineligible lines")
