"""The shipped example and the ledger (issue 13): the help's ledger examples work when pasted in a
fresh clone's root and write only into a scratch ledger; examples/history.xlsx is consistent with
examples/example.xlsx; `template --history` writes a blank one; the example's fictional payouts never
reach a ledger without --example."""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
import sys
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import pytest
from ledger_helpers import new_ledger, write_history
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from tongnan_calc.cli.app import app
from tongnan_calc.cli.ledger import app as ledger_app
from tongnan_calc.ledger import LedgerError, import_history, list_entries, read_prior, record_payout
from tongnan_calc.ledger.example import EXAMPLE_CODES, EXAMPLE_SHA256
from tongnan_calc.report.seal import file_sha256

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SCRATCH = "/tmp/try-ledger.sqlite"  # the scratch ledger the help names


def load_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def cli(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "300"})


# --- the example's identity -------------------------------------------------------------------------


def test_the_example_is_known_by_its_digest_and_its_codes() -> None:
    example = load_script("make_example")
    assert file_sha256(EXAMPLES / "example.xlsx") == EXAMPLE_SHA256
    assert frozenset(example.C.values()) == EXAMPLE_CODES


def test_a_payout_workbook_of_the_example_is_refused_without_example(tmp_path: Path) -> None:
    db = new_ledger(tmp_path / "ledger.sqlite")
    out = tmp_path / "payout-2016.xlsx"
    assert cli("run", EXAMPLES / "example.xlsx", "--year", "2016", "--out", out).exit_code == 1

    zh = cli("ledger", "record", out, "--ledger", db)
    en = cli("ledger", "record", out, "--ledger", db, "--lang", "en")

    assert (zh.exit_code, zh.stderr) == (
        2,
        f"错误：{out} 是根据随附的虚构示例（examples/example.xlsx）计算的发放表，其中的企业并不存在：未记录任何发放；"
        "如只是在临时台账上试用，请加 --example\n",
    )
    assert (en.exit_code, en.stderr) == (
        2,
        f"error: {out} was computed from the shipped fictional example (examples/example.xlsx), whose enterprises"
        " do not exist: nothing was recorded; to try the tool on a scratch ledger, add --example\n",
    )
    assert read_prior(db).entries == 0
    assert record_payout(db, out, example=True).added == 10


def test_a_history_of_the_example_is_refused_without_example(tmp_path: Path) -> None:
    db = new_ledger(tmp_path / "ledger.sqlite")
    history = EXAMPLES / "history.xlsx"

    with pytest.raises(LedgerError) as caught:
        import_history(db, history)

    assert caught.value.say.zh == (
        f"{history} 中只有随附虚构示例（examples/example.xlsx）的企业，这些企业并不存在：未导入任何内容；"
        "如只是在临时台账上试用，请加 --example"
    )
    assert caught.value.say.en == (
        f"{history} holds only the enterprises of the shipped fictional example (examples/example.xlsx),"
        " which do not exist: nothing was imported; to try the tool on a scratch ledger, add --example"
    )
    assert read_prior(db).entries == 0


def test_a_real_enterprise_among_the_examples_codes_is_not_refused(tmp_path: Path) -> None:
    db = new_ledger(tmp_path / "ledger.sqlite")
    real = "91500223MA5U7K3L2W"
    rows = [("91500223MA607P259T", 2015, "data_line", None, 1000), (real, 2015, "spin_off", None, 20000)]
    assert import_history(db, write_history(tmp_path / "h.xlsx", rows)).added == 2


# --- examples/history.xlsx and template --history ---------------------------------------------------------


def test_the_shipped_history_is_what_its_script_writes(tmp_path: Path) -> None:
    script = load_script("make_history")
    fresh = tmp_path / "history.xlsx"
    script.main([str(fresh)])

    def cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
        book = load_workbook(path)
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}

    assert cells(fresh) == cells(EXAMPLES / "history.xlsx")


def test_the_shipped_history_is_the_examples_2015_payable_lines(tmp_path: Path) -> None:
    result = cli("run", EXAMPLES / "example.xlsx", "--year", "2015", "--json", "-", "--no-ledger")
    payable = {
        (e["credit_code"], 2015, e["measure"], None, Decimal(e["amount"]))
        for e in json.loads(result.stdout)["entitlements"]
        if e["status"] == "payable"
    }
    db = new_ledger(tmp_path / "ledger.sqlite")
    assert import_history(db, EXAMPLES / "history.xlsx", example=True).added == 5
    assert {(e.credit_code, e.year, e.measure, e.tier, e.amount) for e in list_entries(db)} == payable

    without = json.loads(cli("run", EXAMPLES / "example.xlsx", "--year", "2016", "--json", "-", "--no-ledger").stdout)
    against = json.loads(cli("run", EXAMPLES / "example.xlsx", "--year", "2016", "--json", "-", "--ledger", db).stdout)
    assert against["ledger"] == {"path": str(db), "prior_payouts_read": 5}

    def lines(document: dict[str, list[dict[str, object]]]) -> list[tuple[object, ...]]:
        return [(e["credit_code"], e["measure"], e["status"], e["amount"]) for e in document["entitlements"]]

    assert lines(against) == lines(without)  # paid in 2015: consistent with what 2016 pays
    assert against["totals"] == without["totals"]


@pytest.mark.parametrize(
    ("lang", "sheet", "headers"),
    [
        ("zh", "历史发放", ("统一社会信用代码", "年度", "措施", "档次", "金额")),
        ("en", "payouts", ("credit_code", "year", "measure", "tier", "amount")),
    ],
)
def test_template_history_writes_a_blank_history_that_imports(
    tmp_path: Path, lang: str, sheet: str, headers: tuple[str, ...]
) -> None:
    out = tmp_path / "history.xlsx"

    result = cli("template", "--history", out, "--lang", lang)

    said = f"已写出历史发放模板 {out}\n" if lang == "zh" else f"history template written to {out}\n"
    assert (result.exit_code, result.stdout) == (0, said)
    book = load_workbook(out)
    assert book.sheetnames[0] == sheet
    assert [c.value for c in book[sheet][1]] == list(headers)
    assert book[sheet].max_row == 1
    db = new_ledger(tmp_path / "ledger.sqlite")
    report = import_history(db, out)
    assert (report.rows_read, report.added, report.issues) == (0, 0, ())


# --- the help's ledger examples, pasted in order in a fresh clone's root ---------------------------------------


def help_example(*path: str) -> str:
    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "300", "TERM": "dumb"})
    text = re.sub(r"[│╭╮╰╯─]", " ", result.stdout)
    found = re.search(r"(?:Example:|示例：)\s*(tongnan-calc [^\n]*)", text)  # the help is in Chinese by default
    assert found, text
    return " ".join(found.group(1).split())


def test_the_ledger_examples_work_when_pasted_and_write_only_a_scratch_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, own_configuration: Path
) -> None:
    clone = tmp_path / "clone"
    (clone / "examples").mkdir(parents=True)
    for name in ("example.xlsx", "history.xlsx"):
        (clone / "examples" / name).write_bytes((EXAMPLES / name).read_bytes())
    monkeypatch.chdir(clone)
    scratch = tmp_path / "try-ledger.sqlite"
    steps = [
        ("ledger",),
        ("ledger", "import"),
        ("run",),
        ("ledger", "record"),
        ("ledger", "list"),
        ("ledger", "export"),
        ("ledger", "reverse"),
    ]
    for path in steps:
        example = help_example(*path)
        if path[0] == "ledger":
            assert SCRATCH in example, example  # a ledger command names the scratch ledger, never the bureau's
        args = shlex.split(example.replace(SCRATCH, str(scratch)))[1:]
        result = CliRunner().invoke(app, args, env={"COLUMNS": "300"})
        assert result.exit_code in (0, 1), (example, result.output)
    assert not (own_configuration / "tongnan-calc").exists()  # the bureau's configuration was not touched
    assert sorted(p.name for p in clone.iterdir()) == ["examples", "ledger-2016.xlsx", "payout-2016.xlsx"]
    entries = list_entries(scratch)
    assert [e.kind for e in entries].count("reversal") == 1
    assert ledger_app.info.epilog is not None and SCRATCH in ledger_app.info.epilog
