"""The year report's own layout: the year against the year before, against the term's yearly
targets, and a whole-term target against the time elapsed."""

import datetime
import re
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse

from partyblock.core.sections import PHONE_COLUMNS
from partyblock.reports.figures import Scope, compute_all
from tests.reports.helpers import count_links, drilldown_mismatches
from units.models import TermTarget

D = datetime.date
YEAR_URL = reverse("reports:year", args=[2019])


@pytest.fixture
def targets(term):
    TermTarget.objects.create(term=term, key="admissions", description="Kết nạp", value=3, unit="đảng viên")
    TermTarget.objects.create(
        term=term, key="meeting_attendance_pct", description="Dự sinh hoạt", value=90, unit="%"
    )
    return term


def _comparison(html):
    table = re.search(r'<section class="report-section comparison".*?</section>', html, re.S).group(0)
    rows = []
    for row in re.findall(r"<tr><td>(.*?)</tr>", table, re.S):
        cells = [re.sub(r"<[^>]+>", " ", unescape(c)) for c in re.split(r"</td>\s*<td[^>]*>", row)]
        rows.append([re.sub(r"\s+", " ", c).strip() for c in cells])
    return rows


def test_year_report_compares_with_the_year_before_and_the_term(staff, people, targets):
    page = staff.get(YEAR_URL)
    rows = {row[0]: row[1:] for row in _comparison(page.content.decode())}
    assert rows["Đảng viên (đến 31/12/2019)"] == ["5", "6", "-1", "", "", ""]
    # 2 of 3 admissions after 1,631 of the term's 1,844 days
    assert rows["Kết nạp đảng viên mới"] == [
        "1",
        "0",
        "+1",
        "3",
        "2",
        "✘ Chậm tiến độ đạt 66,7% chỉ tiêu sau 88,4% thời gian nhiệm kỳ",
    ]
    assert rows["Từ trần"] == ["1", "0", "+1", "", "", ""]
    assert rows["Chuyển sinh hoạt đi"] == ["1", "0", "+1", "", "", ""]
    assert rows["Tỷ lệ đảng viên dự sinh hoạt chi bộ (%)"] == ["—", "—", "—", "90%", "", ""]
    html = unescape(page.content.decode())
    body = re.sub(r'<p class="footnote".*?</p>', "", html, flags=re.S)  # the rule itself names both
    assert "năm thấp nhất" not in body and "bình quân hằng năm" not in body
    assert "năm thấp nhất" in html
    assert "Kết nạp đảng viên mỗi năm của nhiệm kỳ 2015-2020, đến năm 2019" in html


def test_year_report_counts_of_both_years_link_to_their_records(staff, people, targets):
    page = staff.get(YEAR_URL).content.decode()
    links = count_links(page)
    previous = [href for _, _, _, href in links if "nam=2018" in href]
    so_far = [href for _, _, _, href in links if "tu-ngay=2015-07-15" in href]
    assert len(previous) == 12 and len(so_far) == 1
    assert drilldown_mismatches(staff, links) == []


def test_year_report_xlsx_opens_with_the_comparison(staff, people, targets):
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(staff.get(YEAR_URL, {"xuat": "xlsx"}).content))
    rows = list(book["So sánh"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Nội dung", "Năm 2019", "Năm 2018", "Tăng, giảm")
    assert rows[2][:8] == (
        "Kết nạp đảng viên mới",
        1,
        0,
        1,
        3,
        2,
        "đạt 66,7% chỉ tiêu sau 88,4% thời gian nhiệm kỳ",
        "Chậm tiến độ",
    )


def test_year_report_queries_do_not_grow_with_the_data(staff, people, targets, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from members.services import member_admit
    from tests.members.conftest import make_member

    with CaptureQueriesContext(connection) as small:
        staff.get(YEAR_URL)
    for n in range(10):
        member = make_member(full_name=f"Phan Văn Thêm {n}", birth_date=D(1970 + n, 2, 1))
        member_admit(
            member=member, organisation=tree["cb2" if n % 2 else "cbcs"], ceremony_date=D(2018 + n % 2, 4, 1)
        )
    with CaptureQueriesContext(connection) as large:
        staff.get(YEAR_URL)
    assert len(large) == len(small)


def _tables(html):
    """(class, [header, …], [[data-label of each value cell, …] per row]) of every table on the page."""
    found = []
    for attrs, body in re.findall(r"<table([^>]*)>(.*?)</table>", html, re.S):
        headers = [
            unescape(re.sub(r"<[^>]+>", "", re.sub(r"<sup>.*?</sup>", "", h))).strip()
            for h in re.findall(r"<th[^>]*>(.*?)</th>", body, re.S)
        ]
        rows = (
            [
                [unescape(label) for label in re.findall(r'<td[^>]*data-label="([^"]*)"', row)]
                for row in re.findall(r"<tbody>.*?</tbody>", body, re.S)[0].split("</tr>")[:-1]
            ]
            if "<tbody>" in body
            else []
        )
        found.append((re.search(r'class="([^"]*)"', attrs).group(1), headers, rows))
    return found


@pytest.mark.parametrize("url", [YEAR_URL, reverse("reports:term", args=["2015-2020"])])
def test_wide_tables_show_each_row_as_a_card_on_a_phone(staff, people, targets, url):
    """A table wider than a 390-pixel phone (the year comparison, 7 columns; breakdowns of more than
    PHONE_COLUMNS, e.g. the flows by year, 9) is `stacked`: reports.css shows each row as a card on a
    narrow screen, every value under its column's header (data-label); print keeps the columns."""
    tables = _tables(staff.get(url).content.decode())
    wide = [(cls, headers, rows) for cls, headers, rows in tables if len(headers) > PHONE_COLUMNS]
    assert wide and any("breakdown" in cls for cls, _, _ in wide)
    for cls, headers, rows in wide:
        assert "stacked" in cls.split(), headers
        assert rows and all(labels == headers[1:] for labels in rows), headers
    css = (settings.BASE_DIR / "static" / "partyblock" / "reports.css").read_text(encoding="utf-8")
    stacking = css[css.index("table.stacked thead") - 400 : css.index("table.stacked thead")]
    assert "@media screen and (max-width: 700px)" in stacking  # screens only: print keeps columns


def test_the_year_a_term_ends_in_is_compared_with_that_term_to_its_end(staff, people, targets):
    """Review F15: 2025 straddles the end of the 2020-2025 term and no later term is recorded; its
    report showed empty target, to-date and judgement columns on every row. (Here: 2020 and the
    2015-2020 term, which ends on 31/07/2020.)"""
    html = unescape(staff.get(reverse("reports:year", args=[2020])).content.decode())
    rows = {row[0]: row[1:] for row in _comparison(html)}
    whole_term = compute_all(Scope.for_term(targets), ["admissions"])["admissions"]
    admissions = rows["Kết nạp đảng viên mới"]
    assert admissions[3:5] == ["3", str(whole_term)]
    verdict = "✔ Đạt" if whole_term >= 3 else "✘ Chưa đạt"  # a whole term: no longer "tiến độ"
    assert re.fullmatch(verdict + r" cả nhiệm kỳ đạt [\d,]+% chỉ tiêu", admissions[5])
    assert "và với chỉ tiêu nhiệm kỳ 2015-2020" in html
    assert "Nhiệm kỳ 2015-2020 kết thúc ngày 31/07/2020" in html
    assert rows["Tỷ lệ đảng viên dự sinh hoạt chi bộ (%)"][3] == "90%"
    assert "Kết nạp đảng viên mỗi năm của nhiệm kỳ 2015-2020, đến hết nhiệm kỳ (31/07/2020)" in html
