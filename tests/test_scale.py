"""What keeps a province-scale run fast must not change what a run says.

The timings themselves are measured by ``bench/bench.py`` (never a test: the
suite must not fail on a slow machine); here the shortcuts are checked against
the plain way: the streamed JSON against ``json.dumps``, lines made from a
template against the constructor, the capped terminal and workbook tables, and
the progress display that only a terminal gets.
"""

from __future__ import annotations

import dataclasses
import gc
import io
import json
import sys
import weakref
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from rich.console import Console
from typer.testing import CliRunner

from tongnan_calc.cli.app import app
from tongnan_calc.core import engine
from tongnan_calc.core.model import Line, Msg, Status
from tongnan_calc.core.result import RunResult
from tongnan_calc.core.say import Lang
from tongnan_calc.core.trace import Basis, Step
from tongnan_calc.report import json_out, terminal, xlsx
from tongnan_calc.report.layout import STATUS_COLUMNS
from tongnan_calc.shell import run as runner
from tongnan_calc.shell.run import run
from tongnan_calc.text import basis as text_basis
from tongnan_calc.text.basis import basis_lines, text

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example.xlsx"
BENCH = Path(__file__).resolve().parent.parent / "bench"


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


# --- the JSON written from parts encoded once (report/json_lines.py) ------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    """``bench/generate.py 500`` with its ledger, under the shipped rule file and again with milestone amounts
    and ``top_up`` (payable sales lines with a tier): every status, lines with an amount, a tier or neither,
    lines made from a template and lines with their own trace."""
    from factories import TIER_AMOUNTS, rules_with

    sys.path.insert(0, str(BENCH))
    try:
        from generate import ensure
    finally:
        sys.path.remove(str(BENCH))
    batch = ensure(500, out=tmp_path_factory.mktemp("batch"))
    shipped = runner.run(batch.workbook, 2016, None, batch.ledger)
    inputs = runner.read_inputs(batch.workbook, 2016, batch.ledger)
    sales = runner.compute(inputs, 2016, rules_with(tier_amounts=TIER_AMOUNTS, sales_mode="top_up")).lines
    lines = shipped.lines + tuple(line for line in sales if line.measure == "sales_milestone")
    return dataclasses.replace(shipped, lines=lines, totals=engine.totals(lines))


def _fresh(line: Line) -> Line:
    """The same line made of new objects: a new reason, basis, steps and rule-file values (no cache has seen them)."""
    basis = line.basis
    return dataclasses.replace(
        line,
        reason=Msg(line.reason.key, line.reason.args),
        basis=Basis(
            tuple(dataclasses.replace(p) for p in basis.params),
            tuple(Step(s.kind, s.args) for s in basis.steps),
            basis.checks,
        ),
    )


def _expected(result: RunResult, lang: Lang, *, compact: bool) -> str:
    """``json.dumps`` of the document, its lines copied first: no cache keyed by an object can answer for them."""
    return _standard(dataclasses.replace(result, lines=tuple(map(_fresh, result.lines))), lang, compact=compact)


def _kinds(result: RunResult) -> set[tuple[str, bool, bool, bool]]:
    """(status, amount, tier, shared): shared when another line holds the same reason object."""
    holders: dict[int, int] = {}
    for line in result.lines:
        holders[id(line.reason)] = holders.get(id(line.reason), 0) + 1
    return {
        (line.status.value, line.amount is not None, line.tier is not None, holders[id(line.reason)] > 1)
        for line in result.lines
    }


def test_the_batches_hold_every_kind_of_line(result: RunResult, generated: RunResult) -> None:
    kinds = _kinds(generated) | _kinds(result)
    assert {status for status, *_ in kinds} == {status.value for status in Status}
    assert {
        ("payable", True, False, False),  # its own trace
        ("payable", True, True, False),  # a milestone tier
        ("pending", False, True, False),
        ("ineligible", False, False, True),  # from a template
        ("ineligible", False, False, False),  # a reason of its own
        ("flag", False, False, True),
        ("blocked", False, False, False),
    } <= kinds


def _one_at_a_time(lines: tuple[Line, ...]) -> Iterator[list[Line]]:
    for line in lines:
        yield [_fresh(line)]  # freed once written: the next copy's objects may get the same addresses


@pytest.mark.parametrize("compact", [False, True])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("batch", ["example", "generated"])
def test_every_kind_of_line_streams_as_json_dumps_writes_it(
    result: RunResult, generated: RunResult, batch: str, lang: Lang, compact: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The streamed JSON (``JsonStream``) and ``chunks`` against ``json.dumps`` of ``result_json``, byte for
    byte; streamed line by line, each line new objects freed once written — a part kept by the id of an
    object that has gone would be given to the next line.  (``text.basis`` keeps the text of one rule-file
    value only here, so that its own cache does not keep the values alive for the writer's.)"""
    monkeypatch.setattr(text_basis, "_CACHE_MAX", 1)
    whole = result if batch == "example" else generated
    expected = _expected(whole, lang, compact=compact)
    assert "".join(json_out.chunks(whole, lang, compact=compact)) == expected
    handle = io.StringIO()
    stream = json_out.JsonStream(handle, json_out._head(whole, lang), lang, compact=compact)
    for lines in _one_at_a_time(whole.lines):
        stream.add(lines)
    stream.finish(whole)
    assert handle.getvalue() == expected


def test_the_parts_are_kept_for_one_language(generated: RunResult) -> None:
    """The same lines (the same objects) written in Chinese, English, Chinese, English in one process: each
    document as ``json.dumps`` writes the lines' new copies — a part kept without its language would show
    the other language's text the second time."""
    for lang in ("zh", "en", "zh", "en"):
        assert json_out.dumps(generated, lang, compact=True) == _expected(generated, lang, compact=True), lang


def test_an_argument_is_shown_by_its_exact_type() -> None:
    """The basis's table of types (``text.basis.text``): a boolean is not the integer it equals, nor a fraction
    the decimal; 1 and 1/1 read alike; a blank and a tuple in each language."""
    from datetime import date
    from decimal import Decimal
    from fractions import Fraction

    assert [text(v, "en") for v in (True, 1, Fraction(1), Decimal("1.0"), False, 0)] == [
        "yes",
        "1",
        "1",
        "1",
        "no",
        "0",
    ]
    assert [text(v, "zh") for v in (True, False, None)] == ["是", "否", "（空）"]
    assert text(None, "en") == "(blank)"
    assert text((Fraction(1, 2), date(2016, 2, 29), True), "zh") == "0.5, 2016-02-29, 是"
    assert text((Fraction(1, 3), "L1"), "en") == "0.3333333333…, L1"


def test_run_lets_its_result_go_before_the_collector_walks_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The run command keeps the cyclic collector paused while the terminal shows the result and until the
    result is let go: turned on with the result alive, its next collections walked every record and line
    again (0.27 s + 0.21 s of a 10,000-enterprise run, seen as a slow ``Table.add_row``)."""
    seen: dict[str, object] = {}
    show = terminal.print_result

    def print_result(console: Console, result: RunResult, lang: Lang, *, show_all: bool = False) -> None:
        seen["enabled"] = gc.isenabled()
        seen["result"] = weakref.ref(result)
        show(console, result, lang, show_all=show_all)

    walked_alive: list[bool] = []

    def watch(phase: str, info: dict[str, int]) -> None:
        ref = seen.get("result")
        if phase == "start" and isinstance(ref, weakref.ref):
            walked_alive.append(ref() is not None)

    monkeypatch.setattr(terminal, "print_result", print_result)
    assert gc.isenabled()
    gc.callbacks.append(watch)
    try:
        cli = CliRunner().invoke(app, ["run", str(EXAMPLE), "--year", "2016", "--no-ledger"])
        gc.collect()
    finally:
        gc.callbacks.remove(watch)
    assert cli.exit_code == 1, cli.output  # the example's planted input errors
    assert seen["enabled"] is False
    assert gc.isenabled()  # on again after the command
    assert walked_alive and not any(walked_alive)  # collections after the command, none while the result lived
