"""The terminal report of a run (SPEC §7): entitlements, totals by measure, input issues."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tongnan_calc.messages import Lang, render
from tongnan_calc.model import InputIssue, Status
from tongnan_calc.runner import RunResult

STATUS_STYLE = {
    Status.PAYABLE: "green",
    Status.PENDING: "yellow",
    Status.FLAG: "cyan",
    Status.BLOCKED: "bold red",
    Status.INELIGIBLE: "dim",
}

WORDS = {
    "title": ("{year}年度兑付明细", "Entitlements for {year}"),
    "enterprise": ("企业", "enterprise"),
    "measure": ("措施", "measure"),
    "clause": ("条款", "clause"),
    "status": ("状态", "status"),
    "amount": ("金额（元）", "amount (yuan)"),
    "reason": ("说明", "reason"),
    "totals": ("按措施合计", "Totals by measure"),
    "lines": ("行数", "lines"),
    "total": ("合计", "total"),
    "issues": ("输入问题", "Input issues"),
    "where": ("位置", "where"),
    "severity": ("严重程度", "severity"),
    "value": ("所填内容", "value"),
    "message": ("问题", "message"),
    "no_ledger": (
        "未使用发放台账：未读取以往发放记录，一次性奖励和累计上限可能重复发放。",
        "NO LEDGER: no prior payouts were read, so one-time rewards and lifetime caps may be paid twice.",
    ),
    "ledger": ("发放台账 {path}：读取以往发放记录 {count} 条", "ledger {path}: {count} prior payouts read"),
    "hidden": (
        "另有 {count} 条不符合条件的记录未显示（--all 显示全部）",
        "{count} ineligible lines not shown (--all shows them)",
    ),
}


def word(key: str, lang: Lang, **args: object) -> str:
    return WORDS[key][0 if lang == "zh" else 1].format(**args)


def print_result(console: Console, result: RunResult, lang: Lang = "zh", *, show_all: bool = False) -> None:
    shown = [line for line in result.lines if show_all or line.status is not Status.INELIGIBLE]
    table = Table(title=word("title", lang, year=result.year), show_lines=False)
    for key in ("enterprise", "measure", "clause", "status"):
        table.add_column(word(key, lang))
    table.add_column(word("amount", lang), justify="right")
    table.add_column(word("reason", lang), overflow="fold")
    for line in shown:
        style = STATUS_STYLE[line.status]
        table.add_row(
            Text(f"{line.name}\n{line.credit_code}"),
            Text(line.measure),
            Text(line.clause),
            Text(line.status.value, style=style),
            Text("" if line.amount is None else f"{line.amount:,.2f}", style=style),
            Text(render(line.reason, lang)),
        )
    console.print(table)
    hidden = len(result.lines) - len(shown)
    if hidden:
        console.print(word("hidden", lang, count=hidden), style="dim")
    print_totals(console, result, lang)
    print_issues(console, result.batch.issues, lang)
    print_ledger(console, result, lang)


def print_totals(console: Console, result: RunResult, lang: Lang) -> None:
    table = Table(title=word("totals", lang))
    table.add_column(word("measure", lang))
    table.add_column(word("lines", lang), justify="right")
    table.add_column(word("amount", lang), justify="right")
    counts: dict[str, int] = {}
    for line in result.lines:
        if line.status is Status.PAYABLE:
            counts[line.measure] = counts.get(line.measure, 0) + 1
    for measure, amount in result.totals.by_measure.items():
        table.add_row(measure, str(counts.get(measure, 0)), f"{amount:,.2f}")
    table.add_row(
        Text(word("total", lang), style="bold"),
        str(sum(counts.values())),
        Text(f"{result.totals.payable:,.2f}", style="bold"),
    )
    console.print(table)


def print_issues(console: Console, issues: Sequence[InputIssue], lang: Lang) -> None:
    if not issues:
        return
    table = Table(title=word("issues", lang))
    for key in ("where", "severity", "value", "message"):
        table.add_column(word(key, lang), overflow="fold")
    for issue in issues:
        style = "red" if issue.severity == "error" else "yellow" if issue.severity == "warning" else "dim"
        table.add_row(
            Text(issue.where()),
            Text(issue.severity, style=style),
            Text(issue.value or ""),
            Text(issue.message),
        )
    console.print(table)


def print_ledger(console: Console, result: RunResult, lang: Lang) -> None:
    if result.ledger is None:
        console.print(Text(word("no_ledger", lang), style="bold red"))
    else:
        console.print(word("ledger", lang, path=result.ledger.path, count=result.ledger.prior_read))
