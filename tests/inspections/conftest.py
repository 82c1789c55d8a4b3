import datetime

import pytest

from members.services import member_admit, member_recognise
from tests.conftest import make_organisation
from tests.members.conftest import make_member
from units.models import OrganisationKind

D = datetime.date
ADMITTED = D(2010, 5, 19)


def official(name, chi_bo, ceremony=ADMITTED):
    member = make_member(full_name=name)
    member_admit(member=member, organisation=chi_bo, ceremony_date=ceremony)
    member_recognise(member=member, decision_date=ceremony.replace(year=ceremony.year + 1))
    return member


@pytest.fixture
def people(tree):
    """An (official, Chi bộ Văn phòng) and Cường (official, Chi bộ Sở B) since 2010; Bình admitted to
    Chi bộ Kế toán on 10/01/2020, probationary until 10/01/2021."""
    binh = make_member(full_name="Trần Thị Bình")
    member_admit(member=binh, organisation=tree["cb2"], ceremony_date=D(2020, 1, 10))
    return {
        "an": official("Nguyễn Văn An", tree["cb1"]),
        "binh": binh,
        "cuong": official("Lê Văn Cường", tree["cbcs"]),
    }


@pytest.fixture
def empty_chi_bo(tree):
    return make_organisation("SOA-TV", OrganisationKind.CHI_BO_TRUC_THUOC, tree["dbcs"], name="Chi bộ Tài vụ")


@pytest.fixture
def staff(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("quantri", password="mat-khau-thu"))
    return client
