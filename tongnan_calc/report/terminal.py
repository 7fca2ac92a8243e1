"""The terminal report of a run (SPEC §7): entitlements, totals by measure, input issues.

At province scale a table of every line would be hundreds of thousands of rows
(minutes of rendering that nobody reads): the entitlement and issue tables stop
at ``MAX_TABLE_ROWS`` rows and say how many more the payout workbook and the
JSON hold.  The totals always cover every line.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from decimal import Decimal

from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.live import Live
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from tongnan_calc.core.model import InputIssue, Line, Status
from tongnan_calc.core.result import NO_LEDGER_WARNING, RunResult
from tongnan_calc.core.say import Lang
from tongnan_calc.report.screen import plain, print_fitted, record, screen, visible
from tongnan_calc.text.messages import measure_label, render, status_label

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
    "credit_code": ("统一社会信用代码", "credit code"),
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
    print_lines(console, listed, word("title", lang, year=result.year), lang)
    if to_show > len(listed):
        console.print(plain(word("more_lines", lang, shown=len(listed), count=to_show - len(listed)), "yellow"))
    hidden = total - to_show
    if hidden:
        console.print(plain(word("hidden", lang, count=hidden), "dim"))
    print_totals(console, result, lang)
    print_issues(console, result.batch.issues, lang)
    print_ledger(console, result, lang)


def _money(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:,.2f}"


FOLD_MIN = {"enterprise": 10, "measure": 8, "reason": 12}
"""The narrowest the folding columns of the entitlement table may be (in cells) before it becomes records."""


def print_lines(console: Console, lines: Sequence[Line], title: str, lang: Lang) -> None:
    """The entitlement table; at a width where it would cut a credit code or an amount, one record a line.

    The credit code, the clause, the status and the amount never wrap; the name, the measure and the
    reason fold, but not below a readable width (``FOLD_MIN``): a table that cannot give them that is
    printed as records."""
    table = Table(title=plain(title), show_lines=False)
    table.add_column(word("enterprise", lang), overflow="fold", min_width=FOLD_MIN["enterprise"])
    table.add_column(word("credit_code", lang), no_wrap=True)
    table.add_column(word("measure", lang), overflow="fold", min_width=FOLD_MIN["measure"])
    for key in ("clause", "status"):
        table.add_column(word(key, lang), no_wrap=True)
    table.add_column(word("amount", lang), justify="right", no_wrap=True)
    table.add_column(word("reason", lang), overflow="fold", min_width=FOLD_MIN["reason"])
    for line in lines:
        style = STATUS_STYLE[line.status]
        table.add_row(
            plain(line.name),
            plain(line.credit_code),
            plain(measure_label(line.measure, lang)),
            plain(line.clause),
            plain(status_label(line.status.value, lang), style),
            plain(_money(line.amount), style),
            plain(render(line.reason, lang)),
        )

    def records() -> Iterator[RenderableType]:
        yield plain(title, "bold")
        for line in lines:
            style = STATUS_STYLE[line.status]
            fields: list[tuple[str, Text | str]] = [
                (word("credit_code", lang), plain(line.credit_code)),
                (word("measure", lang), plain(measure_label(line.measure, lang))),
                (word("clause", lang), plain(line.clause)),
                (word("status", lang), plain(status_label(line.status.value, lang), style)),
            ]
            if line.amount is not None:
                fields.append((word("amount", lang), plain(_money(line.amount), style)))
            fields.append((word("reason", lang), plain(render(line.reason, lang))))
            yield record(plain(line.name, "bold"), fields, lang)

    needles = [line.credit_code for line in lines] + [_money(line.amount) for line in lines]
    print_fitted(console, table, needles, records)


def print_totals(console: Console, result: RunResult, lang: Lang) -> None:
    title = word("totals", lang)
    table = Table(title=plain(title))
    table.add_column(word("measure", lang), overflow="fold")
    table.add_column(word("lines", lang), justify="right", no_wrap=True)
    table.add_column(word("amount", lang), justify="right", no_wrap=True)
    counts: dict[str, int] = {}
    for line in result.lines:
        if line.status is Status.PAYABLE:
            counts[line.measure] = counts.get(line.measure, 0) + 1
    rows = [
        (plain(measure_label(measure, lang)), str(counts.get(measure, 0)), _money(amount))
        for measure, amount in result.totals.by_measure.items()
    ]
    rows.append((plain(word("total", lang), "bold"), str(sum(counts.values())), _money(result.totals.payable)))
    for name, count, amount in rows:
        table.add_row(name, count, plain(amount, "bold" if name.style == "bold" else ""))

    def records() -> Iterator[RenderableType]:
        yield plain(title, "bold")
        for name, count, amount in rows:
            yield record(name, [(word("lines", lang), count), (word("amount", lang), amount)], lang)

    print_fitted(console, table, [amount for _, _, amount in rows], records)


def print_issues(console: Console, issues: Sequence[InputIssue], lang: Lang) -> None:
    if not issues:
        return
    title = word("issues", lang)
    listed = issues[:MAX_TABLE_ROWS]
    table = Table(title=plain(title))
    table.add_column(word("where", lang), overflow="fold")
    table.add_column(word("severity", lang), no_wrap=True)
    table.add_column(word("value", lang), overflow="fold", no_wrap=all_short(issue.value for issue in listed))
    table.add_column(word("message", lang), overflow="fold", ratio=1)
    for issue in listed:
        table.add_row(
            plain(issue.where(lang)),
            plain(issue.severity_text(lang), SEVERITY_STYLE[issue.severity]),
            plain(issue.value or ""),
            plain(issue.text(lang)),
        )

    def records() -> Iterator[RenderableType]:
        yield plain(title, "bold")
        for issue in listed:
            fields: list[tuple[str, Text | str]] = [
                (word("severity", lang), plain(issue.severity_text(lang), SEVERITY_STYLE[issue.severity]))
            ]
            if issue.value:
                fields.append((word("value", lang), plain(issue.value)))
            fields.append((word("message", lang), plain(issue.text(lang))))
            yield record(plain(issue.where(lang), "bold"), fields, lang)

    print_fitted(console, table, short_values(issue.value for issue in listed), records)
    if len(issues) > MAX_TABLE_ROWS:
        more = len(issues) - MAX_TABLE_ROWS
        console.print(plain(word("more_issues", lang, shown=MAX_TABLE_ROWS, count=more), "yellow"))


VALUE_WIDTH = 20
"""A value of an input issue up to this long (a credit code in quotes) is shown whole; a longer one folds."""

SEVERITY_STYLE = {"error": "red", "warning": "yellow", "notice": "dim"}


def all_short(values: Iterable[str | None]) -> bool:
    """Whether every value is short (see ``short_values``): then the value column keeps its width."""
    values = [v for v in values if v]
    return len(short_values(values)) == len(values)


def short_values(values: Iterable[str | None]) -> list[str]:
    """The values a table must show whole: those without a line break, up to ``VALUE_WIDTH`` cells wide."""
    return [visible(v) for v in values if v and "\n" not in v and cell_len(visible(v)) <= VALUE_WIDTH]


def print_ledger(console: Console, result: RunResult, lang: Lang) -> None:
    if result.ledger is None:
        console.print(plain(NO_LEDGER_WARNING.in_lang(lang), "bold red"))
    else:
        console.print(plain(word("ledger", lang, path=result.ledger.path, count=result.ledger.prior_read)))


Phases = Callable[[str], AbstractContextManager[None]]


def phases(enabled: bool) -> Phases:
    """What a long run is doing, on stderr: a spinner with the current step, then one line per step
    with its time.  Only when ``enabled`` (stderr is a terminal); otherwise nothing is shown."""
    if not enabled:
        return lambda text: nullcontext()
    console = screen(stderr=True)

    @contextmanager
    def phase(text: str) -> Iterator[None]:
        began = time.perf_counter()
        # not console.status: it would send what the run writes to stdout (``--json -``) to stderr
        spinner = Spinner("dots", text=plain(text + " …"), style="status.spinner")
        with Live(spinner, console=console, transient=True, redirect_stdout=False, redirect_stderr=False):
            yield
        console.print(plain(f"✓ {text} ({time.perf_counter() - began:.1f} s)", "dim"))

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
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=screen(stderr=True),
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    ) as bar:
        task = bar.add_task(text, total=total)
        yield lambda done: bar.update(task, completed=done)
    screen(stderr=True).print(plain(f"✓ {text} ({time.perf_counter() - began:.1f} s)", "dim"))
