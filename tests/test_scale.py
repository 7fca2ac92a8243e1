"""What keeps a province-scale run fast must not change what a run says.

The timings themselves are measured by ``bench/bench.py`` (never a test: the
suite must not fail on a slow machine); here the shortcuts are checked against
the plain way: the streamed JSON against ``json.dumps``, lines made from a
template against the constructor, the capped terminal and workbook tables, and
the progress display that only a terminal gets.
"""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import openpyxl
import pytest
from rich.console import Console
from typer.testing import CliRunner

from tongnan_calc.cli.app import app
from tongnan_calc.core.model import Line, Status
from tongnan_calc.core.result import RunResult
from tongnan_calc.core.say import Lang
from tongnan_calc.report import json_out, terminal, xlsx
from tongnan_calc.report.layout import STATUS_COLUMNS
from tongnan_calc.shell.run import run
from tongnan_calc.text.basis import basis_lines

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example.xlsx"


@pytest.fixture(scope="module")
def result() -> RunResult:
    return run(EXAMPLE, 2016)


def _standard(result: RunResult, lang: Lang = "zh", *, compact: bool) -> str:
    return json.dumps(json_out.result_json(result, lang), **json_out.dump_options(compact)) + "\n"


@pytest.mark.parametrize("compact", [False, True])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_streamed_json_is_byte_for_byte_the_standard_dump(result: RunResult, lang: Lang, compact: bool) -> None:
    expected = _standard(result, lang, compact=compact)
    assert json_out.dumps(result, lang, compact=compact) == expected
    handle = io.StringIO()
    json_out.write_json(result, handle, lang, compact=compact)
    assert handle.getvalue() == expected
    if not compact:  # a small batch is indented by default
        assert (
            json_out.dumps(result, lang)
            == expected
            == json.dumps(json.loads(expected), indent=2, ensure_ascii=False) + "\n"
        )


@pytest.mark.parametrize("compact", [False, True])
def test_json_of_an_empty_batch_and_of_many_lines(result: RunResult, compact: bool) -> None:
    empty = dataclasses.replace(result, lines=(), batch=dataclasses.replace(result.batch, issues=()))
    assert json_out.dumps(empty, compact=compact) == _standard(empty, compact=compact)
    many = dataclasses.replace(result, lines=result.lines * 700)  # more than one chunk of lines
    assert json_out.dumps(many, compact=compact) == _standard(many, compact=compact)


def test_a_large_batch_is_compact_and_lists_every_line(result: RunResult, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_out, "COMPACT_ABOVE", len(result.lines) - 1)
    text = json_out.dumps(result)
    assert "\n" not in text[:-1] and text == _standard(result, compact=True)
    data = json.loads(text)
    assert len(data["entitlements"]) == len(result.lines)
    assert [(e["credit_code"], e["measure"]) for e in data["entitlements"]] == [
        (line.credit_code, line.measure) for line in result.lines
    ]
    monkeypatch.setattr(json_out, "COMPACT_ABOVE", len(result.lines))
    assert json_out.dumps(result).startswith('{\n  "year": ')


def test_ineligible_lines_are_listed_without_their_basis(result: RunResult) -> None:
    """SPEC §7's fields on every line; the basis on every line that is not ineligible."""
    data = json.loads(json_out.dumps(result, "en"))
    fields = {"credit_code", "name", "measure", "clause", "status", "amount", "tier", "reason"}
    by_status = {e["status"] for e in data["entitlements"]}
    assert {"payable", "ineligible"} <= by_status
    for entry, line in zip(data["entitlements"], result.lines, strict=True):
        if entry["status"] == "ineligible":
            assert set(entry) == fields and entry["reason"]
        else:
            assert set(entry) == fields | {"basis"} and entry["basis"] == basis_lines(line.basis)


def test_lines_made_from_a_template_equal_the_constructed_ones(result: RunResult) -> None:
    names = [f.name for f in dataclasses.fields(Line)]
    for line in result.lines:
        again = Line(**{name: getattr(line, name) for name in names})
        assert line == again
        assert list(vars(line)) == list(vars(again)) == names  # same layout as a constructed line
        assert hash(line.reason) == hash(again.reason)


def test_ineligible_lines_share_their_reason_and_basis(result: RunResult) -> None:
    """What keeps memory flat: alike ineligible lines point at one reason and one basis."""
    alike = [line for line in result.lines if line.measure == "spin_off" and line.status is Status.INELIGIBLE]
    by_reason: dict[str, set[int]] = {}
    for line in alike:
        by_reason.setdefault(line.reason.key, set()).add(id(line.reason))
    assert len(alike) > 1
    assert all(len(ids) == 1 for ids in by_reason.values()), by_reason


def test_terminal_table_stops_at_the_cap_and_says_where_the_rest_is(
    result: RunResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(terminal, "MAX_TABLE_ROWS", 3)
    out = io.StringIO()
    terminal.print_result(Console(file=out, width=200), result, "en")
    text = out.getvalue()
    shown = sum(1 for line in result.lines if line.status is not Status.INELIGIBLE)
    assert f"only the first 3 lines are listed; {shown - 3} more" in text
    assert f"only the first 3 input issues are listed; {len(result.batch.issues) - 3} more" in text
    out = io.StringIO()
    monkeypatch.setattr(terminal, "MAX_TABLE_ROWS", 1000)
    terminal.print_result(Console(file=out, width=200), result, "en")
    assert "only the first" not in out.getvalue()


def test_workbook_caps_ineligible_lines_with_a_note(
    result: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "MAX_INELIGIBLE_ROWS", 2)
    out = tmp_path / "p.xlsx"
    xlsx.write_payout_workbook(result, out, "en")
    book = openpyxl.load_workbook(out)
    ineligible = [line for line in result.lines if line.status is Status.INELIGIBLE]
    written = [row for row in book["ineligible"].iter_rows(min_row=2, values_only=True) if any(row)]
    measure = [c.key for c in STATUS_COLUMNS].index("measure")
    assert [(r[0], r[measure]) for r in written] == [(line.credit_code, line.measure) for line in ineligible[:2]]
    notes = [row[1] for row in book["summary"].iter_rows(values_only=True) if row[0] == "note"]
    assert notes == [
        "the ineligible sheet is hidden and does not print (right-click a sheet tab, Unhide, to see it)",
        f"the ineligible sheet lists the first 2 of {len(ineligible)} ineligible lines; "
        "the JSON output (--json) lists them all",
    ]
    payable = [row for row in book["payable"].iter_rows(min_row=2, values_only=True) if isinstance(row[0], int)]
    assert len(payable) == sum(1 for line in result.lines if line.status is Status.PAYABLE)


def test_progress_only_on_a_terminal(tmp_path: Path) -> None:
    cli = CliRunner().invoke(app, ["run", str(EXAMPLE), "--year", "2016", "--no-ledger", "--json", "-"])
    assert cli.exit_code == 1
    assert "✓" not in cli.stderr and "computing" not in cli.stderr
    assert terminal.phases(False)("anything").__enter__() is None
