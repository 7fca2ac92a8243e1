"""Builders for the ledger tests: history workbooks and payout workbooks, made with openpyxl.

``write_payout`` follows ``tongnan_calc.payout_layout`` exactly, as the payout
workbook writer does: sheet 应付明细 with the LINE_COLUMNS headings in row 1 and a
seal (校验码) on each row; sheet 来源 with columns key | 项目 | 内容.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook, load_workbook

from tongnan_calc import __version__, uscc
from tongnan_calc.payout_layout import LINE_COLUMNS, PAYABLE, PROVENANCE, PROVENANCE_ROWS, TOOL_NAME
from tongnan_calc.seal import seal

HISTORY_HEADERS = ("credit_code", "year", "measure", "tier", "amount")
HISTORY_HEADERS_ZH = ("统一社会信用代码", "年度", "措施", "档次", "金额")


def code(n: int) -> str:
    """A valid unified social credit code, different for each ``n``."""
    body = f"91500223MA{n:07d}"
    return body + uscc.check_char(body)


@dataclass(frozen=True)
class RunInfo:
    """The provenance of a payout workbook."""

    year: int = 2016
    rules_sha256: str = "1" * 64
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
    sheet.append([column.zh for column in LINE_COLUMNS])
    for line in lines:
        credit_code, measure, tier, amount = line
        sheet.append(
            [
                credit_code,
                "重庆潼南测试电子商务有限公司",
                measure,
                "二（三）",
                _dec(tier),
                _dec(amount),
                "区商务局、区财政局",
                "理由",
                "依据",
                line_seal(line, run),
            ]
        )
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
    return 1 + next(i for i, column in enumerate(LINE_COLUMNS) if column.key == key)


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
