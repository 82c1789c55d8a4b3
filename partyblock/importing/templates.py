"""Blank templates and exports in the template's columns (written with openpyxl), so that
export → edit in Excel → re-import round-trips. Drop-down lists (categories, kinds, gender,
events) come from a "Danh mục" sheet; typing another accepted spelling only shows a warning."""

from django.utils import timezone
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from members.models import Member
from partyblock.accounts.access import default_report_organisation, sees_whole, shown_value
from partyblock.core.xlsx import book_response, workbook

from .columns import DateColumn, parse_date_text
from .kinds import KINDS

LISTS_SHEET = "Danh mục"
VALIDATED_ROWS = 5000


def template_columns(spec):
    """The columns of the template and the exports (not those only accepted on import)."""
    return [column for column in spec.columns() if column.in_template]


def headers(kind):
    return [column.header for column in template_columns(KINDS[kind])]


def _example_row(spec):
    row = []
    for number, column in enumerate(template_columns(spec)):
        value = spec.example.get(column.key)
        if number == 0 and column.key == "stt":
            value = 1
        if isinstance(column, DateColumn) and isinstance(value, str):
            value = parse_date_text(value)
        row.append(value)
    return row


def _add_lists(book, sheet, spec, last_row):
    """Drop-downs on the data rows for every column with a fixed list of values."""
    choices = spec.choices()
    if not choices:
        return
    lists = book.create_sheet(LISTS_SHEET)
    for list_number, (key, labels) in enumerate(choices.items(), start=1):
        letter = get_column_letter(list_number)
        column = next(c for c in template_columns(spec) if c.key == key)
        lists.cell(row=1, column=list_number, value=column.header)
        for row_number, label in enumerate(labels, start=2):
            lists.cell(row=row_number, column=list_number, value=label)
        target = get_column_letter([c.key for c in template_columns(spec)].index(key) + 1)
        validation = DataValidation(
            type="list",
            formula1=f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(labels) + 1}",
            allow_blank=True,
            errorStyle="warning",
            showErrorMessage=True,
            errorTitle=column.header,
            error="Giá trị không có trong danh mục; vẫn có thể dùng tên viết tắt hoặc tên khác được nhận.",
        )
        validation.add(f"{target}2:{target}{max(last_row, VALIDATED_ROWS)}")
        sheet.add_data_validation(validation)
    lists.sheet_state = "hidden"


def template_book(kind):
    spec = KINDS[kind]
    book = workbook([(f"Mẫu nhập {spec.label.lower()}", headers(kind), [_example_row(spec)])])
    _add_lists(book, book.worksheets[0], spec, 2)
    return book


def export_book(kind, queryset, *, user):
    """The records of `queryset` in the template's columns, as `user` may see them: a column named
    after a member's field (every kind's person columns are) goes through the personal-data rule."""
    spec = KINDS[kind]
    keys = [column.key for column in template_columns(spec)]
    personal = [i for i, key in enumerate(keys) if not sees_whole(user, Member, key)]
    rows = list(spec.export_rows(queryset))
    for row in rows:
        for i in personal:
            row[i] = shown_value(user, Member, keys[i], row[i]) or None
    book = workbook([(spec.label, headers(kind), rows)])
    _add_lists(book, book.worksheets[0], spec, len(rows) + 1)
    return book


# Downloaded files are named in Vietnamese (without diacritics, for every file system).
FILE_NAMES = {
    "organisations": "to-chuc-dang",
    "members": "dang-vien",
    "member_ratings": "xep-loai-dang-vien",
    "organisation_ratings": "xep-loai-to-chuc-dang",
    "events": "qua-trinh-sinh-hoat",
    "candidates": "quan-chung-uu-tu",
}


def file_stem(kind):
    return FILE_NAMES.get(kind, kind.replace("_", "-"))


def template_response(kind):
    return book_response(template_book(kind), f"mau-nhap-{file_stem(kind)}")


def export_response(kind, queryset, *, user):
    """The export of `queryset` as `user` may see it, named by kind, the organisation the user's
    scope covers (a TCCS user's own) and the day: "dang-vien-DB05-07-12-2026.xlsx"."""
    organisation = default_report_organisation(user)
    return book_response(
        export_book(kind, queryset, user=user),
        file_stem(kind),
        code=organisation.code if organisation is not None else None,
        day=timezone.localdate(),
    )
