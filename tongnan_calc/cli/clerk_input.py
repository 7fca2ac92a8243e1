"""``tongnan-calc template`` and ``tongnan-calc check``: the clerks' input commands.

``template`` writes a blank input workbook; ``check`` validates an input
workbook without computing anything and can write a copy with the bad cells
marked.  Parse, call one function, render.  A refused operation prints one line
``错误：<message>`` (``error: <message>`` with ``--lang en``) on stderr and exits 2.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from tongnan_calc.cli.common import ForceOption, LangOption, Language, WorkbookArgument, fail, to_lang
from tongnan_calc.cli.i18n import bi
from tongnan_calc.core.model import SHEET_NAMES_ZH, Batch, InputIssue
from tongnan_calc.core.say import Lang, Say
from tongnan_calc.files.outputs import OutputError, check_output
from tongnan_calc.report.screen import plain, print_fitted, record, screen
from tongnan_calc.report.terminal import SEVERITY_STYLE, all_short, short_values


def _out() -> Console:
    return screen()


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
    "unread": (
        "没有错误，但有工作表未读取：请先核对上面的警告",
        "no errors, but a sheet was not read: see the warnings above",
    ),
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


def print_issue_tables(console: Console, batch: Batch, lang: Lang) -> None:
    """One table per sheet with issues, in the reader's order; as records where a table would cut a value."""
    from tongnan_calc.clerk.annotate import hint

    for sheet, issues in _groups(batch.issues).items():
        title = plain(_sheet_title(sheet, batch, lang))
        table = Table(title=title, title_justify="left")
        table.add_column(_word("row", lang), justify="right", no_wrap=True)
        table.add_column(_word("column", lang), overflow="fold")
        table.add_column(_word("severity", lang), no_wrap=True)
        table.add_column(_word("value", lang), overflow="fold", no_wrap=all_short(issue.value for issue in issues))
        for key in ("message", "hint"):
            table.add_column(_word(key, lang), overflow="fold")
        for issue in issues:
            table.add_row(
                "" if issue.row is None else str(issue.row),
                plain(_column_text(issue, lang)),
                plain(issue.severity_text(lang), SEVERITY_STYLE[issue.severity]),
                plain(issue.value or ""),
                plain(issue.text(lang)),
                plain(hint(issue, lang)),
            )

        def records(title: Text = title, issues: list[InputIssue] = issues) -> Iterator[RenderableType]:
            yield title
            for issue in issues:
                fields: list[tuple[str, Text | str]] = []
                if issue.row is not None:
                    fields.append((_word("row", lang), str(issue.row)))
                if issue.column is not None:
                    fields.append((_word("column", lang), plain(_column_text(issue, lang))))
                fields.append(
                    (_word("severity", lang), plain(issue.severity_text(lang), SEVERITY_STYLE[issue.severity]))
                )
                if issue.value:
                    fields.append((_word("value", lang), plain(issue.value)))
                fields.append((_word("message", lang), plain(issue.text(lang))))
                fields.append((_word("hint", lang), plain(hint(issue, lang))))
                yield record(None, fields, lang)

        print_fitted(console, table, short_values(issue.value for issue in issues), records)


def template_command(
    out: Annotated[Path, typer.Argument(help=bi("要写出的工作簿（.xlsx）。", "The workbook to write (.xlsx)."))],
    history: Annotated[
        bool,
        typer.Option(
            "--history",
            help=bi(
                "改为写出供 `ledger import` 使用的空白历史发放工作簿（历史发放）。",
                "A blank history workbook for `ledger import` instead (历史发放).",
            ),
        ),
    ] = False,
    lang: LangOption = Language.zh,
    force: ForceOption = False,
) -> None:
    """写出一份待填写的空白输入工作簿：各工作表和列、下拉选项和校验、一行示例。

    zh 给出中文工作表名和表头（是/否下拉），en 给出英文键名（yes/no 下拉）；两种都能读取。
    说明工作表（说明 / `instructions`）解释每一列，并列出需要该列的措施。

    示例：tongnan-calc template --lang zh input-2016.xlsx

    —— English ——

    Write a blank input workbook to fill in: every sheet and column, drop-downs and checks, an example row.

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
        from tongnan_calc.ledger.export_book import write_history_workbook

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
    workbook: WorkbookArgument,
    annotate: Annotated[
        Optional[Path],
        typer.Option(
            "--annotate",
            help=bi(
                "另写一份工作簿副本，标出有问题的单元格（红色：错误，黄色：警告）。",
                "Write a copy of the workbook with the bad cells marked (red: error, yellow: warning).",
            ),
        ),
    ] = None,
    lang: LangOption = Language.zh,
    force: ForceOption = False,
) -> None:
    """检查输入工作簿（不计算）：列出每个问题所在的工作表、行、列，以及怎么改。

    工作簿本身不会被修改；--annotate 另写一份副本，把每个有问题的单元格填色并加批注说明。

    示例：tongnan-calc check input-2016.xlsx --annotate input-2016-checked.xlsx

    退出码：0 没有输入错误（可能列出警告和提示）；1 有输入错误（全部列出）；2 工作簿无法读取，
    或副本无法写出。

    —— English ——

    Check an input workbook without computing: every issue with its sheet, row, column and how to fix it.

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
    print_issue_tables(console, batch, language)
    enterprises, rows = len(batch.records), batch.rows_read
    if language == "en":
        read = _word(
            "read", language, path=workbook, enterprises=_plural(enterprises, "enterprise"), rows=_plural(rows, "row")
        )
    else:
        read = _word("read", language, path=workbook, enterprises=enterprises, rows=rows)
    from tongnan_calc.input.reader import SHEET_NOT_READ

    unread = any(i.severity == "warning" and i.message.startswith(SHEET_NOT_READ) for i in batch.issues)
    verdict = _word("fix" if batch.has_errors else "unread" if unread else "ok", language)
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
