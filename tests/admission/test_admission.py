"""The key path: a candidate taken through every step ends as a probationary member with the right
dates, counted exactly once in the admission figures and their drill-down."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from members.models import EventKind, Member, MemberEvent, MembershipPeriod, MembershipStatus
from members.queries import admissions_between
from partyblock.admission.models import Status, Step
from partyblock.admission.queries import admitted_between
from tests.admission.conftest import D, take_to

pytestmark = pytest.mark.django_db


def test_every_step_ends_as_a_probationary_member(candidate, sponsors, tree):
    outcome = take_to(candidate, Step.ADMITTED, sponsors)
    assert outcome.warnings == []
    member = outcome.member
    assert member == candidate.member
    assert (candidate.status, candidate.step, candidate.closed_on, candidate.due_on) == (
        Status.ADMITTED,
        Step.ADMITTED,
        D(2023, 10, 2),
        None,
    )
    # The profile came across without retyping.
    assert (member.full_name, member.birth_date, member.national_id, member.hometown, member.gender) == (
        "Nguyễn Thị Hoa",
        D(1998, 6, 20),
        "030198001234",
        "Xã An Bình, huyện Nam Sách",
        "nu",
    )
    event = MemberEvent.objects.get(member=member)
    assert (
        event.kind,
        event.date,
        event.decision_date,
        event.decision_number,
        event.vote_date,
        event.organisation,
        event.sponsors,
    ) == (
        EventKind.ADMISSION,
        D(2023, 10, 2),
        D(2023, 9, 12),
        "120-QĐ/ĐUK",
        D(2023, 8, 10),
        tree["cb1"],
        "Trần Văn Bảo; Lê Thị Cúc",
    )
    periods = list(
        MembershipPeriod.objects.filter(member=member).values_list("organisation", "status", "starts_on")
    )
    assert periods == [(tree["cb1"].pk, MembershipStatus.PROBATIONARY, D(2023, 10, 2))]


def test_an_admitted_candidate_counts_once_in_the_figures_and_drilldown(
    candidate, sponsors, client, django_user_model
):
    take_to(candidate, Step.ADMITTED, sponsors)
    out = StringIO()
    call_command("figures", "--year", "2023", "--format", "json", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["admissions"] == 1
    assert [e.member for e in admissions_between(D(2023, 1, 1), D(2023, 12, 31))] == [candidate.member]
    assert list(admitted_between(D(2023, 1, 1), D(2023, 12, 31))) == [candidate]
    assert Member.objects.filter(full_name="Nguyễn Thị Hoa").count() == 1

    admin = django_user_model.objects.create_superuser("quantri", password="mat-khau-thu")
    client.force_login(admin)
    page = client.get(reverse("reports:drilldown", args=["admissions"]), {"nam": 2023})
    assert page.status_code == 200
    assert page.context["total"] == 1
    assert page.content.decode().count("Nguyễn Thị Hoa") == 1
