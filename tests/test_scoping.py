"""Every kind of record says how it belongs to a TCCS (`partyblock.core.scoping`), and the one access
rule applies what it says: a model added tomorrow that points at a member or an organisation and
declares nothing fails here, before grassroots staff could read another TCCS's records through it."""

import datetime

import pytest
from django.apps import apps

from members.models import GapGround, Member, PartyLifeGap
from members.services import member_admit, party_life_gaps_apply
from partyblock.accounts.access import visible
from partyblock.core.scoping import BELONGING
from tests.members.conftest import make_member
from units.models import Organisation

D = datetime.date


def points_at_members_or_organisations(model):
    return any(
        field.concrete and field.is_relation and field.related_model in (Member, Organisation)
        for field in model._meta.get_fields()
    )


def test_every_model_that_points_at_a_member_or_an_organisation_declares_its_belonging():
    undeclared = [
        model._meta.label
        for model in apps.get_models()
        if model not in BELONGING
        and (model in (Member, Organisation) or points_at_members_or_organisations(model))
    ]
    assert undeclared == []


def test_the_declarations_name_real_fields():
    for model, belonging in BELONGING.items():
        for field in filter(None, (belonging.organisation, belonging.member)):
            if field != "pk":
                assert model._meta.get_field(field).related_model in (Member, Organisation), (model, field)


@pytest.mark.django_db
def test_a_party_life_gap_is_seen_by_the_staff_of_its_member_s_tccs_only(personas, tree):
    """A record kind added after the access rule was written (interruptions of party life) is
    narrowed like the other member records, through its declaration."""
    gaps = {}
    for key, name in (("cb1", "Lê Văn Trong"), ("cbcs", "Hà Thị Ngoài")):
        member = make_member(full_name=name, birth_date=D(1970, 4, 1))
        member_admit(member=member, organisation=tree[key], ceremony_date=D(2005, 9, 2))
        party_life_gaps_apply(
            member,
            add=[
                PartyLifeGap(ground=GapGround.LOST_CONTACT, starts_on=D(2010, 1, 1), ends_on=D(2011, 6, 30))
            ],
        )
        gaps[key] = member.party_life_gaps.get()

    def seen(username):
        return set(visible(PartyLifeGap.objects.all(), personas[username]))

    assert seen("coso_a") == {gaps["cb1"]}
    assert seen("coso_b") == {gaps["cbcs"]}
    assert seen("vanphong") == set(gaps.values())
