"""Only the organisations rated each year (`units.models.RATED_KINDS`: TCCS, đảng bộ bộ phận, chi bộ
trực thuộc) are offered by the organisation rating's chooser; any other is refused in Vietnamese."""

import pytest
from django.urls import reverse

from tests.conftest import make_organisation
from units.models import OrganisationKind, OrganisationRating

ADD = reverse("admin:units_organisationrating_add")


@pytest.fixture
def rated_tree(tree):
    tree["dbbp"] = make_organisation(
        "SOA-BP", OrganisationKind.DANG_BO_BO_PHAN, tree["dbcs"], name="Đảng bộ bộ phận Phòng"
    )
    tree["province"] = make_organisation("TINH", OrganisationKind.PROVINCE, name="Đảng bộ tỉnh Hải Phòng")
    return tree


def offered(client):
    params = {
        "app_label": "units",
        "model_name": "organisationrating",
        "field_name": "organisation",
        "term": "",
    }
    return {r["id"] for r in client.get(reverse("admin:autocomplete"), params).json()["results"]}


def test_the_chooser_offers_only_the_rated_kinds(client, personas, rated_tree):
    client.force_login(personas["vanphong"])
    expected = {rated_tree[k].pk for k in ("dbcs", "cb1", "cb2", "cbcs", "dbbp")}
    assert offered(client) == {str(pk) for pk in expected}


def rate(client, organisation):
    payload = {"organisation": organisation.pk, "year": 2019, "category": "httnv", "score": "", "note": ""}
    return client.post(ADD, payload)


def test_another_kind_is_refused_with_a_vietnamese_message(client, personas, rated_tree):
    client.force_login(personas["vanphong"])
    for key in ("bloc", "province"):
        response = rate(client, rated_tree[key])
        assert response.status_code == 200
        assert (
            "chỉ xếp loại tổ chức cơ sở đảng, đảng bộ bộ phận và chi bộ trực thuộc"
            in response.content.decode()
        )
    assert not OrganisationRating.objects.exists()
    # A đảng bộ bộ phận is rated (docs/rules.md), as the rating entry page lists it.
    assert rate(client, rated_tree["dbbp"]).status_code == 302
    assert OrganisationRating.objects.get().organisation == rated_tree["dbbp"]
