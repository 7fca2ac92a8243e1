"""Every file the tool writes: atomically, never over an existing file without --force,
never into a missing or read-only folder, and never with input text turned into a formula.

The files: the payout workbook (``run --out``), the JSON (``run --json``, ``compare --json``),
the comparison workbook (``compare --out``), the annotated copy (``check --annotate``), the
input template (``template``) and the ledger export (``ledger export``).

A write that fails midway is made real: the command runs as a process whose files may not
grow past 2 KiB (RLIMIT_FSIZE, as on a full disk), so the writer fails after it created its
temporary file and wrote part of it.  Read-only folders are read-only bind mounts seen only
by the child process (the tests run as root, for whom permission bits do not count).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hostile import (
    A,
    B,
    Child,
    X,
    cli,
    cli_child,
    control,
    grid,
    in_read_only_folder,
    one_error_line,
    read_only_folder_support,
    with_x,
    write_batch,
    write_raw_xlsx,
)
from ledger_helpers import new_ledger, write_history

from tongnan_calc.files import outputs
from tongnan_calc.rules.load import DEFAULT_RULES

OLD = b"the old file: it must survive a failed write byte for byte\n"
HOSTILE_TEXT = ("=1+1", "+SUM(A1:A9)", "-2+3", "@SUM(1)", '=HYPERLINK("http://example.com","x")', "=cmd|' /C calc'!A0")


@pytest.fixture
def setup(tmp_path: Path) -> dict[str, Path]:
    return make_setup(tmp_path)


def make_setup(tmp_path: Path) -> dict[str, Path]:
    """An input workbook, a reform rule file and a ledger with one payout, outside the output folder."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    reform = inputs / "reform.yaml"
    shipped = DEFAULT_RULES.read_text(encoding="utf-8")
    revised = shipped.replace("        2015-01-01: 100000\n", "        2015-01-01: 150000\n")
    # a revision carries its own version: compare refuses two different files under one version
    reform.write_text(re.sub(r'^version: "[^"]*"', 'version: "2015.9-test"', revised, flags=re.M), encoding="utf-8")
    ledger = new_ledger(inputs / "ledger.sqlite")
    assert (
        cli(
            "ledger",
            "import",
            write_history(inputs / "history.xlsx", [(A, 2015, "spin_off", None, 20000)]),
            "--ledger",
            ledger,
        ).exit_code
        == 0
    )
    out = tmp_path / "out"
    out.mkdir()
    return {"workbook": write_batch(inputs / "batch.xlsx", with_x()), "reform": reform, "ledger": ledger, "out": out}


EN = "--lang=en"

# (id, the file written, the command writing it), in English: the tests pin the English messages
Command = Callable[[dict[str, Path], Path], list[object]]
COMMANDS: list[tuple[str, str, Command]] = [
    ("run-out", "payout.xlsx", lambda s, o: ["run", s["workbook"], "--year", 2016, "--no-ledger", "--out", o, EN]),
    ("run-json", "result.json", lambda s, o: ["run", s["workbook"], "--year", 2016, "--no-ledger", "--json", o, EN]),
    (
        "compare-out",
        "compare.xlsx",
        lambda s, o: [
            "compare",
            EN,
            s["workbook"],
            "--year",
            2016,
            "--baseline",
            DEFAULT_RULES,
            "--reform",
            s["reform"],
            "--no-ledger",
            "--out",
            o,
        ],
    ),
    (
        "compare-json",
        "compare.json",
        lambda s, o: [
            "compare",
            EN,
            s["workbook"],
            "--year",
            2016,
            "--baseline",
            DEFAULT_RULES,
            "--reform",
            s["reform"],
            "--no-ledger",
            "--json",
            o,
        ],
    ),
    ("check-annotate", "annotated.xlsx", lambda s, o: ["check", s["workbook"], "--annotate", o, EN]),
    ("template", "template.xlsx", lambda s, o: ["template", o, EN]),
    ("ledger-export", "export.xlsx", lambda s, o: ["ledger", "export", o, "--ledger", s["ledger"], EN]),
]
IDS = [name for name, _, _ in COMMANDS]
PARAMS = [pytest.param(file, command, id=name) for name, file, command in COMMANDS]


def listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def exit_ok(result: Any) -> bool:
    return result.exit_code in (0, 1) and (result.exception is None or isinstance(result.exception, SystemExit))


# --- a write that fails midway --------------------------------------------------------------------


@dataclass(frozen=True)
class FullDisk:
    """What one command did when its files could not grow past 2 KiB."""

    child: Child
    target: Path
    old_intact: bool
    listing: list[str]


@pytest.fixture(scope="module")
def full_disk(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FullDisk]:
    """Every command of COMMANDS run once (in parallel) with --force over an old file, on a 'full disk'."""
    folder = tmp_path_factory.mktemp("full-disk")
    inputs = make_setup(folder)

    def one(case: tuple[str, str, Command]) -> tuple[str, FullDisk]:
        name, file, command = case
        out = folder / name
        out.mkdir()
        target = out / file
        target.write_bytes(OLD)
        child = cli_child(*command(inputs, target), "--force", file_size=2048)
        return name, FullDisk(child, target, target.read_bytes() == OLD, listing(out))

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(one, COMMANDS))


@pytest.mark.parametrize("name", IDS)
def test_a_write_failing_midway_leaves_the_old_file_and_no_temporary_file(
    full_disk: dict[str, FullDisk], name: str
) -> None:
    case = full_disk[name]
    assert case.child.returncode == 2, case.child.stderr
    first = case.child.stderr.splitlines()[0]
    if name.startswith("run-"):  # these name the output (tests/test_hostile_streams.py)
        assert first == f"error: cannot write {case.target}: file too large", case.child.stderr
    elif name.startswith("compare-"):  # its tables on stdout (a file here, limited too) pass 2 KiB first
        assert first == "error: cannot write to standard output: file too large", case.child.stderr
    else:
        assert first.startswith("error: ") and "File too large" in first, case.child.stderr
    assert case.old_intact
    assert case.listing == [case.target.name]  # the temporary file is gone


@pytest.mark.parametrize("name", IDS)
def test_a_write_failing_midway_is_one_line_without_traceback(full_disk: dict[str, FullDisk], name: str) -> None:
    child = full_disk[name].child
    assert child.returncode == 2
    assert "Traceback" not in child.stderr, child.stderr
    assert len(child.stderr.splitlines()) == 1, child.stderr


def test_a_failed_rename_leaves_the_old_file_and_no_temporary_file(
    setup: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last step of an atomic write fails (the folder went away, a network share dropped)."""
    calls: list[str] = []

    def refuse(source: str | Path, target: str | Path) -> None:
        calls.append(str(source))
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(outputs.os, "replace", refuse)
    for file, option in (("payout.xlsx", "--out"), ("result.json", "--json")):
        target = setup["out"] / file
        target.write_bytes(OLD)
        result = cli("run", setup["workbook"], "--year", 2016, "--no-ledger", option, target, "--force", "--lang", "en")
        assert (result.exit_code, result.stderr) == (2, f"error: cannot write {target}: input/output error\n")
        assert target.read_bytes() == OLD
    assert len(calls) == 2 and all(Path(c).parent == setup["out"] for c in calls)  # the temporary files were beside
    assert listing(setup["out"]) == ["payout.xlsx", "result.json"]


# --- an existing output is replaced only with --force ----------------------------------------------------


@pytest.mark.parametrize(("file", "command"), PARAMS)
def test_an_existing_output_is_not_overwritten_without_force(
    setup: dict[str, Path], file: str, command: Command
) -> None:
    target = setup["out"] / file
    target.write_bytes(OLD)
    refused = cli(*command(setup, target))
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert one_error_line(refused.stderr) == f"{target} exists: use --force to replace it"
    assert target.read_bytes() == OLD
    assert listing(setup["out"]) == [file]

    forced = cli(*command(setup, target), "--force")
    assert exit_ok(forced), (forced.exit_code, forced.stderr, forced.exception)
    assert target.read_bytes() != OLD
    assert listing(setup["out"]) == [file]


def test_one_existing_output_stops_the_other_outputs_too(setup: dict[str, Path]) -> None:
    out, payout, result = setup["out"], setup["out"] / "payout.xlsx", setup["out"] / "result.json"
    result.write_bytes(OLD)
    refused = cli("run", setup["workbook"], "--year", 2016, "--no-ledger", "--out", payout, "--json", result, EN)
    assert one_error_line(refused.stderr) == f"{result} exists: use --force to replace it"
    assert listing(out) == ["result.json"]  # nothing computed, nothing written


def compare_args(workbook: Path, reform: Path) -> list[object]:
    return ["compare", workbook, "--year", 2016, "--baseline", DEFAULT_RULES, "--reform", reform, "--no-ledger", EN]


@pytest.mark.parametrize(
    "case",
    [
        "out-is-the-input",
        "out-is-the-input-spelled-otherwise",
        "out-is-the-ledger",
        "json-is-the-input",
        "json-is-the-rule-file",
        "compare-out-is-the-reform",
        "out-and-json-the-same-file",
    ],
)
def test_an_output_is_never_an_input_nor_the_other_output(setup: dict[str, Path], case: str) -> None:
    """Even with --force: `run B --out B --force` once replaced the input workbook with the payout
    workbook, `--out L` the ledger (every recorded payout lost), and `--out P --json P` wrote the
    JSON over the payout workbook."""
    workbook, ledger, reform, same = setup["workbook"], setup["ledger"], setup["reform"], setup["out"] / "same.xlsx"
    before = {path: path.read_bytes() for path in (workbook, ledger, reform)}
    run = ["run", workbook, "--year", 2016, EN]
    args, named = {
        "out-is-the-input": ([*run, "--no-ledger", "--out", workbook, "--force"], workbook),
        "out-is-the-input-spelled-otherwise": (
            [*run, "--no-ledger", "--out", workbook.parent / "." / workbook.name, "--force"],
            workbook.parent / "." / workbook.name,
        ),
        "out-is-the-ledger": ([*run, "--ledger", ledger, "--out", ledger, "--force"], ledger),
        "json-is-the-input": ([*run, "--no-ledger", "--json", workbook, "--force"], workbook),
        "json-is-the-rule-file": ([*run, "--no-ledger", "--rules", reform, "--json", reform, "--force"], reform),
        "compare-out-is-the-reform": (
            [*compare_args(workbook, reform), "--out", reform, "--force"],
            reform,
        ),
        "out-and-json-the-same-file": ([*run, "--no-ledger", "--out", same, "--json", same], same),
    }[case]
    result = cli(*args)
    assert (result.exit_code, result.stdout) == (2, "")
    expected = (
        f"{named} is given as two outputs: give each its own file"
        if case == "out-and-json-the-same-file"
        else f"{Path(named).resolve() if 'otherwise' in case else named} is an input of this command: give another file name"
    )
    assert one_error_line(result.stderr) == expected
    assert {path: path.read_bytes() for path in before} == before
    assert listing(setup["out"]) == []


def test_a_ledger_export_is_never_written_over_its_ledger(setup: dict[str, Path]) -> None:
    ledger = setup["out"] / "ledger.xlsx"
    ledger.write_bytes(setup["ledger"].read_bytes())
    before = ledger.read_bytes()
    result = cli("ledger", "export", ledger, "--ledger", ledger, "--force", "--lang", "en")
    assert ledger.read_bytes() == before
    assert result.exit_code == 2
    one_error_line(result.stderr)


# --- a missing folder, a read-only folder ------------------------------------------------------------------


@pytest.mark.parametrize(("file", "command"), PARAMS)
def test_an_output_in_a_missing_folder_is_one_line(setup: dict[str, Path], file: str, command: Command) -> None:
    folder = setup["out"] / "no" / "such"
    target = folder / file
    result = cli(*command(setup, target))
    assert (result.exit_code, result.stdout) == (2, "")
    assert one_error_line(result.stderr) == f"cannot write {target}: folder {folder} does not exist"
    assert not (setup["out"] / "no").exists()


def test_a_ledger_in_a_missing_folder_is_one_line(setup: dict[str, Path]) -> None:
    folder = setup["out"] / "no"
    ledger = folder / "ledger.sqlite"
    history = write_history(setup["out"] / "history.xlsx", [(B, 2015, "spin_off", None, 20000)])
    result = cli("ledger", "init", ledger, "--lang", "en")
    assert (result.exit_code, result.stdout) == (2, "")
    assert one_error_line(result.stderr) == f"cannot create ledger {ledger}: folder {folder} does not exist"
    imported = cli("ledger", "import", history, "--ledger", ledger, "--lang", "en")
    assert (imported.exit_code, imported.stdout) == (2, "")
    assert one_error_line(imported.stderr) == (
        f"ledger {ledger} (named with --ledger) does not exist, nothing was created: check the path;"
        f" to create the bureau's ledger, use `tongnan-calc ledger init {ledger}`"
    )
    assert not folder.exists()


@pytest.fixture
def read_only(setup: dict[str, Path]) -> Iterator[Path]:
    reason = read_only_folder_support(setup["out"])
    if reason is not None:
        pytest.skip(f"cannot make a read-only folder: {reason}")
    yield setup["out"]


@pytest.fixture(scope="module")
def read_only_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Child, Path, list[str]]]:
    """Every command of COMMANDS run once (in parallel) into a folder it may not write."""
    folder = tmp_path_factory.mktemp("read-only")
    inputs = make_setup(folder)
    probe = folder / "probe"
    probe.mkdir()
    reason = read_only_folder_support(probe)
    if reason is not None:
        pytest.skip(f"cannot make a read-only folder: {reason}")

    def one(case: tuple[str, str, Command]) -> tuple[str, tuple[Child, Path, list[str]]]:
        name, file, command = case
        out = folder / name
        out.mkdir()
        target = out / file
        child = in_read_only_folder(out, *command(inputs, target))
        return name, (child, target, listing(out))

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(one, COMMANDS))


@pytest.mark.parametrize("name", IDS)
def test_an_output_in_a_read_only_folder_is_one_line(
    read_only_runs: dict[str, tuple[Child, Path, list[str]]], name: str
) -> None:
    child, target, files = read_only_runs[name]
    assert (child.returncode, child.stdout) == (2, "")
    assert child.stderr == f"error: cannot write {target}: no permission to write in {target.parent}\n"
    assert files == []


def test_a_ledger_in_a_read_only_folder_is_read_but_never_written(setup: dict[str, Path], read_only: Path) -> None:
    ledger = read_only / "ledger.sqlite"
    ledger.write_bytes(setup["ledger"].read_bytes())
    before = ledger.read_bytes()
    payout = setup["out"].parent / "payout.xlsx"
    # computed against the ledger: without it, its spin_off is paid again and `ledger record` refuses that first
    assert cli("run", setup["workbook"], "--year", 2016, "--ledger", setup["ledger"], "--out", payout).exit_code == 0

    run = in_read_only_folder(read_only, "run", setup["workbook"], "--year", 2016, "--ledger", ledger, "--json", "-")
    assert run.returncode == 0, run.stderr
    assert '"prior_payouts_read": 1' in run.stdout
    record = in_read_only_folder(read_only, "ledger", "record", payout, "--ledger", ledger, "--lang", "en")
    assert (record.returncode, record.stdout) == (2, "")
    assert record.stderr == f"error: ledger {ledger} cannot be written: the file or its folder is read-only\n"
    fresh = read_only / "new.sqlite"
    create = in_read_only_folder(read_only, "ledger", "init", fresh, "--lang", "en")
    assert (create.returncode, create.stdout) == (2, "")
    assert create.stderr.startswith(f"error: cannot open ledger {fresh}: ") and len(create.stderr.splitlines()) == 1
    assert ledger.read_bytes() == before
    assert listing(read_only) == ["ledger.sqlite"]


# --- input text that looks like a formula stays text, in every workbook ------------------------------------


def hostile_batch() -> dict[str, list[dict[str, object]]]:
    """Enterprise names, a building and a loan id that Excel would take for formulas."""
    sheets = with_x(enterprises={"name": HOSTILE_TEXT[0]}, leases={"building": HOSTILE_TEXT[1]})
    names = iter(HOSTILE_TEXT[2:])
    for record in sheets["enterprises"][:3]:
        record["name"] = next(names)
    sheets["loans"][0]["loan_id"] = HOSTILE_TEXT[5]
    sheets["enterprises"].append({"credit_code": UNKNOWN_NAME_CODE, "name": "=2*3", "ecommerce_entity": "maybe"})
    return sheets


UNKNOWN_NAME_CODE = "91500223MA5U7K3L2W"[:17] + "X"  # a wrong check character: a warning, the row is kept


def cells_of(path: Path) -> list[tuple[str, str, object, str]]:
    """(sheet, cell, value, data type) of every non-empty cell, as openpyxl reads it back."""
    book = openpyxl.load_workbook(path)
    return [
        (sheet.title, cell.coordinate, cell.value, cell.data_type)
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def assert_text_never_formula(path: Path, expected: tuple[str, ...], formula_sheets: tuple[str, ...] = ()) -> None:
    found = cells_of(path)
    texts = {value for _, _, value, kind in found if kind == "s"}
    for text in expected:
        assert any(isinstance(v, str) and text in v for v in texts), f"{text!r} is not in {path.name} as text"
    for sheet, where, value, kind in found:
        if kind == "f":
            assert sheet in formula_sheets, (sheet, where, value)
            assert not any(text.lstrip("=+-@")[:6] in str(value) for text in HOSTILE_TEXT), (sheet, where, value)
        elif isinstance(value, str) and value[:1] in "=+-@":
            assert kind == "s", (sheet, where, value, kind)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_payout_workbook_writes_formula_like_text_as_text(tmp_path: Path, lang: str) -> None:
    workbook = write_raw_xlsx(tmp_path / "batch.xlsx", grid(hostile_batch()))
    out = tmp_path / "payout.xlsx"
    result = cli("run", workbook, "--year", 2016, "--no-ledger", "--out", out, "--lang", lang)
    assert result.exit_code == 1, result.stderr  # the row with 'maybe' is an input error
    summary = "汇总" if lang == "zh" else "summary"
    payable = "应付明细" if lang == "zh" else "payable"  # its 合计 row sums and counts the lines
    names_and_loan_id = tuple(text for text in HOSTILE_TEXT if text != HOSTILE_TEXT[1])  # the building is not written
    assert_text_never_formula(out, names_and_loan_id, formula_sheets=(summary, payable))


def test_payout_workbook_provenance_writes_a_formula_like_file_name_and_version_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_batch(tmp_path / "=1+2.xlsx", control())
    rules = tmp_path / "@rules.yaml"
    rules.write_text(
        DEFAULT_RULES.read_text(encoding="utf-8")
        .replace('version: "2015.1"', 'version: "=1+1"')
        .replace("title: 新落户企业办公用房租金补助", 'title: "-cmd|calc"'),
        encoding="utf-8",
    )
    result = cli("run", "=1+2.xlsx", "--year", 2016, "--no-ledger", "--rules", "@rules.yaml", "--out", "+p.xlsx")
    assert result.exit_code == 0, result.stderr
    # (the measure's title from the rule file is no longer written: the workbook shows the measure's Chinese name)
    assert_text_never_formula(tmp_path / "+p.xlsx", ("=1+2.xlsx", "@rules.yaml", "=1+1"), ("汇总", "应付明细"))


def test_comparison_workbook_writes_formula_like_text_as_text(setup: dict[str, Path], tmp_path: Path) -> None:
    workbook = write_raw_xlsx(tmp_path / "batch.xlsx", grid(hostile_batch()))
    out = tmp_path / "compare.xlsx"
    result = cli(
        "compare",
        workbook,
        "--year",
        2016,
        "--baseline",
        DEFAULT_RULES,
        "--reform",
        setup["reform"],
        "--no-ledger",
        "--out",
        out,
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert out.exists(), result.stderr
    # A's data-line subsidy changes under the reform: A's name is in the sheet of changes
    assert_text_never_formula(out, (HOSTILE_TEXT[2],), formula_sheets=("汇总",))


def test_annotated_copy_keeps_formula_like_text_as_text(tmp_path: Path) -> None:
    workbook = write_raw_xlsx(tmp_path / "batch.xlsx", grid(hostile_batch()))
    out = tmp_path / "annotated.xlsx"
    result = cli("check", workbook, "--annotate", out)
    assert result.exit_code == 1, result.stderr
    assert_text_never_formula(out, (*HOSTILE_TEXT, "=2*3"))


def test_ledger_export_writes_formula_like_text_as_text(setup: dict[str, Path], tmp_path: Path) -> None:
    ledger = setup["ledger"]
    reversal = cli("ledger", "reverse", "1", "--reason", '=HYPERLINK("http://example.com","x")', "--ledger", ledger)
    assert reversal.exit_code == 0, reversal.stderr
    out = tmp_path / "export.xlsx"
    assert cli("ledger", "export", out, "--ledger", ledger).exit_code == 0
    assert_text_never_formula(out, ('=HYPERLINK("http://example.com","x")',))


def test_ledger_export_survives_a_control_character_in_a_reason(setup: dict[str, Path], tmp_path: Path) -> None:
    """Once a crash of `ledger export`: openpyxl's IllegalCharacterError on the stored reason."""
    ledger = setup["ledger"]
    assert cli("ledger", "reverse", "1", "--reason", "错\x01误", "--ledger", ledger).exit_code == 0
    out = tmp_path / "export.xlsx"
    export = cli("ledger", "export", out, "--ledger", ledger)
    assert (export.exit_code, export.exception) == (0, None), export.stderr
    reasons = [value for sheet, _, value, _ in cells_of(out) if sheet == "全部记录" and isinstance(value, str)]
    assert any(value.startswith("错") and value.endswith("误") for value in reasons), reasons


def test_payout_workbook_survives_control_characters_in_input_text(tmp_path: Path) -> None:
    name = "丙\x0b电商\x01有限公司"
    workbook = write_raw_xlsx(tmp_path / "batch.xlsx", grid(with_x(enterprises={"name": name})))
    out = tmp_path / "payout.xlsx"
    result = cli("run", workbook, "--year", 2016, "--no-ledger", "--out", out)
    assert result.exit_code == 0, (result.stderr, result.exception)
    names = {value for sheet, _, value, _ in cells_of(out) if sheet == "应付明细" and isinstance(value, str)}
    assert any(value.startswith("丙") and value.endswith("有限公司") for value in names), names
    assert X in {value for sheet, _, value, _ in cells_of(out) if sheet == "应付明细"}
