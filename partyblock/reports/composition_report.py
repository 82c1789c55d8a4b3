"""The composition page and its xlsx: the breakdown figures of `partyblock.reports.composition` as tables
(each cell linked to its records) and as the Party's periodic member statistics, laid out after the
analysis forms of the Central Organisation Commission (see docs/composition.md for which)."""

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from members.models import TheoryLevel
from partyblock.core.figures import value
from partyblock.core.text import day_text
from partyblock.core.xlsx import book_response, write_cell
from partyblock.reports.composition import (
    ADMISSION_BREAKDOWNS,
    AGE_BAND_LABELS,
    AGE_BANDS,
    MEMBER_BREAKDOWNS,
    NOT_RECORDED,
    OUTSIDE,
    PARTY_AGE_BAND_LABELS,
    PARTY_AGE_BANDS,
    PROBATIONARY,
    lines_below,
)
from partyblock.reports.sections import breakdown_table

BLOC_NAME = "ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH"


def tables(scope):
    """Member tables (as of the as-of day), then admission tables (the period)."""
    return [breakdown_table(scope, key) for key in MEMBER_BREAKDOWNS] + [
        breakdown_table(scope, key, "Số kết nạp") for key in ADMISSION_BREAKDOWNS
    ]


def _theory_columns():
    return [label for code, label in TheoryLevel.choices if code]


def analysis_columns(scope, prefix, counts=None):
    """[(group header, [(column header, number)])] of one line of the analysis form, from the
    breakdown figures `<prefix>_by_…` (prefix "members" or "admissions") of the scope, or from
    `counts` ({figure key: {group: count}}: one organisation's line)."""

    def breakdown(key):
        return value(key, scope) if counts is None else counts.get(key, {})

    gender = breakdown(f"{prefix}_by_gender")
    ethnicity = breakdown(f"{prefix}_by_ethnicity")
    religion = breakdown(f"{prefix}_by_religion")
    ages = breakdown(f"{prefix}_by_age_band")
    theory = breakdown(f"{prefix}_by_theory_level")
    total = sum(gender.values())
    among = [
        ("Nữ", gender.get("Nữ", 0)),
        # Counted from the recorded values: a member whose ethnicity or religion is not recorded
        # ("Chưa ghi") is in neither column.
        ("Dân tộc thiểu số", sum(n for group, n in ethnicity.items() if group not in ("Kinh", NOT_RECORDED))),
        ("Có tôn giáo", sum(n for group, n in religion.items() if group not in ("Không", NOT_RECORDED))),
    ]
    columns = [("Tổng số", [("Tổng số", total)])]
    if prefix == "members":
        party_ages = breakdown("members_by_party_age_band")
        among.append(("Dự bị", party_ages.get(PROBATIONARY, 0)))
    else:
        outside = (
            value("admissions_outside_state_sector", scope) if counts is None else counts.get(OUTSIDE, 0)
        )
        among.append(("Ngoài khu vực nhà nước", outside))
    columns.append(("Trong đó", among))
    columns.append(("Tuổi đời", [(AGE_BAND_LABELS[band], ages.get(band, 0)) for band, _, _ in AGE_BANDS]))
    if prefix == "members":
        columns.append(
            (
                "Tuổi đảng",
                [(PARTY_AGE_BAND_LABELS[band], party_ages.get(band, 0)) for band, _, _ in PARTY_AGE_BANDS],
            )
        )
    columns.append(("Lý luận chính trị", [(label, theory.get(label, 0)) for label in _theory_columns()]))
    return columns


THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRED = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _title_block(sheet, scope, title, period_line, width):
    lines = [
        (BLOC_NAME, True),
        (scope.organisation.name if scope.organisation else "Toàn Đảng bộ Khối", False),
        ("", False),
        (title, True),
        (period_line, False),
    ]
    for row, (text, bold) in enumerate(lines, start=1):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        cell = sheet.cell(row=row, column=1)
        write_cell(cell, text)
        cell.font = Font(bold=bold, size=12 if bold else 11)
        cell.alignment = Alignment(horizontal="left" if row <= 2 else "center")
    return len(lines) + 2


def _analysis_sheet(book, scope, name, title, period_line, prefix, lines):
    """The analysis form: one line per organisation below the scope's (`lines`: [(organisation,
    counts)], the TCCS for the Khối), then the scope's total, the figures of the page."""
    sheet = book.create_sheet(name)
    columns = analysis_columns(scope, prefix)
    width = 1 + sum(len(cells) for _, cells in columns)
    top = _title_block(sheet, scope, title, period_line, width)
    # Two header rows (group, column), then the form's column numbering row (A, 1, 2, …).
    sheet.merge_cells(start_row=top, start_column=1, end_row=top + 1, end_column=1)
    write_cell(sheet.cell(row=top, column=1), "Đơn vị")
    column = 2
    for group, cells in columns:
        if len(cells) > 1:
            sheet.merge_cells(
                start_row=top, start_column=column, end_row=top, end_column=column + len(cells) - 1
            )
            write_cell(sheet.cell(row=top, column=column), group)
            for offset, (label, _) in enumerate(cells):
                write_cell(sheet.cell(row=top + 1, column=column + offset), label)
        else:
            sheet.merge_cells(start_row=top, start_column=column, end_row=top + 1, end_column=column)
            write_cell(sheet.cell(row=top, column=column), group)
        column += len(cells)
    write_cell(sheet.cell(row=top + 2, column=1), "A")
    for number in range(1, width):
        write_cell(sheet.cell(row=top + 2, column=number + 1), str(number))
    total_name = (
        f"Tổng cộng {scope.organisation.name}" if scope.organisation else "Tổng cộng toàn Đảng bộ Khối"
    )
    rows = [
        (f"{number}. {organisation.name}", analysis_columns(scope, prefix, counts))
        for number, (organisation, counts) in enumerate(lines, start=1)
    ]
    rows.append((total_name, columns))
    first_data = top + 3
    for data_row, (label, line) in enumerate(rows, start=first_data):
        write_cell(sheet.cell(row=data_row, column=1), label)
        numbers = [n for _, cells in line for _, n in cells]
        for offset, number in enumerate(numbers, start=2):
            write_cell(sheet.cell(row=data_row, column=offset), number)
    last = first_data + len(rows) - 1
    for row in sheet.iter_rows(min_row=top, max_row=last, max_col=width):
        for cell in row:
            cell.border = BOX
            if cell.row < first_data:
                cell.alignment = CENTRED
                cell.font = Font(bold=cell.row < top + 2, italic=cell.row == top + 2)
            elif cell.row == last:
                cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 40
    for index in range(2, width + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 10
    sheet.row_dimensions[top + 1].height = 64  # the bands in words ("Từ 10 đến dưới 20 năm") wrap
    return sheet


def _lists_sheet(book, scope, name, title, period_line, breakdowns):
    """Rows by value (the ethnicity and religion form lists each ethnicity and each religion)."""
    sheet = book.create_sheet(name)
    top = _title_block(sheet, scope, title, period_line, 3)
    row = top
    for key, heading in breakdowns:
        counts = value(key, scope)
        for column, text in enumerate(("STT", heading, "Số đảng viên"), start=1):
            cell = sheet.cell(row=row, column=column)
            write_cell(cell, text)
            cell.font = Font(bold=True)
            cell.border = BOX
            cell.alignment = CENTRED
        for number, (group, count) in enumerate(counts.items(), start=1):
            for column, item in enumerate((number, group, count), start=1):
                cell = sheet.cell(row=row + number, column=column)
                write_cell(cell, item)
                cell.border = BOX
        row += len(counts) + 2
    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 36
    sheet.column_dimensions["C"].width = 14
    return sheet


def statistics_sheets(scope):
    """The xlsx of the composition page: the analysis of members (as of the day), the ethnicity and
    religion lists, and the analysis of admissions in the period."""
    book = Workbook()
    book.remove(book.active)
    lines = lines_below(scope)
    as_of_line = f"(Có đến ngày {day_text(scope.as_of)})"
    period_line = f"(Từ ngày {day_text(scope.starts_on)} đến ngày {day_text(scope.activity_end)})"
    _analysis_sheet(
        book, scope, "Phân tích đảng viên", "BÁO CÁO PHÂN TÍCH ĐẢNG VIÊN", as_of_line, "members", lines
    )
    _lists_sheet(
        book,
        scope,
        "Dân tộc, tôn giáo",
        "BÁO CÁO ĐẢNG VIÊN CHIA THEO DÂN TỘC VÀ TRONG CÁC TÔN GIÁO",
        as_of_line,
        [("members_by_ethnicity", "Dân tộc"), ("members_by_religion", "Tôn giáo")],
    )
    _analysis_sheet(
        book,
        scope,
        "Kết nạp đảng viên",
        "BÁO CÁO PHÂN TÍCH ĐẢNG VIÊN MỚI KẾT NẠP",
        period_line,
        "admissions",
        lines,
    )
    return book


def xlsx(scope):
    return book_response(
        statistics_sheets(scope),
        "cơ cấu đảng viên",
        code=scope.organisation.code if scope.organisation else None,
        day=scope.as_of,
    )
