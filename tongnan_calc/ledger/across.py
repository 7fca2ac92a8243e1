"""The checks of ``ledger record`` across years: a one-time reward paid a second time (二（三）, 二（五）)
or loan interest subsidies past the lifetime cap (二（六）), counting the payouts in force of every year
in the ledger; and the warning for a lower milestone tier recorded after a higher one."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from tongnan_calc.core.model import LATER_YEAR_MEASURES
from tongnan_calc.core.say import Say
from tongnan_calc.ledger.entries import _Payout
from tongnan_calc.ledger.limits import LOAN_INTEREST, Limits
from tongnan_calc.ledger.schema import SALES_MILESTONE, _decimal, money_text, tier_text

NOTHING_RECORDED: Final = Say("；未记录任何发放", "; nothing was recorded")

ROWS_SHOWN: Final = 3  # how many rows a refusal across years names before it only counts the others


def _listed(items: Sequence[Say]) -> Say:
    """The first ``ROWS_SHOWN`` items, then how many more."""
    shown = items[:ROWS_SHOWN]
    more = len(items) - len(shown)
    return Say(
        "、".join(i.zh for i in shown) + (f"等共{len(items)}行" if more else ""),
        ", ".join(i.en for i in shown) + (f" and {more} more" if more else ""),
    )


@dataclass(frozen=True)
class _InForce:
    """A payout in force in the ledger, of a measure paid once or capped across years."""

    id: int
    credit_code: str
    year: int
    measure: str
    tier: str | None
    amount: Decimal


def _in_force_across_years(conn: sqlite3.Connection) -> list[_InForce]:
    rows = conn.execute(
        "SELECT id, credit_code, year, measure, tier, amount FROM payouts_in_force"
        " WHERE measure IN ('spin_off', ?, ?) ORDER BY year, id",
        (SALES_MILESTONE, LOAN_INTEREST),
    )
    return [
        _InForce(int(i), str(c), int(y), str(m), None if t is None else str(t), _decimal(a, "amount", int(i)))
        for i, c, y, m, t, a in rows
    ]


def across_years(conn: sqlite3.Connection, add: Sequence[_Payout], limits: Limits, where: Say) -> list[Say]:
    """Why recording ``add`` would pay a one-time reward twice or pass the lifetime interest cap
    (二（三）, 二（五）, 二（六）), counting every year's payouts in force; one line per kind."""
    if not any(p.measure in LATER_YEAR_MEASURES for p in add):
        return []
    ledger = _in_force_across_years(conn)
    refusals: list[Say] = []
    twice: dict[str, list[Say]] = {"spin_off": [], SALES_MILESTONE: []}
    for payout in add:
        if payout.measure not in twice:
            continue
        tier = tier_text(payout.tier)
        paid = next(
            (e for e in ledger if (e.credit_code, e.measure, e.tier) == (payout.credit_code, payout.measure, tier)),
            None,
        )
        if paid is not None:
            what = Say("", "") if tier is None else Say(f" 档次 {tier}", f" tier {tier}")
            twice[payout.measure].append(
                payout.label()
                + Say(
                    f" {payout.credit_code}{what.zh}（已按{paid.year}年度发放，条目 {paid.id}）",
                    f" {payout.credit_code}{what.en} (already paid for {paid.year}, entry {paid.id})",
                )
            )
    if twice["spin_off"]:
        listed = _listed(twice["spin_off"])
        refusals.append(
            Say(
                f"{where.zh} 将再次发放一次性奖励 spin_off（二（三））：{listed.zh}{NOTHING_RECORDED.zh}",
                f"{where.en} would pay spin_off, a one-time reward (二（三）), a second time: {listed.en}"
                f"{NOTHING_RECORDED.en}",
            )
        )
    if twice[SALES_MILESTONE]:
        listed = _listed(twice[SALES_MILESTONE])
        refusals.append(
            Say(
                f"{where.zh} 将再次发放一次性奖励 sales_milestone 的同一档次（二（五））："
                f"{listed.zh}{NOTHING_RECORDED.zh}",
                f"{where.en} would pay the same sales_milestone tier, a one-time reward (二（五）), a second time:"
                f" {listed.en}{NOTHING_RECORDED.en}",
            )
        )
    over = _over_the_cap(ledger, add, limits)
    if over:
        listed = _listed(over)
        refusals.append(
            Say(
                f"{where.zh} 的 loan_interest 将超过每个企业的贴息上限（二（六））：{listed.zh}{NOTHING_RECORDED.zh}",
                f"{where.en} would pay loan_interest above the cap per enterprise (二（六）): {listed.en}"
                f"{NOTHING_RECORDED.en}",
            )
        )
    return refusals


def _over_the_cap(ledger: Sequence[_InForce], add: Sequence[_Payout], limits: Limits) -> list[Say]:
    """Enterprises whose loan_interest payouts up to some year pass the cap in force on 31 December of
    that year (the engine pays at most the cap less the payouts of the years before)."""
    first_row: dict[str, _Payout] = {}
    by_year: dict[str, dict[int, Decimal]] = {}
    for payout in add:
        if payout.measure == LOAN_INTEREST:
            first_row.setdefault(payout.credit_code, payout)
            years = by_year.setdefault(payout.credit_code, {})
            years[payout.year] = years.get(payout.year, Decimal(0)) + payout.amount
    for entry in ledger:
        if entry.measure == LOAN_INTEREST and entry.credit_code in by_year:
            years = by_year[entry.credit_code]
            years[entry.year] = years.get(entry.year, Decimal(0)) + entry.amount
    over: list[tuple[int, Say]] = []
    for credit_code, years in by_year.items():
        total = Decimal("0.00")
        for year in sorted(years):
            total += years[year]
            cap = limits.interest_cap(year)
            if cap is not None and total > cap:
                first = first_row[credit_code]
                over.append(
                    (
                        first.row,
                        Say(
                            f"{first.label().zh} {credit_code}（截至{year}年度合计 {money_text(total)} 元，"
                            f"上限 {money_text(cap)} 元）",
                            f"{first.label().en} {credit_code} ({money_text(total)} in total up to {year},"
                            f" cap {money_text(cap)})",
                        ),
                    )
                )
                break
    return [said for _, said in sorted(over, key=lambda item: item[0])]


def one_time_warnings(conn: sqlite3.Connection, payouts: Sequence[_Payout]) -> list[Say]:
    """A sales_milestone tier (二（五）) about to be recorded although a higher tier was paid in another year.

    (A spin_off or the same tier paid in another year is refused by ``across_years`` before this.)"""
    warnings: list[Say] = []
    for payout in payouts:
        if payout.measure not in ("spin_off", SALES_MILESTONE):
            continue
        for entry_id, year, tier in conn.execute(
            "SELECT id, year, tier FROM payouts_in_force WHERE credit_code = ? AND measure = ? AND year <> ?"
            " ORDER BY year, id",
            (payout.credit_code, payout.measure, payout.year),
        ):
            if tier is None or payout.tier is None or _decimal(tier, "tier", entry_id) >= payout.tier:
                paid = "" if tier is None else f" tier {tier}"
                paid_zh = "" if tier is None else f"（档次 {tier}）"
                what = payout.describe()
                warnings.append(
                    payout.label()
                    + Say(
                        f"：{what.zh} 属一次性奖励，已按{year}年度发放过{paid_zh}（条目 {entry_id}）",
                        f": {what.en} is a one-time reward already paid for {year}{paid} (entry {entry_id})",
                    )
                )
                break
    return warnings
