"""What the organisation page shows: its place in the tree, its sub-organisations and members on
the as-of day, members over time, ratings, awards, and (from the inspections app) inspections and
discipline concerning it for users who may read them. A fixed number of queries."""

import datetime

from django.db.models import Func, OuterRef, Subquery

from members.models import Award, MembershipPeriod
from members.queries import headcounts, member_ratings_within
from partyblock import charts
from partyblock.access import may_see_inspections
from partyblock.figures import good_or_better, percent
from units.models import OrganisationRating
from units.queries import rating_level_counts


def organisation_context(organisation, as_of, *, user):
    members_below = (
        MembershipPeriod.objects.covering(as_of)
        .filter(organisation__path__startswith=OuterRef("path"))
        .order_by()
        .annotate(n=Func("pk", function="COUNT"))
        .values("n")
    )
    children = (
        organisation.children.active_on(as_of).annotate(members=Subquery(members_below)).order_by("path")
    )
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
        "ancestors": list(organisation.ancestors()),
        "children": children,
        "members": over_time[-1][1],
        "members_chart": charts.line_chart("Số đảng viên theo thời gian", over_time),
        "ratings": OrganisationRating.objects.filter(organisation=organisation).order_by("-year"),
        "member_shares": [row for row in member_shares if row[1]],
        "awards": Award.objects.filter(organisation__path__startswith=organisation.path)
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
