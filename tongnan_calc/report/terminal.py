"""The terminal report of a run (SPEC §7): entitlements, totals by measure, input issues.

At province scale a table of every line would be hundreds of thousands of rows
(minutes of rendering that nobody reads): the entitlement and issue tables stop
at ``MAX_TABLE_ROWS`` rows and say how many more the payout workbook and the
JSON hold.  The totals always cover every line.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext

from rich.console import Console
from rich.live import Live
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from tongnan_calc.core.model import InputIssue, Status
from tongnan_calc.core.result import NO_LEDGER_WARNING, RunResult
from tongnan_calc.core.say import Lang
from tongnan_calc.text.messages import render

MAX_TABLE_ROWS = 200
"""At most this many rows in the entitlement table and in the issue table."""

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
    "ledger": ("发放台账 {path}：读取以往发放记录 {count} 条", "ledger {path}: {count} prior payouts read"),
    "hidden": (
        "另有 {count} 条不符合条件的记录未显示（--all 显示全部）",
        "{count} ineligible lines not shown (--all shows them)",
    ),
    "more_lines": (
        "表中只列出前 {shown} 条，另有 {count} 条未列出：完整明细见兑付工作簿（--out）或 JSON（--json）",
        "only the first {shown} lines are listed; {count} more are in the payout workbook (--out) "
        "and the JSON (--json)",
    ),
    "more_issues": (
        "表中只列出前 {shown} 个输入问题，另有 {count} 个未列出：完整列表见兑付工作簿（--out）或 JSON（--json）",
        "only the first {shown} input issues are listed; {count} more are in the payout workbook (--out) "
        "and the JSON (--json)",
    ),
}


def word(key: str, lang: Lang, **args: object) -> str:
    return WORDS[key][0 if lang == "zh" else 1].format(**args)


def print_result(console: Console, result: RunResult, lang: Lang = "zh", *, show_all: bool = False) -> None:
    # counted from the totals: a large run keeps only its first ineligible lines (``RunResult.lines``)
    counts = result.totals.counts
    total = sum(counts.values())
    to_show = total if show_all else total - counts[Status.INELIGIBLE]
    shown = [line for line in result.lines if show_all or line.status is not Status.INELIGIBLE]
    listed = shown[:MAX_TABLE_ROWS]
    table = Table(title=word("title", lang, year=result.year), show_lines=False)
    for key in ("enterprise", "measure", "clause", "status"):
        table.add_column(word(key, lang))
    table.add_column(word("amount", lang), justify="right")
    table.add_column(word("reason", lang), overflow="fold")
    for line in listed:
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
    if to_show > len(listed):
        console.print(word("more_lines", lang, shown=len(listed), count=to_show - len(listed)), style="yellow")
    hidden = total - to_show
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
    for issue in issues[:MAX_TABLE_ROWS]:
        style = "red" if issue.severity == "error" else "yellow" if issue.severity == "warning" else "dim"
        table.add_row(
            Text(issue.where(lang)),
            Text(issue.severity_text(lang), style=style),
            Text(issue.value or ""),
            Text(issue.text(lang)),
        )
    console.print(table)
    if len(issues) > MAX_TABLE_ROWS:
        more = len(issues) - MAX_TABLE_ROWS
        console.print(word("more_issues", lang, shown=MAX_TABLE_ROWS, count=more), style="yellow")


def print_ledger(console: Console, result: RunResult, lang: Lang) -> None:
    if result.ledger is None:
        console.print(Text(NO_LEDGER_WARNING.in_lang(lang), style="bold red"))
    else:
        console.print(word("ledger", lang, path=result.ledger.path, count=result.ledger.prior_read))


Phases = Callable[[str], AbstractContextManager[None]]


def phases(enabled: bool) -> Phases:
    """What a long run is doing, on stderr: a spinner with the current step, then one line per step
    with its time.  Only when ``enabled`` (stderr is a terminal); otherwise nothing is shown."""
    if not enabled:
        return lambda text: nullcontext()
    console = Console(stderr=True, highlight=False)

    @contextmanager
    def phase(text: str) -> Iterator[None]:
        began = time.perf_counter()
        # not console.status: it would send what the run writes to stdout (``--json -``) to stderr
        spinner = Spinner("dots", text=text + " …", style="status.spinner")
        with Live(spinner, console=console, transient=True, redirect_stdout=False, redirect_stderr=False):
            yield
        console.print(f"[dim]✓ {text} ({time.perf_counter() - began:.1f} s)[/dim]")

    return phase


# A bar, not only a spinner, when there is this much to do.
BAR_FROM = 2000


@contextmanager
def progress_bar(enabled: bool, text: str, total: int) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr for ``total`` items; a no-op callback when not ``enabled``
    (stderr not a terminal) or when there are fewer than ``BAR_FROM`` items."""
    if not enabled or total < BAR_FROM:
        yield lambda done: None
        return
    began = time.perf_counter()
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True, highlight=False),
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    ) as bar:
        task = bar.add_task(text, total=total)
        yield lambda done: bar.update(task, completed=done)
    Console(stderr=True, highlight=False).print(f"[dim]✓ {text} ({time.perf_counter() - began:.1f} s)[/dim]")
