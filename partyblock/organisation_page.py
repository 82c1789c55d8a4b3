"""What the organisation page shows: its place in the tree, its sub-organisations and members on
the as-of day, members over time, ratings, awards, and (from the inspections app) inspections and
discipline concerning it for users who may read them. A fixed number of queries."""

import datetime

from django.db.models import Count, F

from members.models import Award, MembershipPeriod
from members.queries import headcounts, member_ratings_within
from partyblock import charts
from partyblock.access import may_see_inspections
from partyblock.figures import good_or_better
from partyblock.text import percent
from units.models import Organisation, OrganisationRating, TreeSpan
from units.queries import rating_level_counts
from units.tree import covering, segment


def organisation_context(organisation, as_of, *, user):
    ancestors, children = tree_on(organisation, as_of)
    first_year = max(as_of.year - 9, (organisation.founded_on or as_of).year)
    days = [datetime.date(y, 12, 31) for y in range(first_year, as_of.year)] + [as_of]
    counts = headcounts(days, within=organisation)
    over_time = [(charts.date_label(d), counts[d]) for d in days]
    years = list(range(first_year, as_of.year + 1))
    levels = rating_level_counts(member_ratings_within(organisation), years)
    member_shares = []
    for year in years:
        rated, good = good_or_better(levels, year)
        member_shares.append((year, rated, good, percent(good, rated)))
    context = {
        "organisation": organisation,
        "as_of": as_of,
        "ancestors": ancestors,
        "children": children,
        "placements": organisation.placements.select_related("parent").order_by(
            F("starts_on").asc(nulls_first=True)
        ),
        "members": over_time[-1][1],
        "members_chart": charts.line_chart("Số đảng viên theo thời gian", over_time),
        "ratings": OrganisationRating.objects.filter(organisation=organisation).order_by("-year"),
        "member_shares": [row for row in member_shares if row[1]],
        "awards": Award.objects.filter(organisation__path__startswith=organisation.path)  # filed here
        .select_related("form", "body", "organisation")
        .order_by("-decision_date")[:100],
        "inspection_blocks": [],
    }
    if not may_see_inspections(user):
        return context
    try:
        from inspections.reports import organisation_blocks
    except ImportError:
        return context
    context["inspection_blocks"] = organisation_blocks(organisation)
    return context


def tree_on(organisation, as_of):
    """(ancestors root first, children with their `members`) of `organisation` as the tree was on
    `as_of`: three queries whatever the size of the subtree. Ancestors fall back to today's filing
    place when the organisation was not in the tree that day."""
    spans = list(
        TreeSpan.objects.filter(covering(as_of), path__contains=segment(organisation.pk)).values_list(
            "organisation_id", "path", "depth"
        )
    )
    own = next((path for pk, path, _ in spans if pk == organisation.pk), organisation.path)
    step = len(segment(0))
    above = [int(own[i : i + step - 1]) for i in range(0, len(own) - step, step)]
    depth = len(own) // step - 1
    child_ids = [pk for pk, _, span_depth in spans if span_depth == depth + 1]
    counts = dict(
        MembershipPeriod.objects.covering(as_of)
        .filter(organisation_id__in=[pk for pk, _, _ in spans])
        .values_list("organisation_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    related = Organisation.objects.in_bulk([*above, *child_ids])
    ancestors = [related[pk] for pk in above if pk in related]
    children = sorted(
        (related[pk] for pk in child_ids if pk in related and related[pk].is_active_on(as_of)),
        key=lambda o: o.path,
    )
    for child in children:
        mark = segment(child.pk)
        child.members = sum(counts.get(pk, 0) for pk, path, _ in spans if mark in path)
    return ancestors, children
