"""Creating a ledger's schema and bringing an older one up to ``SCHEMA_VERSION``."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Final

from tongnan_calc import __version__
from tongnan_calc.core.say import Say
from tongnan_calc.ledger.integrity import CHECK_FIELDS, CHECK_FUNCTION, _start_chain
from tongnan_calc.ledger.schema import APPLICATION_ID, ENTRIES_NO_UPDATE, SCHEMA, LedgerError, _now

SCHEMA_VERSION: Final = 3  # the schema a ledger of this tongnan-calc has

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
