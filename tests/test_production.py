"""What production tells and keeps: a 500 is logged to stderr with the request id its page shows,
and nothing shown to a signed-in user is cached."""

import io
import logging
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_permissions import records  # noqa: F401  (the fixture)


@pytest.fixture
def stderr_log():
    """What the console handler (stderr in production) writes during the test."""
    handler = next(h for h in logging.getLogger("django.request").handlers if h.name == "console")
    captured = io.StringIO()
    original = handler.setStream(captured)
    yield captured
    handler.setStream(original)


@pytest.mark.urls("tests.urls_failing")
def test_a_500_logs_one_line_with_the_request_id_and_path_and_the_page_shows_the_id(db, stderr_log):
    client = Client(raise_request_exception=False)
    response = client.get("/hong/", {"a": "1"})
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{16}", request_id)
    assert f"Mã yêu cầu (cho quản trị viên tra cứu): <code>{request_id}</code>" in response.content.decode()
    lines = stderr_log.getvalue().splitlines()
    headline = [line for line in lines if "django.request" in line]
    assert len(headline) == 1
    assert f"ERROR [{request_id}] django.request: Internal Server Error: /hong/" in headline[0]
    assert "RuntimeError: the view broke" in lines[-1]  # the traceback follows the line


@pytest.mark.urls("tests.urls_failing")
def test_a_request_id_from_the_proxy_is_kept_when_it_is_a_plain_token(db, stderr_log):
    client = Client(raise_request_exception=False)
    kept = client.get("/hong/", headers={"X-Request-ID": "proxy-42.a_b"})
    assert kept["X-Request-ID"] == "proxy-42.a_b"
    assert "[proxy-42.a_b] django.request" in stderr_log.getvalue()
    replaced = client.get("/hong/", headers={"X-Request-ID": "bad id\nforged line"})
    assert re.fullmatch(r"[0-9a-f]{16}", replaced["X-Request-ID"])


def test_a_404_is_not_logged_as_an_error(db, stderr_log):
    assert Client().get("/khong-co/").status_code == 404
    assert stderr_log.getvalue() == ""


@pytest.fixture
def leader(personas, records):  # noqa: F811
    client = Client()
    client.force_login(personas["lanhdao"])
    return client


def _directives(response):
    return {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.mark.parametrize(
    "url",
    [
        reverse("reports:term", args=["2015-2020"]),
        reverse("reports:term", args=["2015-2020"]) + "?xuat=xlsx",
        reverse("reports:drilldown", args=["members"]) + "?nhiem-ky=2015-2020",
        reverse("reports:drilldown", args=["members"]) + "?nhiem-ky=2015-2020&xuat=xlsx",
        reverse("admin:members_member_export"),
        "/khong-co/",  # even an error page answers a signed-in user privately
    ],
)
def test_pages_and_files_for_a_signed_in_user_are_never_stored(leader, url):
    response = leader.get(url)
    assert response.status_code in (200, 404)
    assert {"private", "no-store"} <= _directives(response)


def test_a_member_change_page_is_never_stored(leader, records):  # noqa: F811
    response = leader.get(reverse("admin:members_member_change", args=[records["members.member"].pk]))
    assert response.status_code == 200
    assert {"private", "no-store"} <= _directives(response)


def test_static_files_stay_cacheable_for_a_signed_in_user(leader):
    static = leader.get("/static/partyblock/reports.css")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")
