"""The validated plan of an import: length-prefixed records in marshal's format, zlib-compressed,
stored in the ImportBatch row.

`prepare` writes records (lists of plain values; dates as ISO text, or as ordinals where a kind
says so): one per row to update, and, for the rows that create, whatever the kind finds cheapest to
write back (members: one record per chunk, column by column, see `pack`); `commit` streams them
back and writes. The file is never
read again, and nothing is re-validated from scratch: only the fingerprint of the tables the plan
relied on is compared.
"""

import datetime
import marshal
import struct
import threading
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection
from isal import isal_zlib


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


MAGIC = b"PBPLAN2\n"  # plans before it were JSON lines
_LENGTH = struct.Struct("<I")


class PlanWriter:
    """The plan as it is built: each record in `marshal`'s format, prefixed by its length, the whole
    zlib-compressed (by ISA-L's `isal_zlib`: the same format, four times faster than zlib itself). A
    large record (a chunk's new members) is compressed on a second thread while the next chunk is
    validated: the compressor lets go of the interpreter meanwhile.

    Why marshal: a record holds only plain values (texts, numbers, None, lists, dicts; dates,
    decimals and choices are made plain first), which marshal writes and reads in C, about four
    times faster than JSON each way (2 ms against 9 ms to write, 4 against 8 to read 5,000 new
    members). Plans are made and read only by this code and kept in the batch row, never taken from
    outside. Why compressed: 1.3 MB for 5,000 members sent uncompressed costs more (17 ms) than
    compressing it (2 ms, on the second thread) and sending 0.3 MB."""

    BACKGROUND = 64 * 1024  # bytes from which a record is compressed in the background

    def __init__(self):
        self._compressor = isal_zlib.compressobj(1)
        self._parts = [MAGIC]
        self._pending = None  # the thread compressing the last large record
        self.records = 0

    def add(self, record):
        try:
            data = marshal.dumps(record, MARSHAL_VERSION)
        except ValueError:  # a date, a decimal or a choice somewhere in it
            data = marshal.dumps(_plain(record), MARSHAL_VERSION)
        data = _LENGTH.pack(len(data)) + data
        self._wait()
        if len(data) < self.BACKGROUND:
            self._parts.append(self._compressor.compress(data))
        else:
            self._parts.append(None)
            self._pending = threading.Thread(target=self._compress, args=(data, len(self._parts) - 1))
            self._pending.start()
        self.records += 1

    def _compress(self, data, slot):
        try:
            self._parts[slot] = self._compressor.compress(data)
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


MARSHAL_VERSION = 4  # the format of Python 3.4 and later


_MARSHALLED = frozenset((str, int, float, bool, type(None)))


def _plain(value):
    """`value` with dates and decimals as ISO text and str or int subclasses (choices) as plain
    values; a list of atoms, what the big records hold, is mapped through its distinct values."""
    if isinstance(value, dict):
        return {_plain(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        kinds = set(map(type, value))
        if kinds <= _MARSHALLED:
            return value
        if not kinds & {list, tuple, dict}:
            plain = {item: _plain_atom(item) for item in set(value)}
            return list(map(plain.__getitem__, value))
        return [_plain(item) for item in value]
    return _plain_atom(value)


def _plain_atom(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    return value


def read_plan(blob):
    """Yield the records of a plan, decompressing as it goes. A plan in an older format is refused
    (the file is to be previewed again)."""
    if not blob:
        return
    view = memoryview(blob)
    if bytes(view[: len(MAGIC)]) != MAGIC:
        raise ValidationError(OUTDATED)
    inflater = isal_zlib.decompressobj()
    pending = b""
    step = 256 * 1024
    for offset in range(len(MAGIC), len(view), step):
        pending += inflater.decompress(view[offset : offset + step])
        pending = yield from _records(pending)
    pending = yield from _records(pending + inflater.flush())
    if pending:
        raise ValidationError(OUTDATED)  # truncated: never written by this code


def _records(data):
    """Yield the whole records at the start of `data`; returns what is left of it."""
    view, offset, size = memoryview(data), 0, len(data)
    while offset + _LENGTH.size <= size:
        (length,) = _LENGTH.unpack_from(view, offset)
        if offset + _LENGTH.size + length > size:
            break
        offset += _LENGTH.size
        yield marshal.loads(view[offset : offset + length])
        offset += length
    return bytes(view[offset:])


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
