"""Ledger guards across years under a rule file whose values change: each year's payouts are held to the
value in force on 31 December of that year (SPEC §5), as the engine reads them."""

from __future__ import annotations

from pathlib import Path

import pytest
from factories import CODE
from ledger_helpers import RunInfo, new_ledger, write_payout

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
