"""A year computed after a later year was recorded: one-time rewards and the lifetime cap hold.

SPEC §4 counts the payouts of years before Y.  A payout the ledger holds for a
later year of the same one-time or capped measure turns a payable line into a
pending one (engine.LATER_YEAR_MEASURES); other measures are paid as usual.
"""

from __future__ import annotations

from pathlib import Path

from factories import CODE, SHIPPED, ent, fee, loan, paid, rec
from ledger_helpers import new_ledger, write_history
from openpyxl import Workbook
from typer.testing import CliRunner

from tongnan_calc.cli.app import app
from tongnan_calc.core import engine
from tongnan_calc.core.model import Records, Status
from tongnan_calc.ledger import import_history
from tongnan_calc.shell.run import load, read_inputs, run
from tongnan_calc.text.basis import basis_lines
from tongnan_calc.text.messages import render


def _enterprise() -> Records:
    # municipal demonstration enterprise, spun off and operating since 2015-01-01, a data line in 2016,
    # and a 20,000,000 key-project loan over 60 months (4.75 %)
    return rec(
        ent(demo_level="municipal", spun_off=True, operating_since="2015-01-01"),
        data_lines=(fee(2016, 10000),),
        loans=(loan("L1", 20_000_000, "2016-01-01", "2021-01-01"),),
    )


def test_payouts_for_later_years_hold_one_time_and_capped_lines() -> None:
    rules = SHIPPED
    records = _enterprise()
    payouts = (paid("spin_off", 2017, 20000), paid("loan_interest", 2017, "481597.22"), paid("data_line", 2017, 3000))
    prior = engine.prior_by_enterprise(payouts, 2016)
    later = engine.later_by_enterprise(payouts, 2016)
    assert prior == {}
    # data_line: not one-time, no cap, but a period (二（四）): 2016 and the ledger's 2017 fit in it, paid as usual
    assert {p.measure for p in later[CODE]} == {"spin_off", "loan_interest", "data_line"}
    lines = {line.measure: line for line in engine.compute([records], 2016, rules, prior, later=later)}
    free = {line.measure: line for line in engine.compute([records], 2016, rules)}

    # without the ledger: 20,000.00 and 20,000,000 x 4.75 % x 0.5 x 366/360 = 482,916.67 would be payable
    assert free["spin_off"].amount is not None and str(free["spin_off"].amount) == "20000.00"
    assert str(free["loan_interest"].amount) == "482916.67"
    for measure, amount in (("spin_off", "20000.00"), ("loan_interest", "482916.67")):
        held = lines[measure]
        assert held.status is Status.PENDING
        assert held.amount is None
        assert render(held.reason, "en") == (
            "the ledger already holds a payout of this measure for 2017, a later year: one-time rewards and the"
            " lifetime cap count earlier years only, so a person decides"
        )
        assert render(held.reason, "zh").startswith("台账已有本项2017年度（晚于本年度）的发放")
        assert basis_lines(held.basis)[-1] == f"amount from the payouts of earlier years only (not paid): {amount}"
        assert held.basis.params == free[measure].basis.params
    assert lines["data_line"] == free["data_line"]  # 30 % of 10,000 = 3,000.00, paid as usual
    assert str(lines["data_line"].amount) == "3000.00"


def test_ineligible_lines_stay_ineligible() -> None:
    records = rec(ent(spun_off=False))
    later = engine.later_by_enterprise((paid("spin_off", 2018, 20000),), 2016)
    (line,) = [x for x in engine.compute([records], 2016, SHIPPED, later=later) if x.measure == "spin_off"]
    assert line.status is Status.INELIGIBLE


def _workbook(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "enterprises"
    sheet.append(["credit_code", "name", "ecommerce_entity", "spun_off", "operating_since"])
    sheet.append([CODE, "重庆潼南测试电子商务有限公司", "是", "是", "2015-01-01"])
    book.save(path)
    return path


def test_a_run_with_a_ledger_holding_a_later_year(tmp_path: Path) -> None:
    ledger = new_ledger(tmp_path / "ledger.sqlite")
    history = write_history(tmp_path / "history.xlsx", [(CODE, 2017, "spin_off", None, 20000)])
    import_history(ledger, history)
    workbook = _workbook(tmp_path / "input.xlsx")

    inputs = read_inputs(workbook, 2016, ledger)
    assert inputs.prior == {}
    assert [p.year for p in inputs.later[CODE]] == [2017]
    (line,) = [x for x in run(workbook, 2016, ledger_path=ledger).lines if x.measure == "spin_off"]
    assert line.status is Status.PENDING
    # 2018 with the same ledger: the 2017 payout is a prior one, the reward is ineligible (paid once)
    (line,) = [x for x in run(workbook, 2018, ledger_path=ledger).lines if x.measure == "spin_off"]
    assert line.status is Status.INELIGIBLE
    assert load(None).start.year <= 2016

    outcome = CliRunner().invoke(
        app, ["run", str(workbook), "--year", "2016", "--ledger", str(ledger), "--lang", "en", "--json", "-"]
    )
    assert outcome.exit_code == 0, outcome.output
    assert '"status": "pending"' in outcome.stdout
    assert "for 2017, a later year" in outcome.stdout
