"""Read-side questions about the organisation tree. Every count of organisations comes from here."""

import datetime
import re

from django.db.models import Count, Q, Sum

from partyblock.core.text import search_key

from .models import (
    RATED_KINDS,
    BreakthroughTask,
    Document,
    Meeting,
    MeetingDayTotal,
    MeetingKind,
    Organisation,
    OrganisationRating,
    attendance_pct,
)
from .paths import PATH_STEP, covering
from .placing import tccs_names
from .tree import under_in_year, under_on


def organisations_as_of(day, kinds, within=None):
    """Organisations of `kinds` that exist on `day` (founded on or before, not yet dissolved) and
    are in the tree that day, below `within` as the tree was on `day` when given."""
    return Organisation.objects.active_on(day).of_kind(*kinds).in_tree_on(day, within)


def organisations_matching(queryset, term):
    """The organisations of `queryset` whose code is `term` (any case) or whose name, with its
    agency and its TCCS, holds every word of `term` without diacritics: "van phong uy ban" finds
    "Văn phòng Ủy ban…" (đ as d), and a label as the choosers show it, "Chi bộ Văn phòng — Đảng bộ
    Sở A" (`units.placing.placed`), finds that chi bộ. The header search, the organisation list's
    search and the admin's organisation autocomplete. Compared here, not in SQL, so SQLite and
    PostgreSQL agree."""
    words = re.findall(r"\w+", search_key(term))
    if not words:
        return queryset
    code = term.strip().casefold()
    names = tccs_names()
    found = []
    # values_list, not instances: the list's queryset carries annotations (headcounts) not needed here.
    for pk, organisation_code, name, agency, path, depth in queryset.values_list(
        "pk", "code", "name", "agency", "path", "depth"
    ):
        tccs = names.get(Organisation(path=path, depth=depth).grassroots_id, "") if depth > 1 else ""
        text = search_key(f"{name} {agency} {tccs}")
        if organisation_code.casefold() == code or all(word in text for word in words):
            found.append(pk)
    return queryset.filter(pk__in=found)


def organisations_to_rate(year, within=None):
    """TCCS, đảng bộ bộ phận and chi bộ trực thuộc that must be rated for `year`: existing on 31/12
    and founded at least 6 months before (DOMAIN.md §3)."""
    day = datetime.date(year, 12, 31)
    founded_by = datetime.date(year, 6, 30)
    organisations = organisations_as_of(day, RATED_KINDS, within=within)
    return organisations.filter(Q(founded_on__isnull=True) | Q(founded_on__lte=founded_by))


def organisation_ratings(year, kinds=RATED_KINDS, within=None):
    ratings = OrganisationRating.objects.filter(year=year, organisation__kind__in=kinds)
    return ratings.filter(under_in_year(within, "organisation_id", "year")) if within is not None else ratings


def rating_level_counts(ratings, years):
    """{(year, level): count} of a member or organisation ratings queryset, in one grouped query."""
    rows = ratings.filter(year__in=years).values("year", "level").annotate(n=Count("*")).order_by()
    return {(row["year"], row["level"]): row["n"] for row in rows}


def organisation_ratings_within(kinds, within=None):
    ratings = OrganisationRating.objects.filter(organisation__kind__in=kinds)
    return ratings.filter(under_in_year(within, "organisation_id", "year")) if within is not None else ratings


def breakthrough_tasks_of_years(first_year, last_year, within=None):
    tasks = BreakthroughTask.objects.filter(year__gte=first_year, year__lte=last_year)
    return tasks.filter(under_in_year(within, "organisation_id", "year")) if within is not None else tasks


def meetings_between(start, end, within=None):
    meetings = Meeting.objects.filter(held_on__gte=start, held_on__lte=end)
    return meetings.filter(under_on(within, "organisation_id", "held_on")) if within is not None else meetings


def attendance(meetings, **more):
    """Attendance over `meetings` in one aggregate: {"present", "expected": summed, "pct":
    `attendance_pct` of the sums, and the `more` aggregates asked for alongside}."""
    totals = meetings.aggregate(present=Sum("present"), expected=Sum("expected"), **more)
    totals["present"], totals["expected"] = totals["present"] or 0, totals["expected"] or 0
    totals["pct"] = attendance_pct(totals["present"], totals["expected"])
    return totals


def meeting_totals(start, end, within=None):
    """The meetings of `meetings_between(start, end, within)` added up in one query: {"n": meetings,
    "kind_<kind>": meetings of each kind, "present", "expected", "pct" (`attendance_pct`)}. The
    whole Khối's are read off the per-day totals (`MeetingDayTotal`, kept by every meeting write),
    an organisation's off its meetings."""
    if within is not None:
        meetings = meetings_between(start, end, within)
        return attendance(
            meetings,
            n=Count("pk"),
            **{f"kind_{kind}": Count("pk", filter=Q(kind=kind)) for kind in MeetingKind.values},
        )
    totals = MeetingDayTotal.objects.filter(held_on__gte=start, held_on__lte=end).aggregate(
        n=Sum("meetings"),
        present=Sum("present"),
        expected=Sum("expected"),
        **{f"kind_{kind}": Sum("meetings", filter=Q(kind=kind)) for kind in MeetingKind.values},
    )
    totals = {name: number or 0 for name, number in totals.items()}
    totals["pct"] = attendance_pct(totals["present"], totals["expected"])
    return totals


def documents_issued(start, end, kind):
    return Document.objects.filter(kind=kind, issued_on__gte=start, issued_on__lte=end)


def superior_on(organisation, day):
    """(the organisation above `organisation` on `day`, the `Superior` record above a root that day):
    one of the two, or (None, None) when the records say nothing for that day. Below a root the
    superior is the parent of the placement in force; a root (the Khối, a provincial committee)
    answers to a committee outside the tree, recorded as `Superior`."""
    placement = organisation.placements.filter(covering(day)).select_related("parent").first()
    if placement is not None and placement.parent is not None:
        return placement.parent, None
    return None, organisation.superiors.filter(covering(day)).first()


def root_on(organisation, day):
    """The root of the tree above `organisation` on `day` (itself when it is one), from the tree
    span in force that day; None when it was not in the tree that day."""
    path = organisation.tree_spans.filter(covering(day)).values_list("path", flat=True).first()
    if path is None:
        return None
    root_id = int(path[: PATH_STEP - 1])
    return organisation if root_id == organisation.pk else Organisation.objects.get(pk=root_id)
