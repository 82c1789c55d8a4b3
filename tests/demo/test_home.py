"""On the demo Khối, every to-do line of every role's home counts exactly the records its list
shows, on a day inside the 2015–2020 term and on a day years after the demo's records end."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from partyblock import home
from partyblock.accounts import access
from partyblock.accounts.models import UserScope
from tests.home.helpers import listed, todo_lines
from units.models import Organisation

D = datetime.date
ROWS = re.compile(r"<tr><td>(\d+)</td>")


@pytest.fixture
def users(db, django_user_model):
    roles = {
        "vanphong": access.ROLE_OFFICE,
        "ubkt": access.ROLE_INSPECTION,
        "coso": access.ROLE_GRASSROOTS,
        "lanhdao": access.ROLE_LEADER,
    }
    made = {}
    for name, role in roles.items():
        user = django_user_model.objects.create_user(f"demo-{name}", password="x", is_staff=True)
        user.groups.set([Group.objects.get(name=role)])
        made[name] = user
    UserScope.objects.create(user=made["coso"], tccs=Organisation.objects.get(code="DB05"))
    return made


def check_list(client, count, url):
    """The list behind a count shows exactly `count` rows: every page of a short list, the first and
    the last page of a long one (numbered rows, 50 a page)."""
    if count <= 150:
        total, names = listed(client, url)
        assert total == count == len(names), url
        return
    first = client.get(url).content.decode()
    assert [int(n) for n in ROWS.findall(first)] == list(range(1, 51)), url
    last_page = (count - 1) // 50 + 1
    last = client.get(f"{url}?trang={last_page}").content.decode()
    assert [int(n) for n in ROWS.findall(last)] == list(range((last_page - 1) * 50 + 1, count + 1)), url


@pytest.mark.parametrize("day", [D(2020, 6, 15), D(2026, 12, 7)])
@pytest.mark.parametrize("role", ["vanphong", "ubkt", "coso"])
def test_demo_todo_counts_equal_their_lists(client, users, monkeypatch, role, day):
    monkeypatch.setattr(home, "today", lambda: day)
    client.force_login(users[role])
    page = client.get(reverse("home"))
    assert page.status_code == 200
    lines = todo_lines(page)
    assert len(lines) == {"vanphong": 15, "ubkt": 4, "coso": 13}[role]
    for count, url in lines.values():
        check_list(client, count, url)


def test_demo_todos_in_the_term_find_work(client, users, monkeypatch):
    """On 15/06/2020 the demo has probationary members to recognise and badges to award, and
    its chi bộ met in May and its members were rated for 2019."""
    monkeypatch.setattr(home, "today", lambda: D(2020, 6, 15))
    client.force_login(users["vanphong"])
    counts = {key: count for key, (count, _) in todo_lines(client.get(reverse("home"))).items()}
    assert counts["du-bi-den-han"] > 0
    assert counts["huy-hieu"] > 0
    assert counts["chi-bo-chua-sinh-hoat"] == 0
    assert counts["dang-vien-chua-xep-loai"] < 100


def test_demo_grassroots_lists_stay_in_their_tccs(client, users, monkeypatch):
    monkeypatch.setattr(home, "today", lambda: D(2020, 6, 15))
    client.force_login(users["coso"])
    db05 = Organisation.objects.get(code="DB05")
    for key, (_, url) in todo_lines(client.get(reverse("home"))).items():
        page = client.get(url)
        for link in re.findall(r'href="/quan-tri/units/organisation/(\d+)/change/"', page.content.decode()):
            assert Organisation.objects.get(pk=link).path.startswith(db05.path), key


def test_demo_leader_home(client, users, monkeypatch):
    monkeypatch.setattr(home, "today", lambda: D(2020, 6, 15))
    client.force_login(users["lanhdao"])
    page = client.get(reverse("home"))
    summaries = page.context["summaries"]
    assert [s.title for s in summaries] == [
        "Nhiệm kỳ 2015-2020 (hiện tại)",
        "Năm 2019",
        "Đảng bộ Khối các cơ quan tỉnh, ngày 15/06/2020",
        "Phát triển đảng viên, nhiệm kỳ 2015-2020",
    ]
    term = {label: shown for label, shown, _ in summaries[0].figures}
    assert term["Đảng viên"] == "4.925"
    assert term["Tổ chức cơ sở đảng"] == "68"
    assert term["Kết nạp đảng viên mới"] == "977"
