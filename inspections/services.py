"""Every write to the inspection registers goes through these functions: the admin, the demo seeder
and any import call them, so each rule lives once.

Discipline decisions that change the foundation's records do it through the foundation's services,
never by writing members or organisations here: an expulsion is a lifecycle event written by
`members.services.member_end`, a dissolution is `units.services.organisation_dissolve`, and a
withdrawal deletes that event with `members.services.member_events_apply` (so every count read from
membership periods is restored) or reopens the organisation.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from members.models import EventKind, Member
from members.services import (
    badges_restore,
    badges_revoke,
    member_end,
    member_events_apply,
)
from partyblock.core.text import day_text
from units.services import organisation_dissolve

from .models import (
    Competence,
    DisciplineDecision,
    DisciplineForm,
    Inspection,
    InspectionSubject,
    Letter,
    LetterKind,
    LetterStatus,
    LetterSubject,
    Supervision,
    SupervisionSubject,
)
from .workdays import complaint_deadline, denunciation_deadline

# --- inspections and supervisions ------------------------------------------------------------------


def _subject_rows(model, parent_field, parent, subjects):
    """Subject rows from organisations, members or ready rows (unsaved `model` instances)."""
    rows = []
    for subject in subjects:
        if isinstance(subject, model):
            row = subject
        elif isinstance(subject, Member):
            row = model(member=subject)
        else:
            row = model(organisation=subject)
        setattr(row, parent_field, parent)
        rows.append(row)
    return rows


@transaction.atomic
def _record(instance, subject_model, parent_field, subjects):
    instance.full_clean()
    instance.save()
    rows = _subject_rows(subject_model, parent_field, instance, subjects)
    subjects_apply(add=rows)
    return instance


def inspection_record(*, inspection=None, subjects=(), **fields):
    """Record an inspection (from `fields`, or the unsaved `inspection`) with its subjects:
    organisations, members, or `InspectionSubject` rows carrying the violation found and follow-up."""
    inspection = inspection or Inspection(**fields)
    return _record(inspection, InspectionSubject, "inspection", subjects)


def supervision_record(*, supervision=None, subjects=(), **fields):
    supervision = supervision or Supervision(**fields)
    return _record(supervision, SupervisionSubject, "supervision", subjects)


def record_update(record):
    """Save changes to an inspection or a supervision (its subjects: `subjects_apply`)."""
    record.full_clean()
    record.save()
    return record


def subjects_apply(*, add=(), change=(), delete=()):
    """Add, change and delete subject rows of one record, all or nothing. A subject listed twice is
    refused with the constraint's message."""
    rows = [*add, *change]
    for row in rows:
        row.full_clean()
    seen = set()
    for row in rows:
        key = (getattr(row, f"{row.parent_field}_id"), row.organisation_id, row.member_id)
        if key in seen:
            raise ValidationError(f"{row.subject} có hai lần trong danh sách.")
        seen.add(key)
    with transaction.atomic():
        for row in delete:
            row.delete()
        for row in rows:
            row.save()


# --- discipline ------------------------------------------------------------------------------------


class _DryRun(Exception):
    """Raised to roll back a trial write."""


def _try(write):
    """Run `write` inside a savepoint that is always rolled back: its ValidationError (if any)
    propagates, nothing stays written. Lets a form show a service's refusal before saving."""
    try:
        with transaction.atomic():
            write()
            raise _DryRun
    except _DryRun:
        pass


def _detached(decision):
    """A copy of `decision` that shares no loaded objects with it (for trial writes)."""
    copy = DisciplineDecision(
        **{f.attname: getattr(decision, f.attname) for f in decision._meta.concrete_fields}
    )
    copy._state.adding = decision._state.adding
    return copy


@transaction.atomic
def discipline_decide(*, decision=None, **fields):
    """Record a discipline decision (from `fields`, or the unsaved `decision`) and give it effect.

    The form must fit the subject (`DisciplineDecision.form_problem`). Khai trừ ends the membership
    on the effective date through `member_end`, and the event it writes is linked to the decision;
    giải tán closes the organisation through `organisation_dissolve`. Either service's refusal
    (a ValidationError) leaves nothing written.
    """
    decision = decision or DisciplineDecision(**fields)
    if decision.pk is not None:
        raise ValueError("discipline_decide records a new decision; use discipline_update")
    decision.full_clean()
    if decision.form == DisciplineForm.EXPULSION:
        outcome = member_end(
            member=decision.member,
            kind=EventKind.EXPULSION,
            on=decision.effective_on,
            decision_number=decision.decision_number,
            decision_date=decision.decision_date,
            note=f"Kỷ luật khai trừ: {decision.get_deciding_body_display()}",
            ground=decision.expulsion_ground,
            by_discipline=True,
        )
        decision.member_event = outcome.event
        badges_revoke(member=decision.member, on=decision.effective_on)
    elif decision.form == DisciplineForm.DISSOLUTION:
        organisation_dissolve(organisation=decision.organisation, on=decision.effective_on)
    decision.save()
    return decision


def discipline_check(decision):
    """Raise the ValidationError `discipline_decide` would raise for `decision`; write nothing."""
    decision.full_clean()
    _try(lambda: discipline_decide(decision=_detached(decision)))


FIXED_FIELDS = ("member_id", "organisation_id", "form", "decision_date", "effective_on")


def discipline_update(*, decision):
    """Save corrections to a recorded decision (number, body, reason, source inspection).

    Its subject, form and dates are fixed: to change them, withdraw it and record a new decision.
    A corrected number is copied to the expulsion event it wrote.
    """
    stored = DisciplineDecision.objects.get(pk=decision.pk)
    changed = [name for name in FIXED_FIELDS if getattr(stored, name) != getattr(decision, name)]
    if changed:
        raise ValidationError(
            "Không sửa đối tượng, hình thức và ngày của quyết định kỷ luật đã ghi; "
            "hãy hủy bỏ quyết định này và ghi quyết định mới."
        )
    if stored.withdrawn_on != decision.withdrawn_on:
        raise ValidationError("Hủy bỏ quyết định kỷ luật bằng chức năng hủy bỏ (discipline_withdraw).")
    decision.full_clean()
    with transaction.atomic():
        event = decision.member_event
        if event is not None and event.decision_number != decision.decision_number:
            event.decision_number = decision.decision_number
            member_events_apply(decision.member, change=[event], by_discipline=True)
        decision.save()
    return decision


@transaction.atomic
def discipline_withdraw(*, decision, on, withdrawal_decision):
    """Withdraw (hủy bỏ) a decision from `on`, undoing its effect.

    The expulsion event is deleted through `member_events_apply`, so the member counts again from
    the original date as if never expelled; a dissolved organisation is reopened. Refused when the
    decision is already withdrawn or when the member's later history no longer allows it.
    """
    if decision.pk is None:
        raise ValueError("the decision is not recorded")
    stored = DisciplineDecision.objects.select_for_update().get(pk=decision.pk)
    if stored.withdrawn_on is not None:
        raise ValidationError(f"Quyết định đã bị hủy bỏ từ ngày {day_text(stored.withdrawn_on)}.")
    decision.withdrawn_on = on
    decision.withdrawal_decision = withdrawal_decision
    decision.full_clean()
    if decision.form == DisciplineForm.EXPULSION and decision.member_event_id:
        member_events_apply(decision.member, delete=[decision.member_event], by_discipline=True)
        decision.member_event = None
        badges_restore(member=decision.member, on=decision.effective_on)
    elif decision.form == DisciplineForm.DISSOLUTION:
        organisation = decision.organisation
        if organisation.dissolved_on == decision.effective_on and not organisation.merged_into_id:
            organisation.dissolved_on = None
            organisation.full_clean()
            organisation.save()
    decision.save()
    return decision


def discipline_withdraw_check(decision, *, on, withdrawal_decision):
    """Raise the ValidationError `discipline_withdraw` would raise; write nothing."""
    stored = DisciplineDecision.objects.get(pk=decision.pk)
    _try(lambda: discipline_withdraw(decision=stored, on=on, withdrawal_decision=withdrawal_decision))


# --- letters ---------------------------------------------------------------------------------------


def letter_deadline(letter):
    """For a letter handled here, 90 working days from receipt: a complaint (or a mixed letter)
    by `complaint_deadline`, a denunciation by `denunciation_deadline`. Forwarded or filed
    letters (lưu đơn) have none."""
    if letter.competence != Competence.HANDLED or not letter.received_on:
        return None
    if letter.handled_as == LetterKind.COMPLAINT:
        return complaint_deadline(letter.received_on)
    return denunciation_deadline(letter.received_on)


def letter_save(letter):
    """Validate and save a letter, its deadline computed from the receipt date and kind."""
    letter.full_clean()
    letter.deadline = letter_deadline(letter)
    letter.save()
    return letter


@transaction.atomic
def letter_receive(*, letter=None, subjects=(), **fields):
    """Register a received letter (from `fields`, or the unsaved `letter`) about `subjects`
    (organisations and members)."""
    letter = letter_save(letter or Letter(**fields))
    subjects_apply(add=_subject_rows(LetterSubject, "letter", letter, subjects))
    return letter


def letter_close(*, letter, on, result):
    """Close a letter on `on` with its result (forwarded letters close when forwarded)."""
    letter.status = LetterStatus.CLOSED
    letter.closed_on = on
    letter.result = result
    return letter_save(letter)


def letter_deadlines_refresh():
    """Recompute the deadlines of open letters (after the holiday list changed); returns how many
    changed."""
    changed = 0
    for letter in Letter.objects.open():
        deadline = letter_deadline(letter)
        if deadline != letter.deadline:
            Letter.objects.filter(pk=letter.pk).update(deadline=deadline)
            changed += 1
    return changed
