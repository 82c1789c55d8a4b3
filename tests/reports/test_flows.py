"""Membership flows (transfers, removals, expulsions, resignations, deaths, badges) per year and
term, and inspection outcomes, on hand-made records: for the Khối and for one organisation, each
cell equal to its drill-down."""

import datetime

import pytest
from django.urls import reverse

from inspections.models import Body, DecidingBody, DisciplineForm, InspectionKind, InspectionSubject
from inspections.services import discipline_decide, inspection_record
from members.models import EndingGround, EventKind, PartyBadge
from members.services import (
    member_admit,
    member_admit_outside,
    member_end,
    member_recognise,
    member_transfer,
    member_transfer_in,
)
from partyblock.core.figures import value
from partyblock.reports.figures import FLOWS, Scope
from tests.members.conftest import make_member
from tests.reports.helpers import count_links, drilldown_mismatches, drilldown_total

D = datetime.date


def _official(name, chi_bo, ceremony):
    member = make_member(full_name=name, birth_date=D(1975, 1, 1))
    member_admit(member=member, organisation=chi_bo, ceremony_date=ceremony)
    member_recognise(member=member, decision_date=ceremony.replace(year=ceremony.year + 1))
    return member


@pytest.fixture
def flows(people, tree):
    """On top of the composition people (Em transferred out on 01/05/2019, Hải died 02/10/2019):"""
    inside = _official("Bùi Văn Ích", tree["cb1"], D(2010, 4, 1))
    member_transfer(member=inside, to=tree["cbcs"], on=D(2017, 3, 1))  # inside the Khối
    arrived = make_member(full_name="Đỗ Thị Kim", birth_date=D(1980, 2, 2))
    member_admit_outside(member=arrived, other_party="Chi bộ xã An Lâm", ceremony_date=D(2005, 1, 10))
    member_recognise(member=arrived, decision_date=D(2006, 1, 12))
    member_transfer_in(member=arrived, to=tree["cb2"], from_party="Đảng bộ huyện Nam Sách", on=D(2016, 8, 1))
    expelled = _official("Ngô Văn Khải", tree["cbcs"], D(2008, 6, 1))
    discipline_decide(
        member=expelled,
        form=DisciplineForm.EXPULSION,
        deciding_body=DecidingBody.UBKT,
        decision_number="7-QĐ/UBKT",
        decision_date=D(2018, 4, 10),
        effective_on=D(2018, 4, 10),
        reason="Vi phạm nghiêm trọng",
    )
    resigned = _official("Mai Thị Lan", tree["cb1"], D(2009, 6, 1))
    member_end(member=resigned, kind=EventKind.RESIGNATION, on=D(2016, 2, 1), ground=EndingGround.RESIGNED)
    removed = _official("Tạ Văn Minh", tree["cb1"], D(2011, 6, 1))
    member_end(member=removed, kind=EventKind.REMOVAL, on=D(2015, 8, 1), ground=EndingGround.WANING)
    outsider = make_member(
        full_name="Quách Văn Nam", birth_date=D(1950, 3, 3)
    )  # never in the Khối: his death is not its own
    member_admit_outside(member=outsider, other_party="Đảng bộ phường", ceremony_date=D(1990, 1, 1))
    member_end(member=outsider, kind=EventKind.DEATH, on=D(2018, 1, 5))
    PartyBadge.objects.create(member=people["a"], years=50, awarded_on=D(2015, 9, 2))
    PartyBadge.objects.create(member=outsider, years=20 + 5 * 5, awarded_on=D(2016, 2, 3))
    return people


def _flows(scope):
    return {key: value(key, scope) for key in FLOWS}


def _year(scope, year):
    return {key: value(key, scope, year=year) for key in FLOWS}


def test_flows_of_the_khoi_over_the_term_and_by_year(flows, term):
    scope = Scope.for_term(term)
    assert _flows(scope) == {
        "transfers_in": 1,
        "transfers_out": 1,
        "removals": 1,
        "expulsions": 1,
        "resignations": 1,
        "deaths": 1,
        "badges_awarded": 1,
    }
    assert _year(scope, 2016) == {
        "transfers_in": 1,
        "transfers_out": 0,
        "removals": 0,
        "expulsions": 0,
        "resignations": 1,
        "deaths": 0,
        "badges_awarded": 0,
    }
    assert [value("deaths", scope, year=y) for y in range(2015, 2021)] == [0, 0, 0, 0, 1, 0]


def test_flows_of_one_organisation_count_moves_inside_the_khoi(flows, term, tree):
    soa = Scope.for_term(term, organisation=tree["dbcs"])
    assert _flows(soa) == {
        "transfers_in": 1,  # Kim from outside
        "transfers_out": 1,  # Ích to Chi bộ Sở B
        "removals": 1,
        "expulsions": 0,
        "resignations": 1,
        "deaths": 1,
        "badges_awarded": 1,
    }
    sob = Scope.for_term(term, organisation=tree["cbcs"])
    assert _flows(sob) == {
        "transfers_in": 1,  # Ích from Đảng bộ Sở A
        "transfers_out": 1,  # Em out of the Khối
        "removals": 0,
        "expulsions": 1,
        "resignations": 0,
        "deaths": 0,
        "badges_awarded": 0,
    }


def test_a_year_outside_the_period_is_refused(flows, term):
    with pytest.raises(ValueError, match="outside this report's period"):
        FLOWS and value("deaths", Scope.for_term(term), year=2014)


@pytest.fixture
def inspected(flows, tree):
    inspection_record(
        body=Body.UBKT,
        kind=InspectionKind.VIOLATION,
        decision_date=D(2018, 3, 1),
        decision_number="12-QĐ/UBKT",
        content="Kiểm tra khi có dấu hiệu vi phạm",
        subjects=[
            InspectionSubject(member=flows["f"], violation_found=True, follow_up="Kỷ luật"),
            InspectionSubject(organisation=tree["cbcs"], violation_found=False),
        ],
    )
    own = inspection_record(
        body=Body.GRASSROOTS,
        conducting_organisation=tree["dbcs"],
        kind=InspectionKind.THEMATIC,
        decision_date=D(2019, 5, 6),
        decision_number="3-QĐ/ĐU",
        content="Kiểm tra chuyên đề",
        subjects=[InspectionSubject(organisation=tree["cb1"], violation_found=True)],
    )
    discipline_decide(
        member=flows["f"],
        form=DisciplineForm.REPRIMAND,
        deciding_body=DecidingBody.UBKT,
        decision_number="20-QĐ/UBKT",
        decision_date=D(2018, 5, 2),
        effective_on=D(2018, 5, 2),
        reason="Vi phạm",
        inspection=InspectionSubject.objects.get(member=flows["f"]).inspection,
    )
    return own


def test_inspection_outcomes(inspected, term, tree):
    khoi = Scope.for_term(term)
    assert [
        value(k, khoi)
        for k in ("inspection_violations_found", "discipline_after_inspection", "tccs_own_inspections")
    ] == [2, 1, 1]
    sob = Scope.for_term(term, organisation=tree["cbcs"])
    assert [
        value(k, sob)
        for k in ("inspection_violations_found", "discipline_after_inspection", "tccs_own_inspections")
    ] == [1, 1, 0]


@pytest.mark.parametrize("organisation", [None, "SOA", "SOB"])
def test_every_flow_and_outcome_cell_lists_exactly_its_records(staff, inspected, term, organisation):
    query = {"to-chuc": organisation} if organisation else {}
    page = staff.get(reverse("reports:term", args=["2015-2020"]), query).content.decode()
    keys = {*FLOWS, "inspection_violations_found", "discipline_after_inspection", "tccs_own_inspections"}
    cells = [(key, params, shown, href) for key, params, shown, href in count_links(page) if key in keys]
    assert len(cells) == 7 * 7 + 3  # 6 years and the term for each flow, 3 outcomes
    assert drilldown_mismatches(staff, cells) == []


@pytest.fixture
def rated(flows, tree):
    from units.services import organisation_ratings_save

    organisation_ratings_save(
        year=2017, choices={tree["dbcs"].pk: ("htnv", None), tree["cbcs"].pk: ("tsvm", None)}
    )
    organisation_ratings_save(
        year=2018, choices={tree["dbcs"].pk: ("httnv", None), tree["cbcs"].pk: ("khtnv", None)}
    )
    return flows


def test_lists_by_tccs(rated, term, tree):
    from partyblock.core.figures import FIGURES
    from partyblock.reports.figures import top_admitters

    scope = Scope.for_term(term)
    assert [o.code for o in FIGURES["tccs_without_admission"].records(scope)] == ["SOB"]
    assert [(o.code, n) for o, n in top_admitters(scope)] == [("SOA", 3)]
    below = FIGURES["tccs_rated_below_good"].records(scope).order_by("year")
    assert [(r.organisation.code, r.year, r.level) for r in below] == [("SOA", 2017, 3), ("SOB", 2018, 4)]
    sob = Scope.for_term(term, organisation=tree["cbcs"])
    assert (
        value("tccs_without_admission", sob),
        top_admitters(sob),
        value("tccs_rated_below_good", sob),
    ) == (1, [], 1)


def test_list_cells_equal_their_drilldowns(staff, rated, term):
    page = staff.get(reverse("reports:term", args=["2015-2020"])).content.decode()
    keys = {"tccs_without_admission", "tccs_rated_below_good", "admissions_of_tccs"}
    cells = [(key, params, shown, href) for key, params, shown, href in count_links(page) if key in keys]
    assert sorted((key, shown) for key, _, shown, _ in cells) == [
        ("admissions_of_tccs", 3),
        ("tccs_rated_below_good", 2),
        ("tccs_without_admission", 1),
    ]
    for key, _, shown, href in cells:
        assert drilldown_total(staff, href) == (shown, shown), key


def test_lists_by_tccs_follow_the_tree_of_each_admissions_day(term, tree, staff):
    """A chi bộ moved from Sở A to Sở C mid-term: its admissions before the move stay Sở A's, those
    after are Sở C's, in the top admitters, their drill-downs and the TCCS without admission."""
    from partyblock.core.figures import FIGURES
    from partyblock.reports.figures import top_admitters
    from tests.conftest import make_organisation
    from units.models import OrganisationKind
    from units.services import organisation_move

    soc = make_organisation("SOC", OrganisationKind.DANG_BO_CO_SO, tree["bloc"], name="Đảng bộ Sở C")
    for name, ceremony in [("Lê Văn An", D(2016, 3, 1)), ("Lê Văn Bình", D(2016, 9, 1))]:
        member_admit(
            member=make_member(full_name=name, birth_date=D(1990, 1, 1)),
            organisation=tree["cb2"],
            ceremony_date=ceremony,
        )
    organisation_move(organisation=tree["cb2"], parent=soc, on=D(2018, 1, 1))
    member_admit(
        member=make_member(full_name="Lê Văn Cường", birth_date=D(1991, 1, 1)),
        organisation=tree["cb2"],
        ceremony_date=D(2019, 5, 1),
    )
    scope = Scope.for_term(term)
    assert [(o.code, n) for o, n in top_admitters(scope)] == [("SOA", 2), ("SOC", 1)]
    assert [o.code for o in FIGURES["tccs_without_admission"].records(scope)] == ["SOB"]
    url = reverse("reports:drilldown", args=["admissions_of_tccs"])
    for code, names in [("SOA", ["Lê Văn An", "Lê Văn Bình"]), ("SOC", ["Lê Văn Cường"])]:
        records = FIGURES["admissions_of_tccs"].records(Scope.for_term(term), tccs=code)
        assert sorted(records.values_list("member__full_name", flat=True)) == names
        page = staff.get(url, {"nhiem-ky": term.label, "tccs": code}).content.decode()
        assert all(name in page for name in names)
