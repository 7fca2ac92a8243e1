"""The layout of the payout workbook (SPEC §7), shared by its writer, the JSON line and ``ledger record``.

Every output field of a line is declared once, in ``LINE_COLUMNS``: its stable
English key (the JSON member, and the column map a program reads), its Chinese and
English headings, its width and its kind (how a cell holds it).  The JSON line
(``JSON_LINE``) and each sheet (``PAYABLE_COLUMNS`` …) are lists of those keys, and
``ledger record`` finds the payable sheet's columns by the same declaration.

Sheet names and headings are Chinese (the finance bureau's language); with
``--lang en`` they are English.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Kind = Literal["text", "wrap", "money", "int"]


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    width: int = 14
    kind: Kind = "text"

    @property
    def money(self) -> bool:
        return self.kind == "money"


SUMMARY = ("汇总", "summary")
PAYABLE = ("应付明细", "payable")
BASIS = ("计算依据", "basis")
PENDING = ("待定", "pending")
FLAGS = ("标记", "flags")
BLOCKED = ("无法计算", "blocked")
INELIGIBLE = ("不符合条件", "ineligible")
ISSUES = ("输入问题", "input issues")
PROVENANCE = ("来源", "provenance")

LINE_COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", "no.", 5, "int"),
    Column("credit_code", "统一社会信用代码", "credit code", 20),
    Column("name", "企业名称", "name", 31, "wrap"),
    Column("measure_name", "措施", "measure name", 18, "wrap"),
    Column("clause", "条款", "clause", 9),
    Column("status", "状态", "status", 9),
    Column("tier", "档次（元）", "tier (yuan)", 14, "money"),
    Column("amount", "金额（元）", "amount (yuan)", 15, "money"),
    Column("lead_unit", "牵头单位", "lead unit", 14, "wrap"),
    Column("responsible", "责任单位", "responsible units", 20, "wrap"),
    Column("bank_name", "开户银行", "bank", 20, "wrap"),
    Column("bank_account", "银行账号", "bank account", 22),
    Column("reason", "说明", "reason", 30, "wrap"),
    Column("basis", "计算依据", "basis", 64, "wrap"),
    Column("measure", "措施代码", "measure id", 15),
    Column("seal", "校验码", "check", 21),
    Column("decided_amount", "核定金额", "decided amount", 13, "money"),
    Column("decided_basis", "核定依据", "decision basis", 24, "wrap"),
)
"""Every field of a line, once.  ``measure`` is the identifier (措施代码) that programs and the
ledger read; ``measure_name`` and ``status`` are the words a clerk reads."""

FIELDS: dict[str, Column] = {column.key: column for column in LINE_COLUMNS}


def columns(*keys: str) -> tuple[Column, ...]:
    return tuple(FIELDS[key] for key in keys)


JSON_LINE: tuple[str, ...] = tuple(
    FIELDS[key].key
    for key in ("credit_code", "name", "measure", "clause", "status", "amount", "tier", "reason", "basis")
)
"""The members of an entitlement in the JSON (SPEC §7), in order; ``basis`` is left out for ineligible lines.
(``status`` is the English word there; the workbook shows the Chinese.)"""

PAYABLE_COLUMNS = columns(
    "seq",
    "name",
    "credit_code",
    "measure_name",
    "clause",
    "status",
    "tier",
    "amount",
    "lead_unit",
    "bank_name",
    "bank_account",
    "measure",
    "seal",
)
"""应付明细: one payout a row (its reason and basis are on the 计算依据 sheet, by 序号)."""

BASIS_COLUMNS = (*columns("seq", "name", "measure_name"), Column("basis", "计算依据", "basis", 90, "wrap"))
"""计算依据: the reason, then the basis of each payable line, a text line a row, keyed by 序号."""

STATUS_NARROWER: dict[str, int] = {"name": 22, "responsible": 14, "reason": 24, "basis": 46}
"""Widths of the status sheets' wrapped columns, narrower than the payable sheet's: those sheets hold 11 to 14
columns one page wide, and at the payable sheet's widths the pending sheet printed at about 48 % (5 pt type);
narrower wrapped columns take more lines and print larger."""

STATUS_COLUMNS = tuple(
    replace(column, width=STATUS_NARROWER.get(column.key, column.width))
    for column in columns(
        "credit_code",
        "name",
        "measure_name",
        "clause",
        "status",
        "tier",
        "amount",
        "responsible",
        "reason",
        "basis",
        "measure",
    )
)
"""标记, 无法计算, 不符合条件."""

PENDING_COLUMNS = (*STATUS_COLUMNS, *columns("seal", "decided_amount", "decided_basis"))
"""待定: the line as computed (with its check value, for ``ledger record`` to read a decision on it), then
two columns for the reviewer (the tool leaves them blank; the check value does not cover them)."""

TOTAL_MARK = ("合计", "total")
"""In the 序号 column of the row that ends the payable lines: the rows below are the footer."""

DECIDED_COLUMNS: tuple[Column, ...] = columns("decided_amount", "decided_basis")
"""The reviewer's columns of the pending sheet (待定): the bureau fills them when it decides an amount
the policy does not fix, and ``ledger record`` records each filled row as a payout.  The row's check
value (校验码) covers what the tool wrote (``seal.pending_seal``), not these two columns."""

ISSUE_COLUMNS: tuple[Column, ...] = (
    Column("sheet", "工作表", "sheet", 14, "wrap"),  # 数据专线（data_lines）: two lines
    Column("row", "行", "row", 6, "int"),
    Column("column", "列", "column", 16),
    Column("header", "表头", "header", 16),
    Column("value", "所填内容", "value seen", 24, "wrap"),
    Column("severity", "严重程度", "severity", 9),
    Column("message", "问题", "message", 60, "wrap"),
)

PROVENANCE_COLUMNS: tuple[Column, ...] = (
    Column("key", "key", "key", 20),
    Column("item", "项目", "item", 38, "wrap"),  # a reference row: the parameter, its date below it
    Column("value", "内容", "value", 66, "wrap"),  # a SHA-256 (64 digits) on one line
)

# Provenance rows: (key, 中文, English).  ``ledger record`` reads these keys.
PROVENANCE_ROWS: tuple[tuple[str, str, str], ...] = (
    ("tool", "工具", "tool"),
    ("tool_version", "工具版本", "tool version"),
    ("year", "计算年度", "calculation year"),
    ("rules_path", "规则文件", "rule file"),
    ("rules_version", "规则版本", "rules version"),
    ("rules_sha256", "规则文件SHA-256", "rule file SHA-256"),
    ("input_path", "输入工作簿", "input workbook"),
    ("input_sha256", "输入工作簿SHA-256", "input SHA-256"),
    ("ledger", "发放台账", "ledger"),
    ("prior_payouts_read", "读取的以往发放记录数", "prior payouts read"),
    ("generated_at", "生成时间", "generated at"),
    ("payable_total", "应付合计", "payable total"),
    ("payable_lines", "应付行数", "payable lines"),
)

TOOL_NAME = "tongnan-calc"
