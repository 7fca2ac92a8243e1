"""The payout workbook written while the lines are computed: in memory, streamed, or by a second process.

``xlsx_book.open_book`` chooses by the expected size.  Every way must give the same
cells (streamed here and by the writer process: every part of the zip but its
creation time); a failure in the writer process must reach the user as the same
one-line error, and a run that stops half-way must leave neither a workbook nor a
temporary file.
"""

from __future__ import annotations

import os
import threading
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tongnan_calc.cli.app import app
from tongnan_calc.core import engine
from tongnan_calc.core.model import Line, Status
from tongnan_calc.core.result import RunResult
from tongnan_calc.report import xlsx, xlsx_book
from tongnan_calc.report.seal import pending_seal
from tongnan_calc.report.xlsx import PayoutWriter, SealKey, write_payout_workbook
from tongnan_calc.report.xlsx_book import Book, BookProcess, open_book
from tongnan_calc.shell.run import load, read_inputs, run

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example.xlsx"


@pytest.fixture(scope="module")
def result() -> RunResult:
    return run(EXAMPLE, 2016)


def parts(path: Path) -> dict[str, bytes]:
    """Every part of the workbook's zip except the creation time."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


WAYS = {  # how open_book writes: (PROCESS_FROM, IN_MEMORY_BELOW) for the example's few lines
    "in memory": (10**9, 10**9),
    "streamed": (10**9, 0),
    "process": (0, 0),
}


def way(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Have ``open_book`` write the example's workbook the way ``name`` (the sizes it chooses by, moved)."""
    process_from, in_memory_below = WAYS[name]
    monkeypatch.setattr(xlsx_book, "PROCESS_FROM", process_from)
    monkeypatch.setattr(xlsx_book, "IN_MEMORY_BELOW", in_memory_below)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)


def test_a_writer_process_writes_the_same_workbook(
    result: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here, there = tmp_path / "here.xlsx", tmp_path / "there.xlsx"
    way(monkeypatch, "streamed")
    write_payout_workbook(result, here, "zh")
    way(monkeypatch, "process")
    write_payout_workbook(result, there, "zh")
    assert parts(here) == parts(there)
    assert len(parts(here)) >= 12  # 8 sheets, styles, workbook, content types, relations


def cells(path: Path) -> dict[str, object]:
    """What a reader sees of every sheet: each cell's value and style, rows, columns, print setup."""
    book = openpyxl.load_workbook(path)
    seen: dict[str, object] = {"names": book.sheetnames, "print": str(book.defined_names)}
    for ws in book.worksheets:
        seen[ws.title] = (
            [
                (
                    c.coordinate,
                    c.value,
                    c.data_type,
                    c.number_format,
                    *map(repr, (c.font, c.border, c.fill, c.alignment)),
                )
                for row in ws.iter_rows()
                for c in row
            ],
            {r: d.height for r, d in ws.row_dimensions.items() if d.height},
            {k: d.width for k, d in ws.column_dimensions.items()},
            (ws.freeze_panes, ws.print_title_rows, ws.sheet_state, repr(ws.page_setup), repr(ws.print_options)),
            (repr(ws.page_margins), ws.oddHeader.left.text, ws.oddHeader.center.text, ws.oddHeader.right.text),
            (ws.oddFooter.center.text, repr(ws.sheet_properties.pageSetUpPr)),
        )
    return seen


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_in_memory_and_streamed_workbooks_hold_the_same_cells(
    result: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    small, large = tmp_path / "small.xlsx", tmp_path / "large.xlsx"
    way(monkeypatch, "in memory")
    write_payout_workbook(result, small, lang)  # type: ignore[arg-type]
    way(monkeypatch, "streamed")
    write_payout_workbook(result, large, lang)  # type: ignore[arg-type]
    with zipfile.ZipFile(small) as archive:
        assert "xl/sharedStrings.xml" in archive.namelist()  # in memory: text in the shared strings
    with zipfile.ZipFile(large) as archive:
        assert "xl/sharedStrings.xml" not in archive.namelist()  # streamed: text in the cells
    found, expected = cells(small), cells(large)
    assert found == expected
    assert len(found["names"]) == 9  # type: ignore[arg-type]


def test_the_way_of_writing_follows_the_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    small = open_book(tmp_path / "small.xlsx", xlsx_book.IN_MEMORY_BELOW - 1)
    large = open_book(tmp_path / "large.xlsx", xlsx_book.IN_MEMORY_BELOW)
    assert isinstance(small, Book) and isinstance(large, Book)
    assert (small.xl.in_memory, small.xl.constant_memory) == (True, False)
    assert (large.xl.in_memory, large.xl.constant_memory) == (False, True)
    assert isinstance(open_book(tmp_path / "large.xlsx", xlsx_book.PROCESS_FROM - 1), Book)
    very_large = open_book(tmp_path / "very.xlsx", xlsx_book.PROCESS_FROM)
    assert isinstance(very_large, BookProcess)
    very_large.abort()
    monkeypatch.setattr(os, "cpu_count", lambda: 1)  # one core: nothing to gain from a second process
    assert isinstance(open_book(tmp_path / "one.xlsx", 10**9), Book)


@pytest.mark.parametrize("name", list(WAYS))
def test_lines_fed_in_pieces_give_the_same_workbook(
    result: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    whole, pieces = tmp_path / "whole.xlsx", tmp_path / "pieces.xlsx"
    way(monkeypatch, name)
    write_payout_workbook(result, whole, "en")
    key = SealKey(result.year, result.rules.sha256, result.input_sha256)
    writer = PayoutWriter(pieces, "en", key)
    for start in range(0, len(result.lines), 7):
        writer.add(result.lines[start : start + 7])
    writer.finish(result)
    writer.close()
    if name == "in memory":  # the shared strings are numbered in the order they come: the same cells
        assert cells(whole) == cells(pieces)
    else:
        assert parts(whole) == parts(pieces)


def test_the_ineligible_cap_holds_across_pieces(
    result: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "MAX_INELIGIBLE_ROWS", 3)
    out = tmp_path / "capped.xlsx"
    key = SealKey(result.year, result.rules.sha256, result.input_sha256)
    writer = PayoutWriter(out, "en", key)
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


@pytest.mark.parametrize("name", list(WAYS))
def test_a_disk_error_is_the_os_error_every_way(
    result: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    key = SealKey(result.year, result.rules.sha256, result.input_sha256)
    way(monkeypatch, name)
    writer = PayoutWriter(folder / "payout.xlsx", "zh", key)
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


def test_an_aborted_writer_leaves_nothing(result: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "payout.xlsx"
    key = SealKey(result.year, result.rules.sha256, result.input_sha256)
    way(monkeypatch, "process")
    writer = PayoutWriter(out, "zh", key)
    writer.add(result.lines)
    process = writer.book._process  # type: ignore[union-attr]
    writer.abort()
    assert not process.is_alive()
    assert list(tmp_path.iterdir()) == []
    writer.abort()  # twice is harmless


@pytest.mark.parametrize("name", list(WAYS))
def test_run_writes_the_same_workbook_every_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    way(monkeypatch, name)
    out = tmp_path / "payout.xlsx"
    outcome = CliRunner().invoke(app, ["run", str(EXAMPLE), "--year", "2016", "--no-ledger", "--out", str(out)])
    assert outcome.exit_code == 1, outcome.output  # the example has planted input errors
    reference = tmp_path / "reference.xlsx"
    write_payout_workbook(run(EXAMPLE, 2016), reference, "zh")
    found, expected = parts(out), parts(reference)
    differ = {"xl/worksheets/sheet9.xml", "xl/sharedStrings.xml"}  # the provenance's generated_at (its text)
    assert found.keys() == expected.keys()
    assert {k: v for k, v in found.items() if k not in differ} == {k: v for k, v in expected.items() if k not in differ}
    seen, wanted = cells(out), cells(reference)
    del seen["来源"], wanted["来源"]  # the provenance: the time it was made may differ
    assert seen == wanted
    assert sorted(os.listdir(tmp_path)) == sorted([out.name, reference.name])


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


@pytest.mark.parametrize("name", list(WAYS))
def test_outputs_get_the_usual_file_mode(
    result: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    way(monkeypatch, name)
    previous = os.umask(0o027)
    try:
        out = tmp_path / "payout.xlsx"
        write_payout_workbook(result, out, "zh")
        assert out.stat().st_mode & 0o777 == 0o640  # 0o666 less the umask, not a temporary file's 0o600
        out.chmod(0o664)
        write_payout_workbook(result, out, "zh")
        assert out.stat().st_mode & 0o777 == 0o664  # a replaced file keeps its mode
    finally:
        os.umask(previous)


def test_no_process_can_be_started_then_this_one_writes(
    result: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: object, path: Path) -> None:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(xlsx_book.BookProcess, "__init__", refuse)
    here, fallback = tmp_path / "here.xlsx", tmp_path / "fallback.xlsx"
    way(monkeypatch, "streamed")
    write_payout_workbook(result, here, "zh")
    way(monkeypatch, "process")
    write_payout_workbook(result, fallback, "zh")
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
