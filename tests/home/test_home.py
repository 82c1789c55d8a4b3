import datetime

import pytest
from django.urls import reverse

from partyblock.importing.models import ImportBatch
from tests.conftest import page_queries
from tests.home.helpers import listed, todo_lines
from tests.reports.helpers import drilldown_total
from units.models import Term

D = datetime.date
HOME = reverse("home")


def login(client, user):
    client.force_login(user)
    return client


def test_anonymous_visitor_is_sent_to_the_login_page(client, db):
    page = client.get(HOME)
    assert page.status_code == 302
    assert page.url == reverse("admin:login") + "?next=/"


def test_after_login_every_role_lands_on_home(client, personas):
    page = client.get(reverse("admin:login"))
    assert page.context["next"] == HOME
    answer = client.post(
        reverse("admin:login"), {"username": "lanhdao", "password": "mat-khau-thu", "next": HOME}
    )
    assert answer.status_code == 302 and answer.url == HOME
    assert client.get(HOME).status_code == 200
    # An already logged-in visitor of the login page goes home, never to a "next" elsewhere.
    assert client.get(reverse("admin:login") + "?next=https://example.com/").url == HOME


def test_an_office_home_lists_each_todo_with_the_count_of_its_list(client, personas, office_data):
    page = login(client, personas["vanphong"]).get(HOME)
    assert page.status_code == 200
    lines = todo_lines(page)
    counts = {key: count for key, (count, _) in lines.items()}
    assert counts == {
        "du-bi-qua-han": 1,
        "du-bi-den-han": 2,
        "huy-hieu": 1,
        "don-thu-qua-han": 1,
        "don-thu-den-han": 1,
        "het-mien-sinh-hoat": 1,
        "het-chuyen-tam-thoi": 1,
        "chi-bo-it-dang-vien": 2,
        "chi-bo-chua-sinh-hoat": 2,
        "dang-vien-chua-xep-loai": 1,
        "to-chuc-chua-xep-loai": 2,
        "nhap-chua-xac-nhan": 2,
        "quan-chung-cho-le-ket-nap": 0,
        "quan-chung-qua-han": 0,
        "quan-chung-het-han-chung-nhan": 0,
    }
    lists = {}
    for key, (count, url) in lines.items():
        total, names = listed(client, url)
        assert total == count == len(names), key
        lists[key] = names
    assert lists == {
        # probation ended 01/10/2026: the 30 working days to decide ran out in November
        "du-bi-qua-han": ["Đỗ Văn Ngoài"],
        # ended 01/11/2026 (still within the 30 working days), ends 17/12/2026
        "du-bi-den-han": ["Lê Thị Quá Hạn", "Trần Văn Sắp Đến"],
        "huy-hieu": ["Nguyễn Văn Lão Thành"],
        "don-thu-qua-han": ["ĐT-overdue"],
        "don-thu-den-han": ["ĐT-due"],
        "het-mien-sinh-hoat": ["Hoàng Văn Miễn"],
        "het-chuyen-tam-thoi": ["Bùi Văn Tạm"],
        "chi-bo-it-dang-vien": ["Chi bộ Văn phòng — Đảng bộ Sở A", "Chi bộ Sở B"],
        # Chi bộ Sở B met on 01/12: this month, not last month
        "chi-bo-chua-sinh-hoat": ["Chi bộ Văn phòng — Đảng bộ Sở A", "Chi bộ Sở B"],
        "dang-vien-chua-xep-loai": ["Nguyễn Văn Lão Thành"],
        "to-chuc-chua-xep-loai": ["Chi bộ Văn phòng — Đảng bộ Sở A", "Chi bộ Sở B"],
        "nhap-chua-xac-nhan": ["dang-vien-SOB.xlsx", "dang-vien-SOA.xlsx"],
        "quan-chung-cho-le-ket-nap": [],
        "quan-chung-qua-han": [],
        "quan-chung-het-han-chung-nhan": [],
    }


def test_the_badge_line_names_the_milestone_and_the_award_day(client, personas, office_data):
    page = login(client, personas["vanphong"]).get(reverse("todo", args=["huy-hieu"]))
    text = page.content.decode()
    assert "Đảng viên đến hạn trao Huy hiệu Đảng đợt 03/02/2027" in text
    assert "<td>60 năm</td>" in text
    assert "<td>Chi bộ Văn phòng — Đảng bộ Sở A</td>" in text


def test_a_todo_line_with_nothing_stays_quietly(client, personas, tree):
    page = login(client, personas["vanphong"]).get(HOME)
    counts = {key: count for key, (count, _) in todo_lines(page).items()}
    assert counts == {
        "du-bi-qua-han": 0,
        "du-bi-den-han": 0,
        "huy-hieu": 0,
        "don-thu-qua-han": 0,
        "don-thu-den-han": 0,
        "het-mien-sinh-hoat": 0,
        "het-chuyen-tam-thoi": 0,
        "chi-bo-it-dang-vien": 3,  # three chi bộ without members
        "chi-bo-chua-sinh-hoat": 3,
        "dang-vien-chua-xep-loai": 0,
        "to-chuc-chua-xep-loai": 4,  # the đảng bộ cơ sở and its chi bộ, the chi bộ cơ sở
        "nhap-chua-xac-nhan": 0,
        "quan-chung-cho-le-ket-nap": 0,
        "quan-chung-qua-han": 0,
        "quan-chung-het-han-chung-nhan": 0,
    }
    assert 'class="zero" data-todo="du-bi-qua-han"' in page.content.decode()


def test_grassroots_staff_see_only_their_tccs(client, personas, office_data):
    login(client, personas["coso_a"])
    page = client.get(HOME)
    lines = todo_lines(page)
    counts = {key: count for key, (count, _) in lines.items()}
    assert counts == {
        "du-bi-qua-han": 0,
        "du-bi-den-han": 2,
        "huy-hieu": 1,
        "het-mien-sinh-hoat": 1,
        "het-chuyen-tam-thoi": 1,
        "chi-bo-it-dang-vien": 1,
        "chi-bo-chua-sinh-hoat": 1,
        "dang-vien-chua-xep-loai": 1,
        "to-chuc-chua-xep-loai": 1,
        "nhap-chua-xac-nhan": 1,
        "quan-chung-cho-le-ket-nap": 0,
        "quan-chung-qua-han": 0,
        "quan-chung-het-han-chung-nhan": 0,
    }
    pages = {"home": page.content.decode()}
    for key, (count, url) in lines.items():
        total, names = listed(client, url)
        assert total == count == len(names), key
        pages[key] = client.get(url).content.decode()
    for key, text in pages.items():  # leak test: nothing of Chi bộ Sở B, its member, its import
        assert "Đỗ Văn Ngoài" not in text
        assert "dang-vien-SOB.xlsx" not in text
        assert "ĐT-" not in text
        # Sở B is named only as the host of their own member's temporary transfer.
        assert ("Chi bộ Sở B" in text) == (key == "het-chuyen-tam-thoi"), key
    # Letters are not theirs to see, even by typing the address.
    assert client.get(reverse("todo", args=["don-thu-qua-han"])).status_code == 404


def test_inspection_committee_home(client, personas, office_data):
    page = login(client, personas["ubkt"]).get(HOME)
    counts = {key: count for key, (count, _) in todo_lines(page).items()}
    assert counts == {
        "ubkt-don-thu-qua-han": 1,
        "ubkt-don-thu-den-han": 1,
        "kiem-tra-chua-ket-luan": 0,
        "ky-luat-trong-nam": 0,
    }
    assert client.get(reverse("todo", args=["du-bi-qua-han"])).status_code == 404


@pytest.fixture
def terms(db):
    return [
        Term.objects.create(
            label="2020-2025", congress_ordinal="IX", starts_on=D(2020, 8, 1), ends_on=D(2025, 7, 31)
        ),
        Term.objects.create(
            label="2025-2030", congress_ordinal="X", starts_on=D(2025, 8, 1), ends_on=D(2030, 7, 31)
        ),
    ]


def test_leader_home_shows_summaries_with_links(client, personas, office_data, terms):
    page = login(client, personas["lanhdao"]).get(HOME)
    assert page.status_code == 200
    assert todo_lines(page) == {}
    titles = [s.title for s in page.context["summaries"]]
    assert titles == [
        "Nhiệm kỳ 2025-2030 (hiện tại)",
        "Nhiệm kỳ 2020-2025",
        "Năm 2025",
        "Đảng bộ Khối các cơ quan tỉnh, ngày 07/12/2026",
        "Phát triển đảng viên, nhiệm kỳ 2025-2030",
    ]
    current = page.context["summaries"][0]
    assert current.url == reverse("reports:term", args=["2025-2030"])
    figures = {label: shown for label, shown, _ in current.figures}
    assert figures["Đảng viên"] == "9"  # on the term's end day: every member of office_data
    assert figures["Tổ chức cơ sở đảng"] == "2"
    today = {label: (shown, link) for label, shown, link in page.context["summaries"][3].figures}
    assert today["Đảng viên dự bị"][0] == "4"
    assert today["Đảng viên"][0] == "9"
    assert drilldown_total(client, today["Đảng viên"][1]) == (9, 9)
    assert drilldown_total(client, today["Đảng viên dự bị"][1]) == (4, 4)


def test_import_batches_of_others_need_the_import_permission(client, personas, office_data):
    assert ImportBatch.objects.count() == 3
    login(client, personas["lanhdao"])
    assert client.get(reverse("todo", args=["nhap-chua-xac-nhan"])).status_code == 404


def test_home_and_todo_lists_take_as_many_queries_for_more_records(client, personas, tree, office_data):
    from tests.home.conftest import admitted

    login(client, personas["vanphong"])
    urls = [HOME, reverse("search") + "?q=van"] + [url for _, url in todo_lines(client.get(HOME)).values()]
    before = {url: page_queries(client, url) for url in urls}
    for n in range(3):  # more of every kind: overdue probation, members to rate, badges
        admitted(f"Lê Thị Thêm {n}", tree["cb2"], D(2025, 9, 1 + n), recognised=False)
        admitted(f"Nguyễn Văn Cũ {n}", tree["cbcs"], D(2003, 3, 1 + n), birth_date=D(1960, 1, 1))
    after = {url: page_queries(client, url) for url in urls}
    assert after == before
    assert before[HOME] <= 30
