"""What the rule file allows the ledger to hold: sales_milestone tiers and the lifetime interest cap.

Both are read as the measures read them: in force on 31 December of the payout's
year (SPEC §5).  The rule file is the one shipped with the tool unless the clerk
names another (``--rules``, as for ``run``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Final

from tongnan_calc.core.dates import year_end
from tongnan_calc.core.rules import NoValueInForce, RuleError, Rules
from tongnan_calc.core.say import Say
from tongnan_calc.input import cells
from tongnan_calc.input.cells import Cell
from tongnan_calc.ledger.entries import _Payout
from tongnan_calc.ledger.schema import LedgerError, tier_text
from tongnan_calc.ledger.sheets import shown_zh
from tongnan_calc.rules.load import DEFAULT_RULES, load_rules
from tongnan_calc.rules.tools import data_line_period, interest_cap, milestone_tiers

LOAN_INTEREST: Final = "loan_interest"
DATA_LINE: Final = "data_line"


def load_ledger_rules(path: Path | None = None) -> Rules:
    """The rule file at ``path`` (the shipped one when None); a ``LedgerError`` listing its problems."""
    try:
        return load_rules(path or DEFAULT_RULES)
    except RuleError as exc:
        raise LedgerError(exc.say, lines=True) from None  # one line per problem, as for `run`


@dataclass
class Limits:
    """The thresholds and caps of one rule file, by year (each year read once)."""

    rules: Rules
    _tiers: dict[int, tuple[Decimal, ...] | Say] = field(default_factory=dict)

    def thresholds(self, year: int) -> tuple[Decimal, ...] | Say:
        """The sales_milestone tier thresholds in force on 31 December ``year``; why not, when none is."""
        if year not in self._tiers:
            try:
                tiers = milestone_tiers(self.rules, year_end(year))
                self._tiers[year] = tuple(Decimal(t.threshold) for t in tiers)
            except NoValueInForce as exc:
                self._tiers[year] = exc.say
        return self._tiers[year]

    def tier_problem(self, tier: Decimal, year: int, raw: Cell) -> Say | None:
        """Why ``tier`` cannot be a sales_milestone tier paid for ``year``; None when it is a threshold."""
        allowed = self.thresholds(year)
        if isinstance(allowed, Say):
            return allowed
        if any(tier == threshold for threshold in allowed):
            return None
        listed_en = ", ".join(str(tier_text(t)) for t in allowed)
        listed_zh = "、".join(str(tier_text(t)) for t in allowed)
        return Say(
            f"应为{year}年12月31日生效的规则中 sales_milestone 的档次门槛之一（{listed_zh}），实际为{shown_zh(raw)}",
            f"expected a sales_milestone tier threshold of the rules in force on 31 December {year}"
            f" ({listed_en}), got {cells.shown(raw)}",
        )

    def interest_cap(self, year: int) -> Decimal | None:
        """The lifetime loan_interest cap per enterprise in force on 31 December ``year`` (None: no value then)."""
        try:
            cap = interest_cap(self.rules, year_end(year))
        except NoValueInForce:
            return None
        return Decimal(cap)

    def data_line_period(self, year: int) -> int | None:
        """The data_line subsidy period in years in force on 31 December ``year`` (None: no value then)."""
        try:
            return data_line_period(self.rules, year_end(year))
        except NoValueInForce:
            return None


def beyond_the_period(conn: sqlite3.Connection, add: Sequence[_Payout], limits: Limits, where: Say) -> list[Say]:
    """二（四） 补贴期限为2年: data_line payouts whose years, with the enterprise's data_line years in force in the
    ledger, do not fit in one period (in force on 31 December of each new payout's year), as the engine holds a
    line of such a year computed late; one line, naming the first row of each enterprise."""
    rows: list[Say] = []
    periods: list[int] = []
    new: dict[str, list[_Payout]] = {}
    for payout in add:
        if payout.measure == DATA_LINE:
            new.setdefault(payout.credit_code, []).append(payout)
    for credit_code, payouts in new.items():
        found = conn.execute(
            "SELECT DISTINCT year FROM payouts_in_force WHERE credit_code = ? AND measure = ?", (credit_code, DATA_LINE)
        )
        years = sorted({int(y) for (y,) in found} | {p.year for p in payouts})
        for payout in payouts:
            period = limits.data_line_period(payout.year)
            if period is not None and years[-1] - years[0] + 1 > period:
                listed = Say("、".join(map(str, years)), ", ".join(map(str, years)))
                rows.append(
                    payout.label()
                    + Say(
                        f" {credit_code}（数据专线补贴年度 {listed.zh}）", f" {credit_code} (data_line for {listed.en})"
                    )
                )
                periods.append(period)
                break
    if not rows:
        return []
    period = min(periods)
    return [
        Say(
            f"{where.zh} 的 data_line 将超出{period}年的补贴期限（二（四））：{'、'.join(r.zh for r in rows)}"
            "；未记录任何发放",
            f"{where.en} would pay data_line (二（四）) beyond its period of {period} years:"
            f" {', '.join(r.en for r in rows)}; nothing was recorded",
        )
    ]
