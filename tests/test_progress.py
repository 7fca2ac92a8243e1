"""Progress on long runs: the engine reports how far it is; the bar shows only on a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest

from tongnan_calc.core import engine
from tongnan_calc.input.reader import read_workbook
from tongnan_calc.report.terminal import BAR_FROM, progress_bar
from tongnan_calc.rules.load import load_rules

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example.xlsx"


def test_the_engine_reports_every_thousand_enterprises_and_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    records = read_workbook(EXAMPLE).records  # 20 enterprises
    monkeypatch.setattr(engine, "PROGRESS_EVERY", 6)
    seen: list[int] = []
    lines = engine.compute(records, 2016, load_rules(), progress=seen.append)
    assert seen == [6, 12, 18, 20]
    assert lines == engine.compute(records, 2016, load_rules())  # the same lines with or without it


def test_no_bar_off_a_terminal_or_for_a_small_batch(capsys: pytest.CaptureFixture[str]) -> None:
    for enabled, total in ((False, 10 * BAR_FROM), (True, BAR_FROM - 1)):
        with progress_bar(enabled, "computing", total) as advance:
            advance(total)
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "")
