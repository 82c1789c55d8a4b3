"""Admin for the yearly work on organisations: ratings (with the bulk screen), breakthrough tasks,
chi bộ meetings (with the attendance of the filtered list) and the Khối's documents.
Imported by units.admin."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path, reverse

from partyblock.admin_tools import GrassrootsListFilter, RatingAdminMixin, YearChooser, YearListFilter
from partyblock.core import rating_schemes
from partyblock.importing.exporting import ExportXlsxMixin
from partyblock.rating_entry import EntryRow, default_year, rating_entry_view

from .models import BreakthroughTask, Document, Meeting, OrganisationRating
from .queries import attendance, organisations_to_rate
from .services import organisation_ratings_save


@admin.register(OrganisationRating)
class OrganisationRatingAdmin(ExportXlsxMixin, RatingAdminMixin, admin.ModelAdmin):
    export_kind = "organisation_ratings"  # the list exports in the import template's columns
    list_display = ["organisation", "year", "category_label", "level", "tccs", "score"]
    list_filter = [YearListFilter, "level", "organisation__kind", GrassrootsListFilter]
    list_select_related = ["organisation", "tccs"]
    search_fields = ["organisation__name", "organisation__code"]
    autocomplete_fields = ["organisation"]
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
        chooser = YearChooser(request.GET or {"nam": default_year()})
        year = chooser.cleaned_data["nam"] if chooser.is_valid() else default_year()
        organisations = list(organisations_to_rate(year).select_related("parent").order_by("path"))
        existing = {r.organisation_id: r for r in OrganisationRating.objects.filter(year=year)}
        rows = []
        for organisation in organisations:
            rating = existing.get(organisation.pk)
            tccs = organisation if organisation.is_grassroots else organisation.parent
            rows.append(
                EntryRow(
                    subject_id=organisation.pk,
                    cells=[organisation.name, organisation.get_kind_display(), organisation.code],
                    category=rating.category if rating else "",
                    score=rating.score if rating else None,
                    group=tccs.name if tccs else "",
                )
            )
        return rating_entry_view(
            request,
            admin_site=self.admin_site,
            title=f"Nhập xếp loại tổ chức đảng năm {year}",
            subject=rating_schemes.ORGANISATION,
            year=year,
            rows=rows,
            headings=["Tổ chức đảng", "Loại", "Mã"],
            save=lambda choices: organisation_ratings_save(year=year, choices=choices),
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
    date_hierarchy = "held_on"
    change_list_template = "admin/units/meeting/change_list.html"

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
