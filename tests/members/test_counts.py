import datetime

import pytest

from members.lifecycle import ENDING_GROUNDS
from members.models import EndingGround, EventKind, ExemptionGround
from members.queries import admissions_between, members_as_of
from members.services import (
    member_admit,
    member_admit_outside,
    member_end,
    member_exempt,
    member_recognise,
    member_suspend,
    member_transfer,
    member_transfer_in,
    member_transfer_out,
    member_transfer_temporarily,
)
from tests.members.conftest import make_member

D = datetime.date
ADMITTED_ON = D(2020, 1, 10)


@pytest.fixture
def members(tree):
    """Three members admitted on 10/01/2020: An to Chi bộ Văn phòng, Bình to Chi bộ Kế toán (both in
    Đảng bộ Sở A), Cường to Chi bộ Sở B."""
    people = {}
    for name, chi_bo in (("Nguyễn Văn An", "cb1"), ("Trần Thị Bình", "cb2"), ("Lê Văn Cường", "cbcs")):
        member = make_member(full_name=name)
        member_admit(member=member, organisation=tree[chi_bo], ceremony_date=ADMITTED_ON)
        people[name.rsplit(" ", 1)[-1]] = member
    return people


def headcount(tree, day):
    """Given names of the members of each organisation on `day`, and of the whole Khối (None)."""
    return {
        key: [m.full_name.rsplit(" ", 1)[-1] for m in members_as_of(day, within=tree[key] if key else None)]
        for key in (None, "bloc", "dbcs", "cb1", "cb2", "cbcs")
    }


EVERYONE_HOME = {
    None: ["An", "Bình", "Cường"],
    "bloc": ["An", "Bình", "Cường"],
    "dbcs": ["An", "Bình"],
    "cb1": ["An"],
    "cb2": ["Bình"],
    "cbcs": ["Cường"],
}


def test_members_count_from_the_ceremony(tree, members):
    assert headcount(tree, ADMITTED_ON - datetime.timedelta(days=1)) == {key: [] for key in EVERYONE_HOME}
    assert headcount(tree, ADMITTED_ON) == EVERYONE_HOME


def test_probationary_and_official_members_both_count(tree, members):
    member_recognise(member=members["An"], decision_date=D(2021, 1, 15))

    assert headcount(tree, D(2021, 2, 1)) == EVERYONE_HOME


def test_transfer_moves_member_on_that_date(tree, members):
    member_transfer(member=members["An"], to=tree["cbcs"], on=D(2021, 6, 1))

    assert headcount(tree, D(2021, 5, 31)) == EVERYONE_HOME
    assert headcount(tree, D(2021, 6, 1)) == {
        None: ["An", "Bình", "Cường"],
        "bloc": ["An", "Bình", "Cường"],
        "dbcs": ["Bình"],
        "cb1": [],
        "cb2": ["Bình"],
        "cbcs": ["An", "Cường"],
    }


def test_transfer_between_chi_bo_of_one_dang_bo_keeps_the_dang_bo_count(tree, members):
    member_transfer(member=members["An"], to=tree["cb2"], on=D(2021, 6, 1))

    assert headcount(tree, D(2021, 6, 1)) == {
        None: ["An", "Bình", "Cường"],
        "bloc": ["An", "Bình", "Cường"],
        "dbcs": ["An", "Bình"],
        "cb1": [],
        "cb2": ["An", "Bình"],
        "cbcs": ["Cường"],
    }


def test_temporarily_transferred_member_counts_at_home_not_at_the_host(tree, members):
    member_transfer_temporarily(
        member=members["An"], on=D(2021, 3, 1), until=D(2021, 8, 31), host=tree["cbcs"]
    )

    assert headcount(tree, D(2021, 3, 1)) == EVERYONE_HOME
    assert headcount(tree, D(2021, 8, 31)) == EVERYONE_HOME
    assert headcount(tree, D(2021, 9, 1)) == EVERYONE_HOME


def test_member_temporarily_transferred_outside_the_bloc_still_counts(tree, members):
    member_transfer_temporarily(
        member=members["An"], on=D(2021, 3, 1), until=D(2021, 8, 31), host_outside="Chi bộ Thôn 3, xã Y"
    )

    assert headcount(tree, D(2021, 4, 1)) == EVERYONE_HOME


def test_exempt_member_is_still_counted(tree, members):
    member_exempt(
        member=members["Bình"], on=D(2021, 3, 1), until=D(2021, 12, 31), ground=ExemptionGround.HEALTH
    )

    assert headcount(tree, D(2021, 3, 1)) == EVERYONE_HOME


def test_suspended_member_is_still_counted(tree, members):
    member_suspend(member=members["Bình"], on=D(2021, 3, 1))

    assert headcount(tree, D(2021, 3, 1)) == EVERYONE_HOME


WITHOUT_BINH = {
    None: ["An", "Cường"],
    "bloc": ["An", "Cường"],
    "dbcs": ["An"],
    "cb1": ["An"],
    "cb2": [],
    "cbcs": ["Cường"],
}


def test_dead_member_is_not_counted_from_that_date(tree, members):
    member_end(member=members["Bình"], kind=EventKind.DEATH, on=D(2021, 3, 1))

    assert headcount(tree, D(2021, 2, 28)) == EVERYONE_HOME
    assert headcount(tree, D(2021, 3, 1)) == WITHOUT_BINH


@pytest.mark.parametrize("kind", [EventKind.REMOVAL, EventKind.EXPULSION, EventKind.RESIGNATION])
def test_member_whose_membership_ended_is_not_counted_from_that_date(tree, members, kind):
    # Official by then (a probationary member cannot be expelled); an expulsion comes from its
    # discipline decision, which passes by_discipline.
    member_recognise(member=members["Bình"], decision_date=D(2021, 1, 20))
    member_end(
        member=members["Bình"],
        kind=kind,
        on=D(2021, 3, 1),
        ground=ENDING_GROUNDS[kind][-1],
        by_discipline=kind == EventKind.EXPULSION,
    )

    assert headcount(tree, D(2021, 2, 28)) == EVERYONE_HOME
    assert headcount(tree, D(2021, 3, 1)) == WITHOUT_BINH


def test_member_transferred_out_of_the_bloc_is_not_counted_from_that_date(tree, members):
    member_transfer_out(member=members["Bình"], to_party="Đảng bộ Khối Doanh nghiệp tỉnh", on=D(2021, 3, 1))

    assert headcount(tree, D(2021, 2, 28)) == EVERYONE_HOME
    assert headcount(tree, D(2021, 3, 1)) == WITHOUT_BINH


def test_member_transferred_in_from_outside_counts_from_that_date(tree, members):
    newcomer = make_member(full_name="Phạm Thị Dung")
    member_admit_outside(member=newcomer, other_party="Đảng bộ xã Z", ceremony_date=D(2015, 5, 19))
    member_transfer_in(member=newcomer, to=tree["cb2"], from_party="Đảng bộ xã Z", on=D(2021, 3, 1))

    assert headcount(tree, D(2021, 2, 28)) == EVERYONE_HOME
    assert headcount(tree, D(2021, 3, 1)) == {
        None: ["An", "Bình", "Cường", "Dung"],
        "bloc": ["An", "Bình", "Cường", "Dung"],
        "dbcs": ["An", "Bình", "Dung"],
        "cb1": ["An"],
        "cb2": ["Bình", "Dung"],
        "cbcs": ["Cường"],
    }


def test_readmitted_member_counts_again_from_the_new_ceremony(tree, members):
    member_end(member=members["Bình"], kind=EventKind.REMOVAL, on=D(2020, 11, 1), ground=EndingGround.WANING)
    member_admit(
        member=members["Bình"],
        organisation=tree["cbcs"],
        ceremony_date=D(2023, 11, 1),
        readmission=True,
        readmission_consent="CV 15-CV/TU",
    )

    assert headcount(tree, D(2023, 10, 31)) == WITHOUT_BINH
    assert headcount(tree, D(2023, 11, 1)) == {
        None: ["An", "Bình", "Cường"],
        "bloc": ["An", "Bình", "Cường"],
        "dbcs": ["An"],
        "cb1": ["An"],
        "cb2": [],
        "cbcs": ["Bình", "Cường"],
    }


# Admissions in a period


def admitted_names(events):
    return sorted(event.member.full_name for event in events.select_related("member"))


def test_admissions_between_includes_both_bounds(tree, members):
    late = make_member(full_name="Võ Minh Em")
    member_admit(member=late, organisation=tree["cb1"], ceremony_date=D(2020, 7, 31))
    outside_the_period = make_member(full_name="Đỗ Thị Giang")
    member_admit(member=outside_the_period, organisation=tree["cb1"], ceremony_date=D(2020, 8, 1))

    assert admitted_names(admissions_between(ADMITTED_ON, D(2020, 7, 31))) == [
        "Lê Văn Cường",
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Võ Minh Em",
    ]
    assert admitted_names(admissions_between(D(2020, 1, 11), D(2020, 8, 1))) == ["Võ Minh Em", "Đỗ Thị Giang"]


def test_admissions_between_within_an_organisation(tree, members):
    assert admitted_names(admissions_between(ADMITTED_ON, ADMITTED_ON, within=tree["dbcs"])) == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
    ]
    assert admitted_names(admissions_between(ADMITTED_ON, ADMITTED_ON, within=tree["cbcs"])) == [
        "Lê Văn Cường"
    ]


def test_admissions_between_counts_where_the_member_was_admitted(tree, members):
    member_transfer(member=members["An"], to=tree["cbcs"], on=D(2020, 6, 1))

    assert admitted_names(admissions_between(ADMITTED_ON, D(2020, 12, 31), within=tree["cb1"])) == [
        "Nguyễn Văn An"
    ]
    assert admitted_names(admissions_between(ADMITTED_ON, D(2020, 12, 31), within=tree["cbcs"])) == [
        "Lê Văn Cường"
    ]


def test_admissions_between_leaves_out_readmissions_and_admissions_outside_the_bloc(tree, members):
    member_end(member=members["Bình"], kind=EventKind.REMOVAL, on=D(2020, 3, 1), ground=EndingGround.WANING)
    member_admit(
        member=members["Bình"],
        organisation=tree["cb2"],
        ceremony_date=D(2023, 6, 1),
        readmission=True,
        readmission_consent="CV 15-CV/TU",
    )
    newcomer = make_member(full_name="Phạm Thị Dung")
    member_admit_outside(member=newcomer, other_party="Đảng bộ xã Z", ceremony_date=D(2023, 6, 1))

    assert admitted_names(admissions_between(D(2023, 2, 1), D(2023, 12, 31))) == []
