"""Choosers that place a record in today's tree (a member arriving, a candidate's chi bộ, a user's
TCCS) offer only organisations open today; a record that already holds one ended since keeps it."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse

from partyblock.admin_tools import OPEN_PARAM
from partyblock.admission.models import Candidate
from partyblock.admission.services import candidate_identify
from units.models import Organisation

D = datetime.date

pytestmark = pytest.mark.django_db


def dissolve(organisation):
    Organisation.objects.filter(pk=organisation.pk).update(
        dissolved_on=D(2024, 1, 1)
    )  # as if closed that day


def offered(client, model_name, field_name, app_label="members", open_only=False):
    params = {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": ""}
    if open_only:
        params[OPEN_PARAM] = "1"
    results = client.get(reverse("admin:autocomplete"), params).json()["results"]
    return [r["text"] for r in results]


def test_the_arrival_chooser_offers_chi_bo_open_today_and_the_events_keep_every_one(client, personas, tree):
    dissolve(tree["cb2"])
    client.force_login(personas["vanphong"])
    page = client.get(reverse("admin:members_member_arrival")).content.decode()
    assert f"?{OPEN_PARAM}=1" in page
    today = offered(client, "memberevent", "organisation", open_only=True)
    assert "Chi bộ Kế toán — Đảng bộ Sở A" not in today
    assert "Chi bộ Văn phòng — Đảng bộ Sở A" in today and "Chi bộ Sở B" in today
    # An event of the past may be in a chi bộ closed since: the events' own chooser keeps it.
    assert "Chi bộ Kế toán — Đảng bộ Sở A" in offered(client, "memberevent", "organisation")


def test_a_user_is_given_a_tccs_open_today(client, personas, tree):
    dissolve(tree["cbcs"])
    client.force_login(personas["quantri"])
    page = client.get(reverse("admin:auth_user_change", args=[personas["coso_a"].pk])).content.decode()
    assert f"?{OPEN_PARAM}=1" in page
    today = offered(client, "userscope", "tccs", app_label="accounts", open_only=True)
    assert "Chi bộ Sở B" not in today and "Đảng bộ Sở A" in today
    # coso_b's TCCS closed since: their page still shows it.
    page = client.get(reverse("admin:auth_user_change", args=[personas["coso_b"].pk])).content.decode()
    assert "Chi bộ Sở B</option>" in page


def candidate_form(personas, candidate=None):
    from django.contrib import admin

    request = RequestFactory().get("/")
    request.user = personas["vanphong"]
    model_admin = admin.site._registry[Candidate]
    return model_admin.get_form(request, candidate)


def test_a_new_candidate_is_placed_in_a_chi_bo_open_today_an_existing_one_keeps_hers(personas, tree):
    candidate = candidate_identify(
        organisation=tree["cb2"],
        identified_on=D(2023, 1, 10),
        full_name="Lê Thị Mẫu",
        gender="nu",
        birth_date=D(2000, 1, 1),
    ).candidate
    dissolve(tree["cb2"])
    new = candidate_form(personas)()
    assert tree["cb2"] not in new.fields["organisation"].queryset
    assert tree["cb1"] in new.fields["organisation"].queryset
    existing = candidate_form(personas, candidate)(instance=candidate)
    assert tree["cb2"] in existing.fields["organisation"].queryset
    assert set(existing.fields["organisation"].queryset) == {tree["cb1"], tree["cb2"], tree["cbcs"]}
