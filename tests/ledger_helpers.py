"""Builders for the ledger tests: history workbooks and payout workbooks, made with openpyxl.

``write_payout`` follows ``tongnan_calc.report.layout`` exactly, as the payout
workbook writer does: sheet 应付明细 with the PAYABLE_COLUMNS headings in row 1 and a
seal (校验码) on each row; sheet 来源 with columns key | 项目 | 内容.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook, load_workbook

from tongnan_calc import __version__
from tongnan_calc.input import uscc
from tongnan_calc.ledger import init_ledger
from tongnan_calc.report.layout import PAYABLE, PAYABLE_COLUMNS, PROVENANCE, PROVENANCE_ROWS, TOOL_NAME
from tongnan_calc.report.seal import seal
from tongnan_calc.rules.load import DEFAULT_RULES, load_rules
from tongnan_calc.text.messages import MEASURE_NAMES

SHIPPED_SHA256 = load_rules(DEFAULT_RULES).sha256
HISTORY_HEADERS = ("credit_code", "year", "measure", "tier", "amount")
HISTORY_HEADERS_ZH = ("统一社会信用代码", "年度", "措施", "档次", "金额")


def new_ledger(path: Path) -> Path:
    """An empty ledger at ``path`` (as `tongnan-calc ledger init` makes it, without the configuration)."""
    init_ledger(path)
    return path


def code(n: int) -> str:
    """A valid unified social credit code, different for each ``n``."""
    body = f"91500223MA{n:07d}"
    return body + uscc.check_char(body)


@dataclass(frozen=True)
class RunInfo:
    """The provenance of a payout workbook."""

    year: int = 2016
    rules_sha256: str = SHIPPED_SHA256  # as `run` with the shipped rules (ledger record checks against them)
    input_sha256: str = "2" * 64
    rules_version: str = "2015.1"


RUN = RunInfo()

# (credit_code, measure, tier, amount)
PayLine = tuple[str, str, int | str | None, int | str]


def _dec(value: int | str | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def line_seal(line: PayLine, run: RunInfo = RUN) -> str:
    credit_code, measure, tier, amount = line
    money = _dec(amount)
    assert money is not None
    return seal(
        year=run.year,
        rules_sha256=run.rules_sha256,
        input_sha256=run.input_sha256,
        credit_code=credit_code,
        measure=measure,
        tier=_dec(tier),
        amount=money.quantize(Decimal("0.01")),
    )


def write_payout(
    path: Path,
    lines: Iterable[PayLine],
    *,
    run: RunInfo = RUN,
    tool: str = TOOL_NAME,
    with_provenance: bool = True,
    ledger_used: str = "tongnan-ledger.sqlite",
) -> Path:
    """A payout workbook as ``tongnan-calc run --out`` writes it (zh headings)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = PAYABLE[0]
    sheet.append([column.zh for column in PAYABLE_COLUMNS])
    for seq, line in enumerate(lines, start=1):
        credit_code, measure, tier, amount = line
        cells: dict[str, object] = {
            "seq": seq,
            "name": "重庆潼南测试电子商务有限公司",
            "credit_code": credit_code,
            "measure_name": MEASURE_NAMES.get(measure, (measure,))[0],  # as run writes it (zh)
            "clause": "二（三）",
            "status": "应付",
            "tier": _dec(tier),
            "amount": _dec(amount),
            "lead_unit": "区商务局",
            "measure": measure,
            "seal": line_seal(line, run),
        }
        sheet.append([cells.get(column.key) for column in PAYABLE_COLUMNS])
    # the footer the tool writes: the 合计 row, the total in capitals, the signature block
    heads = [column.key for column in PAYABLE_COLUMNS]
    total_row: list[object] = [None] * len(heads)
    total_row[0], total_row[heads.index("name")] = "合计", "共 n 笔"
    sheet.append(total_row)
    sheet.append([None, "合计金额（大写）：人民币……"])
    sheet.append([None, "制表人：", None, "审核人：", None, None, None, None, "批准人：", None, "日期：  年  月  日"])
    sheet.append([None, "发放单位（盖章）：重庆市潼南区商务局"])
    if with_provenance:
        values = {
            "tool": tool,
            "tool_version": __version__,
            "year": str(run.year),
            "rules_path": "rules.yaml",
            "rules_version": run.rules_version,
            "rules_sha256": run.rules_sha256,
            "input_path": "input.xlsx",
            "input_sha256": run.input_sha256,
            "ledger": ledger_used,
            "prior_payouts_read": "",
            "generated_at": "2017-03-01T08:00:00+00:00",
            "payable_total": "0.00",
            "payable_lines": "0",
        }
        provenance = book.create_sheet(PROVENANCE[0])
        provenance.append(["key", "项目", "内容"])
        for key, zh, _ in PROVENANCE_ROWS:
            provenance.append([key, zh, values[key]])
    book.save(path)
    return path


def column_number(key: str) -> int:
    return 1 + next(i for i, column in enumerate(PAYABLE_COLUMNS) if column.key == key)


def edit_cell(path: Path, sheet: str, row: int, column: int, value: object) -> None:
    """Change one cell as a clerk would in Excel."""
    book = load_workbook(path)
    book[sheet].cell(row=row, column=column).value = value
    book.save(path)


def delete_row(path: Path, sheet: str, row: int) -> None:
    book = load_workbook(path)
    book[sheet].delete_rows(row)
    book.save(path)


def write_history(
    path: Path,
    rows: Iterable[Sequence[object]],
    *,
    sheet: str = "payouts",
    headers: Sequence[str] = HISTORY_HEADERS,
) -> Path:
    """A history workbook: ``headers`` in row 1, then ``rows``."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    book.save(path)
    return path


def sql(path: Path, query: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
    """Run one query on a ledger file directly (autocommit)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        return [tuple(row) for row in conn.execute(query, tuple(params))]
    finally:
        conn.close()


# --- a ledger of schema version 1 (before check values) ---------------------------------------------------

# The statements tongnan-calc 0.x used to create a ledger of schema version 1, copied
# verbatim from the code before schema 2 (commit 23a99d1), so that the tests build old
# files independently of the code under test.
V1_SCHEMA: tuple[str, ...] = (
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

V1_APPLICATION_ID = 0x544E4C47

# (credit_code, year, measure, tier text or None, amount text)
V1Payout = tuple[str, int, str, str | None, str]


def write_v1_ledger(
    path: Path,
    payouts: Sequence[V1Payout],
    *,
    reversals: Sequence[tuple[int, str]] = (),
    recorded_at: str = "2016-03-01T08:00:00+00:00",
) -> Path:
    """A ledger of schema version 1 as tongnan-calc wrote it: ``payouts`` imported from one
    history workbook (rows 2, 3, ...), then each (entry id, reason) of ``reversals``
    reversed, with the inserts of that version (no check values)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        for statement in V1_SCHEMA:
            conn.execute(statement)
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [("format", "tongnan-calc ledger"), ("created_at", recorded_at), ("created_by", "0.9.0")],
        )
        conn.execute(f"PRAGMA application_id = {V1_APPLICATION_ID}")
        conn.execute("PRAGMA user_version = 1")
        source_id = conn.execute(
            "INSERT INTO sources (kind, file_name, file_sha256, tool_version, recorded_at)"
            " VALUES ('import', 'history.xlsx', ?, '0.9.0', ?)",
            ("3" * 64, recorded_at),
        ).lastrowid
        conn.executemany(
            "INSERT INTO entries (kind, credit_code, year, measure, tier, amount, source_id,"
            " source_row, recorded_at) VALUES ('payout', ?, ?, ?, ?, ?, ?, ?, ?)",
            [(c, y, m, t, a, source_id, row, recorded_at) for row, (c, y, m, t, a) in enumerate(payouts, start=2)],
        )
        for entry_id, reason in reversals:
            reversed_source = conn.execute(
                "INSERT INTO sources (kind, tool_version, recorded_at) VALUES ('reverse', '0.9.0', ?)",
                (recorded_at,),
            ).lastrowid
            code_, year, measure, tier, amount = conn.execute(
                "SELECT credit_code, year, measure, tier, amount FROM entries WHERE id = ?", (entry_id,)
            ).fetchone()
            conn.execute(
                "INSERT INTO entries (kind, credit_code, year, measure, tier, amount, source_id,"
                " reverses, reason, recorded_at) VALUES ('reversal', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (code_, year, measure, tier, f"{-Decimal(amount):f}", reversed_source, entry_id, reason, recorded_at),
            )
        conn.execute("COMMIT")
    finally:
        conn.close()
    return path
