"""Admin of the partyblock app itself: the import screens and history (partyblock.importing), the
audit trail, and users with their roles and TCCS binding."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from .importing import admin as importing_admin  # noqa: F401  (registers ImportBatch)
from .models import ActivityLog, UserScope


@admin.register(ActivityLog)
class ActivityLogAdmin(admin.ModelAdmin):
    """Read-only: the log is appended to by `partyblock.audit` and never edited."""

    list_display = ["at", "username", "action", "model", "object_repr", "source", "import_batch"]
    list_filter = ["action", "model", "source", ("at", admin.DateFieldListFilter)]
    search_fields = ["username", "object_repr", "object_id"]
    date_hierarchy = "at"
    list_select_related = ["import_batch"]
    readonly_fields = [f.name for f in ActivityLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class UserScopeInline(admin.StackedInline):
    model = UserScope
    can_delete = False
    autocomplete_fields = ["tccs"]
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
