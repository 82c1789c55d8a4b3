"""The organisation tree over time: which organisations were below which on a given day.

A `Placement` says that an organisation sat under a parent (None: it was a root) from one day
(None: since it was founded) until the day before another (None: still). A `TreeSpan` is a span of
days in which an organisation's whole chain of ancestors stayed the same, with the materialised
path of those days ("000001/000012/000345/"). "X and everything below it on day D" is then one
match on the spans covering D: a path that holds X's segment ("000012/"; every segment is six
digits and a slash, so a segment can only match at a boundary). Counting on D therefore reads the
tree as it was on D, and a later move never changes an earlier count.

`Organisation.parent` and `Organisation.path` keep the *filing* place: the parent of the latest
placement, and the path below it today. Records of an organisation that no longer exists follow
their last parent wherever it moves, so a TCCS's staff keep seeing its whole history.

Spans are derived in one place: `units.paths.derive()` is pure (tuples in, tuples out; the
migration that introduced the tree history calls it too) and `units.models.tree_rebuild()` writes
what changed (beside the model, whose `save` calls it). This module asks the questions and names
the tree's pieces for its callers: the path arithmetic, `derive`, `tree_rebuild` and
`ids_in_tree_on` are the same functions as there.
"""

import datetime

from django.db.models import Exists, OuterRef, Q

from .models import TreeSpan, ids_in_tree_on, tree_rebuild
from .paths import PATH_STEP, covering, derive, segment, segment_of

__all__ = [
    "PATH_STEP",
    "below_on",
    "covering",
    "derive",
    "ids_in_tree_on",
    "placed_within",
    "segment",
    "tree_rebuild",
    "under_in_year",
    "under_on",
]


def placed_within(within, day, field="organisation"):
    """Q: the organisation in `field` was `within` or below it in the tree of `day`.

    With an organisation and a date this is `ids_in_tree_on` (one subquery). Either may also be an
    expression: `day` the date of each filtered row (OuterRef of a record's date), `within` the id of
    each row of an outer query (OuterRef("pk"): a count per organisation); the organisation's tree
    spans are then joined (one span of an organisation covers a day, so nothing is counted twice)."""
    if hasattr(within, "pk") and isinstance(day, datetime.date):
        return Q(**{f"{field}_id__in": ids_in_tree_on(day, within)})
    spans = f"{field}__tree_spans__"
    return covering(day, prefix=spans) & Q(**{f"{spans}path__contains": segment_of(within)})


def below_on(day, within):
    """{child id: ids of the child and of everything below it} for the organisations directly below
    `within` in the tree of `day`, and `within`'s own path that day (None when it was not in the
    tree): one query."""
    spans = list(
        TreeSpan.objects.filter(covering(day), path__contains=segment(within.pk)).values_list(
            "organisation_id", "path", "depth"
        )
    )
    own = next((path for pk, path, _ in spans if pk == within.pk), None)
    if own is None:
        return {}, None
    depth = len(own) // PATH_STEP - 1
    children = {pk: segment(pk) for pk, _, span_depth in spans if span_depth == depth + 1}
    return {child: [pk for pk, path, _ in spans if mark in path] for child, mark in children.items()}, own


def _ever_under(within, organisation_field):
    """Q: the organisation named by `organisation_field` was `within` or below it on some day. One
    subquery that does not depend on the filtered row, so the database computes it once; put before
    the per-row test of the day (`under_on`, `under_in_year`), it leaves that test only the records
    of `within`'s organisations (a TCCS's report no longer tests the day of every record of the Khối)."""
    ids = TreeSpan.objects.filter(path__contains=segment(within.pk)).values("organisation_id")
    return Q(**{f"{organisation_field}__in": ids})


def under_on(within, organisation_field, day_field, *, day_before=False):
    """Exists() filter: the organisation named by `organisation_field` was `within` or below it on
    the day in `day_field` (field names of the filtered model; `day_field` may also be an
    expression, e.g. OuterRef(OuterRef("date")) from a subquery), or with `day_before` on the day
    before it (where a registration that ended that day was)."""
    day = day_field if hasattr(day_field, "resolve_expression") else OuterRef(day_field)
    if day_before:  # covering the previous day: begun before `day`, not ended before it
        in_force = (Q(starts_on__isnull=True) | Q(starts_on__lt=day)) & (
            Q(ends_on__isnull=True) | Q(ends_on__gte=day)
        )
    else:
        in_force = covering(day)
    return _ever_under(within, organisation_field) & Exists(
        TreeSpan.objects.filter(
            in_force,
            organisation_id=OuterRef(organisation_field),
            path__contains=segment(within.pk),
        )
    )


def under_in_year(within, organisation_field, year_field):
    """Exists() filter: the organisation named by `organisation_field` was `within` or below it on
    31/12 of the year in `year_field` (ratings, breakthrough tasks: year-end records)."""
    year = OuterRef(year_field)
    return _ever_under(within, organisation_field) & Exists(
        TreeSpan.objects.filter(
            Q(starts_on__isnull=True) | Q(starts_on__year__lte=year),
            Q(ends_on__isnull=True) | Q(ends_on__year__gt=year),
            organisation_id=OuterRef(organisation_field),
            path__contains=segment(within.pk),
        )
    )
