"""The ledger's vocabulary: its constants, its error and messages about the file,
the decimal text of amounts and tiers, and the statements of its schema (version 1, see ``migrations``).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Final, Literal

from tongnan_calc.core.model import MEASURE_IDS
from tongnan_calc.core.money import CENT, canonical, fmt
from tongnan_calc.core.say import Say, UserError

# --- constants -------------------------------------------------------------------------

APPLICATION_ID: Final = 0x544E4C47  # "TNLG": marks an SQLite file as a tongnan-calc ledger
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


# --- messages --------------------------------------------------------------------------


def _missing(path: Path) -> Say:
    return Say(
        f"台账 {path} 不存在，未创建任何文件：请检查路径；新建本局的台账请用 `tongnan-calc ledger init {path}`",
        f"ledger {path} does not exist, nothing was created: check the path;"
        f" to create the bureau's ledger, use `tongnan-calc ledger init {path}`",
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


class _Ledger(sqlite3.Connection):
    """A connection to a ledger file: its path (for messages) and whether its entries carry check values."""

    path: Path
    checked: bool = True  # False only while reading a schema-1 ledger that could not be upgraded
    chained: bool = True  # False only while reading a ledger older than schema 3 that could not be upgraded


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


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


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
