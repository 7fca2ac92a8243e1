"""Read the input workbook (SPEC §3) into a ``model.Batch``.

A workbook that cannot be read at all raises ``WorkbookError`` with one line
naming the file.  Everything else — a bad cell, a missing column in a sheet
other than ``enterprises``, a record for an unknown enterprise — becomes an
``InputIssue`` and never stops the batch.

This module holds the entry points (``read_workbook``, ``read_sheets``) and the loop
that takes the sheets one at a time; the rest lives in modules that read in a sitting:

- ``sheets_spec``: the sheet and column table (``SHEETS``, ``EXAMPLE_CODE``);
- ``workbook_raw``: the checks before calamine (``check_file``), opening the file,
  the XML pre-scan and the prefetching reader (``_Scans``, ``_prefetched``);
- ``workbook_layout``: the header row and layout, look-alike columns, merged cells;
- ``workbook_records``: columns converted into typed values, the checks on cells and rows
  (``columns``: a whole column converted by C loops, the odd cells alone through ``cells``);
- ``workbook_join``: the records joined per enterprise, and what blocks one.

Every name of those modules is re-exported here (``__all__``), as before the split.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Final

from tongnan_calc.core.model import (
    ENTERPRISES,
    Batch,
    InputIssue,
)
from tongnan_calc.core.say import Say
from tongnan_calc.input.hidden import flag_hidden_rows, hidden_sheet
from tongnan_calc.input.join import (
    _arguments,
    _blocking,
    _dropped_notices,
    _Join,
    _made,
    _not_joined,
    _records,
    _take_enterprises,
    _take_records,
)
from tongnan_calc.input.layout import (
    _BRACKETS,
    _FILLED_DOWN,
    Layout,
    _bare,
    _duplicate_text,
    _enterprise_layout,
    _fill_merged,
    _header_index,
    _is_blank_row,
    _layout,
    _lookalike_text,
    _missing_text,
    _sheet_error,
    _sheet_issues,
    _Span,
    fills_down,
    looks_like,
)
from tongnan_calc.input.raw import (
    _ENCRYPTED_MARK,
    _OLE_MAGIC,
    _SCAN_CHUNK,
    _ZIP_MAGICS,
    DAMAGED,
    ENCRYPTED,
    MAX_COMPRESSION_RATIO,
    MAX_UNCOMPRESSED_BYTES,
    RATIO_CHECK_MIN_BYTES,
    Merges,
    RawSheet,
    Rows,
    WorkbookError,
    _check_members,
    _check_path,
    _check_sizes,
    _fail,
    _failure,
    _first_line,
    _has_bytes,
    _is_reader_failure,
    _match_sheets,
    _other_sheets,
    _prefetched,
    _reader_errors,
    _refuse_non_zip,
    _scan_errors,
    _Scans,
    _sheet_rows,
    check_file,
    competing_text,
    hidden_sheets,
    open_book,
    prescan,
)
from tongnan_calc.input.records import (
    MSG_EXCEL_ERROR,
    MSG_EXCEL_ERROR_ZH,
    MSG_TOTAL_ROW,
    MSG_TOTAL_ROW_ZH,
    MSG_UNCACHED,
    MSG_UNCACHED_ZH,
    MSG_UNKNOWN_ENTERPRISE,
    MSG_UNKNOWN_ENTERPRISE_ZH,
    CodeCache,
    Parsed,
    _check_duplicate_codes,
    _check_duplicate_loans,
    _check_duplicate_years,
    _check_order,
    _cross_checks,
    _data_rows,
    _flag_cells,
    _flag_errors,
    _flag_lookalikes,
    _flag_merged,
    _flag_totals,
    _flag_uncached,
    _groups,
    _parse,
    _show_errors,
)
from tongnan_calc.input.sheet_names import Matched
from tongnan_calc.input.sheets_spec import (
    _COLUMNS,
    _SHEET_BY_NAME,
    CREDIT_CODE,
    EXAMPLE_CODE,
    EXAMPLE_CODE17,
    MSG_EXAMPLE_ROW,
    MSG_EXAMPLE_ROW_ZH,
    OTHER_SHEETS,
    ROWS_LISTED,
    SHEET_ORDER,
    SHEETS,
    Column,
    Converter,
    SheetSpec,
    _credit_code_converter,
    _label,
    _label_zh,
    _letter,
    _lookup,
    _name_key,
    _rows_text,
)

__all__ = [
    "CREDIT_CODE",
    "DAMAGED",
    "ENCRYPTED",
    "EXAMPLE_CODE",
    "EXAMPLE_CODE17",
    "INSTRUCTION_SHEETS",
    "MAX_COMPRESSION_RATIO",
    "MAX_UNCOMPRESSED_BYTES",
    "MSG_EXAMPLE_ROW",
    "MSG_EXAMPLE_ROW_ZH",
    "MSG_EXCEL_ERROR",
    "MSG_EXCEL_ERROR_ZH",
    "MSG_TOTAL_ROW",
    "MSG_TOTAL_ROW_ZH",
    "MSG_UNCACHED",
    "MSG_UNCACHED_ZH",
    "MSG_UNKNOWN_ENTERPRISE",
    "MSG_UNKNOWN_ENTERPRISE_ZH",
    "OTHER_SHEETS",
    "RATIO_CHECK_MIN_BYTES",
    "ROWS_LISTED",
    "SHEETS",
    "SHEET_ORDER",
    "_BRACKETS",
    "_COLUMNS",
    "_ENCRYPTED_MARK",
    "_FILLED_DOWN",
    "_OLE_MAGIC",
    "_SCAN_CHUNK",
    "_SHEET_BY_NAME",
    "_ZIP_MAGICS",
    "CodeCache",
    "Column",
    "Converter",
    "Layout",
    "Merges",
    "Parsed",
    "RawSheet",
    "Rows",
    "SheetSpec",
    "WorkbookError",
    "_Join",
    "_Scans",
    "_Span",
    "_arguments",
    "_bare",
    "_blocking",
    "_check_duplicate_codes",
    "_check_duplicate_loans",
    "_check_duplicate_years",
    "_check_members",
    "_check_order",
    "_check_path",
    "_check_sizes",
    "_credit_code_converter",
    "_cross_checks",
    "_data_rows",
    "_dropped_notices",
    "_duplicate_text",
    "_enterprise_layout",
    "_fail",
    "_failure",
    "_fill_merged",
    "_first_line",
    "_flag_cells",
    "_flag_errors",
    "_flag_lookalikes",
    "_flag_merged",
    "_flag_totals",
    "_flag_uncached",
    "_groups",
    "_has_bytes",
    "_header_index",
    "_is_blank_row",
    "_is_reader_failure",
    "_label",
    "_label_zh",
    "_layout",
    "_letter",
    "_lookalike_text",
    "_lookup",
    "_made",
    "_match_sheets",
    "_missing_text",
    "_name_key",
    "_not_joined",
    "_parse",
    "_prefetched",
    "_reader_errors",
    "_records",
    "_refuse_non_zip",
    "_rows_text",
    "_scan_errors",
    "_sheet_error",
    "_sheet_issues",
    "_sheet_rows",
    "_show_errors",
    "_take_enterprises",
    "_take_records",
    "check_file",
    "fills_down",
    "looks_like",
    "read_sheets",
    "read_workbook",
]


# The instructions sheet of `tongnan-calc template`: read past without a notice.
INSTRUCTION_SHEETS = frozenset({"说明", "instructions"})


def _known_text() -> Say:
    return Say(
        "、".join(_label_zh(s.key, s.header) for s in SHEETS), ", ".join(_label(s.key, s.header) for s in SHEETS)
    )


def _unknown_sheet(name: str, rows: int = 0) -> InputIssue:
    """A sheet that is no known sheet: a notice, or a warning when it holds rows of data
    (two non-blank rows or more: a header and a row); ``check`` then does not say "ready"."""
    known = _known_text()
    if rows >= UNREAD_DATA_ROWS:
        return InputIssue.of_sheet(
            name,
            "warning",
            f"{SHEET_NOT_READ}: it has {rows} non-blank rows, but its name is not one of {known.en}; "
            "if it holds input, rename it",
            f"工作表未读取：其中有{rows}行非空行，但表名不是{known.zh}中的任何一个；如为数据表，请改用规定的表名",
        )
    return InputIssue.of_sheet(
        name,
        "notice",
        f"sheet not used: its name is not one of {known.en}",
        f"工作表未使用：表名不是{known.zh}中的任何一个",
    )


SHEET_NOT_READ: Final = "sheet not read"
"""The start of the warning for an unknown sheet with data (``check`` looks for it)."""
UNREAD_DATA_ROWS: Final = 2
"""An unknown sheet with this many non-blank rows may hold data: a warning, not a notice."""


def _decorated_sheet(key: str, name: str) -> InputIssue:
    header = SHEETS[SHEET_ORDER[key]].header
    return InputIssue.of_sheet(
        key,
        "warning",
        f"sheet {name!r} is read as the {_label(key, header)} sheet: the names differ, check it; "
        f"if it is that sheet, rename it {header!r}",
        f"工作表“{name}”按{_label_zh(key, header)}工作表读取：表名不完全相同，请核对；如无误，可将表名改为“{header}”",
        value=name,
    )


def _competing_sheets(key: str, names: Sequence[str]) -> InputIssue:
    both = competing_text(key, names)
    return InputIssue.of_sheet(
        key,
        "error",
        f"{both.en}: none of them is read, and the measures that need this sheet are blocked; keep only one",
        f"{both.zh}：均未读取，需要该表的措施均不计算；请只保留一个",
    )


def _name_issues(join: _Join, matched: Matched, unknown_rows: Mapping[str, int]) -> None:
    """The issues of the sheet names: decorated (warning), competing (error: the sheet is unusable),
    unknown (a notice, or a warning when the sheet holds data)."""
    for key, name in matched.decorated.items():
        join.issues.append(_decorated_sheet(key, name))
    for key, names in matched.competing.items():
        issue = _competing_sheets(key, names)
        join.issues.append(issue)
        join.unusable[key] = [issue]
    join.issues.extend(
        _unknown_sheet(name, unknown_rows.get(name, 0))
        for name in matched.unknown
        if _name_key(name) not in INSTRUCTION_SHEETS
    )


def filled_rows(rows: Rows) -> int:
    """The rows of ``rows`` with a non-blank cell."""
    return sum(1 for row in rows if not _is_blank_row(row))


def _issue_order(issue: InputIssue) -> tuple[int, int]:
    return SHEET_ORDER.get(issue.sheet, len(SHEETS)), issue.row or 0


# --- the reader -------------------------------------------------------------------------


def read_workbook(path: Path) -> Batch:
    """Read the input workbook; raise ``WorkbookError`` when it cannot be read."""
    path = Path(path)
    checked = check_file(path, scanned=True)  # an .xlsx's worksheets are counted against the bound as scanned
    kind, budget = checked.kind, checked.budget
    before = prescan(path, kind)
    with _reader_errors(path, kind):
        book = open_book(path, kind)
        names = book.sheet_names
        hidden = hidden_sheets(book)
    with book:
        matched = _match_sheets(path, names)
        found = matched.found
        wanted = [(spec, found[spec.key]) for spec in SHEETS if spec.key in found]
        others = [n for n in matched.unknown if _name_key(n) not in INSTRUCTION_SHEETS]
        unknown_rows = {
            name: filled_rows(rows) for name, rows in _other_sheets(path, book, others, kind, before, budget)
        }
        scans = _Scans(path, {name for _, name in wanted}, kind, before, budget)
        sheets = _prefetched(path, book, wanted, scans)
        try:
            return _read(path, sheets, matched, [(s.key, n) for s, n in wanted], unknown_rows, hidden)
        finally:
            # a fatal error leaves the next sheet being parsed in the prefetch thread: join it
            # before the workbook it reads is closed (closing it under calamine's feet could
            # raise something else than the fatal error, and a thread would outlive the read)
            sheets.close()
            scans.close()


def read_sheets(sheets: Mapping[str, Rows], source: str = "<sheets>") -> Batch:
    """Read sheets already in memory exactly as ``read_workbook`` reads a file.

    ``sheets`` maps sheet names to rows of cells as python-calamine gives them
    (``rows[0]`` is Excel row 1, ``''`` for a blank cell).  ``source`` stands
    for the file name in a ``WorkbookError``.
    """
    matched = _match_sheets(source, list(sheets))
    found = matched.found
    raw = [RawSheet(spec, found[spec.key], sheets[found[spec.key]]) for spec in SHEETS if spec.key in found]
    unknown_rows = {name: filled_rows(sheets[name]) for name in matched.unknown}
    return _read(source, raw, matched, [(r.spec.key, r.name) for r in raw], unknown_rows)


def _take_sheet(join: _Join, source: Path | str, sheet: RawSheet) -> int:
    """Convert one sheet into ``join``; return the number of data rows read."""
    spec = sheet.spec
    if spec.key == ENTERPRISES:
        layout = _enterprise_layout(source, sheet)
    else:
        layout = _layout(spec, sheet.rows)
        if layout.header_index < 0:
            return 0  # an empty sheet: no records of that kind
    sheet_issues = _sheet_issues(spec, layout)
    join.issues.extend(sheet_issues)
    errors = [i for i in sheet_issues if i.severity == "error"]
    if errors:
        join.unusable[spec.key] = errors
        return 0
    spans = _fill_merged(sheet.rows, sheet.merged, layout) if sheet.merged else []
    if sheet.errors:
        _show_errors(sheet.rows, sheet.errors, layout)
    parsed = _parse(spec, sheet.rows, layout, join.codes)
    if sheet.uncached:
        _flag_uncached(parsed, sheet.uncached)
    if sheet.errors:
        _flag_errors(parsed, sheet.errors)
    if spans:
        _flag_merged(parsed, spans)
    if sheet.hidden_rows:
        flag_hidden_rows(parsed, sheet.hidden_rows)
    if layout.lookalikes:
        _flag_lookalikes(parsed)
    if None in parsed.codes:
        _flag_totals(parsed)
    _cross_checks(parsed)
    if spec.key == ENTERPRISES:
        _take_enterprises(join, parsed)
    else:
        _take_records(join, parsed)
    return len(parsed.numbers)


def _read(
    source: Path | str,
    sheets: Iterable[RawSheet],
    matched: Matched,
    names: Sequence[tuple[str, str]],
    unknown_rows: Mapping[str, int],
    hidden: Collection[str] = (),
) -> Batch:
    """Convert and join the sheets (taken one at a time; a sheet's raw cells are not kept); ``hidden``: the
    names of the workbook's hidden sheets."""
    join = _Join()
    _name_issues(join, matched, unknown_rows)
    join.issues.extend(hidden_sheet(key, name) for key, name in names if name in hidden)
    rows_read = sum(_take_sheet(join, source, sheet) for sheet in sheets)
    join.issues.extend(_dropped_notices(join))
    join.issues.sort(key=_issue_order)
    return Batch(
        records=_records(join),
        issues=tuple(join.issues),
        sheets_found=tuple(names),
        rows_read=rows_read,
    )
