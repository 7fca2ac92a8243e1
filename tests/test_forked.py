"""The second process (``tongnan_calc.forked``) and the JSON written with it: the same bytes either way."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import IO

import pytest

from tongnan_calc import forked
from tongnan_calc.messages import Lang
from tongnan_calc.report import json_out
from tongnan_calc.runner import RunResult, run

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example.xlsx"

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX fork")


@pytest.fixture(scope="module")
def result() -> RunResult:
    return run(EXAMPLE, 2016)


def _standard(result: RunResult, lang: Lang, *, compact: bool) -> bytes:
    text = json.dumps(json_out.result_json(result, lang), **json_out.dump_options(compact)) + "\n"
    return text.encode("utf-8")


def _written(result: RunResult, path: Path, lang: Lang, compact: bool) -> bytes:
    with path.open("w", encoding="utf-8") as handle:
        json_out.write_json(result, handle, lang, compact=compact)
    return path.read_bytes()


@pytest.fixture
def split_everything(monkeypatch: pytest.MonkeyPatch) -> list[forked.Forked]:
    """Every JSON is split (from 1 line), forking even on one core; the children started are listed."""
    monkeypatch.setenv(forked.FORK_ENV, "1")
    monkeypatch.setattr(json_out, "SPLIT_FROM", 1)
    started: list[forked.Forked] = []
    real_start = forked.start

    def start(work: forked.Work) -> forked.Forked | None:
        child = real_start(work)
        assert child is not None
        started.append(child)
        return child

    monkeypatch.setattr(forked, "start", start)
    return started


@pytest.mark.parametrize("compact", [False, True])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_json_written_by_two_processes_is_byte_for_byte_the_standard_dump(
    result: RunResult, tmp_path: Path, split_everything: list[forked.Forked], lang: Lang, compact: bool
) -> None:
    many = dataclasses.replace(result, lines=result.lines * 40)  # several chunks on each side of the cut
    assert _written(many, tmp_path / "out.json", lang, compact) == _standard(many, lang, compact=compact)
    assert len(split_everything) == 1
    for odd in (1, 3):  # one line (nothing in the first half) and an odd count
        few = dataclasses.replace(result, lines=result.lines[:odd])
        assert _written(few, tmp_path / "few.json", lang, compact) == _standard(few, lang, compact=compact)
    assert [child.ok for child in split_everything] == [True, True, True]  # the children's bytes were used


def test_the_second_half_is_the_childs_bytes(
    result: RunResult, tmp_path: Path, split_everything: list[forked.Forked], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the child's text is copied as it is: a child that writes other text shows in the file
    real = json_out._write_encoded
    monkeypatch.setattr(json_out, "_write_encoded", lambda out, pieces: real(out, ["[CHILD]"]))
    written = _written(result, tmp_path / "out.json", "en", True).decode()
    assert written.count("[CHILD]") == 1 and split_everything[0].ok
    entries = written.split('"entitlements":[', 1)[1].split("[CHILD]")[0]
    assert entries.count('"credit_code"') == len(result.lines) // 2


def test_a_child_that_fails_leaves_the_second_half_to_this_process(
    result: RunResult, tmp_path: Path, split_everything: list[forked.Forked], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(out: IO[bytes], pieces: object) -> None:
        out.write(b"half a line")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(json_out, "_write_encoded", broken)
    assert _written(result, tmp_path / "out.json", "zh", True) == _standard(result, "zh", compact=True)
    assert [child.ok for child in split_everything] == [False]


def test_no_second_process_for_a_small_batch_a_text_buffer_or_when_turned_off(
    result: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[object] = []
    monkeypatch.setattr(forked, "start", started.append)
    assert _written(result, tmp_path / "small.json", "zh", False) == _standard(result, "zh", compact=False)
    monkeypatch.setattr(json_out, "SPLIT_FROM", 1)
    with (tmp_path / "latin.json").open("w", encoding="gb18030") as handle:  # bytes could not be copied as they are
        json_out.write_json(result, handle, "zh", compact=True)
    assert (tmp_path / "latin.json").read_bytes() == _standard(result, "zh", compact=True).decode().encode("gb18030")
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
