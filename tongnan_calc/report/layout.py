"""The layout of the payout workbook (SPEC §7), shared by its writer and by ``ledger record``.

Sheet names and headings are Chinese (the finance bureau's language); each column
also has a stable English key, written in the provenance sheet's column map so
that a program can find columns without reading Chinese.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    en: str
    width: int = 14
    money: bool = False


SUMMARY = ("汇总", "summary")
PAYABLE = ("应付明细", "payable")
PENDING = ("待定", "pending")
FLAGS = ("标记", "flags")
BLOCKED = ("无法计算", "blocked")
INELIGIBLE = ("不符合条件", "ineligible")
ISSUES = ("输入问题", "input issues")
PROVENANCE = ("来源", "provenance")

LINE_COLUMNS: tuple[Column, ...] = (
    Column("credit_code", "统一社会信用代码", "credit code", 22),
    Column("name", "企业名称", "name", 28),
    Column("measure", "措施", "measure", 16),
    Column("clause", "条款", "clause", 10),
    Column("tier", "档次（元）", "tier (yuan)", 14, money=True),
    Column("amount", "金额（元）", "amount (yuan)", 16, money=True),
    Column("responsible", "责任单位", "responsible units", 28),
    Column("reason", "说明", "reason", 48),
    Column("basis", "计算依据", "basis", 80),
    Column("seal", "校验码", "check", 22),
)

DECIDED_COLUMNS: tuple[Column, ...] = (
    Column("decided_amount", "核定金额", "decided amount", 13, money=True),
    Column("decided_basis", "核定依据", "decision basis", 24),
)
"""The reviewer's columns of the pending sheet (待定): the bureau fills them when it decides an amount
the policy does not fix, and ``ledger record`` records each filled row as a payout.  The row's check
value (校验码) covers what the tool wrote (``seal.pending_seal``), not these two columns."""

ISSUE_COLUMNS: tuple[Column, ...] = (
    Column("sheet", "工作表", "sheet", 14),
    Column("row", "行", "row", 6),
    Column("column", "列", "column", 16),
    Column("header", "表头", "header", 16),
    Column("value", "所填内容", "value seen", 24),
    Column("severity", "严重程度", "severity", 10),
    Column("message", "问题", "message", 60),
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
