"""Report pages for leaders: term summary, year report, organisation page and drill-downs. Views
only read the request, build a Scope and render what `partyblock.reports` computes."""

import datetime
from urllib.parse import urlencode

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponseServerError
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone

from partyblock import drilldown, params
from partyblock.access import (
    default_report_organisation,
    may_see_figure,
    may_see_section,
    organisation_in_scope,
    visible,
    visible_organisations,
)
from partyblock.audit import log_denied
from partyblock.figures import FIGURES, Scope
from partyblock.reports import build_report, count_cells, scope_title
from partyblock.text import search_key
from partyblock.xlsx import xlsx_response
from units.models import Term

AS_OF_PARAM = "ngay"
ORGANISATION_PARAM = "to-chuc"


def _organisation(request):
    """The organisation a report is narrowed to: the one asked for (404 outside the user's scope),
    else the user's own TCCS for grassroots staff, else the whole Khối (None)."""
    code = request.GET.get(ORGANISATION_PARAM)
    if code is not None:
        try:
            code = params.text_value(code)
        except ValueError:
            raise Http404("Không có tổ chức này trong phạm vi bạn được xem.") from None
    if not code:
        return default_report_organisation(request.user)
    organisation = visible_organisations(request.user).filter(code=code).first()
    if organisation is None:
        log_denied(request, f"báo cáo của {code}")
        raise Http404("Không có tổ chức này trong phạm vi bạn được xem.")
    return organisation


def scope_from_request(request, term_label=None, year=None):
    """(scope, error message or None) for a term or a year, from ?ngay (bounded by the period:
    `partyblock.params`) and ?to-chuc."""
    organisation = _organisation(request)
    if organisation is None and not organisation_in_scope(request.user, None):
        raise Http404("Tài khoản chưa được giao phạm vi báo cáo.")
    if term_label is not None:
        term = get_object_or_404(Term, label=term_label)
        as_of, error = params.as_of_day(request.GET.get(AS_OF_PARAM), term.starts_on, term.ends_on)
        return Scope.for_term(term, as_of=as_of, organisation=organisation), error
    if not 1990 <= year <= timezone.localdate().year + 1:
        raise Http404("Năm ngoài phạm vi dữ liệu.")
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    as_of, error = params.as_of_day(request.GET.get(AS_OF_PARAM), first, last)
    return Scope.for_year(year, as_of=as_of, organisation=organisation), error


def scope_query(scope):
    """The query string that recreates `scope` on another page (drill-down, export)."""
    query = {"nhiem-ky": scope.term.label} if scope.term else {"nam": scope.starts_on.year}
    default_as_of = scope.ends_on
    if scope.as_of != default_as_of:
        query[AS_OF_PARAM] = scope.as_of.strftime("%d/%m/%Y")
    if scope.organisation is not None:
        query[ORGANISATION_PARAM] = scope.organisation.code
    return query


def drilldown_url(scope, cell):
    return (
        reverse("reports:drilldown", args=[cell.key]) + "?" + urlencode({**scope_query(scope), **cell.params})
    )


def _report_page(request, scope, error, kind):
    sections = [s for s in build_report(scope) if may_see_section(request.user, s)]
    for cell in count_cells(sections):
        cell.url = drilldown_url(scope, cell)
    if request.GET.get("xuat") == "xlsx":
        return xlsx_response(f"bao-cao-{_slug(scope)}.xlsx", report_sheets(scope, sections))
    context = {
        "scope": scope,
        "title": scope_title(scope),
        "sections": sections,
        "error": error,
        "kind": kind,
        "terms": Term.objects.all(),
        "query": urlencode(scope_query(scope)),
        "today": timezone.localdate(),
    }
    return render(request, "reports/report.html", context)


def _slug(scope):
    base = scope.term.label if scope.term else str(scope.starts_on.year)
    return base + (f"-{scope.organisation.code}" if scope.organisation else "")


def report_sheets(scope, sections):
    """One sheet per section: the rows (actual, target, met), then each table."""
    for section in sections:
        rows = []
        for row in section.rows:
            met = "" if row.met is None else ("Đạt" if row.met else "Chưa đạt")
            rows.append(
                [
                    "    " * row.level + row.label,
                    row.actual.value,
                    row.target.value if row.target else None,
                    met,
                ]
            )
        for table in section.tables:
            rows.append([])
            rows.append([table.caption])
            rows.append(table.headers)
            rows.extend([label, *[c.value for c in cells]] for label, cells in table.rows)
        yield (section.title, ["Chỉ tiêu / nội dung", "Thực hiện", "Chỉ tiêu", "Đánh giá"], rows)


@staff_member_required
def index(request):
    years = range(timezone.localdate().year, 2014, -1)
    return render(
        request, "reports/index.html", {"terms": Term.objects.all(), "years": years, "title": "Báo cáo"}
    )


@staff_member_required
def term_report(request, label):
    scope, error = scope_from_request(request, term_label=label)
    return _report_page(request, scope, error, "term")


@staff_member_required
def year_report(request, year):
    scope, error = scope_from_request(request, year=year)
    return _report_page(request, scope, error, "year")


@staff_member_required
def drilldown_view(request, key):
    figure = FIGURES.get(key)
    if figure is None or not figure.countable:
        raise Http404("Không có số liệu này.")
    if not may_see_figure(request.user, figure):
        log_denied(request, f"chi tiết số liệu {key}")
        raise Http404("Không có số liệu này.")
    term_label, year = request.GET.get("nhiem-ky"), request.GET.get("nam")
    try:
        if term_label:
            scope, _ = scope_from_request(request, term_label=params.text_value(term_label))
        elif year:
            scope, _ = scope_from_request(request, year=params.year_value(year))
        else:
            raise Http404("Thiếu nhiệm kỳ hoặc năm.")
        wanted = {name: request.GET[name] for name in figure.params if request.GET.get(name)}
        wanted = {
            name: params.year_value(text) if name == "year" else params.text_value(text)
            for name, text in wanted.items()
        }
        records = figure.records(scope, **wanted)
    except (TypeError, ValueError, OverflowError) as error:
        raise Http404(f"Tham số không hợp lệ: {error}") from None
    records = visible(records, request.user)
    total = records.count()
    queryset, columns = drilldown.prepare(records, scope)
    search = request.GET.get("q", "").strip()
    if search and columns.search:
        matches = Q()
        for field in columns.search:
            term = search_key(search) if field.endswith("search_name") else search
            matches |= Q(**{f"{field}__icontains": term})
        queryset = queryset.filter(matches)
    if request.GET.get("xuat") == "xlsx":
        return xlsx_response(
            f"chi-tiet-{key}.xlsx",
            [(figure.label, list(columns.headers), (columns.row(r) for r in queryset))],
        )
    page = Paginator(queryset, 50).get_page(request.GET.get("trang"))
    rows = []
    for record in page.object_list:
        link = None
        if columns.link:
            name, pk = columns.link(record)
            link = reverse(name, args=[pk])
        rows.append((link, columns.row(record)))
    back = {**scope_query(scope)}
    report_url = (
        reverse("reports:term", args=[scope.term.label])
        if scope.term
        else reverse("reports:year", args=[scope.starts_on.year])
    )
    context = {
        "title": figure.label,
        "terms": Term.objects.all(),
        "param_labels": drilldown.describe_params(records.model, wanted),
        "figure": figure,
        "scope": scope,
        "scope_title": scope_title(scope),
        "params": wanted,
        "total": total,
        "page": page,
        "rows": rows,
        "headers": columns.headers,
        "search": search,
        "query_without_page": urlencode({k: v for k, v in request.GET.items() if k != "trang"}),
        "report_url": report_url + "?" + urlencode(back),
    }
    return render(request, "reports/drilldown.html", context)


@staff_member_required
def organisation_page(request, code):
    from partyblock.organisation_page import organisation_context

    organisation = visible_organisations(request.user).filter(code=code).first()
    if organisation is None:
        log_denied(request, f"trang tổ chức {code}")
        raise Http404("Không có tổ chức này trong phạm vi bạn được xem.")
    today = timezone.localdate()
    earliest = min(organisation.founded_on or params.PARTY_FOUNDED, today)
    as_of, error = params.as_of_day(request.GET.get(AS_OF_PARAM), earliest, today)
    context = organisation_context(organisation, as_of or today, user=request.user)
    context.update({"error": error, "title": organisation.name, "terms": Term.objects.all()})
    return render(request, "reports/organisation.html", context)


def server_error(request):
    """The 500 page (urls.handler500), showing the request id the error was logged under so staff
    can quote it. Rendered without context processors, like Django's own, since something broke."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request_id": getattr(request, "request_id", "")}))
