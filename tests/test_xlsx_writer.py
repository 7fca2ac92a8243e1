"""The payout workbook written while the lines are computed: assembled in memory, or streamed.

``xlsx_book.open_book`` chooses by the expected size.  Both ways must give the same
cells; a disk error must reach the user as the same one-line error either way, and a
run that stops half-way must leave neither a workbook nor a temporary file.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
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
from tongnan_calc.report.xlsx_book import open_book
from tongnan_calc.shell.run import load, read_inputs, run

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example.xlsx"


@pytest.fixture(scope="module")
def result() -> RunResult:
    return run(EXAMPLE, 2016)


def parts(path: Path) -> dict[str, bytes]:
    """Every part of the workbook's zip except the creation time."""
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


WAYS = {"in memory": 10**9, "streamed": 0}  # how open_book writes the example's few lines: IN_MEMORY_BELOW


def way(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """Have ``open_book`` write the example's workbook the way ``name`` (the size it chooses by, moved)."""
    monkeypatch.setattr(xlsx_book, "IN_MEMORY_BELOW", WAYS[name])


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


def test_the_way_of_writing_follows_the_size(tmp_path: Path) -> None:
    small = open_book(tmp_path / "small.xlsx", xlsx_book.IN_MEMORY_BELOW - 1)
    large = open_book(tmp_path / "large.xlsx", xlsx_book.IN_MEMORY_BELOW)
    assert (small.xl.in_memory, small.xl.constant_memory) == (True, False)
    assert (large.xl.in_memory, large.xl.constant_memory) == (False, True)
    small.abort()
    large.abort()


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


@pytest.mark.parametrize("name", list(WAYS))
def test_an_aborted_writer_leaves_nothing(
    result: RunResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    out, temporary = tmp_path / "out" / "payout.xlsx", tmp_path / "tmp"
    out.parent.mkdir()
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))  # where xlsxwriter keeps the sheets' rows
    key = SealKey(result.year, result.rules.sha256, result.input_sha256)
    way(monkeypatch, name)
    writer = PayoutWriter(out, "zh", key)
    writer.add(result.lines)
    folders = list(temporary.iterdir())
    assert len(folders) == (0 if name == "in memory" else 1)  # streamed: a folder of this book's for the rows
    assert all(any(folder.iterdir()) for folder in folders)
    writer.abort()
    assert list(out.parent.iterdir()) == []
    assert list(temporary.iterdir()) == []  # no sheet's rows left behind either
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
