"""``tongnan-calc template`` and ``tongnan-calc check``: the clerks' input commands.

``template`` writes a blank input workbook; ``check`` validates an input
workbook without computing anything and can write a copy with the bad cells
marked.  Parse, call one function, render.  A refused operation prints one line
``错误：<message>`` (``error: <message>`` with ``--lang en``) on stderr and exits 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tongnan_calc.cli.common import ForceOption, LangOption, Language, fail, to_lang
from tongnan_calc.core.model import SHEET_NAMES_ZH, Batch, InputIssue
from tongnan_calc.core.say import Lang, Say
from tongnan_calc.shell.outputs import OutputError, check_output


def _out() -> Console:
    return Console(highlight=False)


WORDS: dict[str, tuple[str, str]] = {
    "row": ("行", "row"),
    "column": ("列", "column"),
    "severity": ("严重程度", "severity"),
    "value": ("所填内容", "value"),
    "message": ("问题", "message"),
    "hint": ("怎么改", "how to fix"),
    "read": ("{path}：读取 {enterprises} 家企业、{rows} 行数据", "{path}: {enterprises}, {rows} read"),
    "counts": ("{errors} 个错误，{warnings} 个警告，{notices} 个提示", "{errors}, {warnings}, {notices}"),
    "ok": ("没有错误，可以运行计算", "no errors: ready to run"),
    "fix": ("请更正错误后再运行计算", "fix the errors before the run"),
    "annotated": ("已写出标注副本 {out}：标出 {cells} 个单元格", "annotated copy {out}: {cells} cells marked"),
    "template": ("已写出输入模板 {out}", "input template written to {out}"),
}


def _word(key: str, lang: Lang, **args: object) -> str:
    return WORDS[key][0 if lang == "zh" else 1].format(**args)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _counts(issues: Sequence[InputIssue], lang: Lang) -> str:
    numbers = {s: sum(1 for i in issues if i.severity == s) for s in ("error", "warning", "notice")}
    if lang == "zh":
        return _word("counts", lang, errors=numbers["error"], warnings=numbers["warning"], notices=numbers["notice"])
    return ", ".join(_plural(n, s) for s, n in numbers.items())


SEVERITY_STYLE = {"error": "red", "warning": "yellow", "notice": "dim"}


def _sheet_title(key: str, batch: Batch, lang: Lang) -> str:
    """'企业信息（enterprises）' ('企业信息 (enterprises)' in English): the sheet's name in the file and its key
    (a sheet named by its key: 'leases（办公租赁）' in Chinese)."""
    name = dict(batch.sheets_found).get(key, key)
    if lang == "zh":
        if name == key and key in SHEET_NAMES_ZH:
            return f"{key}（{SHEET_NAMES_ZH[key]}）"
        return key if name == key else f"{name}（{key}）"
    return key if name == key else f"{name} ({key})"


def _groups(issues: Sequence[InputIssue]) -> dict[str, list[InputIssue]]:
    groups: dict[str, list[InputIssue]] = {}
    for issue in issues:
        groups.setdefault(issue.sheet, []).append(issue)
    return groups


def _column_text(issue: InputIssue, lang: Lang) -> str:
    """``租用面积（area_m2）`` in Chinese, ``area_m2 租用面积`` in English."""
    if issue.column is None:
        return ""
    if lang == "zh" and issue.header:
        return f"{issue.header}（{issue.column}）"
    return f"{issue.column} {issue.header or ''}".strip()


def issue_tables(batch: Batch, lang: Lang) -> list[Table]:
    """One table per sheet with issues, in the reader's order."""
    from tongnan_calc.clerk.annotate import hint

    tables = []
    for sheet, issues in _groups(batch.issues).items():
        table = Table(title=_sheet_title(sheet, batch, lang), title_justify="left")
        table.add_column(_word("row", lang), justify="right")
        for key in ("column", "severity", "value", "message", "hint"):
            table.add_column(_word(key, lang), overflow="fold")
        for issue in issues:
            table.add_row(
                "" if issue.row is None else str(issue.row),
                Text(_column_text(issue, lang)),
                Text(issue.severity_text(lang), style=SEVERITY_STYLE[issue.severity]),
                Text(issue.value or ""),
                Text(issue.text(lang)),
                Text(hint(issue, lang)),
            )
        tables.append(table)
    return tables


def template_command(
    out: Annotated[Path, typer.Argument(help="The workbook to write (.xlsx).")],
    history: Annotated[
        bool, typer.Option("--history", help="A blank history workbook for `ledger import` instead (历史发放).")
    ] = False,
    lang: LangOption = Language.zh,
    force: ForceOption = False,
) -> None:
    """Write a blank input workbook to fill in: every sheet and column, drop-downs and checks, an example row.

    zh gives Chinese sheet names and headers (是/否 drop-downs), en the English
    keys (yes/no drop-downs); the reader accepts both.  The instructions sheet
    (说明 / instructions) explains each column and names the measures that need it.

    With --history: a blank history workbook instead (sheet 历史发放, payouts made
    before the tool existed), for `tongnan-calc ledger import`.

    Example: tongnan-calc template --lang zh input-2016.xlsx
    """
    language = to_lang(lang)
    try:
        check_output(out, force=force)
    except OutputError as exc:
        raise fail(exc.say, lang=language) from None
    if history:  # payouts made before the tool existed: `ledger import` reads it
        from tongnan_calc.ledger import LedgerError
        from tongnan_calc.ledger.export import write_history_workbook

        try:
            write_history_workbook(out, (), language)
        except LedgerError as exc:
            raise fail(exc.say, lang=language) from None
        said = Say(f"已写出历史发放模板 {out}", f"history template written to {out}")
        _out().print(said.in_lang(language), markup=False, soft_wrap=True)
        return
    from tongnan_calc.clerk.template import write_template

    write_template(out, language)
    _out().print(_word("template", language, out=out), markup=False, soft_wrap=True)


def check_command(
    workbook: Annotated[Path, typer.Argument(help="Input workbook (.xlsx) with the sheets of SPEC §3.")],
    annotate: Annotated[
        Optional[Path],
        typer.Option(
            "--annotate", help="Write a copy of the workbook with the bad cells marked (red: error, yellow: warning)."
        ),
    ] = None,
    lang: LangOption = Language.zh,
    force: ForceOption = False,
) -> None:
    """Check an input workbook without computing: every issue with its sheet, row, column and how to fix it.

    The workbook itself is never changed; --annotate writes a copy in which each
    bad cell is filled and carries a comment with the message.

    Example: tongnan-calc check input-2016.xlsx --annotate input-2016-checked.xlsx

    Exit codes: 0 no input error (warnings and notices may be listed); 1 some
    input errors (all listed); 2 the workbook cannot be read, or the copy
    cannot be written.
    """
    from tongnan_calc.input.reader import WorkbookError, read_workbook

    language = to_lang(lang)
    try:
        if annotate is not None:
            if annotate.resolve() == workbook.resolve():
                raise OutputError(
                    Say(
                        f"{annotate} 就是要检查的工作簿：请为副本另取一个文件名",
                        f"{annotate} is the workbook being checked: give another file name for the copy",
                    )
                )
            check_output(annotate, force=force)
        batch = read_workbook(workbook)
    except (WorkbookError, OutputError) as exc:
        raise fail(exc.say, lang=language) from None
    console = _out()
    for table in issue_tables(batch, language):
        console.print(table)
    enterprises, rows = len(batch.records), batch.rows_read
    if language == "en":
        read = _word(
            "read", language, path=workbook, enterprises=_plural(enterprises, "enterprise"), rows=_plural(rows, "row")
        )
    else:
        read = _word("read", language, path=workbook, enterprises=enterprises, rows=rows)
    verdict = _word("fix" if batch.has_errors else "ok", language)
    separator = "；" if language == "zh" else "; "
    console.print(
        f"{read}{separator}{_counts(batch.issues, language)}{separator}{verdict}", markup=False, soft_wrap=True
    )
    if annotate is not None:
        from tongnan_calc.clerk.annotate import AnnotateError, annotate_copy

        try:
            marked = annotate_copy(workbook, batch.issues, annotate, language)
        except AnnotateError as exc:
            raise fail(exc.say, lang=language) from None
        console.print(_word("annotated", language, out=annotate, cells=marked), markup=False, soft_wrap=True)
    raise typer.Exit(1 if batch.has_errors else 0)
