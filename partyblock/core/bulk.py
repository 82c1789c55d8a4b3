"""Bulk inserts (used by `members.services.members_create_bulk` for an import's new members): one
statement per table, whatever the number of rows.

PostgreSQL gets COPY (psycopg turns each row's values into its text format, in C), every other
backend one `executemany` INSERT. Like `bulk_create`, this skips `save()` and signals: callers check
the rows first. New members need their ids before their events, periods and cards can point at
them, so ids are reserved up front (`reserve_ids`).
"""

import datetime
import functools
import time

from django.db import connection
from django.utils import timezone


def reserve_ids(model, count):
    """`count` fresh primary keys for `model`, inside the current transaction, in increasing order:
    a range when they are consecutive (as they are unless another session takes ids meanwhile)."""
    if count == 0:
        return range(0)
    table = connection.ops.quote_name(model._meta.db_table)
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Only the bounds travel back; the ids themselves only when another session took some of
            # the sequence's values meanwhile (then they are not consecutive).
            cursor.execute(
                "WITH taken AS (SELECT nextval(s) AS id FROM (SELECT pg_get_serial_sequence(%s, %s)::regclass "
                "AS s) AS q, generate_series(1, %s)) SELECT MIN(id), MAX(id), CASE WHEN MAX(id) - MIN(id) + 1 "
                "= COUNT(*) THEN NULL ELSE array_agg(id ORDER BY id) END FROM taken",
                [model._meta.db_table, column, count],
            )
            first, last, scattered = cursor.fetchone()
            return range(first, last + 1) if scattered is None else scattered
        # SQLite (and others) hold the write lock for the whole transaction: max + 1 … is ours.
        cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(column)}), 0) FROM {table}")
        top = cursor.fetchone()[0]
    return range(top + 1, top + count + 1)


def insert(model, names, rows):
    """Insert `rows` (tuples of values for the fields named by attname in `names`) into the model's
    table; every other column gets its default (auto_now_add: now). Returns the number of rows."""
    rows = list(rows)
    if not rows:
        return 0
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    given = [by_attname[name] for name in names]
    rest = [f for f in meta.concrete_fields if f.attname not in names and not f.primary_key]
    now = timezone.now()
    tail = tuple(
        f.get_db_prep_save(now if getattr(f, "auto_now_add", False) else f.get_default(), connection)
        for f in rest
    )
    sql_columns = ", ".join(connection.ops.quote_name(f.column) for f in given + rest)
    table = connection.ops.quote_name(meta.db_table)
    if connection.vendor == "postgresql":
        _copy(f"COPY {table} ({sql_columns}) FROM STDIN", rows, tail)
        return len(rows)
    placeholders = ", ".join(["%s"] * (len(given) + len(rest)))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({sql_columns}) VALUES ({placeholders})",
            [tuple(map(_iso, row)) + tail for row in rows],
        )
    return len(rows)


def _iso(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def _copy(sql, rows, tail):
    def run(sql, params, many, context):
        with context["cursor"].cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row((*row, *tail))

    started = time.monotonic()
    with connection.cursor() as cursor:
        # COPY bypasses Django's cursor wrapper: pass it through the execute wrappers and the
        # query log ourselves, so that query counts stay honest.
        executor = run
        for wrapper in reversed(connection.execute_wrappers):
            executor = functools.partial(wrapper, executor)
        executor(sql, None, False, {"connection": connection, "cursor": cursor})
    if connection.queries_logged:
        connection.queries_log.append(
            {"sql": f"{sql} -- {len(rows)} rows", "time": f"{time.monotonic() - started:.3f}"}
        )
