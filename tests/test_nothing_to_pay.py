"""A computed amount of 0.00 is nothing to pay (``common.payable``), through the real commands.

The shipped example's 重庆潼南渝味坊 (91500223MA601P037Q) settled on 2015-07-01 and rents 1,200 m² of a planned
building: its 2016 lease row (leases row 3, 2016-01-01 to 2016-12-31) paid 120,000, the subsidy for 2016 is
60 % of the first half and 30 % of the second (二（二）).  With that row's rent_paid set to 0 the subsidy is
0 × … = 0.00: the line is ineligible, "nothing to pay", not a payable 0.00 row on the payout sheet that the
bureau signs and transfers from, and `ledger record` records no payout of 0.00 for it.
"""

from __future__ import annotations

import json
from pathlib import Path

from hostile import cli
from ledger_helpers import new_ledger
from openpyxl import load_workbook
from typer.testing import CliRunner

from tongnan_calc.cli.ledger import app as ledger_app
from tongnan_calc.ledger import read_prior

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "example.xlsx"
CODE = "91500223MA601P037Q"


def zero_rent(path: Path) -> Path:
    book = load_workbook(EXAMPLE)
    sheet = book["leases"]
    assert (sheet.cell(3, 1).value, sheet.cell(3, 7).value) == (CODE, 120000)  # the 2016 lease row
    sheet.cell(3, 7).value = 0
    book.save(path)
    return path


def rent_line(stdout: str) -> dict[str, object]:
    (line,) = [e for e in json.loads(stdout)["entitlements"] if (e["credit_code"], e["measure"]) == (CODE, "rent")]
    return line


def test_the_example_pays_that_rent(tmp_path: Path) -> None:
    # 120,000 / 366 days: 182 days × 60 % + 184 days × 30 % = 120,000 × (109.2 + 55.2) / 366 = 53,901.64
    result = cli("run", EXAMPLE, "--year", 2016, "--no-ledger", "--json", "-")
    assert (rent_line(result.stdout)["status"], rent_line(result.stdout)["amount"]) == ("payable", "53901.64")


def test_a_zero_rent_is_nothing_to_pay_in_both_languages(tmp_path: Path) -> None:
    workbook = zero_rent(tmp_path / "zero.xlsx")
    zh = cli("run", workbook, "--year", 2016, "--no-ledger", "--json", "-")
    en = cli("run", workbook, "--year", 2016, "--no-ledger", "--json", "-", "--lang", "en")
    assert rent_line(zh.stdout) | {"name": ""} == {
        "credit_code": CODE,
        "name": "",
        "measure": "rent",
        "clause": "二（二）",
        "status": "ineligible",
        "amount": None,
        "tier": None,
        "reason": "按计算依据，金额为0.00元，无需发放（二（二））",
    }
    assert rent_line(en.stdout)["reason"] == "the computed amount is 0.00: nothing to pay (二（二）)"


def test_the_payout_sheet_lists_no_zero_row_and_the_ledger_records_none(tmp_path: Path) -> None:
    workbook = zero_rent(tmp_path / "zero.xlsx")
    payout = tmp_path / "payout.xlsx"
    result = cli("run", workbook, "--year", 2016, "--no-ledger", "--out", payout)
    assert result.exit_code == 1, result.stderr  # the example's planted input errors
    book = load_workbook(payout)
    payable = [row for row in book["应付明细"].iter_rows(values_only=True) if CODE in row]
    assert payable == []  # 渝味坊 has no other payable line in 2016
    ineligible = [row for row in book["不符合条件"].iter_rows(values_only=True) if CODE in row and "二（二）" in row]
    assert len(ineligible) == 1
    assert "按计算依据，金额为0.00元，无需发放（二（二））" in ineligible[0]
    basis = next(cell for cell in ineligible[0] if isinstance(cell, str) and "精确金额" in cell)
    assert basis.endswith("租金0；面积1200平方米，折算系数1；比例0.3；补助0\n精确金额：0\n四舍五入至0.01元：0.00")

    ledger = new_ledger(tmp_path / "ledger.sqlite")
    recorded = CliRunner().invoke(ledger_app, ["record", str(payout), "--ledger", str(ledger), "--example"])
    assert recorded.exit_code == 0, recorded.stderr
    payouts = read_prior(ledger).payouts
    assert payouts and all(p.amount > 0 for p in payouts)  # the other enterprises' payouts, none of 0.00
    assert [p for p in payouts if p.credit_code == CODE] == []
