"""The payout ledger (SPEC §6): what was actually paid, in an embedded SQLite file.

The run reads it for prior payouts (one-time rewards, the data-line period, the
lifetime interest cap); clerks fill it by importing history paid before the tool
existed (``import_history``) and by recording approved payout workbooks
(``record_payout``).  Entries are never changed or deleted: a payout entered by
mistake is cancelled by a reversing entry (``reverse``).

- ``schema``: constants, ``LedgerError``, messages about the file, the schema's
  statements; ``integrity``: each entry's check value (``entry_check_value``)
  and the count and running check value of all entries (``chain_digest``: a
  deleted entry is refused); ``migrations``: creating and upgrading the schema;
  ``connection``: opening the file safely, transactions; ``entries``:
  ``read_prior``, ``list_entries``, appending payouts and ``reverse``;
- ``home``: which ledger a command uses (--ledger, $TONGNAN_LEDGER, the user's
  configuration written by ``ledger init``);
- ``limits``: what the rule file allows (sales_milestone tiers, the lifetime
  interest cap);
- ``sheets``: reading the sheets of a workbook (python-calamine);
- ``history``: ``import_history``;
- ``record``: ``record_payout`` (provenance, seal checks, conflicts);
- ``export_book``: ``export`` and the history workbook (openpyxl).

No typer or rich here: ``cli_ledger`` is the shell.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The names below are the package's interface; each is imported from its module when first used, so
# that a command imports only what it needs (``run`` reads the ledger, it does not record or export).
if TYPE_CHECKING:
    from tongnan_calc.ledger.connection import BUSY_TIMEOUT_S, init_ledger, must_exist
    from tongnan_calc.ledger.entries import KIND_ZH, Entry, LedgerSnapshot, list_entries, read_prior, reverse
    from tongnan_calc.ledger.export_book import (
        EXPORT_ENTRIES_SHEET,
        EXPORT_PAYOUTS_SHEET,
        EXPORT_SHEETS,
        MONEY_FORMAT,
        TIER_FORMAT,
        export,
    )
    from tongnan_calc.ledger.history import (
        EXPECT_MEASURE,
        EXPORT_EXTRA_COLUMNS,
        HISTORY_COLUMNS,
        HISTORY_SHEET,
        SEVERITY_ZH,
        HistoryIssue,
        ImportReport,
        import_history,
    )
    from tongnan_calc.ledger.home import LEDGER_ENV
    from tongnan_calc.ledger.integrity import CHECK_FIELDS, entry_check_value
    from tongnan_calc.ledger.migrations import MIGRATIONS, SCHEMA_VERSION
    from tongnan_calc.ledger.record import (
        NO_LEDGER,
        PROVENANCE_NEEDED,
        RECORD_COLUMNS,
        Provenance,
        RecordReport,
        record_payout,
    )
    from tongnan_calc.ledger.schema import (
        APPLICATION_ID,
        FLAG_MEASURES,
        LOCKED,
        LOCKED_SAY,
        MONEY_MEASURES,
        SALES_MILESTONE,
        SCHEMA,
        SQLITE_HEADER,
        EntryKind,
        LedgerError,
        money_text,
        tier_text,
    )
    from tongnan_calc.ledger.sheets import EXPECT_CENTS, EXPECT_NO_TIER, EXPECT_TIER

_WHERE: dict[str, str] = {
    "APPLICATION_ID": "schema",
    "BUSY_TIMEOUT_S": "connection",
    "CHECK_FIELDS": "integrity",
    "EXPECT_CENTS": "sheets",
    "EXPECT_MEASURE": "history",
    "EXPECT_NO_TIER": "sheets",
    "EXPECT_TIER": "sheets",
    "EXPORT_ENTRIES_SHEET": "export_book",
    "EXPORT_EXTRA_COLUMNS": "history",
    "EXPORT_PAYOUTS_SHEET": "export_book",
    "EXPORT_SHEETS": "export_book",
    "Entry": "entries",
    "EntryKind": "schema",
    "FLAG_MEASURES": "schema",
    "HISTORY_COLUMNS": "history",
    "HISTORY_SHEET": "history",
    "HistoryIssue": "history",
    "ImportReport": "history",
    "KIND_ZH": "entries",
    "LEDGER_ENV": "home",
    "LOCKED": "schema",
    "LOCKED_SAY": "schema",
    "LedgerError": "schema",
    "LedgerSnapshot": "entries",
    "MIGRATIONS": "migrations",
    "MONEY_FORMAT": "export_book",
    "MONEY_MEASURES": "schema",
    "NO_LEDGER": "record",
    "PROVENANCE_NEEDED": "record",
    "Provenance": "record",
    "RECORD_COLUMNS": "record",
    "RecordReport": "record",
    "SALES_MILESTONE": "schema",
    "SCHEMA": "schema",
    "SCHEMA_VERSION": "migrations",
    "SEVERITY_ZH": "history",
    "SQLITE_HEADER": "schema",
    "TIER_FORMAT": "export_book",
    "entry_check_value": "integrity",
    "export": "export_book",
    "import_history": "history",
    "init_ledger": "connection",
    "list_entries": "entries",
    "money_text": "schema",
    "must_exist": "connection",
    "read_prior": "entries",
    "record_payout": "record",
    "reverse": "entries",
    "tier_text": "schema",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "APPLICATION_ID",
    "BUSY_TIMEOUT_S",
    "CHECK_FIELDS",
    "EXPECT_CENTS",
    "EXPECT_MEASURE",
    "EXPECT_NO_TIER",
    "EXPECT_TIER",
    "EXPORT_ENTRIES_SHEET",
    "EXPORT_EXTRA_COLUMNS",
    "EXPORT_PAYOUTS_SHEET",
    "EXPORT_SHEETS",
    "FLAG_MEASURES",
    "HISTORY_COLUMNS",
    "HISTORY_SHEET",
    "KIND_ZH",
    "LEDGER_ENV",
    "LOCKED",
    "LOCKED_SAY",
    "MIGRATIONS",
    "MONEY_FORMAT",
    "MONEY_MEASURES",
    "NO_LEDGER",
    "PROVENANCE_NEEDED",
    "RECORD_COLUMNS",
    "SALES_MILESTONE",
    "SCHEMA",
    "SCHEMA_VERSION",
    "SEVERITY_ZH",
    "SQLITE_HEADER",
    "TIER_FORMAT",
    "Entry",
    "EntryKind",
    "HistoryIssue",
    "ImportReport",
    "LedgerError",
    "LedgerSnapshot",
    "Provenance",
    "RecordReport",
    "entry_check_value",
    "export",
    "import_history",
    "init_ledger",
    "list_entries",
    "money_text",
    "must_exist",
    "read_prior",
    "record_payout",
    "reverse",
    "tier_text",
]
