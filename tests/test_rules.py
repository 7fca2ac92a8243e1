"""The rule-file loader: the shipped file, dated look-up, and every refusal with its exact message."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from tongnan_calc.core.model import MEASURE_IDS
from tongnan_calc.core.rules import Band, NoValueInForce, RuleError, Tier
from tongnan_calc.rules.load import DEFAULT_RULES, load_rules, parse_rules

SHIPPED = DEFAULT_RULES.read_text(encoding="utf-8")


def edited(old: str, new: str) -> bytes:
    """The shipped rule file with one unique piece of text replaced."""
    assert SHIPPED.count(old) == 1, old
    return SHIPPED.replace(old, new).encode("utf-8")


def line_of(text: str, source: str = SHIPPED) -> int:
    """1-based line of the first occurrence of ``text``."""
    return source[: source.index(text)].count("\n") + 1


def problems(raw: bytes) -> list[str]:
    with pytest.raises(RuleError) as caught:
        parse_rules(raw, "r.yaml")
    return [str(p) for p in caught.value.problems]


# --- the shipped file -------------------------------------------------------------


def test_shipped_rules_load_with_every_measure() -> None:
    rules = load_rules()
    assert tuple(rules.measures) == MEASURE_IDS
    assert rules.version == "2015.1"
    assert rules.start == date(2015, 1, 1)
    assert rules.excluded_by_micro_support == {"rent", "spin_off", "data_line", "sales_milestone"}
    assert rules.value("rent", "rates", date(2015, 6, 1)) == ((Decimal("0.60"), Decimal("0.30")), date(2015, 1, 1))
    assert rules.value("data_line", "annual_cap", date(2016, 12, 31))[0] == Decimal(100000)
    assert rules.value("spin_off", "amount", date(2016, 12, 31))[0] == Decimal(20000)
    assert rules.value("loan_interest", "share_of_benchmark", date(2016, 12, 31))[0] == Decimal("0.5")
    tiers = rules.value("sales_milestone", "tiers", date(2016, 12, 31))[0]
    assert tiers == (Tier(Decimal(50000000), None), Tier(Decimal(100000000), None), Tier(Decimal(1000000000), None))
    assert rules.measures["rent"].responsible == ("区商务局", "区财政局")
    assert rules.measures["loan_interest"].responsible == ("区经济信息委", "区商务局", "区财政局")


def test_top_level_rules_yaml_is_the_shipped_file() -> None:
    top = Path(__file__).parent.parent / "rules.yaml"
    if top.exists():  # in a source checkout the analysts' file is the package's
        assert top.read_bytes() == DEFAULT_RULES.read_bytes()


def test_numbers_are_exact_decimals_from_their_text() -> None:
    rules = load_rules()
    rate, _ = rules.value("data_line", "rate", date(2015, 12, 31))
    assert isinstance(rate, Decimal) and rate == Decimal("0.30")


@pytest.mark.parametrize(
    ("day", "rates", "since"),
    [
        (date(2014, 11, 21), (Decimal("6.00"), 12), date(2012, 7, 6)),  # five-band table: 6 m–1 y
        (date(2014, 11, 22), (Decimal("5.60"), 12), date(2014, 11, 22)),
        (date(2015, 3, 1), (Decimal("5.35"), 12), date(2015, 3, 1)),
        (date(2015, 10, 23), (Decimal("4.60"), 12), date(2015, 8, 26)),
        (date(2019, 8, 19), (Decimal("4.35"), 12), date(2015, 10, 24)),
    ],
)
def test_benchmark_rate_in_force_on_a_date(day: date, rates: tuple[Decimal, int], since: date) -> None:
    bands, effective = load_rules().value("loan_interest", "benchmark_rates", day)
    band = next(b for b in bands if b.max_months is not None and b.max_months >= rates[1])
    assert (band.rate_percent, effective) == (rates[0], since)


def test_benchmark_withdrawn_from_2019_08_20() -> None:
    assert load_rules().value("loan_interest", "benchmark_rates", date(2019, 8, 20)) == (None, date(2019, 8, 20))


def test_no_value_in_force_before_the_first_date() -> None:
    with pytest.raises(NoValueInForce) as caught:
        load_rules().value("loan_interest", "benchmark_rates", date(2002, 2, 20))
    assert str(caught.value) == (
        "loan_interest.benchmark_rates has no value in force on 2002-02-20 (the first is from 2002-02-21)"
    )


def test_a_later_dated_value_takes_over_from_its_date() -> None:
    raw = edited("        2015-01-01: 2000\n", "        2015-01-01: 2000\n        2017-07-01: 3000\n")
    rules = parse_rules(raw, "r.yaml")
    assert rules.value("rent", "area_cap_m2", date(2017, 6, 30)) == (Decimal(2000), date(2015, 1, 1))
    assert rules.value("rent", "area_cap_m2", date(2017, 7, 1)) == (Decimal(3000), date(2017, 7, 1))


# --- refusals: each with file:line and a plain message -------------------------------


def test_unknown_key() -> None:
    raw = edited("      area_cap_m2:\n", "      area_cap:\n        2015-01-01: 1\n      area_cap_m2:\n")
    assert problems(raw) == [
        f"r.yaml:{line_of('      area_cap_m2:')}: rent.params: unknown key 'area_cap' (expected one of: rates, area_cap_m2, enabled)"
    ]


def test_missing_key() -> None:
    raw = edited("      area_cap_m2:\n        2015-01-01: 2000\n", "")
    assert problems(raw) == [f"r.yaml:{line_of('      rates:')}: rent.params: missing key 'area_cap_m2'"]


def test_wrong_type() -> None:
    raw = edited("        2015-01-01: 2000\n", "        2015-01-01: two thousand\n")
    assert problems(raw) == [
        f"r.yaml:{line_of('        2015-01-01: 2000')}: rent.area_cap_m2 from 2015-01-01: expected a number, got 'two thousand'"
    ]


@pytest.mark.parametrize(
    ("written", "yaml_reads"),
    [
        ("020000", "8192"),  # a leading 0: YAML 1.1 octal
        ("0x4E20", "20000"),
        ("0b100111000100000", "20000"),
        ("5:33:20", "20000"),  # YAML 1.1 base 60: 5 x 3600 + 33 x 60 + 20
    ],
    ids=["leading-zero-octal", "hex", "binary", "base-60"],
)
def test_a_whole_number_yaml_reads_otherwise_than_its_digits_is_refused(written: str, yaml_reads: str) -> None:
    """Once read silently: ``amount: 020000`` paid 8,192 yuan per spin-off (YAML 1.1 octal) and rules check
    said ok.  A number is read from its decimal digits or refused, never guessed."""
    raw = edited("        2015-01-01: 20000\n", f"        2015-01-01: {written}\n")
    with pytest.raises(RuleError) as caught:
        parse_rules(raw, "r.yaml")
    (problem,) = caught.value.problems
    at = f"r.yaml:{line_of('        2015-01-01: 20000')}: "
    assert problem.text("en") == (
        f"{at}spin_off.amount from 2015-01-01: expected a number in plain decimal digits, got '{written}'"
        f" (YAML would read it as {yaml_reads})"
    )
    assert problem.text("zh") == (
        f"{at}spin_off.amount（自 2015-01-01 起）：应为普通十进制数字，实际为“{written}”（YAML 会将其读作 {yaml_reads}）"
    )


def test_a_whole_number_of_years_in_octal_is_refused() -> None:
    raw = edited("        2015-01-01: 1\n", "        2015-01-01: 010\n")
    (problem,) = problems(raw)
    assert problem == (
        f"r.yaml:{line_of('        2015-01-01: 1')}: spin_off.min_operating_years from 2015-01-01:"
        " expected a number in plain decimal digits, got '010' (YAML would read it as 8)"
    )


def test_leading_zeros_and_underscores_that_read_as_written_are_accepted() -> None:
    """``02`` is 2 however it is read; ``20_000`` is 20000 (YAML drops the underscores)."""
    rules = parse_rules(
        SHIPPED.replace("        2015-01-01: 20000\n", "        2015-01-01: 20_000\n")
        .replace("        2015-01-01: 1\n", "        2015-01-01: 01\n")
        .encode("utf-8"),
        "r.yaml",
    )
    assert rules.value("spin_off", "amount", date(2016, 12, 31))[0] == Decimal(20000)
    assert rules.value("spin_off", "min_operating_years", date(2016, 12, 31))[0] == 1


def test_undated_value() -> None:
    raw = edited("      area_cap_m2:\n        2015-01-01: 2000\n", "      area_cap_m2: 2000\n")
    assert problems(raw) == [
        f"r.yaml:{line_of('      area_cap_m2:')}: rent.area_cap_m2: undated value: write it as `2015-01-01: <value>`"
    ]


def test_a_key_that_is_not_a_date() -> None:
    raw = edited("        2015-01-01: 2000\n", "        from 2015: 2000\n")
    assert problems(raw) == [
        f"r.yaml:{line_of('        2015-01-01: 2000')}: rent.area_cap_m2 (each value needs its date):"
        " expected a date such as 2015-01-01, got 'from 2015'"
    ]


def test_no_value_in_force_from_the_policy_start() -> None:
    raw = edited("        2015-01-01: 2000\n", "        2016-01-01: 2000\n")
    assert problems(raw) == [
        f"r.yaml:{line_of('        2015-01-01: 2000')}: rent.area_cap_m2: no value in force from the policy start"
        " 2015-01-01 to 2016-01-01: date the first value 2015-01-01 or earlier"
    ]


def test_tiers_out_of_order() -> None:
    raw = edited(
        "          - {threshold: 100000000, amount: null}\n", "          - {threshold: 40000000, amount: null}\n"
    )
    assert problems(raw) == [
        f"r.yaml:{line_of('          - {threshold: 100000000')}: sales_milestone.tiers from 2015-01-01:"
        " tiers out of order: threshold 40000000 is not above 50000000"
    ]


def test_term_bands_out_of_order() -> None:
    raw = edited("          - {max_months: 36, rate: 6.15}\n", "          - {max_months: 10, rate: 6.15}\n")
    assert problems(raw) == [
        f"r.yaml:{line_of('          - {max_months: 36, rate: 6.15}')}: loan_interest.benchmark_rates from 2012-07-06:"
        " term bands out of order: 10 months is not above 12"
    ]


def test_tab_character() -> None:
    raw = edited("      area_cap_m2:\n", "      area_cap_m2:\t\n")
    assert problems(raw) == [f"r.yaml:{line_of('      area_cap_m2:')}: a tab character: indent with spaces"]


def test_duplicate_key_is_caught_not_silently_kept() -> None:
    raw = edited("      area_cap_m2:\n        2015-01-01: 2000\n", "      area_cap_m2:\n        2015-01-01: 2000\n" * 2)
    second = line_of("      area_cap_m2:") + 2
    assert problems(raw) == [
        f"r.yaml:{second}: rent.params: area_cap_m2 appears twice (the first is on line {second - 1})"
    ]


def test_duplicate_date() -> None:
    raw = edited("        2015-01-01: 2000\n", "        2015-01-01: 2000\n        2015-01-01: 2500\n")
    assert problems(raw) == [
        f"r.yaml:{line_of('        2015-01-01: 2000') + 1}: rent.area_cap_m2: 2015-01-01 appears twice"
    ]


def test_responsible_unit_not_in_the_notice() -> None:
    raw = edited(
        "    responsible: [区商务局, 区财政局]\n    params:\n      # 二（二）",
        "    responsible: [区商务局, 区税务局]\n    params:\n      # 二（二）",
    )
    assert problems(raw) == [
        f"r.yaml:{line_of('    responsible: [区商务局, 区财政局]')}: rent.responsible: '区税务局' is not a department named in the notice"
    ]


def test_rate_in_the_wrong_unit() -> None:
    raw = edited("        2015-01-01: [0.60, 0.30]\n", "        2015-01-01: [60, 30]\n")
    line = line_of("        2015-01-01: [0.60, 0.30]")
    assert problems(raw) == [
        f"r.yaml:{line}: rent.rates from 2015-01-01: rate 30 is above 1: write 30% as 0.3",
        f"r.yaml:{line}: rent.rates from 2015-01-01: rate 60 is above 1: write 60% as 0.6",
    ]


def test_negative_cap() -> None:
    raw = edited("        2015-01-01: 100000\n", "        2015-01-01: -100000\n")
    assert problems(raw) == [
        f"r.yaml:{line_of('        2015-01-01: 100000')}: data_line.annual_cap from 2015-01-01: -100000 is negative"
    ]


def test_benchmark_rate_written_as_a_fraction() -> None:
    raw = edited(
        "          - {max_months: 6, rate: 5.60}\n          - {max_months: 12, rate: 6.00}\n",
        "          - {max_months: 6, rate: 0.056}\n          - {max_months: 12, rate: 6.00}\n",
    )
    where = line_of("          - {max_months: 6, rate: 5.60}\n          - {max_months: 12, rate: 6.00}")
    assert problems(raw) == [
        f"r.yaml:{where}: "
        "loan_interest.benchmark_rates from 2012-07-06:"
        " rate 0.056 is in % a year: write 5.60 for 5.60%"
    ]


def test_version_must_be_quoted() -> None:
    raw = edited('version: "2015.1"', "version: 2015.1")
    assert problems(raw) == [f"r.yaml:{line_of('version:')}: version: expected text, got '2015.1': quote it"]


def test_unknown_schema() -> None:
    raw = edited("schema: 1\n", "schema: 2\n")
    assert problems(raw) == [f"r.yaml:{line_of('schema: 1')}: schema: 2 is not a schema this tool reads (1)"]


def test_clause_must_match_the_measure() -> None:
    raw = edited("    clause: 二（二）\n", "    clause: 二（三）\n")
    assert problems(raw) == [
        f"r.yaml:{line_of('    clause: 二（二）')}: rent.clause: '二（三）' is not the clause of rent (二（二）)"
    ]


def test_every_problem_is_reported_at_once() -> None:
    raw = SHIPPED.replace("        2015-01-01: 2000\n", "        2015-01-01: -5\n").replace(
        "        2015-01-01: 0.30\n", "        2015-01-01: 30\n"
    )
    assert len(problems(raw.encode("utf-8"))) == 2


def test_alias_bomb_is_refused_before_expansion() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(20)
    )
    assert problems(bomb.encode()) == ["r.yaml:1: anchors and aliases (& and *) are not allowed: write each value out"]


def test_non_utf8_bytes() -> None:
    raw = SHIPPED.encode("utf-8").replace("区商务局".encode(), "区商务局".encode("gbk"), 1)
    first = line_of("区商务局")
    assert problems(raw) == [f"r.yaml:{first}: byte 0xc7 is not UTF-8: save the file as UTF-8"]


def test_a_file_too_large() -> None:
    raw = SHIPPED.encode() + b"#" * (1024 * 1024)
    assert problems(raw) == ["r.yaml:1: the file is more than 1,048,576 bytes, the most a rule file may have"]


def test_invalid_yaml() -> None:
    raw = edited("        2015-01-01: [0.60, 0.30]\n", "        2015-01-01: [0.60, 0.30\n")
    (only,) = problems(raw)
    assert only.startswith("r.yaml:") and "not valid YAML" in only


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(RuleError) as caught:
        load_rules(tmp_path / "none.yaml")
    assert str(caught.value) == f"{tmp_path / 'none.yaml'}:0: no such rule file"
    with pytest.raises(RuleError) as caught:
        load_rules(tmp_path)
    assert str(caught.value) == f"{tmp_path}:0: is a directory, not a rule file"


def test_bands_must_end_open() -> None:
    raw = edited("          - {max_months: null, rate: 4.90}\n", "")
    assert problems(raw) == [
        f"r.yaml:{line_of('        2015-10-24:') + 1}: loan_interest.benchmark_rates from 2015-10-24:"
        " the last band must be open (max_months: null)"
    ]


def test_band_type_is_kept() -> None:
    bands, _ = load_rules().value("loan_interest", "benchmark_rates", date(2015, 1, 1))
    assert bands[-1] == Band(None, Decimal("6.15"))
