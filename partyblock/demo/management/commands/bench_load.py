"""Load benchmark: the app under gunicorn on 127.0.0.1, a bounded load from client threads, and
requests/s, latency percentiles and errors per page and concurrency.

Run it against PostgreSQL with the demo data (docs/benchmarks.md has a recorded run):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pb_load .venv/bin/python manage.py migrate
    DATABASE_URL=… DEMO_PASSWORD=… .venv/bin/python manage.py seed_demo
    DATABASE_URL=… DEMO_PASSWORD=… .venv/bin/python manage.py bench_load

Production settings are used as far as a plain-HTTP loopback benchmark allows: DEBUG off, static
files collected with WhiteNoise's manifest (into a temporary STATIC_ROOT, so the checkout's
staticfiles/ is left alone), a random SECRET_KEY unless one is set, ALLOWED_HOSTS = 127.0.0.1 and no
redirect to HTTPS. These live in a settings module written to a temporary folder that extends
partyblock.settings; the database is the configured one. Only 127.0.0.1 is ever contacted, the
whole load lasts at most --budget seconds, and the server is stopped at the end whatever happens.
"""

import http.client
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from members.models import Member
from units.models import Term

HOST = "127.0.0.1"  # the only address this command sends anything to
TERM = "2015-2020"
LOGIN = "/quan-tri/login/"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    expect: str  # text a correct answer contains; a 200 without it counts as an error
    logged_in: bool = True
    user: str = ""  # who is logged in (default: --username); the same demo password


PAGES = [
    Page("term summary", f"/bao-cao/nhiem-ky/{TERM}/", "Báo cáo tổng hợp"),
    Page("members ?q=nguyen", "/quan-tri/members/member/?q=nguyen", "kết quả"),
    # The member list of one TCCS, as its staff see it: the scope's query once took seconds.
    Page("members of one TCCS", "/quan-tri/members/member/", 'id="result_list"', user="coso"),
    Page("drill-down admissions", f"/bao-cao/chi-tiet/admissions/?nhiem-ky={TERM}", 'class="total"'),
    Page("login page", LOGIN, 'name="password"', logged_in=False),
]

SETTINGS_MODULE = "bench_load_settings"
SETTINGS_TEXT = """\
# Written by manage.py bench_load; removed when it ends.
from partyblock.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
STATIC_ROOT = {static_root!r}
SECURE_SSL_REDIRECT = False  # plain HTTP on the loopback
"""


@dataclass
class Result:
    page: Page
    concurrency: int
    seconds: float = 0.0
    latencies: list = field(default_factory=list)  # seconds, successful or not
    errors: int = 0
    error_samples: list = field(default_factory=list)

    def percentile(self, share):
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        rank = max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))  # nearest rank
        return ordered[rank]


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Session:
    """One browser-like client: its cookies and a connection to the server on 127.0.0.1."""

    def __init__(self, port, timeout):
        self.port, self.timeout = port, timeout
        self.cookies = {}
        self.conn = None

    def request(self, method, path, body=None, headers=None, cookies=True):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        all_headers = {"Host": f"{HOST}:{self.port}", "Accept-Language": "vi", **(headers or {})}
        if cookies and self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=all_headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        if cookies:
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
        if response.headers.get("Connection", "").lower() == "close":
            self.close()  # gunicorn's sync workers answer one request per connection
        return response.status, response.headers, data.decode("utf-8", "replace")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def login(self, username, password):
        status, _, page = self.request("GET", LOGIN)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            raise CommandError(f"GET {LOGIN} answered {status} without a login form")
        form = {
            "csrfmiddlewaretoken": token.group(1),
            "username": username,
            "password": password,
            "next": "/quan-tri/",
        }
        status, headers, _ = self.request(
            "POST",
            LOGIN,
            body=urlencode(form),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://{HOST}:{self.port}{LOGIN}",
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise CommandError(
                f"Logging in as {username!r} failed (HTTP {status}): check --username / --password "
                "(default: quantri and DEMO_PASSWORD)."
            )


class Command(BaseCommand):
    help = (
        "Start the app under gunicorn (2 workers) on 127.0.0.1 against the configured database, send a "
        "bounded load (at most --budget seconds) at concurrency 1, 8 and 32 to the term summary, the "
        "member list searched for “nguyen”, one TCCS's member list as its staff (coso) see it, the "
        "admissions drill-down and the login page, logged in "
        "through the admin login form, and print requests/s, p50/p95/p99 latency and errors per page "
        "and concurrency. Needs the demo data (seed_demo) and its password (DEMO_PASSWORD)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--levels", default="1,8,32", help="concurrency levels (default 1,8,32)")
        parser.add_argument("--seconds", type=float, default=4.0, help="load per page and level (default 4)")
        parser.add_argument(
            "--budget",
            type=float,
            default=55.0,
            help="seconds for the whole load, logins included (default 55, at most 60); requests in flight "
            "when it runs out are awaited",
        )
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
        parser.add_argument("--username", default="quantri")
        parser.add_argument("--password", default=None, help="default: $DEMO_PASSWORD")

    def handle(self, *args, levels, seconds, budget, workers, username, password, **options):
        levels = [int(level) for level in levels.split(",") if level.strip()]
        if not levels or min(levels) < 1 or max(levels) > 64:
            raise CommandError("--levels: whole numbers from 1 to 64, e.g. 1,8,32")
        if not 0 < budget <= 60 or seconds <= 0:
            raise CommandError("--budget must be at most 60 seconds and --seconds positive")
        password = password or os.environ.get("DEMO_PASSWORD")
        if not password:
            raise CommandError("Give the password of --username with --password or DEMO_PASSWORD.")
        self._check_data()

        with tempfile.TemporaryDirectory(prefix="bench_load_") as folder, tempfile.TemporaryFile("w+") as log:
            self.log = log  # gunicorn's output, shown if it fails
            env = self._server_env(Path(folder))
            self._collectstatic(env)
            port = free_port()
            server = self._start(env, port, workers)
            try:
                self._wait_until_up(server, port)
                results = self._run(port, levels, seconds, budget, username, password)
            finally:
                self._stop(server)
        self._report(results, levels)

    # --- set-up ------------------------------------------------------------------------------------

    def _check_data(self):
        if not Term.objects.filter(label=TERM).exists():
            raise CommandError(f"No term {TERM} in this database: run `manage.py seed_demo` first.")
        db = settings.DATABASES["default"]
        version = ""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_version")
                version = " " + cursor.fetchone()[0].split()[0]
        self.database = f"{connection.vendor}{version} {db.get('NAME')} ({Member.objects.count():,} members)"

    def _server_env(self, folder):
        (folder / f"{SETTINGS_MODULE}.py").write_text(
            SETTINGS_TEXT.format(static_root=str(folder / "static"))
        )
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
                "PYTHONPATH": os.pathsep.join(
                    [str(folder), str(settings.BASE_DIR), env.get("PYTHONPATH", "")]
                ),
                "DEBUG": "false",
                "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(50),
            }
        )
        return env

    def _collectstatic(self, env):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise CommandError(f"collectstatic failed:\n{done.stderr[-3000:]}")
        self.stdout.write(
            f"Static files collected (WhiteNoise manifest) in {time.perf_counter() - started:.1f} s."
        )

    def _start(self, env, port, workers):
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "partyblock.wsgi:application",
            f"--bind={HOST}:{port}",
            f"--workers={workers}",
            "--no-control-socket",
            "--timeout=60",
            "--log-level=warning",
        ]
        self.server_label = f"gunicorn, {workers} sync workers on {HOST}:{port}"
        return subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def _server_log(self):
        self.log.seek(0)
        return self.log.read()[-3000:]

    def _wait_until_up(self, server, port):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError(f"gunicorn stopped (exit {server.returncode}):\n{self._server_log()}")
            try:
                status, _, _ = Session(port, timeout=5).request("GET", LOGIN, cookies=False)
            except OSError:
                time.sleep(0.2)
                continue
            if status == 200:
                return
            raise CommandError(f"GET {LOGIN} answered {status}:\n{self._server_log()}")
        raise CommandError(f"gunicorn did not answer within 30 s:\n{self._server_log()}")

    def _stop(self, server):
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    # --- load --------------------------------------------------------------------------------------

    def _run(self, port, levels, seconds, budget, username, password):
        deadline = time.monotonic() + budget  # logging in and warming up count too
        started = time.perf_counter()
        users = [username, *sorted({page.user for page in PAGES if page.user and page.user != username})]
        sessions_of = {}
        for user in users:
            sessions_of[user] = []
            for _ in range(min(8, max(levels))):  # a few people logged in; more clients share them
                session = Session(port, timeout=30)
                session.login(user, password)
                sessions_of[user].append(session)
        self.stdout.write(
            f"{self.server_label}; database {self.database}; {len(sessions_of[username])} sessions each "
            f"logged in as {', '.join(users)} in {time.perf_counter() - started:.1f} s."
        )
        runs = [(page, level) for page in PAGES for level in levels]
        results = []
        for index, (page, level) in enumerate(runs):
            sessions = sessions_of[page.user or username]
            if level == levels[0]:
                self._warm_up(port, page, sessions)
            remaining = deadline - time.monotonic()
            duration = min(seconds, remaining / (len(runs) - index))
            if duration <= 0.2:
                self.stdout.write(self.style.WARNING("Budget spent: the remaining runs are skipped."))
                break
            result = self._load(port, page, level, duration, sessions)
            results.append(result)
            self.stdout.write(
                f"  {page.name:<24} c={level:<3} {len(result.latencies):>5} requests in "
                f"{result.seconds:4.1f} s, {result.errors} errors"
            )
        for sessions in sessions_of.values():
            for session in sessions:
                session.close()
        return results

    def _warm_up(self, port, page, sessions):
        for session in sessions[:2]:
            clone = self._client(port, page, session)
            for _ in range(2):
                clone.request("GET", page.path, cookies=page.logged_in)
            clone.close()

    def _client(self, port, page, session):
        client = Session(port, timeout=30)
        if page.logged_in:
            client.cookies = dict(session.cookies)
        return client

    def _load(self, port, page, level, duration, sessions):
        result = Result(page, level)
        lock = threading.Lock()
        stop_at = time.monotonic() + duration

        def worker(client):
            latencies, errors, samples = [], 0, []
            while time.monotonic() < stop_at:
                began = time.perf_counter()
                try:
                    status, _, body = client.request("GET", page.path, cookies=page.logged_in)
                    problem = None if status == 200 and page.expect in body else f"HTTP {status}"
                except (OSError, http.client.HTTPException) as error:
                    problem = f"{type(error).__name__}: {error}"
                latencies.append(time.perf_counter() - began)
                if problem:
                    errors += 1
                    samples.append(problem)
            client.close()
            with lock:
                result.latencies.extend(latencies)
                result.errors += errors
                result.error_samples.extend(samples[:3])

        clients = [self._client(port, page, sessions[i % len(sessions)]) for i in range(level)]
        threads = [threading.Thread(target=worker, args=(client,)) for client in clients]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        result.seconds = time.perf_counter() - began
        return result

    # --- report ------------------------------------------------------------------------------------

    def _report(self, results, levels):
        self.stdout.write("")
        self.stdout.write(
            f"{'page':<24} {'conc':>4} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'p99 ms':>8} {'max ms':>8} {'errors':>6}"
        )
        for r in results:
            count = len(r.latencies)
            self.stdout.write(
                f"{r.page.name:<24} {r.concurrency:>4} {count:>8} {count / r.seconds:>7.1f} "
                f"{r.percentile(0.50) * 1000:>8.1f} {r.percentile(0.95) * 1000:>8.1f} "
                f"{r.percentile(0.99) * 1000:>8.1f} {max(r.latencies, default=0) * 1000:>8.1f} {r.errors:>6}"
            )
        errors = sum(r.errors for r in results)
        self.stdout.write("")
        if errors:
            samples = sorted({s for r in results for s in r.error_samples})[:5]
            self.stdout.write(self.style.ERROR(f"Errors: {errors} ({'; '.join(samples)})."))
        else:
            self.stdout.write(self.style.SUCCESS("Errors: none at any level."))
        if 1 in levels and 8 in levels:
            by_key = {(r.page.name, r.concurrency): r for r in results}
            verdicts = []
            for page in PAGES:
                one, eight = by_key.get((page.name, 1)), by_key.get((page.name, 8))
                if one and eight and one.latencies and eight.latencies:
                    ratio = eight.percentile(0.99) / one.percentile(0.50)
                    verdicts.append(f"{page.name} {ratio:.1f}×{'' if ratio <= 10 else ' (over 10×)'}")
            self.stdout.write(
                "p99 at concurrency 8 / p50 at concurrency 1 (goal ≤ 10×): " + ", ".join(verdicts)
            )
