"""The shipped example (examples/example.xlsx) reads, computes and shows what it promises.

The amounts asserted in ``test_hand_worked_amounts`` were worked out by hand from
SPEC §4 and tongnan_calc/rules.yaml, not copied from the program's output.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import ModuleType

import openpyxl
import pytest

from tongnan_calc.core.measures import MEASURES
from tongnan_calc.core.model import Line, Status
from tongnan_calc.core.result import RunResult
from tongnan_calc.input import uscc
from tongnan_calc.shell.run import run

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "example.xlsx"
SCRIPT = ROOT / "examples" / "make_example.py"


@cache
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_example", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def result(year: int) -> RunResult:
    return run(EXAMPLE, year)


def code(key: str) -> str:
    """Credit code of enterprise E01..E20 as the script writes it."""
    return script().C[key]


def line(year: int, key: str, measure: str) -> Line:
    found = [x for x in result(year).lines if x.credit_code == code(key) and x.measure == measure]
    assert len(found) == 1, (key, measure, found)
    return found[0]


# --- what the example contains ------------------------------------------------------------

ENTERPRISE_KEYS = [f"E{n:02d}" for n in range(1, 21)]


def test_every_enterprise_is_read() -> None:
    records = result(2016).batch.records
    assert [r.enterprise.credit_code for r in records] == [code(k) for k in ENTERPRISE_KEYS]
    assert [r.enterprise.name for r in records] == [script().ENTERPRISES[k][0] for k in ENTERPRISE_KEYS]
    assert [r.enterprise.row for r in records] == list(range(2, 22))


def test_credit_codes_are_valid_except_the_planted_one() -> None:
    for key in ENTERPRISE_KEYS:
        checked = uscc.validate(code(key))
        assert checked.usable, key
        assert checked.valid == (key != "E18"), key
    assert uscc.validate(script().UNKNOWN).valid


def test_each_status_appears() -> None:
    statuses = {x.status for x in result(2016).lines}
    assert statuses == set(Status)


def test_each_measure_has_a_line_that_is_not_ineligible() -> None:
    measures = {x.measure for x in result(2016).lines if x.status is not Status.INELIGIBLE}
    assert measures == set(MEASURES)


PLANTED = {
    # (sheet, Excel row, column key, severity)
    ("enterprises", None, None, "notice"),  # extra column 备注 is ignored
    ("enterprises", 19, "credit_code", "warning"),  # E18: wrong check character
    ("leases", 15, "area_m2", "error"),  # E17: area -300
    ("data_lines", 10, "credit_code", "error"),  # credit code not in 企业信息
}


@pytest.mark.parametrize("year", [2015, 2016, 2017])
def test_input_issues_are_exactly_the_planted_ones(year: int) -> None:
    issues = result(year).batch.issues
    assert len(issues) == len(PLANTED)
    assert {(i.sheet, i.row, i.column, i.severity) for i in issues} == PLANTED
    assert {p[:4] for p in script().PLANTED_ISSUES} == PLANTED
    by_where = {(i.sheet, i.row): i for i in issues}
    assert by_where["enterprises", None].message == "unknown columns ignored: 备注 (L)"
    assert by_where["enterprises", 19].credit_code == code("E18")
    assert by_where["leases", 15].value == "-300"
    assert by_where["data_lines", 10].value == repr(script().UNKNOWN)


# Every line of 2016 that is not ineligible: (status, amount).
EXPECTED_2016: dict[tuple[str, str], tuple[Status, str | None]] = {
    ("E01", "rent"): (Status.PAYABLE, "53901.64"),
    ("E02", "rent"): (Status.PAYABLE, "110160.00"),
    ("E03", "rent"): (Status.PAYABLE, "285840.00"),
    ("E05", "spin_off"): (Status.PAYABLE, "20000.00"),
    ("E06", "data_line"): (Status.PAYABLE, "45000.00"),
    ("E07", "data_line"): (Status.PAYABLE, "100000.00"),
    ("E08", "sales_milestone"): (Status.PENDING, None),
    ("E09", "sales_milestone"): (Status.PENDING, None),
    ("E10", "demo_priority"): (Status.FLAG, None),
    ("E10", "loan_interest"): (Status.PAYABLE, "107111.11"),
    ("E11", "demo_priority"): (Status.FLAG, None),
    ("E11", "loan_interest"): (Status.PAYABLE, "39860.00"),
    ("E14", "key_support"): (Status.FLAG, None),
    ("E14", "sales_milestone"): (Status.PENDING, None),
    ("E15", "key_support"): (Status.FLAG, None),
    ("E17", "rent"): (Status.BLOCKED, None),
    ("E18", "data_line"): (Status.PAYABLE, "24000.00"),
    ("E20", "rent"): (Status.PAYABLE, "83968.20"),
}


def test_statuses_of_2016_match_the_readme_table() -> None:
    key_of = {code(k): k for k in ENTERPRISE_KEYS}
    seen = {}
    for x in result(2016).lines:
        if x.status is not Status.INELIGIBLE:
            seen[key_of[x.credit_code], x.measure] = (x.status, None if x.amount is None else str(x.amount))
    assert seen == EXPECTED_2016
    assert len(result(2016).lines) == len(ENTERPRISE_KEYS) * len(MEASURES)


def test_ineligible_reasons_that_the_example_is_about() -> None:
    assert line(2016, "E04", "rent").reason.key == "rent_no_lease"  # not a planned building
    assert line(2016, "E12", "rent").reason.key == "micro_support"
    assert line(2016, "E12", "data_line").reason.key == "micro_support"
    assert line(2016, "E12", "sales_milestone").reason.key == "micro_support"
    assert line(2016, "E13", "rent").reason.key == "not_ecommerce_entity"
    assert line(2016, "E13", "spin_off").reason.key == "not_ecommerce_entity"
    assert line(2016, "E16", "key_support").reason.key == "key_support_not_renowned"
    assert line(2016, "E16", "rent").reason.key == "rent_settled_before_start"
    assert line(2016, "E19", "spin_off").reason.key == "spin_off_too_early"
    assert line(2016, "E19", "sales_milestone").reason.key == "sales_no_tier"
    assert line(2016, "E17", "rent").reason.args == (
        ("where_zh", "办公租赁 第15行 租用面积（area_m2）"),
        ("where_en", "leases row 15 area_m2"),
    )


def test_sales_tiers_pending() -> None:
    assert line(2016, "E08", "sales_milestone").tier == Decimal(50_000_000)
    assert line(2016, "E09", "sales_milestone").tier == Decimal(100_000_000)  # highest of two crossed
    assert line(2016, "E14", "sales_milestone").tier == Decimal(1_000_000_000)


def test_2015_and_2017_make_sense() -> None:
    assert line(2015, "E05", "spin_off").reason.key == "spin_off_too_early"  # 1 year on 2016-06-01
    assert line(2017, "E19", "spin_off").status is Status.PAYABLE  # 1 year on 2017-09-01
    assert line(2015, "E07", "data_line").amount == Decimal("100000.00")  # 30% × 380,000 capped
    assert line(2017, "E07", "data_line").reason.key == "data_line_outside_period"  # period 2015–2016
    assert line(2017, "E06", "data_line").amount == Decimal("48000.00")  # 30% × 160,000, 2nd year
    assert line(2015, "E01", "rent").amount == Decimal("36000.00")  # 60% × 60,000
    assert line(2017, "E17", "rent").status is Status.BLOCKED


# --- amounts worked out by hand (SPEC §4, rules.yaml 2015.1) --------------------------------


def test_hand_worked_rent_across_the_first_anniversary() -> None:
    # E01 settled 2015-07-01: rate 60% for days before 2016-07-01, 30% from then
    # (second year ends 2017-06-30).  Lease row 3: 2016-01-01..2016-12-31 = 366 days,
    # rent 120,000, 1,200 m² <= 2,000 (factor 1); daily rent 120,000 / 366.
    #   days at 60%: Jan..Jun = 31+29+31+30+31+30 = 182
    #   days at 30%: Jul..Dec = 31+31+30+31+30+31 = 184
    #   120,000 × (182 × 0.6 + 184 × 0.3) / 366 = 120,000 × 164.4 / 366
    #   = 19,728,000 / 366 = 53,901.639344…  -> 53,901.64
    assert line(2016, "E01", "rent").amount == Decimal("53901.64")


def test_hand_worked_rent_settled_on_29_february() -> None:
    # E02 settled 2016-02-29; first anniversary 2017-02-28, so all of 2016 is at 60%.
    # Lease 2016-03-01..2017-02-28 = 365 days, rent 219,000 -> 600 a day; 500 m².
    #   days in 2016: Mar..Dec = 306;  306 × 600 × 0.6 = 110,160.00
    assert line(2016, "E02", "rent").amount == Decimal("110160.00")


def test_hand_worked_rent_area_cap() -> None:
    # E03 settled 2016-01-01: all of 2016 at 60%.
    # Lease A 1,500 m², 2016-01-01..12-31, 366,000 / 366 days = 1,000 a day.
    # Lease B 1,000 m², 2016-07-01..12-31, 184,000 / 184 days = 1,000 a day.
    #   Jan..Jun, 182 days, A(d) = 1,500 (factor 1):  182 × 1,000 × 0.6       = 109,200
    #   Jul..Dec, 184 days, A(d) = 2,500 (factor 2,000/2,500 = 0.8):
    #                                       184 × 2,000 × 0.8 × 0.6 = 176,640
    #   total 285,840.00
    assert line(2016, "E03", "rent").amount == Decimal("285840.00")


def test_hand_worked_data_line_above_the_cap() -> None:
    # E07: first fee > 0 in 2015 -> subsidy period 2015–2016.
    # F(2016) = 210,000 + 190,000 (text '¥190,000.00', year '2016年') = 400,000;
    # 30% × 400,000 = 120,000 > annual cap 100,000 -> 100,000.00
    assert line(2016, "E07", "data_line").amount == Decimal("100000.00")
    # E06 for contrast: 30% × 150,000 = 45,000 < 100,000
    assert line(2016, "E06", "data_line").amount == Decimal("45000.00")


def test_hand_worked_loan_interest_national() -> None:
    # E10 (国家级), key-project loans only; subsidy = 50% x min(interest at the benchmark rate, interest_paid):
    # TN-2014-0615: drawn 2014-06-15, before 2014-11-22 -> the 2012-07-06 table;
    #   to 2017-06-15 = 36 months -> band 1–3 y (max_months 36): 6.15%.
    #   D = 366 (all of 2016).  3,000,000 × 6.15% × 366/360 = 184,500 × 366/360 = 187,575.00;
    #   interest_paid 184,500 is less -> 50% × 184,500 = 92,250.00
    # TN-2015-0410: drawn 2015-04-10 -> the 2015-03-01 table; to 2016-04-10 = 12 months
    #   -> band <= 1 y: 5.35%.  D = [2016-01-01, 2016-04-10) = 31+29+31+9 = 100.
    #   2,000,000 × 5.35% × 100/360 = 29,722.222… (no interest_paid) -> 50% = 14,861.111…
    # TN-2016-0120: key_project = no -> not counted.
    # Σ = 107,111.111… (< 500,000) -> 107,111.11
    assert line(2016, "E10", "loan_interest").amount == Decimal("107111.11")


def test_hand_worked_loan_interest_municipal() -> None:
    # E11 (市级):
    # CQ-2015-1116: drawn 2015-11-16 -> the 2015-10-24 table; to 2016-05-16 = 6 months
    #   -> band <= 1 y: 4.35%.  D = [2016-01-01, 2016-05-16) = 31+29+31+30+15 = 136.
    #   1,200,000 × 4.35% × 136/360 = 52,200 × 136/360 = 19,720.00 = interest_paid 19,720
    #   -> 50% × 19,720 = 9,860.00
    # CQ-2015-0901: drawn 2015-09-01 -> the 2015-08-26 table; to 2018-09-01 = 36 months
    #   -> band 1–5 y: 5.00%.  D = 366.  3,000,000 × 5% × 366/360 = 152,500.00 > interest_paid 60,000
    #   -> 50% × 60,000 = 30,000.00
    # Σ = 39,860.00
    assert line(2016, "E11", "loan_interest").amount == Decimal("39860.00")


# --- the script regenerates the committed workbook ------------------------------------------


def _values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(path)
    try:
        return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}
    finally:
        book.close()


def test_script_regenerates_the_same_cell_values(tmp_path: Path) -> None:
    out = tmp_path / "regenerated.xlsx"
    subprocess.run([sys.executable, str(SCRIPT), str(out)], check=True, capture_output=True)
    committed, regenerated = _values(EXAMPLE), _values(out)
    assert list(regenerated) == list(committed)  # same sheets in the same order
    for title, rows in committed.items():
        assert len(regenerated[title]) == len(rows), title
        for number, (old, new) in enumerate(zip(rows, regenerated[title], strict=True), start=1):
            assert new == old, f"{title} row {number}"
