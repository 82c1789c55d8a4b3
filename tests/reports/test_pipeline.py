"""The admission pipeline board (issue 20): counts by step, stuck candidates, the projection against
the term's target, each count equal to its drill-down, and the access rule (a TCCS user sees only
its own candidates, anywhere the board leads)."""

import datetime
import io
import json
import re
from html.parser import HTMLParser

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.lifecycle import add_months
from members.models import Gender
from partyblock.admission import services
from partyblock.admission.models import Step
from partyblock.admission.rules import COURSE_CERTIFICATE_MONTHS
from partyblock.reports import pipeline
from tests.admission.conftest import identify, official_member
from tests.conftest import make_organisation
from tests.reports.helpers import count_links, drilldown_total
from units.models import OrganisationKind, Term, TermTarget
from units.services import organisation_move

D = datetime.date
BOARD = reverse("reports:admission_board")

NEW = "Vũ Thị Mới"  # identified 10 days ago: not stuck
SLOW = "Đặng Văn Chậm"  # identified 500 days ago, nothing since: stuck
WAITING_CEREMONY = "Ngô Thị Chờ Lễ"  # decision 100 days ago, no ceremony: stuck, likely
PROPOSED = "Lý Văn Đề Nghị"  # đảng ủy cơ sở's resolution 5 days ago: likely
ADMITTED = "Mai Thị Kết Nạp"  # ceremony 20 days ago
OLD_CERTIFICATE = "Tạ Văn Chứng Nhận"  # certificate expiring, stuck at the course step
OUTSIDER = "Hoàng Văn Ngoài Phạm Vi"  # Chi bộ Sở B (chi bộ cơ sở), voted 5 days ago: likely
TERM_DAYS = 1000
TARGET = 100


def ago(days):
    return pipeline.today() - datetime.timedelta(days=days)


def values(step, day, sponsors):
    """Valid values for recording `step` on `day` with two sponsors of the candidate's TCCS."""
    return {
        Step.COURSE: {
            "certificate_on": day,
            "certificate_number": "12-CN/TTCT",
            "issuer": "Trung tâm Chính trị",
        },
        Step.RESUME: {"verified_on": day, "document": "3-KL/ĐU"},
        Step.SPONSORED: {
            "sponsored_on": day,
            "sponsor_1": sponsors[0],
            "sponsor_1_since": D(2016, 6, 1),
            "sponsor_2": sponsors[1],
            "sponsor_2_since": D(2016, 6, 1),
        },
        Step.CHI_BO_VOTE: {"voted_on": day, "votes_for": 2, "votes_against": 0, "present": 2, "total": 2},
        Step.RESOLUTION: {"resolved_on": day, "number": "8-NQ/ĐU", "votes_for": 5, "members_total": 7},
        Step.DECISION: {"decided_on": day, "number": "77-QĐ/ĐUK", "body": "Ban Thường vụ Đảng ủy Khối"},
        Step.ADMITTED: {"ceremony_on": day},
    }[step]


def candidate_at(organisation, name, national_id, last, days, sponsors, gap=12):
    """A candidate of `organisation` whose steps up to `last` are recorded, `last` on `days` ago and
    each step before it `gap` days earlier."""
    count = None
    for number, step in enumerate(_steps(organisation)):
        if step == last:
            count = number
    outcome = services.candidate_identify(
        organisation=organisation,
        identified_on=ago(days + gap * count),
        full_name=name,
        gender=Gender.FEMALE,
        birth_date=D(1996, 5, 4),
        national_id=national_id,
    )
    candidate = outcome.candidate
    for number, step in enumerate(candidate.steps()[1 : count + 1], start=1):
        services.STEP_RECORDERS[step](candidate, **values(step, ago(days + gap * (count - number)), sponsors))
    return candidate


def _steps(organisation):
    from partyblock.admission.models import Candidate

    return Candidate(organisation=organisation).steps()


@pytest.fixture
def term(db):
    term = Term.objects.create(
        label="2024-2029",
        congress_ordinal="X",
        starts_on=ago(TERM_DAYS // 4 - 1),
        ends_on=ago(TERM_DAYS // 4 - TERM_DAYS),
    )
    TermTarget.objects.create(
        term=term, key="admissions", description="Kết nạp", value=TARGET, unit="đảng viên"
    )
    return term


@pytest.fixture
def board(tree, term):
    a = [official_member(f"Đảng viên A{n}", tree["cb1"]) for n in (1, 2)]
    b = [official_member(f"Đảng viên B{n}", tree["cbcs"]) for n in (1, 2)]
    cb1, cbcs = tree["cb1"], tree["cbcs"]
    found = {
        NEW: candidate_at(cb1, NEW, "030196000001", Step.IDENTIFIED, 10, a),
        SLOW: candidate_at(cb1, SLOW, "030196000002", Step.IDENTIFIED, 500, a),
        WAITING_CEREMONY: candidate_at(cb1, WAITING_CEREMONY, "030196000003", Step.DECISION, 100, a),
        PROPOSED: candidate_at(cb1, PROPOSED, "030196000004", Step.RESOLUTION, 5, a),
        ADMITTED: candidate_at(cb1, ADMITTED, "030196000005", Step.ADMITTED, 20, a),
        OUTSIDER: candidate_at(cbcs, OUTSIDER, "030196000006", Step.CHI_BO_VOTE, 5, b),
    }
    certificate_on = add_months(pipeline.today(), -COURSE_CERTIFICATE_MONTHS) + datetime.timedelta(days=10)
    old = services.candidate_identify(
        organisation=cb1,
        identified_on=certificate_on - datetime.timedelta(days=30),
        full_name=OLD_CERTIFICATE,
        gender=Gender.MALE,
        birth_date=D(1990, 1, 1),
    ).candidate
    services.candidate_record_course(
        old, certificate_on=certificate_on, certificate_number="1-CN", issuer="TTCT"
    )
    found[OLD_CERTIFICATE] = old
    return found


def login(user):
    client = Client()
    client.force_login(user)
    return client


def names(response):
    return sorted(values[0] for _, values in response.context["rows"])


def test_counts_by_step_stuck_and_likely_are_the_candidates_they_name(board, personas):
    client = login(personas["vanphong"])
    page = client.get(BOARD)
    assert page.status_code == 200
    rows = {row.step: (row.count.value, row.stuck.value) for row in page.context["rows"]}
    assert rows == {
        Step.IDENTIFIED: (2, 1),
        Step.COURSE: (1, 1),
        Step.RESUME: (0, 0),
        Step.SPONSORED: (0, 0),
        Step.CHI_BO_VOTE: (1, 0),
        Step.RESOLUTION: (1, 0),
        Step.DECISION: (1, 1),
    }
    assert names(client.get(page.context["stuck"].url)) == sorted([SLOW, WAITING_CEREMONY, OLD_CERTIFICATE])
    assert names(client.get(page.context["likely"].url)) == sorted([WAITING_CEREMONY, PROPOSED, OUTSIDER])
    assert names(client.get(page.context["total"].url)) == sorted(set(board) - {ADMITTED})


def test_every_count_of_the_board_equals_its_drilldown(board, personas):
    client = login(personas["vanphong"])
    for url in (BOARD, BOARD + "?to-chuc=SOA", BOARD + "?to-chuc=SOB"):
        links = count_links(client.get(url).content.decode())
        assert len(links) > 10
        for key, params, shown, href in links:
            assert drilldown_total(client, href) == (shown, shown), (key, params)


def test_projection_adds_the_likely_to_the_admitted_against_the_target_pro_rata(board, personas, term):
    page = login(personas["vanphong"]).get(BOARD)
    year, whole = page.context["projections"]
    assert (whole.admitted.value, whole.likely.value, whole.projected) == (1, 3, 4)
    assert (whole.target, whole.expected, whole.met) == (TARGET, TARGET // 4, False)  # 250 of 1000 days
    first = max(D(pipeline.today().year, 1, 1), term.starts_on)
    days = (pipeline.today() - first).days + 1
    assert year.expected == round(TARGET * days / TERM_DAYS)
    assert year.projected == year.admitted.value + 3
    assert year.target == round(
        TARGET * ((min(D(pipeline.today().year, 12, 31), term.ends_on) - first).days + 1) / TERM_DAYS
    )
    assert "Chậm tiến độ" in page.content.decode()


def test_a_tccs_board_has_no_target_of_its_own(board, personas):
    page = login(personas["coso_a"]).get(BOARD)
    assert page.status_code == 200
    assert page.context["organisation"].code == "SOA"
    assert [p.met for p in page.context["projections"]] == [None, None]
    assert page.context["projections"][1].projected == 1 + 2  # the admitted one and two likely of Sở A


def test_time_at_each_step_counts_those_who_moved_on_in_the_term(board, personas):
    page = login(personas["vanphong"]).get(BOARD)
    rows = {row.step: (row.moved_on, row.median_days) for row in page.context["rows"]}
    # Every step recorded in the fixture follows the one before by 12 days; the identified step of
    # the old certificate's holder took 30 days, five years ago (before the term: not counted).
    assert rows[Step.IDENTIFIED] == (4, 12.0)
    assert rows[Step.COURSE] == (4, 12.0)
    assert rows[Step.CHI_BO_VOTE] == (3, 12.0)
    assert rows[Step.DECISION] == (1, 12.0)
    # One format whatever the count (an odd count's median was a whole number: "12" beside "12,5").
    medians = re.findall(r'data-label="Số ngày ở bước, trung vị">([^<]*)<', page.content.decode())
    assert medians and all(m in ("—", "12,0") for m in medians)


def test_grassroots_staff_never_see_another_tccs_candidate(board, personas):
    client = login(personas["coso_a"])
    page = client.get(BOARD)
    texts = [page.content.decode()]
    for _, _, _, href in count_links(texts[0]):
        texts.append(client.get(href).content.decode())
        export = client.get(href + "&xuat=xlsx")
        texts.append(xlsx_text(export.content))
    texts.append(xlsx_text(client.get(BOARD + "?xuat=xlsx").content))
    texts.append(client.get(reverse("search"), {"q": "Hoang Van Ngoai"}).content.decode())
    texts.append(client.get(reverse("todo", args=["quan-chung-qua-han"])).content.decode())
    assert all(OUTSIDER not in text for text in texts)
    assert any(PROPOSED in text for text in texts)  # what is in scope is shown
    assert client.get(BOARD, {"to-chuc": "SOB"}).status_code == 404
    drilldown = reverse("reports:drilldown", args=["candidates"])
    assert client.get(drilldown, {"nam": pipeline.today().year, "to-chuc": "SOB"}).status_code == 404


def xlsx_text(content):
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row
    )


def test_board_xlsx_holds_the_numbers_of_the_page(board, personas):
    client = login(personas["vanphong"])
    page = client.get(BOARD)
    book = openpyxl.load_workbook(io.BytesIO(client.get(BOARD + "?xuat=xlsx").content), read_only=True)
    steps = list(book["Theo bước"].iter_rows(values_only=True))[1:]
    assert [(r[0], r[1], r[2]) for r in steps[:-1]] == [
        (row.step.label, row.count.value, row.stuck.value) for row in page.context["rows"]
    ]
    pace = list(book["Tiến độ kết nạp"].iter_rows(values_only=True))[1:3]
    assert [(r[1], r[3], r[5]) for r in pace] == [
        (p.admitted.value, p.projected, p.expected) for p in page.context["projections"]
    ]


def test_board_queries_do_not_grow_with_the_candidates(board, personas, tree):
    client = login(personas["vanphong"])
    client.get(BOARD)
    with CaptureQueriesContext(connection) as before:
        client.get(BOARD)
    for n in range(3):
        services.candidate_identify(
            organisation=tree["cb2"],
            identified_on=ago(3),
            full_name=f"Quần Chúng Thêm {n}",
            gender=Gender.MALE,
            birth_date=D(1999, 1, 1),
        )
    with CaptureQueriesContext(connection) as after:
        client.get(BOARD)
    assert len(after) == len(before)


def test_figures_command_prints_the_pipeline(board, term):
    out = io.StringIO()
    call_command("figures", "--term", term.label, "--format", "json", stdout=out)
    printed = json.loads(out.getvalue())
    assert printed["candidates"] == 6
    assert printed["candidates_stuck"] == 3
    assert printed["candidates_likely"] == 3
    assert sum(printed["candidates_by_step"].values()) == 6
    assert printed["admissions_projected"] == printed["admissions"] + 3
    assert printed["admissions_target_to_date"] == TARGET // 4


def test_office_home_lists_overdue_candidates_and_expiring_certificates(board, personas):
    client = login(personas["coso_a"])
    lines = {line.key: line.count for line in client.get(reverse("home")).context["office_todos"]}
    assert lines["quan-chung-cho-le-ket-nap"] == 1
    assert lines["quan-chung-qua-han"] == 2  # with the line above: the board's stuck candidates
    assert lines["quan-chung-het-han-chung-nhan"] == 1
    for key, expected in (
        ("quan-chung-cho-le-ket-nap", [WAITING_CEREMONY]),
        ("quan-chung-qua-han", sorted([SLOW, OLD_CERTIFICATE])),
        ("quan-chung-het-han-chung-nhan", [OLD_CERTIFICATE]),
    ):
        page = client.get(reverse("todo", args=[key]))
        assert sorted(cells[0] for _, cells in page.context["rows"]) == expected


def test_leader_home_shows_the_pipeline_and_the_pace(board, personas):
    page = login(personas["lanhdao"]).get(reverse("home"))
    summary = page.context["summaries"][-1]
    assert summary.title == "Phát triển đảng viên, nhiệm kỳ 2024-2029"
    figures = {label: shown for label, shown, _ in summary.figures}
    assert figures["Tiến độ"] == "Chậm tiến độ"
    assert figures["Quần chúng đang được xem xét kết nạp"] == "6"


class _StackedCells(HTMLParser):
    """(table classes, data-label) of every body cell but the first of a row, in the board's tables."""

    def __init__(self):
        super().__init__()
        self.table, self.in_body, self.first, self.cells = "", False, False, []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table":
            self.table = attributes.get("class") or ""
        elif tag == "tbody":
            self.in_body = True
        elif tag == "tr":
            self.first = True
        elif tag == "td" and self.in_body:
            if not self.first:
                self.cells.append((self.table, attributes.get("data-label")))
            self.first = False

    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_body = False


def test_on_a_phone_every_figure_of_the_stacked_tables_carries_its_label(board, personas):
    """The board's projections and steps tables are shown as one card per row on a narrow screen
    (static/partyblock/reports.css), each figure labelled by its cell's data-label: none is blank."""
    parser = _StackedCells()
    parser.feed(login(personas["vanphong"]).get(BOARD).content.decode())
    stacked = [label for table, label in parser.cells if "stacked" in table.split()]
    assert len(stacked) == 2 * 6 + 7 * 6  # this year and the term; the seven steps
    assert all(stacked)


@pytest.mark.django_db
def test_a_candidate_counts_where_the_chi_bo_was_on_the_boards_day(tree):
    """A chi bộ moved to another đảng bộ takes its candidates along from the day of the move, not
    before: the board of any day reads the tree of that day (a TCCS keeps its past pipeline)."""
    other = make_organisation("SOC", OrganisationKind.DANG_BO_CO_SO, tree["bloc"], name="Đảng bộ Sở C")
    hoa = identify(tree["cb1"])
    moved_on = D(2024, 3, 1)
    organisation_move(organisation=tree["cb1"], parent=other, on=moved_on)
    before, after = moved_on - datetime.timedelta(days=1), moved_on
    assert list(pipeline.candidates_on(before, tree["dbcs"])) == [hoa]
    assert list(pipeline.candidates_on(before, other)) == []
    assert list(pipeline.candidates_on(after, tree["dbcs"])) == []
    assert list(pipeline.candidates_on(after, other)) == [hoa]
    assert list(pipeline.candidates_on(after)) == [hoa]
