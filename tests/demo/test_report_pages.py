"""The term summary page on the demo data says what the Khối's term report says, and every count on
it lists exactly the records it counts."""

import pytest
from django.urls import reverse

from partyblock.core.figures import FIGURES
from tests.demo.reference import INSPECTION_FIGURES
from tests.reports.helpers import count_links, drilldown_total, shown_values

TERM_URL = reverse("reports:term", args=["2015-2020"])
# DOMAIN.md §6, the reference report's figures.
REFERENCE_COUNTS = {
    "tccs": 68,
    "tccs_dang_bo_co_so": 47,
    "tccs_chi_bo_co_so": 21,
    "chi_bo_truc_thuoc": 393,
    "members": 4925,
    "admissions": 977,
    "tccs_flag_awards": 6,
    "tccs_province_certificates": 46,
    "tccs_bloc_certificates": 100,
    **INSPECTION_FIGURES,
    "breakthrough_tasks": 327,
    "conclusions": 4,
    "resolutions": 2,
}


@pytest.fixture
def leader(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("lanhdao", password="x"))
    return client


@pytest.fixture
def term_page(leader):
    response = leader.get(TERM_URL)
    assert response.status_code == 200
    return response.content.decode()


def test_term_page_shows_the_reference_reports_figures(db, term_page):
    counts = {key: value for key, params, value, _ in count_links(term_page) if not params}
    assert {key: counts[key] for key in REFERENCE_COUNTS} == REFERENCE_COUNTS
    values = shown_values(term_page)
    assert values["admissions_target"] == "750"
    assert values["admissions_over_target_pct"] == "30.3"
    assert values["tccs_good_or_better_avg_pct"] == "98.7"
    assert values["tccs_good_or_better_target_pct"] == "80"
    assert values["member_good_or_better_target_pct"] == "95"
    assert [round(float(values[f"member_good_or_better_pct_by_year:{y}"])) for y in range(2015, 2020)] == [
        95
    ] * 5
    assert float(values["meeting_attendance_pct"]) >= 90


COUNTABLE = [key for key, figure in FIGURES.items() if figure.countable]


@pytest.mark.parametrize("key", COUNTABLE)
def test_each_count_equals_the_length_of_its_drilldown(db, leader, term_page, key):
    cells = [(params, shown, href) for found, params, shown, href in count_links(term_page) if found == key]
    assert cells, f"{key} is not shown on the term page"
    mismatches = []
    for params, shown, href in cells:
        total, listed = drilldown_total(leader, href)
        if not shown == total == listed:
            mismatches.append((params, shown, total, listed))
    assert mismatches == []


def test_drilldown_headings_name_their_parameters_in_vietnamese(db, leader, term_page):
    """A count reached through parameters (kind, status, form, subject, overdue …) is headed by
    their labels ("loại Tố cáo, quá hạn"), never by field names or stored codes."""
    import re
    from html import unescape

    headings = set()
    for _, params, _, href in count_links(term_page):
        if params:
            page = leader.get(unescape(href)).content.decode()
            headings.add(unescape(re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)))
    assert headings
    raw = re.compile(r"\b(subject|status|overdue|member|organisation|kind|form|body)\b|[a-z]+_[a-z_]+")
    assert [heading for heading in headings if raw.search(heading)] == []
    assert any("quá hạn" in heading for heading in headings)
    assert any("đối tượng đảng viên" in heading for heading in headings)


def test_term_page_judges_every_congress_target(db, term_page):
    from tests.reports.test_targets import _target_rows

    assert _target_rows(term_page) == [
        ["Kết nạp đảng viên mới trong nhiệm kỳ", "tổng số trong kỳ", "750 đảng viên", "977", "✔ Đạt"],
        ["Đảng viên hoàn thành tốt nhiệm vụ trở lên hằng năm", "năm thấp nhất", "95%", "94,9%", "✔ Đạt"],
        [
            "TCCS đảng đạt trong sạch, vững mạnh, hoàn thành tốt nhiệm vụ trở lên hằng năm",
            "bình quân các năm",
            "80%",
            "98,7%",
            "✔ Đạt",
        ],
    ]


def test_term_page_names_the_next_congress_and_its_targets(db, term_page):
    import re
    from html import unescape

    html = unescape(term_page)
    section = re.search(r'<section class="report-section" id="nhiem_ky_toi">.*?</section>', html, re.S).group(
        0
    )
    assert "Phương hướng nhiệm kỳ 2020-2025 (Đại hội IX)" in section
    rows = re.findall(r"<tr><td>([^<]*)</td><td class=\"num\"[^>]*>.*?data-value=\"([^\"]*)\"", section, re.S)
    assert rows == [
        ("Tỷ lệ cấp ủy viên, đảng viên dự sinh hoạt chi bộ", "92"),
        ("Công việc đột phá cấp ủy, chi bộ đăng ký trong nhiệm kỳ", "340"),
        ("Kết nạp đảng viên mới trong nhiệm kỳ", "1000"),
        ("Đảng viên hoàn thành tốt nhiệm vụ trở lên hằng năm", "95"),
        ("TCCS đảng hoàn thành tốt nhiệm vụ trở lên hằng năm", "90"),
    ]


def test_next_term_report_lists_every_target_of_congress_ix(db, leader):
    from tests.reports.test_targets import _target_rows

    page = leader.get(reverse("reports:term", args=["2020-2025"]))
    assert page.status_code == 200
    assert [row[0] for row in _target_rows(page.content.decode())] == [
        "Tỷ lệ cấp ủy viên, đảng viên dự sinh hoạt chi bộ",
        "Công việc đột phá cấp ủy, chi bộ đăng ký trong nhiệm kỳ",
        "Kết nạp đảng viên mới trong nhiệm kỳ",
        "Đảng viên hoàn thành tốt nhiệm vụ trở lên hằng năm",
        "TCCS đảng hoàn thành tốt nhiệm vụ trở lên hằng năm",
    ]


def test_composition_xlsx_lines_per_tccs_add_up_to_the_pages_figures(db, leader):
    """The analysis form's lines, one per TCCS, add up column by column to the Khối's line, which
    holds the composition page's figures."""
    import io

    import openpyxl

    from partyblock.reports.composition_report import analysis_columns
    from partyblock.reports.figures import Scope
    from units.models import Term

    url = reverse("reports:composition")
    params = {"ngay": "31/07/2020", "tu-ngay": "15/07/2015"}
    book = openpyxl.load_workbook(io.BytesIO(leader.get(url, {**params, "xuat": "xlsx"}).content))
    scope = Scope.for_term(Term.objects.get(label="2015-2020"))
    for sheet, prefix, tccs_lines in (
        ("Phân tích đảng viên", "members", 68),
        ("Kết nạp đảng viên", "admissions", None),
    ):
        rows = [row for row in book[sheet].iter_rows(min_row=10, values_only=True) if row[0]]
        lines, total = rows[:-1], rows[-1]
        if tccs_lines:
            assert len(lines) == tccs_lines
        sums = [sum(line[column] for line in lines) for column in range(1, len(total))]
        assert sums == list(total[1:])
        assert list(total[1:]) == [n for _, cells in analysis_columns(scope, prefix) for _, n in cells]
    assert rows[-1][1] == 977
