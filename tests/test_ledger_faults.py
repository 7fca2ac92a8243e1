"""The payout ledger under faults, through the command line and real processes.

tests/test_ledger.py covers the library: a crash injected before COMMIT, a lock held in
the same process, a newer schema, random bytes.  Here: a ``ledger record`` process killed
by a real signal while SQLite is writing the file, Ctrl-C inside the transaction, a lock
held by another process (waited for, then a clear message), a newer schema and realistic
damage (a zeroed page, a truncated file, a damaged schema, a bad amount) through every
command that opens the ledger; each is refused in one line and the file is never rewritten.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hostile import MAIN, A, child_env, cli, cli_child, run_child, with_x, write_batch
from ledger_helpers import code, new_ledger, sql, write_history, write_payout

from tongnan_calc import __version__
from tongnan_calc.ledger import SCHEMA_VERSION

ROWS = 6000  # payouts in the big payout workbook: the commit writes many pages
LOCKED = "error: ledger is locked by another writer: try again\n"


@pytest.fixture(scope="module")
def big_payout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("faults")
    return write_payout(folder / "big.xlsx", [(code(n), "rent", None, n) for n in range(1, ROWS + 1)])


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    """A ledger holding one payout: A's spin-off reward of 2015."""
    db = new_ledger(tmp_path / "ledger.sqlite")
    history = write_history(tmp_path / "history.xlsx", [(A, 2015, "spin_off", None, 20000)])
    assert cli("ledger", "import", history, "--ledger", db).exit_code == 0
    return db


def journal(db: Path) -> Path:
    return Path(f"{db}-journal")


def entries(db: Path) -> list[tuple[object, ...]]:
    return sql(db, "SELECT id, kind, credit_code, year, measure, tier, amount FROM entries ORDER BY id")


# --- killed in the middle of `ledger record` ----------------------------------------------------------


def record_and_kill_while_writing(db: Path, workbook: Path, signum: int) -> tuple[int, int]:
    """Start ``ledger record``; the moment its commit begins (the rollback journal gets content,
    or the database file changes size), send ``signum``.
    Returns (return code, size of the journal left behind)."""
    size = db.stat().st_size
    process = subprocess.Popen(
        [sys.executable, "-c", MAIN, "ledger", "record", str(workbook), "--ledger", str(db)],
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started = time.monotonic()
    try:
        while process.poll() is None and time.monotonic() - started < 60:
            started_writing = journal(db).exists() and journal(db).stat().st_size > 0
            if started_writing or db.stat().st_size != size:
                process.send_signal(signum)
                break
    finally:
        process.wait(timeout=60)
    left = journal(db).stat().st_size if journal(db).exists() else 0
    return process.returncode, left


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killed_while_writing_the_ledger_leaves_it_as_it_was(
    tmp_path: Path, ledger: Path, big_payout: Path, signum: signal.Signals
) -> None:
    before = entries(ledger)
    pristine = ledger.read_bytes()
    half_written = 0
    for attempt in range(5):  # the signal lands mid-commit nearly always; after the commit is fine too
        db = tmp_path / f"attempt-{attempt}.sqlite"
        db.write_bytes(pristine)
        returncode, hot = record_and_kill_while_writing(db, big_payout, signum)
        listed = cli("ledger", "list", "--ledger", db)  # the next open rolls a half-written commit back
        assert listed.exit_code == 0, listed.stderr
        after = entries(db)
        if returncode == -signum and hot > 0:  # killed during the commit
            half_written += 1
            assert after == before
        else:  # the commit was complete before the signal arrived: all of it is there
            assert after[: len(before)] == before and len(after) == len(before) + ROWS
        again = cli("ledger", "record", big_payout, "--ledger", db)
        assert again.exit_code == 0, again.stderr
        assert len(entries(db)) == len(before) + ROWS
        assert not journal(db).exists()
        if half_written:
            break
    assert half_written, "no signal landed while the ledger was being committed"


SLOW_INSERT = """
import os, sys, time
from pathlib import Path
from tongnan_calc.ledger import record
original = record._insert_payouts
def slow(conn, source, payouts):
    original(conn, source, payouts)
    Path(os.environ["TONGNAN_TEST_READY"]).touch()  # the rows are inserted, not committed
    time.sleep(60)
record._insert_payouts = slow
from tongnan_calc.cli.app import main
sys.argv[0] = "tongnan-calc"
main()
"""


def interrupt_inside_the_transaction(tmp_path: Path, ledger: Path, big_payout: Path) -> str:
    """Ctrl-C while ``ledger record`` holds its rows uncommitted; returns stderr."""
    before = entries(ledger)
    ready = tmp_path / "ready"
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_INSERT, "ledger", "record", str(big_payout), "--ledger", str(ledger)],
        env=child_env({"TONGNAN_TEST_READY": str(ready)}),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = time.monotonic()
    while not ready.exists() and process.poll() is None and time.monotonic() - started < 60:
        time.sleep(0.01)
    assert ready.exists(), process.communicate(timeout=5)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=30)
    assert (process.returncode, out) == (130, "")
    assert "Traceback" not in err
    assert entries(ledger) == before
    assert not journal(ledger).exists()
    return err


def test_ctrl_c_inside_the_transaction_rolls_back(tmp_path: Path, ledger: Path, big_payout: Path) -> None:
    interrupt_inside_the_transaction(tmp_path, ledger, big_payout)


def test_ctrl_c_says_interrupted(tmp_path: Path, ledger: Path, big_payout: Path) -> None:
    assert interrupt_inside_the_transaction(tmp_path, ledger, big_payout) == "错误：已中断\n"  # Chinese by default


# --- another writer holds the lock --------------------------------------------------------------------

HOLDER = """
import sqlite3, sys, time
from pathlib import Path
db, mode, seconds, ready = sys.argv[1], sys.argv[2], float(sys.argv[3]), Path(sys.argv[4])
conn = sqlite3.connect(db, isolation_level=None)
conn.execute(f"BEGIN {mode}")
conn.execute("INSERT INTO meta (key, value) VALUES ('held_by', 'another writer')")
ready.touch()
time.sleep(seconds)
conn.execute("ROLLBACK")
"""


@pytest.fixture
def holder(tmp_path: Path) -> Iterator[Callable[[Path, str, float], subprocess.Popen[bytes]]]:
    """Start another process that holds the ledger's lock (IMMEDIATE or EXCLUSIVE) for some seconds."""
    started: list[subprocess.Popen[bytes]] = []

    def hold(db: Path, mode: str, seconds: float) -> subprocess.Popen[bytes]:
        ready = tmp_path / f"held-{len(started)}"
        process = subprocess.Popen([sys.executable, "-c", HOLDER, str(db), mode, str(seconds), str(ready)])
        started.append(process)
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert process.poll() is None and time.monotonic() < deadline, "the lock holder did not start"
            time.sleep(0.01)
        return process

    yield hold
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()


PATIENCE = """
import sys
from tongnan_calc.ledger import connection
connection.BUSY_TIMEOUT_S = float(sys.argv.pop(1))
from tongnan_calc.cli.app import main
main()
"""


def test_a_writer_waits_for_another_writer_then_records(
    tmp_path: Path, ledger: Path, holder: Callable[..., subprocess.Popen[bytes]]
) -> None:
    payout = write_payout(tmp_path / "payout.xlsx", [(code(1), "spin_off", None, 20000)])
    other = holder(ledger, "IMMEDIATE", 1.5)
    child = cli_child("ledger", "record", payout, "--ledger", ledger)
    assert child.returncode == 0, child.stderr
    assert child.seconds >= 1.0  # it waited for the other writer (the default patience is 10 s)
    assert other.wait(timeout=10) == 0
    assert len(entries(ledger)) == 2


def test_a_writer_locked_out_too_long_gives_up_with_one_clear_line(
    tmp_path: Path, ledger: Path, holder: Callable[..., subprocess.Popen[bytes]]
) -> None:
    payout = write_payout(tmp_path / "payout.xlsx", [(code(1), "spin_off", None, 20000)])
    before = entries(ledger)
    holder(ledger, "IMMEDIATE", 30)
    child = run_child([PATIENCE, "1.0", "ledger", "record", payout, "--ledger", ledger, "--lang", "en"])
    assert (child.returncode, child.stdout, child.stderr) == (2, "", LOCKED)
    assert 1.0 <= child.seconds < 8, child.seconds
    assert entries(ledger) == before


def test_a_run_waits_for_a_committing_writer_then_reads(
    tmp_path: Path, ledger: Path, holder: Callable[..., subprocess.Popen[bytes]]
) -> None:
    workbook = write_batch(tmp_path / "batch.xlsx", with_x())
    holder(ledger, "EXCLUSIVE", 1.5)  # a writer in the middle of its commit: readers must wait
    child = cli_child("run", workbook, "--year", 2016, "--ledger", ledger, "--json", "-")
    assert child.returncode == 0, child.stderr
    assert child.seconds >= 1.0
    assert '"prior_payouts_read": 1' in child.stdout


def test_a_run_locked_out_too_long_is_one_clear_line(
    tmp_path: Path, ledger: Path, holder: Callable[..., subprocess.Popen[bytes]]
) -> None:
    workbook = write_batch(tmp_path / "batch.xlsx", with_x())
    holder(ledger, "EXCLUSIVE", 30)
    child = run_child(
        [
            PATIENCE,
            "1.0",
            "run",
            workbook,
            "--year",
            2016,
            "--ledger",
            ledger,
            "--out",
            tmp_path / "p.xlsx",
            "--lang",
            "en",
        ]
    )
    assert (child.returncode, child.stdout, child.stderr) == (2, "", LOCKED)
    assert not (tmp_path / "p.xlsx").exists()


# --- a newer schema, a damaged file: refused by every command, never rewritten ------------------------------


@pytest.fixture
def commands(tmp_path: Path) -> dict[str, Callable[[Path], list[object]]]:
    workbook = write_batch(tmp_path / "batch.xlsx", with_x())
    payout = write_payout(tmp_path / "payout.xlsx", [(code(1), "spin_off", None, 20000)])
    history = write_history(tmp_path / "more-history.xlsx", [(code(2), 2015, "spin_off", None, 20000)])
    export = tmp_path / "export.xlsx"
    english = ["--lang", "en"]  # these tests pin the English messages; test_ledger_lang.py the Chinese
    return {
        "run": lambda db: ["run", workbook, "--year", 2016, "--ledger", db, "--out", tmp_path / "p.xlsx", *english],
        "list": lambda db: ["ledger", "list", "--ledger", db, *english],
        "export": lambda db: ["ledger", "export", export, "--ledger", db, *english],
        "record": lambda db: ["ledger", "record", payout, "--ledger", db, *english],
        "import": lambda db: ["ledger", "import", history, "--ledger", db, *english],
        "reverse": lambda db: ["ledger", "reverse", "1", "--reason", "recorded by mistake", "--ledger", db, *english],
    }


def refused_by_every_command(
    db: Path, commands: dict[str, Callable[[Path], list[object]]], message: Callable[[str], bool]
) -> None:
    before = db.read_bytes()
    folder = db.parent
    files = sorted(os.listdir(folder))
    for name, command in commands.items():
        result = cli(*command(db))
        assert (name, result.exit_code, result.stdout) == (name, 2, ""), (result.stderr, result.exception)
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (name, result.stderr)
        assert message(lines[0].removeprefix("error: ")), (name, lines[0])
        assert db.read_bytes() == before, name
        assert sorted(os.listdir(folder)) == files, name  # no journal, no export, no payout workbook


def test_a_ledger_of_a_newer_schema_is_refused_by_every_command(
    ledger: Path, commands: dict[str, Callable[[Path], list[object]]]
) -> None:
    newer = SCHEMA_VERSION + 1
    sql(ledger, f"PRAGMA user_version = {newer}")
    expected = (
        f"ledger {ledger} has schema version {newer}, newer than this tongnan-calc {__version__} understands"
        f" ({SCHEMA_VERSION}): upgrade tongnan-calc"
    )
    refused_by_every_command(ledger, commands, lambda line: line == expected)


def page_size(db: Path) -> int:
    return int(sql(db, "PRAGMA page_size")[0][0])  # type: ignore[call-overload]


def grown(db: Path, tmp_path: Path) -> Path:
    """The ledger with 400 payouts more, so that damage lands in the entries' pages."""
    rows = [(code(n), 2016, "rent", None, n) for n in range(1, 401)]
    assert cli("ledger", "import", write_history(tmp_path / "grow.xlsx", rows), "--ledger", db).exit_code == 0
    return db


def zero_the_page_holding(db: Path, *needles: bytes) -> int:
    """Zero the first page that holds every one of ``needles``; return its number (0-based)."""
    data = bytearray(db.read_bytes())
    size = page_size(db)
    for number in range(1, len(data) // size):
        page = data[number * size : (number + 1) * size]
        if all(needle in page for needle in needles):
            data[number * size : (number + 1) * size] = bytes(size)
            db.write_bytes(bytes(data))
            return number
    raise AssertionError(f"no page holds {needles}")


def zero_an_entries_page(db: Path) -> None:
    """A page of the entries table: it holds payout 200's credit code and its amount text."""
    zero_the_page_holding(db, code(200).encode(), b"200.00")


def cut(fraction: float) -> Callable[[Path], None]:
    def damage(db: Path) -> None:
        data = db.read_bytes()
        db.write_bytes(data[: int(len(data) * fraction) // page_size(db) * page_size(db)])

    return damage


def drop_last_page(db: Path) -> None:
    data = db.read_bytes()
    db.write_bytes(data[: len(data) - page_size(db)])


DAMAGED = "is damaged or unreadable ("


@pytest.mark.parametrize(
    "damage",
    [zero_an_entries_page, cut(0.5), drop_last_page],
    ids=["a-zeroed-entries-page", "cut-in-half", "last-page-missing"],
)
def test_a_damaged_ledger_is_refused_by_every_command_and_never_rewritten(
    tmp_path: Path, ledger: Path, commands: dict[str, Callable[[Path], list[object]]], damage: Callable[[Path], None]
) -> None:
    damage(grown(ledger, tmp_path))
    refused_by_every_command(
        ledger,
        commands,
        lambda line: line.startswith(f"ledger {ledger} {DAMAGED}") and line.endswith("); it was left unchanged"),
    )


def test_a_zeroed_index_page_is_read_exactly_and_refused_for_writing(
    tmp_path: Path, ledger: Path, commands: dict[str, Callable[[Path], list[object]]]
) -> None:
    """Damage that a read does not touch (a page of the index on credit code, year, measure): the
    reading commands give exactly what the ledger holds, the writing ones refuse it (quick_check)."""
    grown(ledger, tmp_path)
    expected = sql(ledger, "SELECT credit_code, year, measure, amount FROM entries ORDER BY id")
    assert len(expected) == 401
    # an index page holds codes with the year and the measure but no amount text
    data = ledger.read_bytes()
    size = page_size(ledger)
    pages = [n for n in range(1, len(data) // size) if code(300).encode() in data[n * size : (n + 1) * size]]
    index_pages = [n for n in pages if b"300.00" not in data[n * size : (n + 1) * size]]
    assert index_pages, pages
    damaged = bytearray(data)
    damaged[index_pages[0] * size : (index_pages[0] + 1) * size] = bytes(size)
    ledger.write_bytes(bytes(damaged))
    assert sql(ledger, "SELECT credit_code, year, measure, amount FROM entries ORDER BY id") == expected

    listed = cli("ledger", "list", "--ledger", ledger, "--lang", "en")
    assert listed.exit_code == 0 and listed.stdout.endswith("401 entries; 401 payouts in force, 100,200.00 yuan\n")
    writers = {name: commands[name] for name in ("record", "import", "reverse")}
    refused_by_every_command(
        ledger,
        writers,
        lambda line: line.startswith(f"ledger {ledger} {DAMAGED}") and line.endswith("); it was left unchanged"),
    )


def bypass_triggers(db: Path, statement: str) -> None:
    """Change an entry as another program could: the append-only triggers dropped first."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER entries_no_update")
        conn.execute(statement)
    finally:
        conn.close()


@pytest.mark.parametrize("amount", ["abc", "NaN", "Infinity", "", "20,000.00"])
def test_an_entry_with_an_amount_that_is_not_a_number_is_refused(
    ledger: Path, commands: dict[str, Callable[[Path], list[object]]], amount: str
) -> None:
    bypass_triggers(ledger, f"UPDATE entries SET amount = '{amount}' WHERE id = 1")
    expected = f"ledger entry 1 has a bad amount {amount!r}"
    readers = {name: commands[name] for name in ("run", "list", "export")}
    refused_by_every_command(ledger, readers, lambda line: line == expected)


@pytest.mark.parametrize("target", ["/dev/null", "a-folder"])
def test_a_ledger_that_is_not_a_file_is_refused(
    tmp_path: Path, commands: dict[str, Callable[[Path], list[object]]], target: str
) -> None:
    db = tmp_path / "ledger.sqlite"
    if target == "/dev/null":
        db.symlink_to("/dev/null")
    else:
        db.mkdir()
    for name, command in commands.items():
        result = cli(*command(db))
        assert (name, result.exit_code) == (name, 2), result.stderr
        kind = "a character device" if target == "/dev/null" else "a directory"
        assert result.stderr == f"error: ledger {db} is {kind}, not a file\n", (name, result.stderr)
    assert Path("/dev/null").is_char_device()


def test_a_ledger_with_a_damaged_schema_is_refused_as_damaged(
    ledger: Path, commands: dict[str, Callable[[Path], list[object]]]
) -> None:
    """Once 'internal error: UnicodeDecodeError': SQLite's message quoted the invalid byte."""
    data = bytearray(ledger.read_bytes())
    at = data.index(b"CREATE TRIGGER entries_no_update") + len(b"CREATE TRIGGER entries_no_update") + 3
    data[at] = 0xFF
    ledger.write_bytes(bytes(data))
    refused_by_every_command(ledger, commands, lambda line: line.startswith(f"ledger {ledger} {DAMAGED}"))
