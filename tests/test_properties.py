"""Properties of the measures, checked with Hypothesis on generated records.

Records are built with ``tongnan_calc.core.model`` and computed with ``tongnan_calc.core.engine``
under the shipped rule file, except where a property is about reading (header
language: workbooks written and read back) or about the ledger (run, payout
workbook, record, next year's run).  The rent subsidy is also checked against an
independent day-by-day reading of SPEC §4, which is slow but obviously right.

The strategies (tests/property_cases.py) aim at the computation each property checks.  Each
property is a ``check_*`` function that returns whether the example reached the comparison that
matters (and records it as a Hypothesis event); tests/test_property_reach.py asserts, over a fixed
seed, that most examples do.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from hostile import HEADERS_ZH, SHEET_ZH, grid, write_xlsx
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from ledger_helpers import new_ledger
from property_cases import (
    AREA_CAP,
    CENT,
    CODE,
    CODES,
    FEE_CAP,
    ONE_DAY,
    RATE_1,
    assert_pays,
    computed,
    data_line_oracle,
    enterprise,
    fee_cases,
    fees,
    half_up,
    loan_cases,
    loan_year,
    loans,
    mostly,
    numbered,
    rent_cases,
    rent_oracle,
    rent_overlaps,
    rent_window,
    sales_amounts,
    settled_days,
    spread,
    window_leases,
)

from tongnan_calc.core import engine
from tongnan_calc.core.dates import add_years
from tongnan_calc.core.measures import data_line, loan_interest, rent
from tongnan_calc.core.model import DataLine, Line, PriorPayout, Records, Sale, Status
from tongnan_calc.rules.load import DEFAULT_RULES, load_rules

RULES = load_rules()

FAST = settings(max_examples=150, deadline=None)
MEDIUM = settings(max_examples=100, deadline=None)
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

positive_money = st.sampled_from([CENT, Decimal(1)]) | spread(1, 1_000_000)


def reached(flag: bool, what: str) -> bool:
    """Record whether the example reached ``what`` (shown by --hypothesis-show-statistics)."""
    event(f"{what}: {'reached' if flag else 'not reached'}")
    return flag


def rent_line(records: Records, year: int) -> Line:
    return rent.compute(records, year, RULES)


# --- rent ----------------------------------------------------------------------------------------


def check_rent_day_by_day(case: tuple[Records, int]) -> bool:
    """Rates per day, the 2,000 m² share per day, planned buildings only: exactly, rounded once."""
    records, year = case
    line = rent_line(records, year)
    if not rent_overlaps(records, year):
        assert line.status is Status.INELIGIBLE
        return reached(False, "amount compared")
    assert_pays(line, half_up(rent_oracle(records, year)))
    return reached(True, "amount compared")


@MEDIUM
@given(rent_cases(planned=None))
def test_rent_is_the_day_by_day_reading_of_the_spec(case: tuple[Records, int]) -> None:
    check_rent_day_by_day(case)


@st.composite
def split_cases(draw: st.DrawFn) -> tuple[Records, int, Records]:
    """A rent case and the same with one lease of two days or more split in two contiguous rows."""
    records, year = draw(rent_cases())
    long = [i for i, lease in enumerate(records.leases) if lease.period_end > lease.period_start]
    if not long:  # a one-day lease only: split nothing (the example says so)
        return records, year, records
    index = draw(st.sampled_from(long))
    whole = records.leases[index]
    length = (whole.period_end - whole.period_start).days + 1
    first_days = draw(st.integers(min_value=1, max_value=length - 1))
    first_rent = (whole.rent_paid * first_days / length).quantize(CENT)  # the rent split in proportion, in cents
    first = replace(whole, period_end=whole.period_start + timedelta(days=first_days - 1), rent_paid=first_rent)
    second = replace(whole, period_start=first.period_end + ONE_DAY, rent_paid=whole.rent_paid - first_rent, row=99)
    split = replace(records, leases=(*records.leases[:index], first, second, *records.leases[index + 1 :]))
    return records, year, split


def check_split(case: tuple[Records, int, Records]) -> bool:
    records, year, split = case
    before, after = rent_line(records, year), rent_line(split, year)
    was, now = computed(before), computed(after)
    assert (was is None) == (now is None)
    if split is records or was is None or now is None:
        assert before.status is after.status
        return reached(False, "split amounts compared")
    assert abs(was - now) <= CENT, (was, now)  # a cent apart at most: one may be 0.00 and the other 0.01
    return reached(True, "split amounts compared")


@FAST
@given(split_cases())
def test_splitting_a_lease_in_two_contiguous_rows_changes_the_rent_subsidy_by_at_most_a_cent(
    case: tuple[Records, int, Records],
) -> None:
    check_split(case)


def check_rent_bounds(case: tuple[Records, int]) -> bool:
    """rates[0] × the rent paid bounds the amount; so does 60 % of a 2,000 m² share of each day's rent;
    every interval's area factor is min(1, 2000 / A) and never above 1."""
    records, year = case
    line = rent_line(records, year)
    amount = computed(line)  # 0.00 too: nothing to pay, its trace still there
    if amount is None:
        return reached(False, "bounds compared")
    rent_paid = sum((Fraction(lease.rent_paid) for lease in records.leases if lease.planned_building), Fraction(0))
    assert amount <= half_up(RATE_1 * rent_paid)
    settled = records.enterprise.settled_on
    assert settled is not None
    lo, hi = rent_window(settled, year)
    bound, day = Fraction(0), lo
    counted = [lease for lease in records.leases if lease.planned_building]
    while day < hi:
        active = [lease for lease in counted if lease.period_start <= day <= lease.period_end]
        area = sum((Fraction(other.area_m2) for other in active), Fraction(0))
        for lease in active:
            daily = Fraction(lease.rent_paid) / ((lease.period_end - lease.period_start).days + 1)
            bound += RATE_1 * daily * min(Fraction(1), AREA_CAP / area)
        day += ONE_DAY
    assert amount <= half_up(bound)
    for interval in line.basis.of("rent_interval"):
        area, factor = interval.get("area"), interval.get("factor")
        assert isinstance(area, Fraction) and isinstance(factor, Fraction)
        assert 0 < factor <= 1
        assert factor == min(Fraction(1), AREA_CAP / area)
    return reached(True, "bounds compared")


@FAST
@given(rent_cases(planned=None))
def test_rent_subsidy_never_exceeds_60_percent_of_the_rent_paid_nor_of_a_2000_m2_share(
    case: tuple[Records, int],
) -> None:
    check_rent_bounds(case)


@st.composite
def raised_rent_cases(draw: st.DrawFn) -> tuple[Records, int, Records]:
    records, year = draw(rent_cases())
    index = draw(st.integers(min_value=0, max_value=len(records.leases) - 1))
    raised = list(records.leases)
    raised[index] = replace(raised[index], rent_paid=raised[index].rent_paid + draw(positive_money))
    return records, year, replace(records, leases=tuple(raised))


def never_decreases(before: Line, after: Line) -> bool:
    """The line after a rise computes an amount (0.00 too) exactly when the one before does, never less;
    without an amount the status stays."""
    was, now = computed(before), computed(after)
    assert (was is None) == (now is None)
    if was is None or now is None:
        assert before.status is after.status
        return reached(False, "amounts compared")
    assert now >= was
    return reached(True, "amounts compared")


def check_rent_monotone(case: tuple[Records, int, Records]) -> bool:
    records, year, raised = case
    return never_decreases(rent_line(records, year), rent_line(raised, year))


@FAST
@given(raised_rent_cases())
def test_rent_subsidy_never_decreases_when_a_rent_rises(case: tuple[Records, int, Records]) -> None:
    check_rent_monotone(case)


# --- data line -------------------------------------------------------------------------------------


def check_data_line(case: tuple[Records, int]) -> bool:
    """30 % of the year's fees, never above 100,000, within the two-year period (SPEC §4)."""
    records, year = case
    line = data_line.compute(records, year, RULES)
    expected = data_line_oracle(records, year)
    assert line.amount is None or line.amount <= FEE_CAP
    if expected is None:
        assert line.status is Status.INELIGIBLE
        return reached(False, "amount compared")
    assert_pays(line, half_up(expected))
    return reached(True, "amount compared")


@FAST
@given(fee_cases())
def test_data_line_is_30_percent_never_above_100000_a_year(case: tuple[Records, int]) -> None:
    check_data_line(case)


@st.composite
def raised_fee_cases(draw: st.DrawFn) -> tuple[Records, int, Records]:
    """A fee of the year, or one already above zero, rises.  (A fee rising from zero in an earlier
    year is another matter: it moves the start of the two-year subsidy period, SPEC §4.)"""
    records, year = draw(fee_cases())
    rising = [i for i, d in enumerate(records.data_lines) if d.year == year or d.fee_paid > 0]
    index = draw(st.sampled_from(rising))
    raised = list(records.data_lines)
    raised[index] = replace(raised[index], fee_paid=raised[index].fee_paid + draw(positive_money))
    return records, year, replace(records, data_lines=tuple(raised))


def check_data_line_monotone(case: tuple[Records, int, Records]) -> bool:
    records, year, raised = case
    before = data_line.compute(records, year, RULES)
    after = data_line.compute(raised, year, RULES)
    was, now = computed(before), computed(after)
    if was is None:
        return reached(False, "amounts compared")
    assert now is not None and now >= was
    return reached(True, "amounts compared")


@FAST
@given(raised_fee_cases())
def test_data_line_never_decreases_when_a_fee_rises(case: tuple[Records, int, Records]) -> None:
    check_data_line_monotone(case)


# --- loan interest: the 500,000 lifetime cap with prior payouts ---------------------------------------


@st.composite
def history(draw: st.DrawFn) -> list[Decimal]:
    """Earlier loan_interest payouts: none, one or two anywhere below the cap, now and then the cap used
    up (500,000) or all but a cent of it."""
    edge = draw(mostly(None, draw(st.sampled_from([Decimal(500000), Decimal("499999.99")])), 16))
    return [edge] if edge is not None else draw(st.lists(spread(0, 250_000), max_size=2))


def check_lifetime_cap(case: tuple[Records, list[Decimal]]) -> bool:
    """Year after year, each year's payout joining the prior payouts: the total stays within the cap,
    each year's amount is at most 50 % of the interest paid (when given) and the cap left."""
    records, earlier = case
    if sum(earlier, Decimal(0)) > 500000:
        earlier = earlier[:1]
    prior = [PriorPayout(CODE, 2010 + i, "loan_interest", amount) for i, amount in enumerate(earlier)]
    paid_years = 0
    for year in range(2015, 2024):
        line = loan_interest.compute(replace(records, prior=tuple(prior)), year, RULES)
        paid = sum((p.amount for p in prior), Decimal(0))
        if line.status is Status.PAYABLE:
            assert line.amount is not None
            assert Decimal(0) <= line.amount <= 500000 - paid
            prior.append(PriorPayout(CODE, year, "loan_interest", line.amount))
            paid_years += 1
        else:
            assert line.amount is None
    assert sum((p.amount for p in prior), Decimal(0)) <= 500000
    return reached(paid_years > 0, "a year paid")


@MEDIUM
@given(loan_cases(), history())
def test_loan_interest_never_exceeds_500000_in_a_lifetime(records: Records, earlier: list[Decimal]) -> None:
    check_lifetime_cap((records, earlier))


@st.composite
def raised_interest_cases(draw: st.DrawFn) -> tuple[Records, int, Records]:
    records = draw(loan_cases())
    year = loan_year(draw, records)
    index = draw(st.integers(min_value=0, max_value=len(records.loans) - 1))
    loan = records.loans[index]
    raised = list(records.loans)
    paid = loan.interest_paid
    raised[index] = replace(loan, interest_paid=None if paid is None else paid + draw(positive_money))
    return records, year, replace(records, loans=tuple(raised))


def check_loan_monotone(case: tuple[Records, int, Records]) -> bool:
    records, year, raised = case
    return never_decreases(loan_interest.compute(records, year, RULES), loan_interest.compute(raised, year, RULES))


@MEDIUM
@given(raised_interest_cases())
def test_loan_interest_never_decreases_when_interest_paid_rises(case: tuple[Records, int, Records]) -> None:
    check_loan_monotone(case)


# --- the whole batch: row order, header language ----------------------------------------------------


@st.composite
def batch_cases(draw: st.DrawFn) -> tuple[list[Records], int]:
    """1-4 enterprises and a year (2015-2019): most have rows that give that year payable lines
    (leases over its rent window, fees of its data-line period, sales, loans bearing interest),
    some are micro-supported, not settled or settled before the policy."""
    year = draw(st.integers(min_value=2015, max_value=2019))
    out = []
    for code in draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=4, unique=True)):
        settled = draw(settled_days.filter(lambda d: d.year <= year and date(year, 1, 1) < add_years(d, 2)))
        aimed = not out  # the first enterprise settled in time, not micro-supported, with a planned lease
        settled_on = draw(mostly(settled, None, 8) | mostly(settled, date(2014, 6, 1), 8)) if not aimed else settled
        lease_rows = draw(st.lists(window_leases(settled, year, code, True if aimed else None), min_size=1, max_size=3))
        if not aimed and draw(mostly(False, True, 4)):
            lease_rows = []
        fee_rows = draw(st.lists(st.tuples(st.sampled_from([year, year, year - 1, year - 2]), fees), max_size=3))
        sales_years = draw(st.lists(st.integers(year - 2, year), max_size=3, unique=True))
        sales_rows = [Sale(code, y, draw(sales_amounts), row) for row, y in enumerate(sales_years, start=2)]
        loans_rows = [draw(loans(index, code)) for index in range(draw(st.integers(min_value=0, max_value=2)))]
        out.append(
            Records(
                enterprise(
                    code,
                    settled_on=settled_on,
                    micro_support=False if aimed else draw(mostly(False, True, 6)),
                    demo_level=draw(st.sampled_from([None, "national", "municipal"])),
                    spun_off=draw(st.booleans()),
                    operating_since=draw(st.none() | st.dates(min_value=date(2013, 1, 1), max_value=date(2019, 6, 30))),
                    city_key=draw(st.booleans()),
                ),
                leases=numbered(lease_rows),
                data_lines=tuple(DataLine(code, y, f, i) for i, (y, f) in enumerate(fee_rows, start=2)),
                sales=tuple(sales_rows),
                loans=tuple(loans_rows),
            )
        )
    return out, year


def outcome(batch: Sequence[Records], year: int) -> dict[tuple[str, str], tuple[object, ...]]:
    lines = engine.compute(batch, year, RULES)
    return {(line.credit_code, line.measure): (line.status, line.amount, line.tier, line.reason) for line in lines}


def payable_lines(batch: Sequence[Records], year: int) -> int:
    return sum(1 for line in engine.compute(batch, year, RULES) if line.status is Status.PAYABLE)


@st.composite
def reordered_cases(draw: st.DrawFn) -> tuple[list[Records], int, list[Records]]:
    batch, year = draw(batch_cases())
    rnd = draw(st.randoms(use_true_random=False))

    def shuffled(items: Sequence[object]) -> tuple[object, ...]:
        copy = list(items)
        rnd.shuffle(copy)
        return tuple(copy)

    reordered = [
        replace(
            records,
            leases=shuffled(records.leases),  # type: ignore[arg-type]
            data_lines=shuffled(records.data_lines),  # type: ignore[arg-type]
            sales=shuffled(records.sales),  # type: ignore[arg-type]
            loans=shuffled(records.loans),  # type: ignore[arg-type]
        )
        for records in shuffled(batch)  # type: ignore[attr-defined]
    ]
    return batch, year, reordered


def check_row_order(case: tuple[list[Records], int, list[Records]]) -> bool:
    batch, year, reordered = case
    assert outcome(reordered, year) == outcome(batch, year)
    return reached(payable_lines(batch, year) > 0, "a payable line compared")


@MEDIUM
@given(reordered_cases())
def test_results_do_not_depend_on_row_order(case: tuple[list[Records], int, list[Records]]) -> None:
    check_row_order(case)


def as_sheets(batch: Sequence[Records]) -> dict[str, list[dict[str, object]]]:
    """The batch as the records of a workbook (dates as date cells, money as text or numbers)."""
    sheets: dict[str, list[dict[str, object]]] = {key: [] for key in SHEET_ZH}
    for records in batch:
        e = records.enterprise
        sheets["enterprises"].append(
            {
                "credit_code": e.credit_code,
                "name": e.name,
                "ecommerce_entity": "是" if e.ecommerce_entity else "否",
                "settled_on": e.settled_on,
                "micro_support": "Y" if e.micro_support else "N",
                "city_key": e.city_key,
                "demo_level": e.demo_level,
                "spun_off": "yes" if e.spun_off else "no",
                "operating_since": None if e.operating_since is None else e.operating_since.isoformat(),
            }
        )
        for lease in records.leases:
            sheets["leases"].append(
                {
                    "credit_code": lease.credit_code,
                    "planned_building": lease.planned_building,
                    "area_m2": str(lease.area_m2),
                    "period_start": lease.period_start,
                    "period_end": lease.period_end.strftime("%Y年%m月%d日"),
                    "rent_paid": f"¥{lease.rent_paid:,}",
                }
            )
        sheets["data_lines"] += [
            {"credit_code": d.credit_code, "year": d.year, "fee_paid": str(d.fee_paid)} for d in records.data_lines
        ]
        sheets["sales"] += [
            {"credit_code": s.credit_code, "year": f"{s.year}年", "sales": str(s.sales)} for s in records.sales
        ]
        for loan in records.loans:
            sheets["loans"].append(
                {
                    "credit_code": loan.credit_code,
                    "loan_id": loan.loan_id,
                    "key_project": "是" if loan.key_project else "否",
                    "principal": str(loan.principal),
                    "drawdown_date": loan.drawdown_date,
                    "maturity_date": loan.maturity_date.isoformat(),
                    "interest_paid": None if loan.interest_paid is None else str(loan.interest_paid),
                }
            )
    return {key: rows for key, rows in sheets.items() if rows or key == "enterprises"}


@st.composite
def header_cases(draw: st.DrawFn) -> tuple[list[Records], int, random.Random]:
    batch, year = draw(batch_cases())
    return batch, year, draw(st.randoms(use_true_random=False))


def check_header_language(case: tuple[list[Records], int, random.Random]) -> bool:
    from tongnan_calc.input.reader import read_workbook

    batch, year, rnd = case
    sheets = as_sheets(batch)
    english = grid(sheets, lang="en")
    chinese = grid(sheets, lang="zh")
    # a third workbook: each header in either language, columns in a random order, with spaces
    mixed: dict[str, list[list[object]]] = {}
    for key, rows in grid(sheets, lang="en").items():
        order = list(range(len(rows[0])))
        rnd.shuffle(order)
        header = [
            f" {HEADERS_ZH[key][str(rows[0][i])]} " if rnd.random() < 0.5 else str(rows[0][i]).upper() for i in order
        ]
        name = SHEET_ZH[key] if rnd.random() < 0.5 else key
        mixed[name] = [header, *([row[i] for i in order] for row in rows[1:])]
    with tempfile.TemporaryDirectory() as folder:
        read = [
            read_workbook(write_xlsx(Path(folder) / f"{n}.xlsx", g)) for n, g in enumerate((english, chinese, mixed))
        ]
    assert read[0].records == read[1].records == read[2].records
    assert read[0].issues == read[1].issues == read[2].issues
    assert not read[0].has_errors, read[0].issues
    results = [outcome(b.records, year) for b in read]
    assert results[0] == results[1] == results[2] == outcome(batch, year)
    return reached(payable_lines(batch, year) > 0, "a payable line compared")


@SLOW
@given(header_cases())
def test_results_do_not_depend_on_header_language_or_column_order(
    case: tuple[list[Records], int, random.Random],
) -> None:
    check_header_language(case)


# --- the ledger: a one-time reward is never paid twice ---------------------------------------------


def rules_with_tier_amounts(folder: Path) -> Path:
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    for threshold, amount in (("50000000", 100000), ("100000000", 200000), ("1000000000", 1000000)):
        text = text.replace(
            f"{{threshold: {threshold}, amount: null}}", f"{{threshold: {threshold}, amount: {amount}}}"
        )
    path = folder / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


LedgerCase = tuple[date, int, list[int], bool]
ledger_cases = st.tuples(
    st.dates(min_value=date(2013, 1, 1), max_value=date(2017, 6, 30)),
    st.integers(min_value=2015, max_value=2017),
    st.lists(st.sampled_from([10**7, 6 * 10**7, 2 * 10**8, 2 * 10**9]), min_size=3, max_size=3),
    st.booleans(),
)


def repeat_possible(case: LedgerCase) -> bool:
    """Whether a reward could be paid twice without the ledger: the spin-off reward qualifies in two
    of the three years, or the sales pass 50 million in two of them."""
    operating_since, first_year, sales, _ = case
    spin_off_twice = add_years(operating_since, 1) <= date(first_year + 1, 12, 31)
    return spin_off_twice or sum(1 for s in sales if s > 5 * 10**7) >= 2


@SLOW
@given(ledger_cases)
def test_recording_then_running_next_year_never_pays_a_one_time_reward_twice(case: LedgerCase) -> None:
    operating_since, first_year, sales, record_twice = case
    reached(repeat_possible(case), "a repeat possible")
    from tongnan_calc.ledger import read_prior, record_payout
    from tongnan_calc.report.xlsx import write_payout_workbook
    from tongnan_calc.shell.run import run

    years = range(first_year, first_year + 3)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        rules = rules_with_tier_amounts(folder)
        book = {
            "enterprises": [
                {
                    "credit_code": CODE,
                    "name": "潼南分离设立电商",
                    "ecommerce_entity": "是",
                    "spun_off": "是",
                    "operating_since": operating_since,
                }
            ],
            "sales": [{"credit_code": CODE, "year": y, "sales": s} for y, s in zip(years, sales, strict=True)],
        }
        workbook = write_xlsx(folder / "batch.xlsx", grid(book))
        ledger = new_ledger(folder / "ledger.sqlite")
        paid: list[tuple[int, str, Decimal | None, Decimal | None]] = []
        for year in years:
            result = run(workbook, year, rules, ledger if ledger.exists() else None)
            payout = folder / f"payout-{year}.xlsx"
            write_payout_workbook(result, payout)
            record_payout(ledger, payout)
            if record_twice:
                assert record_payout(ledger, payout).added == 0
            paid += [
                (year, line.measure, line.tier, line.amount) for line in result.lines if line.status is Status.PAYABLE
            ]
        in_ledger = read_prior(ledger).payouts
    spin_offs = [p for p in paid if p[1] == "spin_off"]
    assert len(spin_offs) <= 1
    qualifies = add_years(operating_since, 1)
    assert len(spin_offs) == (1 if qualifies <= date(years[-1], 12, 31) else 0)
    tiers = [p[2] for p in paid if p[1] == "sales_milestone"]
    assert len(tiers) == len(set(tiers))  # each tier at most once ...
    assert tiers == sorted(tiers)  # ... and never a lower one after a higher one
    assert sorted((p.year, p.measure, p.tier, p.amount) for p in in_ledger) == sorted(paid)
