"""The report figures: one function per key of DOMAIN.md §6, shared by `manage.py figures` and the
report pages. A figure either counts the records of a drill-down queryset (`records`) or derives a
value from other figures (`compute`); nothing is computed twice.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from members.models import MembershipStatus
from members.queries import (
    admissions_between,
    awards_to_grassroots,
    good_or_better_shares,
    member_rating_counts,
    member_ratings,
    members_as_of,
    members_with_status,
)
from units.models import GRASSROOTS_KINDS, DocumentKind, Organisation, OrganisationKind, Term
from units.queries import (
    attendance,
    breakthrough_tasks_of_years,
    documents_issued,
    meetings_between,
    organisation_rating_counts,
    organisation_ratings,
    organisations_as_of,
)


@dataclass
class Scope:
    """What a report covers: a period (a term or a year), the as-of day for headcounts, and the
    organisation (None: the whole Khối)."""

    starts_on: datetime.date
    ends_on: datetime.date
    as_of: datetime.date
    organisation: object = None
    term: Term | None = None
    cache: dict = field(default_factory=dict, repr=False)

    @classmethod
    def for_term(cls, term, as_of=None, organisation=None):
        return cls(term.starts_on, term.ends_on, as_of or term.ends_on, organisation, term)

    @classmethod
    def for_year(cls, year, as_of=None, organisation=None):
        end = datetime.date(year, 12, 31)
        return cls(datetime.date(year, 1, 1), end, as_of or end, organisation)

    @property
    def rated_years(self):
        """Years whose year-end rating falls in the period (a term: 2015–2019 for 2015–2020)."""
        return self.term.rated_years if self.term else [self.starts_on.year]

    @property
    def activity_end(self):
        """Last day counted for activity figures: the period's end, or the as-of day if earlier."""
        return min(self.ends_on, self.as_of)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    records: object = None  # (scope, **params) -> queryset whose count is the figure and its drill-down
    compute: object = None  # scope -> value, for figures derived from others
    params: tuple = ()  # names of the parameters `records` takes (year, level, …)
    listed: bool = True  # printed by `manage.py figures` (parametrised ones are not)

    def value(self, scope, **params):
        cache_key = (self.key, tuple(sorted(params.items())))
        if cache_key not in scope.cache:
            if self.records is not None:
                scope.cache[cache_key] = self.records(scope, **params).count()
            else:
                scope.cache[cache_key] = self.compute(scope)
        return scope.cache[cache_key]

    @property
    def countable(self):
        return self.records is not None


FIGURES = {}


def register(key, label, *, records=None, compute=None, params=(), listed=None):
    if key in FIGURES:
        raise ValueError(f"figure {key!r} registered twice")
    FIGURES[key] = Figure(
        key, label, records, compute, tuple(params), not params if listed is None else listed
    )


def value(key, scope, **params):
    return FIGURES[key].value(scope, **params)


def percent(numerator, denominator, places=1):
    """Percentage rounded half-up (as people round, not banker's rounding); None when undefined."""
    if not denominator:
        return None
    exact = Decimal(numerator) * 100 / Decimal(denominator)
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _term_target(key):
    def compute(scope):
        target = scope.term.target(key) if scope.term else None
        return None if target is None else float(target) if target % 1 else int(target)

    return compute


# --- structure (units) ---------------------------------------------------------------------------
register(
    "tccs",
    "Tổ chức cơ sở đảng",
    records=lambda s: organisations_as_of(s.as_of, GRASSROOTS_KINDS, within=s.organisation),
)
register(
    "tccs_dang_bo_co_so",
    "Đảng bộ cơ sở",
    records=lambda s: organisations_as_of(s.as_of, [OrganisationKind.DANG_BO_CO_SO], within=s.organisation),
)
register(
    "tccs_chi_bo_co_so",
    "Chi bộ cơ sở",
    records=lambda s: organisations_as_of(s.as_of, [OrganisationKind.CHI_BO_CO_SO], within=s.organisation),
)
register(
    "chi_bo_truc_thuoc",
    "Chi bộ trực thuộc đảng bộ cơ sở",
    records=lambda s: organisations_as_of(
        s.as_of, [OrganisationKind.CHI_BO_TRUC_THUOC], within=s.organisation
    ),
)

# --- membership (members) ------------------------------------------------------------------------
register("members", "Đảng viên", records=lambda s: members_as_of(s.as_of, within=s.organisation))
register(
    "members_official",
    "Đảng viên chính thức",
    records=lambda s: members_with_status(s.as_of, MembershipStatus.OFFICIAL, within=s.organisation),
)
register(
    "members_probationary",
    "Đảng viên dự bị",
    records=lambda s: members_with_status(s.as_of, MembershipStatus.PROBATIONARY, within=s.organisation),
)
register(
    "members_at_start",
    "Đảng viên đầu kỳ",
    records=lambda s: members_as_of(s.starts_on, within=s.organisation),
)
register(
    "admissions",
    "Kết nạp đảng viên mới",
    records=lambda s: admissions_between(s.starts_on, min(s.ends_on, s.as_of), within=s.organisation),
)
register(
    "admissions_in_year",
    "Kết nạp trong năm",
    records=lambda s, year: admissions_between(
        max(s.starts_on, datetime.date(int(year), 1, 1)),
        min(s.activity_end, datetime.date(int(year), 12, 31)),
        within=s.organisation,
    ),
    params=["year"],
)
register("admissions_target", "Chỉ tiêu kết nạp", compute=_term_target("admissions"))


def _admissions_over_target(scope):
    target = value("admissions_target", scope)
    if not target:
        return None
    exact = (Decimal(value("admissions", scope)) / Decimal(target) - 1) * 100
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


register("admissions_over_target_pct", "Vượt chỉ tiêu kết nạp (%)", compute=_admissions_over_target)


# --- ratings (DOMAIN.md §3) ----------------------------------------------------------------------
def _one_decimal(value):
    return None if value is None else float(Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _member_shares(scope):
    counts = member_rating_counts(scope.rated_years, within=scope.organisation)
    return {str(year): _one_decimal(share) for year, share in good_or_better_shares(counts).items()}


def _tccs_shares(scope):
    counts = organisation_rating_counts(scope.rated_years, GRASSROOTS_KINDS, within=scope.organisation)
    return good_or_better_shares(counts)


def _tccs_average(scope):
    """Mean of the yearly shares (each unrounded), rounded once at the end."""
    shares = [share for share in _tccs_shares(scope).values() if share is not None]
    return _one_decimal(sum(shares) / len(shares)) if shares else None


register(
    "member_good_or_better_pct_by_year",
    "Đảng viên hoàn thành tốt nhiệm vụ trở lên (%/năm)",
    compute=_member_shares,
)
register(
    "member_good_or_better_target_pct",
    "Chỉ tiêu đảng viên hoàn thành tốt nhiệm vụ trở lên (%)",
    compute=_term_target("member_good_or_better_pct"),
)
register(
    "tccs_good_or_better_pct_by_year",
    "TCCS trong sạch, vững mạnh / hoàn thành tốt nhiệm vụ trở lên (%/năm)",
    compute=lambda s: {str(y): _one_decimal(v) for y, v in _tccs_shares(s).items()},
)
register(
    "tccs_good_or_better_avg_pct",
    "TCCS hoàn thành tốt nhiệm vụ trở lên, bình quân hằng năm (%)",
    compute=_tccs_average,
)
register(
    "tccs_good_or_better_target_pct",
    "Chỉ tiêu TCCS hoàn thành tốt nhiệm vụ trở lên (%)",
    compute=_term_target("tccs_good_or_better_pct"),
)


# --- awards, tasks, meetings, documents (DOMAIN.md §4) ---------------------------------------------
def _awards(form_code, body_code):
    return lambda s: awards_to_grassroots(
        s.starts_on, s.activity_end, form_code, body_code, within=s.organisation
    )


register(
    "tccs_flag_awards",
    "TCCS được Tỉnh ủy tặng cờ",
    records=lambda s: Organisation.objects.filter(
        pk__in=_awards("co-thi-dua", "tinh-uy")(s).values("organisation_id")
    ),
)
register(
    "tccs_province_certificates",
    "Lượt TCCS được Tỉnh ủy tặng bằng khen",
    records=_awards("bang-khen", "tinh-uy"),
)
register(
    "tccs_bloc_certificates",
    "Lượt TCCS được Ban Thường vụ Đảng ủy Khối tặng giấy khen",
    records=_awards("giay-khen", "btv-dang-uy-khoi"),
)
register(
    "breakthrough_tasks",
    "Công việc đột phá đã đăng ký",
    records=lambda s: breakthrough_tasks_of_years(
        s.starts_on.year, s.activity_end.year, within=s.organisation
    ),
)


def _attendance_pct(scope):
    present, expected = attendance(
        meetings_between(scope.starts_on, scope.activity_end, within=scope.organisation)
    )
    return percent(present, expected)


register("meeting_attendance_pct", "Tỷ lệ đảng viên dự sinh hoạt chi bộ (%)", compute=_attendance_pct)
register(
    "meeting_attendance_target_pct",
    "Chỉ tiêu tỷ lệ dự sinh hoạt chi bộ (%)",
    compute=_term_target("meeting_attendance_pct"),
)
register(
    "conclusions",
    "Kết luận của Đảng ủy Khối",
    records=lambda s: documents_issued(s.starts_on, s.activity_end, DocumentKind.CONCLUSION),
)
register(
    "resolutions",
    "Nghị quyết của Đảng ủy Khối",
    records=lambda s: documents_issued(s.starts_on, s.activity_end, DocumentKind.RESOLUTION),
)


# --- counts behind the report's tables (parametrised: not printed by `manage.py figures`) -----------
def _in_rated_year(year, scope):
    if int(year) not in scope.rated_years:
        raise ValueError(f"{year} is not a rated year of this report")
    return int(year)


def _member_ratings(scope, year, level=None):
    ratings = member_ratings(_in_rated_year(year, scope), within=scope.organisation)
    return ratings.filter(level=level) if level else ratings


def _tccs_ratings(scope, year, level=None):
    ratings = organisation_ratings(_in_rated_year(year, scope), GRASSROOTS_KINDS, within=scope.organisation)
    return ratings.filter(level=level) if level else ratings


register("member_ratings", "Đảng viên được xếp loại", records=_member_ratings, params=["year", "level"])
register("tccs_ratings", "TCCS được xếp loại", records=_tccs_ratings, params=["year", "level"])
register(
    "awards_to_tccs",
    "Lượt khen thưởng tổ chức cơ sở đảng",
    records=lambda s, form, body: awards_to_grassroots(
        s.starts_on, s.activity_end, form, body, within=s.organisation
    ),
    params=["form", "body"],
)
register(
    "breakthrough_tasks_with_result",
    "Công việc đột phá theo kết quả",
    records=lambda s, result: FIGURES["breakthrough_tasks"].records(s).filter(result=result),
    params=["result"],
)
register(
    "meetings",
    "Buổi sinh hoạt chi bộ",
    records=lambda s, kind=None: meetings_between(s.starts_on, s.activity_end, within=s.organisation).filter(
        **({"kind": kind} if kind else {})
    ),
    params=["kind"],
)
register(
    "documents",
    "Văn bản của Đảng ủy Khối",
    records=lambda s, kind: documents_issued(s.starts_on, s.activity_end, kind),
    params=["kind"],
)


def compute_all(scope, keys=None):
    """Every listed figure (or those in `keys`) for `scope`, in registration order."""
    return {key: FIGURES[key].value(scope) for key in (keys or [k for k, f in FIGURES.items() if f.listed])}


# Figures of the other apps register themselves after the ones above (their keys follow in order).
from inspections import figures as _inspections_figures  # noqa: E402,F401
