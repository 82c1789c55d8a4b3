"""Real-browser tests: Playwright for Python drives Debian's Chromium against the app served by
pytest-django's `live_server` on 127.0.0.1, on the demo data (`manage.py seed_demo`).

They are marked `browser` and skipped unless asked for: `python3 scripts/dev.py test -m browser`, or
PARTYBLOCK_BROWSER_TESTS=1 with any other selection. CI runs them (`.ci/run`). Each scenario saves
full-page screenshots under artifacts/screenshots/ (ignored by git); a failing one also saves the
page it failed on there.

The database. `live_server` makes every test that uses it transactional (pytest-django's
`_live_server_helper` requests `transactional_db`), and a transactional test flushes the database
when it ends: the demo would be gone after the first scenario, and building it takes seconds. So:

- `demo_site` (package scope) builds the demo once with `seed_demo`, committed: the server threads
  have connections of their own and only see committed rows (on SQLite too: when browser tests run,
  the test database is a file, not memory; see `pytest_configure`);
- this package overrides `transactional_db` (and `db`): the test and the server get database
  access, and nothing is flushed between scenarios. Scenarios therefore see each other's writes;
  each writes only records of its own (its own names, dates after the 2015–2020 term, its own
  chi bộ), so that their order does not matter;
- when the package ends, `demo_site` flushes the database and reloads what the migrations had
  written (holidays, roles, content types, permissions), as Django's serialized rollback does, so the
  tests collected after this package start from the database they expect.
"""

import contextlib
import io
import os
import re
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, PASSWORD, RUN_VARIABLE, SCREENSHOTS


def browser_tests_asked(config):
    return os.environ.get(RUN_VARIABLE) == "1" or bool(
        re.search(r"\bbrowser\b", config.getoption("markexpr") or "")
    )


def pytest_configure(config):
    # pytest-django's live_server listens on --liveserver, else $DJANGO_LIVE_TEST_SERVER_ADDRESS,
    # else "localhost"; these tests want the loopback address itself.
    if not config.getoption("liveserver", default=None) and not os.environ.get(
        "DJANGO_LIVE_TEST_SERVER_ADDRESS"
    ):
        config.option.liveserver = "127.0.0.1"
    # On SQLite the test database is in memory, and Django then hands the test thread's one
    # connection to the live server's threads: a request still running when the test reads the
    # database (or when the package's flush runs) shares a connection between two threads, which
    # deadlocked CI (a server thread and the flush, both waiting in SQLite). When browser tests run,
    # the test database is a file instead: every thread opens its own connection, and SQLite's
    # locking (WAL, the settings' busy timeout) orders them. The file lives in a fresh temporary
    # folder; Django deletes it when the test database is destroyed.
    database = settings.DATABASES["default"]
    if browser_tests_asked(config) and database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tempfile.mkdtemp(prefix="partyblock-browser-")
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
        database.setdefault("TEST", {})["NAME"] = os.path.join(folder, "test.sqlite3")
        database.setdefault("OPTIONS", {})["timeout"] = 60  # seconds a connection waits for a lock


def pytest_collection_modifyitems(config, items):
    """Skip browser tests unless `-m` names them or PARTYBLOCK_BROWSER_TESTS=1."""
    if browser_tests_asked(config):
        return
    skip = pytest.mark.skip(reason=f"browser test: run with -m browser or {RUN_VARIABLE}=1")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call" and report.failed and "page" in item.funcargs:
        page = item.funcargs["page"]
        with contextlib.suppress(Exception):  # the page may be gone; the failure is what matters
            page.screenshot(path=SCREENSHOTS / f"FAILED-{item.name}.png", full_page=True)
    return report


# --- database -------------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def demo_site(django_db_setup, django_db_blocker):
    """The demo Khối and its logins, committed once for the package; flushed afterwards."""
    with django_db_blocker.unblock():
        connection = connections["default"]
        migrated = connection.creation.serialize_db_to_string()
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("DEMO_PASSWORD", PASSWORD)
            call_command("seed_demo", stdout=io.StringIO())
        try:
            yield
        finally:
            call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
            connection.creation.deserialize_db_from_string(migrated)


@pytest.fixture
def transactional_db(demo_site, django_db_blocker):
    """Overrides pytest-django's for this package (see the module docstring): database access for
    the test and the live server, on the committed demo data, with no flush afterwards."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def db(transactional_db):
    """Same as `transactional_db` here: a test-side transaction would hide rows from the server."""


# --- browser --------------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def chromium():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium", pytrace=False)
    # Playwright's sync API keeps an asyncio loop running in this thread while it is started, and
    # Django's ORM refuses to run in a thread with a running loop. The test thread only makes plain,
    # sequential checks (the server answers from its own thread), so allow it while this package
    # runs; both end with the package (the variable must not leak into later tests' subprocesses).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
            # With a loop running, Django (asgiref) keeps this thread's connections apart from the
            # ones it uses without: close them while they can still be reached, or they stay open
            # and PostgreSQL's test database cannot be dropped ("being accessed by other users").
            connections.close_all()


@pytest.fixture
def page(chromium, live_server, transactional_db):
    """A fresh browser profile (no cookies) speaking Vietnamese in the server's time zone."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(
        base_url=live_server.url,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        viewport={"width": 1366, "height": 900},
        accept_downloads=True,
    )
    context.set_default_timeout(20_000)
    # The browser asks for /favicon.ico after each page has loaded, i.e. while the test may be
    # reading the database: answer it here rather than with a 404 from Django.
    context.route("**/favicon.ico", lambda route: route.fulfill(status=204, body=""))
    page = context.new_page()
    yield page
    with contextlib.suppress(Exception):
        page.wait_for_load_state("networkidle", timeout=10_000)
    context.close()
    wait_for_server(live_server)


def wait_for_server(live_server, timeout=60):
    """Let the live server finish the requests it is still handling (say, a page the test left while
    it was loading) before the next test or the final flush uses the database. Django's live server
    handles each request in a daemon thread that socketserver does not keep (its `_threads` stays
    empty for daemon threads), so they are found by the name socketserver gives them. A request
    still running after `timeout` fails the test rather than hanging the run."""
    deadline = time.monotonic() + timeout
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                pytest.fail(f"the live server still handles a request after {timeout} s", pytrace=False)
