"""Probation under the charter in force on the admission day (members.charters; docs/rules.md):
12 months from the 2011 Charter, the 1930 short charter's lengths by social group, and earlier
charters whose length is not confirmed: recorded as they are, with a warning."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from members.charters import charter_on, probation_ends
from members.deadlines import recognition_overdue
from members.services import member_admit, member_admit_outside, member_recognise, member_transfer_in
from tests.members.conftest import make_member

D = datetime.date


def admitted_outside(ceremony, birth=None):
    member = make_member(full_name="Trần Văn Cũ", birth_date=birth or D(ceremony.year - 25, 1, 1))
    member_admit_outside(member=member, other_party="Đảng bộ huyện Thanh Hà", ceremony_date=ceremony)
    return member


def recognised_on(member):
    return member.events.get(kind="chinh_thuc").date


def test_the_charter_is_the_one_in_force_on_the_ceremony():
    assert charter_on(D(2011, 1, 19)).name == "Điều lệ Đảng (Đại hội XI, 2011)"
    assert charter_on(D(2011, 1, 18)).name == "Điều lệ Đảng (Đại hội X, 2006)"
    assert charter_on(D(1930, 3, 1)).name == "Điều lệ vắn tắt của Đảng (1930)"
    assert probation_ends(D(2015, 3, 1)) == D(2016, 3, 1)
    assert probation_ends(D(1995, 3, 1)) == D(1996, 3, 1)  # not confirmed: 12 months assumed
    assert probation_ends(D(1930, 3, 1)) == D(1930, 12, 1)  # the longest of 3, 6 and 9 months


def test_under_a_charter_not_confirmed_a_shorter_probation_is_kept_with_a_warning(db):
    member = admitted_outside(D(1995, 3, 1))

    outcome = member_recognise(member=member, decision_date=D(1995, 9, 1))

    assert outcome.warnings == [
        "Công nhận đảng viên chính thức ngày 01/09/1995: kết nạp ngày 01/03/1995 theo Điều lệ Đảng (Đại hội VII, "
        "1991), thời hạn dự bị của Điều lệ đó chưa xác nhận nên ghi nhận theo hồ sơ (không buộc đủ 12 tháng)."
    ]
    assert recognised_on(member) == D(1995, 9, 1)
    assert list(member.periods.values_list("status", "starts_on")) == [
        ("du_bi", D(1995, 3, 1)),
        ("chinh_thuc", D(1995, 9, 1)),
    ]


def test_under_a_charter_not_confirmed_twelve_months_need_no_warning(db):
    member = admitted_outside(D(1995, 3, 1))

    assert member_recognise(member=member, decision_date=D(1996, 3, 20)).warnings == []
    assert recognised_on(member) == D(1996, 3, 1)


def test_the_1930_charter_takes_any_of_its_lengths(db):
    member = admitted_outside(D(1930, 3, 1), birth=D(1905, 1, 1))

    assert member_recognise(member=member, decision_date=D(1930, 9, 5)).warnings == []
    assert recognised_on(member) == D(1930, 9, 1)  # 6 months: the longest ended by the decision


def test_the_1930_charter_refuses_a_decision_before_its_shortest_probation(db):
    member = admitted_outside(D(1930, 3, 1), birth=D(1905, 1, 1))

    with pytest.raises(ValidationError) as excinfo:
        member_recognise(member=member, decision_date=D(1930, 5, 1))

    assert excinfo.value.messages == [
        "Công nhận đảng viên chính thức ngày 01/05/1930: chưa hết thời hạn dự bị ngắn nhất theo Điều lệ vắn tắt "
        "của Đảng (1930) (đến 01/06/1930).",
    ]
    assert member.events.count() == 1


def test_from_the_2011_charter_twelve_months_are_required(tree):
    member = make_member(full_name="Lê Văn Mới", birth_date=D(1990, 1, 1))
    member_admit(member=member, organisation=tree["cb1"], ceremony_date=D(2015, 3, 1))

    with pytest.raises(ValidationError) as excinfo:
        member_recognise(member=member, decision_date=D(2015, 9, 1))

    assert excinfo.value.messages == [
        "Công nhận đảng viên chính thức ngày 01/09/2015: chưa đủ 12 tháng dự bị "
        "(lễ kết nạp 01/03/2015, đủ 12 tháng vào 01/03/2016)."
    ]


def test_the_recognition_deadline_follows_the_charter(tree):
    member = admitted_outside(D(2010, 6, 1))  # Điều lệ X: 12 months assumed, ends 01/06/2011
    member_transfer_in(member=member, to=tree["cb1"], from_party="Đảng bộ huyện Thanh Hà", on=D(2010, 9, 1))

    # 30 working days after 01/06/2011 (days off kept as data) are past by 31/07/2011, not by 01/07.
    assert recognition_overdue(D(2011, 7, 1)) == []
    assert [due.probation_ends for due in recognition_overdue(D(2011, 8, 1))] == [D(2011, 6, 1)]
