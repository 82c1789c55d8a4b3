"""Each role's home page (issue 18), seen from a browser: log in, land on the home page, follow a
to-do (or a figure) to exactly its records, and find a member by a name typed without diacritics."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from members.models import Member
from partyblock.accounts.access import visible
from partyblock.core.text import search_key
from partyblock.home import todos_for
from tests.browser.helpers import GRASSROOTS, LEADER, OFFICE, SCREENSHOTS, assert_vietnamese, login
from units.models import Organisation

pytestmark = pytest.mark.browser

INSPECTION = "ubkt"


def both_sizes(page, name):
    """Screenshots of the page as it is, at 1366×768 and at 390×844 (a phone)."""
    for width, height in ((1366, 768), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=SCREENSHOTS / f"home-{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def first_due(page):
    """(key, count, link) of the first to-do line with a count above zero."""
    line = page.locator("li.due").first
    count = int(line.locator("a.todo-count").get_attribute("data-count"))
    return line.get_attribute("data-todo"), count, line.locator("a.todo-count")


def follow_a_todo(page):
    key, count, link = first_due(page)
    link.click()
    page.wait_for_url(re.compile(rf"/viec-can-lam/{key}/"))
    expect(page.locator("[data-total]")).to_have_attribute("data-total", str(count))
    expect(page.locator("#result_list tbody tr")).to_have_count(min(count, 50))
    assert_vietnamese(page)
    return key


def search_without_diacritics(page, member):
    typed = search_key(member.full_name)
    assert typed != member.full_name.lower()  # the name has diacritics to drop
    page.fill("#app-nav input[name=q]", typed)
    page.locator("#app-nav button").click()
    page.wait_for_url(re.compile(r"/tim-kiem/\?q="))
    expect(page.locator("#member-results")).to_contain_text(member.full_name)


def a_member(user_name):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=user_name)
    members = visible(Member.objects.exclude(search_name=""), user)
    return members.filter(
        full_name__regex=r"[ạảãàáâậầấẩẫăắằặẳẵđêềếểễệôồốổỗộơờớởỡợưừứửữựịỉĩìíọỏõòóụủũùúỳýỷỹỵ]"
    ).order_by("pk")[0]


@pytest.mark.parametrize("role", [OFFICE, GRASSROOTS, INSPECTION])
def test_a_working_role_lands_on_its_todos_and_follows_one(page, role):
    login(page, role)
    expect(page.locator("h1")).to_have_text("Trang chủ")
    # Every to-do the role's permissions give (the admission pipeline's lines included), each once.
    shown = page.locator("li[data-todo]").evaluate_all("items => items.map(item => item.dataset.todo)")
    expected = [todo.key for todo in todos_for(get_user_model().objects.get(username=role))]
    assert sorted(shown) == sorted(expected)
    assert len(expected) == {OFFICE: 15, GRASSROOTS: 13, INSPECTION: 4}[role]
    assert_vietnamese(page)
    both_sizes(page, role)
    follow_a_todo(page)
    page.screenshot(path=SCREENSHOTS / f"home-{role}-todo-list.png", full_page=False)
    member = a_member(role)
    search_without_diacritics(page, member)
    page.screenshot(path=SCREENSHOTS / f"home-{role}-search.png", full_page=False)


def test_grassroots_search_never_lists_another_tccs(page):
    from partyblock.accounts.models import UserScope

    own = UserScope.objects.get(user__username=GRASSROOTS).tccs
    other = Organisation.objects.filter(depth=1).exclude(pk=own.pk).order_by("path")[0]
    outsider = Member.objects.filter(periods__organisation__path__startswith=other.path).exclude(
        periods__organisation__path__startswith=own.path
    )[0]
    login(page, GRASSROOTS)
    page.fill("#app-nav input[name=q]", search_key(outsider.full_name))
    page.locator("#app-nav button").click()
    page.wait_for_url(re.compile(r"/tim-kiem/\?q="))
    for chi_bo in page.locator("#member-results tbody tr td:nth-child(3)").all_inner_texts():
        assert chi_bo.endswith(own.name) or chi_bo.startswith(own.name), chi_bo


def test_a_leader_lands_on_summaries_and_follows_a_figure(page):
    login(page, LEADER)
    expect(page.locator("h1")).to_have_text("Trang chủ")
    # The current term (2020-2025) comes first; the last term's summary is there too.
    last_term = page.locator("article.summary").filter(has_text="Nhiệm kỳ 2015-2020")
    expect(last_term).to_have_count(1)
    assert_vietnamese(page)
    both_sizes(page, LEADER)
    first = last_term.locator("dd a").first
    shown = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/bao-cao/chi-tiet/"))
    expect(page.locator("strong.total")).to_have_text(shown)
    expect(page.locator("nav.breadcrumbs")).to_contain_text("Trang chủ")
    search_without_diacritics_on_reports(page, a_member(LEADER))


def search_without_diacritics_on_reports(page, member):
    page.fill("header.site input[name=q]", search_key(member.full_name))
    page.locator("header.site form.header-search button").click()
    page.wait_for_url(re.compile(r"/tim-kiem/\?q="))
    expect(page.locator("#member-results")).to_contain_text(member.full_name)
