"""Admin for the yearly work on members: ratings (with the bulk screen and the data-quality checks),
sick leave, awards and Huy hiệu Đảng (with the list of badges due). Imported by members.admin."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from partyblock.accounts.access import report_root, visible
from partyblock.admin_tools import (
    GrassrootsListFilter,
    MemberSearchMixin,
    RatingAdminMixin,
    YearChooser,
    YearListFilter,
    year_choices,
)
from partyblock.core import rating_schemes
from partyblock.core.params import PARTY_FOUNDED
from partyblock.core.text import day_text
from partyblock.core.xlsx import xlsx_response
from partyblock.importing.exporting import ExportXlsxMixin
from partyblock.rating_entry import EntryRow, default_year, rating_entry_view
from units.models import GRASSROOTS_KINDS, PATH_STEP, Organisation, OrganisationKind
from units.placing import PlacedOrganisationField, placed, tccs_names

from .badges import badges_due, early_badge_candidates, is_award_day, next_award_day
from .models import Award, AwardForm, IssuingBody, MemberRating, PartyBadge, SickLeave
from .quality import rating_checks, stored_rule_checks
from .queries import periods_to_rate
from .services import member_ratings_save


class MemberRatingChooser(forms.Form):
    to_chuc = PlacedOrganisationField(
        queryset=Organisation.objects.filter(
            kind__in=[*GRASSROOTS_KINDS, OrganisationKind.CHI_BO_TRUC_THUOC, OrganisationKind.DANG_BO_BO_PHAN]
        ).order_by("path"),
        label="Tổ chức đảng",
    )
    nam = forms.TypedChoiceField(choices=year_choices, coerce=int, label="Năm")


def mostly_rated_year():
    """The last year rated for at least half as many members as the year rated for the most: the
    checks open on it, so the first ratings of a year being rated do not turn the page into a list
    of everyone not yet rated (review F23). None before any rating.

    One grouped count answered from the (year, level) index alone (COUNT(*), not of the key, which
    is not in that index and made PostgreSQL read the whole table)."""
    counts = dict(MemberRating.objects.order_by().values_list("year").annotate(n=Count("*")))
    if not counts:
        return None
    most = max(counts.values())
    return max(year for year, count in counts.items() if 2 * count >= most)


@admin.register(MemberRating)
class MemberRatingAdmin(ExportXlsxMixin, RatingAdminMixin, MemberSearchMixin, admin.ModelAdmin):
    export_kind = "member_ratings"  # the list exports in the import template's columns
    list_display = ["member", "year", "category_label", "level", "organisation", "score"]
    list_filter = [YearListFilter, "level", GrassrootsListFilter]
    list_select_related = ["member", "organisation"]
    search_fields = ["member__full_name"]
    search_help_text = "Tìm theo họ tên đảng viên (có dấu hoặc không dấu), số CCCD hoặc số thẻ."
    search_help_text_masked = "Tìm theo họ tên đảng viên (có dấu hoặc không dấu) hoặc số thẻ."
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
        # Nothing chosen yet: an unbound form, so no "required" error greets the user.
        chosen = request.GET if request.GET.get("to_chuc") else None
        chooser = MemberRatingChooser(chosen, initial={"nam": request.GET.get("nam") or default_year()})
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
                            day_text(period.member.birth_date),
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
        """The year's checks: first how many findings each TCCS has, then each check's findings
        (of one TCCS when one is picked from the summary), a page at a time. The year defaults to
        the last one that is mostly rated (`mostly_rated_year`)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        fallback = mostly_rated_year() or default_year()
        chooser = YearChooser(request.GET if request.GET.get("nam") else {"nam": fallback})
        year = chooser.cleaned_data["nam"] if chooser.is_valid() else fallback
        within = report_root(request.user)
        checks = [
            *rating_checks(year, within=within),
            *stored_rule_checks(year, timezone.localdate(), within),
        ]
        summary, tccs = checks_by_tccs(checks), None
        if request.GET.get("tccs", "").isdigit():
            tccs = next((row for row in summary if row.tccs.pk == int(request.GET["tccs"])), None)
        names = tccs_names()
        for check in checks:
            findings = check.findings
            if tccs is not None:
                findings = [f for f in findings if finding_tccs_id(f) == tccs.tccs.pk]
            check.total = len(findings)
            check.short_title = CHECK_SHORT_TITLES.get(check.key, check.title)
            check.page = Paginator(findings, CHECK_PAGE_SIZE).get_page(request.GET.get(f"trang-{check.key}"))
            for finding in check.page.object_list:
                finding.placed = placed(getattr(finding, "organisation", None), names)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Kiểm tra dữ liệu xếp loại năm {year}" + (f" — {tccs.tccs.name}" if tccs else ""),
            "chooser": chooser,
            "year": year,
            "checks": checks,
            "summary": summary,
            "chosen_tccs": tccs,
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


CHECK_PAGE_SIZE = 50
# Column headings of the checks' per-TCCS summary (the full titles head each list below it).
CHECK_SHORT_TITLES = {
    "tran_20": "Vượt tỷ lệ 20%",
    "chua_xep_loai": "Chưa xếp loại",
    "khong_phai_dang_vien": "Không phải đảng viên",
    "hai_nam_khong_hoan_thanh": "2 năm liền không hoàn thành",
    "nghi_om": "Nghỉ ốm (cảnh báo)",
    "tran_20_to_chuc": "Tổ chức vượt 20%",
    "ky_luat_trong_nam": "Kỷ luật, xếp loại cao",
    "khai_tru_khong_quyet_dinh": "Khai trừ không QĐ",
    "khai_tru_du_bi": "Khai trừ dự bị",
    "thieu_ly_do": "Thiếu lý do ra Đảng",
    "ket_nap_lai": "Kết nạp lại sai",
    "qua_han_chinh_thuc": "Quá hạn chính thức",
    "le_ket_nap_muon": "Lễ kết nạp muộn",
}
BADGE_PAGE_SIZE = 100


def finding_tccs_id(finding):
    """The TCCS a check's finding belongs to (a rating's or a period's chi bộ, or the TCCS itself)."""
    tccs = getattr(finding, "tccs", None)
    if isinstance(tccs, Organisation):
        return tccs.pk
    organisation = getattr(finding, "organisation", None)
    return organisation.grassroots_id if organisation is not None else None


@dataclass
class TccsChecks:
    tccs: Organisation
    counts: list  # findings per check, in the checks' order
    total: int


def checks_by_tccs(checks):
    """[TccsChecks] of every TCCS with at least one finding, in tree order: the page's summary."""
    counts = defaultdict(lambda: [0] * len(checks))
    for position, check in enumerate(checks):
        for finding in check.findings:
            counts[finding_tccs_id(finding)][position] += 1
    organisations = Organisation.objects.in_bulk(list(counts))
    rows = [TccsChecks(organisations[pk], row, sum(row)) for pk, row in counts.items() if pk in organisations]
    return sorted(rows, key=lambda row: row.tccs.path)


class BadgeDueChooser(forms.Form):
    ngay = forms.DateField(label="Đợt trao (3/2, 19/5, 2/9, 7/11)")

    def clean_ngay(self):
        day = self.cleaned_data["ngay"]
        latest = datetime.date(timezone.localdate().year + 1, 12, 31)  # the awards being planned
        if not PARTY_FOUNDED <= day <= latest:
            raise forms.ValidationError(
                f"Chọn một đợt trao từ {day_text(PARTY_FOUNDED)} đến {day_text(latest)}."
            )
        if not is_award_day(day):
            raise forms.ValidationError(
                f"{day_text(day)} không phải ngày trao Huy hiệu Đảng; các đợt trao: 3/2, 19/5, 2/9, 7/11."
            )
        return day


@admin.register(PartyBadge)
class PartyBadgeAdmin(MemberSearchMixin, admin.ModelAdmin):
    list_display = ["member", "years", "awarded_on", "decision_number", "early", "posthumous", "revoked_on"]
    list_filter = ["years", "early", "posthumous"]
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
        chooser = BadgeDueChooser(request.GET or {"ngay": day_text(default_day)})
        day = chooser.cleaned_data["ngay"] if chooser.is_valid() else default_day
        within = report_root(request.user)
        due = badges_due(day, within=within)
        if request.GET.get("xuat") == "xlsx":
            return xlsx_response(
                [due_sheet(day, due)], "huy hiệu đảng", code=within.code if within else None, day=day
            )
        names = tccs_names()
        rows = sorted(
            due, key=lambda d: (d.organisation.path[: 2 * PATH_STEP], -d.milestone, d.member.sort_key)
        )
        page = Paginator(rows, BADGE_PAGE_SIZE).get_page(request.GET.get("trang"))
        for d in page.object_list:
            tccs = d.organisation.grassroots_id
            d.tccs_name = names.get(tccs, d.organisation.name)
            d.chi_bo = d.organisation.name if tccs != d.organisation.pk else ""
            d.is_overdue = d.overdue(day)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Đảng viên đến hạn trao Huy hiệu Đảng đợt {day_text(day)}",
            "chooser": chooser,
            "day": day,
            "due": due,
            "page": page,
            "overdue_count": sum(1 for d in due if d.overdue(day)),
            "unknown_count": sum(1 for d in due if d.unknown),
            "early": early_badge_candidates(day, within=report_root(request.user)),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/members/partybadge/due.html", context)


UNKNOWN_NOTE = "Chưa rõ: đủ mốc trước khi về Đảng bộ Khối, chưa có hồ sơ huy hiệu"


def due_sheet(day, due):
    headers = [
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Chi bộ",
        "Tuổi đảng",
        "Huy hiệu",
        "Tuổi đảng tính từ",
        "Ghi chú",
    ]
    rows = (
        [
            n,
            d.member.full_name,
            d.member.birth_date,
            str(d.organisation),
            d.party_age,
            f"{d.milestone} năm",
            d.counted_from,
            UNKNOWN_NOTE if d.unknown else ("Quá hạn" if d.overdue(day) else ""),
        ]
        for n, d in enumerate(due, start=1)
    )
    return (f"Huy hieu {day:%d-%m-%Y}", headers, rows)
