import pathlib
import time

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from members.models import Member, MemberRating
from partyblock.demo.bench import base_sizes, scale_to, time_page
from partyblock.demo.seed import build_demo

RUNS = 5


class Command(BaseCommand):
    help = (
        "Benchmark the report pages on N times the demo data, built in a separate database of the "
        "configured engine (<name>_bench; dropped and created anew). Prints, at 1×, 10× and N×, the "
        "median server time over 5 requests and the SQL query count of the term summary, the year "
        "report, an organisation page, the composition page and a large drill-down."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=10, help="largest multiple of the demo data (e.g. 100)"
        )
        parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")

    def handle(self, *args, scale, keep, **options):
        if scale < 1:
            raise CommandError("--scale must be at least 1")
        steps = sorted({s for s in (1, 10, 100) if s <= scale} | {scale})
        original = self._use_bench_database()
        try:
            call_command("migrate", verbosity=0)
            started = time.perf_counter()
            build_demo()
            sizes = base_sizes()
            self.stdout.write(f"1×: demo built in {time.perf_counter() - started:.1f} s")
            user = get_user_model().objects.create_superuser("bench", password="bench-only")
            client = Client(HTTP_HOST="localhost")
            client.force_login(user)
            current = 1
            rows = []
            for step in steps:
                if step > current:
                    started = time.perf_counter()
                    scale_to(step, current, sizes)
                    current = step
                    self.stdout.write(f"{step}×: scaled in {time.perf_counter() - started:.1f} s")
                self._analyze()
                members, ratings = Member.objects.count(), MemberRating.objects.count()
                for name, url in self._pages():
                    median, queries, _ = time_page(client, url, RUNS)
                    rows.append((step, members, ratings, name, median, queries))
                    self.stdout.write(
                        f"{step:>4}×  {members:>8} members {ratings:>9} ratings  {name:<22} "
                        f"{median * 1000:>8.1f} ms  {queries:>4} queries"
                    )
            self.stdout.write(f"{len(rows)} measurements on {connection.vendor}, {RUNS} runs each (median).")
        finally:
            self._restore(original, keep)

    def _pages(self):
        return [
            ("term summary", reverse("reports:term", args=["2015-2020"])),
            ("year report", reverse("reports:year", args=[2019])),
            ("organisation page", reverse("organisation", args=["DB01"])),
            ("composition page", reverse("reports:composition") + "?ngay=31/07/2020&tu-ngay=15/07/2015"),
            ("drill-down: members", reverse("reports:drilldown", args=["members"]) + "?nhiem-ky=2015-2020"),
            ("admission board", reverse("reports:admission_board")),
        ]

    def _analyze(self):
        """Fresh statistics and visibility maps, as autovacuum would leave them after bulk loading."""
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    def _use_bench_database(self):
        settings_dict = connections["default"].settings_dict
        original = settings_dict["NAME"]
        bench_name = f"{original}_bench" if connection.vendor == "postgresql" else f"{original}.bench"
        self._close()
        if connection.vendor == "postgresql":
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{bench_name}"')
                cursor.execute(f'CREATE DATABASE "{bench_name}"')
        else:
            pathlib.Path(bench_name).unlink(missing_ok=True)
        settings_dict["NAME"] = bench_name
        self.stdout.write(f"Benchmark database: {bench_name} ({connection.vendor})")
        return original

    def _restore(self, original, keep):
        bench_name = connections["default"].settings_dict["NAME"]
        self._close()
        connections["default"].settings_dict["NAME"] = original
        if keep:
            self.stdout.write(f"Kept {bench_name}.")
            return
        if connection.vendor == "postgresql":
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{bench_name}"')
        else:
            pathlib.Path(bench_name).unlink(missing_ok=True)

    def _close(self):
        connection.close()
        if hasattr(connection, "close_pool"):
            connection.close_pool()
