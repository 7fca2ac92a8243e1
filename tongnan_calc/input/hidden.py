"""Hidden rows and hidden sheets: read like the others, and said.

Excel hides a row by hand, by a collapsed outline or by a filter (``<row … hidden="1">``, or a height of
0); a sheet by *Hide* (``state="hidden"``/``"veryHidden"``).  calamine reads them like any other, and so
does the reader: a hidden row is data (SPEC §3 never skips a row silently).  But a clerk who hides a lease
row to leave it out would see it paid: each hidden data row is a warning on its row, and a hidden sheet of
ours a warning on the sheet, telling to delete what must not count.  The exit code does not change.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Final

from tongnan_calc.core.model import InputIssue
from tongnan_calc.input.records import Parsed
from tongnan_calc.input.sheets_spec import CREDIT_CODE, SHEET_ORDER, SHEETS, _label, _label_zh

MSG_HIDDEN_ROW: Final = "this row is hidden in the workbook but is read like the others: delete it if it must not count"
MSG_HIDDEN_ROW_ZH: Final = "该行在工作簿中被隐藏，但仍与其他行一样读取：不应计入的行请删除，不要隐藏"


def flag_hidden_rows(parsed: Parsed, hidden: Collection[int]) -> None:
    """A warning on the credit code of every data row of ``parsed`` that Excel hides (``hidden``: 1-based)."""
    for index, number in enumerate(parsed.numbers):
        if number in hidden:
            parsed.add(index, CREDIT_CODE, MSG_HIDDEN_ROW, "warning", zh=MSG_HIDDEN_ROW_ZH)


def hidden_sheet(key: str, name: str) -> InputIssue:
    """The warning on a sheet of ours that the workbook hides."""
    header = SHEETS[SHEET_ORDER[key]].header
    return InputIssue.of_sheet(
        key,
        "warning",
        f"sheet {name!r} is hidden in the workbook but is read as the {_label(key, header)} sheet:"
        " delete it if it must not count",
        f"工作表“{name}”在工作簿中被隐藏，但仍按{_label_zh(key, header)}工作表读取：不应计入请删除该表，不要隐藏",
        value=name,
    )
