"""Renderers of a baseline-against-reform comparison: terminal, JSON, and a workbook of differences."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console, RenderableType
from rich.table import Table

from tongnan_calc.core.compare import Comparison, LineChange, Side, paid
from tongnan_calc.core.model import Line, Status
from tongnan_calc.core.money import fmt, show
from tongnan_calc.core.say import Lang
from tongnan_calc.files.outputs import atomic_path
from tongnan_calc.report.layout import Column
from tongnan_calc.report.screen import plain, print_fitted, record
from tongnan_calc.report.xlsx_book import Bold, Book, Formula, Print, escape, open_book
from tongnan_calc.text.messages import measure_label, render, status_name


def _side(side: Side) -> dict[str, Any]:
    return {
        "version": side.version,
        "total": fmt(side.totals.payable),
        "by_measure": {m: fmt(a) for m, a in side.totals.by_measure.items()},
        "pending": side.totals.counts.get(Status.PENDING, 0),
    }


def _tier(tier: Decimal | None) -> str | None:
    return None if tier is None else show(tier)


def _amount(line: Line) -> str | None:
    """A side's amount: none for a pending line (its money is not known)."""
    return None if line.status is Status.PENDING else fmt(paid(line))


def _change(c: LineChange, lang: Lang) -> dict[str, Any]:
    return {
        "credit_code": c.credit_code,
        "name": c.name,
        "measure": c.measure,
        "baseline": _amount(c.baseline),
        "reform": _amount(c.reform),
        "difference": fmt(c.difference) if c.moved or not c.pending else None,
        "change": c.change,
        "baseline_status": c.baseline.status.value,
        "reform_status": c.reform.status.value,
        "baseline_tier": _tier(c.baseline.tier),
        "reform_tier": _tier(c.reform.tier),
        "reform_reason": render(c.reform.reason, lang),
    }


def comparison_json(comparison: Comparison, lang: Lang = "zh") -> dict[str, Any]:
    """The comparison for programs.  A pending line has no amount (null): it is counted in ``pending`` (by
    measure and tier), never a gain or a loss; lines that move between pending and payable are listed
    in ``pending_payable``, and ``difference.pending_payable`` is the part of the total difference they make."""
    return {
        "year": comparison.year,
        "baseline": _side(comparison.baseline),
        "reform": _side(comparison.reform),
        "difference": {
            "total": fmt(comparison.difference_total),
            "by_measure": {m: fmt(a) for m, a in comparison.difference_by_measure.items()},
            "pending_payable": fmt(comparison.moved_total),
        },
        "pending": [
            {"measure": p.measure, "tier": _tier(p.tier), "baseline": p.baseline, "reform": p.reform}
            for p in comparison.pending
        ],
        "enterprises": [_change(c, lang) for c in comparison.affected],
        "pending_payable": [_change(c, lang) for c in comparison.moves],
    }


def comparison_dumps(comparison: Comparison, lang: Lang = "zh") -> str:
    return json.dumps(comparison_json(comparison, lang), ensure_ascii=False, indent=2) + "\n"


def print_comparison(console: Console, comparison: Comparison, lang: Lang = "zh") -> None:
    zh = lang == "zh"
    base, reform = comparison.baseline, comparison.reform
    title = f"{comparison.year}年度 规则修订影响" if zh else f"Budget impact of the revision, {comparison.year}"
    heads = ["措施" if zh else "measure", f"{'基准' if zh else 'baseline'} {base.version}"]
    heads += [f"{'修订' if zh else 'reform'} {reform.version}", "差额" if zh else "difference"]
    table = Table(title=plain(title))
    table.add_column(plain(heads[0]), overflow="fold")
    for head in heads[1:]:
        table.add_column(plain(head), justify="right", no_wrap=True)
    rows = [
        (
            measure_label(measure, lang),
            f"{base.totals.by_measure[measure]:,.2f}",
            f"{reform.totals.by_measure[measure]:,.2f}",
            f"{diff:+,.2f}",
        )
        for measure, diff in comparison.difference_by_measure.items()
    ]
    rows.append(
        (
            "合计" if zh else "total",
            f"{base.totals.payable:,.2f}",
            f"{reform.totals.payable:,.2f}",
            f"{comparison.difference_total:+,.2f}",
        )
    )
    for row in rows:
        table.add_row(*(plain(cell) for cell in row))

    def records() -> Iterator[RenderableType]:
        yield plain(title, "bold")
        for row in rows:
            yield record(plain(row[0], "bold"), list(zip(heads[1:], row[1:], strict=True)), lang)

    print_fitted(console, table, [cell for row in rows for cell in row[1:]], records)
    _print_pending(console, comparison, lang)
    if comparison.affected:
        changed = [(*_cells(c, lang), "—" if c.pending else f"{c.difference:+,.2f}") for c in comparison.affected]
        _print_changes(console, "受影响的企业" if zh else "Enterprises affected", HEADS, changed, lang)
    elif not comparison.moves:
        console.print(plain("无企业受影响" if zh else "no enterprise is affected"))


CHANGE_ZH = {
    "gains": "增加",
    "loses": "减少",
    "newly_eligible": "新符合条件",
    "no_longer_eligible": "不再符合条件",
    "status_changed": "状态改变",
    "pending_to_payable": "由待定转为应付",
    "payable_to_pending": "由应付转为待定",
}


def change_name(change: str, lang: Lang) -> str:
    """The kind of change in the reader's language (the key of ``compare --json`` in English)."""
    return CHANGE_ZH.get(change, change) if lang == "zh" else change


HEADS = (
    ("企业", "enterprise"),
    ("统一社会信用代码", "credit code"),
    ("措施", "measure"),
    ("变化", "change"),
    ("基准", "baseline"),
    ("修订", "reform"),
    ("差额", "difference"),
)
MOVE_HEADS = (HEADS[0], HEADS[1], HEADS[2], HEADS[4], HEADS[5])  # the title says the change
WHOLE = ("credit code", "baseline", "reform", "difference", "tier (yuan)", "baseline (lines)", "reform (lines)")
"""The columns never cut: codes, amounts, tiers and counts (the others fold)."""


def shown_side(line: Line, lang: Lang) -> str:
    """One side of a change as the terminal and the workbook show it: the amount, or the status (and tier)."""
    if line.status is Status.PAYABLE:
        return f"{paid(line):,.2f}"
    status = status_name(line.status.value, lang)
    if line.status is Status.PENDING and line.tier is not None:
        return f"{status}（档次 {show(line.tier)}）" if lang == "zh" else f"{status} (tier {show(line.tier)})"
    return status


def _cells(c: LineChange, lang: Lang) -> tuple[str, ...]:
    return (
        c.name,
        c.credit_code,
        measure_label(c.measure, lang),
        change_name(c.change, lang),
        shown_side(c.baseline, lang),
        shown_side(c.reform, lang),
    )


def _print_changes(
    console: Console, title: str, heads: Sequence[tuple[str, str]], rows: Sequence[tuple[str, ...]], lang: Lang
) -> None:
    """A table of ``rows`` under ``heads`` (zh, en); codes, amounts and counts stay whole, or the rows are
    printed as records."""
    zh = lang == "zh"
    labels = [head[0] if zh else head[1] for head in heads]
    table = Table(title=plain(title))
    for head, label in zip(heads, labels, strict=True):
        left = head[1] in ("enterprise", "measure", "change")
        whole = head[1] in WHOLE
        table.add_column(
            plain(label), justify="left" if left else "right", no_wrap=whole, overflow="ellipsis" if whole else "fold"
        )
    for row in rows:
        table.add_row(*(plain(cell) for cell in row))
    needles = [cell for row in rows for head, cell in zip(heads, row, strict=True) if head[1] in WHOLE]

    def records() -> Iterator[RenderableType]:
        yield plain(title, "bold")
        for row in rows:
            yield record(plain(row[0], "bold"), list(zip(labels[1:], row[1:], strict=True)), lang)

    print_fitted(console, table, needles, records)


def _print_pending(console: Console, comparison: Comparison, lang: Lang) -> None:
    """Pending lines: counted by measure and tier, never given an amount; the moves to and from payable."""
    zh = lang == "zh"
    before = comparison.baseline.totals.counts.get(Status.PENDING, 0)
    after = comparison.reform.totals.counts.get(Status.PENDING, 0)
    if comparison.pending:
        console.print(
            plain(
                f"待定的行没有金额，不计入以上合计：基准 {before} 行，修订 {after} 行"
                if zh
                else f"pending lines have no amount and are not in the totals above: {before} in the baseline,"
                f" {after} in the reform"
            )
        )
        heads = [("措施", "measure"), ("档次（元）", "tier (yuan)"), ("基准（行）", "baseline (lines)")]
        heads.append(("修订（行）", "reform (lines)"))
        counts = [
            (measure_label(p.measure, lang), "—" if p.tier is None else show(p.tier), str(p.baseline), str(p.reform))
            for p in comparison.pending
        ]
        _print_changes(console, "待定（不计金额）" if zh else "Pending (no amount)", heads, counts, lang)
    if comparison.moves:
        moved = f"{comparison.moved_total:+,.2f}"
        console.print(
            plain(
                f"合计差额中 {moved} 来自在待定与应付之间转换的行（见下表），不是按同一标准的增减"
                if zh
                else f"of the total difference, {moved} comes from lines moving between pending and payable"
                " (below), not a gain or a loss on a like basis"
            )
        )
        rows = [tuple(_cells(c, lang)[i] for i in (0, 1, 2, 4, 5)) for c in comparison.moves]
        _print_changes(console, "待定与应付之间的转换" if zh else "Between pending and payable", MOVE_HEADS, rows, lang)


COLUMNS = (
    Column("credit_code", "统一社会信用代码", "credit code", 22),
    Column("name", "企业名称", "name", 28),
    Column("measure", "措施", "measure", 16),
    Column("change", "变化", "change", 18),
    Column("baseline", "基准金额（元）", "baseline (yuan)", 16, kind="money"),
    Column("reform", "修订后金额（元）", "reform (yuan)", 16, kind="money"),
    Column("difference", "差额（元）", "difference (yuan)", 16, kind="money"),
    Column("baseline_status", "基准状态", "baseline status", 24),
    Column("reform_status", "修订后状态", "reform status", 24),
    Column("reason", "修订后说明", "reform reason", 48),
)

PENDING_COLUMNS = (
    Column("measure", "措施", "measure", 16),
    Column("tier", "档次（元）", "tier (yuan)", 16),
    Column("baseline", "基准（行）", "baseline (lines)", 12, kind="int"),
    Column("reform", "修订（行）", "reform (lines)", 12, kind="int"),
)

SUMMARY_COLUMNS = (
    Column("measure", "措施", "measure", 36),
    Column("baseline", "基准", "baseline", 16, kind="money"),
    Column("reform", "修订", "reform", 16, kind="money"),
    Column("difference", "差额", "difference", 16, kind="money"),
    Column("baseline_pending", "基准待定（行）", "baseline pending (lines)", 14, kind="int"),
    Column("reform_pending", "修订待定（行）", "reform pending (lines)", 14, kind="int"),
)


class _Sheets:
    """The comparison workbook's sheets, written with xlsxwriter as the payout workbook is (``xlsx_book.Book``):
    every formula with its value cached, every text cell a string."""

    def __init__(self, book: Book, lang: Lang) -> None:
        self.book, self.lang, self.count = book, lang, 0

    def sheet(self, title: tuple[str, str], columns: Sequence[Column], header: tuple[str, str], landscape: bool) -> int:
        """A new sheet with its header row (repeated on every printed page) and its print setup."""
        zh = self.lang == "zh"
        index, self.count = self.count, self.count + 1
        self.book.apply(("sheet", title[0] if zh else title[1]))
        heads = [column.zh if zh else column.en for column in columns]
        self.book.apply(("header", index, [c.width for c in columns], heads, [c.kind for c in columns]))
        footer = "&C第 &P 页 共 &N 页" if zh else "&CPage &P of &N"
        setup = Print(landscape=landscape, header="&C" + escape(header[0] if zh else header[1]), footer=footer)
        self.book.apply(("print", index, setup))
        return index


def write_comparison_workbook(comparison: Comparison, out: Path, lang: Lang = "zh") -> None:
    """Sheets: the summary (money by measure, with formulas and their values, and the pending lines counted by
    measure), the affected enterprises, the pending lines by measure and tier, the moves between pending and
    payable.  A pending side has no amount (an empty cell), never a 0 counted as a gain or a loss."""
    with atomic_path(out) as temporary:
        book = open_book(temporary, len(comparison.affected) + len(comparison.moves))
        try:
            _comparison_sheets(book, comparison, lang)
        except BaseException:
            book.abort()
            raise
        book.close()


def _comparison_sheets(book: Book, comparison: Comparison, lang: Lang) -> None:
    """The four sheets, each with its header row and print setup."""
    sheets = _Sheets(book, lang)
    _summary_sheet(sheets, comparison)
    header = ("规则修订对比 企业变化", "rule revision: changes")
    changes = sheets.sheet(("企业变化", "changes"), COLUMNS, header, True)
    book.apply(("lines", changes, _change_rows(comparison.affected, lang)))
    header = ("规则修订对比 待定", "rule revision: pending")
    counts = sheets.sheet(("待定", "pending"), PENDING_COLUMNS, header, False)
    rows = [
        (measure_label(p.measure, lang), "—" if p.tier is None else show(p.tier), p.baseline, p.reform)
        for p in comparison.pending
    ]
    book.apply(("lines", counts, rows))
    header = ("规则修订对比 待定与应付", "rule revision: pending and payable")
    moves = sheets.sheet(("待定与应付", "pending and payable"), COLUMNS, header, True)
    book.apply(("lines", moves, _change_rows(comparison.moves, lang)))


def _summary_sheet(sheets: _Sheets, comparison: Comparison) -> None:
    """Money by measure (the difference a formula), the totals (formulas), the pending lines by measure."""
    zh = sheets.lang == "zh"
    totals = sheets.sheet(("汇总", "summary"), SUMMARY_COLUMNS, ("规则修订对比 汇总", "rule revision: summary"), False)
    base, reform = comparison.baseline.totals.by_measure, comparison.reform.totals.by_measure
    pending = {m: [0, 0] for m in base}
    for p in comparison.pending:
        pending[p.measure][0] += p.baseline
        pending[p.measure][1] += p.reform
    rows: list[list[object]] = [
        [
            measure_label(measure, sheets.lang),
            base[measure],
            reform[measure],
            Formula(f"=C{row}-B{row}", reform[measure] - base[measure]),
        ]
        + pending[measure]
        for row, measure in enumerate(base, start=2)
    ]
    last = len(base) + 1
    sums: list[Decimal | int] = [
        sum(base.values(), Decimal(0)),
        sum(reform.values(), Decimal(0)),
        sum((reform[m] - base[m] for m in base), Decimal(0)),
        sum(counts[0] for counts in pending.values()),
        sum(counts[1] for counts in pending.values()),
    ]
    rows.append(
        [Bold("合计" if zh else "total")]
        + [Formula(f"=SUM({c}2:{c}{last})", value, money=c in "BCD") for c, value in zip("BCDEF", sums, strict=True)]
    )
    rows.append(
        [
            "其中待定与应付之间转换的行" if zh else "of which lines between pending and payable",
            None,
            None,
            comparison.moved_total,
        ]
    )
    rows.append(["基准规则版本" if zh else "baseline version", comparison.baseline.version])
    rows.append(["修订规则版本" if zh else "reform version", comparison.reform.version])
    sheets.book.apply(("rows", totals, rows, True))


def _change_rows(changes: tuple[LineChange, ...], lang: Lang) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for c in changes:
        before, after = _amount(c.baseline), _amount(c.reform)
        rows.append(
            (
                c.credit_code,
                c.name,
                measure_label(c.measure, lang),  # as the terminal shows them: 办公用房租金补助（rent） / rent
                change_name(c.change, lang),
                None if before is None else paid(c.baseline),
                None if after is None else paid(c.reform),
                c.difference if c.moved or not c.pending else None,
                shown_side(c.baseline, lang),
                shown_side(c.reform, lang),
                render(c.reform.reason, lang),
            )
        )
    return rows
