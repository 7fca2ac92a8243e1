"""`tongnan-calc rules …`: the analysts' commands (check, show, diff, test)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tongnan_calc.cli.common import LangOption, Language, fail, to_lang
from tongnan_calc.core.model import MEASURE_IDS
from tongnan_calc.core.rules import RuleError
from tongnan_calc.core.say import Lang, Say
from tongnan_calc.rules.load import DEFAULT_RULES, load_rules, load_tree
from tongnan_calc.rules.overlay import merged_text
from tongnan_calc.rules.tools import diff_rules, dropped_entries, params_on

app = typer.Typer(
    name="rules",
    help="Check, show, diff and test a rule file (for analysts).",
    epilog="Example: tongnan-calc rules check rules.yaml",
    no_args_is_help=True,
)


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True, emoji=False)


HEADINGS = (
    Say("措施", "measure"),
    Say("参数", "parameter"),
    Say("取值", "value"),
    Say("单位", "unit"),
    Say("条款", "clause"),
    Say("生效日期", "in force from"),
)


@app.command("check")
def check(
    file: Annotated[Optional[Path], typer.Argument(help="Rule file (default: the shipped rules.yaml).")] = None,
    base: Annotated[
        Optional[Path],
        typer.Option(
            "--rules",
            help="For an overlay: the rule file it is merged onto (default: the shipped one); for a whole file: the"
            " rules its new dated values are told against.",
        ),
    ] = None,
    lang: LangOption = Language.zh,
) -> None:
    """Validate a rule file or an overlay and report every problem at once, as file:line: message.

    Example: tongnan-calc rules check examples/rules-2018-revision.yaml

    Exit 0 when the file is clean (warnings allowed), 2 otherwise.
    """
    language = to_lang(lang)
    path = file or DEFAULT_RULES
    try:
        rules = load_rules(path, base)
        reference = load_rules(base or DEFAULT_RULES)
    except RuleError as exc:
        raise fail(exc.say, lang=language) from None
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
    console.print(ok.in_lang(language), markup=False)
    for dropped in dropped_entries(rules, reference):
        console.print(dropped.text(language), markup=False)


@app.command("show")
def show(
    file: Annotated[Optional[Path], typer.Option("--rules", help="Rule file (default: the shipped one).")] = None,
    overlay: Annotated[
        Optional[Path], typer.Option("--overlay", help="An overlay to merge onto the rule file first.")
    ] = None,
    as_yaml: Annotated[
        bool, typer.Option("--yaml", help="Print the whole rule file (merged with --overlay) as YAML instead.")
    ] = False,
    on: Annotated[Optional[str], typer.Option("--on", help="Date, YYYY-MM-DD (default: today).")] = None,
    measure: Annotated[Optional[str], typer.Option("--measure", help="Only this measure id.")] = None,
    lang: LangOption = Language.zh,
) -> None:
    """Show every parameter in force on a date, with its clause, unit and the date it took effect.

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
    table = Table(title=Text(title.in_lang(language)))
    for head in HEADINGS:
        table.add_column(head.in_lang(language), overflow="fold")
    for row in params_on(rules, day, measure):
        effective = row.effective.isoformat() if row.effective else "—"
        cells = (row.measure, row.name, row.value.in_lang(language), row.unit.in_lang(language), row.clause, effective)
        table.add_row(*(Text(v) for v in cells))
    _console().print(table)


@app.command("diff")
def diff(
    old: Annotated[Path, typer.Argument(help="The rule file before the revision.")],
    new: Annotated[Path, typer.Argument(help="The rule file after the revision, or an overlay of OLD.")],
    lang: LangOption = Language.zh,
) -> None:
    """Show what a revision changes, parameter by parameter and date by date.

    Example: tongnan-calc rules diff rules.yaml examples/rules-2018-revision.yaml

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
        console.print(change.text(language), markup=False)
    for dropped in dropped_entries(after, before):
        console.print(dropped.text(language), markup=False)


@app.command("test")
def test(
    paths: Annotated[list[Path], typer.Argument(help="Scenario files (.yaml) or folders of them.")],
    file: Annotated[Optional[Path], typer.Option("--rules", help="Rule file (default: the shipped one).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List passing cases too.")] = False,
    lang: LangOption = Language.zh,
) -> None:
    """Run scenario tests written in YAML: records inline, the year, rule overrides, expected lines.

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
            console.print(Text(f"{_word('fail', language)} {where} {outcome.case.name}", style="bold red"))
            for failure in outcome.failures_in(language):
                console.print(Text(f"  {failure}"))
        elif verbose:
            console.print(Text(f"{_word('ok', language)} {where} {outcome.case.name}", style="green"))
    passed = len(outcomes) - len(failed)
    summary = Say(f"通过 {passed} 个，未通过 {len(failed)} 个", f"{passed} passed, {len(failed)} failed")
    console.print(summary.in_lang(language), markup=False)
    raise typer.Exit(1 if failed else 0)


# The marks of a case in `rules test`, padded to one width so that the places line up.
MARKS: dict[str, Say] = {"fail": Say("未通过", "FAIL"), "ok": Say("通过  ", "ok  ")}


def _word(key: str, lang: Lang) -> str:
    return MARKS[key].in_lang(lang)
