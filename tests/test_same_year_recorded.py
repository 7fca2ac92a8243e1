"""A year run again after its payout workbook was recorded: what is recorded is not listed to be paid again.

SPEC §4 counts the payouts of years before Y; a payout the ledger records for Y itself does not change an
amount, but a payable (or pending) line of a measure recorded for Y is pending, its reason naming what is
recorded (engine.held_for_later_years, our reading): a reprint of the year, or a second batch, lists only
what is still to pay.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from factories import CODE, SHIPPED, ent, fee, paid, rec
from hostile import cli
from ledger_helpers import new_ledger
from typer.testing import CliRunner

from tongnan_calc.cli.ledger import app as ledger_app
from tongnan_calc.core import engine
from tongnan_calc.core.model import Status
from tongnan_calc.text.basis import basis_lines
from tongnan_calc.text.messages import render

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "example.xlsx"


def test_a_payout_recorded_for_the_year_holds_its_line_and_names_it() -> None:
    # spun off, operating since 2015-01-01: 20,000.00 for 2016; a data line: 30 % of 10,000 = 3,000.00
    records = rec(ent(spun_off=True, operating_since="2015-01-01"), data_lines=(fee(2016, 10000),))
    payouts = (paid("spin_off", 2016, 20000),)
    assert engine.prior_by_enterprise(payouts, 2016) == {}  # not prior: the amount is computed as before
    later = engine.later_by_enterprise(payouts, 2016)
    lines = {line.measure: line for line in engine.compute([records], 2016, SHIPPED, later=later)}
    free = {line.measure: line for line in engine.compute([records], 2016, SHIPPED)}
    assert str(free["spin_off"].amount) == "20000.00"
    held = lines["spin_off"]
    assert (held.status, held.amount) == (Status.PENDING, None)
    assert render(held.reason, "zh") == (
        "台账已记录本项2016年度的发放20,000.00元：不再列为应付，切勿重复发放；如需补发或更正，由人工决定"
    )
    assert render(held.reason, "en") == (
        "the ledger already records this measure's payout for 2016 (20,000.00): not payable again, do not pay"
        " it twice; a person decides on any correction"
    )
    assert basis_lines(held.basis)[-1] == "amount computed now (recorded already, not paid again): 20000.00"
    assert held.basis.checks[-1].kind == "not_recorded_this_year" and held.basis.checks[-1].met is False
    assert lines["data_line"] == free["data_line"]  # another measure of the same year: paid as usual
    assert CODE in later


def test_the_year_run_again_after_recording_lists_nothing_to_pay_twice(tmp_path: Path) -> None:
    ledger = new_ledger(tmp_path / "ledger.sqlite")
    payout = tmp_path / "payout-2016.xlsx"
    first = cli("run", EXAMPLE, "--year", 2016, "--ledger", ledger, "--out", payout, "--json", "-")
    before = json.loads(first.stdout)
    assert before["totals"]["payable"] == "869840.95"  # the README's quick start
    recorded = CliRunner().invoke(ledger_app, ["record", str(payout), "--ledger", str(ledger), "--example"])
    assert recorded.exit_code == 0, recorded.stderr

    again = json.loads(cli("run", EXAMPLE, "--year", 2016, "--ledger", ledger, "--json", "-").stdout)
    assert again["totals"]["payable"] == "0.00"
    was = {(e["credit_code"], e["measure"]): e for e in before["entitlements"] if e["status"] == "payable"}
    now = {(e["credit_code"], e["measure"]): e for e in again["entitlements"]}
    assert len(was) == 10
    for key, line in was.items():
        assert (now[key]["status"], now[key]["amount"]) == ("pending", None)
        amount = f"{Decimal(line['amount']):,.2f}"  # the figure as the reason shows it
        assert now[key]["reason"].startswith(f"台账已记录本项2016年度的发放{amount}元")
    # the lines with nothing recorded are as before
    others = [e for e in again["entitlements"] if (e["credit_code"], e["measure"]) not in was]
    assert others == [e for e in before["entitlements"] if (e["credit_code"], e["measure"]) not in was]
