"""Admin for the yearly work on members: ratings (with the bulk screen and the data-quality checks),
sick leave, awards and Huy hiệu Đảng (with the list of badges due). Imported by members.admin."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from partyblock import rating_schemes
from partyblock.access import report_root, visible
from partyblock.admin_tools import (
    GrassrootsListFilter,
    MemberSearchMixin,
    RatingAdminMixin,
    YearChooser,
    YearListFilter,
    year_choices,
)
from partyblock.importing.exporting import ExportXlsxMixin
from partyblock.rating_entry import EntryRow, default_year, rating_entry_view
from partyblock.xlsx import xlsx_response
from units.models import GRASSROOTS_KINDS, Organisation, OrganisationKind

from .badges import badges_due, is_award_day, next_award_day
from .models import Award, AwardForm, IssuingBody, MemberRating, PartyBadge, SickLeave
from .quality import rating_checks
from .queries import periods_to_rate
from .services import member_ratings_save


class MemberRatingChooser(forms.Form):
    to_chuc = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(
            kind__in=[*GRASSROOTS_KINDS, OrganisationKind.CHI_BO_TRUC_THUOC, OrganisationKind.DANG_BO_BO_PHAN]
        ).order_by("path"),
        label="Tổ chức đảng",
    )
    nam = forms.TypedChoiceField(choices=year_choices, coerce=int, label="Năm")


@admin.register(MemberRating)
class MemberRatingAdmin(ExportXlsxMixin, RatingAdminMixin, MemberSearchMixin, admin.ModelAdmin):
    export_kind = "member_ratings"  # the list exports in the import template's columns
    list_display = ["member", "year", "category_label", "level", "organisation", "score"]
    list_filter = [YearListFilter, "level", GrassrootsListFilter]
    list_select_related = ["member", "organisation"]
    search_fields = ["member__full_name"]
    search_help_text = "Tìm theo họ tên đảng viên (có dấu hoặc không dấu), số CCCD hoặc số thẻ."
    autocomplete_fields = ["member"]
    readonly_fields = ["organisation", "tccs"]
    fields = ["member", "year", "category", "score", "note", "organisation", "tccs"]
    change_list_template = "admin/members/memberrating/change_list.html"

    def get_urls(self):
        return [
            path(
                "nhap-xep-loai/", self.admin_site.admin_view(self.bulk_view), name="members_memberrating_bulk"
            ),
            path(
                "kiem-tra/", self.admin_site.admin_view(self.checks_view), name="members_memberrating_checks"
            ),
            *super().get_urls(),
        ]

    def bulk_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        chooser = MemberRatingChooser(request.GET or {"nam": default_year()})
        chooser.fields["to_chuc"].queryset = visible(chooser.fields["to_chuc"].queryset, request.user)
        rows, organisation, year = [], None, default_year()
        if chooser.is_valid():
            organisation, year = chooser.cleaned_data["to_chuc"], chooser.cleaned_data["nam"]
            periods = (
                periods_to_rate(year, within=organisation)
                .select_related("member", "organisation")
                .order_by("organisation__path", "member__sort_key")
            )
            existing = {
                r.member_id: r
                for r in MemberRating.objects.filter(year=year, member__in=periods.values("member_id"))
            }
            for period in periods:
                rating = existing.get(period.member_id)
                rows.append(
                    EntryRow(
                        subject_id=period.member_id,
                        cells=[
                            period.member.full_name,
                            f"{period.member.birth_date:%d/%m/%Y}",
                            period.get_status_display(),
                        ],
                        category=rating.category if rating else "",
                        score=rating.score if rating else None,
                        group=period.organisation.name,
                    )
                )
        return rating_entry_view(
            request,
            admin_site=self.admin_site,
            title=f"Nhập xếp loại đảng viên năm {year}" + (f" — {organisation}" if organisation else ""),
            subject=rating_schemes.MEMBER,
            year=year,
            rows=rows,
            headings=["Họ và tên", "Ngày sinh", "Tư cách"],
            save=lambda choices: member_ratings_save(year=year, choices=choices, within=organisation),
            chooser=chooser,
            back_url=reverse("admin:members_memberrating_changelist"),
        )

    def checks_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        chooser = YearChooser(request.GET or {"nam": default_year()})
        year = chooser.cleaned_data["nam"] if chooser.is_valid() else default_year()
        context = {
            **self.admin_site.each_context(request),
            "title": f"Kiểm tra dữ liệu xếp loại năm {year}",
            "chooser": chooser,
            "year": year,
            "checks": rating_checks(year, within=report_root(request.user)),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/members/memberrating/checks.html", context)


@admin.register(SickLeave)
class SickLeaveAdmin(MemberSearchMixin, admin.ModelAdmin):
    list_display = ["member", "starts_on", "ends_on", "note"]
    list_select_related = ["member"]
    autocomplete_fields = ["member"]
    search_fields = ["member__full_name"]
    date_hierarchy = "starts_on"


@admin.register(AwardForm)
class AwardFormAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(IssuingBody)
class IssuingBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


@admin.register(Award)
class AwardAdmin(MemberSearchMixin, admin.ModelAdmin):
    list_display = ["form", "body", "recipient_name", "year", "decision_number", "decision_date"]
    list_filter = ["form", "body", "year"]
    list_select_related = ["form", "body", "organisation", "member"]
    autocomplete_fields = ["organisation", "member"]
    search_fields = ["decision_number"]  # widened by MemberSearchMixin
    also_searched = ["decision_number", "organisation__name"]
    date_hierarchy = "decision_date"

    @admin.display(description="tổ chức / đảng viên được khen")
    def recipient_name(self, award):
        return str(award.recipient)


class BadgeDueChooser(forms.Form):
    ngay = forms.DateField(label="Đợt trao (3/2, 19/5, 2/9, 7/11)")

    def clean_ngay(self):
        day = self.cleaned_data["ngay"]
        if not is_award_day(day):
            raise forms.ValidationError(
                f"{day:%d/%m/%Y} không phải ngày trao Huy hiệu Đảng; các đợt trao: 3/2, 19/5, 2/9, 7/11."
            )
        return day


@admin.register(PartyBadge)
class PartyBadgeAdmin(MemberSearchMixin, admin.ModelAdmin):
    list_display = ["member", "years", "awarded_on", "decision_number", "early"]
    list_filter = ["years", "early"]
    list_select_related = ["member"]
    autocomplete_fields = ["member"]
    search_fields = ["member__full_name"]
    date_hierarchy = "awarded_on"
    change_list_template = "admin/members/partybadge/change_list.html"

    def get_urls(self):
        return [
            path("den-han/", self.admin_site.admin_view(self.due_view), name="members_partybadge_due"),
            *super().get_urls(),
        ]

    def due_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        default_day = next_award_day(timezone.localdate())
        chooser = BadgeDueChooser(request.GET or {"ngay": default_day.strftime("%d/%m/%Y")})
        day = chooser.cleaned_data["ngay"] if chooser.is_valid() else default_day
        due = badges_due(day, within=report_root(request.user))
        if request.GET.get("xuat") == "xlsx":
            return xlsx_response(f"huy-hieu-dang-{day:%Y-%m-%d}.xlsx", [due_sheet(day, due)])
        context = {
            **self.admin_site.each_context(request),
            "title": f"Đảng viên đến hạn trao Huy hiệu Đảng đợt {day:%d/%m/%Y}",
            "chooser": chooser,
            "day": day,
            "due": due,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/members/partybadge/due.html", context)


def due_sheet(day, due):
    headers = ["STT", "Họ và tên", "Ngày sinh", "Chi bộ", "Tuổi đảng", "Huy hiệu", "Tuổi đảng tính từ"]
    rows = (
        [
            n,
            d.member.full_name,
            d.member.birth_date,
            str(d.organisation),
            d.party_age,
            f"{d.milestone} năm",
            d.counted_from,
        ]
        for n, d in enumerate(due, start=1)
    )
    return (f"Huy hieu {day:%d-%m-%Y}", headers, rows)
