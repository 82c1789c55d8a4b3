"""Replaying a member's events into membership periods: the one place where the rules of DOMAIN.md §2
decide what a member's organisation and status are on each day.

`replay()` is pure: it reads events (and the organisations they name) and returns periods and
warnings, or raises ValidationError naming each offending event. `members.services` runs it before
every write; the demo seeder runs it in bulk.

`replay_admission()` and `replay_arrival()` replay the two stories a members sheet tells (admitted
into a chi bộ, or admitted outside the Khối and transferred in), for the import's preview.
"""

import datetime
from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError

from partyblock.core.text import day_text
from partyblock.core.workdays import add_months

from .charters import probation
from .models import EndingGround, EventKind, ExemptionGround, MembershipPeriod, MembershipStatus
from .party_age import age_on

PROBATION_MONTHS = 12
MIN_ADMISSION_AGE = 18
MAX_ADMISSION_AGE_WITHOUT_PROVINCE = 60
# Without the chi bộ's vote date the age is judged on the decision's (else the ceremony's); the
# decision comes within 60 working days of the vote (QĐ 232-QĐ/TW 2025 §4.3.1), about 3 months, so an
# 18th birthday less than that before the fallback day is warned about.
VOTE_TO_DECISION_MONTHS = 3
TEMPORARY_TRANSFER_MIN_MONTHS = 3
TEMPORARY_TRANSFER_MAX_MONTHS = 24
HEALTH_EXEMPTION_MAX_MONTHS = 12
# "Tuổi cao" as a ground for exemption (HD 27-HD/BTCTW 2009 §1.1: "đảng viên tuổi cao, sức khỏe
# yếu và tự nguyện xin miễn công tác và sinh hoạt Đảng") names no age. A member younger than the lowest normal retirement age of
# the period (55, women under the Labour Code 2012 Điều 187) is implausible: warned, not refused.
OLD_AGE_EXEMPTION_PLAUSIBLE_AGE = 55


def old_age_exemption_warning(birth_date, day):
    """The warning for an exemption "vì tuổi cao" of a member born on `birth_date` from `day`, or None."""
    if birth_date is None or day is None:
        return None
    age = age_on(birth_date, day)
    if age >= OLD_AGE_EXEMPTION_PLAUSIBLE_AGE:
        return None
    return (
        f"miễn sinh hoạt vì tuổi cao khi mới {age} tuổi (dưới {OLD_AGE_EXEMPTION_PLAUSIBLE_AGE}): "
        "hãy kiểm tra lại lý do miễn."
    )


# Readmission (docs/rules.md): at least 36 months out of the Party, with the written consent of the
# province's standing committee (QĐ 29-QĐ/TW 2016 §3.5, QĐ 24-QĐ/TW 2021 §3.5.1, QĐ 294-QĐ/TW 2025
# §3.5.1); once only. Readmissions decided before QĐ 29 took effect are only warned about: the
# earlier texts were not looked up.
READMISSION_MIN_MONTHS_OUT = 36
READMISSION_RULES_FROM = datetime.date(2016, 7, 25)
# Grounds that exclude readmission (QĐ 24-QĐ/TW 2021 §3.5.2, kept by QĐ 294-QĐ/TW 2025 §3.5.2);
# before QĐ 24 only warned about (not confirmed for QĐ 29).
READMISSION_EXCLUSIONS_FROM = datetime.date(2021, 7, 30)
# Someone who left after a conviction for a less serious crime is considered for readmission only 60
# months after the conviction is cleared (QĐ 294-QĐ/TW 2025 §3.5.1, in force 01/07/2025); the same
# condition under QĐ 24-QĐ/TW 2021 and QĐ 29-QĐ/TW 2016 was not confirmed: warned about before.
CONVICTION_CLEARED_MIN_MONTHS = 60
CONVICTION_RULE_FROM = datetime.date(2025, 7, 1)
READMISSION_EXCLUDED_GROUNDS = (
    EndingGround.LEFT_ACTIVITY,
    EndingGround.RESIGNED,
    EndingGround.DISUNITY,
    EndingGround.CORRUPTION,
    EndingGround.SERIOUS_CRIME,
)
# The grounds each ending takes; removal and resignation need one when written (the readmission
# rules depend on it), an expulsion's comes with its discipline decision when known.
ENDING_GROUNDS = {
    EventKind.REMOVAL: (
        EndingGround.NOT_RECOGNISED,
        EndingGround.LEFT_ACTIVITY,
        EndingGround.UNPAID_DUES,
        EndingGround.WANING,
        EndingGround.TWO_YEARS_FAILING,
        EndingGround.OTHER,
    ),
    EventKind.RESIGNATION: (EndingGround.RESIGNED, EndingGround.FAMILY_HARDSHIP),
    EventKind.EXPULSION: (
        EndingGround.DISUNITY,
        EndingGround.CORRUPTION,
        EndingGround.SERIOUS_CRIME,
        EndingGround.LESS_SERIOUS_CRIME,
        EndingGround.OTHER,
    ),
}
GROUND_REQUIRED_KINDS = (EventKind.REMOVAL, EventKind.RESIGNATION)


@dataclass(frozen=True)
class EventRule:
    starts_membership: bool = False
    ends_membership: bool = False
    needs_chi_bo: bool = False  # organisation required
    needs_other_party: bool = False
    needs_end_date: bool = False
    order: int = 50  # same-day events apply in this order


EVENT_RULES = {
    EventKind.ADMISSION: EventRule(starts_membership=True, order=0),
    EventKind.READMISSION: EventRule(starts_membership=True, order=0),
    EventKind.TRANSFER_IN: EventRule(needs_chi_bo=True, order=10),
    EventKind.RECOGNITION: EventRule(order=20),
    EventKind.TRANSFER: EventRule(needs_chi_bo=True, order=30),
    EventKind.TRANSFER_OUT: EventRule(needs_other_party=True, order=30),
    EventKind.TEMPORARY_TRANSFER: EventRule(needs_end_date=True, order=40),
    EventKind.EXEMPTION: EventRule(order=40),
    EventKind.SUSPENSION: EventRule(order=40),
    EventKind.REMOVAL: EventRule(ends_membership=True, order=90),
    EventKind.EXPULSION: EventRule(ends_membership=True, order=90),
    EventKind.RESIGNATION: EventRule(ends_membership=True, order=90),
    EventKind.DEATH: EventRule(ends_membership=True, order=90),
}
# The fields of an event that only some kinds use, and the kinds that use each (the others: kind,
# date, note). The member page shows an event's fields for its kind only (`members.admin`).
_ENTERING = (EventKind.ADMISSION, EventKind.READMISSION)
EVENT_FIELDS = {
    "organisation": (*_ENTERING, EventKind.TRANSFER, EventKind.TRANSFER_IN, EventKind.TEMPORARY_TRANSFER),
    "other_party": (*_ENTERING, EventKind.TRANSFER_IN, EventKind.TRANSFER_OUT, EventKind.TEMPORARY_TRANSFER),
    "decision_number": tuple(k for k in EventKind if k != EventKind.DEATH),
    "decision_date": tuple(k for k in EventKind if k != EventKind.DEATH),
    "end_date": (EventKind.TEMPORARY_TRANSFER, EventKind.EXEMPTION, EventKind.SUSPENSION),
    "exemption_ground": (EventKind.EXEMPTION,),
    "ending_ground": tuple(ENDING_GROUNDS),
    "readmission_consent": (EventKind.READMISSION,),
    "conviction_cleared_on": (EventKind.READMISSION,),
    "vote_date": _ENTERING,
    "sponsors": _ENTERING,
}


def event_fields_of(kind):
    """The kind-specific fields an event of `kind` uses (all of them for no kind yet)."""
    return {name for name, kinds in EVENT_FIELDS.items() if not kind or kind in kinds}


MEMBERSHIP_ENDING_KINDS = tuple(k for k, r in EVENT_RULES.items() if r.ends_membership)
# "đảng viên đã … nên không thể ghi thêm sự kiện này": how each ending reads in that sentence.
ENDED_PHRASES = {
    EventKind.REMOVAL: "bị xóa tên",
    EventKind.EXPULSION: "bị khai trừ",
    EventKind.RESIGNATION: "ra khỏi Đảng",
    EventKind.DEATH: "từ trần",
}


def _age_text(birth_date, day):
    months = (day.year - birth_date.year) * 12 + day.month - birth_date.month - (day.day < birth_date.day)
    years, months = divmod(months, 12)
    return f"{years} tuổi {months} tháng" if months else f"{years} tuổi"


def fmt(day):
    return day_text(day, "?")


@dataclass(frozen=True)
class State:
    organisation_id: int | None = None  # None: registered outside the Khối
    status: str = MembershipStatus.PROBATIONARY
    temporary_host_id: int | None = None
    on_temporary_transfer: bool = False
    is_exempt: bool = False
    is_suspended: bool = False


@dataclass
class ReplayResult:
    rows: list = field(default_factory=list)  # the periods, as tuples of PERIOD_FIELDS
    warnings: list = field(default_factory=list)
    member: object = None

    @property
    def periods(self):
        """The periods as (unsaved) MembershipPeriod instances of the member."""
        return [
            MembershipPeriod(member=self.member, **dict(zip(PERIOD_FIELDS, row, strict=True)))
            for row in self.rows
        ]


def _organisation(event, organisations):
    if not event.organisation_id:
        return None
    if organisations is not None:
        return organisations[event.organisation_id]
    return event.organisation


def _sort_key(event):
    return (event.date or datetime.date.max, EVENT_RULES[event.kind].order, event.pk or 0)


def check_fields(event):
    """Per-kind required fields; returns a list of messages (empty when the event is complete)."""
    rule = EVENT_RULES[event.kind]
    label = event.get_kind_display()
    problems = []
    if event.kind != EventKind.RECOGNITION and not event.date:
        problems.append(f"{label}: cần nhập ngày hiệu lực.")
    if rule.needs_chi_bo and not event.organisation_id:
        problems.append(f"{label}: cần chọn chi bộ sinh hoạt.")
    if rule.needs_other_party and not event.other_party:
        problems.append(f"{label}: cần ghi tổ chức đảng nơi chuyển đến.")
    if rule.starts_membership and not event.organisation_id and not event.other_party:
        problems.append(f"{label}: cần chọn chi bộ (hoặc ghi tổ chức ngoài Khối nơi kết nạp).")
    if event.kind == EventKind.TEMPORARY_TRANSFER and not (event.organisation_id or event.other_party):
        problems.append(f"{label}: cần chọn nơi sinh hoạt tạm thời.")
    if rule.needs_end_date and not event.end_date:
        problems.append(f"{label}: cần nhập ngày kết thúc.")
    if event.kind == EventKind.EXEMPTION and not event.exemption_ground:
        problems.append(f"{label}: cần chọn lý do miễn (tuổi cao hoặc sức khỏe).")
    if event.end_date and event.date and event.end_date < event.date:
        problems.append(
            f"{label}: ngày kết thúc ({fmt(event.end_date)}) trước ngày bắt đầu ({fmt(event.date)})."
        )
    starts = event.kind in (EventKind.ADMISSION, EventKind.READMISSION)
    vote = getattr(event, "vote_date", None)
    if starts and vote and (event.decision_date or event.date) and vote > (event.decision_date or event.date):
        problems.append(
            f"{label}: ngày chi bộ xét kết nạp ({fmt(vote)}) không thể sau ngày quyết định, lễ kết nạp "
            f"({fmt(event.decision_date or event.date)})."
        )
    if starts and event.decision_date and event.date and event.decision_date > event.date:
        problems.append(
            f"{label}: lễ kết nạp ({fmt(event.date)}) không thể trước ngày quyết định ({fmt(event.decision_date)})."
        )
    return problems


def _admission_age(birth_date, vote_day):
    """(refusal, warning) of admitting someone born on `birth_date` by a vote on `vote_day`: under
    18 is refused; over 60 needs the province's consent (a warning). Both None when the age is fine."""
    age = age_on(birth_date, vote_day)
    if age < MIN_ADMISSION_AGE:
        return f"người được kết nạp phải đủ 18 tuổi (ngày {fmt(vote_day)} mới {age} tuổi).", None
    # Age limits are counted in months: one day past the 60th birthday is already over 60.
    if age >= MAX_ADMISSION_AGE_WITHOUT_PROVINCE and vote_day > add_months(
        birth_date, 12 * MAX_ADMISSION_AGE_WITHOUT_PROVINCE
    ):
        return None, (
            f"người được kết nạp đã {_age_text(birth_date, vote_day)} (quá 60 tuổi): "
            "cần ý kiến đồng ý của Tỉnh ủy."
        )
    return None, None


def admission_age_problem(birth_date, vote_day):
    """(refusal, warning) of the age of someone born on `birth_date` at a chi bộ vote on `vote_day`:
    the rule `replay` applies, for the admission pipeline to ask at the vote (`partyblock.admission`)."""
    return _admission_age(birth_date, vote_day)


def _admission_age_at_vote(birth_date, event, ceremony):
    """`_admission_age` on the chi bộ's vote (QĐ 24-QĐ/TW §1: age at the chi bộ's consideration);
    without its date, on the decision's (else the ceremony's), with a warning when the 18th birthday
    falls so shortly before that day that the vote may have preceded it."""
    vote = getattr(event, "vote_date", None) if event is not None else None
    if vote:
        return _admission_age(birth_date, vote)
    fallback = (event.decision_date if event is not None else None) or ceremony
    refusal, warning = _admission_age(birth_date, fallback)
    if refusal or warning:
        return refusal, warning
    adult_on = add_months(birth_date, 12 * MIN_ADMISSION_AGE)
    if adult_on > add_months(fallback, -VOTE_TO_DECISION_MONTHS):
        return None, (
            f"chưa ghi ngày chi bộ xét kết nạp: tuổi được tính theo ngày {fmt(fallback)}; người được kết nạp "
            f"đủ 18 tuổi ngày {fmt(adult_on)}, hãy kiểm tra ngày chi bộ xét."
        )
    return None, None


def replay(member, events, organisations=None, *, written=None, by_discipline=False):
    """Check `events` of `member` in date order and derive its membership periods.

    `organisations` (id -> Organisation) avoids a query per event in bulk use. Recognition events
    without a date get it here: the end of 12 months of probation counted from the ceremony.
    Raises ValidationError with every problem found, each naming the event and its date.

    `written` lists the events being added or changed now (default: all of them). The rules on
    what is written (`_ending_problem`, `_readmission_problems`: grounds, expulsion only by a
    discipline decision, readmission conditions) apply to those only, so a record stored before a
    rule was enforced does not block later edits; the checks page lists it instead.
    `by_discipline`: the write comes from a discipline decision (`inspections.services`), the only
    writer of expulsions.
    """
    written_ids = None if written is None else {id(event) for event in written}

    def is_written(event):
        return written_ids is None or id(event) in written_ids

    result = ReplayResult()
    errors = []
    for event in events:
        errors.extend(check_fields(event))
    if errors:
        raise ValidationError(errors)
    _date_recognitions(events)

    member_now = False
    state = State()
    ceremony = None  # of the current membership
    ended_by = None  # kind of the event that ended the last membership
    ending = None  # that event
    readmitted_on = None  # day of a readmission already replayed
    timed = []  # (ends_after_day, attribute) of temporary states
    changes = []  # (day, State or None)

    def expire_until(day):
        nonlocal state
        for end, attribute in sorted(timed):
            if end < day:
                timed.remove((end, attribute))
                if member_now:
                    state = replace(state, **_cleared(attribute))
                    changes.append((end + datetime.timedelta(days=1), state))

    for event in sorted(events, key=_sort_key):
        rule = EVENT_RULES[event.kind]
        label = event.get_kind_display()
        organisation = _organisation(event, organisations)

        if event.kind == EventKind.RECOGNITION and ceremony and member_now:
            refusals, warnings = _recognition_problems(event, ceremony)
            errors.extend(refusals)
            result.warnings.extend(warnings)
        day = event.date
        if day is None:
            errors.append(f"{label}: chưa có sự kiện kết nạp trước đó để tính ngày đủ 12 tháng dự bị.")
            continue
        expire_until(day)
        when = f"{label} ngày {fmt(day)}"

        if rule.starts_membership:
            if ended_by == EventKind.DEATH:
                errors.append(f"{when}: đảng viên đã từ trần nên không thể ghi thêm sự kiện này.")
                continue
            if member_now:
                errors.append(
                    f"{when}: đảng viên đang sinh hoạt đảng; chỉ kết nạp lại sau khi đã ra khỏi Đảng."
                )
                continue
            if event.kind == EventKind.READMISSION and ended_by is None:
                errors.append(f"{when}: chưa từng ra khỏi Đảng nên không thể kết nạp lại.")
                continue
            if event.kind == EventKind.ADMISSION and ended_by is not None:
                errors.append(f"{when}: đảng viên đã từng được kết nạp; lần này phải ghi là kết nạp lại.")
                continue
            if event.kind == EventKind.READMISSION and is_written(event):
                refusals, warnings = _readmission_problems(event, ending, readmitted_on)
                errors.extend(f"{when}: {refusal}" for refusal in refusals)
                result.warnings.extend(f"{when}: {warning}" for warning in warnings)
                if refusals:
                    continue
            refusal, warning = _admission_age_at_vote(member.birth_date, event, day)
            if refusal:
                errors.append(f"{when}: {refusal}")
                continue
            if warning:
                result.warnings.append(f"{when}: {warning}")
            if organisation and not _check_chi_bo(organisation, day, when, errors):
                continue
            member_now, ceremony, ended_by = True, day, None
            if event.kind == EventKind.READMISSION:
                readmitted_on = day
            state = State(organisation_id=organisation.pk if organisation else None)
            changes.append((day, state))
            continue

        if not member_now:
            if ended_by is not None:
                errors.append(
                    f"{when}: đảng viên đã {ENDED_PHRASES[ended_by]} nên không thể ghi thêm sự kiện này."
                )
            else:
                errors.append(f"{when}: sự kiện không theo trình tự thời gian — đảng viên chưa được kết nạp.")
            continue

        if event.kind == EventKind.RECOGNITION:
            if state.status == MembershipStatus.OFFICIAL:
                errors.append(f"{when}: đảng viên đã là đảng viên chính thức.")
                continue
            state = replace(state, status=MembershipStatus.OFFICIAL)
        elif event.kind in (EventKind.TRANSFER, EventKind.TRANSFER_IN):
            if event.kind == EventKind.TRANSFER and state.organisation_id is None:
                errors.append(
                    f"{when}: đảng viên đang sinh hoạt ngoài Khối; hãy ghi là chuyển đến từ ngoài Khối."
                )
                continue
            if event.kind == EventKind.TRANSFER_IN and state.organisation_id is not None:
                errors.append(f"{when}: đảng viên đang sinh hoạt trong Khối; hãy ghi là chuyển trong Khối.")
                continue
            if organisation.pk == state.organisation_id:
                errors.append(f"{when}: đảng viên đang sinh hoạt tại {organisation.name}.")
                continue
            if not _check_chi_bo(organisation, day, when, errors):
                continue
            state = replace(state, organisation_id=organisation.pk)
        elif event.kind == EventKind.TRANSFER_OUT:
            if state.organisation_id is None:
                errors.append(f"{when}: đảng viên không sinh hoạt trong Khối.")
                continue
            state = replace(state, organisation_id=None, temporary_host_id=None, on_temporary_transfer=False)
        elif event.kind == EventKind.TEMPORARY_TRANSFER:
            months_later = add_months(day, TEMPORARY_TRANSFER_MIN_MONTHS)
            if event.end_date < months_later - datetime.timedelta(days=1) or event.end_date >= add_months(
                day, TEMPORARY_TRANSFER_MAX_MONTHS
            ):
                errors.append(f"{when}: chuyển sinh hoạt tạm thời phải từ 3 tháng đến 2 năm.")
                continue
            if organisation and organisation.pk == state.organisation_id:
                errors.append(f"{when}: không thể chuyển sinh hoạt tạm thời đến chính chi bộ đang sinh hoạt.")
                continue
            if organisation and not _check_chi_bo(organisation, day, when, errors):
                continue
            state = replace(
                state, on_temporary_transfer=True, temporary_host_id=organisation.pk if organisation else None
            )
            timed.append((event.end_date, "temporary"))
        elif event.kind == EventKind.EXEMPTION:
            if event.exemption_ground == ExemptionGround.HEALTH and (
                event.end_date is None or event.end_date >= add_months(day, HEALTH_EXEMPTION_MAX_MONTHS)
            ):
                errors.append(
                    f"{when}: miễn sinh hoạt vì sức khỏe mỗi lần không quá 12 tháng (cần ngày kết thúc)."
                )
                continue
            if event.exemption_ground == ExemptionGround.AGE and is_written(event):
                warning = old_age_exemption_warning(member.birth_date, day)
                if warning:
                    result.warnings.append(f"{when}: {warning}")
            state = replace(state, is_exempt=True)
            if event.end_date:
                timed.append((event.end_date, "exempt"))
        elif event.kind == EventKind.SUSPENSION:
            state = replace(state, is_suspended=True)
            if event.end_date:
                timed.append((event.end_date, "suspended"))
        elif rule.ends_membership:
            problem = is_written(event) and _ending_problem(event, state, by_discipline)
            if problem:
                errors.append(f"{when}: {problem}")
                continue
            member_now, ended_by, ending = False, event.kind, event
            timed.clear()
            changes.append((day, None))
            continue
        changes.append((day, state))

    if errors:
        raise ValidationError(errors)
    if member_now:
        expire_until(datetime.date.max)
    result.rows, result.member = period_rows(changes), member
    return result


def _ending_problem(event, state, by_discipline):
    """Why an ending event being written breaks the rules on endings, or None."""
    if event.kind == EventKind.EXPULSION:
        if not by_discipline:
            return (
                "khai trừ là hình thức kỷ luật đảng: chỉ ghi được bằng quyết định kỷ luật "
                "(Kiểm tra, kỷ luật › Kỷ luật), quyết định đó tự ghi sự kiện khai trừ."
            )
        if state.status == MembershipStatus.PROBATIONARY:
            return (
                "đảng viên dự bị không bị kỷ luật khai trừ (chỉ khiển trách hoặc cảnh cáo); "
                "nếu không còn đủ tư cách đảng viên thì xóa tên."
            )
    ground = getattr(event, "ending_ground", "")
    label = event.get_kind_display().lower()
    if not ground:
        if event.kind in GROUND_REQUIRED_KINDS:
            return f"cần chọn lý do {label} (các trường hợp do Điều lệ Đảng và quy định thi hành nêu)."
        return None
    if ground not in ENDING_GROUNDS.get(event.kind, ()):
        return f"lý do “{EndingGround(ground).label}” không dùng cho {label}."
    if ground == EndingGround.NOT_RECOGNISED and state.status != MembershipStatus.PROBATIONARY:
        return (
            "chỉ đảng viên dự bị mới bị xóa tên vì không được công nhận đảng viên chính thức; "
            "đảng viên này đã là đảng viên chính thức."
        )
    return None


def _readmission_problems(event, ending, readmitted_on):
    """(refusals, warnings) of a readmission being written after `ending` (the event that ended the
    earlier membership); `readmitted_on` is the day of an earlier readmission, if any."""
    refusals, warnings = [], []
    if readmitted_on is not None:
        refusals.append(
            f"đã được kết nạp lại một lần (ngày {fmt(readmitted_on)}); mỗi người chỉ được kết nạp lại một lần."
        )
        return refusals, warnings
    decided = event.decision_date or event.date
    confirmed = decided >= READMISSION_RULES_FROM
    unconfirmed = "" if confirmed else " (quy định trước ngày 25/7/2016 chưa xác nhận: chỉ cảnh báo)"
    earliest = add_months(ending.date, READMISSION_MIN_MONTHS_OUT)
    if decided < earliest:
        (refusals if confirmed else warnings).append(
            f"chưa đủ 36 tháng kể từ khi ra khỏi Đảng ({ending.get_kind_display().lower()} ngày "
            f"{fmt(ending.date)}); sớm nhất xét kết nạp lại ngày {fmt(earliest)}{unconfirmed}."
        )
    if not (getattr(event, "readmission_consent", "") or "").strip():
        (refusals if confirmed else warnings).append(
            "cần ghi văn bản đồng ý của Ban Thường vụ Tỉnh ủy (hoặc tương đương) về việc kết nạp lại"
            f"{unconfirmed}."
        )
    ground = getattr(ending, "ending_ground", "")
    if ground in READMISSION_EXCLUDED_GROUNDS:
        excluded = decided >= READMISSION_EXCLUSIONS_FROM
        (refusals if excluded else warnings).append(
            f"không xem xét kết nạp lại người đã ra khỏi Đảng vì lý do “{EndingGround(ground).label}”"
            + ("." if excluded else " (trước QĐ 24-QĐ/TW ngày 30/7/2021 chưa xác nhận: chỉ cảnh báo).")
        )
    elif ground == EndingGround.LESS_SERIOUS_CRIME:
        _conviction_problem(event, decided, refusals, warnings)
    elif not ground:
        warnings.append(
            f"lần ra khỏi Đảng trước ({ending.get_kind_display().lower()} ngày {fmt(ending.date)}) chưa ghi "
            "lý do: chưa kiểm tra được các trường hợp không xem xét kết nạp lại."
        )
    return refusals, warnings


def _conviction_problem(event, decided, refusals, warnings):
    """A readmission after leaving for a conviction of a less serious crime: 60 months after the
    conviction was cleared (`conviction_cleared_on` on the readmission)."""
    confirmed = decided >= CONVICTION_RULE_FROM
    found = refusals if confirmed else warnings
    unconfirmed = "" if confirmed else " (trước QĐ 294-QĐ/TW ngày 01/7/2025 chưa xác nhận: chỉ cảnh báo)"
    cleared = getattr(event, "conviction_cleared_on", None)
    if cleared is None:
        found.append(
            "đã ra khỏi Đảng vì bị kết án về tội phạm ít nghiêm trọng: cần ghi ngày được xóa án tích "
            f"(chỉ xét kết nạp lại sau 60 tháng kể từ ngày đó){unconfirmed}."
        )
        return
    earliest = add_months(cleared, CONVICTION_CLEARED_MIN_MONTHS)
    if decided < earliest:
        found.append(
            f"chưa đủ 60 tháng kể từ ngày được xóa án tích ({fmt(cleared)}); sớm nhất xét kết nạp lại "
            f"ngày {fmt(earliest)}{unconfirmed}."
        )


def replay_admission(birth_date, organisation, admitted_on, recognition_decided_on=None, *, vote_date=None):
    """`replay()` of the commonest story, as the import meets it: someone born on `birth_date`,
    admitted into `organisation` on `admitted_on` (by the chi bộ's vote of `vote_date`, when known)
    and, when `recognition_decided_on` is given, recognised official by a decision of that day (the
    recognition takes effect when 12 months of probation are complete, as replay dates it).
    Returns (period rows as tuples of PERIOD_FIELDS, warnings) or raises ValidationError.

    A story replay() would neither refuse nor warn about (`plain_admission`, a recognition decided
    no earlier than the end of probation) is answered from its days, the periods replay makes of
    it; any other is replayed. Measured worth keeping (docs/benchmarks.md, 2026-12-07)."""
    term = probation(admitted_on)
    due = None if recognition_decided_on is None else term.effective(recognition_decided_on)
    if (
        vote_date is None
        and (due is None or recognition_decided_on >= term.earliest)
        and plain_admission(birth_date, organisation, admitted_on)
    ):
        probationary = _state_values(State(organisation_id=organisation.pk))
        if due is None:
            return [(*probationary, admitted_on, None)], []
        official = _state_values(State(organisation_id=organisation.pk, status=MembershipStatus.OFFICIAL))
        return [(*probationary, admitted_on, due), (*official, due, None)], []
    admission = _Event(EventKind.ADMISSION, admitted_on, organisation.pk, vote_date=vote_date)
    return _replay_story(birth_date, [admission], organisation, recognition_decided_on)


def plain_admission(birth_date, organisation, admitted_on):
    """True when replay() neither refuses nor warns about admitting someone born on `birth_date`
    into `organisation` on `admitted_on` without a vote date: an age needing no consent and no
    check of the vote (`_admission_age_at_vote`), a chi bộ that exists that day (`_chi_bo_problem`)."""
    years = admitted_on.year - birth_date.year
    # Whole years strictly between the limits: the age is within them and past the vote-date warning.
    if not MIN_ADMISSION_AGE + 1 < years < MAX_ADMISSION_AGE_WITHOUT_PROVINCE and _admission_age_at_vote(
        birth_date, None, admitted_on
    ) != (None, None):
        return False
    return _chi_bo_problem(organisation, admitted_on) is None


# Where an admission outside the Khối happened when the record does not say (office lists give
# only "Ngày vào Đảng"): DOMAIN.md §2 "History older than the Khối".
ADMITTED_OUTSIDE_UNKNOWN = "Ngoài Đảng bộ Khối (chưa rõ nơi kết nạp)"


def replay_arrival(
    birth_date,
    organisation,
    admitted_on,
    arrived_on,
    recognition_decided_on=None,
    where="",
    *,
    vote_date=None,
):
    """`replay()` of a member admitted outside the Khối on `admitted_on` (at `where`, else unknown)
    who came into `organisation` on `arrived_on`, recognised official by a decision of
    `recognition_decided_on` when given. Returns (period rows as tuples of PERIOD_FIELDS, warnings)
    or raises ValidationError, as replay() of those events would."""
    admission = _Event(EventKind.ADMISSION, admitted_on, None, vote_date=vote_date)
    admission.other_party = where or ADMITTED_OUTSIDE_UNKNOWN
    events = [admission, _Event(EventKind.TRANSFER_IN, arrived_on, organisation.pk)]
    return _replay_story(birth_date, events, organisation, recognition_decided_on)


def _replay_story(birth_date, events, organisation, recognition_decided_on):
    if recognition_decided_on is not None:
        events.append(_Event(EventKind.RECOGNITION, None, None, recognition_decided_on))
    outcome = replay(_Person(birth_date), events, {organisation.pk: organisation})
    return outcome.rows, outcome.warnings


class _Person:
    """Someone not yet stored, as replay() reads them: by birth date only."""

    def __init__(self, birth_date):
        self.birth_date = birth_date


class _Event:
    """An unsaved event as replay() reads it (replay is duck-typed)."""

    pk = None
    other_party = ""
    end_date = None
    exemption_ground = ""
    ending_ground = ""
    readmission_consent = ""
    conviction_cleared_on = None
    decision_number = ""

    def __init__(self, kind, date, organisation_id, decision_date=None, vote_date=None):
        self.kind, self.date = kind, date
        self.organisation_id, self.decision_date, self.vote_date = organisation_id, decision_date, vote_date

    def get_kind_display(self):
        return EventKind(self.kind).label


def _date_recognitions(events):
    """A recognition takes effect when probation is complete (12 months; the charter of the
    admission's day for earlier ones), even if decided later: give undated ones that day."""
    starts = sorted(e.date for e in events if EVENT_RULES[e.kind].starts_membership and e.date)
    for event in events:
        if event.kind == EventKind.RECOGNITION and event.date is None:
            limit = event.decision_date or datetime.date.max
            earlier = [d for d in starts if d <= limit]
            if earlier:
                event.date = _probation_end(earlier[-1], event.decision_date)


def _probation_end(ceremony, decision_date):
    """The day a recognition decided on `decision_date` (None: not said) takes effect after a
    ceremony on `ceremony`: `members.charters.Probation.effective`."""
    return probation(ceremony).effective(decision_date)


def _recognition_problems(event, ceremony):
    """(refusals, warnings) of a recognition after a ceremony on `ceremony`: its effective day must
    end the probation the charter of the admission's day set, and the decision may not come
    earlier; refused where that charter's length is confirmed, warned about and kept as recorded
    where it is not (`members.charters.Probation.enforced`, the rule the import applies too)."""
    label = event.get_kind_display()
    term = probation(ceremony)
    charter = term.charter
    if event.date is None:
        event.date = term.effective(event.decision_date)
    if charter.is_current_rule:
        due = term.earliest
        refusals = []
        if event.date != due:
            refusals.append(
                f"{label}: ngày hiệu lực phải là ngày đủ 12 tháng dự bị ({fmt(due)}), không phải {fmt(event.date)}."
            )
        if event.decision_date and event.decision_date < due:
            refusals.append(
                f"{label} ngày {fmt(event.decision_date)}: chưa đủ 12 tháng dự bị "
                f"(lễ kết nạp {fmt(ceremony)}, đủ 12 tháng vào {fmt(due)})."
            )
        return refusals, []
    if term.enforced:
        lengths = ", ".join(f"{months} tháng" for months in sorted(charter.months))
        refusals = []
        if event.date not in term.ends:
            refusals.append(
                f"{label}: kết nạp ngày {fmt(ceremony)} theo {charter.name}, thời hạn dự bị {lengths}; "
                f"ngày hiệu lực {fmt(event.date)} không phải ngày hết dự bị ({', '.join(map(fmt, term.ends))})."
            )
        if event.decision_date and event.decision_date < term.earliest:
            refusals.append(
                f"{label} ngày {fmt(event.decision_date)}: chưa hết thời hạn dự bị ngắn nhất theo {charter.name} "
                f"(đến {fmt(term.earliest)})."
            )
        return refusals, []
    due = term.earliest
    if event.date != due or (event.decision_date and event.decision_date < due):
        return [], [
            f"{label} ngày {fmt(event.date)}: kết nạp ngày {fmt(ceremony)} theo {charter.name}, thời hạn dự bị "
            "của Điều lệ đó chưa xác nhận nên ghi nhận theo hồ sơ (không buộc đủ 12 tháng)."
        ]
    return [], []


def _cleared(attribute):
    if attribute == "temporary":
        return {"on_temporary_transfer": False, "temporary_host_id": None}
    return {{"exempt": "is_exempt", "suspended": "is_suspended"}[attribute]: False}


def _check_chi_bo(organisation, day, when, errors):
    problem = _chi_bo_problem(organisation, day)
    if problem:
        errors.append(f"{when}: {problem}")
        return False
    return True


def _chi_bo_problem(organisation, day):
    """Why members cannot belong to `organisation` on `day`, or None: it must be a chi bộ (cơ sở or
    trực thuộc) that exists on that day."""
    if not organisation.holds_members:
        return (
            f"{organisation.name} là {organisation.get_kind_display().lower()}; "
            "đảng viên sinh hoạt tại chi bộ (chi bộ cơ sở hoặc chi bộ trực thuộc)."
        )
    if not organisation.is_active_on(day):
        if organisation.dissolved_on and organisation.dissolved_on <= day:
            reason = f"đã giải thể từ ngày {fmt(organisation.dissolved_on)}"
        else:
            reason = f"chưa thành lập (thành lập ngày {fmt(organisation.founded_on)})"
        return f"{organisation.name} {reason}."
    return None


# The fields of a period, in the order of the rows `period_rows()` and `replay_admission()` return:
# the state's (`_state_values`), then its days.
PERIOD_FIELDS = (
    "organisation_id",
    "status",
    "temporary_host_id",
    "on_temporary_transfer",
    "is_exempt",
    "is_suspended",
    "starts_on",
    "ends_on",
)


def period_rows(changes):
    """Turn (day, state) changes into contiguous periods, as tuples of PERIOD_FIELDS; None closes
    membership."""
    last_state_by_day = {}
    for day, state in changes:
        last_state_by_day[day] = state  # several changes on one day: the last one stands
    rows = []
    current = None  # (state values, starts_on) of the open period
    for day, state in sorted(last_state_by_day.items()):
        values = _state_values(state) if state is not None else None
        if current is not None:
            if values == current[0]:
                continue
            rows.append((*current[0], current[1], day))
            current = None
        if values is None:
            continue
        current = (values, day)
    if current is not None:
        rows.append((*current[0], current[1], None))
    return rows


def _state_values(state):
    # The status as a plain str (not the choice): these tuples are stored as they are (the import
    # plan, COPY), and a plain str is what every later step handles fastest.
    return (
        state.organisation_id,
        str.__str__(state.status),
        state.temporary_host_id,
        state.on_temporary_transfer,
        state.is_exempt,
        state.is_suspended,
    )
