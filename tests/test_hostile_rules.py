"""Hostile rule files through the command line: each is refused with ``file:line: message``
(one line per problem, no traceback) and exit 2, by ``run --rules`` and ``rules check``,
before anything is computed.

tests/test_rules.py checks the loader's messages; here the same refusals and worse ones
(alias bombs, huge and endless files, deep nesting, impossible dates, absurd values)
go through the commands a clerk and an analyst type, some through a real process whose
peak memory is measured.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hostile import cli, cli_child, control, write_batch

from tongnan_calc.rules.load import DEFAULT_RULES, MAX_RULES_BYTES

SHIPPED = DEFAULT_RULES.read_text(encoding="utf-8")
MiB = 1 << 20
TOO_BIG = f"the file is more than {MAX_RULES_BYTES:,} bytes, the most a rule file may have"
BOUNDED = 150 * MiB  # peak resident memory allowed to a refusal


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield write_batch(tmp_path_factory.mktemp("rules") / "batch.xlsx", control())


def edited(old: str, new: str, text: str = SHIPPED) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line_of(needle: str, text: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def refusals(workbook: Path, rules: Path) -> list[str]:
    """The error lines of ``run --rules`` and of ``rules check``: both must be the same and exit 2."""
    run = cli("run", workbook, "--year", 2016, "--rules", rules, "--no-ledger", "--lang", "en")
    check = cli("rules", "check", "--lang", "en", rules)
    for result in (run, check):
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        assert (result.exit_code, result.stdout) == (2, ""), (result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
    assert run.stderr == check.stderr
    lines = run.stderr.splitlines()
    assert lines and all(line.startswith(f"error: {rules}:") for line in lines), run.stderr
    # the same problems on the same lines in Chinese, the default
    chinese = cli("rules", "check", rules)
    assert (chinese.exit_code, chinese.stdout) == (2, ""), chinese.stderr
    zh = chinese.stderr.splitlines()
    assert all(line.startswith(f"错误：{rules}:") for line in zh), chinese.stderr
    places = [line.removeprefix("error: ").split(": ", 1)[0] for line in lines]
    assert [line.removeprefix("错误：").split(": ", 1)[0] for line in zh] == places
    assert not set(zh) & {f"错误：{line.removeprefix('error: ')}" for line in lines}  # translated, not copied
    return [line.removeprefix("error: ") for line in lines]


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# --- alias bombs, size, encoding ----------------------------------------------------------------------

LAUGHS = "lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * 9)}]\n" for i in range(1, 10)
)  # 9^10 = 3.5 billion strings if expanded


def test_yaml_alias_bomb_alone(tmp_path: Path, workbook: Path) -> None:
    path = write(tmp_path, "laughs.yaml", LAUGHS)
    assert refusals(workbook, path) == [
        f"{path}:1: anchors and aliases (& and *) are not allowed: write each value out"
    ]


def test_yaml_alias_bomb_inside_a_real_rule_file(tmp_path: Path, workbook: Path) -> None:
    text = edited("measures:\n", "bomb:\n  " + LAUGHS.replace("\n", "\n  ").rstrip() + "\nmeasures:\n")
    path = write(tmp_path, "rules.yaml", text)
    assert refusals(workbook, path) == [
        f"{path}:{line_of('lol0:', text)}: anchors and aliases (& and *) are not allowed: write each value out"
    ]


def test_an_anchor_on_one_value_is_refused_too(tmp_path: Path, workbook: Path) -> None:
    text = edited("        2015-01-01: 100000\n", "        2015-01-01: &cap 100000\n")
    path = write(tmp_path, "rules.yaml", text)
    line = line_of("&cap", text)
    assert refusals(workbook, path) == [
        f"{path}:{line}: anchors and aliases (& and *) are not allowed: write each value out"
    ]


def test_alias_bomb_is_refused_fast_in_bounded_memory(tmp_path: Path) -> None:
    path = write(tmp_path, "laughs.yaml", LAUGHS)
    child = cli_child("rules", "check", "--lang", "en", path, address_space=1 << 30, timeout=30)
    assert (child.returncode, child.stdout) == (2, ""), child.stderr
    assert child.stderr == f"error: {path}:1: anchors and aliases (& and *) are not allowed: write each value out\n"
    assert child.peak_rss < BOUNDED and child.seconds < 10, (child.peak_rss, child.seconds)


def test_a_10_mb_rule_file(tmp_path: Path, workbook: Path) -> None:
    content = SHIPPED.encode() + b"# " + b"x" * (10 * MiB) + b"\n"
    path = write(tmp_path, "big.yaml", content)
    assert refusals(workbook, path) == [f"{path}:1: {TOO_BIG}"]


def test_a_10_mb_rule_file_in_bounded_memory(tmp_path: Path, workbook: Path) -> None:
    content = SHIPPED.encode() + b"#" * (10 * MiB)
    path = write(tmp_path, "big.yaml", content)
    child = cli_child(
        "run", workbook, "--year", 2016, "--rules", path, "--no-ledger", "--lang", "en", address_space=1 << 30
    )
    assert child.returncode == 2
    assert child.stderr == f"error: {path}:1: {TOO_BIG}\n"
    assert child.peak_rss < BOUNDED


@pytest.mark.parametrize("kind", ["sparse-3GiB", "dev-zero"])
def test_a_huge_or_endless_rule_file_is_refused_without_reading_it_all(tmp_path: Path, kind: str) -> None:
    """Read whole before the size check, these once ended in 'internal error: MemoryError' (or ate memory)."""
    if kind == "dev-zero":
        path = Path("/dev/zero")
    else:
        path = tmp_path / "huge.yaml"
        with path.open("wb") as handle:
            handle.truncate(3 << 30)
    child = cli_child("rules", "check", "--lang", "en", path, address_space=1 << 30, timeout=30)
    # a device is refused before it is opened (tests/test_hostile_special.py), a huge file by its size
    refusal = "0: is a character device, not a rule file" if kind == "dev-zero" else f"1: {TOO_BIG}"
    assert (child.returncode, child.stdout, child.stderr) == (2, "", f"error: {path}:{refusal}\n")
    assert child.peak_rss < BOUNDED


def test_a_rule_file_saved_as_gbk(tmp_path: Path, workbook: Path) -> None:
    content = SHIPPED.encode("gbk")
    path = write(tmp_path, "gbk.yaml", content)
    first = next(i for i, line in enumerate(SHIPPED.splitlines(), 1) if not line.isascii())
    byte = next(b for b in content if b >= 0x80)
    assert refusals(workbook, path) == [f"{path}:{first}: byte 0x{byte:02x} is not UTF-8: save the file as UTF-8"]


def test_one_latin_1_byte_in_a_comment_names_its_line(tmp_path: Path, workbook: Path) -> None:
    content = SHIPPED.encode().replace(b"# OUR READING of ", b"# caf\xe9: OUR READING of ", 1)
    path = write(tmp_path, "latin1.yaml", content)
    line = SHIPPED[: SHIPPED.index("# OUR READING of ")].count("\n") + 1
    assert refusals(workbook, path) == [f"{path}:{line}: byte 0xe9 is not UTF-8: save the file as UTF-8"]


def test_a_workbook_given_as_the_rule_file(tmp_path: Path, workbook: Path) -> None:
    content = workbook.read_bytes()
    with pytest.raises(UnicodeDecodeError) as caught:  # the first byte that is not UTF-8 (a zip's bytes vary with
        content.decode("utf-8")  # its timestamps: the first byte above 0x7f may begin a valid sequence)
    line = content[: caught.value.start].count(b"\n") + 1
    byte = content[caught.value.start]
    path = write(tmp_path, "rules.xlsx", content)
    assert refusals(workbook, path) == [f"{path}:{line}: byte 0x{byte:02x} is not UTF-8: save the file as UTF-8"]


def test_utf16_and_tabs(tmp_path: Path, workbook: Path) -> None:
    utf16 = write(tmp_path, "utf16.yaml", SHIPPED.encode("utf-16"))
    assert refusals(workbook, utf16) == [f"{utf16}:1: byte 0xff is not UTF-8: save the file as UTF-8"]
    text = edited("        2015-01-01: 2000\n", "\t2015-01-01: 2000\n")
    tabs = write(tmp_path, "tabs.yaml", text)
    assert refusals(workbook, tabs) == [f"{tabs}:{line_of(chr(9), text)}: a tab character: indent with spaces"]


def test_a_byte_order_mark_is_accepted(tmp_path: Path, workbook: Path) -> None:
    """Notepad's UTF-8 with a byte order mark is the same rule file: the same results."""
    path = write(tmp_path, "bom.yaml", "\ufeff" + SHIPPED)
    with_bom = cli("run", workbook, "--year", 2016, "--rules", path, "--no-ledger", "--json", "-")
    shipped = cli("run", workbook, "--year", 2016, "--no-ledger", "--json", "-")
    assert (with_bom.exit_code, shipped.exit_code) == (0, 0), with_bom.stderr
    bom, plain = json.loads(with_bom.stdout), json.loads(shipped.stdout)
    assert bom["rules"]["version"] == plain["rules"]["version"] == "2015.1"
    assert bom["rules"]["sha256"] != plain["rules"]["sha256"]  # the bytes differ ...
    assert bom["entitlements"] == plain["entitlements"]  # ... the rules do not


# --- values in the wrong unit, dates with no value, negative caps --------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "        2015-01-01: [0.60, 0.30]\n",
            "        2015-01-01: [60, 0.30]\n",
            "rent.rates from 2015-01-01: rate 60 is above 1: write 60% as 0.6",
        ),
        (
            "        2015-01-01: 0.30\n",
            "        2015-01-01: 30\n",
            "data_line.rate from 2015-01-01: rate 30 is above 1: write 30% as 0.3",
        ),
        (
            "        2015-01-01: 0.5\n",
            "        2015-01-01: 50\n",
            "loan_interest.share_of_benchmark from 2015-01-01: rate 50 is above 1: write 50% as 0.5",
        ),
        (
            "          - {max_months: 12, rate: 4.35}\n",
            "          - {max_months: 12, rate: 0.0435}\n",
            "loan_interest.benchmark_rates from 2015-10-24: rate 0.0435 is in % a year: write 5.60 for 5.60%",
        ),
        (
            "        2015-01-01: [0.60, 0.30]\n",
            "        2015-01-01: [-0.60, 0.30]\n",
            "rent.rates from 2015-01-01: rate -0.60 is negative",
        ),
    ],
    ids=["rent-rate-60", "data-line-rate-30", "share-50", "benchmark-as-fraction", "negative-rate"],
)
def test_a_value_in_the_wrong_unit(tmp_path: Path, workbook: Path, old: str, new: str, message: str) -> None:
    text = edited(old, new)
    path = write(tmp_path, "rules.yaml", text)
    assert refusals(workbook, path) == [f"{path}:{line_of(new, text)}: {message}"]


@pytest.mark.parametrize(
    ("param", "kind"),
    [
        ("annual_cap:\n        2015-01-01: 100000\n", "a number"),
        ("rates:\n        2015-01-01: [0.60, 0.30]\n", "a list"),
        ("mode:\n        2015-01-01: highest_only\n", "text"),
        ("amount:\n        2015-01-01: 20000\n", "a number"),
    ],
    ids=["annual_cap", "rates", "mode", "spin_off-amount"],
)
def test_a_date_in_force_with_no_value(tmp_path: Path, workbook: Path, param: str, kind: str) -> None:
    text = edited(param, param + "        2017-01-01:\n")
    path = write(tmp_path, "rules.yaml", text)
    name = param.split(":", maxsplit=1)[0]
    measure = {"annual_cap": "data_line", "rates": "rent", "mode": "sales_milestone", "amount": "spin_off"}[name]
    line = line_of(param, text) + 2
    assert refusals(workbook, path) == [
        f"{path}:{line}: {measure}.{name} from 2017-01-01: expected {kind}, got nothing"
    ]


def test_a_parameter_with_no_date_and_no_value(tmp_path: Path, workbook: Path) -> None:
    text = edited("      annual_cap:\n        2015-01-01: 100000\n", "      annual_cap:\n")
    path = write(tmp_path, "rules.yaml", text)
    assert refusals(workbook, path) == [
        f"{path}:{line_of('      annual_cap:', text)}: data_line.annual_cap: undated value: "
        "write it as `2015-01-01: <value>`"
    ]


def test_no_value_in_force_from_the_policy_start(tmp_path: Path, workbook: Path) -> None:
    text = edited("        2015-01-01: 2000\n", "        2016-01-01: 2000\n")
    path = write(tmp_path, "rules.yaml", text)
    assert refusals(workbook, path) == [
        f"{path}:{line_of('        2016-01-01: 2000', text)}: rent.area_cap_m2: no value in force from the policy "
        "start 2015-01-01 to 2016-01-01: date the first value 2015-01-01 or earlier"
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("2015-01-01: 100000\n", "2015-01-01: -100000\n", "data_line.annual_cap from 2015-01-01: -100000 is negative"),
        (
            "2015-01-01: 500000\n",
            "2015-01-01: -500000\n",
            "loan_interest.enterprise_cap from 2015-01-01: -500000 is negative",
        ),
        ("2015-01-01: 2000\n", "2015-01-01: -2000\n", "rent.area_cap_m2 from 2015-01-01: -2000 must be above 0"),
        ("2015-01-01: 20000\n", "2015-01-01: -20000\n", "spin_off.amount from 2015-01-01: -20000 is negative"),
        (
            "{threshold: 50000000, amount: null}",
            "{threshold: 50000000, amount: -1}",
            "sales_milestone.tiers from 2015-01-01 amount: -1 is negative",
        ),
        ("2015-01-01: 100000\n", "2015-01-01: -0.0\n", None),  # negative zero is zero: a cap of 0 is allowed
    ],
    ids=["annual_cap", "enterprise_cap", "area_cap", "spin_off-amount", "tier-amount", "annual_cap-negative-zero"],
)
def test_negative_caps(tmp_path: Path, workbook: Path, old: str, new: str, message: str | None) -> None:
    text = edited(old, new)
    path = write(tmp_path, "rules.yaml", text)
    if message is None:
        result = cli("run", workbook, "--year", 2016, "--rules", path, "--no-ledger", "--json", "-")
        assert result.exit_code == 0, result.stderr
        assert (
            '"measure": "data_line",\n      "clause": "二（四）",\n      "status": "ineligible",\n      "amount": null,\n'
            '      "tier": null,\n      "reason": "按计算依据，金额为0.00元，无需发放（二（四））"'
            in (result.stdout)  # a cap of 0 leaves nothing to pay (common.payable)
        )
        return
    assert refusals(workbook, path) == [f"{path}:{line_of(new, text)}: {message}"]


def test_a_negative_cap_in_a_later_revision(tmp_path: Path, workbook: Path) -> None:
    text = edited("        2015-01-01: 500000\n", "        2015-01-01: 500000\n        2017-01-01: -1\n")
    path = write(tmp_path, "rules.yaml", text)
    assert refusals(workbook, path) == [
        f"{path}:{line_of('2017-01-01: -1', text)}: loan_interest.enterprise_cap from 2017-01-01: -1 is negative"
    ]


def test_every_problem_is_listed_each_on_its_own_line(tmp_path: Path, workbook: Path) -> None:
    text = edited("        2015-01-01: 100000\n", "        2015-01-01: -100000\n")
    text = edited("        2015-01-01: [0.60, 0.30]\n", "        2015-01-01: [60, 30]\n", text)
    text = edited("        2015-01-01: 20000\n", "        2015-01-01:\n", text)
    path = write(tmp_path, "rules.yaml", text)
    rates = line_of("[60, 30]", text)
    assert refusals(workbook, path) == [
        f"{path}:{rates}: rent.rates from 2015-01-01: rate 30 is above 1: write 30% as 0.3",
        f"{path}:{rates}: rent.rates from 2015-01-01: rate 60 is above 1: write 60% as 0.6",
        f"{path}:{line_of('2015-01-01:' + chr(10) + '      # 二（三）', text)}: spin_off.amount from 2015-01-01: "
        "expected a number, got nothing",
        f"{path}:{line_of('-100000', text)}: data_line.annual_cap from 2015-01-01: -100000 is negative",
    ]


def test_rule_files_refused_as_real_processes(tmp_path: Path, workbook: Path) -> None:
    """The console-script entry prints exactly the lines ``cli`` gets, and exits 2, no traceback."""
    cases = {
        "laughs.yaml": LAUGHS,
        "rate.yaml": edited("        2015-01-01: 0.30\n", "        2015-01-01: 30\n"),
        "cap.yaml": edited("        2015-01-01: 500000\n", "        2015-01-01: -500000\n"),
        "nothing.yaml": edited("        2015-01-01: 2000\n", "        2015-01-01:\n"),
    }
    paths = [write(tmp_path, name, text) for name, text in cases.items()]
    with ThreadPoolExecutor(max_workers=4) as pool:
        children = list(
            pool.map(
                lambda p: cli_child("run", workbook, "--year", 2016, "--rules", p, "--no-ledger", "--lang", "en"), paths
            )
        )
    for path, child in zip(paths, children, strict=True):
        expected = "".join(f"error: {line}\n" for line in refusals(workbook, path))
        assert (child.returncode, child.stdout, child.stderr) == (2, "", expected)


# --- once a crash, a blank message, or a line without file:line ------------------------------------------------


@pytest.mark.parametrize("content", ["", "# only a comment\n", "\n\n"], ids=["empty", "comment", "blank-lines"])
def test_an_empty_rule_file_says_so(tmp_path: Path, workbook: Path, content: str) -> None:
    """Once refused with 'error: ' and nothing after it."""
    path = write(tmp_path, "empty.yaml", content)
    assert refusals(workbook, path) == [
        f"{path}:1: the file is empty: expected a mapping of schema, version, policy, measures"
    ]


def test_a_nul_character_is_one_line_with_its_own_line_number(tmp_path: Path, workbook: Path) -> None:
    """Once two lines, the first naming line 1, the second '  in "<unicode string>", position N'."""
    text = SHIPPED + "# \x00\n"
    path = write(tmp_path, "nul.yaml", text)
    assert refusals(workbook, path) == [
        f"{path}:{text.count(chr(10))}: not valid YAML: unacceptable character #x0000: special characters are not allowed"
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "        2015-01-01: 2000\n",
            "        2015-02-30: 2000\n",
            "rent.area_cap_m2 (each value needs its date): '2015-02-30' is not a real calendar date",
        ),
        ("  start: 2015-01-01\n", "  start: 2015-13-45\n", "policy.start: '2015-13-45' is not a real calendar date"),
    ],
    ids=["dated-key-30-february", "policy-start-month-13"],
)
def test_an_impossible_date_is_refused_with_its_line(
    tmp_path: Path, workbook: Path, old: str, new: str, message: str
) -> None:
    """Once a crash: ValueError from PyYAML's timestamp constructor, 'internal error'."""
    text = edited(old, new)
    path = write(tmp_path, "rules.yaml", text)
    assert refusals(workbook, path) == [f"{path}:{line_of(new, text)}: {message}"]


@pytest.mark.parametrize("depth", [500, 100_000])
def test_deeply_nested_yaml_is_refused_with_file_and_line(tmp_path: Path, depth: int) -> None:
    """Once 'internal error: RecursionError' (500 levels), or minutes of PyYAML's quadratic
    scanning (1,000 levels took 2 s, 20,000 levels 36 s)."""
    path = write(tmp_path, "deep.yaml", "[" * depth + "]" * depth)
    child = cli_child("rules", "check", "--lang", "en", path, address_space=1 << 30, timeout=30)
    assert (child.returncode, child.stdout) == (2, "")
    assert child.stderr == f"error: {path}:1: lists or mappings nested more than 32 deep\n"
    assert child.seconds < 10 and child.peak_rss < BOUNDED


def test_an_absurd_but_well_typed_duration_never_crashes_the_run(tmp_path: Path, workbook: Path) -> None:
    """Once accepted, then a crash in the run: dates.add_years, 'year 11014 is out of range'."""
    text = edited("        2015-01-01: 1\n", "        2015-01-01: 9000\n")
    path = write(tmp_path, "rules.yaml", text)
    assert refusals(workbook, path) == [
        f"{path}:{line_of('9000', text)}: spin_off.min_operating_years from 2015-01-01: 9000 is more than 100: "
        "check the value and its unit"
    ]


def test_an_absurd_amount_in_the_rule_file_never_crashes_the_run(tmp_path: Path, workbook: Path) -> None:
    """Once accepted, then a crash in the run: decimal.InvalidOperation in money.round_money."""
    big = "1" + "0" * 30
    text = edited("        2015-01-01: 20000\n", f"        2015-01-01: {big}\n")
    path = write(tmp_path, "rules.yaml", text)
    assert refusals(workbook, path) == [
        f"{path}:{line_of(big, text)}: spin_off.amount from 2015-01-01: {big} is more than 1,000,000,000,000: "
        "check the value and its unit"
    ]
