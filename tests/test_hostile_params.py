"""Every URL of the project, as every persona, with hostile query parameters: never a 500.

URLs are discovered, not listed: every named pattern of the URL resolver (admin changelists, add,
change, history and delete pages of every registered model, custom admin views, report pages, a
drill-down per figure, organisation pages, exports, and whatever a later change adds) is filled in
from `ARGUMENTS` (one supplier per URL keyword). A pattern with a keyword no supplier knows fails
`test_every_url_pattern_can_be_walked`, so a new page is walked or the test says why not.

Parameters are discovered too: those the page itself offers (fields of its GET forms, query keys of
its links: list filters, date hierarchy, sorting, paging, a figure's parameters), plus the names any
page of the project reads (`KNOWN_PARAMETERS`). Each gets hostile values (`HOSTILE`): alone for the
admin persona, all at once for every persona, so one bad value cannot hide another behind a 404.
"""

import datetime
import io
import itertools
import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlparse

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from partyblock.core.figures import FIGURES
from partyblock.importing.batches import prepare
from partyblock.importing.kinds import KINDS
from tests.conftest import PERSONAS
from tests.test_permissions import records  # noqa: F401  (the fixture: one record of each kind)

D = datetime.date

HOSTILE = [
    "abc",
    "99999999999",
    "-1",
    "0",
    "9999",
    "99999999999999999999999999",
    "31/12/9999",
    "00/00/0000",
    "01/01/0001",
    "31/02/2020",
    "1e309",
    "NaN",
    "\x00",
    "a\x00b",
    "x" * 3000,
    "' OR 1=1 --",
    "1; DROP TABLE members_member",
    "\u202eabc\u200b\ufeff𝕏ﾟ∀ﾟ",
    "<script>alert(1)</script>",
    "../../../etc/passwd",
    "[]",
    "-99999999999",
    "2016-13-45",
    "%",
]

# Query parameters pages of the project read; a page's own forms and links add theirs.
KNOWN_PARAMETERS = [
    "ngay",
    "nam",
    "nhiem-ky",
    "to-chuc",
    "to_chuc",
    "trang",
    "xuat",
    "q",
    "o",
    "p",
    "e",
    "year",
    "tccs",
    "nam_ket_nap",
    "tinh_trang",
    "level",
    "_changelist_filters",
    "_popup",
    "_to_field",
    "national_id__startswith",
    "full_name__regex",
    "pk__in",
    "id__gt",
]
# Django's own lookups a hostile user appends to any filter name.
LOOKUP_SUFFIXES = ["__regex", "__year", "__gte", "__in", "__isnull"]

TERM = "2015-2020"


def _patterns(resolver, prefix="", namespace=""):
    """(full name, URLPattern, regex-ish route) for every named pattern."""
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name, pattern, prefix + str(pattern.pattern)


def _keywords(route):
    return re.findall(r"<(?:\w+:)?(\w+)>", route) + re.findall(r"\(\?P<(\w+)>", route)


def _admin_model_for(name):
    """The registered model an admin URL name ("admin:members_member_change") belongs to."""
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(info):
            return model
    return None


def _arguments(name, keywords, objects, tree, batch):
    """Every argument set to walk URL `name` with (a list of kwargs dicts), or None if unknown."""
    model = _admin_model_for(name)
    choices = {}
    for keyword in keywords:
        if keyword in ("object_id", "id") and model is not None:
            record = objects.get(model._meta.label_lower)
            choices[keyword] = [str(record.pk) if record is not None else "999999"]
            if name.endswith("_change"):
                choices[keyword].append("abc")
        elif keyword == "object_id":  # view_on_site
            choices[keyword] = [str(objects["units.organisation"].pk)]
        elif keyword == "content_type_id":
            choices[keyword] = [str(ContentType.objects.get_for_model(objects["units.organisation"]).pk)]
        elif keyword == "app_label":
            choices[keyword] = sorted({m._meta.app_label for m in admin.site._registry})
        elif keyword == "label":
            choices[keyword] = [TERM, "1900-1905"]
        elif keyword == "year":
            choices[keyword] = ["2016", "1989"]
        elif keyword == "key":
            choices[keyword] = sorted(key for key, figure in FIGURES.items() if figure.countable)
        elif keyword == "code":
            choices[keyword] = [tree["dbcs"].code, tree["cbcs"].code]
        elif keyword == "kind":
            choices[keyword] = sorted(KINDS)
        elif keyword == "step":  # a candidate's step form: the next step, and one that is none
            choices[keyword] = ["2", "99"]
        elif keyword == "pk" and "importbatch" in name:
            choices[keyword] = [str(batch.pk)]
        else:
            return None
    names = list(choices)
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*choices.values())]


def _walkable(objects, tree, batch):
    """[(url name, path)] for every named pattern; unknown keywords raise."""
    urls, unknown = [], []
    for name, _pattern, route in _patterns(get_resolver()):
        keywords = _keywords(route)
        arguments = _arguments(name, keywords, objects, tree, batch)
        if arguments is None:
            unknown.append((name, route))
            continue
        for kwargs in arguments:
            urls.append((name, reverse(name, kwargs=kwargs)))
    return urls, unknown


class _Parameters(HTMLParser):
    """Names of GET form fields and of query keys in links, as the page offers them."""

    def __init__(self):
        super().__init__()
        self.names = set()
        self.in_get_form = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.in_get_form = (attributes.get("method") or "get").lower() == "get"
        elif tag in ("input", "select", "textarea") and self.in_get_form and attributes.get("name"):
            self.names.add(attributes["name"])
        elif tag == "a" and "?" in (attributes.get("href") or ""):
            self.names.update(key for key, _ in parse_qsl(urlparse(attributes["href"]).query))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_get_form = False


def _offered_parameters(response):
    if "html" not in response.get("Content-Type", ""):
        return set()
    parser = _Parameters()
    parser.feed(response.content.decode())
    return parser.names


def _base_query(name, path):
    """Parameters a URL needs to be more than a 404 (a drill-down needs its term)."""
    if name == "reports:drilldown":
        return {"nhiem-ky": TERM}
    if name == "admin:members_memberrating_bulk":
        return {"nam": "2016"}
    return {}


@pytest.fixture
def walk(personas, records, tree):  # noqa: F811  (records is the fixture imported above)
    sheet = "Họ và tên,Ngày sinh,Giới tính,Ngày vào Đảng,Chi bộ\nPhan Văn Hùng,01/01/1980,Nam,01/01/2010,Chi bộ Văn phòng\n"
    preview = prepare(
        "members",
        io.BytesIO(sheet.encode()),
        organisation=tree["dbcs"],
        user=personas["quantri"],
        file_name="ds.csv",
    )
    batch = preview.batch
    urls, unknown = _walkable(records, tree, batch)
    return {"urls": urls, "unknown": unknown}


def test_every_url_pattern_can_be_walked(walk):
    assert walk["unknown"] == [], "teach _arguments how to fill these URL keywords"


def _get(client, path, query):
    response = client.get(path, query)
    return response.status_code


def test_no_url_answers_500_to_hostile_parameters(walk, personas):
    clients = {}
    for persona in PERSONAS:
        clients[persona] = Client(raise_request_exception=False)
        clients[persona].force_login(personas[persona])
    failures = []

    def get(persona, name, path, query):
        status = clients[persona].get(path, query).status_code
        if status >= 500:
            shown = {k: (v if len(v) < 20 else v[:8] + "…") for k, v in query.items()}
            failures.append((name, path, persona, shown, status))
        return status

    values = itertools.cycle(HOSTILE)
    walked_names = set()
    for index, (name, path) in enumerate(walk["urls"]):
        base = _base_query(name, path)
        clean = clients["quantri"].get(path, base)
        if clean.status_code >= 500:
            failures.append((name, path, "quantri", base, clean.status_code))
            continue
        own = _figure_parameters(name, path)
        offered = (_offered_parameters(clean) | own) - {"csrfmiddlewaretoken", *base}
        # What the page offers, one parameter at a time, the next value in turn: on the first URL
        # of a pattern (the others, other figures or records of it, read the same parameters),
        # with the lookups a hostile user appends on admin lists; a figure's own on each figure.
        single = offered if name not in walked_names else own
        walked_names.add(name)
        suffixes = ("", *LOOKUP_SUFFIXES[:2]) if name.endswith("_changelist") else ("",)
        for parameter in sorted(single):
            for suffix in suffixes[: 1 if "__" in parameter else None]:
                get("quantri", name, path, {**base, parameter + suffix: next(values)})
        # Every parameter at once, each with a different value, as two personas in turn.
        parameters = sorted(offered | set(KNOWN_PARAMETERS))
        for turn in range(2):
            persona = PERSONAS[(2 * index + turn) % len(PERSONAS)]
            get(persona, name, path, {**{p: next(values) for p in parameters}, **base})
    assert failures == [], "\n".join(map(repr, failures))


def _figure_parameters(name, path):
    if name != "reports:drilldown":
        return set()
    key = path.rstrip("/").rsplit("/", 1)[-1]
    return set(FIGURES[key].params)


# --- the 500s the issue found, one test each --------------------------------------------------------


@pytest.fixture
def office(personas, records):  # noqa: F811
    client = Client()
    client.force_login(personas["vanphong"])
    return client


def _queries(client, path, query):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, query)
    return response, len(queries)


def test_a_far_future_as_of_day_is_a_message_not_eight_thousand_headcounts(office):
    path = reverse("reports:term", args=[TERM])
    _, usual = _queries(office, path, {})
    page, queries = _queries(office, path, {"ngay": "31/12/9999"})
    assert page.status_code == 200
    assert page.context["error"] == (
        "Ngày “31/12/9999” nằm ngoài khoảng có thể xem (15/07/2015 – 31/07/2020); "
        "số liệu dưới đây tính đến ngày mặc định."
    )
    assert page.context["scope"].as_of == D(2020, 7, 31)
    assert queries == usual


def test_an_as_of_day_before_the_term_is_a_message_not_a_division_by_zero(office):
    page = office.get(reverse("reports:term", args=[TERM]), {"ngay": "01/01/2015"})
    assert page.status_code == 200
    assert page.context["error"] == (
        "Ngày “01/01/2015” nằm ngoài khoảng có thể xem (15/07/2015 – 31/07/2020); "
        "số liệu dưới đây tính đến ngày mặc định."
    )


def test_a_year_report_takes_an_as_of_day_inside_its_year_only(office):
    path = reverse("reports:year", args=[2016])
    assert office.get(path, {"ngay": "30/06/2016"}).context["scope"].as_of == D(2016, 6, 30)
    page = office.get(path, {"ngay": "00/00/0000"})
    assert page.context["error"] == (
        "Ngày “00/00/0000” không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 31/12/2018."
    )
    page = office.get(path, {"ngay": "01/01/2017"})
    assert page.context["error"] == (
        "Ngày “01/01/2017” nằm ngoài khoảng có thể xem (01/01/2016 – 31/12/2016); "
        "số liệu dưới đây tính đến ngày mặc định."
    )
    assert page.context["scope"].as_of == D(2016, 12, 31)


def test_a_drilldown_with_a_far_future_as_of_day_counts_on_the_terms_last_day(office):
    page = office.get(
        reverse("reports:drilldown", args=["members"]), {"nhiem-ky": TERM, "ngay": "31/12/9999"}
    )
    assert page.status_code == 200
    assert page.context["scope"].as_of == D(2020, 7, 31)


@pytest.mark.parametrize("year", ["99999999999", "abc", "-1", "1e309", "2016\x00"])
def test_a_drilldown_year_it_cannot_use_is_a_404(office, year):
    path = reverse("reports:drilldown", args=["admissions_in_year"])
    assert office.get(path, {"nhiem-ky": TERM, "year": year}).status_code in (400, 404)
    assert office.get(reverse("reports:drilldown", args=["members"]), {"nam": year}).status_code in (400, 404)


def test_an_organisation_page_as_of_day_is_bounded_by_its_founding_and_today(office, tree):
    path = reverse("organisation", args=[tree["dbcs"].code])
    page = office.get(path, {"ngay": "31/12/9999"})
    assert page.status_code == 200
    assert page.context["error"].startswith("Ngày “31/12/9999” nằm ngoài khoảng có thể xem (01/01/2000 – ")
    page = office.get(path, {"ngay": "01/01/1999"})
    assert page.context["error"].startswith("Ngày “01/01/1999” nằm ngoài khoảng có thể xem (01/01/2000 – ")


@pytest.mark.parametrize(
    ("url_name", "query"),
    [
        ("admin:members_member_changelist", {"nam_ket_nap": "abc"}),
        ("admin:members_member_changelist", {"nam_ket_nap": "99999999999"}),
        ("admin:members_member_changelist", {"tccs": "abc"}),
        ("admin:members_memberrating_changelist", {"year": "abc"}),
        ("admin:units_breakthroughtask_changelist", {"year": "abc"}),
        ("admin:units_organisation_changelist", {"truc_thuoc": "1e309"}),
        ("admin:inspections_holiday_changelist", {"nam": "[]"}),
        ("admin:units_meeting_changelist", {"held_on__year": "9999"}),
        ("admin:units_meeting_changelist", {"held_on__year": "99999999999"}),
        ("admin:units_meeting_changelist", {"held_on__year": "2016", "held_on__month": "13"}),
        ("admin:members_award_changelist", {"decision_date__year": "9999"}),
    ],
)
def test_an_admin_list_filter_value_it_cannot_use_goes_back_to_the_list_with_e1(office, url_name, query):
    path = reverse(url_name)
    response = office.get(path, query)
    assert (response.status_code, response["Location"]) == (302, f"{path}?e=1")


@pytest.mark.parametrize(
    ("url_name", "query"),
    [
        ("admin:members_member_changelist", {"tccs": "99999999999999999999999999"}),
        ("admin:members_memberrating_changelist", {"year": "99999999999"}),
        ("admin:members_memberrating_changelist", {"year__exact": "-99999999999"}),
    ],
)
def test_an_admin_list_filter_value_out_of_any_range_finds_nothing(office, url_name, query):
    response = office.get(reverse(url_name), query)
    assert (response.status_code, response.context["cl"].result_count) == (200, 0)


@pytest.mark.parametrize(
    ("url_name", "query"),
    [
        ("admin:units_document_changelist", {"issued_on__year__regex": "[]"}),
        ("admin:members_member_changelist", {"full_name__iregex": "(a+)+$"}),
    ],
)
def test_regular_expression_lookups_are_refused(office, url_name, query):
    assert office.get(reverse(url_name), query).status_code == 400


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("admin:members_member_export", {"nam_ket_nap": "abc"}),
        ("admin:members_memberrating_export", {"year": "abc"}),
    ],
)
def test_an_export_with_a_filter_value_it_cannot_use_goes_back_to_the_list(office, name, query):
    response = office.get(reverse(name), query)
    changelist = reverse(name.replace("_export", "_changelist"))
    assert (response.status_code, response["Location"]) == (302, f"{changelist}?e=1")


def test_a_nul_character_in_the_address_is_a_400(office, tree):
    assert office.get(reverse("admin:members_member_changelist"), {"q": "\x00"}).status_code == 400
    assert (
        office.get(
            reverse("reports:drilldown", args=["members"]), {"nhiem-ky": TERM, "q": "a\x00"}
        ).status_code
        == 400
    )
    assert office.get(reverse("organisation", args=["SOA\x00"])).status_code == 400


def test_an_import_batch_address_that_is_not_a_number_is_a_404(office):
    assert office.get("/quan-tri/importing/importbatch/abc/change/").status_code == 404


def test_the_badges_due_page_takes_award_days_up_to_the_end_of_next_year(office):
    page = office.get(reverse("admin:members_partybadge_due"), {"ngay": "02/09/9999"})
    latest = D(timezone.localdate().year + 1, 12, 31)
    assert page.context["chooser"].errors["ngay"] == [
        f"Chọn một đợt trao từ 03/02/1930 đến {latest:%d/%m/%Y}."
    ]


def test_the_list_a_bad_filter_falls_back_to_says_so_in_vietnamese(office):
    page = office.get(reverse("admin:members_memberrating_changelist"), {"year": "abc"}, follow=True)
    assert [str(m) for m in page.context["messages"]] == [
        "Giá trị lọc trong địa chỉ không dùng được nên đã bỏ qua; danh sách dưới đây chưa lọc."
    ]
