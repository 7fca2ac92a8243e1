"""``shell.run.batch``: the main job as one call, what ``tongnan-calc run`` calls and renders."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tongnan_calc.core.model import Status
from tongnan_calc.files.outputs import OutputError
from tongnan_calc.shell.run import FatalError, RunOptions, batch

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example.xlsx"


def test_one_call_computes_and_writes_every_output(tmp_path: Path) -> None:
    out, json_path = tmp_path / "payout.xlsx", tmp_path / "run.json"
    result = batch(RunOptions(EXAMPLE, 2016, out=out, json=str(json_path), lang="en"))
    # examples/README.md: the 2016 payable total, worked by hand line by line (tests/test_example.py)
    assert result.totals.payable == Decimal("869840.95")
    assert result.totals.counts[Status.PAYABLE] == 10
    assert out.stat().st_size > 0
    document = json.loads(json_path.read_text(encoding="utf-8"))
    assert document["totals"]["payable"] == "869840.95"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["payout.xlsx", "run.json"]  # no temporary file left


def test_a_failure_leaves_no_output(tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("schema: 1\nversion: [\n", encoding="utf-8")
    out = tmp_path / "payout.xlsx"
    with pytest.raises(FatalError) as caught:
        batch(RunOptions(EXAMPLE, 2016, rules=rules, out=out, json=str(tmp_path / "run.json")))
    assert str(rules) in caught.value.say.en
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rules.yaml"]


def test_an_existing_output_is_refused_before_any_work(tmp_path: Path) -> None:
    out = tmp_path / "payout.xlsx"
    out.write_bytes(b"kept")
    with pytest.raises(OutputError):
        batch(RunOptions(EXAMPLE, 2016, out=out))
    assert out.read_bytes() == b"kept"


def test_the_result_keeps_only_the_first_ineligible_lines_when_asked() -> None:
    every = batch(RunOptions(EXAMPLE, 2016))
    kept = batch(RunOptions(EXAMPLE, 2016, keep_ineligible=3))
    ineligible = sum(1 for line in every.lines if line.status is Status.INELIGIBLE)
    assert ineligible > 3
    assert sum(1 for line in kept.lines if line.status is Status.INELIGIBLE) == 3
    assert kept.ineligible_not_kept == ineligible - 3
    assert kept.totals == every.totals
