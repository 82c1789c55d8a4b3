"""The term summary and the year report as data: sections of rows and tables whose cells come from
`partyblock.reports.figures` (a count cell carries its figure key and parameters, so the page links it to the
drill-down of exactly the records it counts). The HTML page, the print view and the xlsx export all
render these same sections.
"""

import datetime
from dataclasses import dataclass

from members.models import Award
from partyblock.core import charts, rating_schemes
from partyblock.core.sections import SECTION_SOURCES, Cell, Row, Section, Table, count, count_of, plain
from partyblock.core.text import day_text, number_text, percent, rounded
from partyblock.reports import targets
from partyblock.reports.composition import ADMISSION_BREAKDOWNS, MEMBER_BREAKDOWNS
from partyblock.reports.figures import (
    FIGURES,
    FLOWS,
    Scope,
    members_over_time,
    plain_number,
    term_targets,
    top_admitters,
    value,
)
from partyblock.reports.pipeline import pipeline_day
from units.models import DocumentKind, MeetingKind, TaskResult, Term


def judged_row(scope, label, actual, target_key, level=0):
    """A row compared with the congress target `target_key` by the one rule of `partyblock.reports.targets`."""
    measure = targets.measure_of(target_key)
    target = next((t for t in term_targets(scope) if t.key == target_key), None)
    if target is None or measure is None:
        return Row(label, actual, level=level)
    unit = "%" if target.unit.strip() == "%" else ""
    return Row(
        label,
        actual,
        Cell(plain_number(target.value), unit=unit, source=targets.target_source(target.key)),
        targets.judge(actual.value, target.value, measure.at_most),
        level,
    )


def build_report(scope):
    """All sections, in the order of the Khối's term report: structure, political tasks and
    documents, meetings, study and breakthrough tasks, inspection and supervision, education and
    admissions, ratings, awards, the next term."""
    sections = [
        _organisation(scope),
        _documents(scope),
        _meetings(scope),
        _study(scope),
        *_contributed_sections(scope),
        _admissions(scope),
        _ratings(scope),
        _awards(scope),
    ]
    if scope.term is not None:
        sections.append(_next_term(scope))
    return sections


def _organisation(scope):
    section = Section("to_chuc", "Tổ chức đảng và đảng viên", short="Tổ chức, đảng viên")
    section.rows = [
        Row("Tổ chức cơ sở đảng", count(scope, "tccs")),
        Row("Đảng bộ cơ sở", count(scope, "tccs_dang_bo_co_so"), level=1),
        Row("Chi bộ cơ sở", count(scope, "tccs_chi_bo_co_so"), level=1),
        Row("Chi bộ trực thuộc đảng bộ cơ sở", count(scope, "chi_bo_truc_thuoc")),
        Row(f"Đảng viên (đến {day_text(scope.as_of)})", count(scope, "members")),
        Row("Đảng viên chính thức", count(scope, "members_official"), level=1),
        Row("Đảng viên dự bị", count(scope, "members_probationary"), level=1),
        Row(f"Đảng viên đầu kỳ ({day_text(scope.starts_on)})", count(scope, "members_at_start")),
        Row(FIGURES["members_growth"].label, plain(scope, "members_growth")),
    ]
    section.tables = [breakdown_table(scope, key) for key in MEMBER_BREAKDOWNS]
    section.charts.append(
        charts.line_chart(
            "Số đảng viên theo thời gian (đầu kỳ, cuối mỗi năm, ngày tính)", _members_over_time(scope)
        )
    )
    return section


def breakdown_table(scope, key, counted="Số đảng viên"):
    """One breakdown figure as a table: each group's count (linked to its records) and share."""
    counts = value(key, scope)
    total = sum(counts.values())
    shown = FIGURES[key].group_label
    rows = [
        (shown(group), [count(scope, key, group=group), Cell(percent(n, total), unit="%")])
        for group, n in counts.items()
    ]
    return Table(FIGURES[key].label, ["Nhóm", counted, "Tỷ lệ (%)"], rows)


def _members_over_time(scope):
    return [(day_text(day), count) for day, count in members_over_time(scope)]


def _years(scope):
    return list(range(scope.starts_on.year, scope.activity_end.year + 1))


def _documents(scope):
    section = Section(
        "van_ban", "Lãnh đạo thực hiện nhiệm vụ chính trị; văn bản của Đảng ủy Khối", short="Văn bản"
    )
    section.rows = [
        Row("Kết luận của Đảng ủy Khối", count(scope, "conclusions")),
        Row("Nghị quyết của Đảng ủy Khối", count(scope, "resolutions")),
        *[
            Row(label, count(scope, "documents", kind=kind))
            for kind, label in DocumentKind.choices
            if kind not in (DocumentKind.CONCLUSION, DocumentKind.RESOLUTION)
        ],
    ]
    return section


def _meetings(scope):
    section = Section("sinh_hoat", "Sinh hoạt cấp ủy, chi bộ", short="Sinh hoạt chi bộ")
    section.rows = [
        Row("Buổi sinh hoạt chi bộ", count(scope, "meetings")),
        *[Row(label, count(scope, "meetings", kind=kind), level=1) for kind, label in MeetingKind.choices],
        judged_row(
            scope,
            "Tỷ lệ cấp ủy viên, đảng viên dự sinh hoạt (%)",
            plain(scope, "meeting_attendance_pct", "%"),
            "meeting_attendance_pct",
        ),
    ]
    return section


def _study(scope):
    section = Section(
        "hoc_tap",
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh; công việc đột phá",
        short="Công việc đột phá",
    )
    section.rows = [
        judged_row(
            scope, "Công việc đột phá đã đăng ký", count(scope, "breakthrough_tasks"), "breakthrough_tasks"
        ),
        *[
            Row(label, count(scope, "breakthrough_tasks_with_result", result=result), level=1)
            for result, label in TaskResult.choices
        ],
    ]
    return section


def _admissions(scope):
    section = Section("ket_nap", "Giáo dục chính trị, phát triển đảng viên", short="Kết nạp đảng viên")
    years = _years(scope)
    per_year = [count(scope, "admissions_in_year", year=y) for y in years]
    target = value("admissions_target", scope)
    section.rows = [judged_row(scope, "Kết nạp đảng viên mới", count(scope, "admissions"), "admissions")]
    section.rows.append(
        Row("Trong đó: ngoài khu vực nhà nước", count(scope, "admissions_outside_state_sector"), level=1)
    )
    section.rows.append(
        Row("TCCS không kết nạp được đảng viên trong kỳ", count(scope, "tccs_without_admission"), level=1)
    )
    if target:
        section.rows.append(Row("Vượt chỉ tiêu (%)", plain(scope, "admissions_over_target_pct", "%")))
    section.tables = [breakdown_table(scope, key, "Số kết nạp") for key in ADMISSION_BREAKDOWNS]
    pipeline_rows, by_step = _pipeline_rows(scope)
    section.rows += pipeline_rows
    section.tables.append(by_step)
    flows = list(FLOWS)
    flow_rows = [
        (str(y), [admitted, *[count(scope, key, year=y) for key in flows]])
        for y, admitted in zip(years, per_year, strict=True)
    ]
    if len(years) > 1:
        flow_rows.append(("Cả kỳ", [count(scope, "admissions"), *[count(scope, key) for key in flows]]))
    section.tables.insert(
        0, Table("Biến động đảng viên theo năm", ["Năm", "Kết nạp", *FLOWS.values()], flow_rows)
    )
    top = [(o.name, [count(scope, "admissions_of_tccs", tccs=o.code)]) for o, _ in top_admitters(scope)]
    section.tables.insert(
        1, Table("Tổ chức cơ sở đảng kết nạp nhiều nhất", ["Tổ chức cơ sở đảng", "Số kết nạp"], top)
    )
    if len(years) > 1:
        pace = target / len(years) if target else None
        section.charts.append(
            charts.bars_against_pace(
                "Số đảng viên kết nạp mỗi năm",
                [(str(y), c.value) for y, c in zip(years, per_year, strict=True)],
                pace,
                "Bình quân cần đạt mỗi năm",
            )
        )
    return section


def _pipeline_rows(scope):
    """The admission pipeline on the as-of day (`partyblock.pipeline`; the board shows each step,
    the time spent there and the pace): rows and the table by step of the admissions section."""
    day = day_text(pipeline_day(scope))
    rows = [
        Row(f"{FIGURES['candidates'].label} (đến {day})", count(scope, "candidates")),
        Row(FIGURES["candidates_stuck"].label, count(scope, "candidates_stuck"), level=1),
        Row(FIGURES["candidates_likely"].label, count(scope, "candidates_likely"), level=1),
        Row(FIGURES["admissions_projected"].label, plain(scope, "admissions_projected")),
    ]
    if value("admissions_target_to_date", scope) is not None:
        rows.append(
            Row(FIGURES["admissions_target_to_date"].label, plain(scope, "admissions_target_to_date"))
        )
    return rows, breakdown_table(scope, "candidates_by_step", "Số quần chúng")


def _ratings(scope):
    section = Section("xep_loai", "Đánh giá, xếp loại chất lượng", short="Xếp loại chất lượng")
    member_shares = value("member_good_or_better_pct_by_year", scope)
    tccs_shares = value("tccs_good_or_better_pct_by_year", scope)
    level_headers = [rating_schemes.LEVEL_SHORT[lv] for lv in RATING_LEVELS]
    member_rows, tccs_rows, member_columns, tccs_columns = [], [], [], []
    for year in scope.rated_years:
        share = Cell(
            member_shares.get(str(year)), unit="%", source=f"member_good_or_better_pct_by_year:{year}"
        )
        row, column = _rated_year(scope, year, "member_ratings", "member_ratings_good_or_better", share)
        member_rows.append(row)
        member_columns.append(column)
        share = Cell(tccs_shares.get(str(year)), unit="%")
        row, column = _rated_year(scope, year, "tccs_ratings", "tccs_ratings_good_or_better", share)
        tccs_rows.append(row)
        tccs_columns.append(column)
    headers = ["Năm", "Được xếp loại", *level_headers, "Tốt trở lên", "Tốt trở lên (%)"]
    section.tables = [
        Table("Đảng viên theo mức xếp loại", headers, member_rows),
        Table("Tổ chức cơ sở đảng theo mức xếp loại", headers, tccs_rows),
    ]
    several = len(scope.rated_years) > 1
    section.rows = [
        judged_row(
            scope,
            FIGURES["member_good_or_better_min_pct"].label
            if several
            else "Đảng viên hoàn thành tốt nhiệm vụ trở lên (%)",
            plain(scope, "member_good_or_better_min_pct", "%"),
            "member_good_or_better_pct",
        ),
        judged_row(
            scope,
            "TCCS trong sạch, vững mạnh / hoàn thành tốt nhiệm vụ trở lên, bình quân hằng năm (%)"
            if several
            else "TCCS hoàn thành tốt nhiệm vụ trở lên (%)",
            plain(scope, "tccs_good_or_better_avg_pct", "%"),
            "tccs_good_or_better_pct",
        ),
        Row(FIGURES["tccs_rated_below_good"].label, count(scope, "tccs_rated_below_good")),
    ]
    if several:  # one bar per year: a single year reads better from its table
        section.charts = [
            charts.stacked_shares(
                "Đảng viên theo mức xếp loại, từng năm (%)", member_columns, _short_legend()
            ),
            charts.stacked_shares(
                "Tổ chức cơ sở đảng theo mức xếp loại, từng năm (%)", tccs_columns, _short_legend()
            ),
        ]
    return section


RATING_LEVELS = [1, 2, 3, 4]


def _rated_year(scope, year, rated, good_or_better, share):
    """One year of a ratings table (figures `rated` and `good_or_better`, of members or of TCCS):
    its row (how many were rated, by level, good or better, `share`) and its chart column (the
    counts by level)."""
    counts = [count(scope, rated, year=year, level=lv) for lv in RATING_LEVELS]
    cells = [count(scope, rated, year=year), *counts, count(scope, good_or_better, year=year), share]
    return (str(year), cells), (str(year), [c.value for c in counts])


def _short_legend():
    return ["Mức 1: xuất sắc", "Mức 2: tốt", "Mức 3: hoàn thành", "Mức 4: không hoàn thành"]


def _awards(scope):
    section = Section("khen_thuong", "Khen thưởng", short="Khen thưởng")
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


def _contributed_sections(scope):
    """The sections other apps add (`partyblock.core.sections.register_sections`: inspection and
    supervision), in the order they were registered."""
    return [section for source in SECTION_SOURCES for section in source(scope)]


def next_term(term):
    """The term that follows `term` (the next congress), or None."""
    return Term.objects.filter(starts_on__gte=term.ends_on).order_by("starts_on").first()


def _next_term(scope):
    following = next_term(scope.term)
    if following is None:
        return Section(
            "nhiem_ky_toi",
            "Phương hướng nhiệm kỳ tới",
            short="Nhiệm kỳ tới",
            note="Chưa có nhiệm kỳ sau trong hồ sơ.",
        )
    section = Section(
        "nhiem_ky_toi",
        f"Phương hướng nhiệm kỳ {following.label} (Đại hội {following.congress_ordinal})",
        link=("reports:term", following.label),
        short="Nhiệm kỳ tới",
    )
    section.tables.append(
        Table(
            "Chỉ tiêu Đại hội",
            ["Chỉ tiêu", "Giá trị", "Đơn vị"],
            [
                (t.description, [Cell(plain_number(t.value)), Cell(t.unit)])
                for t in targets.in_report_order(following.targets.all())
            ],
        )
    )
    return section


def count_cells(sections, comparison=()):
    """Every count cell of a report (for tests and the export)."""
    for row in comparison:
        yield from (c for c in (row.this, row.previous, row.to_date) if c is not None and c.key)
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


# --- the year report ------------------------------------------------------------------------------
def term_of_year(year):
    """The term a year is judged against: the one whose span holds 31 December of `year` (the
    year's ratings belong to it); failing that, the term that ended during the year (2025 and the
    2020-2025 term ended on 31/07/2025, before the next term is recorded), read to its end."""
    end = datetime.date(year, 12, 31)
    terms = Term.objects.filter(starts_on__lte=end, ends_on__gte=datetime.date(year, 1, 1)).order_by(
        "-ends_on"
    )
    return next((t for t in terms if t.ends_on >= end), None) or next(iter(terms), None)


@dataclass
class Compared:
    """A line of the year report: the year, the year before, the change, and against the term."""

    label: str
    this: Cell
    previous: Cell
    unit: str = ""
    target: Cell | None = None
    met: bool | None = None
    to_date: Cell | None = None  # the term so far (to the end of this year)
    pace: str = ""  # "đạt x% chỉ tiêu sau y% thời gian nhiệm kỳ"
    term_ended: bool = False  # the term ended in or before this year: judged as a whole term

    @property
    def verdict(self):
        if self.met is None:
            return ""
        if self.to_date is not None and not self.term_ended:
            return "Đúng tiến độ" if self.met else "Chậm tiến độ"
        return "Đạt" if self.met else "Chưa đạt"

    @property
    def change(self):
        if self.this.value is None or self.previous.value is None:
            return None
        return rounded(self.this.value - self.previous.value)


def _term_so_far(scope, term):
    """The term from its start to the end of the year's scope (or the term's end): one scope kept on
    the year's, so the comparison and the chart count its admissions in one pass."""
    key = ("term_so_far", term.pk)
    if key not in scope.cache:
        end = min(scope.ends_on, term.ends_on)
        scope.cache[key] = Scope(term.starts_on, end, end, scope.organisation)
    return scope.cache[key]


def _term_scope(scope, term):
    """The whole term of a year's report (for its targets), kept on the year's scope."""
    key = ("term_scope", term.pk)
    if key not in scope.cache:
        scope.cache[key] = Scope.for_term(term, organisation=scope.organisation)
    return scope.cache[key]


# The year report's lines, in order: (label, figure, target key judged against or None). A count
# (admissions) is judged on the term so far against the time elapsed, a share (%) on the year.
YEAR_LINES = [
    ("Đảng viên (đến {as_of})", "members", None),
    ("Kết nạp đảng viên mới", "admissions", "admissions"),
    *[(label, key, None) for key, label in FLOWS.items()],
    (
        "Đảng viên hoàn thành tốt nhiệm vụ trở lên (%)",
        "member_good_or_better_min_pct",
        "member_good_or_better_pct",
    ),
    ("TCCS hoàn thành tốt nhiệm vụ trở lên (%)", "tccs_good_or_better_avg_pct", "tccs_good_or_better_pct"),
    ("Tỷ lệ đảng viên dự sinh hoạt chi bộ (%)", "meeting_attendance_pct", "meeting_attendance_pct"),
    ("Công việc đột phá đăng ký", "breakthrough_tasks", None),
    ("Lượt TCCS được Tỉnh ủy tặng bằng khen", "tccs_province_certificates", None),
    ("Lượt TCCS được Ban Thường vụ Đảng ủy Khối tặng giấy khen", "tccs_bloc_certificates", None),
]


def year_comparison(scope):
    """The year against the year before and against its term's targets and pace (`YEAR_LINES`)."""
    year = scope.starts_on.year
    previous = Scope.for_year(year - 1, organisation=scope.organisation)
    term = term_of_year(year)
    term_scope = _term_scope(scope, term) if term else None
    so_far = _term_so_far(scope, term) if term else None
    rows = []
    for label, key, target_key in YEAR_LINES:
        label = label.format(as_of=day_text(scope.as_of))
        if FIGURES[key].countable:
            row = Compared(label, count(scope, key), count_of(previous, key))
        else:
            row = Compared(label, plain(scope, key, "%"), Cell(value(key, previous), unit="%"), "%")
        if target_key is not None:
            row = _with_target(row, term_scope, target_key, so_far if FIGURES[key].countable else None)
        rows.append(row)
    return rows, term


def _with_target(row, term_scope, target_key, so_far=None):
    """The term's target for `target_key` on the row: a yearly target judged on the year; a target
    for the whole term (a total) read against the term so far and the time elapsed."""
    if term_scope is None:
        return row
    target = next((t for t in term_targets(term_scope) if t.key == target_key), None)
    if target is None:
        return row
    row.target = Cell(plain_number(target.value), unit=row.unit)
    measure = targets.measure_of(target_key)
    if so_far is None:
        row.met = targets.judge(row.this.value, target.value, measure.at_most) if measure else None
        return row
    row.to_date = count_of(so_far, target_key)
    term = term_scope.term
    elapsed = percent((so_far.ends_on - term.starts_on).days + 1, (term.ends_on - term.starts_on).days + 1)
    reached = percent(row.to_date.value, target.value)
    row.term_ended = so_far.ends_on >= term.ends_on
    if row.term_ended:
        row.pace = f"cả nhiệm kỳ đạt {number_text(reached, 1)}% chỉ tiêu"
    else:
        row.pace = (
            f"đạt {number_text(reached, 1)}% chỉ tiêu sau {number_text(elapsed, 1)}% thời gian nhiệm kỳ"
        )
    row.met = reached is not None and elapsed is not None and reached >= elapsed
    return row


def year_admissions_chart(scope, term):
    """Admissions in each year of the term up to this one, against the yearly pace its target needs."""
    so_far = _term_so_far(scope, term)
    years = list(range(term.starts_on.year, so_far.ends_on.year + 1))
    target = next(
        (t for t in term_targets(_term_scope(scope, term)) if t.key == "admissions"),
        None,
    )
    term_years = len(range(term.starts_on.year, term.ends_on.year + 1))
    pace = float(target.value) / term_years if target else None
    bars = [(str(y), value("admissions_in_year", so_far, year=y)) for y in years]
    return charts.bars_against_pace(
        f"Kết nạp đảng viên mỗi năm của nhiệm kỳ {term.label}, "
        + (
            f"đến hết nhiệm kỳ ({day_text(term.ends_on)})"
            if so_far.ends_on >= term.ends_on
            else f"đến năm {years[-1]}"
        ),
        bars,
        pace,
        "Bình quân cần đạt mỗi năm",
    )
