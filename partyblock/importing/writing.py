"""Fast inserts for the bulk of an import: one statement per table and chunk, whatever the rows.

PostgreSQL gets COPY, every other backend one `executemany` INSERT. Rows are plain tuples (no
model instances, no per-row SQL compilation), which is what keeps the write close to the
database's own speed. Like `bulk_create`, this skips `save()` and signals; callers validate first.
New members need their ids before their events, periods and cards can point at them, so ids are
reserved up front (`reserve_ids`).
"""

import functools
import time

from django.db import connection
from django.utils import timezone


def reserve_ids(model, count):
    """`count` fresh primary keys for `model`, inside the current transaction."""
    if count == 0:
        return []
    table = connection.ops.quote_name(model._meta.db_table)
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [model._meta.db_table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite (and others) hold the write lock for the whole transaction: max + 1 … is ours.
        cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(column)}), 0) FROM {table}")
        top = cursor.fetchone()[0]
    return list(range(top + 1, top + count + 1))


def insert(model, names, rows):
    """Insert `rows` (tuples of values for the fields named by attname in `names`) into the
    model's table; every other column gets its default (auto_now_add: now)."""
    if not rows:
        return 0
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    given = [by_attname[name] for name in names]
    rest = [f for f in meta.concrete_fields if f.attname not in names and not f.primary_key]
    now = timezone.now()
    defaults = tuple(
        f.get_db_prep_save(now if getattr(f, "auto_now_add", False) else f.get_default(), connection)
        for f in rest
    )
    columns = ", ".join(connection.ops.quote_name(f.column) for f in given + rest)
    table = connection.ops.quote_name(meta.db_table)
    if connection.vendor == "postgresql":
        return _copy(table, columns, rows, defaults)
    dates = [i for i, f in enumerate(given) if f.get_internal_type() == "DateField"]
    if dates:
        rows = [_iso_dates(row, dates) for row in rows]
    placeholders = ", ".join(["%s"] * (len(given) + len(rest)))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", [(*row, *defaults) for row in rows]
        )
    return len(rows)


def _iso_dates(row, positions):
    row = list(row)
    for i in positions:
        if row[i] is not None:
            row[i] = row[i].isoformat()
    return row


def _copy(table, columns, rows, defaults):
    sql = f"COPY {table} ({columns}) FROM STDIN"

    def run(sql, params, many, context):
        with context["cursor"].cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row((*row, *defaults))

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
    return len(rows)
