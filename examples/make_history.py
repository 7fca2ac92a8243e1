"""Write ``examples/history.xlsx``: payouts made before the tool existed, for the shipped example.

    python examples/make_history.py [OUT.xlsx]      # default: examples/history.xlsx
    tongnan-calc ledger init /tmp/try-ledger.sqlite --no-save
    tongnan-calc ledger import examples/history.xlsx --example --ledger /tmp/try-ledger.sqlite

The rows are the payable lines that ``tongnan-calc run examples/example.xlsx --year 2015``
computes, as if the bureau had paid them in 2015 by hand: sheet 历史发放 in the layout
``ledger import`` reads (and ``ledger export`` and ``template --history`` write).  The
enterprises are the example's fictional ones, so ``ledger import`` wants ``--example``
(a scratch ledger), never the bureau's ledger.  A 2016 run against a ledger holding them
computes the same lines as without (``tests/test_ledger_example.py``).

Deterministic: the rows are fixed below (the file's own timestamps are openpyxl's).
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

from tongnan_calc.ledger.export_book import HISTORY_ROW, write_history_workbook

ROWS: tuple[HISTORY_ROW, ...] = (
    # (credit code, year, measure, tier, amount): `run --year 2015` of examples/example.xlsx
    ("91500223MA601P037Q", 2015, "rent", None, Decimal("36000.00")),  # E01
    ("91500223MA607P259T", 2015, "data_line", None, Decimal("100000.00")),  # E07: its period is 2015–2016
    ("91500223MA610P3703", 2015, "loan_interest", None, Decimal("131780.56")),  # E10
    ("91500223MA611P407Y", 2015, "loan_interest", None, Decimal("28751.67")),  # E11
    ("91500223MA620P7409", 2015, "rent", None, Decimal("120393.44")),  # E20
)


def main(args: list[str]) -> None:
    out = Path(args[0]) if args else Path(__file__).with_name("history.xlsx")
    write_history_workbook(out, ROWS)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
