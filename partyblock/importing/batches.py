"""The two phases of an import.

`prepare(kind, file, …)` reads the sheet once, validates every row (all errors, not the first),
and records an ImportBatch holding the report shown on the preview page and the validated plan.
It writes nothing else. `commit(preview)` writes the plan in one transaction, without reading or
validating the file again: it only checks, in a few aggregate queries, that the tables the plan
relied on have no row added or removed since the preview (then the plan would be stale), and
the services it calls still enforce their rules (a violation rolls everything back).
"""

import contextlib
import gc
import hashlib
import itertools
import logging
import os
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from partyblock.audit.log import acting_as, current_user, log_import
from partyblock.importing.models import ImportBatch, ImportKind, ImportStatus

from . import plan
from .columns import Cleaner, IgnoredColumn, Refused, header_key
from .kinds import KINDS
from .kinds.base import CHUNK_ROWS, Chunk, Context, Directory
from .readers import NoHeaderError, SheetError, read_table
from .scope import OUTSIDE_PLAN, ImportScope, masked_report
from .scope import refusal as refusal_of

logger = logging.getLogger("partyblock.importing")


class ImportRefused(Exception):
    """commit() did not write: the batch had errors, was already written, or the data changed."""


class ImportDenied(ImportRefused):
    """The user may not import this sheet at all (`scope.refusal`): nothing read, nothing recorded."""


@dataclass
class Preview:
    """What prepare() found, as the preview page and the command show it (read from the batch)."""

    batch: ImportBatch

    @property
    def report(self):
        return self.batch.report

    @property
    def errors(self):
        return self.report.get("errors", [])

    @property
    def warnings(self):
        return self.report.get("warnings", [])

    @property
    def notices(self):
        return self.report.get("notices", [])

    @property
    def creates(self):
        return self.report.get("creates", [])

    @property
    def updates(self):
        return self.report.get("updates", [])

    @property
    def ok(self):
        return not self.errors

    @property
    def can_commit(self):
        return self.batch.status == ImportStatus.PREVIEWED

    @property
    def tallies(self):
        """[(count, label)] of what the preview counts besides rows (`Context.tally`)."""
        return [(count, TALLY_LABELS[key]) for key, count in sorted(self.report.get("tallies", {}).items())]

    @property
    def summary(self):
        b = self.batch
        tallies = "".join(f", {count} {label}" for count, label in self.tallies)
        return (
            f"{b.row_count} dòng: {b.created_count} thêm mới, {b.updated_count} cập nhật, "
            f"{b.unchanged_count} không đổi, {b.error_count} lỗi{tallies}"
        )


# What a preview's summary counts besides rows (`Context.tally`).
TALLY_LABELS = {"early_members": "đảng viên vào Đảng trước khi chi bộ thuộc Đảng bộ Khối"}


def max_bytes():
    return getattr(settings, "IMPORT_MAX_BYTES", 20 * 1024 * 1024)


def _read_bytes(file, file_name):
    """(bytes, name) of a path, bytes or an uploaded file, refusing more than IMPORT_MAX_BYTES."""
    limit = max_bytes()
    if isinstance(file, (bytes, bytearray)):
        data, name = bytes(file), file_name or "tệp"
    elif isinstance(file, (str, os.PathLike)):
        name = file_name or os.path.basename(file)
        try:
            if os.path.getsize(file) > limit:
                raise SheetError(too_large_message(limit))
            with open(file, "rb") as handle:
                data = handle.read(limit + 1)
        except FileNotFoundError:
            raise SheetError(f"Không mở được tệp “{file}”: không có tệp này.") from None
        except OSError:
            raise SheetError(f"Không mở được tệp “{file}”: không đọc được (quyền truy cập?).") from None
    else:
        name = file_name or os.path.basename(getattr(file, "name", "") or "tệp")
        if getattr(file, "size", 0) and file.size > limit:
            raise SheetError(too_large_message(limit))
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)
    if len(data) > limit:
        raise SheetError(too_large_message(limit))
    return data, name


def size_label(size):
    """20971520 -> "20 MB", 1000 -> "1000 byte" (decimal comma, as Vietnamese write it)."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.4g} {unit}".replace(".", ",")
    return f"{size} byte"


def too_large_message(limit):
    return f"Tệp lớn hơn giới hạn {size_label(limit)}: hãy tách thành nhiều tệp nhỏ hơn."


def prepare(
    kind, file, *, organisation=None, year=None, user=None, file_name=None, sheet=None, progress=None
):
    """Read and validate `file` as a sheet of `kind` for `user` (None: the trusted operator, see
    `scope`); record and return the Preview. Raises ImportDenied when the user may not import it.

    `progress(rows_done, rows_expected)` is called after each chunk of rows when given."""
    spec = KINDS[kind]
    if user is not None:
        denied = refusal_of(user, kind, organisation)
        if denied:
            raise ImportDenied(denied)
    scope = ImportScope(user)
    batch = ImportBatch(kind=kind, organisation=organisation, year=year, user=user, file_name=file_name or "")
    ctx = None
    errors, notices, header_row, sheet_name, rows_seen = [], [], None, "", 0
    try:
        data, batch.file_name = _read_bytes(file, file_name)
        batch.size = len(data)
        batch.sha256 = hashlib.sha256(data).hexdigest()
        columns = spec.columns()
        known_keys = set().union(*(c.keys for c in columns))
        try:
            table = read_table(data, batch.file_name, known_keys, sheet=sheet)
        except NoHeaderError as error:
            raise SheetError(_another_kind(data, batch.file_name, kind, sheet) or str(error)) from None
        del data
        batch.fingerprint = plan.fingerprint(spec.fingerprint_models())
        directory = Directory()
        spec.look_ahead(directory, organisation)
        header_row, sheet_name = table.header_row, table.sheet_name
        mapped, present, notices, errors = _map_columns(table, columns)
        ctx = Context(organisation=organisation, year=year, columns=present, directory=directory, scope=scope)
        if not errors:
            errors = spec.check(ctx)
        if not errors:
            with paused_gc():
                rows_seen = _validate_rows(table, mapped, spec, ctx, progress)
            spec.finish(ctx)
            errors = ctx.errors
            if rows_seen == 0:
                errors = [f"Tệp không có dòng dữ liệu nào dưới dòng tiêu đề (dòng {header_row})."]
    except SheetError as error:
        errors = [str(error)]
    errors = sorted(errors, key=_row_of)
    batch.report = {
        "sheet": sheet_name,
        "header_row": header_row,
        "columns": [[letter, header, label] for letter, header, label in _column_report(ctx)],
        "notices": notices,
        "errors": errors,
        "warnings": ctx.warnings if ctx else [],
        "creates": ctx.creates if ctx and not errors else [],
        "updates": ctx.updates if ctx and not errors else [],
        "tallies": ctx.tallies if ctx else {},
    }
    batch.report = masked_report(batch.report, user)
    batch.row_count = rows_seen
    batch.error_count = len(errors)
    if errors:
        batch.status = ImportStatus.INVALID
    else:
        batch.created_count, batch.updated_count, batch.unchanged_count = (
            ctx.created,
            ctx.updated,
            ctx.unchanged,
        )
        if ctx.created or ctx.updated:
            batch.status = ImportStatus.PREVIEWED
            batch.plan = ctx.plan.finish()
        else:
            batch.status = ImportStatus.UNCHANGED
    batch.save()
    return Preview(batch)


def _another_kind(data, file_name, kind, sheet):
    """When the file has no header of `kind` but has the headers of another kind (a member list
    uploaded as "Tổ chức đảng"), the message that names the kind to choose; else None."""
    best = None
    for other, spec in KINDS.items():
        if other == kind:
            continue
        keys = set().union(*(c.keys for c in spec.columns()))
        try:
            table = read_table(data, file_name, keys, sheet=sheet)
        except SheetError:
            continue
        score = sum(1 for _, text in table.headers if header_key(text) in keys)
        if best is None or score > best[0]:
            best = (score, other)
    if best is None:
        return None
    chosen, guessed = ImportKind(kind).label, ImportKind(best[1]).label
    return (
        f"Tệp này có vẻ là danh sách “{guessed}” (có các cột tiêu đề của loại đó), không phải “{chosen}”: "
        f"hãy chọn Loại dữ liệu “{guessed}” rồi tải lên lại."
    )


@contextlib.contextmanager
def paused_gc():
    """Run a bulk step without Python's cyclic garbage collector: checking or writing thousands of
    rows allocates hundreds of thousands of small containers (none in cycles), and collections
    triggered by them walk everything the process holds. Measured on 5,000 new members (2026-12-07,
    docs/benchmarks.md): 11% of the full import. Reference counting frees everything as usual;
    collection resumes afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_ROW = re.compile(r"^Dòng (\d+)")


def _row_of(message):
    """Errors are listed by row (file-level ones first), each row's in the order found."""
    match = _ROW.match(message)
    return int(match.group(1)) if match else 0


def _map_columns(table, columns):
    """Which column of the file is which field: (mapped [(position, Column)], present {key:
    (letter, header)}, notices, errors)."""
    by_key = {}
    for column in columns:
        for key in column.keys:
            by_key[key] = column
    mapped, present, notices, errors = [], {}, [], []

    for (letter, header), position in zip(table.headers, table.positions, strict=True):
        column = by_key.get(header_key(header))
        if column is None:
            notices.append(f"Cột {letter} “{header}”: không thuộc mẫu nhập, bỏ qua.")
            continue
        if isinstance(column, IgnoredColumn):
            notices.append(f"Cột {letter} “{header}”: số thứ tự, bỏ qua.")
            continue
        if column.key in present:
            first_letter, first_header = present[column.key]
            errors.append(
                f"Cột {letter} “{header}” và cột {first_letter} “{first_header}” cùng là “{column.header}”: "
                "hãy giữ một cột."
            )
            continue
        present[column.key] = (letter, header)
        mapped.append((position, column))
    for column in columns:
        if column.required and column.key not in present:
            others = ", ".join(f"“{a}”" for a in column.aliases[:4])
            also = f" (hoặc {others})" if others else ""
            errors.append(f"Thiếu cột bắt buộc “{column.header}”{also} ở dòng tiêu đề {table.header_row}.")
    return mapped, present, notices, errors


def _validate_rows(table, mapped, spec, ctx, progress):
    """Clean the rows chunk by chunk, column by column (`Cleaner`), and hand each chunk's non-blank
    rows to the kind. Returns the number of non-blank rows."""
    cleaners = [(position, column.key, Cleaner(column)) for position, column in mapped]
    rows, seen = table.rows, 0
    while True:
        part = list(itertools.islice(rows, CHUNK_ROWS))  # [(row number, cells)]
        if not part:
            break
        columns, bad = {}, set()
        for position, key, cleaner in cleaners:
            raw = [cells[position] if position < len(cells) else None for _, cells in part]
            values = cleaner.clean(raw)
            for index, value in enumerate(values):
                if type(value) is Refused:
                    ctx.error(part[index][0], key, raw[index], value.reason)
                    values[index] = None
                    bad.add(index)
            columns[key] = values
        keep = [
            index
            for index in range(len(part))
            if index in bad or any(values[index] is not None for values in columns.values())
        ]  # blank (or only numbered) rows are left out
        if not keep:
            continue
        numbers = [part[index][0] for index in keep]
        columns = {key: [values[index] for index in keep] for key, values in columns.items()}
        bad = {position for position, index in enumerate(keep) if index in bad}
        seen += len(numbers)
        spec.process_chunk(Chunk(numbers, columns, bad), ctx)
        if progress:
            progress(seen, table.estimated_rows)
    return seen


def _column_report(ctx):
    if ctx is None:
        return []
    return [(letter, header, key) for key, (letter, header) in ctx.columns.items()]


def commit(preview, *, user=None):
    """Write a previewed batch in one transaction; returns the batch. Raises ImportRefused (with a
    Vietnamese message, the batch marked accordingly) when it cannot be written.

    The plan is not taken on trust: `user` (None: the trusted operator) must be allowed to import
    it (`scope.refusal`), and when their scope or writable fields are limited every record of the
    plan is checked against them again (`Kind.outside`), whoever prepared the batch."""
    batch = preview.batch if isinstance(preview, Preview) else preview
    spec = KINDS[batch.kind]
    scope = ImportScope(user)
    if user is not None:
        denied = refusal_of(user, batch.kind, batch.organisation)
        if denied:
            raise ImportDenied(denied)
    refusal = None
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().defer("report").get(pk=batch.pk)
        restricted = locked.status == ImportStatus.PREVIEWED and scope.restricted
        if restricted and spec.outside(plan.read_plan(locked.plan), scope):
            raise ImportDenied(OUTSIDE_PLAN)
        if locked.status != ImportStatus.PREVIEWED:
            refusal = {
                ImportStatus.INVALID: "Tệp có lỗi nên không thể ghi; hãy sửa tệp rồi tải lên lại.",
                ImportStatus.COMMITTED: "Lần nhập này đã được ghi rồi.",
                ImportStatus.UNCHANGED: "Không có gì thay đổi: dữ liệu trong tệp đã có đầy đủ.",
                ImportStatus.STALE: "Dữ liệu đã thay đổi sau khi xem trước; hãy tải tệp lên lại.",
            }[locked.status]
        elif plan.fingerprint(spec.fingerprint_models()) != locked.fingerprint:
            refusal = (
                "Dữ liệu đã thay đổi sau khi xem trước (có bản ghi được thêm hoặc xóa): không ghi gì. "
                "Hãy tải tệp lên lại để xem trước theo dữ liệu hiện tại."
            )
            _mark_stale(locked, refusal)
        else:
            try:
                with (
                    transaction.atomic(),
                    paused_gc(),
                    acting_as(user or current_user(), source="nhập dữ liệu", import_batch=locked),
                ):
                    created, updated = spec.write(plan.read_plan(locked.plan), locked)
                    log_import(locked, created, updated)
            except (ValidationError, IntegrityError) as error:
                if isinstance(error, ValidationError):
                    detail = "; ".join(error.messages)
                else:  # the database's own words are English and technical: keep them for the log
                    logger.warning("import batch %s refused by the database: %s", locked.pk, error)
                    detail = (
                        "dữ liệu vi phạm một ràng buộc của cơ sở dữ liệu (có thể vừa có người sửa cùng "
                        "hồ sơ). Hãy tải tệp lên lại để xem trước theo dữ liệu hiện tại."
                    )
                refusal = f"Không ghi được, không có gì thay đổi: {detail}"
                _mark_stale(locked, refusal)
            else:
                locked.status = ImportStatus.COMMITTED
                locked.created_count, locked.updated_count = created, updated
                locked.committed_at = timezone.now()
                locked.plan = None
                if user is not None and locked.user_id is None:
                    locked.user = user
                locked.save(update_fields=COMMITTED_FIELDS)  # the report (large) is as preview left it
    if refusal:
        batch.refresh_from_db()
        raise ImportRefused(refusal)
    for name in COMMITTED_FIELDS:  # what was just saved, without reading it back
        attname = ImportBatch._meta.get_field(name).attname
        setattr(batch, attname, getattr(locked, attname))
    return batch


COMMITTED_FIELDS = ["status", "created_count", "updated_count", "committed_at", "plan", "user"]


def _mark_stale(batch, message):
    batch.status = ImportStatus.STALE
    batch.plan = None
    batch.report = {**batch.report, "refused": message}
    batch.save()
