import datetime

import pytest

from members.models import Gender
from members.services import member_admit, member_create


def make_member(full_name="Nguyễn Văn An", birth_date=datetime.date(1990, 5, 15), **profile):
    return member_create(
        full_name=full_name, gender=profile.pop("gender", Gender.MALE), birth_date=birth_date, **profile
    )


@pytest.fixture
def member(db):
    return make_member()


@pytest.fixture
def admitted(member, tree):
    """A member admitted to Chi bộ Văn phòng on 10/01/2020 (still probationary)."""
    member_admit(
        member=member,
        organisation=tree["cb1"],
        ceremony_date=datetime.date(2020, 1, 10),
        decision_date=datetime.date(2019, 12, 20),
    )
    return member
