"""One as-of membership rule (`members.queries.periods_as_of`): the organisation list's column, the
organisation page and its drill-downs count what `members_as_of` counts, on the tree of the day."""

import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from members.queries import members_as_of
from members.services import member_admit
from tests.conftest import make_organisation
from tests.members.conftest import make_member
from tests.reports.helpers import count_links, drilldown_total
from tests.units.test_tree_history import MOVED_ON
from units.models import Organisation, OrganisationKind
from units.services import organisation_move


@pytest.fixture
def moved(tree):
    """An in Chi bộ Văn phòng, Cường in Chi bộ Sở B (admitted 10/01/2020); Chi bộ Văn phòng moves
    from Đảng bộ Sở A to a new Đảng bộ Sở C on MOVED_ON."""
    for name, chi_bo in (("Nguyễn Văn An", "cb1"), ("Lê Văn Cường", "cbcs")):
        member = make_member(full_name=name)
        member_admit(member=member, organisation=tree[chi_bo], ceremony_date=datetime.date(2020, 1, 10))
    soc = make_organisation("SOC", OrganisationKind.DANG_BO_CO_SO, tree["bloc"], name="Đảng bộ Sở C")
    organisation_move(organisation=tree["cb1"], parent=soc, on=MOVED_ON)


def test_the_organisation_list_counts_the_members_members_as_of_counts(moved, admin_client):
    listing = admin_client.get(reverse("admin:units_organisation_changelist"))
    shown = {o.code: o.current_members for o in listing.context["cl"].result_list}
    today = timezone.localdate()
    assert shown == {o.code: members_as_of(today, within=o).count() for o in Organisation.objects.all()}
    assert (shown["KHOI"], shown["SOA"], shown["SOC"], shown["SOA-VP"]) == (2, 0, 1, 1)


def test_the_organisation_page_counts_its_children_on_the_tree_of_its_day(moved, admin_client):
    for code, day in (("SOA", MOVED_ON - datetime.timedelta(days=1)), ("SOC", MOVED_ON)):
        page = admin_client.get(reverse("organisation", args=[code]), {"ngay": f"{day:%d/%m/%Y}"})
        links = count_links(page.content.decode())
        organisations = [parse_qs(urlparse(href).query)["to-chuc"][0] for *_, href in links]
        children = [
            (organisation, value)
            for (key, _, value, _), organisation in zip(links, organisations, strict=True)
            if key == "members" and organisation != code
        ]
        assert sorted(children) == ([("SOA-KT", 0)] if code == "SOA" else []) + [("SOA-VP", 1)]
        for _, _, value, href in links:
            assert drilldown_total(admin_client, href) == (value, value)
