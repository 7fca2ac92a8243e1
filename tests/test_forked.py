"""The second process (``forked``) and a run computed in two processes (``split``): the same outputs either way."""

from __future__ import annotations

import io
import os
import signal
import sys
import time
from pathlib import Path
from typing import IO

import pytest
from typer.testing import CliRunner

from tongnan_calc.cli.app import app
from tongnan_calc.core.model import Status
from tongnan_calc.core.result import RunResult
from tongnan_calc.report import terminal
from tongnan_calc.report.json_out import JsonStream
from tongnan_calc.shell import forked, split
from tongnan_calc.shell.run import compute, load, read_inputs, run

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example.xlsx"

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork")


def _cli_outputs(tmp_path: Path, name: str, *extra: str) -> tuple[bytes, str]:
    """The JSON and the terminal text of ``run`` on the example, in process."""
    out = tmp_path / f"{name}.json"
    args = ["run", str(EXAMPLE), "--year", "2016", "--no-ledger", "--json", str(out), "--lang", "en", *extra]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output  # the example's planted input errors
    return out.read_bytes(), result.output.replace(str(out), "OUT")


@pytest.fixture
def split_everything(monkeypatch: pytest.MonkeyPatch) -> list[forked.Forked]:
    """Every run is computed in two processes (from one enterprise, forking even on one core);
    the children started are listed."""
    monkeypatch.setenv(forked.FORK_ENV, "1")
    monkeypatch.setattr(split, "SPLIT_FROM", 1)
    started: list[forked.Forked] = []
    real_start = forked.start

    def start(work: forked.Work) -> forked.Forked | None:
        child = real_start(work)
        assert child is not None
        started.append(child)
        return child

    monkeypatch.setattr(forked, "start", start)
    return started


def _one_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *extra: str) -> tuple[bytes, str]:
    with monkeypatch.context() as patch:
        patch.setenv(forked.FORK_ENV, "0")
        return _cli_outputs(tmp_path, "one", *extra)


@pytest.mark.parametrize("extra", [(), ("--all",), ("--lang", "zh")])
def test_a_run_computed_in_two_processes_writes_the_same_json_and_terminal(
    tmp_path: Path, split_everything: list[forked.Forked], monkeypatch: pytest.MonkeyPatch, extra: tuple[str, ...]
) -> None:
    expected = _one_process(monkeypatch, tmp_path, *extra)
    assert split_everything == []
    assert _cli_outputs(tmp_path, "two", *extra) == expected
    assert [child.ok for child in split_everything] == [True]  # the child's lines and text were used


def test_the_lines_kept_are_the_same_from_two_processes(
    tmp_path: Path, split_everything: list[forked.Forked], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each process keeps its first ineligible lines; together, only the first of all are kept."""
    monkeypatch.setattr(terminal, "MAX_TABLE_ROWS", 3)
    expected = _one_process(monkeypatch, tmp_path, "--all")
    assert _cli_outputs(tmp_path, "two", "--all") == expected
    assert split_everything[0].ok
    inputs, rules = read_inputs(EXAMPLE, 2016, None), load(None)
    from tongnan_calc.report.json_out import JsonStream, head

    def result(streamed: bool) -> RunResult:
        stream = JsonStream(io.StringIO(), head(2016, rules, "x", "y", None), "en", compact=True)
        return compute(
            inputs,
            2016,
            rules,
            keep_ineligible=3,
            split=stream if streamed else None,
            sink=None if streamed else stream.add,
        )

    two, one = result(True), result(False)
    assert two.lines == one.lines and two.totals == one.totals and two.ineligible_not_kept == one.ineligible_not_kept
    assert sum(line.status is Status.INELIGIBLE for line in two.lines) == 3


def test_a_child_that_fails_leaves_the_last_enterprises_to_this_process(
    tmp_path: Path, split_everything: list[forked.Forked], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _one_process(monkeypatch, tmp_path)
    real_sink = JsonStream.child_sink

    def broken(self: JsonStream, out: IO[bytes]) -> object:
        render = real_sink(self, out)

        def fails(lines: object) -> None:
            render(lines)  # type: ignore[arg-type]
            raise OSError(28, "No space left on device")

        return fails

    monkeypatch.setattr(JsonStream, "child_sink", broken)
    assert _cli_outputs(tmp_path, "two") == expected
    assert [child.ok for child in split_everything] == [False]


def test_no_second_process_with_a_workbook_a_small_batch_or_when_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[object] = []
    monkeypatch.setattr(forked, "start", started.append)
    _cli_outputs(tmp_path, "small")  # fewer enterprises than split.SPLIT_FROM
    monkeypatch.setattr(split, "SPLIT_FROM", 1)
    _cli_outputs(tmp_path, "book", "--out", str(tmp_path / "payout.xlsx"))  # the writer process has the core
    assert started == []
    monkeypatch.undo()
    monkeypatch.setenv(forked.FORK_ENV, "0")
    assert not forked.available()
    assert forked.start(lambda out: None) is None


def test_the_child_writes_its_part_and_this_process_reads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(forked.FORK_ENV, "1")
    child = forked.start(lambda out: out.write("第二半".encode() * 1000))
    assert child is not None
    with child:
        made = child.result()
        assert made is not None and made.read() == "第二半".encode() * 1000
        assert child.result() is not None  # asked again: the same answer, the child is not waited for twice


def test_a_child_still_running_is_stopped_and_reaped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(forked.FORK_ENV, "1")
    child = forked.start(lambda out: time.sleep(60))
    assert child is not None
    began = time.monotonic()
    child.close()  # what an error or Ctrl-C in this process does
    assert time.monotonic() - began < 10
    with pytest.raises(ChildProcessError):  # reaped: no zombie left behind
        os.waitpid(child._pid, os.WNOHANG)


def test_a_child_that_raises_or_exits_badly_gives_no_result(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(forked.FORK_ENV, "1")

    def fails(out: IO[bytes]) -> None:
        raise ValueError("a bug")

    for work in (fails, lambda out: os._exit(3)):
        child = forked.start(work)
        assert child is not None
        with child:
            assert child.result() is None


def test_a_child_reaped_by_the_system_still_gives_its_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """A parent that ignores SIGCHLD (inherited from whoever started the tool) cannot wait for its child."""
    monkeypatch.setenv(forked.FORK_ENV, "1")
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        child = forked.start(lambda out: out.write(b"done"))
        assert child is not None
        with child:
            made = child.result()
            assert made is not None and made.read() == b"done"
    finally:
        signal.signal(signal.SIGCHLD, previous)


def test_the_child_writes_nothing_to_the_parents_streams(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(forked.FORK_ENV, "1")

    def noisy(out: IO[bytes]) -> None:
        print("from the child")
        if sys.stderr is not None:
            sys.stderr.write("from the child\n")
        out.write(b"x")

    child = forked.start(noisy)
    assert child is not None
    with child:
        assert child.result() is not None
    assert capfd.readouterr() == ("", "")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_two_processes_in_many_chunks_give_the_standard_dump(
    tmp_path: Path, split_everything: list[forked.Forked], monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    """Chunks of 3 enterprises and JSON pieces of 5 lines on both sides of the cut, against json.dumps."""
    import json

    from tongnan_calc.core import engine
    from tongnan_calc.report import json_out

    monkeypatch.setattr(engine, "PROGRESS_EVERY", 3)
    monkeypatch.setattr(json_out, "_CHUNK_ITEMS", 5)
    monkeypatch.setattr(terminal, "MAX_TABLE_ROWS", 4)  # each process keeps a few ineligible lines only
    whole = run(EXAMPLE, 2016)
    expected = json.dumps(json_out.result_json(whole, lang), **json_out.dump_options(False)) + "\n"  # type: ignore[arg-type]
    written, _ = _cli_outputs(tmp_path, "two", "--lang", lang)
    assert written.decode("utf-8") == expected
    assert split_everything[0].ok


def test_json_to_stdout_from_two_processes(tmp_path: Path) -> None:
    """``--json -`` with the second process (the console script, as a clerk runs it)."""
    import json
    import subprocess
    import sys

    from tongnan_calc.report import json_out

    code = "import tongnan_calc.shell.split as s; s.SPLIT_FROM = 1; from tongnan_calc.cli.app import main; main()"
    args = ["run", str(EXAMPLE), "--year", "2016", "--no-ledger", "--json", "-", "--lang", "en"]
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, forked.FORK_ENV: "1"},
    )
    assert done.returncode == 1, done.stderr
    whole = run(EXAMPLE, 2016)
    assert done.stdout == json.dumps(json_out.result_json(whole, "en"), **json_out.dump_options(False)) + "\n"
