import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Award, AwardForm, IssuingBody
from members.services import member_admit, member_ratings_save, member_transfer
from tests.members.conftest import make_member
from tests.reports.helpers import count_links, drilldown_mismatches
from units.models import BreakthroughTask, Document, DocumentKind, Meeting, Term, TermTarget
from units.services import organisation_ratings_save

D = datetime.date
TERM_URL = reverse("reports:term", args=["2015-2020"])


@pytest.fixture
def term(db):
    term = Term.objects.create(
        label="2015-2020", congress_ordinal="VIII", starts_on=D(2015, 7, 15), ends_on=D(2020, 7, 31)
    )
    TermTarget.objects.create(term=term, key="admissions", description="Kết nạp", value=4, unit="đảng viên")
    return term


def populate(tree, people=3):
    """`people` members per chi bộ with a little of everything the report counts."""
    forms = {f.code: f for f in AwardForm.objects.all()}
    bodies = {b.code: b for b in IssuingBody.objects.all()}
    for chi_bo in ("cb1", "cb2", "cbcs"):
        members = []
        for n in range(people):
            member = make_member(full_name=f"Nguyễn Văn {chi_bo}{n}")
            member_admit(member=member, organisation=tree[chi_bo], ceremony_date=D(2014 + n % 3, 3, 1))
            members.append(member)
        member_transfer(member=members[0], to=tree["cb2" if chi_bo == "cb1" else "cb1"], on=D(2018, 5, 1))
        for year in (2017, 2018):
            member_ratings_save(
                year=year, choices={m.pk: ("httnv" if i % 2 else "htnv", None) for i, m in enumerate(members)}
            )
        Award.objects.create(
            form=forms["bang-khen"],
            body=bodies["tinh-uy"],
            organisation=tree[chi_bo].parent if chi_bo != "cbcs" else tree["cbcs"],
            decision_number="1",
            decision_date=D(2017, 1, 9),
            year=2016,
        )
        Meeting.objects.create(
            organisation=tree[chi_bo], held_on=D(2016, 5, 5), expected=people, present=people - 1
        )
        BreakthroughTask.objects.create(organisation=tree[chi_bo], year=2016, title="Việc")
    organisation_ratings_save(
        year=2017, choices={tree["dbcs"].pk: ("tsvm", None), tree["cbcs"].pk: ("htnv", None)}
    )
    Document.objects.get_or_create(
        kind=DocumentKind.CONCLUSION, number="1-KL/ĐUK", issued_on=D(2016, 1, 1), title="KL"
    )


def test_term_report_counts_link_to_exactly_the_records_they_count(staff, tree, term):
    populate(tree)
    page = staff.get(TERM_URL)
    assert page.status_code == 200
    links = count_links(page.content.decode())
    assert len(links) > 40
    assert drilldown_mismatches(staff, links) == []


def test_term_report_shows_the_figures_of_the_records(staff, tree, term):
    populate(tree)
    shown = {
        (key, tuple(sorted(params.items()))): value
        for key, params, value, _ in count_links(staff.get(TERM_URL).content.decode())
    }
    assert shown[("members", ())] == 9
    assert shown[("admissions", ())] == 3  # the 01/03/2016 ceremonies; 2014 and 2015 ones precede the term
    assert shown[("admissions_in_year", (("year", "2016"),))] == 3
    assert shown[("member_ratings", (("level", "2"), ("year", "2017")))] == 3
    assert shown[("tccs_ratings", (("level", "1"), ("year", "2017")))] == 1
    assert shown[("tccs_province_certificates", ())] == 3


def test_as_of_date_recomputes_headcounts(staff, tree, term):
    populate(tree)
    page = staff.get(TERM_URL, {"ngay": "01/01/2016"})
    shown = {key: value for key, params, value, _ in count_links(page.content.decode()) if not params}
    assert shown["members"] == 6  # the 2016 ceremonies have not happened yet
    assert page.context["scope"].as_of == D(2016, 1, 1)
    iso = staff.get(TERM_URL, {"ngay": "2016-01-01"})
    assert (iso.context["error"], iso.context["scope"].as_of) == (None, D(2016, 1, 1))
    bad = staff.get(TERM_URL, {"ngay": "2016-13-01"})
    assert (
        bad.context["error"]
        == "Ngày “2016-13-01” không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 31/12/2018."
    )


def test_report_queries_do_not_grow_with_the_data(staff, tree, term):
    populate(tree, people=3)
    with CaptureQueriesContext(connection) as small:
        staff.get(TERM_URL)
    populate(tree, people=30)
    with CaptureQueriesContext(connection) as large:
        staff.get(TERM_URL)
    assert len(large) == len(small)


def test_xlsx_export_holds_the_numbers_of_the_page(staff, tree, term):
    populate(tree)
    page = staff.get(TERM_URL)
    export = staff.get(TERM_URL, {"xuat": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == [
        "Chỉ tiêu Đại hội",
        "1. Tổ chức, đảng viên",
        "2. Văn bản",
        "3. Sinh hoạt chi bộ",
        "4. Công việc đột phá",
        "5. Kiểm tra, giám sát",
        "6. Kết nạp đảng viên",
        "7. Xếp loại chất lượng",
        "8. Khen thưởng",
        "9. Nhiệm kỳ tới",
    ]
    organisation = {
        row[0].strip(): row[1]
        for row in book["1. Tổ chức, đảng viên"].iter_rows(min_row=2, values_only=True)
        if row[0]
    }
    shown = {key: value for key, params, value, _ in count_links(page.content.decode()) if not params}
    assert organisation["Tổ chức cơ sở đảng"] == shown["tccs"]
    assert organisation["Đảng viên (đến 31/07/2020)"] == shown["members"]
    admissions = list(book["6. Kết nạp đảng viên"].iter_rows(min_row=2, values_only=True))
    assert admissions[0][:4] == ("Kết nạp đảng viên mới", shown["admissions"], 4, "Chưa đạt")


def test_year_report_and_organisation_page_render_in_vietnamese(staff, tree, term):
    populate(tree)
    year = staff.get(reverse("reports:year", args=[2017]))
    assert year.status_code == 200
    assert "Năm 2017" in year.content.decode()
    organisation = staff.get(reverse("organisation", args=["SOA"]))
    html = organisation.content.decode()
    assert organisation.status_code == 200
    assert "Chi bộ Văn phòng" in html and "Đảng viên" in html
    assert staff.get(reverse("organisation", args=["KHONG-CO"])).status_code == 404


def test_report_pages_require_login(client, term):
    response = client.get(TERM_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_drilldowns_name_each_chi_bo_with_its_tccs(staff, tree, term):
    populate(tree)
    url = reverse("reports:drilldown", args=["members"])
    rows = staff.get(url, {"nhiem-ky": "2015-2020"}).context["rows"]
    assert {row[3] for _, row in rows} == {
        "Chi bộ Văn phòng — Đảng bộ Sở A",
        "Chi bộ Kế toán — Đảng bộ Sở A",
        "Chi bộ Sở B",
    }
    meetings = staff.get(reverse("reports:drilldown", args=["meetings"]), {"nhiem-ky": "2015-2020"})
    assert sorted(row[0] for _, row in meetings.context["rows"]) == [
        "Chi bộ Kế toán — Đảng bộ Sở A",
        "Chi bộ Sở B",
        "Chi bộ Văn phòng — Đảng bộ Sở A",
    ]
    ratings = staff.get(
        reverse("reports:drilldown", args=["member_ratings"]),
        {"nhiem-ky": "2015-2020", "year": 2017, "level": 2},
    )
    assert {row[4] for _, row in ratings.context["rows"]} == {
        "Chi bộ Văn phòng — Đảng bộ Sở A",
        "Chi bộ Kế toán — Đảng bộ Sở A",
        "Chi bộ Sở B",
    }


def test_breakthrough_tasks_without_a_result_are_labelled_so_on_the_page_and_in_the_xlsx(staff, tree, term):
    populate(tree)
    label = "Chưa báo cáo kết quả"
    page = staff.get(TERM_URL).content.decode()
    assert label in page
    assert "Đã đăng ký" not in page
    export = staff.get(TERM_URL, {"xuat": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content))["4. Công việc đột phá"]
    rows = {row[0].strip(): row[1] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}
    assert rows[label] == BreakthroughTask.objects.filter(result="dang_ky").count()
