"""Fast inserts for the bulk of an import: one statement per table and chunk, whatever the rows.

PostgreSQL gets COPY, every other backend one `executemany` INSERT. Rows are plain values (no
model instances, no per-row SQL compilation), given row by row (`insert`) or column by column
(`insert_columns`); for COPY they are turned into its text format a column at a time, mostly in C,
and a few thousand rows at a time while the server writes the rows before: that keeps the write at
the database's own speed. Like `bulk_create`, this skips `save()` and signals; callers validate
first. New members need their ids before their events, periods and cards can point at them, so ids
are reserved up front (`reserve_ids`).
"""

import datetime
import functools
import time
from decimal import Decimal

from django.db import connection
from django.utils import timezone


def reserve_ids(model, count):
    """`count` fresh primary keys for `model`, inside the current transaction, in increasing order:
    a range when they are consecutive (as they are unless another session takes ids meanwhile), so
    that tens of thousands of ids cost nothing to receive."""
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
    """Insert `rows` (tuples of values for the fields named by attname in `names`) into the
    model's table; every other column gets its default (auto_now_add: now)."""
    rows = list(rows)
    if not rows:
        return 0
    return insert_columns(model, names, [list(column) for column in zip(*rows, strict=True)])


def insert_columns(model, names, columns):
    """Insert rows given column by column: `columns[i]` holds the values of the field named by
    attname `names[i]` (dates as date objects or ISO text), one per row, as a list or a Derived.
    Every other column gets its default (auto_now_add: now). Returns the number of rows."""
    count = len(columns[0]) if columns else 0
    if count == 0:
        return 0
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    given = [by_attname[name] for name in names]
    rest = [f for f in meta.concrete_fields if f.attname not in names and not f.primary_key]
    now = timezone.now()
    defaults = [
        f.get_db_prep_save(now if getattr(f, "auto_now_add", False) else f.get_default(), connection)
        for f in rest
    ]
    sql_columns = ", ".join(connection.ops.quote_name(f.column) for f in given + rest)
    table = connection.ops.quote_name(meta.db_table)
    if connection.vendor == "postgresql":
        suffix = "\t".join(map(_copy_text, defaults)) if defaults else None  # the same on every row
        _copy(table, sql_columns, _copy_data(columns, suffix, count), count)
        return count
    columns = [
        _iso_dates(column) if f.get_internal_type() == "DateField" else list(column)
        for f, column in zip(given, columns, strict=True)
    ]
    columns.extend([value] * count for value in defaults)
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({sql_columns}) VALUES ({placeholders})", list(zip(*columns, strict=True))
        )
    return count


def _iso_dates(column):
    return [value.isoformat() if isinstance(value, datetime.date) else value for value in column]


# --- COPY's text format ---------------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NULL = "\\N"
_BOOLEANS = {True: "t", False: "f"}
_NONE = type(None)


def _copy_column(values):
    """The values of one column as COPY text fields. Text, integers, booleans and NULLs, what
    nearly every column holds, are converted in C or close to it; anything else value by value."""
    kinds = set(map(type, values))
    if kinds == {str}:
        return _escaped(values)
    if kinds == {int}:
        return list(map(str, values))
    if kinds == {bool}:
        return list(map(_BOOLEANS.__getitem__, values))
    if kinds == {_NONE}:
        return [_NULL] * len(values)
    if kinds == {str, _NONE}:
        present = _escaped([value for value in values if value is not None])
        texts = iter(present)
        return [_NULL if value is None else next(texts) for value in values]
    if kinds == {int, _NONE}:
        return [_NULL if value is None else str(value) for value in values]
    return [_copy_text(value) for value in values]


class Derived:
    """A column computed from another, value by value, as it is written (`function(value)`): on
    PostgreSQL while the database writes the rows before."""

    def __init__(self, function, values):
        self.function, self.values = function, values

    def __len__(self):
        return len(self.values)

    def __getitem__(self, part):
        return list(map(self.function, self.values[part]))

    def __iter__(self):
        return map(self.function, self.values)


COPY_STEP = 2000  # rows turned into text at a time, while the database writes the ones before


def _copy_data(columns, suffix, count):
    """The rows as COPY text, a few thousand at a time: each part is made while PostgreSQL is
    still writing the previous one, so this costs the import next to nothing."""
    for start in range(0, count, COPY_STEP):
        text = [_copy_column(column[start : start + COPY_STEP]) for column in columns]
        if suffix is not None:
            text.append([suffix] * len(text[0]))
        yield ("\n".join(map("\t".join, zip(*text, strict=True))) + "\n").encode()


def _escaped(texts):
    joined = "".join(texts)
    if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
        return [text.translate(_ESCAPES) for text in texts]
    return texts


def _copy_text(value):
    if value is None:
        return _NULL
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return str.__str__(value).translate(_ESCAPES)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    raise TypeError(f"COPY: cannot write {type(value).__name__}")


def _copy(table, columns, data, count):
    sql = f"COPY {table} ({columns}) FROM STDIN"

    def run(sql, params, many, context):
        with context["cursor"].cursor.copy(sql) as copy:
            for part in data:
                copy.write(part)

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
            {"sql": f"{sql} -- {count} rows", "time": f"{time.monotonic() - started:.3f}"}
        )
