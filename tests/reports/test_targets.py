"""Congress targets on the term report: every stored target is a row, judged by the one rule that
the page states once."""

import datetime
import re
from html import unescape

import pytest
from django.urls import reverse

from members.services import member_admit
from partyblock.reports.targets import JUDGEMENT_RULE, judge
from tests.members.conftest import make_member
from units.models import BreakthroughTask, Term, TermTarget
from units.services import superior_change

D = datetime.date
TERM_URL = reverse("reports:term", args=["2015-2020"])


@pytest.mark.parametrize(
    ("actual", "target", "at_most", "met"),
    [
        (94.9, 95, False, True),  # rounds to 95: the reference report's "95% hằng năm"
        (94.5, 95, False, True),
        (94.4, 95, False, False),
        (95.0, 95, False, True),
        (12.44, 12.5, False, False),  # a target written with one decimal is compared at one decimal
        (12.45, 12.5, False, True),
        (977, 750, False, True),
        (749, 750, False, False),
        (1.4, 1, True, True),  # a ceiling: 1.4 rounds to 1
        (1.5, 1, True, False),
        (None, 95, False, None),
    ],
)
def test_judge_rounds_to_the_targets_precision(actual, target, at_most, met):
    from decimal import Decimal

    assert judge(actual, Decimal(str(target)), at_most) is met


@pytest.fixture
def term(tree):
    term = Term.objects.create(
        label="2015-2020", congress_ordinal="VIII", starts_on=D(2015, 7, 15), ends_on=D(2020, 7, 31)
    )
    for key, description, value, unit in [
        ("admissions", "Kết nạp đảng viên mới", 3, "đảng viên"),
        ("breakthrough_tasks", "Công việc đột phá đăng ký", 2, "việc"),
        ("meeting_attendance_pct", "Tỷ lệ dự sinh hoạt", 90, "%"),
        ("young_members_pct", "Tỷ lệ đảng viên trẻ", 30, "%"),
        ("member_good_or_better_pct", "Đảng viên HTTNV trở lên", 95, "%"),
        ("tccs_good_or_better_pct", "TCCS HTTNV trở lên", 80, "%"),
    ]:
        TermTarget.objects.create(term=term, key=key, description=description, value=value, unit=unit)
    for n in range(2):
        member_admit(
            member=make_member(full_name=f"Trần Thị Mới {n}"),
            organisation=tree["cb1"],
            ceremony_date=D(2017, 3, 1),
        )
    BreakthroughTask.objects.create(organisation=tree["dbcs"], year=2016, title="Việc 1")
    BreakthroughTask.objects.create(organisation=tree["cbcs"], year=2018, title="Việc 2")
    return term


def _target_rows(html):
    table = re.search(r'<section class="report-section targets".*?</section>', html, re.S).group(0)
    rows = []
    for row in re.findall(r"<tr><td>(.*?)</tr>", table, re.S):
        cells = [re.sub(r"<[^>]+>", "", unescape(c)).strip() for c in re.split(r"</td>\s*<td[^>]*>", row)]
        rows.append([re.sub(r"\s+", " ", c.replace("</td>", "")).strip() for c in cells])
    return rows


def test_every_stored_target_is_a_row_with_its_judgement(staff, term):
    html = staff.get(TERM_URL).content.decode()
    assert _target_rows(html) == [
        ["Tỷ lệ dự sinh hoạt", "cả kỳ", "90%", "—", "Chưa có số liệu để đánh giá"],
        ["Công việc đột phá đăng ký", "tổng số trong kỳ", "2 việc", "2", "✔ Đạt"],
        ["Kết nạp đảng viên mới", "tổng số trong kỳ", "3 đảng viên", "2", "✘ Chưa đạt"],
        ["Đảng viên HTTNV trở lên", "năm thấp nhất", "95%", "—", "Chưa có số liệu để đánh giá"],
        ["TCCS HTTNV trở lên", "bình quân các năm", "80%", "—", "Chưa có số liệu để đánh giá"],
        ["Tỷ lệ đảng viên trẻ", "—", "30%", "—", "Chưa có số liệu để đánh giá"],
    ]


def test_the_judgement_rule_is_stated_once(staff, term):
    html = unescape(staff.get(TERM_URL).content.decode())
    assert html.count(JUDGEMENT_RULE) == 1
    assert "94,9% làm tròn thành 95% nên đạt chỉ tiêu 95%" in html


def test_targets_are_the_khois_and_not_an_organisations(staff, term, tree):
    html = staff.get(TERM_URL, {"to-chuc": "SOA"}).content.decode()
    assert 'class="report-section targets"' not in html


def test_sections_follow_the_reference_reports_order(staff, term):
    html = unescape(staff.get(TERM_URL).content.decode())
    assert re.findall(r"<h2>(\d+)\. ([^<]+)</h2>", html) == [
        ("1", "Tổ chức đảng và đảng viên"),
        ("2", "Lãnh đạo thực hiện nhiệm vụ chính trị; văn bản của Đảng ủy Khối"),
        ("3", "Sinh hoạt cấp ủy, chi bộ"),
        ("4", "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh; công việc đột phá"),
        ("5", "Kiểm tra, giám sát, thi hành kỷ luật đảng"),
        ("6", "Giáo dục chính trị, phát triển đảng viên"),
        ("7", "Đánh giá, xếp loại chất lượng"),
        ("8", "Khen thưởng"),
        ("9", "Phương hướng nhiệm kỳ tới"),
    ]


def test_next_term_section_lists_the_next_congress_targets(staff, term):
    following = Term.objects.create(
        label="2020-2025", congress_ordinal="IX", starts_on=D(2020, 8, 1), ends_on=D(2025, 7, 31)
    )
    TermTarget.objects.create(
        term=following, key="admissions", description="Kết nạp", value=1000, unit="đảng viên"
    )
    html = unescape(staff.get(TERM_URL).content.decode())
    section = re.search(r'<section class="report-section" id="nhiem_ky_toi">.*?</section>', html, re.S).group(
        0
    )
    assert "9. Phương hướng nhiệm kỳ 2020-2025 (Đại hội IX)" in section
    assert "Kết nạp" in section and "1.000" in section
    assert reverse("reports:term", args=["2020-2025"]) in section


def test_printed_report_carries_the_party_document_form(staff, term, tree):
    """Printed today, after the provinces merged (01/07/2025): the Khối's superior is the one its
    records give for today (`tests/reports/test_document_form.py` covers the days around it)."""
    superior_change(organisation=tree["bloc"], name="Tỉnh ủy Hải Dương", place="Hải Dương")
    superior_change(organisation=tree["bloc"], name="Thành ủy Hải Phòng", place="Hải Phòng", on=D(2025, 7, 1))
    html = unescape(staff.get(TERM_URL).content.decode())
    head = re.search(
        r'<div class="doc-head print-only">.*?<div class="doc-title print-only">.*?</div>\s*</div>',
        html,
        re.S,
    ).group(0)
    text = [t.strip() for t in re.sub(r"<[^>]+>", "\n", head).split("\n") if t.strip()]
    assert text[:5] == [
        "THÀNH ỦY HẢI PHÒNG",
        "ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH",
        "*",
        "Số      -BC/ĐU",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
    ]
    assert re.fullmatch(r"Hải Phòng, ngày \d\d tháng \d{1,2} năm \d{4}", text[5])
    assert text[6:8] == [
        "BÁO CÁO",
        "tổng kết thực hiện Nghị quyết Đại hội Đảng bộ Khối lần thứ VIII, nhiệm kỳ 2015 - 2020",
    ]
    end = re.search(r'<div class="doc-end print-only">.*', html, re.S).group(0)
    assert "Nơi nhận:" in end and "T/M BAN THƯỜNG VỤ" in end and "BÍ THƯ" in end


def test_a_tccs_report_is_issued_by_its_committee(staff, term):
    html = unescape(staff.get(TERM_URL, {"to-chuc": "SOA"}).content.decode())
    assert '<div class="superior">ĐẢNG ỦY KHỐI CÁC CƠ QUAN TỈNH</div>' in html
    assert '<div class="issuer">ĐẢNG ỦY SỞ A</div>' in html
    assert "T/M ĐẢNG ỦY" in html
