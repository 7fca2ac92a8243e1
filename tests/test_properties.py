"""Properties of the measures, checked with Hypothesis on generated records.

Records are built with ``tongnan_calc.core.model`` and computed with ``tongnan_calc.core.engine``
under the shipped rule file, except where a property is about reading (header
language: workbooks written and read back) or about the ledger (run, payout
workbook, record, next year's run).  The rent subsidy is also checked against an
independent day-by-day reading of SPEC §4, which is slow but obviously right.
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
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ledger_helpers import new_ledger

from tongnan_calc.core import engine
from tongnan_calc.core.dates import add_years
from tongnan_calc.core.measures import data_line, loan_interest, rent
from tongnan_calc.core.model import DataLine, Enterprise, Lease, Loan, PriorPayout, Records, Sale, Status
from tongnan_calc.core.money import round_money
from tongnan_calc.input.uscc import check_char
from tongnan_calc.rules.load import DEFAULT_RULES, load_rules

RULES = load_rules()
CODES = [f"91500223MA6{n:06d}" + check_char(f"91500223MA6{n:06d}") for n in range(1, 7)]
CODE = CODES[0]
ONE_DAY = timedelta(days=1)
CENT = Decimal("0.01")
RATE_1, RATE_2, AREA_CAP = Fraction(6, 10), Fraction(3, 10), Fraction(2000)

FAST = settings(max_examples=200, deadline=None)
MEDIUM = settings(max_examples=100, deadline=None)
SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- strategies --------------------------------------------------------------------------------

days = st.dates(min_value=date(2015, 1, 1), max_value=date(2018, 12, 31))
money = st.integers(min_value=0, max_value=10**9).map(lambda cents: Decimal(cents) / 100)
positive_money = st.integers(min_value=1, max_value=10**9).map(lambda cents: Decimal(cents) / 100)
sales_amounts = st.sampled_from([Decimal(10**7), Decimal(6 * 10**7), Decimal(2 * 10**8), Decimal(2 * 10**9)]) | money
areas = st.integers(min_value=1, max_value=600_000).map(lambda hundredths: Decimal(hundredths) / 100)


@st.composite
def leases(draw: st.DrawFn, code: str = CODE, planned: bool | None = True) -> Lease:
    start = draw(days)
    end = start + timedelta(days=draw(st.integers(min_value=0, max_value=800)))
    return Lease(
        credit_code=code,
        planned_building=draw(st.booleans()) if planned is None else planned,
        area_m2=draw(areas),
        period_start=start,
        period_end=end,
        rent_paid=draw(money),
    )


def enterprise(code: str = CODE, **fields: object) -> Enterprise:
    values: dict[str, object] = {"credit_code": code, "name": f"企业{code[-4:]}", "ecommerce_entity": True}
    values.update(fields)
    return Enterprise(**values)  # type: ignore[arg-type]


@st.composite
def rent_cases(draw: st.DrawFn, planned: bool | None = True) -> tuple[Records, int]:
    """An enterprise settled on or after the policy start, its leases, and a year of its subsidy window."""
    settled = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2017, 12, 31)))
    year = draw(st.integers(min_value=settled.year, max_value=add_years(settled, 2).year))
    assume(date(year, 1, 1) < add_years(settled, 2))
    rows = draw(st.lists(leases(planned=planned), min_size=1, max_size=4))
    rows = [replace(lease, row=index) for index, lease in enumerate(rows, start=2)]
    return Records(enterprise(settled_on=settled), leases=tuple(rows)), year


def rent_line(records: Records, year: int) -> tuple[Status, Decimal | None]:
    line = rent.compute(records, year, RULES)
    return line.status, line.amount


def rent_oracle(records: Records, year: int) -> Fraction:
    """SPEC §4 rent, day by day: Σ over days d of Y of daily rent × min(1, 2000 / A(d)) × rate(d)."""
    settled = records.enterprise.settled_on
    assert settled is not None
    first, second = add_years(settled, 1), add_years(settled, 2)
    counted = [lease for lease in records.leases if lease.planned_building]
    total = Fraction(0)
    day, stop = max(date(year, 1, 1), settled), min(date(year + 1, 1, 1), second)
    while day < stop:
        active = [lease for lease in counted if lease.period_start <= day <= lease.period_end]
        if active:
            area = sum((Fraction(lease.area_m2) for lease in active), Fraction(0))
            daily = sum(
                (Fraction(lease.rent_paid) / ((lease.period_end - lease.period_start).days + 1) for lease in active),
                Fraction(0),
            )
            total += daily * min(Fraction(1), AREA_CAP / area) * (RATE_1 if day < first else RATE_2)
        day += ONE_DAY
    return total


def window(records: Records, year: int) -> tuple[date, date]:
    settled = records.enterprise.settled_on
    assert settled is not None
    return max(date(year, 1, 1), settled), min(date(year + 1, 1, 1), add_years(settled, 2))


def overlaps(records: Records, year: int) -> bool:
    lo, hi = window(records, year)
    return any(
        lease.planned_building and lease.period_start < hi and lease.period_end >= lo for lease in records.leases
    )


# --- rent ----------------------------------------------------------------------------------------


@MEDIUM
@given(rent_cases(planned=None))
def test_rent_is_the_day_by_day_reading_of_the_spec(case: tuple[Records, int]) -> None:
    """Rates per day, the 2,000 m² share per day, planned buildings only: exactly, rounded once."""
    records, year = case
    status, amount = rent_line(records, year)
    if not overlaps(records, year):
        assert status is Status.INELIGIBLE
        return
    assert status is Status.PAYABLE
    assert amount == round_money(rent_oracle(records, year))


@FAST
@given(rent_cases(), st.data())
def test_splitting_a_lease_in_two_contiguous_rows_changes_the_rent_subsidy_by_at_most_a_cent(
    case: tuple[Records, int], data: st.DataObject
) -> None:
    records, year = case
    index = data.draw(st.integers(min_value=0, max_value=len(records.leases) - 1))
    whole = records.leases[index]
    length = (whole.period_end - whole.period_start).days + 1
    assume(length >= 2)
    first_days = data.draw(st.integers(min_value=1, max_value=length - 1))
    first_rent = (whole.rent_paid * first_days / length).quantize(CENT)  # the rent split in proportion, in cents
    first = replace(whole, period_end=whole.period_start + timedelta(days=first_days - 1), rent_paid=first_rent)
    second = replace(whole, period_start=first.period_end + ONE_DAY, rent_paid=whole.rent_paid - first_rent, row=99)
    split = replace(records, leases=(*records.leases[:index], first, second, *records.leases[index + 1 :]))

    before, after = rent_line(records, year), rent_line(split, year)
    assert before[0] is after[0]
    if before[1] is not None and after[1] is not None:
        assert abs(before[1] - after[1]) <= CENT, (before, after)


@FAST
@given(rent_cases())
def test_rent_subsidy_never_exceeds_60_percent_of_the_rent_paid_nor_of_a_2000_m2_share(
    case: tuple[Records, int],
) -> None:
    records, year = case
    status, amount = rent_line(records, year)
    assume(status is Status.PAYABLE and amount is not None)
    rent_paid = sum((Fraction(lease.rent_paid) for lease in records.leases), Fraction(0))
    assert amount <= round_money(RATE_1 * rent_paid)
    # the share of 2,000 m²: no day pays for more than 2,000 m² at that day's rent per m²
    lo, hi = window(records, year)
    bound, day = Fraction(0), lo
    while day < hi:
        active = [lease for lease in records.leases if lease.period_start <= day <= lease.period_end]
        for lease in active:
            daily = Fraction(lease.rent_paid) / ((lease.period_end - lease.period_start).days + 1)
            area = sum((Fraction(other.area_m2) for other in active), Fraction(0))
            bound += RATE_1 * daily * min(Fraction(1), AREA_CAP / area)
        day += ONE_DAY
    assert amount <= round_money(bound)


@FAST
@given(rent_cases(), st.data(), positive_money)
def test_rent_subsidy_never_decreases_when_a_rent_rises(
    case: tuple[Records, int], data: st.DataObject, more: Decimal
) -> None:
    records, year = case
    index = data.draw(st.integers(min_value=0, max_value=len(records.leases) - 1))
    raised = list(records.leases)
    raised[index] = replace(raised[index], rent_paid=raised[index].rent_paid + more)
    before, after = rent_line(records, year), rent_line(replace(records, leases=tuple(raised)), year)
    assert before[0] is after[0]
    if before[1] is not None and after[1] is not None:
        assert after[1] >= before[1]


# --- data line -------------------------------------------------------------------------------------


@st.composite
def fee_cases(draw: st.DrawFn) -> tuple[Records, int]:
    fees = draw(
        st.lists(
            st.tuples(st.integers(min_value=2013, max_value=2020), money),
            min_size=1,
            max_size=6,
        )
    )
    rows = tuple(DataLine(CODE, year, fee, row) for row, (year, fee) in enumerate(fees, start=2))
    return Records(enterprise(), data_lines=rows), draw(st.integers(min_value=2015, max_value=2021))


@FAST
@given(fee_cases())
def test_data_line_is_30_percent_never_above_100000_a_year(case: tuple[Records, int]) -> None:
    records, year = case
    line = data_line.compute(records, year, RULES)
    fee = sum((Fraction(d.fee_paid) for d in records.data_lines if d.year == year), Fraction(0))
    starts = [d.year for d in records.data_lines if d.fee_paid > 0 and d.year >= 2015]
    in_period = bool(starts) and min(starts) <= year <= min(starts) + 1
    if in_period and fee > 0:
        assert line.status is Status.PAYABLE
        assert line.amount == round_money(min(Fraction(3, 10) * fee, Fraction(100000)))
    else:
        assert line.status is Status.INELIGIBLE
    assert line.amount is None or line.amount <= 100000


@FAST
@given(fee_cases(), st.data(), positive_money)
def test_data_line_never_decreases_when_a_fee_rises(
    case: tuple[Records, int], data: st.DataObject, more: Decimal
) -> None:
    """A fee of the year, or one already above zero, rises.  (A fee rising from zero in an earlier
    year is another matter: it moves the start of the two-year subsidy period, SPEC §4.)"""
    records, year = case
    rising = [i for i, d in enumerate(records.data_lines) if d.year == year or d.fee_paid > 0]
    assume(rising)
    index = data.draw(st.sampled_from(rising))
    raised = list(records.data_lines)
    raised[index] = replace(raised[index], fee_paid=raised[index].fee_paid + more)
    before = data_line.compute(records, year, RULES)
    after = data_line.compute(replace(records, data_lines=tuple(raised)), year, RULES)
    if before.status is Status.PAYABLE:
        assert after.status is Status.PAYABLE
        assert after.amount is not None and before.amount is not None and after.amount >= before.amount


# --- loan interest: the 500,000 lifetime cap with prior payouts ---------------------------------------


@st.composite
def loan_cases(draw: st.DrawFn) -> Records:
    count = draw(st.integers(min_value=1, max_value=3))
    rows = []
    for index in range(count):
        drawdown = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2018, 12, 31)))
        months = draw(st.integers(min_value=1, max_value=120))
        rows.append(
            Loan(
                credit_code=CODE,
                loan_id=f"L{index}",
                key_project=draw(st.booleans()),
                principal=Decimal(draw(st.integers(min_value=1, max_value=5 * 10**8))),
                drawdown_date=drawdown,
                maturity_date=drawdown + timedelta(days=months * 30),
                interest_paid=draw(st.none() | money),
                row=index + 2,
            )
        )
    return Records(enterprise(demo_level=draw(st.sampled_from(["national", "municipal"]))), loans=tuple(rows))


@MEDIUM
@given(loan_cases(), st.lists(money.filter(lambda m: m <= 500000), max_size=2))
def test_loan_interest_never_exceeds_500000_in_a_lifetime(records: Records, history: list[Decimal]) -> None:
    """Year after year, each year's payout joining the prior payouts: the total stays within the cap."""
    prior = [PriorPayout(CODE, 2010 + i, "loan_interest", amount) for i, amount in enumerate(history)]
    assume(sum(history, Decimal(0)) <= 500000)
    for year in range(2015, 2024):
        line = loan_interest.compute(replace(records, prior=tuple(prior)), year, RULES)
        paid = sum((p.amount for p in prior), Decimal(0))
        if line.status is Status.PAYABLE:
            assert line.amount is not None
            assert Decimal(0) <= line.amount <= 500000 - paid
            prior.append(PriorPayout(CODE, year, "loan_interest", line.amount))
        else:
            assert line.amount is None
    assert sum((p.amount for p in prior), Decimal(0)) <= 500000


@MEDIUM
@given(loan_cases(), st.data(), positive_money, st.integers(min_value=2015, max_value=2023))
def test_loan_interest_never_decreases_when_interest_paid_rises(
    records: Records, data: st.DataObject, more: Decimal, year: int
) -> None:
    index = data.draw(st.integers(min_value=0, max_value=len(records.loans) - 1))
    raised = list(records.loans)
    paid = raised[index].interest_paid
    raised[index] = replace(raised[index], interest_paid=None if paid is None else paid + more)
    before = loan_interest.compute(records, year, RULES)
    after = loan_interest.compute(replace(records, loans=tuple(raised)), year, RULES)
    assert before.status is after.status
    if before.amount is not None and after.amount is not None:
        assert after.amount >= before.amount


# --- the whole batch: row order, header language ----------------------------------------------------


@st.composite
def batches(draw: st.DrawFn) -> list[Records]:
    out = []
    for code in draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=4, unique=True)):
        settled = draw(st.none() | st.dates(min_value=date(2014, 6, 1), max_value=date(2017, 6, 30)))
        lease_rows = draw(st.lists(leases(code=code, planned=None), max_size=3))
        fee_rows = draw(st.lists(st.tuples(st.integers(2014, 2018), money), max_size=3))
        sales_years = draw(st.lists(st.integers(2013, 2018), max_size=3, unique=True))
        sales_rows = [Sale(code, y, draw(sales_amounts), row) for row, y in enumerate(sales_years, start=2)]
        loans_rows = draw(loan_cases()).loans
        out.append(
            Records(
                enterprise(
                    code,
                    settled_on=settled,
                    micro_support=draw(st.booleans()),
                    demo_level=draw(st.sampled_from([None, "national", "municipal"])),
                    spun_off=draw(st.booleans()),
                    operating_since=draw(st.none() | days),
                    city_key=draw(st.booleans()),
                ),
                leases=tuple(replace(lease, row=i) for i, lease in enumerate(lease_rows, start=2)),
                data_lines=tuple(DataLine(code, y, f, i) for i, (y, f) in enumerate(fee_rows, start=2)),
                sales=tuple(sales_rows),
                loans=tuple(replace(loan, credit_code=code) for loan in loans_rows),
            )
        )
    return out


def outcome(batch: Sequence[Records], year: int) -> dict[tuple[str, str], tuple[object, ...]]:
    lines = engine.compute(batch, year, RULES)
    return {(line.credit_code, line.measure): (line.status, line.amount, line.tier, line.reason) for line in lines}


@MEDIUM
@given(batches(), st.integers(min_value=2015, max_value=2019), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order(batch: list[Records], year: int, rnd: random.Random) -> None:
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
    assert outcome(reordered, year) == outcome(batch, year)


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


@SLOW
@given(batches(), st.integers(min_value=2015, max_value=2018), st.randoms(use_true_random=False))
def test_results_do_not_depend_on_header_language_or_column_order(
    batch: list[Records], year: int, rnd: random.Random
) -> None:
    from tongnan_calc.input.reader import read_workbook

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


@SLOW
@given(
    operating_since=st.dates(min_value=date(2013, 1, 1), max_value=date(2017, 6, 30)),
    first_year=st.integers(min_value=2015, max_value=2017),
    sales=st.lists(st.sampled_from([10**7, 6 * 10**7, 2 * 10**8, 2 * 10**9]), min_size=3, max_size=3),
    record_twice=st.booleans(),
)
def test_recording_then_running_next_year_never_pays_a_one_time_reward_twice(
    operating_since: date, first_year: int, sales: list[int], record_twice: bool
) -> None:
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
