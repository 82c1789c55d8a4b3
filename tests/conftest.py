import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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


def page_queries(client, url, **params):
    """How many queries a GET of `url` (with `params`) takes; it must answer 200."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(captured)


def inline_management(prefix, total=0, initial=0):
    """The management form of an admin inline (`prefix`) for a POST."""
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


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


PERSONAS = ("quantri", "vanphong", "lanhdao", "ubkt", "coso_a", "coso_b")


@pytest.fixture
def personas(tree, django_user_model):
    """One user per role; grassroots staff of two TCCS: coso_a keeps Đảng bộ Sở A, coso_b Chi bộ Sở B."""
    from django.contrib.auth.models import Group

    from partyblock.accounts import access
    from partyblock.accounts.models import UserScope

    roles = {
        "quantri": access.ROLE_ADMIN,
        "vanphong": access.ROLE_OFFICE,
        "lanhdao": access.ROLE_LEADER,
        "ubkt": access.ROLE_INSPECTION,
        "coso_a": access.ROLE_GRASSROOTS,
        "coso_b": access.ROLE_GRASSROOTS,
    }
    bound = {"coso_a": tree["dbcs"], "coso_b": tree["cbcs"]}
    users = {}
    for username, role in roles.items():
        user = django_user_model.objects.create_user(username, password="mat-khau-thu", is_staff=True)
        user.groups.set([Group.objects.get(name=role)])
        if username in bound:
            UserScope.objects.create(user=user, tccs=bound[username])
        users[username] = user
    return users
