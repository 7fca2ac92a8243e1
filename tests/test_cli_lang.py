"""Help texts and usage errors in the clerk's language: Chinese by default, English with --lang en.

Every command's --help is walked from the typer app (a command added later is
covered) in both languages and must hold no text in the other language:
Chinese help has no English words left once identifiers are set aside (options,
paths, ids, file names, example arguments); English help has no line that is
mostly Chinese (a Chinese name in brackets, as 区财政局, is allowed).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.test_help import ALL, PROG, name
from tongnan_calc.cli.app import app
from tongnan_calc.cli.i18n import argv_lang, bi, pick, usage_message
from tongnan_calc.core.model import MEASURE_IDS

ENV = {"COLUMNS": "120", "TERM": "dumb"}

# Words a Chinese help may show as they are: file formats, the shell, example values.
# and the command names, the language codes and the measure ids (identifiers).
IDENTIFIER_WORDS = {"shell", "YAML", "JSON", "SHA", "xlsx", "yaml", "sqlite", "yes", "no", "zh", "en"}
IDENTIFIER_WORDS |= {part for path, _ in ALL for part in path} | set(MEASURE_IDS)


def english_words(line: str) -> list[str]:
    """The English words of a line of Chinese help, once identifiers are set aside: options and paths
    (``--year``, ``examples/example.xlsx``), ids (``loan_interest``), ALL-CAPS metavariables, quoted
    example arguments, `code`, and the command line of an example."""
    if re.match(r"\s*(示例：|Example:)?\s*tongnan-calc\b", line):
        line = line.split("tongnan-calc", 1)[0]  # an example's command line is an identifier
    line = re.sub(r"`[^`]*`|\"[^\"]*\"|'[^']*'", " ", line)
    words = []
    for token in re.findall(r"[\w\-./$:@|§]+", line, flags=re.ASCII):
        if re.search(r"[-_./$:@|§0-9]", token) or token.isupper() or token in IDENTIFIER_WORDS:
            continue
        if re.fullmatch(r"[A-Za-z]{2,}", token):
            words.append(token)
    return words


def mostly_chinese(line: str) -> bool:
    cjk = len(re.findall(r"[\u3000-\u9fff\uff00-\uffef]", line))
    latin = len(re.findall(r"[A-Za-z]", line))
    return cjk > 0 and cjk * 2 > latin


def help_of(path: tuple[str, ...], *extra: str) -> str:
    # wide: a paragraph is one line, so that a Chinese name in an English sentence is seen in its sentence
    result = CliRunner().invoke(app, [*path, "--help", *extra], prog_name=PROG, env={**ENV, "COLUMNS": "1000"})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize(("path", "command"), [pytest.param(p, c, id=name(p)) for p, c in ALL])
def test_every_help_is_chinese_by_default(path: tuple[str, ...], command: Any) -> None:
    text = help_of(path)
    assert text.startswith(f"用法：{' '.join((PROG, *path))} [选项]")
    left = {line: english_words(line) for line in text.splitlines() if english_words(line)}
    assert left == {}, f"{name(path)}: English left in the Chinese help"
    assert "—— English ——" not in text


@pytest.mark.parametrize(("path", "command"), [pytest.param(p, c, id=name(p)) for p, c in ALL])
def test_every_help_is_english_with_lang_en(path: tuple[str, ...], command: Any) -> None:
    text = help_of(path, "--lang", "en")
    assert text.startswith(f"Usage: {' '.join((PROG, *path))} [OPTIONS]")
    paragraphs = [" ".join(block.split("\n")) for block in re.split(r"\n\s*\n", text)]
    left = [paragraph for paragraph in paragraphs if mostly_chinese(paragraph)]
    assert left == [], f"{name(path)}: Chinese left in the English help"


def test_the_checks_are_not_fooled() -> None:
    """The two heuristics find a text left in the other language, and pass identifiers."""
    assert english_words("  --year 整数  计算年度 Y。 ［必填］") == []
    assert english_words('示例：tongnan-calc ledger reverse 42 --reason "recorded from the draft"') == []
    assert english_words("  --rules 路径  规则文件（默认：rules.yaml）。") == []
    assert english_words("  -y, --year 整数  Calculation year Y.") == ["Calculation", "year"]
    assert mostly_chinese("  --unit  Only what this unit leads: its Chinese name (区财政局), or (财政).") is False
    assert mostly_chinese("  --ledger PATH  以往发放记录的发放台账。") is True


def test_help_has_no_markup_processing() -> None:
    """Help is rendered literally: the English ':' and '[' of texts stay as written."""
    text = help_of(("rules", "check"), "--lang", "en")
    assert "as file:line: message." in text


def test_bi_and_pick() -> None:
    both = bi("计算年度 Y。", "Calculation year Y.")
    assert pick(both, "zh") == "计算年度 Y。"
    assert pick(both, "en") == "Calculation year Y."
    assert pick("once", "zh") == "once"


def test_the_language_is_read_from_anywhere_on_the_command_line() -> None:
    assert argv_lang(["run", "x.xlsx", "--lang", "en"]) == "en"
    assert argv_lang(["--lang=en", "rules", "check"]) == "en"
    assert argv_lang(["run", "x.xlsx"]) == "zh"
    assert argv_lang(["rules", "test", "--", "--lang", "en"]) == "zh"


# --- usage errors: one line, exact, in both languages ------------------------------------------------

USAGE_ERRORS = [
    (
        ["run", "examples/example.xlsx"],
        "错误：缺少选项 '--year' / '-y'（运行 tongnan-calc run --help 查看帮助）\n",
        "error: Missing option '--year' / '-y'. (see tongnan-calc run --help)\n",
    ),
    (
        ["run", "--year", "2016"],
        "错误：缺少参数 'workbook'（运行 tongnan-calc run --help 查看帮助）\n",
        "error: Missing argument 'workbook'. (see tongnan-calc run --help)\n",
    ),
    (
        ["run", "examples/example.xlsx", "--year", "abc"],
        "错误：'--year' / '-y' 的值无效：应为整数（运行 tongnan-calc run --help 查看帮助）\n",
        "error: Invalid value for '--year' / '-y': 'abc' is not a valid int. (see tongnan-calc run --help)\n",
    ),
    (
        ["check", "examples/example.xlsx", "--lang", "fr"],
        "错误：'--lang' 的值无效：'fr' 不是 'zh'、'en' 之一（运行 tongnan-calc check --help 查看帮助）\n",
        None,
    ),
    (
        ["bogus"],
        "错误：没有命令 'bogus'（运行 tongnan-calc --help 查看帮助）\n",
        "error: No such command 'bogus'. (see tongnan-calc --help)\n",
    ),
    (
        ["run", "examples/example.xlsx", "--year", "2016", "--outt", "x.xlsx"],
        "错误：没有选项 --outt（可能是：--out）（运行 tongnan-calc run --help 查看帮助）\n",
        "error: No such option: --outt (Possible options: --out) (see tongnan-calc run --help)\n",
    ),
    (
        ["run", "examples/example.xlsx", "--year"],
        "错误：选项 '--year' 后面要写一个值\n",
        "error: Option '--year' requires an argument.\n",
    ),
    (
        ["run", "a.xlsx", "b.xlsx", "--year", "2016"],
        "错误：多余的参数：b.xlsx（运行 tongnan-calc run --help 查看帮助）\n",
        "error: Got unexpected extra argument(s) (b.xlsx) (see tongnan-calc run --help)\n",
    ),
    (
        ["ledger", "reverse", "x", "--reason", "r"],
        "错误：'entry_id' 的值无效：应为整数（运行 tongnan-calc ledger reverse --help 查看帮助）\n",
        None,
    ),
]


@pytest.mark.parametrize(("args", "zh", "en"), USAGE_ERRORS, ids=[" ".join(a) for a, _, _ in USAGE_ERRORS])
def test_usage_errors_are_one_line_in_the_language_asked(args: list[str], zh: str, en: str | None) -> None:
    result = CliRunner().invoke(app, args, prog_name=PROG, env=ENV)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", zh)
    if en is not None:
        result = CliRunner().invoke(app, ["--lang", "en", *args], prog_name=PROG, env=ENV)
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", en)


def test_a_missing_file_is_the_tools_own_message_in_both_languages() -> None:
    result = CliRunner().invoke(app, ["run", "nope.xlsx", "--year", "2016"], prog_name=PROG, env=ENV)
    assert (result.exit_code, result.stderr) == (2, "错误：nope.xlsx：找不到文件\n")
    result = CliRunner().invoke(app, ["run", "nope.xlsx", "--year", "2016", "--lang", "en"], prog_name=PROG, env=ENV)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: nope.xlsx: ")


def test_usage_message_keeps_an_unknown_form_whole() -> None:
    assert usage_message("Something new.", "zh") == "命令行有误：Something new."
    assert usage_message("Something new.", "en") == "Something new."


def test_a_bare_group_shows_its_help_in_chinese() -> None:
    result = CliRunner().invoke(app, ["ledger"], prog_name=PROG, env=ENV)
    assert result.stdout.startswith("用法：tongnan-calc ledger [选项] 命令 [参数]...")
