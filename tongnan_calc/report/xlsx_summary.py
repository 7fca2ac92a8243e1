"""The payout workbook's summary sheet and the end of its payable sheet (SPEC §7).

The summary: the title, the issuing unit and rules version, the ledger line (a
bold banner when no ledger was used), totals by measure (COUNTIF/SUMIF over the
payable sheet) and by lead unit (each line counted once, under the first
responsible unit of its clause, the others listed beside it), the line counts, the
total in capitals and a signature block.  The payable sheet ends with a 合计 row
(the sum and the count), the total in capitals and a signature block.  Every
formula carries its value, computed here, so that a reader that does not
recalculate (a phone, a previewer) shows the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from tongnan_calc.core.model import Status
from tongnan_calc.core.result import NO_LEDGER_WARNING
from tongnan_calc.core.say import Lang
from tongnan_calc.report.layout import INELIGIBLE, PAYABLE, PAYABLE_COLUMNS, TOTAL_MARK
from tongnan_calc.report.units import unit_totals
from tongnan_calc.report.xlsx_book import Banner, Bold, Book, Formula, Title
from tongnan_calc.text.capitals import capitals
from tongnan_calc.text.messages import measure_name

if TYPE_CHECKING:
    from tongnan_calc.core.result import RunResult


class PayoutWriter(Protocol):
    """What these sheets need of ``xlsx.PayoutWriter`` (without importing it: no import circle)."""

    lang: Lang
    summary: int
    sheet_of: dict[Status, int]
    counts: dict[Status, int]
    book: Book
    max_ineligible_rows: int

    def rows(self, sheet: int, rows: list[list[object]], boxed: bool = True) -> None: ...


SUMMARY_WIDTHS = (18, 9, 15, 30, 10, 16, 16)


def _letter(key: str) -> str:
    """The payable sheet's column letter of a field."""
    index = next(i for i, column in enumerate(PAYABLE_COLUMNS) if column.key == key)
    return chr(ord("A") + index)


def in_capitals(amount: Decimal, zh: bool) -> str:
    try:
        return capitals(amount)
    except ValueError:
        return "（金额超出大写范围）" if zh else "(beyond the range of Chinese capitals)"


def _signature(writer: PayoutWriter, sheet: int, issuer: str, at: tuple[int, int, int, int]) -> None:
    """制表人, 审核人, 批准人 and 日期 in the columns ``at``, the issuing unit below."""
    zh = writer.lang == "zh"
    labels = (
        ("制表人：", "审核人：", "批准人：", "日期：    年    月    日")
        if zh
        else (
            "Prepared by:",
            "Reviewed by:",
            "Approved by:",
            "Date:",
        )
    )
    row: list[object] = [None] * (max(at) + 1)
    for column, label in zip(at, labels, strict=True):
        row[column] = label
    unit: list[object] = [None] * at[0] + [("发放单位（盖章）：" if zh else "Issuing unit (seal): ") + issuer]
    writer.rows(sheet, [[], row, [], unit], boxed=False)


def payable_end(writer: PayoutWriter, result: RunResult, issuer: str) -> None:
    """The 合计 row under the payable lines, the total in capitals, the signature block."""
    zh = writer.lang == "zh"
    sheet = writer.sheet_of[Status.PAYABLE]
    count = writer.counts[Status.PAYABLE]
    total = result.totals.payable
    amount, name = _letter("amount"), _letter("name")
    row: list[object] = [None] * len(PAYABLE_COLUMNS)
    row[0] = Bold(TOTAL_MARK[0] if zh else TOTAL_MARK[1])
    counted = f"共 {count} 笔" if zh else f"{count} payouts"
    amount_index = ord(amount) - ord("A")
    if count:
        cells = f"{amount}2:{amount}{count + 1}"
        counting = f'="共 "&COUNT({cells})&" 笔"' if zh else f'=COUNT({cells})&" payouts"'
        row[ord(name) - ord("A")] = Formula(counting, counted, money=False)
        row[amount_index] = Formula(f"=SUM({cells})", total)
    else:
        row[ord(name) - ord("A")] = counted
        row[amount_index] = total
    writer.rows(sheet, [row], boxed=True)
    words = in_capitals(total, zh)
    writer.rows(sheet, [[None, Bold(("合计金额（大写）：" if zh else "Total in Chinese capitals: ") + words)]], False)
    _signature(writer, sheet, issuer, (1, 3, 8, 10))  # not the code, amount, measure or seal columns


def summary(writer: PayoutWriter, result: RunResult, issuer: str, count: int, ineligible: int) -> None:
    """Totals by measure and by lead unit (formulas over the payable sheet, values cached), counts, signatures."""
    zh = writer.lang == "zh"
    sheet = writer.summary
    writer.book.apply(("widths", sheet, SUMMARY_WIDTHS))
    here = _top(writer, result, issuer)
    payable = PAYABLE[0] if zh else PAYABLE[1]
    last = max(count + 1, 2)

    def cells(key: str) -> str:
        return f"'{payable}'!${_letter(key)}$2:${_letter(key)}${last}"

    here = _measure_table(writer, result, here, count, cells)
    writer.rows(sheet, [[]], boxed=False)
    _unit_table(writer, result, here + 1, count, cells)
    _counts(writer, result, ineligible)
    _signature(writer, sheet, issuer, (0, 2, 3, 5))


def _top(writer: PayoutWriter, result: RunResult, issuer: str) -> int:
    """The title, the issuing unit and rules version, the ledger used (or the banner); the rows written."""
    zh = writer.lang == "zh"
    title = (
        f"潼南区电子商务政策 {result.year}年度 兑付汇总" if zh else f"Tongnan e-commerce policy payouts {result.year}"
    )
    version = result.rules.version
    heading = (
        f"发放单位：{issuer}　　规则版本：{version}" if zh else f"issuing unit: {issuer}    rules version: {version}"
    )
    if result.ledger is None:
        ledger: object = Banner(NO_LEDGER_WARNING.zh if zh else NO_LEDGER_WARNING.en)
    else:
        read = result.ledger.prior_read
        ledger = (
            f"发放台账：{result.ledger.path}（读取以往发放记录 {read} 条）"
            if zh
            else f"ledger: {result.ledger.path} ({read} prior payouts read)"
        )
    top: list[list[object]] = [[Title(title)], [heading], [ledger], []]
    writer.rows(writer.summary, top, boxed=False)
    return len(top)


def _measure_table(writer: PayoutWriter, result: RunResult, here: int, count: int, cells: Callable[[str], str]) -> int:
    """Totals by measure: COUNTIF and SUMIF over the payable sheet's 措施代码 column; the rows written so far."""
    lang = writer.lang
    zh = lang == "zh"
    heads = (
        ("措施", "条款", "措施代码", "责任单位", "应付行数", "应付金额（元）", "核对：计算值")
        if zh
        else (
            "measure",
            "clause",
            "measure id",
            "responsible units",
            "payable lines",
            "payable (yuan)",
            "check: computed",
        )
    )
    table: list[list[object]] = [[Bold(h) for h in heads]]
    first = here + 2
    by_measure = result.totals.by_measure
    lines_of = dict.fromkeys(by_measure, 0)
    for line in result.lines:
        if line.status is Status.PAYABLE:
            lines_of[line.measure] = lines_of.get(line.measure, 0) + 1
    measures, amounts = cells("measure"), cells("amount")
    for measure_id, spec in result.rules.measures.items():
        table.append(
            [
                measure_name(measure_id, lang),
                spec.clause,
                measure_id,
                "、".join(spec.responsible),
                Formula(f'=COUNTIF({measures},"{measure_id}")', lines_of.get(measure_id, 0), money=False),
                Formula(f'=SUMIF({measures},"{measure_id}",{amounts})', by_measure[measure_id]),
                by_measure[measure_id],
            ]
        )
    end = here + len(table)
    total = result.totals.payable
    table.append(_total_row(zh, first, end, count, total))
    writer.rows(writer.summary, table, boxed=True)
    return here + len(table)


def _total_row(zh: bool, first: int, end: int, count: int, total: Decimal) -> list[object]:
    return [
        Bold(TOTAL_MARK[0] if zh else TOTAL_MARK[1]),
        None,
        None,
        None,
        Formula(f"=SUM(E{first}:E{end})", count, money=False),
        Formula(f"=SUM(F{first}:F{end})", total),
        total,
    ]


def _unit_table(writer: PayoutWriter, result: RunResult, here: int, count: int, cells: Callable[[str], str]) -> None:
    """Totals by lead unit: COUNTIF and SUMIF over the payable sheet's 牵头单位 column, each line once."""
    zh = writer.lang == "zh"
    units = unit_totals(result.lines, (spec.responsible for spec in result.rules.measures.values()))
    heads: tuple[str | None, ...] = (
        ("牵头单位", None, None, "共同负责单位", "应付行数", "应付金额（元）", "核对：计算值")
        if zh
        else ("lead unit", None, None, "co-responsible units", "payable lines", "payable (yuan)", "check: computed")
    )
    table: list[list[object]] = [[None if h is None else Bold(h) for h in heads]]
    first = here + 2
    leads, amounts = cells("lead_unit"), cells("amount")
    for unit in units:
        table.append(
            [
                unit.unit,
                None,
                None,
                "、".join(unit.sharing),
                Formula(f'=COUNTIF({leads},"{_quoted(unit.unit)}")', unit.lines, money=False),
                Formula(f'=SUMIF({leads},"{_quoted(unit.unit)}",{amounts})', unit.amount),
                unit.amount,
            ]
        )
    end = here + len(table)
    table.append(_total_row(zh, first, end, count, sum((unit.amount for unit in units), Decimal("0.00"))))
    writer.rows(writer.summary, table, boxed=True)


def _counts(writer: PayoutWriter, result: RunResult, ineligible: int) -> None:
    """How the lead units are counted, the line counts, the hidden ineligible sheet, the total in capitals."""
    zh = writer.lang == "zh"
    counts = result.totals.counts
    labels = {
        Status.PENDING: "待定行数" if zh else "pending lines",
        Status.FLAG: "标记行数" if zh else "flag lines",
        Status.BLOCKED: "无法计算行数" if zh else "blocked lines",
        Status.INELIGIBLE: "不符合条件行数" if zh else "ineligible lines",
    }
    rows: list[list[object]] = [
        [
            "每行应付金额只计入其牵头单位（条款所列第一个责任单位）一次，合计等于应付合计"
            if zh
            else "each payable line counts once, for its lead unit (the first unit its clause names)"
        ],
        [],
    ]
    rows += [[label, None, counts[status]] for status, label in labels.items()]
    errors = sum(1 for issue in result.batch.issues if issue.severity == "error")
    rows.append(["输入错误数" if zh else "input errors", None, errors])
    name = INELIGIBLE[0] if zh else INELIGIBLE[1]
    hidden = (
        f"“{name}”表已隐藏，不打印（在工作表标签上右键，选“取消隐藏”即可查看）"
        if zh
        else f"the {name} sheet is hidden and does not print (right-click a sheet tab, Unhide, to see it)"
    )
    rows.append(["注" if zh else "note", hidden])
    if ineligible > writer.max_ineligible_rows:
        listed = (
            f"不符合条件的 {ineligible} 行中，“{name}”表只列出前 {writer.max_ineligible_rows} 行；"
            "完整列表见 JSON 输出（--json）"
            if zh
            else f"the {name} sheet lists the first {writer.max_ineligible_rows} of {ineligible} ineligible lines; "
            "the JSON output (--json) lists them all"
        )
        rows.append(["注" if zh else "note", listed])
    rows.append([])
    words = in_capitals(result.totals.payable, zh)
    rows.append([Bold("应付合计（大写）" if zh else "payable total in capitals"), None, Bold(words)])
    writer.rows(writer.summary, rows, boxed=False)


def _quoted(text: str) -> str:
    """Text inside a formula's string: a double quote is doubled."""
    return text.replace('"', '""')
