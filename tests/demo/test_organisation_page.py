"""Every count on the organisation page is a registered figure: it links to the drill-down listing
exactly the records it counts, and `manage.py figures --organisation CODE` prints the same counts."""

import io
import json
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.reports.helpers import count_links, drilldown_total

SCOPE_PARAMS = ("tu-ngay", "den-ngay")


@pytest.fixture
def leader(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("lanhdao", password="x"))
    return client


@pytest.mark.parametrize(
    ("code", "day", "iso_day", "keys"),
    [
        # A đảng bộ cơ sở with its chi bộ, before and after chi bộ DB07-01 moved to DB08 (01/01/2022).
        ("DB07", "31/12/2019", "2019-12-31", {"members", "member_ratings", "member_ratings_good_or_better"}),
        ("DB08", "31/12/2022", "2022-12-31", {"members"}),
        ("CB01", "31/12/2019", "2019-12-31", {"members", "member_ratings"}),  # a chi bộ cơ sở
    ],
)
def test_each_count_on_the_organisation_page_is_its_drill_down_and_the_command_prints_it(
    leader, db, code, day, iso_day, keys
):
    page = leader.get(reverse("organisation", args=[code]), {"ngay": day})
    assert page.status_code == 200
    shown = count_links(page.content.decode())
    assert keys <= {key for key, *_ in shown}
    organisations = [parse_qs(urlparse(href).query)["to-chuc"][0] for *_, href in shown]
    if code.startswith("DB"):  # its chi bộ, each with its own count
        assert len({o for o in organisations if o.startswith(f"{code}-")}) > 1
    for key, params, value, href in shown:
        total, listed = drilldown_total(leader, href)
        assert (key, params, total, listed) == (key, params, value, value)

    out = io.StringIO()
    call_command("figures", "--organisation", code, "--as-of", iso_day, "--format", "json", stdout=out)
    printed = [
        (p["figure"], p["organisation"], {name: str(v) for name, v in p["params"].items()}, p["value"])
        for p in json.loads(out.getvalue())
    ]
    on_page = [
        (key, organisation, {name: v for name, v in params.items() if name not in SCOPE_PARAMS}, value)
        for (key, params, value, _), organisation in zip(shown, organisations, strict=True)
    ]
    assert printed == on_page
