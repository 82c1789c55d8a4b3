"""Report pages for leaders: term summary, year report, organisation page and drill-downs. Views
only read the request, build a Scope and render what `partyblock.reports.sections` computes."""

import datetime
from urllib.parse import urlencode

from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponseServerError
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from members.queries import SEARCH_TOO_SHORT, name_words, search_too_short
from partyblock.accounts.access import (
    ORGANISATION_PARAM,
    may_see_figure,
    may_see_section,
    organisation_in_scope,
    requested_organisation,
    visible,
    visible_organisations,
)
from partyblock.audit.log import log_denied
from partyblock.core import params
from partyblock.core.figures import FIGURES, value
from partyblock.core.text import day_text
from partyblock.core.xlsx import xlsx_response
from partyblock.reports import composition_report, drilldown, targets
from partyblock.reports.composition import MEMBER_BREAKDOWNS
from partyblock.reports.document_form import document_form
from partyblock.reports.figures import Scope
from partyblock.reports.organisation_page import organisation_context
from partyblock.reports.sections import (
    build_report,
    count_cells,
    scope_title,
    year_admissions_chart,
    year_comparison,
)
from units.models import GRASSROOTS_KINDS, Term

AS_OF_PARAM = "ngay"
FROM_PARAM, TO_PARAM = "tu-ngay", "den-ngay"  # a period other than a term or a year (composition)
# The composition page's days: (parameter, shorter alias, the form's label).
PERIOD_PARAMS = (
    (AS_OF_PARAM, AS_OF_PARAM, "Đảng viên có đến ngày"),
    (FROM_PARAM, "tu", "Kết nạp từ ngày"),
    (TO_PARAM, "den", "Kết nạp đến ngày"),
)
ORGANISATION_PARAMS = ("tccs",)  # drill-down parameters that name an organisation by its code


def scope_from_request(request, term_label=None, year=None):
    """(scope, error message or None) for a term or a year, from ?ngay (bounded by the period:
    `partyblock.core.params`) and ?to-chuc."""
    organisation = requested_organisation(request)
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


def period_scope_from_request(request):
    """(scope, error) for the composition page: members on ?ngay (default today), admissions from
    ?tu-ngay (default 1 January of that year) to ?den-ngay (default the as-of day). `?tu`/`?den`
    are read as `?tu-ngay`/`?den-ngay`. Every unusable value is named in the message (its field and
    parameter), and a start after the end is refused rather than silently replaced."""
    organisation = requested_organisation(request)
    if organisation is None and not organisation_in_scope(request.user, None):
        raise Http404("Tài khoản chưa được giao phạm vi báo cáo.")
    today = timezone.localdate()
    days, errors = {}, []
    for param, alias, label in PERIOD_PARAMS:
        name = param if request.GET.get(param) or not request.GET.get(alias) else alias
        days[param], message = params.as_of_day(request.GET.get(name), params.PARTY_FOUNDED, today)
        if message:
            errors.append(f"{label} (tham số “{name}”): {message}")
    as_of = days[AS_OF_PARAM] or days[TO_PARAM] or today
    ends_on = days[TO_PARAM] or as_of
    starts_on = days[FROM_PARAM] or datetime.date(ends_on.year, 1, 1)
    if starts_on > ends_on:
        default = datetime.date(ends_on.year, 1, 1)
        errors.append(
            f"Ngày bắt đầu kỳ kết nạp ({day_text(starts_on)}) sau ngày kết thúc ({day_text(ends_on)}); "
            f"số liệu kết nạp dưới đây tính từ {day_text(default)} đến {day_text(ends_on)}."
        )
        starts_on = default
    return Scope(starts_on, ends_on, as_of, organisation), " ".join(errors) or None


def scope_query(scope):
    """The query string that recreates `scope` on another page (drill-down, export)."""
    if scope.term:
        query = {"nhiem-ky": scope.term.label}
    elif (scope.starts_on.month, scope.starts_on.day, scope.ends_on.month, scope.ends_on.day) == (
        1,
        1,
        12,
        31,
    ) and (scope.starts_on.year == scope.ends_on.year):
        query = {"nam": scope.starts_on.year}
    else:
        query = {FROM_PARAM: scope.starts_on.isoformat(), TO_PARAM: scope.ends_on.isoformat()}
    default_as_of = scope.ends_on
    if scope.as_of != default_as_of:
        query[AS_OF_PARAM] = day_text(scope.as_of)
    if scope.organisation is not None:
        query[ORGANISATION_PARAM] = scope.organisation.code
    return query


def drilldown_url(scope, cell):
    scope = cell.scope or scope
    return (
        reverse("reports:drilldown", args=[cell.key]) + "?" + urlencode({**scope_query(scope), **cell.params})
    )


def _report_page(request, scope, error, kind):
    sections = [s for s in build_report(scope) if may_see_section(request.user, s)]
    judged = targets.judged_targets(scope)
    comparison, year_term, year_chart = [], None, ""
    if kind == "year":
        comparison, year_term = year_comparison(scope)
        if year_term is not None:
            year_chart = year_admissions_chart(scope, year_term)
    for cell in count_cells(sections, comparison):
        cell.url = drilldown_url(scope, cell)
    if request.GET.get("xuat") == "xlsx":
        period = f"nhiệm kỳ {scope.term.label}" if scope.term else f"năm {scope.starts_on.year}"
        return xlsx_response(
            report_sheets(scope, sections, judged, comparison),
            f"báo cáo {period}",
            code=_code(scope),
            day=scope.as_of,
        )
    context = {
        "document": document_form(scope.organisation, _document_summary(scope), timezone.localdate()),
        "comparison": comparison,
        "year_term": year_term,
        "year_chart": year_chart,
        "judged_targets": judged,
        "judgement_rule": targets.JUDGEMENT_RULE,
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


def _document_summary(scope):
    if scope.term:
        if scope.organisation is None:
            return (
                f"tổng kết thực hiện Nghị quyết Đại hội Đảng bộ Khối lần thứ {scope.term.congress_ordinal}, "
                f"nhiệm kỳ {scope.term.label.replace('-', ' - ')}"
            )
        return f"tổng kết nhiệm kỳ {scope.term.label.replace('-', ' - ')}"
    return f"kết quả công tác xây dựng Đảng năm {scope.starts_on.year}"


def _code(scope):
    """The code a download of the scope's figures is named with (`core.xlsx.download_name`, with
    the day they are as of): the organisation's, none for the whole Khối."""
    return scope.organisation.code if scope.organisation else None


def _met_text(met):
    return "" if met is None else ("Đạt" if met else "Chưa đạt")


def report_sheets(scope, sections, judged=(), comparison=()):
    """The congress targets' sheet (when the term has targets), then one sheet per section: the
    rows (actual, target, met), then each table; the judgement rule closes the first sheet."""
    if judged:
        rows = [
            [
                j.target.description,
                j.measure.basis if j.measure else "",
                j.value,
                j.target.unit,
                j.actual,
                _met_text(j.met) if j.measure else "Chưa có số liệu để đánh giá",
            ]
            for j in judged
        ]
        rows += [[], [targets.JUDGEMENT_RULE]]
        yield (
            "Chỉ tiêu Đại hội",
            ["Chỉ tiêu", "Cách tính", "Chỉ tiêu", "Đơn vị", "Thực hiện", "Đánh giá"],
            rows,
        )
    if comparison:
        year = scope.starts_on.year
        rows = [
            [
                c.label,
                c.this.value,
                c.previous.value,
                c.change,
                c.target.value if c.target else None,
                c.to_date.value if c.to_date else None,
                c.pace,
                c.verdict,
            ]
            for c in comparison
        ]
        headers = [
            "Nội dung",
            f"Năm {year}",
            f"Năm {year - 1}",
            "Tăng, giảm",
            "Chỉ tiêu nhiệm kỳ",
            "Lũy kế nhiệm kỳ",
            "Tiến độ",
            "Đánh giá",
        ]
        yield ("So sánh", headers, rows)
    for number, section in enumerate(sections, start=1):
        rows = []
        for row in section.rows:
            met = _met_text(row.met)
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
        yield (
            f"{number}. {section.short or section.title}",
            ["Chỉ tiêu / nội dung", "Thực hiện", "Chỉ tiêu", "Đánh giá"],
            rows,
        )


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


def _named_organisations(request, key, wanted):
    """The organisations a drill-down's parameters name by code (`tccs`), each as "name (code)" for
    the heading; one outside the user's scope is not found, as on the other report pages."""
    named = []
    for name in ORGANISATION_PARAMS:
        if name not in wanted:
            continue
        organisation = visible_organisations(request.user).filter(code=wanted[name]).first()
        if organisation is None:
            log_denied(request, f"chi tiết số liệu {key} của {wanted[name]}")
            raise Http404("Không có tổ chức này trong phạm vi bạn được xem.")
        named.append(f"{organisation.name} ({organisation.code})")
    return named


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
        elif request.GET.get(FROM_PARAM):
            scope, error = period_scope_from_request(request)
            if error:
                raise Http404(error)
        else:
            raise Http404("Thiếu nhiệm kỳ hoặc năm.")
        wanted = {name: request.GET[name] for name in figure.params if request.GET.get(name)}
        wanted = {
            name: params.year_value(text) if name == "year" else params.text_value(text)
            for name, text in wanted.items()
        }
        named = _named_organisations(request, key, wanted)
        counted = figure.records(scope, **wanted)
    except (TypeError, ValueError, OverflowError) as error:
        raise Http404(f"Tham số không hợp lệ: {error}") from None
    records = visible(counted, request.user)
    total = records.count()
    # The figure counts every record of the organisation on its day; grassroots staff see the
    # records that still belong to their TCCS (the access rule), not members who moved on to another
    # one nor organisations now under another: the page says how many of the counted records that
    # leaves out, in words that fit the records (`drilldown.hidden_records_text`; none for the Khối's roles,
    # for whom `visible` returns the queryset itself, with no second count).
    hidden = 0 if records is counted else counted.count() - total
    queryset, columns = drilldown.prepare(records, scope)
    search = request.GET.get("q", "").strip()
    too_short = bool(search and columns.search) and search_too_short(search)
    if too_short:  # one letter is in every name: not run (the member list's rule)
        queryset = queryset.none()
    elif search and columns.search:
        matches = Q()
        for field in columns.search:
            if field.endswith("search_name"):  # a name by its words, as the member list finds it
                matches |= name_words(search, field)
            else:
                matches |= Q(**{f"{field}__icontains": search})
        queryset = queryset.filter(matches)
    if request.GET.get("xuat") == "xlsx":
        return xlsx_response(
            [(figure.label, list(columns.headers), (columns.row(r) for r in queryset))],
            f"chi tiết {figure.label}",
            code=_code(scope),
            day=scope.as_of,
        )
    page = Paginator(queryset, 50).get_page(request.GET.get("trang"))
    rows = []
    for record in page.object_list:
        link = None
        if columns.link:
            name, pk = columns.link(record)
            try:
                link = reverse(name, args=[pk])
            except NoReverseMatch:  # a record without an admin page (yet)
                link = None
        rows.append((link, columns.row(record)))
    back = {**scope_query(scope)}
    if records.model._meta.label_lower == "admission.candidate":  # the pipeline board's figures
        back = {ORGANISATION_PARAM: scope.organisation.code} if scope.organisation else {}
        back[AS_OF_PARAM] = day_text(scope.as_of)
        report_url = reverse("reports:admission_board")
    elif scope.term:
        report_url = reverse("reports:term", args=[scope.term.label])
    elif "nam" in back:
        report_url = reverse("reports:year", args=[scope.starts_on.year])
    else:
        report_url = reverse("reports:composition")
    context = {
        "title": figure.label,
        "terms": Term.objects.all(),
        "param_labels": [
            *named,
            *drilldown.describe_params(
                records.model,
                {
                    k: figure.group_label(v) if k == "group" else v
                    for k, v in wanted.items()
                    if k not in ORGANISATION_PARAMS
                },
            ),
        ],
        "figure": figure,
        "scope": scope,
        "scope_title": scope_title(scope),
        "params": wanted,
        "total": total,
        "hidden": hidden,
        "hidden_text": drilldown.hidden_records_text(records.model) if hidden else ("", ""),
        "page": page,
        "rows": rows,
        "headers": columns.headers,
        "search": search,
        "search_too_short": SEARCH_TOO_SHORT if too_short else "",
        "query_without_page": urlencode({k: v for k, v in request.GET.items() if k != "trang"}),
        "report_url": report_url + "?" + urlencode(back),
    }
    return render(request, "reports/drilldown.html", context)


@staff_member_required
def composition_page(request):
    scope, error = period_scope_from_request(request)
    tables = composition_report.tables(scope)
    for table in tables:
        for _, cells in table.rows:
            for cell in cells:
                if cell.key:
                    cell.url = drilldown_url(scope, cell)
    if request.GET.get("xuat") == "xlsx":
        return composition_report.xlsx(scope)
    context = {
        "document": document_form(
            scope.organisation,
            f"số lượng, chất lượng đảng viên (có đến ngày {day_text(scope.as_of)})",
            timezone.localdate(),
        ),
        "scope": scope,
        "title": "Cơ cấu đảng viên",
        "members_tables": tables[: len(MEMBER_BREAKDOWNS)],
        "admissions_tables": tables[len(MEMBER_BREAKDOWNS) :],
        # The totals add up a breakdown already counted for the tables (each member and admission
        # is in exactly one group of it): no headcount or admission pass of their own.
        "members": sum(value("members_by_gender", scope).values()),
        "admissions": sum(value("admissions_by_gender", scope).values()),
        "error": error,
        "terms": Term.objects.all(),
        "query": urlencode(scope_query(scope)),
        # The chooser's options as (code, name): no model instance nor attribute look-up per TCCS.
        "organisations": visible_organisations(request.user)
        .filter(kind__in=GRASSROOTS_KINDS)
        .order_by("path")
        .values_list("code", "name"),
        "chosen": scope.organisation.code if scope.organisation else None,
    }
    return render(request, "reports/composition.html", context)


@staff_member_required
def organisation_page(request, code):
    organisation = visible_organisations(request.user).filter(code=code).first()
    if organisation is None:
        log_denied(request, f"trang tổ chức {code}")
        raise Http404("Không có tổ chức này trong phạm vi bạn được xem.")
    today = timezone.localdate()
    earliest = min(organisation.founded_on or params.PARTY_FOUNDED, today)
    as_of, error = params.as_of_day(request.GET.get(AS_OF_PARAM), earliest, today)
    context = organisation_context(organisation, as_of or today, user=request.user)
    for cell in context["cells"]:
        if may_see_figure(request.user, FIGURES[cell.key]):
            cell.url = drilldown_url(context["scope"], cell)
    context.update({"error": error, "title": organisation.name, "terms": Term.objects.all()})
    return render(request, "reports/organisation.html", context)


def server_error(request):
    """The 500 page (urls.handler500), showing the request id the error was logged under so staff
    can quote it. Rendered without context processors, like Django's own, since something broke."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"request_id": getattr(request, "request_id", "")}))
