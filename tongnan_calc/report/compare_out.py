"""Renderers of a baseline-against-reform comparison: terminal, JSON, and a workbook of differences."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from rich.console import Console
from rich.table import Table

from tongnan_calc.core.compare import Comparison, Side, paid
from tongnan_calc.core.money import fmt
from tongnan_calc.core.say import Lang
from tongnan_calc.report.layout import Column
from tongnan_calc.report.xlsx import Sheet
from tongnan_calc.shell.outputs import save_atomic
from tongnan_calc.text.messages import render


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
    table = Table(
        title=(f"{comparison.year}年度 规则修订影响" if zh else f"Budget impact of the revision, {comparison.year}")
    )
    table.add_column("措施" if zh else "measure")
    table.add_column(f"{'基准' if zh else 'baseline'} {base.version}", justify="right")
    table.add_column(f"{'修订' if zh else 'reform'} {reform.version}", justify="right")
    table.add_column("差额" if zh else "difference", justify="right")
    for measure, diff in comparison.difference_by_measure.items():
        table.add_row(
            measure,
            f"{base.totals.by_measure[measure]:,.2f}",
            f"{reform.totals.by_measure[measure]:,.2f}",
            f"{diff:+,.2f}",
        )
    table.add_row(
        "合计" if zh else "total",
        f"{base.totals.payable:,.2f}",
        f"{reform.totals.payable:,.2f}",
        f"{comparison.difference_total:+,.2f}",
    )
    console.print(table)
    if not comparison.changes:
        console.print("无企业受影响" if zh else "no enterprise is affected")
        return
    changes = Table(title="受影响的企业" if zh else "Enterprises affected")
    for head in (("企业", "enterprise"), ("措施", "measure"), ("变化", "change"), ("差额", "difference")):
        changes.add_column(head[0] if zh else head[1])
    for c in comparison.changes:
        changes.add_row(f"{c.name} {c.credit_code}", c.measure, c.change, f"{c.difference:+,.2f}")
    console.print(changes)


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
