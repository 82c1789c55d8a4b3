"""Office staff at work in the admin: a new member from admission to transfer, and a year's ratings."""

import re

import pytest
from playwright.sync_api import expect

from members.models import Member, MemberRating
from members.queries import periods_to_rate
from tests.browser.helpers import OFFICE, assert_vietnamese, login, persona, shot
from units.models import Organisation

pytestmark = pytest.mark.browser

NEW_MEMBER = "Tôn Nữ Thục Đoan"  # no demo member is called anything like it


def members_shown(page, code):
    """The headcount the organisation page shows today ("Đảng viên: N")."""
    page.goto(f"/to-chuc/{code}/")
    return int(page.locator(".figure-line strong").get_attribute("data-value"))


def pick_organisation(page, select_id, search, name):
    """Choose `name` in an autocomplete (select2) field by typing `search` into it."""
    page.locator(f"#{select_id} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=re.compile(f"^{re.escape(name)}$")).click()
    expect(page.locator(f"#select2-{select_id}-container")).to_have_text(re.compile(re.escape(name)))


def test_office_adds_a_member_finds_her_and_records_her_transfer(page):
    login(page, persona(OFFICE))
    before = {"CB01": members_shown(page, "CB01"), "CB02": members_shown(page, "CB02")}

    # Add her with her admission into Chi bộ Sở Ngoại vụ (CB01) in 2023.
    page.goto("/quan-tri/members/member/add/")
    expect(page.locator("h1")).to_have_text("Thêm đảng viên")
    page.fill("#id_full_name", NEW_MEMBER)
    page.select_option("#id_gender", label="Nữ")
    page.fill("#id_birth_date", "14/02/1992")
    page.fill("#id_national_id", "030192009988")
    page.select_option("#id_events-0-kind", label="Kết nạp")
    page.fill("#id_events-0-date", "15/03/2023")
    page.fill("#id_events-0-decision_number", "812-QĐ/ĐUK")
    page.fill("#id_events-0-decision_date", "01/03/2023")
    pick_organisation(page, "id_events-0-organisation", "CB01", "Chi bộ Sở Ngoại vụ")
    shot(page, "office-1-add-member-form")
    page.locator("input[name=_save]").click()
    expect(page.locator("ul.messagelist li.success")).to_contain_text(NEW_MEMBER)
    assert members_shown(page, "CB01") == before["CB01"] + 1

    # Find her by a search typed without diacritics.
    page.goto("/quan-tri/members/member/")
    page.fill("#searchbar", "ton nu thuc doan")
    page.locator("#searchbar").press("Enter")
    expect(page.locator("#changelist-search .quiet")).to_contain_text("1 kết quả")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Chi bộ Sở Ngoại vụ")
    expect(rows.first).to_contain_text("Dự bị")
    shot(page, "office-2-search-without-diacritics")
    rows.first.get_by_role("link", name=NEW_MEMBER).click()

    # Record her transfer to Chi bộ Ban Dân tộc tỉnh (CB02) in the events inline's empty row.
    expect(page.locator("h1")).to_have_text("Thay đổi đảng viên")
    row = int(page.input_value("#id_events-TOTAL_FORMS")) - 1
    # Each event shows the fields of its kind only (members.lifecycle.EVENT_FIELDS), within 1366 px:
    # her admission keeps the vote's day and hides the readmission's; the new row, all until a kind
    # is chosen, then those of a transfer.
    expect(page.locator("#id_events-0-vote_date")).to_be_visible()
    expect(page.locator("#id_events-0-conviction_cleared_on")).to_be_hidden()
    expect(page.locator(f"#id_events-{row}-conviction_cleared_on")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.select_option(f"#id_events-{row}-kind", label="Chuyển sinh hoạt chính thức trong Khối")
    expect(page.locator(f"#id_events-{row}-conviction_cleared_on")).to_be_hidden()
    expect(page.locator(f"#id_events-{row}-end_date")).to_be_hidden()
    expect(page.locator(f"#id_events-{row}-decision_number")).to_be_visible()
    page.fill(f"#id_events-{row}-date", "01/06/2024")
    page.fill(f"#id_events-{row}-decision_number", "95-QĐ/ĐUK")
    pick_organisation(page, f"id_events-{row}-organisation", "CB02", "Chi bộ Ban Dân tộc tỉnh")
    page.locator("input[name=_continue]").click()
    expect(page.locator("ul.messagelist li.success")).to_be_visible()
    periods = page.locator("#periods-group tbody tr.has_original")
    expect(periods.last).to_contain_text("Chi bộ Ban Dân tộc tỉnh")
    shot(page, "office-3-transfer-recorded")

    member = Member.objects.get(full_name=NEW_MEMBER)
    assert list(member.periods.order_by("starts_on").values_list("organisation__code", flat=True)) == [
        "CB01",
        "CB02",
    ]
    # The organisation pages count her where she is now.
    assert members_shown(page, "CB01") == before["CB01"]
    assert members_shown(page, "CB02") == before["CB02"] + 1
    expect(page.locator("h1")).to_have_text("Chi bộ Ban Dân tộc tỉnh")
    assert_vietnamese(page)
    shot(page, "office-4-organisation-page-counts")


def test_office_enters_a_years_ratings_on_the_bulk_screen(page):
    login(page, persona(OFFICE))
    organisation = Organisation.objects.get(code="CB03")  # Chi bộ Hội Nông dân tỉnh
    # The demo rates 2024 (Congress IX's years); this chi bộ's 2024 ratings are taken back so the
    # office enters them afresh.
    MemberRating.objects.filter(year=2024, organisation=organisation).delete()
    due = periods_to_rate(2024, within=organisation).count()
    assert due > 5 and not MemberRating.objects.filter(year=2024, organisation=organisation).exists()

    page.goto("/quan-tri/members/memberrating/nhap-xep-loai/")
    page.select_option("#id_to_chuc", label="Chi bộ Hội Nông dân tỉnh")
    page.select_option("#id_nam", "2024")
    page.get_by_role("button", name="Hiển thị danh sách").click()
    expect(page.locator("h1")).to_have_text("Nhập xếp loại đảng viên năm 2024 — Chi bộ Hội Nông dân tỉnh")
    selects = page.locator(".rating-table tbody select")
    expect(selects).to_have_count(due)
    for index in range(due):
        label = "HTXSNV – Hoàn thành xuất sắc nhiệm vụ" if index == 0 else "HTTNV – Hoàn thành tốt nhiệm vụ"
        selects.nth(index).select_option(label=label)
    shot(page, "ratings-1-filled")
    page.get_by_role("button", name="Lưu toàn bộ xếp loại").click()

    expect(page.locator("ul.messagelist li.success")).to_have_text(
        f"Đã lưu xếp loại năm 2024: {due} mới, 0 sửa, 0 xóa, 0 không đổi."
    )
    # The screen shows what was saved, and the records are there.
    expect(page.locator(".rating-table tbody select").first).to_have_value("htxsnv")
    assert_vietnamese(page)
    shot(page, "ratings-2-saved")
    saved = MemberRating.objects.filter(year=2024, organisation__path__startswith=organisation.path)
    assert sorted(saved.values_list("level", flat=True)) == [1] + [2] * (due - 1)


def test_the_audit_log_reads_as_cards_on_a_phone(page):
    """On a 375-pixel phone the audit log's entries are cards (time and action, the record, who and
    where from), not eight columns scrolling sideways in their box."""
    from tests.browser.test_leader import WIDER_THAN_THEIR_BOX

    login(page, persona("quantri"))
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto("/quan-tri/audit/activitylog/")
    assert page.locator("#result_list tbody tr").count() > 0  # the logins above, at least
    assert page.evaluate(WIDER_THAN_THEIR_BOX) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    shot(page, "audit-log-phone")
    page.set_viewport_size({"width": 1366, "height": 768})
