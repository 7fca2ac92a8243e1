"""Which ledger a run reads: --ledger, $TONGNAN_LEDGER (must exist), ./tongnan-ledger.sqlite when present."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tongnan_calc.cli.app import app
from tongnan_calc.cli.common import resolve_ledger

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example.xlsx"


def test_a_configured_ledger_that_does_not_exist_stops_the_run(tmp_path: Path) -> None:
    missing = tmp_path / "typo-ledger.sqlite"
    result = CliRunner().invoke(
        app, ["run", str(EXAMPLE), "--year", "2016", "--lang", "en"], env={"TONGNAN_LEDGER": str(missing)}
    )
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: ledger {missing} does not exist: create it with `tongnan-calc ledger import` or `ledger record`\n"
    )
    assert not missing.exists()


def test_resolution_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TONGNAN_LEDGER", raising=False)
    assert resolve_ledger(None, no_ledger=False) is None  # no ledger here: the run says so loudly
    (tmp_path / "tongnan-ledger.sqlite").touch()
    assert resolve_ledger(None, no_ledger=False) == Path("tongnan-ledger.sqlite")
    monkeypatch.setenv("TONGNAN_LEDGER", str(tmp_path / "elsewhere.sqlite"))
    assert resolve_ledger(None, no_ledger=False) == tmp_path / "elsewhere.sqlite"  # even though it is missing
    assert resolve_ledger(Path("given.sqlite"), no_ledger=False) == Path("given.sqlite")
    assert resolve_ledger(Path("given.sqlite"), no_ledger=True) is None
