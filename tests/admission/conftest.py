import datetime

import pytest

from members.lifecycle import add_months
from members.models import Gender
from members.services import member_admit, member_create, member_recognise
from partyblock.admission import services
from partyblock.admission.models import Step

D = datetime.date
LONG_AGO = D(2015, 3, 2)


def official_member(name, chi_bo, ceremony=LONG_AGO):
    """A member admitted to `chi_bo` on `ceremony` and recognised official a year later."""
    member = member_create(full_name=name, gender=Gender.MALE, birth_date=D(1980, 4, 1))
    member_admit(member=member, organisation=chi_bo, ceremony_date=ceremony, decision_date=ceremony)
    member_recognise(member=member, decision_date=add_months(ceremony, 12))
    return member


@pytest.fixture
def sponsors(tree):
    """Two official members of Chi bộ Văn phòng (Đảng bộ Sở A), and one of Chi bộ Sở B."""
    return {
        "a": official_member("Trần Văn Bảo", tree["cb1"]),
        "b": official_member("Lê Thị Cúc", tree["cb1"]),
        "other_tccs": official_member("Phạm Văn Dũng", tree["cbcs"]),
    }


# Valid values for each step of a candidate of Chi bộ Văn phòng identified on 10/01/2023.
STEP_VALUES = {
    Step.COURSE: lambda s: {
        "certificate_on": D(2023, 3, 15),
        "certificate_number": "125-CN/TTCT",
        "issuer": "Trung tâm Chính trị tỉnh",
    },
    Step.RESUME: lambda s: {"verified_on": D(2023, 6, 1), "document": "15-KL/ĐU"},
    Step.SPONSORED: lambda s: {
        "sponsored_on": D(2023, 7, 3),
        "sponsor_1": s["a"],
        "sponsor_1_since": D(2020, 1, 1),
        "sponsor_2": s["b"],
        "sponsor_2_since": D(2021, 5, 1),
    },
    Step.CHI_BO_VOTE: lambda s: {
        "voted_on": D(2023, 8, 10),
        "votes_for": 2,
        "votes_against": 0,
        "present": 2,
        "total": 2,
    },
    Step.RESOLUTION: lambda s: {
        "resolved_on": D(2023, 8, 25),
        "number": "45-NQ/ĐU",
        "votes_for": 7,
        "members_total": 9,
    },
    Step.DECISION: lambda s: {
        "decided_on": D(2023, 9, 12),
        "number": "120-QĐ/ĐUK",
        "body": "Ban Thường vụ Đảng ủy Khối",
    },
    Step.ADMITTED: lambda s: {"ceremony_on": D(2023, 10, 2)},
}


def identify(organisation, **profile):
    values = {
        "full_name": "Nguyễn Thị Hoa",
        "gender": Gender.FEMALE,
        "birth_date": D(1998, 6, 20),
        "hometown": "Xã An Bình, huyện Nam Sách",
        "national_id": "030198001234",
        "occupation": "Chuyên viên",
        **profile,
    }
    return services.candidate_identify(
        organisation=organisation, identified_on=D(2023, 1, 10), **values
    ).candidate


def take_to(candidate, last, sponsors, **overrides):
    """Record every step of `candidate` up to `last` with the valid values above; `overrides`
    replaces values of `last`. Returns the last Outcome."""
    outcome = None
    for step in candidate.steps():
        if step == Step.IDENTIFIED:
            continue
        values = STEP_VALUES[step](sponsors)
        if step == last:
            values.update(overrides)
        outcome = services.STEP_RECORDERS[step](candidate, **values)
        if step == last:
            break
    return outcome


@pytest.fixture
def candidate(tree, sponsors):
    return identify(tree["cb1"])
