"""The spreadsheet I/O floor: the calculator's reader and writer doing nothing else.

    python bench/floor.py read WORKBOOK                    # python-calamine, every sheet to Python values
    python bench/floor.py read-arrow WORKBOOK              # fastexcel (calamine), every sheet to Arrow columns
    python bench/floor.py extract PAYOUT.xlsx ROWS.pickle  # the rows of a payout workbook, for ``write``
    python bench/floor.py write ROWS.pickle OUT.xlsx [--writer xlsxwriter|openpyxl]

``read`` and ``write`` print one JSON object with the seconds spent in the
operation itself (the interpreter start and the imports are not counted, so the
floor is, if anything, lower than what a user could see).
"""

from __future__ import annotations

import argparse
import json
import pickle
import time
from pathlib import Path
from typing import Any

Rows = list[tuple[str, list[list[Any]]]]


def read(workbook: Path) -> dict[str, Any]:
    from python_calamine import CalamineWorkbook

    began = time.perf_counter()
    rows = 0
    with CalamineWorkbook.from_path(str(workbook)) as book:
        for name in book.sheet_names:
            rows += len(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
    return {"read_s": time.perf_counter() - began, "rows": rows}


def read_arrow(workbook: Path) -> dict[str, Any]:
    """Every sheet straight into Arrow columns (fastexcel, the calamine engine polars uses): the floor a
    columnar reader could reach.  Every column is read as text here (typed reading infers a column's type
    from its first rows and turns a later odd cell into null: not what the tool may do)."""
    import fastexcel

    began = time.perf_counter()
    rows = 0
    reader = fastexcel.read_excel(str(workbook))
    for name in reader.sheet_names:
        sheet = reader.load_sheet_by_name(name, header_row=None, dtypes="string")
        rows += sheet.to_arrow().num_rows
    return {"read_s": time.perf_counter() - began, "rows": rows}


def extract(payout: Path, out: Path) -> dict[str, Any]:
    from python_calamine import CalamineWorkbook

    sheets: Rows = []
    with CalamineWorkbook.from_path(str(payout)) as book:
        for name in book.sheet_names:
            sheets.append((name, book.get_sheet_by_name(name).to_python(skip_empty_area=False)))
    with out.open("wb") as handle:
        pickle.dump(sheets, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return {"sheets": len(sheets), "rows": sum(len(rows) for _, rows in sheets)}


def _write_xlsxwriter(sheets: Rows, out: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    for name, rows in sheets:
        ws = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    if value:
                        ws.write_string(r, c, value)
                else:
                    ws.write_number(r, c, value)
    book.close()


def _write_openpyxl(sheets: Rows, out: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, rows in sheets:
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    book.save(out)


def write(rows_file: Path, out: Path, writer: str) -> dict[str, Any]:
    with rows_file.open("rb") as handle:
        sheets: Rows = pickle.load(handle)
    began = time.perf_counter()
    (_write_xlsxwriter if writer == "xlsxwriter" else _write_openpyxl)(sheets, out)
    return {"write_s": time.perf_counter() - began, "rows": sum(len(rows) for _, rows in sheets)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("read")
    p.add_argument("workbook", type=Path)
    p = sub.add_parser("read-arrow")
    p.add_argument("workbook", type=Path)
    p = sub.add_parser("extract")
    p.add_argument("payout", type=Path)
    p.add_argument("rows", type=Path)
    p = sub.add_parser("write")
    p.add_argument("rows", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument("--writer", choices=("xlsxwriter", "openpyxl"), default="xlsxwriter")
    args = parser.parse_args()
    if args.command == "read":
        result = read(args.workbook)
    elif args.command == "read-arrow":
        result = read_arrow(args.workbook)
    elif args.command == "extract":
        result = extract(args.payout, args.rows)
    else:
        result = write(args.rows, args.out, args.writer)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
