"""Deadlines about members (members/deadlines.py): recognition overdue after probation, and
ceremonies held too long after the admission decision. Working days skip the seeded holidays."""

import datetime

import pytest

from members.deadlines import late_ceremonies, recognition_overdue
from members.models import EndingGround, EventKind
from members.services import member_admit, member_end, member_recognise
from partyblock.core.workdays import working_days_after
from tests.members.conftest import make_member

D = datetime.date
# Ceremony 10/01/2020: probation ends on 10/01/2021 (a Sunday); 30 working days later, skipping the
# Tết 2021 days off (10–16/02/2021, five working days), is Friday 26/02/2021.
RECOGNITION_DEADLINE = D(2021, 2, 26)


def listed(day, within=None):
    return [(due.member.full_name, due.deadline) for due in recognition_overdue(day, within)]


@pytest.fixture
def probationers(tree):
    """An in Chi bộ Văn phòng, Bình in Chi bộ Sở B: both admitted on 10/01/2020."""
    people = {}
    for name, chi_bo in (("Nguyễn Văn An", "cb1"), ("Trần Thị Bình", "cbcs")):
        person = make_member(full_name=name)
        member_admit(
            member=person,
            organisation=tree[chi_bo],
            ceremony_date=D(2020, 1, 10),
            decision_date=D(2019, 12, 20),
        )
        people[name.rsplit(" ", 1)[-1]] = person
    return people


def test_the_recognition_deadline_is_30_working_days_after_probation(db):
    assert working_days_after(D(2021, 1, 10), 30) == RECOGNITION_DEADLINE


def test_a_probationary_member_is_overdue_the_day_after_the_deadline(probationers):
    assert listed(RECOGNITION_DEADLINE) == []
    assert listed(RECOGNITION_DEADLINE + datetime.timedelta(days=1)) == [
        ("Nguyễn Văn An", RECOGNITION_DEADLINE),
        ("Trần Thị Bình", RECOGNITION_DEADLINE),
    ]
    due = recognition_overdue(D(2021, 3, 1))[0]
    assert (due.ceremony, due.probation_ends, due.organisation.code) == (
        D(2020, 1, 10),
        D(2021, 1, 10),
        "SOA-VP",
    )


def test_recognised_and_removed_members_are_not_overdue(probationers):
    member_recognise(member=probationers["An"], decision_date=D(2021, 3, 5))  # late, effective 10/01/2021
    member_end(
        member=probationers["Bình"],
        kind=EventKind.REMOVAL,
        on=D(2021, 2, 20),
        ground=EndingGround.NOT_RECOGNISED,
    )

    assert listed(D(2021, 3, 10)) == []


def test_overdue_recognition_within_an_organisation_leaves_out_the_others(tree, probationers):
    assert listed(D(2021, 3, 1), within=tree["dbcs"]) == [("Nguyễn Văn An", RECOGNITION_DEADLINE)]
    assert listed(D(2021, 3, 1), within=tree["cbcs"]) == [("Trần Thị Bình", RECOGNITION_DEADLINE)]


def test_the_ceremony_deadline_is_30_working_days_after_the_decision(tree):
    on_time = make_member(full_name="Lê Văn Đúng")
    # Decision Monday 02/03/2020: 30 working days later is Tuesday 14/04/2020 (Giỗ Tổ 02/04 off).
    member_admit(
        member=on_time, organisation=tree["cb1"], ceremony_date=D(2020, 4, 14), decision_date=D(2020, 3, 2)
    )
    late = make_member(full_name="Phạm Thị Muộn")
    member_admit(
        member=late, organisation=tree["cbcs"], ceremony_date=D(2020, 4, 15), decision_date=D(2020, 3, 2)
    )

    found = late_ceremonies(D(2020, 1, 1), D(2020, 12, 31))

    assert [(c.event.member.full_name, c.event.date, c.deadline) for c in found] == [
        ("Phạm Thị Muộn", D(2020, 4, 15), D(2020, 4, 14))
    ]
    assert late_ceremonies(D(2020, 1, 1), D(2020, 12, 31), within=tree["dbcs"]) == []
