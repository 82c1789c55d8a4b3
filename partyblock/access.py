"""Who may see and change what: the one access rule of partyblock.

Roles are Django groups (created and kept in sync by `partyblock.roles`); what a role may do to a
kind of record is its model permissions. Which records a user may see is their *scope*: the whole
Khối for the bloc-wide roles, one TCCS and everything below it for grassroots staff, nothing for a
user with neither. `visible()` narrows any queryset to a user's scope; the admin site, the report
pages, the drill-downs, the exports, the importer and `manage.py figures --user` all go through it.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q

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


def mask_national_id(value, user):
    """The national ID as this user may see it: whole, or its last 4 digits."""
    if not value or sees_full_national_id(user):
        return value or ""
    return "•" * (len(value) - 4) + value[-4:]


# --- how each kind of record belongs to a TCCS -----------------------------------------------------
def _by_organisation(field="organisation"):
    return lambda queryset, root: queryset.filter(**{f"{field}__path__startswith": root.path})


def members_of_tccs(root):
    """Members whose last registration in the Khối is in `root` or below: its current members and
    those who ended their membership there — not those who moved on to another organisation."""
    from django.db.models import OuterRef, Subquery

    from members.models import Member, MembershipPeriod

    last_home = (
        MembershipPeriod.objects.filter(member=OuterRef("pk"), organisation__isnull=False)
        .order_by("-starts_on")
        .values("organisation__path")[:1]
    )
    return Member.objects.annotate(home_path=Subquery(last_home)).filter(home_path__startswith=root.path)


def _by_member(field="member"):
    return lambda queryset, root: queryset.filter(**{f"{field}__in": members_of_tccs(root).values("pk")})


def _members(queryset, root):
    return queryset.filter(pk__in=members_of_tccs(root).values("pk"))


def _awards(queryset, root):
    return queryset.filter(
        Q(organisation__path__startswith=root.path) | Q(member__in=members_of_tccs(root).values("pk"))
    )


def _import_batches(queryset, root):
    return queryset.filter(organisation__path__startswith=root.path)


def _nothing(queryset, root):
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
        units.Organisation: lambda queryset, root: queryset.filter(path__startswith=root.path),
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
    return narrow(queryset, root) if narrow else queryset


def is_visible(user, obj):
    return visible(type(obj)._default_manager.filter(pk=obj.pk), user).exists()


def organisation_in_scope(user, organisation):
    """Whether a report of `organisation` (None: the whole Khối) is within the user's scope."""
    root = scope_root(user)
    if root == ALL:
        return True
    if root == NOTHING or organisation is None:
        return False
    return organisation.path.startswith(root.path)


def default_report_organisation(user):
    """The organisation a user's reports cover when none is asked for."""
    root = scope_root(user)
    return None if root in (ALL, NOTHING) else root


def visible_organisations(user):
    return visible(Organisation.objects.all(), user)
