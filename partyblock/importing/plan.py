"""The validated plan of an import: one JSON list of its records, zlib-compressed, stored in the
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


MAGIC = b"PBPLAN4\n"  # earlier plans were JSON lines (3 and 1) or marshal records (2)


def _plain(value):
    """JSON for what a record may hold besides JSON's own types: dates and decimals as text."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"plan: cannot store {type(value).__name__}")


class PlanWriter:
    """The plan as it is built: a list of records (lists of plain values; dates and decimals as
    text), written as one JSON document, zlib-compressed, when finished (one document reads back
    twice as fast as a line per record). Plans are made and read only by this code and kept in the
    batch row, never taken from outside."""

    def __init__(self):
        self._records = []

    def add(self, record):
        self._records.append(record)

    def finish(self):
        text = json.dumps(self._records, ensure_ascii=False, separators=(",", ":"), default=_plain)
        return MAGIC + zlib.compress(text.encode(), 1)


def read_plan(blob):
    """The records of a plan. A plan in an older format is refused (the file is to be previewed
    again)."""
    if not blob:
        return []
    blob = bytes(blob)
    if not blob.startswith(MAGIC):
        raise ValidationError(OUTDATED)
    try:
        return json.loads(zlib.decompress(blob[len(MAGIC) :]))
    except (zlib.error, ValueError):
        raise ValidationError(OUTDATED) from None  # truncated or damaged: never written by this code


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
