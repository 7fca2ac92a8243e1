"""The integrity of a ledger's entries: each entry's check value (schema 2) and the count and
running check value of all entries (schema 3), computed, verified and extended.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Sequence
from json.encoder import encode_basestring_ascii
from typing import Final

from tongnan_calc.core.say import Say
from tongnan_calc.ledger.schema import LedgerError, _Ledger

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


_CHECKED_COLUMNS: Final = ", ".join(f"e.{name}" for name in CHECK_FIELDS)
_CHECKED: Final = len(CHECK_FIELDS)  # row[:_CHECKED] are the checked fields, row[_CHECKED] the check value


def _verify_all(conn: _Ledger) -> None:
    """Refuse the ledger if any of its entries does not match its check value."""
    if not conn.checked:
        return
    rows = conn.execute(f"SELECT {_CHECKED_COLUMNS}, e.check_value FROM entries AS e")
    failed = [int(str(row[0])) for row in rows if entry_check_value(row[:_CHECKED]) != row[_CHECKED]]
    if failed:
        raise LedgerError(_check_failed(conn.path, failed))
    _verify_chain(conn)
