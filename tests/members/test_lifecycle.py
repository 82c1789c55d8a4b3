import datetime

import pytest
from django.core.exceptions import ValidationError

from members.models import EndingGround, EventKind, ExemptionGround, MemberEvent, MembershipPeriod
from members.services import (
    member_admit,
    member_admit_outside,
    member_end,
    member_events_apply,
    member_exempt,
    member_recognise,
    member_suspend,
    member_transfer,
    member_transfer_in,
    member_transfer_out,
    member_transfer_temporarily,
)
from tests.conftest import make_organisation
from tests.members.conftest import make_member
from units.models import OrganisationKind
from units.services import organisation_dissolve

D = datetime.date


def stored():
    """Everything the lifecycle writes, to show that a refused change wrote nothing."""
    return (
        list(MemberEvent.objects.order_by("pk").values_list("pk", "kind", "date", "organisation_id")),
        list(
            MembershipPeriod.objects.order_by("pk").values_list(
                "member_id", "organisation_id", "status", "starts_on", "ends_on"
            )
        ),
    )


def periods(member):
    """(chi bộ code, status, from, until) of the member's stored periods."""
    return [
        (p.organisation.code if p.organisation else None, p.status, p.starts_on, p.ends_on)
        for p in member.periods.select_related("organisation").order_by("starts_on")
    ]


def refused(write, **kwargs):
    """Run a write that must be refused; return its messages after checking nothing was written."""
    before = stored()
    with pytest.raises(ValidationError) as excinfo:
        write(**kwargs)
    assert stored() == before
    assert before != ([], [])  # the refusal is measured against real rows
    return excinfo.value.messages


def refused_from_scratch(write, **kwargs):
    with pytest.raises(ValidationError) as excinfo:
        write(**kwargs)
    assert stored() == ([], [])
    return excinfo.value.messages


# Admission


def test_admission_starts_a_probationary_membership_at_the_ceremony(member, tree):
    outcome = member_admit(
        member=member, organisation=tree["cb1"], ceremony_date=D(2020, 1, 10), decision_date=D(2019, 12, 20)
    )

    assert outcome.warnings == []
    assert periods(member) == [("SOA-VP", "du_bi", D(2020, 1, 10), None)]


def test_admission_under_18_at_the_vote_is_refused(tree):
    member = make_member(birth_date=D(2002, 3, 1))

    messages = refused_from_scratch(
        member_admit,
        member=member,
        organisation=tree["cb1"],
        ceremony_date=D(2020, 3, 5),
        decision_date=D(2020, 2, 20),
    )

    assert messages == [
        "Kết nạp ngày 05/03/2020: người được kết nạp phải đủ 18 tuổi (ngày 20/02/2020 mới 17 tuổi)."
    ]


def test_admission_age_is_taken_at_the_ceremony_when_no_decision_date(tree):
    member = make_member(birth_date=D(2002, 3, 6))

    messages = refused_from_scratch(
        member_admit, member=member, organisation=tree["cb1"], ceremony_date=D(2020, 3, 5)
    )

    assert messages == [
        "Kết nạp ngày 05/03/2020: người được kết nạp phải đủ 18 tuổi (ngày 05/03/2020 mới 17 tuổi)."
    ]


def test_admission_on_the_18th_birthday_is_accepted(tree):
    member = make_member(birth_date=D(2002, 3, 5))

    # The age counts on the chi bộ's vote; without its date a ceremony so near the birthday is warned about.
    outcome = member_admit(
        member=member, organisation=tree["cb1"], ceremony_date=D(2020, 3, 5), vote_date=D(2020, 3, 5)
    )

    assert outcome.warnings == []
    assert periods(member) == [("SOA-VP", "du_bi", D(2020, 3, 5), None)]


def test_admission_over_60_is_warned_but_recorded(tree):
    member = make_member(birth_date=D(1958, 1, 1))

    outcome = member_admit(
        member=member, organisation=tree["cb1"], ceremony_date=D(2020, 1, 10), decision_date=D(2020, 1, 2)
    )

    assert outcome.warnings == [
        "Kết nạp ngày 10/01/2020: người được kết nạp đã 62 tuổi (quá 60 tuổi): cần ý kiến đồng ý của Tỉnh ủy."
    ]
    assert outcome.event.pk is not None
    assert periods(member) == [("SOA-VP", "du_bi", D(2020, 1, 10), None)]


def test_admission_a_month_past_the_60th_birthday_is_warned(tree):
    member = make_member(birth_date=D(1960, 1, 10))

    outcome = member_admit(member=member, organisation=tree["cb1"], ceremony_date=D(2020, 2, 10))

    assert outcome.warnings == [
        "Kết nạp ngày 10/02/2020: người được kết nạp đã 60 tuổi 1 tháng (quá 60 tuổi): cần ý kiến đồng ý của Tỉnh ủy."
    ]


def test_temporary_transfer_to_the_home_chi_bo_is_refused(tree):
    member = make_member()
    member_admit(member=member, organisation=tree["cb1"], ceremony_date=D(2015, 1, 10))

    with pytest.raises(ValidationError) as refused:
        member_transfer_temporarily(member=member, on=D(2016, 1, 1), until=D(2016, 6, 30), host=tree["cb1"])

    assert refused.value.messages == [
        "Chuyển sinh hoạt tạm thời ngày 01/01/2016: không thể chuyển sinh hoạt tạm thời đến chính chi bộ đang sinh hoạt."
    ]


def test_admission_on_the_60th_birthday_is_not_warned(tree):
    member = make_member(birth_date=D(1960, 1, 10))

    outcome = member_admit(member=member, organisation=tree["cb1"], ceremony_date=D(2020, 1, 10))

    assert outcome.warnings == []


def test_admission_into_a_dang_bo_co_so_is_refused(member, tree):
    messages = refused_from_scratch(
        member_admit, member=member, organisation=tree["dbcs"], ceremony_date=D(2020, 1, 10)
    )

    assert messages == [
        "Kết nạp ngày 10/01/2020: Đảng bộ Sở A là đảng bộ cơ sở; "
        "đảng viên sinh hoạt tại chi bộ (chi bộ cơ sở hoặc chi bộ trực thuộc)."
    ]


def test_admission_into_a_chi_bo_not_yet_founded_is_refused(member, tree):
    chi_bo = make_organisation(
        "SOA-MOI",
        OrganisationKind.CHI_BO_TRUC_THUOC,
        tree["dbcs"],
        founded_on=D(2021, 1, 1),
        name="Chi bộ Mới",
    )

    messages = refused_from_scratch(
        member_admit, member=member, organisation=chi_bo, ceremony_date=D(2020, 12, 31)
    )

    assert messages == ["Kết nạp ngày 31/12/2020: Chi bộ Mới chưa thành lập (thành lập ngày 01/01/2021)."]


def test_ceremony_before_the_decision_is_refused(member, tree):
    messages = refused_from_scratch(
        member_admit,
        member=member,
        organisation=tree["cb1"],
        ceremony_date=D(2020, 1, 10),
        decision_date=D(2020, 1, 11),
    )

    assert messages == ["Kết nạp: lễ kết nạp (10/01/2020) không thể trước ngày quyết định (11/01/2020)."]


def test_admission_needs_a_chi_bo_or_an_outside_organisation(member, tree):
    messages = refused_from_scratch(
        member_admit, member=member, organisation=None, ceremony_date=D(2020, 1, 10)
    )

    assert messages == ["Kết nạp: cần chọn chi bộ (hoặc ghi tổ chức ngoài Khối nơi kết nạp)."]


def test_admission_outside_the_bloc_is_membership_outside_any_chi_bo(member, tree):
    member_admit_outside(member=member, other_party="Đảng bộ xã X", ceremony_date=D(2020, 1, 10))

    assert periods(member) == [(None, "du_bi", D(2020, 1, 10), None)]


# Recognition as official member


def test_recognition_decided_before_12_months_is_refused(admitted):
    messages = refused(member_recognise, member=admitted, decision_date=D(2021, 1, 9))

    assert messages == [
        "Công nhận đảng viên chính thức ngày 09/01/2021: chưa đủ 12 tháng dự bị "
        "(lễ kết nạp 10/01/2020, đủ 12 tháng vào 10/01/2021)."
    ]


def test_recognition_decided_on_the_day_probation_ends_is_accepted(admitted):
    outcome = member_recognise(member=admitted, decision_date=D(2021, 1, 10))

    assert outcome.event.date == D(2021, 1, 10)
    assert periods(admitted) == [
        ("SOA-VP", "du_bi", D(2020, 1, 10), D(2021, 1, 10)),
        ("SOA-VP", "chinh_thuc", D(2021, 1, 10), None),
    ]


def test_recognition_decided_late_takes_effect_when_probation_ends(admitted):
    outcome = member_recognise(member=admitted, decision_date=D(2021, 3, 15), decision_number="12-QĐ/ĐUK")

    stored_event = MemberEvent.objects.get(pk=outcome.event.pk)
    assert (stored_event.date, stored_event.decision_date) == (D(2021, 1, 10), D(2021, 3, 15))
    assert periods(admitted) == [
        ("SOA-VP", "du_bi", D(2020, 1, 10), D(2021, 1, 10)),
        ("SOA-VP", "chinh_thuc", D(2021, 1, 10), None),
    ]


def test_probation_from_29_february_ends_on_28_february(member, tree):
    member_admit(member=member, organisation=tree["cb1"], ceremony_date=D(2020, 2, 29))

    outcome = member_recognise(member=member, decision_date=D(2021, 3, 1))

    assert outcome.event.date == D(2021, 2, 28)


def test_recognition_with_an_effective_date_other_than_the_end_of_probation_is_refused(admitted):
    event = MemberEvent(kind=EventKind.RECOGNITION, date=D(2021, 3, 15), decision_date=D(2021, 3, 15))

    messages = refused(member_events_apply, member=admitted, add=[event])

    assert messages == [
        "Công nhận đảng viên chính thức: ngày hiệu lực phải là ngày đủ 12 tháng dự bị (10/01/2021), "
        "không phải 15/03/2021."
    ]


def test_second_recognition_is_refused(admitted):
    member_recognise(member=admitted, decision_date=D(2021, 1, 20))

    messages = refused(member_recognise, member=admitted, decision_date=D(2021, 2, 1))

    assert messages == [
        "Công nhận đảng viên chính thức ngày 10/01/2021: đảng viên đã là đảng viên chính thức."
    ]


def test_recognition_without_an_admission_is_refused(member, tree):
    messages = refused_from_scratch(member_recognise, member=member, decision_date=D(2021, 2, 1))

    assert messages == [
        "Công nhận đảng viên chính thức: chưa có sự kiện kết nạp trước đó để tính ngày đủ 12 tháng dự bị."
    ]


def test_removing_a_probationary_member_ends_the_membership(admitted):
    member_end(member=admitted, kind=EventKind.REMOVAL, on=D(2021, 1, 20), ground=EndingGround.NOT_RECOGNISED)

    assert periods(admitted) == [("SOA-VP", "du_bi", D(2020, 1, 10), D(2021, 1, 20))]


# Chronological order


def test_transfer_before_admission_is_refused(admitted, tree):
    messages = refused(member_transfer, member=admitted, to=tree["cb2"], on=D(2019, 12, 1))

    assert messages == [
        "Chuyển sinh hoạt chính thức trong Khối ngày 01/12/2019: "
        "sự kiện không theo trình tự thời gian — đảng viên chưa được kết nạp."
    ]


def test_event_after_death_is_refused(admitted, tree):
    member_end(member=admitted, kind=EventKind.DEATH, on=D(2022, 5, 1))

    messages = refused(member_transfer, member=admitted, to=tree["cb2"], on=D(2022, 6, 1))

    assert messages == [
        "Chuyển sinh hoạt chính thức trong Khối ngày 01/06/2022: "
        "đảng viên đã từ trần nên không thể ghi thêm sự kiện này."
    ]


def test_death_recorded_before_an_existing_later_event_is_refused(admitted, tree):
    member_transfer(member=admitted, to=tree["cb2"], on=D(2022, 6, 1))

    messages = refused(member_end, member=admitted, kind=EventKind.DEATH, on=D(2022, 5, 1))

    assert messages == [
        "Chuyển sinh hoạt chính thức trong Khối ngày 01/06/2022: "
        "đảng viên đã từ trần nên không thể ghi thêm sự kiện này."
    ]


def test_readmission_after_death_is_refused(admitted, tree):
    member_end(member=admitted, kind=EventKind.DEATH, on=D(2022, 5, 1))

    messages = refused(
        member_admit, member=admitted, organisation=tree["cb2"], ceremony_date=D(2023, 1, 1), readmission=True
    )

    assert messages == [
        "Kết nạp lại ngày 01/01/2023: đảng viên đã từ trần nên không thể ghi thêm sự kiện này."
    ]


@pytest.mark.parametrize(
    ("kind", "phrase"),
    [
        (EventKind.REMOVAL, "bị xóa tên"),
        (EventKind.EXPULSION, "bị khai trừ"),
        (EventKind.RESIGNATION, "ra khỏi Đảng"),
    ],
)
def test_event_after_the_membership_ended_is_refused(admitted, tree, kind, phrase):
    member_recognise(member=admitted, decision_date=D(2021, 1, 20))
    ground = {EventKind.REMOVAL: EndingGround.WANING, EventKind.RESIGNATION: EndingGround.RESIGNED}.get(
        kind, ""
    )
    member_end(member=admitted, kind=kind, on=D(2022, 5, 1), ground=ground, by_discipline=True)

    messages = refused(member_exempt, member=admitted, on=D(2022, 6, 1), ground=ExemptionGround.AGE)

    assert messages == [
        f"Miễn công tác và sinh hoạt đảng ngày 01/06/2022: đảng viên đã {phrase} nên không thể ghi thêm sự kiện này."
    ]


def test_deleting_an_admission_that_later_events_need_is_refused(admitted, tree):
    member_transfer(member=admitted, to=tree["cb2"], on=D(2021, 6, 1))
    admission = admitted.events.get(kind=EventKind.ADMISSION)

    messages = refused(member_events_apply, member=admitted, delete=[admission])

    assert messages == [
        "Chuyển sinh hoạt chính thức trong Khối ngày 01/06/2021: "
        "sự kiện không theo trình tự thời gian — đảng viên chưa được kết nạp."
    ]


def test_ending_membership_with_another_kind_of_event_is_an_error(admitted):
    with pytest.raises(ValueError):
        member_end(member=admitted, kind=EventKind.TRANSFER, on=D(2022, 5, 1))


# Transfers


def test_transfer_moves_member_on_that_date(admitted, tree):
    member_transfer(member=admitted, to=tree["cb2"], on=D(2021, 6, 1))

    assert periods(admitted) == [
        ("SOA-VP", "du_bi", D(2020, 1, 10), D(2021, 6, 1)),
        ("SOA-KT", "du_bi", D(2021, 6, 1), None),
    ]


def test_transfer_into_an_organisation_dissolved_that_day_is_refused(admitted, tree):
    organisation_dissolve(organisation=tree["cb2"], on=D(2021, 3, 1))

    messages = refused(member_transfer, member=admitted, to=tree["cb2"], on=D(2021, 3, 1))

    assert messages == [
        "Chuyển sinh hoạt chính thức trong Khối ngày 01/03/2021: Chi bộ Kế toán đã giải thể từ ngày 01/03/2021."
    ]


def test_transfer_into_an_organisation_the_day_before_it_is_dissolved_is_accepted(admitted, tree):
    chi_bo = tree["cb2"]
    chi_bo.dissolved_on = D(2021, 3, 1)
    chi_bo.save()

    member_transfer(member=admitted, to=chi_bo, on=D(2021, 2, 28))

    assert periods(admitted)[-1] == ("SOA-KT", "du_bi", D(2021, 2, 28), None)


def test_transfer_into_the_current_chi_bo_is_refused(admitted, tree):
    messages = refused(member_transfer, member=admitted, to=tree["cb1"], on=D(2021, 3, 1))

    assert messages == [
        "Chuyển sinh hoạt chính thức trong Khối ngày 01/03/2021: đảng viên đang sinh hoạt tại Chi bộ Văn phòng."
    ]


def test_transfer_within_the_bloc_of_a_member_registered_outside_is_refused(admitted, tree):
    member_transfer_out(member=admitted, to_party="Đảng bộ Khối Doanh nghiệp", on=D(2021, 3, 1))

    messages = refused(member_transfer, member=admitted, to=tree["cb2"], on=D(2021, 6, 1))

    assert messages == [
        "Chuyển sinh hoạt chính thức trong Khối ngày 01/06/2021: "
        "đảng viên đang sinh hoạt ngoài Khối; hãy ghi là chuyển đến từ ngoài Khối."
    ]


def test_transfer_in_of_a_member_registered_in_the_bloc_is_refused(admitted, tree):
    messages = refused(
        member_transfer_in, member=admitted, to=tree["cb2"], from_party="Đảng bộ xã X", on=D(2021, 6, 1)
    )

    assert messages == [
        "Chuyển sinh hoạt chính thức đến từ ngoài Khối ngày 01/06/2021: "
        "đảng viên đang sinh hoạt trong Khối; hãy ghi là chuyển trong Khối."
    ]


def test_transfer_out_and_back_in(admitted, tree):
    member_transfer_out(member=admitted, to_party="Đảng bộ Khối Doanh nghiệp", on=D(2021, 3, 1))
    member_transfer_in(
        member=admitted, to=tree["cbcs"], from_party="Đảng bộ Khối Doanh nghiệp", on=D(2022, 3, 1)
    )

    assert periods(admitted) == [
        ("SOA-VP", "du_bi", D(2020, 1, 10), D(2021, 3, 1)),
        (None, "du_bi", D(2021, 3, 1), D(2022, 3, 1)),
        ("SOB", "du_bi", D(2022, 3, 1), None),
    ]


# Second admission and readmission


def test_second_admission_without_an_ending_is_refused(admitted, tree):
    messages = refused(member_admit, member=admitted, organisation=tree["cb2"], ceremony_date=D(2022, 3, 1))

    assert messages == [
        "Kết nạp ngày 01/03/2022: đảng viên đang sinh hoạt đảng; chỉ kết nạp lại sau khi đã ra khỏi Đảng."
    ]


def test_readmission_of_a_current_member_is_refused(admitted, tree):
    messages = refused(
        member_admit, member=admitted, organisation=tree["cb2"], ceremony_date=D(2022, 3, 1), readmission=True
    )

    assert messages == [
        "Kết nạp lại ngày 01/03/2022: đảng viên đang sinh hoạt đảng; chỉ kết nạp lại sau khi đã ra khỏi Đảng."
    ]


def test_readmission_of_someone_never_admitted_is_refused(member, tree):
    messages = refused_from_scratch(
        member_admit, member=member, organisation=tree["cb2"], ceremony_date=D(2022, 3, 1), readmission=True
    )

    assert messages == ["Kết nạp lại ngày 01/03/2022: chưa từng ra khỏi Đảng nên không thể kết nạp lại."]


def test_new_admission_after_an_ending_must_be_recorded_as_readmission(admitted, tree):
    member_end(member=admitted, kind=EventKind.RESIGNATION, on=D(2021, 6, 1), ground=EndingGround.RESIGNED)

    messages = refused(member_admit, member=admitted, organisation=tree["cb2"], ceremony_date=D(2023, 3, 1))

    assert messages == [
        "Kết nạp ngày 01/03/2023: đảng viên đã từng được kết nạp; lần này phải ghi là kết nạp lại."
    ]


def test_readmission_after_an_ending_starts_a_new_probationary_period(admitted, tree):
    member_recognise(member=admitted, decision_date=D(2021, 1, 20))
    member_end(member=admitted, kind=EventKind.REMOVAL, on=D(2021, 6, 1), ground=EndingGround.UNPAID_DUES)

    outcome = member_admit(
        member=admitted,
        organisation=tree["cb2"],
        ceremony_date=D(2024, 6, 15),
        decision_date=D(2024, 6, 1),
        readmission=True,
        readmission_consent="Công văn 120-CV/TU ngày 10/5/2024",
    )

    assert outcome.warnings == []
    assert periods(admitted) == [
        ("SOA-VP", "du_bi", D(2020, 1, 10), D(2021, 1, 10)),
        ("SOA-VP", "chinh_thuc", D(2021, 1, 10), D(2021, 6, 1)),
        ("SOA-KT", "du_bi", D(2024, 6, 15), None),
    ]


@pytest.fixture
def readmitted(admitted, tree):
    """Removed 01/11/2020 while probationary, readmitted into the Kế toán chi bộ on 01/03/2024."""
    member_end(member=admitted, kind=EventKind.REMOVAL, on=D(2020, 11, 1), ground=EndingGround.WANING)
    member_admit(
        member=admitted,
        organisation=tree["cb2"],
        ceremony_date=D(2024, 3, 1),
        readmission=True,
        readmission_consent="CV 15-CV/TU",
    )
    return admitted


def test_probation_after_readmission_counts_from_the_new_ceremony(readmitted):
    outcome = member_recognise(member=readmitted, decision_date=D(2025, 3, 20))

    assert outcome.event.date == D(2025, 3, 1)
    assert periods(readmitted)[-2:] == [
        ("SOA-KT", "du_bi", D(2024, 3, 1), D(2025, 3, 1)),
        ("SOA-KT", "chinh_thuc", D(2025, 3, 1), None),
    ]


def test_recognition_after_readmission_before_the_new_12_months_is_refused(readmitted):
    messages = refused(member_recognise, member=readmitted, decision_date=D(2025, 2, 1))

    assert messages == [
        "Công nhận đảng viên chính thức ngày 01/02/2025: chưa đủ 12 tháng dự bị "
        "(lễ kết nạp 01/03/2024, đủ 12 tháng vào 01/03/2025)."
    ]


# Temporary transfer


TEMPORARY_TRANSFER_REFUSED = [
    "Chuyển sinh hoạt tạm thời ngày 01/02/2021: chuyển sinh hoạt tạm thời phải từ 3 tháng đến 2 năm."
]


@pytest.mark.parametrize("until", [D(2021, 4, 30), D(2023, 1, 31)], ids=["3 months", "2 years"])
def test_temporary_transfer_of_3_months_to_2_years_is_accepted(admitted, tree, until):
    member_transfer_temporarily(member=admitted, on=D(2021, 2, 1), until=until, host=tree["cbcs"])

    assert admitted.events.get(kind=EventKind.TEMPORARY_TRANSFER).end_date == until


@pytest.mark.parametrize("until", [D(2021, 4, 29), D(2023, 2, 1)], ids=["under 3 months", "over 2 years"])
def test_temporary_transfer_outside_3_months_to_2_years_is_refused(admitted, tree, until):
    messages = refused(
        member_transfer_temporarily, member=admitted, on=D(2021, 2, 1), until=until, host=tree["cbcs"]
    )

    assert messages == TEMPORARY_TRANSFER_REFUSED


def test_temporary_transfer_keeps_the_home_chi_bo_and_ends_after_its_last_day(admitted, tree):
    member_transfer_temporarily(member=admitted, on=D(2020, 3, 1), until=D(2020, 8, 31), host=tree["cbcs"])

    rows = list(
        admitted.periods.order_by("starts_on").values_list(
            "organisation__code", "temporary_host__code", "on_temporary_transfer", "starts_on", "ends_on"
        )
    )
    assert rows == [
        ("SOA-VP", None, False, D(2020, 1, 10), D(2020, 3, 1)),
        ("SOA-VP", "SOB", True, D(2020, 3, 1), D(2020, 9, 1)),
        ("SOA-VP", None, False, D(2020, 9, 1), None),
    ]


def test_temporary_transfer_needs_a_host(admitted):
    messages = refused(member_transfer_temporarily, member=admitted, on=D(2021, 2, 1), until=D(2021, 8, 1))

    assert messages == ["Chuyển sinh hoạt tạm thời: cần chọn nơi sinh hoạt tạm thời."]


def test_temporary_transfer_into_a_dissolved_chi_bo_is_refused(admitted, tree):
    organisation_dissolve(organisation=tree["cb2"], on=D(2021, 1, 1))

    messages = refused(
        member_transfer_temporarily, member=admitted, on=D(2021, 2, 1), until=D(2021, 8, 1), host=tree["cb2"]
    )

    assert messages == [
        "Chuyển sinh hoạt tạm thời ngày 01/02/2021: Chi bộ Kế toán đã giải thể từ ngày 01/01/2021."
    ]


# Exemption and suspension


HEALTH_EXEMPTION_REFUSED = [
    "Miễn công tác và sinh hoạt đảng ngày 01/02/2021: "
    "miễn sinh hoạt vì sức khỏe mỗi lần không quá 12 tháng (cần ngày kết thúc)."
]


def test_health_exemption_of_12_months_is_accepted(admitted):
    member_exempt(member=admitted, on=D(2021, 2, 1), until=D(2022, 1, 31), ground=ExemptionGround.HEALTH)

    rows = list(admitted.periods.order_by("starts_on").values_list("is_exempt", "starts_on", "ends_on"))
    assert rows == [
        (False, D(2020, 1, 10), D(2021, 2, 1)),
        (True, D(2021, 2, 1), D(2022, 2, 1)),
        (False, D(2022, 2, 1), None),
    ]


def test_health_exemption_over_12_months_is_refused(admitted):
    messages = refused(
        member_exempt, member=admitted, on=D(2021, 2, 1), until=D(2022, 2, 1), ground=ExemptionGround.HEALTH
    )

    assert messages == HEALTH_EXEMPTION_REFUSED


def test_health_exemption_without_an_end_date_is_refused(admitted):
    messages = refused(member_exempt, member=admitted, on=D(2021, 2, 1), ground=ExemptionGround.HEALTH)

    assert messages == HEALTH_EXEMPTION_REFUSED


def test_exemption_for_age_may_be_open_ended(admitted):
    member_exempt(member=admitted, on=D(2021, 2, 1), ground=ExemptionGround.AGE)

    rows = list(admitted.periods.order_by("starts_on").values_list("is_exempt", "starts_on", "ends_on"))
    assert rows == [(False, D(2020, 1, 10), D(2021, 2, 1)), (True, D(2021, 2, 1), None)]


def test_exemption_needs_a_ground(admitted):
    messages = refused(member_exempt, member=admitted, on=D(2021, 2, 1), ground="")

    assert messages == ["Miễn công tác và sinh hoạt đảng: cần chọn lý do miễn (tuổi cao hoặc sức khỏe)."]


def test_end_date_before_start_is_refused(admitted):
    messages = refused(member_suspend, member=admitted, on=D(2021, 2, 1), until=D(2021, 1, 31))

    assert messages == [
        "Đình chỉ sinh hoạt đảng: ngày kết thúc (31/01/2021) trước ngày bắt đầu (01/02/2021)."
    ]


def test_suspension_marks_the_member_suspended_until_its_last_day(admitted):
    member_suspend(member=admitted, on=D(2021, 2, 1), until=D(2021, 4, 30))

    rows = list(admitted.periods.order_by("starts_on").values_list("is_suspended", "starts_on", "ends_on"))
    assert rows == [
        (False, D(2020, 1, 10), D(2021, 2, 1)),
        (True, D(2021, 2, 1), D(2021, 5, 1)),
        (False, D(2021, 5, 1), None),
    ]


def test_every_problem_is_reported_at_once(admitted, tree):
    events = [
        MemberEvent(kind=EventKind.TRANSFER, date=D(2019, 1, 1), organisation=tree["cb2"]),
        MemberEvent(
            kind=EventKind.TEMPORARY_TRANSFER,
            date=D(2021, 1, 1),
            end_date=D(2021, 2, 1),
            organisation=tree["cbcs"],
        ),
    ]

    messages = refused(member_events_apply, member=admitted, add=events)

    assert messages == [
        "Chuyển sinh hoạt chính thức trong Khối ngày 01/01/2019: "
        "sự kiện không theo trình tự thời gian — đảng viên chưa được kết nạp.",
        "Chuyển sinh hoạt tạm thời ngày 01/01/2021: chuyển sinh hoạt tạm thời phải từ 3 tháng đến 2 năm.",
    ]
