"""Overlay rule files: a revision written as only what it changes, merged onto a baseline.

Hand-worked merges of examples/rules-2018-revision.yaml onto the shipped rules (version 2015.1):

  data_line.annual_cap   2015-01-01: 100000 (kept) + 2018-01-01: 150000 (added)
                         -> 100000 on 2017-12-31, 150000 on 2018-12-31
  rent.rates             2015-01-01: [0.60, 0.30] + 2018-01-01: [0.60, 0.40]
  sales_milestone.tiers  2015-01-01: 50 M, 100 M, 1 B (null) + 2018-01-01: 50 M, 100 M, 500 M, 1 B (null)
  every other parameter  as shipped; version 2018.1.

An overlay value at a date the baseline has replaces it (one entry, the overlay's); policy keys merge one
by one (the title and start stay when only the exclusions change).  Each problem names its own file and
line, in both languages.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from factories import fee, rec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from tongnan_calc.cli.app import app
from tongnan_calc.core.measures import MEASURES
from tongnan_calc.core.rules import RuleError, Tier
from tongnan_calc.rules.load import DEFAULT_RULES, load_rules, load_tree, shipped
from tongnan_calc.rules.overlay import merged_text
from tongnan_calc.rules.tools import dropped_entries
from tongnan_calc.text.basis import basis_lines

ROOT = Path(__file__).resolve().parent.parent
REVISION = ROOT / "examples" / "rules-2018-revision.yaml"
SHIPPED = DEFAULT_RULES.read_text(encoding="utf-8")
PARAMS = sum(len(m.params) for m in load_rules().measures.values())  # an overlay adds none


def cli(*args: str) -> Result:
    return CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args))


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def errors(path: Path, base: Path | None = None) -> tuple[list[str], list[str]]:
    try:
        load_rules(path, base)
    except RuleError as exc:
        return [p.text("zh") for p in exc.problems], [p.text("en") for p in exc.problems]
    raise AssertionError("no error")


# --- the merge, by hand ------------------------------------------------------------------------------------


def test_the_2018_revision_merged_onto_the_shipped_rules() -> None:
    rules = load_rules(REVISION)
    original = load_rules()
    assert (rules.version, rules.base_version, rules.base) == ("2018.1", "2015.1", shipped())
    assert shipped() == "tongnan_calc/rules.yaml"  # the tests run from the project's root
    assert rules.value("data_line", "annual_cap", date(2017, 12, 31)) == (Decimal(100000), date(2015, 1, 1))
    assert rules.value("data_line", "annual_cap", date(2018, 12, 31)) == (Decimal(150000), date(2018, 1, 1))
    assert rules.value("rent", "rates", date(2017, 12, 31))[0] == (Decimal("0.60"), Decimal("0.30"))
    assert rules.value("rent", "rates", date(2018, 1, 1)) == ((Decimal("0.60"), Decimal("0.40")), date(2018, 1, 1))
    tiers_2017 = rules.value("sales_milestone", "tiers", date(2017, 12, 31))[0]
    tiers_2018 = rules.value("sales_milestone", "tiers", date(2018, 12, 31))[0]
    assert [t.threshold for t in tiers_2017] == [50000000, 100000000, 1000000000]
    assert tiers_2018 == tuple(Tier(Decimal(t), None) for t in (50000000, 100000000, 500000000, 1000000000))
    # nothing else changed
    for measure in ("key_support", "spin_off", "demo_priority", "loan_interest"):
        assert rules.measures[measure] == original.measures[measure]
    assert rules.param("data_line", "rate") == original.param("data_line", "rate")
    assert (rules.title, rules.start, rules.excluded_by_micro_support) == (
        original.title,
        original.start,
        original.excluded_by_micro_support,
    )


def test_a_date_already_there_is_replaced_and_policy_keys_merge_one_by_one(tmp_path: Path) -> None:
    overlay = write(
        tmp_path,
        "o.yaml",
        'base: "2015.1"\nversion: "2015.2"\npolicy:\n  excluded_by_micro_support: [rent]\n'
        "measures:\n  data_line:\n    params:\n      annual_cap:\n        2015-01-01: 120000\n",
    )
    rules = load_rules(overlay)
    assert rules.param("data_line", "annual_cap").entries == ((date(2015, 1, 1), Decimal(120000)),)
    assert rules.excluded_by_micro_support == frozenset({"rent"})
    assert rules.start == date(2015, 1, 1)
    assert rules.title.startswith("重庆市潼南区人民政府办公室")


def test_a_replaced_value_loses_the_reference_of_the_value_it_replaces(tmp_path: Path) -> None:
    """The shipped reference of data_line.annual_cap 2015-01-01 quotes "每年补助金额最高10万元人民币": it is not
    the reference of 120,000.  The overlay's own reference is taken; a value restated unchanged keeps its own."""
    head = 'base: "2015.1"\nversion: "2015.2"\nmeasures:\n  data_line:\n    params:\n'
    replaced = write(tmp_path, "o.yaml", head + "      annual_cap:\n        2015-01-01: 120000\n")
    shipped_ref = load_rules().param("data_line", "annual_cap").reference(date(2015, 1, 1))
    assert shipped_ref is not None and shipped_ref.clause == "二（四）：每年补助金额最高10万元人民币"
    rules = load_rules(replaced)
    assert rules.param("data_line", "annual_cap").reference(date(2015, 1, 1)) is None
    assert rules.param("data_line", "annual_cap").description == "每个企业每年数据专线补贴上限"  # kept
    assert rules.param("data_line", "rate").reference(date(2015, 1, 1)) is not None  # untouched
    line = MEASURES["data_line"](rec(data_lines=[fee(2016, 600000)]), 2016, rules)
    assert basis_lines(line.basis, "zh")[2] == "annual_cap = 120000（二（四），自2015-01-01起施行）"
    assert basis_lines(line.basis, "en")[2] == "annual_cap = 120000 (二（四）, in force from 2015-01-01)"
    checked = cli("rules", "check", "--lang", "en", str(replaced))
    warned = checked.stdout + checked.stderr
    assert "data_line.annual_cap: no reference (the document and clause) for the value from 2015-01-01" in warned
    referenced = write(
        tmp_path,
        "r.yaml",
        head + "      annual_cap:\n        2015-01-01: 120000\ndocumentation:\n  data_line.annual_cap:\n"
        "    reference:\n      2015-01-01: {number: 潼南府办发〔2015〕9号, clause: 第一条}\n",
    )
    line = MEASURES["data_line"](rec(data_lines=[fee(2016, 600000)]), 2016, load_rules(referenced))
    assert (
        basis_lines(line.basis, "zh")[2]
        == "annual_cap = 120000（二（四），自2015-01-01起施行；依据：潼南府办发〔2015〕9号 第一条）"
    )
    same = write(
        tmp_path, "s.yaml", head + "      annual_cap:\n        2015-01-01: 100000\n        2018-01-01: 150000\n"
    )
    assert load_rules(same).param("data_line", "annual_cap").reference(date(2015, 1, 1)) == shipped_ref


def test_the_merge_sha256_is_that_of_the_merged_file_written_out(tmp_path: Path) -> None:
    tree = load_tree(REVISION)
    text = merged_text(tree.root)
    assert tree.rules.sha256 == hashlib.sha256(text.encode("utf-8")).hexdigest()
    whole = load_rules(write(tmp_path, "merged.yaml", text))
    assert whole.sha256 == tree.rules.sha256
    assert whole.measures == tree.rules.measures and whole.version == "2018.1"


def test_an_overlay_onto_an_overlay(tmp_path: Path) -> None:
    """--rules (or --baseline) may itself be an overlay: it is merged onto the shipped rules first."""
    second = write(
        tmp_path,
        "amounts.yaml",
        'base: "2018.1"\nversion: "2018.2"\nmeasures:\n  spin_off:\n    params:\n'
        "      amount:\n        2018-01-01: 30000\n",
    )
    rules = load_rules(second, REVISION)
    assert rules.value("spin_off", "amount", date(2018, 6, 1))[0] == Decimal(30000)
    assert rules.value("data_line", "annual_cap", date(2018, 6, 1))[0] == Decimal(150000)
    assert (rules.version, rules.base_version) == ("2018.2", "2018.1")


# --- problems, each with its own file and line --------------------------------------------------------------


def test_problems_of_the_overlay_name_the_overlay(tmp_path: Path) -> None:
    overlay = write(
        tmp_path,
        "bad.yaml",
        'base: "2014.9"\nversion: "2018.1"\nmeasures:\n  data_line:\n    params:\n      annual_cap:\n'
        "        2018-01-01: -5\n      annual_capp:\n        2018-01-01: 5\n"
        "  rent:\n    params: {}\n  rent:\n    params: {}\n",
    )
    zh, en = errors(overlay)
    assert en == [
        f"{overlay}:1: base: this overlay applies to version '2014.9', but the baseline {shipped()}"
        " is version '2015.1'",
        f"{overlay}:7: data_line.annual_cap from 2018-01-01: -5 is negative",
        f"{overlay}:8: data_line.params: unknown key 'annual_capp' (expected one of: rate, annual_cap, period_years, enabled)",
        f"{overlay}:12: measures: rent appears twice (the first is on line 10)",
    ]
    assert zh == [
        f"{overlay}:1: base：此修订文件适用于版本“2014.9”，但基准 {shipped()} 的版本是“2015.1”",
        f"{overlay}:7: data_line.annual_cap（自 2018-01-01 起）：-5 为负数",
        f"{overlay}:8: data_line.params：未知的参数“annual_capp”（应为以下之一：rate、annual_cap、period_years、enabled）",
        f"{overlay}:12: measures：rent 重复出现（第一次在第 10 行）",
    ]


def test_an_overlay_needs_its_own_version(tmp_path: Path) -> None:
    missing = write(tmp_path, "missing.yaml", 'base: "2015.1"\n')
    same = write(tmp_path, "same.yaml", 'base: "2015.1"\nversion: "2015.1"\n')
    assert errors(missing) == (
        [f"{missing}:1: 修订文件缺少 version：内容改变时版本必须随之改变，请为修订写上新的版本"],
        [
            f"{missing}:1: the overlay has no version: the version must change when the content changes,"
            " give the revision its own"
        ],
    )
    assert errors(same) == (
        [f"{same}:2: version：修订后的版本“2015.1”与基准的版本相同：内容改变时版本必须随之改变"],
        [f"{same}:2: version: the revision's version '2015.1' is the baseline's: the version must change when"
         " the content changes"],
    )  # fmt: skip


def test_a_problem_of_the_baseline_names_the_baseline(tmp_path: Path) -> None:
    text = SHIPPED.replace("        2015-01-01: 0.30\n", "        2015-01-01: 30\n")
    base = write(tmp_path, "base.yaml", text)
    line = text[: text.index("        2015-01-01: 30\n")].count("\n") + 1
    zh, en = errors(REVISION, base)
    assert en == [f"{base}:{line}: data_line.rate from 2015-01-01: rate 30 is above 1: write 30% as 0.3"]
    assert zh == [f"{base}:{line}: data_line.rate（自 2015-01-01 起）：比例 30 大于 1：30% 应写作 0.3"]


def test_a_merge_is_checked_as_a_whole(tmp_path: Path) -> None:
    """The overlay's values are checked together with the baseline's: a policy start moved back to 2014
    leaves every parameter whose first value is from 2015-01-01 without a value in 2014 (all but
    benchmark_rates, which starts 2012-07-06), each reported on its line of the baseline."""
    overlay = write(tmp_path, "early.yaml", 'base: "2015.1"\nversion: "2015.2"\npolicy:\n  start: 2014-01-01\n')
    zh, en = errors(overlay)
    assert len(en) == len(zh) == PARAMS - 1
    assert en[0].startswith(
        f"{shipped()}:"
    ) and en[0].endswith(": no value in force from the policy start 2014-01-01 to 2015-01-01:"
                         " date the first value 2014-01-01 or earlier")  # fmt: skip


# --- the commands ------------------------------------------------------------------------------------------


def test_rules_check_on_an_overlay() -> None:
    zh = cli("rules", "check", str(REVISION), "--rules", str(DEFAULT_RULES))
    en = cli("rules", "check", str(REVISION), "--rules", str(DEFAULT_RULES), "--lang", "en")
    assert zh.exit_code == en.exit_code == 0
    assert zh.stdout == (
        f"{REVISION}: 检查通过 — 修订文件，合并到 {DEFAULT_RULES}（版本 2015.1）后为版本 2018.1，共 7 项措施、{PARAMS} 个参数\n"
    )
    assert en.stdout == (
        f"{REVISION}: ok — an overlay, merged onto {DEFAULT_RULES} (version 2015.1): version 2018.1,"
        f" 7 measures, {PARAMS} parameters\n"
    )


def test_rules_show_merged_and_as_yaml(tmp_path: Path) -> None:
    result = cli(
        "rules", "show", "--rules", str(DEFAULT_RULES), "--overlay", str(REVISION), "--on", "2018-12-31",
        "--measure", "data_line", "--lang", "en",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"{DEFAULT_RULES} + {REVISION} (version 2018.1) on 2018-12-31" in result.stdout
    rows = [[c.strip() for c in line.strip("│").split("│")] for line in result.stdout.splitlines() if "│" in line]
    assert ["data_line", "annual_cap", "150000", "yuan", "二（四）", "2018-01-01"] in rows
    as_yaml = cli("rules", "show", "--rules", str(DEFAULT_RULES), "--overlay", str(REVISION), "--yaml")
    assert as_yaml.exit_code == 0
    assert as_yaml.stdout == merged_text(load_tree(REVISION).root)
    assert 'version: "2018.1"\n' in as_yaml.stdout and "base:" not in as_yaml.stdout


def test_rules_diff_with_an_overlay_as_the_revision() -> None:
    zh = cli("rules", "diff", str(DEFAULT_RULES), str(REVISION))
    en = cli("rules", "diff", str(DEFAULT_RULES), str(REVISION), "--lang", "en")
    assert zh.exit_code == en.exit_code == 0
    assert zh.stdout.splitlines() == [
        "version：2015.1 → 2018.1",
        "rent.rates 自 2018-01-01 起：新增 [0.6, 0.4]",
        "data_line.annual_cap 自 2018-01-01 起：新增 150000",
        "sales_milestone.tiers 自 2018-01-01 起：新增 [> 50000000: null, > 100000000: null, > 500000000: null,"
        " > 1000000000: null]",
    ]
    assert en.stdout.splitlines()[2] == "data_line.annual_cap from 2018-01-01: added 150000"


def test_run_with_an_overlay_as_the_rules(tmp_path: Path) -> None:
    """`run --rules OVERLAY`: merged onto the shipped rules.  Example batch, 2018, no ledger: 潼南闰日 (E02)
    leases 2017-03-01 to 2018-02-28 for 219,000 (600 a day); settled 2016-02-29, its second year ends on
    2018-02-27: 58 days x 600 = 34,800 at 30 % = 10,440.00, at 40 % = 13,920.00.  Nothing else changes."""
    workbook = ROOT / "examples" / "example.xlsx"
    totals = {}
    for name, rules in (("shipped", []), ("revision", ["--rules", str(REVISION)])):
        out = tmp_path / f"{name}.json"
        result = cli("run", str(workbook), "--year", "2018", *rules, "--no-ledger", "--json", str(out))
        assert result.exit_code == 1, result.output  # the example's planted input errors
        totals[name] = json.loads(out.read_text(encoding="utf-8"))
    assert totals["revision"]["rules"]["version"] == "2018.1"
    lines = {
        name: {(e["credit_code"], e["measure"]): e["amount"] for e in data["entitlements"]}
        for name, data in totals.items()
    }
    changed = {k: (lines["shipped"][k], v) for k, v in lines["revision"].items() if lines["shipped"].get(k) != v}
    assert changed == {("91500223MA602P074B", "rent"): ("10440.00", "13920.00")}
    before, after = (Decimal(totals[n]["totals"]["payable"]) for n in ("shipped", "revision"))
    assert after - before == Decimal("3480.00")


# --- a tier or band silently lost -------------------------------------------------------------------------------


def test_a_new_tier_list_that_drops_a_tier_is_warned(tmp_path: Path) -> None:
    overlay = write(
        tmp_path,
        "drop.yaml",
        'base: "2015.1"\nversion: "2018.9"\nmeasures:\n  sales_milestone:\n    params:\n      tiers:\n'
        "        2018-01-01:\n          - {threshold: 50000000, amount: null}\n"
        "          - {threshold: 1000000000, amount: null}\n",
    )
    warning_zh = (
        "警告：sales_milestone.tiers 自 2018-01-01 起的值去掉了 > 100000000（自 2015-01-01 起生效）："
        "若是笔误，请在新值中写出每一个保留的项"
    )
    warning_en = (
        "warning: sales_milestone.tiers from 2018-01-01 drops > 100000000 (in force from 2015-01-01):"
        " if that is a slip, write every entry that stays in the new value"
    )
    zh, en = cli("rules", "check", str(overlay)), cli("rules", "check", str(overlay), "--lang", "en")
    assert zh.exit_code == en.exit_code == 0
    assert zh.stdout.splitlines()[1:] == [warning_zh]
    assert en.stdout.splitlines()[1:] == [warning_en]
    zh, en = (
        cli("rules", "diff", str(DEFAULT_RULES), str(overlay)),
        cli("rules", "diff", str(DEFAULT_RULES), str(overlay), "--lang", "en"),
    )
    assert zh.stdout.splitlines()[-1] == warning_zh
    assert en.stdout.splitlines()[-1] == warning_en
    # the 2018 revision keeps every tier: no warning
    assert cli("rules", "check", str(REVISION)).stdout.count("\n") == 1


def test_a_new_band_table_that_drops_a_band_is_warned(tmp_path: Path) -> None:
    overlay = write(
        tmp_path,
        "bands.yaml",
        'base: "2015.1"\nversion: "2015.9"\nmeasures:\n  loan_interest:\n    params:\n      benchmark_rates:\n'
        "        2016-01-01:\n          - {max_months: 12, rate: 4.35}\n          - {max_months: null, rate: 4.90}\n",
    )
    rules = load_rules(overlay)
    found = dropped_entries(rules, load_rules())
    assert [(d.where, d.effective, d.previous) for d in found] == [
        ("loan_interest.benchmark_rates", date(2016, 1, 1), date(2015, 10, 24))
    ]
    assert found[0].text("en") == (
        "warning: loan_interest.benchmark_rates from 2016-01-01 drops the ≤ 60 months band (in force from"
        " 2015-10-24): if that is a slip, write every entry that stays in the new value"
    )
    assert found[0].text("zh") == (
        "警告：loan_interest.benchmark_rates 自 2016-01-01 起的值去掉了 ≤ 60 个月档（自 2015-10-24 起生效）："
        "若是笔误，请在新值中写出每一个保留的项"
    )


def test_what_the_baseline_already_holds_is_not_warned_again() -> None:
    """The shipped table of 2014-11-22 merged the ≤ 6 and ≤ 36 month bands (a PBOC decision): warned when
    nothing is taken as known, not when checked against the rules that already hold it."""
    original = load_rules()
    assert [(d.where, d.effective) for d in dropped_entries(original)] == [
        ("loan_interest.benchmark_rates", date(2014, 11, 22))
    ]
    assert dropped_entries(original, original) == []
    assert cli("rules", "check").stdout.count("\n") == 1


# --- the merge as a property ------------------------------------------------------------------------------------

CAP_LINES = "      annual_cap:\n        2015-01-01: 100000\n"


# the date the file has (2015-01-01) drawn on purpose: among all the dates to 2030 it never came up
CAPS = st.dictionaries(
    st.sampled_from([date(2015, 1, 1), date(2016, 1, 1)])
    | st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=0, max_value=10**9),
    min_size=1,
    max_size=4,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(CAPS)
def test_an_overlay_says_what_the_whole_file_edited_by_hand_says(tmp_path: Path, caps: dict[date, int]) -> None:
    """Dated caps in an overlay give the same rules as the same dates written into a copy of the whole file:
    a date the file has (2015-01-01) is replaced, a new one added, the others kept."""
    lines = "".join(f"        {day.isoformat()}: {cap}\n" for day, cap in sorted(caps.items()))
    overlay = write(
        tmp_path,
        "o.yaml",
        f'base: "2015.1"\nversion: "2015.9"\nmeasures:\n  data_line:\n    params:\n      annual_cap:\n{lines}',
    )
    kept = "" if date(2015, 1, 1) in caps else "        2015-01-01: 100000\n"
    by_hand = SHIPPED.replace('version: "2015.1"', 'version: "2015.9"').replace(
        CAP_LINES, "      annual_cap:\n" + kept + lines
    )
    whole = load_rules(write(tmp_path, "whole.yaml", by_hand)).measures
    if caps.get(date(2015, 1, 1), 100000) != 100000:
        # by hand the editor also strikes the reference of the value replaced: its document set the old
        # value (the overlay drops it, overlay._drop_references; a value restated unchanged keeps it)
        cap = whole["data_line"].params["annual_cap"]
        struck = tuple(
            None if day == date(2015, 1, 1) else ref for (day, _), ref in zip(cap.entries, cap.references, strict=True)
        )
        line = replace(
            whole["data_line"], params={**whole["data_line"].params, "annual_cap": replace(cap, references=struck)}
        )
        whole = {**whole, "data_line": line}
    merged = load_rules(overlay)
    assert merged.measures == whole
    expected = {date(2015, 1, 1): Decimal(100000)} | {day: Decimal(cap) for day, cap in caps.items()}
    assert dict(merged.param("data_line", "annual_cap").entries) == expected


def test_a_whole_file_is_told_against_the_shipped_rules_or_its_rules_option(tmp_path: Path) -> None:
    """`rules check WHOLE`: the new dated values of a whole file are those the shipped rules (or --rules BASE)
    do not hold.  A copy that adds a 2018 tier list without the 100 M tier is warned; told against itself,
    nothing is new and nothing is warned."""
    tiers = (
        "          - {threshold: 50000000, amount: null}\n"
        "          - {threshold: 100000000, amount: null}\n"
        "          - {threshold: 1000000000, amount: null}\n"
    )
    dropped = (
        "        2018-01-01:\n"
        "          - {threshold: 50000000, amount: null}\n"
        "          - {threshold: 1000000000, amount: null}\n"
    )
    assert SHIPPED.count(tiers) == 1
    whole = write(
        tmp_path,
        "whole.yaml",
        SHIPPED.replace('version: "2015.1"', 'version: "2018.2"').replace(tiers, tiers + dropped),
    )
    result = cli("rules", "check", str(whole), "--lang", "en")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        f"{whole}: ok — version 2018.2, 7 measures, {PARAMS} parameters",
        "warning: sales_milestone.tiers from 2018-01-01 drops > 100000000 (in force from 2015-01-01):"
        " if that is a slip, write every entry that stays in the new value",
    ]
    itself = cli("rules", "check", str(whole), "--rules", str(whole), "--lang", "en")
    assert itself.stdout.splitlines() == [f"{whole}: ok — version 2018.2, 7 measures, {PARAMS} parameters"]


def test_rules_check_on_an_overlay_names_the_overlays_own_lines(tmp_path: Path) -> None:
    """A warning about a line of the overlay names the overlay and that line (line 7: the value without a
    reference; line 10: the documentation of a parameter that is not there) — not the baseline's line of
    the parameter (88) nor the merge's internal numbering (1000000010)."""
    overlay = write(
        tmp_path,
        "o.yaml",
        'base: "2015.1"\nversion: "2015.1-o"\nmeasures:\n  data_line:\n    params:\n      annual_cap:\n'
        "        2018-01-01: 120000\ndocumentation:\n  data_line.annual_capx:\n    description: x\n"
        "    unit: yuan\n",
    )
    zh, en = cli("rules", "check", str(overlay)), cli("rules", "check", str(overlay), "--lang", "en")
    assert zh.exit_code == en.exit_code == 0
    assert zh.stderr.splitlines() == [
        f"警告：{overlay}:7: data_line.annual_cap：自 2018-01-01 起的取值未注明出处（reference：文件标题或文号、条款）",
        f"警告：{overlay}:10: documentation.data_line.annual_capx：规则文件中没有这个参数",
    ]
    assert en.stderr.splitlines() == [
        f"warning: {overlay}:7: data_line.annual_cap: no reference (the document and clause) for the value from"
        " 2018-01-01",
        f"warning: {overlay}:10: documentation.data_line.annual_capx: the rule file has no such parameter",
    ]
