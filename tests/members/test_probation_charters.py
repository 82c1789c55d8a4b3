"""Probation under the charter in force on the admission day (members.charters; docs/rules.md):
12 months from the 2011 Charter, the 1930 short charter's lengths by social group, and earlier
charters whose length is not confirmed: recorded as they are, with a warning."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from members.charters import charter_on, probation_ends
from members.deadlines import recognition_overdue
from members.models import Member, MemberEvent
from members.services import member_admit, member_admit_outside, member_recognise, member_transfer_in
from partyblock.core.text import day_text
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


# --- the boundary between the 2006 charter (length not confirmed: warned) and the 2011 Charter ----
# The same rule (members.charters.Probation.enforced) decides in the service, the member form and
# the members import (tests/importing/test_probation_import.py).

LAST_2006 = D(2011, 1, 18)  # the day before the 2011 Charter was adopted
FIRST_2011 = D(2011, 1, 19)


def admitted_in_chi_bo(tree, ceremony):
    member = make_member(full_name="Lê Văn Mới", birth_date=D(1985, 1, 1))
    member_admit(member=member, organisation=tree["cb1"], ceremony_date=ceremony)
    return member


def test_a_day_short_of_twelve_months_under_the_2006_charter_is_kept_with_a_warning(tree):
    member = admitted_in_chi_bo(tree, LAST_2006)

    outcome = member_recognise(member=member, decision_date=D(2012, 1, 17))

    assert outcome.warnings == [
        "Công nhận đảng viên chính thức ngày 17/01/2012: kết nạp ngày 18/01/2011 theo Điều lệ Đảng (Đại hội X, "
        "2006), thời hạn dự bị của Điều lệ đó chưa xác nhận nên ghi nhận theo hồ sơ (không buộc đủ 12 tháng)."
    ]
    assert recognised_on(member) == D(2012, 1, 17)


def test_a_day_short_of_twelve_months_under_the_2011_charter_is_refused(tree):
    member = admitted_in_chi_bo(tree, FIRST_2011)

    with pytest.raises(ValidationError) as excinfo:
        member_recognise(member=member, decision_date=D(2012, 1, 18))

    assert excinfo.value.messages == [
        "Công nhận đảng viên chính thức ngày 18/01/2012: chưa đủ 12 tháng dự bị "
        "(lễ kết nạp 19/01/2011, đủ 12 tháng vào 19/01/2012)."
    ]
    assert member.events.count() == 1


def test_twelve_months_to_the_day_under_the_2011_charter_is_accepted(tree):
    member = admitted_in_chi_bo(tree, FIRST_2011)

    assert member_recognise(member=member, decision_date=D(2012, 1, 19)).warnings == []
    assert recognised_on(member) == D(2012, 1, 19)


def recognition_form(chi_bo, ceremony, decided):
    return {
        "full_name": "Trần Thị Bích",
        "gender": "nu",
        "birth_date": "03/04/1985",
        "ethnicity": "Kinh",
        "religion": "Không",
        "theory_level": "",
        **{
            f"{prefix}-{key}": value for prefix in ("cards", "periods") for key, value in EMPTY_INLINE.items()
        },
        **{f"events-{key}": value for key, value in EMPTY_INLINE.items()},
        "events-TOTAL_FORMS": "2",
        "events-0-kind": "ket_nap",
        "events-0-date": day_text(ceremony),
        "events-0-organisation": chi_bo.pk,
        "events-1-kind": "chinh_thuc",
        "events-1-decision_date": day_text(decided),
    }


EMPTY_INLINE = {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}


def post_member(client, tree, ceremony, decided):
    data = recognition_form(tree["cb1"], ceremony, decided)
    return client.post(reverse("admin:members_member_add"), data, follow=True)


@pytest.fixture
def staff(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("quantri", password="x"))
    return client


def test_the_member_form_keeps_a_short_probation_under_the_2006_charter_with_a_warning(staff, tree):
    response = post_member(staff, tree, LAST_2006, D(2012, 1, 17))

    assert (
        "Công nhận đảng viên chính thức ngày 17/01/2012: kết nạp ngày 18/01/2011 theo Điều lệ Đảng (Đại hội X, "
        "2006), thời hạn dự bị của Điều lệ đó chưa xác nhận nên ghi nhận theo hồ sơ (không buộc đủ 12 tháng)."
        in [str(m) for m in response.context["messages"]]
    )
    assert list(MemberEvent.objects.order_by("date").values_list("kind", "date", "decision_date")) == [
        ("ket_nap", LAST_2006, None),
        ("chinh_thuc", D(2012, 1, 17), D(2012, 1, 17)),
    ]


def test_the_member_form_refuses_a_short_probation_under_the_2011_charter(staff, tree):
    response = post_member(staff, tree, FIRST_2011, D(2012, 1, 18))

    assert response.context["inline_admin_formsets"][0].formset.non_form_errors() == [
        "Công nhận đảng viên chính thức ngày 18/01/2012: chưa đủ 12 tháng dự bị "
        "(lễ kết nạp 19/01/2011, đủ 12 tháng vào 19/01/2012)."
    ]
    assert Member.objects.count() == 0


def test_the_member_form_accepts_twelve_months_to_the_day_under_the_2011_charter(staff, tree):
    response = post_member(staff, tree, FIRST_2011, D(2012, 1, 19))

    assert response.redirect_chain, response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert MemberEvent.objects.get(kind="chinh_thuc").date == D(2012, 1, 19)
