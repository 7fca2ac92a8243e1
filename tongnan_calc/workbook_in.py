"""Read the input workbook (SPEC §3) into a ``model.Batch``.

A workbook that cannot be read at all raises ``WorkbookError`` with one line
naming the file.  Everything else — a bad cell, a missing column in a sheet
other than ``enterprises``, a record for an unknown enterprise — becomes an
``InputIssue`` and never stops the batch.
"""

from __future__ import annotations

import gc
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import MISSING, dataclass, field, fields
from datetime import date
from itertools import compress, repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, Final, cast

from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from tongnan_calc import cells
from tongnan_calc.cells import Bad, Cell
from tongnan_calc.model import (
    DATA_LINES,
    ENTERPRISES,
    LEASES,
    LOANS,
    SALES,
    Batch,
    DataLine,
    Enterprise,
    InputIssue,
    Lease,
    Loan,
    Records,
    Sale,
    Severity,
)
from tongnan_calc.say import Say, UserError
from tongnan_calc.uscc import Checked, check_char
from tongnan_calc.xlsx_scan import ScanError, SheetScan, scan_sheet, sheet_members

# --- limits ------------------------------------------------------------------------

MAX_UNCOMPRESSED_BYTES: Final = 2 * 1024**3
"""Refuse a workbook whose members expand to more than this in total."""
MAX_COMPRESSION_RATIO: Final = 1000
"""Refuse a member compressed more than this ratio ..."""
RATIO_CHECK_MIN_BYTES: Final = 100 * 1024**2
"""... when it expands to more than this."""

_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS: Final = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ENCRYPTED_MARK: Final = "EncryptedPackage".encode("utf-16-le")
_SCAN_CHUNK: Final = 1 << 20
ENCRYPTED: Final = Say(
    "工作簿已加密（设有密码）：请另存一份不加密的 .xlsx",
    "workbook is encrypted (password-protected); save an unprotected copy as .xlsx",
)


class WorkbookError(UserError):
    """The workbook cannot be read at all; ``str(error)`` is one line (``error.say``: in both languages)."""


# --- sheets and columns (SPEC §3) ----------------------------------------------------

Converter = Callable[[Cell, bool], object]
"""A converter of ``cells``: (raw cell, required) -> value or ``Bad``."""


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str
    required: bool
    convert: Converter


@dataclass(frozen=True, slots=True)
class SheetSpec:
    key: str
    header: str
    columns: tuple[Column, ...]
    record: type[Any]


EXAMPLE_CODE17: Final = "91500223EXAMPLE00"
EXAMPLE_CODE: Final = EXAMPLE_CODE17 + check_char(EXAMPLE_CODE17)
"""The fictional credit code of the example rows of ``tongnan-calc template`` (a valid
GB 32100-2015 code): the reader refuses it, in every sheet, so that an example row a
clerk forgot to delete is never paid."""
MSG_EXAMPLE_ROW: Final = "the template's example row: delete it before the run"
MSG_EXAMPLE_ROW_ZH: Final = "这是模板自带的虚构示例行：计算前请删除本行"


def _credit_code_converter(raw: Cell, required: bool) -> object:
    checked = cells.to_credit_code(raw)
    if isinstance(checked, Checked) and checked.code == EXAMPLE_CODE:
        return Bad(MSG_EXAMPLE_ROW, MSG_EXAMPLE_ROW_ZH)
    return checked


CREDIT_CODE: Final = Column("credit_code", "统一社会信用代码", True, _credit_code_converter)

SHEETS: Final[tuple[SheetSpec, ...]] = (
    SheetSpec(
        ENTERPRISES,
        "企业信息",
        (
            CREDIT_CODE,
            Column("name", "企业名称", True, cells.to_text),
            Column("ecommerce_entity", "电子商务法人企业", True, cells.to_yes_no),
            Column("settled_on", "落户日期", False, cells.to_date),
            Column("micro_support", "享受微企扶持", False, cells.to_yes_no),
            Column("hq_type", "机构类型", False, cells.to_hq_type),
            Column("renowned", "国内外知名企业", False, cells.to_yes_no),
            Column("city_key", "市重点培育", False, cells.to_yes_no),
            Column("demo_level", "示范企业级别", False, cells.to_demo_level),
            Column("spun_off", "特色传统企业分离设立", False, cells.to_yes_no),
            Column("operating_since", "开始运营日期", False, cells.to_date),
        ),
        Enterprise,
    ),
    SheetSpec(
        LEASES,
        "办公租赁",
        (
            CREDIT_CODE,
            Column("building", "楼宇名称", False, cells.to_text),
            Column("planned_building", "规划商务楼宇", True, cells.to_yes_no),
            Column("area_m2", "租用面积", True, cells.to_positive),
            Column("period_start", "租期起", True, cells.to_date),
            Column("period_end", "租期止", True, cells.to_date),
            Column("rent_paid", "实付租金", True, cells.to_amount),
        ),
        Lease,
    ),
    SheetSpec(
        DATA_LINES,
        "数据专线",
        (
            CREDIT_CODE,
            Column("year", "年度", True, cells.to_year),
            Column("fee_paid", "实付租赁费", True, cells.to_amount),
        ),
        DataLine,
    ),
    SheetSpec(
        SALES,
        "年销售额",
        (
            CREDIT_CODE,
            Column("year", "年度", True, cells.to_year),
            Column("sales", "年销售额", True, cells.to_amount),
        ),
        Sale,
    ),
    SheetSpec(
        LOANS,
        "贷款",
        (
            CREDIT_CODE,
            Column("loan_id", "贷款编号", True, cells.to_text),
            Column("key_project", "重点建设项目", True, cells.to_yes_no),
            Column("principal", "贷款本金", True, cells.to_amount),
            Column("drawdown_date", "放款日期", True, cells.to_date),
            Column("maturity_date", "到期日期", True, cells.to_date),
            Column("interest_paid", "当年实付利息", False, cells.to_amount),
        ),
        Loan,
    ),
)
_COLUMNS: Final[dict[str, dict[str, Column]]] = {
    spec.key: {column.key: column for column in spec.columns} for spec in SHEETS
}
SHEET_ORDER: Final[dict[str, int]] = {spec.key: i for i, spec in enumerate(SHEETS)}
OTHER_SHEETS: Final = tuple(spec.key for spec in SHEETS if spec.key != ENTERPRISES)


def _name_key(text: str) -> str:
    """Sheet names and headers: surrounding spaces ignored, English case-insensitive."""
    return text.strip().lower()


def _lookup(names: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for target, key, header in names:
        table[_name_key(key)] = target
        table[_name_key(header)] = target
    return table


_SHEET_BY_NAME: Final = _lookup((s.key, s.key, s.header) for s in SHEETS)


def _label(key: str, header: str) -> str:
    return f"{key} ({header})"


def _label_zh(key: str, header: str) -> str:
    return f"{header}（{key}）"


def _letter(position: int) -> str:
    """Excel column letters for a 0-based position (0 -> A, 26 -> AA)."""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


ROWS_LISTED: Final = 5
"""At most this many other rows are named in a duplicate message."""


def _rows_text(rows: Sequence[int], own: int) -> tuple[str, str]:
    """'row 7' or 'rows 3, 7' or 'rows 3, 4, 5, 6, 7 and 12 more': the rows but ``own``
    (and in Chinese: 第7行, 第3、7行, 第3、4、5、6、7行等另外12行)."""
    listed: list[int] = []
    for row in rows:
        if row != own:
            listed.append(row)
            if len(listed) == ROWS_LISTED:
                break
    more = len(rows) - 1 - len(listed)
    numbers = ", ".join(map(str, listed)) + (f" and {more} more" if more else "")
    zh = f"第{'、'.join(map(str, listed))}行" + (f"及另外{more}行" if more else "")
    return (f"row {numbers}" if len(rows) == 2 else f"rows {numbers}"), zh


# --- fatal checks before calamine -------------------------------------------------------


def _fail(source: Path | str, what: Say) -> WorkbookError:
    return WorkbookError(Say(f"{source}：{what.zh}", f"{source}: {what.en}"))


def _check_path(path: Path) -> bytes:
    """Check the file exists and is a file; return its first bytes."""
    if not path.exists():
        raise _fail(path, Say("找不到文件", "file not found"))
    if path.is_dir():
        raise _fail(path, Say("这是文件夹，不是 .xlsx 工作簿", "is a directory, not an .xlsx workbook"))
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as error:
        reason = error.strerror or str(error)
        raise _fail(path, Say(f"无法打开：{reason}", f"cannot be opened: {reason}")) from None
    if not head:
        raise _fail(
            path, Say("文件是空的（0 字节），不是 .xlsx 工作簿", "file is empty (0 bytes), not an .xlsx workbook")
        )
    return head


def _has_bytes(path: Path, needle: bytes) -> bool:
    """Whether ``needle`` occurs in the file (read in chunks)."""
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_SCAN_CHUNK):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle) :]
    return False


def _refuse_non_zip(path: Path, head: bytes) -> None:
    if head.startswith(_OLE_MAGIC):
        if _has_bytes(path, _ENCRYPTED_MARK):
            raise _fail(path, ENCRYPTED)
        raise _fail(
            path,
            Say(
                "这是旧版 Excel 97-2003 的 .xls 工作簿：请在 Excel 中打开，另存为 .xlsx",
                "is an old Excel 97-2003 .xls workbook; open it in Excel and save it as .xlsx",
            ),
        )
    if b"\x00" not in head:
        raise _fail(
            path,
            Say(
                "不是 .xlsx 工作簿（是 CSV 之类的文本文件）",
                "is not an .xlsx workbook (it is a text file such as CSV)",
            ),
        )
    raise _fail(path, Say("不是 .xlsx 工作簿（内容无法识别）", "is not an .xlsx workbook (unrecognised content)"))


def _check_members(path: Path, infos: Sequence[zipfile.ZipInfo]) -> None:
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names:
        if "mimetype" in names or "content.xml" in names:
            raise _fail(
                path,
                Say(
                    "这是 OpenDocument .ods 电子表格：请另存为 .xlsx",
                    "is an OpenDocument .ods spreadsheet; save it as .xlsx",
                ),
            )
        raise _fail(path, Say("这是 zip 压缩包，不是 .xlsx 工作簿", "is a zip archive but not an .xlsx workbook"))
    if "xl/workbook.bin" in names:
        raise _fail(
            path, Say("这是二进制的 .xlsb 工作簿：请另存为 .xlsx", "is a binary .xlsb workbook; save it as .xlsx")
        )


def _check_sizes(path: Path, infos: Sequence[zipfile.ZipInfo]) -> None:
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise _fail(
            path,
            Say(
                f"拒绝读取：解压后达 {total} 字节，超过上限 {MAX_UNCOMPRESSED_BYTES} 字节（可能是压缩炸弹）",
                f"refused: it expands to {total} bytes, more than the limit of "
                f"{MAX_UNCOMPRESSED_BYTES} (possible zip bomb)",
            ),
        )
    for info in infos:
        if info.file_size <= RATIO_CHECK_MIN_BYTES:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > MAX_COMPRESSION_RATIO:
            raise _fail(
                path,
                Say(
                    f"拒绝读取：其中的 {info.filename!r} 解压后膨胀 {int(ratio)} 倍（可能是压缩炸弹）",
                    f"refused: member {info.filename!r} expands {int(ratio)} times (possible zip bomb)",
                ),
            )


DAMAGED: Final = Say(
    "文件已损坏：不是可读的 zip 压缩包（.xlsx 不完整或已损坏）",
    "is damaged: not a readable zip archive (truncated or corrupt .xlsx)",
)


def check_file(path: Path) -> None:
    """Raise ``WorkbookError`` unless ``path`` looks like a safe .xlsx file."""
    head = _check_path(path)
    if not head.startswith(_ZIP_MAGICS):
        _refuse_non_zip(path, head)
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise _fail(path, DAMAGED) from None
    _check_members(path, infos)
    _check_sizes(path, infos)


# --- reading sheets ---------------------------------------------------------------------

Rows = Sequence[Sequence[Cell]]
Merges = Sequence[tuple[tuple[int, int], tuple[int, int]]]


@dataclass(frozen=True, slots=True)
class RawSheet:
    spec: SheetSpec
    name: str
    rows: Rows
    uncached: frozenset[tuple[int, int]] = frozenset()  # (row, column) of formulas without a value
    errors: Mapping[tuple[int, int], str] = field(default_factory=dict)  # (row, column) -> the Excel error shown
    merged: Merges = ()  # calamine's merged ranges: ((top, left), (bottom, right)), 0-based


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _match_sheets(source: Path | str, names: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """Map sheet key -> actual name; also return the names that match nothing."""
    found: dict[str, str] = {}
    unknown: list[str] = []
    for name in names:
        key = _SHEET_BY_NAME.get(_name_key(name))
        if key is None:
            unknown.append(name)
        elif key in found:
            header = SHEETS[SHEET_ORDER[key]].header
            raise _fail(
                source,
                Say(
                    f"工作表“{found[key]}”和“{name}”都是{_label_zh(key, header)}工作表：只保留一个",
                    f"sheets {found[key]!r} and {name!r} are both the {_label(key, header)} sheet; keep only one",
                ),
            )
        else:
            found[key] = name
    if ENTERPRISES not in found:
        listed = ", ".join(repr(n) for n in names) or "none"
        listed_zh = "、".join(f"“{n}”" for n in names) or "无"
        raise _fail(
            source,
            Say(
                f"没有{_label_zh(ENTERPRISES, SHEETS[0].header)}工作表；现有工作表：{listed_zh}",
                f"no {_label(ENTERPRISES, SHEETS[0].header)} sheet; sheets found: {listed}",
            ),
        )
    return found, unknown


def _failure(path: Path, error: BaseException) -> BaseException:
    """The ``WorkbookError`` for an error of calamine; any other error unchanged."""
    if isinstance(error, PasswordError):
        return _fail(path, ENCRYPTED)
    if isinstance(error, WorkbookError) or not _is_reader_failure(error):
        return error
    first = _first_line(error)
    return _fail(path, Say(f"无法作为 .xlsx 工作簿读取：{first}", f"cannot be read as an .xlsx workbook: {first}"))


@contextmanager
def _reader_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except BaseException as error:
        found = _failure(path, error)
        if found is error:
            raise
        raise found from None


def _sheet_rows(book: CalamineWorkbook, name: str) -> tuple[Rows, Merges]:
    sheet = book.get_sheet_by_name(name)
    rows: list[list[Cell]] = sheet.to_python(skip_empty_area=False)
    return rows, tuple(sheet.merged_cell_ranges or ())


def _prefetched(
    path: Path,
    book: CalamineWorkbook,
    wanted: Sequence[tuple[SheetSpec, str]],
    scans: _Scans,
) -> Iterator[RawSheet]:
    """The known sheets in SPEC order, each read while the one before it is converted.

    calamine parses a sheet's XML without holding the GIL, so on a machine with two
    cores the next sheet is parsed in a thread while this one is converted (and the
    first one while the other sheets are scanned); and only the sheets being worked
    on are held in memory."""
    if not wanted:
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tongnan-read") as pool:
        scans.through(wanted[0][1])  # a sheet is scanned before calamine allocates it
        pending: Future[tuple[Rows, Merges]] = pool.submit(_sheet_rows, book, wanted[0][1])
        try:
            scans.through(None)
            for index, (spec, name) in enumerate(wanted):
                with _reader_errors(path):
                    rows, merged = pending.result()
                if index + 1 < len(wanted):
                    pending = pool.submit(_sheet_rows, book, wanted[index + 1][1])
                scan = scans.found.get(name)
                if scan is None:
                    yield RawSheet(spec, name, rows, merged=merged)
                else:
                    yield RawSheet(spec, name, rows, scan.uncached_formulas, scan.errors, merged)
                del rows
        finally:
            pending.cancel()


def _is_reader_failure(error: BaseException) -> bool:
    """An error of calamine on a malformed file.  Besides its own exceptions,
    a Rust panic surfaces as ``PanicException``, which is not an ``Exception``."""
    if isinstance(error, (CalamineError, ValueError, TypeError, OverflowError, OSError)):
        return True
    return type(error).__name__ == "PanicException"


# --- header row -------------------------------------------------------------------------


def _is_blank_row(row: Sequence[Cell]) -> bool:
    return all(isinstance(value, str) and not value.strip() for value in row)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a sheet's columns are, and what is wrong with its header."""

    header_index: int  # 0-based index of the header row, -1 when none
    positions: tuple[tuple[int, Column], ...]  # usable columns, left to right
    missing: tuple[Column, ...]
    duplicates: tuple[tuple[Column, tuple[int, ...]], ...]
    unknown: tuple[tuple[int, str], ...]  # (position, header text), lookalikes aside
    lookalikes: tuple[tuple[int, str, Column], ...] = ()  # unknown columns that look like a known one

    position: dict[str, int] = field(default_factory=dict)  # column key -> position

    def __post_init__(self) -> None:
        self.position.update((column.key, position) for position, column in self.positions)


def _header_index(rows: Rows) -> int:
    for index, row in enumerate(rows):
        if not _is_blank_row(row):
            return index
    return -1


_BRACKETS: Final = frozenset("()（）[]［］【】{}｛｝<>＜＞《》〈〉「」『』")


def _bare(text: str) -> str:
    """A header without its spaces and brackets, in lower case: 享受微企扶持（是/否） -> 享受微企扶持是/否."""
    return "".join(ch for ch in text.lower() if not ch.isspace() and ch not in _BRACKETS)


def looks_like(sheet: str, text: str) -> Column | None:
    """The known column of sheet ``sheet`` that an unknown header ``text`` looks like: the one whose
    Chinese header or key it contains (spaces and brackets aside; the longest such name wins).

    SPEC §3 ignores unknown columns; but 享受微企扶持（是/否） is a value given under a wrong
    name, and ignored it would read every enterprise as not enjoying micro-enterprise support."""
    bare = _bare(text)
    found: Column | None = None
    longest = 0
    for column in _COLUMNS[sheet].values():
        for name in map(_bare, (column.header, column.key)):
            if len(name) > longest and name in bare:
                found, longest = column, len(name)
    return found


def _layout(spec: SheetSpec, rows: Rows) -> Layout:
    index = _header_index(rows)
    by_name = _lookup((c.key, c.key, c.header) for c in spec.columns)
    columns = _COLUMNS[spec.key]
    found: dict[str, list[int]] = defaultdict(list)
    unknown: list[tuple[int, str]] = []
    lookalikes: list[tuple[int, str, Column]] = []
    for position, cell in enumerate(rows[index] if index >= 0 else ()):
        text = cell if isinstance(cell, str) else cells.shown(cell)
        if not text.strip():
            continue
        key = by_name.get(_name_key(text))
        if key is not None:
            found[key].append(position)
        elif (like := looks_like(spec.key, text)) is not None:
            lookalikes.append((position, text.strip(), like))
        else:
            unknown.append((position, text.strip()))
    return Layout(
        header_index=index,
        positions=tuple(sorted((p[0], columns[k]) for k, p in found.items() if len(p) == 1)),
        missing=tuple(c for c in spec.columns if c.required and c.key not in found),
        duplicates=tuple((columns[k], tuple(p)) for k, p in found.items() if len(p) > 1),
        unknown=tuple(unknown),
        lookalikes=tuple(lookalikes),
    )


def _duplicate_text(column: Column, positions: Sequence[int]) -> Say:
    letters = ", ".join(_letter(p) for p in positions)
    letters_zh = "、".join(_letter(p) for p in positions)
    return Say(
        f"{_label_zh(column.key, column.header)}列出现了不止一次（{letters_zh}列）",
        f"column {_label(column.key, column.header)} appears more than once (columns {letters})",
    )


def _missing_text(missing: Sequence[Column]) -> Say:
    labels = ", ".join(_label(c.key, c.header) for c in missing)
    labels_zh = "、".join(_label_zh(c.key, c.header) for c in missing)
    noun = "column" if len(missing) == 1 else "columns"
    return Say(f"缺少必填列{labels_zh}", f"missing required {noun} {labels}")


def _lookalike_text(layout: Layout) -> Say:
    """'' or, for the missing columns that a header looks like, how to fix the header row."""
    found = [(p, text, like) for p, text, like in layout.lookalikes if like in layout.missing]
    if not found:
        return Say("", "")
    zh = "、".join(f"{_letter(p)}列“{text}”像是{like.header}" for p, text, like in found)
    en = ", ".join(f"column {_letter(p)} {text!r} looks like {like.key}" for p, text, like in found)
    return Say(f"（{zh}：请改正表头）", f" ({en}: rename the header)")


def _enterprise_layout(source: Path | str, sheet: RawSheet) -> Layout:
    layout = _layout(sheet.spec, sheet.rows)
    name = sheet.name
    if layout.header_index < 0:
        raise _fail(source, Say(f"工作表“{name}”是空的（没有表头行）", f"sheet {name!r} is empty (no header row)"))
    if layout.missing:
        header_row = layout.header_index + 1
        missing = _missing_text(layout.missing)
        like = _lookalike_text(layout)
        raise _fail(
            source,
            Say(
                f"工作表“{name}”{missing.zh}；其表头行是第{header_row}行{like.zh}",
                f"sheet {name!r} is {missing.en}; its header row is row {header_row}{like.en}",
            ),
        )
    if layout.duplicates:
        column, positions = layout.duplicates[0]
        twice = _duplicate_text(column, positions)
        raise _fail(source, Say(f"工作表“{name}”：{twice.zh}", f"sheet {name!r}: {twice.en}"))
    return layout


def _sheet_error(spec: SheetSpec, column: Column, what: Say) -> InputIssue:
    return InputIssue(
        sheet=spec.key,
        row=None,
        column=column.key,
        header=column.header,
        value=None,
        severity="error",
        message=f"{what.en}; no row of this sheet is used",
        message_zh=f"{what.zh}；本工作表各行均不使用",
    )


def _sheet_issues(spec: SheetSpec, layout: Layout) -> list[InputIssue]:
    """Sheet-level issues: errors (the sheet is not used) and the unknown-column notice."""
    header_row = layout.header_index + 1
    issues = [
        _sheet_error(
            spec,
            c,
            Say(
                f"表头行（第{header_row}行）缺少必填列{_label_zh(c.key, c.header)}",
                f"required column {_label(c.key, c.header)} is missing from header row {header_row}",
            ),
        )
        for c in layout.missing
    ]
    issues.extend(_sheet_error(spec, c, _duplicate_text(c, p)) for c, p in layout.duplicates)
    for position, text, like in layout.lookalikes:
        issues.append(
            InputIssue(
                sheet=spec.key,
                row=None,
                column=None,
                header=None,
                value=text,
                severity="warning",
                message=f"unknown column {text} ({_letter(position)}) looks like {_label(like.key, like.header)}: "
                "rename the header, or it is ignored",
                message_zh=f"未识别的列“{text}”（{_letter(position)}列）像是{_label_zh(like.key, like.header)}："
                "请改正表头，否则该列被忽略",
            )
        )
    if layout.unknown:
        names = ", ".join(f"{text} ({_letter(p)})" for p, text in layout.unknown)
        names_zh = "、".join(f"{text}（{_letter(p)}列）" for p, text in layout.unknown)
        issues.append(
            InputIssue(
                sheet=spec.key,
                row=None,
                column=None,
                header=None,
                value=None,
                severity="notice",
                message=f"unknown columns ignored: {names}",
                message_zh=f"未识别的列，已忽略：{names_zh}",
            )
        )
    return issues


# --- rows ---------------------------------------------------------------------------------
#
# A sheet is converted column by column: one list comprehension per column is
# much faster than a Python loop per cell, and issues are rare.

MSG_UNKNOWN_ENTERPRISE: Final = "credit code not in enterprises"
MSG_UNKNOWN_ENTERPRISE_ZH: Final = "企业信息表中没有这个统一社会信用代码"

CodeCache = dict[str, "Checked | Bad"]


def _credit_code(raw: Cell, cache: CodeCache) -> Checked | Bad:
    """``cells.to_credit_code``, remembered for text cells (codes repeat a lot)."""
    if not isinstance(raw, str):
        return cells.to_credit_code(raw)
    checked = cache.get(raw)
    if checked is None:
        checked = cache[raw] = cast("Checked | Bad", _credit_code_converter(raw, True))
    return checked


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
    code_position = layout.position[CREDIT_CODE.key]
    start = layout.header_index + 1
    data = list(rows[start:])
    # Fast path: rows as calamine gives them (rectangular), each with a credit code as text.
    if not data or (
        min(map(len, data)) >= width
        and set(map(type, codes := list(map(itemgetter(code_position), data)))) == {str}
        and all(map(str.strip, codes))
    ):
        return list(range(start + 1, len(rows) + 1)), data
    numbers: list[int] = []
    data = []
    for index in range(start, len(rows)):
        row = rows[index]
        code = row[code_position] if code_position < len(row) else ""
        # Fast path: a row with a credit code is not blank.
        if isinstance(code, str) and not code.strip() and _is_blank_row(row):
            continue
        if len(row) < width:  # calamine rows are rectangular; be safe anyway
            row = [*row, *([""] * (width - len(row)))]
        numbers.append(index + 1)
        data.append(row)
    return numbers, data


def _parse(spec: SheetSpec, rows: Rows, layout: Layout, cache: CodeCache | None = None) -> Parsed:
    """Convert a sheet column by column; ``cache``: credit codes already checked (in other sheets)."""
    numbers, data = _data_rows(rows, layout)
    code_position = layout.position[CREDIT_CODE.key]
    if cache is None:
        cache = {}
    known = cache.get
    checked = [known(raw) or _credit_code(raw, cache) for raw in map(itemgetter(code_position), data)]
    codes = [c.code if isinstance(c, Checked) else None for c in checked]
    parsed = Parsed(spec, layout, numbers, data, codes, {})
    # Issues on credit codes are rare: look for them (warnings: enterprises only) when there are some.
    look = spec.key == ENTERPRISES or Bad in set(map(type, checked))
    for index, result in enumerate(checked if look else ()):
        if isinstance(result, Bad):
            parsed.add(index, CREDIT_CODE, result.message, zh=result.zh)
        elif result.warning is not None and spec.key == ENTERPRISES:
            parsed.add(index, CREDIT_CODE, result.warning, "warning", zh=result.warning_zh)
    for position, column in layout.positions:
        if column is CREDIT_CODE:
            continue
        convert = cells.column_converter(column.convert)
        values = convert(map(itemgetter(position), data), column.required)
        parsed.columns[column.key] = values
        if Bad in set(map(type, values)):  # rare: look for them only when there are some
            for index in [i for i, v in enumerate(values) if isinstance(v, Bad)]:
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
    pairs = zip(parsed.columns[first], parsed.columns[second], strict=True)
    for index, (start, end) in enumerate(pairs):
        if not (isinstance(start, date) and isinstance(end, date)):
            continue
        if end < start or (strict and end == start):
            parsed.add(
                index,
                column,
                f"expected a date {relation} {first} ({start.isoformat()}), got {parsed.shown(index, second)}",
                zh=f"应为{relation_zh}{first_header}（{start.isoformat()}）的日期，"
                f"实际为{parsed.shown_zh(index, second)}",
            )


def _groups(keys: Iterable[Hashable | None]) -> Iterator[list[int]]:
    """Indexes sharing a key (not None) with at least one other index."""
    keys = list(keys)
    if len(set(keys)) == len(keys):  # the usual case: every key differs (at most one None)
        return iter(())
    found: dict[Hashable, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        if key is not None:
            found[key].append(index)
    return (group for group in found.values() if len(group) > 1)


def _check_duplicate_years(parsed: Parsed) -> None:
    years = parsed.columns.get("year")
    if years is None:
        return
    column = _COLUMNS[parsed.spec.key]["year"]
    keys: Iterable[Hashable | None]
    if None not in parsed.codes and set(map(type, years)) <= {int}:
        keys = list(zip(parsed.codes, years, strict=True))  # the usual case, without a test per row
    else:
        keys = (
            (code, year) if code is not None and isinstance(year, int) else None
            for code, year in zip(parsed.codes, years, strict=True)
        )
    for group in _groups(keys):
        rows = [parsed.numbers[i] for i in group]
        for index, own in zip(group, rows, strict=True):
            also, also_zh = _rows_text(rows, own)
            parsed.add(
                index,
                column,
                f"duplicate year {years[index]} for this enterprise (also on {also})",
                zh=f"该企业的{years[index]}年度重复（另见{also_zh}）",
            )


def _check_duplicate_loans(parsed: Parsed) -> None:
    """A loan (credit code, loan id) entered twice would be subsidised twice: an error on each row."""
    ids = parsed.columns.get("loan_id")
    if ids is None:
        return
    column = _COLUMNS[parsed.spec.key]["loan_id"]
    keys = (
        (code, loan_id) if code is not None and isinstance(loan_id, str) and loan_id else None
        for code, loan_id in zip(parsed.codes, ids, strict=True)
    )
    for group in _groups(keys):
        rows = [parsed.numbers[i] for i in group]
        for index, own in zip(group, rows, strict=True):
            also, also_zh = _rows_text(rows, own)
            loan_id = cast(str, ids[index])
            parsed.add(
                index,
                column,
                f"duplicate loan {cells.shown(loan_id)} for this enterprise (also on {also}); "
                "each loan is entered once",
                zh=f"该企业的贷款编号{cells.shown_zh(loan_id)}重复（另见{also_zh}）：每笔贷款只填一行",
            )


def _check_duplicate_codes(parsed: Parsed) -> None:
    for group in _groups(parsed.codes):
        rows = [parsed.numbers[i] for i in group]
        for index, own in zip(group, rows, strict=True):
            also, also_zh = _rows_text(rows, own)
            parsed.add(
                index,
                CREDIT_CODE,
                f"duplicate credit code (also on {also}); every row with this code is dropped",
                zh=f"统一社会信用代码重复（另见{also_zh}）：含此代码的各行均不使用",
            )


def _cross_checks(parsed: Parsed) -> None:
    key = parsed.spec.key
    if key == ENTERPRISES:
        _check_duplicate_codes(parsed)
    elif key == LEASES:
        _check_order(parsed, "period_start", "period_end", strict=False)
    elif key == LOANS:
        _check_order(parsed, "drawdown_date", "maturity_date", strict=True)
        _check_duplicate_loans(parsed)
    elif key == SALES:
        _check_duplicate_years(parsed)


# --- joining the sheets ---------------------------------------------------------------------


def _arguments(parsed: Parsed) -> list[Iterable[object]]:
    """The record's positional arguments, one iterable per field: the converted
    columns, the credit codes and row numbers, defaults for absent optional columns."""
    given: dict[str, Iterable[object]] = {**parsed.columns, "credit_code": parsed.codes, "row": parsed.numbers}
    record = parsed.spec.record
    out: list[Iterable[object]] = []
    for spec in fields(record):
        if spec.name in given:
            out.append(given[spec.name])
        elif spec.default is not MISSING:
            out.append(repeat(spec.default))
        else:  # a required field without a required column: a bug in SHEETS
            raise AssertionError(f"{record.__name__}.{spec.name} has no column")
    return out


def _made(parsed: Parsed) -> Iterator[tuple[str, Any]]:
    """The record (credit code, record) of each row without errors."""
    codes, issues = parsed.codes, parsed.issues
    skip = {index for index in issues if codes[index] is None or not parsed.ok(index)}
    if None in codes:
        skip.update(index for index, code in enumerate(codes) if code is None)
    arguments: list[Iterable[object]] = _arguments(parsed)
    if skip:
        keep = [index not in skip for index in range(len(codes))]
        arguments = [compress(values, keep) for values in arguments]
        codes = list(compress(codes, keep))
    # Positional construction, straight from the columns (no tuple per row).
    return zip(cast("list[str]", codes), map(parsed.spec.record, *arguments), strict=True)


@dataclass(slots=True)
class _Join:
    """Mutable state while the sheets are joined to the enterprises."""

    enterprises: dict[str, Enterprise] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)  # code -> first Excel row
    records: dict[str, dict[str, list[Any]]] = field(default_factory=dict)  # sheet key -> code -> records
    blocking: dict[tuple[str, str], list[InputIssue]] = field(default_factory=dict)
    unused: dict[str, dict[str, int]] = field(default_factory=dict)  # code -> counts
    unusable: dict[str, list[InputIssue]] = field(default_factory=dict)  # sheet key
    issues: list[InputIssue] = field(default_factory=list)
    codes: CodeCache = field(default_factory=dict)  # credit code text -> checked, across the sheets
    blocked: set[str] = field(default_factory=set)  # the codes in ``blocking``


def _take_enterprises(join: _Join, parsed: Parsed) -> None:
    for code, enterprise in _made(parsed):
        join.enterprises[code] = enterprise
    if _unjoined(join, parsed.codes):
        for index, maybe in enumerate(parsed.codes):
            if maybe is not None and maybe not in join.enterprises:
                join.dropped.setdefault(maybe, parsed.numbers[index])
    for issues in parsed.issues.values():
        join.issues.extend(issues)


def _take_records(join: _Join, parsed: Parsed) -> None:
    key = parsed.spec.key
    enterprises = join.enterprises
    mine = join.records.setdefault(key, {})
    for code, record in _made(parsed):
        if code in enterprises:
            found = mine.get(code)
            if found is None:
                mine[code] = [record]
            else:
                found.append(record)
    _not_joined(join, parsed)
    for index, issues in parsed.issues.items():
        maybe = parsed.codes[index]
        if maybe is not None and maybe in join.enterprises:
            errors = [i for i in issues if i.severity == "error"]
            join.blocking.setdefault((maybe, key), []).extend(errors)
        join.issues.extend(issues)


def _unjoined(join: _Join, codes: list[str | None]) -> bool:
    """Whether some readable code is not an enterprise's (kept)."""
    unknown = set(codes).difference(join.enterprises)
    unknown.discard(None)
    return bool(unknown)


def _not_joined(join: _Join, parsed: Parsed) -> None:
    """Count the rows of dropped enterprises; flag the rows of unknown ones."""
    key = parsed.spec.key
    if not _unjoined(join, parsed.codes):
        return
    for index, maybe in enumerate(parsed.codes):
        if maybe is None or maybe in join.enterprises:
            continue
        if maybe in join.dropped:
            counts = join.unused.setdefault(maybe, {})
            counts[key] = counts.get(key, 0) + 1
        else:
            parsed.add(index, CREDIT_CODE, MSG_UNKNOWN_ENTERPRISE, zh=MSG_UNKNOWN_ENTERPRISE_ZH, first=True)


def _dropped_notices(join: _Join) -> Iterator[InputIssue]:
    for code, row in join.dropped.items():
        counts = join.unused.get(code)
        if not counts:
            continue
        total = sum(counts.values())
        detail = ", ".join(f"{k}: {counts[k]}" for k in OTHER_SHEETS if k in counts)
        detail_zh = "，".join(f"{SHEETS[SHEET_ORDER[k]].header}{counts[k]}行" for k in OTHER_SHEETS if k in counts)
        noun = "row" if total == 1 else "rows"
        yield InputIssue(
            sheet=ENTERPRISES,
            row=row,
            column=CREDIT_CODE.key,
            header=CREDIT_CODE.header,
            value=code,
            severity="notice",
            message=f"enterprise dropped: {total} {noun} for it in other sheets not used ({detail})",
            credit_code=code,
            message_zh=f"该企业未读入：其他工作表中属于它的{total}行未使用（{detail_zh}）",
        )


def _blocking(join: _Join, code: str) -> tuple[tuple[str, tuple[InputIssue, ...]], ...]:
    if not join.unusable and code not in join.blocked:
        return ()
    out = []
    for key in OTHER_SHEETS:
        issues = join.unusable.get(key) or join.blocking.get((code, key))
        if issues:
            out.append((key, tuple(issues)))
    return tuple(out)


def _records(join: _Join) -> tuple[Records, ...]:
    empty: dict[str, list[Any]] = {}
    leases, data_lines, sales, loans = (join.records.get(key, empty) for key in (LEASES, DATA_LINES, SALES, LOANS))
    join.blocked = {code for code, _ in join.blocking}
    return tuple(
        Records(
            enterprise=enterprise,
            leases=tuple(leases.get(code, ())),
            data_lines=tuple(data_lines.get(code, ())),
            sales=tuple(sales.get(code, ())),
            loans=tuple(loans.get(code, ())),
            blocking=_blocking(join, code),
        )
        for code, enterprise in join.enterprises.items()
    )


# The instructions sheet of `tongnan-calc template`: read past without a notice.
INSTRUCTION_SHEETS = frozenset({"说明", "instructions"})


def _unknown_sheet(name: str) -> InputIssue:
    known = ", ".join(_label(s.key, s.header) for s in SHEETS)
    known_zh = "、".join(_label_zh(s.key, s.header) for s in SHEETS)
    return InputIssue(
        sheet=name,
        row=None,
        column=None,
        header=None,
        value=None,
        severity="notice",
        message=f"sheet not used: its name is not one of {known}",
        message_zh=f"工作表未使用：表名不是{known_zh}中的任何一个",
    )


def _issue_order(issue: InputIssue) -> tuple[int, int]:
    return SHEET_ORDER.get(issue.sheet, len(SHEETS)), issue.row or 0


# --- the reader -------------------------------------------------------------------------


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of acyclic objects
    are made: each collection would scan them all again."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_workbook(path: Path) -> Batch:
    """Read the input workbook; raise ``WorkbookError`` when it cannot be read."""
    path = Path(path)
    check_file(path)
    with _gc_paused():
        with _reader_errors(path):
            book = CalamineWorkbook.from_path(str(path))
            names = book.sheet_names
        with book:
            found, unknown_sheets = _match_sheets(path, names)
            wanted = [(spec, found[spec.key]) for spec in SHEETS if spec.key in found]
            scans = _Scans(path, {name for _, name in wanted})
            try:
                sheets = _prefetched(path, book, wanted, scans)
                return _read(path, sheets, unknown_sheets, [(s.key, n) for s, n in wanted])
            finally:
                scans.close()


@contextmanager
def _scan_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except ScanError as exc:
        raise _fail(path, Say(f"拒绝读取：{exc.say.zh}", f"refused: {exc.say.en}")) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error):
        raise _fail(path, DAMAGED) from None


class _Scans:
    """The sheets' size and formulas without a value (``xlsx_scan``), before calamine
    allocates them: the sheets of ``names`` scanned in workbook order, as
    ``scan_workbook`` does, but on demand, so that calamine can parse the first
    sheet while the others are scanned."""

    def __init__(self, path: Path, names: set[str]) -> None:
        self.path = path
        self.found: dict[str, SheetScan] = {}
        with _scan_errors(path):
            self.archive = zipfile.ZipFile(path)
        try:
            with _scan_errors(path):
                members = sheet_members(self.archive)
                self.todo = [(n, m) for n, m in members.items() if n in names and self._exists(m)]
        except BaseException:
            self.archive.close()
            raise

    def _exists(self, member: str) -> bool:
        try:
            self.archive.getinfo(member)
        except KeyError:
            return False
        return True

    def through(self, name: str | None) -> None:
        """Scan the sheets up to ``name`` (all of them: ``None``)."""
        with _scan_errors(self.path):
            while self.todo and name not in self.found:
                sheet, member = self.todo.pop(0)
                self.found[sheet] = scan_sheet(self.archive, member, sheet)

    def close(self) -> None:
        self.archive.close()


def read_sheets(sheets: Mapping[str, Rows], source: str = "<sheets>") -> Batch:
    """Read sheets already in memory exactly as ``read_workbook`` reads a file.

    ``sheets`` maps sheet names to rows of cells as python-calamine gives them
    (``rows[0]`` is Excel row 1, ``''`` for a blank cell).  ``source`` stands
    for the file name in a ``WorkbookError``.
    """
    found, unknown_sheets = _match_sheets(source, list(sheets))
    raw = [RawSheet(spec, found[spec.key], sheets[found[spec.key]]) for spec in SHEETS if spec.key in found]
    with _gc_paused():
        return _read(source, raw, unknown_sheets, [(r.spec.key, r.name) for r in raw])


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


# --- merged cells -------------------------------------------------------------------------

_FILLED_DOWN: Final = frozenset({cells.to_text, cells.to_yes_no, cells.to_hq_type, cells.to_demo_level})


def fills_down(column: Column) -> bool:
    """Whether a cell of ``column`` merged down over several rows is read on each of them.

    Yes for the credit code and the text, yes/no and choice columns: a merged value
    there says the same thing of every row it covers (one enterprise, one building, a
    yes for each lease), exactly as if it were typed on each.  No for the amount,
    number, year and date columns: a merged 36,600 over two invoices is one amount
    for both, not 36,600 each, and copying it would pay it twice; which share belongs
    to which row, or whether a date is each row's own, only the clerk knows."""
    return column is CREDIT_CODE or column.convert in _FILLED_DOWN


@dataclass(frozen=True, slots=True)
class _Span:
    """A merged range over several rows whose cells cannot be read on each row."""

    top: int  # Excel rows
    bottom: int
    ref: str  # F2:F3
    columns: tuple[int, ...]  # the 1-based known columns it covers that are not read


def _fill_merged(rows: Rows, merged: Merges, layout: Layout) -> list[_Span]:
    """Read a cell merged down over several rows on each row it covers where ``fills_down``
    says so (calamine gives its value on the top row only); return the other ranges over
    several rows, whose cells are errors on every data row they cover.

    (A credit code merged over two lease rows belongs to both; read as blank, the
    second row would be dropped and the rent computed from the first alone.)  A range
    that begins on or above the header row is never filled down (its value is a header)."""
    columns = dict(layout.positions)
    spans: list[_Span] = []
    for (top, left), (bottom, right) in merged:
        if bottom <= top or bottom <= layout.header_index:
            continue
        below_header = top > layout.header_index
        refused = [
            position
            for position in range(left, right + 1)
            if position in columns and not (below_header and fills_down(columns[position]))
        ]
        if refused:
            ref = f"{_letter(left)}{top + 1}:{_letter(right)}{bottom + 1}"
            spans.append(_Span(top + 1, bottom + 1, ref, tuple(p + 1 for p in refused)))
        if left not in columns or left in refused or top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for row in rows[top + 1 : bottom + 1]:
            if left < len(row) and row[left] == "" and isinstance(row, list):
                row[left] = value
    return spans


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
    if layout.lookalikes:
        _flag_lookalikes(parsed)
    _cross_checks(parsed)
    if spec.key == ENTERPRISES:
        _take_enterprises(join, parsed)
    else:
        _take_records(join, parsed)
    return len(parsed.numbers)


def _read(
    source: Path | str,
    sheets: Iterable[RawSheet],
    unknown_sheets: Sequence[str],
    names: Sequence[tuple[str, str]],
) -> Batch:
    """Convert and join the sheets (taken one at a time; a sheet's raw cells are not kept)."""
    join = _Join()
    rows_read = sum(_take_sheet(join, source, sheet) for sheet in sheets)
    join.issues.extend(_dropped_notices(join))
    join.issues.extend(_unknown_sheet(name) for name in unknown_sheets if _name_key(name) not in INSTRUCTION_SHEETS)
    join.issues.sort(key=_issue_order)
    return Batch(
        records=_records(join),
        issues=tuple(join.issues),
        sheets_found=tuple(names),
        rows_read=rows_read,
    )
