import datetime

import pytest
from django.urls import reverse

from members.services import card_issue, member_update
from partyblock.admission.services import candidate_identify
from units.models import Term

D = datetime.date

SEARCH = reverse("search")


@pytest.fixture
def marked(office_data):
    member_update(office_data["ngoai"], national_id="001085005380")
    card_issue(member=office_data["lao_thanh"], number="AB-123456")
    return office_data


def found(client, term):
    page = client.get(SEARCH, {"q": term})
    assert page.status_code == 200
    members = [hit.member.full_name for hit in page.context["members"]]
    organisations = [placed for _, placed, _ in page.context["organisations"]]
    return members, organisations, page.content.decode()


def test_a_member_is_found_by_name_without_diacritics(client, personas, marked):
    client.force_login(personas["lanhdao"])
    members, organisations, text = found(client, "lao thanh")
    assert members == ["Nguyễn Văn Lão Thành"]
    assert organisations == []
    assert "<td>Chi bộ Văn phòng — Đảng bộ Sở A</td>" in text
    assert found(client, "VŨ THỊ")[0] == ["Vũ Thị Hai", "Vũ Thị Một"]
    assert found(client, "do van")[0] == ["Đỗ Văn Ngoài"]  # đ is d


def test_a_member_is_found_by_card_number(client, personas, marked):
    client.force_login(personas["lanhdao"])
    assert found(client, "AB-123456")[0] == ["Nguyễn Văn Lão Thành"]


def test_cccd_finds_a_member_only_for_roles_that_see_it_whole(client, personas, marked):
    client.force_login(personas["vanphong"])
    members, _, text = found(client, "001085005380")
    assert members == ["Đỗ Văn Ngoài"]
    assert "001085005380" in text
    for role in ("lanhdao", "ubkt"):
        client.force_login(personas[role])
        members, _, text = found(client, "001085005380")
        assert members == []
        text = text.replace("001085005380", "")  # the term typed, echoed back
        assert "Đỗ Văn Ngoài" not in text
        assert "5380" not in text


def test_search_never_shows_a_member_outside_the_tccs(client, personas, marked):
    client.force_login(personas["coso_a"])
    for term in ("ngoai", "Đỗ Văn Ngoài", "001085005380", "van"):
        members, organisations, text = found(client, term)
        text = text.replace(term, "")  # the term typed, echoed back
        assert "Đỗ Văn Ngoài" not in text
        assert "Chi bộ Sở B" not in text
    assert found(client, "van")[0] == [  # Vietnamese order: given name first
        "Phạm Văn Chưa Đến",
        "Trần Văn Sắp Đến",
        "Hoàng Văn Miễn",
        "Bùi Văn Tạm",
        "Nguyễn Văn Lão Thành",
    ]


def test_organisations_are_found_by_name_or_code_within_scope(client, personas, tree):
    client.force_login(personas["vanphong"])
    assert found(client, "sob")[1] == ["Chi bộ Sở B"]
    assert found(client, "van phong")[1] == ["Chi bộ Văn phòng — Đảng bộ Sở A"]
    assert found(client, "chi bo")[1] == [
        "Chi bộ Văn phòng — Đảng bộ Sở A",
        "Chi bộ Kế toán — Đảng bộ Sở A",
        "Chi bộ Sở B",
    ]
    client.force_login(personas["coso_a"])
    assert found(client, "chi bo")[1] == ["Chi bộ Văn phòng — Đảng bộ Sở A", "Chi bộ Kế toán — Đảng bộ Sở A"]
    assert found(client, "SOB")[1] == []


def test_an_empty_search_lists_nothing(client, personas, marked):
    client.force_login(personas["vanphong"])
    assert found(client, "   ")[:2] == ([], [])


@pytest.mark.parametrize("url", ["admin:index", "admin:members_member_changelist", "reports:index", "home"])
def test_every_page_has_the_search_box_and_the_home_and_report_links(client, personas, url):
    client.force_login(personas["lanhdao"])
    text = client.get(reverse(url)).content.decode()
    assert f'action="{SEARCH}"' in text
    assert f'href="{reverse("home")}"' in text
    assert f'href="{reverse("reports:index")}"' in text


# --- a term too short to search by (one letter is in nearly every name) --------------------------
TOO_SHORT = "Gõ ít nhất 2 ký tự"


def changelist_names(client, url_name, term):
    page = client.get(reverse(url_name), {"q": term})
    assert page.status_code == 200
    return [str(row) for row in page.context["cl"].result_list], page.content.decode()


def autocompleted(client, term):
    params = {"app_label": "members", "model_name": "memberrating", "field_name": "member", "term": term}
    results = client.get(reverse("admin:autocomplete"), params).json()["results"]
    return [r["text"].split(" (sinh ")[0] for r in results]


def test_a_single_letter_is_not_searched_and_the_page_says_so(client, personas, marked):
    client.force_login(personas["vanphong"])
    for term in ("v", " Đ ", "a"):
        members, organisations, text = found(client, term)
        assert (members, organisations) == ([], [])
        assert TOO_SHORT in text
        names, text = changelist_names(client, "admin:members_member_changelist", term)
        assert names == [] and TOO_SHORT in text
        assert autocompleted(client, term) == []
    assert TOO_SHORT not in found(client, "vu")[2]
    assert TOO_SHORT not in changelist_names(client, "admin:members_member_changelist", "vu")[1]
    assert TOO_SHORT not in changelist_names(client, "admin:members_member_changelist", "")[1]


def test_a_one_letter_word_beside_others_matches_the_start_of_a_word(client, personas, marked):
    client.force_login(personas["vanphong"])
    # "h" is inside "Thị" too: as an initial it finds only the name with a word starting with "h"
    assert found(client, "vu h")[0] == ["Vũ Thị Hai"]
    assert changelist_names(client, "admin:members_member_changelist", "vu h")[0] == ["Vũ Thị Hai"]
    assert autocompleted(client, "vu h") == ["Vũ Thị Hai"]
    assert autocompleted(client, "vu") == ["Vũ Thị Hai", "Vũ Thị Một"]


def test_the_drilldown_filter_finds_names_by_their_words(client, personas, marked):
    Term.objects.create(
        label="2020-2025", congress_ordinal="IX", starts_on=D(2020, 8, 1), ends_on=D(2025, 7, 31)
    )
    client.force_login(personas["lanhdao"])

    def filtered(term):
        page = client.get(
            reverse("reports:drilldown", args=["members"]), {"nhiem-ky": "2020-2025", "q": term}
        )
        assert page.status_code == 200
        return [values[0] for _, values in page.context["rows"]], page.content.decode()

    assert filtered("vu h")[0] == ["Vũ Thị Hai"]
    assert filtered("hai vu")[0] == ["Vũ Thị Hai"]
    names, text = filtered("v")
    assert names == [] and TOO_SHORT in text
    assert "Vũ Thị Một" in filtered("")[0]


def test_the_candidate_list_searches_names_by_the_same_rule(client, personas, tree):
    for name in ("Lê Thị Hoa", "Lê Thị Thu"):
        candidate_identify(
            organisation=tree["cb1"],
            identified_on=D(2023, 1, 10),
            full_name=name,
            gender="nu",
            birth_date=D(2000, 1, 1),
        )
    client.force_login(personas["vanphong"])
    names, text = changelist_names(client, "admin:admission_candidate_changelist", "h")
    assert names == [] and TOO_SHORT in text
    assert changelist_names(client, "admin:admission_candidate_changelist", "le h")[0] == ["Lê Thị Hoa"]
