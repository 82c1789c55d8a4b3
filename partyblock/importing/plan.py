"""The validated plan of an import: one JSON line per record, zlib-compressed, stored in the
ImportBatch row.

`prepare` writes records (lists of plain values; dates as ISO text): one per row to create or
update; `commit` reads them back and writes. The file is never read again, and nothing is
re-validated from scratch: only the fingerprint of the tables the plan relied on is compared.
"""

import datetime
import json
import zlib
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection


def iso(day):
    return day.isoformat() if day else None


def day(text):
    return datetime.date.fromisoformat(text) if text else None


MAGIC = b"PBPLAN3\n"  # earlier plans were marshal records (2) or JSON lines (1)


def _plain(value):
    """JSON for what a record may hold besides JSON's own types: dates and decimals as text."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"plan: cannot store {type(value).__name__}")


class PlanWriter:
    """The plan as it is built: one JSON line per record (lists of plain values; dates and decimals
    as text), zlib-compressed when finished. Plans are made and read only by this code and kept in
    the batch row, never taken from outside."""

    def __init__(self):
        self._lines = []
        self.records = 0

    def add(self, record):
        self._lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=_plain))
        self.records += 1

    def finish(self):
        text = "".join(f"{line}\n" for line in self._lines)
        return MAGIC + zlib.compress(text.encode(), 1)


def read_plan(blob):
    """Yield the records of a plan, decompressing as it goes. A plan in an older format is refused
    (the file is to be previewed again)."""
    if not blob:
        return
    blob = bytes(blob)
    if not blob.startswith(MAGIC):
        raise ValidationError(OUTDATED)
    try:
        text = zlib.decompress(blob[len(MAGIC) :])
    except zlib.error:
        raise ValidationError(OUTDATED) from None
    if text and not text.endswith(b"\n"):
        raise ValidationError(OUTDATED)  # truncated: never written by this code
    for line in text.splitlines():
        yield json.loads(line)


OUTDATED = "Bản xem trước này được lập bởi phiên bản cũ của chương trình: hãy tải tệp lên lại."


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
