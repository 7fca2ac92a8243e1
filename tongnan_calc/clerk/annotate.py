"""Fix-it hints for input issues, and an annotated copy of the input workbook.

``hint(issue, lang)`` gives a short suggestion in Chinese or English for each
kind of message the reader writes.  ``annotate_copy`` writes a copy of the
workbook (openpyxl load, save to a temporary file beside the target, rename;
the original is only read) in which every cell with an error is filled red and
every cell with a warning yellow, each with a comment carrying the messages
and their hints in the chosen language.  A sheet-level issue goes on the header cell of its column, or
on the first header cell when the column is not in the sheet.  Notices are not
marked: nothing needs fixing.

An issue names the sheet and the column by their keys; the cell is found by
reading the header row of the actual file, as the reader does: sheets and
headers match their key or Chinese header, surrounding spaces ignored, English
case-insensitive, and the header row is the first row that is not blank.  A header
that only looks like a column's (``workbook_in.looks_like``) stands for that column
when the column itself is missing; a sheet-level issue whose ``value`` is a header's
text (an unknown column that looks like a known one) goes on that header cell.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, cast

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from tongnan_calc.clerk.print_setup import print_setup
from tongnan_calc.core.model import InputIssue
from tongnan_calc.core.say import Lang, Say, UserError
from tongnan_calc.files.outputs import save_atomic
from tongnan_calc.input import cells
from tongnan_calc.input.reader import (
    MSG_EXAMPLE_ROW,
    MSG_TOTAL_ROW,
    MSG_UNCACHED,
    MSG_UNKNOWN_ENTERPRISE,
    SHEETS,
    looks_like,
)

ERROR_COLOR: Final = "FFC7CE"
WARNING_COLOR: Final = "FFEB9C"
FILLS: Final = {
    "error": PatternFill("solid", fgColor=ERROR_COLOR),
    "warning": PatternFill("solid", fgColor=WARNING_COLOR),
}
MARKED: Final = ("error", "warning")
AUTHOR: Final = "tongnan-calc check"
COMMENT_WIDTH: Final = 320  # points
LINE_HEIGHT: Final = 15  # points
CHARS_PER_LINE: Final = 40  # a rough measure of how many characters fit on one comment line


class AnnotateError(UserError):
    """The annotated copy cannot be written; one line for the user."""


# --- fix-it hints ------------------------------------------------------------------------


def _starts(*prefixes: str) -> Callable[[InputIssue], bool]:
    return lambda issue: issue.message.startswith(prefixes)


def _expects(*expected: str) -> Callable[[InputIssue], bool]:
    return _starts(*(f"expected {e}," for e in expected))


def _contains(text: str) -> Callable[[InputIssue], bool]:
    return lambda issue: text in issue.message


def _missing_column(issue: InputIssue) -> Say:
    return Say(
        f"在表头行加上“{issue.header}”列（或英文键 {issue.column}）",
        f"add the column {issue.column} ({issue.header}) to the header row",
    )


def _fixed(text: Say) -> Callable[[InputIssue], Say]:
    return lambda issue: text


HINTS: Final[tuple[tuple[Callable[[InputIssue], bool], Callable[[InputIssue], Say]], ...]] = (
    # --- credit codes
    (
        _starts(cells.CREDIT_CODE_AS_NUMBER),
        _fixed(
            Say(
                "将单元格设为文本格式，重新输入18位代码", "format the cell as text and type the 18-character code again"
            )
        ),
    ),
    (
        _starts("expected a unified social credit code"),
        _fixed(
            Say(
                "核对18位统一社会信用代码（不含 I、O、Z、S、V）",
                "check the 18-character credit code (no I, O, Z, S or V)",
            )
        ),
    ),
    (
        _starts("expected check character"),
        _fixed(
            Say(
                "核对代码是否录入有误；早期代码可能如此，可不改",
                "check for a typing mistake; some early codes fail this",
            )
        ),
    ),
    (
        _starts("duplicate credit code"),
        _fixed(Say("每家企业只保留一行", "keep one row per enterprise")),
    ),
    (
        _starts(MSG_EXAMPLE_ROW),
        _fixed(
            Say(
                "删除模板自带的示例行，或用真实数据覆盖它",
                "delete the template's example row, or overwrite it with real data",
            )
        ),
    ),
    (
        _starts(MSG_UNKNOWN_ENTERPRISE),
        _fixed(
            Say(
                "先在企业信息表中加上该企业，或更正代码",
                "add the enterprise to 企业信息 (enterprises) or correct the code",
            )
        ),
    ),
    # --- dates
    (
        _starts("expected a date on or after", "expected a date after"),
        _fixed(Say("结束日期须晚于开始日期，核对两个日期", "the end must come after the start: check both dates")),
    ),
    (
        _expects(cells.EXPECT_DATE_NO_TIME),
        _fixed(Say("去掉时间，只填日期", "remove the time of day, keep the date")),
    ),
    (
        _expects(cells.EXPECT_DATE, cells.EXPECT_REAL_DATE, cells.EXPECT_DATE_RANGE),
        _fixed(Say("填写日期，如 2015-03-01 或 2015年3月1日", "enter a date such as 2015-03-01")),
    ),
    # --- yes/no and choices
    (
        _expects(cells.EXPECT_YES_NO),
        _fixed(Say("填写“是”或“否”", "enter yes or no (是/否)")),
    ),
    (
        _expects(cells.EXPECT_HQ_TYPE),
        _fixed(Say("从下拉列表选择机构类型，或留空", "choose a type from the list, or leave it blank")),
    ),
    (
        _expects(cells.EXPECT_DEMO_LEVEL),
        _fixed(Say("填写“国家级”或“市级”，或留空", "enter national (国家级) or municipal (市级), or leave it blank")),
    ),
    # --- numbers
    (
        _expects(cells.EXPECT_NON_NEGATIVE),
        _fixed(Say("金额不能为负，填写实际支付的数", "an amount cannot be negative: enter what was paid")),
    ),
    (
        _expects(cells.EXPECT_AMOUNT),
        _fixed(Say("填写金额数字，如 1234.50", "enter an amount such as 1234.50")),
    ),
    (
        _expects(cells.EXPECT_POSITIVE),
        _fixed(Say("填写大于 0 的面积（平方米）", "enter an area greater than 0 (m²)")),
    ),
    (
        _starts("duplicate year"),
        _fixed(Say("同一企业同一年度只留一行，填合计数", "keep one row per enterprise and year, with the total")),
    ),
    (
        _expects(cells.EXPECT_YEAR, cells.EXPECT_YEAR_RANGE),
        _fixed(Say("填写四位年份，如 2016", "enter a four-digit year such as 2016")),
    ),
    (
        _starts("the same lease as", "the same data-line fee as"),
        _fixed(
            Say(
                "核对这几行：如系重复录入，只留一行；确是相同的几笔，可不改",
                "check these rows: keep one if it was entered twice; leave them if they are really separate",
            )
        ),
    ),
    (
        _starts("duplicate loan"),
        _fixed(
            Say(
                "每笔贷款只留一行；不同的贷款请填不同的贷款编号",
                "keep one row per loan; give different loans different loan ids",
            )
        ),
    ),
    # --- cells Excel cannot show as a value
    (
        _starts("the cell shows the Excel error"),
        _fixed(
            Say(
                "在单元格中直接填入实际的值，不要留下出错的公式或错误值",
                "type the value itself in the cell, not a formula that fails or an error value",
            )
        ),
    ),
    (
        _starts("the header row again"),
        _fixed(Say("删除这一行：每个工作表只要一行表头", "delete this row: a sheet has one header row")),
    ),
    (
        _starts(MSG_TOTAL_ROW),
        _fixed(Say("删除合计行：合计由工具自行计算", "delete the total row: the tool adds up itself")),
    ),
    (
        _starts(MSG_UNCACHED),
        _fixed(
            Say(
                "在 Excel 中打开并保存该文件，或把公式换成数值",
                "open and save the file in Excel, or replace the formula by its value",
            )
        ),
    ),
    (
        _starts("part of a merged cell"),
        _fixed(
            Say(
                "取消合并单元格，在每一行分别填写该行自己的值",
                "unmerge the cells and give each row its own value",
            )
        ),
    ),
    # --- text
    (
        _expects(cells.EXPECT_TEXT),
        _fixed(Say("此项必填", "this cell is required")),
    ),
    # --- sheets and columns
    (_starts("required column"), _missing_column),
    (
        _starts("unknown column "),
        _fixed(
            Say(
                "把表头改为规定的列名（见“说明”工作表）；如该列与之无关，请换一个列名",
                "rename the header to the column's name; if the column is something else, give it another name",
            )
        ),
    ),
    (
        _starts("value under the unknown column"),
        _fixed(
            Say(
                "把该列的表头改为规定的列名，这一列的值才会被读取",
                "rename the header of that column so that its values are read",
            )
        ),
    ),
    (
        _contains("is hidden in the workbook but is read"),
        _fixed(
            Say(
                "隐藏的行或工作表仍会计入：不应计入的请删除；应计入的请取消隐藏",
                "hidden rows and sheets still count: delete what must not count, unhide what should",
            )
        ),
    ),
    (
        _contains("has no header but holds values"),
        _fixed(
            Say(
                "为该列填写规定的列名（见“说明”工作表）；如这些值不需要，请删除",
                "give the column one of the column names (see the 说明 sheet), or delete the values",
            )
        ),
    ),
    (
        _contains("appears more than once"),
        _fixed(Say("删除重复的列，只保留一列", "delete the repeated column, keep one")),
    ),
    (
        _starts("unknown columns ignored"),
        _fixed(Say("多余的列不参与计算，无需处理", "extra columns are not used: nothing to fix")),
    ),
    (
        _starts("sheet not used"),
        _fixed(Say("如为数据表，请改用规定的表名；否则无需处理", "if it holds data, rename it to a sheet name above")),
    ),
    (
        _starts("enterprise dropped"),
        _fixed(Say("更正该企业在企业信息表中的行", "fix this enterprise's row in 企业信息 (enterprises)")),
    ),
)


def hint_say(issue: InputIssue) -> Say | None:
    """A short fix-it suggestion in both languages; ``None`` for an unknown kind of message.

    Issues are recognised by their English ``message``, which is stable."""
    for matches, text in HINTS:
        if matches(issue):
            return text(issue)
    return None


def hint(issue: InputIssue, lang: Lang = "zh") -> str:
    """A short fix-it suggestion in ``lang``; ``''`` for an unknown kind of message."""
    found = hint_say(issue)
    return "" if found is None else found.in_lang(lang)


# --- finding the cell of an issue ------------------------------------------------------------


def _name_key(text: str) -> str:
    return text.strip().lower()


_SHEET_KEYS: Final = {_name_key(name): spec.key for spec in SHEETS for name in (spec.key, spec.header)}
_COLUMN_KEYS: Final = {
    spec.key: {_name_key(name): column.key for column in spec.columns for name in (column.key, column.header)}
    for spec in SHEETS
}


@dataclass(frozen=True)
class SheetLayout:
    """Where a sheet's header row and columns are in the actual file."""

    name: str  # the sheet's actual name
    header_row: int  # Excel row number of the header row (1 when the sheet is blank)
    columns: dict[str, int] = field(default_factory=dict)  # column key -> Excel column number (first one)
    headers: dict[str, int] = field(default_factory=dict)  # header text (stripped) -> Excel column number


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    return cells.shown(cast(cells.Cell, value))  # a number or a date in a header cell


def sheet_layout(name: str, key: str | None, rows: Iterable[Sequence[object]]) -> SheetLayout:
    """The layout of sheet ``name`` (sheet key ``key``, ``None`` for an unknown sheet) from its rows."""
    for number, row in enumerate(rows, start=1):
        if all(_is_blank(value) for value in row):
            continue
        columns: dict[str, int] = {}
        headers: dict[str, int] = {}
        lookalikes: dict[str, int] = {}
        names = _COLUMN_KEYS.get(key or "", {})
        for position, value in enumerate(row, start=1):
            if _is_blank(value):
                continue
            text = _text(value)
            headers.setdefault(text.strip(), position)
            column = names.get(_name_key(text))
            if column is not None:
                columns.setdefault(column, position)
            elif key is not None and (like := looks_like(key, text)) is not None:
                lookalikes.setdefault(like.key, position)
        # a value under a misnamed header goes on its cell, as long as the column itself is missing
        return SheetLayout(name, number, {**lookalikes, **columns}, headers)
    return SheetLayout(name, 1)


def locate(book: Any) -> dict[str, SheetLayout]:
    """Sheet key (or, for a sheet that is not a data sheet, its name) -> its layout in an openpyxl workbook."""
    layouts: dict[str, SheetLayout] = {}
    for sheet in book.worksheets:
        key = _SHEET_KEYS.get(_name_key(sheet.title))
        layouts.setdefault(key or sheet.title, sheet_layout(sheet.title, key, sheet.iter_rows(values_only=True)))
    return layouts


def cell_of(issue: InputIssue, layouts: dict[str, SheetLayout]) -> tuple[str, int, int] | None:
    """(actual sheet name, Excel row, Excel column) of an issue; ``None`` when its sheet is not in the file."""
    layout = layouts.get(issue.sheet)
    if layout is None:
        return None
    if issue.row is None and issue.column is None and issue.value is not None and issue.value in layout.headers:
        return layout.name, layout.header_row, layout.headers[issue.value]  # a header named in the issue
    column = layout.columns.get(issue.column or "", 1)
    row = layout.header_row if issue.row is None else issue.row
    return layout.name, row, column


# --- the annotated copy ----------------------------------------------------------------------


def comment_text(issues: Sequence[InputIssue], lang: Lang = "zh") -> str:
    """The comment of a marked cell: each issue's severity, message and hint, in ``lang``."""
    colon = "：" if lang == "zh" else ": "
    parts = []
    for issue in issues:
        text = f"{issue.severity_text(lang)}{colon}{issue.text(lang)}"
        suggestion = hint(issue, lang)
        if suggestion:
            text += f"\n→ {suggestion}"
        parts.append(text)
    return "\n\n".join(parts)


def _comment(text: str, old: Any) -> Comment:
    if old is not None and old.text:
        text = f"{text}\n\n---\n{old.text}"
    lines = sum(1 + len(line) // CHARS_PER_LINE for line in text.splitlines())
    return Comment(text, AUTHOR, width=COMMENT_WIDTH, height=max(lines, 3) * LINE_HEIGHT)


def marks(
    issues: Sequence[InputIssue], layouts: dict[str, SheetLayout]
) -> dict[tuple[str, int, int], list[InputIssue]]:
    """The cells to mark, each with its issues (errors and warnings only), in the order given."""
    found: dict[tuple[str, int, int], list[InputIssue]] = {}
    for issue in issues:
        if issue.severity not in MARKED:
            continue
        where = cell_of(issue, layouts)
        if where is not None:
            found.setdefault(where, []).append(issue)
    return found


def _writable(sheet: Any, row: int, column: int) -> Any:
    """The cell, or the top-left cell of the merged range that covers it."""
    for merged in sheet.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col <= column <= merged.max_col:
            return sheet.cell(row=merged.min_row, column=merged.min_col)
    return sheet.cell(row=row, column=column)


def _print_setup(book: Any, layouts: dict[str, SheetLayout], lang: Lang) -> None:
    """Every sheet of the copy prints on A4 one page wide, its header row repeated (SPEC §7's print rules)."""
    rows_of = {layout.name: layout.header_row for layout in layouts.values()}
    for sheet in book.worksheets:
        header = rows_of.get(sheet.title, 1)
        wide = (sheet.max_column or 1) > 6
        title = f"{sheet.title}（已标注）" if lang == "zh" else f"{sheet.title} (marked)"
        print_setup(sheet, title, landscape=wide, title_rows=f"{header}:{header}", zh=lang == "zh")


def annotate_copy(workbook: Path, issues: Sequence[InputIssue], out: Path, lang: Lang = "zh") -> int:
    """Write a copy of ``workbook`` to ``out`` with the cells of ``issues`` marked (comments in ``lang``);
    return how many cells."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about the parts it drops
            book = load_workbook(workbook)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on a file calamine could read
        lines = str(error).strip().splitlines()
        first = lines[0] if lines else type(error).__name__
        raise AnnotateError(
            Say(f"{workbook}：无法复制并标注：{first}", f"{workbook}: cannot be copied with marks: {first}")
        ) from None
    layouts = locate(book)
    found = marks(issues, layouts)
    _print_setup(book, layouts, lang)
    for (name, row, column), here in found.items():
        cell = _writable(book[name], row, column)
        worst = "error" if any(i.severity == "error" for i in here) else "warning"
        cell.fill = FILLS[worst]
        cell.comment = _comment(comment_text(here, lang), cell.comment)
    save_atomic(out, book.save)
    return len(found)
