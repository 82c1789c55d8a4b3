"""The audit trail. Guarantees:

- every create, change and delete of an audited record made through the ORM's `save()`/`delete()`
  (admin, services, importer updates) is logged by the signal handlers below, with the value of each
  changed field before and after, in the same transaction as the change;
- bulk writes that bypass signals log explicitly, one row per record: the bulk rating screen and the
  rating services through `log_bulk`;
- records created by an import are audited by their batch: each carries `import_batch`, and the
  batch has its own log row when it is confirmed (`log_import`: who, when, file, counts); the
  records an import changes get their before/after rows like any other change. A record's history
  page shows its batch's row as its creation (`import_batch_entry`). (Records written with a new
  member and pointing at it, its events, periods and card, are traced through the member's link.)
- each row names the user, the source ("quản trị", "nhập dữ liệu", …) and the import batch, taken
  from the request or the import that is running (`acting_as`);
- logins, failed logins, logouts, refusals and requests for records that do not exist are logged too;
- rows are only ever inserted: the admin offers no add, change or delete, and nothing in the code
  updates or deletes them.

Derived data (membership periods, name keys, tree paths) is not logged: it follows from what is.
"""

import contextlib
import contextvars
import logging

from django.apps import apps
from django.contrib.auth.models import Group, User
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from partyblock.audit.models import ActivityLog
from partyblock.core.auditing import AUDITED, diff, register_bulk_writer, snapshot

logger = logging.getLogger("partyblock.audit.log")

_actor = contextvars.ContextVar("audit_actor", default=None)
_suspended = contextvars.ContextVar("audit_suspended", default=False)


class Actor:
    def __init__(self, user=None, source="", import_batch=None, ip_address=None):
        self.user = user if user is not None and user.is_authenticated else None
        self.source = source
        self.import_batch = import_batch
        self.ip_address = ip_address


@contextlib.contextmanager
def acting_as(user=None, source="", import_batch=None, ip_address=None):
    token = _actor.set(Actor(user, source, import_batch, ip_address))
    try:
        yield
    finally:
        _actor.reset(token)


def current_user():
    """The user the running request (or import) acts as, or None."""
    actor = _actor.get()
    return actor.user if actor is not None else None


@contextlib.contextmanager
def suspended():
    """For building demo data only: no log rows while inside."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


# Keys of logged changes that are not fields of the record (written by services).
CHANGE_LABELS = {
    "placement_correction": "sửa sai hồ sơ trực thuộc (không phải chuyển)",
    "placed_on": "ngày trực thuộc",
}


def labelled_changes(model, changes):
    """A logged diff keyed by what a reader calls each field (its Vietnamese verbose name), in the
    log's order; `model` is the record's label ("members.member")."""
    if not isinstance(changes, dict):
        return changes
    try:
        fields = {f.name: f for f in apps.get_model(model)._meta.get_fields() if hasattr(f, "verbose_name")}
    except (LookupError, ValueError):
        fields = {}
    labelled = {}
    for name, values in changes.items():
        field = fields.get(name)
        label = CHANGE_LABELS.get(name) or (str(field.verbose_name) if field is not None else name)
        labelled[label] = values
    return labelled


def log_action(action, instance=None, changes=None, *, model=None, object_id="", object_repr="", user=None):
    """Write one log row (the only single-row writer)."""
    if _suspended.get():
        return None
    actor = _actor.get() or Actor()
    user = user if user is not None else actor.user
    return ActivityLog.objects.create(
        **_row(action, instance, changes, model, object_id, object_repr, user, actor)
    )


def log_bulk(action, rows, *, source=None):
    """Many log rows in one statement (executemany: the number of queries does not grow with the
    rows on any engine): `rows` are (instance, changes) pairs."""
    if _suspended.get():
        return
    actor = _actor.get() or Actor()
    now = timezone.now()
    fields = [f for f in ActivityLog._meta.concrete_fields if not f.primary_key]
    values = []
    for instance, changes in rows:
        if action == "create" and created_by_running_import(instance, actor):
            continue
        row = _row(action, instance, changes, None, "", "", actor.user, actor)
        if source:
            row["source"] = source
        row["at"] = now
        row["user"] = row["user"].pk if row["user"] is not None else None
        row["import_batch"] = row["import_batch"].pk if row["import_batch"] is not None else None
        values.append(row)
    if not values:
        return
    if connection.vendor == "postgresql":
        # One multi-row INSERT: psycopg's executemany would send a statement per row.
        ActivityLog.objects.bulk_create(
            [ActivityLog(**{f.attname: row[f.name] for f in fields}) for row in values], batch_size=5000
        )
        return
    values = [[field.get_db_prep_save(row[field.name], connection) for field in fields] for row in values]
    table = connection.ops.quote_name(ActivityLog._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)


def log_import(batch, created, updated):
    """The import batch's own log row, written when it is confirmed: who, when, the file (name and
    SHA-256), what kind of sheet, for which organisation and year, and the counts. The records the
    import created are audited by this row and their `import_batch` link, not one row each
    (`created_by_running_import`); the records it changed have their own before/after rows."""
    values = {
        "kind": batch.get_kind_display(),
        "file_name": batch.file_name,
        "sha256": batch.sha256,
        "organisation": str(batch.organisation) if batch.organisation_id else None,
        "year": batch.year,
        "row_count": batch.row_count,
        "created_count": created,
        "updated_count": updated,
    }
    return log_action(
        "create",
        model=batch._meta.label_lower,
        object_id=str(batch.pk),
        object_repr=str(batch)[:255],
        changes={name: [None, value] for name, value in values.items() if value not in (None, "")},
    )


def import_batch_entry(record):
    """The log row of the import that created `record` (its `import_batch`), or None: what the
    record's history shows as its creation (`log_import`)."""
    batch_id = getattr(record, "import_batch_id", None)
    if batch_id is None:
        return None
    return (
        ActivityLog.objects.filter(model="importing.importbatch", object_id=str(batch_id), action="create")
        .select_related("import_batch")
        .first()
    )


def created_by_running_import(instance, actor=None):
    """Whether `instance`, just created, carries the import batch that is running: such records are
    audited by the batch (`log_import`), not one log row each."""
    actor = actor or _actor.get()
    batch = actor.import_batch if actor is not None else None
    return batch is not None and getattr(instance, "import_batch_id", None) == batch.pk


def _row(action, instance, changes, model, object_id, object_repr, user, actor):
    if instance is not None:
        model = model or instance._meta.label_lower
        object_id = object_id or str(instance.pk)
        object_repr = object_repr or str(instance)[:255]
    return {
        "action": action,
        "user": user,
        "username": user.get_username() if user is not None else "",
        "model": model or "",
        "object_id": object_id,
        "object_repr": object_repr,
        "changes": changes or {},
        "import_batch": actor.import_batch,
        "source": actor.source,
        "ip_address": actor.ip_address,
    }


# --- signal handlers -------------------------------------------------------------------------------
def _before_save(sender, instance, raw=False, **kwargs):
    if sender not in AUDITED or raw or _suspended.get():
        return
    old = None
    if instance.pk is not None:
        old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(old) if old is not None else None


def _after_save(sender, instance, created, raw=False, **kwargs):
    if sender not in AUDITED or raw or _suspended.get():
        return
    before = getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    if created or before is None:
        if not created_by_running_import(instance):
            log_action("create", instance, diff({}, after))
    else:
        changes = diff(before, after)
        if changes:
            log_action("change", instance, changes)


def _after_delete(sender, instance, **kwargs):
    if sender not in AUDITED or _suspended.get():
        return
    log_action("delete", instance, diff(snapshot(instance), {}))


def _groups_changed(sender, instance, action, pk_set, reverse=False, **kwargs):
    """A user's roles are changed through the many-to-many table: log who got or lost which role."""
    if _suspended.get() or reverse or action not in ("post_add", "post_remove", "post_clear"):
        return
    names = sorted(Group.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True))
    change = {"groups": [None, names]} if action == "post_add" else {"groups": [names or "(tất cả)", None]}
    log_action("change", instance, change)


def _logged_in(sender, request, user, **kwargs):
    log_action("login", model="auth.user", object_id=str(user.pk), object_repr=user.get_username(), user=user)


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        log_action(
            "logout", model="auth.user", object_id=str(user.pk), object_repr=user.get_username(), user=user
        )


def _login_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "")
    logger.warning("login failed for %r", username)
    log_action("login_failed", model="auth.user", object_repr=username[:255])


def log_denied(request, what, *, model="", object_id="", found=True):
    """A refused request: `what` as a reader says it; `model` and `object_id` when it named a record.
    `found=False` when the record asked for does not exist at all (logged "không tìm thấy", apart
    from a record that exists outside the user's scope; both are answered with the same 404)."""
    action = "denied" if found else "not_found"
    logger.warning("%s %s to %s", action, what, getattr(request.user, "username", "?"))
    log_action(action, model=model, object_id=str(object_id)[:40], object_repr=what[:255])


def connect():
    """Log every create, change and delete of the models the apps named (`core.auditing.audited`),
    the records services write in bulk (`core.auditing.bulk_written`), changes of users' roles,
    logins, logouts and failed logins (`AuditConfig.ready`)."""
    pre_save.connect(_before_save, dispatch_uid="audit-pre-save")
    post_save.connect(_after_save, dispatch_uid="audit-post-save")
    post_delete.connect(_after_delete, dispatch_uid="audit-post-delete")
    register_bulk_writer(log_bulk)
    m2m_changed.connect(_groups_changed, sender=User.groups.through, dispatch_uid="audit-user-groups")
    user_logged_in.connect(_logged_in, dispatch_uid="audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audit-login-failed")
