"""Who may see and change what: the one access rule of partyblock.

Roles are Django groups (created and kept in sync by `partyblock.roles`); what a role may do to a
kind of record is its model permissions. Which records a user may see is their *scope*: the whole
Khối for the bloc-wide roles, one TCCS and everything below it for grassroots staff, nothing for a
user with neither. `visible()` narrows any queryset to a user's scope; the admin site, the report
pages, the drill-downs, the exports, the importer and `manage.py figures --user` all go through it.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.http import Http404

from units.models import Organisation

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


def sees_full_national_id(user):
    return user.is_authenticated and (user.is_superuser or bool(role_names(user) & set(FULL_ID_ROLES)))


def locked_member_fields(user):
    """The member profile fields `user` sees but may not write: the member form shows them read-only
    and the import refuses a row that would write one (the one rule both follow). The national ID
    is written only by the roles that see it whole."""
    return () if sees_full_national_id(user) else ("national_id",)


def mask_national_id(value, user):
    """The national ID as this user may see it: whole, or its last 4 digits."""
    if not value or sees_full_national_id(user):
        return value or ""
    return "•" * (len(value) - 4) + value[-4:]


# --- how each kind of record belongs to a TCCS -----------------------------------------------------
def _by_organisation(field="organisation"):
    return lambda queryset, root, user: queryset.filter(**{f"{field}__path__startswith": root.path})


def member_ids_of_tccs(root, user=None):
    """Ids of the members whose last registration in the Khối is in `root` or below: its current
    members and those who ended their membership there — not those who moved on elsewhere.
    Two indexed queries, evaluated once per request (kept on the user object)."""
    from members.models import MembershipPeriod

    cache = getattr(user, "_scope_member_ids", None) if user is not None else None
    if cache is not None and cache[0] == root.pk:
        return cache[1]
    candidates = set(
        MembershipPeriod.objects.filter(organisation__path__startswith=root.path).values_list(
            "member_id", flat=True
        )
    )
    last = {}
    periods = MembershipPeriod.objects.filter(member_id__in=candidates, organisation__isnull=False)
    for member_id, starts_on, path in periods.values_list("member_id", "starts_on", "organisation__path"):
        if member_id not in last or starts_on > last[member_id][0]:
            last[member_id] = (starts_on, path)
    ids = sorted(member_id for member_id, (_, path) in last.items() if path.startswith(root.path))
    if user is not None:
        user._scope_member_ids = (root.pk, ids)
    return ids


def _by_member(field="member"):
    return lambda queryset, root, user: queryset.filter(**{f"{field}__in": member_ids_of_tccs(root, user)})


def _members(queryset, root, user):
    return queryset.filter(pk__in=member_ids_of_tccs(root, user))


def _awards(queryset, root, user):
    return queryset.filter(
        Q(organisation__path__startswith=root.path) | Q(member__in=member_ids_of_tccs(root, user))
    )


def _import_batches(queryset, root, user):
    return queryset.filter(organisation__path__startswith=root.path)


def _nothing(queryset, root, user):
    return queryset.none()


def scopers():
    """Model -> function(queryset, TCCS) for every kind of record that belongs to an organisation.
    Models not listed are the Khối's reference data (terms, documents, award forms, holidays),
    readable by every role that has the permission."""
    from inspections import models as inspections
    from members import models as members
    from partyblock.models import ActivityLog, ImportBatch
    from units import models as units

    return {
        units.Organisation: lambda queryset, root, user: queryset.filter(path__startswith=root.path),
        units.OrganisationRating: _by_organisation(),
        units.Meeting: _by_organisation(),
        units.BreakthroughTask: _by_organisation(),
        members.Member: _members,
        members.MemberEvent: _by_member(),
        members.MemberCard: _by_member(),
        members.MembershipPeriod: _by_member(),
        members.MemberRating: _by_organisation(),
        members.SickLeave: _by_member(),
        members.PartyBadge: _by_member(),
        members.Award: _awards,
        ImportBatch: _import_batches,
        ActivityLog: _nothing,
        inspections.Inspection: _nothing,
        inspections.InspectionSubject: _nothing,
        inspections.Supervision: _nothing,
        inspections.SupervisionSubject: _nothing,
        inspections.DisciplineDecision: _nothing,
        inspections.Letter: _nothing,
        inspections.LetterSubject: _nothing,
    }


_SCOPERS = None


def visible(queryset, user):
    """`queryset` narrowed to what `user` may see."""
    global _SCOPERS
    root = scope_root(user)
    if root == ALL:
        return queryset
    if root == NOTHING:
        return queryset.none()
    if _SCOPERS is None:
        _SCOPERS = scopers()
    narrow = _SCOPERS.get(queryset.model)
    return narrow(queryset, root, user) if narrow else queryset


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


def report_root(user):
    """The organisation a page listing records across organisations covers for `user` (None: the
    whole Khối); a user bound to no scope gets a 404, never the whole Khối."""
    if scope_root(user) == NOTHING:
        raise Http404("Tài khoản chưa được giao phạm vi báo cáo.")
    return default_report_organisation(user)


def visible_organisations(user):
    return visible(Organisation.objects.all(), user)
