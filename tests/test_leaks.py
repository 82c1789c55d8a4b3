"""Leak tests of personal data and scope (DOMAIN.md §8, issue 14): every output path × every persona.

Two members are planted, one in each TCCS of the `personas` fixture, each with a distinctive name and
a CCCD; the inside one's CCCD was corrected once, so its history holds two numbers. For each output
(`OUTPUTS`: a page, a file, a command) and each persona the test fetches what that persona gets and
asserts that:
- a planted member outside the persona's scope appears nowhere: not their name, nor their CCCD
  in full or masked;
- no full CCCD reaches a persona who sees it masked (lanhdao, ubkt, coso_a, coso_b);
- the output does show what it is for: the status it should answer with, the in-scope members it
  lists, and their CCCD in the form the rule gives (whole for quantri and vanphong, `••••••••5380`
  for the others), so a test cannot pass on an empty page.
Adding an output path is adding one `Output` to `OUTPUTS`.

Candidates for admission are planted too, one in each grassroots persona's TCCS: walking every URL of
the project (the walk of tests/test_hostile_params.py, plus the board's links, each TCCS's candidate
list and searches), a grassroots user never gets the other TCCS's candidate, by name or CCCD.

Lookups by a field seen masked (filters, `?q=`, the autocomplete) are refused or match nothing,
whatever the value, so a member's CCCD cannot be inferred from the answers.
"""

import datetime
import io
import json
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qsl

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from inspections.models import Body, InspectionKind
from inspections.services import inspection_record
from members.models import Member
from members.services import member_admit, member_ratings_save, member_update
from partyblock.admission.services import candidate_identify, candidate_record_course
from partyblock.audit.log import acting_as
from partyblock.audit.models import ActivityLog
from partyblock.core.figures import FIGURES
from tests.conftest import PERSONAS
from tests.members.conftest import make_member
from tests.test_hostile_params import walk  # noqa: F401  (the fixture: every URL of the project)
from tests.test_permissions import records  # noqa: F401  (the fixture walk builds on)
from units.models import Term

D = datetime.date
FULL_ID = ("quantri", "vanphong")
MASK = "••••••••"

OUTSIDER = "Hoàng Thị Ngoại Vi"  # Chi bộ Sở B: coso_b's TCCS, outside coso_a's
OUTSIDER_ID = "030196655380"
INSIDER = "Đỗ Văn Nội Bộ"  # Chi bộ Văn phòng of Đảng bộ Sở A: coso_a's TCCS
INSIDER_FIRST_ID = "030196655370"  # corrected to INSIDER_ID: the history shows both
INSIDER_ID = "030196655371"
INSPECTION_NUMBER = "77-QĐ/UBKTĐUK"

SCOPE = {  # which planted members each persona may see
    "quantri": {OUTSIDER, INSIDER},
    "vanphong": {OUTSIDER, INSIDER},
    "lanhdao": {OUTSIDER, INSIDER},
    "ubkt": {OUTSIDER, INSIDER},
    "coso_a": {INSIDER},
    "coso_b": {OUTSIDER},
}
IDS = {OUTSIDER: [OUTSIDER_ID], INSIDER: [INSIDER_FIRST_ID, INSIDER_ID]}
SEES_INSPECTIONS = ("quantri", "vanphong", "lanhdao", "ubkt")


def shown_id(persona, national_id):
    return national_id if persona in FULL_ID else MASK + national_id[-4:]


@pytest.fixture
def planted(personas, tree):
    Term.objects.create(
        label="2015-2020", congress_ordinal="VIII", starts_on=D(2015, 7, 15), ends_on=D(2020, 7, 31)
    )
    outsider = make_member(full_name=OUTSIDER, birth_date=D(1961, 2, 3), national_id=OUTSIDER_ID, gender="nu")
    member_admit(member=outsider, organisation=tree["cbcs"], ceremony_date=D(2001, 3, 26))
    insider = make_member(full_name=INSIDER, birth_date=D(1979, 11, 30), national_id=INSIDER_FIRST_ID)
    member_admit(member=insider, organisation=tree["cb1"], ceremony_date=D(2005, 9, 2))
    with acting_as(personas["vanphong"], source="quản trị"):
        member_update(insider, national_id=INSIDER_ID)
    member_ratings_save(year=2016, choices={outsider.pk: ("httnv", None), insider.pk: ("htxsnv", None)})
    inspection_record(
        body=Body.UBKT,
        kind=InspectionKind.VIOLATION,
        decision_date=D(2018, 4, 9),
        decision_number=INSPECTION_NUMBER,
        content="Kiểm tra khi có dấu hiệu vi phạm",
        subjects=[outsider, insider, tree["cb1"]],
    )
    return {OUTSIDER: outsider, INSIDER: insider}


# --- reading what a persona gets --------------------------------------------------------------------
def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def xlsx_text(content):
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for value in row
    )


@dataclass
class Got:
    status: int
    text: str


def get(user, url, params=None):
    response = client_for(user).get(url, params or {})
    content = response.content if not hasattr(response, "streaming_content") else b"".join(response)
    kind = response.get("Content-Type", "")
    if response.status_code == 200 and kind.startswith("application/vnd"):
        return Got(200, xlsx_text(content))
    if kind.startswith("application/json"):  # JSON escapes Vietnamese letters: read it back
        return Got(response.status_code, json.dumps(json.loads(content), ensure_ascii=False))
    return Got(response.status_code, content.decode())


def figures_command(user):
    out = io.StringIO()
    call_command("figures", term="2015-2020", user=user.username, stdout=out)
    return Got(200, out.getvalue())


# --- the output paths ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Output:
    """One output path. `fetch(user, planted)` returns what the user gets; `status(persona)` what it
    should answer; `lists` whether it names the in-scope planted members, `shows_id` whether it shows
    their CCCD (then in the form the rule gives)."""

    name: str
    fetch: object
    status: object = lambda persona: 200
    lists: bool = True
    shows_id: bool = False


def _each_member(view):
    """Fetch a per-member page for every planted member; out-of-scope ones must answer 404."""

    def fetch(user, planted):
        pages = [get(user, reverse(view, args=[member.pk])) for member in planted.values()]
        in_scope = [p for p, name in zip(pages, planted, strict=True) if name in SCOPE[user.username]]
        outside = [p for p, name in zip(pages, planted, strict=True) if name not in SCOPE[user.username]]
        assert [p.status for p in outside] == [404] * len(outside)
        return Got(in_scope[0].status, "\n".join(p.text for p in pages))

    return fetch


def _log_pages(user, planted):
    logs = ActivityLog.objects.filter(model="members.member", object_id__in=[m.pk for m in planted.values()])
    pages = [get(user, reverse("admin:audit_activitylog_changelist"))]
    pages += [get(user, reverse("admin:audit_activitylog_change", args=[log.pk])) for log in logs]
    assert len({p.status for p in pages}) == 1
    return Got(pages[0].status, "\n".join(p.text for p in pages))


def _drilldown(key, xlsx=False):
    def fetch(user, planted):
        params = {"nhiem-ky": "2015-2020", **({"xuat": "xlsx"} if xlsx else {})}
        return get(user, reverse("reports:drilldown", args=[key]), params)

    return fetch


def _report(xlsx=False):
    def fetch(user, planted):
        return get(user, reverse("reports:term", args=["2015-2020"]), {"xuat": "xlsx"} if xlsx else {})

    return fetch


def _composition(xlsx=False):
    def fetch(user, planted):
        params = {"ngay": "31/07/2020", "tu-ngay": "15/07/2015", **({"xuat": "xlsx"} if xlsx else {})}
        return get(user, reverse("reports:composition"), params)

    return fetch


def _composition_drilldown(user, planted):
    params = {"tu-ngay": "2015-07-15", "den-ngay": "2020-07-31", "group": "Kinh"}
    return get(user, reverse("reports:drilldown", args=["members_by_ethnicity"]), params)


def _organisation_pages(user, planted):
    pages = [get(user, reverse("organisation", args=[code])) for code in ("SOA", "SOB")]
    return Got(max(p.status for p in pages if p.status != 404), "\n".join(p.text for p in pages))


def _autocomplete(user, planted):
    params = {"app_label": "members", "model_name": "memberrating", "field_name": "member", "term": ""}
    return get(user, reverse("admin:autocomplete"), params)


def _header_search(user, planted):
    # Letters both names hold (searching by a CCCD echoes it: see the search tests below).
    return get(user, reverse("search"), {"q": "an"})


def _only(*personas):
    return lambda persona: 200 if persona in personas else 403


def _inspections_only(persona):
    return 200 if persona in SEES_INSPECTIONS else 404


OUTPUTS = [
    Output("member list", lambda user, planted: get(user, reverse("admin:members_member_changelist"))),
    Output("member change page", _each_member("admin:members_member_change"), shows_id=True),
    Output("member history", _each_member("admin:members_member_history"), shows_id=True),
    Output("activity log", _log_pages, status=_only("quantri"), shows_id=True),
    Output(
        "members export",
        lambda user, planted: get(user, reverse("admin:members_member_export")),
        shows_id=True,
    ),
    Output(
        "member ratings export",
        lambda user, planted: get(user, reverse("admin:members_memberrating_export")),
        shows_id=True,
    ),
    Output(
        "member ratings list",
        lambda user, planted: get(user, reverse("admin:members_memberrating_changelist")),
    ),
    Output("member autocomplete", _autocomplete),
    Output("header search", _header_search),
    Output("drill-down of members", _drilldown("members")),
    Output("drill-down of members, xlsx", _drilldown("members", xlsx=True)),
    Output(
        "drill-down of inspected members",
        _drilldown("violation_inspected_members"),
        status=_inspections_only,
    ),
    Output(
        "drill-down of inspected members, xlsx",
        _drilldown("violation_inspected_members", xlsx=True),
        status=_inspections_only,
    ),
    Output("report page", _report(), lists=False),
    Output("report xlsx", _report(xlsx=True), lists=False),
    Output("organisation pages", _organisation_pages, lists=False),
    Output("composition page", _composition(), lists=False),
    Output("composition xlsx", _composition(xlsx=True), lists=False),
    Output("drill-down of a composition cell", _composition_drilldown),
    Output("figures command", lambda user, planted: figures_command(user), lists=False),
]


@pytest.mark.parametrize("output", OUTPUTS, ids=[o.name for o in OUTPUTS])
def test_output_shows_only_the_scope_and_the_id_as_the_rule_allows(output, planted, personas):
    for persona in PERSONAS:  # one planting for all personas: a failure names the persona below
        got = output.fetch(personas[persona], planted)
        assert got.status == output.status(persona), persona
        for name, ids in IDS.items():
            if name not in SCOPE[persona]:
                assert name not in got.text, persona
                for national_id in ids:
                    assert national_id not in got.text, persona
                    assert MASK + national_id[-4:] not in got.text, persona
            if persona not in FULL_ID:
                for national_id in ids:
                    assert national_id not in got.text, persona
        if got.status != 200:
            continue
        for name in SCOPE[persona]:
            if output.lists:
                assert name in got.text, persona
            if output.shows_id:
                assert shown_id(persona, IDS[name][-1]) in got.text, persona


def test_history_shows_the_corrected_id_before_and_after_as_the_rule_allows(planted, personas):
    url = reverse("admin:members_member_history", args=[planted[INSIDER].pk])
    for persona in ("vanphong", "lanhdao", "coso_a"):
        page = get(personas[persona], url).text
        before, after = shown_id(persona, INSIDER_FIRST_ID), shown_id(persona, INSIDER_ID)
        assert f"<strong>số CCCD</strong>: {before} → {after}" in page


def test_inspection_figures_and_sections_only_for_users_who_may_read_inspections(planted, personas):
    for persona in PERSONAS:
        user = personas[persona]
        report = get(user, reverse("reports:term", args=["2015-2020"])).text
        organisation = get(user, reverse("organisation", args=["SOA"]))
        command = figures_command(user).text
        sees = persona in SEES_INSPECTIONS
        assert ("Kiểm tra, giám sát" in report) == sees
        assert ("violation_inspected_members" in command) == sees
        if organisation.status == 200:
            assert (INSPECTION_NUMBER in organisation.text) == sees
    printed = [line.split()[0] for line in figures_command(personas["coso_a"]).text.splitlines()[:-1]]
    assert printed == [
        key for key, f in FIGURES.items() if f.listed and f.permission != "inspections.view_inspection"
    ]
    assert len(printed) < len([f for f in FIGURES.values() if f.listed])


# --- lookups by a field seen masked --------------------------------------------------------------------
MASKED_LOOKUPS = [
    {"national_id__startswith": "0301966553"},
    {"national_id__startswith": "9"},
    {"national_id": OUTSIDER_ID},
    {"national_id": INSIDER_ID},
    {"national_id__regex": "^0301"},
    {"national_id__isnull": "False"},
    {"national_id__endswith": "5380"},
]


@pytest.mark.parametrize("persona", ["lanhdao", "ubkt", "coso_a", "coso_b"])
def test_filters_on_a_masked_field_are_refused_whatever_the_value(persona, planted, personas):
    user = personas[persona]
    for url in (reverse("admin:members_member_changelist"), reverse("admin:members_member_export")):
        answers = [get(user, url, lookup) for lookup in MASKED_LOOKUPS]
        assert [a.status for a in answers] == [400] * len(MASKED_LOOKUPS)
        assert len({a.text for a in answers}) == 1  # the same page, whatever matched
    ratings = reverse("admin:members_memberrating_changelist")
    assert get(user, ratings, {"member__national_id__startswith": "0301"}).status == 400


@pytest.mark.parametrize("persona", FULL_ID)
def test_full_id_roles_may_filter_by_national_id(persona, planted, personas):
    url = reverse("admin:members_member_changelist")
    response = client_for(personas[persona]).get(url, {"national_id__startswith": "03019665537"})
    assert [m.full_name for m in response.context["cl"].result_list] == [INSIDER]


def listed(user, term):
    response = client_for(user).get(reverse("admin:members_member_changelist"), {"q": term})
    return [m.full_name for m in response.context["cl"].result_list]


def header_searched(user, term):
    response = client_for(user).get(reverse("search"), {"q": term})
    return [hit.member.full_name for hit in response.context["members"]]


def autocompleted(user, term):
    params = {"app_label": "members", "model_name": "memberrating", "field_name": "member", "term": term}
    results = client_for(user).get(reverse("admin:autocomplete"), params).json()["results"]
    return [r["text"].split(" (sinh ")[0] for r in results]  # the name (then birth date, card, chi bộ)


@pytest.mark.parametrize("persona", ["lanhdao", "ubkt", "coso_a", "coso_b"])
def test_search_and_autocomplete_do_not_match_a_masked_national_id(persona, planted, personas):
    user = personas[persona]
    for national_id in (OUTSIDER_ID, INSIDER_ID, "030196655399"):
        assert listed(user, national_id) == []
        assert autocompleted(user, national_id) == []
        assert header_searched(user, national_id) == []
    # The name still finds the in-scope member: the search works, only the CCCD is not searched.
    expected = sorted(SCOPE[persona])
    assert sorted(listed(user, "ngoai vi") + listed(user, "noi bo")) == expected
    for name in ("members_member", "members_memberrating"):
        help_text = client_for(user).get(reverse(f"admin:{name}_changelist")).context["cl"].search_help_text
        assert "CCCD" not in help_text and "số thẻ" in help_text


@pytest.mark.parametrize("persona", FULL_ID)
def test_search_and_autocomplete_match_the_national_id_for_full_id_roles(persona, planted, personas):
    user = personas[persona]
    assert listed(user, OUTSIDER_ID) == [OUTSIDER]
    assert autocompleted(user, INSIDER_ID) == [INSIDER]
    assert header_searched(user, OUTSIDER_ID) == [OUTSIDER]
    assert listed(user, "030196655399") == []
    for name in ("members_member", "members_memberrating"):
        help_text = client_for(user).get(reverse(f"admin:{name}_changelist")).context["cl"].search_help_text
        assert "số CCCD" in help_text


def test_a_refused_filter_is_logged(planted, personas):
    get(personas["lanhdao"], reverse("admin:members_member_changelist"), {"national_id__startswith": "03"})
    denied = ActivityLog.objects.filter(action="denied").values_list("username", "object_repr")
    assert list(denied) == [("lanhdao", "lọc đảng viên theo national_id__startswith")]


def test_planted_members_are_what_the_tests_assume(planted):
    assert sorted(Member.objects.values_list("full_name", "national_id")) == [
        (OUTSIDER, OUTSIDER_ID),
        (INSIDER, INSIDER_ID),
    ]


# --- a candidate for admission of another TCCS, over the grassroots users' walk -------------------------
OUTSIDE_CANDIDATE = "Quách Thị Ứng Viên"  # Chi bộ Sở B: coso_b's TCCS
OUTSIDE_CANDIDATE_ID = "030199077701"
INSIDE_CANDIDATE = "Tạ Văn Cảm Tình"  # Chi bộ Văn phòng of Đảng bộ Sở A: coso_a's TCCS
INSIDE_CANDIDATE_ID = "030199077702"
CANDIDATE_SCOPE = {"coso_a": INSIDE_CANDIDATE, "coso_b": OUTSIDE_CANDIDATE}
CANDIDATE_IDS = {OUTSIDE_CANDIDATE: OUTSIDE_CANDIDATE_ID, INSIDE_CANDIDATE: INSIDE_CANDIDATE_ID}


@pytest.fixture
def candidates(tree):
    """One candidate in each grassroots persona's TCCS, at the awareness-course step (so the board
    counts and lists them)."""
    planted = {}
    for name, chi_bo, national_id in (
        (OUTSIDE_CANDIDATE, tree["cbcs"], OUTSIDE_CANDIDATE_ID),
        (INSIDE_CANDIDATE, tree["cb1"], INSIDE_CANDIDATE_ID),
    ):
        candidate = candidate_identify(
            organisation=chi_bo,
            identified_on=D(2023, 1, 10),
            full_name=name,
            gender="nu",
            birth_date=D(1999, 5, 6),
            national_id=national_id,
        ).candidate
        candidate_record_course(
            candidate,
            certificate_on=D(2023, 3, 20),
            certificate_number="88-CN/TTCT",
            issuer="Trung tâm Chính trị",
        )
        planted[name] = candidate
    return planted


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") or ""
        if tag == "a" and href.startswith("/") and not href.startswith("/quan-tri/logout"):
            self.hrefs.append(href)


def _links(text):
    parser = _Links()
    parser.feed(text)
    return parser.hrefs


@pytest.mark.parametrize("persona", ["coso_a", "coso_b"])
def test_a_candidate_of_another_tccs_appears_in_no_response_of_the_coso_walk(
    persona,
    walk,  # noqa: F811  (the fixture imported above)
    candidates,
    personas,
    tree,
):
    """Every URL of the project (the walk of tests/test_hostile_params.py), each planted candidate's
    own admin pages, the admission board of each TCCS and every link on it, the candidates' list of
    each TCCS and the header search by name and CCCD: the candidate of the other TCCS is named in
    none of them, nor its CCCD shown whole or masked; the persona's own candidate is listed."""
    user = personas[persona]
    urls = [path for _, path in walk["urls"]]
    for candidate in candidates.values():
        urls += [
            reverse("admin:admission_candidate_change", args=[candidate.pk]),
            reverse("admin:admission_candidate_history", args=[candidate.pk]),
            reverse("admin:admission_candidate_step", args=[candidate.pk, 3]),
            reverse("admin:admission_candidate_close", args=[candidate.pk]),
        ]
    for code in ("SOA", "SOB"):
        urls += [
            f"{reverse('reports:admission_board')}?to-chuc={code}",
            f"{reverse('reports:admission_board')}?to-chuc={code}&xuat=xlsx",
            f"{reverse('candidate_list')}?to-chuc={code}",
        ]
    # Searched by a part of the name or CCCD (the page repeats what was asked).
    for term in ("ung vien", "cam tinh", OUTSIDE_CANDIDATE_ID[3:], INSIDE_CANDIDATE_ID[3:]):
        urls += [
            f"{reverse('search')}?q={term}",
            f"{reverse('admin:admission_candidate_changelist')}?q={term}",
        ]
    board = get(user, reverse("reports:admission_board")).text
    urls += _links(board)

    other = OUTSIDE_CANDIDATE if CANDIDATE_SCOPE[persona] == INSIDE_CANDIDATE else INSIDE_CANDIDATE
    other_id = CANDIDATE_IDS[other]
    seen_own = []
    for url in dict.fromkeys(urls):
        path, _, query = url.partition("?")
        got = get(user, path, dict(parse_qsl(query)))
        assert got.status < 500, url
        assert other not in got.text, url
        assert other_id not in got.text and MASK + other_id[-4:] not in got.text, url
        if CANDIDATE_SCOPE[persona] in got.text:
            seen_own.append(url)
    own_code = {"coso_a": "SOA", "coso_b": "SOB"}[persona]
    assert reverse("admin:admission_candidate_changelist") in seen_own
    assert f"{reverse('candidate_list')}?to-chuc={own_code}" in seen_own
