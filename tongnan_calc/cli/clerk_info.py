"""``tongnan-calc explain`` and ``tongnan-calc duties``: what clerks look up.

Parse, call the core (``runner``, ``explain``, ``duties``), render.  ``cli.py``
registers these functions as commands.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from tongnan_calc.clerk.duties import KEY_TASKS, PART_TWO, UNIT_EN, UnknownUnit, all_tasks, find_unit, units_named
from tongnan_calc.cli.common import (
    LangOption,
    Language,
    LedgerOption,
    NoLedgerOption,
    RulesOption,
    WorkbookArgument,
    YearOption,
    fail,
    resolve_ledger,
    to_lang,
)
from tongnan_calc.cli.i18n import bi
from tongnan_calc.core.model import ENTERPRISES
from tongnan_calc.core.rules import Rules
from tongnan_calc.core.say import Lang, Say
from tongnan_calc.input import uscc
from tongnan_calc.report.screen import plain, screen
from tongnan_calc.shell import run as runner

CODE_HELP = bi("企业的统一社会信用代码。", "The enterprise's unified social credit code (统一社会信用代码).")


def _complete_unit(incomplete: str) -> list[str]:
    return [u for u in units_named() if incomplete in u or incomplete.casefold() in UNIT_EN.get(u, "").casefold()]


# --- explain --------------------------------------------------------------------------------


def explain_command(
    credit_code: Annotated[
        str,
        typer.Argument(
            help=bi("企业的统一社会信用代码。", "The enterprise's unified social credit code (统一社会信用代码).")
        ),
    ],
    workbook: WorkbookArgument,
    year: YearOption,
    rules: RulesOption = None,
    ledger: LedgerOption = None,
    no_ledger: NoLedgerOption = False,
    lang: LangOption = Language.zh,
) -> None:
    """逐项说明一家企业 Y 年度的全部计算过程。

    每项措施：通知条款原文，每个条件的检查及结果，所用规则参数及其生效日期，
    租金区间和金额，上限，从台账读到的以往发放，舍入，以及涉及该企业的输入问题。
    与 `run` 的计算相同：其依据即兑付工作簿的“计算依据”列。

    示例：tongnan-calc explain 91500223MA601P037Q examples/example.xlsx --year 2016

    退出码：0 已说明；1 已说明，但有涉及该企业的输入错误；2 未说明（工作簿中没有该
    统一社会信用代码、工作簿无法读取、规则文件无效）。

    —— English ——

    Explain the whole computation of year Y for one enterprise, measure by measure.

    For each measure: the clause of the notice, every condition checked and its
    result, the rule-file values used with the date each took effect, the rent
    intervals and amounts, the caps, the prior payouts read from the ledger, the
    rounding, and the input issues concerning the enterprise.  The same
    computation as `run`: its basis is the payout workbook's 计算依据 column.

    Example: tongnan-calc explain 91500223MA601P037Q examples/example.xlsx --year 2016

    Exit codes: 0 explained; 1 explained, but input errors concern this
    enterprise; 2 nothing explained (the credit code is not in the workbook,
    unreadable workbook, invalid rule file).
    """
    code = uscc.normalize(credit_code)
    language = to_lang(lang)
    from tongnan_calc.clerk.explain import explain_run, issues_of  # only this command explains

    try:
        rule_set = runner.load(rules)
        inputs = runner.read_inputs(workbook, runner.checked_year(year, rule_set), resolve_ledger(ledger, no_ledger))
    except runner.FatalError as exc:
        raise fail(exc.say, lang=language) from None
    result = runner.compute(inputs, year, rule_set)
    explanation = explain_run(result, inputs.prior, code, language, inputs.later)
    if explanation is None:
        dropped = [i for i in issues_of(result.batch.issues, code) if i.sheet == ENTERPRISES and i.severity == "error"]
        if dropped:
            why = Say(
                "；".join(f"{i.where('zh')}：{i.text('zh')}" for i in dropped),
                "; ".join(f"{i.where()}: {i.message}" for i in dropped),
            )
            raise fail(
                Say(
                    f"统一社会信用代码 {code} 在 {workbook} 的企业信息表中，但该行未能读入：{why.zh}",
                    f"credit code {code} is in enterprises of {workbook} but its row was not read: {why.en}",
                ),
                lang=language,
            )
        raise fail(
            Say(
                f"{workbook} 的企业信息表中没有统一社会信用代码 {code}",
                f"credit code {code} is not in enterprises of {workbook}",
            ),
            lang=language,
        )
    from tongnan_calc.report.explain_out import print_explanation

    print_explanation(screen(), explanation)
    raise typer.Exit(1 if explanation.has_errors else 0)


# --- duties ---------------------------------------------------------------------------------

DUTY_WORDS: dict[str, tuple[str, str]] = {
    "part1": ("一、重点工作分工", "Part 一: division of the key work"),
    "part2": ("二、政策措施落实责任分解", "Part 二: responsibility for the policy measures"),
    "task": ("工作", "task"),
    "lead": ("牵头", "leads"),
    "assist": ("协助", "assists"),
    "clause": ("条款", "clause"),
    "measure": ("措施", "measure"),
    "title": ("名称", "title"),
    "responsible": ("责任单位", "responsible units"),
    "rule_file": ("（责任单位取自规则文件 {path}）", "(responsible units from the rule file {path})"),
    "notice_units": ("通知所列责任单位", "the notice's units"),
    "stacking": ("叠加与排除规则，不单独计算", "the stacking and exclusion rule, no line of its own"),
    "leads": ("{unit}牵头的工作（{count}项）", "Tasks {unit} leads ({count})"),
    "assists": ("{unit}协助的工作（{count}项）", "Tasks {unit} assists ({count})"),
    "measures": ("{unit}负责的政策措施（{count}项）", "Measures {unit} is responsible for ({count})"),
    "none": ("无", "none"),
}


def _dw(key: str, lang: Lang, **args: object) -> str:
    return DUTY_WORDS[key][0 if lang == "zh" else 1].format(**args)


def _unit(name: str, lang: Lang) -> str:
    return name if lang == "zh" or name not in UNIT_EN else f"{UNIT_EN[name]} ({name})"


def _units(names: tuple[str, ...], lang: Lang) -> str:
    return ("、" if lang == "zh" else "; ").join(_unit(n, lang) for n in names)


def duties_command(
    unit: Annotated[
        Optional[str],
        typer.Option(
            "--unit",
            "-u",
            help=bi(
                "只列出该单位牵头、协助或负责的工作：写中文名称（区财政局）、英文名称，或其中能唯一确定的一部分（财政）。",
                "Only what this unit leads, assists or is responsible for: its Chinese name (区财政局), "
                "its English name, or a unique part of either (财政).",
            ),
            autocompletion=_complete_unit,
        ),
    ] = None,
    rules: RulesOption = None,
    lang: LangOption = Language.zh,
) -> None:
    """通知的分工：第一部分的重点工作和第二部分的政策措施，按单位列出。

    第一部分各项重点工作（（一）至（九）九个方面）及其牵头单位和协助单位，按通知的分工；
    第二部分各项措施及其责任单位，按规则文件。用 --unit 只列出该单位牵头、协助或负责的工作，
    并附每项工作的原文。

    示例：tongnan-calc duties --unit 区财政局

    退出码：0 已列出；2 单位不存在或规则文件无效。

    —— English ——

    Who does what under the notice: part 一's key tasks and part 二's measures, by unit.

    Each key task of part 一 (the nine areas （一） to （九）) with its lead units
    (牵头) and assisting units (协助), as the notice divides them; and each
    measure of part 二 with its responsible units, as the rule file names them.
    With --unit, only what that unit leads, assists or is responsible for, with
    the text of each task.

    Example: tongnan-calc duties --unit 区财政局

    Exit codes: 0 shown; 2 unknown unit or invalid rule file.
    """
    language = to_lang(lang)
    try:
        rule_set = runner.load(rules)
    except runner.FatalError as exc:
        raise fail(exc.say, lang=language) from None
    responsible = {m: spec.responsible for m, spec in rule_set.measures.items()}
    units = _all_units(responsible)
    console = screen()
    if unit is None:
        _print_all(console, rule_set, language)
        return
    try:
        name = find_unit(unit, units)
    except UnknownUnit as exc:
        raise fail(_unknown_unit(unit, exc), lang=language) from None
    _print_unit(console, name, rule_set, language)


def _unknown_unit(unit: str, exc: UnknownUnit) -> Say:
    """``UnknownUnit``'s line, and the same in Chinese: both end with the units listed."""
    text = str(exc)
    listed = text.rsplit(": ", 1)[-1]
    if "matches several units" in text:
        return Say(f"单位“{unit}”对应多个单位：{listed}", text)
    return Say(f"通知中没有名为“{unit}”的单位；各单位为：{listed}", text)


def _all_units(responsible: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    seen = dict.fromkeys(units_named())
    for names in responsible.values():
        seen.update(dict.fromkeys(names))
    return tuple(seen)


def _part_two_table(rule_set: Rules, lang: Lang, only: str | None = None) -> Table:
    table = Table(show_lines=True, expand=True)
    for key in ("clause", "measure", "title", "responsible"):
        table.add_column(_dw(key, lang), overflow="fold")
    for clause in PART_TWO:
        if not clause.measures:
            if only is None or only in clause.units:
                table.add_row(clause.label, "—", _dw("stacking", lang), _units(clause.units, lang))
            continue
        for measure in clause.measures:
            spec = rule_set.measures.get(measure)
            if spec is None or (only is not None and only not in spec.responsible):
                continue
            table.add_row(plain(spec.clause), plain(measure), plain(spec.title), plain(_units(spec.responsible, lang)))
    return table


def _print_all(console: Console, rule_set: Rules, lang: Lang) -> None:
    console.print(Text(_dw("part1", lang), style="bold"))
    for area in KEY_TASKS:
        table = Table(
            title=plain(f"{area.number}{area.title if lang == 'zh' else area.title_en}"), show_lines=True, expand=True
        )
        table.add_column(_dw("task", lang), overflow="fold", ratio=2)
        table.add_column(_dw("lead", lang), overflow="fold", ratio=2)
        table.add_column(_dw("assist", lang), overflow="fold", ratio=3)
        for task in area.tasks:
            table.add_row(task.title, _units(task.lead, lang), _units(task.assist, lang))
        console.print(table)
    console.print(Text(_dw("part2", lang), style="bold"))
    console.print(_part_two_table(rule_set, lang))
    console.print(plain(_dw("rule_file", lang, path=rule_set.path), "dim"))


def _print_unit(console: Console, name: str, rule_set: Rules, lang: Lang) -> None:
    shown = _unit(name, lang)
    for role in ("lead", "assist"):
        found = [(area, task) for area, task in all_tasks() if task.role(name) == role]
        parts: list[RenderableType] = []
        for area, task in found:
            colon, semicolon = ("：", "；") if lang == "zh" else (": ", ". ")
            who = (
                f"{_dw('lead', lang)}{colon}{_units(task.lead, lang)}{semicolon}"
                f"{_dw('assist', lang)}{colon}{_units(task.assist, lang)}"
            )
            if parts:
                parts.append(Text(""))
            parts.append(
                Text.assemble(
                    (f"{area.number}{area.title if lang == 'zh' else area.title_en} · {task.title}\n", "bold"),
                    (f"{task.text}\n", ""),
                    (who, "dim"),
                )
            )
        title = _dw("leads" if role == "lead" else "assists", lang, unit=shown, count=len(found))
        body: RenderableType = Group(*parts) if parts else Text(_dw("none", lang), style="dim")
        console.print(Panel(body, title=plain(title), title_align="left"))
    table = _part_two_table(rule_set, lang, only=name)
    count = table.row_count
    measures_title = plain(_dw("measures", lang, unit=shown, count=count))
    table.title = measures_title
    none = Text(_dw("none", lang), style="dim")
    console.print(table if count else Panel(none, title=measures_title, title_align="left"))
    console.print(plain(_dw("rule_file", lang, path=rule_set.path), "dim"))
