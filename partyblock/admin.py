"""Admin of the site itself: the audit trail, and users with their roles and TCCS binding (the import
screens are `partyblock.importing.admin`)."""

import re

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.utils.html import format_html_join
from django.utils.text import capfirst

from partyblock.accounts.access import shown_changes
from partyblock.accounts.models import UserScope
from partyblock.admin_tools import OpenOrganisationsMixin
from partyblock.audit.log import current_user, labelled_changes
from partyblock.audit.models import ActivityLog


def record_type(label):
    """ "members.member" -> "Đảng viên": the model's own Vietnamese name; the label if unknown."""
    try:
        return capfirst(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


_MODEL_LABEL = re.compile(r"\b[a-z_]+\.[a-z_]+\b")


def readable_repr(text):
    """A log row's record as people read it: a model label inside it ("members.member #12", written
    by refusals logged before they named the model) becomes the model's Vietnamese name."""
    return _MODEL_LABEL.sub(lambda m: record_type(m.group(0)), text)


class RecordTypeFilter(admin.SimpleListFilter):
    title = "loại hồ sơ"
    parameter_name = "model"

    def lookups(self, request, model_admin):
        labels = model_admin.get_queryset(request).order_by().values_list("model", flat=True).distinct()
        return sorted(((label, record_type(label)) for label in labels if label), key=lambda c: c[1])

    def queryset(self, request, queryset):
        return queryset.filter(model=self.value()) if self.value() else queryset


# Records that belong to one member: their log rows name the member.
MEMBER_RECORDS = ("members.memberevent", "members.membercard", "members.memberrating", "members.sickleave")


class ActivityChangeList(ChangeList):
    def get_results(self, request):
        super().get_results(request)
        members_of(self.result_list)


def members_of(entries):
    """Set `member_name` on log rows of a member's records (one query per kind of record)."""
    wanted = {}
    for entry in entries:
        named = entry.model == "members.member" and entry.action not in ("denied", "not_found")
        entry.member_name = entry.object_repr if named else ""  # a refusal's text names no member
        if entry.model in MEMBER_RECORDS and entry.object_id.isdigit():
            wanted.setdefault(entry.model, set()).add(int(entry.object_id))
    names = {}
    for label, ids in wanted.items():
        rows = apps.get_model(label).objects.filter(pk__in=ids).values_list("pk", "member__full_name")
        names.update({(label, str(pk)): name for pk, name in rows})
    for entry in entries:
        if entry.model in MEMBER_RECORDS:
            entry.member_name = names.get((entry.model, entry.object_id), "")


@admin.register(ActivityLog)
class ActivityLogAdmin(admin.ModelAdmin):
    """Read-only: the log is appended to by `partyblock.audit.log` and never edited."""

    list_display = [
        "at",
        "username",
        "action",
        "record_type",
        "record_shown",
        "member",
        "source",
        "import_batch",
    ]
    list_filter = ["action", RecordTypeFilter, "source", ("at", admin.DateFieldListFilter)]
    search_fields = ["username", "object_repr", "object_id"]
    date_hierarchy = "at"
    list_select_related = ["import_batch"]
    readonly_fields = [f.name if f.name != "changes" else "changes_shown" for f in ActivityLog._meta.fields]

    @admin.display(description="thay đổi (trước → sau)")
    def changes_shown(self, entry):
        """The diff with the fields the viewer sees masked masked (`partyblock.accounts.access`)."""
        changes = labelled_changes(entry.model, shown_changes(current_user(), entry.model, entry.changes))
        return format_html_join(
            "", "<div><strong>{}</strong>: {} → {}</div>", ((f, *_pair(v)) for f, v in changes.items())
        )

    def get_changelist(self, request, **kwargs):
        return ActivityChangeList

    @admin.display(description="loại hồ sơ", ordering="model")
    def record_type(self, entry):
        return record_type(entry.model)

    @admin.display(description="hồ sơ", ordering="object_repr")
    def record_shown(self, entry):
        return readable_repr(entry.object_repr)

    @admin.display(description="đảng viên")
    def member(self, entry):
        return getattr(entry, "member_name", "")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _pair(values):
    """[before, after] of a log diff, "—" for none; anything else (a note) shown as it is."""
    if isinstance(values, list) and len(values) == 2:
        return ["—" if v is None else v for v in values]
    return [values, ""]


class UserScopeInline(OpenOrganisationsMixin, admin.StackedInline):
    model = UserScope
    can_delete = False
    autocomplete_fields = ["tccs"]
    open_organisation_fields = ["tccs"]  # staff keep a TCCS of today
    verbose_name_plural = "phạm vi phụ trách (cán bộ TCCS)"


admin.site.unregister(User)


@admin.register(User)
class PartyblockUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, UserScopeInline]
    list_display = ["username", "first_name", "last_name", "is_active", "is_staff", "roles"]
    list_filter = ["is_active", "is_staff", "groups"]

    @admin.display(description="vai trò")
    def roles(self, user):
        return ", ".join(group.name for group in user.groups.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")
