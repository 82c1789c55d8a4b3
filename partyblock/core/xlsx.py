"""Small xlsx exporter: sheets of rows, numbers as numbers, dates as dates, text guarded against
formula injection (a cell typed "=…" in a name must never run as a formula in Excel)."""

import datetime
import io
import re
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from partyblock.core.text import search_key

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_cell(cell, value):
    if isinstance(value, Decimal):
        value = float(value)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"  # kept as text, never evaluated
    elif isinstance(value, datetime.date):
        cell.number_format = "dd/mm/yyyy"


def workbook(sheets):
    """`sheets`: iterable of (title, header list, row iterable). Returns the Workbook."""
    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(str(h)) for h in headers]
        for row_number, row in enumerate(rows, start=2):
            for column, value in enumerate(row, start=1):
                write_cell(sheet.cell(row=row_number, column=column), value)
                if column <= len(widths):
                    widths[column - 1] = max(widths[column - 1], min(len(str(value or "")), 60))
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width + 2
        sheet.freeze_panes = "A2"
    return book


def download_name(what, *, code=None, day=None):
    """The name of every downloaded file, in one pattern: what it is in Vietnamese without
    diacritics, the code of the organisation it covers (none for the whole Khối), the day its
    records are as of (dd-mm-yyyy): "Chi tiết Đảng viên", DB05, 07/12/2026 ->
    "chi-tiet-dang-vien-DB05-07-12-2026.xlsx"."""
    parts = [re.sub(r"[^a-z0-9]+", "-", search_key(what)).strip("-")]
    if code:
        parts.append(re.sub(r"[^A-Za-z0-9]+", "-", search_key(code).upper()).strip("-"))
    if day is not None:
        parts.append(f"{day.day:02d}-{day.month:02d}-{day.year}")
    return "-".join(part for part in parts if part) + ".xlsx"


def xlsx_response(sheets, what, *, code=None, day=None):
    return book_response(workbook(sheets), what, code=code, day=day)


def book_response(book, what, *, code=None, day=None):
    """A workbook as a download named by `download_name(what, code=, day=)`: the one place a
    download's name is made."""
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{download_name(what, code=code, day=day)}"'
    return response
