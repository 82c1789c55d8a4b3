"""The admin site: every ModelAdmin registered on it (ours and Django's) is made to go through the
one access rule (`partyblock.accounts.access`): lists, change pages, autocompletes, foreign-key choices and
inlines show only the user's scope; a record outside it answers 404; deletions need the admin role;
no list may be filtered by a field the user sees masked, and history shows such fields masked.
"""

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst

from partyblock.accounts.access import is_admin, lookup_reveals_masked, shown_changes, visible
from partyblock.admin_tools import OPEN_PARAM, open_organisations
from partyblock.audit.log import import_batch_entry, labelled_changes, log_denied
from partyblock.audit.models import ActivityLog
from units.placing import placed, tccs_names

NOT_FOUND = "Không tìm thấy hồ sơ này, hoặc hồ sơ nằm ngoài phạm vi bạn được xem."


def _placed_labels(formfield):
    """Label an organisation choice with its TCCS ("Chi bộ Văn phòng — Đảng bộ Sở A"), the TCCS
    names read once, when the first label is needed."""
    loaded = []

    def label(organisation):
        if not loaded:
            loaded.append(tccs_names())
        return placed(organisation, loaded[0])

    formfield.label_from_instance = label


def _exists(model, object_id):
    """Whether a record with this primary key exists at all, whoever may see it."""
    try:
        return model._base_manager.filter(pk=model._meta.pk.to_python(object_id)).exists()
    except (ValidationError, ValueError, TypeError, OverflowError, DataError):
        return False


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices limited to what the user may see; an organisation is
    named with its TCCS."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and getattr(formfield, "queryset", None) is not None:
            formfield.queryset = visible(formfield.queryset, request.user)
            if db_field.related_model._meta.label_lower == "units.organisation":
                _placed_labels(formfield)
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if formfield is not None and getattr(formfield, "queryset", None) is not None:
            formfield.queryset = visible(formfield.queryset, request.user)
        return formfield


class ScopedInlineMixin(ScopedChoicesMixin):
    def get_queryset(self, request):
        return visible(super().get_queryset(request), request.user)

    def has_delete_permission(self, request, obj=None):
        return is_admin(request.user) and super().has_delete_permission(request, obj)


# What a list filter, a date hierarchy or a lookup raises on a value it cannot use ("abc" for a
# year, 99999999999 for a date or an integer column, "%" for a primary key, text the database
# refuses to compare).
BAD_VALUE_ERRORS = (ValueError, TypeError, OverflowError, ValidationError, DataError)
# Lookups no page offers and an address must not smuggle in: a regular expression runs in the
# database for as long as it likes, and matches any field digit by digit.
REFUSED_LOOKUPS = {"regex", "iregex"}
BAD_FILTER = "Giá trị lọc trong địa chỉ không dùng được nên đã bỏ qua; danh sách dưới đây chưa lọc."


class ScopedModelAdmin(ScopedChoicesMixin):
    def get_queryset(self, request):
        return visible(super().get_queryset(request), request.user)

    def changelist_view(self, request, extra_context=None):
        if list(request.GET) == [ERROR_FLAG]:  # where the admin sends a filter it could not use
            messages.warning(request, BAD_FILTER)
        return super().changelist_view(request, extra_context)

    def get_changelist_instance(self, request):
        """The changelist, or IncorrectLookupParameters for any query parameter it cannot use: the
        admin then answers as it does for an unknown filter (back to the list with "?e=1"), never
        a 500. Counting runs here (ChangeList.get_results), so values the database refuses are
        caught too."""
        try:
            return super().get_changelist_instance(request)
        except BAD_VALUE_ERRORS as error:
            raise IncorrectLookupParameters(error) from error

    def has_delete_permission(self, request, obj=None):
        return is_admin(request.user) and super().has_delete_permission(request, obj)

    def get_inline_instances(self, request, obj=None):
        instances = super().get_inline_instances(request, obj)
        for inline in instances:
            if not isinstance(inline, ScopedInlineMixin):
                inline.__class__ = type(inline.__class__.__name__, (ScopedInlineMixin, inline.__class__), {})
        return instances

    def lookup_allowed(self, lookup, value, request=None):
        if REFUSED_LOOKUPS & set(lookup.split("__")):
            return False  # Django answers a refused lookup with a 400
        # A filter on a field seen masked (`?national_id__startswith=0301`) would reveal it digit by
        # digit: refused (400), whatever the value, so the answer tells nothing about the records.
        if request is not None and lookup_reveals_masked(request.user, self.model, lookup):
            log_denied(
                request, f"lọc {self.opts.verbose_name_plural} theo {lookup}", model=self.opts.label_lower
            )
            return False
        return super().lookup_allowed(lookup, value, request)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index; a record outside the user's scope must be a plain 404.
        # The same 404 either way; the log tells a record outside the scope from one that is not there.
        log_denied(
            request,
            f"{capfirst(opts.verbose_name)} #{object_id}",
            model=opts.label_lower,
            object_id=object_id,
            found=_exists(opts.model, object_id),
        )
        raise Http404(NOT_FOUND)

    def history_view(self, request, object_id, extra_context=None):
        """The record's audit trail (partyblock.audit.log), not Django's admin LogEntry."""
        obj = self.get_object(request, object_id)
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        entries = list(
            ActivityLog.objects.filter(model=self.opts.label_lower, object_id=str(obj.pk)).select_related(
                "import_batch"
            )
        )
        # A record an import created has no log row of its own: its batch's row says so.
        created_by = import_batch_entry(obj)
        if created_by is not None:
            entries.append(created_by)
            entries.sort(key=lambda entry: (entry.at, entry.pk), reverse=True)
        for entry in entries:
            entry.shown_changes = labelled_changes(
                entry.model, shown_changes(request.user, entry.model, entry.changes)
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Lịch sử thay đổi: {obj}",
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "entries": entries,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/activity_history.html", context)


# The admin index, grouped by the work people come to do, in this order (issue 18).
INDEX_GROUPS = [
    ("dang-vien", "Đảng viên", ["members.member", "members.sickleave", "admission.candidate"]),
    (
        "xep-loai-khen-thuong",
        "Xếp loại, khen thưởng, Huy hiệu Đảng",
        [
            "members.memberrating",
            "units.organisationrating",
            "members.partybadge",
            "members.award",
            "members.awardform",
            "members.issuingbody",
        ],
    ),
    (
        "to-chuc-dang",
        "Tổ chức đảng",
        ["units.organisation", "units.meeting", "units.breakthroughtask", "units.term", "units.document"],
    ),
    (
        "kiem-tra",
        "Kiểm tra, giám sát, kỷ luật, đơn thư",
        [
            "inspections.inspection",
            "inspections.supervision",
            "inspections.disciplinedecision",
            "inspections.letter",
            "inspections.holiday",
        ],
    ),
    ("nhap-du-lieu", "Nhập dữ liệu, nhật ký", ["importing.importbatch", "audit.activitylog"]),
    ("tai-khoan", "Tài khoản, đăng nhập", ["auth.user", "auth.group", "axes.*"]),
]


def _group_of(label):
    for position, (_, _, labels) in enumerate(INDEX_GROUPS):
        for wanted in labels:
            if label == wanted or (wanted.endswith(".*") and label.startswith(wanted[:-1])):
                return position, labels.index(wanted)
    return len(INDEX_GROUPS), 0


def offered_kinds(site, field):
    """The organisation kinds an admin offers for `field` (a foreign key to an organisation), as
    the ModelAdmin or inline editing the field's model declares them next to its
    `autocomplete_fields` (`organisation_kinds = {field name: kinds}`), or None (any kind)."""
    for model_admin in site._registry.values():
        for declared in (model_admin, *model_admin.inlines):
            if declared.model is field.model:
                kinds = getattr(declared, "organisation_kinds", {}).get(field.name)
                if kinds is not None:
                    return kinds
    return None


class PlacedAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete (already narrowed to the user's scope by the model admin's
    queryset), an organisation named with its TCCS, so the many "Chi bộ Văn phòng" tell apart, and
    only of the kinds the field takes (`offered_kinds`: a member's chi bộ is never a đảng bộ), only
    those open today when the chooser places a record today (`OpenOrganisationSelect`); a
    model admin with an `autocomplete_label(obj)` names its records so (members: birth date, card,
    chi bộ — TCCS, so namesakes tell apart)."""

    def get(self, request, *args, **kwargs):
        self.tccs_names = None
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.model_admin.model._meta.label_lower == "units.organisation":
            kinds = offered_kinds(self.admin_site, self.source_field)
            if kinds is not None:
                queryset = queryset.filter(kind__in=kinds)
            if self.request.GET.get(OPEN_PARAM):  # a chooser placing a record today (OpenOrganisationSelect)
                queryset = open_organisations(queryset)
        return queryset

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)  # e.g. MemberAdmin's
        if label is not None:
            result["text"] = label(obj)
        elif obj._meta.label_lower == "units.organisation":
            if self.tccs_names is None:
                self.tccs_names = tccs_names()
            result["text"] = placed(obj, self.tccs_names)
        return result


class PartyblockAdminSite(admin.AdminSite):
    site_header = "Đảng bộ Khối các cơ quan tỉnh"
    site_title = "Đảng bộ Khối các cơ quan tỉnh"
    index_title = "Quản lý hồ sơ đảng viên và tổ chức đảng"
    enable_nav_sidebar = False  # wide changelists matter more than a second menu
    site_url = "/"  # "Trang chủ": each role's home (partyblock.home)

    def login(self, request, extra_context=None):
        """Everyone lands on the home page after logging in, unless a page asked for the login."""
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(reverse("home"))
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            extra_context = {REDIRECT_FIELD_NAME: reverse("home"), **(extra_context or {})}
        return super().login(request, extra_context)

    def get_app_list(self, request, app_label=None):
        """The index grouped by task (INDEX_GROUPS), Đảng viên first; an app's own page as Django has it."""
        apps = super().get_app_list(request, app_label)
        if app_label is not None:
            return apps
        groups = {}
        for app in apps:
            for model in app["models"]:
                label = f"{app['app_label']}.{model['object_name'].lower()}"
                position, order = _group_of(label)
                groups.setdefault(position, []).append(((order, model["name"]), model, app))
        result = []
        for position in sorted(groups):
            key, name = INDEX_GROUPS[position][:2] if position < len(INDEX_GROUPS) else ("khac", "Khác")
            entries = sorted(groups[position], key=lambda entry: entry[0])
            result.append(
                {
                    "name": name,
                    "app_label": key,
                    # The group's own page, titled as the group (an app's page bears the app's name).
                    "app_url": reverse("admin:group_index", args=[key]),
                    "has_module_perms": True,
                    "models": [model for _, model, _ in entries],
                }
            )
        return result

    def get_urls(self):
        return [
            path("nhom/<slug:key>/", self.admin_view(self.group_index), name="group_index"),
            *super().get_urls(),
        ]

    def autocomplete_view(self, request):
        return PlacedAutocompleteJsonView.as_view(admin_site=self)(request)

    def group_index(self, request, key):
        """One group of the index (INDEX_GROUPS) on a page of its own, titled with the group's name."""
        group = next((app for app in self.get_app_list(request) if app["app_label"] == key), None)
        if group is None:
            raise Http404(NOT_FOUND)
        context = {
            **self.each_context(request),
            "title": group["name"],
            "subtitle": None,
            "app_list": [group],
            "app_label": key,
        }
        request.current_app = self.name
        return TemplateResponse(request, "admin/app_index.html", context)

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, ScopedModelAdmin):
            admin_class = type(admin_class.__name__, (ScopedModelAdmin, admin_class), {})
        super().register(model_or_iterable, admin_class, **options)
