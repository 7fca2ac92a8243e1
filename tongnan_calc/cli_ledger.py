"""``tongnan-calc ledger ...``: the payout ledger's commands (SPEC §6).

Parse, call one function of ``tongnan_calc.ledger``, render.  A refused
operation prints one line ``error: <message>`` on stderr and exits 2; an
import whose workbook has input errors lists them and exits 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console, JustifyMethod
from rich.table import Table
from rich.text import Text

from tongnan_calc.ledger import (
    Entry,
    ImportReport,
    LedgerError,
    RecordReport,
    default_ledger_path,
    export,
    import_history,
    list_entries,
    record_payout,
    reverse,
)
from tongnan_calc.model import InputIssue
from tongnan_calc.outputs import OutputError, check_output

app = typer.Typer(
    name="ledger",
    help="The payout ledger: what was paid in earlier years (one-time rewards, periods, lifetime caps).",
    epilog="Example: tongnan-calc ledger record payout-2016.xlsx",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

LedgerOption = Annotated[
    Optional[Path],
    typer.Option(
        "--ledger",
        help="Ledger file (default: $TONGNAN_LEDGER, else ./tongnan-ledger.sqlite).",
        show_default=False,
    ),
]


def _ledger(path: Path | None) -> Path:
    return path if path is not None else default_ledger_path()


def _out() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _err() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``error: <message>`` (one line) on stderr and leave with ``code``."""
    _err().print(f"error: {' '.join(message.splitlines())}", markup=False)
    return typer.Exit(code)


def _yuan(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:,}"


def _issue_line(issue: InputIssue) -> str:
    header = f" ({issue.header})" if issue.header and issue.header != issue.column else ""
    return f"{issue.severity}: {issue.where()}{header}: {issue.message}"


def _print_issues(issues: Sequence[InputIssue]) -> None:
    err = _err()
    for issue in issues:
        err.print(_issue_line(issue), markup=False)


def _count(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {plural or word + 's'}"


def _rows(count: int) -> str:
    return _count(count, "row")


def _import_summary(report: ImportReport) -> str:
    text = (
        f"imported {report.added} of {_rows(report.rows_read)} from {report.workbook}"
        f" (sheet {report.sheet}) into {report.ledger}"
    )
    if report.already_recorded:
        text += f"; {report.already_recorded} already recorded"
    if report.rejected:
        text += f"; {_rows(report.rejected)} with errors not imported"
    return text


@app.command("import")
def import_command(
    workbook: Annotated[Path, typer.Argument(help="History workbook (.xlsx) with sheet payouts (历史发放).")],
    allow_errors: Annotated[
        bool,
        typer.Option("--allow-errors", help="Import the good rows even when some rows have errors."),
    ] = False,
    ledger: LedgerOption = None,
) -> None:
    """Import payouts made before the tool existed.

    Sheet payouts (历史发放), columns credit_code (统一社会信用代码), year (年度),
    measure (措施), tier (档次: the threshold in yuan for sales_milestone, blank
    otherwise), amount (金额).  A workbook with errors imports nothing unless
    --allow-errors is given; then only its good rows are imported.

    Example: tongnan-calc ledger import history.xlsx --ledger tongnan-ledger.sqlite
    """
    try:
        report = import_history(_ledger(ledger), workbook, allow_errors=allow_errors)
    except LedgerError as exc:
        raise _fail(str(exc)) from None
    _print_issues(report.issues)
    if not report.imported:
        bad = report.rejected
        _err().print(
            f"nothing imported: {_rows(bad)} with errors; fix them, or import the good rows with --allow-errors",
            markup=False,
        )
        raise typer.Exit(1)
    _out().print(_import_summary(report), markup=False)
    raise typer.Exit(1 if report.has_errors else 0)


def _record_summary(report: RecordReport) -> str:
    if report.rows_read == 0:
        return f"nothing recorded: {report.workbook} has no payable rows"
    if report.added == 0:
        return (
            f"nothing new: all {_rows(report.rows_read)} of {report.workbook} are already recorded in {report.ledger}"
        )
    text = (
        f"recorded {_count(report.added, 'payout')} for {report.year} ({_yuan(report.amount_added)} yuan)"
        f" from {report.workbook} into {report.ledger}"
    )
    if report.already_recorded:
        text += f"; {report.already_recorded} already recorded"
    return text


@app.command("record")
def record_command(
    workbook: Annotated[Path, typer.Argument(help="Approved payout workbook written by `tongnan-calc run --out`.")],
    ledger: LedgerOption = None,
) -> None:
    """Record the payable lines of an approved payout workbook.

    Rows deleted from sheet 应付明细 (rejected by the finance bureau) are not
    recorded; a row whose amount, credit code, measure or tier was edited is
    refused (its check value 校验码 no longer matches), and so is a workbook
    not written by `tongnan-calc run`.  Recording the same workbook twice adds
    nothing.

    Example: tongnan-calc ledger record payout-2016.xlsx --ledger tongnan-ledger.sqlite
    """
    try:
        report = record_payout(_ledger(ledger), workbook)
    except LedgerError as exc:
        raise _fail(str(exc)) from None
    err = _err()
    for warning in report.warnings:
        err.print(f"warning: {warning}", markup=False)
    _out().print(_record_summary(report), markup=False)


def _entries_table(entries: Sequence[Entry]) -> Table:
    table = Table(show_lines=False, header_style="bold")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("id", "right"),
        ("kind", "left"),
        ("credit code", "left"),
        ("year", "right"),
        ("measure", "left"),
        ("tier", "right"),
        ("amount", "right"),
        ("note", "left"),
    )
    for heading, justify in columns:
        table.add_column(heading, justify=justify)
    for entry in entries:
        table.add_row(
            str(entry.id),
            entry.kind,
            entry.credit_code,
            str(entry.year),
            entry.measure,
            _yuan(entry.tier),
            _yuan(entry.amount),
            Text(_note(entry)),
        )
    return table


def _note(entry: Entry) -> str:
    if entry.reverses is not None:
        return f"reverses {entry.reverses}: {entry.reason}"
    if entry.reversed_by is not None:
        return f"reversed by {entry.reversed_by}"
    return entry.source


@app.command("list")
def list_command(
    code: Annotated[Optional[str], typer.Option("--code", help="Only this credit code.")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="Only this payout year.")] = None,
    measure: Annotated[Optional[str], typer.Option("--measure", help="Only this measure id.")] = None,
    ledger: LedgerOption = None,
) -> None:
    """List ledger entries (payouts and reversals), oldest first.

    Example: tongnan-calc ledger list --code 91500223MA5U7K3L2W --year 2016
    """
    try:
        entries = list_entries(_ledger(ledger), credit_code=code, year=year, measure=measure)
    except LedgerError as exc:
        raise _fail(str(exc)) from None
    out = _out()
    if not entries:
        out.print("no entries", markup=False)
        return
    out.print(_entries_table(entries))
    in_force = [e for e in entries if e.in_force]
    total = sum((e.amount for e in in_force), Decimal("0.00"))
    out.print(
        f"{_count(len(entries), 'entry', 'entries')}; {_count(len(in_force), 'payout')} in force, {_yuan(total)} yuan",
        markup=False,
    )


@app.command("export")
def export_command(
    out: Annotated[Path, typer.Argument(help="Workbook to write (.xlsx).")],
    ledger: LedgerOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Export the ledger to a workbook.

    Sheet 历史发放 holds the payouts in force, in the layout `ledger import`
    reads; sheet 全部记录 holds every entry, reversals included.

    Example: tongnan-calc ledger export ledger-2016.xlsx --ledger tongnan-ledger.sqlite
    """
    try:
        check_output(out, force=force)
        count = export(_ledger(ledger), out)
    except (LedgerError, OutputError) as exc:
        raise _fail(str(exc)) from None
    _out().print(f"exported {_count(count, 'entry', 'entries')} to {out}", markup=False)


@app.command("reverse")
def reverse_command(
    entry_id: Annotated[int, typer.Argument(help="Id of the payout entry to reverse (see `ledger list`).")],
    reason: Annotated[str, typer.Option("--reason", help="Why the payout is reversed (kept in the ledger).")],
    ledger: LedgerOption = None,
) -> None:
    """Reverse a payout recorded by mistake: a reversing entry is added, history is kept.

    A reversed payout no longer counts as a prior payout.

    Example: tongnan-calc ledger reverse 42 --reason "recorded from the draft workbook"
    """
    try:
        entry = reverse(_ledger(ledger), entry_id, reason)
    except LedgerError as exc:
        raise _fail(str(exc)) from None
    tier = "" if entry.tier is None else f" tier {_yuan(entry.tier)}"
    _out().print(
        f"entry {entry.id} reverses entry {entry.reverses}: {entry.credit_code} {entry.measure}{tier}"
        f" {entry.year}, {_yuan(-entry.amount)} yuan ({entry.reason})",
        markup=False,
    )
