"""Admin of the inspection registers, in Vietnamese. Every save goes through `inspections.services`.

Also defines the read-only inlines that list, on a member's and on an organisation's page, the
inspections, supervisions, discipline decisions and letters concerning them (`MEMBER_INLINES`,
`ORGANISATION_INLINES`, added from here to `members.admin.MemberAdmin` and `units.admin.OrganisationAdmin`).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from members.admin import MemberAdmin
from partyblock.admin_tools import ConditionFilter, MemberSearchMixin, ReadOnlyFormSet
from partyblock.core.text import day_text
from units.admin import OrganisationAdmin

from . import services
from .models import (
    FORMS_WITH_EFFECT,
    DisciplineDecision,
    DisciplineForm,
    Holiday,
    Inspection,
    InspectionSubject,
    Letter,
    LetterSubject,
    Supervision,
    SupervisionSubject,
)
from .workdays import DEADLINE_RULE


def _link(obj, text=None):
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text or str(obj))


def year_filter(field, title):
    """A list filter by the calendar year of the date `field`, newest first."""

    class YearFilter(admin.SimpleListFilter):
        parameter_name = "nam"

        def lookups(self, request, model_admin):
            years = model_admin.model.objects.dates(field, "year", order="DESC")
            return [(str(d.year), str(d.year)) for d in years]

        def queryset(self, request, queryset):
            if self.value():
                return queryset.filter(**{f"{field}__year": self.value()})
            return queryset

    YearFilter.title = title
    return YearFilter


# --- subjects --------------------------------------------------------------------------------------


def _pick_only(field, db_field):
    """Members and organisations are picked here, not created or edited from a popup."""
    if db_field.name in ("organisation", "member", "conducting_organisation") and field is not None:
        field.widget.can_add_related = field.widget.can_change_related = False
        field.widget.can_delete_related = field.widget.can_view_related = False
    return field


class SubjectFormSet(BaseInlineFormSet):
    """Refuses the same organisation or member twice on one record, with the row it repeats."""

    def clean(self):
        super().clean()
        seen = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            subject = form.cleaned_data.get("organisation") or form.cleaned_data.get("member")
            if subject is None:
                continue
            key = (type(subject), subject.pk)
            if key in seen:
                raise ValidationError(f"{subject} có hai lần trong danh sách.")
            seen[key] = form


class SubjectInline(admin.TabularInline):
    formset = SubjectFormSet
    autocomplete_fields = ["organisation", "member"]
    notes = ()  # fields written in a small text area

    def get_extra(self, request, obj=None, **kwargs):
        return 3 if obj is None else 1

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "member")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.notes:
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 40})
        return _pick_only(super().formfield_for_dbfield(db_field, request, **kwargs), db_field)


class InspectionSubjectInline(SubjectInline):
    model = InspectionSubject
    fields = ["organisation", "member", "violation_found", "follow_up"]
    notes = ["follow_up"]


class SupervisionSubjectInline(SubjectInline):
    model = SupervisionSubject
    fields = ["organisation", "member", "note"]
    notes = ["note"]


class LetterSubjectInline(SubjectInline):
    model = LetterSubject
    fields = ["organisation", "member"]
    extra = 2


class SubjectsSavedByService:
    """Subject rows are written by `services.subjects_apply`, all or nothing."""

    def save_formset(self, request, form, formset, change):
        if not issubclass(formset.model, (InspectionSubject, SupervisionSubject, LetterSubject)):
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        services.subjects_apply(
            add=formset.new_objects,
            change=[row for row, _ in formset.changed_objects],
            delete=formset.deleted_objects,
        )


# --- inspections and supervisions ------------------------------------------------------------------


class RegisterMedia:
    class Media:
        css = {"all": ["inspections/admin.css"]}


class ConductedAdmin(RegisterMedia, SubjectsSavedByService, admin.ModelAdmin):
    list_display = [
        "decision_column",
        "decision_date",
        "body_column",
        "kind",
        "organisation_count",
        "member_count",
        "concluded_on",
    ]
    search_fields = ["decision_number", "content"]
    search_help_text = "Tìm theo số quyết định hoặc nội dung."
    autocomplete_fields = ["conducting_organisation"]
    date_hierarchy = None
    list_per_page = 50
    actions = None
    fieldsets = [
        (None, {"fields": ["body", "conducting_organisation", "kind", "decision_number", "decision_date"]}),
        ("Nội dung", {"fields": ["period_from", "period_to", "content"]}),
        ("Kết luận", {"fields": ["conclusion", "concluded_on"]}),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return _pick_only(super().formfield_for_dbfield(db_field, request, **kwargs), db_field)

    def get_queryset(self, request):
        # Counts are annotated in the same SELECT: the list costs the same whatever the subjects.
        return (
            super()
            .get_queryset(request)
            .select_related("conducting_organisation")
            .annotate(
                organisations_n=Count("subjects", filter=Q(subjects__organisation__isnull=False)),
                members_n=Count("subjects", filter=Q(subjects__member__isnull=False)),
            )
        )

    @admin.display(description="số quyết định", ordering="decision_number")
    def decision_column(self, obj):
        return obj.decision_number or "(không số)"

    @admin.display(description="chủ thể", ordering="body")
    def body_column(self, obj):
        return obj.body_display()

    @admin.display(description="tổ chức đảng", ordering="organisations_n")
    def organisation_count(self, obj):
        return obj.organisations_n

    @admin.display(description="đảng viên", ordering="members_n")
    def member_count(self, obj):
        return obj.members_n

    def save_model(self, request, obj, form, change):
        if change:
            services.record_update(obj)
        else:
            self.record(obj)

    def has_delete_permission(self, request, obj=None):
        return False  # the register keeps its records


@admin.register(Inspection)
class InspectionAdmin(ConductedAdmin):
    list_display = [*ConductedAdmin.list_display[:6], "violation_count", "concluded_on"]
    list_filter = [year_filter("decision_date", "năm quyết định"), "body", "kind"]
    inlines = [InspectionSubjectInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(violations_n=Count("subjects", filter=Q(subjects__violation_found=True)))
        )

    @admin.display(description="có vi phạm", ordering="violations_n")
    def violation_count(self, obj):
        return obj.violations_n

    def record(self, obj):
        services.inspection_record(inspection=obj)


@admin.register(Supervision)
class SupervisionAdmin(ConductedAdmin):
    list_filter = [year_filter("decision_date", "năm quyết định"), "body", "kind"]
    inlines = [SupervisionSubjectInline]

    def record(self, obj):
        services.supervision_record(supervision=obj)


# --- discipline ------------------------------------------------------------------------------------


class DisciplineDecisionForm(forms.ModelForm):
    """Shows the refusal of the services (a member who cannot be expelled on that day, an
    organisation that still has members) on the form, before anything is written."""

    class Meta:
        model = DisciplineDecision
        fields = [
            "member",
            "organisation",
            "form",
            "deciding_body",
            "decision_number",
            "decision_date",
            "effective_on",
            "reason",
            "violation_on",
            "time_limit_waived",
            "post_held",
            "expulsion_ground",
            "inspection",
            "withdrawn_on",
            "withdrawal_decision",
        ]

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        decision = self.instance
        try:
            if decision.pk is None:
                services.discipline_check(decision)
            elif "withdrawn_on" in self.changed_data and decision.withdrawn_on:
                services.discipline_withdraw_check(
                    decision, on=decision.withdrawn_on, withdrawal_decision=decision.withdrawal_decision
                )
        except ValidationError as error:
            self.add_error(None, ValidationError(error.messages))


class InForceFilter(ConditionFilter):
    title = "hiệu lực"
    parameter_name = "hieu_luc"
    conditions = {
        "con": ("Còn hiệu lực", Q(withdrawn_on__isnull=True)),
        "huy": ("Đã hủy bỏ", Q(withdrawn_on__isnull=False)),
    }


class SubjectTypeFilter(ConditionFilter):
    title = "đối tượng"
    parameter_name = "doi_tuong"
    conditions = {
        "dang_vien": ("Đảng viên", Q(member__isnull=False)),
        "to_chuc": ("Tổ chức đảng", Q(organisation__isnull=False)),
    }


@admin.register(DisciplineDecision)
class DisciplineDecisionAdmin(RegisterMedia, MemberSearchMixin, admin.ModelAdmin):
    form = DisciplineDecisionForm
    list_display = [
        "decision_number",
        "decision_date",
        "subject_column",
        "form",
        "deciding_body",
        "effective_on",
        "status_column",
    ]
    list_filter = [
        year_filter("decision_date", "năm quyết định"),
        "form",
        "deciding_body",
        SubjectTypeFilter,
        InForceFilter,
    ]
    search_fields = ["decision_number"]  # widened by MemberSearchMixin
    also_searched = ["decision_number", "organisation__name"]
    search_help_text = "Tìm theo số quyết định, tên đảng viên (có dấu hoặc không dấu) hoặc tên tổ chức."
    autocomplete_fields = ["member", "organisation", "inspection"]
    list_per_page = 50
    actions = None

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member", "organisation")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return _pick_only(super().formfield_for_dbfield(db_field, request, **kwargs), db_field)

    DECISION_FIELDS = ["form", "deciding_body", "decision_number", "decision_date", "effective_on"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [
                (
                    None,
                    {
                        "fields": [
                            "member",
                            "organisation",
                            *self.DECISION_FIELDS,
                            "reason",
                            "violation_on",
                            "time_limit_waived",
                            "post_held",
                            "expulsion_ground",
                            "inspection",
                        ],
                        "description": "Chọn một đảng viên hoặc một tổ chức đảng. Khai trừ chấm dứt tư cách "
                        "đảng viên từ ngày có hiệu lực; giải tán chấm dứt hoạt động của tổ chức.",
                    },
                )
            ]
        return [
            (
                None,
                {
                    "fields": [
                        "subject_display",
                        *self.DECISION_FIELDS,
                        "reason",
                        "violation_on",
                        "time_limit_waived",
                        "post_held",
                        "expulsion_ground",
                        "inspection",
                    ]
                },
            ),
            ("Hiệu lực", {"fields": ["effect_display"]}),
            (
                "Hủy bỏ quyết định",
                {
                    "fields": ["withdrawn_on", "withdrawal_decision"],
                    "description": "Khi quyết định bị hủy bỏ (ví dụ sau giải quyết khiếu nại), hiệu lực "
                    "khai trừ hoặc giải tán cũng được hủy.",
                },
            ),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # Subject, form and dates are fixed once recorded: a wrong decision is withdrawn and redone.
        fixed = [
            "subject_display",
            "form",
            "decision_date",
            "effective_on",
            "violation_on",
            "time_limit_waived",
            "post_held",
            "expulsion_ground",
            "effect_display",
        ]
        if obj.withdrawn_on:
            fixed += ["withdrawn_on", "withdrawal_decision"]
        return fixed

    @admin.display(description="đảng viên, tổ chức đảng bị kỷ luật")
    def subject_display(self, obj):
        return _link(obj.subject)

    @admin.display(description="đối tượng")
    def subject_column(self, obj):
        return obj.subject

    @admin.display(description="tình trạng", ordering="withdrawn_on")
    def status_column(self, obj):
        if obj.withdrawn_on:
            return format_html(
                '<span class="status-ended">Đã hủy bỏ từ {}</span>', day_text(obj.withdrawn_on, "—")
            )
        return "Còn hiệu lực"

    @admin.display(description="tác động đến hồ sơ")
    def effect_display(self, obj):
        if obj.form not in FORMS_WITH_EFFECT:
            return "—"
        if obj.withdrawn_on:
            return "Đã hủy hiệu lực (quyết định bị hủy bỏ)."
        if obj.form == DisciplineForm.EXPULSION and obj.member_event_id is None:
            return format_html(
                '<span class="status-overdue">{}</span>',
                "Sự kiện khai trừ đã bị xóa trong hồ sơ đảng viên: hồ sơ không còn ghi việc khai trừ. "
                "Hãy hủy bỏ quyết định hoặc ghi lại sự kiện.",
            )
        if obj.form == DisciplineForm.EXPULSION:
            return f"Chấm dứt tư cách đảng viên từ ngày {day_text(obj.effective_on, '—')} (sự kiện khai trừ)."
        return f"Tổ chức giải tán từ ngày {day_text(obj.effective_on, '—')}."

    def save_model(self, request, obj, form, change):
        if not change:
            services.discipline_decide(decision=obj)
        elif "withdrawn_on" in form.changed_data and obj.withdrawn_on:
            services.discipline_withdraw(
                decision=obj, on=obj.withdrawn_on, withdrawal_decision=obj.withdrawal_decision
            )
        else:
            services.discipline_update(decision=obj)

    def has_delete_permission(self, request, obj=None):
        return False  # a wrong decision is withdrawn (hủy bỏ), its record stays


# --- letters ---------------------------------------------------------------------------------------


class OverdueFilter(admin.SimpleListFilter):
    title = "hạn giải quyết"
    parameter_name = "han"

    def lookups(self, request, model_admin):
        return [("qua_han", "Quá hạn"), ("trong_han", "Đang mở, còn hạn")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "qua_han":
            return queryset.overdue(today)
        if self.value() == "trong_han":
            return queryset.open().exclude(pk__in=Letter.objects.overdue(today).values("pk"))
        return queryset


@admin.register(Letter)
class LetterAdmin(RegisterMedia, SubjectsSavedByService, admin.ModelAdmin):
    list_display = [
        "received_on",
        "reference",
        "sender_column",
        "kind",
        "subjects_column",
        "competence",
        "deadline",
        "status",
        "overdue_column",
    ]
    list_filter = [year_filter("received_on", "năm nhận đơn"), "kind", "competence", "status", OverdueFilter]
    search_fields = ["reference", "sender", "summary"]
    search_help_text = "Tìm theo số vào sổ, người gửi hoặc nội dung đơn."
    autocomplete_fields = ["discipline_decision"]
    inlines = [LetterSubjectInline]
    readonly_fields = ["deadline_display"]
    list_per_page = 50
    actions = None
    fieldsets = [
        (None, {"fields": ["reference", "received_on", "anonymous", "sender", "kind", "summary"]}),
        ("Thẩm quyền", {"fields": ["competence", "forwarded_to", "discipline_decision", "deadline_display"]}),
        ("Kết quả", {"fields": ["status", "result", "closed_on"]}),
    ]

    def get_queryset(self, request):
        rows = LetterSubject.objects.select_related("organisation", "member")
        return super().get_queryset(request).prefetch_related(Prefetch("subjects", queryset=rows))

    @admin.display(description="người gửi", ordering="sender")
    def sender_column(self, obj):
        return obj.sender_display()

    @admin.display(description="liên quan đến")
    def subjects_column(self, obj):
        return "; ".join(str(row.subject) for row in obj.subjects.all()) or "—"

    @admin.display(description="quá hạn")
    def overdue_column(self, obj):
        if obj.is_overdue(timezone.localdate()):
            return format_html('<span class="status-overdue">{}</span>', "Quá hạn")
        return "—"

    @admin.display(description="hạn giải quyết")
    def deadline_display(self, obj):
        if obj.deadline:
            return format_html("{}<br>{}", day_text(obj.deadline, "—"), DEADLINE_RULE)
        return f"Tự tính khi lưu. {DEADLINE_RULE}"

    def save_model(self, request, obj, form, change):
        if change:
            services.letter_save(obj)
        else:
            services.letter_receive(letter=obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "name"]
    list_filter = [year_filter("date", "năm")]
    search_fields = ["name"]
    list_per_page = 100

    WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]

    @admin.display(description="thứ")
    def weekday(self, obj):
        return self.WEEKDAYS[obj.date.weekday()]

    def _refresh(self, request):
        changed = services.letter_deadlines_refresh()
        if changed:
            messages.info(request, f"Đã tính lại hạn giải quyết của {changed} đơn đang mở.")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._refresh(request)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._refresh(request)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._refresh(request)


# --- what concerns a member or an organisation (read-only, on their pages) -------------------------


class ConcerningInline(RegisterMedia, admin.TabularInline):
    formset = ReadOnlyFormSet
    classes = ["concerning"]
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Nothing concerns a member or an organisation that is being created: not on the add page.
        return obj is not None and super().has_view_permission(request, obj)

    def get_queryset(self, request):
        # The rows are read without a page object, so check the model permission itself here.
        queryset = self.model._default_manager.get_queryset()
        return queryset if super().has_view_permission(request) else queryset.none()


class ConcerningSubjectsInline(ConcerningInline):
    """Subject rows of inspections or supervisions (`record`: the field naming the record), the
    latest decision first."""

    record_field = None

    def get_queryset(self, request):
        field = self.record_field
        return (
            super()
            .get_queryset(request)
            .select_related(f"{field}__conducting_organisation")
            .order_by(f"-{field}__decision_date", "-pk")
        )

    @admin.display(description="quyết định")
    def record(self, row):
        return _link(getattr(row, self.record_field))

    @admin.display(description="chủ thể")
    def body(self, row):
        return getattr(row, self.record_field).body_display()


class ConcerningInspectionsInline(ConcerningSubjectsInline):
    model = InspectionSubject
    record_field = "inspection"
    verbose_name = "cuộc kiểm tra"
    verbose_name_plural = "kiểm tra (chỉ xem)"
    fields = readonly_fields = ["record", "body", "kind", "violation_found", "follow_up"]

    @admin.display(description="loại kiểm tra")
    def kind(self, row):
        return row.inspection.get_kind_display()


class ConcerningSupervisionsInline(ConcerningSubjectsInline):
    model = SupervisionSubject
    record_field = "supervision"
    verbose_name = "cuộc giám sát"
    verbose_name_plural = "giám sát (chỉ xem)"
    fields = readonly_fields = ["record", "body", "note"]


class ConcerningDisciplineInline(ConcerningInline):
    model = DisciplineDecision
    verbose_name = "quyết định kỷ luật"
    verbose_name_plural = "kỷ luật (chỉ xem)"
    fields = readonly_fields = ["record", "form", "deciding_body", "effective_on", "state"]

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-decision_date", "-pk")

    @admin.display(description="quyết định")
    def record(self, decision):
        return _link(decision, f"{decision.decision_number}, {day_text(decision.decision_date, '—')}")

    @admin.display(description="tình trạng")
    def state(self, decision):
        return (
            f"Đã hủy bỏ từ {day_text(decision.withdrawn_on, '—')}"
            if decision.withdrawn_on
            else "Còn hiệu lực"
        )


class ConcerningLettersInline(ConcerningInline):
    model = LetterSubject
    verbose_name = "đơn thư"
    verbose_name_plural = "đơn thư khiếu nại, tố cáo (chỉ xem)"
    fields = readonly_fields = ["record", "status", "result"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("letter").order_by("-letter__received_on", "-pk")

    @admin.display(description="đơn")
    def record(self, row):
        return _link(row.letter)

    @admin.display(description="tình trạng")
    def status(self, row):
        letter = row.letter
        if letter.is_overdue(timezone.localdate()):
            return f"{letter.get_status_display()} (quá hạn {day_text(letter.deadline, '—')})"
        return letter.get_status_display()

    @admin.display(description="kết quả")
    def result(self, row):
        return row.letter.result or "—"


def _for(fk_name, *inlines):
    return [type(inline.__name__, (inline,), {"fk_name": fk_name}) for inline in inlines]


_CONCERNING = (
    ConcerningInspectionsInline,
    ConcerningSupervisionsInline,
    ConcerningDisciplineInline,
    ConcerningLettersInline,
)
MEMBER_INLINES = _for("member", *_CONCERNING)
ORGANISATION_INLINES = _for("organisation", *_CONCERNING)
# Shown on the member and organisation pages of the apps below this one, added from here so that
# they need no import of this app (Django loads this module after theirs).
MemberAdmin.inlines = [*MemberAdmin.inlines, *MEMBER_INLINES]
OrganisationAdmin.inlines = [*OrganisationAdmin.inlines, *ORGANISATION_INLINES]
