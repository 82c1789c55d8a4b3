from django.contrib import admin
from django.db.models import Func, OuterRef, Subquery
from django.utils import timezone
from django.utils.html import format_html

from inspections.admin import ORGANISATION_INLINES
from members.models import MembershipPeriod
from partyblock.access import visible
from partyblock.importing.exporting import ExportXlsxMixin
from partyblock.text import thousands

from .models import GRASSROOTS_KINDS, Organisation, OrganisationKind, Term, TermTarget


class ParentFilter(admin.SimpleListFilter):
    title = "trực thuộc"
    parameter_name = "truc_thuoc"

    def lookups(self, request, model_admin):
        parents = visible(
            Organisation.objects.filter(
                kind__in=[
                    OrganisationKind.BLOC,
                    OrganisationKind.DANG_BO_CO_SO,
                    OrganisationKind.DANG_BO_BO_PHAN,
                ]
            ),
            request.user,
        ).only("pk", "name")
        return [(str(o.pk), o.name) for o in parents]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(parent_id=self.value())
        return queryset


class ActiveFilter(admin.SimpleListFilter):
    title = "tình trạng"
    parameter_name = "tinh_trang"

    def lookups(self, request, model_admin):
        return [("hoat_dong", "Đang hoạt động"), ("giai_the", "Đã giải thể / sáp nhập")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "hoat_dong":
            return queryset.active_on(today)
        if self.value() == "giai_the":
            return queryset.filter(dissolved_on__lte=today)
        return queryset


@admin.register(Organisation)
class OrganisationAdmin(ExportXlsxMixin, admin.ModelAdmin):
    export_kind = "organisations"  # the list exports in the import template's columns
    list_display = ["tree_name", "code", "kind", "founded_on", "dissolved_on", "member_count"]
    list_filter = ["kind", ParentFilter, ActiveFilter]
    search_fields = ["name", "code", "agency"]
    ordering = ["path"]
    list_per_page = 100
    autocomplete_fields = ["parent", "merged_into"]
    readonly_fields = ["path_display", "member_count_today"]
    inlines = ORGANISATION_INLINES
    fieldsets = [
        (None, {"fields": ["code", "name", "kind", "parent", "agency"]}),
        ("Thành lập, giải thể", {"fields": ["founded_on", "dissolved_on", "merged_into"]}),
        ("Vị trí trong cây tổ chức", {"fields": ["path_display", "member_count_today"]}),
    ]

    def get_queryset(self, request):
        today = timezone.localdate()
        # One correlated COUNT per row inside the same SELECT: no query per organisation.
        members_below = (
            MembershipPeriod.objects.covering(today)
            .filter(organisation__path__startswith=OuterRef("path"))
            .order_by()
            .annotate(n=Func("pk", function="COUNT"))
            .values("n")
        )
        return super().get_queryset(request).annotate(current_members=Subquery(members_below))

    @admin.display(description="tên tổ chức", ordering="path")
    def tree_name(self, obj):
        # Indentation by class, not inline style, so a strict CSP can stay on.
        css = "tree-grassroots" if obj.kind in GRASSROOTS_KINDS else "tree-node"
        return format_html('<span class="{} tree-depth-{}">{}</span>', css, min(obj.depth, 4), obj.name)

    @admin.display(description="đảng viên", ordering="current_members")
    def member_count(self, obj):
        return thousands(obj.current_members)

    @admin.display(description="số đảng viên hiện nay")
    def member_count_today(self, obj):
        return getattr(obj, "current_members", "—")

    @admin.display(description="thuộc cây")
    def path_display(self, obj):
        names = []
        node = obj
        while node is not None:
            names.append(node.name)
            node = node.parent
        return " › ".join(reversed(names))

    def has_delete_permission(self, request, obj=None):
        return False  # organisations are dissolved or merged, never deleted


class TermTargetInline(admin.TabularInline):
    model = TermTarget
    extra = 1


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["label", "congress_ordinal", "starts_on", "ends_on"]
    inlines = [TermTargetInline]


from . import admin_activity  # noqa: E402,F401  (ratings, tasks, meetings, documents)
