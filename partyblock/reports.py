"""The term summary and the year report as data: sections of rows and tables whose cells come from
`partyblock.figures` (a count cell carries its figure key and parameters, so the page links it to the
drill-down of exactly the records it counts). The HTML page, the print view and the xlsx export all
render these same sections.
"""

from dataclasses import dataclass, field

from members.models import Award
from partyblock import charts, rating_schemes
from partyblock.figures import FIGURES, members_over_time, rounded, value
from units.models import DocumentKind, MeetingKind, TaskResult


@dataclass
class Cell:
    value: object
    key: str | None = None  # figure key: the cell links to its drill-down
    params: dict = field(default_factory=dict)
    unit: str = ""
    source: str = ""  # for a derived value, the figure (and year) it shows


@dataclass
class Row:
    label: str
    actual: Cell
    target: Cell | None = None
    met: bool | None = None
    level: int = 0  # indentation under the row above


@dataclass
class Table:
    caption: str
    headers: list
    rows: list  # [(label, [Cell, …])]


@dataclass
class Section:
    key: str
    title: str
    rows: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    charts: list = field(default_factory=list)  # SVG markup


def count(scope, key, **params):
    return Cell(value(key, scope, **params), key, params)


def plain(scope, key, unit=""):
    return Cell(value(key, scope), unit=unit, source=key)


def _met(actual, target, higher_is_better=True):
    if actual is None or target is None:
        return None
    return actual >= target if higher_is_better else actual <= target


def build_report(scope):
    """All sections, in the order of the Khối's term report."""
    return [
        _organisation(scope),
        _admissions(scope),
        _ratings(scope),
        _awards(scope),
        *_inspection_sections(scope),
        _activity(scope),
    ]


def _organisation(scope):
    section = Section("to_chuc", "Tổ chức đảng và đảng viên")
    section.rows = [
        Row("Tổ chức cơ sở đảng", count(scope, "tccs")),
        Row("Đảng bộ cơ sở", count(scope, "tccs_dang_bo_co_so"), level=1),
        Row("Chi bộ cơ sở", count(scope, "tccs_chi_bo_co_so"), level=1),
        Row("Chi bộ trực thuộc đảng bộ cơ sở", count(scope, "chi_bo_truc_thuoc")),
        Row(f"Đảng viên (đến {scope.as_of:%d/%m/%Y})", count(scope, "members")),
        Row("Đảng viên chính thức", count(scope, "members_official"), level=1),
        Row("Đảng viên dự bị", count(scope, "members_probationary"), level=1),
        Row(f"Đảng viên đầu kỳ ({scope.starts_on:%d/%m/%Y})", count(scope, "members_at_start")),
        Row(FIGURES["members_growth"].label, plain(scope, "members_growth")),
    ]
    section.charts.append(charts.line_chart("Số đảng viên theo thời gian", _members_over_time(scope)))
    return section


def _members_over_time(scope):
    return [(charts.date_label(day), count) for day, count in members_over_time(scope)]


def _years(scope):
    return list(range(scope.starts_on.year, scope.activity_end.year + 1))


def _admissions(scope):
    section = Section("ket_nap", "Kết nạp đảng viên")
    years = _years(scope)
    per_year = [count(scope, "admissions_in_year", year=y) for y in years]
    target = value("admissions_target", scope)
    section.rows = [
        Row(
            "Kết nạp đảng viên mới",
            count(scope, "admissions"),
            Cell(target, source="admissions_target") if target is not None else None,
            _met(value("admissions", scope), target),
        )
    ]
    if target:
        section.rows.append(Row("Vượt chỉ tiêu (%)", plain(scope, "admissions_over_target_pct", "%")))
    section.tables.append(
        Table(
            "Kết nạp theo năm",
            ["Năm", "Số kết nạp"],
            [(str(y), [c]) for y, c in zip(years, per_year, strict=True)],
        )
    )
    pace = target / len(years) if target else None
    section.charts.append(
        charts.bars_against_pace(
            "Kết nạp đảng viên theo năm",
            [(str(y), c.value) for y, c in zip(years, per_year, strict=True)],
            pace,
            "Bình quân cần đạt mỗi năm",
        )
    )
    return section


def _ratings(scope):
    section = Section("xep_loai", "Đánh giá, xếp loại chất lượng")
    member_shares = value("member_good_or_better_pct_by_year", scope)
    tccs_shares = value("tccs_good_or_better_pct_by_year", scope)
    member_target = value("member_good_or_better_target_pct", scope)
    tccs_target = value("tccs_good_or_better_target_pct", scope)
    tccs_average = value("tccs_good_or_better_avg_pct", scope)
    levels = [1, 2, 3, 4]
    level_headers = [rating_schemes.LEVEL_SHORT[lv] for lv in levels]
    member_rows, tccs_rows, member_columns, tccs_columns = [], [], [], []
    for year in scope.rated_years:
        counts = [count(scope, "member_ratings", year=year, level=lv) for lv in levels]
        share = member_shares.get(str(year))
        member_rows.append(
            (
                str(year),
                [
                    count(scope, "member_ratings", year=year),
                    *counts,
                    Cell(share, unit="%", source=f"member_good_or_better_pct_by_year:{year}"),
                ],
            )
        )
        member_columns.append((str(year), [c.value for c in counts]))
        counts = [count(scope, "tccs_ratings", year=year, level=lv) for lv in levels]
        share = tccs_shares.get(str(year))
        tccs_rows.append(
            (str(year), [count(scope, "tccs_ratings", year=year), *counts, Cell(share, unit="%")])
        )
        tccs_columns.append((str(year), [c.value for c in counts]))
    headers = ["Năm", "Được xếp loại", *level_headers, "Tốt trở lên (%)"]
    section.tables = [
        Table("Đảng viên theo mức xếp loại", headers, member_rows),
        Table("Tổ chức cơ sở đảng theo mức xếp loại", headers, tccs_rows),
    ]
    lowest = value("member_good_or_better_min_pct", scope)
    section.rows = [
        Row(
            FIGURES["member_good_or_better_min_pct"].label,
            plain(scope, "member_good_or_better_min_pct", "%"),
            Cell(member_target, unit="%", source="member_good_or_better_target_pct")
            if member_target is not None
            else None,
            # The report rounds the lowest year to whole percent before comparing (95 % a year).
            _met(rounded(lowest, 0), member_target),
        ),
        Row(
            "TCCS trong sạch, vững mạnh / hoàn thành tốt nhiệm vụ trở lên, bình quân (%)",
            Cell(tccs_average, unit="%", source="tccs_good_or_better_avg_pct"),
            Cell(tccs_target, unit="%", source="tccs_good_or_better_target_pct")
            if tccs_target is not None
            else None,
            _met(tccs_average, tccs_target),
        ),
    ]
    section.charts = [
        charts.stacked_shares("Đảng viên theo mức xếp loại (%)", member_columns, _short_legend()),
        charts.stacked_shares("Tổ chức cơ sở đảng theo mức xếp loại (%)", tccs_columns, _short_legend()),
    ]
    return section


def _short_legend():
    return ["Mức 1: xuất sắc", "Mức 2: tốt", "Mức 3: hoàn thành", "Mức 4: không hoàn thành"]


def _awards(scope):
    section = Section("khen_thuong", "Khen thưởng")
    section.rows = [
        Row("TCCS được Tỉnh ủy tặng cờ", count(scope, "tccs_flag_awards")),
        Row("Lượt TCCS được Tỉnh ủy tặng bằng khen", count(scope, "tccs_province_certificates")),
        Row(
            "Lượt TCCS được Ban Thường vụ Đảng ủy Khối tặng giấy khen", count(scope, "tccs_bloc_certificates")
        ),
    ]
    pairs = (
        Award.objects.filter(organisation__isnull=False)
        .values_list("form__code", "form__name", "body__code", "body__name")
        .distinct()
        .order_by("body__name", "form__name")
    )
    rows = [
        (f"{form_name} — {body_name}", [count(scope, "awards_to_tccs", form=form, body=body)])
        for form, form_name, body, body_name in pairs
    ]
    section.tables.append(
        Table("Khen thưởng tổ chức cơ sở đảng theo hình thức", ["Hình thức — cơ quan", "Số lượt"], rows)
    )
    return section


def _inspection_sections(scope):
    try:
        from inspections.reports import report_sections
    except ImportError:  # the inspections app adds its sections when installed
        return []
    return report_sections(scope)


def _activity(scope):
    section = Section("hoat_dong", "Công việc đột phá, sinh hoạt chi bộ, văn bản")
    attendance = value("meeting_attendance_pct", scope)
    attendance_target = value("meeting_attendance_target_pct", scope)
    section.rows = [
        Row("Công việc đột phá đã đăng ký", count(scope, "breakthrough_tasks")),
        *[
            Row(label, count(scope, "breakthrough_tasks_with_result", result=result), level=1)
            for result, label in TaskResult.choices
        ],
        Row("Buổi sinh hoạt chi bộ", count(scope, "meetings")),
        *[Row(label, count(scope, "meetings", kind=kind), level=1) for kind, label in MeetingKind.choices],
        Row(
            "Tỷ lệ đảng viên dự sinh hoạt (%)",
            Cell(attendance, unit="%", source="meeting_attendance_pct"),
            Cell(attendance_target, unit="%", source="meeting_attendance_target_pct")
            if attendance_target is not None
            else None,
            _met(attendance, attendance_target),
        ),
        Row("Kết luận của Đảng ủy Khối", count(scope, "conclusions")),
        Row("Nghị quyết của Đảng ủy Khối", count(scope, "resolutions")),
        *[
            Row(label, count(scope, "documents", kind=kind), level=1)
            for kind, label in DocumentKind.choices
            if kind not in (DocumentKind.CONCLUSION, DocumentKind.RESOLUTION)
        ],
    ]
    return section


def count_cells(sections):
    """Every count cell of a report (for tests and the export)."""
    for section in sections:
        for row in section.rows:
            for cell in (row.actual, row.target):
                if cell is not None and cell.key:
                    yield cell
        for table in section.tables:
            for _, cells in table.rows:
                yield from (c for c in cells if c.key)


def scope_title(scope):
    if scope.term:
        return f"Nhiệm kỳ {scope.term.label} (Đại hội {scope.term.congress_ordinal})"
    return f"Năm {scope.starts_on.year}"
