"""Each step of the admission pipeline and its rules, accepted and refused at the boundary."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from members.lifecycle import add_months
from members.models import MemberEvent
from partyblock.admission import services
from partyblock.admission.models import Candidate, Status, Step, UnionBody
from partyblock.admission.queries import at_step, step_counts, step_durations, stuck, with_waiting
from partyblock.core.workdays import working_days_after
from tests.admission.conftest import STEP_VALUES, D, identify, official_member, take_to
from units.models import OrganisationKind

pytestmark = pytest.mark.django_db


def refusal(call):
    with pytest.raises(ValidationError) as error:
        call()
    return " ".join(error.value.messages)


def test_identify_records_the_first_step_and_its_due_day(candidate, tree):
    assert (candidate.step, candidate.step_on, candidate.status) == (
        Step.IDENTIFIED,
        D(2023, 1, 10),
        Status.OPEN,
    )
    assert candidate.due_on == D(2024, 1, 10)  # USUAL_MONTHS: a year to the course
    assert candidate.next_step() == Step.COURSE
    assert candidate.search_name == "nguyen thi hoa"


def test_identify_refuses_an_organisation_that_is_not_a_chi_bo(tree, sponsors):
    message = refusal(lambda: identify(tree["dbcs"]))
    assert "không phải chi bộ" in message
    assert not Candidate.objects.exists()


def test_identify_refuses_a_national_id_of_a_member_naming_no_one(tree, sponsors):
    sponsors["a"].national_id = "030198001234"
    sponsors["a"].save()
    message = refusal(lambda: identify(tree["cb1"]))
    assert "đã có trong hồ sơ đảng viên" in message
    assert sponsors["a"].full_name not in message


def test_one_open_candidacy_per_national_id_but_a_closed_one_may_be_followed(candidate, tree):
    assert "hồ sơ quần chúng đang xem xét" in refusal(lambda: identify(tree["cb2"]))
    services.candidate_close(candidate, status=Status.REJECTED, on=D(2023, 2, 1), reason="Chưa đủ tiêu chuẩn")
    again = identify(tree["cb2"])
    assert again.national_id == candidate.national_id


def test_steps_are_recorded_in_order(candidate, sponsors):
    message = refusal(lambda: services.candidate_record_resume(candidate, verified_on=D(2023, 6, 1)))
    assert "chưa ghi bước “Đã học lớp bồi dưỡng nhận thức về Đảng”" in message
    assert Candidate.objects.get().step == Step.IDENTIFIED


def test_a_step_is_not_dated_before_the_previous_one(candidate):
    values = STEP_VALUES[Step.COURSE](None)
    message = refusal(
        lambda: services.candidate_record_course(candidate, **{**values, "certificate_on": D(2023, 1, 9)})
    )
    assert "trước ngày được xác định là quần chúng ưu tú (10/01/2023)" in message
    outcome = services.candidate_record_course(candidate, **{**values, "certificate_on": D(2023, 1, 10)})
    assert (outcome.candidate.step, outcome.candidate.step_on) == (Step.COURSE, D(2023, 1, 10))


def test_a_step_is_not_dated_after_today(candidate):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    values = {**STEP_VALUES[Step.COURSE](None), "certificate_on": tomorrow}
    assert "Ngày trong tương lai" in refusal(lambda: services.candidate_record_course(candidate, **values))


def test_correcting_a_step_keeps_later_steps_in_order(candidate, sponsors):
    take_to(candidate, Step.RESUME, sponsors)
    values = {**STEP_VALUES[Step.COURSE](sponsors), "certificate_on": D(2023, 6, 2)}
    assert "trước ngày cấp giấy chứng nhận" in refusal(
        lambda: services.candidate_record_course(candidate, **values)
    )
    values = {**STEP_VALUES[Step.COURSE](sponsors), "certificate_number": "126-CN/TTCT"}
    services.candidate_record_course(candidate, **values)
    candidate.refresh_from_db()
    assert (candidate.step, candidate.course_certificate_number) == (Step.RESUME, "126-CN/TTCT")


# --- sponsors ----------------------------------------------------------------------------------------


def test_sponsors_worked_with_the_candidate_twelve_months(candidate, sponsors):
    take_to(candidate, Step.RESUME, sponsors)
    short = {**STEP_VALUES[Step.SPONSORED](sponsors), "sponsor_2_since": D(2022, 7, 4)}
    message = refusal(lambda: services.candidate_record_sponsors(candidate, **short))
    assert "Lê Thị Cúc cùng công tác với người vào Đảng từ 04/07/2022" in message
    assert "chưa đủ 12 tháng" in message
    exact = {**short, "sponsor_2_since": D(2022, 7, 3)}
    assert services.candidate_record_sponsors(candidate, **exact).candidate.step == Step.SPONSORED


def test_a_sponsor_must_be_official_on_the_day(candidate, sponsors, tree):
    take_to(candidate, Step.RESUME, sponsors)
    newcomer = official_member("Đỗ Văn Em", tree["cb1"], ceremony=D(2022, 7, 4))
    values = {
        **STEP_VALUES[Step.SPONSORED](sponsors),
        "sponsor_2": newcomer,
        "sponsor_2_since": D(2021, 1, 1),
    }
    message = refusal(lambda: services.candidate_record_sponsors(candidate, **values))
    assert "Đỗ Văn Em ngày 03/07/2023 còn là đảng viên dự bị" in message
    # Official from 04/07/2023 (12 months after the ceremony): sponsoring that day is accepted.
    values["sponsored_on"] = D(2023, 7, 4)
    assert services.candidate_record_sponsors(candidate, **values).candidate.sponsor_2 == newcomer


def test_a_sponsor_belongs_to_the_candidates_tccs(candidate, sponsors):
    take_to(candidate, Step.RESUME, sponsors)
    values = {**STEP_VALUES[Step.SPONSORED](sponsors), "sponsor_2": sponsors["other_tccs"]}
    assert "không cùng tổ chức cơ sở đảng" in refusal(
        lambda: services.candidate_record_sponsors(candidate, **values)
    )


def test_two_different_sponsors(candidate, sponsors):
    take_to(candidate, Step.RESUME, sponsors)
    values = {**STEP_VALUES[Step.SPONSORED](sponsors), "sponsor_2": sponsors["a"]}
    assert "hai đảng viên khác nhau" in refusal(
        lambda: services.candidate_record_sponsors(candidate, **values)
    )


def test_the_youth_union_replaces_one_sponsor(candidate, sponsors):
    take_to(candidate, Step.RESUME, sponsors)
    values = {
        **STEP_VALUES[Step.SPONSORED](sponsors),
        "sponsor_2": None,
        "sponsor_2_since": None,
        "union_body": UnionBody.YOUTH_UNION,
    }
    assert "cần ghi số, ngày nghị quyết" in refusal(
        lambda: services.candidate_record_sponsors(candidate, **values)
    )
    both = {**values, "union_document": "12-NQ/ĐTN", "sponsor_2": sponsors["b"]}
    assert "chỉ ghi một đảng viên giới thiệu" in refusal(
        lambda: services.candidate_record_sponsors(candidate, **both)
    )
    outcome = services.candidate_record_sponsors(candidate, **{**values, "union_document": "12-NQ/ĐTN"})
    assert outcome.warnings == []
    assert candidate.sponsors_text() == "Trần Văn Bảo; Ban Chấp hành Đoàn TNCS Hồ Chí Minh cơ sở (12-NQ/ĐTN)"


def test_a_second_sponsor_or_the_union_is_needed(candidate, sponsors):
    take_to(candidate, Step.RESUME, sponsors)
    values = {**STEP_VALUES[Step.SPONSORED](sponsors), "sponsor_2": None, "sponsor_2_since": None}
    assert "cần đảng viên giới thiệu thứ hai" in refusal(
        lambda: services.candidate_record_sponsors(candidate, **values)
    )


# --- the chi bộ's vote -------------------------------------------------------------------------------


def test_the_vote_needs_two_thirds_of_official_members(candidate, sponsors, tree):
    official_member("Vũ Văn Giang", tree["cb1"])  # three official members in the chi bộ
    take_to(candidate, Step.SPONSORED, sponsors)
    values = {
        **STEP_VALUES[Step.CHI_BO_VOTE](sponsors),
        "total": 3,
        "present": 3,
        "votes_for": 1,
        "votes_against": 2,
    }
    message = refusal(lambda: services.candidate_record_vote(candidate, **values))
    assert "1/3 đảng viên chính thức tán thành, chưa đủ hai phần ba" in message
    values.update(votes_for=2, votes_against=1)
    outcome = services.candidate_record_vote(candidate, **values)
    assert (outcome.candidate.step, outcome.warnings) == (Step.CHI_BO_VOTE, [])


def test_the_vote_counts_hold_together(candidate, sponsors):
    take_to(candidate, Step.SPONSORED, sponsors)
    values = {**STEP_VALUES[Step.CHI_BO_VOTE](sponsors), "present": 3}
    assert "lớn hơn tổng số đảng viên chính thức" in refusal(
        lambda: services.candidate_record_vote(candidate, **values)
    )
    values = {**STEP_VALUES[Step.CHI_BO_VOTE](sponsors), "votes_against": 1}
    assert "lớn hơn số có mặt" in refusal(lambda: services.candidate_record_vote(candidate, **values))


def test_a_total_that_differs_from_the_records_is_warned_about(candidate, sponsors):
    take_to(candidate, Step.SPONSORED, sponsors)
    values = {**STEP_VALUES[Step.CHI_BO_VOTE](sponsors), "total": 3, "present": 2}
    outcome = services.candidate_record_vote(candidate, **values)
    assert len(outcome.warnings) == 1
    assert (
        "hồ sơ ghi Chi bộ Văn phòng có 2 đảng viên chính thức vào ngày 10/08/2023, biên bản ghi 3"
        in (outcome.warnings[0])
    )


def test_age_at_the_vote_is_at_least_18(tree, sponsors):
    young = identify(tree["cb1"], birth_date=D(2005, 8, 11), national_id=None)
    take_to(young, Step.SPONSORED, sponsors)
    message = refusal(
        lambda: services.candidate_record_vote(young, **STEP_VALUES[Step.CHI_BO_VOTE](sponsors))
    )
    assert "Tuổi người vào Đảng khi chi bộ xét" in message and "phải đủ 18 tuổi" in message
    of_age = identify(tree["cb1"], full_name="Hoàng Văn Khoa", birth_date=D(2005, 8, 10), national_id=None)
    assert take_to(of_age, Step.CHI_BO_VOTE, sponsors).candidate.step == Step.CHI_BO_VOTE


def test_over_60_at_the_vote_is_warned_about(tree, sponsors):
    old = identify(tree["cb1"], birth_date=D(1963, 8, 9), national_id=None)
    outcome = take_to(old, Step.CHI_BO_VOTE, sponsors)
    assert outcome.candidate.step == Step.CHI_BO_VOTE
    assert any("quá 60 tuổi" in w for w in outcome.warnings)


def test_an_expired_certificate_is_warned_about_at_the_vote(candidate, sponsors):
    take_to(candidate, Step.SPONSORED, sponsors)
    Candidate.objects.filter(pk=candidate.pk).update(
        course_certificate_on=D(2018, 8, 9), identified_on=D(2018, 1, 1)
    )
    candidate.refresh_from_db()
    outcome = services.candidate_record_vote(candidate, **STEP_VALUES[Step.CHI_BO_VOTE](sponsors))
    assert ["hết hạn 09/08/2023" in w for w in outcome.warnings] == [True]


# --- resolution, decision, ceremony ------------------------------------------------------------------


def test_a_chi_bo_co_so_has_no_dang_uy_step(tree, sponsors):
    other = official_member("Ngô Văn Lâm", tree["cbcs"])
    candidate = identify(tree["cbcs"], national_id=None)
    assert candidate.organisation.kind == OrganisationKind.CHI_BO_CO_SO
    both = {"a": sponsors["other_tccs"], "b": other}
    take_to(candidate, Step.CHI_BO_VOTE, both)
    message = refusal(
        lambda: services.candidate_record_resolution(candidate, **STEP_VALUES[Step.RESOLUTION](both))
    )
    assert "là chi bộ cơ sở, không có bước đảng ủy cơ sở xét" in message
    outcome = services.candidate_record_decision(candidate, **STEP_VALUES[Step.DECISION](both))
    assert outcome.candidate.step == Step.DECISION


def test_the_dang_uy_below_two_thirds_is_warned_about(candidate, sponsors):
    take_to(candidate, Step.CHI_BO_VOTE, sponsors)
    values = {**STEP_VALUES[Step.RESOLUTION](sponsors), "votes_for": 5}
    outcome = services.candidate_record_resolution(candidate, **values)
    assert outcome.candidate.step == Step.RESOLUTION
    assert ["5/9 cấp ủy viên tán thành" in w for w in outcome.warnings] == [True]


def test_a_late_decision_is_warned_about(candidate, sponsors):
    take_to(candidate, Step.RESOLUTION, sponsors)
    deadline = working_days_after(D(2023, 8, 10), 60)
    assert deadline.weekday() < 5 and deadline > D(2023, 11, 1)
    on_time = services.candidate_record_decision(
        candidate, **{**STEP_VALUES[Step.DECISION](sponsors), "decided_on": deadline}
    )
    assert on_time.warnings == []
    late = services.candidate_record_decision(
        candidate,
        **{**STEP_VALUES[Step.DECISION](sponsors), "decided_on": deadline + datetime.timedelta(days=1)},
    )
    assert [f"hạn quyết định {deadline:%d/%m/%Y}" in w for w in late.warnings] == [True]


def test_the_ceremony_follows_the_decision(candidate, sponsors):
    take_to(candidate, Step.DECISION, sponsors)
    message = refusal(lambda: services.candidate_admit(candidate, ceremony_on=D(2023, 9, 11)))
    assert "ngày lễ kết nạp (11/09/2023) trước ngày quyết định (12/09/2023)" in message
    assert not MemberEvent.objects.filter(date=D(2023, 9, 11)).exists()


def test_a_late_ceremony_is_warned_about(candidate, sponsors):
    take_to(candidate, Step.DECISION, sponsors)
    deadline = working_days_after(D(2023, 9, 12), 30)
    outcome = services.candidate_admit(candidate, ceremony_on=deadline + datetime.timedelta(days=1))
    assert [f"hạn tổ chức lễ {deadline:%d/%m/%Y}" in w for w in outcome.warnings] == [True]
    assert outcome.member is not None


def test_a_refused_admission_writes_nothing(candidate, sponsors, tree):
    take_to(candidate, Step.DECISION, sponsors)
    tree["cb1"].dissolved_on = D(2023, 9, 20)
    tree["cb1"].save()
    assert refusal(lambda: services.candidate_admit(candidate, ceremony_on=D(2023, 10, 2)))
    candidate.refresh_from_db()
    assert (candidate.status, candidate.member, candidate.ceremony_on) == (Status.OPEN, None, None)
    assert not MemberEvent.objects.filter(date=D(2023, 10, 2)).exists()


# --- closing, counting, stuck ------------------------------------------------------------------------


def test_closing_needs_a_reason_and_ends_the_steps(candidate, sponsors):
    assert "cần ghi lý do" in refusal(
        lambda: services.candidate_close(candidate, status=Status.WITHDRAWN, on=D(2023, 2, 1), reason=" ")
    )
    services.candidate_close(candidate, status=Status.WITHDRAWN, on=D(2023, 2, 1), reason="Chuyển công tác")
    candidate.refresh_from_db()
    assert (candidate.status, candidate.closed_on, candidate.due_on) == (
        Status.WITHDRAWN,
        D(2023, 2, 1),
        None,
    )
    message = refusal(lambda: take_to(candidate, Step.COURSE, sponsors))
    assert "đã kết thúc" in message


def test_counts_by_step_and_stuck_read_the_derived_columns(tree, sponsors):
    first = identify(tree["cb1"], national_id=None)
    second = identify(tree["cb2"], full_name="Bùi Văn Minh", national_id=None)
    take_to(second, Step.RESUME, sponsors)
    counts = step_counts()
    assert (counts[Step.IDENTIFIED], counts[Step.RESUME], counts[Step.COURSE]) == (1, 1, 0)
    assert list(at_step(Step.RESUME)) == [second]
    assert second.due_on == add_months(D(2023, 6, 1), 3)
    assert list(stuck(D(2023, 9, 1))) == []  # due that day: not yet late
    assert list(stuck(D(2023, 9, 2))) == [second]
    assert list(stuck(D(2024, 1, 10))) == [second]
    assert list(stuck(D(2024, 1, 11))) == [first, second]
    assert step_counts(within=tree["cbcs"]) == {step: 0 for step in Step if step != Step.ADMITTED}


def test_time_at_each_step(candidate, sponsors):
    take_to(candidate, Step.RESUME, sponsors)
    assert step_durations(candidate, D(2023, 7, 1)) == [
        (Step.IDENTIFIED, D(2023, 1, 10), D(2023, 3, 15), 64),
        (Step.COURSE, D(2023, 3, 15), D(2023, 6, 1), 78),
        (Step.RESUME, D(2023, 6, 1), D(2023, 7, 1), 30),
    ]
    waiting = with_waiting(Candidate.objects.all(), D(2023, 7, 1)).get().waiting
    assert waiting == datetime.timedelta(days=30)
