import datetime

import pytest

from units.models import Organisation, OrganisationKind


def make_organisation(code, kind, parent=None, founded_on=datetime.date(2000, 1, 1), **fields):
    organisation = Organisation(
        code=code,
        name=fields.pop("name", f"Tổ chức {code}"),
        kind=kind,
        parent=parent,
        founded_on=founded_on,
        **fields,
    )
    organisation.full_clean()
    organisation.save()
    return organisation


@pytest.fixture
def bloc(db):
    return make_organisation(
        "KHOI",
        OrganisationKind.BLOC,
        founded_on=datetime.date(1990, 1, 1),
        name="Đảng bộ Khối các cơ quan tỉnh",
    )


@pytest.fixture
def tree(bloc):
    """A small Khối: one đảng bộ cơ sở with two chi bộ, and one chi bộ cơ sở."""
    dbcs = make_organisation("SOA", OrganisationKind.DANG_BO_CO_SO, bloc, name="Đảng bộ Sở A")
    return {
        "bloc": bloc,
        "dbcs": dbcs,
        "cb1": make_organisation("SOA-VP", OrganisationKind.CHI_BO_TRUC_THUOC, dbcs, name="Chi bộ Văn phòng"),
        "cb2": make_organisation("SOA-KT", OrganisationKind.CHI_BO_TRUC_THUOC, dbcs, name="Chi bộ Kế toán"),
        "cbcs": make_organisation("SOB", OrganisationKind.CHI_BO_CO_SO, bloc, name="Chi bộ Sở B"),
    }
