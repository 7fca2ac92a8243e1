"""The payout ledger (SPEC §6): prior payouts, import, record, reverse, export, safety."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from factories import CODE, CODE_B, CODE_C, SHIPPED, TIER_AMOUNTS, ent, fee, loan, rec, rules_with, sale
from ledger_helpers import (
    HISTORY_HEADERS_ZH,
    RunInfo,
    code,
    column_number,
    delete_row,
    edit_cell,
    new_ledger,
    sql,
    write_history,
    write_payout,
)
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner, Result

import tongnan_calc
from tongnan_calc import __version__, ledger
from tongnan_calc.cli.ledger import app as ledger_app
from tongnan_calc.core import engine
from tongnan_calc.core.model import InputIssue, Line, PriorPayout, Records, Status
from tongnan_calc.core.rules import Rules
from tongnan_calc.ledger import (
    LOCKED,
    LedgerError,
    connection,
    export,
    import_history,
    list_entries,
    migrations,
    read_prior,
    record_payout,
    reverse,
)
from tongnan_calc.text.messages import render

PROJECT_ROOT = Path(tongnan_calc.__file__).resolve().parent.parent


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return new_ledger(tmp_path / "ledger.sqlite")


def history(tmp_path: Path, *rows: tuple[object, ...], name: str = "history.xlsx") -> Path:
    return write_history(tmp_path / name, rows)


def line_for(records: Records, year: int, rules: Rules, ledger_path: Path, measure: str) -> Line:
    """Compute ``measure`` for ``records`` in ``year`` with the ledger's prior payouts."""
    prior = engine.prior_by_enterprise(read_prior(ledger_path).payouts, year)
    lines = engine.compute([records], year, rules, prior)
    return next(line for line in lines if line.measure == measure)


# --- prior payouts drive the measures ---------------------------------------------------------


def test_spin_off_paid_in_an_earlier_year_is_not_paid_again(tmp_path: Path, db: Path) -> None:
    import_history(db, history(tmp_path, (CODE, 2015, "spin_off", None, 20000)))
    spun = rec(ent(spun_off=True, operating_since="2014-03-01"))

    line = line_for(spun, 2017, SHIPPED, db, "spin_off")

    assert line.status is Status.INELIGIBLE
    assert render(line.reason, "en") == "the one-time reward was paid for 2015 (二（三）)"
    assert render(line.reason, "zh") == "一次性奖励已于2015年发放（二（三））"


def test_spin_off_payout_of_the_calculation_year_itself_is_not_prior(tmp_path: Path, db: Path) -> None:
    import_history(db, history(tmp_path, (CODE, 2017, "spin_off", None, 20000)))
    spun = rec(ent(spun_off=True, operating_since="2014-03-01"))

    assert line_for(spun, 2017, SHIPPED, db, "spin_off").status is Status.PAYABLE


def test_milestone_tier_paid_earlier_highest_only_pays_the_higher_tier_in_full(tmp_path: Path, db: Path) -> None:
    # 50 M tier paid 100,000 in 2015; 2016 sales first cross 100 M -> 200,000 in full.
    import_history(db, history(tmp_path, (CODE, 2015, "sales_milestone", 50000000, 100000)))
    rules = rules_with(tier_amounts=TIER_AMOUNTS)
    records = rec(sales=[sale(2015, 60000000), sale(2016, 150000000)])

    line = line_for(records, 2016, rules, db, "sales_milestone")

    assert (line.status, line.amount, line.tier) == (Status.PAYABLE, Decimal("200000.00"), Decimal("100000000"))


def test_milestone_tier_paid_earlier_top_up_pays_the_difference(tmp_path: Path, db: Path) -> None:
    import_history(db, history(tmp_path, (CODE, 2015, "sales_milestone", 50000000, 100000)))
    rules = rules_with(tier_amounts=TIER_AMOUNTS, sales_mode="top_up")
    records = rec(sales=[sale(2015, 60000000), sale(2016, 150000000)])

    line = line_for(records, 2016, rules, db, "sales_milestone")

    assert (line.status, line.amount) == (Status.PAYABLE, Decimal("100000.00"))


def test_milestone_tier_paid_earlier_is_not_paid_again_without_sales_history(tmp_path: Path, db: Path) -> None:
    # Only the ledger knows the 50 M tier was rewarded: 80 M in 2016 crosses no new tier.
    import_history(db, history(tmp_path, (CODE, 2015, "sales_milestone", 50000000, 100000)))
    rules = rules_with(tier_amounts=TIER_AMOUNTS)

    line = line_for(rec(sales=[sale(2016, 80000000)]), 2016, rules, db, "sales_milestone")

    assert line.status is Status.INELIGIBLE
    assert render(line.reason, "en") == "sales of 80000000 first cross no tier not yet rewarded (二（五）)"


def test_data_line_period_counts_from_an_earlier_payout(tmp_path: Path, db: Path) -> None:
    # Paid for 2015 (fees of 2015 not in this year's input): the period is 2015-2016.
    import_history(db, history(tmp_path, (CODE, 2015, "data_line", None, 30000)))
    records = rec(data_lines=[fee(2016, 100000), fee(2017, 100000)])

    in_period = line_for(records, 2016, SHIPPED, db, "data_line")
    after = line_for(records, 2017, SHIPPED, db, "data_line")

    assert (in_period.status, in_period.amount) == (Status.PAYABLE, Decimal("30000.00"))
    assert after.status is Status.INELIGIBLE
    assert render(after.reason, "en") == "outside the subsidy period 2015–2016 (二（四）)"


def test_interest_cap_with_450000_already_paid_pays_the_remaining_50000(tmp_path: Path, db: Path) -> None:
    import_history(
        db,
        history(
            tmp_path,
            (CODE, 2015, "loan_interest", None, 300000),
            (CODE, 2016, "loan_interest", None, "150,000.00"),
        ),
    )
    # 10 M drawn 2015-01-05 for 60 months: 6.00 % x 50 % x 365/360 of 2017 = 304,166.67 before the cap.
    records = rec(ent(demo_level="national"), loans=[loan("L1", 10000000, "2015-01-05", "2020-01-05")])

    line = line_for(records, 2017, SHIPPED, db, "loan_interest")

    assert (line.status, line.amount) == (Status.PAYABLE, Decimal("50000.00"))


def test_read_prior_returns_every_payout_in_force_exactly(tmp_path: Path, db: Path) -> None:
    import_history(
        db,
        history(
            tmp_path,
            (CODE, 2015, "sales_milestone", "50,000,000", "¥100,000.10"),
            (CODE_B, 2016, "rent", None, 0.1),
        ),
    )
    snapshot = read_prior(db)

    assert snapshot.path == str(db)
    assert snapshot.entries == 2
    assert snapshot.payouts == (
        PriorPayout(CODE, 2015, "sales_milestone", Decimal("100000.10"), Decimal("50000000")),
        PriorPayout(CODE_B, 2016, "rent", Decimal("0.10"), None),
    )
    assert sql(db, "SELECT typeof(amount), amount, typeof(tier), tier FROM entries ORDER BY id") == [
        ("text", "100000.10", "text", "50000000"),
        ("text", "0.10", "null", None),
    ]


def test_read_prior_of_a_missing_ledger_is_refused_and_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite"
    with pytest.raises(LedgerError) as caught:
        read_prior(db)

    assert str(caught.value) == (
        f"ledger {db} does not exist, nothing was created: check the path;"
        f" to create the bureau's ledger, use `tongnan-calc ledger init {db}`"
    )
    assert not db.exists()


# --- history import -------------------------------------------------------------------------------


GOOD_AND_BAD = (
    (CODE, 2015, "spin_off", None, 20000),
    (CODE_B, "20x5", "data_line", None, "1,000.00"),
    (CODE_C, 2015, "sales_milestone", 50000000, 100000),
)


def test_import_with_a_bad_row_imports_nothing(tmp_path: Path, db: Path) -> None:
    report = import_history(db, history(tmp_path, *GOOD_AND_BAD))

    assert not report.imported
    assert (report.rows_read, report.added, report.rejected) == (3, 0, 1)
    assert report.issues == (
        InputIssue("payouts", 3, "year", "year", "'20x5'", "error", "expected a year such as 2015, got '20x5'", CODE_B),
    )
    assert read_prior(db).entries == 0


def test_import_with_allow_errors_imports_the_good_rows(tmp_path: Path, db: Path) -> None:
    report = import_history(db, history(tmp_path, *GOOD_AND_BAD), allow_errors=True)

    assert report.imported
    assert (report.rows_read, report.added, report.already_recorded, report.rejected) == (3, 2, 0, 1)
    assert report.has_errors
    assert [(p.credit_code, p.measure) for p in read_prior(db).payouts] == [
        (CODE, "spin_off"),
        (CODE_C, "sales_milestone"),
    ]


def test_import_reports_every_bad_cell_with_row_and_column(tmp_path: Path, db: Path) -> None:
    workbook = history(
        tmp_path,
        ("91500223MA5U7K3L2", 2015, "spin_off", None, 20000),
        (CODE, 2015, "key_support", None, 1),
        (CODE, 2015, "sales_milestone", None, 100000),
        (CODE, 2015, "rent", 5, 100),
        (CODE, 2015, "rent", None, "-5"),
        (CODE, 2015, "spin_off", None, "1.234"),
        (CODE, 2015, "spin_off", None, 20000),
        (CODE, 2015, "spin_off", None, 20000),
        ("91500223MA5U7K3L2X", 2016, "spin_off", None, 20000),
    )
    report = import_history(db, workbook)

    assert [(i.row, i.column, i.severity, i.message) for i in report.issues] == [
        (
            2,
            "credit_code",
            "error",
            "expected a unified social credit code of 18 characters, got 17: '91500223MA5U7K3L2'",
        ),
        (
            3,
            "measure",
            "error",
            "expected a measure that pays money (rent, spin_off, data_line, sales_milestone, loan_interest),"
            " got 'key_support': a flag, never paid",
        ),
        (4, "tier", "error", "expected the tier's threshold in yuan (sales_milestone has one), got blank"),
        (5, "tier", "error", "expected blank (only sales_milestone has a tier), got 5"),
        (6, "amount", "error", "expected an amount of 0 or more, got '-5'"),
        (7, "amount", "error", "expected an amount with at most two decimals, got '1.234'"),
        (8, None, "error", "the same payout (credit code, year, measure, tier) as row 9"),
        (9, None, "error", "the same payout (credit code, year, measure, tier) as row 8"),
        (
            10,
            "credit_code",
            "warning",
            "expected check character 'W', got 'X': the code may be mistyped (the row is still used)",
        ),
    ]
    assert report.rejected == 8


def test_import_accepts_chinese_names_and_headers(tmp_path: Path, db: Path) -> None:
    workbook = write_history(
        tmp_path / "h.xlsx",
        [(CODE, "2015年", " Spin_Off ", "", "20,000.00")],
        sheet=" 历史发放 ",
        headers=HISTORY_HEADERS_ZH,
    )
    report = import_history(db, workbook)

    assert (report.sheet, report.added, report.issues) == (" 历史发放 ", 1, ())
    assert read_prior(db).payouts == (PriorPayout(CODE, 2015, "spin_off", Decimal("20000.00")),)


def test_import_missing_column_and_unknown_column(tmp_path: Path, db: Path) -> None:
    workbook = write_history(
        tmp_path / "h.xlsx", [(CODE, 2015, "x", 1)], headers=("credit_code", "year", "备注", "tier")
    )
    report = import_history(db, workbook, allow_errors=True)

    assert not report.imported
    assert [(i.row, i.column, i.severity, i.message) for i in report.issues] == [
        (None, "measure", "error", "missing column measure (措施)"),
        (None, "amount", "error", "missing column amount (金额)"),
        (1, None, "notice", "unknown columns ignored: 备注"),
    ]
    assert read_prior(db).entries == 0


def test_import_of_a_workbook_without_the_sheet_is_refused(tmp_path: Path, db: Path) -> None:
    workbook = write_history(tmp_path / "h.xlsx", [], sheet="Sheet1")
    with pytest.raises(LedgerError) as caught:
        import_history(db, workbook)
    assert str(caught.value) == f"{workbook} has no sheet payouts (历史发放)"


def test_import_of_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path, db: Path) -> None:
    text = tmp_path / "h.xlsx"
    text.write_text("credit_code,year\n", encoding="utf-8")
    with pytest.raises(LedgerError) as caught:
        import_history(db, text)
    assert str(caught.value) == f"{text}: is not a workbook (.xlsx/.xls/.xlsb/.ods): it is a text file such as CSV"


def test_import_twice_adds_nothing_and_conflicts_are_row_errors(tmp_path: Path, db: Path) -> None:
    first = history(tmp_path, (CODE, 2015, "spin_off", None, 20000), (CODE_B, 2015, "rent", None, 500))
    import_history(db, first)

    again = import_history(db, first)
    assert (again.added, again.already_recorded, again.imported) == (0, 2, True)

    changed = history(
        tmp_path, (CODE, 2015, "spin_off", None, 15000), (CODE_C, 2015, "rent", None, 1), name="changed.xlsx"
    )
    refused = import_history(db, changed)
    assert not refused.imported
    assert [(i.row, i.column, i.value, i.message) for i in refused.issues] == [
        (
            2,
            "amount",
            "'15000.00'",
            "already in the ledger as entry 1 with amount 20000.00: reverse entry 1 first if it is wrong",
        )
    ]
    assert read_prior(db).entries == 2

    partial = import_history(db, changed, allow_errors=True)
    assert (partial.added, partial.rejected) == (1, 1)
    assert read_prior(db).entries == 3


# --- recording a payout workbook ----------------------------------------------------------------------

LINES = (
    (CODE, "spin_off", None, 20000),
    (CODE_B, "data_line", None, "30000.5"),
    (CODE_C, "sales_milestone", 50000000, 100000),
)


def test_record_adds_the_payable_rows_with_the_workbooks_year(tmp_path: Path, db: Path) -> None:
    workbook = write_payout(tmp_path / "payout.xlsx", LINES)

    report = record_payout(db, workbook)

    assert (report.year, report.rules_version, report.rows_read) == (2016, "2015.1", 3)
    assert (report.added, report.already_recorded, report.amount_added) == (3, 0, Decimal("150000.50"))
    assert read_prior(db).payouts == (
        PriorPayout(CODE, 2016, "spin_off", Decimal("20000.00")),
        PriorPayout(CODE_B, 2016, "data_line", Decimal("30000.50")),
        PriorPayout(CODE_C, 2016, "sales_milestone", Decimal("100000.00"), Decimal("50000000")),
    )
    entry = list_entries(db)[0]
    assert (entry.kind, entry.source, entry.reverses, entry.reversed_by) == (
        "payout",
        f"record {workbook} row 2",
        None,
        None,
    )


def test_recording_the_same_workbook_twice_adds_nothing(tmp_path: Path, db: Path) -> None:
    workbook = write_payout(tmp_path / "payout.xlsx", LINES)
    record_payout(db, workbook)

    again = record_payout(db, workbook)

    assert (again.added, again.already_recorded, again.amount_added) == (0, 3, Decimal("0.00"))
    assert read_prior(db).entries == 3
    assert sql(db, "SELECT count(*) FROM sources") == [(1,)]


def test_only_the_rows_left_after_the_finance_bureau_deleted_some_are_recorded(tmp_path: Path, db: Path) -> None:
    workbook = write_payout(tmp_path / "payout.xlsx", LINES)
    delete_row(workbook, "应付明细", 3)

    report = record_payout(db, workbook)

    assert report.added == 2
    assert [p.credit_code for p in read_prior(db).payouts] == [CODE, CODE_C]


def test_an_edited_amount_is_refused(tmp_path: Path, db: Path) -> None:
    workbook = write_payout(tmp_path / "payout.xlsx", LINES)
    edit_cell(workbook, "应付明细", 3, column_number("amount"), 40000)

    with pytest.raises(LedgerError) as caught:
        record_payout(db, workbook)

    assert str(caught.value) == (
        f"{workbook}: sheet 应付明细 row 3 was changed after tongnan-calc wrote it"
        " (the check value 校验码 does not match the credit code, measure, tier and amount); nothing was recorded"
    )
    assert read_prior(db).entries == 0


def test_an_edited_credit_code_is_refused(tmp_path: Path, db: Path) -> None:
    workbook = write_payout(tmp_path / "payout.xlsx", LINES)
    edit_cell(workbook, "应付明细", 2, column_number("credit_code"), code(7))
    edit_cell(workbook, "应付明细", 4, column_number("tier"), 100000000)

    with pytest.raises(LedgerError) as caught:
        record_payout(db, workbook)

    assert str(caught.value) == (
        f"{workbook}: sheet 应付明细 rows 2, 4 were changed after tongnan-calc wrote it"
        " (the check value 校验码 does not match the credit code, measure, tier and amount); nothing was recorded"
    )


def test_an_edited_year_in_the_provenance_is_refused(tmp_path: Path, db: Path) -> None:
    workbook = write_payout(tmp_path / "payout.xlsx", LINES[:1])
    edit_cell(workbook, "来源", 4, 3, "2015")

    with pytest.raises(LedgerError, match="row 2 was changed after tongnan-calc wrote it"):
        record_payout(db, workbook)


def test_a_workbook_not_written_by_the_tool_is_refused(tmp_path: Path, db: Path) -> None:
    no_provenance = write_payout(tmp_path / "a.xlsx", LINES, with_provenance=False)
    other_tool = write_payout(tmp_path / "b.xlsx", LINES, tool="excel-macro")
    bad_digest = write_payout(tmp_path / "c.xlsx", LINES, run=RunInfo(rules_sha256="abc"))

    messages = []
    for workbook in (no_provenance, other_tool, bad_digest):
        with pytest.raises(LedgerError) as caught:
            record_payout(db, workbook)
        messages.append(str(caught.value))

    prefix = "is not a payout workbook written by tongnan-calc run"
    assert messages == [
        f"{no_provenance} {prefix}: it has no sheet 来源 (provenance)",
        f"{other_tool} {prefix}: sheet 来源 names the tool 'excel-macro'",
        f"{bad_digest} {prefix}: sheet 来源 rules_sha256 is not a SHA-256: 'abc'",
    ]


def test_a_copied_row_is_refused(tmp_path: Path, db: Path) -> None:
    workbook = write_payout(tmp_path / "payout.xlsx", (*LINES, LINES[0]))

    with pytest.raises(LedgerError) as caught:
        record_payout(db, workbook)

    assert str(caught.value) == (
        f"{workbook}: sheet 应付明细 rows 2 and 5 are the same payout ({CODE} spin_off 2016):"
        " a row was copied; nothing was recorded"
    )


def test_a_row_added_by_hand_is_refused(tmp_path: Path, db: Path) -> None:
    workbook = write_payout(tmp_path / "payout.xlsx", LINES)
    book = load_workbook(workbook)
    added: list[object] = [None] * column_number("amount")
    added[0], added[-1] = "合计", 150000.5  # a second total row, below the tool's footer (rows 5-8)
    book["应付明细"].append(added)
    book.save(workbook)

    with pytest.raises(LedgerError) as caught:
        record_payout(db, workbook)

    assert str(caught.value) == (
        f"{workbook}: sheet 应付明细 row 9 has no check value (校验码): rows added after tongnan-calc wrote"
        " the workbook cannot be recorded, delete them; nothing was recorded"
    )


def test_a_workbook_with_every_row_deleted_records_nothing(tmp_path: Path, db: Path) -> None:
    workbook = write_payout(tmp_path / "payout.xlsx", [])

    result = cli("record", workbook, "--ledger", db, "--lang", "en")

    assert (result.exit_code, result.stdout) == (0, f"nothing recorded: {workbook} has no payable rows\n")


def test_record_warns_of_a_lower_tier_after_a_higher_one_and_of_a_run_without_ledger(tmp_path: Path, db: Path) -> None:
    import_history(
        db,
        history(
            tmp_path,
            (CODE_C, 2015, "sales_milestone", 100000000, 200000),
            (CODE_B, 2015, "sales_milestone", 50000000, 100000),
        ),
    )
    workbook = write_payout(
        tmp_path / "payout.xlsx", [*LINES, (CODE_B, "sales_milestone", 100000000, 100000)], ledger_used="未使用台账"
    )

    report = record_payout(db, workbook)

    assert report.added == 4
    assert tuple(w.en for w in report.warnings) == (
        f"{workbook} was computed without a ledger: earlier payouts were not taken into account",
        f"row 4: {CODE_C} sales_milestone tier 50000000 2016 is a one-time reward already paid for 2015"
        " tier 100000000 (entry 1)",
    )
    later = write_payout(tmp_path / "p2.xlsx", [(CODE, "spin_off", None, 1)], run=RunInfo(year=2017))
    result = cli("record", later, "--ledger", db, "--lang", "en")
    assert (result.exit_code, result.stderr) == (
        2,
        f"error: {later}: sheet 应付明细 would pay spin_off, a one-time reward (二（三）), a second time:"
        f" row 2 {CODE} (already paid for 2016, entry 3); nothing was recorded\n",
    )


def test_a_different_amount_already_recorded_is_a_conflict_and_records_nothing(tmp_path: Path, db: Path) -> None:
    record_payout(db, write_payout(tmp_path / "first.xlsx", LINES[:1]))
    rerun = RunInfo(input_sha256="3" * 64)
    second = write_payout(
        tmp_path / "second.xlsx", [(CODE_B, "rent", None, 10), (CODE, "spin_off", None, 15000)], run=rerun
    )

    with pytest.raises(LedgerError) as caught:
        record_payout(db, second)

    assert str(caught.value) == (
        f"{second}: sheet 应付明细 row 3: {CODE} spin_off 2016 is already recorded as entry 1 with amount 20000.00,"
        " not 15000.00; nothing was recorded (if entry 1 is wrong, reverse it first)"
    )
    assert read_prior(db).entries == 1


def test_a_rerun_with_the_same_amounts_counts_them_as_already_recorded(tmp_path: Path, db: Path) -> None:
    record_payout(db, write_payout(tmp_path / "first.xlsx", LINES[:2]))
    rerun = RunInfo(input_sha256="3" * 64)
    second = write_payout(tmp_path / "second.xlsx", LINES, run=rerun)

    report = record_payout(db, second)

    assert (report.added, report.already_recorded) == (1, 2)


# --- reversal -----------------------------------------------------------------------------------------------


def test_a_reversed_payout_no_longer_counts_and_history_is_kept(tmp_path: Path, db: Path) -> None:
    workbook = write_payout(tmp_path / "payout.xlsx", LINES)
    record_payout(db, workbook)

    reversal = reverse(db, 1, "  recorded from the draft\nworkbook ")

    assert (reversal.id, reversal.kind, reversal.reverses, reversal.amount) == (4, "reversal", 1, Decimal("-20000.00"))
    assert reversal.reason == "recorded from the draft workbook"
    snapshot = read_prior(db)
    assert [p.credit_code for p in snapshot.payouts] == [CODE_B, CODE_C]
    assert snapshot.entries == 4
    original = list_entries(db, credit_code=CODE.lower())[0]
    assert (original.id, original.reversed_by, original.in_force) == (1, 4, False)
    spun = rec(ent(spun_off=True, operating_since="2014-03-01"))
    assert line_for(spun, 2017, SHIPPED, db, "spin_off").status is Status.PAYABLE
    # recording the row again after the reversal records it anew
    assert record_payout(db, workbook).added == 1


def test_reverse_refusals(tmp_path: Path, db: Path) -> None:
    record_payout(db, write_payout(tmp_path / "payout.xlsx", LINES[:1]))
    reverse(db, 1, "mistake")

    def message(entry_id: int, reason: str = "again") -> str:
        with pytest.raises(LedgerError) as caught:
            reverse(db, entry_id, reason)
        return str(caught.value)

    assert message(1) == "entry 1 was already reversed by entry 2"
    assert message(2) == "entry 2 is a reversal (of entry 1): it cannot be reversed"
    assert message(9) == f"ledger {db} has no entry 9"
    assert message(1, "   ") == "a reason is required to reverse an entry"
    assert read_prior(db).entries == 2


def test_reverse_on_a_missing_ledger_creates_nothing(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite"
    with pytest.raises(LedgerError, match="does not exist"):
        reverse(db, 1, "x")
    assert not db.exists()


def test_entries_are_never_updated_or_deleted_even_with_sql(tmp_path: Path, db: Path) -> None:
    record_payout(db, write_payout(tmp_path / "payout.xlsx", LINES[:1]))
    for statement in ("UPDATE entries SET amount = '1.00'", "DELETE FROM entries"):
        with pytest.raises(sqlite3.IntegrityError):
            sql(db, statement)
    assert read_prior(db).entries == 1


# --- list and export -------------------------------------------------------------------------------------------


def test_list_filters(tmp_path: Path, db: Path) -> None:
    import_history(
        db,
        history(
            tmp_path,
            (CODE, 2015, "spin_off", None, 20000),
            (CODE, 2016, "rent", None, 100),
            (CODE_B, 2016, "rent", None, 200),
        ),
    )
    assert [e.id for e in list_entries(db)] == [1, 2, 3]
    assert [e.id for e in list_entries(db, credit_code=CODE)] == [1, 2]
    assert [e.id for e in list_entries(db, year=2016)] == [2, 3]
    assert [e.id for e in list_entries(db, measure="RENT", year=2016, credit_code=CODE_B)] == [3]
    with pytest.raises(LedgerError) as caught:
        list_entries(db, measure="bonus")
    assert str(caught.value) == (
        "unknown measure 'bonus': expected one of rent, spin_off, data_line, sales_milestone, loan_interest"
    )


def test_export_writes_text_as_text_and_can_be_imported_again(tmp_path: Path, db: Path) -> None:
    import_history(
        db,
        history(
            tmp_path,
            (CODE, 2015, "spin_off", None, 20000),
            (CODE_B, 2015, "sales_milestone", 50000000, "100000.1"),
            (CODE_C, 2016, "rent", None, 1),
        ),
    )
    reverse(db, 3, '=HYPERLINK("http://example.invalid","x")')
    out = tmp_path / "export.xlsx"

    assert export(db, out) == 4

    book = load_workbook(out)
    assert book.sheetnames == ["历史发放", "全部记录"]
    reason = book["全部记录"].cell(row=5, column=10)
    assert (reason.value, reason.data_type) == ('=HYPERLINK("http://example.invalid","x")', "s")
    amount = book["历史发放"].cell(row=3, column=5)
    assert (amount.value, amount.number_format) == (100000.1, "#,##0.00")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []

    copy = new_ledger(tmp_path / "copy.sqlite")
    report = import_history(copy, out)
    assert (report.added, report.issues) == (2, ())
    assert read_prior(copy).payouts == read_prior(db).payouts


def test_export_refusals(tmp_path: Path, db: Path) -> None:
    import_history(db, history(tmp_path, (CODE, 2015, "spin_off", None, 20000)))
    with pytest.raises(LedgerError) as caught:
        export(db, tmp_path / "nowhere" / "x.xlsx")
    assert (
        str(caught.value)
        == f"cannot write {tmp_path / 'nowhere' / 'x.xlsx'}: folder {tmp_path / 'nowhere'} does not exist"
    )
    with pytest.raises(LedgerError) as caught:
        export(db, tmp_path / "x.csv")
    assert str(caught.value) == f"cannot write {tmp_path / 'x.csv'}: the file name must end in .xlsx"


# --- the file: schema, damage, locks, interruption, concurrency ---------------------------------------------------


def test_a_ledger_from_a_newer_schema_is_refused_and_left_unchanged(tmp_path: Path, db: Path) -> None:
    import_history(db, history(tmp_path, (CODE, 2015, "spin_off", None, 20000)))
    newer = migrations.SCHEMA_VERSION + 1
    sql(db, f"PRAGMA user_version = {newer}")
    before = db.read_bytes()

    for attempt in (
        lambda: read_prior(db),
        lambda: record_payout(db, write_payout(tmp_path / "p.xlsx", LINES)),
        lambda: reverse(db, 1, "x"),
    ):
        with pytest.raises(LedgerError) as caught:
            attempt()
        assert str(caught.value) == (
            f"ledger {db} has schema version {newer}, newer than this tongnan-calc {__version__} understands"
            f" ({migrations.SCHEMA_VERSION}): upgrade tongnan-calc"
        )
    assert db.read_bytes() == before


def test_an_older_schema_is_migrated(tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import_history(db, history(tmp_path, (CODE, 2015, "spin_off", None, 20000)))
    current = migrations.SCHEMA_VERSION
    monkeypatch.setattr(migrations, "SCHEMA_VERSION", current + 1)
    monkeypatch.setattr(
        migrations,
        "MIGRATIONS",
        {**migrations.MIGRATIONS, current: ("CREATE TABLE notes (entry_id INTEGER, note TEXT)",)},
    )

    assert read_prior(db).entries == 1

    assert sql(db, "PRAGMA user_version") == [(current + 1,)]
    assert sql(db, "SELECT count(*) FROM notes") == [(0,)]


@pytest.mark.parametrize("content", [os.urandom(4096), b"", b"SQLite format 3\x00" + os.urandom(8000)])
def test_a_corrupt_file_is_refused_and_left_byte_identical(tmp_path: Path, db: Path, content: bytes) -> None:
    db.write_bytes(content)
    payout = write_payout(tmp_path / "p.xlsx", LINES)

    with pytest.raises(LedgerError) as reading:
        read_prior(db)
    if content:
        with pytest.raises(LedgerError) as writing:
            record_payout(db, payout)
        assert "left unchanged" in str(writing.value)

    assert "left unchanged" in str(reading.value)
    assert db.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ledger.sqlite", "p.xlsx"]


def test_random_bytes_message(db: Path) -> None:
    db.write_bytes(b"\x00\x01not a database" * 100)
    with pytest.raises(LedgerError) as caught:
        read_prior(db)
    assert str(caught.value) == f"{db} is not a tongnan-calc ledger (not an SQLite database); it was left unchanged"


def test_an_sqlite_database_of_another_program_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "other.sqlite"
    sql(db, "CREATE TABLE invoices (id INTEGER)")
    before = db.read_bytes()

    with pytest.raises(LedgerError) as caught:
        record_payout(db, write_payout(tmp_path / "p.xlsx", LINES))

    assert str(caught.value) == (
        f"{db} is not a tongnan-calc ledger (an SQLite database of another program); it was left unchanged"
    )
    assert db.read_bytes() == before


def test_a_ledger_locked_by_another_writer(tmp_path: Path, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import_history(db, history(tmp_path, (CODE, 2015, "rent", None, 20000)))
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(LedgerError) as caught:
            record_payout(db, write_payout(tmp_path / "p.xlsx", LINES))
        assert str(caught.value) == LOCKED == "ledger is locked by another writer: try again"
        assert read_prior(db).entries == 1  # readers are not blocked by a writer that has not committed
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert record_payout(db, write_payout(tmp_path / "p.xlsx", LINES)).added == 3


def _python(code_text: str, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen(
        [sys.executable, "-c", code_text, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


CRASH_MID_WRITE = """
import os, sys
from pathlib import Path
from tongnan_calc.ledger import record
original = record._insert_payouts
def crash(conn, source, payouts):
    conn.execute("PRAGMA cache_size = 2")  # spill: the inserts reach the file, a hot journal is left
    original(conn, source, payouts)
    os._exit(3)  # killed after the inserts, before COMMIT
record._insert_payouts = crash
record.record_payout(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def test_an_interrupted_write_leaves_the_ledger_as_it_was(tmp_path: Path, db: Path) -> None:
    import_history(db, history(tmp_path, (code(1), 2015, "spin_off", None, 20000)))
    before, before_bytes = list_entries(db), db.read_bytes()
    workbook = write_payout(tmp_path / "p.xlsx", [(code(n), "rent", None, n) for n in range(2, 1500)])

    process = _python(CRASH_MID_WRITE, str(db), str(workbook))
    _, err = process.communicate(timeout=60)

    assert process.returncode == 3, err
    assert db.read_bytes() != before_bytes  # half-written ...
    assert Path(f"{db}-journal").exists()  # ... with the journal to undo it
    assert list_entries(db) == before
    assert not Path(f"{db}-journal").exists()
    assert record_payout(db, workbook).added == 1498


RECORDER = """
import sys, time
from pathlib import Path
from tongnan_calc.ledger import record_payout
ledger, go, *workbooks = sys.argv[1:]
while not Path(go).exists():
    time.sleep(0.005)
for workbook in workbooks:
    report = record_payout(Path(ledger), Path(workbook))
    print(report.added, report.already_recorded)
"""


@pytest.fixture
def two_workbooks(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    shared = [(code(n), "rent", None, n) for n in range(1, 21)]
    first = write_payout(tmp_path / "a.xlsx", shared + [(code(n), "spin_off", None, 20000) for n in range(100, 160)])
    second = write_payout(tmp_path / "b.xlsx", shared + [(code(n), "data_line", None, 123) for n in range(200, 260)])
    yield first, second


def test_two_concurrent_recorders_record_exactly_the_union(
    tmp_path: Path, db: Path, two_workbooks: tuple[Path, Path]
) -> None:
    first, second = two_workbooks
    go = tmp_path / "go"
    processes = [
        _python(RECORDER, str(db), str(go), str(first), str(second)),
        _python(RECORDER, str(db), str(go), str(second), str(first)),
    ]
    time.sleep(0.5)  # let both start and wait at the barrier
    go.touch()
    results = [p.communicate(timeout=120) for p in processes]

    for process, (_out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err
    added = [tuple(map(int, line.split())) for out, _ in results for line in out.split("\n") if line]
    assert sum(a for a, _ in added) == 140
    keys = sql(db, "SELECT credit_code, year, measure FROM entries")
    assert len(keys) == len(set(keys)) == 140
    assert {(c, m) for c, _, m in keys} == (
        {(code(n), "rent") for n in range(1, 21)}
        | {(code(n), "spin_off") for n in range(100, 160)}
        | {(code(n), "data_line") for n in range(200, 260)}
    )


def test_two_concurrent_recorders_of_the_same_workbook_record_it_once(
    tmp_path: Path, db: Path, two_workbooks: tuple[Path, Path]
) -> None:
    first, _ = two_workbooks
    go = tmp_path / "go"
    processes = [_python(RECORDER, str(db), str(go), str(first)) for _ in range(3)]
    time.sleep(0.5)
    go.touch()
    results = [p.communicate(timeout=120) for p in processes]

    for process, (_, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err
    assert sorted(out.strip() for out, _ in results) == ["0 80", "0 80", "80 0"]
    assert read_prior(db).entries == 80


def test_an_empty_file_becomes_a_ledger_on_the_first_write(tmp_path: Path, db: Path) -> None:
    db.touch()
    assert record_payout(db, write_payout(tmp_path / "p.xlsx", LINES)).added == 3
    assert sql(db, "PRAGMA application_id") == [(ledger.APPLICATION_ID,)]


# --- end to end through the payout workbook writer -------------------------------------------------------


def _input_workbook(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "enterprises"
    sheet.append(["credit_code", "name", "ecommerce_entity", "spun_off", "operating_since"])
    sheet.append([CODE, "重庆潼南测试电子商务有限公司", "是", "是", "2014-06-01"])
    lines = book.create_sheet("data_lines")
    lines.append(["credit_code", "year", "fee_paid"])
    lines.append([CODE, 2016, 10000])
    lines.append([CODE, 2017, 10000])
    book.save(path)
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_end_to_end_run_write_record_then_next_year(tmp_path: Path, db: Path, lang: str) -> None:
    from tongnan_calc.report.xlsx import write_payout_workbook
    from tongnan_calc.shell.run import run

    source = _input_workbook(tmp_path / "input.xlsx")
    payout = tmp_path / "payout-2016.xlsx"
    write_payout_workbook(run(source, 2016), payout, "zh" if lang == "zh" else "en")

    report = record_payout(db, payout)

    assert (report.year, report.added, report.amount_added) == (2016, 2, Decimal("23000.00"))
    assert record_payout(db, payout).added == 0
    next_year = run(source, 2017, ledger_path=db)
    lines = {line.measure: line for line in next_year.lines}
    assert render(lines["spin_off"].reason, "en") == "the one-time reward was paid for 2016 (二（三）)"
    assert (lines["data_line"].status, lines["data_line"].amount) == (Status.PAYABLE, Decimal("3000.00"))
    assert next_year.ledger is not None and next_year.ledger.prior_read == 2


def test_end_to_end_edited_amount_refused(tmp_path: Path, db: Path) -> None:
    from tongnan_calc.report.xlsx import write_payout_workbook
    from tongnan_calc.shell.run import run

    payout = tmp_path / "payout-2016.xlsx"
    write_payout_workbook(run(_input_workbook(tmp_path / "input.xlsx"), 2016), payout)
    edit_cell(payout, "应付明细", 2, column_number("amount"), 30000)

    with pytest.raises(LedgerError, match=r"row 2 was changed after tongnan-calc wrote it"):
        record_payout(db, payout)


# --- the command line ---------------------------------------------------------------------------------------------

runner = CliRunner()


def cli(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    return runner.invoke(ledger_app, [str(a) for a in args], env={"COLUMNS": "200", **(env or {})})


def test_cli_import(tmp_path: Path, db: Path) -> None:
    workbook = history(tmp_path, GOOD_AND_BAD[0], GOOD_AND_BAD[2])

    result = cli("import", workbook, "--ledger", db, "--lang", "en")

    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == f"imported 2 of 2 rows from {workbook} (sheet payouts) into {db}\n"


def test_cli_import_with_errors_lists_them_and_imports_nothing(tmp_path: Path, db: Path) -> None:
    workbook = history(tmp_path, *GOOD_AND_BAD)

    result = cli("import", workbook, "--ledger", db, "--lang", "en")

    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "error: payouts row 3 year: expected a year such as 2015, got '20x5'\n"
        "nothing imported: 1 row with errors; fix them, or import the good rows with --allow-errors\n"
    )
    assert read_prior(db).entries == 0


def test_cli_import_allow_errors_imports_the_good_rows_and_exits_1(tmp_path: Path, db: Path) -> None:
    workbook = history(tmp_path, *GOOD_AND_BAD)

    result = cli("import", workbook, "--allow-errors", "--ledger", db, "--lang", "en")

    assert result.exit_code == 1
    assert result.stderr == "error: payouts row 3 year: expected a year such as 2015, got '20x5'\n"
    assert result.stdout == (
        f"imported 2 of 3 rows from {workbook} (sheet payouts) into {db}; 1 row with errors not imported\n"
    )


def test_cli_import_of_a_missing_workbook(tmp_path: Path, db: Path) -> None:
    result = cli("import", tmp_path / "none.xlsx", "--ledger", db, "--lang", "en")

    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"error: {tmp_path / 'none.xlsx'}: file not found\n"


def test_cli_record_twice(tmp_path: Path, db: Path) -> None:
    workbook = write_payout(tmp_path / "payout.xlsx", LINES)

    first = cli("record", workbook, "--ledger", db, "--lang", "en")
    second = cli("record", workbook, "--ledger", db, "--lang", "en")

    assert (first.exit_code, first.stdout) == (
        0,
        f"recorded 3 payouts for 2016 (150,000.50 yuan) from {workbook} into {db}\n",
    )
    assert (second.exit_code, second.stdout) == (
        0,
        f"nothing new: all 3 rows of {workbook} are already recorded in {db}\n",
    )


def test_cli_record_an_edited_workbook_is_one_error_line(tmp_path: Path, db: Path) -> None:
    workbook = write_payout(tmp_path / "payout.xlsx", LINES)
    edit_cell(workbook, "应付明细", 2, column_number("amount"), 2000)

    result = cli("record", workbook, "--ledger", db, "--lang", "en")

    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"error: {workbook}: sheet 应付明细 row 2 was changed after tongnan-calc wrote it"
        " (the check value 校验码 does not match the credit code, measure, tier and amount); nothing was recorded\n"
    )


def test_cli_record_uses_the_ledger_named_by_the_environment(tmp_path: Path, db: Path) -> None:
    workbook = write_payout(tmp_path / "payout.xlsx", LINES)

    result = cli("record", workbook, env={"TONGNAN_LEDGER": str(db)})

    assert result.exit_code == 0, result.output
    assert read_prior(db).entries == 3


def test_cli_list(tmp_path: Path, db: Path) -> None:
    record_payout(db, write_payout(tmp_path / "payout.xlsx", LINES))
    reverse(db, 2, "rejected by the finance bureau")

    everything = cli("list", "--ledger", db, "--lang", "en")
    one = cli(
        "list", "--code", CODE_C, "--year", "2016", "--measure", "sales_milestone", "--ledger", db, "--lang", "en"
    )
    none = cli("list", "--year", "2015", "--ledger", db, "--lang", "en")

    assert everything.exit_code == 0
    assert "reverses 2: rejected by the finance bureau" in everything.stdout
    assert "reversed by 4" in everything.stdout
    assert everything.stdout.endswith("4 entries; 2 payouts in force, 120,000.00 yuan\n")
    assert CODE_C in one.stdout and CODE not in one.stdout
    assert "50,000,000" in one.stdout
    assert one.stdout.endswith("1 entry; 1 payout in force, 100,000.00 yuan\n")
    assert (none.exit_code, none.stdout) == (0, "no entries\n")


def test_cli_list_of_a_missing_ledger(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite"
    result = cli("list", "--ledger", db, "--lang", "en")

    assert result.exit_code == 2
    assert result.stderr == (
        f"error: ledger {db} (named with --ledger) does not exist, nothing was created: check the path;"
        f" to create the bureau's ledger, use `tongnan-calc ledger init {db}`\n"
    )
    assert not db.exists()


def test_cli_list_unknown_measure(tmp_path: Path, db: Path) -> None:
    record_payout(db, write_payout(tmp_path / "payout.xlsx", LINES))
    result = cli("list", "--measure", "bonus", "--ledger", db, "--lang", "en")

    assert result.exit_code == 2
    assert result.stderr == (
        "error: unknown measure 'bonus': expected one of rent, spin_off, data_line, sales_milestone, loan_interest\n"
    )


def test_cli_export(tmp_path: Path, db: Path) -> None:
    record_payout(db, write_payout(tmp_path / "payout.xlsx", LINES))
    out = tmp_path / "ledger.xlsx"

    first = cli("export", out, "--ledger", db, "--lang", "en")
    refused = cli("export", out, "--ledger", db, "--lang", "en")
    forced = cli("export", out, "--force", "--ledger", db, "--lang", "en")

    assert (first.exit_code, first.stdout) == (0, f"exported 3 entries to {out}\n")
    assert (refused.exit_code, refused.stderr) == (2, f"error: {out} exists: use --force to replace it\n")
    assert forced.exit_code == 0


def test_cli_reverse(tmp_path: Path, db: Path) -> None:
    record_payout(db, write_payout(tmp_path / "payout.xlsx", LINES))

    done = cli("reverse", "3", "--reason", "draft [workbook]", "--ledger", db, "--lang", "en")
    again = cli("reverse", "3", "--reason", "again", "--ledger", db, "--lang", "en")
    no_reason = cli("reverse", "1", "--ledger", db)

    assert (done.exit_code, done.stdout) == (
        0,
        f"entry 4 reverses entry 3: {CODE_C} sales_milestone tier 50,000,000 2016, 100,000.00 yuan (draft [workbook])\n",
    )
    assert (again.exit_code, again.stderr) == (2, "error: entry 3 was already reversed by entry 4\n")
    assert no_reason.exit_code == 2  # --reason is required (usage error)
    assert read_prior(db).entries == 4


@pytest.mark.parametrize("command", ["import", "record", "list", "export", "reverse"])
def test_cli_help_has_an_example(command: str) -> None:
    result = cli(command, "--help")

    assert result.exit_code == 0
    assert f"Example: tongnan-calc ledger {command}" in result.stdout
