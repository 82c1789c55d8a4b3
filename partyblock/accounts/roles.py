"""The roles (Django groups) and their permissions, as data. `sync_roles` creates or updates the
groups to match; the data migration runs it, and so does every `migrate` afterwards (post_migrate),
so permissions of models added later reach the roles without another hand-written migration."""

from django.db.models import Q

from partyblock.accounts.access import ROLE_ADMIN, ROLE_GRASSROOTS, ROLE_INSPECTION, ROLE_LEADER, ROLE_OFFICE

RECORD_APPS = ("units", "members", "inspections", "admission")
INSPECTION_APP = "inspections"
# Records grassroots staff keep for their own TCCS (DOMAIN.md: members, events, ratings, meetings, tasks).
GRASSROOTS_EDITS = {
    "members": ["member", "memberevent", "membercard", "memberrating", "sickleave"],
    "units": ["meeting", "breakthroughtask"],
    "admission": ["candidate"],
}
GRASSROOTS_READS = {
    "members": ["award", "partybadge", "awardform", "issuingbody", "membershipperiod"],
    "units": ["organisation", "placement", "organisationrating", "term", "termtarget", "document"],
}


def _role_permissions(Permission):
    """{role name: queryset of permissions}."""
    records = Permission.objects.filter(content_type__app_label__in=RECORD_APPS)
    imports = Permission.objects.filter(
        content_type__app_label="importing", content_type__model="importbatch"
    )
    not_delete = ~_q(codename__startswith="delete_")
    views = _q(codename__startswith="view_")
    inspection = _q(content_type__app_label=INSPECTION_APP)
    grassroots = _q(pk__in=[])
    for app, models in GRASSROOTS_EDITS.items():
        for model in models:
            grassroots |= _q(content_type__app_label=app, content_type__model=model) & not_delete
    for app, models in GRASSROOTS_READS.items():
        for model in models:
            grassroots |= _q(content_type__app_label=app, content_type__model=model) & views
    return {
        ROLE_ADMIN: Permission.objects.all(),
        ROLE_OFFICE: records.filter(not_delete & ~inspection)
        | records.filter(inspection & views)
        | imports.filter(not_delete),
        ROLE_LEADER: records.filter(views) | imports.filter(views),
        ROLE_INSPECTION: records.filter(inspection & not_delete) | records.filter(~inspection & views),
        ROLE_GRASSROOTS: Permission.objects.filter(grassroots) | imports.filter(not_delete),
    }


def _q(**lookups):
    return Q(**lookups)


def sync_roles(Group, Permission):
    for name, permissions in _role_permissions(Permission).items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions.distinct())
