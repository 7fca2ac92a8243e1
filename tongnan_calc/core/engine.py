"""Run every measure for every enterprise: the functional core of a batch.

二（七） is applied inside the measures (common conditions); here the ledger's prior
payouts (years before Y only) are attached to each enterprise, every measure runs,
and the totals are added up.  Nothing here reads or writes a file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from tongnan_calc.core.dates import year_end
from tongnan_calc.core.measures import MEASURES
from tongnan_calc.core.measures.common import measure_ended, micro_support_exclusion
from tongnan_calc.core.measures.data_line import PERIOD_YEARS
from tongnan_calc.core.model import (
    LATER_YEAR_MEASURES,
    PERIOD_MEASURES,
    Basis,
    Line,
    Msg,
    PriorPayout,
    Records,
    Status,
)
from tongnan_calc.core.rules import Rules
from tongnan_calc.core.say import Say, UserError
from tongnan_calc.core.trace import check, step

Grouped = dict[str, tuple[PriorPayout, ...]]
"""Payouts by credit code."""


class YearError(UserError):
    """The calculation year cannot be computed under this rule file."""


def _by_enterprise(payouts: Iterable[PriorPayout], keep: Callable[[PriorPayout], bool]) -> Grouped:
    grouped: dict[str, list[PriorPayout]] = {}
    for payout in payouts:
        if keep(payout):
            grouped.setdefault(payout.credit_code, []).append(payout)
    return {code: tuple(items) for code, items in grouped.items()}


def prior_by_enterprise(payouts: Iterable[PriorPayout], year: int) -> Grouped:
    """Ledger payouts for years before ``year``, grouped by credit code."""
    return _by_enterprise(payouts, lambda payout: payout.year < year)


HELD_LATER = LATER_YEAR_MEASURES | PERIOD_MEASURES
"""The measures whose payouts for later years can hold a line of Y."""


def later_by_enterprise(payouts: Iterable[PriorPayout], year: int) -> Grouped:
    """Ledger payouts that hold a line of ``year``, by credit code: those of ``LATER_YEAR_MEASURES`` and
    ``PERIOD_MEASURES`` for years after ``year``, and every payout recorded for ``year`` itself."""
    return _by_enterprise(
        payouts, lambda payout: payout.year == year or (payout.year > year and payout.measure in HELD_LATER)
    )


def held_for_later_years(
    lines: list[Line],
    later: tuple[PriorPayout, ...],
    prior: tuple[PriorPayout, ...] = (),
    rules: Rules | None = None,
    year: int | None = None,
) -> list[Line]:
    """Payable lines of a measure the ledger has already paid for a later year become pending.

    A measure of ``PERIOD_MEASURES`` is held only when Y and the ledger's years of it (``prior`` and
    ``later``) do not fit in one period (``period_years`` of ``rules`` in force on 31 December Y).

    OUR READING (SPEC §4 counts the years before Y only; §6 makes recording idempotent): a payable or
    pending line of a measure the ledger already records for Y itself — the year run again after its
    payout workbook was recorded, to reprint it or for a second batch — is pending, its reason naming
    what is recorded: the payout sheet does not list it to be paid a second time."""
    years: dict[str, set[int]] = {}
    recorded: dict[str, list[PriorPayout]] = {}
    for payout in later:
        if payout.year == year:
            recorded.setdefault(payout.measure, []).append(payout)
        else:
            years.setdefault(payout.measure, set()).add(payout.year)
    held: list[Line] = []
    for line in lines:
        found = years.get(line.measure)
        same = recorded.get(line.measure)
        if same is not None and year is not None and line.status in _HELD_AS_RECORDED:
            held.append(_recorded(line, year, same))
        elif found is None or line.status is not Status.PAYABLE:
            held.append(line)
        elif line.measure in PERIOD_MEASURES:
            if rules is None or year is None:
                raise TypeError("held_for_later_years: a period measure needs the rule file and the year")
            period: int = rules.value(line.measure, PERIOD_YEARS.name, year_end(year))[0]
            paid = found | {p.year for p in prior if p.measure == line.measure} | {year}
            beyond = max(paid) - min(paid) + 1 > period
            held.append(
                _held(line, found, Msg.of("later_year_period", **_years(found), period=period)) if beyond else line
            )
        else:
            held.append(_held(line, found))
    return held


_HELD_AS_RECORDED = (Status.PAYABLE, Status.PENDING)


def _recorded(line: Line, year: int, payouts: Sequence[PriorPayout]) -> Line:
    """A line of Y whose measure the ledger already records for Y: pending, never payable again."""
    amount = sum((p.amount for p in payouts), Decimal("0.00"))
    steps = (
        (*line.basis.steps, step("held_recorded", amount=line.amount)) if line.amount is not None else line.basis.steps
    )
    found = check("not_recorded_this_year", False, year=year, amount=amount)
    return replace(
        line,
        status=Status.PENDING,
        amount=None,
        reason=Msg.of("this_year_recorded", year=year, amount=f"{amount:,.2f}"),
        basis=Basis(line.basis.params, steps, (*line.basis.checks, found)),
    )


def _years(years: set[int]) -> dict[str, str]:
    """The years as each language lists them (the reason shows the reader's: 2016、2017 / 2016, 2017)."""
    shown = [str(year) for year in sorted(years)]
    return {"years_zh": "、".join(shown), "years_en": ", ".join(shown)}


def _held(line: Line, years: set[int], reason: Msg | None = None) -> Line:
    """A payable line held as pending (``reason``: a one-time reward or the lifetime cap when None)."""
    if line.status is not Status.PAYABLE or line.amount is None:
        return line
    if reason is None:
        reason = Msg.of("later_year_recorded", **_years(years))
    held = step("held_later", amount=line.amount)
    found = check("no_later_payout", False, years=tuple(sorted(years)))
    return replace(
        line,
        status=Status.PENDING,
        amount=None,
        reason=reason,
        basis=Basis(line.basis.params, (*line.basis.steps, held), (*line.basis.checks, found)),
    )


def check_year(year: int, rules: Rules) -> None:
    if year < rules.start.year:
        start = rules.start.isoformat()
        raise YearError(
            Say(
                f"{year}年早于规则文件 {rules.path} 中的政策起始日 {start}",
                f"year {year} is before the policy start {start} in {rules.path}",
            )
        )
    if year > 9998:
        raise YearError(Say(f"年度 {year} 超出范围", f"year {year} is out of range"))


def compute_enterprise(rec: Records, year: int, rules: Rules) -> list[Line]:
    """Each measure's line; a measure the rule file ends first (``measure_ended``), then 二（七）'s
    micro-support exclusion, for every measure it lists."""
    if rules.ends:
        return [
            measure_ended(rec, year, rules, measure_id)
            or micro_support_exclusion(rec, rules, measure_id)
            or measure(rec, year, rules)
            for measure_id, measure in MEASURES.items()
        ]
    return [
        micro_support_exclusion(rec, rules, measure_id) or measure(rec, year, rules)
        for measure_id, measure in MEASURES.items()
    ]


PROGRESS_EVERY = 1000


def compute(
    records: Iterable[Records],
    year: int,
    rules: Rules,
    prior: Mapping[str, tuple[PriorPayout, ...]] | None = None,
    progress: Callable[[int], None] | None = None,
    sink: Callable[[Sequence[Line]], None] | None = None,
    later: Mapping[str, tuple[PriorPayout, ...]] | None = None,
    keep_ineligible: int | None = None,
) -> list[Line]:
    """Every line for every enterprise, in input order then measure order.

    ``progress``, when given, is told how many enterprises are done, every
    ``PROGRESS_EVERY`` enterprises and at the end (for a progress bar).
    ``sink``, when given, receives the new lines at the same moments (a writer
    that works while the next enterprises are computed).  ``later``: the ledger's
    payouts for years after ``year`` (``later_by_enterprise``), which hold lines
    as pending (``LATER_YEAR_MEASURES``).

    ``keep_ineligible`` (with a ``sink``): only the first that many ineligible
    lines are kept in the list returned, the others only go to the sink — the
    memory of a run then does not grow with its ineligible lines."""
    check_year(year, rules)
    prior = prior or {}
    lines: list[Line] = []
    done = sent = 0
    room = keep_ineligible if keep_ineligible is not None and sink is not None else None
    for rec in records:
        code = rec.enterprise.credit_code
        found = prior.get(code, ())
        made = compute_enterprise(replace(rec, prior=found) if found else rec, year, rules)
        after = later.get(code) if later else None
        lines.extend(held_for_later_years(made, after, found, rules, year) if after else made)
        done += 1
        if done % PROGRESS_EVERY == 0:
            if sink is not None:
                sink(lines[sent:])
                if room is not None:
                    room = _drop_ineligible(lines, sent, room)
                sent = len(lines)
            if progress is not None:
                progress(done)
    if sink is not None and sent < len(lines):
        sink(lines[sent:])
        if room is not None:
            _drop_ineligible(lines, sent, room)
    if progress is not None:
        progress(done)
    return lines


def keep_first_ineligible(lines: list[Line], keep: int) -> None:
    """Drop from ``lines`` the ineligible lines after the first ``keep`` of them."""
    _drop_ineligible(lines, 0, keep)


def _drop_ineligible(lines: list[Line], start: int, room: int) -> int:
    """Keep in ``lines[start:]`` every line that is not ineligible and the first ``room`` ineligible
    ones; return the room left."""
    kept: list[Line] = []
    for line in lines[start:]:
        if line.status is not Status.INELIGIBLE:
            kept.append(line)
        elif room > 0:
            kept.append(line)
            room -= 1
    lines[start:] = kept
    return room


@dataclass(frozen=True)
class Totals:
    by_measure: dict[str, Decimal]
    payable: Decimal
    counts: dict[Status, int]


def totals(lines: Iterable[Line]) -> Totals:
    tally = Tally()
    tally.add(lines)
    return tally.totals()


class Tally:
    """Totals added up as the lines come (a run that does not keep all its lines still counts them all)."""

    def __init__(self) -> None:
        self.by_measure = {measure: Decimal("0.00") for measure in MEASURES}
        self.counts = dict.fromkeys(Status, 0)

    def add(self, lines: Iterable[Line]) -> None:
        by_measure, counts = self.by_measure, self.counts
        for line in lines:
            counts[line.status] += 1
            if line.status is Status.PAYABLE and line.amount is not None:
                by_measure[line.measure] += line.amount

    def merge(self, by_measure: Mapping[str, Decimal], counts: Mapping[Status, int]) -> None:
        """Another tally's figures (a second process's)."""
        for measure, amount in by_measure.items():
            self.by_measure[measure] += amount
        for status, count in counts.items():
            self.counts[status] += count

    def totals(self) -> Totals:
        return Totals(dict(self.by_measure), sum(self.by_measure.values(), Decimal("0.00")), dict(self.counts))
