"""Typed records: what the reader produces and what the measures consume and return.

Everything here is a frozen dataclass of plain values.  Money and areas are
``Decimal`` (exact, converted from a cell through its shortest repr); exact
intermediate amounts inside the measures are ``Fraction``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Literal

from tongnan_calc.core.trace import Basis, Check, ParamUse, Step

__all__ = ["Basis", "Check", "ParamUse", "Step"]  # the trace, re-exported: lines carry it

Severity = Literal["error", "warning", "notice"]

# Sheet keys of SPEC §3, in reading order.
ENTERPRISES = "enterprises"
LEASES = "leases"
DATA_LINES = "data_lines"
SALES = "sales"
LOANS = "loans"


# The measures of SPEC §4 and their clauses, in SPEC order; the ids are public interface.
MEASURE_CLAUSES: Mapping[str, str] = {
    "key_support": "二（一）",
    "rent": "二（二）",
    "spin_off": "二（三）",
    "data_line": "二（四）",
    "sales_milestone": "二（五）",
    "demo_priority": "二（六）",
    "loan_interest": "二（六）",
}
MEASURE_IDS: tuple[str, ...] = tuple(MEASURE_CLAUSES)

LATER_YEAR_MEASURES = frozenset({"spin_off", "sales_milestone", "loan_interest"})
"""Measures whose amount depends on what was paid in other years: the one-time rewards (二（三）, 二（五）)
and the lifetime interest cap (二（六） "每个企业贴息最高不超过50万元").

SPEC §4 counts the payouts of years before Y.  When the ledger already holds a
payout of one of these measures for a year after Y (an earlier year computed
late, or computed again), paying what the years before Y allow could pay a
one-time reward twice or pass the lifetime cap; such a payable line becomes
``pending`` instead (the amount from the years before Y is kept in its basis):
a person decides, and nothing is paid twice on the tool's word."""

PERIOD_MEASURES = frozenset({"data_line"})
"""Measures paid only within a period of consecutive years counted from the first (二（四） 补贴期限为2年).

SPEC §4 counts the period from the first year with a fee or a payout of the years
before Y.  A year computed after later years were paid (a late application) can
find itself the first year although the ledger already holds the years of a whole
period after it: paying it would pay a year more than the period.  Such a payable
line becomes ``pending`` when this year and the ledger's years of the measure do
not fit in one period; a late year that fits (a 2015 after only 2016) is paid."""


class Status(str, Enum):
    """Status of one payout line (SPEC §4)."""

    PAYABLE = "payable"
    PENDING = "pending"
    FLAG = "flag"
    INELIGIBLE = "ineligible"
    BLOCKED = "blocked"


@dataclass(frozen=True)
class Enterprise:
    credit_code: str
    name: str
    ecommerce_entity: bool
    settled_on: date | None = None
    micro_support: bool = False
    hq_type: str | None = None
    renowned: bool = False
    city_key: bool = False
    demo_level: str | None = None
    spun_off: bool = False
    operating_since: date | None = None
    bank_name: str = ""  # carried to the payout workbook (开户银行)
    bank_account: str = ""  # as written, never a number (银行账号)
    row: int = 0


@dataclass(frozen=True)
class Lease:
    credit_code: str
    planned_building: bool
    area_m2: Decimal
    period_start: date
    period_end: date
    rent_paid: Decimal
    building: str = ""
    row: int = 0


@dataclass(frozen=True)
class DataLine:
    credit_code: str
    year: int
    fee_paid: Decimal
    row: int = 0


@dataclass(frozen=True)
class Sale:
    credit_code: str
    year: int
    sales: Decimal
    row: int = 0


@dataclass(frozen=True)
class Loan:
    credit_code: str
    loan_id: str
    key_project: bool
    principal: Decimal
    drawdown_date: date
    maturity_date: date
    interest_paid: Decimal | None = None
    row: int = 0


@dataclass(frozen=True)
class InputIssue:
    """One problem found in the input workbook.

    ``row`` is the Excel row number (1-based), ``None`` for a sheet-level issue.
    ``credit_code`` is the enterprise the issue belongs to, when it is known;
    an error with a credit code blocks the measures that need its sheet.
    ``message`` is the English text; ``message_zh`` the same in Chinese (``None``
    when there is none yet: the English is shown).  ``text``, ``where`` and
    ``severity_text`` give them in the reader's language.
    """

    sheet: str
    row: int | None
    column: str | None
    header: str | None
    value: str | None
    severity: Severity
    message: str
    credit_code: str | None = None
    message_zh: str | None = field(default=None, compare=False)  # the same in Chinese: compared through ``message``

    @staticmethod
    def of_sheet(sheet: str, severity: Severity, message: str, message_zh: str, value: str | None = None) -> InputIssue:
        """An issue of a whole sheet: no row, column or header (``value``: what the sheet shows, if any)."""
        return InputIssue(sheet, None, None, None, value, severity, message, message_zh=message_zh)

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` ("zh" or "en")."""
        if lang == "zh" and self.message_zh is not None:
            return self.message_zh
        return self.message

    def where(self, lang: str = "en") -> str:
        """``leases row 15 area_m2``; in Chinese ``办公租赁 第15行 租用面积（area_m2）``."""
        if lang == "zh":
            parts = [SHEET_NAMES_ZH.get(self.sheet, self.sheet)]
            if self.row is not None:
                parts.append(f"第{self.row}行")
            if self.column is not None:
                parts.append(f"{self.header}（{self.column}）" if self.header else self.column)
            return " ".join(parts)
        parts = [self.sheet]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(self.column)
        return " ".join(parts)

    def severity_text(self, lang: str = "en") -> str:
        return SEVERITY_ZH[self.severity] if lang == "zh" else self.severity


SEVERITY_ZH: dict[str, str] = {"error": "错误", "warning": "警告", "notice": "提示"}
"""The severities as clerks read them (the English words are the keys of SPEC §7)."""

SHEET_NAMES_ZH: dict[str, str] = {
    ENTERPRISES: "企业信息",
    LEASES: "办公租赁",
    DATA_LINES: "数据专线",
    SALES: "年销售额",
    LOANS: "贷款",
}
"""The Chinese names of the sheets of SPEC §3."""


@dataclass(frozen=True)
class PriorPayout:
    """A payout recorded in the ledger for a year before the calculation year."""

    credit_code: str
    year: int
    measure: str
    amount: Decimal
    tier: Decimal | None = None


@dataclass(frozen=True)
class Records:
    """Everything known about one enterprise: its row, its records, its problems."""

    enterprise: Enterprise
    leases: tuple[Lease, ...] = ()
    data_lines: tuple[DataLine, ...] = ()
    sales: tuple[Sale, ...] = ()
    loans: tuple[Loan, ...] = ()
    # sheet key -> the error issues in that sheet that concern this enterprise
    blocking: tuple[tuple[str, tuple[InputIssue, ...]], ...] = ()
    prior: tuple[PriorPayout, ...] = ()

    def blockers(self, sheet: str) -> tuple[InputIssue, ...]:
        for key, issues in self.blocking:
            if key == sheet:
                return issues
        return ()


@dataclass(frozen=True)
class Batch:
    """The reader's result: the enterprises that can be computed, and every issue."""

    records: tuple[Records, ...]
    issues: tuple[InputIssue, ...]
    sheets_found: tuple[tuple[str, str], ...] = ()  # (key, actual sheet name)
    rows_read: int = 0

    @property
    def has_errors(self) -> bool:
        return any(i.severity == "error" for i in self.issues)


@dataclass(frozen=True)
class Msg:
    """A user-facing message: a catalog key and its arguments (see ``messages``)."""

    key: str
    args: tuple[tuple[str, str], ...] = ()

    @staticmethod
    def of(key: str, **args: object) -> Msg:
        return Msg(key, tuple((k, str(v)) for k, v in args.items()))


@dataclass(frozen=True)
class Line:
    """One payout line: one enterprise, one measure, one year."""

    credit_code: str
    name: str
    measure: str
    clause: str
    status: Status
    amount: Decimal | None
    reason: Msg
    basis: Basis = field(default_factory=Basis)
    tier: Decimal | None = None
    responsible: tuple[str, ...] = ()
