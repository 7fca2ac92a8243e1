"""The result of a run as data: what the report writers render (they import no runner)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tongnan_calc.core import engine
from tongnan_calc.core.model import Batch, Line
from tongnan_calc.core.rules import Rules
from tongnan_calc.core.say import Say

NO_LEDGER_WARNING = Say(
    "未使用发放台账：一次性奖励、期限和累计上限均未核对（未读取以往发放记录），可能重复发放或超过上限",
    "NO LEDGER: one-time rewards, periods and lifetime caps were not checked (no prior payouts were read);"
    " they may be paid twice or above their caps",
)
"""What every output of a run without a ledger says (the terminal, the JSON's ``warnings``)."""


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
