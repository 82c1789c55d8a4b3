"""The validated plan of an import: JSON lines, zlib-compressed, stored in the ImportBatch row.

`prepare` writes records (JSON arrays of plain values, dates as ISO text): one per row to update,
and, for the rows that create, whatever the kind finds cheapest to write back (members: one record
per chunk, column by column, see `pack`); `commit` streams them back and writes. The file is never
read again, and nothing is re-validated from scratch: only the fingerprint of the tables the plan
relied on is compared.
"""

import datetime
import json
import threading
import zlib
from decimal import Decimal

from django.db import connection


def iso(day):
    return day.isoformat() if day else None


def day(text):
    return datetime.date.fromisoformat(text) if text else None


def pack(values):
    """A column of a plan record: the list, or {"all": value} when it holds one value only."""
    if (
        len(values) > 1
        and values[0] == values[-1]
        and values.count(values[0]) == len(values)
        and len(set(map(type, values))) == 1
    ):
        return {"all": values[0]}
    return values


def unpack(column, count):
    """The list of `count` values a packed column stands for."""
    return [column["all"]] * count if isinstance(column, dict) else column


def _default(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value))


class PlanWriter:
    """Compresses the plan as it is built. A large record (a chunk's new members) is compressed on a
    second thread while the next chunk is validated: zlib lets go of the interpreter meanwhile."""

    BACKGROUND = 64 * 1024  # bytes of JSON from which a record is compressed in the background

    def __init__(self):
        self._compressor = zlib.compressobj(1)
        self._parts = []
        self._pending = None  # the thread compressing the last large record
        self.records = 0

    def add(self, record):
        # ASCII JSON: escaping the few accented letters costs less than encoding them in UTF-8.
        line = (json.dumps(record, separators=(",", ":"), default=_default) + "\n").encode("ascii")
        self._wait()
        if len(line) < self.BACKGROUND:
            self._parts.append(self._compressor.compress(line))
        else:
            self._parts.append(None)
            self._pending = threading.Thread(target=self._compress, args=(line, len(self._parts) - 1))
            self._pending.start()
        self.records += 1

    def _compress(self, line, slot):
        try:
            self._parts[slot] = self._compressor.compress(line)
        except BaseException as error:  # handed to the caller by _wait()
            self._parts[slot] = error

    def _wait(self):
        if self._pending is not None:
            self._pending.join()
            self._pending = None
            if isinstance(self._parts[-1], BaseException):
                raise self._parts[-1]

    def finish(self):
        self._wait()
        self._parts.append(self._compressor.flush())
        return b"".join(self._parts)


def read_plan(blob):
    """Yield the records of a plan, decompressing as it goes."""
    if not blob:
        return
    inflater = zlib.decompressobj()
    pending = b""
    view = memoryview(bytes(blob))
    step = 256 * 1024
    for offset in range(0, len(view), step):
        pending += inflater.decompress(view[offset : offset + step])
        *lines, pending = pending.split(b"\n")
        for line in lines:
            yield json.loads(line)
    pending += inflater.flush()
    for line in pending.split(b"\n"):
        if line:
            yield json.loads(line)


def fingerprint(models):
    """{model label: [row count, highest id]} of `models`, in one query: any row added or removed
    since (the periods table is rewritten on every lifecycle change) shows as a different
    fingerprint."""
    quote = connection.ops.quote_name
    parts = []
    for model in models:
        table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
        parts.append(f"(SELECT COUNT(*) FROM {table}), (SELECT MAX({pk}) FROM {table})")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}")
        values = cursor.fetchone()
    return {model._meta.label: [values[2 * i], values[2 * i + 1] or 0] for i, model in enumerate(models)}
