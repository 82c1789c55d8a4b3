"""A leader reads the term summary, follows a figure to the records behind it, and exports them."""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from members.models import Member
from tests.browser.helpers import LEADER, assert_vietnamese, login, persona, shot

pytestmark = pytest.mark.browser

TERM = "/bao-cao/nhiem-ky/2015-2020/"


def test_leader_follows_977_admissions_to_their_records_and_exports_them(page, tmp_path):
    login(page, persona(LEADER))
    page.goto(TERM)
    expect(page.locator("h1")).to_contain_text("Báo cáo tổng hợp — Nhiệm kỳ 2015-2020")
    assert_vietnamese(page)
    shot(page, "leader-1-term-summary")

    # 977 stands in the targets table and in the admissions section (and as the total of the
    # admissions' composition): every link of the admissions figure leads to the same records.
    links = page.locator('a[data-figure="admissions"]').filter(has_text="977")
    expect(links.first).to_be_visible()
    assert {link.inner_text() for link in links.all()} == {"977"}
    assert len({link.get_attribute("href") for link in links.all()}) == 1
    links.first.click()

    page.wait_for_url(re.compile(r"/bao-cao/chi-tiet/admissions/"))
    expect(page.locator("strong.total")).to_have_attribute("data-value", "977")
    expect(page.locator("table.records tbody tr")).to_have_count(50)  # the first page of 20
    expect(page.locator("nav.pages")).to_contain_text("Trang 1 / 20")
    assert_vietnamese(page)
    shot(page, "leader-2-admissions-drilldown")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải về Excel (.xlsx)").click()
    download = download_info.value
    assert (
        download.suggested_filename == "chi-tiet-ket-nap-dang-vien-moi-31-07-2020.xlsx"
    )  # the term's last day
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    rows = list(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    header, records = rows[0], [row for row in rows[1:] if any(cell is not None for cell in row)]
    assert header == ("Họ và tên", "Sự kiện", "Ngày", "Chi bộ", "Số quyết định")
    assert len(records) == 977
    assert {kind for _, kind, *_ in records} == {"Kết nạp"}
    assert {day.year for _, _, day, *_ in records} <= set(range(2015, 2021))


EDIT_CONTROLS = ", ".join(
    [
        "a.addlink",
        "a.changelink",
        "a.deletelink",
        "input[name=_save]",
        "input[name=_continue]",
        "input[name=_addanother]",
        "a[href$='/add/']",
        "a[href*='/nhap-xep-loai/']",
        "a[href*='/importbatch/nhap/']",
        "#changelist-form select[name=action]",
    ]
)


def test_leader_sees_no_edit_buttons_anywhere(page):
    from units.models import Organisation

    login(page, LEADER)
    member = Member.objects.filter(periods__organisation__isnull=False).first()
    organisation = Organisation.objects.get(code="DB04")
    pages = [
        "/quan-tri/",
        "/quan-tri/members/member/",
        f"/quan-tri/members/member/{member.pk}/change/",
        "/quan-tri/units/organisation/",
        f"/quan-tri/units/organisation/{organisation.pk}/change/",
        "/quan-tri/members/memberrating/",
        "/quan-tri/units/organisationrating/",
        "/quan-tri/inspections/inspection/",
        "/quan-tri/importing/importbatch/",
        TERM,
        "/bao-cao/nam/2019/",
        "/bao-cao/chi-tiet/admissions/?nhiem-ky=2015-2020",
        f"/to-chuc/{organisation.code}/",
    ]
    read_only_shots = {pages[1]: "leader-3-read-only-member-list", pages[2]: "leader-4-read-only-member"}
    for url in pages:
        response = page.goto(url)
        assert response.status == 200, url
        controls = page.locator(EDIT_CONTROLS).filter(visible=True)  # inlines.js adds hidden "add" rows
        assert controls.count() == 0, (url, [c.evaluate("e => e.outerHTML") for c in controls.all()])
        # Nothing submits a form that writes: the only posting button is "Thoát" (log out).
        writers = page.locator("form[method=post]:not([action$='/logout/']) [type=submit]").filter(
            visible=True
        )
        assert writers.count() == 0, (url, [w.evaluate("e => e.outerHTML") for w in writers.all()])
        assert_vietnamese(page)
        if url in read_only_shots:
            shot(page, read_only_shots[url])
    # The change page shows the record read-only: no field can be typed into.
    page.goto(f"/quan-tri/members/member/{member.pk}/change/")
    assert (
        page.locator(
            "#member_form input:not([type=hidden]), #member_form select, #member_form textarea"
        ).count()
        == 0
    )
    # Screens that only write answer 403.
    for url in ["/quan-tri/members/memberrating/nhap-xep-loai/", "/quan-tri/importing/importbatch/nhap/"]:
        assert page.goto(url).status == 403, url


WIDER_THAN_THEIR_BOX = """() => [...document.querySelectorAll('main table')]
  .filter(t => t.offsetParent && (t.scrollWidth > t.parentElement.clientWidth + 1
                                  || t.getBoundingClientRect().right > window.innerWidth + 1))
  .map(t => (t.querySelector('caption') || t.closest('section') || t).textContent.trim().slice(0, 60))"""


@pytest.mark.parametrize("url", [TERM, "/bao-cao/nam/2019/"])
def test_report_tables_fit_a_phone_and_keep_every_column_in_print(page, url):
    """On a 390-pixel phone no table of the term or year report is wider than the screen (the wide
    ones show each row as a card); printed, on A4's 165 mm between the margins (624 CSS pixels),
    every table keeps all its columns within the page."""
    login(page, persona(LEADER))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    assert page.evaluate(WIDER_THAN_THEIR_BOX) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 624, "height": 900})
    assert page.evaluate(WIDER_THAN_THEIR_BOX) == []


WRAPPED_GROUP_NAMES = """() => [...document.querySelectorAll('.composition-grid td:first-child')]
  .filter(td => { const range = document.createRange(); range.selectNodeContents(td);
                  return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1; })
  .map(td => td.textContent.trim())"""


def test_the_composition_prints_each_group_name_on_one_line(page):
    """Printed (A4, two columns of small tables in the 165 mm between the margins), the composition's
    group names ("Từ 30 tuổi trở xuống", "Từ 10 đến dưới 20 năm") read on one line, and every table
    stays within its column."""
    login(page, persona(LEADER))
    page.goto("/bao-cao/co-cau/")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 624, "height": 900})
    assert page.locator(".composition-grid td").count() > 0
    assert page.evaluate(WRAPPED_GROUP_NAMES) == []
    assert page.evaluate(WIDER_THAN_THEIR_BOX) == []


def test_the_term_report_page_one_keeps_the_table_that_follows(page, tmp_path):
    """Printed on A4, the term report's first page is filled: after section 1's figures comes the
    first small breakdown (members by gender), not a blank band with the table pushed to page 2
    (tables print 3 pt above and 8 pt below, captions unpadded). Read from the PDF's first page."""
    import subprocess

    login(page, persona(LEADER))
    page.goto(TERM)
    pdf = tmp_path / "term.pdf"
    page.pdf(path=pdf, prefer_css_page_size=True)
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", pdf, "-"], capture_output=True, text=True)
    assert "Đảng viên đầu kỳ" in first.stdout  # section 1's figures
    assert "Đảng viên theo giới tính" in first.stdout
