"""Members whose genders, ethnicities, religions, birth dates and party histories are known, for
the composition and flow tests."""

import datetime

import pytest

from members.models import EndingGround, EventKind, Gender, TheoryLevel
from members.services import (
    member_admit,
    member_admit_outside,
    member_end,
    member_recognise,
    member_transfer_in,
    member_transfer_out,
)
from tests.members.conftest import make_member
from units.models import Term

D = datetime.date
TERM_END = D(2020, 7, 31)


def _person(
    name, gender, birth, ethnicity="Kinh", religion="Không", theory=TheoryLevel.NONE, education="12/12"
):
    return make_member(
        full_name=name,
        gender=gender,
        birth_date=birth,
        ethnicity=ethnicity,
        religion=religion,
        theory_level=theory,
        education=education,
    )


def _admit(member, organisation, ceremony, official=True):
    member_admit(member=member, organisation=organisation, ceremony_date=ceremony, decision_date=ceremony)
    if official:
        member_recognise(
            member=member, decision_date=ceremony.replace(year=ceremony.year + 1) + datetime.timedelta(days=3)
        )


@pytest.fixture
def people(tree):
    """Eight members; six belong to the Khối on 31/07/2020."""
    a = _person("Phạm Văn Cả", Gender.MALE, D(1940, 3, 1), theory=TheoryLevel.ADVANCED, education="10/10")
    member_admit_outside(
        member=a, other_party="Chi bộ xã Tân Dân", ceremony_date=D(1965, 5, 19), decision_date=D(1965, 5, 1)
    )
    member_recognise(member=a, decision_date=D(1966, 5, 25))
    member_transfer_in(member=a, to=tree["cb1"], from_party="Đảng bộ huyện Kim Thành", on=D(2001, 1, 1))

    b = _person("Lò Thị Bình", Gender.FEMALE, D(1990, 7, 31), "Tày", "Công giáo", TheoryLevel.INTERMEDIATE)
    _admit(b, tree["cb1"], D(2012, 5, 1))

    c = _person("Nguyễn Thị Chi", Gender.FEMALE, D(1989, 8, 1), religion="Phật giáo")
    _admit(c, tree["cb2"], D(2020, 3, 1), official=False)

    d = _person("Đinh Văn Dũng", Gender.MALE, D(1980, 7, 31), "Mường", theory=TheoryLevel.ELEMENTARY)
    _admit(d, tree["cb1"], D(2000, 3, 1))
    member_end(member=d, kind=EventKind.REMOVAL, on=D(2005, 6, 1), ground=EndingGround.WANING)
    member_admit(
        member=d,
        organisation=tree["cb1"],
        ceremony_date=D(2010, 3, 1),
        readmission=True,
        readmission_consent="Công văn đồng ý của Ban Thường vụ Tỉnh ủy",
    )
    member_recognise(member=d, decision_date=D(2011, 3, 5))

    e = _person("Vũ Văn Em", Gender.MALE, D(1960, 1, 1))
    _admit(e, tree["cbcs"], D(2005, 4, 1))
    member_transfer_out(member=e, to_party="Đảng bộ tỉnh Bắc Ninh", on=D(2019, 5, 1))

    f = _person("Trần Văn Phúc", Gender.MALE, D(1970, 8, 1), education="")
    _admit(f, tree["cbcs"], D(2001, 9, 2))

    g = _person("Hoàng Thị Giang", Gender.FEMALE, D(2000, 2, 29))
    _admit(g, tree["cb2"], D(2019, 2, 28))  # 18 on the day: her birthday falls on 29/2

    h = _person("Lê Văn Hải", Gender.MALE, D(1985, 6, 1))
    _admit(h, tree["cb2"], D(2016, 6, 1))  # 31 on the day
    member_end(member=h, kind=EventKind.DEATH, on=D(2019, 10, 2))
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "h": h}


@pytest.fixture
def staff(client, django_user_model):
    """A client logged in as a superuser (the reports' reader)."""
    client.force_login(django_user_model.objects.create_superuser("lanhdao", password="x"))
    return client


@pytest.fixture
def term(db):
    return Term.objects.create(
        label="2015-2020", congress_ordinal="VIII", starts_on=D(2015, 7, 15), ends_on=TERM_END
    )
