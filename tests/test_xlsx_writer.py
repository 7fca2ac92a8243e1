"""The payout workbook written while the lines are computed, in this process or by a second one.

Both ways must give the same file (every part of the zip but its creation time),
a failure in the writer process must reach the user as the same one-line error,
and a run that stops half-way must leave neither a workbook nor a temporary file.
"""

from __future__ import annotations

import os
import threading
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tongnan_calc.cli.app import app
from tongnan_calc.core import engine
from tongnan_calc.core.model import Line, Status
from tongnan_calc.core.result import RunResult
from tongnan_calc.report import xlsx
from tongnan_calc.report.seal import pending_seal
from tongnan_calc.report.xlsx import PayoutWriter, SealKey, use_writer_process, write_payout_workbook
from tongnan_calc.report.xlsx_book import BookProcess
from tongnan_calc.shell.run import load, read_inputs, run

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example.xlsx"


@pytest.fixture(scope="module")
def result() -> RunResult:
    return run(EXAMPLE, 2016)


def parts(path: Path) -> dict[str, bytes]:
    """Every part of the workbook's zip except the creation time."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


def test_a_writer_process_writes_the_same_workbook(result: RunResult, tmp_path: Path) -> None:
    here, there = tmp_path / "here.xlsx", tmp_path / "there.xlsx"
    write_payout_workbook(result, here, "zh", in_process=True)
    write_payout_workbook(result, there, "zh", in_process=False)
    assert parts(here) == parts(there)
    assert len(parts(here)) >= 12  # 8 sheets, styles, workbook, content types, relations


def test_lines_fed_in_pieces_give_the_same_workbook(result: RunResult, tmp_path: Path) -> None:
    whole, pieces = tmp_path / "whole.xlsx", tmp_path / "pieces.xlsx"
    write_payout_workbook(result, whole, "en")
    key = SealKey(result.year, result.rules.sha256, result.input_sha256)
    writer = PayoutWriter(pieces, "en", key, in_process=False)
    for start in range(0, len(result.lines), 7):
        writer.add(result.lines[start : start + 7])
    writer.finish(result)
    writer.close()
    assert parts(whole) == parts(pieces)


def test_the_ineligible_cap_holds_across_pieces(
    result: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "MAX_INELIGIBLE_ROWS", 3)
    out = tmp_path / "capped.xlsx"
    key = SealKey(result.year, result.rules.sha256, result.input_sha256)
    writer = PayoutWriter(out, "en", key, in_process=True)
    for line in result.lines:
        writer.add([line])
    writer.finish(result)
    writer.close()
    ineligible = sum(1 for line in result.lines if line.status is Status.INELIGIBLE)
    assert ineligible > 3
    assert writer.counts[Status.INELIGIBLE] == ineligible
    with zipfile.ZipFile(out) as archive:
        sheet = archive.read(
            "xl/worksheets/sheet7.xml"
        ).decode()  # summary, payable, basis, pending, flags, blocked, ineligible
    assert sheet.count("<row ") == 1 + 3


def test_the_engine_hands_every_line_to_the_sink_in_order(result: RunResult, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "PROGRESS_EVERY", 3)
    rules = load(None)
    inputs = read_inputs(EXAMPLE, 2016, None)
    received: list[list[Line]] = []
    lines = engine.compute(inputs.batch.records, 2016, rules, inputs.prior, sink=lambda new: received.append(list(new)))
    assert len(received) == -(-len(inputs.batch.records) // 3)  # a piece every 3 enterprises, and the rest
    assert [line for piece in received for line in piece] == lines
    assert lines == list(replace(result, lines=tuple(lines)).lines)


@pytest.mark.parametrize("in_process", [True, False])
def test_a_disk_error_is_the_os_error_either_way(result: RunResult, tmp_path: Path, in_process: bool) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    key = SealKey(result.year, result.rules.sha256, result.input_sha256)
    writer = PayoutWriter(folder / "payout.xlsx", "zh", key, in_process=in_process)
    writer.add(result.lines)
    writer.finish(result)
    for leftover in folder.iterdir():  # the temporary file vanishes, then its folder
        leftover.unlink()
    folder.rmdir()
    with pytest.raises(FileNotFoundError) as caught:
        writer.close()
    assert caught.value.strerror == "No such file or directory"
    assert str(folder) in str(caught.value.filename)
    assert not folder.exists()


def test_an_aborted_writer_leaves_nothing(result: RunResult, tmp_path: Path) -> None:
    out = tmp_path / "payout.xlsx"
    key = SealKey(result.year, result.rules.sha256, result.input_sha256)
    writer = PayoutWriter(out, "zh", key, in_process=False)
    writer.add(result.lines)
    process = writer.book._process  # type: ignore[union-attr]
    writer.abort()
    assert not process.is_alive()
    assert list(tmp_path.iterdir()) == []
    writer.abort()  # twice is harmless


@pytest.mark.parametrize("forced", ["0", "1"])
def test_run_writes_the_same_workbook_either_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forced: str) -> None:
    monkeypatch.setenv("TONGNAN_WRITER_PROCESS", forced)
    out = tmp_path / f"payout-{forced}.xlsx"
    outcome = CliRunner().invoke(app, ["run", str(EXAMPLE), "--year", "2016", "--no-ledger", "--out", str(out)])
    assert outcome.exit_code == 1, outcome.output  # the example has planted input errors
    reference = tmp_path / "reference.xlsx"
    write_payout_workbook(run(EXAMPLE, 2016), reference, "zh")
    found, expected = parts(out), parts(reference)
    provenance = "xl/worksheets/sheet9.xml"  # its generated_at differs
    assert found.keys() == expected.keys()
    assert {k: v for k, v in found.items() if k != provenance} == {k: v for k, v in expected.items() if k != provenance}
    assert sorted(os.listdir(tmp_path)) == sorted([out.name, reference.name])


def test_the_writer_process_is_for_large_workbooks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TONGNAN_WRITER_PROCESS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert not use_writer_process(xlsx.PARALLEL_FROM - 1)
    assert use_writer_process(xlsx.PARALLEL_FROM)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert not use_writer_process(10**6)
    monkeypatch.setenv("TONGNAN_WRITER_PROCESS", "1")
    assert use_writer_process(1)
    monkeypatch.setenv("TONGNAN_WRITER_PROCESS", "0")
    assert not use_writer_process(10**6)


def test_payable_lines_carry_their_check_value(result: RunResult) -> None:
    key = SealKey(result.year, result.rules.sha256, result.input_sha256)
    payable = [line for line in result.lines if line.status is Status.PAYABLE]
    pending = [line for line in result.lines if line.status is Status.PENDING]
    others = [line for line in result.lines if line.status not in (Status.PAYABLE, Status.PENDING)]
    assert payable and pending
    assert all(len(key.check(line)) >= 8 for line in payable)
    # a pending line's check value covers what the tool wrote (no amount): `ledger record` reads a decided amount
    assert [key.check(line) for line in pending] == [
        pending_seal(
            year=result.year,
            rules_sha256=result.rules.sha256,
            input_sha256=result.input_sha256,
            credit_code=line.credit_code,
            measure=line.measure,
            tier=line.tier,
        )
        for line in pending
    ]
    assert {key.check(line) for line in others} == {""}


def test_outputs_get_the_usual_file_mode(result: RunResult, tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        out = tmp_path / "payout.xlsx"
        write_payout_workbook(result, out, "zh", in_process=False)
        assert out.stat().st_mode & 0o777 == 0o640  # 0o666 less the umask, not a temporary file's 0o600
        out.chmod(0o664)
        write_payout_workbook(result, out, "zh")
        assert out.stat().st_mode & 0o777 == 0o664  # a replaced file keeps its mode
    finally:
        os.umask(previous)


def test_no_process_can_be_started_then_this_one_writes(
    result: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tongnan_calc.report import xlsx_book

    def refuse(self: object, path: Path) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(xlsx_book.BookProcess, "__init__", refuse)
    here, fallback = tmp_path / "here.xlsx", tmp_path / "fallback.xlsx"
    write_payout_workbook(result, here, "zh")
    write_payout_workbook(result, fallback, "zh", in_process=False)
    assert parts(here) == parts(fallback)


def _within(seconds: float, call: Callable[[], object]) -> BaseException | None:
    """What ``call`` raised, or None; fails the test if it does not return within ``seconds``."""
    caught: list[BaseException | None] = []

    def target() -> None:
        try:
            call()
            caught.append(None)
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            caught.append(exc)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert caught, f"still waiting after {seconds} s"
    return caught[0]


def test_an_operation_that_cannot_be_sent_is_an_error_not_a_hang(tmp_path: Path) -> None:
    book = BookProcess(tmp_path / "out.xlsx")
    book.apply(("sheet", "s"))
    book.apply(("rows", 0, [[lambda: 1]]))  # a fault of ours: nothing pickles a function
    error = _within(30, book.close)
    assert error is not None and "pickle" in str(error).lower(), error
    book.abort()


def test_a_writer_that_stopped_is_reported_by_the_next_operation(tmp_path: Path) -> None:
    book = BookProcess(tmp_path / "out.xlsx")
    book.apply(("sheet", "s"))
    book._process.kill()  # the writer process dies (killed, out of memory)
    book._process.join()

    def keep_writing() -> None:
        for _ in range(10_000):  # far more than the batches allowed to wait
            book.apply(("lines", 0, [("x",) * 10]))

    error = _within(30, keep_writing)
    assert isinstance(error, RuntimeError) and str(error).startswith("the workbook writer stopped"), error
    book.abort()
