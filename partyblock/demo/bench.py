"""Scaling the demo data for benchmarks: copy the 1× demo records k times inside the database with
INSERT … SELECT (ids and foreign keys shifted by a fixed offset per copy), so 100× — about 490,000
members and 2.5 million ratings — is built in minutes, not row by row.

Each copy gets its own organisations (new codes, a new subtree under the Khối's root), members,
events, periods, cards, ratings, awards, badges, sick leave, gaps in party life (whose days the
copied periods' party age already leaves out), tasks and meetings. Documents and the
inspection registers stay 1×: they are the Khối's own and do not grow with membership.

`time_page` times a page as the page benchmarks (`bench_pages`, `bench_reports`) report it.
"""

import statistics
import time

from django.core.management.base import CommandError
from django.core.management.color import no_style
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from members.models import (
    Award,
    Member,
    MemberCard,
    MemberEvent,
    MemberRating,
    MembershipPeriod,
    PartyBadge,
    PartyLifeGap,
    SickLeave,
)
from units.models import (
    BreakthroughTask,
    Meeting,
    Organisation,
    OrganisationKind,
    OrganisationRating,
    Placement,
    meeting_totals_refresh,
)
from units.tree import tree_rebuild

COPIED = [
    Member,
    MemberEvent,
    MembershipPeriod,
    MemberCard,
    MemberRating,
    SickLeave,
    PartyLifeGap,
    PartyBadge,
    Award,
    OrganisationRating,
    BreakthroughTask,
    Meeting,
]
# Unique text columns get the copy number appended; these are cleared instead.
SUFFIXED = {(MemberCard, "number")}
CLEARED = {
    (Member, "national_id"),
    (Member, "import_batch"),
    (MemberEvent, "import_batch"),
    (MemberRating, "import_batch"),
    (OrganisationRating, "import_batch"),
}


def base_sizes():
    """Largest id per table at 1×: copy k shifts every id by k × this."""
    sizes = {}
    for model in [Organisation, *COPIED]:
        sizes[model] = model.objects.aggregate(top=models.Max("pk"))["top"] or 0
    return sizes


def _copy_organisations(k, sizes):
    offset = k * sizes[Organisation]
    originals = list(Organisation.objects.filter(pk__lte=sizes[Organisation]).order_by("depth", "pk"))
    root = next(o for o in originals if o.kind == OrganisationKind.BLOC)
    new_paths = {root.pk: root.path}
    copies = []
    for original in originals:
        if original.pk == root.pk:
            continue
        new_id = original.pk + offset
        parent_id = original.parent_id if original.parent_id == root.pk else original.parent_id + offset
        path = new_paths[parent_id] + f"{new_id:06d}/"
        new_paths[new_id] = path
        copies.append(
            Organisation(
                pk=new_id,
                code=f"{original.code}-x{k}",
                name=original.name,
                kind=original.kind,
                parent_id=parent_id,
                agency=original.agency,
                founded_on=original.founded_on,
                dissolved_on=original.dissolved_on,
                merged_into_id=original.merged_into_id + offset if original.merged_into_id else None,
                path=path,
                depth=original.depth,
            )
        )
    Organisation.objects.bulk_create(copies, batch_size=2000)

    def shifted(organisation_id):
        return organisation_id if organisation_id in (None, root.pk) else organisation_id + offset

    Placement.objects.bulk_create(
        [
            Placement(
                organisation_id=shifted(p.organisation_id),
                parent_id=shifted(p.parent_id),
                starts_on=p.starts_on,
                ends_on=p.ends_on,
            )
            for p in Placement.objects.filter(organisation_id__lte=sizes[Organisation]).exclude(
                organisation_id=root.pk
            )
        ],
        batch_size=2000,
    )


def _column_expression(model, field, k, sizes, root_pk):
    column = connection.ops.quote_name(field.column)
    if field.primary_key:
        return f"{column} + {k * sizes[model]}"
    if (model, field.name) in CLEARED:
        return "NULL"
    if (model, field.name) in SUFFIXED:
        return connection.ops.combine_expression("||", [column, f"'-x{k}'"])
    if field.is_relation and field.related_model is Organisation:
        # The Khối's own records (tasks the committee registers) stay the Khối's: it is not copied.
        return f"CASE WHEN {column} = {root_pk} THEN {column} ELSE {column} + {k * sizes[Organisation]} END"
    if field.is_relation and field.related_model in sizes:
        return f"{column} + {k * sizes[field.related_model]}"  # NULL stays NULL
    return column


def _copy_table(model, k, sizes, root_pk):
    fields = [f for f in model._meta.concrete_fields]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    expressions = ", ".join(_column_expression(model, f, k, sizes, root_pk) for f in fields)
    pk = connection.ops.quote_name(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {expressions} FROM {table} WHERE {pk} <= %s",
            [sizes[model]],
        )


def scale_to(target, current, sizes):
    """Add copies current … target-1 of the 1× records."""
    root_pk = Organisation.objects.get(kind=OrganisationKind.BLOC, depth=0).pk
    for k in range(current, target):
        _copy_organisations(k, sizes)
        for model in COPIED:
            _copy_table(model, k, sizes, root_pk)
    _reset_sequences()
    tree_rebuild()  # the copies' tree spans, from their placements
    meeting_totals_refresh()  # the Khối's meeting totals, now of every copy's meetings


def _reset_sequences():
    statements = connection.ops.sequence_reset_sql(no_style(), [Organisation, *COPIED])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def time_page(client, url, runs):
    """(median seconds, queries, status) of `runs` requests of `url` by `client`, after one that warms
    the caches and the connection; a page that does not answer 200 stops the benchmark."""
    client.get(url)
    timings, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        queries = len(captured)
    return statistics.median(timings), queries, response.status_code
