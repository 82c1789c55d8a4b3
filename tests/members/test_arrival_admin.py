"""Issue 15: staff record a member "admitted outside the Khối on D, transferred in on E" in one step."""

import datetime

from django.urls import reverse

from members.models import EventKind, Member, MemberEvent
from members.queries import admissions_between, members_as_of

D = datetime.date
URL = reverse("admin:members_member_arrival")


def form(tree, **changes):
    return {
        "full_name": "Hoàng Văn Cựu",
        "gender": "nam",
        "birth_date": "12/03/1955",
        "national_id": "",
        "so_ly_lich": "LL-7701",
        "ethnicity": "Tày",
        "religion": "Phật giáo",
        "hometown": "",
        "education": "10/10",
        "professional_level": "",
        "theory_level": "trung_cap",
        "admitted_on": "03/02/1978",
        "ceremony_on": "",
        "admitted_at": "Đảng bộ huyện Thanh Hà",
        "recognised_on": "10/02/1979",
        "chi_bo": tree["cb1"].pk,
        "arrived_on": "15/08/2016",
        "from_party": "",
        "decision_number": "12-QĐ/ĐUK",
        **changes,
    }


def test_an_arrival_is_recorded_in_one_step(tree, admin_client):
    assert "Thêm đảng viên chuyển đến" in admin_client.get(URL).content.decode()

    response = admin_client.post(URL, form(tree))

    member = Member.objects.get(full_name="Hoàng Văn Cựu")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:members_member_change", args=[member.pk])
    assert list(
        MemberEvent.objects.filter(member=member)
        .order_by("date")
        .values_list("kind", "date", "decision_date", "organisation_id", "other_party")
    ) == [
        (EventKind.ADMISSION, D(1978, 2, 3), D(1978, 2, 3), None, "Đảng bộ huyện Thanh Hà"),
        (EventKind.RECOGNITION, D(1979, 2, 3), D(1979, 2, 10), None, ""),
        (EventKind.TRANSFER_IN, D(2016, 8, 15), None, tree["cb1"].pk, "Đảng bộ huyện Thanh Hà"),
    ]
    assert member.so_ly_lich == "LL-7701"
    assert (member.ethnicity, member.religion, member.education, member.theory_level) == (
        "Tày",
        "Phật giáo",
        "10/10",
        "trung_cap",
    )
    assert list(members_as_of(D(2016, 8, 14), within=tree["bloc"])) == []
    assert list(members_as_of(D(2016, 8, 15), within=tree["dbcs"])) == [member]
    assert admissions_between(D(1978, 1, 1), D(1978, 12, 31)).count() == 0  # not the Khối's own


def test_an_arrival_before_admission_writes_nothing(tree, admin_client):
    response = admin_client.post(URL, form(tree, arrived_on="01/01/1977"))

    assert response.status_code == 200
    assert "Ngày chuyển đến 01/01/1977 trước ngày vào Đảng 03/02/1978." in response.content.decode()
    assert not Member.objects.exists()


def test_a_refusal_of_the_services_writes_nothing(tree, admin_client):
    # Admitted at 17: the lifecycle refuses it, and the profile is not kept either.
    response = admin_client.post(URL, form(tree, birth_date="12/03/1961"))

    assert response.status_code == 200
    assert "người được kết nạp phải đủ 18 tuổi" in response.content.decode()
    assert not Member.objects.exists()


def test_the_ethnicity_and_religion_are_asked_never_assumed(tree, admin_client):
    """Review F5: the form stored "Kinh" / "Không" nobody entered. They are asked, shown prefilled
    as on the member's own add page; cleared, they are stored empty ("Chưa ghi" in the composition),
    not the prefilled values."""
    page = admin_client.get(URL).content.decode()
    assert '<input type="text" name="ethnicity" value="Kinh"' in page
    assert '<input type="text" name="religion" value="Không"' in page

    response = admin_client.post(URL, form(tree, ethnicity="", religion=""))

    assert response.status_code == 302
    assert list(Member.objects.values_list("ethnicity", "religion")) == [("", "")]


def test_the_chi_bo_is_chosen_as_on_the_members_events(tree, admin_client):
    """Review F5: not a flat list of every chi bộ's bare name, but the events' autocomplete (only
    chi bộ, without diacritics, each with its TCCS); the form is laid out as the admin's."""
    page = admin_client.get(URL).content.decode()
    assert 'class="admin-autocomplete"' in page
    assert 'data-model-name="memberevent"' in page and 'data-field-name="organisation"' in page
    listed = page.split('name="chi_bo"')[1].split("</select>")[0]
    assert 'value=""' in listed and listed.count("<option") == 1  # nothing listed up front
    assert '<label class="required" for="id_chi_bo">Chuyển đến chi bộ:</label>' in page
    assert '<label class="required" for="id_arrived_on">Ngày chuyển đến:</label>' in page
    assert 'class="vDateField"' in page

    # Refused for another reason, the chosen chi bộ is shown again with its TCCS.
    response = admin_client.post(URL, form(tree, arrived_on="01/01/1977"))
    assert "Chi bộ Văn phòng — Đảng bộ Sở A</option>" in response.content.decode()
