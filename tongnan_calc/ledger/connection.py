"""Opening a ledger file safely: the checks before SQLite opens it, transactions, SQLite's errors as
one-line messages, and the read and write sessions (``_reading``, ``_writing``).

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

The parts: ``schema`` (constants, the error, the schema's statements), ``integrity`` (check
values), ``migrations``, this module (opening), ``entries`` (reading, appending, reversing).
"""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Final

from tongnan_calc import __version__
from tongnan_calc.core.say import Say
from tongnan_calc.files.kinds import OTHER, special_kind
from tongnan_calc.ledger import migrations
from tongnan_calc.ledger.integrity import CHECK_FIELDS, CHECK_FUNCTION, _check_value_sql, _verify_all
from tongnan_calc.ledger.migrations import CHAINED_SINCE, CHECKED_SINCE, _create_schema, _migrate
from tongnan_calc.ledger.schema import (
    APPLICATION_ID,
    EMPTY_DATABASE,
    EMPTY_FILE,
    LOCKED_SAY,
    NOT_SQLITE,
    OTHER_PROGRAM,
    SQLITE_HEADER,
    LedgerError,
    _cannot_open,
    _damaged,
    _Ledger,
    _missing,
    _not_a_ledger,
)

BUSY_TIMEOUT_S: Final = 10.0  # how long a writer waits for another writer

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
    if version > migrations.SCHEMA_VERSION:
        raise LedgerError(
            Say(
                f"台账 {path} 的结构版本为 {version}，高于本版 tongnan-calc {__version__}"
                f" 所能识别的版本（{migrations.SCHEMA_VERSION}）：请升级 tongnan-calc",
                f"ledger {path} has schema version {version}, newer than this tongnan-calc "
                f"{__version__} understands ({migrations.SCHEMA_VERSION}): upgrade tongnan-calc",
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
    if version < migrations.SCHEMA_VERSION:
        _migrate(conn, version)
    else:
        _verify_all(conn)


@contextmanager
def _writing(path: Path, *, create: bool = False) -> Iterator[_Ledger]:
    """One write transaction on the ledger at ``path`` (created when missing only if ``create``:
    ``init_ledger`` alone creates a ledger, every other write refuses a missing one).

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
    return migrations.SCHEMA_VERSION


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
            if version < migrations.SCHEMA_VERSION:
                version = _upgrade_for_reading(conn, path, version)
            conn.checked = version >= CHECKED_SINCE
            conn.chained = version >= CHAINED_SINCE
            with _transaction(conn, "BEGIN"):
                if verify_all:
                    _verify_all(conn)
                yield conn
        finally:
            conn.close()


def must_exist(path: Path) -> None:
    """Refuse a ledger that does not exist before anything else is read (nothing is created)."""
    try:
        path.stat()
    except FileNotFoundError:
        raise LedgerError(_missing(path)) from None
    except OSError:
        pass  # opening it says why


def init_ledger(path: Path) -> bool:
    """Create an empty ledger at ``path``; True when created, False when ``path`` is already a ledger
    (it is opened and checked as for reading: an older schema is migrated).  Anything else at
    ``path`` (an empty file, another program's file) is refused and left unchanged."""
    try:
        path.stat()
    except FileNotFoundError:
        with _writing(path, create=True):
            return True
    except OSError:
        pass  # opening it says why
    with _reading(path, verify_all=True):
        return False
