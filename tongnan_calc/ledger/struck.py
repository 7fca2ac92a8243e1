"""Rows of a payout workbook struck through (删除线) by a reviewer: found in the .xlsx's XML.

calamine reads values, not fonts; a row the finance bureau struck through to reject it would be
recorded as paid.  ``tongnan-calc run`` never writes a struck-through font, so any cell of a payout
row whose style has one marks that row.  Fonts are read from ``xl/styles.xml`` (``<font>`` with
``<strike/>``, not ``val="0"``), styles from its ``cellXfs`` in order, cells' styles from the sheet's
``<c … s="N">``; a strikethrough only on part of a text (a rich text run) is not seen.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Collection
from pathlib import Path
from typing import Final

from tongnan_calc.input.xlsx_scan import _chunks, sheet_members

STYLES_MEMBER: Final = "xl/styles.xml"
STYLES_LIMIT: Final = 64 << 20  # a styles part larger than this is not read: the rows cannot be vouched for

_P = rb"(?:[A-Za-z_][\w.-]*:)?"  # any namespace prefix
_FONTS = re.compile(rb"<" + _P + rb"fonts\b[^>]*>(.*?)</" + _P + rb"fonts>", re.S)
_FONT = re.compile(rb"<" + _P + rb"font\b[^>]*?(?:/>|>(.*?)</" + _P + rb"font>)", re.S)
_STRIKE = re.compile(rb"<" + _P + rb"strike\b([^>]*)>")
_OFF = re.compile(rb'\bval="(?:0|false)"')
_XFS = re.compile(rb"<" + _P + rb"cellXfs\b[^>]*>(.*?)</" + _P + rb"cellXfs>", re.S)
_XF = re.compile(rb"<" + _P + rb"xf\b([^>]*)>")
_FONT_ID = re.compile(rb'\bfontId="([0-9]{1,9})"')
_CELL = re.compile(rb"<" + _P + rb"c\b([^>]*)>")
_CELL_ROW = re.compile(rb'\br="[A-Za-z]{1,3}([0-9]{1,7})"')
_CELL_STYLE = re.compile(rb'\bs="([0-9]{1,9})"')


def _struck_styles(styles: bytes) -> frozenset[int]:
    """The indices of the cell styles (``cellXfs``) whose font is struck through."""
    fonts = _FONTS.search(styles)
    if fonts is None:
        return frozenset()
    struck_fonts = set()
    for index, font in enumerate(_FONT.finditer(fonts.group(1))):
        body = font.group(1) or b""
        strike = _STRIKE.search(body)
        if strike is not None and _OFF.search(strike.group(1)) is None:
            struck_fonts.add(index)
    if not struck_fonts:
        return frozenset()
    xfs = _XFS.search(styles)
    if xfs is None:
        return frozenset()
    found = set()
    for index, xf in enumerate(_XF.finditer(xfs.group(1))):
        font_id = _FONT_ID.search(xf.group(1))
        if font_id is not None and int(font_id.group(1)) in struck_fonts:
            found.add(index)
    return frozenset(found)


def struck_rows(path: Path, sheet: str, rows: Collection[int]) -> tuple[int, ...] | None:
    """Of ``rows`` (1-based), those with a cell of ``sheet`` in a struck-through font (ascending); None when
    the workbook's styles or the sheet cannot be read (a styles part over ``STYLES_LIMIT``, a damaged
    part): the caller refuses rather than record rows it could not vouch for.  A workbook without a
    styles part has no struck-through font."""
    try:
        with zipfile.ZipFile(path) as archive:
            try:
                info = archive.getinfo(STYLES_MEMBER)
            except KeyError:
                return ()
            if info.file_size > STYLES_LIMIT:
                return None
            styles = _struck_styles(archive.read(info))
            if not styles:
                return ()
            member = sheet_members(archive).get(sheet)
            if member is None:
                return None
            found: set[int] = set()
            for buffer, _ in _chunks(archive, member):  # a tag cut by a chunk's end is whole in the next
                for match in _CELL.finditer(buffer):
                    attributes = match.group(1)
                    style = _CELL_STYLE.search(attributes)
                    if style is None or int(style.group(1)) not in styles:
                        continue
                    row = _CELL_ROW.search(attributes)
                    if row is not None and int(row.group(1)) in rows:
                        found.add(int(row.group(1)))
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError):
        return None
    return tuple(sorted(found))
