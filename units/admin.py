from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html

from partyblock.accounts.access import visible
from partyblock.admin_tools import ReadOnlyFormSet
from partyblock.audit.log import log_action
from partyblock.core.text import DAY_FORMAT, day_text
from partyblock.importing.exporting import ExportXlsxMixin

from .models import (
    GRASSROOTS_KINDS,
    ROOT_KINDS,
    Organisation,
    OrganisationKind,
    Placement,
    Superior,
    Term,
    TermTarget,
)
from .queries import organisations_matching
from .services import organisation_dissolve, organisation_merge, organisation_move

PARENT_KINDS = [
    OrganisationKind.BLOC,
    OrganisationKind.PROVINCE,
    OrganisationKind.DANG_BO_CO_SO,
    OrganisationKind.DANG_BO_BO_PHAN,
]


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


class _TriedOnly(Exception):
    """Rolls back a closing tried only to learn whether the services accept it."""


PARENT_MOVE, PARENT_CORRECTION = "chuyen", "sua_sai"
PARENT_CHANGES = [
    (
        PARENT_MOVE,
        "Chuyển trực thuộc từ một ngày (theo quyết định): trước ngày đó vẫn tính thuộc cấp trên cũ",
    ),
    (
        PARENT_CORRECTION,
        "Sửa sai hồ sơ: cấp trên đã ghi nhầm, tổ chức trực thuộc cấp trên mới suốt giai đoạn hiện tại "
        "(số liệu các năm trước tính lại theo cấp trên mới)",
    ),
]


class OrganisationForm(forms.ModelForm):
    """Dissolving or merging an organisation here goes through the same services as anywhere
    else (members moved by a merge; refused while members or active sub-organisations remain):
    tried inside a rolled-back transaction when the form is checked, so a refusal is shown on the
    form and nothing is written.

    A changed parent must say what it is: a dated move (`organisation_move`, tried the same way)
    or a correction of the record (the current placement's parent rewritten, logged as such)."""

    placed_on = forms.DateField(
        label="ngày trực thuộc",
        required=False,
        help_text="Tổ chức mới: ngày về trực thuộc tổ chức cấp trên (để trống: từ khi thành lập; "
        "tổ chức thành lập trước cấp trên thì tính từ ngày cấp trên thành lập).",
    )

    parent_change = forms.ChoiceField(
        label="đổi cấp trên là",
        choices=PARENT_CHANGES,
        required=False,
        widget=forms.RadioSelect,
        help_text="Chỉ cần khi đổi ô “trực thuộc”.",
    )
    moved_on = forms.DateField(
        label="chuyển từ ngày", required=False, input_formats=[DAY_FORMAT], help_text="dd/mm/yyyy"
    )
    move_decision = forms.CharField(label="số quyết định chuyển", max_length=60, required=False)

    class Meta:
        model = Organisation
        fields = ["code", "name", "kind", "parent", "agency", "founded_on", "dissolved_on", "merged_into"]

    def parent_change_kind(self):
        """PARENT_MOVE or PARENT_CORRECTION when this change gives a stored organisation another
        parent, else None."""
        if not (self.instance.pk and "parent" in self.changed_data):
            return None
        return self.cleaned_data.get("parent_change") or None

    def _check_parent_change(self, cleaned):
        if not (self.instance.pk and "parent" in self.changed_data) or self.has_error("parent"):
            return
        kind = cleaned.get("parent_change")
        if not kind:
            self.add_error(
                "parent_change",
                "Đã đổi tổ chức cấp trên: chọn “chuyển trực thuộc từ một ngày” hoặc “sửa sai hồ sơ”.",
            )
            return
        if kind == PARENT_CORRECTION:
            self._try(self._correct, cleaned, "parent")
            return
        on = cleaned.get("moved_on")
        if on is None:
            if not self.has_error("moved_on"):
                self.add_error("moved_on", "Chuyển trực thuộc: ghi ngày chuyển (dd/mm/yyyy).")
            return
        self._try(self._move, cleaned, "moved_on")

    def _move(self, organisation, cleaned):
        organisation_move(
            organisation=organisation,
            parent=cleaned["parent"],
            on=cleaned["moved_on"],
            decision_number=cleaned.get("move_decision", ""),
        )

    def _correct(self, organisation, cleaned):
        organisation.parent = cleaned["parent"]
        organisation.save()

    def _try(self, change, cleaned, field):
        """Run `change` on the stored organisation and roll it back: its refusal goes on the form."""
        try:
            with transaction.atomic():
                change(Organisation.objects.get(pk=self.instance.pk), cleaned)
                raise _TriedOnly
        except _TriedOnly:
            pass
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, found in error.message_dict.items():
                    self.add_error({"on": "moved_on"}.get(name, "parent"), found)
            else:
                self.add_error(field, error.messages)

    def closing(self):
        """(service, its arguments) when this change dissolves or merges the organisation."""
        on = self.cleaned_data.get("dissolved_on")
        if not (self.instance.pk and on and "dissolved_on" in self.changed_data):
            return None
        into = self.cleaned_data.get("merged_into")
        if into is not None:
            return organisation_merge, {"into": into, "on": on}
        return organisation_dissolve, {"on": on}

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            self.instance.placed_on = cleaned.get("placed_on")  # checked by Organisation.clean
        self._check_parent_change(cleaned)
        closing = self.closing() if not self.errors else None
        if closing is not None:
            service, arguments = closing
            try:
                with transaction.atomic():
                    service(organisation=Organisation.objects.get(pk=self.instance.pk), **arguments)
                    raise _TriedOnly
            except _TriedOnly:
                pass
            except ValidationError as error:
                self.add_error("dissolved_on", error.messages)
        return cleaned


class DatedHistoryInline(admin.TabularInline):
    """A record's dated history shown on its page, written elsewhere (a service, a command), so
    read-only here, ignoring posted data, oldest first."""

    formset = ReadOnlyFormSet
    extra = 0
    can_delete = False
    ordering = [F("starts_on").asc(nulls_first=True)]

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class SuperiorInline(DatedHistoryInline):
    """A root's superior committee over time (printed above it on its reports); changed only by
    `manage.py set_superior`."""

    model = Superior
    fields = ["starts_on", "ends_on", "name", "place", "decision_number"]


class PlacementInline(DatedHistoryInline):
    """The organisation's place in the tree over time; changed only by dated moves (the list's
    action "Chuyển trực thuộc")."""

    model = Placement
    fk_name = "organisation"
    fields = ["starts_on", "ends_on", "parent", "decision_number"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return obj is not None and super().has_view_permission(request, obj)


class MoveForm(forms.Form):
    parent = forms.ModelChoiceField(
        label="chuyển về trực thuộc",
        queryset=Organisation.objects.filter(kind__in=PARENT_KINDS),
        help_text="Có thể là tổ chức cấp trên mới (đảng bộ tỉnh, thành phố).",
    )
    on = forms.DateField(label="từ ngày", input_formats=[DAY_FORMAT], help_text="dd/mm/yyyy")
    decision_number = forms.CharField(label="số quyết định", max_length=60, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = visible(
            Organisation.objects.filter(kind__in=PARENT_KINDS).active_on(timezone.localdate()), user
        )


@admin.register(Organisation)
class OrganisationAdmin(ExportXlsxMixin, admin.ModelAdmin):
    form = OrganisationForm
    export_kind = "organisations"  # the list exports in the import template's columns
    list_display = ["tree_name", "code", "kind", "founded_on", "dissolved_on"]
    list_filter = ["kind", ParentFilter, ActiveFilter]
    search_fields = ["name", "code", "agency"]  # matched without diacritics (get_search_results)
    search_help_text = "Tìm theo tên tổ chức hoặc cơ quan (có dấu hoặc không dấu) hoặc theo mã."
    ordering = ["path"]
    list_per_page = 100
    autocomplete_fields = ["parent", "merged_into"]
    organisation_kinds = {"parent": PARENT_KINDS}
    readonly_fields = ["path_display"]
    inlines = [PlacementInline, SuperiorInline]  # inspections adds its own (inspections.admin)

    def get_search_results(self, request, queryset, search_term):
        """The list's search and the organisation autocomplete: by code, or by the words of the
        name without diacritics (`units.queries.organisations_matching`, as the header search)."""
        return organisations_matching(queryset, search_term), False

    def get_inline_instances(self, request, obj=None):
        """The superior outside the tree concerns roots only (the Khối, a provincial committee)."""
        instances = super().get_inline_instances(request, obj)
        if obj is None or obj.kind not in ROOT_KINDS:
            instances = [i for i in instances if not isinstance(i, SuperiorInline)]
        return instances

    actions = ["move_selected"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "name",
                    "kind",
                    "parent",
                    "parent_change",
                    "moved_on",
                    "move_decision",
                    "placed_on",
                    "agency",
                ]
            },
        ),
        ("Thành lập, giải thể", {"fields": ["founded_on", "dissolved_on", "merged_into"]}),
        ("Vị trí trong cây tổ chức", {"fields": ["path_display"]}),
    ]
    # Annotations of the list and the page that other apps add ({name: function returning the
    # expression}), with the columns showing them: members adds today's headcount (members.admin).
    annotations = {}

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.annotate(**{name: expression() for name, expression in self.annotations.items()})

    @admin.display(description="tên tổ chức", ordering="path")
    def tree_name(self, obj):
        # Indentation by class, not inline style, so a strict CSP can stay on.
        css = "tree-grassroots" if obj.kind in GRASSROOTS_KINDS else "tree-node"
        return format_html('<span class="{} tree-depth-{}">{}</span>', css, min(obj.depth, 4), obj.name)

    @admin.display(description="thuộc cây")
    def path_display(self, obj):
        return " › ".join([*(o.name for o in obj.ancestors()), obj.name])

    def save_model(self, request, obj, form, change):
        parent_change = form.parent_change_kind()
        if parent_change == PARENT_MOVE:
            self._save_with_move(request, obj, form)
            return
        if parent_change == PARENT_CORRECTION:
            self._save_with_correction(request, obj, form)
            return
        closing = form.closing()
        if closing is None:
            super().save_model(request, obj, form, change)
            return
        service, arguments = closing
        with transaction.atomic():
            obj.dissolved_on, obj.merged_into = None, None  # the service sets them, after moving members
            super().save_model(request, obj, form, change)  # the form's other changes
            service(organisation=obj, **arguments)

    def _save_with_move(self, request, obj, form):
        """The form's other changes, then the move from its day (`organisation_move`)."""
        parent, on = form.cleaned_data["parent"], form.cleaned_data["moved_on"]
        with transaction.atomic():
            obj.parent_id = form.initial["parent"]  # the record of the current place stays
            super().save_model(request, obj, form, True)
            organisation_move(
                organisation=obj, parent=parent, on=on, decision_number=form.cleaned_data["move_decision"]
            )
        self.message_user(
            request,
            f"Đã chuyển {obj.name} về trực thuộc {parent.name} từ ngày {day_text(on)}; "
            "trước ngày đó vẫn tính thuộc cấp trên cũ.",
            level=messages.SUCCESS,
        )

    def _save_with_correction(self, request, obj, form):
        """The current placement's parent rewritten (`Organisation.save`), logged as a correction."""
        old = Organisation.objects.get(pk=form.initial["parent"]) if form.initial.get("parent") else None
        with transaction.atomic():
            super().save_model(request, obj, form, True)
            log_action(
                "change",
                obj,
                {"placement_correction": [old.name if old else "", obj.parent.name if obj.parent else ""]},
            )
        self.message_user(
            request,
            f"Đã sửa hồ sơ: {obj.name} trực thuộc {obj.parent.name if obj.parent else '(gốc)'} trong suốt "
            "giai đoạn trực thuộc hiện tại (không phải chuyển trực thuộc); số liệu các ngày trong giai đoạn "
            "đó tính theo cấp trên mới.",
            level=messages.WARNING,
        )

    def has_delete_permission(self, request, obj=None):
        return False  # organisations are dissolved or merged, never deleted

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        changing = ("parent_change", "moved_on", "move_decision")
        if obj is None:
            first = dict(fieldsets[0][1], fields=[f for f in fieldsets[0][1]["fields"] if f not in changing])
            return [(fieldsets[0][0], first), *fieldsets[1:]]
        # A stored organisation changes its place by a dated move (or a stated correction), not
        # by the new organisation's date.
        first = dict(fieldsets[0][1], fields=[f for f in fieldsets[0][1]["fields"] if f != "placed_on"])
        return [(fieldsets[0][0], first), *fieldsets[1:]]

    @admin.action(description="Chuyển trực thuộc (từ một ngày)", permissions=["change"])
    def move_selected(self, request, queryset):
        """Move the chosen organisations (and everything below them) under another parent from a
        day, through `organisation_move`: all of them or, on any refusal, none."""
        form = MoveForm(request.POST if "apply" in request.POST else None, user=request.user)
        if "apply" in request.POST and form.is_valid():
            try:
                with transaction.atomic():
                    for organisation in queryset:
                        organisation_move(
                            organisation=organisation,
                            parent=form.cleaned_data["parent"],
                            on=form.cleaned_data["on"],
                            decision_number=form.cleaned_data["decision_number"],
                        )
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, f"Không chuyển: {message}", level=messages.ERROR)
                return None
            self.message_user(
                request,
                f"Đã chuyển {len(queryset)} tổ chức về trực thuộc {form.cleaned_data['parent']} "
                f"từ ngày {day_text(form.cleaned_data['on'])}.",
                level=messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/units/organisation/move.html",
            {
                **self.admin_site.each_context(request),
                "title": "Chuyển trực thuộc",
                "organisations": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


class TermTargetInline(admin.TabularInline):
    model = TermTarget
    extra = 1


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["label", "congress_ordinal", "starts_on", "ends_on"]
    inlines = [TermTargetInline]


from . import admin_activity  # noqa: E402,F401  (ratings, tasks, meetings, documents)
