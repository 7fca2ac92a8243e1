"""Check values on ledger entries (schema 2): written with every entry, given to the entries of
an older ledger by the migration, and verified before any entry is used; and the count and
running check value of all entries (schema 3), which detect a deleted entry.

An entry changed inside the file (with the append-only trigger dropped, as someone with a
database browser would; or a byte flipped on disk) refuses every command that opens the
ledger, in one line in both languages, exit 2, and the file is left byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hostile import A, cli, in_read_only_folder, read_only_folder_support, with_x, write_batch
from ledger_helpers import V1_SCHEMA, RunInfo, code, new_ledger, sql, write_history, write_payout, write_v1_ledger

from tongnan_calc.core.say import Lang, Say
from tongnan_calc.ledger import (
    SCHEMA,
    SCHEMA_VERSION,
    LedgerError,
    connection,
    import_history,
    integrity,
    list_entries,
    read_prior,
    record_payout,
    reverse,
)
from tongnan_calc.shell import run as runner

B1, B2, B3 = code(1), code(2), code(3)
TIER = "50000000"

# (credit_code, year, measure, tier, amount): entries 1 to 4 of the ledger fixture
HISTORY = (
    (A, 2015, "spin_off", None, 20000),
    (B1, 2015, "rent", None, "12345.67"),
    (B2, 2016, "sales_milestone", int(TIER), 300000),
    (B3, 2014, "data_line", None, 5000),
)
COLUMNS = ", ".join(integrity.CHECK_FIELDS)
RUN_2015 = RunInfo(year=2015)


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    db = new_ledger(tmp_path / "ledger.sqlite")
    report = import_history(db, write_history(tmp_path / "history.xlsx", HISTORY))
    assert report.added == len(HISTORY)
    return db


def documented_check_value(row: Sequence[object]) -> str:
    """The check value computed here from the form documented in ``entry_check_value``."""
    lines = ["tongnan-calc ledger entry 1", *(json.dumps(value) for value in row)]
    return hashlib.sha256("\n".join(lines).encode("ascii")).hexdigest()


def stored(db: Path) -> list[tuple[object, ...]]:
    """Every entry: the checked fields, then the check value."""
    return sql(db, f"SELECT {COLUMNS}, check_value FROM entries ORDER BY id")


def assert_every_check_value_matches(db: Path) -> None:
    rows = stored(db)
    assert rows
    for row in rows:
        fields, value = row[:-1], row[-1]
        assert isinstance(value, str) and len(value) == 64 and int(value, 16) >= 0, row
        assert value == documented_check_value(fields) == integrity.entry_check_value(fields), row


def tamper(db: Path, *statements: str) -> None:
    """Change entries as another program could: the append-only trigger dropped first."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER IF EXISTS entries_no_update")
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


def check_failed(db: Path, which_zh: str, which_en: str) -> Say:
    return Say(
        f"台账 {db}：{which_zh}与其校验值不符（是否在 tongnan-calc 之外被改动过？），文件未作任何改动：请从备份恢复台账",
        f"ledger {db}: {which_en} (changed outside tongnan-calc?); it was left unchanged: restore the ledger from a backup",
    )


def entry_failed(db: Path, entry_id: int) -> Say:
    return check_failed(db, f"条目 {entry_id} ", f"entry {entry_id} does not match its check value")


def refusal(action: Callable[[], object]) -> Say:
    with pytest.raises(LedgerError) as caught:
        action()
    return caught.value.say


# --- written with every entry --------------------------------------------------------------------------------


def test_every_new_entry_carries_a_check_value_that_matches(tmp_path: Path, ledger: Path) -> None:
    payout = write_payout(
        tmp_path / "payout.xlsx", [(code(9), "spin_off", None, 20000), (code(4), "sales_milestone", 10**8, 500000)]
    )  # (B2's 2016 reward, tier 50 M, is in the ledger: a second tier for 2016 is refused)
    assert record_payout(ledger, payout).added == 2
    reversal = reverse(ledger, 2, "recorded by mistake: 原因")
    assert reversal.id == 7 and reversal.reverses == 2

    assert [row[0] for row in stored(ledger)] == [1, 2, 3, 4, 5, 6, 7]
    assert_every_check_value_matches(ledger)
    assert sql(ledger, "PRAGMA user_version") == [(SCHEMA_VERSION,)] == [(3,)]
    assert len(read_prior(ledger).payouts) == 5


def test_the_check_value_covers_the_id_the_text_of_amount_and_tier_and_the_type_of_each_field() -> None:
    row = (17, "payout", A, 2015, "sales_milestone", TIER, "20000.00", 3, 2, None, "", "2016-03-01T08:00:00+00:00")
    value = integrity.entry_check_value(row)
    assert value == documented_check_value(row)
    for changed in (
        (18, *row[1:]),
        (*row[:3], "2015", *row[4:]),  # the year as text
        (*row[:5], "50000000.0", *row[6:]),  # an equal tier, other text
        (*row[:6], "20000.0", *row[7:]),  # an equal amount, other text
        (*row[:6], "20000.00 ", *row[7:]),
        (*row[:9], 0, *row[10:]),
        (*row[:10], "x", row[11]),
        (*row[:6], b"20000.00", *row[7:]),
        (*row[:3], 2015.0, *row[4:]),
    ):
        assert integrity.entry_check_value(changed) != value, changed


def test_a_new_ledger_has_the_schema_of_a_migrated_one(tmp_path: Path, ledger: Path) -> None:
    old = write_v1_ledger(tmp_path / "old.sqlite", [(A, 2015, "spin_off", None, "20000.00")])
    read_prior(old)

    def schema(db: Path) -> list[tuple[object, ...]]:
        return sql(db, "SELECT type, name, sql FROM sqlite_master ORDER BY name")

    assert schema(old) == schema(ledger)
    assert SCHEMA == V1_SCHEMA  # the statements of schema 1 are never changed: migrations build on them


# --- a ledger of schema 1 ---------------------------------------------------------------------------------


V1_PAYOUTS = (
    (A, 2015, "spin_off", None, "20000.00"),
    (B1, 2015, "rent", None, "12345.67"),
    (B2, 2016, "sales_milestone", TIER, "300000.00"),
)


def test_a_v1_ledger_is_migrated_when_first_read_and_its_entries_get_check_values(tmp_path: Path) -> None:
    db = write_v1_ledger(tmp_path / "v1.sqlite", V1_PAYOUTS, reversals=[(2, "wrong enterprise")])
    assert sql(db, "PRAGMA user_version") == [(1,)]
    assert "check_value" not in {row[1] for row in sql(db, "PRAGMA table_info(entries)")}

    snapshot = read_prior(db)

    assert snapshot.entries == 4
    assert [(p.credit_code, p.year, p.measure, str(p.amount)) for p in snapshot.payouts] == [
        (A, 2015, "spin_off", "20000.00"),
        (B2, 2016, "sales_milestone", "300000.00"),
    ]
    assert sql(db, "PRAGMA user_version") == [(3,)]
    assert_every_check_value_matches(db)
    assert [key for (key,) in sql(db, "SELECT key FROM meta ORDER BY key")] == [
        "created_at",
        "created_by",
        "entries_count",
        "entries_digest",
        "format",
        "migrated_at",
        "migrated_by",
    ]
    with pytest.raises(sqlite3.DatabaseError, match="ledger entries are never changed"):
        sql(db, "UPDATE entries SET amount = '1.00' WHERE id = 1")  # the append-only trigger is back
    # from now on a change is detected
    tamper(db, "UPDATE entries SET amount = '21000.00' WHERE id = 1")
    assert refusal(lambda: read_prior(db)) == entry_failed(db, 1)


def test_a_v1_ledger_is_migrated_by_the_first_write(tmp_path: Path) -> None:
    db = write_v1_ledger(tmp_path / "v1.sqlite", V1_PAYOUTS)
    payout = write_payout(tmp_path / "payout.xlsx", [(code(9), "spin_off", None, 20000)])

    assert record_payout(db, payout).added == 1

    assert sql(db, "PRAGMA user_version") == [(3,)]
    assert len(stored(db)) == 4
    assert_every_check_value_matches(db)


def test_a_v1_ledger_that_cannot_be_written_is_read_as_it_is_without_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = write_v1_ledger(tmp_path / "v1.sqlite", V1_PAYOUTS, reversals=[(2, "wrong enterprise")])
    before = db.read_bytes()

    def read_only(conn: sqlite3.Connection, version: int) -> None:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(connection, "_migrate", read_only)

    assert len(read_prior(db).payouts) == 2
    assert [e.id for e in list_entries(db, credit_code=B1)] == [2, 4]
    assert db.read_bytes() == before
    # a writer still refuses: it cannot write the ledger
    payout = write_payout(tmp_path / "payout.xlsx", [(code(9), "spin_off", None, 20000)])
    assert refusal(lambda: record_payout(db, payout)).en == (
        f"ledger {db} cannot be written: the file or its folder is read-only"
    )
    assert db.read_bytes() == before


def test_a_v1_ledger_in_a_read_only_folder_is_read_but_never_written(tmp_path: Path) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    reason = read_only_folder_support(folder)
    if reason is not None:
        pytest.skip(f"cannot make a read-only folder: {reason}")
    db = write_v1_ledger(folder / "ledger.sqlite", [(A, 2015, "spin_off", None, "20000.00")])
    before = db.read_bytes()
    workbook = write_batch(tmp_path / "batch.xlsx", with_x())

    run = in_read_only_folder(folder, "run", workbook, "--year", 2016, "--ledger", db, "--json", "-")
    listed = in_read_only_folder(folder, "ledger", "list", "--ledger", db, "--lang", "en")

    assert run.returncode == 0, run.stderr
    assert '"prior_payouts_read": 1' in run.stdout
    assert listed.returncode == 0 and listed.stdout.endswith("1 entry; 1 payout in force, 20,000.00 yuan\n")
    assert db.read_bytes() == before
    assert sorted(os.listdir(folder)) == ["ledger.sqlite"]


# --- a changed entry is refused by every command ----------------------------------------------------------


@pytest.fixture
def commands(tmp_path: Path) -> dict[str, Callable[[Path], list[object]]]:
    workbook = write_batch(tmp_path / "batch.xlsx", with_x())
    payout = write_payout(tmp_path / "payout.xlsx", [(code(9), "spin_off", None, 20000)])
    more = write_history(tmp_path / "more-history.xlsx", [(code(8), 2015, "spin_off", None, 20000)])
    return {
        "run": lambda db: ["run", workbook, "--year", 2016, "--ledger", db, "--out", tmp_path / "p.xlsx"],
        "list": lambda db: ["ledger", "list", "--ledger", db],
        "list --code": lambda db: ["ledger", "list", "--code", B3, "--ledger", db],
        "export": lambda db: ["ledger", "export", tmp_path / "export.xlsx", "--ledger", db],
        "record": lambda db: ["ledger", "record", payout, "--ledger", db],
        "import": lambda db: ["ledger", "import", more, "--ledger", db],
        "reverse": lambda db: ["ledger", "reverse", "3", "--reason", "recorded by mistake", "--ledger", db],
    }


def refused_by_every_command(db: Path, commands: dict[str, Callable[[Path], list[object]]], expected: Say) -> None:
    before = db.read_bytes()
    files = sorted(os.listdir(db.parent))
    for name, command in commands.items():
        # `run` says its refusals in English whatever --lang says; the ledger commands in both
        languages: dict[Lang, str] = {"en": "error: "} if name == "run" else {"zh": "错误：", "en": "error: "}
        for lang, prefix in languages.items():
            result = cli(*command(db), "--lang", lang)
            assert (name, lang, result.exit_code, result.stdout) == (name, lang, 2, ""), result.stderr
            assert result.stderr == f"{prefix}{expected.in_lang(lang)}\n", (name, lang)
            assert db.read_bytes() == before, name
            assert sorted(os.listdir(db.parent)) == files, name  # no journal, no export, no payout workbook


def test_a_changed_amount_is_refused_by_every_command_and_the_file_left_unchanged(
    ledger: Path, commands: dict[str, Callable[[Path], list[object]]]
) -> None:
    tamper(ledger, "UPDATE entries SET amount = '2000.00' WHERE id = 1")  # A's one-time reward: 20000.00

    refused_by_every_command(ledger, commands, entry_failed(ledger, 1))


def test_a_run_reading_a_changed_ledger_computes_nothing(tmp_path: Path, ledger: Path) -> None:
    tamper(ledger, "UPDATE entries SET year = 2017 WHERE id = 1")  # A's reward no longer before 2016
    workbook = write_batch(tmp_path / "batch.xlsx", with_x())

    with pytest.raises(runner.FatalError) as caught:
        runner.read_inputs(workbook, 2016, ledger)

    assert caught.value.say.en == entry_failed(ledger, 1).en


@pytest.mark.parametrize(
    ("change", "entry_id"),
    [
        ("UPDATE entries SET amount = '12345.76' WHERE id = 2", 2),
        ("UPDATE entries SET amount = '12345.670' WHERE id = 2", 2),  # an equal value, other text
        ("UPDATE entries SET year = 2016 WHERE id = 1", 1),
        (f"UPDATE entries SET credit_code = '{code(7)}' WHERE id = 1", 1),
        ("UPDATE entries SET measure = 'rent' WHERE id = 1", 1),
        ("UPDATE entries SET measure = 'loan_interest' WHERE id = 4", 4),
        ("UPDATE entries SET tier = '100000000' WHERE id = 3", 3),
        ("UPDATE entries SET reason = 'x' WHERE id = 4", 4),
        ("UPDATE entries SET recorded_at = '2014-01-01T00:00:00+00:00' WHERE id = 4", 4),
        ("UPDATE entries SET source_row = 9 WHERE id = 4", 4),
        ("UPDATE entries SET check_value = NULL WHERE id = 2", 2),
        (f"UPDATE entries SET check_value = '{'0' * 64}' WHERE id = 2", 2),
    ],
    ids=[
        "amount",
        "amount-text",
        "year",
        "credit-code",
        "measure",
        "measure-of-another",
        "tier",
        "reason",
        "recorded-at",
        "source-row",
        "no-check-value",
        "another-check-value",
    ],
)
def test_each_changed_field_is_detected(ledger: Path, change: str, entry_id: int) -> None:
    tamper(ledger, change)
    before = ledger.read_bytes()

    for action in (
        lambda: read_prior(ledger),
        lambda: list_entries(ledger),
        lambda: list_entries(ledger, year=2014),
        lambda: reverse(ledger, 1, "x"),
    ):
        assert refusal(action) == entry_failed(ledger, entry_id)
    assert ledger.read_bytes() == before


def test_two_entries_with_their_ids_swapped_are_detected(ledger: Path) -> None:
    tamper(
        ledger,
        "UPDATE entries SET id = -1 WHERE id = 1",
        "UPDATE entries SET id = 1 WHERE id = 2",
        "UPDATE entries SET id = 2 WHERE id = -1",
    )
    assert sorted(str(row[2]) for row in stored(ledger)) == sorted(h[0] for h in HISTORY)  # the same entries

    assert refusal(lambda: read_prior(ledger)) == check_failed(
        ledger, "条目 1、2 ", "entries 1, 2 do not match their check values"
    )


def test_an_entry_added_by_another_program_is_detected(ledger: Path) -> None:
    sql(
        ledger,
        "INSERT INTO entries (kind, credit_code, year, measure, amount, source_id, recorded_at)"
        f" VALUES ('payout', '{code(7)}', 2015, 'spin_off', '20000.00', 1, '2016-03-01T08:00:00+00:00')",
    )
    assert refusal(lambda: read_prior(ledger)) == entry_failed(ledger, 5)


def test_many_changed_entries_are_counted_and_the_first_named(tmp_path: Path, ledger: Path) -> None:
    rows = [(code(100 + n), 2016, "rent", None, n) for n in range(1, 9)]
    assert import_history(ledger, write_history(tmp_path / "more.xlsx", rows)).added == 8
    tamper(ledger, "UPDATE entries SET amount = amount || '0' WHERE id % 2 = 0")  # 2, 4, ..., 12

    assert refusal(lambda: read_prior(ledger)) == check_failed(
        ledger, "共 6 个条目（2、4、6、8、10 等）", "6 entries (2, 4, 6, 8, 10, ...) do not match their check values"
    )


def test_an_import_with_errors_over_a_changed_ledger_is_refused_for_the_change(tmp_path: Path, ledger: Path) -> None:
    """A history workbook with errors imports nothing but is compared with the ledger (conflicts)."""
    tamper(ledger, "UPDATE entries SET amount = '12345.76' WHERE id = 2")
    rows = [(B1, 2015, "rent", None, "12345.76"), (code(8), "not a year", "spin_off", None, 20000)]

    assert refusal(lambda: import_history(ledger, write_history(tmp_path / "bad.xlsx", rows))) == entry_failed(
        ledger, 2
    )


def test_recording_over_a_changed_entry_is_refused_for_the_change_not_as_a_conflict(
    tmp_path: Path, ledger: Path
) -> None:
    """Without check values this would be `already recorded as entry 1 with amount 25000.00`."""
    tamper(ledger, "UPDATE entries SET amount = '25000.00' WHERE id = 1")
    payout = write_payout(tmp_path / "payout-2015.xlsx", [(A, "spin_off", None, 20000)], run=RUN_2015)

    assert refusal(lambda: record_payout(ledger, payout)) == entry_failed(ledger, 1)


# --- a byte flipped on disk -----------------------------------------------------------------------------------


def test_a_digit_flipped_in_the_file_is_refused_and_never_gives_a_wrong_number(
    ledger: Path, commands: dict[str, Callable[[Path], list[object]]]
) -> None:
    data = bytearray(ledger.read_bytes())
    assert data.count(b"12345.67") == 1  # entry 2's amount text, in a page of the entries table
    at = data.index(b"12345.67") + len(b"12345.6")
    data[at] = ord("8")  # 12345.68: the record keeps its length, the page stays valid
    ledger.write_bytes(bytes(data))
    assert sql(ledger, "SELECT amount FROM entries WHERE id = 2") == [("12345.68",)]

    before = ledger.read_bytes()
    for name, command in commands.items():
        result = cli(*command(ledger), "--lang", "en")
        line = result.stderr.removeprefix("error: ").removesuffix("\n")
        damaged = line.startswith(f"ledger {ledger} is damaged or unreadable (")
        assert (name, result.exit_code, result.stdout) == (name, 2, ""), result.stderr
        assert damaged or line == entry_failed(ledger, 2).en, (name, result.stderr)
        assert "12345.68" not in result.stderr and "12,345.68" not in result.stderr
        assert ledger.read_bytes() == before, name


# --- a deleted entry (schema 3: the count and running check value of all entries) ---------------------------


def documented_chain(check_values: Sequence[object]) -> str:
    """The running check value computed here from the form documented in ``chain_digest``."""
    digest = hashlib.sha256(b"tongnan-calc ledger entries 1").hexdigest()
    for value in check_values:
        digest = hashlib.sha256(f"{digest}\n{value}".encode("ascii")).hexdigest()
    return digest


def chain(db: Path) -> dict[str, str]:
    return {str(k): str(v) for k, v in sql(db, "SELECT key, value FROM meta WHERE key LIKE 'entries_%'")}


def assert_chain_matches(db: Path) -> None:
    values = [row[-1] for row in stored(db)]
    assert chain(db) == {"entries_count": str(len(values)), "entries_digest": documented_chain(values)}


def delete(db: Path, *statements: str) -> None:
    """Delete entries as another program could: the no-delete trigger dropped first."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER IF EXISTS entries_no_delete")
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


def chain_failed(db: Path, which_zh: str, which_en: str) -> Say:
    return Say(
        f"台账 {db}：{which_zh}（是否在 tongnan-calc 之外被删除或改动过？），文件未作任何改动：请从备份恢复台账",
        f"ledger {db}: {which_en} (deleted or changed outside tongnan-calc?); it was left unchanged:"
        " restore the ledger from a backup",
    )


def test_the_count_and_running_check_value_follow_every_insert(tmp_path: Path, ledger: Path) -> None:
    assert_chain_matches(ledger)
    record_payout(ledger, write_payout(tmp_path / "payout.xlsx", [(code(9), "spin_off", None, 20000)]))
    assert_chain_matches(ledger)
    reverse(ledger, 2, "wrong enterprise")
    assert_chain_matches(ledger)
    assert chain(ledger)["entries_count"] == "6"
    assert integrity.chain_digest([]) == documented_chain([]) == integrity.CHAIN_START


def test_a_new_empty_ledger_has_a_count_of_zero(tmp_path: Path) -> None:
    db = new_ledger(tmp_path / "new.sqlite")
    assert chain(db) == {"entries_count": "0", "entries_digest": documented_chain([])}
    assert record_payout(db, write_payout(tmp_path / "payout.xlsx", [])).added == 0
    assert chain(db) == {"entries_count": "0", "entries_digest": documented_chain([])}
    assert read_prior(db).entries == 0


def test_a_deleted_payout_is_refused_by_every_command_and_the_file_left_unchanged(
    ledger: Path, commands: dict[str, Callable[[Path], list[object]]]
) -> None:
    # deleting A's spin-off (entry 1) would pay the one-time reward again
    delete(ledger, "DELETE FROM entries WHERE id = 1")

    refused_by_every_command(ledger, commands, chain_failed(ledger, "条目 1 缺失", "entry 1 is missing"))


def test_the_last_entries_deleted_are_detected_by_the_count(ledger: Path) -> None:
    delete(ledger, "DELETE FROM entries WHERE id >= 3")

    assert refusal(lambda: read_prior(ledger)) == chain_failed(ledger, "条目 3、4 缺失", "entries 3, 4 are missing")


def test_a_deleted_entry_with_the_count_lowered_is_detected_by_the_running_check_value(ledger: Path) -> None:
    delete(ledger, "DELETE FROM entries WHERE id = 4", "UPDATE meta SET value = '3' WHERE key = 'entries_count'")

    assert refusal(lambda: list_entries(ledger)) == chain_failed(
        ledger,
        "现有 3 个条目，与记录的 3 个条目及其累计校验值不符",
        "its 3 entries do not match the 3 recorded and their running check value",
    )


def test_a_deleted_count_is_refused(ledger: Path) -> None:
    delete(ledger, "DELETE FROM meta WHERE key = 'entries_count'")

    assert refusal(lambda: read_prior(ledger)) == chain_failed(
        ledger,
        "缺少台账的条目数和累计校验值",
        "the ledger's count and running check value of its entries are missing",
    )


def test_an_entry_deleted_and_the_others_renumbered_is_refused_for_their_check_values(ledger: Path) -> None:
    delete(ledger, "DELETE FROM entries WHERE id = 1")
    tamper(ledger, "UPDATE entries SET id = id - 1")

    assert refusal(lambda: read_prior(ledger)) == check_failed(
        ledger, "条目 1、2、3 ", "entries 1, 2, 3 do not match their check values"
    )


def as_schema_2(db: Path) -> None:
    """The ledger as schema 2 wrote it: the same tables, no count nor running check value."""
    delete(db, "DELETE FROM meta WHERE key IN ('entries_count', 'entries_digest')", "PRAGMA user_version = 2")


def test_a_schema_2_ledger_is_migrated_when_first_read(ledger: Path) -> None:
    as_schema_2(ledger)
    assert chain(ledger) == {}

    assert read_prior(ledger).entries == 4

    assert sql(ledger, "PRAGMA user_version") == [(3,)]
    assert_chain_matches(ledger)


def test_a_schema_2_ledger_with_an_entry_deleted_or_changed_is_not_migrated(ledger: Path) -> None:
    as_schema_2(ledger)
    delete(ledger, "DELETE FROM entries WHERE id = 2")
    before = ledger.read_bytes()

    assert refusal(lambda: read_prior(ledger)) == chain_failed(ledger, "条目 2 缺失", "entry 2 is missing")
    assert ledger.read_bytes() == before
    tamper(ledger, "UPDATE entries SET amount = '1.00' WHERE id = 3")
    assert refusal(lambda: read_prior(ledger)) == entry_failed(ledger, 3)
    assert sql(ledger, "PRAGMA user_version") == [(2,)]


def test_a_schema_2_ledger_that_cannot_be_written_is_read_with_check_values_only(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    as_schema_2(ledger)
    before = ledger.read_bytes()

    def read_only(conn: sqlite3.Connection, version: int) -> None:
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(connection, "_migrate", read_only)

    assert read_prior(ledger).entries == 4
    assert ledger.read_bytes() == before
    tamper(ledger, "UPDATE entries SET amount = '1.00' WHERE id = 3")
    assert refusal(lambda: read_prior(ledger)) == entry_failed(ledger, 3)
