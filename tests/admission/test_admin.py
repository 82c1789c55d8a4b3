"""The candidate screens: scoped lists and records, masked CCCD, step forms through the services,
read-only roles, and a changelist whose number of queries does not grow with its rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partyblock.admission.models import Candidate, Status, Step
from tests.admission.conftest import D, identify, take_to

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:admission_candidate_changelist")


def change_url(candidate):
    return reverse("admin:admission_candidate_change", args=[candidate.pk])


def step_url(candidate, step):
    return reverse("admin:admission_candidate_step", args=[candidate.pk, int(step)])


def as_user(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def two(tree, sponsors):
    """A candidate in Đảng bộ Sở A (coso_a's) and one in Chi bộ Sở B (coso_b's)."""
    return {
        "a": identify(tree["cb1"]),
        "b": identify(tree["cbcs"], full_name="Đinh Văn Quang", national_id="030190005380"),
    }


def listed(response):
    return [c.full_name for c in response.context["cl"].result_list]


def test_grassroots_staff_see_only_their_tccs(client, personas, two):
    page = as_user(client, personas["coso_a"]).get(CHANGELIST)
    assert listed(page) == ["Nguyễn Thị Hoa"]
    assert client.get(change_url(two["b"])).status_code == 404
    assert client.get(step_url(two["b"], Step.COURSE)).status_code == 404


def test_the_cccd_is_masked_for_roles_that_do_not_maintain_profiles(client, personas, two):
    page = as_user(client, personas["lanhdao"]).get(change_url(two["b"]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "••••••••5380" in text and "030190005380" not in text
    whole = as_user(client, personas["vanphong"]).get(change_url(two["b"])).content.decode()
    assert "030190005380" in whole


def test_read_only_roles_cannot_record_a_step(client, personas, two):
    for name in ("lanhdao", "ubkt"):
        as_user(client, personas[name])
        assert client.get(CHANGELIST).status_code == 200
        assert client.get(step_url(two["a"], Step.COURSE)).status_code == 403
        assert "Ghi bước này" not in client.get(change_url(two["a"])).content.decode()


def test_a_step_form_records_through_the_service(client, personas, two):
    as_user(client, personas["coso_a"])
    page = client.get(change_url(two["a"]))
    assert "Tiếp theo: học lớp bồi dưỡng nhận thức về Đảng" in page.content.decode()
    refused = client.post(
        step_url(two["a"], Step.COURSE),
        {"certificate_on": "09/01/2023", "certificate_number": "125-CN", "issuer": "Trung tâm Chính trị"},
    )
    assert refused.status_code == 200
    assert "trước ngày được xác định là quần chúng ưu tú" in refused.content.decode()
    saved = client.post(
        step_url(two["a"], Step.COURSE),
        {"certificate_on": "15/03/2023", "certificate_number": "125-CN", "issuer": "Trung tâm Chính trị"},
    )
    assert saved.status_code == 302
    two["a"].refresh_from_db()
    assert (two["a"].step, two["a"].course_certificate_number) == (Step.COURSE, "125-CN")


def test_the_ceremony_form_admits_the_member(client, personas, two, sponsors):
    take_to(two["a"], Step.DECISION, sponsors)
    as_user(client, personas["coso_a"])
    response = client.post(step_url(two["a"], Step.ADMITTED), {"ceremony_on": "02/10/2023"})
    assert response.status_code == 302
    two["a"].refresh_from_db()
    assert two["a"].status == Status.ADMITTED and two["a"].member.full_name == "Nguyễn Thị Hoa"
    assert "Hồ sơ đảng viên" in client.get(change_url(two["a"])).content.decode()


def test_adding_a_candidate_goes_through_the_service(client, personas, tree):
    as_user(client, personas["vanphong"])
    payload = {
        "full_name": "Tạ Thị Thu",
        "gender": "nu",
        "birth_date": "03/04/1999",
        "ethnicity": "Kinh",
        "religion": "Không",
        "theory_level": "",
        "organisation": tree["dbcs"].pk,
        "identified_on": "01/02/2024",
    }
    refused = client.post(reverse("admin:admission_candidate_add"), payload)
    assert refused.status_code == 200 and not Candidate.objects.exists()
    payload["organisation"] = tree["cb2"].pk
    assert client.post(reverse("admin:admission_candidate_add"), payload).status_code == 302
    candidate = Candidate.objects.get()
    assert (candidate.step, candidate.step_on, candidate.organisation) == (
        Step.IDENTIFIED,
        D(2024, 2, 1),
        tree["cb2"],
    )


def test_filters_by_step_and_stuck(client, personas, two, sponsors):
    take_to(two["a"], Step.RESUME, sponsors)
    as_user(client, personas["vanphong"])
    assert listed(client.get(CHANGELIST, {"buoc": int(Step.RESUME)})) == ["Nguyễn Thị Hoa"]
    assert listed(client.get(CHANGELIST, {"tien_do": "cham"})) == ["Nguyễn Thị Hoa", "Đinh Văn Quang"]
    assert listed(client.get(CHANGELIST, {"tccs": two["b"].organisation.pk})) == ["Đinh Văn Quang"]


def test_changelist_queries_do_not_grow_with_rows(client, personas, tree, sponsors):
    as_user(client, personas["vanphong"])
    identify(tree["cb1"], national_id=None)
    client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as one:
        client.get(CHANGELIST)
    for n, organisation in enumerate([tree["cb2"], tree["cbcs"]]):
        identify(organisation, full_name=f"Lò Văn Sơn {n}", national_id=None)
    with CaptureQueriesContext(connection) as three:
        assert len(listed(client.get(CHANGELIST))) == 3
    assert len(three) == len(one)
