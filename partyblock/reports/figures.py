"""The report figures of units and members: one function per key of DOMAIN.md §6, shared by
`manage.py figures` and the report pages, registered in `partyblock.core.figures` when this module
is imported (by `ReportsConfig.ready`). A figure either counts the records of a drill-down queryset
(`records`) or derives a value from other figures (`compute`); nothing is computed twice.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, IntegerField, Q
from django.db.models.functions import Cast, ExtractYear, Substr

from members.models import EventKind, MembershipStatus
from members.queries import (
    admissions_between,
    awards_to_grassroots,
    badges_awarded_between,
    headcounts,
    member_ratings,
    member_ratings_within,
    members_as_of,
    members_with_status,
    memberships_ended_between,
    transfers_in_between,
    transfers_out_between,
)
from partyblock.accounts.access import may_see_figure
from partyblock.core.figures import FIGURES, Figure, cache_key, register, value
from partyblock.core.rating_schemes import GOOD_OR_BETTER_LEVELS
from partyblock.core.text import rounded
from units.models import (
    GRASSROOTS_KINDS,
    PATH_STEP,
    DocumentKind,
    MeetingKind,
    Organisation,
    OrganisationKind,
    Term,
)
from units.queries import (
    breakthrough_tasks_of_years,
    documents_issued,
    meeting_totals,
    meetings_between,
    organisation_ratings,
    organisation_ratings_within,
    organisations_as_of,
    rating_level_counts,
)
from units.tree import covering


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
        """Years whose year-end rating falls in the period (a term: 2015–2019 for 2015–2020); for
        another period, each year it touches (a year: itself)."""
        return self.term.rated_years if self.term else list(range(self.starts_on.year, self.ends_on.year + 1))

    @property
    def within(self):
        """The organisation whose tree the figures count in, as the tree stood on each record's day:
        the one asked for; for the whole Khối, the Khối itself once anything has lain outside it
        (a TCCS moved under a new provincial committee, the Khối ended: KL 121-KL/TW), so that
        its records stop counting from the day they left; None while the Khối is the only root
        (every record is the Khối's, no tree test needed). One query, kept on the scope."""
        if self.organisation is not None:
            return self.organisation
        if "within" not in self.cache:
            roots = list(Organisation.objects.filter(depth=0))
            bloc = [root for root in roots if root.kind == OrganisationKind.BLOC]
            self.cache["within"] = bloc[0] if bloc and len(roots) > 1 else None
        return self.cache["within"]

    @property
    def activity_end(self):
        """Last day counted for activity figures: the period's end, or the as-of day if earlier."""
        return min(self.ends_on, self.as_of)


def good_or_better(level_counts, year):
    """(rated, rated good or better) in `year`, from {(year, level): count}."""
    rated = good = 0
    for (counted_year, level), count in level_counts.items():
        if counted_year == year:
            rated += count
            if level in GOOD_OR_BETTER_LEVELS:
                good += count
    return rated, good


def plain_number(number):
    """A stored Decimal (a target) as the int or float people wrote: 750, 95, 12.5."""
    if number is None:
        return None
    return int(number) if number % 1 == 0 else float(number)


def term_targets(scope):
    """The targets of the scope's term, in stored order (one query, kept on the scope). The
    congress set them for the whole Khối: an organisation's report has none."""
    if "term_targets" not in scope.cache:
        term = scope.term
        found = [] if term is None or scope.organisation is not None else list(term.targets.all())
        scope.cache["term_targets"] = found
    return scope.cache["term_targets"]


def _term_target(key):
    """The congress's target `key` for the whole Khối (None when none was set)."""

    def compute(scope):
        return next((plain_number(t.value) for t in term_targets(scope) if t.key == key), None)

    return compute


# --- structure (units) ---------------------------------------------------------------------------
STRUCTURE = {
    "tccs": GRASSROOTS_KINDS,
    "tccs_dang_bo_co_so": (OrganisationKind.DANG_BO_CO_SO,),
    "tccs_chi_bo_co_so": (OrganisationKind.CHI_BO_CO_SO,),
    "chi_bo_truc_thuoc": (OrganisationKind.CHI_BO_TRUC_THUOC,),
}


def _structure_batch(scope):
    """The four structure counts from one pass over the organisations of the as-of day, by kind."""
    kinds = {kind for wanted in STRUCTURE.values() for kind in wanted}
    rows = (
        organisations_as_of(scope.as_of, kinds, within=scope.within)
        .values("kind")
        .annotate(n=Count("*"))
        .order_by()
    )
    found = {row["kind"]: row["n"] for row in rows}
    return {
        cache_key(key, {}): sum(found.get(kind, 0) for kind in wanted) for key, wanted in STRUCTURE.items()
    }


def _organisations_of(kinds):
    return lambda s: organisations_as_of(s.as_of, kinds, within=s.within)


register("tccs", "Tổ chức cơ sở đảng", records=_organisations_of(STRUCTURE["tccs"]), batch=_structure_batch)
register(
    "tccs_dang_bo_co_so",
    "Đảng bộ cơ sở",
    records=_organisations_of(STRUCTURE["tccs_dang_bo_co_so"]),
    batch=_structure_batch,
)
register(
    "tccs_chi_bo_co_so",
    "Chi bộ cơ sở",
    records=_organisations_of(STRUCTURE["tccs_chi_bo_co_so"]),
    batch=_structure_batch,
)
register(
    "chi_bo_truc_thuoc",
    "Chi bộ trực thuộc đảng bộ cơ sở",
    records=_organisations_of(STRUCTURE["chi_bo_truc_thuoc"]),
    batch=_structure_batch,
)


# --- membership (members) ------------------------------------------------------------------------
def headcount_days(scope):
    """The days a report counts members on: the start, each year end in between, the as-of day."""
    days = [scope.starts_on, scope.as_of]
    days += [datetime.date(y, 12, 31) for y in range(scope.starts_on.year, scope.as_of.year + 1)]
    return sorted({d for d in days if scope.starts_on <= d <= scope.as_of} | {scope.as_of, scope.starts_on})


def _headcount_batch(scope):
    """Every headcount of a report (and of its members-over-time chart) in one pass over the periods."""
    statuses = [
        (scope.as_of, status) for status in (MembershipStatus.OFFICIAL, MembershipStatus.PROBATIONARY)
    ]
    counts = headcounts(headcount_days(scope), within=scope.within, statuses=statuses)
    cells = {("headcount", day): n for day, n in counts.items() if not isinstance(day, tuple)}
    cells.update(
        {
            cache_key("members", {}): counts[scope.as_of],
            cache_key("members_at_start", {}): counts[scope.starts_on],
            cache_key("members_official", {}): counts[(scope.as_of, MembershipStatus.OFFICIAL)],
            cache_key("members_probationary", {}): counts[(scope.as_of, MembershipStatus.PROBATIONARY)],
        }
    )
    return cells


def members_over_time(scope):
    """[(day, members)] for the report's chart, from the same pass as its headcounts."""
    FIGURES["members"].value(scope)
    return [(day, scope.cache[("headcount", day)]) for day in headcount_days(scope)]


register(
    "members",
    "Đảng viên",
    records=lambda s: members_as_of(s.as_of, within=s.within),
    batch=_headcount_batch,
)
register(
    "members_official",
    "Đảng viên chính thức",
    records=lambda s: members_with_status(s.as_of, MembershipStatus.OFFICIAL, within=s.within),
    batch=_headcount_batch,
)
register(
    "members_probationary",
    "Đảng viên dự bị",
    records=lambda s: members_with_status(s.as_of, MembershipStatus.PROBATIONARY, within=s.within),
    batch=_headcount_batch,
)
register(
    "members_at_start",
    "Đảng viên đầu kỳ",
    records=lambda s: members_as_of(s.starts_on, within=s.within),
    batch=_headcount_batch,
)


register(
    "members_growth",
    "Tăng so với đầu kỳ",
    compute=lambda s: value("members", s) - value("members_at_start", s),
    listed=False,  # derived from two printed keys; the command prints DOMAIN.md §6's keys
)
register(
    "admissions",
    "Kết nạp đảng viên mới",
    records=lambda s: admissions_between(s.starts_on, s.activity_end, within=s.within),
    batch=lambda s: _admissions_by_year(s),
)


# The admission counts below count rows (`Count("*")`), not ids: the event id is not in the covering
# index of admissions (`admission_in_bloc_date`: date, chi bộ, member), so counting ids made PostgreSQL
# read every admission's table row, and for `top_admitters` merge-join the chi bộ through another
# index instead (100×: 0.61 s, against 0.12-0.26 s from the covering index; docs/benchmarks.md).
def _admissions_by_year(scope):
    rows = (
        admissions_between(scope.starts_on, scope.activity_end, within=scope.within)
        .annotate(year=ExtractYear("date"))
        .values("year")
        .annotate(n=Count("*"))
        .order_by()
    )
    found = {row["year"]: row["n"] for row in rows}
    years = range(scope.starts_on.year, scope.activity_end.year + 1)
    cells = {cache_key("admissions_in_year", {"year": y}): found.get(y, 0) for y in years}
    cells[cache_key("admissions", {})] = sum(found.values())
    return cells


register(
    "admissions_in_year",
    "Kết nạp trong năm",
    records=lambda s, year: admissions_between(
        max(s.starts_on, datetime.date(int(year), 1, 1)),
        min(s.activity_end, datetime.date(int(year), 12, 31)),
        within=s.within,
    ),
    params=["year"],
    batch=_admissions_by_year,
)
register("admissions_target", "Chỉ tiêu kết nạp", compute=_term_target("admissions"))


def _admissions_over_target(scope):
    target = value("admissions_target", scope)
    if not target:
        return None
    return rounded((Decimal(value("admissions", scope)) / Decimal(target) - 1) * 100)


register("admissions_over_target_pct", "Vượt chỉ tiêu kết nạp (%)", compute=_admissions_over_target)


# --- membership flows (DOMAIN.md §2) --------------------------------------------------------------
def _flow_period(scope, year):
    """The period of a flow cell: the scope's, or the part of it in `year`."""
    if year is None:
        return scope.starts_on, scope.activity_end
    year = int(year)
    start, end = (
        max(scope.starts_on, datetime.date(year, 1, 1)),
        min(scope.activity_end, datetime.date(year, 12, 31)),
    )
    if start > end:
        raise ValueError(f"{year} is outside this report's period")
    return start, end


def register_flow(key, label, between, day_field):
    """A flow over the period (`value(key, scope)`) and per year (`year=`): `between(start, end,
    within)` is the queryset; one grouped query answers the period and every year."""

    def records(scope, year=None):
        start, end = _flow_period(scope, year)
        return between(start, end, within=scope.within)

    def batch(scope):
        rows = (
            between(scope.starts_on, scope.activity_end, within=scope.within)
            .annotate(flow_year=ExtractYear(day_field))
            .values("flow_year")
            .annotate(n=Count("*"))
            .order_by()
        )
        found = {row["flow_year"]: row["n"] for row in rows}
        cells = {
            cache_key(key, {"year": y}): found.get(y, 0)
            for y in range(scope.starts_on.year, scope.activity_end.year + 1)
        }
        cells[cache_key(key, {})] = sum(found.values())
        return cells

    if key in FIGURES:
        raise ValueError(f"figure {key!r} registered twice")
    FIGURES[key] = Figure(key, label, records, None, ("year",), True, batch)


def _ended(kind):
    return lambda start, end, within: memberships_ended_between(start, end, kind, within=within)


FLOWS = {
    "transfers_in": "Chuyển sinh hoạt đến",
    "transfers_out": "Chuyển sinh hoạt đi",
    "removals": "Xóa tên",
    "expulsions": "Khai trừ",
    "resignations": "Xin ra khỏi Đảng",
    "deaths": "Từ trần",
    "badges_awarded": "Huy hiệu Đảng đã trao",
}
register_flow("transfers_in", FLOWS["transfers_in"], transfers_in_between, "date")
register_flow("transfers_out", FLOWS["transfers_out"], transfers_out_between, "date")
register_flow("removals", FLOWS["removals"], _ended(EventKind.REMOVAL), "date")
register_flow("expulsions", FLOWS["expulsions"], _ended(EventKind.EXPULSION), "date")
register_flow("resignations", FLOWS["resignations"], _ended(EventKind.RESIGNATION), "date")
register_flow("deaths", FLOWS["deaths"], _ended(EventKind.DEATH), "date")
register_flow("badges_awarded", FLOWS["badges_awarded"], badges_awarded_between, "awarded_on")


# --- lists by TCCS ---------------------------------------------------------------------------------
def _by_tccs_of_the_day(admissions):
    """`admissions` with `tccs_id`: the TCCS their chi bộ was under (or was) on the admission's day,
    as the tree stood then (the second segment of that day's path: a TCCS sits right under a root),
    so an admission stays its TCCS's after a chi bộ moves. The spans are joined (one covers a day),
    not looked up per admission."""
    spans = "organisation__tree_spans__"
    on_the_day = covering(F("date"), prefix=spans) & Q(**{f"{spans}depth__gte": 1})
    return admissions.filter(on_the_day).annotate(
        tccs_path=_tccs_path(f"{spans}path"),
        tccs_id=Cast(Substr(f"{spans}path", PATH_STEP + 1, PATH_STEP - 1), IntegerField()),
    )


def _tccs_without_admission(scope):
    """TCCS existing at the end of the period none of whose chi bộ admitted anyone in it (by the
    tree of each admission's day): one anti-join on the admissions' TCCS."""
    admitted = _by_tccs_of_the_day(admissions_between(scope.starts_on, scope.activity_end)).values("tccs_id")
    tccs = organisations_as_of(scope.activity_end, GRASSROOTS_KINDS, within=scope.within)
    return tccs.exclude(pk__in=admitted)


register(
    "tccs_without_admission", "TCCS không kết nạp được đảng viên trong kỳ", records=_tccs_without_admission
)

TOP_ADMITTERS = 10


def _tccs_path(field):
    """The TCCS's path of an organisation (its first two levels under the root) by its filing place:
    for records of today (the admission pipeline); past records use the tree of their day."""
    return Substr(field, 1, 2 * PATH_STEP)


def _admissions_by_tccs(scope):
    return _by_tccs_of_the_day(admissions_between(scope.starts_on, scope.activity_end, within=scope.within))


def _admissions_of_tccs(scope, tccs):
    organisation = Organisation.objects.filter(code=tccs, kind__in=GRASSROOTS_KINDS).first()
    if organisation is None:
        raise ValueError(f"no TCCS {tccs}")
    return _admissions_by_tccs(scope).filter(tccs_id=organisation.pk)


def top_admitters(scope):
    """[(TCCS, admissions)] of the TCCS that admitted most in the period (ties by tree order), from
    one grouped query; their cells are `admissions_of_tccs` (the same admissions, one TCCS)."""
    key = ("top_admitters",)
    if key not in scope.cache:
        rows = _admissions_by_tccs(scope).values("tccs_id", "tccs_path").annotate(n=Count("*"))
        counts = {row["tccs_id"]: row["n"] for row in rows.order_by("-n", "tccs_path")[:TOP_ADMITTERS]}
        organisations = Organisation.objects.in_bulk(counts)
        found = [(organisations[pk], n) for pk, n in counts.items() if pk in organisations]
        scope.cache.update({cache_key("admissions_of_tccs", {"tccs": o.code}): n for o, n in found})
        scope.cache[key] = found
    return scope.cache[key]


register(
    "admissions_of_tccs",
    "Kết nạp đảng viên của tổ chức cơ sở đảng",
    records=_admissions_of_tccs,
    params=["tccs"],
)


# --- ratings (DOMAIN.md §3) ----------------------------------------------------------------------
def _member_ratings_of(scope):
    return member_ratings_within(scope.within)


def _tccs_ratings_of(scope):
    return organisation_ratings_within(GRASSROOTS_KINDS, scope.within)


def _level_counts(scope, ratings_of):
    """{(year, level): count} of the scope's rated years, one grouped query, kept for the report."""
    key = ("levels", ratings_of.__name__)
    if key not in scope.cache:
        scope.cache[key] = rating_level_counts(ratings_of(scope), scope.rated_years)
    return scope.cache[key]


def _shares(scope, ratings_of):
    counts = _level_counts(scope, ratings_of)
    shares = {}
    for year in scope.rated_years:
        rated, good = good_or_better(counts, year)
        shares[year] = Decimal(good) * 100 / Decimal(rated) if rated else None
    return shares


def _member_shares(scope):
    return {str(year): rounded(share) for year, share in _shares(scope, _member_ratings_of).items()}


def _tccs_shares(scope):
    return _shares(scope, _tccs_ratings_of)


def _tccs_average(scope):
    """Mean of the yearly shares (each unrounded), rounded once at the end."""
    shares = [share for share in _tccs_shares(scope).values() if share is not None]
    return rounded(sum(shares) / len(shares)) if shares else None


register(
    "member_good_or_better_pct_by_year",
    "Đảng viên hoàn thành tốt nhiệm vụ trở lên (%/năm)",
    compute=_member_shares,
)
register(
    "member_good_or_better_min_pct",
    "Đảng viên hoàn thành tốt nhiệm vụ trở lên, năm thấp nhất (%)",
    compute=lambda s: min(
        (share for share in value("member_good_or_better_pct_by_year", s).values() if share is not None),
        default=None,
    ),
    listed=False,  # derived from the printed yearly shares
)
register(
    "member_good_or_better_target_pct",
    "Chỉ tiêu đảng viên hoàn thành tốt nhiệm vụ trở lên (%)",
    compute=_term_target("member_good_or_better_pct"),
)
register(
    "tccs_good_or_better_pct_by_year",
    "TCCS trong sạch, vững mạnh / hoàn thành tốt nhiệm vụ trở lên (%/năm)",
    compute=lambda s: {str(y): rounded(v) for y, v in _tccs_shares(s).items()},
)
register(
    "tccs_good_or_better_avg_pct",
    "TCCS hoàn thành tốt nhiệm vụ trở lên, bình quân hằng năm (%)",
    compute=_tccs_average,
)
register(
    "tccs_rated_below_good",
    "Lượt TCCS xếp loại dưới mức hoàn thành tốt nhiệm vụ",
    records=lambda s: _tccs_ratings_of(s).filter(
        year__in=s.rated_years, level__gt=max(GOOD_OR_BETTER_LEVELS)
    ),
)
register(
    "tccs_good_or_better_target_pct",
    "Chỉ tiêu TCCS hoàn thành tốt nhiệm vụ trở lên (%)",
    compute=_term_target("tccs_good_or_better_pct"),
)


# --- awards, tasks, meetings, documents (DOMAIN.md §4) ---------------------------------------------
def _awards(form_code, body_code):
    return lambda s: awards_to_grassroots(s.starts_on, s.activity_end, form_code, body_code, within=s.within)


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
    records=lambda s: breakthrough_tasks_of_years(s.starts_on.year, s.activity_end.year, within=s.within),
)


register(
    "meeting_attendance_pct",
    "Tỷ lệ đảng viên dự sinh hoạt chi bộ (%)",
    batch=lambda s: _meetings_batch(s),  # with the meeting counts, from the same grouped query
)
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
def _grouped(key, queryset, *fields):
    """{cache_key: count} for each combination of `fields` present in `queryset` (one query)."""
    rows = queryset.values(*fields).annotate(n=Count("pk")).order_by()
    return {cache_key(key, {field.split("__")[0]: row[field] for field in fields}): row["n"] for row in rows}


def _awards_batch(scope):
    awards = awards_to_grassroots(scope.starts_on, scope.activity_end, None, None, within=scope.within)
    return _grouped("awards_to_tccs", awards, "form__code", "body__code")


def _tasks_batch(scope):
    return _grouped("breakthrough_tasks_with_result", FIGURES["breakthrough_tasks"].records(scope), "result")


def _meetings_batch(scope):
    """Meetings by kind, all of them, and the attendance they add up to, in one query."""
    totals = meeting_totals(scope.starts_on, scope.activity_end, within=scope.within)
    return {
        cache_key("meetings", {}): totals["n"],
        **{cache_key("meetings", {"kind": kind}): totals[f"kind_{kind}"] for kind in MeetingKind.values},
        cache_key("meeting_attendance_pct", {}): totals["pct"],
    }


def _in_rated_year(year, scope):
    if int(year) not in scope.rated_years:
        raise ValueError(f"{year} is not a rated year of this report")
    return int(year)


def _member_ratings(scope, year, level=None):
    ratings = member_ratings(_in_rated_year(year, scope), within=scope.within)
    return ratings.filter(level=level) if level else ratings


def _tccs_ratings(scope, year, level=None):
    ratings = organisation_ratings(_in_rated_year(year, scope), GRASSROOTS_KINDS, within=scope.within)
    return ratings.filter(level=level) if level else ratings


def _levels_batch(key, ratings_of):
    def batch(scope):
        counts = _level_counts(scope, ratings_of)
        cells = {}
        for year in scope.rated_years:
            levels = {level: counts.get((year, level), 0) for level in (1, 2, 3, 4)}
            cells[cache_key(key, {"year": year})] = sum(levels.values())
            cells.update({cache_key(key, {"year": year, "level": lv}): n for lv, n in levels.items()})
        return cells

    return batch


register(
    "member_ratings",
    "Đảng viên được xếp loại",
    records=_member_ratings,
    params=["year", "level"],
    batch=_levels_batch("member_ratings", _member_ratings_of),
)
register(
    "tccs_ratings",
    "TCCS được xếp loại",
    records=_tccs_ratings,
    params=["year", "level"],
    batch=_levels_batch("tccs_ratings", _tccs_ratings_of),
)


def _good_or_better_batch(key, ratings_of):
    def batch(scope):
        counts = _level_counts(scope, ratings_of)
        return {cache_key(key, {"year": year}): good_or_better(counts, year)[1] for year in scope.rated_years}

    return batch


register(
    "member_ratings_good_or_better",
    "Đảng viên xếp loại hoàn thành tốt nhiệm vụ trở lên",
    records=lambda s, year: _member_ratings(s, year).filter(level__in=GOOD_OR_BETTER_LEVELS),
    params=["year"],
    batch=_good_or_better_batch("member_ratings_good_or_better", _member_ratings_of),
)
register(
    "tccs_ratings_good_or_better",
    "TCCS xếp loại hoàn thành tốt nhiệm vụ trở lên",
    records=lambda s, year: _tccs_ratings(s, year).filter(level__in=GOOD_OR_BETTER_LEVELS),
    params=["year"],
    batch=_good_or_better_batch("tccs_ratings_good_or_better", _tccs_ratings_of),
)
register(
    "awards_to_tccs",
    "Lượt khen thưởng tổ chức cơ sở đảng",
    records=lambda s, form, body: awards_to_grassroots(
        s.starts_on, s.activity_end, form, body, within=s.within
    ),
    params=["form", "body"],
    batch=_awards_batch,
)


register(
    "breakthrough_tasks_with_result",
    "Công việc đột phá theo kết quả",
    records=lambda s, result: FIGURES["breakthrough_tasks"].records(s).filter(result=result),
    params=["result"],
    batch=_tasks_batch,
)
register(
    "meetings",
    "Buổi sinh hoạt chi bộ",
    records=lambda s, kind=None: meetings_between(s.starts_on, s.activity_end, within=s.within).filter(
        **({"kind": kind} if kind else {})
    ),
    params=["kind"],
    batch=_meetings_batch,
)
register(
    "documents",
    "Văn bản của Đảng ủy Khối",
    records=lambda s, kind: documents_issued(s.starts_on, s.activity_end, kind),
    params=["kind"],
)


def compute_all(scope, keys=None):
    """Every listed figure (or those in `keys`) for `scope`, in registration order."""
    keys = [k for k, f in FIGURES.items() if f.listed] if keys is None else keys
    return {key: FIGURES[key].value(scope) for key in keys}


def listed_figures(user):
    """Keys of the listed figures `user` may see (`partyblock.accounts.access.may_see_figure`)."""
    return [key for key, figure in FIGURES.items() if figure.listed and may_see_figure(user, figure)]
