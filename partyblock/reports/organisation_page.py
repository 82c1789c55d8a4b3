"""What the organisation page shows: its place in the tree, its sub-organisations and members on
the as-of day, members over time, ratings, awards, and (from the inspections app) inspections and
discipline concerning it for users who may read them. A fixed number of queries.

Every count on the page is a registered figure (`members`, of the organisation and of each one
directly below it; `member_ratings` and `member_ratings_good_or_better` per year) of
`organisation_scope` (the ten years up to the as-of day), shown with the link to its drill-down; `manage.py figures --organisation CODE` prints
the same `organisation_counts`."""

import datetime
from dataclasses import dataclass

from django.db.models import F

from members.models import Award
from members.queries import headcounts_of_children
from partyblock.core import charts
from partyblock.core.figures import FIGURES, cache_key
from partyblock.core.sections import ORGANISATION_BLOCK_SOURCES, count, count_of
from partyblock.core.text import day_text, percent
from partyblock.reports.figures import Scope, members_over_time
from units.models import Organisation, OrganisationRating
from units.tree import PATH_STEP, below_on


def organisation_scope(organisation, as_of):
    """The page's scope: from 1 January ten years before the as-of day (or of the founding year,
    when later) to the as-of day, members counted on the as-of day."""
    first_year = max(as_of.year - 9, (organisation.founded_on or as_of).year)
    return Scope(datetime.date(first_year, 1, 1), as_of, as_of, organisation)


@dataclass
class OrganisationCounts:
    """Every count the page shows, each a figure cell: members on the as-of day, members of each
    sub-organisation [(child, cell)], and for each year with ratings [(year, rated, good or better)]."""

    members: object
    children: list
    years: list

    def listed(self):
        """[(label, cell)] in the page's order."""
        found = [(FIGURES["members"].label, self.members)]
        found += [(child.name, cell) for child, cell in self.children]
        for year, rated, good in self.years:
            found += [(f"Năm {year}: được xếp loại", rated), (f"Năm {year}: tốt trở lên", good)]
        return found


def _child_scope(scope, child, members):
    """`scope` narrowed to `child`, its `members` figure already known (`headcounts_of_children`
    counts every child's in one query, as `members_as_of` does)."""
    narrowed = Scope(scope.starts_on, scope.ends_on, scope.as_of, child)
    narrowed.cache[cache_key("members", {})] = members
    return narrowed


def organisation_counts(scope, children):
    below = headcounts_of_children(scope.as_of, scope.organisation)
    years = []
    for year in scope.rated_years:
        rated = count(scope, "member_ratings", year=year)
        if rated.value:
            years.append((year, rated, count(scope, "member_ratings_good_or_better", year=year)))
    return OrganisationCounts(
        count(scope, "members"),
        [
            (child, count_of(_child_scope(scope, child, below.get(child.pk, 0)), "members"))
            for child in children
        ],
        years,
    )


def organisation_context(organisation, as_of, *, user):
    scope = organisation_scope(organisation, as_of)
    ancestors, children = tree_on(organisation, as_of)
    counts = organisation_counts(scope, children)
    for child, cell in counts.children:
        child.members = cell
    # The chart's points: each year end, then the as-of day (the headcounts of the same pass).
    over_time = [
        (day_text(day), n)
        for day, n in members_over_time(scope)
        if day == as_of or (day.month, day.day) == (12, 31)
    ]
    context = {
        "organisation": organisation,
        "as_of": as_of,
        "scope": scope,
        "cells": [cell for _, cell in counts.listed()],
        "ancestors": ancestors,
        "children": children,
        "placements": organisation.placements.select_related("parent").order_by(
            F("starts_on").asc(nulls_first=True)
        ),
        "members": counts.members,
        "members_chart": charts.line_chart("Số đảng viên theo thời gian", over_time),
        "ratings": OrganisationRating.objects.filter(organisation=organisation).order_by("-year"),
        "member_shares": [
            (year, rated, good, percent(good.value, rated.value)) for year, rated, good in counts.years
        ],
        "awards": Award.objects.filter(organisation__path__startswith=organisation.path)  # filed here
        .select_related("form", "body", "organisation")
        .order_by("-decision_date")[:100],
        # Blocks other apps register (inspections, supervision, discipline, letters), each shown
        # to the users holding its permission.
        "inspection_blocks": [
            block
            for permission, source in ORGANISATION_BLOCK_SOURCES
            if user.has_perm(permission)
            for block in source(organisation)
        ],
    }
    return context


def tree_on(organisation, as_of):
    """(ancestors root first, children) of `organisation` as the tree was on `as_of`: two queries
    whatever the size of the subtree. Ancestors fall back to today's filing place when the
    organisation was not in the tree that day."""
    children, own = below_on(as_of, organisation)
    own = own or organisation.path
    above = [int(own[i : i + PATH_STEP - 1]) for i in range(0, len(own) - PATH_STEP, PATH_STEP)]
    related = Organisation.objects.in_bulk([*above, *children])
    ancestors = [related[pk] for pk in above if pk in related]
    shown = sorted(
        (related[pk] for pk in children if pk in related and related[pk].is_active_on(as_of)),
        key=lambda o: o.path,
    )
    return ancestors, shown
