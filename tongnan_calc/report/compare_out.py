"""Renderers of a baseline-against-reform comparison: terminal, JSON, and a workbook of differences."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from rich.console import Console, RenderableType
from rich.table import Table

from tongnan_calc.core.compare import Comparison, Side, paid
from tongnan_calc.core.money import fmt
from tongnan_calc.core.say import Lang
from tongnan_calc.files.outputs import save_atomic
from tongnan_calc.report.layout import Column
from tongnan_calc.report.screen import plain, print_fitted, record
from tongnan_calc.report.xlsx import Sheet
from tongnan_calc.text.messages import measure_label, render


def _side(side: Side) -> dict[str, Any]:
    return {
        "version": side.version,
        "total": fmt(side.totals.payable),
        "by_measure": {m: fmt(a) for m, a in side.totals.by_measure.items()},
    }


def comparison_json(comparison: Comparison, lang: Lang = "zh") -> dict[str, Any]:
    return {
        "year": comparison.year,
        "baseline": _side(comparison.baseline),
        "reform": _side(comparison.reform),
        "difference": {
            "total": fmt(comparison.difference_total),
            "by_measure": {m: fmt(a) for m, a in comparison.difference_by_measure.items()},
        },
        "enterprises": [
            {
                "credit_code": c.credit_code,
                "name": c.name,
                "measure": c.measure,
                "baseline": fmt(paid(c.baseline)),
                "reform": fmt(paid(c.reform)),
                "difference": fmt(c.difference),
                "change": c.change,
                "baseline_status": c.baseline.status.value,
                "reform_status": c.reform.status.value,
                "reform_reason": render(c.reform.reason, lang),
            }
            for c in comparison.changes
        ],
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
    if not comparison.changes:
        console.print(plain("无企业受影响" if zh else "no enterprise is affected"))
        return
    title = "受影响的企业" if zh else "Enterprises affected"
    heads = [h[0] if zh else h[1] for h in CHANGE_HEADS]
    changes = Table(title=plain(title))
    changes.add_column(heads[0], overflow="fold")
    changes.add_column(heads[1], no_wrap=True)
    changes.add_column(heads[2], overflow="fold")
    changes.add_column(heads[3], overflow="fold")
    changes.add_column(heads[4], justify="right", no_wrap=True)
    changed = [
        (c.name, c.credit_code, measure_label(c.measure, lang), change_name(c.change, lang), f"{c.difference:+,.2f}")
        for c in comparison.changes
    ]
    for change in changed:
        changes.add_row(*(plain(cell) for cell in change))

    def change_records() -> Iterator[RenderableType]:
        yield plain(title, "bold")
        for change in changed:
            yield record(plain(change[0], "bold"), list(zip(heads[1:], change[1:], strict=True)), lang)

    print_fitted(console, changes, [cell for change in changed for cell in (change[1], change[4])], change_records)


CHANGE_ZH = {
    "gains": "增加",
    "loses": "减少",
    "newly_eligible": "新符合条件",
    "no_longer_eligible": "不再符合条件",
    "status_changed": "状态改变",
}


def change_name(change: str, lang: Lang) -> str:
    """The kind of change in the reader's language (the key of ``compare --json`` in English)."""
    return CHANGE_ZH.get(change, change) if lang == "zh" else change


CHANGE_HEADS = (
    ("企业", "enterprise"),
    ("统一社会信用代码", "credit code"),
    ("措施", "measure"),
    ("变化", "change"),
    ("差额", "difference"),
)


COLUMNS = (
    Column("credit_code", "统一社会信用代码", "credit code", 22),
    Column("name", "企业名称", "name", 28),
    Column("measure", "措施", "measure", 16),
    Column("change", "变化", "change", 18),
    Column("baseline", "基准金额（元）", "baseline (yuan)", 16, kind="money"),
    Column("reform", "修订后金额（元）", "reform (yuan)", 16, kind="money"),
    Column("difference", "差额（元）", "difference (yuan)", 16, kind="money"),
    Column("reason", "修订后说明", "reform reason", 48),
)


def write_comparison_workbook(comparison: Comparison, out: Path, lang: Lang = "zh") -> None:
    zh = lang == "zh"
    book = Workbook(write_only=True)
    totals = Sheet(book, "汇总" if zh else "summary")
    totals.print_setup("规则修订对比 汇总" if zh else "rule revision: summary", landscape=False, zh=zh)
    totals.append(
        [
            totals.bold(h)
            for h in (("措施", "基准", "修订", "差额") if zh else ("measure", "baseline", "reform", "difference"))
        ]
    )
    base, reform = comparison.baseline.totals.by_measure, comparison.reform.totals.by_measure
    for row, measure in enumerate(base, start=2):
        totals.append(
            [
                totals.text(measure),
                totals.money(base[measure]),
                totals.money(reform[measure]),
                totals.formula(f"=C{row}-B{row}"),
            ]
        )
    last = len(base) + 1
    totals.append([totals.bold("合计" if zh else "total")] + [totals.formula(f"=SUM({c}2:{c}{last})") for c in "BCD"])
    totals.append([totals.text("基准规则版本" if zh else "baseline version"), totals.text(comparison.baseline.version)])
    totals.append([totals.text("修订规则版本" if zh else "reform version"), totals.text(comparison.reform.version)])
    detail = Sheet(book, "企业变化" if zh else "changes")
    detail.print_setup("规则修订对比 企业变化" if zh else "rule revision: changes", landscape=True, zh=zh)
    detail.header(COLUMNS, lang)
    for c in comparison.changes:
        detail.append(
            [
                detail.text(c.credit_code),
                detail.text(c.name),
                detail.text(c.measure),
                detail.text(c.change),
                detail.money(paid(c.baseline)),
                detail.money(paid(c.reform)),
                detail.money(c.difference),
                detail.text(render(c.reform.reason, lang)),
            ]
        )
    save_atomic(out, book.save)
