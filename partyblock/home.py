"""The home page ("Trang chủ", `/`) of each role, the to-do lists it links to, and the header's
search box. Office roles (admin, bloc office, grassroots staff) see their to-do list, leaders the
summaries of the latest terms and year, the inspection committee its letters, inspections and
discipline. Every list goes through `partyblock.accounts.access.visible` and the user's report scope."""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from members.models import Member, MembershipPeriod
from members.queries import SEARCH_TOO_SHORT, search_too_short
from partyblock.accounts.access import (
    ROLE_ADMIN,
    ROLE_GRASSROOTS,
    ROLE_INSPECTION,
    ROLE_LEADER,
    ROLE_OFFICE,
    default_report_organisation,
    may_see_figure,
    member_search,
    requested_organisation,
    role_names,
    sees_full_national_id,
    shown_value,
    visible,
    visible_organisations,
)
from partyblock.admission.queries import candidates
from partyblock.core.figures import FIGURES
from partyblock.core.text import day_text, number_text, search_key
from partyblock.importing.templates import export_response
from partyblock.reports import pipeline, targets
from partyblock.reports.figures import Scope
from partyblock.todos import INSPECTION, OFFICE, TODOS, TODOS_BY_KEY, TodoContext
from units.models import Organisation, Term
from units.queries import organisations_matching

OFFICE_ROLES = (ROLE_ADMIN, ROLE_OFFICE, ROLE_GRASSROOTS)
TODO_PAGE_SIZE = 50
SEARCH_LIMIT = 20


def today():
    """The day the home page and its to-do lists are made for (the local date)."""
    return timezone.localdate()


def audiences(user):
    """Which parts of the home page a user sees: to-do lists (office, inspection), summaries."""
    names = role_names(user)
    parts = set()
    if user.is_superuser or names & set(OFFICE_ROLES):
        parts.add(OFFICE)
    if ROLE_INSPECTION in names:
        parts.add(INSPECTION)
    if ROLE_LEADER in names:
        parts.add("leader")
    return parts


def todos_for(user):
    parts = audiences(user)
    return [t for t in TODOS if t.audience in parts and user.has_perm(t.permission)]


@dataclass
class TodoLine:
    key: str
    title: str
    count: int
    url: str


def todo_lines(user, today, audience):
    ctx = TodoContext(user, today)
    lines = []
    for todo in todos_for(user):
        if todo.audience != audience:
            continue
        lines.append(
            TodoLine(
                todo.key,
                todo.title(ctx),
                todo.count(todo.items(ctx)),
                reverse("todo", args=[todo.key]),
            )
        )
    return lines


# --- leaders' summaries --------------------------------------------------------------------------
TERM_FIGURES = ("members", "admissions", "tccs", "chi_bo_truc_thuoc", "member_good_or_better_min_pct")
YEAR_FIGURES = ("members", "admissions", "tccs", "chi_bo_truc_thuoc", "meeting_attendance_pct")
TODAY_FIGURES = ("members", "members_probationary", "tccs", "chi_bo_truc_thuoc")


@dataclass
class Summary:
    title: str
    url: str
    figures: list = field(default_factory=list)  # (label, shown value, drill-down url or None)


def _scope_params(scope):
    params = {"nhiem-ky": scope.term.label} if scope.term else {"nam": scope.starts_on.year}
    if scope.as_of != scope.ends_on:
        params["ngay"] = day_text(scope.as_of)
    if scope.organisation is not None:
        params["to-chuc"] = scope.organisation.code
    return params


def _shown(key, value):
    """A figure's value the Vietnamese way (4.925; 98,7%)."""
    if isinstance(value, bool) or value is None:
        return "—"
    if isinstance(value, int):
        return number_text(value)
    if isinstance(value, float):
        return number_text(value, 1) + ("%" if key.endswith("_pct") else "")
    return str(value)


def _summary(title, url, scope, keys):
    summary = Summary(title, url)
    for key in keys:
        figure = FIGURES[key]
        value = figure.value(scope)
        link = None
        if figure.countable:
            link = reverse("reports:drilldown", args=[key]) + "?" + urlencode(_scope_params(scope))
        summary.figures.append((figure.label, _shown(key, value), link))
    return summary


PIPELINE_FIGURES = (
    "candidates",
    "candidates_stuck",
    "candidates_likely",
    "admissions",
    "admissions_projected",
    "admissions_target_to_date",
)


def pipeline_summary(user, organisation, today):
    """The admission pipeline's key figures with the term's pace (the board's projection)."""
    term = pipeline.board_term(today)
    if term is None or not all(may_see_figure(user, FIGURES[key]) for key in PIPELINE_FIGURES):
        return None
    scope = pipeline.term_scope(term, organisation, today)
    query = f"?to-chuc={organisation.code}" if organisation else ""
    summary = _summary(
        f"Phát triển đảng viên, nhiệm kỳ {term.label}",
        reverse("reports:admission_board") + query,
        scope,
        PIPELINE_FIGURES,
    )
    projected, expected = (
        FIGURES["admissions_projected"].value(scope),
        FIGURES["admissions_target_to_date"].value(scope),
    )
    if expected is not None:
        verdict = "Đúng tiến độ" if targets.on_pace(projected, expected) else "Chậm tiến độ"
        summary.figures.append(("Tiến độ", verdict, None))
    return summary


def leader_summaries(user, today):
    """The latest two terms begun by today, last year's report and the organisation page of the
    user's scope, each with a few key figures."""
    organisation = default_report_organisation(user)
    query = f"?to-chuc={organisation.code}" if organisation else ""
    summaries = []
    for term in Term.objects.filter(starts_on__lte=today).order_by("-starts_on")[:2]:
        current = term.starts_on <= today <= term.ends_on
        scope = Scope.for_term(term, organisation=organisation)
        title = f"Nhiệm kỳ {term.label}" + (" (hiện tại)" if current else "")
        summaries.append(
            _summary(title, reverse("reports:term", args=[term.label]) + query, scope, TERM_FIGURES)
        )
    year = today.year - 1
    scope = Scope.for_year(year, organisation=organisation)
    summaries.append(
        _summary(f"Năm {year}", reverse("reports:year", args=[year]) + query, scope, YEAR_FIGURES)
    )
    root = organisation or Organisation.objects.filter(depth=0).order_by("path").first()
    if root is not None:
        scope = Scope.for_year(today.year, as_of=today, organisation=organisation)
        summaries.append(
            _summary(
                f"{root.name}, ngày {day_text(today)}",
                reverse("organisation", args=[root.code]),
                scope,
                TODAY_FIGURES,
            )
        )
    pipeline = pipeline_summary(user, organisation, today)
    if pipeline is not None:
        summaries.append(pipeline)
    return summaries


def _admin_context(request, title):
    return {**admin.site.each_context(request), "title": title, "subtitle": None}


@staff_member_required
def home(request):
    day = today()
    parts = audiences(request.user)
    context = _admin_context(request, "Trang chủ")
    context.update(
        {
            "today": day,
            "scope_name": getattr(default_report_organisation(request.user), "name", None),
            "office_todos": todo_lines(request.user, day, OFFICE) if OFFICE in parts else None,
            "inspection_todos": todo_lines(request.user, day, INSPECTION) if INSPECTION in parts else None,
            "summaries": leader_summaries(request.user, day) if "leader" in parts else None,
        }
    )
    return TemplateResponse(request, "home/home.html", context)


@staff_member_required
def todo_list(request, key):
    todo = TODOS_BY_KEY.get(key)
    if todo is None or todo not in todos_for(request.user):
        raise Http404("Không có việc cần làm này.")
    ctx = TodoContext(request.user, today())
    items = todo.items(ctx)
    page = Paginator(items, TODO_PAGE_SIZE).get_page(request.GET.get("trang"))
    context = _admin_context(request, todo.title(ctx))
    context.update(
        {
            "todo": todo,
            "total": page.paginator.count,
            "page": page,
            "headers": todo.headers,
            "rows": [todo.row(item, ctx) for item in page.object_list],
        }
    )
    return TemplateResponse(request, "home/todo_list.html", context)


# --- search -----------------------------------------------------------------------------------
@dataclass
class MemberHit:
    member: Member
    url: str
    placement: str
    national_id: str


def member_matches(term, user):
    """Members in the user's scope whose name holds every word of `term` (without diacritics),
    whose party card number is `term`, or — only for roles that see it whole — whose CCCD is `term`."""
    if not search_key(term).split():
        return Member.objects.none()
    matches = member_search(term, user)  # the member list's search, the CCCD as the rule allows
    return visible(Member.objects.filter(matches), user).order_by("sort_key", "birth_date", "pk")


def organisation_matches(term, user):
    """Organisations in the user's scope whose name (with its agency) holds every word of `term`
    (without diacritics) or whose code is `term` (any case): `organisations_matching`, as the
    admin's organisation list and autocomplete."""
    if not search_key(term).split():
        return []
    return list(organisations_matching(visible_organisations(user), term).order_by("path"))


def _placements(members, ctx):
    """{member id: the chi bộ (with its TCCS) of the member's latest registration in the Khối}."""
    latest = {}
    periods = MembershipPeriod.objects.filter(member__in=members, organisation__isnull=False)
    for period in periods.select_related("organisation").order_by("starts_on"):
        latest[period.member_id] = period
    return {
        member_id: ctx.placed(period.organisation)
        + ("" if period.ends_on is None else f" (đến {day_text(period.ends_on)})")
        for member_id, period in latest.items()
    }


@staff_member_required
def search(request):
    term = request.GET.get("q", "").strip()[:100]
    context = _admin_context(request, f"Tìm kiếm “{term}”" if term else "Tìm kiếm")
    members, organisations, total, organisation_total = [], [], 0, 0
    too_short = bool(term) and search_too_short(term)  # one letter is in every name: not run
    if term and not too_short:
        ctx = TodoContext(request.user, today())
        matches = member_matches(term, request.user)
        total = matches.count()
        shown = list(matches[:SEARCH_LIMIT])
        placements = _placements(shown, ctx)
        members = [
            MemberHit(
                m,
                reverse("admin:members_member_change", args=[m.pk]),
                placements.get(m.pk, ""),
                shown_value(request.user, Member, "national_id", m.national_id),
            )
            for m in shown
        ]
        found = organisation_matches(term, request.user)
        organisation_total = len(found)
        organisations = [
            (o, ctx.placed(o), reverse("admin:units_organisation_change", args=[o.pk]))
            for o in found[:SEARCH_LIMIT]
        ]
    context.update(
        {
            "term": term,
            "too_short": SEARCH_TOO_SHORT if too_short else "",
            "members": members,
            "member_total": total,
            "more_members_url": reverse("admin:members_member_changelist") + "?" + urlencode({"q": term}),
            "organisations": organisations,
            "organisation_total": organisation_total,
            "limit": SEARCH_LIMIT,
            "search_term": term,
            "show_ids": sees_full_national_id(request.user),
            "sees_full_id": sees_full_national_id(request.user),
        }
    )
    return TemplateResponse(request, "home/search.html", context)


# --- downloads ----------------------------------------------------------------------------------
@staff_member_required
def candidate_list(request):
    """The candidates of the organisation asked for (a grassroots user's own TCCS by default; the
    board's `?to-chuc=`) in the import template's columns: edited in Excel, the file imports back
    (the CCCD as the user may see it). Linked from the admission pipeline board."""
    if not request.user.has_perm("admission.view_candidate"):
        raise PermissionDenied
    organisation = requested_organisation(request)
    return export_response("candidates", visible(candidates(organisation), request.user), user=request.user)
