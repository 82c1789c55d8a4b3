"""The inspection and supervision figures of DOMAIN.md §6 on small hand-made data."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.models import Body, InspectionKind, InspectionSubject, SupervisionKind
from inspections.services import inspection_record, supervision_record
from members.services import member_transfer
from partyblock.core.figures import FIGURES
from partyblock.reports.figures import Scope, compute_all

D = datetime.date
KEYS = [
    "committee_inspections",
    "committee_inspected_orgs",
    "thematic_supervisions",
    "supervised_orgs",
    "supervised_members",
    "violation_inspected_orgs",
    "violation_inspected_members",
    "duty_inspected_orgs",
    "discipline_enforcement_members",
    "discipline_enforcement_committees",
]
TERM = (D(2015, 7, 15), D(2020, 7, 31))


def scope(within=None):
    return Scope(*TERM, as_of=TERM[1], organisation=within)


def inspect(body, kind, day, *subjects):
    return inspection_record(
        body=body,
        kind=kind,
        decision_date=day,
        decision_number="01-QĐ",
        content="Nội dung",
        subjects=subjects,
    )


def supervise(body, kind, day, *subjects):
    return supervision_record(body=body, kind=kind, decision_date=day, content="Nội dung", subjects=subjects)


@pytest.fixture
def registers(tree, people):
    an, binh, cuong = people["an"], people["binh"], people["cuong"]
    committee, ubkt = Body.COMMITTEE, Body.UBKT
    # The Đảng ủy Khối inspects Đảng bộ Sở A twice: two inspections, three organisations.
    inspect(committee, InspectionKind.THEMATIC, D(2016, 3, 1), tree["dbcs"], tree["cbcs"])
    inspect(committee, InspectionKind.THEMATIC, D(2018, 3, 1), tree["dbcs"], tree["cb1"])
    inspect(committee, InspectionKind.THEMATIC, D(2015, 7, 14), tree["cb2"])  # before the term
    inspect(committee, InspectionKind.THEMATIC, D(2020, 8, 1), tree["cb2"])  # after it
    supervise(committee, SupervisionKind.THEMATIC, D(2017, 5, 1), tree["cb1"], tree["cbcs"], an, cuong)
    supervise(ubkt, SupervisionKind.ONGOING, D(2017, 6, 1), tree["cb2"], binh)  # ongoing: not counted
    inspect(
        ubkt,
        InspectionKind.VIOLATION,
        D(2020, 3, 1),
        InspectionSubject(organisation=tree["cb2"], violation_found=True, follow_up="Kiểm điểm"),
        binh,
        an,
    )
    inspect(ubkt, InspectionKind.DUTIES, D(2017, 4, 1), tree["dbcs"], tree["cbcs"])
    inspect(ubkt, InspectionKind.DUTIES, D(2019, 4, 1), tree["dbcs"])
    inspect(
        ubkt, InspectionKind.DISCIPLINE_ENFORCEMENT, D(2018, 11, 1), tree["dbcs"], tree["cbcs"], an, cuong
    )
    inspect(ubkt, InspectionKind.FINANCES, D(2018, 12, 1), tree["cb1"])  # no figure of its own
    # Bình moves to Chi bộ Sở B after the inspection: she counts where she was registered then.
    member_transfer(member=binh, to=tree["cbcs"], on=D(2020, 5, 1))
    return tree


def test_figures_count_records_of_the_period_and_distinct_subjects(registers):
    assert compute_all(scope(), keys=KEYS) == {
        "committee_inspections": 2,
        "committee_inspected_orgs": 3,
        "thematic_supervisions": 1,
        "supervised_orgs": 2,
        "supervised_members": 2,
        "violation_inspected_orgs": 1,
        "violation_inspected_members": 2,
        "duty_inspected_orgs": 2,
        "discipline_enforcement_members": 2,
        "discipline_enforcement_committees": 2,
    }


def test_an_organisation_inspected_twice_counts_once(registers):
    drill_down = FIGURES["committee_inspected_orgs"].records(scope())
    assert sorted(o.name for o in drill_down) == ["Chi bộ Sở B", "Chi bộ Văn phòng", "Đảng bộ Sở A"]


def test_figures_narrow_to_subjects_inside_an_organisation(registers):
    tree = registers
    assert compute_all(scope(tree["dbcs"]), keys=KEYS) == {
        "committee_inspections": 2,
        "committee_inspected_orgs": 2,
        "thematic_supervisions": 1,
        "supervised_orgs": 1,
        "supervised_members": 1,
        "violation_inspected_orgs": 1,
        "violation_inspected_members": 2,  # Bình was in Chi bộ Kế toán on the decision date
        "duty_inspected_orgs": 1,
        "discipline_enforcement_members": 1,
        "discipline_enforcement_committees": 1,
    }
    assert compute_all(scope(tree["cbcs"]), keys=KEYS) == {
        "committee_inspections": 1,
        "committee_inspected_orgs": 1,
        "thematic_supervisions": 1,
        "supervised_orgs": 1,
        "supervised_members": 1,
        "violation_inspected_orgs": 0,
        "violation_inspected_members": 0,  # Bình only arrived later
        "duty_inspected_orgs": 1,
        "discipline_enforcement_members": 1,
        "discipline_enforcement_committees": 1,
    }


def test_the_distinct_subject_figures_are_one_query_per_kind_of_record_and_equal_their_drill_downs(registers):
    """The eight figures of distinct subjects (organisations or members inspected or supervised) are
    counted together, one query over the inspections' subjects and one over the supervisions', for
    the Khối as for an organisation; each equals the rows of its drill-down."""
    tree = registers
    subject_keys = [key for key in KEYS if key not in ("committee_inspections", "thematic_supervisions")]
    for within in (None, tree["dbcs"], tree["cbcs"], tree["cb2"]):
        counted = scope(within)
        assert counted.within == within  # the tree's roots, read once per scope (not a figure's query)
        with CaptureQueriesContext(connection) as captured:
            found = compute_all(counted, keys=subject_keys)
        assert len(captured) == 2, within
        assert found == {key: len(FIGURES[key].records(counted)) for key in subject_keys}, within


def test_figures_stop_at_an_earlier_as_of_day(registers):
    earlier = Scope(*TERM, as_of=D(2017, 12, 31))
    assert compute_all(earlier, keys=["committee_inspections", "duty_inspected_orgs"]) == {
        "committee_inspections": 1,
        "duty_inspected_orgs": 2,
    }


def test_the_committee_does_not_inspect_with_the_ubkt_kinds(db):
    with pytest.raises(ValidationError) as refused:
        inspect(Body.COMMITTEE, InspectionKind.VIOLATION, D(2018, 1, 1))
    assert refused.value.message_dict == {
        "kind": [
            "Kiểm tra khi có dấu hiệu vi phạm là nhiệm vụ của Ủy ban Kiểm tra: hãy chọn chủ thể "
            "“Ủy ban Kiểm tra Đảng ủy Khối”. Đảng ủy Khối kiểm tra theo chuyên đề."
        ]
    }
