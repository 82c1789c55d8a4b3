"""Who may see and change what: the one access rule of partyblock.

Roles are Django groups (created and kept in sync by `partyblock.accounts.roles`); what a role may do to a
kind of record is its model permissions. Which records a user may see is their *scope*: the whole
Khối for the bloc-wide roles, one TCCS and everything below it for grassroots staff, nothing for a
user with neither. `visible()` narrows any queryset to a user's scope; the admin site, the report
pages, the drill-downs, the exports, the importer and `manage.py figures --user` all go through it.
"""

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db.models import Q
from django.http import Http404

from inspections import models as inspections
from members import models as members
from members.queries import last_registered_within, name_search
from partyblock.audit.log import log_denied
from partyblock.core import params
from partyblock.core.figures import FIGURES
from partyblock.core.scoping import BELONGING
from units.models import Organisation

ORGANISATION_PARAM = "to-chuc"  # the query parameter that narrows a page to one organisation (its code)
ALL = "all"  # scope marker: the whole Khối
NOTHING = "nothing"  # scope marker: no records at all

ROLE_ADMIN = "Quản trị"
ROLE_OFFICE = "Văn phòng Đảng ủy Khối"
ROLE_LEADER = "Lãnh đạo"
ROLE_INSPECTION = "Ủy ban Kiểm tra"
ROLE_GRASSROOTS = "Cán bộ TCCS"
BLOC_WIDE_ROLES = (ROLE_ADMIN, ROLE_OFFICE, ROLE_LEADER, ROLE_INSPECTION)
FULL_ID_ROLES = (ROLE_ADMIN, ROLE_OFFICE)


def role_names(user):
    if not user.is_authenticated:
        return set()
    if not hasattr(user, "_role_names"):
        user._role_names = set(user.groups.values_list("name", flat=True))
    return user._role_names


def is_admin(user):
    return user.is_authenticated and (user.is_superuser or ROLE_ADMIN in role_names(user))


def scope_root(user):
    """ALL, NOTHING, or the TCCS a grassroots user is bound to."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if user.is_superuser or role_names(user) & set(BLOC_WIDE_ROLES):
        return ALL
    if ROLE_GRASSROOTS in role_names(user):
        if not hasattr(user, "_scope_tccs"):
            try:
                user._scope_tccs = user.scope.tccs
            except ObjectDoesNotExist:
                user._scope_tccs = None
        return user._scope_tccs or NOTHING
    return NOTHING


# --- personal data (DOMAIN.md §8) -------------------------------------------------------------------
# The one rule: the fields below are shown whole only to the roles that maintain the whole Khối's
# member profiles (FULL_ID_ROLES); everyone else sees them masked, in every output (admin pages,
# history and the activity log, exports, drill-downs, commands), and may not filter, search or
# order by them. Outputs go through `shown_value` / `shown_changes` (`sees_whole` says whether a
# value would be masked), admin lookups through `lookup_reveals_masked`, searches ask `may_look_up`.


def sees_full_national_id(user):
    return (
        user is not None
        and user.is_authenticated
        and (user.is_superuser or bool(role_names(user) & set(FULL_ID_ROLES)))
    )


def locked_member_fields(user):
    """The member profile fields `user` sees but may not write: the member form shows them read-only
    and the import refuses a row that would write one (the one rule both follow). The national ID
    is written only by the roles that see it whole."""
    return () if sees_full_national_id(user) else ("national_id",)


MASK = "•"


def mask_national_id(value, user):
    """The national ID as this user may see it: whole, or its last 4 digits."""
    if not value or sees_full_national_id(user):
        return value or ""
    value = str(value)
    return MASK * (len(value) - 4) + value[-4:]


def is_masked_national_id(text):
    """Whether `text` is a national ID as `mask_national_id` shows it masked (an exported sheet
    re-imported: the cell stands for the stored number, not a new one)."""
    return len(text) > 4 and text[-4:].isdigit() and text[-4:].isascii() and set(text[:-4]) == {MASK}


MASKED_FIELDS = {
    # model label -> {field name: function(value, user) -> the value as the user may see it}
    "members.member": {"national_id": mask_national_id},
    "admission.candidate": {"national_id": mask_national_id},
}
# Fields that hold other records' values (the log's before/after JSON): no lookups into them for a
# user who sees anything masked.
MASKED_CONTAINERS = {"audit.activitylog": {"changes"}}


def _label(model):
    return model if isinstance(model, str) else model._meta.label_lower


def shown_value(user, model, field, value):
    """`value` of `model`'s `field` as `user` may see it; every output of a record's field
    (pages, exports, history, commands) passes it through here."""
    mask = MASKED_FIELDS.get(_label(model), {}).get(field)
    return mask(value, user) if mask is not None else value


def shown_changes(user, model, changes):
    """An activity log diff ({field: [before, after]}) of a `model` record as `user` may see it."""
    masks = MASKED_FIELDS.get(_label(model), {})
    if not masks or not isinstance(changes, dict):
        return changes
    return {
        field: [masks[field](v, user) if v is not None else None for v in values]
        if field in masks and isinstance(values, list)
        else values
        for field, values in changes.items()
    }


def sees_whole(user, model, field):
    """Whether `user` sees `model`'s `field` as stored (not masked)."""
    return field not in MASKED_FIELDS.get(_label(model), {}) or sees_full_national_id(user)


def may_look_up(user, model, field):
    """Whether `user` may filter or search `model` by `field` (not if they see it masked)."""
    masked_container = field in MASKED_CONTAINERS.get(_label(model), ())
    return sees_whole(user, model, field) and (not masked_container or sees_full_national_id(user))


def member_search(term, user, prefix=""):
    """`members.queries.name_search` for `user`: the national ID is matched only for a user who sees
    it whole (no search by a value seen masked)."""
    return name_search(term, national_id=may_look_up(user, members.Member, "national_id"), prefix=prefix)


def lookup_reveals_masked(user, model, lookup):
    """Whether an admin list lookup (`national_id__startswith`, `member__national_id`, …) reaches,
    along its path from `model`, a field `user` sees masked."""
    for part in lookup.split("__"):
        if not may_look_up(user, model, part):
            return True
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return False
        if not field.is_relation or field.related_model is None:
            return False
        model = field.related_model
    return False


# --- report figures and sections --------------------------------------------------------------------
# A figure (`partyblock.reports.figures.Figure`) may need a permission: the inspection figures need the right
# to read inspection records. The report page, its xlsx, the drill-downs and their xlsx, the
# organisation page and `manage.py figures --user` all ask here.
INSPECTION_RECORDS = inspections.RECORDS_PERMISSION


def may_see_figure(user, figure):
    """Whether `user` may see `figure`'s value and the records behind it."""
    return not figure.permission or user.has_perm(figure.permission)


def may_see_section(user, section):
    """Whether `user` may see a report section: every figure it shows (counted or derived)."""
    keys = set()
    for row in section.rows:
        keys.update(_cell_figures(row.actual, row.target))
    for table in section.tables:
        for _, cells in table.rows:
            keys.update(_cell_figures(*cells))
    return all(may_see_figure(user, FIGURES[key]) for key in keys if key in FIGURES)


def _cell_figures(*cells):
    for cell in cells:
        if cell is not None:
            # A derived cell's source is a figure key, sometimes with ":year" after it.
            yield from (key.split(":")[0] for key in (cell.key, cell.source) if key)


def may_see_inspections(user):
    """Whether `user` may see inspection, supervision, discipline and letter records (the
    organisation page's blocks of them)."""
    return user.has_perm(INSPECTION_RECORDS)


# --- how each kind of record belongs to a TCCS -----------------------------------------------------
def member_ids_of_tccs(root, user=None):
    """Ids of the members whose last registration in the Khối is in `root` or below: its current
    members and those who ended their membership there — not those who moved on elsewhere.
    Evaluated once per request (kept on the user object)."""
    cache = getattr(user, "_scope_member_ids", None) if user is not None else None
    if cache is not None and cache[0] == root.pk:
        return cache[1]
    ids = last_registered_within(root)
    if user is not None:
        user._scope_member_ids = (root.pk, ids)
    return ids


def _within(belonging, root, user):
    """Q of the records that belong to the TCCS `root`, as their app declared (`core.scoping`)."""
    if belonging.tree:
        return Q(path__startswith=root.path)
    found = Q()
    if belonging.organisation:
        found |= Q(**{f"{belonging.organisation}__path__startswith": root.path})
    if belonging.member:
        found |= Q(**{f"{belonging.member}__in": member_ids_of_tccs(root, user)})
    return found


def visible(queryset, user):
    """`queryset` narrowed to what `user` may see: everything for the Khối's roles, nothing for a
    user bound to no scope, and for grassroots staff the records that belong to their TCCS."""
    root = scope_root(user)
    if root == ALL:
        return queryset
    if root == NOTHING:
        return queryset.none()
    belonging = BELONGING.get(queryset.model)
    if belonging is None:  # the Khối's reference data
        return queryset
    if belonging.hidden:
        return queryset.none()
    return queryset.filter(_within(belonging, root, user))


def organisation_in_scope(user, organisation):
    """Whether a report of `organisation` (None: the whole Khối) is within the user's scope."""
    root = scope_root(user)
    if root == ALL:
        return True
    if root == NOTHING or organisation is None:
        return False
    return organisation.path.startswith(root.path)


def default_report_organisation(user):
    """The organisation a user's reports cover when none is asked for (None: the whole Khối, or
    nothing at all — see `report_root` where the difference matters)."""
    root = scope_root(user)
    return None if root in (ALL, NOTHING) else root


def requested_organisation(request):
    """The organisation a page (report, board, download) is narrowed to: the one `?to-chuc=` names
    (404 outside the user's scope, logged as a denial), else the user's own TCCS for grassroots
    staff, else the whole Khối (None)."""
    code = request.GET.get(ORGANISATION_PARAM)
    if code is not None:
        try:
            code = params.text_value(code)
        except ValueError:
            raise Http404("Không có tổ chức này trong phạm vi bạn được xem.") from None
    if not code:
        return default_report_organisation(request.user)
    organisation = visible_organisations(request.user).filter(code=code).first()
    if organisation is None:
        log_denied(request, f"báo cáo của {code}")
        raise Http404("Không có tổ chức này trong phạm vi bạn được xem.")
    return organisation


def report_root(user):
    """The organisation a page listing records across organisations covers for `user` (None: the
    whole Khối); a user bound to no scope gets a 404, never the whole Khối."""
    if scope_root(user) == NOTHING:
        raise Http404("Tài khoản chưa được giao phạm vi báo cáo.")
    return default_report_organisation(user)


def visible_organisations(user):
    return visible(Organisation.objects.all(), user)
