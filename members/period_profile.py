"""A membership period carries its member's profile fields that the composition groups by.

The member breakdowns (by gender, ethnicity, religion, age band, education and theory level) count
the members of a day; reading those fields off the periods covering the day makes each count one
scan of the periods, not a join of every period of the day with every member (100×: 490,000 periods
with 640,000 members). The copies are derived data, kept here only:
  - `values(member)` / `values_of(ids)` give the copied values for a writer of periods
    (`members.services`: one member's periods, the importer's bulk paths, the demo);
  - `sync(ids)` copies them again onto the stored periods of members whose profile changed
    (`Member.save` on every change of a stored member, so the admin, `member_update` and the
    importer's profile updates; bulk writers of profiles call it themselves).
`mismatched()` finds the periods that disagree with their member (tests: none after any writer).
"""

from django.apps import apps
from django.db import connection

FIELDS = ("gender", "birth_date", "ethnicity", "religion", "education", "theory_level")


def _model(name):
    """`members.models`' model `name`, from the app registry: `Member.save` calls `sync`, so the
    models module imports this one and this one may not import it back (no import cycles)."""
    return apps.get_model("members", name)


def values(member):
    """The tuple of `FIELDS` a period of `member` carries."""
    return tuple(getattr(member, name) for name in FIELDS)


def values_of(member_ids):
    """{member id: tuple of `FIELDS`} of stored members: one query."""
    return {
        pk: tuple(row)
        for pk, *row in _model("Member").objects.filter(pk__in=member_ids).values_list("pk", *FIELDS)
    }


def sync(member_ids=None):
    """Copy the profile fields of members `member_ids` (None: every member) onto their periods: one
    UPDATE … FROM (PostgreSQL and SQLite), rows already equal left alone. Returns the rows changed."""
    period = connection.ops.quote_name(_model("MembershipPeriod")._meta.db_table)
    member = connection.ops.quote_name(_model("Member")._meta.db_table)
    columns = [connection.ops.quote_name(name) for name in FIELDS]
    assignments = ", ".join(f"{c} = m.{c}" for c in columns)
    differs = " OR ".join(f"{period}.{c} IS DISTINCT FROM m.{c}" for c in columns)
    sql = f"UPDATE {period} SET {assignments} FROM {member} m WHERE m.id = {period}.member_id AND ({differs})"
    params = []
    if member_ids is not None:
        member_ids = list(member_ids)
        if not member_ids:
            return 0
        sql += f" AND {period}.member_id IN ({', '.join(['%s'] * len(member_ids))})"
        params = member_ids
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def mismatched():
    """[(period id, its copied fields, its member's)] for every period whose copies differ from its
    member's fields (none, when every writer keeps the rule): one query, compared here."""
    rows = _model("MembershipPeriod").objects.values_list(
        "pk", *FIELDS, *(f"member__{name}" for name in FIELDS)
    )
    size = len(FIELDS)
    return [
        (pk, tuple(row[:size]), tuple(row[size:]))
        for pk, *row in rows.order_by("pk")
        if tuple(row[:size]) != tuple(row[size:])
    ]
