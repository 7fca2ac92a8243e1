"""The bound on what reading a workbook may cost: the size of its expanded parts.

A workbook is a zip of XML parts; what the reader holds grows with their expanded size
(a 2.3 MB workbook of long strings expanding to 1 GiB was read at 1.1 GB peak memory, under
the 1000:1 ratio guard).  A workbook whose parts expand to more than ``expanded_limit()``
bytes in all is refused before calamine reads anything:

- from the sizes in the zip's directory (``check_file`` in ``raw``), which cost nothing but
  can lie;
- and by inflating every part once (``check_inflated``), counting the bytes that actually come
  out and stopping as soon as they pass the bound, whatever the directory says.  The parts are
  inflated in chunks, so the check holds a few MiB at most.

The bound is 512 MiB by default; ``TONGNAN_MAX_EXPANDED_MB`` (a whole number of MiB) sets
another, for a province's batch.  An .xlsb or .ods is a zip too: its parts are all inflated and
counted here (they are not scanned through ``raw._Scans``).  An .xls is not a zip: it is bounded
by its own size instead (``raw.MAX_OTHER_BYTES``, which this variable does not change).
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
import zlib
from array import array
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, Final

from tongnan_calc.core.say import Say, UserError

LIMIT_ENV: Final = "TONGNAN_MAX_EXPANDED_MB"
DEFAULT_LIMIT_MIB: Final = 512
MiB: Final = 1 << 20
_READ: Final = 1 << 20  # compressed bytes read at a time
_OUT: Final = 4 << 20  # inflated bytes held at a time
_LOCAL_HEADER: Final = struct.Struct("<IHHHHHIIIHH")
_LOCAL_MAGIC: Final = 0x04034B50


class BoundError(UserError):
    """The bound cannot be read (a bad ``TONGNAN_MAX_EXPANDED_MB``), or a workbook passes it."""


def expanded_limit() -> int:
    """The bound in bytes: ``TONGNAN_MAX_EXPANDED_MB`` MiB, else 512 MiB."""
    raw = os.environ.get(LIMIT_ENV, "").strip()
    if not raw:
        return DEFAULT_LIMIT_MIB * MiB
    if not raw.isascii() or not raw.isdigit() or int(raw) == 0:
        raise BoundError(
            Say(
                f"环境变量 {LIMIT_ENV} 应为大于 0 的整数（单位 MiB），实际为“{raw}”",
                f"{LIMIT_ENV} must be a whole number of MiB above 0, got {raw!r}",
            )
        )
    return int(raw) * MiB


def too_large_declared(total: int, limit: int) -> Say:
    """The refusal of a workbook whose zip directory says its parts expand past ``limit``."""
    mib = limit // MiB
    return Say(
        f"拒绝读取：解压后达 {total:,} 字节，超过上限 {mib:,} MiB，可能是压缩炸弹（上限由环境变量 {LIMIT_ENV} 设定）",
        f"refused: it expands to {total:,} bytes, more than the limit of {mib:,} MiB: possibly a zip bomb "
        f"({LIMIT_ENV} sets the limit)",
    )


def too_large_inflated(declared: int, limit: int) -> Say:
    """The refusal of a workbook whose parts, inflated, pass ``limit`` although the directory said less."""
    mib = limit // MiB
    return Say(
        f"拒绝读取：解压后超过上限 {mib:,} MiB，而其 zip 目录只写了 {declared:,} 字节，可能是压缩炸弹"
        f"（上限由环境变量 {LIMIT_ENV} 设定）",
        f"refused: it expands to more than the limit of {mib:,} MiB although its zip directory says "
        f"{declared:,} bytes: possibly a zip bomb ({LIMIT_ENV} sets the limit)",
    )


def too_much_text(limit: int) -> Say:
    """The refusal of a workbook whose cells repeat shared text past ``limit``."""
    mib = limit // MiB
    return Say(
        f"拒绝读取：单元格引用的共享文本合计超过上限 {mib:,} MiB（同一段长文本被大量单元格重复引用），"
        f"可能是压缩炸弹（上限由环境变量 {LIMIT_ENV} 设定）",
        f"refused: its cells refer to more than {mib:,} MiB of shared text in all (the same long text in many "
        f"cells): possibly a zip bomb ({LIMIT_ENV} sets the limit)",
    )


# Elements with or without a namespace prefix (``</x:si>``, ``<x:c>``), as other programs than Excel write them.
_SHARED_END: Final = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?si>")
_SHARED_CELL: Final = re.compile(
    rb'<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*?\bt="s"[^>]*>\s*<((?:[A-Za-z_][\w.-]*:)?)v>([0-9]{1,10})</\1v>'
)


class Budget:
    """What the parts inflated so far may still grow to: ``take`` raises ``BoundError`` past ``limit``.

    Besides the parts, the text the cells take from the shared strings is bounded by ``limit`` too
    (``take_shared``): the reader copies a shared string into every cell that refers to it, so one long
    string in 20,000 cells costs 20,000 copies while the parts stay small.  ``shared_ends`` holds where
    each shared string ends in ``xl/sharedStrings.xml`` (a string's size: from the end of the one before)."""

    def __init__(self, limit: int, declared: int, spent: int = 0) -> None:
        self.limit, self.declared, self.spent = limit, declared, spent
        self.shared_ends = array("q")
        self.shared_text = 0

    def take(self, count: int) -> None:
        self.spent += count
        if self.spent > self.limit:
            raise BoundError(too_large_inflated(self.declared, self.limit))

    def take_shared(self, buffer: bytes, new: int) -> None:
        """The shared strings referred to by the cells of ``buffer`` that end after offset ``new``."""
        ends = self.shared_ends
        if not ends or b't="s"' not in buffer:
            return
        count = len(ends)
        for match in _SHARED_CELL.finditer(buffer):
            if match.end() > new:
                index = int(match.group(2))
                if index < count:
                    self.shared_text += ends[index] - (ends[index - 1] if index else 0)
        if self.shared_text > self.limit:
            raise BoundError(too_much_text(self.limit))


def is_worksheet(info: zipfile.ZipInfo) -> bool:
    return info.filename.startswith("xl/worksheets/")


def check_inflated(path: Path, infos: Sequence[zipfile.ZipInfo], limit: int, *, worksheets: bool = True) -> Budget:
    """Inflate the parts of the zip at ``path`` (without the worksheets unless ``worksheets``: the reader
    counts those as it scans them) and raise ``BoundError`` as soon as the bytes that come out pass
    ``limit`` in all; the budget left.  A part that cannot be inflated is left to the reader (which says
    the file is damaged): this check only counts."""
    budget = Budget(limit, sum(info.file_size for info in infos))
    with path.open("rb") as handle:
        for info in infos:
            if worksheets or not is_worksheet(info):
                pieces = inflated(handle, info, budget, check_crc=False)
                try:
                    if info.filename == SHARED_STRINGS:
                        _shared_ends(pieces, budget.shared_ends)
                    else:
                        for _ in pieces:
                            pass
                except (zlib.error, zipfile.BadZipFile):
                    continue
    return budget


SHARED_STRINGS: Final = "xl/sharedStrings.xml"


def _shared_ends(pieces: Iterator[bytes], ends: array[int]) -> None:
    """Where each shared string ends (its ``</si>``), as offsets in the part."""
    offset, tail = 0, b""  # the bytes of the part before ``tail + piece``
    for piece in pieces:
        buffer = tail + piece
        start = 0
        for found in _SHARED_END.finditer(buffer):
            ends.append(offset + found.start())
            start = found.end()
        keep = min(_SHARED_END_MAX - 1, len(buffer) - start)  # a tag cut at the end is found whole next time
        offset += len(buffer) - keep
        tail = buffer[len(buffer) - keep :]


_SHARED_END_MAX: Final = 64
"""The longest ``</prefix:si>`` looked for whole across two pieces."""


def inflated(handle: BinaryIO, info: zipfile.ZipInfo, budget: Budget, *, check_crc: bool = True) -> Iterator[bytes]:
    """The bytes part ``info`` of the zip open as ``handle`` inflates to, in chunks of at most 4 MiB, each
    taken from ``budget`` (``BoundError`` past it: the count is of what comes out, not of what the
    directory says).  ``zlib.error`` or ``zipfile.BadZipFile`` for a damaged part (``check_crc``: one
    whose CRC-32 differs)."""
    handle.seek(info.header_offset)
    header = handle.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or _LOCAL_HEADER.unpack(header)[0] != _LOCAL_MAGIC:
        raise zipfile.BadZipFile(f"bad local header for {info.filename!r}")
    fields = _LOCAL_HEADER.unpack(header)
    handle.seek(fields[9] + fields[10], os.SEEK_CUR)  # the name and the extra field
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise zipfile.BadZipFile(f"unsupported compression for {info.filename!r}")  # calamine reads neither
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    left, crc = info.compress_size, 0
    while left > 0 and not (inflater is not None and inflater.eof):
        data = handle.read(min(_READ, left))
        if not data:
            raise zipfile.BadZipFile(f"{info.filename!r} is cut short")
        left -= len(data)
        while data:
            if inflater is None:
                out, data = data, b""
            else:
                out = inflater.decompress(data, _OUT)
                data = inflater.unconsumed_tail
            budget.take(len(out))
            if check_crc:
                crc = zlib.crc32(out, crc)
            yield out
    if check_crc and crc != info.CRC:
        raise zipfile.BadZipFile(f"bad CRC-32 for {info.filename!r}")
