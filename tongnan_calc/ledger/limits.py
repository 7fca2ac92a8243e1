"""What the rule file allows the ledger to hold: sales_milestone tiers and the lifetime interest cap.

Both are read as the measures read them: in force on 31 December of the payout's
year (SPEC §5).  The rule file is the one shipped with the tool unless the clerk
names another (``--rules``, as for ``run``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Final

from tongnan_calc.core.dates import year_end
from tongnan_calc.core.rules import NoValueInForce, RuleError, Rules
from tongnan_calc.core.say import Say
from tongnan_calc.input import cells
from tongnan_calc.input.cells import Cell
from tongnan_calc.ledger.schema import LedgerError, tier_text
from tongnan_calc.ledger.sheets import shown_zh
from tongnan_calc.rules.load import DEFAULT_RULES, load_rules
from tongnan_calc.rules.tools import interest_cap, milestone_tiers

LOAN_INTEREST: Final = "loan_interest"


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
