"""Reading the sheets of a workbook the ledger imports or records (python-calamine).

Also the Chinese of the cell messages (``expected ..., got ...``) that the ledger
passes on from ``cells`` and ``uscc``, which write them in English only.
"""

from __future__ import annotations

import ast
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from python_calamine import CalamineError, CalamineWorkbook

from tongnan_calc.core.say import Say
from tongnan_calc.input import cells
from tongnan_calc.input.cells import Bad, Cell
from tongnan_calc.input.xlsx_scan import _chunks, sheet_members
from tongnan_calc.ledger.schema import LedgerError

EXPECT_TIER: Final = "the tier's threshold in yuan (sales_milestone has one)"
EXPECT_NO_TIER: Final = "blank (only sales_milestone has a tier)"
EXPECT_CENTS: Final = "an amount with at most two decimals"

# what "expected ..." means, in Chinese
# What "expected ..." means in Chinese (the words of the input reader's messages).
_EXPECT_ZH: Final[dict[str, str]] = {
    cells.EXPECT_AMOUNT: "金额，如 1,234.50",
    cells.EXPECT_NON_NEGATIVE: "不小于 0 的金额",
    cells.EXPECT_AT_MOST: "小于 1,000,000,000,000,000 的数",
    cells.EXPECT_YEAR: "年份，如 2015",
    cells.EXPECT_YEAR_RANGE: "1900 至 2200 之间的年份",
    cells.EXPECT_TEXT: "文字（此项必填）",
    cells.EXPECT_CREDIT_CODE: "18位统一社会信用代码",
    EXPECT_TIER: "档次的门槛金额（元，sales_milestone 须填写）",
    EXPECT_NO_TIER: "空白（只有 sales_milestone 有档次）",
    EXPECT_CENTS: "最多两位小数的金额",
}
_CODE_AS_NUMBER_ZH: Final = "统一社会信用代码被录入为数字，Excel 已丢失部分数字：请将单元格设为文本后重新录入"
_CODE_LENGTH = re.compile(r"expected a unified social credit code of 18 characters, got ([0-9]+): (.*)", re.S)
_CODE_CHARACTER = re.compile(r"expected a unified social credit code \((.*)\), got (.*) at position ([0-9]+)", re.S)
_CHECK_CHARACTER = re.compile(
    r"expected check character (.*), got (.*): the code may be mistyped \(the row is still used\)", re.S
)
_EXPECTED = re.compile(r"expected (.*), got (.*)", re.S)


def shown_zh(raw: Cell) -> str:
    """A cell's value in a Chinese message: text in Chinese quotes, a blank cell 空白."""
    if isinstance(raw, str):
        if not raw.strip():
            return "空白"
        return f"“{raw}”" if raw.isprintable() else repr(raw)
    return cells.shown(raw)


def _quoted(text_repr: str) -> str:
    """``'X'`` (a repr in an English message) as “X``."""
    try:
        value = ast.literal_eval(text_repr)
    except (ValueError, SyntaxError):
        return text_repr
    return shown_zh(value) if isinstance(value, str) else text_repr


def _zh_cell_message(message: str, raw: Cell) -> str:
    """The Chinese of a message of ``cells`` or ``uscc`` about cell ``raw``; the English one when unknown."""
    if message == cells.CREDIT_CODE_AS_NUMBER:
        return _CODE_AS_NUMBER_ZH
    if m := _CODE_LENGTH.fullmatch(message):
        return f"统一社会信用代码应为18位，实际为{m[1]}位：{_quoted(m[2])}"
    if m := _CODE_CHARACTER.fullmatch(message):
        return f"统一社会信用代码只能由数字和字母 A-H、J-N、P-R、T、U、W-Y组成，第{m[3]}位却是{_quoted(m[2])}"
    if m := _CHECK_CHARACTER.fullmatch(message):
        return f"校验位应为{_quoted(m[1])}，实际为{_quoted(m[2])}：代码可能录入有误（该行仍参与计算）"
    if (m := _EXPECTED.fullmatch(message)) and m[1] in _EXPECT_ZH:
        return f"应为{_EXPECT_ZH[m[1]]}，实际为{shown_zh(raw)}"
    return message


def cell_say(message: str, raw: Cell, zh: object = None) -> Say:
    """A message about one cell in both languages.

    ``zh`` is the Chinese that ``cells`` or ``uscc`` gave with the message, if any
    (``Bad.zh``, ``Checked.warning_zh`` where they have one); else the Chinese is
    made here from the English.
    """
    return Say(zh if isinstance(zh, str) and zh else _zh_cell_message(message, raw), message)


def bad_say(value: Bad, raw: Cell) -> Say:
    return cell_say(value.message, raw, getattr(value, "zh", None))


@dataclass(frozen=True)
class _Sheet:
    name: str  # as found in the workbook
    rows: tuple[tuple[Cell, ...], ...]  # rows[0] is Excel row 1
    taken_for: str = ""  # the names of the sheet it was taken for by its decorated name ('' when named exactly)

    def warning(self) -> Say | None:
        """The warning for a sheet taken by its decorated name (``input.sheet_names``)."""
        if not self.taken_for:
            return None
        return Say(
            f"工作表“{self.name}”按“{self.taken_for}”工作表读取：表名不完全相同，请核对",
            f"sheet {self.name!r} is read as the {self.taken_for} sheet: the names differ, check it",
        )


def _open_workbook(path: Path) -> CalamineWorkbook:
    """Open a workbook (.xlsx, .xls, .xlsb or .ods), refusing what the input reader refuses (one line each)."""
    from tongnan_calc.input.raw import WorkbookError, check_file, open_book

    try:
        return open_book(path, check_file(path).kind)
    except WorkbookError as exc:
        raise LedgerError(exc.say) from None
    except (CalamineError, OSError, ValueError) as exc:
        raise _unreadable(path, exc) from None


def _unreadable(path: Path, exc: BaseException) -> LedgerError:
    """A workbook that cannot be read as .xlsx, with the first line of what the reader said."""
    detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return LedgerError(
        Say(
            f"{path}：无法作为工作簿读取（{detail}）",
            f"{path}: cannot be read as a workbook ({detail})",
        )
    )


def _find_sheet(book: CalamineWorkbook, path: Path, names: Sequence[str]) -> _Sheet | None:
    """The sheet of ``names`` (one sheet's names: ``names[0]`` and others), matched as the input
    reader matches its sheets: exactly, or a known name with decoration (``input.sheet_names``);
    two sheets that could both be it are refused, naming them."""
    from tongnan_calc.input.sheet_names import canonical_table, match_names

    matched = match_names(
        book.sheet_names,
        {name.strip().lower(): names[0] for name in names},
        canonical_table(dict.fromkeys(names, names[0])),
    )
    both = matched.competing.get(names[0]) or matched.exact_twice.get(names[0])
    if both:
        listed = Say("和".join(f"“{n}”" for n in both), " and ".join(repr(n) for n in both))
        raise LedgerError(
            Say(
                f"{path}：工作表{listed.zh}都像是 {names[0]} 工作表：请只保留一个",
                f"{path}: sheets {listed.en} {'both' if len(both) == 2 else 'all'} look like the {names[0]} sheet; "
                "keep only one",
            )
        )
    actual = matched.found.get(names[0])
    if actual is None:
        return None
    try:
        data = book.get_sheet_by_name(actual).to_python(skip_empty_area=False)
    except (CalamineError, ValueError) as exc:
        raise LedgerError(
            Say(f"无法读取 {path} 的工作表 {actual}：{exc}", f"cannot read sheet {actual} of {path}: {exc}")
        ) from None
    return _Sheet(actual, tuple(tuple(row) for row in data), "/".join(names) if names[0] in matched.decorated else "")


def unread_sheets(book: CalamineWorkbook, path: Path, read: str, known: Sequence[str] = ()) -> list[tuple[str, int]]:
    """The sheets of ``book`` but ``read``, ``known`` and an instructions sheet that hold data: two
    non-blank rows or more (a header and a row); each with its count of non-blank rows."""
    found = []
    skipped = {"说明", "instructions", "notes", *(name.strip().lower() for name in known)}
    for name in book.sheet_names:
        if name == read or name.strip().lower() in skipped:
            continue
        try:
            data = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except (CalamineError, ValueError) as exc:
            raise LedgerError(
                Say(f"无法读取 {path} 的工作表 {name}：{exc}", f"cannot read sheet {name} of {path}: {exc}")
            ) from None
        rows = sum(1 for row in data if not _blank_row(row))
        if rows >= 2:
            found.append((name, rows))
    return found


def renamed_sheets(path: Path, sheets: Sequence[Sequence[str]]) -> list[Say]:
    """The warnings of ``_find_sheet`` for the ``sheets`` (each one sheet's names) that ``path``
    holds under a decorated name."""
    from tongnan_calc.input.sheet_names import canonical_table, match_names

    with _open_workbook(path) as book:
        found = book.sheet_names
    warnings: list[Say] = []
    for names in sheets:
        table = canonical_table(dict.fromkeys(names, names[0]))
        matched = match_names(found, {name.strip().lower(): names[0] for name in names}, table)
        if names[0] in matched.decorated:
            warning = _Sheet(matched.decorated[names[0]], (), "/".join(names)).warning()
            warnings.extend(() if warning is None else (warning,))
    return warnings


def _cell(row: Sequence[Cell], index: int) -> Cell:
    return row[index] if index < len(row) else ""


def _blank_row(row: Sequence[Cell]) -> bool:
    return all(cells.is_blank(value) for value in row)


def _header_text(value: Cell) -> str:
    return value.strip() if isinstance(value, str) else cells.shown(value)


# A row's start tag in sheet XML (any namespace prefix): its attributes.
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^>]*)>")
_ROW_NUMBER = re.compile(rb'\br="([0-9]{1,7})"')
# hidden by hand, by a collapsed outline or by a filter; or a height of 0 (as good as hidden)
_ROW_HIDDEN = re.compile(rb'\b(?:hidden="(?:1|true)"|ht="0+(?:\.0*)?")')


def hidden_rows(path: Path, sheet: str) -> tuple[int, ...]:
    """The rows of ``sheet`` marked hidden in the workbook's XML (1-based, ascending).

    calamine reads hidden rows like any other; Excel stores a row hidden by hand,
    by a collapsed outline or filtered out by an AutoFilter as ``<row r="5" hidden="1">``;
    a row of height 0 (``ht="0"``) is as good as hidden and counts as hidden.
    A sheet whose XML cannot be found is refused: its rows cannot be vouched for; so is a
    workbook of another kind than .xlsx (an .xls, .xlsb or .ods saved from the payout workbook).
    """
    from tongnan_calc.input.raw import WorkbookError, check_file

    try:
        kind = check_file(path).kind
    except WorkbookError as exc:
        raise LedgerError(exc.say) from None
    if kind != "xlsx":
        raise LedgerError(
            Say(
                f"{path}：这是 .{kind} 工作簿，无法检查其中的隐藏行：请登记 run 写出的 .xlsx 付款工作簿",
                f"{path}: is an .{kind} workbook, whose hidden rows cannot be checked; "
                "record the .xlsx payout workbook that run wrote",
            )
        )
    try:
        with zipfile.ZipFile(path) as archive:
            member = sheet_members(archive).get(sheet)
            if member is None:
                raise LedgerError(
                    Say(
                        f"{path}：找不到工作表 {sheet} 的 XML，无法检查隐藏行：请用 Excel 重新保存后再试",
                        f"{path}: cannot find the XML of sheet {sheet} to check for hidden rows:"
                        " save the workbook again with Excel and retry",
                    )
                )
            hidden: set[int] = set()
            for buffer, _ in _chunks(archive, member):  # a tag cut by a chunk's end is whole in the next
                for match in _ROW_TAG.finditer(buffer):
                    attributes = match.group(1)
                    number = _ROW_NUMBER.search(attributes)
                    if number is not None and _ROW_HIDDEN.search(attributes):
                        hidden.add(int(number.group(1)))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError) as exc:
        raise _unreadable(path, exc) from None
    return tuple(sorted(hidden))
