"""Party age with every gap (docs/rules.md; QĐ 24-QĐ/TW 2021 §4.5.1-4.5.2): the value each period
carries (`members.party_age`) against a recount from the records, the interruptions' service and
admin inline, and each rule at its boundary."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from members.badges import badges_due
from members.lifecycle import add_months
from members.models import (
    EventKind,
    GapGround,
    MemberEvent,
    MembershipPeriod,
    MembershipStatus,
    PartyLifeGap,
    covering,
)
from members.party_age import ENDS, FIELDS, STARTS, age_on, party_age_on
from members.services import (
    member_admit,
    member_admit_outside,
    member_end,
    member_recognise,
    member_transfer,
    member_transfer_in,
    party_life_gap_record,
    party_life_gaps_apply,
)
from partyblock.audit.models import ActivityLog
from tests.members.conftest import make_member
from tests.members.test_admin import change_page_data

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)


def stored(member, day):
    """Party age on `day` as every report reads it: off the stored period covering the day."""
    return party_age_on(member.periods.filter(covering(day)).first(), day)


def recounted(member, day):
    """Party age on `day` recounted from the records, day by day: each day from the first
    (re)admission decision (else ceremony) up to `day` counts when it lies in a membership (from its
    decision until the day it ended) and in no recorded interruption; only official members (the
    status of the day) have one. Independent of `members.party_age`'s interval arithmetic."""
    period = member.periods.filter(covering(day)).first()
    if period is None or period.status != MembershipStatus.OFFICIAL:
        return None, None
    events = sorted(
        member.events.filter(kind__in=[*STARTS, *ENDS]).values_list("kind", "date", "decision_date"),
        key=lambda e: e[1],
    )
    memberships = []
    for kind, date, decision_date in events:
        if kind in STARTS:
            memberships.append([decision_date or date, None])
        elif memberships[-1][1] is None:
            memberships[-1][1] = date
    gaps = list(member.party_life_gaps.values_list("starts_on", "ends_on"))
    counted, current = 0, memberships[0][0]
    while current < day:
        in_membership = any(s <= current and (e is None or current < e) for s, e in memberships)
        in_gap = any(s <= current and (e is None or current <= e) for s, e in gaps)
        counted += in_membership and not in_gap
        current += ONE_DAY
    counted_from = day - datetime.timedelta(days=counted)
    return age_on(counted_from, day), counted_from


@pytest.fixture
def veteran(tree):
    """Cả: admitted outside in 1965 (decision 10/01, ceremony 03/02), lost contact for two years
    (1990-1991), a transfer not registered in time (4 months of 2001), in the Khối from 2000, moved
    four times, expelled in 2014 and readmitted in 2018 (decision 01/03, ceremony 19/05)."""
    member = make_member(full_name="Hoàng Văn Cả", birth_date=D(1944, 8, 19))
    member_admit_outside(
        member=member,
        other_party="Đảng bộ huyện Thanh Hà",
        ceremony_date=D(1965, 2, 3),
        decision_date=D(1965, 1, 10),
    )
    member_recognise(member=member, decision_date=D(1966, 2, 10))
    member_transfer_in(member=member, to=tree["cb1"], from_party="Đảng bộ huyện Thanh Hà", on=D(2000, 3, 1))
    for to, on in (
        ("cb2", D(2003, 1, 1)),
        ("cbcs", D(2006, 1, 1)),
        ("cb1", D(2009, 1, 1)),
        ("cb2", D(2012, 1, 1)),
    ):
        member_transfer(member=member, to=tree[to], on=on)
    member_end(member=member, kind=EventKind.EXPULSION, on=D(2014, 3, 1), by_discipline=True)
    member_admit(
        member=member,
        organisation=tree["cb2"],
        ceremony_date=D(2018, 5, 19),
        decision_date=D(2018, 3, 1),
        readmission=True,
        readmission_consent="Văn bản 12-CV/TU ngày 15/02/2018",
    )
    member_recognise(member=member, decision_date=D(2019, 5, 25))
    party_life_gap_record(
        member=member, ground=GapGround.LOST_CONTACT, starts_on=D(1990, 1, 1), ends_on=D(1991, 12, 31)
    )
    party_life_gap_record(
        member=member,
        ground=GapGround.TRANSFER_GAP,
        starts_on=D(2001, 2, 1),
        ends_on=D(2001, 5, 31),
        note="Không đăng ký sinh hoạt đúng hạn",
    )
    return member


def test_the_stored_party_age_equals_a_recount_from_the_records(veteran):
    days = [D(1966, 2, 3), D(1989, 12, 31), D(1990, 6, 1), D(1992, 1, 1), D(2001, 3, 1), D(2001, 6, 1)]
    days += [D(2013, 12, 31), D(2019, 5, 19), D(2020, 2, 3), D(2025, 9, 2), D(2026, 11, 7)]
    for day in days:
        assert stored(veteran, day) == recounted(veteran, day), day


def test_the_veterans_milestones_fall_after_every_gap(veteran):
    """Not counted: 2 years of lost contact (730 days), 4 months of transfer (120 days), the time
    between the expulsion and the readmission decision (01/03/2014 - 01/03/2018, 1,461 days)."""
    out = 730 + 120 + (D(2018, 3, 1) - D(2014, 3, 1)).days
    counted_from = D(1965, 1, 10) + datetime.timedelta(days=out)
    assert stored(veteran, D(2020, 1, 1)) == (age_on(counted_from, D(2020, 1, 1)), counted_from)
    fifty = add_months(counted_from, 12 * 50)
    assert stored(veteran, fifty)[0] == 50
    assert stored(veteran, fifty - ONE_DAY)[0] == 49
    # Without any gap the 50 years would have come in January 2015, when he was out of the Party.
    assert stored(veteran, D(2015, 6, 1)) == (None, None)


def test_while_in_a_gap_party_age_stands_still(veteran):
    before = stored(veteran, D(1989, 12, 31))[0]
    assert stored(veteran, D(1990, 1, 1)) == recounted(veteran, D(1990, 1, 1))
    assert stored(veteran, D(1991, 12, 31))[0] == before  # 24 years on both days
    period = veteran.periods.get(starts_on=D(1990, 1, 1))
    assert (period.party_age_from, period.ends_on) == (None, D(1992, 1, 1))  # the gap is a period


def test_a_gap_moves_the_badge_to_the_award_day_after_its_length(tree):
    member = make_member(full_name="Lý Văn Lạc", birth_date=D(1960, 1, 1))
    member_admit_outside(
        member=member, other_party="Đảng bộ huyện", ceremony_date=D(1990, 2, 3), decision_date=D(1990, 2, 3)
    )
    member_recognise(member=member, decision_date=D(1991, 2, 10))
    member_transfer_in(member=member, to=tree["cb1"], from_party="Đảng bộ huyện", on=D(2005, 3, 1))

    assert [d.member for d in badges_due(D(2020, 2, 3))] == [member]  # 30 years that very day
    party_life_gap_record(
        member=member, ground=GapGround.LOST_CONTACT, starts_on=D(1995, 1, 1), ends_on=D(1995, 1, 1)
    )
    assert badges_due(D(2020, 2, 3)) == []  # one day short
    assert stored(member, D(2020, 2, 4)) == (30, D(1990, 2, 4))
    assert [(d.member, d.milestone) for d in badges_due(D(2020, 5, 19))] == [(member, 30)]


def test_deleting_a_gap_gives_the_days_back(veteran):
    with_gaps = stored(veteran, D(2020, 1, 1))[1]
    party_life_gaps_apply(veteran, delete=list(veteran.party_life_gaps.filter(ground=GapGround.LOST_CONTACT)))
    assert stored(veteran, D(2020, 1, 1))[1] == with_gaps - datetime.timedelta(days=730)
    assert stored(veteran, D(2020, 1, 1)) == recounted(veteran, D(2020, 1, 1))


def test_a_probationary_member_has_no_party_age_even_with_a_gap(tree):
    member = make_member(full_name="Đinh Thị Dự", birth_date=D(1995, 1, 1))
    member_admit(
        member=member, organisation=tree["cb1"], ceremony_date=D(2020, 1, 10), decision_date=D(2020, 1, 2)
    )
    party_life_gap_record(
        member=member, ground=GapGround.LOST_CONTACT, starts_on=D(2020, 3, 1), ends_on=D(2020, 4, 1)
    )
    assert stored(member, D(2020, 6, 1)) == (None, None)
    member_recognise(member=member, decision_date=D(2021, 1, 20))
    assert stored(member, D(2021, 1, 10)) == recounted(member, D(2021, 1, 10))
    assert stored(member, D(2021, 1, 10))[1] == D(2020, 1, 2) + datetime.timedelta(days=32)


def refusal(member, **gap):
    with pytest.raises(ValidationError) as error:
        party_life_gap_record(member=member, ground=gap.pop("ground", GapGround.LOST_CONTACT), **gap)
    return error.value.messages


def test_gaps_are_refused_with_vietnamese_reasons_and_nothing_is_written(veteran):
    periods = list(veteran.periods.values_list("starts_on", "party_age_from"))
    tomorrow = timezone.localdate() + ONE_DAY
    assert refusal(veteran, starts_on=D(2021, 5, 1), ends_on=D(2021, 4, 1)) == [
        "Ngày kết thúc (01/04/2021) không thể trước ngày bắt đầu (01/05/2021)."
    ]
    assert "Ngày trong tương lai" in refusal(veteran, starts_on=tomorrow)[0]
    assert refusal(veteran, starts_on=D(2015, 1, 1), ends_on=D(2015, 2, 1)) == [
        "Gián đoạn sinh hoạt đảng từ 01/01/2015 đến hết 01/02/2015: không nằm trọn trong thời gian là đảng "
        "viên (từ lễ kết nạp đến khi ra khỏi Đảng); thời gian giữa hai lần vào Đảng đã được trừ theo các sự kiện."
    ]
    assert refusal(veteran, starts_on=D(2014, 1, 1), ends_on=D(2014, 3, 1)) != []  # past the expulsion
    assert refusal(veteran, starts_on=D(1964, 12, 1), ends_on=D(1965, 3, 1)) != []  # before the ceremony
    assert refusal(veteran, starts_on=D(1991, 6, 1), ends_on=D(1992, 6, 1)) == [
        "Gián đoạn sinh hoạt đảng từ 01/06/1991 đến hết 01/06/1992: trùng với thời gian gián đoạn từ 01/01/1990."
    ]
    assert veteran.party_life_gaps.count() == 2
    assert list(veteran.periods.values_list("starts_on", "party_age_from")) == periods


def test_an_open_gap_must_be_closed_before_the_membership_ends(tree):
    member = make_member(full_name="Tạ Văn Xa", birth_date=D(1970, 1, 1))
    member_admit(member=member, organisation=tree["cb1"], ceremony_date=D(2005, 5, 19))
    member_recognise(member=member, decision_date=D(2006, 5, 25))
    gap = party_life_gap_record(member=member, ground=GapGround.LOST_CONTACT, starts_on=D(2020, 1, 1))
    assert stored(member, D(2021, 1, 1)) == (14, D(2005, 5, 19) + datetime.timedelta(days=366))  # 2020
    with pytest.raises(ValidationError) as error:
        member_end(member=member, kind=EventKind.DEATH, on=D(2021, 1, 1))
    assert "không nằm trọn trong thời gian là đảng viên" in error.value.messages[0]
    gap.ends_on = D(2020, 12, 31)
    party_life_gaps_apply(member, change=[gap])
    member_end(member=member, kind=EventKind.DEATH, on=D(2021, 1, 1))
    assert stored(member, D(2021, 1, 1)) == (None, None)


def test_gaps_are_audited(veteran):
    logged = ActivityLog.objects.filter(model="members.partylifegap", action="create")
    assert logged.count() == 2


@pytest.fixture
def staff(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("quantri", password="mat-khau-thu"))
    return client


def test_the_member_page_records_a_gap_and_shows_a_refusal_on_the_form(staff, tree):
    member = make_member(full_name="Mai Văn Trang", birth_date=D(1970, 1, 1))
    member_admit(member=member, organisation=tree["cb1"], ceremony_date=D(2005, 5, 19))
    url = reverse("admin:members_member_change", args=[member.pk])
    data = change_page_data(staff.get(url))
    data.update(
        {
            "party_life_gaps-TOTAL_FORMS": 1,
            "party_life_gaps-0-ground": GapGround.TRANSFER_GAP,
            "party_life_gaps-0-starts_on": "01/01/2004",
            "party_life_gaps-0-ends_on": "01/03/2006",
        }
    )
    response = staff.post(url, data)
    assert response.status_code == 200
    formset = next(
        f.formset for f in response.context["inline_admin_formsets"] if f.formset.model is PartyLifeGap
    )
    assert "không nằm trọn trong thời gian là đảng viên" in formset.non_form_errors()[0]
    assert not member.party_life_gaps.exists()

    data.update({"party_life_gaps-0-starts_on": "01/01/2010", "party_life_gaps-0-ends_on": "01/03/2011"})
    response = staff.post(url, data)
    assert response.status_code == 302
    assert list(member.party_life_gaps.values_list("ground", "starts_on", "ends_on")) == [
        (GapGround.TRANSFER_GAP, D(2010, 1, 1), D(2011, 3, 1))
    ]
    assert member.periods.filter(starts_on=D(2010, 1, 1), party_age_from=None).exists()


def test_the_data_migration_fills_what_the_services_write(veteran, tree):
    """members.0015 fills the columns of periods written before them (no interruption recorded yet):
    the same values the services write, here for members without interruptions."""
    fill = importlib.import_module("members.migrations.0015_fill_party_age").fill
    other = make_member(full_name="Kha Văn Cũ", birth_date=D(1950, 1, 1))
    member_admit(
        member=other, organisation=tree["cb1"], ceremony_date=D(2001, 5, 19), decision_date=D(2001, 4, 30)
    )
    member_recognise(member=other, decision_date=D(2002, 6, 1))
    party_life_gaps_apply(veteran, delete=list(veteran.party_life_gaps.all()))
    written = list(MembershipPeriod.objects.order_by("pk").values_list("pk", *FIELDS))
    MembershipPeriod.objects.update(party_age_from=None, party_days_before=0)
    fill(django_apps, None)
    assert list(MembershipPeriod.objects.order_by("pk").values_list("pk", *FIELDS)) == written
    assert len(written) > 5


def test_the_member_page_checks_events_and_gaps_edited_together(staff, tree):
    """A death recorded while a stored interruption is still open is refused on the form (nothing
    written, no error page); closing the interruption in the same post lets both through."""
    member = make_member(full_name="Lâm Văn Hai", birth_date=D(1950, 1, 1))
    member_admit(member=member, organisation=tree["cb1"], ceremony_date=D(2005, 5, 19))
    member_recognise(member=member, decision_date=D(2006, 5, 25))
    party_life_gap_record(member=member, ground=GapGround.LOST_CONTACT, starts_on=D(2020, 1, 1))
    url = reverse("admin:members_member_change", args=[member.pk])
    data = change_page_data(staff.get(url))
    total = int(data["events-TOTAL_FORMS"])
    data.update(
        {
            "events-TOTAL_FORMS": total + 1,
            f"events-{total}-kind": EventKind.DEATH,
            f"events-{total}-date": "01/01/2021",
        }
    )
    response = staff.post(url, data)
    assert response.status_code == 200
    events = next(
        f.formset for f in response.context["inline_admin_formsets"] if f.formset.model is MemberEvent
    )
    assert "không nằm trọn trong thời gian là đảng viên" in events.non_form_errors()[0]
    assert not member.events.filter(kind=EventKind.DEATH).exists()

    data["party_life_gaps-0-ends_on"] = "31/12/2020"
    response = staff.post(url, data)
    assert response.status_code == 302
    assert member.events.filter(kind=EventKind.DEATH).exists()
    assert list(member.party_life_gaps.values_list("starts_on", "ends_on")) == [
        (D(2020, 1, 1), D(2020, 12, 31))
    ]
    assert stored(member, D(2020, 12, 31)) == recounted(member, D(2020, 12, 31))
