"""The rule file documents itself (issue 12): each parameter's description, unit and a reference per value.

`documentation:` in rules.yaml gives, for `measure.param`, a one-line Chinese description, the unit
the calculation reads it in, and by the date of each value its reference (document title or 文号,
issue date, clause, URL).  `rules show` prints the reference of each value shown; `rules check`
warns (zh and en) about a value without one; an old rule file without the block still loads.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tongnan_calc.cli.app import app
from tongnan_calc.core.rules import Reference, RuleError
from tongnan_calc.rules.load import DEFAULT_RULES, load_rules, parse_rules
from tongnan_calc.rules.meta import UNITS
from tongnan_calc.rules.schema import OPTIONAL, PARAMS

SHIPPED_TEXT = DEFAULT_RULES.read_text(encoding="utf-8")
NOTICE = "重庆市潼南区人民政府办公室关于促进电子商务发展重点工作分工及政策措施落实责任分解的通知"
CAP_REFERENCE = f"      2015-01-01: {{title: {NOTICE}, clause: 二（四）：每年补助金额最高10万元人民币}}\n"


def cli(*args: str) -> Result:
    return CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args))


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def edited(old: str, new: str) -> str:
    assert SHIPPED_TEXT.count(old) == 1, old
    return SHIPPED_TEXT.replace(old, new)


def line_of(text: str, source: str) -> int:
    return source[: source.index(text)].count("\n") + 1


def test_every_parameter_of_the_shipped_file_is_documented() -> None:
    rules = load_rules()
    for spec in rules.measures.values():
        for dated in spec.params.values():
            assert dated.description and "\n" not in dated.description, dated.name
            assert len(dated.references) == len(dated.entries)
            assert all(ref is not None and ref.clause for ref in dated.references), (dated.measure, dated.name)
    assert rules.notes == ()
    # every unit named by a parameter kind is a unit the file may write
    units = {kind.unit_id for kinds in PARAMS.values() for kind in kinds.values()}
    units |= {kind.unit_id for kinds in OPTIONAL.values() for kind, _ in kinds.values()}
    assert units == set(UNITS)


def test_a_value_in_force_with_its_reference() -> None:
    rules = load_rules()
    found = rules.param("loan_interest", "benchmark_rates").entry(date(2008, 1, 1))
    assert found.effective == date(2007, 12, 21)
    assert [str(band.rate_percent) for band in found.value] == ["6.57", "7.47", "7.56", "7.74", "7.83"]
    assert found.reference == Reference(
        clause="附表 金融机构人民币存贷款基准利率调整表（各项贷款）",
        title="中国人民银行决定上调金融机构人民币存贷款基准利率",
        issued=date(2007, 12, 20),
    )
    assert found.reference.text() == (
        "《中国人民银行决定上调金融机构人民币存贷款基准利率》（2007-12-20）附表 金融机构人民币存贷款基准利率调整表（各项贷款）"
    )
    amount = rules.param("spin_off", "amount").entry(date(2016, 12, 31))
    assert (amount.value, amount.effective) == (20000, date(2015, 1, 1))
    assert amount.reference is not None
    assert amount.reference.text() == f"《{NOTICE}》二（三）：给予一次性2万元的奖励"
    assert Reference("第3条", number="渝府办发〔2014〕20号", url="https://example.org/n").text() == (
        "渝府办发〔2014〕20号第3条 https://example.org/n"
    )


def test_check_warns_about_a_value_without_a_reference(tmp_path: Path) -> None:
    text = edited(
        "      annual_cap:\n        2015-01-01: 100000\n",
        "      annual_cap:\n        2015-01-01: 100000\n        2017-01-01: 150000\n",
    )
    path = write(tmp_path, text)
    line = line_of("        2017-01-01: 150000", text)  # the line of the value without a reference
    result = cli("rules", "check", "--lang", "en", str(path))
    assert result.exit_code == 0
    assert result.stdout == f"{path}: ok — version 2015.1, 7 measures, 17 parameters\n"
    assert result.stderr == (
        f"warning: {path}:{line}: data_line.annual_cap: no reference (the document and clause) for the value"
        " from 2017-01-01\n"
    )
    zh = cli("rules", "check", str(path))
    assert zh.exit_code == 0
    assert zh.stderr == (
        f"警告：{path}:{line}: data_line.annual_cap：自 2017-01-01 起的取值未注明出处（reference：文件标题或文号、条款）\n"
    )


def test_an_old_rule_file_without_documentation_loads_with_warnings_only(tmp_path: Path) -> None:
    text = SHIPPED_TEXT[: SHIPPED_TEXT.index("\n# What each parameter is (description")] + "\n"
    path = write(tmp_path, text)
    rules = load_rules(path)
    assert rules.param("spin_off", "amount").references == ()
    assert rules.param("spin_off", "amount").entry(date(2016, 1, 1)).reference is None
    result = cli("rules", "check", "--lang", "en", str(path))
    assert result.exit_code == 0
    warnings = result.stderr.splitlines()
    assert len(warnings) == 17  # one per parameter written in the file
    assert warnings[0] == (
        f"warning: {path}:{line_of('      hq_types:', text) + 1}: key_support.hq_types: no reference (the document and"
        " clause) for the value from 2015-01-01"
    )


def test_a_reference_to_a_date_without_a_value_and_an_unknown_parameter_are_warnings(tmp_path: Path) -> None:
    text = edited(CAP_REFERENCE, CAP_REFERENCE + CAP_REFERENCE.replace("2015-01-01", "2016-01-01"))
    text += "  data_line.annual_cap_yuan:\n    description: 笔误\n"
    path = write(tmp_path, text)
    result = cli("rules", "check", "--lang", "en", str(path))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"warning: {path}:{line_of('      2016-01-01: {title', text)}: documentation.data_line.annual_cap.reference"
        " 2016-01-01: there is no value from 2016-01-01 to refer to",
        f"warning: {path}:{line_of('    description: 笔误', text)}: documentation.data_line.annual_cap_yuan:"
        " the rule file has no such parameter",
    ]


def test_a_wrong_unit_is_refused_in_both_languages() -> None:
    text = edited(
        "  data_line.annual_cap:\n    description: 每个企业每年数据专线补贴上限\n    unit: yuan\n",
        "  data_line.annual_cap:\n    description: 每个企业每年数据专线补贴上限\n    unit: 万元\n",
    )
    with pytest.raises(RuleError) as caught:
        parse_rules(text.encode("utf-8"), "r.yaml")
    (problem,) = caught.value.problems
    assert problem.line == line_of("    unit: 万元", text)
    assert problem.say.en == "documentation.data_line.annual_cap: unit '万元' is not a unit (expected yuan)"
    assert problem.say.zh == "documentation.data_line.annual_cap：单位“万元”不是已知的单位（应为 yuan）"
    other = edited(
        "  data_line.annual_cap:\n    description: 每个企业每年数据专线补贴上限\n    unit: yuan\n",
        "  data_line.annual_cap:\n    description: 每个企业每年数据专线补贴上限\n    unit: fraction\n",
    )
    with pytest.raises(RuleError) as caught:
        parse_rules(other.encode("utf-8"), "r.yaml")
    (problem,) = caught.value.problems
    assert problem.say.en == (
        "documentation.data_line.annual_cap: unit 'fraction' is not the unit of this parameter (expected yuan)"
    )
    assert problem.say.zh == "documentation.data_line.annual_cap：单位“fraction”不是本参数的单位（应为 yuan）"


def test_a_reference_names_its_document() -> None:
    text = edited(CAP_REFERENCE, "      2015-01-01: {clause: 二（四）}\n")
    with pytest.raises(RuleError) as caught:
        parse_rules(text.encode("utf-8"), "r.yaml")
    (problem,) = caught.value.problems
    assert problem.say.en == (
        "documentation.data_line.annual_cap.reference 2015-01-01: name the document: its title or its number (文号)"
    )
    assert problem.say.zh == (
        "documentation.data_line.annual_cap的 reference（2015-01-01）：应写明文件标题（title）或文号（number）"
    )


def test_show_prints_the_reference_of_each_value() -> None:
    result = cli("rules", "show", "--lang", "en", "--on", "2016-12-31", "--measure", "spin_off")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-4:] == [
        "references:",
        f"  spin_off.amount from 2015-01-01: 《{NOTICE}》二（三）：给予一次性2万元的奖励",
        f"  spin_off.min_operating_years from 2015-01-01: 《{NOTICE}》二（三）：运行一年以上",
        f"  spin_off.established_from from 2015-01-01: 《{NOTICE}》二（三）（通知未规定分离成立的日期：本工具的解读为不设日期条件）",
    ]
