"""A sheet's rows converted into typed columns, and the checks on them.

``_parse`` converts a sheet column by column into ``Parsed`` (values or ``Bad``, and the
issues per row); the ``_flag_*`` functions add the errors on cells calamine reads as blank
(formulas without a value, Excel error cells, merged ranges, values under a look-alike
header); ``_cross_checks`` adds those across cells and rows (dates in order, duplicate
credit codes, years and loans, identical leases and data-line fees).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain, compress, count, repeat
from operator import eq, is_, is_not, itemgetter, le, lt, not_, or_
from typing import Final, cast

from tongnan_calc.core.model import (
    DATA_LINES,
    ENTERPRISES,
    LEASES,
    LOANS,
    SALES,
    InputIssue,
    Severity,
)
from tongnan_calc.input import cells, uscc
from tongnan_calc.input.cells import Bad, Cell
from tongnan_calc.input.columns import column_converter
from tongnan_calc.input.layout import (
    Layout,
    _is_blank_row,
    _Span,
)
from tongnan_calc.input.raw import (
    Rows,
)
from tongnan_calc.input.sheets_spec import (
    _COLUMNS,
    CREDIT_CODE,
    EXAMPLE_CODE,
    Column,
    SheetSpec,
    _credit_code_converter,
    _letter,
    _rows_text,
)
from tongnan_calc.input.uscc import Checked

# --- rows ---------------------------------------------------------------------------------
#
# A sheet is converted column by column (``columns``): C loops over each whole column convert the usual
# cells and find the few odd ones, which alone go through the converter of ``cells``; issues are rare,
# and only the rows that have one are looked at.

MSG_UNKNOWN_ENTERPRISE: Final = "credit code not in enterprises"
MSG_UNKNOWN_ENTERPRISE_ZH: Final = "企业信息表中没有这个统一社会信用代码"

CodeCache = dict[str, "str | Checked | Bad"]
"""Credit code text -> what checking it gave, across the sheets: the text itself when it is a valid code
as written (most of them: no object is made for it), else its ``Checked`` (normalized, or a wrong check
character) or its ``Bad``."""


@dataclass(slots=True)
class Parsed:
    """A sheet's non-blank data rows, converted (working state while reading)."""

    spec: SheetSpec
    layout: Layout
    numbers: list[int]  # Excel row number of each row
    rows: list[Sequence[Cell]]  # the raw cells of each row
    codes: list[str | None]  # normalized credit code of each row, when readable
    columns: dict[str, list[object]]  # key -> converted value (or Bad) per row
    issues: dict[int, list[InputIssue]] = field(default_factory=dict)  # by row index

    def add(
        self,
        index: int,
        column: Column,
        message: str,
        severity: Severity = "error",
        *,
        zh: str | None = None,
        first: bool = False,
    ) -> None:
        """Record an issue on a cell of row ``index`` (``zh``: the message in Chinese; ``first``: before the others)."""
        position = self.layout.position[column.key]
        issue = InputIssue(
            sheet=self.spec.key,
            row=self.numbers[index],
            column=column.key,
            header=column.header,
            value=cells.seen(self.rows[index][position]),
            severity=severity,
            message=message,
            credit_code=self.codes[index],
            message_zh=zh,
        )
        issues = self.issues.setdefault(index, [])
        if first:
            issues.insert(0, issue)
        else:
            issues.append(issue)

    def ok(self, index: int) -> bool:
        issues = self.issues.get(index)
        return not issues or all(i.severity != "error" for i in issues)

    def shown(self, index: int, key: str) -> str:
        return cells.shown(self.rows[index][self.layout.position[key]])

    def shown_zh(self, index: int, key: str) -> str:
        return cells.shown_zh(self.rows[index][self.layout.position[key]])


def _data_rows(rows: Rows, layout: Layout) -> tuple[list[int], list[Sequence[Cell]]]:
    """The non-blank rows under the header, with their Excel row numbers."""
    width = max(layout.position.values()) + 1
    start = layout.header_index + 1
    data = list(rows[start:])
    if data and min(map(len, data)) < width:  # calamine rows are rectangular; be safe anyway
        data = [row if len(row) >= width else [*row, *([""] * (width - len(row)))] for row in data]
    numbers = list(range(start + 1, len(rows) + 1))
    # A row with a credit code is not blank: only the rows whose code cell is blank are looked at.
    codes = list(map(itemgetter(layout.position[CREDIT_CODE.key]), data))
    if set(map(type, codes)) == {str}:
        blank_codes: Iterable[int] = compress(range(len(codes)), map(not_, map(str.strip, codes)))
    else:
        blank_codes = [index for index, code in enumerate(codes) if cells.is_blank(code)]
    blank = [index for index in blank_codes if _is_blank_row(data[index])]
    if blank:
        keep = [True] * len(data)
        for index in blank:
            keep[index] = False
        numbers, data = list(compress(numbers, keep)), list(compress(data, keep))
    return numbers, data


def _checked_codes(raws: Sequence[Cell], cache: CodeCache) -> tuple[list[str | None], dict[int, Checked | Bad]]:
    """Each credit code cell checked (``_credit_code_converter``): the normalized code of each (``None``
    when unusable), and by index the results that are not a valid code as written (a ``Bad``, or a
    ``Checked`` normalized or with a wrong check character).  The text codes not met before, in this
    sheet or an earlier one, are checked once each, those valid as written all at once
    (``uscc.valid_as_written``); a cell that is not text (never remembered) by ``cells.to_credit_code``."""
    known = cast("dict[Cell, str | Checked | Bad]", cache)  # text keys only: any other cell is None
    found: list[str | Checked | Bad | None] = list(map(known.get, raws))
    unknown = list(compress(range(len(found)), map(is_, found, repeat(None))))
    if unknown:
        met = set(map(raws.__getitem__, unknown))
        if set(map(type, met)) != {str}:  # a number, a bool, a date: never remembered
            met = {raw for raw in met if type(raw) is str}
        new = cast("set[str]", met)
        valid = uscc.valid_as_written(list(new))
        cache.update(zip(valid, valid, strict=True))
        for raw in new.difference(valid) | ({EXAMPLE_CODE} & new):
            cache[raw] = cast("Checked | Bad", _credit_code_converter(raw, True))
        found = list(map(known.get, raws))
    if set(map(type, found)) == {str}:  # the usual case: every code valid as written
        return cast("list[str | None]", found), {}
    odd: dict[int, Checked | Bad] = {}
    for index in compress(range(len(found)), map(is_not, map(type, found), repeat(str))):
        result = found[index]
        checked = cells.to_credit_code(raws[index]) if result is None else cast("Checked | Bad", result)
        odd[index] = checked
        found[index] = checked.code if isinstance(checked, Checked) else None
    return cast("list[str | None]", found), odd


def _parse(spec: SheetSpec, rows: Rows, layout: Layout, cache: CodeCache | None = None) -> Parsed:
    """Convert a sheet column by column; ``cache``: credit codes already checked (in other sheets)."""
    numbers, data = _data_rows(rows, layout)
    code_position = layout.position[CREDIT_CODE.key]
    codes, odd = _checked_codes(list(map(itemgetter(code_position), data)), {} if cache is None else cache)
    parsed = Parsed(spec, layout, numbers, data, codes, {})
    for index, result in odd.items():  # in row order
        if isinstance(result, Bad):
            parsed.add(index, CREDIT_CODE, result.message, zh=result.zh)
        elif result.warning is not None and spec.key == ENTERPRISES:
            parsed.add(index, CREDIT_CODE, result.warning, "warning", zh=result.warning_zh)
    for position, column in layout.positions:
        if column is CREDIT_CODE:
            continue
        convert = column_converter(column.convert)
        values = convert(list(map(itemgetter(position), data)), column.required)
        parsed.columns[column.key] = values
        if Bad in set(map(type, values)):  # rare: look for them only when there are some
            for index in compress(range(len(values)), map(is_, map(type, values), repeat(Bad))):
                found = cast(Bad, values[index])
                parsed.add(index, column, found.message, zh=found.zh)
    return parsed


# --- checks across cells and rows -----------------------------------------------------------


def _check_order(parsed: Parsed, first: str, second: str, *, strict: bool) -> None:
    """Column ``second`` must be on or after (``strict``: after) column ``first``."""
    column = _COLUMNS[parsed.spec.key][second]
    if first not in parsed.columns or second not in parsed.columns:
        return
    relation = "after" if strict else "on or after"
    relation_zh = "晚于" if strict else "不早于"
    first_header = _COLUMNS[parsed.spec.key][first].header
    starts, ends = parsed.columns[first], parsed.columns[second]
    both = set(map(type, starts)) == set(map(type, ends)) == {date}  # the usual case: compared by C loops
    if both:
        first_days, second_days = cast("list[date]", starts), cast("list[date]", ends)
        early: Iterable[int] = compress(count(), map(le if strict else lt, second_days, first_days))
    else:
        early = _early(starts, ends, strict)
    for index in early:
        start = cast(date, starts[index])
        parsed.add(
            index,
            column,
            f"expected a date {relation} {first} ({start.isoformat()}), got {parsed.shown(index, second)}",
            zh=f"应为{relation_zh}{first_header}（{start.isoformat()}）的日期，实际为{parsed.shown_zh(index, second)}",
        )


def _early(starts: Sequence[object], ends: Sequence[object], strict: bool) -> Iterator[int]:
    """The rows of two date columns (a ``Bad`` or a blank aside) whose end is before (``strict``: not
    after) their start."""
    for index, (start, end) in enumerate(zip(starts, ends, strict=True)):
        if isinstance(start, date) and isinstance(end, date) and (end < start or (strict and end == start)):
            yield index


def _groups(keys: Iterable[Hashable | None]) -> Iterator[list[int]]:
    """Indexes sharing a key (not None) with at least one other index, by the key's first row."""
    keys = list(keys)
    distinct = set(keys)
    if len(distinct) - (None in distinct) + keys.count(None) == len(keys):  # the usual case: no key twice
        return iter(())
    repeated = {key for key, times in Counter(keys).items() if times > 1 and key is not None}
    found: dict[Hashable, list[int]] = {}
    for index in compress(count(), map(repeated.__contains__, keys)):
        found.setdefault(keys[index], []).append(index)
    return iter(found.values())


def _keys(
    codes: Sequence[str | None], columns: Sequence[Sequence[object]], drop: Iterable[int] = ()
) -> list[Hashable | None]:
    """The key (credit code, value, ...) of each row, or ``None`` for a row without a usable credit code,
    with a ``Bad`` value, or in ``drop``: those rows are found by C loops, the others are not looked at."""
    keys: list[Hashable | None] = list(zip(codes, *columns, strict=True))
    unusable = [compress(count(), map(is_, codes, repeat(None))), drop]
    unusable.extend(
        compress(count(), map(is_, map(type, values), repeat(Bad)))
        for values in columns
        if Bad in set(map(type, values))
    )
    for index in chain.from_iterable(unusable):
        keys[index] = None
    return keys


def _check_duplicate_years(parsed: Parsed) -> None:
    years = parsed.columns.get("year")
    if years is None:
        return
    column = _COLUMNS[parsed.spec.key]["year"]
    not_years = compress(count(), map(is_not, map(type, years), repeat(int)))
    _flag_repeats(
        parsed,
        _keys(parsed.codes, [years], not_years),
        column,
        lambda index, also, also_zh, _: (
            f"duplicate year {years[index]} for this enterprise (also on {also})",
            f"该企业的{years[index]}年度重复（另见{also_zh}）",
        ),
    )


def _check_duplicate_loans(parsed: Parsed) -> None:
    """A loan (credit code, loan id) entered twice would be subsidised twice: an error on each row."""
    ids = parsed.columns.get("loan_id")
    if ids is None:
        return
    column = _COLUMNS[parsed.spec.key]["loan_id"]
    no_ids = compress(count(), map(or_, map(is_not, map(type, ids), repeat(str)), map(not_, ids)))  # "" too
    keys = _keys(parsed.codes, [ids], no_ids)
    _flag_repeats(
        parsed,
        keys,
        column,
        lambda index, also, also_zh, _: (
            f"duplicate loan {cells.shown(cast(str, ids[index]))} for this enterprise (also on {also}); "
            "each loan is entered once",
            f"该企业的贷款编号{cells.shown_zh(cast(str, ids[index]))}重复（另见{also_zh}）：每笔贷款只填一行",
        ),
    )


def _check_duplicate_codes(parsed: Parsed) -> None:
    _flag_repeats(
        parsed,
        parsed.codes,
        CREDIT_CODE,
        lambda index, also, also_zh, _: (
            f"duplicate credit code (also on {also}); every row with this code is dropped",
            f"统一社会信用代码重复（另见{also_zh}）：含此代码的各行均不使用",
        ),
    )


SAME_ROW_COLUMNS: Final[Mapping[str, tuple[str, ...]]] = {
    LEASES: ("building", "planned_building", "area_m2", "period_start", "period_end", "rent_paid"),
    DATA_LINES: ("year", "fee_paid"),
}
"""The columns (besides the credit code) whose values, all equal, make two rows the same record."""
_SAME_ROW_AMOUNTS: Final = frozenset({"area_m2", "rent_paid", "fee_paid"})
"""The columns of ``SAME_ROW_COLUMNS`` that hold a ``Decimal``: compared only where the others are equal."""
_SAME_ROW_WHAT: Final = {LEASES: ("lease", "租赁"), DATA_LINES: ("data-line fee", "数据专线费用")}


def _times(count: int) -> tuple[str, str]:
    return ("twice", "两次") if count == 2 else (f"{count} times", f"{count}次")


def _check_same_rows(parsed: Parsed) -> None:
    """Rows equal in the credit code and every column of ``SAME_ROW_COLUMNS``: a warning on each, naming
    the others.  They are still counted (two real identical leases exist), but a row entered twice is the
    commonest slip and would be paid twice.  Rows with an unreadable value are left out (they are errors),
    and so are rows paying 0 (nothing is paid twice)."""
    size = len(parsed.numbers)
    names = SAME_ROW_COLUMNS[parsed.spec.key]
    columns = [parsed.columns.get(key, [None] * size) for key in names]
    amounts = columns[-1]  # rent_paid, fee_paid: nothing is paid twice for an amount of 0
    zero = list(compress(count(), map(eq, amounts, repeat(0)))) if 0 in amounts else []
    # Rows equal in every column are equal in the columns without amounts first: only the rows whose
    # shorter key repeats are keyed whole (a Decimal's first hash is the costliest part of a key).
    shorter = [values for name, values in zip(names, columns, strict=True) if name not in _SAME_ROW_AMOUNTS]
    candidates = sorted(chain.from_iterable(_groups(_keys(parsed.codes, shorter, zero))))
    keys: list[Hashable | None] = [None] * size
    for index in candidates:
        row = (parsed.codes[index], *(values[index] for values in columns))
        keys[index] = None if any(isinstance(value, Bad) for value in row) else row
    what, what_zh = _SAME_ROW_WHAT[parsed.spec.key]

    def say(index: int, also: str, also_zh: str, size: int) -> tuple[str, str]:
        times, times_zh = _times(size)
        one, one_zh = (
            ("delete one if it was entered twice", "如系重复录入，请删除其中一行")
            if size == 2
            else ("delete the extra rows if it was entered more than once", "如系重复录入，请删除多余的行")
        )
        return (
            f"the same {what} as {also}: counted {times} — {one}",
            f"与{also_zh}是同一笔{what_zh}：计入{times_zh}——{one_zh}",
        )

    _flag_repeats(parsed, keys, CREDIT_CODE, say, "warning")


def _flag_repeats(
    parsed: Parsed,
    keys: Iterable[Hashable | None],
    column: Column,
    say: Callable[[int, str, str, int], tuple[str, str]],
    severity: Severity = "error",
) -> None:
    """An issue (``severity``) on every row of each group of rows with an equal key (``_groups``), naming
    the others: ``say(index, also, also_zh, size)`` gives the message in English and Chinese (``size``:
    the number of rows in the group)."""
    for group in _groups(keys):
        rows = [parsed.numbers[i] for i in group]
        for index, own in zip(group, rows, strict=True):
            also, also_zh = _rows_text(rows, own)
            message, message_zh = say(index, also, also_zh, len(group))
            parsed.add(index, column, message, severity, zh=message_zh)


def _cross_checks(parsed: Parsed) -> None:
    key = parsed.spec.key
    if key == ENTERPRISES:
        _check_duplicate_codes(parsed)
    elif key == LEASES:
        _check_order(parsed, "period_start", "period_end", strict=False)
        _check_same_rows(parsed)
    elif key == DATA_LINES:
        _check_same_rows(parsed)
    elif key == LOANS:
        _check_order(parsed, "drawdown_date", "maturity_date", strict=True)
        _check_duplicate_loans(parsed)
    elif key == SALES:
        _check_duplicate_years(parsed)


MSG_TOTAL_ROW: Final = "a total row: totals are not input and this row is not read; delete the row"
MSG_TOTAL_ROW_ZH: Final = "这是合计行：合计不是输入数据，本行不读取；请删除本行"
TOTAL_WORDS: Final = frozenset({"合计", "总计", "小计", "共计", "汇总", "total", "subtotal", "grandtotal", "sum"})
"""The words of a total row, spaces and a closing colon aside, in lower case."""


def _total_word(raw: Cell) -> bool:
    return isinstance(raw, str) and "".join(raw.split()).rstrip(":：").lower() in TOTAL_WORDS


MSG_HEADER_AGAIN: Final = "the header row again: it is not read; delete the row (the header is row {row})"
MSG_HEADER_AGAIN_ZH: Final = "表头行重复出现：本行不读取；请删除本行（表头在第{row}行）"
_CODE_HEADERS: Final = frozenset({CREDIT_CODE.key, CREDIT_CODE.header})


def _flag_totals(parsed: Parsed) -> None:
    """A row without a usable credit code that is a total (its word in the credit-code cell, or in any cell
    when that one is blank), or the header again (the credit-code column's header or key in that cell, as
    when a second header row of keys is kept under the Chinese one): one error on its credit code instead
    of what its cells were taken for.  Neither is an enterprise's record: nothing depends on it, and it is
    never read."""
    position = parsed.layout.position[CREDIT_CODE.key]
    header = parsed.layout.header_index + 1
    for index, code in enumerate(parsed.codes):
        row = parsed.rows[index]
        if code is not None:
            continue
        raw = row[position]
        if isinstance(raw, str) and raw.strip().lower() in _CODE_HEADERS:
            parsed.issues[index] = []
            zh = MSG_HEADER_AGAIN_ZH.format(row=header)
            parsed.add(index, CREDIT_CODE, MSG_HEADER_AGAIN.format(row=header), zh=zh)
        elif _total_word(raw) or (cells.is_blank(raw) and any(map(_total_word, row))):
            parsed.issues[index] = []
            parsed.add(index, CREDIT_CODE, MSG_TOTAL_ROW, zh=MSG_TOTAL_ROW_ZH)


MSG_UNCACHED: Final = (
    "a formula without a computed value (the file was not saved by Excel): open and save it in Excel, or type the value"
)
MSG_UNCACHED_ZH: Final = "公式没有计算结果（文件不是由 Excel 保存的）：请在 Excel 中打开并保存，或直接填入数值"


def _flag_cells(parsed: Parsed, found: Iterable[tuple[int, int, str, str]]) -> None:
    """Errors on cells given by Excel row and 1-based column (``message``, ``zh``), in the known
    columns of the data rows; each replaces what the converter said of that cell ("got blank"
    was calamine's reading, not the cell's)."""
    index_of = {number: index for index, number in enumerate(parsed.numbers)}
    columns = dict(parsed.layout.positions)
    for row, column, message, zh in found:
        index, known = index_of.get(row), columns.get(column - 1)
        if index is not None and known is not None:
            others = [i for i in parsed.issues.get(index, ()) if i.column != known.key]
            parsed.issues[index] = others
            parsed.add(index, known, message, zh=zh)


def _flag_uncached(parsed: Parsed, found: frozenset[tuple[int, int]]) -> None:
    """A formula cell calamine reads as blank is an error on its cell, never a blank."""
    _flag_cells(parsed, ((row, column, MSG_UNCACHED, MSG_UNCACHED_ZH) for row, column in sorted(found)))


MSG_EXCEL_ERROR: Final = "the cell shows the Excel error {error}: enter the value itself"
MSG_EXCEL_ERROR_ZH: Final = "单元格显示 Excel 错误值 {error}：请直接填入实际的值"


def _show_errors(rows: Rows, errors: Mapping[tuple[int, int], str], layout: Layout) -> None:
    """Put the error an error cell shows (``#DIV/0!``) in its place among the raw cells of the data
    rows, where calamine gave a blank: a row of error cells is then not a blank row, and the issue
    shows the error as the value seen."""
    known = {position for position, _ in layout.positions}
    known.update(position for position, _, _ in layout.lookalikes)  # a value under a misnamed header
    for (row, column), error in errors.items():
        index, position = row - 1, column - 1
        if index > layout.header_index and position in known and index < len(rows):
            cells_of_row = rows[index]
            if position < len(cells_of_row) and cells_of_row[position] == "" and isinstance(cells_of_row, list):
                cells_of_row[position] = error


def _flag_errors(parsed: Parsed, errors: Mapping[tuple[int, int], str]) -> None:
    """A cell showing an Excel error (#N/A, #DIV/0!, ...) is an error on its cell in every known
    column, required or optional: calamine reads it as blank, which would mean "no" or "not given"."""
    _flag_cells(
        parsed,
        (
            (row, column, MSG_EXCEL_ERROR.format(error=error), MSG_EXCEL_ERROR_ZH.format(error=error))
            for (row, column), error in sorted(errors.items())
        ),
    )


def _flag_merged(parsed: Parsed, spans: Sequence[_Span]) -> None:
    found: list[tuple[int, int, str, str]] = []
    for span in spans:
        count = span.bottom - span.top + 1
        message = f"part of a merged cell {span.ref} covering {count} rows: give each row its own value"
        zh = f"属于合并单元格 {span.ref}（跨{count}行）：请取消合并，每行分别填写各自的值"
        found.extend((row, column, message, zh) for row in range(span.top, span.bottom + 1) for column in span.columns)
    _flag_cells(parsed, sorted(found))


def _flag_lookalikes(parsed: Parsed) -> None:
    """A value under an unknown column that looks like a known column missing from the sheet is an
    error on its cell: it was given under a wrong name (blank cells there say nothing: no issue)."""
    layout = parsed.layout
    for position, text, like in layout.lookalikes:
        if like.key in layout.position:
            continue  # the column itself is there: the lookalike's warning says it is ignored
        letter = _letter(position)
        message = (
            f"value under the unknown column {text} ({letter}), which is not read: "
            f"rename the header to {like.header} (or {like.key})"
        )
        zh = f"此值位于未识别的列“{text}”（{letter}列）下，未被读取：请将表头改为“{like.header}”（或 {like.key}）"
        for index, row in enumerate(parsed.rows):
            raw = row[position] if position < len(row) else ""
            if cells.is_blank(raw):
                continue
            issue = InputIssue(
                sheet=parsed.spec.key,
                row=parsed.numbers[index],
                column=like.key,
                header=like.header,
                value=cells.seen(raw),
                severity="error",
                message=message,
                credit_code=parsed.codes[index],
                message_zh=zh,
            )
            parsed.issues.setdefault(index, []).append(issue)
