"""Admin for the yearly work on organisations: ratings (with the bulk screen), breakthrough tasks,
chi bộ meetings (with the attendance of the filtered list) and the Khối's documents.
Imported by units.admin."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse

from partyblock.accounts.access import visible
from partyblock.admin_tools import GrassrootsListFilter, RatingAdminMixin, YearListFilter, year_choices
from partyblock.core import rating_schemes
from partyblock.importing.exporting import ExportXlsxMixin
from partyblock.rating_entry import EntryRow, default_year, rating_entry_view

from .models import (
    GRASSROOTS_KINDS,
    MEMBER_HOLDING_KINDS,
    RATED_KINDS,
    BreakthroughTask,
    Document,
    Meeting,
    Organisation,
    OrganisationRating,
)
from .queries import attendance, organisations_to_rate
from .services import meetings_delete, organisation_ratings_save

ALL_TCCS = "tccs"  # the chooser's "every TCCS of the Khối" (the TCCS themselves, not their chi bộ)


class OrganisationRatingChooser(forms.Form):
    """Which organisations to rate: the TCCS of the Khối themselves, or one TCCS with its đảng bộ
    bộ phận and chi bộ (a screen of a few dozen rows rather than every organisation at once)."""

    to_chuc = forms.ChoiceField(label="Tổ chức cơ sở đảng")
    nam = forms.TypedChoiceField(choices=year_choices, coerce=int, label="Năm")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        tccs = visible(Organisation.objects.grassroots(), user).order_by("path").values_list("pk", "name")
        self.tccs = dict(tccs)
        whole_khoi = [(ALL_TCCS, "Các tổ chức cơ sở đảng trực thuộc Khối")] if len(self.tccs) > 1 else []
        self.fields["to_chuc"].choices = [
            ("", "— chọn —"),
            *whole_khoi,
            ("Một tổ chức cơ sở đảng và các chi bộ", [(str(pk), name) for pk, name in self.tccs.items()]),
        ]

    def organisations(self, year):
        """The organisations to rate that the choice stands for, and the TCCS it is within (None:
        the Khối's TCCS themselves)."""
        chosen = self.cleaned_data["to_chuc"]
        if chosen == ALL_TCCS:
            return organisations_to_rate(year).filter(kind__in=GRASSROOTS_KINDS), None
        within = Organisation.objects.get(pk=int(chosen))
        return organisations_to_rate(year, within=within), within


@admin.register(OrganisationRating)
class OrganisationRatingAdmin(ExportXlsxMixin, RatingAdminMixin, admin.ModelAdmin):
    export_kind = "organisation_ratings"  # the list exports in the import template's columns
    list_display = ["organisation", "year", "category_label", "level", "tccs", "score"]
    list_filter = [YearListFilter, "level", "organisation__kind", GrassrootsListFilter]
    list_select_related = ["organisation", "tccs"]
    search_fields = ["organisation__name", "organisation__code"]
    autocomplete_fields = ["organisation"]
    organisation_kinds = {
        "organisation": RATED_KINDS
    }  # the chooser offers them; OrganisationRating.clean refuses others
    fields = ["organisation", "year", "category", "score", "note"]
    change_list_template = "admin/units/organisationrating/change_list.html"

    def get_urls(self):
        return [
            path(
                "nhap-xep-loai/",
                self.admin_site.admin_view(self.bulk_view),
                name="units_organisationrating_bulk",
            ),
            *super().get_urls(),
        ]

    def bulk_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        # Nothing chosen yet: an unbound form, so no "required" error greets the user.
        chosen = request.GET if request.GET.get("to_chuc") else None
        chooser = OrganisationRatingChooser(
            chosen, initial={"nam": request.GET.get("nam") or default_year()}, user=request.user
        )
        organisations, within, year = [], None, default_year()
        if chooser.is_valid():
            year = chooser.cleaned_data["nam"]
            chosen, within = chooser.organisations(year)
            organisations = list(visible(chosen, request.user).select_related("parent").order_by("path"))
        existing = {
            r.organisation_id: r
            for r in OrganisationRating.objects.filter(
                year=year, organisation__in=[o.pk for o in organisations]
            )
        }
        rows = []
        for organisation in organisations:
            rating = existing.get(organisation.pk)
            # One TCCS chosen: its chi bộ under the đảng bộ (or đảng bộ bộ phận) they belong to.
            parent = organisation if organisation.is_grassroots else organisation.parent
            rows.append(
                EntryRow(
                    subject_id=organisation.pk,
                    cells=[organisation.name, organisation.get_kind_display(), organisation.code],
                    category=rating.category if rating else "",
                    score=rating.score if rating else None,
                    group=parent.name if within is not None and parent else "",
                )
            )
        return rating_entry_view(
            request,
            admin_site=self.admin_site,
            title=f"Nhập xếp loại tổ chức đảng năm {year}" + (f" — {within.name}" if within else ""),
            subject=rating_schemes.ORGANISATION,
            year=year,
            rows=rows,
            headings=["Tổ chức đảng", "Loại", "Mã"],
            save=lambda choices: organisation_ratings_save(year=year, choices=choices, within=within),
            chooser=chooser,
            back_url=reverse("admin:units_organisationrating_changelist"),
        )


@admin.register(BreakthroughTask)
class BreakthroughTaskAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "year", "result"]
    list_filter = [YearListFilter, "result", GrassrootsListFilter]
    list_select_related = ["organisation"]
    search_fields = ["title", "organisation__name"]
    autocomplete_fields = ["organisation"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["organisation", "held_on", "kind", "expected", "present", "attendance_column"]
    list_filter = ["kind", GrassrootsListFilter]
    list_select_related = ["organisation"]
    search_fields = ["organisation__name", "organisation__code", "topic"]
    autocomplete_fields = ["organisation"]
    organisation_kinds = {"organisation": MEMBER_HOLDING_KINDS}  # Meeting.clean
    date_hierarchy = "held_on"
    change_list_template = "admin/units/meeting/change_list.html"

    def delete_queryset(self, request, queryset):
        meetings_delete(queryset)

    @admin.display(description="tỷ lệ dự (%)")
    def attendance_column(self, meeting):
        return meeting.attendance_pct

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            # Attendance of everything the filters select (all pages), the rate leaders ask for.
            response.context_data["attendance"] = attendance(changelist.queryset)
        return response


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "issued_on", "title"]
    list_filter = ["kind"]
    search_fields = ["number", "title"]
    date_hierarchy = "issued_on"
