"""The validated plan of an import: JSON lines, zlib-compressed, stored in the ImportBatch row.

`prepare` writes one record (a JSON array of plain values, dates as ISO text) per row to create or
update; `commit` streams them back and writes. The file is never read again, and nothing is
re-validated from scratch: only the fingerprint of the tables the plan relied on is compared.
"""

import datetime
import json
import zlib
from decimal import Decimal

from django.db.models import Count, Max


def iso(day):
    return day.isoformat() if day else None


def day(text):
    return datetime.date.fromisoformat(text) if text else None


def _default(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value))


class PlanWriter:
    def __init__(self):
        self._compressor = zlib.compressobj(1)
        self._parts = []
        self.records = 0

    def add(self, record):
        line = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=_default) + "\n"
        self._parts.append(self._compressor.compress(line.encode()))
        self.records += 1

    def finish(self):
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
    """{model label: [row count, highest id]} of `models`: any row added or removed since (the
    periods table is rewritten on every lifecycle change) shows as a different fingerprint."""
    result = {}
    for model in models:
        totals = model.objects.order_by().aggregate(n=Count("pk"), top=Max("pk"))
        result[model._meta.label] = [totals["n"], totals["top"] or 0]
    return result
