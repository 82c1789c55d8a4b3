"""Data-quality checks (DOMAIN.md §3, docs/rules.md). Records keep what was decided; these checks
only report, each as a list of findings that link to the records concerned: the year's ratings,
and records stored before a rule on what is written was enforced (`stored_rule_checks`), which are
not rewritten but listed here for staff to correct."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q

from units.models import GRASSROOTS_KINDS, Organisation, OrganisationRating

from .deadlines import late_ceremonies, recognition_overdue
from .lifecycle import (
    GROUND_REQUIRED_KINDS,
    OLD_AGE_EXEMPTION_PLAUSIBLE_AGE,
    fmt,
    old_age_exemption_warning,
    replay,
)
from .models import (
    EventKind,
    ExemptionGround,
    MemberEvent,
    MemberRating,
    MembershipPeriod,
    MembershipStatus,
    SickLeave,
)
from .queries import periods_as_of, periods_to_rate, rating_day

EXCELLENT_CAP_SHARE = 0.20  # level-1 ratings ≤ 20% of level-2 ratings, per TCCS and year (HD 21/2019)
SICK_LEAVE_DAYS_CAPPING = 90  # 3 months of sick leave in the year: not above level 3 (unconfirmed)
# The 20% cap on members, by the guideline in force for the year's ratings: confirmed in HD 21-HD/BTCTW
# (2019, used for the 2019–2022 ratings); HD 16-HD/BTCTW (2018), QĐ 124-QĐ/TW (2023) and QĐ 366-QĐ/TW
# (2025) not confirmed (a warning); no cap before 2018.
MEMBER_CAP_CONFIRMED_YEARS = range(2019, 2023)
MEMBER_CAP_FROM = 2018
# The same cap on organisations, within a group of like units: QĐ 124-QĐ/TW (2023) per DOMAIN.md §3,
# not confirmed (a warning).
ORGANISATION_CAP_FROM = 2023
# A member disciplined in the year is rated "không hoàn thành nhiệm vụ" (level 4): HD 16-HD/BTCTW
# (2018), HD 21-HD/BTCTW (2019), QĐ 124-QĐ/TW (2023) Art. 12.4.3.d (except a fault found and put
# right by the member); from 2025 (QĐ 366-QĐ/TW) not confirmed.
DISCIPLINED_LEVEL_CONFIRMED_YEARS = range(2018, 2025)


@dataclass
class Check:
    key: str
    title: str
    explanation: str
    severity: str  # "loi" (error) or "canh_bao" (warning)
    findings: list = field(default_factory=list)
    kind: str = "ratings"  # how the page shows the findings: ratings, events, recognition, ceremonies


def member_cap_severity(year):
    """ "loi" where the year's guideline set the 20% cap on members, "canh_bao" where that is not
    confirmed, None where it had none."""
    if year in MEMBER_CAP_CONFIRMED_YEARS:
        return "loi"
    return "canh_bao" if year >= MEMBER_CAP_FROM else None


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


@dataclass
class GroupCapFinding:
    """Organisations of one group of like units rated level 1 beyond 20% of those rated level 2."""

    group: str
    excellent: int
    good: int
    tccs: Organisation | None = None  # the TCCS whose sub-organisations form the group; None: the TCCS

    @property
    def allowed(self):
        return int(self.good * EXCELLENT_CAP_SHARE)


def organisation_cap_violations(year, within=None):
    """Groups of like organisations over the 20% cap in `year`: the TCCS of the Khối (or of
    `within`), and the đảng bộ bộ phận and chi bộ trực thuộc of each TCCS."""
    if year < ORGANISATION_CAP_FROM:
        return []
    ratings = OrganisationRating.objects.filter(year=year)
    if within is not None:
        ratings = ratings.filter(organisation__path__startswith=within.path)
    counts = {"excellent": Count("pk", filter=Q(level=1)), "good": Count("pk", filter=Q(level=2))}
    findings = []
    tccs = ratings.filter(organisation__kind__in=GRASSROOTS_KINDS).aggregate(**counts)
    if tccs["excellent"] > tccs["good"] * EXCELLENT_CAP_SHARE:
        findings.append(GroupCapFinding("Các tổ chức cơ sở đảng", tccs["excellent"], tccs["good"]))
    below = (
        ratings.exclude(organisation__kind__in=GRASSROOTS_KINDS)
        .values("tccs_id")
        .annotate(**counts)
        .order_by()
    )
    over = [r for r in below if r["excellent"] > r["good"] * EXCELLENT_CAP_SHARE]
    names = Organisation.objects.in_bulk([r["tccs_id"] for r in over])
    for row in sorted(over, key=lambda r: names[r["tccs_id"]].path):
        findings.append(
            GroupCapFinding(
                f"Chi bộ, đảng bộ bộ phận thuộc {names[row['tccs_id']]}",
                row["excellent"],
                row["good"],
                names[row["tccs_id"]],
            )
        )
    return findings


def disciplined_rated_above_allowed(year, within=None):
    """Ratings above level 4 of members disciplined by a decision of `year` not withdrawn."""
    if year < DISCIPLINED_LEVEL_CONFIRMED_YEARS.start:
        return []
    ratings = MemberRating.objects.filter(
        year=year,
        level__lt=4,
        member__discipline_decisions__decision_date__year=year,
        member__discipline_decisions__withdrawn_on__isnull=True,
    ).distinct()
    if within is not None:
        ratings = ratings.filter(organisation__path__startswith=within.path)
    return list(ratings.select_related("member", "organisation").order_by("member__sort_key", "pk"))


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
    checks = []
    cap = member_cap_severity(year)
    if cap is not None:
        checks.append(
            Check(
                "tran_20",
                "Vượt tỷ lệ 20% đảng viên hoàn thành xuất sắc nhiệm vụ",
                "Trong mỗi tổ chức cơ sở đảng, số đảng viên xếp loại hoàn thành xuất sắc nhiệm vụ không quá 20% "
                "số đảng viên xếp loại hoàn thành tốt nhiệm vụ (HD 21-HD/BTCTW)"
                + (
                    "."
                    if cap == "loi"
                    else f"; hướng dẫn áp dụng cho năm {year} chưa xác nhận: chỉ cảnh báo."
                ),
                cap,
                excellent_cap_violations(year, within),
            )
        )
    if year >= ORGANISATION_CAP_FROM:
        checks.append(
            Check(
                "tran_20_to_chuc",
                "Vượt tỷ lệ 20% tổ chức đảng hoàn thành xuất sắc nhiệm vụ",
                "Trong mỗi nhóm tổ chức đảng tương đồng (các tổ chức cơ sở đảng; các chi bộ, đảng bộ bộ phận "
                "của mỗi tổ chức cơ sở đảng), số xếp loại hoàn thành xuất sắc không quá 20% số hoàn thành tốt "
                "nhiệm vụ (QĐ 124-QĐ/TW; chưa xác nhận: chỉ cảnh báo).",
                "canh_bao",
                organisation_cap_violations(year, within),
                kind="groups",
            )
        )
    if year >= DISCIPLINED_LEVEL_CONFIRMED_YEARS.start:
        confirmed = year in DISCIPLINED_LEVEL_CONFIRMED_YEARS
        checks.append(
            Check(
                "ky_luat_trong_nam",
                "Bị kỷ luật trong năm nhưng xếp loại trên mức không hoàn thành nhiệm vụ",
                f"Đảng viên bị thi hành kỷ luật trong năm {year} xếp loại không hoàn thành nhiệm vụ "
                "(HD 16-HD/BTCTW, HD 21-HD/BTCTW, QĐ 124-QĐ/TW Điều 12; trừ trường hợp tự phát hiện và khắc "
                "phục xong hậu quả)"
                + ("." if confirmed else "; quy định năm này chưa xác nhận: chỉ cảnh báo."),
                "loi" if confirmed else "canh_bao",
                disciplined_rated_above_allowed(year, within),
            )
        )
    return checks + [
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


# --- records stored before a rule on what is written was enforced --------------------------------


@dataclass
class EventFinding:
    member: object
    event: MemberEvent
    reason: str
    organisation: Organisation | None = None  # the chi bộ of registration when the event happened


def _events_within(events, within):
    if within is None:
        return events
    registered = MembershipPeriod.objects.filter(
        member=OuterRef("member_id"), organisation__path__startswith=within.path
    )
    return events.filter(Exists(registered))


def _event_findings(events, reason):
    events = list(events.select_related("member", "organisation").order_by("date", "pk"))
    return [
        EventFinding(event.member, event, reason(event) if callable(reason) else reason, where)
        for event, where in zip(events, _registered_at(events), strict=True)
    ]


def _registered_at(events):
    """The chi bộ each event happened in: its own (a readmission), or the one of the period it ended."""
    ended = {
        (period.member_id, period.ends_on): period.organisation
        for period in MembershipPeriod.objects.filter(
            member_id__in={e.member_id for e in events}, ends_on__in={e.date for e in events}
        ).select_related("organisation")
    }
    return [event.organisation or ended.get((event.member_id, event.date)) for event in events]


def expulsions_without_decision(within=None):
    """Expulsion events no discipline decision wrote (typed or imported before the rule)."""
    events = MemberEvent.objects.filter(kind=EventKind.EXPULSION, discipline_decisions__isnull=True)
    return _event_findings(
        _events_within(events, within),
        "Khai trừ không gắn với quyết định kỷ luật nào: hãy ghi quyết định kỷ luật.",
    )


def expulsions_of_probationary_members(within=None):
    """Expulsion events of members who were probationary the day before."""
    probationary_until = MembershipPeriod.objects.filter(
        member=OuterRef("member_id"), ends_on=OuterRef("date"), status=MembershipStatus.PROBATIONARY
    )
    events = MemberEvent.objects.filter(kind=EventKind.EXPULSION).filter(Exists(probationary_until))
    return _event_findings(
        _events_within(events, within),
        "Đảng viên dự bị không bị kỷ luật khai trừ (chỉ khiển trách, cảnh cáo; nếu không đủ tư cách thì xóa tên).",
    )


def endings_without_ground(within=None):
    """Removals and resignations stored without their ground."""
    events = MemberEvent.objects.filter(kind__in=GROUND_REQUIRED_KINDS, ending_ground="")
    return _event_findings(
        _events_within(events, within), lambda e: f"{e.get_kind_display()} chưa ghi lý do."
    )


def readmissions_breaking_the_rules(within=None):
    """Readmissions that the readmission rules refuse today (each replayed as if written now)."""
    readmissions = _events_within(MemberEvent.objects.filter(kind=EventKind.READMISSION), within)
    findings = []
    for readmission in readmissions.select_related("member", "organisation").order_by("date", "pk"):
        events = list(readmission.member.events.all())
        written = [e for e in events if e.pk == readmission.pk]
        try:
            replay(readmission.member, events, written=written, by_discipline=True)
        except ValidationError as error:
            prefix = f"{readmission.get_kind_display()} ngày {fmt(readmission.date)}: "
            reasons = [m.removeprefix(prefix) for m in error.messages if m.startswith(prefix)]
            if reasons:
                findings.append(
                    EventFinding(readmission.member, readmission, " ".join(reasons), readmission.organisation)
                )
    return findings


def young_old_age_exemptions(within=None):
    """Exemptions "vì tuổi cao" of members younger than is plausible on their first day
    (`lifecycle.old_age_exemption_warning`)."""
    events = MemberEvent.objects.filter(kind=EventKind.EXEMPTION, exemption_ground=ExemptionGround.AGE)
    found = _event_findings(
        _events_within(events, within), lambda e: old_age_exemption_warning(e.member.birth_date, e.date)
    )
    return [finding for finding in found if finding.reason]


def stored_rule_checks(year, today, within=None):
    """Records already stored that break a rule enforced since (listed, never rewritten), and the
    deadlines staff are held to: overdue recognitions on `today`, late ceremonies in `year`."""
    return [
        Check(
            "khai_tru_khong_quyet_dinh",
            "Khai trừ không qua quyết định kỷ luật",
            "Khai trừ là hình thức kỷ luật: chỉ ghi bằng quyết định kỷ luật (Điều lệ Đảng; QĐ 69-QĐ/TW Điều 7).",
            "loi",
            expulsions_without_decision(within),
            kind="events",
        ),
        Check(
            "khai_tru_du_bi",
            "Khai trừ đảng viên dự bị",
            "Đảng viên dự bị chỉ bị kỷ luật khiển trách hoặc cảnh cáo (QĐ 69-QĐ/TW Điều 7).",
            "loi",
            expulsions_of_probationary_members(within),
            kind="events",
        ),
        Check(
            "thieu_ly_do",
            "Xóa tên, xin ra khỏi Đảng chưa ghi lý do",
            "Lý do ra khỏi Đảng quyết định việc có được xem xét kết nạp lại hay không (QĐ 24-QĐ/TW, QĐ 294-QĐ/TW).",
            "canh_bao",
            endings_without_ground(within),
            kind="events",
        ),
        Check(
            "ket_nap_lai",
            "Kết nạp lại trái quy định",
            "Ra khỏi Đảng đủ 36 tháng, có văn bản đồng ý của Ban Thường vụ Tỉnh ủy, chỉ một lần, không thuộc "
            "trường hợp không xem xét kết nạp lại (QĐ 24-QĐ/TW, QĐ 294-QĐ/TW mục 3.5).",
            "loi",
            readmissions_breaking_the_rules(within),
            kind="events",
        ),
        Check(
            "mien_tuoi_cao",
            f"Miễn sinh hoạt vì tuổi cao khi dưới {OLD_AGE_EXEMPTION_PLAUSIBLE_AGE} tuổi",
            "Miễn công tác và sinh hoạt đảng dành cho đảng viên tuổi cao, sức khỏe yếu, tự nguyện xin miễn "
            "(HD 27-HD/BTCTW 2009 mục 1.1), văn bản không nêu số tuổi; dưới tuổi nghỉ hưu thấp nhất "
            f"({OLD_AGE_EXEMPTION_PLAUSIBLE_AGE}) cần kiểm tra lại lý do.",
            "canh_bao",
            young_old_age_exemptions(within),
            kind="events",
        ),
        Check(
            "qua_han_chinh_thuc",
            f"Đảng viên dự bị quá hạn xét công nhận chính thức (tính đến ngày {fmt(today)})",
            "Chi bộ xét công nhận chính thức trong 30 ngày làm việc sau khi hết 12 tháng dự bị "
            "(QĐ 29-QĐ/TW, QĐ 24-QĐ/TW mục 4.2).",
            "loi",
            recognition_overdue(today, within),
            kind="recognition",
        ),
        Check(
            "le_ket_nap_muon",
            f"Lễ kết nạp quá 30 ngày làm việc sau quyết định kết nạp (năm {year})",
            "Chi bộ tổ chức lễ kết nạp trong 30 ngày làm việc kể từ khi nhận quyết định; quá hạn phải được cấp "
            "ủy cấp trên đồng ý (QĐ 29-QĐ/TW, QĐ 24-QĐ/TW mục 4.1).",
            "canh_bao",
            late_ceremonies(datetime.date(year, 1, 1), datetime.date(year, 12, 31), within),
            kind="ceremonies",
        ),
    ]
