"""Read-side questions about inspections, supervisions, discipline and letters. The report figures
of DOMAIN.md §6 in this area are these querysets: their count is the figure, their rows the
drill-down.

Every function takes a period [start, end] (by decision date) and optionally `within`, an
organisation: then only subjects inside it count, an organisation when it is `within` or below it,
a member when his or her official registration was there on the record's decision date.
"""

import functools
import operator

from django.db.models import Count, Exists, OuterRef, Q

from members.models import MembershipPeriod
from members.queries import periods_as_of
from units.tree import under_on

from .models import (
    Body,
    DisciplineDecision,
    Inspection,
    InspectionSubject,
    Letter,
    LetterKind,
    LetterSubject,
    Supervision,
    SupervisionKind,
    SupervisionSubject,
)

SUBJECTS = {Inspection: InspectionSubject, Supervision: SupervisionSubject}  # records -> their subjects


def _registered_within(within, day_path):
    """Subject rows whose member was registered in `within` (or below) on the record's decision
    date, or until that date (an expulsion ends the registration on its own day), `day_path` being
    the lookup from the row to that date; as the tree stood on that day."""
    registered = periods_as_of(OuterRef(day_path), within).filter(member=OuterRef("member_id"))
    ended_that_day = MembershipPeriod.objects.filter(
        member=OuterRef("member_id"), ends_on=OuterRef(day_path), organisation__isnull=False
    ).filter(under_on(within, "organisation_id", OuterRef(OuterRef(day_path)), day_before=True))
    # A registration that ended that day counts only when none took over (an expulsion, not a
    # move to another chi bộ that day, which counts where the member went).
    registered_anywhere = periods_as_of(OuterRef(day_path)).filter(member=OuterRef("member_id"))
    return Exists(registered) | (Exists(ended_that_day) & ~Exists(registered_anywhere))


def _subjects_within(rows, parent, within):
    if within is None:
        return rows
    return rows.filter(
        under_on(within, "organisation_id", f"{parent}__decision_date")
        | Q(member__isnull=False) & _registered_within(within, f"{parent}__decision_date")
    )


def _decided_between(model, subjects, start, end, body, kinds, within):
    """Records of `model` (inspections or supervisions) decided in [start, end], by `body` and of
    `kinds` when given; with `within`, those with at least one subject (a row of `subjects`) inside it."""
    records = model.objects.filter(decision_date__gte=start, decision_date__lte=end)
    if body is not None:
        records = records.filter(body=body)
    if kinds is not None:
        records = records.filter(kind__in=kinds)
    if within is not None:
        parent = model._meta.model_name
        rows = _subjects_within(subjects.objects.filter(**{parent: OuterRef("pk")}), parent, within)
        records = records.filter(Exists(rows))
    return records


def inspections_between(start, end, *, body=None, kinds=None, within=None):
    """Inspections decided in [start, end], by `body` and of `kinds` when given; with `within`,
    those with at least one subject inside it."""
    return _decided_between(Inspection, InspectionSubject, start, end, body, kinds, within)


def supervisions_between(start, end, *, body=None, kinds=None, within=None):
    return _decided_between(Supervision, SupervisionSubject, start, end, body, kinds, within)


def distinct_subjects(records, model, within=None):
    """The distinct organisations or members (`model`) that are subjects of `records` (inspections or
    supervisions), inside `within` when given: an organisation inspected by two of them is one
    organisation (the report says "kiểm tra đối với 86 tổ chức đảng", counting organisations, not
    visits)."""
    parent = records.model._meta.model_name
    field = model._meta.model_name
    rows = _subjects_within(
        SUBJECTS[records.model].objects.filter(**{f"{parent}__in": records}), parent, within
    )
    return model.objects.filter(pk__in=rows.filter(**{f"{field}__isnull": False}).values(f"{field}_id"))


def distinct_subject_counts(wanted, within=None):
    """{name: how many `distinct_subjects(records, model, within)` holds} for each name -> (records,
    model) of `wanted` (records of one model), in one query: the tests of `within` are built and
    run once for every figure, not once each."""
    (records_model,) = {records.model for records, _ in wanted.values()}
    parent = records_model._meta.model_name
    of_records = {name: Q(**{f"{parent}__in": records}) for name, (records, _) in wanted.items()}
    rows = SUBJECTS[records_model].objects.filter(functools.reduce(operator.or_, of_records.values()))
    counts = {
        name: Count(model._meta.model_name, distinct=True, filter=of_records[name])
        for name, (_, model) in wanted.items()
    }
    return _subjects_within(rows, parent, within).aggregate(**counts)


# --- the report's figures (DOMAIN.md §6) ---------------------------------------------------------


def committee_inspections(start, end, within=None):
    """Inspections conducted by the Đảng ủy Khối itself."""
    return inspections_between(start, end, body=Body.COMMITTEE, within=within)


def thematic_supervisions(start, end, within=None):
    """Thematic supervisions conducted by the Đảng ủy Khối."""
    return supervisions_between(
        start, end, body=Body.COMMITTEE, kinds=[SupervisionKind.THEMATIC], within=within
    )


def ubkt_inspections(start, end, kind, within=None):
    """Inspections of `kind` by the Khối's inspection committee."""
    return inspections_between(start, end, body=Body.UBKT, kinds=[kind], within=within)


# --- discipline and letters ----------------------------------------------------------------------


def discipline_decisions_between(start, end, within=None):
    """Discipline decisions taken in [start, end] (withdrawn ones included: they were taken)."""
    decisions = DisciplineDecision.objects.filter(decision_date__gte=start, decision_date__lte=end)
    if within is None:
        return decisions
    return decisions.filter(
        under_on(within, "organisation_id", "decision_date")
        | Q(member__isnull=False) & _registered_within(within, "decision_date")
    )


def letters_overdue(day, kind=None):
    """Open letters whose deadline had passed on `day`, earliest deadline first; `kind` as they are
    handled: LetterKind.COMPLAINT (complaints and mixed letters) or LetterKind.DENUNCIATION."""
    letters = Letter.objects.overdue(day).order_by("deadline", "pk")
    if kind == LetterKind.DENUNCIATION:
        return letters.filter(kind=LetterKind.DENUNCIATION)
    if kind == LetterKind.COMPLAINT:
        return letters.exclude(kind=LetterKind.DENUNCIATION)
    return letters


def letters_received_between(start, end, within=None):
    """Letters received in [start, end]; with `within`, those about an organisation inside it or a
    member registered there on the day the letter was received."""
    letters = Letter.objects.filter(received_on__gte=start, received_on__lte=end)
    if within is None:
        return letters
    about = LetterSubject.objects.filter(letter=OuterRef("pk")).filter(
        under_on(within, "organisation_id", "letter__received_on")
        | Q(member__isnull=False) & _registered_within(within, "letter__received_on")
    )
    return letters.filter(Exists(about))


# --- outcomes ------------------------------------------------------------------------------------


def violations_found(start, end, within=None):
    """Inspected subjects (an organisation or a member, per inspection) found in violation, in
    inspections decided in [start, end]."""
    rows = InspectionSubject.objects.filter(
        inspection__decision_date__gte=start, inspection__decision_date__lte=end, violation_found=True
    )
    return _subjects_within(rows, "inspection", within)


def discipline_after_inspection(start, end, within=None):
    """Discipline decisions in [start, end] that followed an inspection."""
    return discipline_decisions_between(start, end, within).filter(inspection__isnull=False)


def grassroots_inspections(start, end, within=None):
    """Inspections a TCCS's own committee (or its inspection committee) conducted in [start, end],
    those of TCCS within `within` when given."""
    inspections = Inspection.objects.filter(
        body=Body.GRASSROOTS, decision_date__gte=start, decision_date__lte=end
    )
    if within is not None:
        inspections = inspections.filter(under_on(within, "conducting_organisation_id", "decision_date"))
    return inspections
