"""Discipline decisions: which form fits which subject, and expulsion and dissolution taking (and
losing) effect through the foundation's services."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from inspections.models import DecidingBody, DisciplineDecision, DisciplineForm
from inspections.services import discipline_decide, discipline_update, discipline_withdraw
from members.models import EventKind, MemberEvent
from members.queries import members_as_of
from members.services import member_end, member_recognise
from units.models import OrganisationKind
from units.queries import organisations_as_of

D = datetime.date
DECIDED = D(2020, 6, 1)
ORGANISATION_ONLY = "Tổ chức đảng chỉ bị kỷ luật bằng hình thức khiển trách, cảnh cáo hoặc giải tán."
MEMBER_ONLY = "Đảng viên chỉ bị kỷ luật bằng hình thức khiển trách, cảnh cáo, cách chức hoặc khai trừ."
PROBATIONARY_ONLY = (
    "Trần Thị Bình là đảng viên dự bị vào ngày 01/06/2020; "
    "đảng viên dự bị chỉ bị kỷ luật bằng hình thức khiển trách hoặc cảnh cáo."
)


def decide(form, day=DECIDED, effective_on=None, **subject):
    if form == DisciplineForm.DISMISSAL:
        subject.setdefault("post_held", "Phó Bí thư chi bộ")
    return discipline_decide(
        form=form,
        deciding_body=DecidingBody.UBKT,
        decision_number="12-QĐ/UBKTĐUK",
        decision_date=day,
        effective_on=effective_on,
        reason="Vi phạm quy định về những điều đảng viên không được làm.",
        **subject,
    )


def names(members):
    return [m.full_name for m in members]


F = DisciplineForm


@pytest.mark.parametrize(
    ("subject", "form", "refusal"),
    [
        ("organisation", F.REPRIMAND, None),
        ("organisation", F.WARNING, None),
        ("organisation", F.DISSOLUTION, None),
        ("organisation", F.DISMISSAL, ORGANISATION_ONLY),
        ("organisation", F.EXPULSION, ORGANISATION_ONLY),
        ("official", F.REPRIMAND, None),
        ("official", F.WARNING, None),
        ("official", F.DISMISSAL, None),
        ("official", F.EXPULSION, None),
        ("official", F.DISSOLUTION, MEMBER_ONLY),
        ("probationary", F.REPRIMAND, None),
        ("probationary", F.WARNING, None),
        ("probationary", F.DISMISSAL, PROBATIONARY_ONLY),
        ("probationary", F.EXPULSION, PROBATIONARY_ONLY),
        ("probationary", F.DISSOLUTION, PROBATIONARY_ONLY),
    ],
)
def test_each_form_is_accepted_or_refused_for_the_subject_type(people, empty_chi_bo, subject, form, refusal):
    target = {
        "organisation": {"organisation": empty_chi_bo},
        "official": {"member": people["an"]},
        "probationary": {"member": people["binh"]},
    }[subject]
    if refusal is None:
        decision = decide(form, **target)
        assert list(DisciplineDecision.objects.values_list("pk", "form")) == [(decision.pk, form)]
    else:
        with pytest.raises(ValidationError) as refused:
            decide(form, **target)
        assert refused.value.message_dict == {"form": [refusal]}
        assert DisciplineDecision.objects.count() == 0
        assert MemberEvent.objects.filter(kind=EventKind.EXPULSION).count() == 0


def test_status_is_read_on_the_decision_date(people):
    binh = people["binh"]
    member_recognise(member=binh, decision_date=D(2021, 1, 20))  # official from 10/01/2021

    with pytest.raises(ValidationError) as refused:
        decide(F.DISMISSAL, day=D(2021, 1, 9), member=binh)
    assert refused.value.messages == [
        "Trần Thị Bình là đảng viên dự bị vào ngày 09/01/2021; "
        "đảng viên dự bị chỉ bị kỷ luật bằng hình thức khiển trách hoặc cảnh cáo."
    ]
    assert decide(F.DISMISSAL, day=D(2021, 1, 10), member=binh).form == F.DISMISSAL


def test_a_person_who_is_not_a_member_on_the_day_cannot_be_disciplined(people):
    with pytest.raises(ValidationError) as refused:
        decide(F.REPRIMAND, day=D(2019, 1, 1), member=people["binh"])
    assert refused.value.message_dict == {
        "form": ["Trần Thị Bình không phải là đảng viên vào ngày 01/01/2019."]
    }


def test_a_decision_names_one_member_or_one_organisation(people, tree):
    for subject in ({}, {"member": people["an"], "organisation": tree["cb1"]}):
        with pytest.raises(ValidationError) as refused:
            decide(F.REPRIMAND, **subject)
        assert refused.value.messages == ["Chọn đảng viên hoặc tổ chức đảng bị kỷ luật (chỉ một)."]


def test_expulsion_ends_membership_on_its_effective_date(people, tree):
    an = people["an"]
    decision = decide(F.EXPULSION, effective_on=D(2020, 6, 15), member=an)

    assert decision.member_event.kind == EventKind.EXPULSION
    assert decision.member_event.date == D(2020, 6, 15)
    assert decision.member_event.decision_number == "12-QĐ/UBKTĐUK"
    assert names(members_as_of(D(2020, 6, 14), within=tree["cb1"])) == ["Nguyễn Văn An"]
    assert names(members_as_of(D(2020, 6, 15), within=tree["cb1"])) == []
    assert members_as_of(D(2020, 6, 14)).count() == 3
    assert members_as_of(D(2020, 6, 15)).count() == 2


def test_withdrawing_an_expulsion_restores_the_membership_and_the_counts(people, tree):
    an = people["an"]
    decision = decide(F.EXPULSION, member=an)
    assert members_as_of(D(2020, 7, 1)).count() == 2

    discipline_withdraw(decision=decision, on=D(2020, 9, 1), withdrawal_decision="05-QĐ/UBKTTU")

    decision.refresh_from_db()
    assert (decision.withdrawn_on, decision.member_event) == (D(2020, 9, 1), None)
    assert MemberEvent.objects.filter(member=an, kind=EventKind.EXPULSION).count() == 0
    assert names(members_as_of(D(2020, 7, 1), within=tree["cb1"])) == ["Nguyễn Văn An"]
    assert members_as_of(D(2020, 7, 1)).count() == 3


def test_a_decision_is_withdrawn_only_once(people):
    decision = decide(F.WARNING, member=people["an"])
    discipline_withdraw(decision=decision, on=D(2020, 9, 1), withdrawal_decision="05-QĐ/UBKTTU")

    with pytest.raises(ValidationError) as refused:
        discipline_withdraw(decision=decision, on=D(2020, 10, 1), withdrawal_decision="06-QĐ/UBKTTU")
    assert refused.value.messages == ["Quyết định đã bị hủy bỏ từ ngày 01/09/2020."]


def test_expulsion_refused_by_the_lifecycle_rules_writes_nothing(people):
    an = people["an"]
    member_end(member=an, kind=EventKind.DEATH, on=D(2020, 6, 10))

    with pytest.raises(ValidationError) as refused:
        decide(F.EXPULSION, effective_on=D(2020, 6, 20), member=an)
    assert refused.value.messages == [
        "Khai trừ ngày 20/06/2020: đảng viên đã từ trần nên không thể ghi thêm sự kiện này."
    ]
    assert DisciplineDecision.objects.count() == 0
    assert MemberEvent.objects.filter(kind=EventKind.EXPULSION).count() == 0


def test_dissolution_closes_the_organisation_and_withdrawal_reopens_it(people, tree, empty_chi_bo):
    chi_bo = [OrganisationKind.CHI_BO_TRUC_THUOC]
    assert organisations_as_of(D(2020, 6, 1), chi_bo).count() == 3

    decision = decide(F.DISSOLUTION, organisation=empty_chi_bo)
    empty_chi_bo.refresh_from_db()
    assert empty_chi_bo.dissolved_on == DECIDED
    assert organisations_as_of(D(2020, 6, 1), chi_bo).count() == 2

    discipline_withdraw(decision=decision, on=D(2020, 8, 1), withdrawal_decision="07-QĐ/UBKTTU")
    empty_chi_bo.refresh_from_db()
    assert empty_chi_bo.dissolved_on is None
    assert organisations_as_of(D(2020, 6, 1), chi_bo).count() == 3


def test_dissolution_of_an_organisation_with_members_is_refused(people, tree):
    with pytest.raises(ValidationError) as refused:
        decide(F.DISSOLUTION, organisation=tree["cb1"])
    assert refused.value.messages == [
        "Chi bộ Văn phòng còn đảng viên sinh hoạt vào ngày 01/06/2020; hãy chuyển sinh hoạt trước khi giải thể."
    ]
    tree["cb1"].refresh_from_db()
    assert tree["cb1"].dissolved_on is None
    assert DisciplineDecision.objects.count() == 0


def test_a_dissolved_organisation_cannot_be_dissolved_again(tree, empty_chi_bo):
    decide(F.DISSOLUTION, organisation=empty_chi_bo)
    with pytest.raises(ValidationError) as refused:
        decide(F.DISSOLUTION, day=D(2020, 7, 1), organisation=empty_chi_bo)
    assert refused.value.message_dict == {"form": ["Chi bộ Tài vụ không còn hoạt động vào ngày 01/07/2020."]}


def test_corrections_keep_subject_form_and_dates_but_follow_the_number(people):
    decision = decide(F.EXPULSION, member=people["an"])
    decision.decision_number = "13-QĐ/UBKTĐUK"
    discipline_update(decision=decision)
    assert MemberEvent.objects.get(kind=EventKind.EXPULSION).decision_number == "13-QĐ/UBKTĐUK"

    decision.form = F.WARNING
    with pytest.raises(ValidationError) as refused:
        discipline_update(decision=decision)
    assert refused.value.messages == [
        "Không sửa đối tượng, hình thức và ngày của quyết định kỷ luật đã ghi; "
        "hãy hủy bỏ quyết định này và ghi quyết định mới."
    ]


# --- cách chức and the time limit of discipline (QĐ 69-QĐ/TW Art. 4, 7) ----------------------------

NO_POST = (
    "Cách chức chỉ áp dụng với đảng viên đang giữ chức vụ (QĐ 69-QĐ/TW Điều 7); "
    "hồ sơ của Nguyễn Văn An không ghi chức vụ: ghi chức vụ bị cách chức."
)


def test_dismissal_needs_a_post(people):
    with pytest.raises(ValidationError) as refused:
        decide(F.DISMISSAL, member=people["an"], post_held="")
    assert refused.value.message_dict == {"form": [NO_POST]}
    assert DisciplineDecision.objects.count() == 0


def test_dismissal_takes_the_post_from_the_members_profile(people):
    an = people["an"]
    an.position = "Trưởng phòng Kế hoạch"
    an.save()

    assert decide(F.DISMISSAL, member=an, post_held="").post_held == "Trưởng phòng Kế hoạch"


@pytest.mark.parametrize(
    ("form", "violation_on", "accepted"),
    [
        (F.REPRIMAND, D(2018, 3, 1), True),  # decided on the last day of 5 years
        (F.REPRIMAND, D(2018, 2, 28), False),
        (F.WARNING, D(2013, 3, 1), True),  # 10 years
        (F.WARNING, D(2013, 2, 28), False),
        (F.EXPULSION, D(2000, 1, 1), True),  # no time limit
    ],
)
def test_the_time_limit_of_discipline_counts_from_the_violation(people, form, violation_on, accepted):
    an = people["an"]
    if accepted:
        decision = decide(form, day=D(2023, 3, 1), member=an, violation_on=violation_on)
        assert decision.violation_on == violation_on
        return
    with pytest.raises(ValidationError) as refused:
        decide(form, day=D(2023, 3, 1), member=an, violation_on=violation_on)
    years = {F.REPRIMAND: 5, F.WARNING: 10}[form]
    last_day = "28/02/2023"
    assert refused.value.message_dict == {
        "violation_on": [
            f"Đã hết thời hiệu kỷ luật {form.label.lower()} ({years} năm kể từ ngày vi phạm "
            f"{violation_on:%d/%m/%Y}, đến hết ngày {last_day}; QĐ 69-QĐ/TW Điều 4). Nếu vi phạm thuộc "
            "trường hợp không áp dụng thời hiệu, hãy đánh dấu “không áp dụng thời hiệu”."
        ]
    }


def test_a_waived_time_limit_or_a_decision_before_qd_69_is_not_checked(people):
    an = people["an"]
    assert decide(
        F.REPRIMAND, day=D(2023, 3, 1), member=an, violation_on=D(2010, 1, 1), time_limit_waived=True
    )
    assert decide(F.WARNING, day=D(2021, 3, 1), member=an, violation_on=D(2005, 1, 1))


def test_the_violation_cannot_follow_the_decision(people):
    with pytest.raises(ValidationError) as refused:
        decide(F.REPRIMAND, member=people["an"], violation_on=DECIDED + datetime.timedelta(days=1))
    assert refused.value.message_dict == {
        "violation_on": ["Ngày vi phạm không thể sau ngày quyết định kỷ luật."]
    }
