"""The PBOC benchmark lending rates from 2002-02-21 to 2012-06-08 (issue 12): a loan drawn in each period.

Each case is a key-project loan of 1,000,000 drawn inside one period of the table (on its first day,
on a later day, or on the day before the next adjustment) and still running in 2015, the first
policy year.  The rate is the one of the loan's term band (months, a part month counting whole) in
the table in force on the drawdown date; the subsidy for 2015 is

    1,000,000 × r × D / 360 × 50 %   (D = the days of 2015 in [drawdown, maturity)).

The rates are those of the PBOC announcements cited in rules.yaml (loan_interest.benchmark_rates).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from factories import SHIPPED, assert_payable, ent, loan, rec

from tongnan_calc.core.measures import MEASURES
from tongnan_calc.core.model import Status
from tongnan_calc.rules.load import load_rules
from tongnan_calc.text.messages import render

loan_interest = MEASURES["loan_interest"]
PARAMS = {"benchmark_rates", "share_of_benchmark", "day_count"}

# (period from, drawdown, maturity, amount for 2015) — the arithmetic beside each
CASES = [
    # 180 months -> >5 y 5.76; D = 365: 1,000,000 × 0.0576 × 365/360 × 0.5 = 57,600 × 365/720 = 29,200.00
    ("2002-02-21", "2002-02-21", "2017-02-21", "29200.00"),
    # 120 months -> >5 y 6.12; D = 2015-01-01..02-28 = 59: 61,200 × 59/720 = 3,610,800/720 = 5,015.00
    ("2004-10-29", "2005-03-01", "2015-03-01", "5015.00"),
    # 120 months -> >5 y 6.39; D = 365: 63,900 × 365/720 = 23,323,500/720 = 32,393.75
    ("2006-04-28", "2006-06-30", "2016-06-30", "32393.75"),
    # drawn the day before 2007-03-18: 120 months -> >5 y 6.84 (not 7.11); 68,400 × 365/720 = 34,675.00
    ("2006-08-19", "2007-03-17", "2017-03-17", "34675.00"),
    # 102 months -> >5 y 7.11; D = 2015-01-01..09-17 = 243 + 17 = 260: 71,100 × 260/720 = 25,675.00
    ("2007-03-18", "2007-03-18", "2015-09-18", "25675.00"),
    # 102 months -> >5 y 7.20; D = 2015-01-01..11-30 = 334: 72,000 × 334/720 = 33,400.00
    ("2007-05-19", "2007-06-01", "2015-12-01", "33400.00"),
    # drawn the day before 2007-08-22: 108 months -> >5 y 7.38; 73,800 × 365/720 = 37,412.50
    ("2007-07-21", "2007-08-21", "2016-08-21", "37412.50"),
    # 120 months -> >5 y 7.56; 75,600 × 365/720 = 38,325.00
    ("2007-08-22", "2007-09-01", "2017-09-01", "38325.00"),
    # drawn the day before 2007-12-21: 96 months -> >5 y 7.83; D = ..12-19 = 353: 78,300 × 353/720 = 38,388.75
    ("2007-09-15", "2007-12-20", "2015-12-20", "38388.75"),
    # 2007-12-21 itself: 96 months -> >5 y 7.83; D = ..12-20 = 354: 78,300 × 354/720 = 38,497.50
    ("2007-12-21", "2007-12-21", "2015-12-21", "38497.50"),
    # 84 months -> >5 y 7.74; D = ..10-07 = 273 + 7 = 280: 77,400 × 280/720 = 30,100.00
    ("2008-09-16", "2008-10-08", "2015-10-08", "30100.00"),
    # 96 months -> >5 y 7.47; 74,700 × 365/720 = 27,265,500/720 = 37,868.75
    ("2008-10-09", "2008-10-29", "2016-10-29", "37868.75"),
    # drawn the day before 2008-11-27: 84 months -> >5 y 7.20; D = ..11-25 = 304 + 25 = 329: 72,000 × 329/720 = 32,900.00
    ("2008-10-30", "2008-11-26", "2015-11-26", "32900.00"),
    # 96 months -> >5 y 6.12; 61,200 × 365/720 = 31,025.00
    ("2008-11-27", "2008-12-01", "2016-12-01", "31025.00"),
    # 84 months -> >5 y 5.94; 59,400 × 365/720 = 30,112.50
    ("2008-12-23", "2009-06-30", "2016-06-30", "30112.50"),
    # exactly 60 months -> 3-5 y 5.96; D = ..10-19 = 273 + 19 = 292: 59,600 × 292/720 = 17,403,200/720 = 24,171.11
    ("2010-10-20", "2010-10-20", "2015-10-20", "24171.11"),
    # 54 months -> 3-5 y 6.22; D = ..07-09 = 181 + 9 = 190: 62,200 × 190/720 = 11,818,000/720 = 16,413.888... -> 16,413.89
    ("2010-12-26", "2011-01-10", "2015-07-10", "16413.89"),
    # 54 months -> 3-5 y 6.45; D = ..08-31 = 243: 64,500 × 243/720 = 21,768.75
    ("2011-02-09", "2011-03-01", "2015-09-01", "21768.75"),
    # 60 months -> 3-5 y 6.65; 66,500 × 365/720 = 24,272,500/720 = 33,711.805... -> 33,711.81
    ("2011-04-06", "2011-05-01", "2016-05-01", "33711.81"),
    # 48 months -> 3-5 y 6.90; D = ..07-06 = 181 + 6 = 187: 69,000 × 187/720 = 12,903,000/720 = 17,920.833... -> 17,920.83
    ("2011-07-07", "2011-07-07", "2015-07-07", "17920.83"),
    # 36 months -> 1-3 y 6.40; D = ..06-07 = 151 + 7 = 158: 64,000 × 158/720 = 10,112,000/720 = 14,044.444... -> 14,044.44
    ("2012-06-08", "2012-06-08", "2015-06-08", "14044.44"),
]


def test_every_period_is_tested_and_the_table_starts_on_2002_02_21() -> None:
    changes = [d.isoformat() for d in SHIPPED.param("loan_interest", "benchmark_rates").changes()]
    assert [c for c in changes if c < "2012-07-06"] == [case[0] for case in CASES]
    assert changes[0] == "2002-02-21"


@pytest.mark.parametrize(("period", "drawdown", "maturity", "amount"), CASES, ids=[case[0] for case in CASES])
def test_a_loan_drawn_in_each_period(period: str, drawdown: str, maturity: str, amount: str) -> None:
    r = rec(ent(demo_level="national"), loans=[loan(f"JK-{period}", 1000000, drawdown, maturity)])
    line = loan_interest(r, 2015, SHIPPED)
    assert_payable(line, amount, PARAMS)
    benchmark = next(p for p in line.basis.params if p.name.endswith("benchmark_rates"))
    assert benchmark.effective.isoformat() == period


def test_the_five_bands_of_2007_12_21() -> None:
    # the table the issue names: ≤6 m 6.57, 6 m-1 y 7.47, 1-3 y 7.56, 3-5 y 7.74, >5 y 7.83
    bands, since = SHIPPED.value("loan_interest", "benchmark_rates", SHIPPED.start.replace(year=2008, month=1))
    assert since.isoformat() == "2007-12-21"
    assert [(b.max_months, str(b.rate_percent)) for b in bands] == [
        (6, "6.57"),
        (12, "7.47"),
        (36, "7.56"),
        (60, "7.74"),
        (None, "7.83"),
    ]


def test_a_loan_drawn_before_2002_02_21_is_still_pending() -> None:
    r = rec(ent(demo_level="national"), loans=[loan("JK-2001", 1000000, "2001-09-01", "2016-09-01")])
    line = loan_interest(r, 2015, SHIPPED)
    assert line.status is Status.PENDING
    assert render(line.reason, "en") == (
        "loan(s) JK-2001 were drawn before the first benchmark table of the rule file: an analyst adds the rate in"
        " force then"
    )


# --- examples/rules-lpr.yaml: how an analyst supplies the LPR for loans from 2019-08-20 -----------------

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# (in force from, 1-year LPR, over-5-year LPR), % a year, as the NIFC published them (the overlay's rows)
LPR = (
    ("2019-08-20", "4.25", "4.85"),
    ("2019-09-20", "4.20", "4.85"),
    ("2019-11-20", "4.15", "4.80"),
    ("2020-02-20", "4.05", "4.75"),
    ("2020-04-20", "3.85", "4.65"),
    ("2021-12-20", "3.80", "4.65"),
    ("2022-01-20", "3.70", "4.60"),
    ("2022-05-20", "3.70", "4.45"),
    ("2022-08-22", "3.65", "4.30"),
    ("2023-06-20", "3.55", "4.20"),
    ("2023-08-21", "3.45", "4.20"),
    ("2024-02-20", "3.45", "3.95"),
    ("2024-07-22", "3.35", "3.85"),
    ("2024-10-21", "3.10", "3.60"),
    ("2025-05-20", "3.00", "3.50"),
)


def test_the_lpr_example_is_an_overlay_that_adds_the_lpr_tables_only() -> None:
    rules = load_rules(EXAMPLES / "rules-lpr.yaml")
    assert (rules.version, rules.base_version) == ("2015.1-lpr", "2015.1")
    dated = rules.param("loan_interest", "benchmark_rates")
    shipped = SHIPPED.param("loan_interest", "benchmark_rates")
    # before 2019-08-20 the two agree, value for value; the shipped null of 2019-08-20 is replaced
    assert dated.entries[: -len(LPR)] == shipped.entries[:-1]
    assert shipped.entries[-1] == (date(2019, 8, 20), None)
    lpr = [
        (start.isoformat(), [(band.max_months, str(band.rate_percent)) for band in bands])
        for start, bands in dated.entries[-len(LPR) :]
    ]
    assert lpr == [(day, [(60, one), (None, five)]) for day, one, five in LPR]
    # every LPR table cites the NIFC's publication of its day
    for start, _ in dated.entries[-len(LPR) :]:
        reference = dated.reference(start)
        assert reference is not None and reference.issued == start and "LPR" in reference.title
    # and nothing else of the shipped rules changes
    for measure, spec in rules.measures.items():
        for name, param in spec.params.items():
            if (measure, name) != ("loan_interest", "benchmark_rates"):
                assert param.entries == SHIPPED.param(measure, name).entries, (measure, name)


def test_the_lpr_example_prices_a_loan_of_2020_and_the_default_leaves_it_pending() -> None:
    rules = load_rules(EXAMPLES / "rules-lpr.yaml")
    short = loan("JK-2020-05", 1000000, "2020-05-01", "2023-05-01")  # 36 months: the 1-year LPR
    long = loan("JK-2020-10", 1000000, "2020-05-01", "2030-05-01", row=3)  # 120 months: the over-5-year LPR
    # in force on 2020-05-01: the LPR of 2020-04-20, 1 y 3.85, over 5 y 4.65; D = 365 (2021)
    # 1,000,000 × 0.0385 × 365/360 × 0.5 = 38,500 × 365/720 = 14,052,500/720 = 19,517.361... -> 19,517.36
    assert_payable(loan_interest(rec(ent(demo_level="national"), loans=[short]), 2021, rules), "19517.36", PARAMS)
    # 1,000,000 × 0.0465 × 365/360 × 0.5 = 46,500 × 365/720 = 16,972,500/720 = 23,572.916... -> 23,572.92
    assert_payable(loan_interest(rec(ent(demo_level="national"), loans=[long]), 2021, rules), "23572.92", PARAMS)
    # both together: 19,517.361... + 23,572.916... = 43,090.277... -> 43,090.28
    both = loan_interest(rec(ent(demo_level="national"), loans=[short, long]), 2021, rules)
    assert_payable(both, "43090.28", PARAMS)
    # the shipped rule file: no benchmark rate in force from 2019-08-20, pending for an analyst
    assert loan_interest(rec(ent(demo_level="national"), loans=[short]), 2021, SHIPPED).status is Status.PENDING
