"""Opening the input workbook: the checks before calamine and the raw sheets it gives.

``check_file`` refuses what is not a safe .xlsx (missing, empty, .xls, .ods, .xlsb,
encrypted, damaged, a zip bomb) with a one-line ``WorkbookError``; ``_match_sheets``
finds the known sheets by name; ``_prefetched`` reads them with python-calamine as
``RawSheet`` rows, one ahead in a thread, after the XML pre-scan of ``_Scans``
(``xlsx_scan``: sizes, formulas without a value, Excel error cells); ``_reader_errors``
turns calamine's failures into ``WorkbookError``.  The only module that imports calamine.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections import deque
from collections.abc import Generator, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Final, Literal

from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetVisibleEnum

from tongnan_calc.core.model import ENTERPRISES
from tongnan_calc.core.say import Say, UserError
from tongnan_calc.files.kinds import special_kind
from tongnan_calc.input.bounds import (
    DEFAULT_LIMIT_MIB,
    BoundError,
    Budget,
    MiB,
    check_inflated,
    expanded_limit,
    inflated,
    too_large_declared,
)
from tongnan_calc.input.cells import Cell
from tongnan_calc.input.other_scan import OtherScan, scan_ods, scan_xls, scan_xlsb
from tongnan_calc.input.sheet_names import Matched, canonical_table, match_names
from tongnan_calc.input.sheets_spec import _SHEET_BY_NAME, SHEET_ORDER, SHEETS, SheetSpec, _label, _label_zh
from tongnan_calc.input.xlsx_scan import ScanError, SheetScan, check_grid, recalc_on_load, scan_sheet, sheet_members

# --- limits ------------------------------------------------------------------------

MAX_UNCOMPRESSED_BYTES: Final = DEFAULT_LIMIT_MIB * MiB
"""Refuse a workbook whose members expand to more than this in total: the default of ``bounds``
(``TONGNAN_MAX_EXPANDED_MB`` sets another)."""
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


# --- fatal checks before calamine -------------------------------------------------------


NOT_BOOK: Final = Say("不是工作簿（.xlsx/.xls/.xlsb/.ods）", "not a workbook (.xlsx/.xls/.xlsb/.ods)")
"""The end of a refusal of a file that is no workbook: the formats the reader takes."""


def _fail(source: Path | str, what: Say) -> WorkbookError:
    return WorkbookError(Say(f"{source}：{what.zh}", f"{source}: {what.en}"))


def _check_regular(path: Path) -> None:
    """Refuse, without opening it, what is there but is not a regular file (a named pipe would block
    the read, a device never ends, a symbolic link loop has no end): one line naming what it is."""
    kind = special_kind(path)
    if kind is not None:
        raise _fail(path, Say(f"这是{kind.zh}，{NOT_BOOK.zh}", f"is {kind.en}, {NOT_BOOK.en}"))
    try:
        path.stat()
    except FileNotFoundError:
        pass  # said next
    except OSError as error:  # a name too long, a file where a folder should be
        reason = error.strerror or str(error)
        raise _fail(path, Say(f"无法打开：{reason}", f"cannot be opened: {reason}")) from None


def _check_path(path: Path) -> bytes:
    """Check the file exists and is a file; return its first bytes."""
    _check_regular(path)
    if not path.exists():
        raise _fail(path, Say("找不到文件", "file not found"))
    if path.is_dir():
        raise _fail(path, Say(f"这是文件夹，{NOT_BOOK.zh}", f"is a directory, {NOT_BOOK.en}"))
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as error:
        reason = error.strerror or str(error)
        raise _fail(path, Say(f"无法打开：{reason}", f"cannot be opened: {reason}")) from None
    if not head:
        raise _fail(path, Say(f"文件是空的（0 字节），{NOT_BOOK.zh}", f"file is empty (0 bytes), {NOT_BOOK.en}"))
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


def _refuse_non_zip(path: Path, head: bytes) -> Kind:
    """An OLE2 file is an .xls workbook (or an encrypted .xlsx); anything else is refused."""
    if head.startswith(_OLE_MAGIC):
        if _has_bytes(path, _ENCRYPTED_MARK):
            raise _fail(path, ENCRYPTED)
        return "xls"
    if b"\x00" not in head:
        raise _fail(
            path,
            Say(
                "不是工作簿（.xlsx/.xls/.xlsb/.ods）：是 CSV 之类的文本文件",
                "is not a workbook (.xlsx/.xls/.xlsb/.ods): it is a text file such as CSV",
            ),
        )
    raise _fail(
        path,
        Say(
            "不是工作簿（.xlsx/.xls/.xlsb/.ods）：内容无法识别",
            "is not a workbook (.xlsx/.xls/.xlsb/.ods): unrecognised content",
        ),
    )


_ODS_MIMETYPE: Final = b"application/vnd.oasis.opendocument.spreadsheet"


def _check_members(path: Path, infos: Sequence[zipfile.ZipInfo], archive: zipfile.ZipFile) -> Kind:
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names:
        if "mimetype" in names:
            mimetype = archive.read("mimetype")[:200].strip()
            if mimetype in (_ODS_MIMETYPE, _ODS_MIMETYPE + b"-template") and "content.xml" in names:
                return "ods"
            shown = mimetype.decode("ascii", "replace")
            raise _fail(
                path,
                Say(
                    f"这是 OpenDocument 文档（{shown}），不是电子表格",
                    f"is an OpenDocument document ({shown}), not a spreadsheet",
                ),
            )
        raise _fail(
            path,
            Say(
                "这是 zip 压缩包，不是工作簿（.xlsx/.xls/.xlsb/.ods）",
                "is a zip archive but not a workbook (.xlsx/.xls/.xlsb/.ods)",
            ),
        )
    if "xl/workbook.bin" in names:
        return "xlsb"
    return "xlsx"


def _check_sizes(path: Path, infos: Sequence[zipfile.ZipInfo]) -> None:
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


Kind = Literal["xlsx", "xlsb", "xls", "ods"]
"""What a workbook is, by its content: .xlsx/.xlsm, .xlsb, .xls (BIFF8), .ods."""
MAX_OTHER_BYTES: Final = 512 * 1024**2
"""Refuse an .xls, .xlsb or .ods file larger than this: calamine reads an .xls or .ods whole
when it opens it, before any sheet's size can be checked."""


def _refuse_lock_file(path: Path, head: bytes) -> None:
    """Excel's lock file (``~$example.xlsx``, a few bytes naming the user who has example.xlsx open)."""
    if path.name.startswith("~$") and not head.startswith((*_ZIP_MAGICS, _OLE_MAGIC)):
        book = path.name[2:]
        raise _fail(
            path,
            Say(
                f"这是 Excel 的锁定文件（{book} 在 Excel 中打开时生成）：请改为打开 {book}",
                f"this is Excel's lock file for {book}: open {book} instead",
            ),
        )


@dataclass(frozen=True, slots=True)
class Checked:
    """What ``check_file`` found: the workbook's ``kind``, and what the bound on its expanded parts
    (``bounds``) has left for the worksheets still to be scanned — ``None`` for an .xls, which is not a
    zip (its size is bounded instead, ``_check_other_size``)."""

    kind: Kind
    budget: Budget | None


def check_file(path: Path, *, scanned: bool = False) -> Checked:
    """Raise ``WorkbookError`` unless ``path`` looks like a safe workbook; return its kind and the bound
    left.  ``scanned``: an .xlsx's worksheets will be read through ``_Scans``, which counts them against
    the bound on the expanded parts as it scans them; they are not inflated here (an .xlsb's or .ods's
    parts are all inflated here: they are not scanned through ``_Scans``)."""
    head = _check_path(path)
    _refuse_lock_file(path, head)
    budget: Budget | None = None
    if not head.startswith(_ZIP_MAGICS):
        kind = _refuse_non_zip(path, head)
    else:
        try:
            with zipfile.ZipFile(path) as archive:
                infos = archive.infolist()
                kind = _check_members(path, infos, archive)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, KeyError):
            raise _fail(path, DAMAGED) from None
        _check_sizes(path, infos)
        if kind != "xlsx":
            _check_other_size(path, kind)
        budget = _check_bound(path, infos, scanned and kind == "xlsx")
    if kind == "xls":
        _check_other_size(path, kind)
    return Checked(kind, budget)


_EXTENSION_KIND: Final[dict[str, Kind]] = {
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xltx": "xlsx",
    ".xltm": "xlsx",
    ".xlam": "xlsx",
    ".xls": "xls",
    ".xla": "xls",
    ".xlsb": "xlsb",
    ".ods": "ods",
}


def open_book(path: Path, kind: Kind) -> CalamineWorkbook:
    """calamine's workbook for a file of ``kind`` (``check_file``).  calamine picks its reader by
    the file's extension: a file whose extension is not its kind's (an .xls saved under an .xlsx
    name, as some systems export) is opened by its content instead (read into memory whole)."""
    if _EXTENSION_KIND.get(path.suffix.lower()) == kind:
        return CalamineWorkbook.from_path(str(path))
    with path.open("rb") as handle:
        return CalamineWorkbook.from_filelike(handle)


def _check_other_size(path: Path, kind: Kind) -> None:
    size = path.stat().st_size
    if size > MAX_OTHER_BYTES:
        raise _fail(
            path,
            Say(
                f"拒绝读取：.{kind} 文件达 {size} 字节，超过上限 {MAX_OTHER_BYTES} 字节：请另存为 .xlsx",
                f"refused: the .{kind} file has {size} bytes, more than the limit of {MAX_OTHER_BYTES}; "
                "save it as .xlsx",
            ),
        )


def _check_bound(path: Path, infos: Sequence[zipfile.ZipInfo], scanned: bool) -> Budget:
    """The bound on the expanded parts (``bounds``): from the zip directory, then counted while inflating."""
    try:
        limit = expanded_limit()
        total = sum(info.file_size for info in infos)
        if total > limit:
            raise BoundError(too_large_declared(total, limit))
        return check_inflated(path, infos, limit, worksheets=not scanned)
    except BoundError as error:
        raise _fail(path, error.say) from None
    except OSError:
        raise _fail(path, DAMAGED) from None


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
    hidden_rows: frozenset[int] = frozenset()  # rows hidden in Excel (1-based; .xlsx only): read, and said


def hidden_sheets(book: CalamineWorkbook) -> list[str]:
    """The names of the sheets the workbook hides (*Hide*, or hidden by a program): read, and said."""
    return [m.name for m in book.sheets_metadata if m.visible != SheetVisibleEnum.Visible]


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _names_text(names: Sequence[str]) -> Say:
    """“a”和“b” / 'a' and 'b' (“a”、“b”和“c” / 'a', 'b' and 'c')."""
    quoted_zh, quoted = [f"“{n}”" for n in names], [repr(n) for n in names]
    return Say(
        "、".join(quoted_zh[:-1]) + "和" + quoted_zh[-1],
        ", ".join(quoted[:-1]) + " and " + quoted[-1],
    )


def competing_text(key: str, names: Sequence[str]) -> Say:
    """Sheets that all look like the sheet ``key``: 工作表“a”和“b”都像是…工作表."""
    header = SHEETS[SHEET_ORDER[key]].header
    listed = _names_text(names)
    both = "both" if len(names) == 2 else "all"
    return Say(
        f"工作表{listed.zh}都像是{_label_zh(key, header)}工作表",
        f"sheets {listed.en} {both} look like the {_label(key, header)} sheet",
    )


_SHEET_TABLE: Final = canonical_table(_SHEET_BY_NAME)


def _match_sheets(source: Path | str, names: Sequence[str]) -> Matched:
    """The known sheets by name (exactly, or a known name with decoration: ``sheet_names``).
    Fatal: a sheet named twice exactly, candidates competing for ``enterprises``, none for it."""
    matched = match_names(names, _SHEET_BY_NAME, _SHEET_TABLE)
    for key, (first, name) in matched.exact_twice.items():
        header = SHEETS[SHEET_ORDER[key]].header
        raise _fail(
            source,
            Say(
                f"工作表“{first}”和“{name}”都是{_label_zh(key, header)}工作表：只保留一个",
                f"sheets {first!r} and {name!r} are both the {_label(key, header)} sheet; keep only one",
            ),
        )
    if ENTERPRISES in matched.competing:
        both = competing_text(ENTERPRISES, matched.competing[ENTERPRISES])
        raise _fail(source, Say(f"{both.zh}：请只保留一个", f"{both.en}; keep only one"))
    if ENTERPRISES not in matched.found:
        listed = ", ".join(repr(n) for n in names) or "none"
        listed_zh = "、".join(f"“{n}”" for n in names) or "无"
        raise _fail(
            source,
            Say(
                f"没有{_label_zh(ENTERPRISES, SHEETS[0].header)}工作表；现有工作表：{listed_zh}",
                f"no {_label(ENTERPRISES, SHEETS[0].header)} sheet; sheets found: {listed}",
            ),
        )
    return matched


def _failure(path: Path, error: BaseException, kind: Kind | None = None) -> BaseException:
    """The ``WorkbookError`` for an error of calamine; any other error unchanged."""
    if isinstance(error, PasswordError):
        return _fail(path, ENCRYPTED)
    if isinstance(error, ScanError):
        return _fail(path, Say(f"拒绝读取：{error.say.zh}", f"refused: {error.say.en}"))
    if isinstance(error, WorkbookError) or not _is_reader_failure(error):
        return error
    first = _first_line(error)
    if kind is not None and kind != "xlsx":
        return _fail(
            path, Say(f"无法作为 .{kind} 工作簿读取：{first}", f"cannot be read as an .{kind} workbook: {first}")
        )
    return _fail(path, Say(f"无法作为工作簿读取：{first}", f"cannot be read as a workbook: {first}"))


@contextmanager
def _reader_errors(path: Path, kind: Kind | None = None) -> Iterator[None]:
    try:
        yield
    except BaseException as error:
        found = _failure(path, error, kind)
        if found is error:
            raise
        raise found from None


def _sheet_rows(book: CalamineWorkbook, name: str) -> tuple[Rows, Merges]:
    sheet = book.get_sheet_by_name(name)
    # the grid's bounds before Python's rows are made (an .xlsx sheet was scanned before calamine read it)
    if sheet.end is not None:
        check_grid(name, sheet.end[0] + 1, sheet.end[1] + 1)
    rows: list[list[Cell]] = sheet.to_python(skip_empty_area=False)
    return rows, tuple(sheet.merged_cell_ranges or ())


PARSE_AHEAD = 2
"""Sheets parsed ahead of the one being converted."""


def _prefetched(
    path: Path,
    book: CalamineWorkbook,
    wanted: Sequence[tuple[SheetSpec, str]],
    scans: _Scans,
) -> Generator[RawSheet, None, None]:
    """The known sheets in SPEC order, each read while the one before it is converted.

    calamine parses a sheet's XML without holding the GIL, so on a machine with two
    cores the next sheets are parsed in a thread while this one is converted (and the
    first one while the other sheets are scanned): up to ``PARSE_AHEAD`` sheets ahead,
    so that the thread is not idle while a long sheet is converted; only those sheets
    and the one being converted are held in memory."""
    if not wanted:
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="tongnan-read") as pool:
        scans.through(wanted[0][1])  # a sheet is scanned before calamine allocates it
        pending: deque[Future[tuple[Rows, Merges]]] = deque([pool.submit(_sheet_rows, book, wanted[0][1])])
        try:
            scans.through(None)
            ahead = iter(wanted[1:])
            pending.extend(pool.submit(_sheet_rows, book, name) for _, name in islice(ahead, PARSE_AHEAD - 1))
            for spec, name in wanted:
                with _reader_errors(path):
                    rows, merged = pending.popleft().result()
                pending.extend(pool.submit(_sheet_rows, book, name) for _, name in islice(ahead, 1))
                scan = scans.found.get(name)
                merged = merged or scans.merged.get(name, ())
                if scan is None:
                    yield RawSheet(spec, name, rows, merged=merged)
                else:
                    yield RawSheet(spec, name, rows, scan.uncached_formulas, scan.errors, merged, scan.hidden_rows)
                del rows
        finally:
            for future in pending:
                future.cancel()


def _other_sheets(
    path: Path,
    book: CalamineWorkbook,
    names: Sequence[str],
    kind: Kind = "xlsx",
    before: OtherScan | None = None,
    budget: Budget | None = None,
) -> Iterator[tuple[str, Rows]]:
    """The sheets of ``names`` (no known sheet), read one at a time to see whether they hold data;
    each is scanned first, as the known sheets are (and counted against ``budget`` as they are)."""
    if not names:
        return
    scans = _Scans(path, set(names), kind, before, budget)
    try:
        for name in names:
            scans.through(name)
            with _reader_errors(path):
                rows, _ = _sheet_rows(book, name)
            yield name, rows
            del rows
    finally:
        scans.close()


def _is_reader_failure(error: BaseException) -> bool:
    """An error of calamine on a malformed file.  Besides its own exceptions,
    a Rust panic surfaces as ``PanicException``, which is not an ``Exception``."""
    if isinstance(error, (CalamineError, ValueError, TypeError, OverflowError, OSError)):
        return True
    return type(error).__name__ == "PanicException"


def prescan(path: Path, kind: Kind) -> OtherScan | None:
    """An .xls's, .ods's or .xlsb's sheets scanned before calamine opens it (``other_scan``); None for
    an .xlsx (scanned sheet by sheet, ``_Scans``), and for a file the scan cannot parse (calamine then says why)."""
    scan = {"xls": scan_xls, "ods": scan_ods, "xlsb": scan_xlsb}.get(kind)
    if scan is None:
        return None
    try:
        return scan(path)
    except ScanError as exc:
        raise _fail(path, Say(f"拒绝读取：{exc.say.zh}", f"refused: {exc.say.en}")) from None
    except (OSError, ValueError, KeyError, IndexError, struct.error, zipfile.BadZipFile, zlib.error):
        return None


def _exists(archive: zipfile.ZipFile, member: str) -> bool:
    try:
        archive.getinfo(member)
    except KeyError:
        return False
    return True


@contextmanager
def _scan_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except ScanError as exc:
        raise _fail(path, Say(f"拒绝读取：{exc.say.zh}", f"refused: {exc.say.en}")) from None
    except BoundError as exc:
        raise _fail(path, exc.say) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error):
        raise _fail(path, DAMAGED) from None


_CELL_OVERLAP: Final = 256
"""Bytes of a sheet kept from one piece to the next for the shared-string references (a cell's tag
and value are far shorter)."""


class _Scans:
    """The sheets' size and formulas without a value (``xlsx_scan``), before calamine
    allocates them: the sheets of ``names`` scanned in workbook order, as
    ``scan_workbook`` does, but on demand, so that calamine can parse the first
    sheet while the others are scanned."""

    recalculated = False  # the workbook asks to be recalculated when opened: no formula has its value

    def __init__(
        self,
        path: Path,
        names: set[str],
        kind: Kind = "xlsx",
        before: OtherScan | None = None,
        budget: Budget | None = None,
    ) -> None:
        self.path = path
        self.found: dict[str, SheetScan] = dict(before.sheets) if before is not None else {}
        self.merged: dict[str, Merges] = dict(before.merged) if before is not None else {}
        self.todo: list[tuple[str, str]] = []
        self.archive: zipfile.ZipFile | None = None
        self.budget = budget  # the bound on the expanded parts, taken by the sheets as they are scanned
        if kind != "xlsx":  # an .xls or .ods was scanned before calamine opened it (``prescan``)
            return
        with _scan_errors(path):
            archive = self.archive = zipfile.ZipFile(path)
        try:
            with _scan_errors(path):
                members = sheet_members(archive)
                self.recalculated = recalc_on_load(archive)
                self.todo = [(n, m) for n, m in members.items() if n in names and _exists(archive, m)]
        except BaseException:
            archive.close()
            raise

    def through(self, name: str | None) -> None:
        """Scan the sheets up to ``name`` (all of them: ``None``)."""
        with _scan_errors(self.path):
            while self.todo and name not in self.found and self.archive is not None:
                sheet, member = self.todo.pop(0)
                read = self._read if self.budget else None
                self.found[sheet] = scan_sheet(self.archive, member, sheet, read, recalculated=self.recalculated)

    def _read(self, member: str) -> Iterator[bytes]:
        """A sheet's bytes as they are inflated, each taken from the budget (whatever the directory says)."""
        budget, archive = self.budget, self.archive
        assert budget is not None and archive is not None
        with self.path.open("rb") as handle:
            tail = b""
            for piece in inflated(handle, archive.getinfo(member), budget):
                budget.take_shared(tail + piece, len(tail))  # a cell cut at the end is counted next time
                tail = piece[-_CELL_OVERLAP:]
                yield piece

    def close(self) -> None:
        if self.archive is not None:
            self.archive.close()
