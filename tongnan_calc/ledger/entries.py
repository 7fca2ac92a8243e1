"""A ledger's entries: reading them (``read_prior``, ``list_entries``), appending payouts and reversing one."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Final, Literal

from tongnan_calc import __version__
from tongnan_calc.core.model import MEASURE_IDS, PriorPayout
from tongnan_calc.core.say import Lang, Say
from tongnan_calc.input import uscc
from tongnan_calc.ledger.connection import _reading, _writing
from tongnan_calc.ledger.integrity import (
    _CHECKED,
    _CHECKED_COLUMNS,
    CHECK_FIELDS,
    _check_failed,
    _extend_chain,
    _verify_chain,
    entry_check_value,
)
from tongnan_calc.ledger.schema import (
    MONEY_MEASURES,
    EntryKind,
    LedgerError,
    _decimal,
    _Ledger,
    _now,
    money_text,
    tier_text,
)

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


# --- reading entries -----------------------------------------------------------------------


def _entry_select(checked: bool) -> str:
    """The columns of ``_entry``: ``CHECK_FIELDS``, the check value (NULL when the schema has none), the rest."""
    return f"""
    SELECT {_CHECKED_COLUMNS}, {"e.check_value" if checked else "NULL"},
           s.kind, s.file_name, r.id
    FROM entries AS e
    JOIN sources AS s ON s.id = e.source_id
    LEFT JOIN entries AS r ON r.reverses = e.id
"""


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
    decision: str = ""  # a reviewer's decided amount on a pending line: its 核定依据 (kept as the entry's reason)

    def key(self) -> tuple[str, int, str, str | None]:
        return (self.credit_code, self.year, self.measure, tier_text(self.tier))

    def label(self) -> Say:
        """Where it was read: ``row 3`` of the payable sheet, ``pending row 3`` for a decided amount."""
        if self.decision:
            return Say(f"待定 第{self.row}行", f"pending row {self.row}")
        return Say(f"第{self.row}行", f"row {self.row}")

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


def other_tier_same_year(conn: sqlite3.Connection, payouts: Sequence[_Payout], where: Say) -> list[Say]:
    """二（五） 不重复享受: one sales_milestone payout per enterprise and year.  A tier for a year whose
    other tier is in force (a second run of the year, recorded over the first) is refused, one line."""
    items: list[Say] = []
    for payout in payouts:
        if payout.measure != "sales_milestone":
            continue
        tier = tier_text(payout.tier)
        found = conn.execute(
            "SELECT id, tier FROM payouts_in_force WHERE credit_code = ? AND year = ? AND measure = ?"
            " AND tier IS NOT ? ORDER BY id",
            (payout.credit_code, payout.year, payout.measure, tier),
        ).fetchone()
        if found is not None:
            entry_id, paid = int(found[0]), found[1]
            items.append(
                payout.label()
                + Say(
                    f" {payout.credit_code} 档次 {tier} {payout.year}年度（该年度已发放档次 {paid}，条目 {entry_id}）",
                    f" {payout.credit_code} tier {tier} for {payout.year}"
                    f" (tier {paid} already paid for {payout.year}, entry {entry_id})",
                )
            )
    if not items:
        return []
    return [
        Say(
            f"{where.zh} 将为同一年度再次发放 sales_milestone（二（五））的另一档次：{'、'.join(i.zh for i in items)}"
            "；未记录任何发放（如先记录的条目有误，请先冲销）",
            f"{where.en} would pay sales_milestone (二（五）) a second time for one year, at another tier:"
            f" {', '.join(i.en for i in items)}; nothing was recorded (if the entry recorded first is wrong,"
            " reverse it first)",
        )
    ]


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
                p.decision,
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
