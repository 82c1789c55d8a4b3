"""The rules each step of the admission pipeline must meet (docs/rules.md, "Admission pipeline").

Each function looks at a candidate whose new step values are already set (unsaved) and returns
(refusals, warnings): lists of Vietnamese messages, each naming the rule it applies. The step
services (`admission.services`) call them; nothing else decides these questions. A rule whose text
could not be confirmed only warns (marked "chưa xác nhận").
"""

from fractions import Fraction

from django.utils import timezone

from members.lifecycle import add_months, admission_age_problem, age_on, fmt
from members.models import MembershipStatus
from members.queries import members_with_status, periods_as_of
from partyblock.core.workdays import working_days_after

from .models import STEP_DATE_FIELDS, Candidate, Step, UnionBody

# Điều lệ Đảng Điều 4.3: the chi bộ proposes when at least two thirds of its official members agree.
VOTE_SHARE = Fraction(2, 3)
# The đảng ủy cơ sở: two thirds of its members (chưa xác nhận: warned, not refused).
RESOLUTION_SHARE = Fraction(2, 3)
# QĐ 24-QĐ/TW 2021 §3.2.1: a sponsor has worked (studied, lived) with the candidate at least 12 months.
SPONSOR_MONTHS_TOGETHER = 12
# The awareness course's certificate is valid 5 years (chưa xác nhận: a warning at the vote).
COURSE_CERTIFICATE_MONTHS = 60
# The Đoàn recommends its members in youth age, 16 to 30 (chưa xác nhận: a warning).
YOUTH_UNION_MAX_AGE = 30
# QĐ 232-QĐ/TW 2025 §4.3.1: the competent committee decides within 60 working days of the chi bộ's
# resolution; QĐ 29 / QĐ 232 §4.1: the ceremony within 30 working days of receiving the decision.
DECISION_WORKING_DAYS = 60
CEREMONY_WORKING_DAYS = 30
# How long a candidate usually stays at a step before the next (the app's choice, not a rule):
# past it the candidate is listed as stuck. Steps with a rule use the rule's deadline instead.
USUAL_MONTHS = {Step.IDENTIFIED: 12, Step.COURSE: 6, Step.RESUME: 3, Step.SPONSORED: 3}
RESOLUTION_WORKING_DAYS = 30

ORDER_RULE = "Trình tự kết nạp (Điều lệ Đảng Điều 4; HD 01-HD/TW)"


def _label(step):
    return f"“{Step(step).label}”"


def _field_label(step):
    return Candidate._meta.get_field(STEP_DATE_FIELDS[step]).verbose_name


def order_problems(candidate, today=None):
    """Steps in order: a step is recorded only after the ones before it, dated no earlier than
    them and not after today; no đảng ủy step for a chi bộ cơ sở's candidate."""
    today = today or timezone.localdate()
    problems = []
    if not candidate.needs_resolution and candidate.resolution_on:
        problems.append(
            f"{ORDER_RULE}: {candidate.organisation.name} là chi bộ cơ sở, không có bước đảng ủy cơ sở xét; "
            "hồ sơ chuyển thẳng lên cấp ủy cấp trên."
        )
    steps = candidate.steps()
    for step in steps:
        if candidate.step_date(step) is None:
            continue
        missing = [earlier for earlier in steps if earlier < step and candidate.step_date(earlier) is None]
        if missing:
            problems.append(
                f"{ORDER_RULE}: chưa ghi bước {_label(missing[0])} nên chưa ghi được bước {_label(step)}."
            )
            return problems
    previous = None  # (step, day) of the last recorded step before
    for step in steps:
        day = candidate.step_date(step)
        if day is None:
            continue
        if day > today:
            problems.append(
                f"{ORDER_RULE}: {_field_label(step)} ({fmt(day)}) sau ngày hôm nay ({fmt(today)})."
            )
        if previous is not None and day < previous[1]:
            problems.append(
                f"{ORDER_RULE}: {_field_label(step)} ({fmt(day)}) trước {_field_label(previous[0])} "
                f"({fmt(previous[1])})."
            )
        previous = (step, day)
    return problems


def identified_problems(candidate):
    organisation, day = candidate.organisation, candidate.identified_on
    refusals = []
    if not organisation.holds_members:
        refusals.append(
            f"Chi bộ bồi dưỡng: {organisation.name} không phải chi bộ; quần chúng do chi bộ (cơ sở hoặc trực "
            "thuộc) bồi dưỡng, xét đề nghị kết nạp (Điều lệ Đảng Điều 4.3)."
        )
    elif not organisation.is_active_on(day):
        refusals.append(f"Chi bộ bồi dưỡng: {organisation.name} không hoạt động vào ngày {fmt(day)}.")
    return refusals, []


def course_problems(candidate):
    refusals = []
    if not candidate.course_certificate_number:
        refusals.append("Lớp bồi dưỡng nhận thức về Đảng: cần ghi số giấy chứng nhận.")
    if not candidate.course_issuer:
        refusals.append("Lớp bồi dưỡng nhận thức về Đảng: cần ghi nơi cấp giấy chứng nhận.")
    return refusals, certificate_warnings(candidate)


def certificate_warnings(candidate):
    """The certificate should still be valid when the chi bộ votes (5 years, chưa xác nhận)."""
    issued, vote = candidate.course_certificate_on, candidate.vote_on
    if issued and vote and vote > add_months(issued, COURSE_CERTIFICATE_MONTHS):
        return [
            f"Giá trị giấy chứng nhận bồi dưỡng nhận thức về Đảng (5 năm, chưa xác nhận): cấp ngày {fmt(issued)}, "
            f"hết hạn {fmt(add_months(issued, COURSE_CERTIFICATE_MONTHS))}, trước ngày chi bộ xét ({fmt(vote)}); "
            "người vào Đảng cần học lại."
        ]
    return []


def resume_problems(candidate):
    return [], []


SPONSOR_RULE = "Người giới thiệu (Điều lệ Đảng Điều 4.2; QĐ 24-QĐ/TW §3.2.1)"


def sponsor_problems(candidate):
    refusals, warnings = [], []
    day = candidate.sponsored_on
    pairs = [(1, candidate.sponsor_1, candidate.sponsor_1_since)]
    if candidate.sponsor_2_id or not candidate.union_body:
        pairs.append((2, candidate.sponsor_2, candidate.sponsor_2_since))
    if candidate.union_body and candidate.sponsor_2_id:
        refusals.append(
            f"{SPONSOR_RULE}: nghị quyết giới thiệu của {candidate.get_union_body_display()} thay cho một đảng viên; "
            "chỉ ghi một đảng viên giới thiệu."
        )
    if candidate.union_body and not candidate.union_document:
        refusals.append(f"{SPONSOR_RULE}: cần ghi số, ngày nghị quyết giới thiệu của tổ chức Đoàn/Công đoàn.")
    if candidate.sponsor_1_id and candidate.sponsor_1_id == candidate.sponsor_2_id:
        refusals.append(f"{SPONSOR_RULE}: hai người giới thiệu phải là hai đảng viên khác nhau.")
    tccs_id = candidate.organisation.grassroots_id
    for number, sponsor, since in pairs:
        if sponsor is None:
            refusals.append(
                f"{SPONSOR_RULE}: cần đảng viên giới thiệu thứ {'nhất' if number == 1 else 'hai'}"
                + (" (hoặc nghị quyết giới thiệu của Đoàn/Công đoàn)." if number == 2 else ".")
            )
            continue
        refusals.extend(_sponsor_standing(sponsor, day, tccs_id))
        if since is None:
            refusals.append(f"{SPONSOR_RULE}: cần ghi ngày bắt đầu cùng công tác với {sponsor.full_name}.")
        elif add_months(since, SPONSOR_MONTHS_TOGETHER) > day:
            refusals.append(
                f"{SPONSOR_RULE}: {sponsor.full_name} cùng công tác với người vào Đảng từ {fmt(since)}, "
                f"đến ngày giới thiệu ({fmt(day)}) chưa đủ 12 tháng (đủ vào {fmt(add_months(since, 12))})."
            )
    if (
        candidate.union_body == UnionBody.YOUTH_UNION
        and age_on(candidate.birth_date, day) > YOUTH_UNION_MAX_AGE
    ):
        warnings.append(
            f"{SPONSOR_RULE}: người vào Đảng đã {age_on(candidate.birth_date, day)} tuổi, quá tuổi đoàn viên "
            "(30, chưa xác nhận); kiểm tra lại tổ chức giới thiệu."
        )
    return refusals, warnings


def _sponsor_standing(sponsor, day, tccs_id):
    """A sponsor is an official member on the day of sponsoring, registered in the candidate's TCCS
    (the same unit under the same đảng bộ / chi bộ cơ sở)."""
    period = periods_as_of(day).filter(member=sponsor).select_related("organisation").first()
    if period is None:
        return [
            f"{SPONSOR_RULE}: {sponsor.full_name} không sinh hoạt trong Đảng bộ Khối vào ngày {fmt(day)}."
        ]
    if period.status != MembershipStatus.OFFICIAL:
        return [
            f"{SPONSOR_RULE}: {sponsor.full_name} ngày {fmt(day)} còn là đảng viên dự bị; người giới thiệu phải là "
            "đảng viên chính thức."
        ]
    if period.organisation.grassroots_id != tccs_id:
        return [
            f"{SPONSOR_RULE}: {sponsor.full_name} sinh hoạt ở {period.organisation.name}, không cùng tổ chức cơ sở "
            "đảng với chi bộ bồi dưỡng người vào Đảng."
        ]
    return []


VOTE_RULE = "Chi bộ xét kết nạp (Điều lệ Đảng Điều 4.3: ít nhất hai phần ba đảng viên chính thức tán thành)"
AGE_RULE = "Tuổi người vào Đảng khi chi bộ xét (QĐ 24-QĐ/TW §1.1)"


def vote_problems(candidate):
    refusals, warnings = [], []
    day, total, present = candidate.vote_on, candidate.vote_total, candidate.vote_present
    votes_for, against = candidate.vote_for, candidate.vote_against
    if None in (total, present, votes_for, against):
        return [
            f"{VOTE_RULE}: cần ghi đủ số đảng viên chính thức, số có mặt, số tán thành và không tán thành."
        ], []
    if total == 0:
        refusals.append(f"{VOTE_RULE}: chi bộ phải có đảng viên chính thức.")
    if present > total:
        refusals.append(f"{VOTE_RULE}: số có mặt ({present}) lớn hơn tổng số đảng viên chính thức ({total}).")
    if votes_for + against > present:
        refusals.append(
            f"{VOTE_RULE}: số tán thành và không tán thành ({votes_for} + {against}) lớn hơn số có mặt ({present})."
        )
    if total and Fraction(votes_for, total) < VOTE_SHARE:
        refusals.append(
            f"{VOTE_RULE}: {votes_for}/{total} đảng viên chính thức tán thành, chưa đủ hai phần ba; "
            "nếu chi bộ không đề nghị kết nạp, hãy ghi hồ sơ “không kết nạp” kèm lý do."
        )
    refusal, warning = admission_age_problem(candidate.birth_date, day)
    if refusal:
        refusals.append(f"{AGE_RULE}: {refusal}")
    if warning:
        warnings.append(f"{AGE_RULE}: {warning}")
    organisation = candidate.organisation
    if not organisation.is_active_on(day):
        refusals.append(f"{VOTE_RULE}: {organisation.name} không hoạt động vào ngày {fmt(day)}.")
    elif total:
        recorded = members_with_status(day, MembershipStatus.OFFICIAL, within=organisation).count()
        if recorded != total:
            warnings.append(
                f"{VOTE_RULE}: hồ sơ ghi {organisation.name} có {recorded} đảng viên chính thức vào ngày {fmt(day)}, "
                f"biên bản ghi {total}; kiểm tra lại."
            )
    warnings.extend(certificate_warnings(candidate))
    return refusals, warnings


RESOLUTION_RULE = "Đảng ủy cơ sở xét (hai phần ba cấp ủy viên tán thành, chưa xác nhận)"


def resolution_problems(candidate):
    refusals, warnings = [], []
    if not candidate.needs_resolution:
        return [
            f"{ORDER_RULE}: {candidate.organisation.name} là chi bộ cơ sở, không có bước đảng ủy cơ sở xét."
        ], []
    if not candidate.resolution_number:
        refusals.append("Đảng ủy cơ sở xét: cần ghi số nghị quyết.")
    votes_for, total = candidate.resolution_for, candidate.resolution_total
    if votes_for is None or not total:
        refusals.append("Đảng ủy cơ sở xét: cần ghi số cấp ủy viên tán thành và tổng số cấp ủy viên.")
    elif votes_for > total:
        refusals.append(
            f"Đảng ủy cơ sở xét: số tán thành ({votes_for}) lớn hơn tổng số cấp ủy viên ({total})."
        )
    elif Fraction(votes_for, total) < RESOLUTION_SHARE:
        warnings.append(f"{RESOLUTION_RULE}: {votes_for}/{total} cấp ủy viên tán thành, chưa đủ hai phần ba.")
    return refusals, warnings


DECISION_RULE = "Thời hạn quyết định kết nạp (QĐ 232-QĐ/TW §4.3.1: 60 ngày làm việc từ nghị quyết của chi bộ)"


def decision_problems(candidate):
    refusals, warnings = [], []
    if not candidate.decision_number:
        refusals.append("Quyết định kết nạp: cần ghi số quyết định.")
    if not candidate.decision_body:
        refusals.append("Quyết định kết nạp: cần ghi cấp ủy ra quyết định.")
    deadline = working_days_after(candidate.vote_on, DECISION_WORKING_DAYS)
    if candidate.decision_on > deadline:
        warnings.append(
            f"{DECISION_RULE}: chi bộ xét ngày {fmt(candidate.vote_on)}, hạn quyết định {fmt(deadline)}, "
            f"quyết định ngày {fmt(candidate.decision_on)}."
        )
    return refusals, warnings


CEREMONY_RULE = (
    "Thời hạn lễ kết nạp (QĐ 29-QĐ/TW, QĐ 232-QĐ/TW §4.1: 30 ngày làm việc từ khi nhận quyết định)"
)


def ceremony_problems(candidate):
    warnings = []
    deadline = working_days_after(candidate.decision_on, CEREMONY_WORKING_DAYS)
    if candidate.ceremony_on > deadline:
        warnings.append(
            f"{CEREMONY_RULE}: quyết định ngày {fmt(candidate.decision_on)}, hạn tổ chức lễ {fmt(deadline)}, "
            f"lễ kết nạp ngày {fmt(candidate.ceremony_on)}: cần báo cáo và được cấp ủy cấp trên trực tiếp đồng ý."
        )
    return [], warnings


STEP_RULES = {
    Step.IDENTIFIED: identified_problems,
    Step.COURSE: course_problems,
    Step.RESUME: resume_problems,
    Step.SPONSORED: sponsor_problems,
    Step.CHI_BO_VOTE: vote_problems,
    Step.RESOLUTION: resolution_problems,
    Step.DECISION: decision_problems,
    Step.ADMITTED: ceremony_problems,
}


def due_on(candidate):
    """The day the next step is due (None when closed): the rule's deadline where there is one
    (decision, ceremony), else the usual time at the step (`USUAL_MONTHS`, the app's choice)."""
    following = candidate.next_step()
    if following is None:
        return None
    if following == Step.ADMITTED:
        return working_days_after(candidate.decision_on, CEREMONY_WORKING_DAYS)
    if following == Step.DECISION:
        return working_days_after(candidate.vote_on, DECISION_WORKING_DAYS)
    if following == Step.RESOLUTION:
        return working_days_after(candidate.vote_on, RESOLUTION_WORKING_DAYS)
    return add_months(candidate.step_on, USUAL_MONTHS[candidate.step])
