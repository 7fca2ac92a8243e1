"""The money review, round 3: what a batch pays year after year through the ledger, and exact rounding at any size.

Five years run one after the other as a clerk does (SPEC §1): ``run --year Y --out`` then
``ledger record`` of that payout workbook, then the next year reads what was recorded (SPEC §6,
prior payouts = payouts recorded for years before Y).  Each figure is worked by hand from the
notice (part 二) and SPEC §2/§4 in the docstring of the test that checks it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from ledger_helpers import code, new_ledger
from openpyxl import Workbook
from typer.testing import CliRunner

from tongnan_calc.cli.app import app
from tongnan_calc.core.money import fmt, round_money
from tongnan_calc.rules.load import DEFAULT_RULES

LOAN, DATA, SPIN, SALES, RENT = (code(n) for n in range(1, 6))
MEASURE = {LOAN: "loan_interest", DATA: "data_line", SPIN: "spin_off", SALES: "sales_milestone", RENT: "rent"}

ENTERPRISE_COLUMNS = (
    "credit_code",
    "name",
    "ecommerce_entity",
    "settled_on",
    "demo_level",
    "spun_off",
    "operating_since",
)


def _workbook(path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "enterprises"
    sheet.append(ENTERPRISE_COLUMNS)
    sheet.append((LOAN, "重庆潼南贴息测试有限公司", "是", None, "市级", None, None))
    sheet.append((DATA, "重庆潼南专线测试有限公司", "是", None, None, None, None))
    sheet.append((SPIN, "重庆潼南分离测试有限公司", "是", None, None, "是", "2014-06-01"))
    sheet.append((SALES, "重庆潼南销售测试有限公司", "是", None, None, None, None))
    sheet.append((RENT, "重庆潼南租金测试有限公司", "是", "2015-07-01", None, None, None))
    rows = {
        "loans": (
            ("credit_code", "loan_id", "key_project", "principal", "drawdown_date", "maturity_date"),
            (LOAN, "DK-1", "是", 5000000, "2015-01-01", "2025-01-01"),
        ),
        "data_lines": (
            ("credit_code", "year", "fee_paid"),
            (DATA, 2015, 100),
            (DATA, 2016, 200),
            (DATA, 2017, 300),
        ),
        "sales": (
            ("credit_code", "year", "sales"),
            (SALES, 2015, 60000000),
            (SALES, 2016, 40000000),
            (SALES, 2017, 120000000),
            (SALES, 2018, 2000000000),
            (SALES, 2019, 3000000000),
        ),
        "leases": (
            ("credit_code", "planned_building", "area_m2", "period_start", "period_end", "rent_paid"),
            (RENT, "是", 2500, "2015-07-01", "2017-06-30", 73100),
        ),
    }
    for title, lines in rows.items():
        other = book.create_sheet(title)
        for line in lines:
            other.append(line)
    book.save(path)
    return path


def _rules(path: Path) -> Path:
    """The shipped rules with tier amounts 100,000 / 200,000 / 1,000,000 (the notice fixes none)."""
    text = DEFAULT_RULES.read_text(encoding="utf-8")
    for threshold, amount in (("50000000", 100000), ("100000000", 200000), ("1000000000", 1000000)):
        old = f"{{threshold: {threshold}, amount: null}}"
        assert text.count(old) == 1
        text = text.replace(old, f"{{threshold: {threshold}, amount: {amount}}}")
    path.write_text(text, encoding="utf-8")
    return path


# Worked by hand (None: not payable that year).
#
# loan_interest 二（六）: 5,000,000 drawn 2015-01-01, maturity 2025-01-01 = 120 months (> 5 years): the
#   benchmark in force on 2015-01-01 (table of 2014-11-22) is 6.15 %.  50 % × 5,000,000 × 6.15 % × D / 360:
#   2015 D = 365 -> 155,885.4166… = 155,885.42;  2016 D = 366 -> 156,312.50;
#   2017 D = 365 -> 155,885.42 (recorded so far 312,197.92, 187,802.08 left of the 500,000 cap);
#   2018: 155,885.42 > what is left, 500,000 − 468,083.34 = 31,916.66 (the cap, on the rounded payouts);
#   2019: the cap is used up -> ineligible.
# data_line 二（四）: fees 100 (2015), 200 (2016), 300 (2017); the period is 2015–2016:
#   2015 30 % × 100 = 30.00; 2016 60.00; 2017 outside the period.
# spin_off 二（三）: operating since 2014-06-01, one year on 2015-06-01 ≤ 2015-12-31: 20,000.00 in 2015,
#   then paid once.
# sales_milestone 二（五） (tiers 50 million 100,000 / 100 million 200,000 / 1 billion 1,000,000, highest_only):
#   2015 60 million crosses 50 million -> 100,000.00; 2016 40 million crosses nothing; 2017 120 million
#   crosses 100 million (first time; earlier max 60 million, paid tier 50 million) -> 200,000.00;
#   2018 2 billion crosses 1 billion -> 1,000,000.00; 2019 3 billion: every tier paid -> ineligible.
# rent 二（二）: settled 2015-07-01, one lease 2015-07-01..2017-06-30 = 184 + 366 + 181 = 731 days,
#   73,100 -> 100 a day, 2,500 m² -> cap factor 2,000 / 2,500 = 0.8:
#   2015 184 d × 100 × 0.8 × 60 % = 8,832.00;
#   2016 182 d (Jan 1..Jun 30) × 48 = 8,736 + 184 d (Jul 1..Dec 31) × 24 = 4,416 -> 13,152.00;
#   2017 181 d (Jan 1..Jun 30) × 24 = 4,344.00;  2018, 2019 outside the two years.
EXPECTED: dict[int, dict[str, str | None]] = {
    2015: {LOAN: "155885.42", DATA: "30.00", SPIN: "20000.00", SALES: "100000.00", RENT: "8832.00"},
    2016: {LOAN: "156312.50", DATA: "60.00", SPIN: None, SALES: None, RENT: "13152.00"},
    2017: {LOAN: "155885.42", DATA: None, SPIN: None, SALES: "200000.00", RENT: "4344.00"},
    2018: {LOAN: "31916.66", DATA: None, SPIN: None, SALES: "1000000.00", RENT: None},
    2019: {LOAN: None, DATA: None, SPIN: None, SALES: None, RENT: None},
}


def test_five_years_run_and_recorded_one_after_the_other_pay_what_the_notice_says(tmp_path: Path) -> None:
    """Each year reads the payouts recorded for the years before it: one-time rewards once (二（三）,
    二（五）), the data line for its two years (二（四）), the loan subsidy up to 500,000 all years together
    (二（六）), the rent for the two years after settling (二（二）) — amounts in EXPECTED, worked above."""
    workbook, rules = _workbook(tmp_path / "input.xlsx"), _rules(tmp_path / "rules.yaml")
    ledger = new_ledger(tmp_path / "ledger.sqlite")
    runner = CliRunner()
    for year, expected in EXPECTED.items():
        out = tmp_path / f"payout-{year}.xlsx"
        args = ["run", str(workbook), "--year", str(year), "--rules", str(rules), "--ledger", str(ledger)]
        outcome = runner.invoke(app, [*args, "--out", str(out), "--json", "-", "--lang", "en"])
        assert outcome.exit_code == 0, outcome.output
        lines = json.loads(outcome.stdout)["entitlements"]
        got = {
            line["credit_code"]: line["amount"] if line["status"] == "payable" else None
            for line in lines
            if line["measure"] == MEASURE[line["credit_code"]]
        }
        assert got == expected, year
        total = sum((Decimal(amount) for amount in expected.values() if amount is not None), Decimal("0.00"))
        assert json.loads(outcome.stdout)["totals"]["payable"] == fmt(total)
        recorded = runner.invoke(app, ["ledger", "record", str(out), "--ledger", str(ledger), "--rules", str(rules)])
        assert recorded.exit_code == 0, recorded.output


@pytest.mark.parametrize(
    ("exact", "rounded"),
    [
        # 30 digits before the point, exactly half a fen above ...890.12: half up -> ...890.13
        (Fraction(123456789012345678901234567890125, 1000), "123456789012345678901234567890.13"),
        # a hair below the half: down
        (Fraction(123456789012345678901234567890124999, 1000000), "123456789012345678901234567890.12"),
        # 10^40 yuan and a third of a fen (1/300 yuan): down
        (Fraction(3 * 10**42 + 1, 300), "10000000000000000000000000000000000000000.00"),
    ],
)
def test_the_one_rounding_is_exact_at_any_size(exact: Fraction, rounded: str) -> None:
    """SPEC §2: each line is rounded once, half up, to 0.01 yuan — exactly.  The rounding worked the cents in
    integers but then scaled them by 0.01 in the default decimal context, which keeps 28 digits: an amount
    of 30 digits came out as 1.234567890123456789012345679E+29, and fmt refused it (InvalidOperation).
    (The reader's 10^15 bound per cell keeps a batch's amounts far below that: this is the function's own
    contract.)"""
    assert f"{round_money(exact):f}" == rounded
    assert fmt(round_money(exact)) == rounded
    assert round_money(Decimal(rounded)) == Decimal(rounded)
