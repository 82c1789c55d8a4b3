"""Cards and badges under the Party's rules (docs/rules.md): no card for a probationary member; the
badge is lost by expulsion and given back if the expulsion is withdrawn; posthumous awards; the
seriously ill proposed for an early badge."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from inspections.models import DecidingBody, DisciplineForm
from inspections.services import discipline_decide, discipline_withdraw
from members.badges import early_badge_candidates
from members.models import EventKind, MemberCard, PartyBadge, SickLeave
from members.services import (
    card_issue,
    member_admit_outside,
    member_end,
    member_recognise,
    member_transfer_in,
)
from tests.members.conftest import make_member
from tests.members.test_admin import change_page_data

D = datetime.date


def test_no_card_for_a_probationary_member(admitted):
    with pytest.raises(ValidationError) as refused:
        card_issue(member=admitted, number="30.000901", issued_on=D(2021, 1, 9))
    assert refused.value.message_dict == {
        "issued_on": [
            "Thẻ đảng viên chỉ cấp cho đảng viên chính thức; ngày 09/01/2021 Nguyễn Văn An còn là đảng viên dự bị."
        ]
    }
    assert MemberCard.objects.count() == 0


def test_a_card_from_the_day_probation_ends(admitted):
    member_recognise(member=admitted, decision_date=D(2021, 1, 20))  # official from 10/01/2021

    assert card_issue(member=admitted, number="30.000902", issued_on=D(2021, 1, 10)).number == "30.000902"


@pytest.mark.django_db
def test_the_admin_refuses_a_card_for_a_probationary_member(admin_client, admitted):
    url = reverse("admin:members_member_change", args=[admitted.pk])
    data = change_page_data(admin_client.get(url))
    total = int(data["cards-TOTAL_FORMS"])
    data.update(
        {
            "cards-TOTAL_FORMS": total + 1,
            f"cards-{total}-number": "30.000903",
            f"cards-{total}-issued_on": "01/06/2020",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 200
    formset = next(
        f.formset for f in response.context["inline_admin_formsets"] if f.formset.model is MemberCard
    )
    assert formset.errors[total] == {
        "issued_on": [
            "Thẻ đảng viên chỉ cấp cho đảng viên chính thức; ngày 01/06/2020 Nguyễn Văn An còn là đảng viên dự bị."
        ]
    }
    assert MemberCard.objects.count() == 0


# --- badges ---------------------------------------------------------------------------------------


ADMITTED_1990 = D(1990, 5, 20)


def veteran(tree, name="Trần Văn Lâu", admitted_on=ADMITTED_1990, born=1965):
    """Admitted outside the Khối (decision and ceremony the same day), official a year later, in
    Chi bộ Văn phòng since 2005."""
    member = make_member(full_name=name, birth_date=D(born, 1, 1))
    member_admit_outside(
        member=member,
        other_party="Đảng bộ huyện Thanh Hà",
        ceremony_date=admitted_on,
        decision_date=admitted_on,
    )
    member_recognise(member=member, decision_date=admitted_on.replace(year=admitted_on.year + 1))
    member_transfer_in(member=member, to=tree["cb1"], from_party="Đảng bộ huyện Thanh Hà", on=D(2005, 1, 1))
    return member


def award(member, on, **fields):
    badge = PartyBadge(member=member, years=30, awarded_on=on, **fields)
    badge.full_clean()
    badge.save()
    return badge


def test_posthumous_award_for_a_member_who_died(tree):
    member = veteran(tree)
    member_end(member=member, kind=EventKind.DEATH, on=D(2020, 1, 14))

    with pytest.raises(ValidationError) as refused:
        award(member, D(2020, 5, 19))
    assert refused.value.message_dict == {
        "posthumous": ["Trần Văn Lâu đã từ trần ngày 14/01/2020: đánh dấu truy tặng."]
    }

    assert award(member, D(2020, 5, 19), posthumous=True).posthumous is True


def test_posthumous_award_only_for_the_dead(tree):
    with pytest.raises(ValidationError) as refused:
        award(veteran(tree), D(2020, 5, 19), posthumous=True)
    assert refused.value.message_dict == {
        "posthumous": ["Chỉ truy tặng khi đảng viên đã từ trần (hồ sơ Trần Văn Lâu không ghi)."]
    }


def _expel(member, day):
    return discipline_decide(
        member=member,
        form=DisciplineForm.EXPULSION,
        deciding_body=DecidingBody.UBKT,
        decision_number="7-QĐ/UBKTĐUK",
        decision_date=day,
        reason="Vi phạm nghiêm trọng.",
    )


def test_expulsion_revokes_the_badge_and_withdrawal_restores_it(tree):
    member = veteran(tree)
    badge = award(member, D(2020, 5, 19))

    decision = _expel(member, D(2021, 3, 1))
    badge.refresh_from_db()
    assert badge.revoked_on == D(2021, 3, 1)
    with pytest.raises(ValidationError) as refused:
        PartyBadge(member=member, years=40, awarded_on=D(2021, 5, 19)).full_clean()
    assert refused.value.message_dict == {
        "member": ["Trần Văn Lâu đã bị khai trừ ngày 01/03/2021: không trao Huy hiệu Đảng."]
    }

    discipline_withdraw(decision=decision, on=D(2021, 6, 1), withdrawal_decision="2-QĐ/UBKTTU")
    badge.refresh_from_db()
    assert badge.revoked_on is None


def test_the_seriously_ill_are_proposed_for_an_early_badge(tree):
    # 30 years reached on 20/05/2020: within 12 months of 19/05/2019 but not of 18/05/2019.
    ill = veteran(tree, "Nguyễn Văn Ốm")
    SickLeave.objects.create(member=ill, starts_on=D(2019, 1, 1), ends_on=D(2019, 12, 31))
    veteran(tree, "Lê Văn Khỏe")  # not on sick leave

    assert early_badge_candidates(D(2019, 5, 18)) == []
    found = early_badge_candidates(D(2019, 5, 20))
    assert [(d.member.full_name, d.milestone, d.party_age, d.reached_on) for d in found] == [
        ("Nguyễn Văn Ốm", 30, 29, D(2020, 5, 20))
    ]
    assert early_badge_candidates(D(2019, 5, 20), within=tree["cbcs"]) == []


def test_seventy_years_may_come_24_months_early(tree):
    elder = veteran(tree, "Phạm Văn Cụ", admitted_on=D(1952, 5, 20), born=1930)
    PartyBadge.objects.create(member=elder, years=65, awarded_on=D(2017, 5, 19))
    SickLeave.objects.create(member=elder, starts_on=D(2020, 1, 1), ends_on=D(2020, 12, 31))

    assert [d.milestone for d in early_badge_candidates(D(2020, 5, 20))] == [70]
    assert early_badge_candidates(D(2020, 5, 19)) == []


@pytest.mark.django_db
def test_the_badge_due_page_shows_the_early_proposals(admin_client, tree):
    ill = veteran(tree, "Nguyễn Văn Ốm")
    SickLeave.objects.create(member=ill, starts_on=D(2019, 1, 1), ends_on=D(2019, 12, 31))

    response = admin_client.get(reverse("admin:members_partybadge_due"), {"ngay": "02/09/2019"})

    assert [d.member for d in response.context["early"]] == [ill]
    assert "Đề nghị xét tặng sớm (đảng viên đang nghỉ ốm): 1" in response.content.decode()
