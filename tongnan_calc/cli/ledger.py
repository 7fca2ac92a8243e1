"""``tongnan-calc ledger ...``: the payout ledger's commands (SPEC §6).

Parse, call one function of ``tongnan_calc.ledger``, render in the language of
``--lang`` (Chinese by default).  A refused operation prints one line
``错误：<message>`` (``error: <message>`` with ``--lang en``) on stderr and exits
2; an import whose workbook has input errors lists them and exits 1.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console, JustifyMethod, RenderableType
from rich.table import Table
from rich.text import Text

from tongnan_calc.cli.common import LangOption, Language, RulesOption, fail, to_lang
from tongnan_calc.cli.i18n import bi
from tongnan_calc.core.say import Lang, Say
from tongnan_calc.files.outputs import OutputError, check_output
from tongnan_calc.ledger import LedgerError, home  # the rest is imported by the command that uses it
from tongnan_calc.report.screen import plain, print_fitted, record, screen
from tongnan_calc.text.messages import measure_label

if TYPE_CHECKING:
    from tongnan_calc.ledger import Entry, HistoryIssue, ImportReport, RecordReport

RECORD_HELP = bi(
    "已审批的兑付工作簿（由 `tongnan-calc run --out` 写出）。",
    "Approved payout workbook written by `tongnan-calc run --out`.",
)

app = typer.Typer(
    name="ledger",
    help=bi(
        "发放台账：以往年度已发放的记录（一次性奖励、补贴期限、累计上限据此判断）。",
        "The payout ledger: what was paid in earlier years (one-time rewards, periods, lifetime caps).",
    ),
    epilog=bi(
        "示例：tongnan-calc ledger init /tmp/try-ledger.sqlite --no-save",
        "Example: tongnan-calc ledger init /tmp/try-ledger.sqlite --no-save",
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def group_options(lang: LangOption = Language.zh) -> None:  # read from the command line first (cli.i18n)
    pass


LedgerOption = Annotated[
    Optional[Path],
    typer.Option(
        "--ledger",
        help=bi(
            "台账文件（默认：$TONGNAN_LEDGER，否则 `tongnan-calc ledger init` 记入配置的台账）；文件必须已存在。",
            "Ledger file (default: $TONGNAN_LEDGER, else the ledger saved by `tongnan-calc ledger init`);"
            " it must exist.",
        ),
        show_default=False,
    ),
]


ExampleOption = Annotated[
    bool,
    typer.Option(
        "--example",
        help=bi(
            "接受随附虚构示例中的企业（仅用于在临时台账上试用本工具）。",
            "Accept the shipped fictional example's enterprises (only for trying the tool on a scratch ledger).",
        ),
    ),
]


def _ledger(path: Path | None) -> Path:
    """--ledger, else $TONGNAN_LEDGER, else the configured ledger; it must exist (``home.required``)."""
    return home.required(path)


def _out() -> Console:
    return screen(soft_wrap=True)


def _err() -> Console:
    return screen(stderr=True, soft_wrap=True)


def _yuan(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:,}"


def _print_issues(issues: Sequence[HistoryIssue], lang: Lang) -> None:
    err = _err()
    for issue in issues:
        err.print(issue.line(lang), markup=False)


def _count(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {plural or word + 's'}"


def _rows(count: int) -> str:
    return _count(count, "row")


def _import_summary(report: ImportReport) -> Say:
    zh = (
        f"已将 {report.workbook}（工作表 {report.sheet}）{report.rows_read} 行中的 {report.added} 行"
        f"导入台账 {report.ledger}"
    )
    en = (
        f"imported {report.added} of {_rows(report.rows_read)} from {report.workbook}"
        f" (sheet {report.sheet}) into {report.ledger}"
    )
    if report.already_recorded:
        zh += f"；{report.already_recorded} 行此前已记录"
        en += f"; {report.already_recorded} already recorded"
    if report.rejected:
        zh += f"；{report.rejected} 行有错误，未导入"
        en += f"; {_rows(report.rejected)} with errors not imported"
    return Say(zh, en)


def _nothing_imported(rejected: int) -> Say:
    return Say(
        f"未导入任何内容：{rejected} 行有错误；请改正，或用 --allow-errors 只导入无误的行",
        f"nothing imported: {_rows(rejected)} with errors; fix them, or import the good rows with --allow-errors",
    )


def _init_summary(path: Path, created: bool, config: Path | None, replaced: Path | None) -> Say:
    if created:
        said = Say(f"已建立台账 {path}", f"created ledger {path}")
    else:
        said = Say(f"{path} 已是台账", f"{path} is already a ledger")
    if config is None:
        return said + Say(
            f"（未记入配置：使用时请加 --ledger {path}）",
            f" (not saved in the configuration: name it with --ledger {path})",
        )
    said += Say(
        f"，并已记入配置文件 {config}：此后在任何文件夹运行的命令都默认使用该台账",
        f"; saved in {config}: commands run from any folder now use it by default",
    )
    if replaced is not None:
        said += Say(f"（取代此前配置的台账 {replaced}）", f" (instead of {replaced})")
    return said


@app.command("init")
def init_command(
    path: Annotated[
        Path,
        typer.Argument(
            help=bi("本局发放台账所在（或将建立）的位置。", "Where the bureau's ledger is (or is to be) kept.")
        ),
    ],
    no_save: Annotated[
        bool,
        typer.Option(
            "--no-save",
            help=bi(
                "不记入配置文件：建立一个临时台账，使用时用 --ledger 指明。",
                "Do not save it in the configuration: a scratch ledger, named with --ledger.",
            ),
        ),
    ] = False,
    lang: LangOption = Language.zh,
) -> None:
    """在 PATH 建立本局的发放台账，并记入用户配置文件。

    此后在任何文件夹运行的命令都使用该台账，除非 --ledger 或 $TONGNAN_LEDGER 另行指明。
    PATH 已是台账时只记入配置；其他已存在的文件一律拒绝，且不作改动。只有本命令会建立台账。
    加 --no-save 时不改动配置文件：建立一个试用的临时台账，使用时用 --ledger 指明。

    示例：tongnan-calc ledger init /tmp/try-ledger.sqlite --no-save

    —— English ——

    Create the bureau's ledger at PATH and remember it in the user's configuration.

    Every command then uses it from any folder, unless --ledger or $TONGNAN_LEDGER
    names another.  A PATH that is already a ledger is only remembered; any other
    existing file is refused and left unchanged.  This is the only command that
    creates a ledger.  With --no-save the configuration is left as it is: a
    scratch ledger for trying the tool, used with --ledger.

    Example: tongnan-calc ledger init /tmp/try-ledger.sqlite --no-save
    """
    language = to_lang(lang)
    from tongnan_calc.ledger import init_ledger

    absolute = Path(os.path.abspath(path))
    try:
        try:
            previous = home.read_config()
        except LedgerError:
            previous = home.Config()  # a damaged configuration is written again
        created = init_ledger(absolute)
        config = None if no_save else home.write_config(home.Config(absolute, previous.require_ledger))
    except LedgerError as exc:
        raise fail(exc.say, 2, language) from None
    replaced = previous.ledger if config is not None and previous.ledger not in (None, absolute) else None
    _out().print(_init_summary(absolute, created, config, replaced).in_lang(language), markup=False)


@app.command("import")
def import_command(
    workbook: Annotated[
        Path,
        typer.Argument(
            help=bi(
                "历史发放工作簿（.xlsx），含“历史发放”工作表。",
                "History workbook (.xlsx) with sheet payouts (历史发放).",
            )
        ),
    ],
    allow_errors: Annotated[
        bool,
        typer.Option(
            "--allow-errors",
            help=bi("部分行有错误时，仍导入无误的行。", "Import the good rows even when some rows have errors."),
        ),
    ] = False,
    ledger: LedgerOption = None,
    rules: RulesOption = None,
    example: ExampleOption = False,
    lang: LangOption = Language.zh,
) -> None:
    """导入本工具启用以前的发放记录。

    “历史发放”工作表，列：统一社会信用代码（`credit_code`）、年度（`year`）、措施（`measure`）、
    档次（`tier`：销售额突破奖励填该年12月31日有效的规则文件中的档次金额（元），其他措施留空）、
    金额（`amount`）。有错误的工作簿不导入任何内容，除非给出 --allow-errors：那时只导入无误的行。

    示例：tongnan-calc ledger import examples/history.xlsx --example --ledger /tmp/try-ledger.sqlite

    —— English ——

    Import payouts made before the tool existed.

    Sheet payouts (历史发放), columns credit_code (统一社会信用代码), year (年度),
    measure (措施), tier (档次: for sales_milestone one of the tier thresholds in
    yuan of the rule file in force on 31 December of that year, blank otherwise),
    amount (金额).  A workbook with errors imports nothing unless --allow-errors
    is given; then only its good rows are imported.

    Example: tongnan-calc ledger import examples/history.xlsx --example --ledger /tmp/try-ledger.sqlite
    """
    language = to_lang(lang)
    from tongnan_calc.ledger import import_history
    from tongnan_calc.ledger.limits import load_ledger_rules

    try:
        rule_file = load_ledger_rules(rules)
        report = import_history(_ledger(ledger), workbook, allow_errors=allow_errors, rules=rule_file, example=example)
    except LedgerError as exc:
        raise fail(exc.say, 2, language) from None
    _print_issues(report.history_issues, language)
    if not report.imported:
        _err().print(_nothing_imported(report.rejected).in_lang(language), markup=False)
        raise typer.Exit(1)
    _out().print(_import_summary(report).in_lang(language), markup=False)
    raise typer.Exit(1 if report.has_errors else 0)


def _record_summary(report: RecordReport) -> Say:
    if report.rows_read == 0:
        return Say(
            f"未记录任何发放：{report.workbook} 中没有应付明细行",
            f"nothing recorded: {report.workbook} has no payable rows",
        )
    if report.added == 0:
        return Say(
            f"没有新的发放：{report.workbook} 的全部 {report.rows_read} 行均已记入台账 {report.ledger}",
            f"nothing new: all {_rows(report.rows_read)} of {report.workbook} are already recorded in {report.ledger}",
        )
    zh = (
        f"已将 {report.workbook} 中 {report.year} 年度的 {report.added} 笔发放"
        f"（{_yuan(report.amount_added)} 元）记入台账 {report.ledger}"
    )
    en = (
        f"recorded {_count(report.added, 'payout')} for {report.year} ({_yuan(report.amount_added)} yuan)"
        f" from {report.workbook} into {report.ledger}"
    )
    if report.decided_added:
        zh += f"（其中 {report.decided_added} 笔为待定行的核定金额）"
        en += f" ({report.decided_added} of them decided on pending lines)"
    if report.already_recorded:
        zh += f"；{report.already_recorded} 笔此前已记录"
        en += f"; {report.already_recorded} already recorded"
    return Say(zh, en)


WARNING_PREFIX: dict[Lang, str] = {"zh": "警告：", "en": "warning: "}


@app.command("record")
def record_command(
    workbook: Annotated[Path, typer.Argument(help=RECORD_HELP)],
    ledger: LedgerOption = None,
    rules: RulesOption = None,
    example: ExampleOption = False,
    lang: LangOption = Language.zh,
) -> None:
    """把已审批的兑付工作簿中的应付明细记入台账。

    从“应付明细”表删去的行（财政局未批准的）不记录；该表有隐藏、筛选掉或划了删除线的行，
    有行的状态被改为“应付”以外的内容，或有行在另加的列中填了内容时拒绝记录（请删去未批准的行）；金额、统一社会信用代码、措施或档次被改过的行（校验码
    不再相符）、不是 `tongnan-calc run` 写出的工作簿、会重复发放一次性奖励或超过贴息累计上限
    （计入台账中各年度的发放）的，也都拒绝。同一工作簿记录两次不会重复记入。

    示例：tongnan-calc ledger record payout-2016.xlsx --example --ledger /tmp/try-ledger.sqlite

    —— English ——

    Record the payable lines of an approved payout workbook.

    Rows deleted from sheet 应付明细 (rejected by the finance bureau) are not
    recorded; a workbook with hidden, filtered-out or struck-through rows
    there, a row whose status (状态) was changed from 应付, or values on its
    rows in a column the tool did not write, is refused (delete the rejected
    rows instead), and so is a row whose amount,
    credit code, measure or tier was edited (its check value 校验码 no longer
    matches), a workbook not written by `tongnan-calc run`, and one that would
    pay a one-time reward twice or pass the lifetime interest cap, counting the
    ledger's payouts of every year.  Recording the same workbook twice adds
    nothing.

    A pending line (sheet 待定) on which the reviewer filled 核定金额 (decided
    amount, above 0, at most two decimals) and 核定依据 (the decision) is recorded
    as a payout with that decision, under the same checks; its check value covers
    what the tool wrote, not those two columns.

    Example: tongnan-calc ledger record payout-2016.xlsx --example --ledger /tmp/try-ledger.sqlite
    """
    language = to_lang(lang)
    from tongnan_calc.ledger import record_payout
    from tongnan_calc.ledger.limits import load_ledger_rules

    try:
        report = record_payout(_ledger(ledger), workbook, rules=load_ledger_rules(rules), example=example)
    except LedgerError as exc:
        raise fail(exc.say, 2, language) from None
    err = _err()
    for warning in report.warnings:
        err.print(f"{WARNING_PREFIX[language]}{warning.in_lang(language)}", markup=False)
    _out().print(_record_summary(report).in_lang(language), markup=False)


# (Chinese heading, English heading, justification)
_TABLE_COLUMNS: tuple[tuple[str, str, JustifyMethod], ...] = (
    ("条目号", "id", "right"),
    ("类型", "kind", "left"),
    ("统一社会信用代码", "credit code", "left"),
    ("年度", "year", "right"),
    ("措施", "measure", "left"),
    ("档次", "tier", "right"),
    ("金额", "amount", "right"),
    ("备注", "note", "left"),
)


def _print_entries(console: Console, entries: Sequence[Entry], lang: Lang) -> None:
    from tongnan_calc.ledger import KIND_ZH

    """The entries as a table; as records where a table would cut a credit code or an amount."""
    table = Table(show_lines=False, header_style="bold")
    for zh, en, justify in _TABLE_COLUMNS:
        wraps = zh in ("类型", "措施", "备注")
        table.add_column(zh if lang == "zh" else en, justify=justify, no_wrap=not wraps, overflow="fold")
    rows: list[tuple[Text | str, ...]] = [
        (
            str(entry.id),
            KIND_ZH[entry.kind] if lang == "zh" else entry.kind,
            plain(entry.credit_code),
            str(entry.year),
            plain(measure_label(entry.measure, lang)),
            _yuan(entry.tier),
            _yuan(entry.amount),
            plain(_note(entry).in_lang(lang)),
        )
        for entry in entries
    ]
    for row in rows:
        table.add_row(*row)

    def records() -> Iterator[RenderableType]:
        for row in rows:
            fields: list[tuple[str, Text | str]] = [
                (zh if lang == "zh" else en, cell) for (zh, en, _), cell in zip(_TABLE_COLUMNS, row, strict=True)
            ]
            yield record(None, [(label, cell) for label, cell in fields if cell != ""], lang)

    needles = [e.credit_code for e in entries] + [_yuan(e.amount) for e in entries] + [_yuan(e.tier) for e in entries]
    print_fitted(console, table, needles, records)


def _note(entry: Entry) -> Say:
    if entry.reverses is not None:
        return Say(f"冲销条目 {entry.reverses}：{entry.reason}", f"reverses {entry.reverses}: {entry.reason}")
    if entry.reversed_by is not None:
        return Say(f"已被条目 {entry.reversed_by} 冲销", f"reversed by {entry.reversed_by}")
    if entry.reason:  # a reviewer's decided amount: its decision
        return Say(f"{entry.source_zh}；核定依据：{entry.reason}", f"{entry.source}; decision: {entry.reason}")
    return Say(entry.source_zh, entry.source)


def _list_total(entries: Sequence[Entry]) -> Say:
    in_force = [e for e in entries if e.in_force]
    total = _yuan(sum((e.amount for e in in_force), Decimal("0.00")))
    return Say(
        f"共 {len(entries)} 个条目；有效发放 {len(in_force)} 笔，合计 {total} 元",
        f"{_count(len(entries), 'entry', 'entries')}; {_count(len(in_force), 'payout')} in force, {total} yuan",
    )


@app.command("list")
def list_command(
    code: Annotated[
        Optional[str], typer.Option("--code", help=bi("只列出该统一社会信用代码。", "Only this credit code."))
    ] = None,
    year: Annotated[
        Optional[int], typer.Option("--year", help=bi("只列出该发放年度。", "Only this payout year."))
    ] = None,
    measure: Annotated[
        Optional[str],
        typer.Option("--measure", help=bi("只列出该措施（措施标识，如 rent）。", "Only this measure id.")),
    ] = None,
    ledger: LedgerOption = None,
    lang: LangOption = Language.zh,
) -> None:
    """列出台账条目（发放和冲销），按时间先后。

    示例：tongnan-calc ledger list --code 91500223MA607P259T --ledger /tmp/try-ledger.sqlite

    —— English ——

    List ledger entries (payouts and reversals), oldest first.

    Example: tongnan-calc ledger list --code 91500223MA607P259T --ledger /tmp/try-ledger.sqlite
    """
    language = to_lang(lang)
    from tongnan_calc.ledger import list_entries

    try:
        entries = list_entries(_ledger(ledger), credit_code=code, year=year, measure=measure)
    except LedgerError as exc:
        raise fail(exc.say, 2, language) from None
    out = _out()
    if not entries:
        out.print(Say("没有条目", "no entries").in_lang(language), markup=False)
        return
    _print_entries(out, entries, language)
    out.print(_list_total(entries).in_lang(language), markup=False)


@app.command("export")
def export_command(
    out: Annotated[Path, typer.Argument(help=bi("要写出的工作簿（.xlsx）。", "Workbook to write (.xlsx)."))],
    ledger: LedgerOption = None,
    force: Annotated[bool, typer.Option("--force", help=bi("覆盖已有的文件。", "Replace an existing file."))] = False,
    lang: LangOption = Language.zh,
) -> None:
    """把台账导出为工作簿。

    “历史发放”工作表为有效的发放，格式与 `ledger import` 读取的相同；“全部记录”工作表为全部条目，
    含冲销。用 --lang en 时工作表名为 `payouts` 和 `entries`，表头为列的键名（`credit_code`、`year` 等）：
    `ledger import` 也能读取。

    示例：tongnan-calc ledger export ledger-2016.xlsx --ledger /tmp/try-ledger.sqlite

    —— English ——

    Export the ledger to a workbook.

    Sheet 历史发放 holds the payouts in force, in the layout `ledger import`
    reads; sheet 全部记录 holds every entry, reversals included.  With --lang en
    the sheets are payouts and entries and the headings are the column keys
    (credit_code, year, ...): `ledger import` reads that file too.

    Example: tongnan-calc ledger export ledger-2016.xlsx --ledger /tmp/try-ledger.sqlite
    """
    language = to_lang(lang)
    from tongnan_calc.ledger import export

    try:
        check_output(out, force=force)
        count = export(_ledger(ledger), out, language)
    except (LedgerError, OutputError) as exc:
        raise fail(exc.say, 2, language) from None
    said = Say(f"已导出 {count} 个条目到 {out}", f"exported {_count(count, 'entry', 'entries')} to {out}")
    _out().print(said.in_lang(language), markup=False)


@app.command("reverse")
def reverse_command(
    entry_id: Annotated[
        int,
        typer.Argument(
            help=bi(
                "要冲销的发放条目号（见 `ledger list`）。", "Id of the payout entry to reverse (see `ledger list`)."
            )
        ),
    ],
    reason: Annotated[
        str,
        typer.Option("--reason", help=bi("冲销原因（记入台账）。", "Why the payout is reversed (kept in the ledger).")),
    ],
    ledger: LedgerOption = None,
    lang: LangOption = Language.zh,
) -> None:
    """冲销误记的发放：添加一条冲销条目，原记录保留。

    被冲销的发放不再计为以往发放。

    示例：tongnan-calc ledger reverse 1 --reason "误按草稿工作簿记录" --ledger /tmp/try-ledger.sqlite

    —— English ——

    Reverse a payout recorded by mistake: a reversing entry is added, history is kept.

    A reversed payout no longer counts as a prior payout.

    Example: tongnan-calc ledger reverse 1 --reason "recorded from the draft workbook" --ledger /tmp/try-ledger.sqlite
    """
    language = to_lang(lang)
    from tongnan_calc.ledger import reverse

    try:
        entry = reverse(_ledger(ledger), entry_id, reason)
    except LedgerError as exc:
        raise fail(exc.say, 2, language) from None
    tier = "" if entry.tier is None else f" tier {_yuan(entry.tier)}"
    tier_zh = "" if entry.tier is None else f" 档次 {_yuan(entry.tier)}"
    said = Say(
        f"条目 {entry.id} 冲销条目 {entry.reverses}：{entry.credit_code} {entry.measure}{tier_zh}"
        f" {entry.year}年度，{_yuan(-entry.amount)} 元（{entry.reason}）",
        f"entry {entry.id} reverses entry {entry.reverses}: {entry.credit_code} {entry.measure}{tier}"
        f" {entry.year}, {_yuan(-entry.amount)} yuan ({entry.reason})",
    )
    _out().print(said.in_lang(language), markup=False)
