"""What roles (issue 7) promise, seen from a browser: grassroots staff see only their own TCCS, and a
session ends after inactivity."""

import re

import pytest
from django.db.models import Count
from playwright.sync_api import expect

from members.models import Member, MembershipPeriod
from tests.browser.helpers import GRASSROOTS, OFFICE, assert_vietnamese, login, shot
from units.models import GRASSROOTS_KINDS, Organisation

pytestmark = pytest.mark.browser


def own_tccs(username):
    from partyblock.accounts.models import UserScope  # issue 7: the TCCS a grassroots user is bound to

    return UserScope.objects.select_related("tccs").get(user__username=username).tccs


def current_members(tccs):
    """Members registered today in `tccs` or below it."""
    from django.utils import timezone

    periods = MembershipPeriod.objects.covering(timezone.localdate()).filter(
        organisation__path__startswith=tccs.path
    )
    return Member.objects.filter(pk__in=periods.values("member_id"))


def test_grassroots_staff_see_only_their_own_tccs(page):
    own = own_tccs(GRASSROOTS)
    other = Organisation.objects.filter(kind__in=GRASSROOTS_KINDS, dissolved_on__isnull=True).exclude(
        pk=own.pk
    )[0]
    outsider = current_members(other).order_by("pk")[0]
    # A name borne both by a member of their TCCS and by someone elsewhere: a leak would show both.
    shared = (
        Member.objects.filter(pk__in=current_members(own).values("pk"))
        .values("full_name")
        .annotate(n=Count("pk"))
        .filter(full_name__in=current_members(other).values("full_name"))
        .order_by("full_name")
        .first()
    )
    assert shared, "the demo should have a name borne in both TCCS"

    login(page, GRASSROOTS)

    # The member list holds their TCCS only: every current chi bộ shown is theirs.
    page.goto("/quan-tri/members/member/?tinh_trang=chinh_thuc")
    chi_bo = page.locator("#result_list tbody td.field-chi_bo_column").all_inner_texts()
    assert chi_bo and [t for t in chi_bo if not (t == own.name or t.endswith(f"— {own.name}"))] == []
    shot(page, "grassroots-1-own-members")

    page.goto("/quan-tri/members/member/?q=" + shared["full_name"].replace(" ", "+"))
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(shared["n"])
    for text in page.locator("#result_list tbody td.field-chi_bo_column").all_inner_texts():
        assert text == own.name or text.endswith(f"— {own.name}") or text == "—"

    # Organisation choices, pages and records of another TCCS are not there.
    page.goto("/quan-tri/units/organisation/")
    names = page.locator("#result_list tbody tr").all_inner_texts()
    assert names and not any(other.name in row for row in names)
    assert page.goto(f"/quan-tri/members/member/{outsider.pk}/change/").status == 404
    assert page.goto(f"/to-chuc/{other.code}/").status == 404
    assert page.goto(f"/bao-cao/nhiem-ky/2015-2020/?to-chuc={other.code}").status == 404
    assert page.goto(f"/bao-cao/chi-tiet/members/?nhiem-ky=2015-2020&to-chuc={other.code}").status == 404

    # Their own organisation's page and report open.
    assert page.goto(f"/to-chuc/{own.code}/").status == 200
    expect(page.locator("h1")).to_have_text(own.name)
    assert page.goto(f"/bao-cao/nhiem-ky/2015-2020/?to-chuc={own.code}").status == 200
    assert_vietnamese(page)
    shot(page, "grassroots-2-own-report")


def test_a_session_ends_after_inactivity(page, settings):
    settings.SESSION_IDLE_MINUTES = 0.25  # 15 seconds instead of the default 30 minutes
    login(page, OFFICE)

    # Working keeps the session alive past the idle limit (pauses well inside it, even on a busy
    # machine where a page takes seconds)…
    for _ in range(6):
        page.wait_for_timeout(3_000)
        page.goto("/quan-tri/members/member/")
        expect(page.locator("h1")).to_have_text("Chọn đảng viên để thay đổi")

    # …and leaving it alone ends it: the next page asks to log in again, and says why.
    page.wait_for_timeout(17_000)
    page.goto("/quan-tri/members/member/")
    expect(page).to_have_url(re.compile(r"/quan-tri/login/\?next=/quan-tri/members/member/"))
    expect(page.locator("body")).to_contain_text("không hoạt động")
    expect(page.locator("#id_username")).to_be_visible()
    assert_vietnamese(page)
    shot(page, "session-expired")
