"""What needs doing today, per role: the lines of the home page's to-do list.

Each `Todo` names its records once (`items`: a queryset or a list, already inside the user's
scope); the home page shows how many there are and links to `todo_list`, which lists exactly
those records, so a count and its list can never disagree. The records come from the project's
own read functions (membership periods, badges, rating checks, letters' deadlines), so a change
to a rule reaches the to-do list without touching this module.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import NoReverseMatch, reverse

from inspections.models import Body, DisciplineDecision, Inspection, Letter
from inspections.workdays import working_days_after
from members.badges import badges_due, next_award_day
from members.charters import probation_ends
from members.deadlines import recognition_overdue
from members.models import EventKind, Member, MemberEvent, MembershipStatus
from members.quality import unrated_member_periods
from members.queries import periods_as_of
from partyblock.accounts.access import report_root, visible
from partyblock.admission.models import Step
from partyblock.admission.rules import COURSE_CERTIFICATE_MONTHS
from partyblock.core.text import day_text, moment_text
from partyblock.core.workdays import add_months
from partyblock.importing.models import ImportBatch, ImportStatus
from partyblock.reports.pipeline import candidates_on, stuck_q
from units.models import MEMBER_HOLDING_KINDS, Meeting, OrganisationRating
from units.placing import placed, tccs_names
from units.queries import organisations_as_of, organisations_to_rate

RECOGNITION_HORIZON_DAYS = 30
LETTER_HORIZON_WORKING_DAYS = 10
ENDING_HORIZON_DAYS = 30
MIN_OFFICIAL_MEMBERS = 3  # a chi bộ needs at least 3 official members (Điều lệ Đảng, Điều 21)

OFFICE = "office"
INSPECTION = "inspection"


@dataclass
class TodoContext:
    """The user and the day a to-do list is made for; `within` is the user's TCCS (None: the Khối)."""

    user: object
    today: datetime.date
    memo: dict = field(default_factory=dict, repr=False)

    @cached_property
    def within(self):
        return report_root(self.user)

    @property
    def last_year(self):
        return self.today.year - 1

    @cached_property
    def award_day(self):
        return next_award_day(self.today)

    @cached_property
    def letters_horizon(self):
        return working_days_after(self.today, LETTER_HORIZON_WORKING_DAYS)

    @property
    def last_month(self):
        """(first day, last day) of the month before today's."""
        last = self.today.replace(day=1) - datetime.timedelta(days=1)
        return last.replace(day=1), last

    @cached_property
    def tccs_names(self):
        return tccs_names()

    def placed(self, organisation):
        """`organisation` named with its TCCS ("Chi bộ Văn phòng — Đảng bộ Sở A")."""
        return placed(organisation, self.tccs_names)


@dataclass(frozen=True)
class Todo:
    key: str
    label: str  # formatted with the context: {last_year}, {award_day}, …
    audience: str  # OFFICE or INSPECTION
    permission: str  # the model permission needed to see the line
    items: object  # function(ctx) -> queryset or list, inside the user's scope
    headers: tuple
    row: object  # function(item, ctx) -> (admin url or None, [cells])

    def title(self, ctx):
        return self.label.format(
            last_year=ctx.last_year,
            award_day=day_text(ctx.award_day),
            this_year=ctx.today.year,
            last_month=f"{ctx.last_month[0]:%m/%Y}",
        )

    def count(self, items):
        return len(items) if isinstance(items, list) else items.count()


def _admin_url(record, name):
    return reverse(f"admin:{name}_change", args=[record.pk])


# --- members -----------------------------------------------------------------------------------
def probationary_ending(ctx):
    """Periods of the members probationary today whose 12 months of probation end before today +
    30 days, earliest first, each with `probation_ends`: overdue ones (the end already past, not
    recognised) and those coming up. The end is counted from the last admission or readmission
    ceremony, as `members.lifecycle` does. Two queries, remembered for the day's context."""
    if "probationary" in ctx.memo:
        return ctx.memo["probationary"]
    periods = (
        periods_as_of(ctx.today, ctx.within)
        .filter(status=MembershipStatus.PROBATIONARY)
        .select_related("member", "organisation")
    )
    periods = list(visible(periods, ctx.user))
    ceremonies = {}
    admissions = MemberEvent.objects.filter(
        member_id__in=[p.member_id for p in periods],
        kind__in=(EventKind.ADMISSION, EventKind.READMISSION),
        date__lte=ctx.today,
    )
    for member_id, day in admissions.values_list("member_id", "date"):
        ceremonies[member_id] = max(day, ceremonies.get(member_id, day))
    horizon = ctx.today + datetime.timedelta(days=RECOGNITION_HORIZON_DAYS)
    found = []
    for period in periods:
        if period.member_id not in ceremonies:
            continue
        period.probation_ends = probation_ends(ceremonies[period.member_id])
        if period.probation_ends <= horizon:
            found.append(period)
    found.sort(key=lambda p: (p.probation_ends, p.member.sort_key, p.member_id))
    ctx.memo["probationary"] = found
    return found


def _probation_overdue(ctx):
    """Past the chi bộ's deadline (30 working days after probation ends): `members.deadlines`."""
    if "overdue" not in ctx.memo:
        allowed = set(visible(Member.objects.all(), ctx.user).values_list("pk", flat=True))
        overdue = recognition_overdue(ctx.today, within=ctx.within)
        ctx.memo["overdue"] = [due for due in overdue if due.member.pk in allowed]
    return ctx.memo["overdue"]


def _probation_upcoming(ctx):
    """Probation ending within 30 days, or ended with the chi bộ's deadline still to come."""
    overdue = {due.member.pk for due in _probation_overdue(ctx)}
    return [p for p in probationary_ending(ctx) if p.member_id not in overdue]


def _member_row(member, organisation, ctx, *extra):
    """A member's line: name (linking to the record), birth date, chi bộ with its TCCS, `extra`."""
    return (
        _admin_url(member, "members_member"),
        [member.full_name, day_text(member.birth_date), ctx.placed(organisation), *extra],
    )


def _period_row(period, ctx, *extra):
    return _member_row(period.member, period.organisation, ctx, *extra)


def _badges(ctx):
    """Badges due on the next award day; a milestone reached before the member came into the
    Khối, with no badge record, is "chưa rõ" (checked on the badge-due page), not a to-do."""
    return [d for d in badges_due(ctx.award_day, within=ctx.within) if not d.unknown]


def _ending_events(kind):
    def items(ctx):
        events = MemberEvent.objects.filter(
            kind=kind,
            end_date__gte=ctx.today,
            end_date__lte=ctx.today + datetime.timedelta(days=ENDING_HORIZON_DAYS),
        )
        events = visible(events, ctx.user)
        return list(
            events.select_related("member", "organisation").order_by("end_date", "member__sort_key", "pk")
        )

    return items


def _event_row(event, ctx):
    where = ctx.placed(event.organisation) if event.organisation_id else event.other_party
    return (
        _admin_url(event.member, "members_member"),
        [
            event.member.full_name,
            day_text(event.member.birth_date),
            day_text(event.date),
            day_text(event.end_date),
            where,
        ],
    )


def _unrated_members(ctx):
    return visible(unrated_member_periods(ctx.last_year, within=ctx.within), ctx.user)


# --- organisations -------------------------------------------------------------------------------
def _chi_bo_today(ctx):
    return visible(organisations_as_of(ctx.today, MEMBER_HOLDING_KINDS, within=ctx.within), ctx.user)


def _few_official(ctx):
    """Chi bộ existing today with fewer than 3 official members registered in them today."""
    official = dict(
        periods_as_of(ctx.today, ctx.within)
        .filter(status=MembershipStatus.OFFICIAL)
        .values_list("organisation_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = []
    for chi_bo in _chi_bo_today(ctx).order_by("path"):
        chi_bo.official = official.get(chi_bo.pk, 0)
        if chi_bo.official < MIN_OFFICIAL_MEMBERS:
            found.append(chi_bo)
    return found


def _no_meeting(ctx):
    start, end = ctx.last_month
    met = Meeting.objects.filter(organisation=OuterRef("pk"), held_on__gte=start, held_on__lte=end)
    return list(_chi_bo_today(ctx).exclude(Exists(met)).order_by("path"))


def _unrated_organisations(ctx):
    rated = OrganisationRating.objects.filter(year=ctx.last_year, organisation=OuterRef("pk"))
    organisations = organisations_to_rate(ctx.last_year, within=ctx.within).exclude(Exists(rated))
    return list(visible(organisations, ctx.user).order_by("path"))


def _organisation_row(organisation, ctx, *extra):
    return (
        _admin_url(organisation, "units_organisation"),
        [ctx.placed(organisation), organisation.code, organisation.get_kind_display(), *extra],
    )


def _unconfirmed_imports(ctx):
    batches = ImportBatch.objects.filter(status=ImportStatus.PREVIEWED)
    return visible(batches, ctx.user).select_related("organisation", "user").order_by("-created_at", "-pk")


def _import_row(batch, ctx):
    return (
        reverse("admin:importing_importbatch_change", args=[batch.pk]),
        [
            batch.file_name,
            batch.get_kind_display(),
            ctx.placed(batch.organisation) if batch.organisation_id else "",
            batch.user.get_username() if batch.user_id else "",
            moment_text(batch.created_at),
        ],
    )


# --- admission pipeline (issue 20) ----------------------------------------------------------------
CERTIFICATE_HORIZON_DAYS = 30


def _candidates_due(ctx):
    """The candidates of the user's scope in the pipeline today that one of the lines below lists,
    read once (one query) for the day's context: the board's stuck ones (`pipeline.stuck_on`), and
    those not yet considered by their chi bộ whose certificate of the awareness course ends within
    30 days (`admission.rules.COURSE_CERTIFICATE_MONTHS`, warned about at the vote), each with
    `certificate_ends`."""
    if "candidates" not in ctx.memo:
        horizon = ctx.today + datetime.timedelta(days=CERTIFICATE_HORIZON_DAYS)
        latest = add_months(horizon, -COURSE_CERTIFICATE_MONTHS) + datetime.timedelta(days=3)  # month ends
        certificate = Q(step_then__lt=Step.CHI_BO_VOTE, course_certificate_on__lte=latest)
        found = candidates_on(ctx.today, ctx.within).filter(stuck_q(ctx.today) | certificate)
        found = visible(found, ctx.user).select_related("organisation").order_by("due_on", "sort_key", "pk")
        for candidate in found:
            candidate.stuck = (
                candidate.step_then == candidate.step
                and candidate.due_on is not None
                and candidate.due_on < ctx.today
            )
            issued = candidate.course_certificate_on
            ends = add_months(issued, COURSE_CERTIFICATE_MONTHS) if issued else None
            candidate.certificate_ends = (
                ends if ends and ends <= horizon and candidate.step_then < Step.CHI_BO_VOTE else None
            )
        ctx.memo["candidates"] = list(found)
    return ctx.memo["candidates"]


def _ceremony_overdue(ctx):
    """Decision issued, ceremony not held within its 30 working days (`Candidate.due_on`)."""
    return [c for c in _candidates_due(ctx) if c.stuck and c.step_then == Step.DECISION]


def _step_overdue(ctx):
    """Waiting for any other next step past its usual time or deadline (`Candidate.due_on`): with
    the line above, exactly the board's `candidates_stuck` of the day."""
    return [c for c in _candidates_due(ctx) if c.stuck and c.step_then != Step.DECISION]


def _certificate_expiring(ctx):
    expiring = [c for c in _candidates_due(ctx) if c.certificate_ends is not None]
    return sorted(expiring, key=lambda c: (c.certificate_ends, c.sort_key, c.pk))


def _candidate_row(candidate, ctx, *extra):
    try:
        url = _admin_url(candidate, "admission_candidate")
    except NoReverseMatch:  # the candidate screens are not installed
        url = None
    return (
        url,
        [
            candidate.full_name,
            day_text(candidate.birth_date),
            ctx.placed(candidate.organisation),
            candidate.get_step_display(),
            day_text(candidate.step_on),
            *extra,
        ],
    )


# --- inspection ----------------------------------------------------------------------------------
def _letters_due(ctx):
    letters = Letter.objects.open().filter(deadline__gte=ctx.today, deadline__lte=ctx.letters_horizon)
    return visible(letters, ctx.user).order_by("deadline", "pk")


def _letters_overdue(ctx):
    return visible(Letter.objects.overdue(ctx.today), ctx.user).order_by("deadline", "pk")


def _letter_row(letter, ctx):
    return (
        _admin_url(letter, "inspections_letter"),
        [
            letter.reference,
            day_text(letter.received_on),
            letter.get_kind_display(),
            "Nặc danh" if letter.anonymous else letter.sender,
            day_text(letter.deadline),
        ],
    )


def _inspections_open(ctx):
    """Inspections by the Khối (its committee or its UBKT) decided but not yet concluded."""
    inspections = Inspection.objects.filter(concluded_on__isnull=True).exclude(body=Body.GRASSROOTS)
    inspections = inspections.filter(decision_date__lte=ctx.today)
    return visible(inspections, ctx.user).order_by("decision_date", "pk")


def _inspection_row(inspection, ctx):
    return (
        _admin_url(inspection, "inspections_inspection"),
        [
            inspection.decision_number,
            day_text(inspection.decision_date),
            inspection.get_kind_display(),
            inspection.body_display(),
        ],
    )


def _discipline_of_year(ctx):
    decisions = DisciplineDecision.objects.filter(decision_date__year=ctx.today.year)
    return (
        visible(decisions, ctx.user)
        .select_related("member", "organisation")
        .order_by("-decision_date", "-pk")
    )


def _discipline_row(decision, ctx):
    subject = decision.member.full_name if decision.member_id else ctx.placed(decision.organisation)
    return (
        _admin_url(decision, "inspections_disciplinedecision"),
        [subject, decision.get_form_display(), decision.decision_number, day_text(decision.decision_date)],
    )


MEMBER_HEADERS = ("Họ và tên", "Ngày sinh", "Chi bộ")
ORGANISATION_HEADERS = ("Tổ chức đảng", "Mã", "Loại")
LETTER_HEADERS = ("Số vào sổ", "Ngày nhận", "Loại đơn", "Người gửi", "Hạn giải quyết")
CANDIDATE_HEADERS = ("Họ và tên", "Ngày sinh", "Chi bộ", "Bước đã đến", "Từ ngày")

TODOS = [
    Todo(
        "du-bi-qua-han",
        "Đảng viên dự bị quá hạn xét công nhận chính thức (quá 30 ngày làm việc sau khi hết dự bị)",
        OFFICE,
        "members.view_member",
        _probation_overdue,
        (*MEMBER_HEADERS, "Hết 12 tháng dự bị", "Hạn xét"),
        lambda due, ctx: _member_row(
            due.member, due.organisation, ctx, day_text(due.probation_ends), day_text(due.deadline)
        ),
    ),
    Todo(
        "du-bi-den-han",
        f"Đảng viên dự bị đến hạn xét công nhận chính thức (hết dự bị trong {RECOGNITION_HORIZON_DAYS} ngày "
        "tới hoặc đang trong hạn xét)",
        OFFICE,
        "members.view_member",
        _probation_upcoming,
        (*MEMBER_HEADERS, "Hết 12 tháng dự bị"),
        lambda p, ctx: _period_row(p, ctx, day_text(p.probation_ends)),
    ),
    Todo(
        "quan-chung-cho-le-ket-nap",
        "Quần chúng đã có quyết định kết nạp nhưng chưa tổ chức lễ kết nạp, quá 30 ngày làm việc",
        OFFICE,
        "admission.view_candidate",
        _ceremony_overdue,
        (*CANDIDATE_HEADERS, "Hạn tổ chức lễ"),
        lambda c, ctx: _candidate_row(c, ctx, day_text(c.due_on)),
    ),
    Todo(
        "quan-chung-qua-han",
        "Quần chúng chờ bước tiếp theo quá hạn (quá thời gian thường lệ ở một bước)",
        OFFICE,
        "admission.view_candidate",
        _step_overdue,
        (*CANDIDATE_HEADERS, "Hạn bước tiếp theo"),
        lambda c, ctx: _candidate_row(c, ctx, day_text(c.due_on)),
    ),
    Todo(
        "quan-chung-het-han-chung-nhan",
        f"Quần chúng chưa được chi bộ xét có giấy chứng nhận bồi dưỡng nhận thức về Đảng đã hết hạn hoặc hết "
        f"hạn trong {CERTIFICATE_HORIZON_DAYS} ngày tới",
        OFFICE,
        "admission.view_candidate",
        _certificate_expiring,
        (*CANDIDATE_HEADERS, "Ngày cấp giấy chứng nhận", "Hết hạn"),
        lambda c, ctx: _candidate_row(
            c, ctx, day_text(c.course_certificate_on), day_text(c.certificate_ends)
        ),
    ),
    Todo(
        "huy-hieu",
        "Đảng viên đến hạn trao Huy hiệu Đảng đợt {award_day}",
        OFFICE,
        "members.view_partybadge",
        _badges,
        (*MEMBER_HEADERS, "Tuổi đảng", "Huy hiệu"),
        lambda d, ctx: _member_row(d.member, d.organisation, ctx, d.party_age, f"{d.milestone} năm"),
    ),
    Todo(
        "don-thu-qua-han",
        "Đơn thư quá hạn giải quyết",
        OFFICE,
        "inspections.view_letter",
        _letters_overdue,
        LETTER_HEADERS,
        _letter_row,
    ),
    Todo(
        "don-thu-den-han",
        f"Đơn thư đến hạn giải quyết trong {LETTER_HORIZON_WORKING_DAYS} ngày làm việc tới",
        OFFICE,
        "inspections.view_letter",
        _letters_due,
        LETTER_HEADERS,
        _letter_row,
    ),
    Todo(
        "het-mien-sinh-hoat",
        f"Đảng viên hết thời hạn miễn sinh hoạt trong {ENDING_HORIZON_DAYS} ngày tới",
        OFFICE,
        "members.view_memberevent",
        _ending_events(EventKind.EXEMPTION),
        ("Họ và tên", "Ngày sinh", "Từ ngày", "Đến hết ngày", "Chi bộ"),
        _event_row,
    ),
    Todo(
        "het-chuyen-tam-thoi",
        f"Đảng viên hết thời hạn chuyển sinh hoạt tạm thời trong {ENDING_HORIZON_DAYS} ngày tới",
        OFFICE,
        "members.view_memberevent",
        _ending_events(EventKind.TEMPORARY_TRANSFER),
        ("Họ và tên", "Ngày sinh", "Từ ngày", "Đến hết ngày", "Nơi sinh hoạt tạm thời"),
        _event_row,
    ),
    Todo(
        "chi-bo-it-dang-vien",
        f"Chi bộ có dưới {MIN_OFFICIAL_MEMBERS} đảng viên chính thức",
        OFFICE,
        "units.view_organisation",
        _few_official,
        (*ORGANISATION_HEADERS, "Đảng viên chính thức"),
        lambda o, ctx: _organisation_row(o, ctx, o.official),
    ),
    Todo(
        "chi-bo-chua-sinh-hoat",
        "Chi bộ chưa ghi nhận buổi sinh hoạt nào trong tháng {last_month}",
        OFFICE,
        "units.view_meeting",
        _no_meeting,
        ORGANISATION_HEADERS,
        _organisation_row,
    ),
    Todo(
        "dang-vien-chua-xep-loai",
        "Đảng viên chưa được xếp loại năm {last_year}",
        OFFICE,
        "members.view_memberrating",
        _unrated_members,
        MEMBER_HEADERS,
        _period_row,
    ),
    Todo(
        "to-chuc-chua-xep-loai",
        "Tổ chức đảng chưa được xếp loại năm {last_year}",
        OFFICE,
        "units.view_organisationrating",
        _unrated_organisations,
        ORGANISATION_HEADERS,
        _organisation_row,
    ),
    Todo(
        "nhap-chua-xac-nhan",
        "Lần nhập dữ liệu đã xem trước nhưng chưa xác nhận",
        OFFICE,
        "importing.add_importbatch",
        _unconfirmed_imports,
        ("Tệp", "Loại dữ liệu", "Tổ chức", "Người nhập", "Lúc tải lên"),
        _import_row,
    ),
    Todo(
        "ubkt-don-thu-qua-han",
        "Đơn thư quá hạn giải quyết",
        INSPECTION,
        "inspections.view_letter",
        _letters_overdue,
        LETTER_HEADERS,
        _letter_row,
    ),
    Todo(
        "ubkt-don-thu-den-han",
        f"Đơn thư đến hạn giải quyết trong {LETTER_HORIZON_WORKING_DAYS} ngày làm việc tới",
        INSPECTION,
        "inspections.view_letter",
        _letters_due,
        LETTER_HEADERS,
        _letter_row,
    ),
    Todo(
        "kiem-tra-chua-ket-luan",
        "Cuộc kiểm tra của Đảng ủy Khối, Ủy ban Kiểm tra chưa có kết luận",
        INSPECTION,
        "inspections.view_inspection",
        _inspections_open,
        ("Số quyết định", "Ngày quyết định", "Loại kiểm tra", "Chủ thể"),
        _inspection_row,
    ),
    Todo(
        "ky-luat-trong-nam",
        "Quyết định kỷ luật năm {this_year}",
        INSPECTION,
        "inspections.view_disciplinedecision",
        _discipline_of_year,
        ("Đảng viên / tổ chức", "Hình thức", "Số quyết định", "Ngày quyết định"),
        _discipline_row,
    ),
]
TODOS_BY_KEY = {todo.key: todo for todo in TODOS}
