"""Report pages for leaders: term summary, year report, organisation page and drill-downs. Views
only read the request, build a Scope and render what `partyblock.reports` computes."""

import datetime
from urllib.parse import urlencode

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from partyblock import drilldown
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


def _as_of(request):
    text = request.GET.get(AS_OF_PARAM, "").strip()
    if not text:
        return None, None
    try:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date(), None
    except ValueError:
        return None, f"Ngày “{text}” không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 31/12/2018."


def _organisation(request):
    """The organisation a report is narrowed to: the one asked for (404 outside the user's scope),
    else the user's own TCCS for grassroots staff, else the whole Khối (None)."""
    code = request.GET.get(ORGANISATION_PARAM)
    if not code:
        return default_report_organisation(request.user)
    organisation = visible_organisations(request.user).filter(code=code).first()
    if organisation is None:
        log_denied(request, f"báo cáo của {code}")
        raise Http404("Không có tổ chức này trong phạm vi bạn được xem.")
    return organisation


def scope_from_request(request, term_label=None, year=None):
    """(scope, error message or None) for a term or a year, from ?ngay and ?to-chuc."""
    as_of, error = _as_of(request)
    organisation = _organisation(request)
    if organisation is None and not organisation_in_scope(request.user, None):
        raise Http404("Tài khoản chưa được giao phạm vi báo cáo.")
    if term_label is not None:
        term = get_object_or_404(Term, label=term_label)
        return Scope.for_term(term, as_of=as_of, organisation=organisation), error
    if not 1990 <= year <= timezone.localdate().year + 1:
        raise Http404("Năm ngoài phạm vi dữ liệu.")
    return Scope.for_year(year, as_of=as_of, organisation=organisation), error


def scope_query(scope):
    """The query string that recreates `scope` on another page (drill-down, export)."""
    params = {"nhiem-ky": scope.term.label} if scope.term else {"nam": scope.starts_on.year}
    default_as_of = scope.ends_on
    if scope.as_of != default_as_of:
        params[AS_OF_PARAM] = scope.as_of.strftime("%d/%m/%Y")
    if scope.organisation is not None:
        params[ORGANISATION_PARAM] = scope.organisation.code
    return params


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
    if term_label:
        scope, _ = scope_from_request(request, term_label=term_label)
    elif year and year.isdigit():
        scope, _ = scope_from_request(request, year=int(year))
    else:
        raise Http404("Thiếu nhiệm kỳ hoặc năm.")
    params = {name: request.GET[name] for name in figure.params if request.GET.get(name)}
    try:
        records = figure.records(scope, **params)
    except (TypeError, ValueError) as error:
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
        "param_labels": drilldown.describe_params(records.model, params),
        "figure": figure,
        "scope": scope,
        "scope_title": scope_title(scope),
        "params": params,
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
    as_of, error = _as_of(request)
    context = organisation_context(organisation, as_of or timezone.localdate(), user=request.user)
    context.update({"error": error, "title": organisation.name, "terms": Term.objects.all()})
    return render(request, "reports/organisation.html", context)
