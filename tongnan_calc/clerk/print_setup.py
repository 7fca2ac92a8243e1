"""Print setup of an openpyxl worksheet (the annotated check copy; the comparison workbook of report/).

The payout workbook sets the same with xlsxwriter (``xlsx_book.Print``): A4, one
page wide and as many pages down as it takes, the header row repeated on every
page, a header naming the sheet and 第 N 页 共 M 页 in the footer.
"""

from __future__ import annotations

from typing import Any

from openpyxl.worksheet.properties import PageSetupProperties


def header_text(text: str) -> str:
    """Text for a page header: ``&`` is a control character there."""
    return text.replace("&", "&&")


def print_setup(ws: Any, header: str, *, landscape: bool, title_rows: str | None = "1:1", zh: bool = True) -> None:
    """``ws``: an openpyxl worksheet (also write-only); ``header``: plain text, centred on every page."""
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    else:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    if title_rows is not None:
        ws.print_title_rows = title_rows
    ws.oddHeader.center.text = header_text(header)
    ws.oddFooter.center.text = "第 &P 页 共 &N 页" if zh else "Page &P of &N"
