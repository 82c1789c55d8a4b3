"""Writes to organisation records: ratings (shared with member ratings), tasks, meetings, moves,
mergers and dissolutions, and the organisations an import creates or changes."""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partyblock.core import rating_schemes
from partyblock.core.auditing import bulk_written, diff, snapshot
from partyblock.core.text import day_text

from .models import (
    ALLOWED_PARENT_KINDS,
    ROOT_KINDS,
    Meeting,
    Organisation,
    OrganisationKind,
    OrganisationRating,
    Placement,
    Superior,
    meeting_totals_refresh,
)
from .queries import organisations_to_rate
from .tree import covering, segment, tree_rebuild

RATING_FIELDS = ["category", "level", "score", "organisation", "tccs"]


@dataclass
class RatingEntry:
    """One row of a bulk rating screen or import: who, where they are rated, and what was chosen."""

    subject: object  # a Member or an Organisation
    organisation: object  # the chi bộ (members) or the rated organisation itself
    category: str  # "" clears an existing rating
    score: str | Decimal | None = None


@dataclass
class RatingsSaved:
    created: int = 0
    updated: int = 0
    cleared: int = 0
    unchanged: int = 0


def _score(value, year, scheme):
    if value in (None, ""):
        return None
    if not scheme.scored:
        raise ValueError(f"năm {year} chưa chấm điểm khi xếp loại (từ năm 2025).")
    try:
        score = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"điểm “{value}” không phải là số.") from None
    if not 0 <= score <= 100:
        raise ValueError("điểm phải từ 0 đến 100.")
    return score


def ratings_save(*, model, subject_field, year, entries, import_batch=None):
    """Save a year's ratings for many subjects at once: all rows valid, or nothing is written.

    `model` is MemberRating or OrganisationRating, `subject_field` its "member" or "organisation".
    Existing ratings of those subjects for the year are updated; an empty category clears one.
    A fixed number of queries whatever the number of rows. Ratings created by an import carry its
    `import_batch` (and are audited by it, `audit.log_import`).
    """
    subject = model.subject
    scheme = rating_schemes.scheme_for(subject, year)
    problems = []
    rows = []
    for entry in entries:
        name = str(entry.subject)
        if not entry.category:
            rows.append((entry, None, None))
            continue
        try:
            category = rating_schemes.resolve(subject, year, entry.category)
            rows.append((entry, category, _score(entry.score, year, scheme)))
        except ValueError as error:
            problems.append(f"{name}: {error}")
    if problems:
        raise ValidationError(problems)

    subject_ids = [entry.subject.pk for entry, _, _ in rows]
    existing = {
        getattr(rating, f"{subject_field}_id"): rating
        for rating in model.objects.filter(year=year, **{f"{subject_field}__in": subject_ids}).select_related(
            subject_field
        )
    }
    saved = RatingsSaved()
    to_create, to_update, to_delete = [], [], []
    before = {}
    for entry, category, score in rows:
        rating = existing.get(entry.subject.pk)
        if category is None:
            if rating is not None:
                to_delete.append(rating.pk)
            continue
        values = {
            "category": category.code,
            "level": category.level,
            "score": score,
            "organisation_id": entry.organisation.pk,
            "tccs_id": entry.organisation.grassroots_id,
        }
        if rating is None:
            to_create.append(
                model(year=year, **{subject_field: entry.subject}, **values, import_batch=import_batch)
            )
        elif any(getattr(rating, k) != v for k, v in values.items()):
            before[rating.pk] = snapshot(rating)
            for key, value in values.items():
                setattr(rating, key, value)
            to_update.append(rating)
        else:
            saved.unchanged += 1
    with transaction.atomic():
        created = model.objects.bulk_create(to_create, batch_size=1000)
        model.objects.bulk_update(to_update, RATING_FIELDS, batch_size=1000)
        model.objects.filter(pk__in=to_delete).delete()  # per-row signals: the audit logs each
        # Bulk creates and updates send no signals: the audit trail is written here, one row each.
        bulk_written("create", [(rating, diff({}, snapshot(rating))) for rating in created])
        bulk_written("change", [(rating, diff(before[rating.pk], snapshot(rating))) for rating in to_update])
    saved.created, saved.updated, saved.cleared = len(to_create), len(to_update), len(to_delete)
    return saved


def organisation_ratings_save(*, year, choices, within=None, import_batch=None):
    """Bulk-save organisation ratings for `year`: `choices` maps organisation id -> (category, score).
    Only organisations that must be rated that year may be rated."""
    allowed = {o.pk: o for o in organisations_to_rate(year, within)}
    unknown = [pk for pk in choices if pk not in allowed]
    if unknown:
        raise ValidationError(f"Có {len(unknown)} tổ chức không thuộc diện xếp loại năm {year}.")
    entries = [
        RatingEntry(subject=allowed[pk], organisation=allowed[pk], category=category, score=score)
        for pk, (category, score) in choices.items()
    ]
    return ratings_save(
        model=OrganisationRating,
        subject_field="organisation",
        year=year,
        entries=entries,
        import_batch=import_batch,
    )


def organisation_move(*, organisation, parent, on, decision_number=""):
    """Move `organisation` (and everything below it) under `parent` from day `on`: its placement in
    force that day ends the day before and a new one starts. Members of the organisations moved go
    with them without an event each (their chi bộ is the same; the tree around it changed), and
    counts of earlier days keep reading the tree as it was.

    Refused, with nothing written: a day after today, an organisation or parent that does not exist
    that day, a parent of a kind it cannot sit under, a parent that is the organisation itself or
    below it that day (a cycle), a placement that would overlap a later one.
    """
    day = day_text(on)
    if on > timezone.localdate():
        raise ValidationError({"on": f"Ngày chuyển {day} sau ngày hôm nay."})
    if not organisation.is_active_on(on):
        raise ValidationError({"on": f"{organisation.name} không hoạt động vào ngày {day}."})
    if not parent.is_active_on(on):
        raise ValidationError({"parent": f"{parent.name} không hoạt động vào ngày {day}."})
    if parent.kind not in ALLOWED_PARENT_KINDS.get(organisation.kind, ()):
        raise ValidationError(
            {
                "parent": f"{organisation.get_kind_display()} không thể trực thuộc "
                f"{OrganisationKind(parent.kind).label.lower()} ({parent.name})."
            }
        )
    parent_span = parent.tree_spans.filter(covering(on)).values_list("path", flat=True).first()
    if parent_span is None:
        raise ValidationError({"parent": f"{parent.name} chưa có vị trí trong cây tổ chức vào ngày {day}."})
    if segment(organisation.pk) in parent_span:
        raise ValidationError(
            {
                "parent": f"Không thể chuyển {organisation.name} vào {parent.name}: "
                "đó là chính nó hoặc tổ chức cấp dưới của nó."
            }
        )
    current = organisation.placements.filter(covering(on)).first()
    if current is None:
        raise ValidationError({"on": f"{organisation.name} chưa trực thuộc tổ chức nào vào ngày {day}."})
    later = organisation.placements.filter(starts_on__gt=on).order_by("starts_on").first()
    if later is not None:
        raise ValidationError(
            {
                "on": f"{organisation.name} đã có giai đoạn trực thuộc từ ngày {day_text(later.starts_on)}, sau ngày {day}."
            }
        )
    if current.parent_id == parent.pk:
        raise ValidationError({"parent": f"{organisation.name} đã trực thuộc {parent.name} vào ngày {day}."})
    with transaction.atomic():
        if current.starts_on == on:
            current.parent = parent
            current.decision_number = decision_number or current.decision_number
            current.save()
        else:
            ends_on = current.ends_on
            current.ends_on = on
            current.save(update_fields=["ends_on"])
            Placement.objects.create(
                organisation=organisation,
                parent=parent,
                starts_on=on,
                ends_on=ends_on,
                decision_number=decision_number,
            )
        tree_rebuild()
        old_parent = current.parent.name if current.parent_id else ""
        bulk_written(
            "change", [(organisation, {"parent": [old_parent, parent.name], "placed_on": ["", day]})]
        )
    organisation.refresh_from_db(fields=["parent", "path", "depth"])
    return organisation


def superior_change(*, organisation, name, place, on=None, decision_number=""):
    """Record that the root `organisation` (the Khối, a provincial committee) answers to the
    committee `name` (printed as on its documents, e.g. "Thành ủy Hải Phòng"; `place` as in their
    place-and-date line) from day `on` (None: since founding, for the first record). The record in
    force that day ends the day before; earlier reports keep the superior of their own day.

    Refused, with nothing written: an organisation that is not a root, a day after today, a change
    on or before the start of the record in force, a record already starting later, no day when
    an earlier record exists."""
    name, place = name.strip(), place.strip()
    if organisation.kind not in ROOT_KINDS:
        raise ValidationError(
            {
                "organisation": f"{organisation.name} không phải cấp cao nhất của cây tổ chức: cấp trên là tổ chức nó trực thuộc."
            }
        )
    if not name or not place:
        raise ValidationError({"name": "Cần ghi tên cấp ủy cấp trên và địa danh."})
    records = organisation.superiors.all()
    if on is None:
        if records.exists():
            raise ValidationError({"on": "Cần ghi ngày thay đổi cấp trên."})
        return Superior.objects.create(
            organisation=organisation, name=name, place=place, decision_number=decision_number
        )
    day = day_text(on)
    if on > timezone.localdate():
        raise ValidationError({"on": f"Ngày thay đổi {day} sau ngày hôm nay."})
    later = records.filter(starts_on__gt=on).first()
    if later is not None:
        raise ValidationError({"on": f"Đã có cấp trên từ ngày {day_text(later.starts_on)}, sau ngày {day}."})
    current = records.filter(covering(on)).first()
    if current is not None and current.starts_on is not None and current.starts_on >= on:
        raise ValidationError({"on": f"Cấp trên hiện ghi đã bắt đầu từ ngày {day_text(current.starts_on)}."})
    with transaction.atomic():
        if current is not None:
            current.ends_on = on
            current.save(update_fields=["ends_on"])
        superior = Superior.objects.create(
            organisation=organisation, name=name, place=place, starts_on=on, decision_number=decision_number
        )
        old = current.name if current is not None else ""
        bulk_written("change", [(organisation, {"superior": [old, name], "superior_from": ["", day]})])
    return superior


@dataclass
class NewOrganisation:
    """An organisation an import creates, as its preview checked it (`Organisation.clean` against
    its planned parent): `parent` is a stored organisation's id, or the code of another new one,
    which `level` (its depth below the nearest stored organisation) puts first; `placed_on` starts
    its first placement (None: since founding)."""

    code: str
    name: str
    kind: str
    parent: int | str
    level: int = 0
    founded_on: datetime.date | None = None
    dissolved_on: datetime.date | None = None
    agency: str = ""
    placed_on: datetime.date | None = None


def organisations_create_bulk(new_organisations, *, import_batch):
    """Write the organisations an import creates, one tree level at a time (a parent before its
    children), with their first placements, then derive the tree again. Nothing is checked again
    (the preview did, and the import refuses a plan whose tables changed since), so this is for the
    importer only. No signals are sent: the organisations carry `import_batch` and are audited by the
    batch's own log row (`audit.log_import`); their placements and spans follow from them. Returns the
    organisations written."""
    new_organisations = sorted(new_organisations, key=lambda new: new.level)
    if not new_organisations:
        return []
    stored = Organisation.objects.in_bulk({n.parent for n in new_organisations if isinstance(n.parent, int)})
    by_code = {}
    for level in sorted({new.level for new in new_organisations}):
        created = []
        for new in (n for n in new_organisations if n.level == level):
            organisation = Organisation(
                code=new.code,
                name=new.name,
                kind=new.kind,
                parent=stored[new.parent] if isinstance(new.parent, int) else by_code[new.parent],
                founded_on=new.founded_on,
                dissolved_on=new.dissolved_on,
                agency=new.agency,
                import_batch=import_batch,
            )
            organisation.placed_on = new.placed_on
            created.append(organisation)
        Organisation.objects.bulk_create(created)
        Placement.objects.bulk_create(
            Placement(organisation=o, parent=o.parent, starts_on=o.placed_on) for o in created
        )
        by_code.update((o.code, o) for o in created)
    tree_rebuild()  # spans and paths of the new organisations
    return list(by_code.values())


def organisation_update(organisation, **changes):
    """Change an organisation's record as its admin form does (a new `parent` corrects the latest
    placement: `Organisation.save`); logged with its before and after by the audit's signals."""
    for name, value in changes.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    return organisation


# What closing an organisation means for the apps above this one (members: its members move with a
# merger, and an organisation that still has members is not dissolved), added from their
# `AppConfig.ready()` with `register_closing`.
_MERGE_STEPS = []  # function(*, organisation, into, on, decision_number): run before it closes
_REFUSALS = []  # function(organisation, on) -> why it cannot be dissolved that day, or None


def register_closing(*, merge=None, refuse=None):
    if merge is not None and merge not in _MERGE_STEPS:
        _MERGE_STEPS.append(merge)
    if refuse is not None and refuse not in _REFUSALS:
        _REFUSALS.append(refuse)


def organisation_merge(*, organisation, into, on, decision_number=""):
    """Merge `organisation` into `into` on `on`: its members are transferred, then it is closed.

    Only a chi bộ (which holds members directly) is merged this way; a TCCS with sub-branches is
    merged by moving its chi bộ first.
    """
    if organisation.children.active_on(on).exists():
        raise ValidationError(
            f"{organisation.name} còn tổ chức trực thuộc đang hoạt động; hãy chuyển chúng trước."
        )
    with transaction.atomic():
        for step in _MERGE_STEPS:
            step(organisation=organisation, into=into, on=on, decision_number=decision_number)
        organisation.dissolved_on = on
        organisation.merged_into = into
        organisation.full_clean()
        organisation.save()
    return organisation


def organisation_dissolve(*, organisation, on):
    """Close an organisation; refused while it still has members or active sub-organisations."""
    for refuse in _REFUSALS:
        problem = refuse(organisation, on)
        if problem:
            raise ValidationError(problem)
    if organisation.children.active_on(on).exists():
        raise ValidationError(
            f"{organisation.name} còn tổ chức trực thuộc đang hoạt động vào ngày {day_text(on)}."
        )
    organisation.dissolved_on = on
    organisation.full_clean()
    organisation.save()
    return organisation


# --- chi bộ meetings ---------------------------------------------------------------------------------
# One meeting is saved or deleted by `Meeting.save` / `Meeting.delete` (the admin form), which keep
# the day totals; many at once go through these, which refresh the totals of the days they touched.
def meetings_delete(meetings):
    """Delete the meetings of a queryset and refresh the totals of their days."""
    with transaction.atomic():
        days = set(meetings.values_list("held_on", flat=True))
        meetings.delete()
        meeting_totals_refresh(days)


def meetings_create_bulk(meetings, batch_size=2000):
    """Insert many meetings at once (the demo) and the totals of their days."""
    with transaction.atomic():
        created = Meeting.objects.bulk_create(meetings, batch_size=batch_size)
        meeting_totals_refresh({meeting.held_on for meeting in meetings})
    return created
