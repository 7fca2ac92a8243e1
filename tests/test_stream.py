"""A run that streams its lines to its writers and keeps only the lines the terminal shows.

The memory of a run must not grow with its ineligible lines (most of a province's):
the payout workbook and the JSON are written as the lines come, and the result keeps
every line that is not ineligible and only the first ``MAX_TABLE_ROWS`` ineligible
ones.  The outputs are the same bytes as from a result that kept every line.
"""

from __future__ import annotations

import io
import itertools
import json
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tongnan_calc.cli.app import app
from tongnan_calc.core import engine
from tongnan_calc.core.model import Line, Status
from tongnan_calc.core.result import RunResult
from tongnan_calc.core.say import Lang
from tongnan_calc.report import json_out, terminal
from tongnan_calc.shell.run import compute, load, read_inputs, run

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example.xlsx"


@pytest.fixture(scope="module")
def full() -> RunResult:
    return run(EXAMPLE, 2016)


def test_the_result_keeps_the_first_ineligible_lines_and_counts_them_all(full: RunResult) -> None:
    inputs = read_inputs(EXAMPLE, 2016, None)
    seen: list[Line] = []
    kept = compute(inputs, 2016, load(None), sink=seen.extend, keep_ineligible=3)
    ineligible = [line for line in full.lines if line.status is Status.INELIGIBLE]
    assert len(ineligible) > 3 + engine.PROGRESS_EVERY // 1000  # some are dropped
    expected = [line for line in full.lines if line.status is not Status.INELIGIBLE or line in ineligible[:3]]
    assert list(kept.lines) == expected  # in line order: the first lines of the batch are all there
    assert seen == list(full.lines)  # the writers had every line
    assert kept.totals == full.totals
    assert kept.ineligible_not_kept == len(ineligible) - 3 == len(full.lines) - len(kept.lines)
    assert compute(inputs, 2016, load(None)).lines == full.lines  # without keep_ineligible: every line


@pytest.mark.parametrize("compact", [False, True])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_streamed_json_is_byte_for_byte_the_json_of_every_line(full: RunResult, lang: Lang, compact: bool) -> None:
    many = list(full.lines) * 30  # chunks of every size, some longer than json_out's own chunks
    cuts = [0, 0, 1, 2, 7, 7, 1000, 2500, 2501, len(many)]
    expected = json_out.dumps(_with_lines(full, many), lang, compact=compact)
    handle = io.StringIO()
    stream = json_out.JsonStream(handle, json_out._head(full, lang), lang, compact=compact)
    for start, stop in itertools.pairwise(cuts):
        stream.add(many[start:stop])
    stream.finish(_with_lines(full, many))
    assert handle.getvalue() == expected
    nothing = io.StringIO()
    empty = _with_lines(full, [])
    json_out.JsonStream(nothing, json_out._head(full, lang), lang, compact=compact).finish(empty)
    assert nothing.getvalue() == json_out.dumps(empty, lang, compact=compact)


def test_a_stream_missing_lines_is_refused(full: RunResult) -> None:
    stream = json_out.JsonStream(io.StringIO(), json_out._head(full, "en"), "en", compact=True)
    stream.add(full.lines[:-1])
    with pytest.raises(RuntimeError, match=f"the JSON has {len(full.lines) - 1} of the run's {len(full.lines)} lines"):
        stream.finish(full)


def _with_lines(result: RunResult, lines: Sequence[Line]) -> RunResult:
    import dataclasses

    return dataclasses.replace(result, lines=tuple(lines), totals=engine.totals(lines))


def test_run_writes_the_same_outputs_when_it_keeps_few_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, full: RunResult
) -> None:
    """The run command keeps only the first MAX_TABLE_ROWS ineligible lines: with 5 instead of 200, the JSON
    and the payout workbook are the same, and the terminal's counts still cover every line."""
    runner = CliRunner()

    def outputs(name: str) -> tuple[bytes, dict[str, bytes], str]:
        out, js = tmp_path / f"{name}.xlsx", tmp_path / f"{name}.json"
        args = ["run", str(EXAMPLE), "--year", "2016", "--no-ledger", "--out", str(out), "--json", str(js), "--all"]
        result = runner.invoke(app, [*args, "--lang", "en"])
        assert result.exit_code == 1, result.output  # the example's planted input errors
        with zipfile.ZipFile(out) as book:
            parts = {n: book.read(n) for n in book.namelist() if n != "docProps/core.xml"}
        return js.read_bytes(), parts, result.output

    json_all, book_all, _ = outputs("all")
    monkeypatch.setattr(terminal, "MAX_TABLE_ROWS", 5)
    json_few, book_few, terminal_few = outputs("few")
    assert json_few == json_all and json.loads(json_all)["totals"]["lines"]["ineligible"] == 122
    assert book_few.keys() == book_all.keys()
    for part in book_all:  # the provenance sheet holds the time of the run
        if "sheet" not in part or part.endswith("sheet9.xml"):
            continue
        assert book_few[part] == book_all[part], part
    words = " ".join(terminal_few.split())
    assert f"only the first 5 lines are listed; {len(full.lines) - 5} more are in the payout workbook" in words


def test_a_result_that_does_not_hold_its_lines_is_not_written_whole(full: RunResult, tmp_path: Path) -> None:
    """A streamed run's result lacks most ineligible lines: the writers of a whole result refuse it."""
    import dataclasses

    from tongnan_calc.report.xlsx import write_payout_workbook

    partial = dataclasses.replace(full, lines=full.lines[:-1], ineligible_not_kept=1)
    for write in (
        lambda: json_out.dumps(partial),
        lambda: json_out.result_json(partial),
        lambda: write_payout_workbook(partial, tmp_path / "out.xlsx"),
    ):
        with pytest.raises(ValueError, match=r"^the result does not hold 1 of its ineligible lines$"):
            write()
    assert not (tmp_path / "out.xlsx").exists()
