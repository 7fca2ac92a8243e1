"""The payout ledger (SPEC §6): what was actually paid, in an embedded SQLite file.

The run reads it for prior payouts (one-time rewards, the data-line period, the
lifetime interest cap); clerks fill it by importing history paid before the tool
existed (``import_history``) and by recording approved payout workbooks
(``record_payout``).  Entries are never changed or deleted: a payout entered by
mistake is cancelled by a reversing entry (``reverse``).

Safety:

- every write is one ``BEGIN IMMEDIATE`` transaction (busy timeout
  ``BUSY_TIMEOUT_S``), so two clerks writing at once are serialised and an
  interrupted write leaves the ledger as it was (SQLite's journal);
- a file that is not a ledger (another SQLite database, random bytes, an empty
  file when reading) is refused before SQLite writes anything to it;
- the schema is versioned (``PRAGMA application_id`` marks the file as ours,
  ``PRAGMA user_version`` holds ``SCHEMA_VERSION``); an older file is migrated
  in one transaction by ``MIGRATIONS``, a newer one is refused;
- amounts are TEXT decimals (two places), tiers TEXT decimals: never REAL.

No typer or rich here: ``cli_ledger`` is the shell.
"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, Literal

from python_calamine import CalamineError, CalamineWorkbook

from tongnan_calc import __version__, cells, payout_layout, uscc
from tongnan_calc.cells import Bad, Cell
from tongnan_calc.measures import MEASURES
from tongnan_calc.model import InputIssue, PriorPayout
from tongnan_calc.money import CENT, canonical, fmt
from tongnan_calc.outputs import save_atomic
from tongnan_calc.say import Say, UserError, as_say
from tongnan_calc.seal import file_sha256, seal

# --- where the ledger lives ----------------------------------------------------------

LEDGER_ENV: Final = "TONGNAN_LEDGER"
DEFAULT_LEDGER_NAME: Final = "tongnan-ledger.sqlite"


def default_ledger_path() -> Path:
    """``$TONGNAN_LEDGER`` when set, else ``tongnan-ledger.sqlite`` in the current folder."""
    configured = os.environ.get(LEDGER_ENV, "").strip()
    return Path(configured) if configured else Path(DEFAULT_LEDGER_NAME)


# --- constants -------------------------------------------------------------------------

SCHEMA_VERSION: Final = 1
APPLICATION_ID: Final = 0x544E4C47  # "TNLG": marks an SQLite file as a tongnan-calc ledger
BUSY_TIMEOUT_S: Final = 10.0
SQLITE_HEADER: Final = b"SQLite format 3\x00"

SALES_MILESTONE: Final = "sales_milestone"
# The measures that pay money (SPEC §4); the flags (key_support, demo_priority) never do.
MONEY_MEASURES: Final[tuple[str, ...]] = tuple(
    m for m in MEASURES if m in {"rent", "spin_off", "data_line", "sales_milestone", "loan_interest"}
)
FLAG_MEASURES: Final[tuple[str, ...]] = tuple(m for m in MEASURES if m not in MONEY_MEASURES)

LOCKED: Final = "ledger is locked by another writer: try again"

EntryKind = Literal["payout", "reversal"]


class LedgerError(UserError):
    """A ledger operation that cannot be done; the message is one line for the user."""

    def __init__(self, message: Say | str) -> None:
        text = as_say(message)
        super().__init__(Say(" ".join(text.zh.split("\n")), " ".join(text.en.split("\n"))))


# --- results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerSnapshot:
    """What ``read_prior`` found: every payout in force (not reversed), of every year."""

    path: str
    payouts: tuple[PriorPayout, ...]
    entries: int  # every entry in the ledger: payouts in force, reversed payouts, reversals


@dataclass(frozen=True)
class Entry:
    """One ledger entry: a payout, or a reversal cancelling one (negative amount)."""

    id: int
    kind: EntryKind
    credit_code: str
    year: int
    measure: str
    tier: Decimal | None
    amount: Decimal
    recorded_at: str  # ISO 8601, UTC
    source: str  # e.g. "record payout-2015.xlsx row 3", "import history.xlsx row 7", "reverse"
    reverses: int | None = None  # a reversal: the payout it cancels
    reversed_by: int | None = None  # a payout: the reversal that cancelled it
    reason: str = ""

    @property
    def in_force(self) -> bool:
        """A payout that counts as paid (not reversed)."""
        return self.kind == "payout" and self.reversed_by is None


@dataclass(frozen=True)
class ImportReport:
    """The result of ``import_history``.

    ``imported`` is False when the workbook had errors and ``allow_errors`` was not
    given: then nothing was written (``added`` is 0).
    """

    ledger: str
    workbook: str
    sheet: str
    rows_read: int
    added: int
    already_recorded: int
    rejected: int  # rows with errors, never imported
    issues: tuple[InputIssue, ...]
    imported: bool

    @property
    def has_errors(self) -> bool:
        return any(issue.severity == "error" for issue in self.issues)


@dataclass(frozen=True)
class RecordReport:
    """The result of ``record_payout``: every row was recorded or already recorded."""

    ledger: str
    workbook: str
    year: int
    rules_version: str
    rows_read: int
    added: int
    already_recorded: int
    amount_added: Decimal
    # recorded, but worth a look: a one-time reward paid twice, a run made without a ledger
    warnings: tuple[str, ...] = ()


# --- messages --------------------------------------------------------------------------


def _missing(path: Path) -> str:
    return f"ledger {path} does not exist: create it with `tongnan-calc ledger import` or `ledger record`"


def _not_a_ledger(path: Path, why: str) -> str:
    return f"{path} is not a tongnan-calc ledger ({why}); it was left unchanged"


def _damaged(path: Path, exc: sqlite3.Error) -> str:
    return f"ledger {path} is damaged or unreadable ({exc}); it was left unchanged"


# --- decimal text ----------------------------------------------------------------------


def money_text(amount: Decimal) -> str:
    """An amount as stored: two decimals, no grouping (``20000.00``)."""
    return fmt(amount)


def tier_text(tier: Decimal | None) -> str | None:
    return None if tier is None else f"{canonical(tier):f}"


def _has_cents_only(amount: Decimal) -> bool:
    return amount == amount.quantize(CENT)


# --- opening the file --------------------------------------------------------------------


def _precheck(path: Path, *, create: bool) -> bool:
    """Refuse what is not a ledger before SQLite opens it (so it is never rewritten).

    Returns whether the file is fresh (missing, or empty): only a fresh file may
    become a new ledger.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        if not create:
            raise LedgerError(_missing(path)) from None
        if not path.parent.is_dir():
            raise LedgerError(f"cannot create ledger {path}: folder {path.parent} does not exist") from None
        return True
    except OSError as exc:
        raise LedgerError(f"cannot open ledger {path}: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise LedgerError(f"ledger {path} is not a file")
    if info.st_size == 0:
        if not create:
            raise LedgerError(_not_a_ledger(path, "an empty file"))
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise LedgerError(f"cannot open ledger {path}: {exc.strerror}") from None
    if head != SQLITE_HEADER:
        raise LedgerError(_not_a_ledger(path, "not an SQLite database"))
    return False


def _connect(path: Path, *, create: bool) -> sqlite3.Connection:
    uri = f"{path.resolve().as_uri()}?mode={'rwc' if create else 'rw'}"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as exc:
        raise LedgerError(f"cannot open ledger {path}: {exc}") from None
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _is_locked(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


@contextmanager
def _sqlite_errors(path: Path) -> Iterator[None]:
    """Turn SQLite's exceptions into one-line ``LedgerError`` messages."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        text = str(exc).lower()
        if _is_locked(exc):
            raise LedgerError(LOCKED) from None
        if "readonly" in text:
            raise LedgerError(f"ledger {path} cannot be written: the file or its folder is read-only") from None
        if "unable to open" in text:
            raise LedgerError(f"cannot open ledger {path}: {exc}") from None
        raise LedgerError(_damaged(path, exc)) from None
    except sqlite3.Error as exc:
        raise LedgerError(_damaged(path, exc)) from None
    except UnicodeDecodeError as exc:  # SQLite's own message, from a damaged schema, is not UTF-8
        raise LedgerError(f"ledger {path} is damaged or unreadable ({exc.reason}); it was left unchanged") from None


@contextmanager
def _transaction(conn: sqlite3.Connection, begin: str) -> Iterator[None]:
    """``begin`` ... COMMIT, or ROLLBACK on any exception (including Ctrl-C)."""
    conn.execute(begin)
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        raise


def _pragma_int(conn: sqlite3.Connection, name: str) -> int:
    row = conn.execute(f"PRAGMA {name}").fetchone()
    return int(row[0])


def _schema_state(conn: sqlite3.Connection, path: Path) -> int:
    """The file's schema version; 0 for a brand-new (empty) database.  Refuses others."""
    app_id = _pragma_int(conn, "application_id")
    version = _pragma_int(conn, "user_version")
    if app_id == 0 and version == 0 and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
        return 0
    if app_id != APPLICATION_ID:
        raise LedgerError(_not_a_ledger(path, "an SQLite database of another program"))
    if version > SCHEMA_VERSION:
        raise LedgerError(
            f"ledger {path} has schema version {version}, newer than this tongnan-calc "
            f"{__version__} understands ({SCHEMA_VERSION}): upgrade tongnan-calc"
        )
    if version < 1:
        raise LedgerError(_not_a_ledger(path, f"unknown schema version {version}"))
    return version


def _prepare_for_write(conn: sqlite3.Connection, path: Path, *, fresh: bool) -> None:
    """Inside BEGIN IMMEDIATE: create a new ledger, migrate an old one, check it is sound.

    Only a ``fresh`` file (missing or empty before this write) becomes a new ledger.
    """
    version = _schema_state(conn, path)
    if version == 0:
        if not fresh:
            raise LedgerError(_not_a_ledger(path, "an empty SQLite database"))
        _create_schema(conn)
        return
    check = conn.execute("PRAGMA quick_check").fetchone()
    if check is None or check[0] != "ok":
        raise LedgerError(_damaged(path, sqlite3.DatabaseError(str(check and check[0]))))
    if version < SCHEMA_VERSION:
        _migrate(conn, version)


@contextmanager
def _writing(path: Path, *, create: bool = True) -> Iterator[sqlite3.Connection]:
    """One write transaction on the ledger at ``path`` (created when missing if ``create``)."""
    fresh = _precheck(path, create=create)
    with _sqlite_errors(path):
        conn = _connect(path, create=create)
        try:
            with _transaction(conn, "BEGIN IMMEDIATE"):
                _prepare_for_write(conn, path, fresh=fresh)
                yield conn
        finally:
            conn.close()


@contextmanager
def _reading(path: Path) -> Iterator[sqlite3.Connection]:
    """One consistent read of an existing ledger (an old schema is migrated first)."""
    _precheck(path, create=False)
    with _sqlite_errors(path):
        conn = _connect(path, create=False)
        try:
            with _transaction(conn, "BEGIN"):
                version = _schema_state(conn, path)
            if version == 0:
                raise LedgerError(_not_a_ledger(path, "an empty SQLite database"))
            if version < SCHEMA_VERSION:
                with _transaction(conn, "BEGIN IMMEDIATE"):
                    _prepare_for_write(conn, path, fresh=False)
            with _transaction(conn, "BEGIN"):
                yield conn
        finally:
            conn.close()


# --- schema ----------------------------------------------------------------------------

SCHEMA: Final[tuple[str, ...]] = (
    """CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    # Where entries came from: one row per import, record or reversal that added any.
    """CREATE TABLE sources (
        id            INTEGER PRIMARY KEY,
        kind          TEXT NOT NULL CHECK (kind IN ('import', 'record', 'reverse')),
        file_name     TEXT,
        file_sha256   TEXT,
        year          INTEGER,
        rules_version TEXT,
        rules_sha256  TEXT,
        input_sha256  TEXT,
        tool_version  TEXT NOT NULL,
        recorded_at   TEXT NOT NULL
    )""",
    # Append-only.  amount and tier are TEXT decimals (exact); a reversal carries the
    # negated amount of the payout it cancels and names it in `reverses`.
    """CREATE TABLE entries (
        id          INTEGER PRIMARY KEY,
        kind        TEXT NOT NULL CHECK (kind IN ('payout', 'reversal')),
        credit_code TEXT NOT NULL,
        year        INTEGER NOT NULL CHECK (typeof(year) = 'integer'),
        measure     TEXT NOT NULL,
        tier        TEXT CHECK (tier IS NULL OR typeof(tier) = 'text'),
        amount      TEXT NOT NULL CHECK (typeof(amount) = 'text'),
        source_id   INTEGER NOT NULL REFERENCES sources (id),
        source_row  INTEGER,
        reverses    INTEGER UNIQUE REFERENCES entries (id),
        reason      TEXT NOT NULL DEFAULT '',
        recorded_at TEXT NOT NULL,
        CHECK ((kind = 'reversal') = (reverses IS NOT NULL)),
        CHECK ((measure = 'sales_milestone') = (tier IS NOT NULL))
    )""",
    "CREATE INDEX entries_key ON entries (credit_code, year, measure)",
    """CREATE VIEW payouts_in_force AS
        SELECT p.* FROM entries AS p
        WHERE p.kind = 'payout'
          AND NOT EXISTS (SELECT 1 FROM entries AS r WHERE r.reverses = p.id)""",
    """CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
        BEGIN SELECT RAISE(ABORT, 'ledger entries are never changed: reverse one instead'); END""",
    """CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries
        BEGIN SELECT RAISE(ABORT, 'ledger entries are never deleted: reverse one instead'); END""",
    """CREATE TRIGGER entries_one_in_force BEFORE INSERT ON entries
        WHEN NEW.kind = 'payout' AND EXISTS (
            SELECT 1 FROM payouts_in_force AS p
            WHERE p.credit_code = NEW.credit_code AND p.year = NEW.year
              AND p.measure = NEW.measure AND p.tier IS NEW.tier)
        BEGIN SELECT RAISE(ABORT, 'this payout is already in force'); END""",
    """CREATE TRIGGER entries_reversal_of_payout BEFORE INSERT ON entries
        WHEN NEW.kind = 'reversal' AND NOT EXISTS (
            SELECT 1 FROM entries AS p WHERE p.id = NEW.reverses AND p.kind = 'payout')
        BEGIN SELECT RAISE(ABORT, 'a reversal must cancel a payout'); END""",
)

# MIGRATIONS[v] upgrades a ledger of schema v to v + 1 (run inside the write transaction).
MIGRATIONS: dict[int, tuple[str, ...]] = {}


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _create_schema(conn: sqlite3.Connection) -> None:
    for statement in SCHEMA:
        conn.execute(statement)
    conn.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?)",
        [("format", "tongnan-calc ledger"), ("created_at", _now()), ("created_by", __version__)],
    )
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    """Upgrade step by step to ``SCHEMA_VERSION`` (all in the caller's transaction)."""
    while version < SCHEMA_VERSION:
        steps = MIGRATIONS.get(version)
        if steps is None:
            raise LedgerError(f"no migration from ledger schema version {version}")
        for statement in steps:
            conn.execute(statement)
        version += 1
        conn.execute(f"PRAGMA user_version = {version}")
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('migrated_at', ?), ('migrated_by', ?)",
        (_now(), __version__),
    )


# --- reading entries -----------------------------------------------------------------------

_ENTRY_SELECT: Final = """
    SELECT e.id, e.kind, e.credit_code, e.year, e.measure, e.tier, e.amount, e.recorded_at,
           s.kind, s.file_name, e.source_row, e.reverses, r.id, e.reason
    FROM entries AS e
    JOIN sources AS s ON s.id = e.source_id
    LEFT JOIN entries AS r ON r.reverses = e.id
"""


def _decimal(text: object, what: str, entry_id: int) -> Decimal:
    try:
        value = Decimal(str(text))
    except ArithmeticError:
        raise LedgerError(f"ledger entry {entry_id} has a bad {what} {text!r}") from None
    if not value.is_finite():
        raise LedgerError(f"ledger entry {entry_id} has a bad {what} {text!r}")
    return value


def _source_text(kind: str, file_name: str | None, row: int | None) -> str:
    parts = [kind]
    if file_name:
        parts.append(file_name)
    if row is not None:
        parts.append(f"row {row}")
    return " ".join(parts)


def _opt_int(value: object) -> int | None:
    return None if value is None else int(str(value))


def _entry(row: Sequence[object]) -> Entry:
    """An ``Entry`` from a row of ``_ENTRY_SELECT``."""
    entry_id = int(str(row[0]))
    kind: EntryKind = "reversal" if row[1] == "reversal" else "payout"
    file_name = None if row[9] is None else str(row[9])
    return Entry(
        id=entry_id,
        kind=kind,
        credit_code=str(row[2]),
        year=int(str(row[3])),
        measure=str(row[4]),
        tier=None if row[5] is None else _decimal(row[5], "tier", entry_id),
        amount=_decimal(row[6], "amount", entry_id),
        recorded_at=str(row[7]),
        source=_source_text(str(row[8]), file_name, _opt_int(row[10])),
        reverses=_opt_int(row[11]),
        reversed_by=_opt_int(row[12]),
        reason=str(row[13] or ""),
    )


def _entries(conn: sqlite3.Connection, where: str = "", params: Sequence[object] = ()) -> list[Entry]:
    query = _ENTRY_SELECT + (f" WHERE {where}" if where else "") + " ORDER BY e.id"
    return [_entry(row) for row in conn.execute(query, tuple(params))]


# --- public API: reading ---------------------------------------------------------------------


def read_prior(path: Path) -> LedgerSnapshot:
    """Every payout in force in the ledger at ``path`` (the engine keeps years before Y).

    The file must exist: opening it never creates it.
    """
    with _reading(path) as conn:
        entries = _entries(conn)
    payouts = tuple(PriorPayout(e.credit_code, e.year, e.measure, e.amount, e.tier) for e in entries if e.in_force)
    return LedgerSnapshot(path=str(path), payouts=payouts, entries=len(entries))


def _check_measure(measure: str) -> str:
    key = measure.strip().lower()
    if key not in MEASURES:
        raise LedgerError(f"unknown measure {measure!r}: expected one of {', '.join(MONEY_MEASURES)}")
    return key


def list_entries(
    ledger: Path,
    *,
    credit_code: str | None = None,
    year: int | None = None,
    measure: str | None = None,
) -> list[Entry]:
    """The ledger's entries (payouts and reversals) in the order recorded, filtered."""
    clauses: list[str] = []
    params: list[object] = []
    if credit_code is not None:
        clauses.append("e.credit_code = ?")
        params.append(uscc.normalize(credit_code))
    if year is not None:
        clauses.append("e.year = ?")
        params.append(year)
    if measure is not None:
        clauses.append("e.measure = ?")
        params.append(_check_measure(measure))
    with _reading(ledger) as conn:
        return _entries(conn, " AND ".join(clauses), params)


# --- payouts to write ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Payout:
    """A payout read from a workbook, about to be recorded."""

    credit_code: str
    year: int
    measure: str
    tier: Decimal | None
    amount: Decimal
    row: int

    def key(self) -> tuple[str, int, str, str | None]:
        return (self.credit_code, self.year, self.measure, tier_text(self.tier))

    def describe(self) -> str:
        tier = "" if self.tier is None else f" tier {tier_text(self.tier)}"
        return f"{self.credit_code} {self.measure}{tier} {self.year}"


@dataclass(frozen=True)
class _Plan:
    """What recording some payouts would do, found under the write lock."""

    add: tuple[_Payout, ...] = ()
    already: tuple[_Payout, ...] = ()
    # (payout, the entry in force, its amount)
    conflicts: tuple[tuple[_Payout, int, Decimal], ...] = ()


def _in_force(conn: sqlite3.Connection, payout: _Payout) -> tuple[int, Decimal] | None:
    row = conn.execute(
        "SELECT id, amount FROM payouts_in_force WHERE credit_code = ? AND year = ? AND measure = ? AND tier IS ?",
        payout.key(),
    ).fetchone()
    if row is None:
        return None
    entry_id = int(row[0])
    return entry_id, _decimal(row[1], "amount", entry_id)


def _plan(conn: sqlite3.Connection, payouts: Sequence[_Payout]) -> _Plan:
    add: list[_Payout] = []
    already: list[_Payout] = []
    conflicts: list[tuple[_Payout, int, Decimal]] = []
    for payout in payouts:
        found = _in_force(conn, payout)
        if found is None:
            add.append(payout)
        elif found[1] == payout.amount:
            already.append(payout)
        else:
            conflicts.append((payout, found[0], found[1]))
    return _Plan(tuple(add), tuple(already), tuple(conflicts))


@dataclass(frozen=True)
class _Source:
    kind: Literal["import", "record", "reverse"]
    file_name: str | None = None
    file_sha256: str | None = None
    year: int | None = None
    rules_version: str | None = None
    rules_sha256: str | None = None
    input_sha256: str | None = None


def _insert_source(conn: sqlite3.Connection, source: _Source, now: str) -> int:
    cursor = conn.execute(
        "INSERT INTO sources (kind, file_name, file_sha256, year, rules_version, rules_sha256,"
        " input_sha256, tool_version, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            source.kind,
            source.file_name,
            source.file_sha256,
            source.year,
            source.rules_version,
            source.rules_sha256,
            source.input_sha256,
            __version__,
            now,
        ),
    )
    return int(cursor.lastrowid or 0)


def _insert_payouts(conn: sqlite3.Connection, source: _Source, payouts: Sequence[_Payout]) -> None:
    """Add ``payouts`` (and their source) in the caller's transaction; nothing when empty."""
    if not payouts:
        return
    now = _now()
    source_id = _insert_source(conn, source, now)
    conn.executemany(
        "INSERT INTO entries (kind, credit_code, year, measure, tier, amount, source_id,"
        " source_row, recorded_at) VALUES ('payout', ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (p.credit_code, p.year, p.measure, tier_text(p.tier), money_text(p.amount), source_id, p.row, now)
            for p in payouts
        ],
    )


# --- workbooks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sheet:
    name: str  # as found in the workbook
    rows: tuple[tuple[Cell, ...], ...]  # rows[0] is Excel row 1


def _open_workbook(path: Path) -> CalamineWorkbook:
    """Open an .xlsx workbook, refusing what the input reader refuses (one line each)."""
    from tongnan_calc.workbook_in import WorkbookError, check_file

    try:
        check_file(path)
        return CalamineWorkbook.from_path(str(path))
    except WorkbookError as exc:
        raise LedgerError(str(exc)) from None
    except (CalamineError, OSError, ValueError) as exc:
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise LedgerError(f"{path}: cannot be read as an .xlsx workbook ({detail})") from None


def _find_sheet(book: CalamineWorkbook, path: Path, names: Sequence[str]) -> _Sheet | None:
    wanted = {name.casefold() for name in names}
    for actual in book.sheet_names:
        if actual.strip().casefold() in wanted:
            try:
                data = book.get_sheet_by_name(actual).to_python(skip_empty_area=False)
            except (CalamineError, ValueError) as exc:
                raise LedgerError(f"cannot read sheet {actual} of {path}: {exc}") from None
            return _Sheet(actual, tuple(tuple(row) for row in data))
    return None


def _cell(row: Sequence[Cell], index: int) -> Cell:
    return row[index] if index < len(row) else ""


def _blank_row(row: Sequence[Cell]) -> bool:
    return all(cells.is_blank(value) for value in row)


def _header_text(value: Cell) -> str:
    return value.strip() if isinstance(value, str) else cells.shown(value)


# --- history import ------------------------------------------------------------------------------

HISTORY_SHEET: Final = ("payouts", "历史发放")


@dataclass(frozen=True)
class _HistoryColumn:
    key: str
    zh: str
    required: bool
    aliases: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.key, self.zh, *self.aliases)


HISTORY_COLUMNS: Final[tuple[_HistoryColumn, ...]] = (
    _HistoryColumn("credit_code", "统一社会信用代码", True),
    _HistoryColumn("year", "年度", True),
    _HistoryColumn("measure", "措施", True),
    _HistoryColumn("tier", "档次", False, ("档次（元）", "档次(元)")),
    _HistoryColumn("amount", "金额", True, ("金额（元）", "金额(元)")),
)
# Columns that ``export`` writes besides the history columns: read back silently.
EXPORT_EXTRA_COLUMNS: Final[tuple[_HistoryColumn, ...]] = (
    _HistoryColumn("entry_id", "记录号", False),
    _HistoryColumn("source", "来源", False),
    _HistoryColumn("recorded_at", "记录时间", False),
)

EXPECT_MEASURE: Final = f"a measure that pays money ({', '.join(MONEY_MEASURES)})"
EXPECT_TIER: Final = "the tier's threshold in yuan (sales_milestone has one)"
EXPECT_NO_TIER: Final = "blank (only sales_milestone has a tier)"
EXPECT_CENTS: Final = "an amount with at most two decimals"


@dataclass
class _Issues:
    """Collects the input issues of one sheet of a history workbook."""

    sheet: str
    headers: dict[str, str] = field(default_factory=dict)  # column key -> header seen
    items: list[InputIssue] = field(default_factory=list)

    def add(
        self,
        row: int | None,
        column: str | None,
        raw: Cell,
        message: str,
        *,
        severity: Literal["error", "warning", "notice"] = "error",
        credit_code: str | None = None,
    ) -> None:
        header = None if column is None else self.headers.get(column)
        value = None if column is None else cells.seen(raw)
        self.items.append(InputIssue(self.sheet, row, column, header, value, severity, message, credit_code))

    def error_rows(self) -> set[int]:
        return {i.row for i in self.items if i.severity == "error" and i.row is not None}


def _history_columns(header: Sequence[Cell], issues: _Issues) -> dict[str, int]:
    """Map column keys to indexes; report unknown, repeated and missing columns."""
    table = {name.casefold(): column for column in HISTORY_COLUMNS + EXPORT_EXTRA_COLUMNS for name in column.names()}
    found: dict[str, int] = {}
    unknown: list[str] = []
    for index, raw in enumerate(header):
        text = _header_text(raw)
        if not text:
            continue
        column = table.get(text.casefold())
        if column is None:
            unknown.append(text)
        elif column.key in found:
            issues.add(1, column.key, raw, f"column {text} appears twice")
        else:
            found[column.key] = index
            issues.headers[column.key] = text
    if unknown:
        issues.add(1, None, "", f"unknown columns ignored: {', '.join(unknown)}", severity="notice")
    for column in HISTORY_COLUMNS:
        if column.required and column.key not in found:
            issues.add(None, column.key, "", f"missing column {column.key} ({column.zh})")
    return found


def _history_measure(raw: Cell, row: int, issues: _Issues, code: str | None) -> str | None:
    text = raw.strip().lower() if isinstance(raw, str) else ""
    if text in MONEY_MEASURES:
        return text
    got = cells.shown(raw)
    if text in FLAG_MEASURES:
        message = f"expected {EXPECT_MEASURE}, got {got}: a flag, never paid"
    else:
        message = f"expected {EXPECT_MEASURE}, got {got}"
    issues.add(row, "measure", raw, message, credit_code=code)
    return None


def _history_tier(
    raw: Cell, measure: str | None, row: int, issues: _Issues, code: str | None
) -> tuple[bool, Decimal | None]:
    """(ok, tier): a positive threshold for sales_milestone, blank for the others."""
    if measure is None:
        return False, None
    if measure != SALES_MILESTONE:
        if cells.is_blank(raw):
            return True, None
        issues.add(row, "tier", raw, cells.bad(EXPECT_NO_TIER, raw).message, credit_code=code)
        return False, None
    value = cells.to_amount(raw)
    if isinstance(value, Bad) or value is None or value <= 0:
        issues.add(row, "tier", raw, cells.bad(EXPECT_TIER, raw).message, credit_code=code)
        return False, None
    return True, canonical(value)


def _history_amount(raw: Cell, row: int, issues: _Issues, code: str | None) -> Decimal | None:
    value = cells.to_amount(raw)
    if isinstance(value, Bad) or value is None:
        message = value.message if isinstance(value, Bad) else cells.EXPECT_AMOUNT
        issues.add(row, "amount", raw, message, credit_code=code)
        return None
    if not _has_cents_only(value):
        issues.add(row, "amount", raw, cells.bad(EXPECT_CENTS, raw).message, credit_code=code)
        return None
    return value.quantize(CENT)


def _history_code(raw: Cell, row: int, issues: _Issues) -> str | None:
    checked = cells.to_credit_code(raw)
    if isinstance(checked, Bad):
        issues.add(row, "credit_code", raw, checked.message)
        return None
    if checked.warning is not None:
        issues.add(row, "credit_code", raw, checked.warning, severity="warning", credit_code=checked.code)
    return checked.code


def _history_row(values: Sequence[Cell], columns: Mapping[str, int], row: int, issues: _Issues) -> _Payout | None:
    def cell(key: str) -> Cell:
        return _cell(values, columns[key]) if key in columns else ""

    code = _history_code(cell("credit_code"), row, issues)
    year = cells.to_year(cell("year"))
    if isinstance(year, Bad) or year is None:
        issues.add(row, "year", cell("year"), getattr(year, "message", cells.EXPECT_YEAR), credit_code=code)
        year = None
    measure = _history_measure(cell("measure"), row, issues, code)
    tier_ok, tier = _history_tier(cell("tier"), measure, row, issues, code)
    amount = _history_amount(cell("amount"), row, issues, code)
    if code is None or year is None or measure is None or not tier_ok or amount is None:
        return None
    return _Payout(code, year, measure, tier, amount, row)


def _flag_duplicates(payouts: Sequence[_Payout], issues: _Issues) -> None:
    """Two rows for the same payout: an error on both rows."""
    first: dict[tuple[str, int, str, str | None], _Payout] = {}
    for payout in payouts:
        other = first.setdefault(payout.key(), payout)
        if other is payout:
            continue
        for this, that in ((other, payout), (payout, other)):
            issues.add(
                this.row,
                None,
                "",
                f"the same payout (credit code, year, measure, tier) as row {that.row}",
                credit_code=this.credit_code,
            )


@dataclass(frozen=True)
class _History:
    sheet: str
    rows_read: int
    payouts: tuple[_Payout, ...]  # the rows without errors (so far)
    issues: _Issues
    readable: bool = True  # False: the header row has errors, so no row was read

    def importable(self, allow_errors: bool) -> bool:
        """Whether anything may be written: no errors, or errors allowed on a readable sheet."""
        if not self.readable:
            return False
        return allow_errors or not self.issues.error_rows()


def _read_history(workbook: Path) -> _History:
    book = _open_workbook(workbook)
    sheet = _find_sheet(book, workbook, HISTORY_SHEET)
    if sheet is None:
        raise LedgerError(f"{workbook} has no sheet {HISTORY_SHEET[0]} ({HISTORY_SHEET[1]})")
    issues = _Issues(HISTORY_SHEET[0])
    columns = _history_columns(sheet.rows[0] if sheet.rows else (), issues)
    data = [(n, r) for n, r in enumerate(sheet.rows[1:], start=2) if not _blank_row(r)]
    if any(i.severity == "error" for i in issues.items):
        return _History(sheet.name, len(data), (), issues, readable=False)
    payouts = [p for n, r in data if (p := _history_row(r, columns, n, issues)) is not None]
    _flag_duplicates(payouts, issues)
    bad = issues.error_rows()
    return _History(sheet.name, len(data), tuple(p for p in payouts if p.row not in bad), issues)


def _flag_conflicts(plan: _Plan, issues: _Issues) -> None:
    for payout, entry_id, amount in plan.conflicts:
        issues.add(
            payout.row,
            "amount",
            money_text(payout.amount),
            f"already in the ledger as entry {entry_id} with amount {money_text(amount)}:"
            f" reverse entry {entry_id} first if it is wrong",
            credit_code=payout.credit_code,
        )


def import_history(ledger: Path, workbook: Path, *, allow_errors: bool = False) -> ImportReport:
    """Import payouts made before the tool existed (sheet ``payouts`` / 历史发放).

    A workbook with errors (bad cells, repeated rows, a payout already in the
    ledger with another amount) imports nothing, unless ``allow_errors``: then
    its good rows are imported.  Rows already in the ledger with the same amount
    are counted as already recorded.
    """
    history = _read_history(workbook)
    if not history.importable(allow_errors):
        if history.payouts and ledger.exists():  # report conflicts too, in the same pass
            with _reading(ledger) as conn:
                _flag_conflicts(_plan(conn, history.payouts), history.issues)
        return _import_report(ledger, workbook, history, _Plan(), imported=False)
    source = _Source("import", str(workbook), file_sha256(workbook))
    with _writing(ledger) as conn:
        plan = _plan(conn, history.payouts)
        _flag_conflicts(plan, history.issues)
        if plan.conflicts and not allow_errors:
            return _import_report(ledger, workbook, history, _Plan(), imported=False)
        _insert_payouts(conn, source, plan.add)
    return _import_report(ledger, workbook, history, plan, imported=True)


def _import_report(ledger: Path, workbook: Path, history: _History, plan: _Plan, *, imported: bool) -> ImportReport:
    issues = tuple(sorted(history.issues.items, key=lambda i: (i.row or 0, i.severity != "notice")))
    return ImportReport(
        ledger=str(ledger),
        workbook=str(workbook),
        sheet=history.sheet,
        rows_read=history.rows_read,
        added=len(plan.add),
        already_recorded=len(plan.already),
        rejected=len(history.issues.error_rows()),
        issues=issues,
        imported=imported,
    )


# --- recording a payout workbook -------------------------------------------------------------------

_SHA256 = re.compile(r"[0-9a-f]{64}")
PROVENANCE_NEEDED: Final = ("tool", "year", "rules_version", "rules_sha256", "input_sha256")
RECORD_COLUMNS: Final = ("credit_code", "measure", "tier", "amount", "seal")


@dataclass(frozen=True)
class Provenance:
    """What the provenance sheet (来源) of a payout workbook says about its run."""

    year: int
    rules_version: str
    rules_sha256: str
    input_sha256: str
    tool_version: str = ""
    ledger: str = ""  # the ledger the run read prior payouts from; "" when none


# 来源 ledger values that mean "the run read no ledger" (see report.xlsx)
NO_LEDGER: Final = frozenset({"", "未使用台账", "none"})


def _not_ours(workbook: Path, why: str) -> LedgerError:
    return LedgerError(f"{workbook} is not a payout workbook written by tongnan-calc run: {why}")


def _provenance_values(sheet: _Sheet) -> dict[str, Cell]:
    values: dict[str, Cell] = {}
    for row in sheet.rows:
        key = _header_text(_cell(row, 0))
        if key and key not in values:
            values[key] = _cell(row, 2)
    return values


def _provenance_text(values: Mapping[str, Cell], key: str, workbook: Path) -> str:
    zh = next(z for k, z, _ in payout_layout.PROVENANCE_ROWS if k == key)
    raw = values.get(key, "")
    if cells.is_blank(raw):
        raise _not_ours(workbook, f"sheet {payout_layout.PROVENANCE[0]} has no {key} ({zh})")
    return _header_text(raw)


def _read_provenance(book: CalamineWorkbook, workbook: Path) -> Provenance:
    sheet = _find_sheet(book, workbook, payout_layout.PROVENANCE)
    name = payout_layout.PROVENANCE[0]
    if sheet is None:
        raise _not_ours(workbook, f"it has no sheet {name} (provenance)")
    values = _provenance_values(sheet)
    text = {key: _provenance_text(values, key, workbook) for key in PROVENANCE_NEEDED}
    if text["tool"] != payout_layout.TOOL_NAME:
        raise _not_ours(workbook, f"sheet {name} names the tool {text['tool']!r}")
    year = cells.to_year(values["year"])
    if isinstance(year, Bad) or year is None:
        raise _not_ours(workbook, f"sheet {name} year: {getattr(year, 'message', 'blank')}")
    for key in ("rules_sha256", "input_sha256"):
        if _SHA256.fullmatch(text[key]) is None:
            raise _not_ours(workbook, f"sheet {name} {key} is not a SHA-256: {text[key]!r}")
    used = _header_text(values.get("ledger", ""))
    return Provenance(
        year=year,
        rules_version=text["rules_version"],
        rules_sha256=text["rules_sha256"],
        input_sha256=text["input_sha256"],
        tool_version=_header_text(values.get("tool_version", "")),
        ledger="" if used in NO_LEDGER else used,
    )


def _payable_columns(sheet: _Sheet, workbook: Path) -> dict[str, int]:
    table: dict[str, str] = {}
    for column in payout_layout.LINE_COLUMNS:
        for name in (column.key, column.zh, column.en):
            table[name.casefold()] = column.key
    found: dict[str, int] = {}
    header = sheet.rows[0] if sheet.rows else ()
    for index, raw in enumerate(header):
        key = table.get(_header_text(raw).casefold())
        if key is not None and key not in found:
            found[key] = index
    for key in RECORD_COLUMNS:
        if key not in found:
            zh = next(c.zh for c in payout_layout.LINE_COLUMNS if c.key == key)
            raise LedgerError(f"{workbook}: sheet {sheet.name} has no column {zh} ({key})")
    return found


class _RowProblem(Exception):
    """A payable row that cannot be recorded; the message names row and column."""


def _column_name(key: str) -> str:
    zh = next(c.zh for c in payout_layout.LINE_COLUMNS if c.key == key)
    return f"{zh} ({key})"


def _record_row(values: Sequence[Cell], columns: Mapping[str, int], row: int, prov: Provenance) -> tuple[_Payout, bool]:
    """(the payout on this row, whether its seal matches)."""

    def cell(key: str) -> Cell:
        return _cell(values, columns[key])

    def fail(key: str, message: str) -> _RowProblem:
        return _RowProblem(f"row {row} column {_column_name(key)}: {message}")

    code = cells.to_text(cell("credit_code"))
    if isinstance(code, Bad):
        raise fail("credit_code", code.message)
    measure = _header_text(cell("measure"))
    amount = cells.to_amount(cell("amount"))
    if isinstance(amount, Bad) or amount is None:
        raise fail("amount", getattr(amount, "message", cells.EXPECT_AMOUNT))
    if not _has_cents_only(amount):
        raise fail("amount", cells.bad(EXPECT_CENTS, cell("amount")).message)
    tier = cells.to_amount(cell("tier"), required=False)
    if isinstance(tier, Bad):
        raise fail("tier", tier.message)
    tier = None if tier is None else canonical(tier)
    payout = _Payout(uscc.normalize(code), prov.year, measure, tier, amount.quantize(CENT), row)
    expected = seal(
        year=prov.year,
        rules_sha256=prov.rules_sha256,
        input_sha256=prov.input_sha256,
        credit_code=payout.credit_code,
        measure=measure,
        tier=tier,
        amount=payout.amount,
    )
    matches = _header_text(cell("seal")).lower() == expected
    if matches and measure not in MONEY_MEASURES:
        raise fail("measure", f"{measure!r} is not a measure that pays money")
    if matches and (measure == SALES_MILESTONE) != (tier is not None):
        raise fail("tier", EXPECT_TIER if tier is None else EXPECT_NO_TIER)
    return payout, matches


def _rows_text(rows: Sequence[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:5])
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    return ("row " if len(rows) == 1 else "rows ") + shown + more


def _read_payable(workbook: Path) -> tuple[Provenance, tuple[_Payout, ...], int]:
    """The provenance and the sealed payable rows of a payout workbook; refuses edits."""
    book = _open_workbook(workbook)
    prov = _read_provenance(book, workbook)
    sheet = _find_sheet(book, workbook, payout_layout.PAYABLE)
    if sheet is None:
        raise _not_ours(workbook, f"it has no sheet {payout_layout.PAYABLE[0]} (payable lines)")
    columns = _payable_columns(sheet, workbook)
    where = f"{workbook}: sheet {sheet.name}"
    payouts: list[_Payout] = []
    edited: list[int] = []
    unsealed: list[int] = []
    for row, values in enumerate(sheet.rows[1:], start=2):
        if _blank_row(values):
            continue
        if cells.is_blank(_cell(values, columns["seal"])):
            unsealed.append(row)
            continue
        try:
            payout, matches = _record_row(values, columns, row, prov)
        except _RowProblem as exc:
            raise LedgerError(f"{where} {exc}; nothing was recorded") from None
        payouts.append(payout)
        if not matches:
            edited.append(row)
    _refuse_unsealed(unsealed, where)
    _refuse_edited(edited, where)
    _refuse_repeats(payouts, where)
    return prov, tuple(payouts), len(payouts)


def _refuse_unsealed(rows: Sequence[int], where: str) -> None:
    if rows:
        verb = "has" if len(rows) == 1 else "have"
        raise LedgerError(
            f"{where} {_rows_text(rows)} {verb} no check value (校验码): rows added after tongnan-calc"
            " wrote the workbook cannot be recorded, delete them; nothing was recorded"
        )


def _refuse_edited(rows: Sequence[int], where: str) -> None:
    if rows:
        verb = "was" if len(rows) == 1 else "were"
        raise LedgerError(
            f"{where} {_rows_text(rows)} {verb} changed after tongnan-calc wrote it"
            " (the check value 校验码 does not match the credit code, measure, tier and amount);"
            " nothing was recorded"
        )


def _refuse_repeats(payouts: Sequence[_Payout], where: str) -> None:
    first: dict[tuple[str, int, str, str | None], _Payout] = {}
    for payout in payouts:
        other = first.setdefault(payout.key(), payout)
        if other is not payout:
            raise LedgerError(
                f"{where} rows {other.row} and {payout.row} are the same payout"
                f" ({payout.describe()}): a row was copied; nothing was recorded"
            )


def _conflict_message(workbook: Path, plan: _Plan) -> str:
    payout, entry_id, amount = plan.conflicts[0]
    more = len(plan.conflicts) - 1
    tail = f" (and {more} more conflicting rows)" if more else ""
    return (
        f"{workbook}: sheet {payout_layout.PAYABLE[0]} row {payout.row}: {payout.describe()}"
        f" is already recorded as entry {entry_id} with amount {money_text(amount)},"
        f" not {money_text(payout.amount)}{tail}; nothing was recorded"
        f" (if entry {entry_id} is wrong, reverse it first)"
    )


def record_payout(ledger: Path, workbook: Path) -> RecordReport:
    """Record the payable lines left in an approved payout workbook written by ``run``.

    Every row must still match its seal (校验码); rows already recorded with the
    same amount are skipped (so recording twice adds nothing); a row recorded
    with another amount refuses the whole workbook.
    """
    prov, payouts, rows_read = _read_payable(workbook)
    source = _Source(
        "record",
        str(workbook),
        file_sha256(workbook),
        prov.year,
        prov.rules_version,
        prov.rules_sha256,
        prov.input_sha256,
    )
    with _writing(ledger) as conn:
        plan = _plan(conn, payouts)
        if plan.conflicts:
            raise LedgerError(_conflict_message(workbook, plan))
        warnings = _one_time_warnings(conn, plan.add)
        _insert_payouts(conn, source, plan.add)
    if not prov.ledger:
        warnings.insert(0, f"{workbook} was computed without a ledger: earlier payouts were not taken into account")
    return RecordReport(
        ledger=str(ledger),
        workbook=str(workbook),
        year=prov.year,
        rules_version=prov.rules_version,
        rows_read=rows_read,
        added=len(plan.add),
        already_recorded=len(plan.already),
        amount_added=sum((p.amount for p in plan.add), Decimal("0.00")),
        warnings=tuple(warnings),
    )


def _one_time_warnings(conn: sqlite3.Connection, payouts: Sequence[_Payout]) -> list[str]:
    """One-time rewards (二（三）, 二（五）) about to be recorded although already paid in another year."""
    warnings: list[str] = []
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
                warnings.append(
                    f"row {payout.row}: {payout.describe()} is a one-time reward already paid for {year}"
                    f"{paid} (entry {entry_id})"
                )
                break
    return warnings


# --- reversal ------------------------------------------------------------------------------------------


def reverse(ledger: Path, entry_id: int, reason: str) -> Entry:
    """Cancel payout ``entry_id`` by a reversing entry (kept in history); returns the reversal."""
    reason = " ".join(reason.split())
    if not reason:
        raise LedgerError("a reason is required to reverse an entry")
    with _writing(ledger, create=False) as conn:
        found = _entries(conn, "e.id = ?", (entry_id,))
        if not found:
            raise LedgerError(f"ledger {ledger} has no entry {entry_id}")
        original = found[0]
        if original.kind == "reversal":
            raise LedgerError(f"entry {entry_id} is a reversal (of entry {original.reverses}): it cannot be reversed")
        if original.reversed_by is not None:
            raise LedgerError(f"entry {entry_id} was already reversed by entry {original.reversed_by}")
        now = _now()
        source_id = _insert_source(conn, _Source("reverse"), now)
        cursor = conn.execute(
            "INSERT INTO entries (kind, credit_code, year, measure, tier, amount, source_id,"
            " reverses, reason, recorded_at) VALUES ('reversal', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                original.credit_code,
                original.year,
                original.measure,
                tier_text(original.tier),
                money_text(-original.amount),
                source_id,
                original.id,
                reason,
                now,
            ),
        )
        return _entries(conn, "e.id = ?", (int(cursor.lastrowid or 0),))[0]


# --- export -------------------------------------------------------------------------------------------

EXPORT_PAYOUTS_SHEET: Final = HISTORY_SHEET[1]  # 历史发放: re-importable with `ledger import`
EXPORT_ENTRIES_SHEET: Final = "全部记录"
MONEY_FORMAT: Final = "#,##0.00"
TIER_FORMAT: Final = "#,##0"

# (heading, width, number format or None) — payouts in force, in the import layout
_PAYOUT_HEADINGS: Final = (
    ("统一社会信用代码", 22, None),
    ("年度", 8, None),
    ("措施", 16, None),
    ("档次", 16, TIER_FORMAT),
    ("金额", 16, MONEY_FORMAT),
    ("记录号", 8, None),
    ("来源", 40, None),
    ("记录时间", 22, None),
)
_ENTRY_HEADINGS: Final = (
    ("记录号", 8, None),
    ("类型", 10, None),
    ("统一社会信用代码", 22, None),
    ("年度", 8, None),
    ("措施", 16, None),
    ("档次", 16, TIER_FORMAT),
    ("金额", 16, MONEY_FORMAT),
    ("冲销的记录号", 12, None),
    ("被冲销于记录号", 14, None),
    ("原因", 30, None),
    ("来源", 40, None),
    ("记录时间", 22, None),
)

XlsxValue = str | int | Decimal | None


def _payout_row(entry: Entry) -> tuple[XlsxValue, ...]:
    return (
        entry.credit_code,
        entry.year,
        entry.measure,
        entry.tier,
        entry.amount,
        entry.id,
        entry.source,
        entry.recorded_at,
    )


def _entry_row(entry: Entry) -> tuple[XlsxValue, ...]:
    return (
        entry.id,
        entry.kind,
        entry.credit_code,
        entry.year,
        entry.measure,
        entry.tier,
        entry.amount,
        entry.reverses,
        entry.reversed_by,
        entry.reason,
        entry.source,
        entry.recorded_at,
    )


def export(ledger: Path, out: Path) -> int:
    """Write the ledger to ``out`` (.xlsx); returns the number of entries written.

    Sheet 历史发放 holds the payouts in force in the history-import layout (so the
    file can be imported into another ledger); sheet 全部记录 holds every entry,
    reversals included.  The file is replaced atomically.
    """
    if out.suffix.lower() != ".xlsx":
        raise LedgerError(f"cannot write {out}: the file name must end in .xlsx")
    if not out.parent.is_dir():
        raise LedgerError(f"cannot write {out}: folder {out.parent} does not exist")
    if out.is_dir():
        raise LedgerError(f"cannot write {out}: it is a folder")
    if out.resolve() == ledger.resolve():
        raise LedgerError(f"{out} is the ledger itself, an input of this command: give another file name")
    with _reading(ledger) as conn:
        entries = _entries(conn)
    sheets = (
        (EXPORT_PAYOUTS_SHEET, _PAYOUT_HEADINGS, [_payout_row(e) for e in entries if e.in_force]),
        (EXPORT_ENTRIES_SHEET, _ENTRY_HEADINGS, [_entry_row(e) for e in entries]),
    )
    _write_xlsx_atomically(out, sheets)
    return len(entries)


Heading = tuple[str, int, str | None]


def _write_xlsx_atomically(
    out: Path, sheets: Sequence[tuple[str, Sequence[Heading], Sequence[Sequence[XlsxValue]]]]
) -> None:
    from openpyxl import Workbook

    book: Any = Workbook()  # openpyxl objects are typed loosely: its stubs are optional
    book.remove(book.active)
    for title, headings, rows in sheets:
        _fill_sheet(book.create_sheet(title), headings, rows)
    try:
        save_atomic(out, book.save)
    except OSError as exc:
        raise LedgerError(f"cannot write {out}: {exc.strerror or exc}") from None


def _fill_sheet(ws: Any, headings: Sequence[Heading], rows: Sequence[Sequence[XlsxValue]]) -> None:
    from openpyxl.utils import get_column_letter

    for col, (heading, width, _) in enumerate(headings, start=1):
        _put(ws, 1, col, heading, None)
        ws.column_dimensions[get_column_letter(col)].width = width
    for number, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            _put(ws, number, col, value, headings[col - 1][2])
    ws.freeze_panes = "A2"


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _put(ws: Any, row: int, col: int, value: XlsxValue, number_format: str | None) -> None:
    """Write one cell: text always as text (never a formula), numbers with their format."""
    if value is None:
        return
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):  # control characters (pasted text) escaped as Excel writes them
        value = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    elif number_format is not None:
        cell.number_format = number_format


__all__ = [
    "APPLICATION_ID",
    "BUSY_TIMEOUT_S",
    "DEFAULT_LEDGER_NAME",
    "LEDGER_ENV",
    "LOCKED",
    "MONEY_MEASURES",
    "SCHEMA_VERSION",
    "Entry",
    "ImportReport",
    "LedgerError",
    "LedgerSnapshot",
    "Provenance",
    "RecordReport",
    "default_ledger_path",
    "export",
    "import_history",
    "list_entries",
    "read_prior",
    "record_payout",
    "reverse",
]
