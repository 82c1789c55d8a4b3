import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html

from partyblock.accounts.access import locked_member_fields, member_search, shown_value, visible
from partyblock.admin_tools import GrassrootsListFilter, NationalIdSearchHelpMixin
from partyblock.audit.log import current_user
from partyblock.core.text import day_text, thousands
from partyblock.importing.exporting import ExportXlsxMixin
from units.admin import OrganisationAdmin
from units.models import MEMBER_HOLDING_KINDS, Organisation
from units.placing import PARENTS, placed

from .admin_arrival import ArrivalViewMixin
from .lifecycle import EVENT_FIELDS, MEMBERSHIP_ENDING_KINDS, event_fields_of, replay
from .models import (
    EventKind,
    Member,
    MemberCard,
    MemberEvent,
    MembershipPeriod,
    MembershipStatus,
    PartyLifeGap,
)
from .party_age import gap_problems
from .queries import headcount, members_as_of
from .services import card_issue, discipline_event_problems, member_events_apply, party_life_gaps_apply


class GrassrootsFilter(GrassrootsListFilter):
    """Members registered today in a TCCS (any of its chi bộ)."""

    def within(self, queryset, organisation):
        return queryset.filter(pk__in=members_as_of(timezone.localdate(), within=organisation).values("pk"))


class StatusFilter(admin.SimpleListFilter):
    """Status today, derived from the stored periods. The list (and its export) opens on the members
    registered in the Khối today, as a member list is read; "Tất cả" adds those who left. A search
    looks through everyone unless a status is chosen: a departed member is found by name."""

    title = "tình trạng hiện nay"
    parameter_name = "tinh_trang"
    IN_BLOC, EVERYONE = "trong_khoi", "tat_ca"

    def __init__(self, request, params, model, model_admin):
        self.searching = bool(request.GET.get("q", "").strip())
        super().__init__(request, params, model, model_admin)

    def value(self):
        return super().value() or (self.EVERYONE if self.searching else self.IN_BLOC)

    def choices(self, changelist):
        value = self.value()
        for lookup, title in ((self.EVERYONE, "Tất cả"), *self.lookup_choices):
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def lookups(self, request, model_admin):
        return [
            (self.IN_BLOC, "Đang sinh hoạt trong Khối"),
            ("chinh_thuc", "Đảng viên chính thức"),
            ("du_bi", "Đảng viên dự bị"),
            ("mien", "Được miễn sinh hoạt"),
            ("dinh_chi", "Bị đình chỉ sinh hoạt"),
            ("tam_thoi", "Đang chuyển sinh hoạt tạm thời"),
            ("ngoai_khoi", "Sinh hoạt ngoài Khối"),
            ("da_ket_thuc", "Không còn là đảng viên"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.EVERYONE:
            return queryset
        today = MembershipPeriod.objects.covering(timezone.localdate())
        conditions = {
            self.IN_BLOC: Q(organisation__isnull=False),
            "chinh_thuc": Q(status=MembershipStatus.OFFICIAL, organisation__isnull=False),
            "du_bi": Q(status=MembershipStatus.PROBATIONARY, organisation__isnull=False),
            "mien": Q(is_exempt=True, organisation__isnull=False),
            "dinh_chi": Q(is_suspended=True, organisation__isnull=False),
            "tam_thoi": Q(on_temporary_transfer=True, organisation__isnull=False),
            "ngoai_khoi": Q(organisation__isnull=True),
        }
        if value in conditions:
            return queryset.filter(pk__in=today.filter(conditions[value]).values("member_id"))
        if value == "da_ket_thuc":
            ended = MemberEvent.objects.filter(kind__in=MEMBERSHIP_ENDING_KINDS).values("member_id")
            return queryset.filter(pk__in=ended).exclude(pk__in=today.values("member_id"))
        return queryset


class AdmissionYearFilter(admin.SimpleListFilter):
    title = "năm kết nạp"
    parameter_name = "nam_ket_nap"

    def lookups(self, request, model_admin):
        years = MemberEvent.objects.filter(kind=EventKind.ADMISSION, date__isnull=False).dates(
            "date", "year", order="DESC"
        )
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(
                pk__in=MemberEvent.objects.filter(kind=EventKind.ADMISSION, date__year=self.value()).values(
                    "member_id"
                )
            )
        return queryset


def mark_fields_of_kind(form):
    """Mark the event's fields that its kind does not use (`lifecycle.EVENT_FIELDS`) and that are
    empty, `data-other-kind`: the admin's stylesheet hides them, and rows left with none. A field
    that holds a value stays shown whatever the kind. The kind's select carries the table, so that
    `event_fields.js` re-marks them when the kind is changed on the page (an event being added)."""
    if "kind" not in form.fields:
        return
    used = event_fields_of(form["kind"].value())
    form.fields["kind"].widget.attrs["data-event-fields"] = json.dumps(
        {name: [str(kind) for kind in kinds] for name, kinds in EVENT_FIELDS.items()}
    )
    for name in EVENT_FIELDS:
        if name not in form.fields:
            continue
        widget = form.fields[name].widget
        attrs = getattr(widget, "widget", widget).attrs  # the select inside the autocomplete wrapper
        attrs.pop("data-other-kind", None)
        if name not in used and form[name].value() in (None, "", []):
            attrs["data-other-kind"] = ""


class MemberEventFormSet(BaseInlineFormSet):
    """Checks the member's whole history, as edited on the page, with the lifecycle rules.

    An event recorded in an organisation outside the user's scope (the admission in another TCCS
    of a member who moved into the user's) is shown locked: every field disabled, so the form keeps
    the stored values whatever is posted, and replay still sees the whole history. New and
    editable events offer only the user's organisations (ScopedChoicesMixin)."""

    user = None  # set by MemberEventInline.get_formset

    @cached_property
    def _organisations_outside_scope(self):
        if self.user is None or self.instance.pk is None:
            return set()
        used = set(self.get_queryset().exclude(organisation=None).values_list("organisation_id", flat=True))
        if not used:
            return set()
        seen = visible(Organisation.objects.filter(pk__in=used), self.user).values_list("pk", flat=True)
        return used - set(seen)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        event = form.instance
        if event.pk is not None and event.organisation_id in self._organisations_outside_scope:
            form.fields["organisation"].queryset = Organisation.objects.filter(pk=event.organisation_id)
            for name in self.form._meta.fields:  # not the hidden id and member: they say which event
                form.fields[name].disabled = True
        mark_fields_of_kind(form)
        return form

    @property
    def empty_form(self):
        form = super().empty_form
        mark_fields_of_kind(form)
        return form

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        events, written, deleted = [], [], []
        for form in self.forms:
            if not hasattr(form, "cleaned_data"):
                continue
            if self._should_delete_form(form):
                if form.instance.pk:
                    deleted.append(form.instance)
                continue
            if form.instance.pk or form.has_changed():
                events.append(form.instance)
            if form.has_changed():
                written.append(form.instance)
        problems = discipline_event_problems(deleted)
        if problems:
            raise ValidationError(problems)
        if self.instance.birth_date is None:
            return  # the member form reports the missing birth date
        try:
            outcome = replay(self.instance, events, written=written)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        self.warnings, self.rows = outcome.warnings, outcome.rows
        # The interruptions must still lie within a membership (`member_events_apply` checks it
        # too): those edited on the same page are checked by their own formset against these rows.
        if self.instance.pk is not None and not getattr(self, "gaps_edited", False):
            stored = list(self.instance.party_life_gaps.values_list("starts_on", "ends_on"))
            problems = gap_problems(stored, outcome.rows)
            if problems:
                raise ValidationError(problems)


class MemberEventInline(admin.StackedInline):
    """The member's events, one block each in rows of a few fields, so that the page fits a
    1366-pixel screen and a phone (as one table row each, its 14 columns made the page 2,300 pixels
    wide). The first row says what happened, when and where; the others carry what only some kinds
    of event need."""

    model = MemberEvent
    formset = MemberEventFormSet
    extra = 1
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("kind", "date", "organisation"),
                    ("decision_number", "decision_date", "other_party", "end_date"),
                    ("exemption_ground", "ending_ground"),
                    ("readmission_consent", "conviction_cleared_on", "vote_date"),
                    ("sponsors", "note"),
                ]
            },
        )
    ]
    autocomplete_fields = ["organisation"]
    organisation_kinds = {"organisation": MEMBER_HOLDING_KINDS}  # a member's chi bộ (lifecycle)
    classes = ["events-inline"]

    class Media:
        js = ["partyblock/event_fields.js"]

    formfield_overrides = {models.TextField: {"widget": forms.TextInput(attrs={"size": 24})}}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.user = request.user
        return formset


class PartyLifeGapFormSet(BaseInlineFormSet):
    """Checks the interruptions as edited on the page against the member's history as edited on the
    same page (the events formset's replay, else the stored periods): within a membership, no
    overlap (`party_age.gap_problems`); they are written by `members.services.party_life_gaps_apply`
    (MemberAdmin.save_formset), after the events."""

    events_formset = None  # set by MemberAdmin._create_formsets

    def spans(self):
        """(starts_on, ends_on) of the interruptions as edited (deleted ones left out)."""
        return [
            (form.cleaned_data["starts_on"], form.cleaned_data.get("ends_on"))
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("starts_on")
            and not self._should_delete_form(form)
        ]

    def clean(self):
        super().clean()
        if any(self.errors) or self.instance.pk is None:
            return
        spans = self.spans()
        if not spans:
            return
        rows = getattr(self.events_formset, "rows", None)
        if rows is None:
            rows = [
                (period.starts_on, period.ends_on) for period in self.instance.periods.order_by("starts_on")
            ]
        problems = gap_problems(spans, rows)
        if problems:
            raise ValidationError(problems)


class PartyLifeGapInline(admin.TabularInline):
    """Interruptions of party life that do not end membership (lost contact, a transfer not
    registered in time): party age does not count them (docs/rules.md)."""

    model = PartyLifeGap
    formset = PartyLifeGapFormSet
    extra = 0
    fields = ["ground", "starts_on", "ends_on", "note"]
    formfield_overrides = {models.TextField: {"widget": forms.TextInput(attrs={"size": 32})}}


class MemberCardInline(admin.TabularInline):
    model = MemberCard
    extra = 0
    fields = ["number", "issued_on", "replaced_on"]


class MembershipPeriodInline(admin.TabularInline):
    """Read-only: what the events mean, day by day (how every count sees this member)."""

    model = MembershipPeriod
    verbose_name_plural = "giai đoạn sinh hoạt (tự tính từ các sự kiện)"
    extra = 0
    can_delete = False
    fields = readonly_fields = ["starts_on", "ends_on", "registration", "status", "circumstances"]

    @admin.display(description="nơi sinh hoạt chính thức")
    def registration(self, period):
        return period.organisation.name if period.organisation else "Ngoài Đảng bộ Khối"

    @admin.display(description="ghi chú")
    def circumstances(self, period):
        notes = []
        if period.on_temporary_transfer:
            host = period.temporary_host.name if period.temporary_host else "ngoài Khối"
            notes.append(f"sinh hoạt tạm thời tại {host}")
        if period.is_exempt:
            notes.append("được miễn công tác và sinh hoạt đảng")
        if period.is_suspended:
            notes.append("bị đình chỉ sinh hoạt đảng")
        return "; ".join(notes) or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "temporary_host")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def describe_period(period):
    if period is None:
        return None
    if period.organisation_id is None:
        return "Sinh hoạt ngoài Khối"
    labels = [period.get_status_display()]
    if period.is_exempt:
        labels.append("miễn sinh hoạt")
    if period.is_suspended:
        labels.append("đình chỉ")
    if period.on_temporary_transfer:
        labels.append("chuyển tạm thời")
    return ", ".join(labels)


@admin.register(Member)
class MemberAdmin(ArrivalViewMixin, ExportXlsxMixin, NationalIdSearchHelpMixin, admin.ModelAdmin):
    export_kind = "members"  # the list exports in the import template's columns
    list_display = ["name_column", "birth_date", "gender", "chi_bo_column", "status_column", "card_column"]
    list_filter = [GrassrootsFilter, StatusFilter, "gender", AdmissionYearFilter]
    search_fields = ["full_name"]  # replaced by the accent-insensitive search below
    search_help_text = "Tìm theo họ tên (có dấu hoặc không dấu), số CCCD, số thẻ hoặc số lý lịch đảng viên."
    search_help_text_masked = "Tìm theo họ tên (có dấu hoặc không dấu), số thẻ hoặc số lý lịch đảng viên."
    ordering = ["sort_key", "birth_date", "pk"]
    list_per_page = 50
    inlines = [
        MemberEventInline,
        MemberCardInline,
        PartyLifeGapInline,
        MembershipPeriodInline,
    ]  # and inspections' (inspections.admin)
    actions = None
    fieldsets = [
        (None, {"fields": ["full_name", "gender", "birth_date", "national_id", "so_ly_lich", "phone"]}),
        (
            "Lý lịch",
            {
                "fields": [
                    "birthplace",
                    "hometown",
                    "ethnicity",
                    "religion",
                    "residence",
                    "occupation",
                    "position",
                    "work_sector",
                    "education",
                    "professional_level",
                    "theory_level",
                    "note",
                ]
            },
        ),
    ]

    # How a field the user may not write (`locked_member_fields`) is shown instead, read-only.
    LOCKED_DISPLAY = {"national_id": "masked_national_id"}

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        locked = locked_member_fields(request.user)
        if not locked:
            return fieldsets
        # Others see only the last four digits of the national ID, and cannot edit it.
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        self.LOCKED_DISPLAY.get(f, f) if f in locked else f for f in options["fields"]
                    ],
                },
            )
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, *(self.LOCKED_DISPLAY.get(f, f) for f in locked_member_fields(request.user))]

    @admin.display(description="số CCCD")
    def masked_national_id(self, obj):
        user = current_user()  # set per request by partyblock.accounts.sessions.AuditActorMiddleware
        return shown_value(user, Member, "national_id", obj.national_id) or "" if obj and user else ""

    def get_queryset(self, request):
        today = timezone.localdate()
        current = MembershipPeriod.objects.covering(today).select_related(f"organisation__{PARENTS}")
        last_ending = (
            MemberEvent.objects.filter(member=OuterRef("pk"), kind__in=MEMBERSHIP_ENDING_KINDS)
            .order_by("-date")
            .values("kind")[:1]
        )
        return (
            super()
            .get_queryset(request)
            .annotate(last_ending_kind=Subquery(last_ending))
            .prefetch_related(
                Prefetch("periods", queryset=current, to_attr="current_periods"),
                Prefetch(
                    "cards",
                    queryset=MemberCard.objects.filter(replaced_on__isnull=True),
                    to_attr="live_cards",
                ),
            )
        )

    def get_search_results(self, request, queryset, search_term):
        """Every word must appear in the name, ignoring case and diacritics (đ matches d), a single
        letter as an initial; a bare number also finds a party card, and the national ID for those
        who see it whole. A term of one character finds no one (`members.queries.name_search`), here
        and in the member choosers (the autocomplete asks this method)."""
        if not search_term.strip():
            return queryset, False
        return queryset.filter(member_search(search_term, request.user)), False

    def autocomplete_label(self, obj):
        """A member in the admin's choosers (letters, discipline, ratings, ...): name, birth date,
        card and today's chi bộ with its TCCS, so twenty "Nguyễn Thị An" tell apart. Reads what
        `get_queryset` prefetched (the autocomplete's page goes through it)."""
        details = [f"sinh {day_text(obj.birth_date)}"]
        if obj.live_cards:
            details.append(f"thẻ {obj.live_cards[-1].number}")
        period = obj.current_periods[0] if obj.current_periods else None
        if period is None:
            where = EventKind(obj.last_ending_kind).label if obj.last_ending_kind else "Chưa kết nạp"
        elif period.organisation is None:
            where = describe_period(period)  # "Sinh hoạt ngoài Khối"
        else:
            where = placed(period.organisation)
        return f"{obj.full_name} ({', '.join(details)}) · {where}"

    @admin.display(description="họ và tên", ordering="sort_key")
    def name_column(self, obj):
        return obj.full_name

    @admin.display(description="chi bộ hiện nay")
    def chi_bo_column(self, obj):
        period = obj.current_periods[0] if obj.current_periods else None
        if period is None or period.organisation is None:
            return "—"
        return placed(period.organisation)

    @admin.display(description="tình trạng")
    def status_column(self, obj):
        period = obj.current_periods[0] if obj.current_periods else None
        if period is not None:
            css = (
                "status-probationary" if period.status == MembershipStatus.PROBATIONARY else "status-current"
            )
            return format_html('<span class="{}">{}</span>', css, describe_period(period))
        if obj.last_ending_kind:
            return format_html('<span class="status-ended">{}</span>', EventKind(obj.last_ending_kind).label)
        return format_html('<span class="status-ended">{}</span>', "Chưa kết nạp")

    @admin.display(description="số thẻ")
    def card_column(self, obj):
        return ", ".join(card.number for card in obj.live_cards) or "—"

    def _create_formsets(self, request, obj, change):
        # The interruptions are checked against the events as edited on the page; when they are
        # edited too, the events formset leaves that check to them (its clean runs first).
        formsets, inlines = super()._create_formsets(request, obj, change)
        events = next((f for f in formsets if isinstance(f, MemberEventFormSet)), None)
        for formset in formsets:
            if isinstance(formset, PartyLifeGapFormSet):
                formset.events_formset = events
                if events is not None and formset.is_bound and formset.has_changed():
                    events.gaps_edited, events.gaps_formset = True, formset
        return formsets, inlines

    def get_inline_instances(self, request, obj=None):
        # Interruptions are recorded on a member who has a history: not on the add page.
        inlines = super().get_inline_instances(request, obj)
        return inlines if obj is not None else [i for i in inlines if not isinstance(i, PartyLifeGapInline)]

    def save_formset(self, request, form, formset, change):
        if formset.model is MemberCard:
            # A new card goes through card_issue, which marks the current one replaced that day.
            formset.save(commit=False)
            for card, _ in formset.changed_objects:
                card.save()
            for card in formset.deleted_objects:
                card.delete()
            for card in formset.new_objects:
                card_issue(member=form.instance, number=card.number, issued_on=card.issued_on)
            return None
        if formset.model is PartyLifeGap:
            formset.save(commit=False)
            party_life_gaps_apply(
                form.instance,
                add=formset.new_objects,
                change=[gap for gap, _ in formset.changed_objects],
                delete=formset.deleted_objects,
            )
            return None
        if formset.model is not MemberEvent:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        edited_gaps = getattr(formset, "gaps_formset", None)
        warnings = member_events_apply(
            form.instance,
            add=formset.new_objects,
            change=[event for event, _ in formset.changed_objects],
            delete=formset.deleted_objects,
            gaps=edited_gaps.spans() if edited_gaps is not None else None,
        )
        for warning in warnings:
            messages.warning(request, warning)

    def has_delete_permission(self, request, obj=None):
        return False  # membership ends through an event; the record stays


from . import admin_recognition  # noqa: E402,F401  (ratings, awards, badges)


# --- the organisation list's and page's headcount (units knows nothing of members) -------------------
@admin.display(description="đảng viên", ordering="current_members")
def member_count(organisation):
    return thousands(organisation.current_members)


@admin.display(description="số đảng viên hiện nay")
def member_count_today(organisation):
    return getattr(organisation, "current_members", "—")


def _headcount_today():
    # One correlated count per row inside the list's SELECT: no query per organisation.
    return headcount(timezone.localdate(), OuterRef("pk"))


OrganisationAdmin.annotations = {**OrganisationAdmin.annotations, "current_members": _headcount_today}
OrganisationAdmin.list_display = [*OrganisationAdmin.list_display, member_count]
OrganisationAdmin.readonly_fields = [*OrganisationAdmin.readonly_fields, member_count_today]
OrganisationAdmin.fieldsets = [
    *OrganisationAdmin.fieldsets[:-1],
    (
        OrganisationAdmin.fieldsets[-1][0],
        {"fields": [*OrganisationAdmin.fieldsets[-1][1]["fields"], member_count_today]},
    ),
]
