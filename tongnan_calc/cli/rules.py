"""`tongnan-calc rules …`: the analysts' commands (check, show, diff, test)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from tongnan_calc.cli.common import LangOption, Language, fail, to_lang
from tongnan_calc.cli.i18n import bi
from tongnan_calc.core.model import MEASURE_IDS
from tongnan_calc.core.rules import RuleError
from tongnan_calc.core.say import Lang, Say
from tongnan_calc.report.screen import plain, screen
from tongnan_calc.rules.load import DEFAULT_RULES, load_rules, load_tree
from tongnan_calc.rules.overlay import located, merged_text
from tongnan_calc.rules.tools import diff_rules, dropped_entries, params_on, unreferenced

RULES_HELP = bi("规则文件（默认：随工具提供的规则文件）。", "Rule file (default: the shipped one).")

app = typer.Typer(
    name="rules",
    help=bi(
        "检查、显示、比较和测试规则文件（供分析员使用）。", "Check, show, diff and test a rule file (for analysts)."
    ),
    epilog=bi(
        "示例：tongnan-calc rules check examples/rules-2018-revision.yaml",
        "Example: tongnan-calc rules check examples/rules-2018-revision.yaml",
    ),
    no_args_is_help=True,
)


@app.callback()
def group_options(lang: LangOption = Language.zh) -> None:  # read from the command line first (cli.i18n)
    pass


def _console() -> Console:
    return screen(soft_wrap=True)


HEADINGS = (
    Say("措施", "measure"),
    Say("参数", "parameter"),
    Say("取值", "value"),
    Say("单位", "unit"),
    Say("条款", "clause"),
    Say("生效日期", "in force from"),
)
WARNING_PREFIX: dict[Lang, str] = {"zh": "警告：", "en": "warning: "}


@app.command("check")
def check(
    file: Annotated[
        Optional[Path],
        typer.Argument(
            help=bi(
                "规则文件或修订文件（默认：随工具提供的 rules.yaml）。",
                "Rule file or overlay (default: the shipped rules.yaml).",
            )
        ),
    ] = None,
    base: Annotated[
        Optional[Path],
        typer.Option(
            "--rules",
            help=bi(
                "对修订文件：它所合并到的规则文件（默认：随工具提供的规则文件）；对完整的规则文件：用来对照其新的"
                "带日期取值的规则。",
                "For an overlay: the rule file it is merged onto (default: the shipped one); for a whole file: the"
                " rules its new dated values are told against.",
            ),
        ),
    ] = None,
    lang: LangOption = Language.zh,
) -> None:
    """检查规则文件或修订文件，一次列出全部问题，格式为 文件:行: 问题。

    示例：tongnan-calc rules check examples/rules-2018-revision.yaml

    文件无误时退出码为 0（可有警告），否则为 2。

    —— English ——

    Validate a rule file or an overlay and report every problem at once, as file:line: message.

    A value that cites no reference (document, clause) is a warning: the file is still ok.

    Example: tongnan-calc rules check examples/rules-2018-revision.yaml

    Exit 0 when the file is clean (warnings allowed), 2 otherwise.
    """
    language = to_lang(lang)
    path = file or DEFAULT_RULES
    try:
        tree = load_tree(path, base)
        reference = load_rules(base or DEFAULT_RULES)
    except RuleError as exc:
        raise fail(exc.say, lang=language) from None
    rules = tree.rules
    err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
    for line, warning in unreferenced(rules):
        at = located(tree.files, line, warning)  # an overlay's merge: the file the line is in
        err.print(f"{WARNING_PREFIX[language]}{at.file}:{at.line}: {warning.in_lang(language)}", markup=False)
    count = sum(len(m.params) for m in rules.measures.values())
    measures = len(rules.measures)
    if rules.base:
        ok = Say(
            f"{path}: 检查通过 — 修订文件，合并到 {rules.base}（版本 {rules.base_version}）后为版本 {rules.version}，"
            f"共 {measures} 项措施、{count} 个参数",
            f"{path}: ok — an overlay, merged onto {rules.base} (version {rules.base_version}): version"
            f" {rules.version}, {measures} measures, {count} parameters",
        )
    else:
        ok = Say(
            f"{path}: 检查通过 — 版本 {rules.version}，共 {measures} 项措施、{count} 个参数",
            f"{path}: ok — version {rules.version}, {measures} measures, {count} parameters",
        )
    console = _console()
    console.print(plain(ok.in_lang(language)))
    for dropped in dropped_entries(rules, reference):
        console.print(plain(dropped.text(language)))


@app.command("show")
def show(
    file: Annotated[Optional[Path], typer.Option("--rules", help=RULES_HELP)] = None,
    overlay: Annotated[
        Optional[Path],
        typer.Option(
            "--overlay",
            help=bi("先合并到规则文件之上的修订文件。", "An overlay to merge onto the rule file first."),
        ),
    ] = None,
    as_yaml: Annotated[
        bool,
        typer.Option(
            "--yaml",
            help=bi(
                "改为以 YAML 输出完整的规则文件（已合并 --overlay）。",
                "Print the whole rule file (merged with --overlay) as YAML instead.",
            ),
        ),
    ] = False,
    on: Annotated[
        Optional[str],
        typer.Option("--on", help=bi("日期，YYYY-MM-DD（默认：今天）。", "Date, YYYY-MM-DD (default: today).")),
    ] = None,
    measure: Annotated[
        Optional[str],
        typer.Option("--measure", help=bi("只显示该措施（措施标识，如 rent）。", "Only this measure id.")),
    ] = None,
    lang: LangOption = Language.zh,
) -> None:
    """显示某日有效的全部参数，及其条款、单位、生效日期和出处。

    示例：tongnan-calc rules show --on 2016-12-31 --measure loan_interest

    加 --overlay FILE：显示合并了该修订文件之后的规则。

    —— English ——

    Show every parameter in force on a date, with its clause, unit, the date it took effect and its reference.

    Example: tongnan-calc rules show --on 2016-12-31 --measure loan_interest

    With --overlay FILE: the rule file with the overlay merged onto it.
    """
    language = to_lang(lang)
    try:
        if as_yaml:
            tree = load_tree(overlay or file or DEFAULT_RULES, file if overlay else None)
            sys.stdout.write(merged_text(tree.root))
            return
        rules = load_rules(overlay, file) if overlay else load_rules(file or DEFAULT_RULES)
        day = date.fromisoformat(on) if on else date.today()
    except RuleError as exc:
        raise fail(exc.say, lang=language) from None
    except ValueError:
        raise fail(
            Say(f"--on {on!r} 不是日期：请写成 YYYY-MM-DD", f"--on {on!r} is not a date: write YYYY-MM-DD"),
            lang=language,
        ) from None
    if measure is not None and measure not in MEASURE_IDS:
        raise fail(
            Say(
                f"--measure {measure!r} 不是以下之一：{'、'.join(MEASURE_IDS)}",
                f"--measure {measure!r} is not one of: {', '.join(MEASURE_IDS)}",
            ),
            lang=language,
        )
    title = Say(
        f"{rules.path}（版本 {rules.version}）在 {day.isoformat()} 生效的参数",
        f"{rules.path} (version {rules.version}) on {day.isoformat()}",
    )
    table = Table(title=plain(title.in_lang(language)))
    for head in HEADINGS:
        table.add_column(head.in_lang(language), overflow="fold")
    rows = params_on(rules, day, measure)
    for row in rows:
        effective = row.effective.isoformat() if row.effective else "—"
        cells = (
            row.measure,
            row.name,
            row.value.in_lang(language),
            row.unit.in_lang(language),
            row.clause,
            effective,
        )
        table.add_row(*(plain(v) for v in cells))
    console = _console()
    console.print(table)
    # the reference of each value shown, one line each (the table stays narrow)
    console.print(Say("出处：", "references:").in_lang(language), markup=False)
    for row in rows:
        if row.effective is None:
            continue
        day_shown = row.effective.isoformat()
        cited = row.reference or Say("（规则文件未注明出处）", "(the rule file gives none)").in_lang(language)
        said = Say(
            f"{row.measure}.{row.name} 自 {day_shown} 起：{cited}",
            f"{row.measure}.{row.name} from {day_shown}: {cited}",
        )
        console.print(f"  {said.in_lang(language)}", markup=False)


@app.command("diff")
def diff(
    old: Annotated[Path, typer.Argument(help=bi("修订前的规则文件。", "The rule file before the revision."))],
    new: Annotated[
        Path,
        typer.Argument(
            help=bi(
                "修订后的规则文件，或 OLD 的修订文件（只写改动的键）。",
                "The rule file after the revision, or an overlay of OLD.",
            )
        ),
    ],
    lang: LangOption = Language.zh,
) -> None:
    """显示一次修订改了什么，逐个参数、逐个日期列出。

    示例：tongnan-calc rules diff tongnan_calc/rules.yaml examples/rules-2018-revision.yaml

    NEW 可以是修订文件：先将它合并到 OLD 之上。

    —— English ——

    Show what a revision changes, parameter by parameter and date by date.

    Example: tongnan-calc rules diff tongnan_calc/rules.yaml examples/rules-2018-revision.yaml

    NEW may be an overlay: it is merged onto OLD.
    """
    language = to_lang(lang)
    try:
        before, after = load_rules(old), load_rules(new, old)
    except RuleError as exc:
        raise fail(exc.say, lang=language) from None
    changes = diff_rules(before, after)
    console = _console()
    if not changes:
        console.print(Say("没有差异", "no differences").in_lang(language))
    for change in changes:
        console.print(plain(change.text(language)))
    for dropped in dropped_entries(after, before):
        console.print(plain(dropped.text(language)))


@app.command("test")
def test(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help=bi("场景文件（.yaml）或存放场景文件的文件夹。", "Scenario files (.yaml) or folders of them.")
        ),
    ],
    file: Annotated[Optional[Path], typer.Option("--rules", help=RULES_HELP)] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help=bi("也列出通过的用例。", "List passing cases too."))
    ] = False,
    lang: LangOption = Language.zh,
) -> None:
    """运行用 YAML 写的场景测试：内联的记录、年度、覆盖的规则参数、预期的兑付行。

    示例：tongnan-calc rules test tests/scenarios/

    全部用例通过时退出码为 0，有未通过的为 1，文件无法读取时为 2。

    —— English ——

    Run scenario tests written in YAML: records inline, the year, rule overrides, expected lines.

    Example: tongnan-calc rules test tests/scenarios/

    Exit 0 when every case passes, 1 when some fail, 2 when a file cannot be read.
    """
    from tongnan_calc.rules.scenarios import ScenarioError, run_files

    language = to_lang(lang)
    rules_path = file or DEFAULT_RULES
    try:
        load_rules(rules_path)
        outcomes = run_files(paths, rules_path)
    except (RuleError, ScenarioError) as exc:
        raise fail(exc.say, lang=language) from None
    console = _console()
    failed = [o for o in outcomes if not o.passed]
    for outcome in outcomes:
        where = f"{outcome.case.file}:{outcome.case.line}"
        if not outcome.passed:
            console.print(plain(f"{_word('fail', language)} {where} {outcome.case.name}", "bold red"))
            for failure in outcome.failures_in(language):
                console.print(plain(f"  {failure}"))
        elif verbose:
            console.print(plain(f"{_word('ok', language)} {where} {outcome.case.name}", "green"))
    passed = len(outcomes) - len(failed)
    summary = Say(f"通过 {passed} 个，未通过 {len(failed)} 个", f"{passed} passed, {len(failed)} failed")
    console.print(summary.in_lang(language), markup=False)
    raise typer.Exit(1 if failed else 0)


# The marks of a case in `rules test`, padded to one width so that the places line up.
MARKS: dict[str, Say] = {"fail": Say("未通过", "FAIL"), "ok": Say("通过  ", "ok  ")}


def _word(key: str, lang: Lang) -> str:
    return MARKS[key].in_lang(lang)
