"""Write ``examples/rules-lpr.yaml``: the shipped rule file with an LPR table for loans from 2019-08-20.

    python examples/make_rules_lpr.py [OUT.yaml]     # default: examples/rules-lpr.yaml
    tongnan-calc run batch.xlsx --year 2020 --rules examples/rules-lpr.yaml

From 2019-08-20 the PBOC no longer publishes benchmark lending rates: new loans are priced on the
loan prime rate (贷款市场报价利率, LPR) that the National Interbank Funding Center publishes on
the 20th of each month (中国人民银行公告〔2019〕第15号).  The shipped rule file says so with
``2019-08-20: null``: such loans are ``pending`` until an analyst decides which rate stands for
"银行同期基准利率".  This file shows one decision, NOT the default: from 2019-08-20 the table is
the published LPR, the 1-year LPR for terms up to five years and the over-5-year LPR beyond, one
dated table at each change (the months between keep the last one).

The rows below are the LPR as published at each change, from 2019-08-20 to 2025-05-20; an analyst
checks them against the NIFC / PBOC publications (www.chinamoney.com.cn, www.pbc.gov.cn) and adds
any later change before using the file.  Everything else is the shipped rule file, unchanged; only
the version and the last dated value of ``loan_interest.benchmark_rates`` differ
(``tests/test_benchmark_history.py`` checks that the committed file and this script agree).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHIPPED = HERE.parent / "tongnan_calc" / "rules.yaml"

# (in force from, 1-year LPR, over-5-year LPR), % a year, as published by the NIFC on that day
LPR: tuple[tuple[str, str, str], ...] = (
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

WITHDRAWN = "        2019-08-20: null\n"
WITHDRAWN_REFERENCE = "      2019-08-20: {title: 中国人民银行公告〔2019〕第15号"

HEADER = """\
# examples/rules-lpr.yaml — written by examples/make_rules_lpr.py; do not edit by hand.
#
# NOT the default.  The shipped rule file, with one analyst's decision for loans drawn from
# 2019-08-20, when the PBOC benchmark lending rate gave way to the loan prime rate (LPR):
# the published LPR stands for "银行同期基准利率" — the 1-year LPR for terms up to five years
# (max_months: 60), the over-5-year LPR beyond.  One dated table at each change of the LPR as
# published by the National Interbank Funding Center on the 20th of the month (the months in
# between keep the last table).  Check the rows against www.chinamoney.com.cn before use and
# add every later change.
#
"""


def lpr_tables() -> str:
    rows = []
    for day, one_year, five_year in LPR:
        rows.append(f"        {day}:\n")
        rows.append(f"          - {{max_months: 60, rate: {one_year}}}\n")
        rows.append(f"          - {{max_months: null, rate: {five_year}}}\n")
    return "".join(rows)


def lpr_references() -> str:
    return "".join(
        f"      {day}: {{title: 全国银行间同业拆借中心受权公布贷款市场报价利率（LPR）公告, issued: {day},"
        " clause: 1年期LPR（期限五年以内）、5年期以上LPR（期限五年以上）, url: https://www.chinamoney.com.cn}\n"
        for day, _, _ in LPR
    )


def rules_lpr(shipped: str) -> str:
    """The shipped rule file's text with the LPR tables (and their references) in place of ``2019-08-20: null``."""
    assert shipped.count(WITHDRAWN) == 1, "the shipped rule file no longer ends its benchmark table as expected"
    lines = shipped.splitlines(keepends=True)
    (cited,) = [i for i, line in enumerate(lines) if line.startswith(WITHDRAWN_REFERENCE)]
    lines[cited] = lpr_references()
    version = 'version: "2015.1"'
    assert shipped.count(version) == 1
    text = "".join(lines).replace(WITHDRAWN, lpr_tables()).replace(version, 'version: "2015.1-lpr"')
    return HEADER + text


def main(argv: list[str]) -> None:
    out = Path(argv[1]) if len(argv) > 1 else HERE / "rules-lpr.yaml"
    out.write_text(rules_lpr(SHIPPED.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv)
