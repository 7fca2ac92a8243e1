"""The payout workbook opens cleanly in LibreOffice Calc and its formulas give the run's totals.

The writer caches each formula's value (for readers that do not recalculate); here LibreOffice
(headless, a fresh profile: a clerk's default settings) loads the workbook and
saves it again as .xlsx, which stores the values it computed; every formula cell
of the summary must then equal the totals that ``run --json -`` printed for the
same run.  ``.ci/install-libreoffice`` installs LibreOffice on CI.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from tongnan_calc.cli.app import app
from tongnan_calc.report.layout import PAYABLE, SUMMARY
from tongnan_calc.rules.load import load_rules

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "example.xlsx"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CENT = Decimal("0.01")

pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (no soffice on PATH): .ci/install-libreoffice installs libreoffice-calc-nogui",
)


def convert(source: Path, outdir: Path, profile: Path, timeout: float = 240) -> tuple[Path, float]:
    """LibreOffice loads ``source`` and writes it again as .xlsx into ``outdir``; returns the file and the seconds."""
    assert SOFFICE is not None
    command = [
        SOFFICE,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "xlsx:Calc MS Excel 2007 XML",
        "--outdir",
        str(outdir),
        str(source),
    ]
    started = time.monotonic()
    # its own process group, so that a hung LibreOffice is ended with all its children
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    ) as process:
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"LibreOffice did not convert {source.name} within {timeout} s")
    seconds = time.monotonic() - started
    converted = outdir / source.name
    assert process.returncode == 0, out + err
    assert converted.exists(), f"LibreOffice wrote no file: {out} {err}"
    return converted, seconds


def _plain(formula: str) -> str:
    """A formula without spaces or sheet-name quotes (LibreOffice drops the quotes it does not need)."""
    return formula.replace(" ", "").replace("'", "")


def money(value: Any) -> Decimal:
    assert isinstance(value, (int, float)), f"expected a number, got {value!r}"
    return Decimal(repr(value)).quantize(CENT)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_libreoffice_recalculates_the_summary_to_the_json_totals(
    lang: str, tmp_path: Path, record_property: Any
) -> None:
    out = tmp_path / "payout.xlsx"
    cli = CliRunner().invoke(
        app,
        ["run", str(EXAMPLE), "--year", "2016", "--no-ledger", "--out", str(out), "--json", "-", "--lang", lang],
    )
    assert cli.exit_code == 1, cli.output  # the example has planted input errors
    printed = json.loads(cli.stdout)
    totals = printed["totals"]
    by_measure = {m: Decimal(v) for m, v in totals["by_measure"].items()}
    counts = dict.fromkeys(by_measure, 0)
    for line in printed["entitlements"]:
        if line["status"] == "payable":
            counts[line["measure"]] += 1
    assert totals["lines"]["payable"] == sum(counts.values()) > 0
    rules = load_rules()
    by_unit: dict[str, Decimal] = {}
    unit_lines: dict[str, int] = {}
    for measure_id, spec in rules.measures.items():  # each line counts once, for its lead unit
        lead = spec.responsible[0]
        by_unit[lead] = by_unit.get(lead, Decimal("0.00")) + by_measure[measure_id]
        unit_lines[lead] = unit_lines.get(lead, 0) + counts[measure_id]

    summary_name = SUMMARY[0] if lang == "zh" else SUMMARY[1]
    written = openpyxl.load_workbook(out)[summary_name]
    formulas = {
        cell.coordinate: str(cell.value)
        for row in written.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=")
    }
    assert any("SUMIF(" in f for f in formulas.values())
    assert any("COUNTIF(" in f for f in formulas.values())
    assert any(f.startswith("=SUM(") for f in formulas.values())
    # the writer caches each formula's value: a reader that does not recalculate shows the same numbers
    cached = openpyxl.load_workbook(out, data_only=True)[summary_name]

    converted, seconds = convert(out, tmp_path / "lo", tmp_path / "profile")
    record_property("libreoffice_seconds", round(seconds, 2))
    print(f"LibreOffice round trip ({lang}): {seconds:.2f} s")

    book = openpyxl.load_workbook(converted, data_only=True)
    assert book.sheetnames == openpyxl.load_workbook(out, read_only=True).sheetnames
    sheet = book[summary_name]
    with_formulas = openpyxl.load_workbook(converted)[summary_name]
    errors = [
        (c.coordinate, c.value)
        for row in sheet.iter_rows()
        for c in row
        if isinstance(c.value, str) and (c.value.startswith("#") or c.value.startswith("Err:"))
    ]
    assert not errors

    total_label = "合计" if lang == "zh" else "total"
    seen_total = 0
    checked: dict[str, tuple[Decimal, Decimal, Decimal]] = {}
    for coordinate, formula in formulas.items():
        # the formulas survive the round trip: LibreOffice kept them and stored their values
        assert _plain(str(with_formulas[coordinate].value)) == _plain(formula), coordinate
        row, column = sheet[coordinate].row, sheet[coordinate].column_letter
        label = sheet.cell(row=row, column=1).value
        measure = sheet.cell(row=row, column=3).value
        if measure in by_measure:
            expected = Decimal(counts[measure]) if column == "E" else by_measure[measure]
        elif label == total_label:
            expected = Decimal(totals["lines"]["payable"]) if column == "E" else Decimal(totals["payable"])
            seen_total += 1
        elif label in by_unit:
            expected = Decimal(unit_lines[label]) if column == "E" else by_unit[label]
        else:
            pytest.fail(f"formula {formula} in {coordinate} has no total to compare with (row label {label!r})")
        checked[coordinate] = (money(sheet[coordinate].value), money(cached[coordinate].value), expected.quantize(CENT))
        # the 核对：计算值 column (a value written by the tool) agrees too
        if column == "F":
            assert money(sheet.cell(row=row, column=7).value) == expected.quantize(CENT), coordinate
    mismatches = {c: values for c, values in checked.items() if not values[0] == values[1] == values[2]}
    assert not mismatches, mismatches
    # every formula was compared: 7 measures and each lead unit × (COUNTIF, SUMIF), two total rows × (SUM, SUM)
    assert len(checked) == len(formulas) == 2 * len(by_measure) + 2 * len(by_unit) + 4
    assert seen_total == 4
    assert sum(by_unit.values()) == Decimal(totals["payable"]) > 0

    # and the payable sheet LibreOffice read holds the lines the JSON printed
    payable = book[PAYABLE[0] if lang == "zh" else PAYABLE[1]]
    heads = [c.value for c in payable[1]]
    at = heads.index("金额（元）" if lang == "zh" else "amount (yuan)")
    amounts = [
        money(r[at])
        for r in payable.iter_rows(min_row=2, values_only=True)
        if isinstance(r[0], int) and r[at] is not None
    ]
    assert sum(amounts, Decimal("0.00")) == Decimal(totals["payable"])
    assert len(amounts) == totals["lines"]["payable"]
