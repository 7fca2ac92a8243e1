"""Ledger guards across years under a rule file whose values change: each year's payouts are held to the
value in force on 31 December of that year (SPEC §5), as the engine reads them."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import CODE
from ledger_helpers import RunInfo, new_ledger, write_payout
from typer.testing import CliRunner

from tongnan_calc.cli.ledger import app as ledger_app
from tongnan_calc.ledger import LedgerError, read_prior, record_payout
from tongnan_calc.ledger.limits import load_ledger_rules
from tongnan_calc.rules.load import DEFAULT_RULES as SHIPPED_RULES


def rules_with_cap_raised_in_2017(path: Path) -> Path:
    """The shipped rule file, with loan_interest.enterprise_cap 300,000 until 2016 and 500,000 from 2017."""
    text = SHIPPED_RULES.read_text(encoding="utf-8")
    old = "      enterprise_cap:\n        2015-01-01: 500000\n"
    assert text.count(old) == 1
    new = "      enterprise_cap:\n        2015-01-01: 300000\n        2017-01-01: 500000\n"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_a_late_year_is_held_to_the_cap_in_force_in_its_own_year(tmp_path: Path) -> None:
    # cap 300,000 in 2015 and 2016, 500,000 from 2017.  The ledger holds 50,000 for 2017; a 2015 workbook of
    # 400,000 comes late: 400,000 up to 2015 > 300,000 (the cap of 2015) -> refused, though the
    # total 450,000 up to 2017 is within 2017's 500,000.
    db = new_ledger(tmp_path / "ledger.sqlite")
    rules = load_ledger_rules(rules_with_cap_raised_in_2017(tmp_path / "rules.yaml"))
    p2017 = write_payout(tmp_path / "p2017.xlsx", [(CODE, "loan_interest", None, 50000)], run=RunInfo(year=2017))
    record_payout(db, p2017, rules=rules)
    late = write_payout(tmp_path / "p2015.xlsx", [(CODE, "loan_interest", None, 400000)], run=RunInfo(year=2015))

    with pytest.raises(LedgerError, match=r"row 2 \S+ \(400000\.00 in total up to 2015, cap 300000\.00\)"):
        record_payout(db, late, rules=rules)
    assert read_prior(db).entries == 1
    # 300,000 for 2015 is at the cap of 2015: recorded (350,000 up to 2017 is within 500,000)
    ok = write_payout(tmp_path / "p2015b.xlsx", [(CODE, "loan_interest", None, 300000)], run=RunInfo(year=2015))
    assert record_payout(db, ok, rules=rules).added == 1


def test_a_data_line_year_beyond_the_period_is_refused(tmp_path: Path) -> None:
    # 二（四） 补贴期限为2年.  data_line recorded for 2016 and 2017; a 2015 workbook computed before they were
    # recorded (its run saw neither) pays 3,000 for 2015: three years of subsidy -> refused, nothing recorded
    db = new_ledger(tmp_path / "ledger.sqlite")
    for year in (2016, 2017):
        paid = write_payout(tmp_path / f"p{year}.xlsx", [(CODE, "data_line", None, 3000)], run=RunInfo(year=year))
        record_payout(db, paid)
    late = write_payout(tmp_path / "p2015.xlsx", [(CODE, "data_line", None, 3000)], run=RunInfo(year=2015))

    en = CliRunner().invoke(ledger_app, ["record", str(late), "--ledger", str(db), "--lang", "en"])
    zh = CliRunner().invoke(ledger_app, ["record", str(late), "--ledger", str(db)])

    assert en.exit_code == 2
    assert en.stderr == (
        f"error: {late}: sheet 应付明细 would pay data_line (二（四）) beyond its period of 2 years:"
        f" row 2 {CODE} (data_line for 2015, 2016, 2017); nothing was recorded\n"
    )
    assert zh.stderr == (
        f"错误：{late}：工作表 应付明细 的 data_line 将超出{2}年的补贴期限（二（四））：第2行 {CODE}"
        "（数据专线补贴年度 2015、2016、2017）；未记录任何发放\n"
    )
    assert read_prior(db).entries == 2


def test_a_data_line_year_within_the_period_is_recorded_out_of_order(tmp_path: Path) -> None:
    # data_line recorded for 2016 only; 2015 late: 2015-2016 fit in the period -> recorded
    db = new_ledger(tmp_path / "ledger.sqlite")
    record_payout(db, write_payout(tmp_path / "p2016.xlsx", [(CODE, "data_line", None, 3000)]))
    late = write_payout(tmp_path / "p2015.xlsx", [(CODE, "data_line", None, 3000)], run=RunInfo(year=2015))
    assert record_payout(db, late).added == 1
