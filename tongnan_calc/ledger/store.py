"""The ledger file itself: opening it safely, its schema, its entries, reading and reversing.

Safety:

- every write is one ``BEGIN IMMEDIATE`` transaction (busy timeout
  ``BUSY_TIMEOUT_S``), so two clerks writing at once are serialised and an
  interrupted write leaves the ledger as it was (SQLite's journal);
- a file that is not a ledger (another SQLite database, random bytes, an empty
  file when reading) is refused before SQLite writes anything to it;
- the schema is versioned (``PRAGMA application_id`` marks the file as ours,
  ``PRAGMA user_version`` holds ``SCHEMA_VERSION``); an older file is migrated
  in one transaction by ``MIGRATIONS`` the first time any command opens it
  (reading or writing; a file of schema 1 or 2 that cannot be written is read
  as it is, without what the later schemas add), a newer one is refused;
- amounts are TEXT decimals (two places), tiers TEXT decimals: never REAL;
- every entry carries a check value (``check_value``, schema 2): the SHA-256 of
  its fields (see ``entry_check_value``), written with the entry and verified
  before any entry is used, so an entry changed inside the file (a bit flipped
  on disk, an edit with a database browser) refuses the operation instead of
  silently giving a wrong prior payout;
- ``meta`` holds the number of entries and a running check value over the check
  values of all entries in id order (schema 3, see ``chain_digest``), updated in
  the transaction of every insert and verified whenever all entries are read
  (and before every write), with ids running from 1 without gaps: an entry
  deleted whole (which could make a one-time reward payable again) refuses the
  operation too.  Neither has a secret: they detect damage and changes made
  without tongnan-calc, not someone who recomputes them on purpose.

Entries are never changed or deleted: a payout entered by mistake is cancelled
by a reversing entry (``reverse``).
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import Final, Literal

from tongnan_calc import __version__
from tongnan_calc.core.model import MEASURE_IDS, PriorPayout
from tongnan_calc.core.money import CENT, canonical, fmt
from tongnan_calc.core.say import Lang, Say, UserError
from tongnan_calc.input import uscc
from tongnan_calc.input.files import OTHER, special_kind

# --- where the ledger lives ----------------------------------------------------------

LEDGER_ENV: Final = "TONGNAN_LEDGER"
DEFAULT_LEDGER_NAME: Final = "tongnan-ledger.sqlite"


def default_ledger_path() -> Path:
    """``$TONGNAN_LEDGER`` when set, else ``tongnan-ledger.sqlite`` in the current folder."""
    configured = os.environ.get(LEDGER_ENV, "").strip()
    return Path(configured) if configured else Path(DEFAULT_LEDGER_NAME)


# --- constants -------------------------------------------------------------------------

SCHEMA_VERSION: Final = 3
APPLICATION_ID: Final = 0x544E4C47  # "TNLG": marks an SQLite file as a tongnan-calc ledger
BUSY_TIMEOUT_S: Final = 10.0
SQLITE_HEADER: Final = b"SQLite format 3\x00"

SALES_MILESTONE: Final = "sales_milestone"
# The measures that pay money (SPEC §4); the flags (key_support, demo_priority) never do.
MONEY_MEASURES: Final[tuple[str, ...]] = tuple(
    m for m in MEASURE_IDS if m in {"rent", "spin_off", "data_line", "sales_milestone", "loan_interest"}
)
FLAG_MEASURES: Final[tuple[str, ...]] = tuple(m for m in MEASURE_IDS if m not in MONEY_MEASURES)

LOCKED: Final = "ledger is locked by another writer: try again"
LOCKED_SAY: Final = Say("台账正由他人写入（已锁定）：请稍后重试", LOCKED)

EntryKind = Literal["payout", "reversal"]


class LedgerError(UserError):
    """A ledger operation that cannot be done; the message is one line for the user, in both languages."""

    def __init__(self, message: Say, *, lines: bool = False) -> None:
        """``lines``: keep the message's lines (several refusals, one line each); else one line."""
        if lines:
            super().__init__(message)
        else:
            super().__init__(Say(" ".join(message.zh.split("\n")), " ".join(message.en.split("\n"))))


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
    source_zh: str = ""  # ``source`` in Chinese, e.g. "记录 payout-2015.xlsx 第3行"

    @property
    def in_force(self) -> bool:
        """A payout that counts as paid (not reversed)."""
        return self.kind == "payout" and self.reversed_by is None

    def source_in(self, lang: Lang) -> str:
        return self.source_zh if lang == "zh" else self.source


KIND_ZH: Final[dict[str, str]] = {"payout": "发放", "reversal": "冲销"}
SOURCE_KIND_ZH: Final[dict[str, str]] = {"import": "导入", "record": "记录", "reverse": "冲销"}


# --- messages --------------------------------------------------------------------------


def _missing(path: Path) -> Say:
    return Say(
        f"台账 {path} 不存在：请先用 `tongnan-calc ledger import` 或 `ledger record` 建立台账",
        f"ledger {path} does not exist: create it with `tongnan-calc ledger import` or `ledger record`",
    )


# why a file is not a ledger
EMPTY_FILE: Final = Say("空文件", "an empty file")
NOT_SQLITE: Final = Say("不是 SQLite 数据库", "not an SQLite database")
OTHER_PROGRAM: Final = Say("其他程序的 SQLite 数据库", "an SQLite database of another program")
EMPTY_DATABASE: Final = Say("空的 SQLite 数据库", "an empty SQLite database")


def _not_a_ledger(path: Path, why: Say) -> Say:
    return Say(
        f"{path} 不是 tongnan-calc 台账（{why.zh}），文件未作任何改动",
        f"{path} is not a tongnan-calc ledger ({why.en}); it was left unchanged",
    )


def _damaged(path: Path, exc: object) -> Say:
    return Say(
        f"台账 {path} 已损坏或无法读取（{exc}），文件未作任何改动",
        f"ledger {path} is damaged or unreadable ({exc}); it was left unchanged",
    )


def _cannot_open(path: Path, why: object) -> Say:
    return Say(f"无法打开台账 {path}：{why}", f"cannot open ledger {path}: {why}")


# --- decimal text ----------------------------------------------------------------------


def money_text(amount: Decimal) -> str:
    """An amount as stored: two decimals, no grouping (``20000.00``)."""
    return fmt(amount)


def tier_text(tier: Decimal | None) -> str | None:
    return None if tier is None else f"{canonical(tier):f}"


def _has_cents_only(amount: Decimal) -> bool:
    return amount == amount.quantize(CENT)


# --- check values --------------------------------------------------------------------------

# The columns of ``entries`` that an entry's check value covers, in the order hashed.
CHECK_FIELDS: Final[tuple[str, ...]] = (
    "id",
    "kind",
    "credit_code",
    "year",
    "measure",
    "tier",
    "amount",
    "source_id",
    "source_row",
    "reverses",
    "reason",
    "recorded_at",
)
CHECK_FORM: Final = "tongnan-calc ledger entry 1"  # the first line of the hashed text: the form's version
CHECK_FUNCTION: Final = "tongnan_check_value"  # the SQL function (each connection) the migration calls
# How many entry ids a refusal names before it only counts them.
CHECK_IDS_SHOWN: Final = 5


def _check_line(value: object) -> str:
    if value is None:
        return "null"
    if type(value) is int:
        return str(value)
    if type(value) is str:
        return encode_basestring_ascii(value)
    if isinstance(value, bytes):  # never written by tongnan-calc: its own form, so it never matches
        return f"x'{value.hex()}'"
    return repr(value)  # a float (never written by tongnan-calc either): 2015.0, unlike the integer 2015


def entry_check_value(fields: Sequence[object]) -> str:
    """The check value of an entry: SHA-256 (64 lowercase hex digits) of a canonical text.

    ``fields`` are the entry's columns named in ``CHECK_FIELDS``, as stored:
    ``id``, ``kind`` (``payout``/``reversal``), ``credit_code``, ``year``,
    ``measure``, ``tier`` (the canonical decimal text written by ``tier_text``,
    e.g. ``"50000000"``, or null), ``amount`` (the decimal text with two places
    written by ``money_text``, e.g. ``"20000.00"``, ``"-20000.00"`` for a
    reversal), ``source_id`` (the ``sources`` row it came from), ``source_row``
    (the workbook row, or null), ``reverses`` (for a reversal, the payout's id,
    else null), ``reason`` and ``recorded_at`` (ISO 8601 UTC text).  The id is
    included, so entries cannot be swapped; the text of amount and tier is
    hashed exactly, so any other text fails the check, even of an equal value.

    The canonical text is ASCII: the line ``tongnan-calc ledger entry 1``, then
    one line per field in that order, each the field's JSON value (text in
    double quotes with ``\\uXXXX`` escapes beyond ASCII, an integer in decimal,
    ``null``), joined by ``\\n`` with no newline at the end; for example::

        tongnan-calc ledger entry 1
        17
        "payout"
        "91500223MA0000001X"
        2015
        "spin_off"
        null
        "20000.00"
        3
        2
        null
        ""
        "2016-03-01T08:00:00+00:00"

    The rows of ``sources`` (file names, digests) and ``meta`` are not covered.
    """
    text = "\n".join([CHECK_FORM, *map(_check_line, fields)])
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def _check_value_sql(*fields: object) -> str:
    """``tongnan_check_value(id, kind, ...)`` in SQL: the migration fills the check values with it."""
    return entry_check_value(fields)


def _check_failed(path: object, entry_ids: Sequence[int]) -> Say:
    """One line: entries of the ledger at ``path`` that do not match their check values."""
    ids = sorted(entry_ids)
    shown, count = ids[:CHECK_IDS_SHOWN], len(ids)
    restore = Say(
        "（是否在 tongnan-calc 之外被改动过？），文件未作任何改动：请从备份恢复台账",
        " (changed outside tongnan-calc?); it was left unchanged: restore the ledger from a backup",
    )
    if count == 1:
        which = Say(f"条目 {ids[0]} 与其校验值不符", f"entry {ids[0]} does not match its check value")
    elif count <= CHECK_IDS_SHOWN:
        which = Say(
            f"条目 {'、'.join(map(str, shown))} 与其校验值不符",
            f"entries {', '.join(map(str, shown))} do not match their check values",
        )
    else:
        which = Say(
            f"共 {count} 个条目（{'、'.join(map(str, shown))} 等）与其校验值不符",
            f"{count} entries ({', '.join(map(str, shown))}, ...) do not match their check values",
        )
    return Say(f"台账 {path}：", f"ledger {path}: ") + which + restore


# --- the running check value of all entries (schema 3) ------------------------------------------

# A deleted entry leaves the others matching their check values; the ledger's ``meta``
# therefore holds the number of entries (``ENTRIES_COUNT``) and a running check value
# over the check values of all entries in id order (``ENTRIES_DIGEST``), both updated in
# the transaction of every insert.  Entry ids run from 1 without gaps.
ENTRIES_COUNT: Final = "entries_count"
ENTRIES_DIGEST: Final = "entries_digest"
CHAIN_FORM: Final = "tongnan-calc ledger entries 1"
CHAIN_START: Final = hashlib.sha256(CHAIN_FORM.encode("ascii")).hexdigest()  # the digest of no entry


def chain_digest(check_values: Iterable[object], start: str = CHAIN_START) -> str:
    """The running check value after ``check_values`` (in id order), from ``start``.

    Each step is the SHA-256 (lowercase hex) of the ASCII text ``<digest so far>\\n<check value>``.
    """
    digest = start
    for value in check_values:
        digest = hashlib.sha256(f"{digest}\n{value}".encode("ascii", "replace")).hexdigest()
    return digest


def _ids_text(ids: Sequence[int]) -> Say:
    shown = ids[:CHECK_IDS_SHOWN]
    if len(ids) == 1:
        return Say(f"条目 {ids[0]} 缺失", f"entry {ids[0]} is missing")
    if len(ids) <= CHECK_IDS_SHOWN:
        return Say(f"条目 {'、'.join(map(str, shown))} 缺失", f"entries {', '.join(map(str, shown))} are missing")
    return Say(
        f"共 {len(ids)} 个条目（{'、'.join(map(str, shown))} 等）缺失",
        f"{len(ids)} entries ({', '.join(map(str, shown))}, ...) are missing",
    )


NO_CHAIN: Final = Say(
    "缺少台账的条目数和累计校验值", "the ledger's count and running check value of its entries are missing"
)


def _chain_failed(path: object, which: Say) -> Say:
    """One line: the entries of the ledger at ``path`` are not all those recorded (one deleted, ...)."""
    return (
        Say(f"台账 {path}：", f"ledger {path}: ")
        + which
        + Say(
            "（是否在 tongnan-calc 之外被删除或改动过？），文件未作任何改动：请从备份恢复台账",
            " (deleted or changed outside tongnan-calc?); it was left unchanged: restore the ledger from a backup",
        )
    )


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def _chain_problem(conn: sqlite3.Connection, recorded: tuple[int, str] | None) -> Say | None:
    """Why the entries are not exactly those recorded: ids not 1..n, fewer than ``recorded``
    (count, digest), or another running check value; None when they are."""
    rows = [(int(str(i)), v) for i, v in conn.execute("SELECT id, check_value FROM entries ORDER BY id")]
    ids = [i for i, _ in rows]
    top = max([len(rows), *ids, *([recorded[0]] if recorded else [])], default=0)
    missing = sorted(set(range(1, top + 1)) - set(ids))
    if missing:
        return _ids_text(missing)
    if recorded is None:
        return NO_CHAIN
    count, digest = recorded
    if len(rows) != count or ids != list(range(1, count + 1)) or chain_digest(v for _, v in rows) != digest:
        return Say(
            f"现有 {len(rows)} 个条目，与记录的 {count} 个条目及其累计校验值不符",
            f"its {len(rows)} entries do not match the {count} recorded and their running check value",
        )
    return None


def _recorded_chain(conn: sqlite3.Connection) -> tuple[int, str] | None:
    count, digest = _meta(conn, ENTRIES_COUNT), _meta(conn, ENTRIES_DIGEST)
    if count is None or digest is None or not count.isdigit():
        return None
    return int(count), digest


def _verify_chain(conn: _Ledger) -> None:
    """Refuse the ledger if an entry was deleted (or the entries are not those recorded)."""
    if not conn.chained:
        return
    problem = _chain_problem(conn, _recorded_chain(conn))
    if problem is not None:
        raise LedgerError(_chain_failed(conn.path, problem))


def _start_chain(conn: sqlite3.Connection) -> None:
    """Migration 2 -> 3: the count and running check value of the entries as they are.

    Their check values are verified first and their ids must run from 1 without gaps
    (entries were never deleted: the append-only trigger exists since schema 1).
    """
    path = getattr(conn, "path", "")
    rows = list(conn.execute(f"SELECT {', '.join(CHECK_FIELDS)}, check_value FROM entries ORDER BY id"))
    failed = [int(str(row[0])) for row in rows if entry_check_value(row[:_CHECKED]) != row[_CHECKED]]
    if failed:
        raise LedgerError(_check_failed(path, failed))
    problem = _chain_problem(conn, (len(rows), chain_digest(row[_CHECKED] for row in rows)))
    if problem is not None:
        raise LedgerError(_chain_failed(path, problem))
    _write_chain(conn, len(rows), chain_digest(row[_CHECKED] for row in rows))


def _write_chain(conn: sqlite3.Connection, count: int, digest: str) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?), (?, ?)",
        (ENTRIES_COUNT, str(count), ENTRIES_DIGEST, digest),
    )


def _extend_chain(conn: sqlite3.Connection, check_values: Sequence[str]) -> None:
    """Count the entries just inserted, in id order, into the running check value (same transaction)."""
    recorded = _recorded_chain(conn)
    if recorded is None:  # never: the write verified the entries first
        raise LedgerError(_chain_failed(getattr(conn, "path", ""), NO_CHAIN))
    count, digest = recorded
    _write_chain(conn, count + len(check_values), chain_digest(check_values, digest))


# --- opening the file --------------------------------------------------------------------


def _precheck(path: Path, *, create: bool) -> bool:
    """Refuse what is not a ledger before SQLite opens it (so it is never rewritten).

    Returns whether the file is fresh (missing, or empty): only a fresh file may
    become a new ledger.
    """
    kind = special_kind(path)  # named before SQLite opens it: a named pipe would block, a loop raise
    try:
        info = path.stat()
    except FileNotFoundError:
        if not create:
            raise LedgerError(_not_a_file(path, kind) if kind is not None else _missing(path)) from None
        if not path.parent.is_dir():
            raise LedgerError(
                Say(
                    f"无法创建台账 {path}：文件夹 {path.parent} 不存在",
                    f"cannot create ledger {path}: folder {path.parent} does not exist",
                )
            ) from None
        return True
    except OSError as exc:
        raise LedgerError(_not_a_file(path, kind) if kind else _cannot_open(path, exc.strerror)) from None
    if kind is not None or not stat.S_ISREG(info.st_mode):
        raise LedgerError(_not_a_file(path, kind or OTHER))
    if info.st_size == 0:
        if not create:
            raise LedgerError(_not_a_ledger(path, EMPTY_FILE))
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise LedgerError(_cannot_open(path, exc.strerror)) from None
    if head != SQLITE_HEADER:
        raise LedgerError(_not_a_ledger(path, NOT_SQLITE))
    return False


def _not_a_file(path: Path, kind: Say) -> Say:
    return Say(f"台账 {path} 是{kind.zh}，不是文件", f"ledger {path} is {kind.en}, not a file")


class _Ledger(sqlite3.Connection):
    """A connection to a ledger file: its path (for messages) and whether its entries carry check values."""

    path: Path
    checked: bool = True  # False only while reading a schema-1 ledger that could not be upgraded
    chained: bool = True  # False only while reading a ledger older than schema 3 that could not be upgraded


def _connect(path: Path, *, create: bool) -> _Ledger:
    uri = f"{path.resolve().as_uri()}?mode={'rwc' if create else 'rw'}"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None, factory=_Ledger)
    except sqlite3.Error as exc:
        raise LedgerError(_cannot_open(path, exc)) from None
    conn.path = path
    conn.execute("PRAGMA foreign_keys = ON")
    conn.create_function(CHECK_FUNCTION, len(CHECK_FIELDS), _check_value_sql, deterministic=True)
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
            raise LedgerError(LOCKED_SAY) from None
        if "readonly" in text:
            raise LedgerError(
                Say(
                    f"台账 {path} 无法写入：文件或其所在文件夹为只读",
                    f"ledger {path} cannot be written: the file or its folder is read-only",
                )
            ) from None
        if "unable to open" in text:
            raise LedgerError(_cannot_open(path, exc)) from None
        raise LedgerError(_damaged(path, exc)) from None
    except sqlite3.Error as exc:
        raise LedgerError(_damaged(path, exc)) from None
    except UnicodeDecodeError as exc:  # SQLite's own message, from a damaged schema, is not UTF-8
        raise LedgerError(_damaged(path, exc.reason)) from None


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
        raise LedgerError(_not_a_ledger(path, OTHER_PROGRAM))
    if version > SCHEMA_VERSION:
        raise LedgerError(
            Say(
                f"台账 {path} 的结构版本为 {version}，高于本版 tongnan-calc {__version__}"
                f" 所能识别的版本（{SCHEMA_VERSION}）：请升级 tongnan-calc",
                f"ledger {path} has schema version {version}, newer than this tongnan-calc "
                f"{__version__} understands ({SCHEMA_VERSION}): upgrade tongnan-calc",
            )
        )
    if version < 1:
        raise LedgerError(_not_a_ledger(path, Say(f"未知的结构版本 {version}", f"unknown schema version {version}")))
    return version


def _prepare_for_write(conn: _Ledger, path: Path, *, fresh: bool) -> None:
    """Inside BEGIN IMMEDIATE: create a new ledger, migrate an old one, check it is sound.

    Only a ``fresh`` file (missing or empty before this write) becomes a new ledger.
    A ledger of the current schema must pass ``PRAGMA quick_check`` and every entry
    must match its check value; an older one is migrated (which gives its entries
    their check values).
    """
    version = _schema_state(conn, path)
    if version == 0:
        if not fresh:
            raise LedgerError(_not_a_ledger(path, EMPTY_DATABASE))
        _create_schema(conn)
        return
    check = conn.execute("PRAGMA quick_check").fetchone()
    if check is None or check[0] != "ok":
        raise LedgerError(_damaged(path, check and check[0]))
    if version < SCHEMA_VERSION:
        _migrate(conn, version)
    else:
        _verify_all(conn)


@contextmanager
def _writing(path: Path, *, create: bool = True) -> Iterator[_Ledger]:
    """One write transaction on the ledger at ``path`` (created when missing if ``create``).

    Every entry already in the ledger is verified against its check value first.
    """
    fresh = _precheck(path, create=create)
    with _sqlite_errors(path):
        conn = _connect(path, create=create)
        try:
            with _transaction(conn, "BEGIN IMMEDIATE"):
                _prepare_for_write(conn, path, fresh=fresh)
                yield conn
        finally:
            conn.close()


def _cannot_write(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "readonly" in text or "unable to open" in text


def _upgrade_for_reading(conn: _Ledger, path: Path, version: int) -> int:
    """Migrate an older ledger before reading it; the schema version it is read at.

    A schema-1 ledger that cannot be written (a read-only file or folder) is read
    as it is, without check values, as tongnan-calc read it before schema 2:
    the migration would only compute them from the same unchecked entries.
    """
    try:
        with _transaction(conn, "BEGIN IMMEDIATE"):
            _prepare_for_write(conn, path, fresh=False)
    except sqlite3.OperationalError as exc:
        if _is_locked(exc) or not _cannot_write(exc):
            raise
        return version
    return SCHEMA_VERSION


@contextmanager
def _reading(path: Path, *, verify_all: bool = False) -> Iterator[_Ledger]:
    """One consistent read of an existing ledger (an old schema is migrated first).

    The entries read with ``_entries`` are verified as they are read; with
    ``verify_all``, every entry of the ledger is verified first (for a read
    that uses only some of them).
    """
    _precheck(path, create=False)
    with _sqlite_errors(path):
        conn = _connect(path, create=False)
        try:
            with _transaction(conn, "BEGIN"):
                version = _schema_state(conn, path)
            if version == 0:
                raise LedgerError(_not_a_ledger(path, EMPTY_DATABASE))
            if version < SCHEMA_VERSION:
                version = _upgrade_for_reading(conn, path, version)
            conn.checked = version >= CHECKED_SINCE
            conn.chained = version >= CHAINED_SINCE
            with _transaction(conn, "BEGIN"):
                if verify_all:
                    _verify_all(conn)
                yield conn
        finally:
            conn.close()


# --- schema ----------------------------------------------------------------------------

ENTRIES_NO_UPDATE: Final = """CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
        BEGIN SELECT RAISE(ABORT, 'ledger entries are never changed: reverse one instead'); END"""

# The statements that create a ledger of schema version 1, as tongnan-calc wrote it
# before check values (never change them: a new ledger is this schema brought up to
# ``SCHEMA_VERSION`` by ``MIGRATIONS``, so a new ledger and a migrated one are alike).
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
    ENTRIES_NO_UPDATE,
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

# MIGRATIONS[v] upgrades a ledger of schema v to v + 1 (run inside the write transaction):
# SQL statements, or a function of the connection.
Step = str | Callable[[sqlite3.Connection], None]
MIGRATIONS: dict[int, tuple[Step, ...]] = {
    # 1 -> 2: every entry gets its check value (see ``entry_check_value``), computed by the
    # SQL function ``tongnan_check_value`` from the entry as it is at the migration.  The
    # append-only trigger is set aside for this one UPDATE and put back as it was.
    1: (
        "DROP TRIGGER entries_no_update",
        "ALTER TABLE entries ADD COLUMN check_value TEXT",
        f"UPDATE entries SET check_value = {CHECK_FUNCTION}({', '.join(CHECK_FIELDS)})",
        ENTRIES_NO_UPDATE,
    ),
    # 2 -> 3: meta holds the count of entries and their running check value (``chain_digest``),
    # from the entries as they are at the migration (each verified against its check value).
    2: (_start_chain,),
}
CHECKED_SINCE: Final = 2  # the first schema version whose entries carry check values
CHAINED_SINCE: Final = 3  # the first schema version with the count and running check value of its entries


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _create_schema(conn: sqlite3.Connection) -> None:
    """A new ledger: schema 1 (``SCHEMA``), then ``MIGRATIONS`` up to ``SCHEMA_VERSION``."""
    for statement in SCHEMA:
        conn.execute(statement)
    conn.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?)",
        [("format", "tongnan-calc ledger"), ("created_at", _now()), ("created_by", __version__)],
    )
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    _upgrade(conn, 1)


def _upgrade(conn: sqlite3.Connection, version: int) -> None:
    """Apply ``MIGRATIONS`` step by step from ``version`` to ``SCHEMA_VERSION``."""
    while version < SCHEMA_VERSION:
        steps = MIGRATIONS.get(version)
        if steps is None:
            raise LedgerError(
                Say(f"缺少从台账结构版本 {version} 升级的步骤", f"no migration from ledger schema version {version}")
            )
        for step in steps:
            if isinstance(step, str):
                conn.execute(step)
            else:
                step(conn)
        version += 1
        conn.execute(f"PRAGMA user_version = {version}")


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    """Upgrade an existing ledger to ``SCHEMA_VERSION`` (all in the caller's transaction)."""
    _upgrade(conn, version)
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('migrated_at', ?), ('migrated_by', ?)",
        (_now(), __version__),
    )


# --- reading entries -----------------------------------------------------------------------

_CHECKED_COLUMNS: Final = ", ".join(f"e.{name}" for name in CHECK_FIELDS)
_CHECKED: Final = len(CHECK_FIELDS)  # row[:_CHECKED] are the checked fields, row[_CHECKED] the check value


def _entry_select(checked: bool) -> str:
    """The columns of ``_entry``: ``CHECK_FIELDS``, the check value (NULL when the schema has none), the rest."""
    return f"""
    SELECT {_CHECKED_COLUMNS}, {"e.check_value" if checked else "NULL"},
           s.kind, s.file_name, r.id
    FROM entries AS e
    JOIN sources AS s ON s.id = e.source_id
    LEFT JOIN entries AS r ON r.reverses = e.id
"""


def _verify_all(conn: _Ledger) -> None:
    """Refuse the ledger if any of its entries does not match its check value."""
    if not conn.checked:
        return
    rows = conn.execute(f"SELECT {_CHECKED_COLUMNS}, e.check_value FROM entries AS e")
    failed = [int(str(row[0])) for row in rows if entry_check_value(row[:_CHECKED]) != row[_CHECKED]]
    if failed:
        raise LedgerError(_check_failed(conn.path, failed))
    _verify_chain(conn)


_WHAT_ZH: Final = {"tier": "档次", "amount": "金额"}


def _decimal(text: object, what: str, entry_id: int) -> Decimal:
    bad = Say(
        f"台账条目 {entry_id} 的{_WHAT_ZH.get(what, what)}有误：{text!r}",
        f"ledger entry {entry_id} has a bad {what} {text!r}",
    )
    try:
        value = Decimal(str(text))
    except ArithmeticError:
        raise LedgerError(bad) from None
    if not value.is_finite():
        raise LedgerError(bad)
    return value


def _source_text(kind: str, file_name: str | None, row: int | None) -> Say:
    zh, en = [SOURCE_KIND_ZH.get(kind, kind)], [kind]
    if file_name:
        zh.append(file_name)
        en.append(file_name)
    if row is not None:
        zh.append(f"第{row}行")
        en.append(f"row {row}")
    return Say(" ".join(zh), " ".join(en))


def _opt_int(value: object) -> int | None:
    return None if value is None else int(str(value))


def _entry(row: Sequence[object]) -> Entry:
    """An ``Entry`` from a row of ``_entry_select``."""
    entry_id = int(str(row[0]))
    kind: EntryKind = "reversal" if row[1] == "reversal" else "payout"
    file_name = None if row[14] is None else str(row[14])
    source = _source_text(str(row[13]), file_name, _opt_int(row[8]))
    return Entry(
        id=entry_id,
        kind=kind,
        credit_code=str(row[2]),
        year=int(str(row[3])),
        measure=str(row[4]),
        tier=None if row[5] is None else _decimal(row[5], "tier", entry_id),
        amount=_decimal(row[6], "amount", entry_id),
        recorded_at=str(row[11]),
        source=source.en,
        reverses=_opt_int(row[9]),
        reversed_by=_opt_int(row[15]),
        reason=str(row[10] or ""),
        source_zh=source.zh,
    )


def _entries(conn: _Ledger, where: str = "", params: Sequence[object] = ()) -> list[Entry]:
    """The entries matching ``where``, each verified against its check value (all of them
    are read first: the refusal names every entry read that fails)."""
    query = _entry_select(conn.checked) + (f" WHERE {where}" if where else "") + " ORDER BY e.id"
    entries: list[Entry] = []
    failed: list[int] = []
    for row in conn.execute(query, tuple(params)):
        entry = _entry(row)
        if conn.checked and entry_check_value(row[:_CHECKED]) != row[_CHECKED]:
            failed.append(entry.id)
        entries.append(entry)
    if failed:
        raise LedgerError(_check_failed(conn.path, failed))
    if not where:  # every entry was read: and every entry recorded is there
        _verify_chain(conn)
    return entries


# --- public API: reading ---------------------------------------------------------------------


def read_prior(path: Path) -> LedgerSnapshot:
    """Every payout in force in the ledger at ``path`` (the engine keeps years before Y).

    The file must exist: opening it never creates it.  Every entry is verified
    against its check value: one that does not match refuses the read.
    """
    with _reading(path) as conn:
        entries = _entries(conn)
    payouts = tuple(PriorPayout(e.credit_code, e.year, e.measure, e.amount, e.tier) for e in entries if e.in_force)
    return LedgerSnapshot(path=str(path), payouts=payouts, entries=len(entries))


def _check_measure(measure: str) -> str:
    key = measure.strip().lower()
    if key not in MEASURE_IDS:
        raise LedgerError(
            Say(
                f"未知的措施 {measure!r}：应为 {'、'.join(MONEY_MEASURES)} 之一",
                f"unknown measure {measure!r}: expected one of {', '.join(MONEY_MEASURES)}",
            )
        )
    return key


def list_entries(
    ledger: Path,
    *,
    credit_code: str | None = None,
    year: int | None = None,
    measure: str | None = None,
) -> list[Entry]:
    """The ledger's entries (payouts and reversals) in the order recorded, filtered.

    Every entry of the ledger is verified against its check value, listed or not
    (whether a payout is in force depends on the others).
    """
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
    with _reading(ledger, verify_all=bool(clauses)) as conn:
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

    def describe(self) -> Say:
        zh = "" if self.tier is None else f" 档次 {tier_text(self.tier)}"
        en = "" if self.tier is None else f" tier {tier_text(self.tier)}"
        return Say(
            f"{self.credit_code} {self.measure}{zh} {self.year}年",
            f"{self.credit_code} {self.measure}{en} {self.year}",
        )


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
    """What recording ``payouts`` would do (conflict detection).

    It reads the payouts in force without checking them one by one: the caller's
    transaction has verified every entry already (``_writing``, or ``_reading``
    with ``verify_all``).
    """
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


def _next_entry_id(conn: sqlite3.Connection) -> int:
    """The id the next entry gets (as SQLite would give it: one more than the largest)."""
    return int(conn.execute("SELECT coalesce(max(id), 0) + 1 FROM entries").fetchone()[0])


_INSERT_ENTRY: Final = (
    f"INSERT INTO entries ({', '.join(CHECK_FIELDS)}, check_value) VALUES ({', '.join('?' * (_CHECKED + 1))})"
)


def _sealed(fields: tuple[object, ...]) -> tuple[object, ...]:
    """The values of ``CHECK_FIELDS`` and their check value: one row for ``_INSERT_ENTRY``."""
    return (*fields, entry_check_value(fields))


def _insert_payouts(conn: sqlite3.Connection, source: _Source, payouts: Sequence[_Payout]) -> None:
    """Add ``payouts`` (and their source) in the caller's transaction; nothing when empty."""
    if not payouts:
        return
    now = _now()
    source_id = _insert_source(conn, source, now)
    first = _next_entry_id(conn)
    rows = [
        _sealed(
            (
                first + n,
                "payout",
                p.credit_code,
                p.year,
                p.measure,
                tier_text(p.tier),
                money_text(p.amount),
                source_id,
                p.row,
                None,
                "",
                now,
            )
        )
        for n, p in enumerate(payouts)
    ]
    conn.executemany(_INSERT_ENTRY, rows)
    _extend_chain(conn, [str(row[-1]) for row in rows])


# --- reversal ------------------------------------------------------------------------------------------


def reverse(ledger: Path, entry_id: int, reason: str) -> Entry:
    """Cancel payout ``entry_id`` by a reversing entry (kept in history); returns the reversal.

    The whole ledger is verified against its check values first (``_writing``).
    """
    reason = " ".join(reason.split())
    if not reason:
        raise LedgerError(Say("冲销条目须写明原因（--reason）", "a reason is required to reverse an entry"))
    with _writing(ledger, create=False) as conn:
        found = _entries(conn, "e.id = ?", (entry_id,))
        if not found:
            raise LedgerError(Say(f"台账 {ledger} 中没有条目 {entry_id}", f"ledger {ledger} has no entry {entry_id}"))
        original = found[0]
        if original.kind == "reversal":
            raise LedgerError(
                Say(
                    f"条目 {entry_id} 本身是冲销条目（冲销条目 {original.reverses}），不能再冲销",
                    f"entry {entry_id} is a reversal (of entry {original.reverses}): it cannot be reversed",
                )
            )
        if original.reversed_by is not None:
            raise LedgerError(
                Say(
                    f"条目 {entry_id} 已被条目 {original.reversed_by} 冲销，不能重复冲销",
                    f"entry {entry_id} was already reversed by entry {original.reversed_by}",
                )
            )
        now = _now()
        source_id = _insert_source(conn, _Source("reverse"), now)
        reversal_id = _next_entry_id(conn)
        row = _sealed(
            (
                reversal_id,
                "reversal",
                original.credit_code,
                original.year,
                original.measure,
                tier_text(original.tier),
                money_text(-original.amount),
                source_id,
                None,
                original.id,
                reason,
                now,
            )
        )
        conn.execute(_INSERT_ENTRY, row)
        _extend_chain(conn, [str(row[-1])])
        return _entries(conn, "e.id = ?", (reversal_id,))[0]
