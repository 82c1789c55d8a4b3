"""Small xlsx exporter: sheets of rows, numbers as numbers, dates as dates, text guarded against
formula injection (a cell typed "=…" in a name must never run as a formula in Excel)."""

import datetime
import io
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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


def xlsx_response(filename, sheets):
    return book_response(filename, workbook(sheets))


def book_response(filename, book):
    """A workbook built elsewhere (a form with a title block) as a download."""
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
