"""`tongnan-calc rules check/show/diff/test`: what an analyst types and sees, and the exit codes.

check: 0 and one line for a clean file; 2 and every problem as `error: file:line: message`.
show:  every parameter in force on a date, with its clause and the date it took effect.
diff:  exactly the changes of a revision, date by date.
test:  0 when every scenario case passes, 1 when some fail, 2 when a file cannot be read.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tongnan_calc.cli.app import app
from tongnan_calc.rules.load import DEFAULT_RULES

SHIPPED = DEFAULT_RULES.read_text(encoding="utf-8")
CAP = "      annual_cap:\n        2015-01-01: 100000\n"


def cli(*args: str) -> Result:
    return CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args))


def edited(*pairs: tuple[str, str]) -> str:
    text = SHIPPED
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def line_of(text: str, source: str) -> int:
    return source[: source.index(text)].count("\n") + 1


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def revision_2017(tmp_path: Path) -> Path:
    """The analysts' worked example: data_line.annual_cap 150,000 from 2017-01-01, version bumped."""
    return write(
        tmp_path,
        "rules-2017.yaml",
        edited(('version: "2015.1"', 'version: "2017.1"'), (CAP, CAP + "        2017-01-01: 150000\n")),
    )


def table_rows(output: str) -> list[list[str]]:
    """The body rows of a rich table, as lists of stripped cells."""
    return [
        [cell.strip() for cell in line.strip("│").split("│")] for line in output.splitlines() if line.startswith("│")
    ]


# --- rules check -----------------------------------------------------------------------------


def test_check_the_shipped_file() -> None:
    result = cli("rules", "check", "--lang", "en")
    assert result.exit_code == 0
    # 17 parameters: key_support 1, rent 2, spin_off 3 (established_from), data_line 3, sales_milestone 2,
    # demo_priority 1,
    # loan_interest 5
    assert result.stdout == f"{DEFAULT_RULES}: ok — version 2015.1, 7 measures, 17 parameters\n"
    assert result.stderr == ""


def test_check_a_clean_revision(tmp_path: Path) -> None:
    path = revision_2017(tmp_path)
    result = cli("rules", "check", "--lang", "en", str(path))
    assert result.exit_code == 0
    assert result.stdout == f"{path}: ok — version 2017.1, 7 measures, 17 parameters\n"


def test_check_lists_every_problem_at_once(tmp_path: Path) -> None:
    text = edited(
        ('version: "2015.1"', "version: 2016.1"),
        ("      area_cap_m2:\n", "      area_cap:\n        2015-01-01: 1\n      area_cap_m2:\n"),
        ("        2015-01-01: 0.30\n", "        2015-01-01: 30\n"),
        ("        2015-01-01: 100000\n", "        2015-01-01: -100000\n"),
    )
    path = write(tmp_path, "broken.yaml", text)
    result = cli("rules", "check", "--lang", "en", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"error: {path}:{line_of('version:', text)}: version: expected text, got '2016.1': quote it",
        f"error: {path}:{line_of('      area_cap:', text)}: rent.params: unknown key 'area_cap'"
        " (expected one of: rates, area_cap_m2, enabled)",
        f"error: {path}:{line_of('        2015-01-01: 30', text)}: data_line.rate from 2015-01-01:"
        " rate 30 is above 1: write 30% as 0.3",
        f"error: {path}:{line_of('        2015-01-01: -100000', text)}: data_line.annual_cap from 2015-01-01:"
        " -100000 is negative",
    ]


def test_check_a_revision_dated_before_any_value(tmp_path: Path) -> None:
    # the analyst replaced the 2015 value instead of adding a dated one: 2015-2016 would have no cap
    text = edited((CAP, "      annual_cap:\n        2017-01-01: 150000\n"))
    path = write(tmp_path, "rules-2017.yaml", text)
    result = cli("rules", "check", "--lang", "en", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {path}:{line_of('        2017-01-01: 150000', text)}: data_line.annual_cap: no value in force from"
        " the policy start 2015-01-01 to 2017-01-01: date the first value 2015-01-01 or earlier\n"
    )


def test_check_a_missing_file(tmp_path: Path) -> None:
    result = cli("rules", "check", "--lang", "en", str(tmp_path / "rules-2017.yml"))
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'rules-2017.yml'}:0: no such rule file\n"


# --- rules show ------------------------------------------------------------------------------


def test_show_one_measure_on_a_date() -> None:
    result = cli("rules", "show", "--lang", "en", "--on", "2016-12-31", "--measure", "data_line")
    assert result.exit_code == 0
    assert f"{DEFAULT_RULES} (version 2015.1) on 2016-12-31" in result.stdout
    assert table_rows(result.stdout) == [
        ["data_line", "rate", "0.3", "fraction (0.30 = 30%)", "二（四）", "2015-01-01"],
        ["data_line", "annual_cap", "100000", "yuan", "二（四）", "2015-01-01"],
        ["data_line", "period_years", "2", "years", "二（四）", "2015-01-01"],
    ]


def test_show_the_revision_before_and_from_its_date(tmp_path: Path) -> None:
    path = revision_2017(tmp_path)
    before = cli("rules", "show", "--lang", "en", "--rules", str(path), "--on", "2016-12-31", "--measure", "data_line")
    after = cli("rules", "show", "--lang", "en", "--rules", str(path), "--on", "2017-01-01", "--measure", "data_line")
    assert before.exit_code == after.exit_code == 0
    assert ["data_line", "annual_cap", "100000", "yuan", "二（四）", "2015-01-01"] in table_rows(before.stdout)
    assert ["data_line", "annual_cap", "150000", "yuan", "二（四）", "2017-01-01"] in table_rows(after.stdout)
    assert f"{path} (version 2017.1) on 2017-01-01" in after.stdout


def test_show_the_benchmark_rate_table_in_force() -> None:
    # on 2015-06-30 the table of 2015-06-28 is in force: 4.85 / 5.25 / 5.40
    result = cli("rules", "show", "--lang", "en", "--on", "2015-06-30", "--measure", "loan_interest")
    assert result.exit_code == 0
    rows = {row[1]: row for row in table_rows(result.stdout)}
    assert rows["benchmark_rates"][2] == "[≤ 12 months: 4.85%, ≤ 60 months: 5.25%, longer: 5.4%]"
    assert rows["benchmark_rates"][5] == "2015-06-28"
    assert rows["enterprise_cap"][2:] == ["500000", "yuan", "二（六）", "2015-01-01"]
    assert rows["share_of_benchmark"][2] == "0.5"
    # after 2019-08-20 no benchmark rate: shown as null, in force from that date
    later = {row[1]: row for row in table_rows(cli("rules", "show", "--lang", "en", "--on", "2019-08-20").stdout)}
    assert later["benchmark_rates"][2] == "null"
    assert later["benchmark_rates"][5] == "2019-08-20"


def test_show_every_measure() -> None:
    result = cli("rules", "show", "--lang", "en", "--on", "2016-12-31")
    assert result.exit_code == 0
    rows = table_rows(result.stdout)
    assert len(rows) == 17
    assert {row[0] for row in rows} == {
        "key_support",
        "rent",
        "spin_off",
        "data_line",
        "sales_milestone",
        "demo_priority",
        "loan_interest",
    }
    by_name = {(row[0], row[1]): row for row in rows}
    assert by_name["rent", "rates"][2:4] == ["[0.6, 0.3]", "fractions [year 1, year 2]"]
    assert by_name["spin_off", "amount"][2] == "20000"
    assert by_name["sales_milestone", "tiers"][2] == "[> 50000000: null, > 100000000: null, > 1000000000: null]"


def test_show_before_the_first_value() -> None:
    result = cli("rules", "show", "--lang", "en", "--on", "2002-02-20", "--measure", "loan_interest")
    assert result.exit_code == 0
    rows = {row[1]: row for row in table_rows(result.stdout)}
    assert rows["benchmark_rates"][2] == "(none in force)"
    assert rows["benchmark_rates"][5] == "—"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--on", "2016-13-01"], "error: --on '2016-13-01' is not a date: write YYYY-MM-DD"),
        (["--on", "2016/12/31"], "error: --on '2016/12/31' is not a date: write YYYY-MM-DD"),
        (
            ["--measure", "renting"],
            "error: --measure 'renting' is not one of: key_support, rent, spin_off, data_line, sales_milestone,"
            " demo_priority, loan_interest",
        ),
    ],
)
def test_show_refuses_bad_options(args: list[str], message: str) -> None:
    result = cli("rules", "show", "--lang", "en", *args)
    assert result.exit_code == 2
    assert result.stderr == message + "\n"


# --- rules diff ------------------------------------------------------------------------------


def test_diff_of_the_worked_example(tmp_path: Path) -> None:
    result = cli("rules", "diff", "--lang", "en", str(DEFAULT_RULES), str(revision_2017(tmp_path)))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "version: 2015.1 → 2017.1",
        "data_line.annual_cap from 2017-01-01: added 150000",
    ]


def test_diff_lists_exactly_the_changes_of_a_larger_revision(tmp_path: Path) -> None:
    text = edited(
        ('version: "2015.1"', 'version: "2016.2"'),
        (
            "  excluded_by_micro_support: [rent, spin_off, data_line, sales_milestone]",
            "  excluded_by_micro_support: [rent, spin_off, sales_milestone]",
        ),
        ("        2015-01-01: [0.60, 0.30]\n", "        2015-01-01: [0.60, 0.30]\n        2016-07-01: [0.50, 0.25]\n"),
        (
            "    responsible: [区商务局, 区财政局]\n    params:\n      # 二（三）",
            "    responsible: [区商务局]\n    params:\n      # 二（三）",
        ),
        ("          - {threshold: 50000000, amount: null}", "          - {threshold: 50000000, amount: 100000}"),
        ("        2019-08-20: null\n", ""),
    )
    result = cli("rules", "diff", "--lang", "en", str(DEFAULT_RULES), str(write(tmp_path, "rules-2016.2.yaml", text)))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "version: 2015.1 → 2016.2",
        "policy.excluded_by_micro_support: [data_line, rent, sales_milestone, spin_off]"
        " → [rent, sales_milestone, spin_off]",
        "rent.rates from 2016-07-01: added [0.5, 0.25]",
        "spin_off.responsible: 区商务局、区财政局 → 区商务局",
        "sales_milestone.tiers from 2015-01-01: [> 50000000: null, > 100000000: null, > 1000000000: null]"
        " → [> 50000000: 100000, > 100000000: null, > 1000000000: null]",
        "loan_interest.benchmark_rates from 2019-08-20: removed (was null)",
    ]


def test_diff_the_other_way_round(tmp_path: Path) -> None:
    result = cli("rules", "diff", "--lang", "en", str(revision_2017(tmp_path)), str(DEFAULT_RULES))
    assert result.stdout.splitlines() == [
        "version: 2017.1 → 2015.1",
        "data_line.annual_cap from 2017-01-01: removed (was 150000)",
    ]


def test_diff_of_a_file_with_itself(tmp_path: Path) -> None:
    result = cli("rules", "diff", "--lang", "en", str(DEFAULT_RULES), str(write(tmp_path, "copy.yaml", SHIPPED)))
    assert result.exit_code == 0
    assert result.stdout == "no differences\n"


def test_diff_refuses_a_broken_file(tmp_path: Path) -> None:
    text = edited(("        2015-01-01: 0.30\n", "        2015-01-01: 30\n"))
    path = write(tmp_path, "broken.yaml", text)
    result = cli("rules", "diff", "--lang", "en", str(DEFAULT_RULES), str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {path}:{line_of('        2015-01-01: 30', text)}: data_line.rate from 2015-01-01:"
        " rate 30 is above 1: write 30% as 0.3\n"
    )


# --- rules test ------------------------------------------------------------------------------

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


def test_test_exit_0_when_every_case_passes(tmp_path: Path) -> None:
    path = write(tmp_path, "ok.yaml", PASSING)
    result = cli("rules", "test", "--lang", "en", str(path))
    assert result.exit_code == 0
    assert result.stdout == "1 passed, 0 failed\n"
    verbose = cli("rules", "test", "--lang", "en", str(path), "-v")
    assert verbose.stdout.splitlines() == [f"ok   {path}:2 a fee of 10,000", "1 passed, 0 failed"]


def test_test_exit_1_when_a_case_fails(tmp_path: Path) -> None:
    write(tmp_path, "ok.yaml", PASSING)
    write(tmp_path, "new_cap.yaml", NEW_CAP)
    result = cli("rules", "test", "--lang", "en", str(tmp_path))  # a folder: every .yaml in it
    assert result.exit_code == 1
    out = result.stdout.splitlines()
    assert out[0] == f"FAIL {tmp_path / 'new_cap.yaml'}:2 the new cap"
    assert out[1].startswith("  data_line: expected payable 150000.00, got payable 100000.00 — ")
    assert "    basis:" in out
    assert (
        "      annual_cap = 100000 (二（四）, in force from 2015-01-01; source: 二（四）：每年补助金额最高10万元人民币)"
        in out
    )
    assert "      annual cap applied: 100000" in out
    assert out[-1] == "1 passed, 1 failed"


def test_test_against_a_revised_rule_file(tmp_path: Path) -> None:
    path = write(tmp_path, "new_cap.yaml", NEW_CAP)
    result = cli("rules", "test", "--lang", "en", str(path), "--rules", str(revision_2017(tmp_path)))
    assert result.exit_code == 0
    assert result.stdout == "1 passed, 0 failed\n"


def test_test_exit_2_when_a_scenario_file_is_malformed(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", "- name: x\n  year: 2016\n  expect:\n    rent: paid\n")
    result = cli("rules", "test", "--lang", "en", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {path}:4: x: rent: expected a status (payable, pending, flag, ineligible, blocked)"
        " and an optional amount\n"
    )


def test_test_exit_2_when_a_scenario_file_is_missing(tmp_path: Path) -> None:
    result = cli("rules", "test", "--lang", "en", str(tmp_path / "none.yaml"))
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'none.yaml'}:0: cannot be read: No such file or directory\n"


def test_test_exit_2_when_the_rule_file_is_invalid(tmp_path: Path) -> None:
    text = edited(("        2015-01-01: 0.30\n", "        2015-01-01: 30\n"))
    rules = write(tmp_path, "broken.yaml", text)
    result = cli("rules", "test", "--lang", "en", str(write(tmp_path, "ok.yaml", PASSING)), "--rules", str(rules))
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {rules}:{line_of('        2015-01-01: 30', text)}: data_line.rate from 2015-01-01:"
        " rate 30 is above 1: write 30% as 0.3\n"
    )


def test_test_exit_2_when_the_yaml_is_invalid(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.yaml", "- name: x\n  year: 2016\n  expect: {rent: payable\n")
    result = cli("rules", "test", "--lang", "en", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}:")
    assert "not valid YAML" in result.stderr
