"""`tongnan-calc run` end to end: exit codes, JSON, outputs, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tongnan_calc.cli.app import app

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example.xlsx"
CODE = "91500223MA60000002"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def clean_workbook(path: Path) -> Path:
    """One e-commerce enterprise with a spin-off and a data-line fee: no input issue."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "enterprises"
    ws.append(["credit_code", "name", "ecommerce_entity", "spun_off", "operating_since"])
    ws.append([CODE, "潼南测试电子商务有限公司", "是", "是", date(2015, 3, 1)])
    lines = book.create_sheet("data_lines")
    lines.append(["credit_code", "year", "fee_paid"])
    lines.append([CODE, 2016, 50000])
    book.save(path)
    return path


def test_example_run_json_on_stdout(tmp_path: Path) -> None:
    code, out, err = invoke("run", str(EXAMPLE), "--year", "2016", "--json", "-", "--no-ledger")
    assert code == 1  # the example has planted input errors
    data = json.loads(out)
    assert set(data) >= {"year", "rules", "entitlements", "input_issues", "totals"}
    assert data["year"] == 2016
    assert data["rules"]["version"] == "2015.1" and len(data["rules"]["sha256"]) == 64
    payable = [e for e in data["entitlements"] if e["status"] == "payable"]
    assert sum(Decimal(e["amount"]) for e in payable) == Decimal(data["totals"]["payable"])
    assert all(e["amount"] is None for e in data["entitlements"] if e["status"] in ("pending", "flag", "blocked"))
    assert all(len(e["amount"].split(".")[1]) == 2 for e in payable)
    issue = data["input_issues"][0]
    assert set(issue) >= {"sheet", "row", "column", "severity", "message"}
    assert "2016年度兑付明细" in err  # the tables went to stderr


def test_clean_workbook_exits_0_and_writes_both_outputs(tmp_path: Path) -> None:
    workbook = clean_workbook(tmp_path / "in.xlsx")
    out, js = tmp_path / "p.xlsx", tmp_path / "p.json"
    code, stdout, _ = invoke(
        "run", str(workbook), "--year", "2016", "--out", str(out), "--json", str(js), "--no-ledger"
    )
    assert code == 0, stdout
    data = json.loads(js.read_text(encoding="utf-8"))
    amounts = {e["measure"]: e["amount"] for e in data["entitlements"] if e["status"] == "payable"}
    # spin_off: operating since 2015-03-01, one full year on 2016-03-01 <= 2016-12-31: 20,000
    # data_line: first fee year 2016, 30% of 50,000 = 15,000 (below the 100,000 cap)
    assert amounts == {"spin_off": "20000.00", "data_line": "15000.00"}
    assert data["totals"]["payable"] == "35000.00"
    assert openpyxl.load_workbook(out).sheetnames[0] == "汇总"
    assert "未使用发放台账" in stdout  # no ledger: said loudly


def test_english_terminal(tmp_path: Path) -> None:
    code, out, _ = invoke(
        "run", str(clean_workbook(tmp_path / "in.xlsx")), "--year", "2016", "--lang", "en", "--no-ledger"
    )
    assert code == 0
    assert "Entitlements for 2016" in out and "NO LEDGER" in out


def test_existing_output_is_not_replaced_without_force(tmp_path: Path) -> None:
    workbook = clean_workbook(tmp_path / "in.xlsx")
    out = tmp_path / "p.xlsx"
    out.write_bytes(b"old")
    code, _, err = invoke("run", str(workbook), "--year", "2016", "--out", str(out), "--no-ledger", "--lang=en")
    assert (code, err) == (2, f"error: {out} exists: use --force to replace it\n")
    assert out.read_bytes() == b"old"
    code, _, _ = invoke("run", str(workbook), "--year", "2016", "--out", str(out), "--force", "--no-ledger")
    assert code == 0 and out.read_bytes()[:2] == b"PK"


def test_output_in_a_missing_folder(tmp_path: Path) -> None:
    out = tmp_path / "nowhere" / "p.xlsx"
    code, _, err = invoke(
        "run", str(clean_workbook(tmp_path / "in.xlsx")), "--year", "2016", "--out", str(out), "--lang=en"
    )
    assert (code, err) == (2, f"error: cannot write {out}: folder {out.parent} does not exist\n")


def test_missing_workbook(tmp_path: Path) -> None:
    missing = tmp_path / "none.xlsx"
    code, _, err = invoke("run", str(missing), "--year", "2016", "--no-ledger", "--lang=en")
    assert (code, err) == (2, f"error: {missing}: file not found\n")


def test_year_before_the_policy_start(tmp_path: Path) -> None:
    code, _, err = invoke(
        "run", str(clean_workbook(tmp_path / "in.xlsx")), "--year", "2014", "--no-ledger", "--lang=en"
    )
    assert code == 2
    assert err.startswith("error: year 2014 is before the policy start 2015-01-01 in ")


def test_invalid_rule_file_lists_every_problem(tmp_path: Path) -> None:
    rules = tmp_path / "r.yaml"
    text = (Path(__file__).resolve().parent.parent / "tongnan_calc" / "rules.yaml").read_text(encoding="utf-8")
    rules.write_text(
        text.replace("2015-01-01: 0.30\n", "2015-01-01: 30\n").replace("2015-01-01: 2000\n", "2015-01-01: -1\n"),
        encoding="utf-8",
    )
    code, _, err = invoke(
        "run", str(clean_workbook(tmp_path / "in.xlsx")), "--year", "2016", "--rules", str(rules), "--lang=en"
    )
    assert code == 2
    lines = err.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"error: {rules}:") for line in lines)
    assert "rate 30 is above 1: write 30% as 0.3" in lines[1]


def test_missing_ledger_is_one_line(tmp_path: Path) -> None:
    ledger = tmp_path / "none.sqlite"
    code, _, err = invoke(
        "run", str(clean_workbook(tmp_path / "in.xlsx")), "--year", "2016", "--ledger", str(ledger), "--lang=en"
    )
    assert code == 2
    assert err == (
        f"error: ledger {ledger} (named with --ledger) does not exist, nothing was created: check the path;"
        f" to create the bureau's ledger, use `tongnan-calc ledger init {ledger}`\n"
    )
    assert not ledger.exists()


def test_no_traceback_reaches_the_user(tmp_path: Path) -> None:
    """An unexpected failure is one line on stderr and exit 2 (the console-script entry)."""
    broken = tmp_path / "in.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from tongnan_calc.cli.app import main; main()",
            "run",
            str(broken),
            "--year",
            "2016",
            "--lang=en",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("error: ")


@pytest.mark.parametrize("args", [["run"], ["run", "x.xlsx"], ["run", "x.xlsx", "--year", "abc"]])
def test_bad_options_exit_2(args: list[str]) -> None:
    code, _, _ = invoke(*args)
    assert code == 2


def test_version() -> None:
    code, out, _ = invoke("--version")
    assert code == 0 and out.startswith("tongnan-calc ")


EXAMPLE_WORKBOOK = Path(__file__).resolve().parent.parent / "examples" / "example.xlsx"


def _main(*args: str, stdout_closed: bool = False) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from tongnan_calc.cli.app import main; main()", *args]
    closing = (lambda: os.close(1)) if stdout_closed else None
    return subprocess.run(command, capture_output=True, text=True, check=False, preexec_fn=closing)


def test_the_console_script_ends_with_every_output_written(tmp_path: Path) -> None:
    """`main` ends the process without freeing the run's objects: stdout, stderr, the JSON, the code all arrive."""
    out = tmp_path / "out.json"
    args = ("run", str(EXAMPLE_WORKBOOK), "--year", "2016", "--no-ledger", "--lang=en")
    piped = _main(*args, "--json", "-")
    assert piped.returncode == 1  # the example's planted input errors
    document = json.loads(piped.stdout)
    assert document["totals"]["payable"] == "869840.95"
    written = _main(*args, "--json", str(out))
    assert written.returncode == 1 and json.loads(out.read_text(encoding="utf-8")) == document
    assert written.stdout.rstrip().endswith(f"JSON: {out}")  # the last line of the terminal report
    # started with stdout closed (no stream at all): the run still writes its JSON, one exit code, no traceback
    out.unlink()
    closed = _main(*args, "--json", str(out), stdout_closed=True)
    assert (closed.returncode, closed.stderr) == (1, "") and json.loads(out.read_text(encoding="utf-8")) == document


def test_progress_on_a_terminal_leaves_stdout_alone() -> None:
    """`--json -` with stderr on a terminal: the spinner and bar must not take over stdout (the JSON's)."""
    from tongnan_calc.report.terminal import phases, progress_bar

    before = sys.stdout
    with phases(True)("a step"):
        assert sys.stdout is before
    with progress_bar(True, "computing", 5000) as advance:
        advance(10)
        assert sys.stdout is before
