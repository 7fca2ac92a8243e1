"""The analysts' commands and every rule-file message in Chinese (the default) and in English (``--lang en``).

tests/test_rules.py, test_hostile_rules.py and test_cli_rules.py pin the English texts; here the
Chinese ones, exactly: each problem of a rule file as ``错误：file:line: 中文``, the ok line of
``rules check``, the title, headings and units of ``rules show``, the lines of ``rules diff``, and
what ``rules test`` prints for passing and failing cases and for a scenario file it cannot read.
Both languages always say the same thing: the same problems on the same lines, in the same order.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tongnan_calc.cli.app import app
from tongnan_calc.core.rules import NoValueInForce, RuleError
from tongnan_calc.rules.load import DEFAULT_RULES, load_rules, parse_rules
from tongnan_calc.rules.scenarios import ScenarioError, load_cases, run_case
from tongnan_calc.rules.schema import OPTIONAL, PARAMS, UNITS_ZH
from tongnan_calc.rules.tools import diff_rules

SHIPPED = DEFAULT_RULES.read_text(encoding="utf-8")
CAP = "      annual_cap:\n        2015-01-01: 100000\n"
HAN = re.compile(r"[\u4e00-\u9fff]")


def cli(*args: str) -> Result:
    return CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args))


def edited(old: str, new: str, text: str = SHIPPED) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line_of(needle: str, text: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def refusal(raw: bytes) -> RuleError:
    with pytest.raises(RuleError) as caught:
        parse_rules(raw, "r.yaml")
    return caught.value


# --- every rule-file problem in Chinese, exactly -----------------------------------------------------
# (old text of the shipped file, new text, the line to find in the edited file, the Chinese message)

ZH_PROBLEMS = [
    pytest.param(
        "      area_cap_m2:\n",
        "      area_cap_m2:\t\n",
        "      area_cap_m2:",
        "有制表符（Tab）：缩进请用空格",
        id="tab",
    ),
    pytest.param(
        "      area_cap_m2:\n",
        "      area_cap:\n        2015-01-01: 1\n      area_cap_m2:\n",
        "      area_cap:",
        "rent.params：未知的参数“area_cap”（应为以下之一：rates、area_cap_m2、enabled）",
        id="unknown-parameter",
    ),
    pytest.param(
        "      area_cap_m2:\n        2015-01-01: 2000\n",
        "",
        "      rates:",
        "rent.params：缺少参数“area_cap_m2”",
        id="missing-parameter",
    ),
    pytest.param(
        "      area_cap_m2:\n        2015-01-01: 2000\n",
        "      area_cap_m2: 2000\n",
        "      area_cap_m2:",
        "rent.area_cap_m2：未注明生效日期：请写成 `2015-01-01: <值>`",
        id="undated-value",
    ),
    pytest.param(
        "        2015-01-01: 2000\n",
        "        2016-01-01: 2000\n",
        "        2016-01-01: 2000",
        "rent.area_cap_m2：从政策起始日 2015-01-01 到 2016-01-01 没有生效的值：第一个值的生效日期应为 2015-01-01 或更早",
        id="no-value-at-policy-start",
    ),
    pytest.param(
        "          - {threshold: 100000000, amount: null}\n",
        "          - {threshold: 40000000, amount: null}\n",
        "          - {threshold: 40000000",
        "sales_milestone.tiers（自 2015-01-01 起）：档次顺序有误：门槛 40000000 不高于上一档的 50000000",
        id="tiers-out-of-order",
    ),
    pytest.param(
        "        2015-01-01: 2000\n",
        "        2015-02-30: 2000\n",
        "        2015-02-30",
        "rent.area_cap_m2（每个值都须注明生效日期）：“2015-02-30”不是实际存在的日期",
        id="impossible-date",
    ),
    pytest.param(
        "        2015-01-01: 2000\n",
        "        from 2015: 2000\n",
        "        from 2015",
        "rent.area_cap_m2（每个值都须注明生效日期）：应为日期（如 2015-01-01），实际为“from 2015”",
        id="not-a-date",
    ),
    pytest.param(
        "        2015-01-01: 0.30\n",
        "        2015-01-01: 30\n",
        "        2015-01-01: 30\n",
        "data_line.rate（自 2015-01-01 起）：比例 30 大于 1：30% 应写作 0.3",
        id="rate-in-percent",
    ),
    pytest.param(
        "          - {max_months: 6, rate: 5.60}\n          - {max_months: 12, rate: 6.00}\n",
        "          - {max_months: 6, rate: 0.056}\n          - {max_months: 12, rate: 6.00}\n",
        "          - {max_months: 6, rate: 0.056}",
        "loan_interest.benchmark_rates（自 2012-07-06 起）：利率 0.056 应以年利率百分数填写：5.60% 写作 5.60",
        id="benchmark-as-fraction",
    ),
    pytest.param(
        "    responsible: [区商务局, 区财政局]\n    params:\n      # 二（二）",
        "    responsible: [区商务局, 区税务局]\n    params:\n      # 二（二）",
        "    responsible: [区商务局, 区税务局]",
        "rent.responsible：“区税务局”不是通知中列明的责任单位",
        id="unknown-responsible-unit",
    ),
    pytest.param(
        "        2015-01-01: 1\n",
        "        2015-01-01: 9000\n",
        "9000",
        "spin_off.min_operating_years（自 2015-01-01 起）：9000 超过 100：请检查数值及其单位",
        id="out-of-bounds",
    ),
    pytest.param(
        "        2015-01-01: 100000\n",
        "        2015-01-01: -100000\n",
        "-100000",
        "data_line.annual_cap（自 2015-01-01 起）：-100000 为负数",
        id="negative-cap",
    ),
    pytest.param(
        "        2015-01-01: 2000\n",
        "        2015-01-01: -2000\n",
        "-2000",
        "rent.area_cap_m2（自 2015-01-01 起）：-2000 必须大于 0",
        id="area-not-above-0",
    ),
    pytest.param(
        "        2015-01-01: 2000\n",
        "        2015-01-01: two thousand\n",
        "two thousand",
        "rent.area_cap_m2（自 2015-01-01 起）：应为数字，实际为“two thousand”",
        id="wrong-type",
    ),
    pytest.param(
        "        2015-01-01: 20000\n",
        "        2015-01-01:\n",
        "        2015-01-01:\n      # 二（三）",
        "spin_off.amount（自 2015-01-01 起）：应为数字，实际为空值",
        id="date-with-no-value",
    ),
    pytest.param(
        'version: "2015.1"',
        "version: 2015.1",
        "version:",
        "version：应为文本，实际为“2015.1”：请加上引号",
        id="version-not-quoted",
    ),
    pytest.param(
        "schema: 1\n",
        "schema: 2\n",
        "schema: 2",
        "schema：本工具不能读取 schema 2（只能读取 1）",
        id="schema",
    ),
    pytest.param(
        "    clause: 二（二）\n",
        "    clause: 二（三）\n",
        "    clause: 二（三）",  # rent's, the first of the two
        "rent.clause：“二（三）”不是 rent 的条款（应为 二（二））",
        id="clause",
    ),
    pytest.param(
        "        2015-01-01: 2000\n",
        "        2015-01-01: 2000\n        2015-01-01: 2500\n",
        "        2015-01-01: 2500",
        "rent.area_cap_m2：生效日期 2015-01-01 重复出现",
        id="duplicate-date",
    ),
    pytest.param(
        "          - {max_months: 36, rate: 6.15}\n",
        "          - {max_months: 10, rate: 6.15}\n",
        "          - {max_months: 10",
        "loan_interest.benchmark_rates（自 2012-07-06 起）：期限档次顺序有误：10 个月不大于上一档的 12 个月",
        id="term-bands-out-of-order",
    ),
    pytest.param(
        "        2015-01-01: highest_only\n",
        "        2015-01-01: highest\n",
        "highest\n",
        "sales_milestone.mode（自 2015-01-01 起）：“highest”不是以下之一：highest_only、top_up",
        id="milestone-mode",
    ),
    pytest.param(
        "        2015-01-01: [0.60, 0.30]\n",
        "        2015-01-01: [0.60]\n",
        "[0.60]",
        "rent.rates（自 2015-01-01 起）：应为两个比例 [第一年, 第二年]，实际为 1 个",
        id="rate-pair",
    ),
    pytest.param(
        "  excluded_by_micro_support: [rent, spin_off, data_line, sales_milestone]",
        "  excluded_by_micro_support: [rent, rent]",
        "  excluded_by_micro_support",
        "policy.excluded_by_micro_support：“rent”重复列出",
        id="listed-twice",
    ),
]


@pytest.mark.parametrize(("old", "new", "needle", "zh"), ZH_PROBLEMS)
def test_each_problem_in_chinese(old: str, new: str, needle: str, zh: str) -> None:
    text = edited(old, new)
    caught = refusal(text.encode("utf-8"))
    assert caught.say.zh == f"r.yaml:{line_of(needle, text)}: {zh}"
    # the English is what str() gives, on the same line
    assert caught.say.en == str(caught) == "\n".join(str(p) for p in caught.problems)
    assert caught.say.en.split(": ", 1)[0] == caught.say.zh.split(": ", 1)[0]


def test_a_misspelt_measure_in_chinese() -> None:
    text = edited("  demo_priority:\n    title", "  demo_prio:\n    title")
    assert refusal(text.encode()).say.zh.splitlines() == [
        f"r.yaml:{line_of('measures:', text) + 1}: measures：缺少措施“demo_priority”",
        f"r.yaml:{line_of('  demo_prio:', text)}: measures：未知的措施“demo_prio”（应为以下之一：key_support、rent、"
        "spin_off、data_line、sales_milestone、demo_priority、loan_interest）",
    ]


def test_duplicate_key_in_chinese() -> None:
    text = edited(
        "      area_cap_m2:\n        2015-01-01: 2000\n", "      area_cap_m2:\n        2015-01-01: 2000\n" * 2
    )
    second = line_of("      area_cap_m2:", text) + 2
    assert (
        refusal(text.encode()).say.zh
        == f"r.yaml:{second}: rent.params：area_cap_m2 重复出现（第一次在第 {second - 1} 行）"
    )


def test_not_utf8_in_chinese() -> None:
    raw = SHIPPED.encode("utf-8").replace("区商务局".encode(), "区商务局".encode("gbk"), 1)
    assert (
        refusal(raw).say.zh
        == f"r.yaml:{line_of('区商务局', SHIPPED)}: 字节 0xc7 不是 UTF-8 编码：请将文件另存为 UTF-8 编码"
    )


def test_bad_yaml_in_chinese_names_the_parser_s_own_words() -> None:
    text = edited("        2015-01-01: [0.60, 0.30]\n", "        2015-01-01: [0.60, 0.30\n")
    caught = refusal(text.encode())
    line = caught.problems[0].line
    assert caught.say.zh == f"r.yaml:{line}: 不是有效的 YAML（解析器提示：expected ',' or ']', but got '?'）"
    assert caught.say.en == f"r.yaml:{line}: not valid YAML: expected ',' or ']', but got '?'"


@pytest.mark.parametrize(
    ("raw", "zh"),
    [
        (b"", "r.yaml:1: 文件是空的：应包含 schema、version、policy、measures 四项"),
        (b"# only a comment\n", "r.yaml:1: 文件是空的：应包含 schema、version、policy、measures 四项"),
        (b"- a\n", "r.yaml:1: 规则文件：应为包含 schema、version、policy、measures 的映射"),
        (b"a: &a [x]\nb: *a\n", "r.yaml:1: 不允许使用锚点和别名（& 和 *）：请把每个值完整写出"),
        (b"[" * 40 + b"]" * 40, "r.yaml:1: 列表或映射嵌套超过 32 层"),
        (b"schema: 1\n# \x00\n", "r.yaml:2: 不是有效的 YAML：不可接受的字符 #x0000：不允许使用特殊字符"),
        (b"#" * (1024 * 1024 + 1), "r.yaml:1: 文件超过 1,048,576 字节，这是规则文件的大小上限"),
        (
            b"schema: 1\n",
            "r.yaml:1: 规则文件：缺少键“measures”\nr.yaml:1: 规则文件：缺少键“policy”\nr.yaml:1: 规则文件：缺少键“version”",
        ),
    ],
    ids=["empty", "comment-only", "a-list", "alias", "nesting", "nul", "too-big", "missing-keys"],
)
def test_file_level_problems_in_chinese(raw: bytes, zh: str) -> None:
    caught = refusal(raw)
    assert caught.say.zh == zh
    assert len(caught.say.en.splitlines()) == len(zh.splitlines())


def test_missing_file_and_directory_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(RuleError) as caught:
        load_rules(tmp_path / "none.yaml")
    assert caught.value.say.zh == f"{tmp_path / 'none.yaml'}:0: 找不到规则文件"
    with pytest.raises(RuleError) as caught:
        load_rules(tmp_path)
    assert caught.value.say.zh == f"{tmp_path}:0: 这是文件夹，不是规则文件"


def test_no_value_in_force_says_it_in_both_languages() -> None:
    with pytest.raises(NoValueInForce) as caught:
        load_rules().value("loan_interest", "benchmark_rates", date(2002, 2, 20))
    assert caught.value.say.zh == "loan_interest.benchmark_rates 在 2002-02-20 没有生效的值（最早的值自 2002-02-21 起）"
    assert str(caught.value) == caught.value.say.en


def test_every_unit_has_its_chinese() -> None:
    units = {kind.unit for kinds in PARAMS.values() for kind in kinds.values()}
    units |= {kind.unit for kinds in OPTIONAL.values() for kind, _ in kinds.values()}
    assert units == set(UNITS_ZH)
    assert all(HAN.search(UNITS_ZH[unit]) for unit in units - {"m²"})


# --- the commands: Chinese by default, English with --lang en -------------------------------------------


def test_check_a_broken_file_in_chinese_by_default(tmp_path: Path) -> None:
    text = edited('version: "2015.1"', "version: 2016.1")
    text = edited("      area_cap_m2:\n", "      area_cap:\n        2015-01-01: 1\n      area_cap_m2:\n", text)
    text = edited("        2015-01-01: 0.30\n", "        2015-01-01: 30\n", text)
    path = write(tmp_path, "broken.yaml", text)
    zh, en = cli("rules", "check", str(path)), cli("rules", "check", str(path), "--lang", "en")
    assert (zh.exit_code, zh.stdout, en.exit_code, en.stdout) == (2, "", 2, "")
    assert zh.stderr.splitlines() == [
        f"错误：{path}:{line_of('version:', text)}: version：应为文本，实际为“2016.1”：请加上引号",
        f"错误：{path}:{line_of('      area_cap:', text)}: rent.params：未知的参数“area_cap”（应为以下之一：rates、area_cap_m2、enabled）",
        f"错误：{path}:{line_of('        2015-01-01: 30', text)}: data_line.rate（自 2015-01-01 起）：比例 30 大于 1：30% 应写作 0.3",
    ]
    assert en.stderr.splitlines() == [
        f"error: {path}:{line_of('version:', text)}: version: expected text, got '2016.1': quote it",
        f"error: {path}:{line_of('      area_cap:', text)}: rent.params: unknown key 'area_cap'"
        " (expected one of: rates, area_cap_m2, enabled)",
        f"error: {path}:{line_of('        2015-01-01: 30', text)}: data_line.rate from 2015-01-01:"
        " rate 30 is above 1: write 30% as 0.3",
    ]
    assert cli("rules", "check", str(path), "--lang", "zh").stderr == zh.stderr


def test_check_a_missing_file_in_chinese(tmp_path: Path) -> None:
    result = cli("rules", "check", str(tmp_path / "rules-2017.yml"))
    assert result.exit_code == 2
    assert result.stderr == f"错误：{tmp_path / 'rules-2017.yml'}:0: 找不到规则文件\n"


def test_check_ok_line_in_chinese(tmp_path: Path) -> None:
    result = cli("rules", "check")
    assert result.exit_code == 0
    assert result.stdout == f"{DEFAULT_RULES}: 检查通过 — 版本 2015.1，共 7 项措施、17 个参数\n"
    assert result.stderr == ""


def test_check_refuses_an_unknown_language() -> None:
    result = cli("rules", "check", "--lang", "fr")
    assert result.exit_code == 2
    assert result.stderr == (
        "错误：'--lang' 的值无效：'fr' 不是 'zh'、'en' 之一（运行 tongnan-calc rules check --help 查看帮助）\n"
    )


def table_rows(output: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("│").split("│")] for line in output.splitlines() if line.startswith("│")
    ]


def test_show_in_chinese() -> None:
    result = cli("rules", "show", "--on", "2015-06-30", "--measure", "loan_interest")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].strip() == f"{DEFAULT_RULES}（版本 2015.1）在 2015-06-30 生效的参数"
    heads = next(line for line in lines if line.startswith("┃"))
    assert [cell.strip() for cell in heads.strip("┃").split("┃")] == [
        "措施",
        "参数",
        "取值",
        "单位",
        "条款",
        "生效日期",
    ]
    rows = {row[1]: row for row in table_rows(result.stdout)}
    assert rows["benchmark_rates"][2:] == [
        "[≤ 12 个月: 4.85%, ≤ 60 个月: 5.25%, 更长期限: 5.4%]",
        "年利率 %，按期限档次",
        "二（六）",
        "2015-06-28",
    ]
    assert rows["enterprise_cap"][2:] == ["500000", "元", "二（六）", "2015-01-01"]
    assert rows["share_of_benchmark"][2:4] == ["0.5", "比例（0.30 = 30%）"]
    assert rows["day_count"][2:4] == ["360", "天"]


def test_show_before_the_first_value_in_chinese() -> None:
    result = cli("rules", "show", "--on", "2012-07-05", "--measure", "rent")
    rows = table_rows(result.stdout)
    assert rows == [
        ["rent", "rates", "（无生效值）", "比例 [第一年, 第二年]", "二（二）", "—"],
        ["rent", "area_cap_m2", "（无生效值）", "平方米", "二（二）", "—"],
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--on", "2016-13-01"], "错误：--on '2016-13-01' 不是日期：请写成 YYYY-MM-DD"),
        (
            ["--measure", "renting"],
            "错误：--measure 'renting' 不是以下之一：key_support、rent、spin_off、data_line、sales_milestone、"
            "demo_priority、loan_interest",
        ),
    ],
)
def test_show_refuses_bad_options_in_chinese(args: list[str], message: str) -> None:
    result = cli("rules", "show", *args)
    assert result.exit_code == 2
    assert result.stderr == message + "\n"


def revision(tmp_path: Path) -> Path:
    text = edited('version: "2015.1"', 'version: "2016.2"')
    text = edited(
        "        2015-01-01: [0.60, 0.30]\n",
        "        2015-01-01: [0.60, 0.30]\n        2016-07-01: [0.50, 0.25]\n",
        text,
    )
    text = edited(
        "    responsible: [区商务局, 区财政局]\n    params:\n      # 二（三）",
        "    responsible: [区商务局]\n    params:\n      # 二（三）",
        text,
    )
    text = edited("          - {max_months: 12, rate: 4.35}\n", "          - {max_months: 12, rate: 4.50}\n", text)
    text = edited("        2019-08-20: null\n", "", text)
    return write(tmp_path, "rules-2016.2.yaml", text)


def test_diff_in_chinese(tmp_path: Path) -> None:
    result = cli("rules", "diff", str(DEFAULT_RULES), str(revision(tmp_path)))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "version：2015.1 → 2016.2",
        "rent.rates 自 2016-07-01 起：新增 [0.5, 0.25]",
        "spin_off.responsible：区商务局、区财政局 → 区商务局",
        "loan_interest.benchmark_rates 自 2015-10-24 起：[≤ 12 个月: 4.35%, ≤ 60 个月: 4.75%, 更长期限: 4.9%]"
        " → [≤ 12 个月: 4.5%, ≤ 60 个月: 4.75%, 更长期限: 4.9%]",
        "loan_interest.benchmark_rates 自 2019-08-20 起：删除（原为 null）",
    ]
    english = cli("rules", "diff", str(DEFAULT_RULES), str(revision(tmp_path)), "--lang", "en")
    assert english.stdout.splitlines()[3] == (
        "loan_interest.benchmark_rates from 2015-10-24: [≤ 12 months: 4.35%, ≤ 60 months: 4.75%, longer: 4.9%]"
        " → [≤ 12 months: 4.5%, ≤ 60 months: 4.75%, longer: 4.9%]"
    )


def test_diff_without_differences_and_with_a_broken_file_in_chinese(tmp_path: Path) -> None:
    same = cli("rules", "diff", str(DEFAULT_RULES), str(write(tmp_path, "copy.yaml", SHIPPED)))
    assert (same.exit_code, same.stdout) == (0, "没有差异\n")
    text = edited(CAP, "      annual_cap:\n        2017-01-01: 150000\n")
    broken = write(tmp_path, "rules-2017.yaml", text)
    result = cli("rules", "diff", str(DEFAULT_RULES), str(broken))
    assert result.exit_code == 2
    assert result.stderr == (
        f"错误：{broken}:{line_of('        2017-01-01: 150000', text)}: data_line.annual_cap：从政策起始日 2015-01-01"
        " 到 2017-01-01 没有生效的值：第一个值的生效日期应为 2015-01-01 或更早\n"
    )


def test_change_text_is_english_unless_asked() -> None:
    text = edited(CAP, CAP + "        2017-01-01: 150000\n")
    (change,) = diff_rules(load_rules(), parse_rules(text.encode(), "r.yaml"))
    assert change.text() == "data_line.annual_cap from 2017-01-01: added 150000"
    assert change.text("zh") == "data_line.annual_cap 自 2017-01-01 起：新增 150000"


# --- rules test ----------------------------------------------------------------------------------------

PASSING = """\
# 0.30 x 10,000 = 3,000.00
- name: a fee of 10,000
  year: 2016
  data_lines:
    - {year: 2016, fee_paid: 10000}
  expect:
    data_line: {status: payable, amount: "3000.00"}
"""

NEW_CAP = """\
# annual_cap 150,000 from 2017-01-01: 0.30 x 600,000 = 180,000 > 150,000 -> 150,000.00
- name: the new cap
  year: 2017
  data_lines:
    - {year: 2017, fee_paid: 600000}
  expect:
    data_line: {status: payable, amount: "150000.00"}
"""


def test_test_passing_in_chinese(tmp_path: Path) -> None:
    path = write(tmp_path, "ok.yaml", PASSING)
    result = cli("rules", "test", str(path), "-v")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [f"通过   {path}:2 a fee of 10,000", "通过 1 个，未通过 0 个"]


def test_test_failing_in_chinese(tmp_path: Path) -> None:
    write(tmp_path, "ok.yaml", PASSING)
    write(tmp_path, "new_cap.yaml", NEW_CAP)
    result = cli("rules", "test", str(tmp_path), "-v")
    assert result.exit_code == 1
    out = result.stdout.splitlines()
    assert out[0] == f"未通过 {tmp_path / 'new_cap.yaml'}:2 the new cap"
    assert out[1] == (
        "  data_line：预期 payable 150000.00，实际 payable 100000.00 — 数据专线补贴（补贴期限2017—2018年）"
    )
    assert out[2] == "    计算依据："
    assert (
        "      annual_cap = 100000（二（四），自2015-01-01起施行；依据：二（四）：每年补助金额最高10万元人民币）" in out
    )
    assert "      适用年度补贴上限：100000" in out
    assert out[-2] == f"通过   {tmp_path / 'ok.yaml'}:2 a fee of 10,000"
    assert out[-1] == "通过 1 个，未通过 1 个"


def test_a_failing_case_in_both_languages(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "cases.yaml",
        "- name: wrong tier\n  year: 2016\n  sales:\n    - {year: 2016, sales: 60000000}\n"
        "  expect:\n    sales_milestone: {status: pending, tier: 100000000, reason_contains: 一亿}\n"
        "- name: no amount\n  year: 2016\n  expect:\n    spin_off: {status: payable, amount: 20000}\n",
    )
    tier, amount = (run_case(case) for case in load_cases(path))
    (zh,) = tier.failures_in("zh")
    assert zh.splitlines()[0] == (
        "sales_milestone：预期 pending （无金额） 档次 100000000.00 说明包含“一亿”，实际 pending （无金额） 档次 50000000.00"
        " — 首次突破50000000元，规则文件未定奖励金额，待定（二（五）） / "
        "first crossed 50000000; the rule file sets no amount: a person decides (二（五）)"
    )
    assert tier.failures == tier.failures_in("en")
    (zh,) = amount.failures_in("zh")
    assert (
        zh.splitlines()[0]
        == "spin_off：预期 payable 20000.00，实际 ineligible （无金额） — 非特色传统企业分离设立（二（三））"
    )


def test_case_failures_outside_the_computation_in_chinese(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "cases.yaml",
        "- name: no such issue\n  year: 2015\n  expect_issues: [leases row 2 area_m2]\n  expect:\n    rent: ineligible\n"
        "- name: rate in percent\n  year: 2016\n  rules:\n    data_line.rate: {2015-01-01: 30}\n"
        "  expect:\n    data_line: ineligible\n"
        "- name: too early\n  year: 2014\n  expect:\n    rent: ineligible\n",
    )
    issue, rule, year = (run_case(case) for case in load_cases(path))
    assert issue.failures_in("zh") == ("预期的输入问题“leases row 2 area_m2”没有出现",)
    assert rule.failures_in("zh") == (
        f"规则文件：{path}:9: data_line.rate（自 2015-01-01 起）：比例 30 大于 1：30% 应写作 0.3",
    )
    assert rule.failures == (
        f"rule file: {path}:9: data_line.rate from 2015-01-01: rate 30 is above 1: write 30% as 0.3",
    )
    assert len(year.failures_in("zh")) == 1


@pytest.mark.parametrize(
    ("text", "line", "zh"),
    [
        ("- name: x\n  year: 2016\n  expect:\n    rent: paid\n", 4,
         "x：rent：应为状态（payable、pending、flag、ineligible、blocked），可另加金额"),
        ("- name: a\n  year: 2016\n  expcet: {rent: ineligible}\n", 1,
         "用例中有未知的键：expcet（应为：data_lines、enterprise、expect、expect_issues、leases、loans、name、prior、"
         "rules、sales、year）"),
        ("- name: a\n  year: 2016\n", 1, "用例缺少 `expect`"),
        ("- name: a\n  year: twenty\n  expect: {rent: ineligible}\n", 2, "a：year 必须是整数"),
        ("name: a\nyear: 2016\n", 1, "应为用例的列表（或 `cases:` 下的列表）"),
        ("- name: r\n  year: 2016\n  expect:\n    renting: payable\n", 4,
         "r：“renting”不是措施编号（key_support、rent、spin_off、data_line、sales_milestone、demo_priority、loan_interest）"),
        ("- name: c\n  year: 2015\n  expect:\n    data_line: {status: payable, amount: '3005.025'}\n", 4,
         "c：data_line：预期金额 3005.025 没有精确到分"),
        ("- name: t\n  year: 2016\n\texpect: {rent: ineligible}\n", 3, "有制表符（Tab）：缩进请用空格"),
    ],
    ids=["status", "unknown-key", "no-expect", "year", "not-a-list", "measure", "cent", "tab"],
)  # fmt: skip
def test_scenario_file_problems_in_chinese(tmp_path: Path, text: str, line: int, zh: str) -> None:
    path = write(tmp_path, "cases.yaml", text)
    with pytest.raises(ScenarioError) as caught:
        load_cases(path)
    assert caught.value.say.zh == f"{path}:{line}: {zh}"
    assert caught.value.say.en.startswith(f"{path}:{line}: ")
    result = cli("rules", "test", str(path))
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"错误：{path}:{line}: {zh}\n")


def test_override_problems_in_chinese(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "cases.yaml",
        "- name: typo\n  year: 2016\n  rules:\n    data_line.annual_cap_yuan: {2015-01-01: 150000}\n"
        "  expect: {data_line: ineligible}\n",
    )
    result = cli("rules", "test", str(path))
    assert (result.exit_code, result.stderr) == (
        2,
        f"错误：{path}:4: typo：规则文件中没有“data_line.annual_cap_yuan”\n",
    )
    deep = write(
        tmp_path,
        "deep.yaml",
        "- name: deep\n  year: 2016\n  rules:\n    rent.rates.year1: {2015-01-01: 0.5}\n  expect: {rent: ineligible}\n",
    )
    result = cli("rules", "test", str(deep))
    assert result.stderr == (
        f"错误：{deep}:4: deep：覆盖的规则值应写成 measure.param 或 policy.key，实际为“rent.rates.year1”\n"
    )


def test_test_with_a_broken_rule_file_in_chinese(tmp_path: Path) -> None:
    rules = write(tmp_path, "broken.yaml", edited("        2015-01-01: 0.30\n", "        2015-01-01: 30\n"))
    result = cli("rules", "test", str(write(tmp_path, "ok.yaml", PASSING)), "--rules", str(rules))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"错误：{rules}:")
    assert result.stderr.endswith(": data_line.rate（自 2015-01-01 起）：比例 30 大于 1：30% 应写作 0.3\n")


def test_a_missing_scenario_file_in_chinese(tmp_path: Path) -> None:
    result = cli("rules", "test", str(tmp_path / "none.yaml"))
    assert (result.exit_code, result.stderr) == (
        2,
        f"错误：{tmp_path / 'none.yaml'}:0: 无法读取：No such file or directory\n",
    )


# --- both languages say the same thing -------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "needle", "zh"), ZH_PROBLEMS)
def test_the_chinese_is_a_translation_not_a_copy(old: str, new: str, needle: str, zh: str) -> None:
    caught = refusal(edited(old, new).encode("utf-8"))
    for problem in caught.problems:
        assert HAN.search(problem.say.zh.replace(problem.say.en, "")), problem
        assert problem.say.zh != problem.say.en
        assert problem.text("zh").startswith(f"{problem.file}:{problem.line}: ")


# --- docs/analysts.md quotes the real output of the rules commands ---------------------------------------

DOCS = Path(__file__).resolve().parents[1] / "docs" / "analysts.md"
SCENARIOS = Path(__file__).resolve().parent / "scenarios"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def quoted_commands() -> list[tuple[str, list[str]]]:
    """Each ```console block of docs/analysts.md that runs `tongnan-calc rules …`: the command and its lines."""
    blocks = re.findall(r"```console\n\$ (tongnan-calc rules [^\n]*)\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    return [(command, output.splitlines()) for command, output in blocks]


def test_the_analysts_guide_quotes_every_rules_command() -> None:
    assert [command.split()[2] for command, _ in quoted_commands()] == [
        "check",
        "check",
        "check",
        "diff",
        "diff",
        "show",
        "test",
        "test",
        "test",
    ]


@pytest.mark.parametrize(("command", "expected"), quoted_commands(), ids=[c for c, _ in quoted_commands()])
def test_the_analysts_guide_shows_real_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, expected: list[str]
) -> None:
    """The worked example of docs/analysts.md, run in a folder like a clone's root: the shipped rules, the
    example overlay, the project's scenarios, and the files the guide writes with `cat > FILE <<'EOF'`.
    The shipped rules are named as from a clone's root (``tongnan_calc/rules.yaml``) wherever the tests run."""
    from tongnan_calc.rules import load

    doc = DOCS.read_text(encoding="utf-8")
    write(tmp_path, "rules.yaml", SHIPPED)
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "rules-2018-revision.yaml").symlink_to(EXAMPLES / "rules-2018-revision.yaml")
    heredocs = re.findall(r"cat > (\S+) <<'EOF'\n(.*?\n)EOF\n", doc, re.S)
    assert [name for name, _ in heredocs][:3] == [
        "rules-2018-mistake.yaml",
        "rules-2018-lost-tier.yaml",
        "revision-2018.yaml",
    ]
    for name, text in heredocs:
        write(tmp_path, name, text)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "scenarios").symlink_to(SCENARIOS)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(load, "shipped", lambda: "tongnan_calc/rules.yaml")
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, command.split()[1:])
    shown = (result.stdout + result.stderr).splitlines()
    assert [line.rstrip() for line in shown] == [line.rstrip() for line in expected]
