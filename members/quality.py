"""Data-quality checks of a year's ratings (DOMAIN.md §3). Records keep what was decided; these
checks only report, each as a list of findings that link to the records concerned."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q

from units.models import Organisation

from .models import MemberRating, SickLeave
from .queries import periods_as_of, periods_to_rate, rating_day

EXCELLENT_CAP_SHARE = 0.20  # level-1 ratings ≤ 20% of level-2 ratings, per TCCS and year (HD 21/2019)
SICK_LEAVE_DAYS_CAPPING = 90  # 3 months of sick leave in the year: not above level 3 (unconfirmed)


@dataclass
class Check:
    key: str
    title: str
    explanation: str
    severity: str  # "loi" (error) or "canh_bao" (warning)
    findings: list = field(default_factory=list)


@dataclass
class CapFinding:
    tccs: Organisation
    excellent: int
    good: int

    @property
    def allowed(self):
        return int(self.good * EXCELLENT_CAP_SHARE)


def excellent_cap_violations(year, within=None):
    rows = (
        MemberRating.objects.filter(year=year)
        .values("tccs_id")
        .annotate(excellent=Count("pk", filter=Q(level=1)), good=Count("pk", filter=Q(level=2)))
        .order_by()
    )
    if within is not None:
        rows = rows.filter(organisation__path__startswith=within.path)
    over = [r for r in rows if r["excellent"] > r["good"] * EXCELLENT_CAP_SHARE]
    names = Organisation.objects.in_bulk([r["tccs_id"] for r in over])
    findings = [CapFinding(names[r["tccs_id"]], r["excellent"], r["good"]) for r in over]
    return sorted(findings, key=lambda f: f.tccs.path)


def unrated_member_periods(year, within=None):
    """Periods (member, chi bộ) of members who must be rated but have no rating for the year, as
    a queryset (counted and paged by the home page's to-do list)."""
    rated = MemberRating.objects.filter(year=year).values("member_id")
    return (
        periods_to_rate(year, within)
        .exclude(member_id__in=rated)
        .select_related("member", "organisation")
        .order_by("organisation__path", "member__sort_key", "member_id")
    )


def unrated_members(year, within=None):
    return list(unrated_member_periods(year, within))


def ratings_of_non_members(year, within=None):
    """Ratings of people who were not members of the Khối at that year's end."""
    members = periods_as_of(rating_day(year)).values("member_id")
    ratings = MemberRating.objects.filter(year=year).exclude(member_id__in=members)
    if within is not None:
        ratings = ratings.filter(organisation__path__startswith=within.path)
    return list(ratings.select_related("member", "organisation").order_by("member__sort_key"))


def consecutive_failures(year, within=None):
    """Level 4 in `year` and in the year before: a ground for removal."""
    previous = MemberRating.objects.filter(year=year - 1, level=4).values("member_id")
    ratings = MemberRating.objects.filter(year=year, level=4, member_id__in=previous)
    if within is not None:
        ratings = ratings.filter(organisation__path__startswith=within.path)
    return list(ratings.select_related("member", "organisation").order_by("member__sort_key"))


def sick_leave_over_level_three(year, within=None):
    """Ratings above level 3 of members with 3+ months of sick leave in the year (a warning)."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    days = defaultdict(int)
    for leave in SickLeave.objects.filter(starts_on__lte=end, ends_on__gte=start):
        days[leave.member_id] += (min(leave.ends_on, end) - max(leave.starts_on, start)).days + 1
    long_leave = [member_id for member_id, total in days.items() if total >= SICK_LEAVE_DAYS_CAPPING]
    ratings = MemberRating.objects.filter(year=year, level__lt=3, member_id__in=long_leave)
    if within is not None:
        ratings = ratings.filter(organisation__path__startswith=within.path)
    found = list(ratings.select_related("member", "organisation").order_by("member__sort_key"))
    for rating in found:
        rating.sick_days = days[rating.member_id]
    return found


def rating_checks(year, within=None):
    """Every check of the year, in the order the page shows them."""
    return [
        Check(
            "tran_20",
            "Vượt tỷ lệ 20% đảng viên hoàn thành xuất sắc nhiệm vụ",
            "Trong mỗi tổ chức cơ sở đảng, số đảng viên xếp loại hoàn thành xuất sắc nhiệm vụ không quá 20% "
            "số đảng viên xếp loại hoàn thành tốt nhiệm vụ (HD 21-HD/BTCTW).",
            "loi",
            excellent_cap_violations(year, within),
        ),
        Check(
            "chua_xep_loai",
            "Đảng viên thuộc diện xếp loại nhưng chưa được xếp loại",
            f"Đảng viên sinh hoạt trong Khối vào 31/12/{year}, không được miễn hoặc bị đình chỉ sinh hoạt, "
            "được kết nạp từ đủ 6 tháng trở lên.",
            "loi",
            unrated_members(year, within),
        ),
        Check(
            "khong_phai_dang_vien",
            "Xếp loại người không phải đảng viên của Khối vào cuối năm",
            f"Có bản ghi xếp loại năm {year} nhưng người đó không sinh hoạt trong Đảng bộ Khối vào 31/12/{year}.",
            "loi",
            ratings_of_non_members(year, within),
        ),
        Check(
            "hai_nam_khong_hoan_thanh",
            "Hai năm liền không hoàn thành nhiệm vụ",
            f"Xếp loại không hoàn thành nhiệm vụ cả năm {year - 1} và năm {year}: thuộc diện xem xét xóa tên.",
            "loi",
            consecutive_failures(year, within),
        ),
        Check(
            "nghi_om",
            "Nghỉ ốm từ 3 tháng trở lên nhưng xếp loại trên mức hoàn thành nhiệm vụ",
            "Đảng viên nghỉ ốm từ 3 tháng trở lên trong năm không được xếp loại cao hơn hoàn thành nhiệm vụ "
            "(quy định chưa được xác nhận: chỉ cảnh báo).",
            "canh_bao",
            sick_leave_over_level_three(year, within),
        ),
    ]
