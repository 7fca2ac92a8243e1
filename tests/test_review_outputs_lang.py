"""``--lang en`` before the command runs the command in English, as the root's help offers it.

``tongnan-calc --help`` lists ``--lang zh|en  Language of the output`` and README says ``--lang``
may stand anywhere on the command line, also before the command.  Before the command it used to
turn only the help and click's usage errors English: ``tongnan-calc --lang en run …`` printed
Chinese tables, Chinese errors and a Chinese payout workbook (the command's own ``--lang`` kept
its default, zh).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.test_help import ALL, PROG, ROOT_COMMAND, name
from tongnan_calc.cli.app import app
from tongnan_calc.cli.i18n import _lang_defaults

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "example.xlsx"
RULES = ROOT / "tongnan_calc" / "rules.yaml"
REVISION = ROOT / "examples" / "rules-2018-revision.yaml"
ENV = {"COLUMNS": "200", "TERM": "dumb", "TONGNAN_LEDGER": ""}


def cli(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), prog_name=PROG, env=ENV)


WITH_LANG = [(path, command) for path, command in ALL if any(p.name == "lang" for p in command.params)]


@pytest.mark.parametrize(("path", "command"), [pytest.param(p, c, id=name(p)) for p, c in WITH_LANG])
def test_the_language_before_the_command_reaches_every_command(path: tuple[str, ...], command: Any) -> None:
    defaults = _lang_defaults(ROOT_COMMAND, "en")
    for part in path:
        defaults = defaults[part]
    assert defaults["lang"] == "en"


def test_every_command_has_its_own_lang() -> None:
    leaves = [path for path, command in ALL if not getattr(command, "commands", None)]
    assert {path for path, _ in WITH_LANG} >= set(leaves)


def test_rules_show_in_english_with_lang_before_the_command() -> None:
    before = cli("--lang", "en", "rules", "show", "--on", "2016-12-31", "--measure", "rent")
    after = cli("rules", "show", "--on", "2016-12-31", "--measure", "rent", "--lang", "en")
    chinese = cli("rules", "show", "--on", "2016-12-31", "--measure", "rent")
    assert before.exit_code == after.exit_code == chinese.exit_code == 0
    assert before.stdout == after.stdout
    assert before.stdout.splitlines()[0] == f"{RULES} (version 2015.1) on 2016-12-31"
    assert chinese.stdout.splitlines()[0] == f"{RULES}（版本 2015.1）在 2016-12-31 生效的参数"


def test_an_error_of_a_command_in_the_language_before_it(tmp_path: Path) -> None:
    missing = str(tmp_path / "nothere.xlsx")
    english = cli("--lang", "en", "run", missing, "--year", "2016")
    chinese = cli("run", missing, "--year", "2016")
    assert (english.exit_code, english.stderr) == (2, f"error: {missing}: file not found\n")
    assert (chinese.exit_code, chinese.stderr) == (2, f"错误：{missing}：找不到文件\n")


def test_the_command_own_lang_still_wins() -> None:
    result = cli("--lang", "en", "rules", "show", "--on", "2016-12-31", "--measure", "rent", "--lang", "zh")
    assert result.stdout.splitlines()[0] == f"{RULES}（版本 2015.1）在 2016-12-31 生效的参数"


def test_the_help_still_shows_chinese_as_the_default() -> None:
    result = cli("--lang", "en", "run", "--help")
    assert "Language of the output: zh (default) or en. [default: zh]" in result.stdout


def test_workbooks_in_english_with_lang_before_the_command(tmp_path: Path) -> None:
    payout, impact = tmp_path / "payout.xlsx", tmp_path / "impact.xlsx"
    run = cli("--lang", "en", "run", str(EXAMPLE), "--year", "2016", "--no-ledger", "--out", str(payout))
    assert run.exit_code == 1, run.output  # the example's planted input errors
    assert "NO LEDGER" in run.stdout
    assert openpyxl.load_workbook(payout).sheetnames[:3] == ["summary", "payable", "basis"]
    compare = cli(
        "--lang", "en", "compare", str(EXAMPLE), "-y", "2018", "--baseline", str(RULES),
        "--reform", str(REVISION), "--no-ledger", "--out", str(impact),
    )  # fmt: skip
    assert compare.exit_code == 1, compare.output
    book = openpyxl.load_workbook(impact)
    assert book.sheetnames == ["summary", "changes", "pending", "pending and payable"]
    assert [c.value for c in book["summary"][1]][:4] == ["measure", "baseline", "reform", "difference"]


def test_explain_counts_the_records_with_the_language_s_own_separator() -> None:
    """The English explanation joined its record counts with the Chinese '；'."""
    args = ["explain", "91500223MA601P037Q", str(EXAMPLE), "--year", "2016", "--no-ledger"]
    english = CliRunner().invoke(app, [*args, "--lang", "en"], prog_name=PROG, env={**ENV, "COLUMNS": "300"})
    chinese = CliRunner().invoke(app, args, prog_name=PROG, env={**ENV, "COLUMNS": "300"})
    assert "records of this enterprise  leases 3 row(s); data_lines 0 row(s); sales 0 row(s); loans 0 row(s)" in (
        english.stdout
    )
    assert (
        "办公租赁（leases） 3 行；数据专线（data_lines） 0 行；年销售额（sales） 0 行；贷款（loans） 0 行"
        in chinese.stdout
    )


def test_the_readme_quotes_the_usage_error_as_it_is_shown() -> None:
    """README's troubleshooting table described a framed 'Usage: …' box (typer's), which the tool no longer
    shows: a usage error is one line in the clerk's language, quoted there in both."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    english = cli("--lang", "en", "run", str(EXAMPLE))
    chinese = cli("run", str(EXAMPLE))
    assert english.exit_code == chinese.exit_code == 2
    assert english.stderr == "error: Missing option '--year' / '-y'. (see tongnan-calc run --help)\n"
    assert chinese.stderr == "错误：缺少选项 '--year' / '-y'（运行 tongnan-calc run --help 查看帮助）\n"
    assert f"`{english.stderr.strip()}`" in readme and f"`{chinese.stderr.strip()}`" in readme
    assert "framed `Usage: …` box" not in readme
