"""Every page a role opens (the pages `manage.py bench_pages` times: home and to-dos, search, the
admin index and every list the role may view, checks, badges due, the bulk rating screens, the
report pages, the organisation page and a drill-down) takes as many queries with many more records
as with a few: nothing is fetched row by row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partyblock.demo.management.commands.bench_pages import Command as BenchPages
from tests.conftest import PERSONAS
from tests.reports.test_pages import populate


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_of_a_role_takes_as_many_queries_with_more_records(client, personas, tree, term, persona):
    user = personas[persona]
    client.force_login(user)
    populate(tree, people=3)  # a few of every record the pages count (an admission in the term too)
    pages = list(BenchPages().pages(user))
    # The bulk rating screens open empty: count them with a choice made, rows and all.
    if user.has_perm("members.change_memberrating"):
        chosen = tree["cbcs"] if persona == "coso_b" else tree["dbcs"]
        url = reverse("admin:members_memberrating_bulk")
        pages.append(("bulk member ratings, chosen", f"{url}?to_chuc={chosen.pk}&nam=2017"))
    if user.has_perm("units.change_organisationrating"):
        url = reverse("admin:units_organisationrating_bulk")
        pages.append(("bulk organisation ratings, chosen", f"{url}?to_chuc=tccs&nam=2017"))
    assert len(pages) > 10
    few = {name: _queries(client, url) for name, url in pages}
    populate(tree, people=12)
    many = {name: _queries(client, url) for name, url in pages}
    assert many == few
