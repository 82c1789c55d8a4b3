"""What the audit trail records, said by the apps whose records it is; written by `partyblock.audit`,
which sits above the domain apps (docs/architecture.md, "Layers").

- `audited(*models)`: each app names, from its `AppConfig.ready()`, the models whose every create,
  change and delete through the ORM the trail logs (the audit app's signal handlers read `AUDITED`).
- `bulk_written(action, rows)`: a service that writes many records without signals (bulk create
  or update) reports them here, as (instance, changes) pairs; the audit app registers the writer
  (`register_bulk_writer`), which logs one row each in one statement.
- `snapshot` / `diff`: the values of a record the trail keeps, and what changed between two of
  them; services take a snapshot before a bulk update.
"""

import datetime
import decimal

AUDITED = set()  # models the trail follows

# Fields the trail does not keep: derived (search keys, tree paths), technical (timestamps), or
# traced otherwise (the import batch has its own row).
IGNORED_FIELDS = {"search_name", "sort_key", "path", "depth", "created_at", "last_login", "import_batch"}
MASKED_FIELDS = {"password"}  # logged as changed, never with their values

_bulk_writers = []


def audited(*models):
    """Log every create, change and delete of `models` made through the ORM."""
    AUDITED.update(models)


def register_bulk_writer(writer):
    """`writer(action, rows, source=None)` logs what `bulk_written` reports (the audit app)."""
    if writer not in _bulk_writers:
        _bulk_writers.append(writer)


def bulk_written(action, rows, *, source=None):
    """Report records written without signals: `rows` are (instance, changes) pairs."""
    for writer in _bulk_writers:
        writer(action, rows, source=source)


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def snapshot(instance):
    """{field: value} of the fields the trail keeps."""
    values = {}
    for field in instance._meta.concrete_fields:
        if field.name in IGNORED_FIELDS or field.primary_key:
            continue
        values[field.name] = _plain(getattr(instance, field.attname))
    return values


def diff(before, after):
    """{field: [before, after]} of the fields whose values differ (masked fields without values)."""
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            changes[name] = ["(đã đổi)", "(đã đổi)"] if name in MASKED_FIELDS else [old, new]
    return changes
