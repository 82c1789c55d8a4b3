"""Every write to a candidate goes through these functions: one per step, plus creating, editing and
closing the record. The admin, the board's forms, the import and the demo all call them, so each
rule of `admission.rules` is applied in one place.

Each step function sets the step's values on a copy of the candidate, checks the whole record's
order (`rules.order_problems`) and the step's own rules (`rules.STEP_RULES`), and either raises
ValidationError with every refusal (nothing written) or saves and returns an `Outcome` with the
warnings. Recording a step again corrects it (the later steps are checked against it).
`candidate_admit` records the ceremony: the member, the admission event, the probation and the
figures come from `members.services` (`member_create`, `member_admit`), in the same transaction.

Public API (used by the pipeline board, the candidate import and the demo):
    candidate_identify(*, organisation, identified_on, note="", **profile)        -> Outcome
    candidate_update(candidate, **changes)                                         -> Outcome
    candidate_record_course(candidate, *, certificate_on, certificate_number, issuer)
    candidate_record_resume(candidate, *, verified_on, document="")
    candidate_record_sponsors(candidate, *, sponsored_on, sponsor_1, sponsor_1_since,
                              sponsor_2=None, sponsor_2_since=None, union_body="", union_document="")
    candidate_record_vote(candidate, *, voted_on, votes_for, votes_against, present, total)
    candidate_record_resolution(candidate, *, resolved_on, number, votes_for, members_total)
    candidate_record_decision(candidate, *, decided_on, number, body)
    candidate_admit(candidate, *, ceremony_on)                                     -> Outcome (.member)
    candidate_close(candidate, *, status, on, reason)
    STEP_RECORDERS: {Step: the function recording it}
"""

import copy
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from members.models import PROFILE_FIELDS, Member
from members.services import member_admit, member_create
from partyblock.core.text import day_text

from . import rules
from .models import STEP_DATE_FIELDS, Candidate, Status, Step


@dataclass
class Outcome:
    """What a write did: the candidate as saved, warnings for the user, the member once admitted."""

    candidate: Candidate
    warnings: list = field(default_factory=list)
    member: Member | None = None


CLOSED = "Hồ sơ này đã kết thúc ({status}); không ghi thêm bước."


def _national_id_problems(candidate):
    """The CCCD of a new candidate is nobody's member record and no other open candidate's. The
    messages name no one: the other record may lie outside the user's scope (DOMAIN.md §8)."""
    if not candidate.national_id:
        return []
    if Member.objects.filter(national_id=candidate.national_id).exists():
        return [
            "Số CCCD này đã có trong hồ sơ đảng viên: người này đã là (hoặc từng là) đảng viên; kết nạp lại "
            "không ghi qua danh sách quần chúng."
        ]
    others = Candidate.objects.open().filter(national_id=candidate.national_id).exclude(pk=candidate.pk)
    if candidate.is_open and others.exists():
        return ["Số CCCD này đã có trong một hồ sơ quần chúng đang xem xét."]
    return []


def _derive(candidate):
    """The derived columns: last step recorded, since when, and when the next is due."""
    recorded = [step for step in candidate.steps() if candidate.step_date(step) is not None]
    candidate.step = max(recorded)
    candidate.step_on = candidate.step_date(candidate.step)
    candidate.due_on = rules.due_on(candidate)


def _check_and_save(candidate, original, step=None, *, extra=()):
    """full_clean, then the order of the whole record and `step`'s rules; save or raise."""
    try:
        # The related records are instances the caller chose (forms offer them from querysets): their
        # existence is not looked up again, a query per key per step.
        candidate.full_clean(exclude=["step_on", "organisation", "sponsor_1", "sponsor_2", "member"])
    except ValidationError as error:
        raise ValidationError(_messages(error)) from error
    refusals = list(extra) + rules.order_problems(candidate)
    warnings = []
    if step is not None and not refusals:
        step_refusals, warnings = rules.STEP_RULES[step](candidate)
        refusals += step_refusals
    if refusals:
        raise ValidationError(refusals)
    _derive(candidate)
    candidate.save()
    if original is not None:
        original.__dict__.update(candidate.__dict__)
    return Outcome(candidate=original if original is not None else candidate, warnings=warnings)


def _messages(error):
    """A ValidationError's messages as one list, each prefixed by its field's label."""
    if not hasattr(error, "error_dict"):
        return error.messages
    found = []
    for name, errors in error.error_dict.items():
        label = Candidate._meta.get_field(name).verbose_name if name != "__all__" else ""
        for message in ValidationError(errors).messages:
            found.append(f"{label[:1].upper()}{label[1:]}: {message}" if label else message)
    return found


def candidate_identify(*, organisation, identified_on, note="", **profile):
    """A new candidate, identified as outstanding by `organisation` (a chi bộ) on `identified_on`."""
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")
    candidate = Candidate(organisation=organisation, identified_on=identified_on, note=note, **profile)
    candidate.normalize_profile()
    refusals = []
    if organisation is not None and identified_on is not None:
        refusals = rules.identified_problems(candidate)[0]
    with transaction.atomic():
        return _check_and_save(candidate, None, None, extra=[*refusals, *_national_id_problems(candidate)])


def candidate_update(candidate, **changes):
    """Change the profile, the note or (before the chi bộ's vote) the developing chi bộ."""
    allowed = set(PROFILE_FIELDS) | {"note", "organisation"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    work = copy.copy(candidate)
    for name, value in changes.items():
        setattr(work, name, value)
    work.normalize_profile()
    extra = []
    if "organisation" in changes and changes["organisation"].pk != candidate.organisation_id:
        if candidate.vote_on is not None or not candidate.is_open:
            extra.append(
                "Chi bộ bồi dưỡng: chi bộ đã xét kết nạp (hoặc hồ sơ đã kết thúc), không đổi chi bộ."
            )
        else:
            extra += rules.identified_problems(work)[0]
    if "national_id" in changes:
        extra += _national_id_problems(work)
    with transaction.atomic():
        return _check_and_save(work, candidate, None, extra=extra)


def _record(candidate, step, values):
    if not candidate.is_open:
        raise ValidationError(CLOSED.format(status=candidate.get_status_display().lower()))
    work = copy.copy(candidate)
    for name, value in values.items():
        setattr(work, name, value)
    if values.get(STEP_DATE_FIELDS[step]) is None:
        raise ValidationError(f"Bước “{Step(step).label}”: cần nhập ngày.")
    with transaction.atomic():
        return _check_and_save(work, candidate, step)


def candidate_record_course(candidate, *, certificate_on, certificate_number, issuer):
    return _record(
        candidate,
        Step.COURSE,
        {
            "course_certificate_on": certificate_on,
            "course_certificate_number": certificate_number,
            "course_issuer": issuer,
        },
    )


def candidate_record_resume(candidate, *, verified_on, document=""):
    return _record(candidate, Step.RESUME, {"resume_verified_on": verified_on, "resume_document": document})


def candidate_record_sponsors(
    candidate,
    *,
    sponsored_on,
    sponsor_1,
    sponsor_1_since,
    sponsor_2=None,
    sponsor_2_since=None,
    union_body="",
    union_document="",
):
    """Two official members, or one and the Đoàn / Công đoàn committee's recommendation."""
    return _record(
        candidate,
        Step.SPONSORED,
        {
            "sponsored_on": sponsored_on,
            "sponsor_1": sponsor_1,
            "sponsor_1_since": sponsor_1_since,
            "sponsor_2": sponsor_2,
            "sponsor_2_since": sponsor_2_since,
            "union_body": union_body or "",
            "union_document": union_document or "",
        },
    )


def candidate_record_vote(candidate, *, voted_on, votes_for, votes_against, present, total):
    """The chi bộ's vote: official members in favour and against, present and in all."""
    return _record(
        candidate,
        Step.CHI_BO_VOTE,
        {
            "vote_on": voted_on,
            "vote_for": votes_for,
            "vote_against": votes_against,
            "vote_present": present,
            "vote_total": total,
        },
    )


def candidate_record_resolution(candidate, *, resolved_on, number, votes_for, members_total):
    """The đảng ủy cơ sở's resolution (a chi bộ trực thuộc's candidate only)."""
    return _record(
        candidate,
        Step.RESOLUTION,
        {
            "resolution_on": resolved_on,
            "resolution_number": number,
            "resolution_for": votes_for,
            "resolution_total": members_total,
        },
    )


def candidate_record_decision(candidate, *, decided_on, number, body):
    """The admission decision of the competent committee."""
    return _record(
        candidate,
        Step.DECISION,
        {"decision_on": decided_on, "decision_number": number, "decision_body": body},
    )


def candidate_admit(candidate, *, ceremony_on):
    """The ceremony: the candidate becomes a probationary member through `members.services`
    (profile copied, admission event with the decision, the vote's day and the sponsors), and the
    record is closed and linked to the member. All or nothing."""
    if not candidate.is_open:
        raise ValidationError(CLOSED.format(status=candidate.get_status_display().lower()))
    if ceremony_on is None:
        raise ValidationError(f"Bước “{Step.ADMITTED.label}”: cần nhập ngày lễ kết nạp.")
    work = copy.copy(candidate)
    work.ceremony_on = ceremony_on
    work.status = Status.ADMITTED
    work.closed_on = ceremony_on
    with transaction.atomic():
        outcome = _check_and_save(work, None, Step.ADMITTED, extra=_national_id_problems(work))
        member = member_create(**work.profile())
        admitted = member_admit(
            member=member,
            organisation=work.organisation,
            ceremony_date=ceremony_on,
            decision_date=work.decision_on,
            decision_number=work.decision_number,
            sponsors=work.sponsors_text()[:255],
            vote_date=work.vote_on,
        )
        work.member = member
        work.save(update_fields=["member"])
    candidate.__dict__.update(work.__dict__)
    return Outcome(candidate=candidate, warnings=outcome.warnings + admitted.warnings, member=member)


def candidate_close(candidate, *, status, on, reason):
    """End the candidacy without admission: withdrawn or not admitted, on `on`, with the reason."""
    if status not in (Status.WITHDRAWN, Status.REJECTED):
        raise ValueError(f"not a closing status: {status}")
    if not candidate.is_open:
        raise ValidationError(CLOSED.format(status=candidate.get_status_display().lower()))
    problems = []
    if not (reason or "").strip():
        problems.append("Kết thúc xem xét: cần ghi lý do.")
    if on is None:
        problems.append("Kết thúc xem xét: cần nhập ngày.")
    elif on < candidate.step_on:
        problems.append(
            f"Kết thúc xem xét: ngày {day_text(on)} trước bước đã ghi gần nhất ({day_text(candidate.step_on)})."
        )
    elif on > timezone.localdate():
        problems.append(f"Kết thúc xem xét: ngày {day_text(on)} sau ngày hôm nay.")
    if problems:
        raise ValidationError(problems)
    work = copy.copy(candidate)
    work.status, work.closed_on, work.closing_reason = status, on, reason
    with transaction.atomic():
        return _check_and_save(work, candidate)


STEP_RECORDERS = {
    Step.COURSE: candidate_record_course,
    Step.RESUME: candidate_record_resume,
    Step.SPONSORED: candidate_record_sponsors,
    Step.CHI_BO_VOTE: candidate_record_vote,
    Step.RESOLUTION: candidate_record_resolution,
    Step.DECISION: candidate_record_decision,
    Step.ADMITTED: candidate_admit,
}


class _Rollback(Exception):
    pass


def dry_run(call):
    """Run `call` (a write through these services) and roll it back: its ValidationError is raised,
    its Outcome returned, nothing stays written. The admin checks a form this way before saving."""
    try:
        with transaction.atomic():
            outcome = call()
            raise _Rollback
    except _Rollback:
        return outcome
