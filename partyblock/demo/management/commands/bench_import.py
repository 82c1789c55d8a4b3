import argparse
import datetime
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, connection, transaction

from members.models import Member, MemberCard, MemberEvent, MembershipPeriod
from partyblock.core.text import day_text
from partyblock.demo.names import (
    FAMILY_NAMES,
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    HOMETOWNS,
    MALE_GIVEN,
    MALE_MIDDLE,
)
from partyblock.importing.batches import commit, prepare
from partyblock.importing.models import ImportBatch
from units.models import Organisation, OrganisationKind

BENCH_CODE = "BENCH"
CHI_BO_NAMES = [
    "Chi bộ Văn phòng",
    "Chi bộ Phòng Kế hoạch",
    "Chi bộ Phòng Tổ chức cán bộ",
    "Chi bộ Thanh tra",
    "Chi bộ Phòng Tài chính",
    "Chi bộ Trung tâm Thông tin",
    "Chi bộ Phòng Pháp chế",
    "Chi bộ Phòng Quản lý ngân sách",
    "Chi bộ Phòng Đầu tư",
    "Chi bộ Trung tâm Dịch vụ",
]
SCENARIOS = ["read_openpyxl", "read_calamine", "floor", "preview", "full", "reimport"]


class Command(BaseCommand):
    help = (
        "Benchmark the spreadsheet import: generates realistic member sheets (default 5,000 and 50,000 rows) "
        "and times, each in its own process: a bare read with openpyxl (read-only) and with python-calamine "
        "(read again after each import step in that step's process, for a ratio per process), the floor "
        "as issue 16 defines it (the python-calamine read plus one COPY of the sheet's member rows into "
        "the members table, rolled back), the preview alone, the full import (preview + confirm) into a "
        "database without those members (organisations present), and a re-import of the unchanged file. "
        "Prints rows/s, the ratios to the floor and to the bare read, SQL queries, peak memory and what "
        "the database write took. With --repeat N every "
        "step runs N times and medians are shown. Creates a TCCS with code BENCH and removes the members "
        "it imported when done (then VACUUM ANALYZE on PostgreSQL, so that every run meets the same "
        "tables). Use a database of its own."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, nargs="+", default=[5000, 50000])
        parser.add_argument("--repeat", type=int, default=1, help="runs of each step (medians are shown)")
        parser.add_argument(
            "--no-openpyxl",
            action="store_true",
            help="skip the openpyxl read (a minute per run at 50,000 rows)",
        )
        parser.add_argument("--child", choices=SCENARIOS, help=argparse.SUPPRESS)
        parser.add_argument("--file", help=argparse.SUPPRESS)

    def handle(self, *args, rows, repeat=1, child=None, file=None, no_openpyxl=False, **options):
        if child:
            self.stdout.write(json.dumps(run_child(child, file)))
            return
        tccs = ensure_organisations()
        remove_bench_members(tccs)
        results = []
        with tempfile.TemporaryDirectory() as folder:
            for count in rows:
                path = os.path.join(folder, f"dang-vien-{count}.xlsx")
                started = time.perf_counter()
                write_sheet(path, count, [o.name for o in tccs.children.order_by("path")])
                self.stdout.write(
                    f"Generated {count:,} rows in {time.perf_counter() - started:.1f} s ({os.path.getsize(path) / 1e6:.1f} MB)"
                )
                steps = [s for s in SCENARIOS if not (no_openpyxl and s == "read_openpyxl")]
                runs = {scenario: [] for scenario in steps}
                for _ in range(max(repeat, 1)):
                    for scenario in steps:
                        runs[scenario].append(self._child(scenario, path))
                        if scenario == "preview":
                            remove_bench_members(tccs)
                    remove_bench_members(tccs)
                results.append((count, {scenario: _medians(found) for scenario, found in runs.items()}))
        self._print(results, repeat)

    def _child(self, scenario, path):
        command = [sys.executable, sys.argv[0], "bench_import", "--child", scenario, "--file", path]
        done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
        if done.returncode:
            raise CommandError(f"{scenario} failed:\n{done.stderr}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def _print(self, results, repeat=1):
        vendor = connection.vendor
        runs = f", medians of {repeat} runs" if repeat > 1 else ""
        self.stdout.write(f"\nDatabase: {vendor}{runs}")
        header = (
            f"{'rows':>7} {'step':<28} {'seconds':>8} {'rows/s':>9} {'× floor':>8} {'× read':>7} {'× own':>6} "
            f"{'queries':>8} "
            f"{'peak RSS':>9}"
        )
        self.stdout.write(header)
        for count, measured in results:
            # The floor of issue 16: the python-calamine read plus one COPY of the members (until
            # 2026-12-07 this command's floor was the bare read, now the "× read" column).
            floor = measured["floor"]["seconds"]
            read = measured["read_calamine"]["seconds"]
            labels = {
                "read_openpyxl": "read: openpyxl read-only",
                "read_calamine": "read: python-calamine",
                "floor": "floor: read + one COPY",
                "preview": "preview alone",
                "full": "full import (preview+confirm)",
                "reimport": "re-import, unchanged",
            }
            for scenario in measured:
                m = measured[scenario]
                own = f"{m['own_floor_ratio']:>6.1f}" if "own_floor_ratio" in m else f"{'':>6}"
                self.stdout.write(
                    f"{count:>7,} {labels[scenario]:<28} {m['seconds']:>8.2f} {count / m['seconds']:>9,.0f} "
                    f"{m['seconds'] / floor:>8.1f} {m['seconds'] / read:>7.1f} {own} {m.get('queries', 0):>8.0f} "
                    f"{m['peak_mb']:>7.0f} MB"
                )
            full = measured["full"]
            copy, ids, fk = full["write_seconds"], full["ids_seconds"], full["commit_sql_seconds"]
            write = copy + ids + fk
            inserts = "COPY" if vendor == "postgresql" else "INSERT"
            self.stdout.write(
                f"{count:>7,}   full = preview {full['prepare_seconds']:.2f} s + confirm {full['commit_seconds']:.2f} s; "
                f"the database write: {inserts} {copy:.2f} s + id reservation {ids:.2f} s + COMMIT (deferred "
                f"foreign-key checks) {fk:.2f} s = {write:.2f} s"
            )
            self.stdout.write(
                f"{count:>7,}   besides the write {full['besides_write_seconds']:.2f} s "
                f"(= {full['besides_write_seconds'] / read:.1f} × the bare read); besides the {inserts} statements "
                f"{full['besides_inserts_seconds']:.2f} s (= {full['besides_inserts_seconds'] / read:.1f} × the bare "
                f"read). Django baseline RSS {full['baseline_mb']:.0f} MB"
            )
            self.stdout.write(
                f"{count:>7,}   goal of issue 16: full import within 5 × floor = {5 * floor:.2f} s "
                f"(measured {full['seconds'] / floor:.1f} ×), re-import within 2 × floor = {2 * floor:.2f} s "
                f"(measured {measured['reimport']['seconds'] / floor:.1f} ×); the floor's COPY took "
                f"{measured['floor']['copy_seconds']:.2f} s of its {floor:.2f} s"
            )
            self.stdout.write(
                f"{count:>7,}   the bare read again in each step's own process after the step: median "
                f"{full['own_floor_seconds']:.2f} s; besides the write = {full['besides_write_own_floor_ratio']:.2f} × "
                'that read (median of the runs\' ratios; the "× own" column: each step against that read)'
            )


def _medians(runs):
    """The median of every number measured over `runs` (dicts of one step)."""
    return {
        key: statistics.median(run[key] for run in runs)
        for key, value in runs[0].items()
        if isinstance(value, (int, float))
    }


# --- the measured steps, each run in a fresh process ----------------------------------------------


def run_child(scenario, path):
    baseline = _peak_mb()
    started = time.perf_counter()
    result = {"baseline_mb": baseline}
    if scenario == "read_openpyxl":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        result["rows"] = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
        book.close()
    elif scenario == "read_calamine":
        result["rows"] = calamine_read(path)
    elif scenario == "floor":
        Organisation.objects.exists()  # connect before the clock starts, as the import steps do
        started = time.perf_counter()
        result["rows"], result["copy_seconds"] = read_and_copy(path)
    else:
        # The connection is opened (and the TCCS read) before the clock starts: an application has
        # its connection already.
        tccs = Organisation.objects.get(code=BENCH_CODE)
        started = time.perf_counter()
        counter = StatementCounter()
        with connection.execute_wrapper(counter):
            preview = prepare("members", path, organisation=tccs)
            result["prepare_seconds"] = time.perf_counter() - started
            if preview.errors:
                raise CommandError("\n".join(preview.errors[:20]))
            result["status"] = preview.batch.status
            if scenario == "full":
                confirm = time.perf_counter()
                counter.write_seconds = 0.0
                commit_sql = _timed_commits()
                commit(preview)
                result["commit_seconds"] = time.perf_counter() - confirm
                result["write_seconds"] = counter.write_seconds
                result["ids_seconds"] = counter.ids_seconds
                result["commit_sql_seconds"] = commit_sql["seconds"]
        result["queries"] = counter.count
        result["created"] = preview.batch.created_count
        result["unchanged"] = preview.batch.unchanged_count
    result["seconds"] = time.perf_counter() - started
    if scenario == "full":
        write = result["write_seconds"] + result["ids_seconds"] + result["commit_sql_seconds"]
        result["besides_write_seconds"] = result["seconds"] - write
        result["besides_inserts_seconds"] = result["seconds"] - result["write_seconds"]
    result["peak_mb"] = _peak_mb()
    if scenario in ("preview", "full", "reimport"):
        # The floor again, in this process, after the step: a process of this machine may run the
        # same read at 70 ms or at 120 ms, so the ratio of a step to the floor is taken per process
        # (the read after the step has any warm-up advantage: the ratio is not flattered).
        floor = min(_timed(calamine_read, path) for _ in range(2))
        result["own_floor_seconds"] = floor
        result["own_floor_ratio"] = result["seconds"] / floor
        if scenario == "full":
            result["besides_write_own_floor_ratio"] = result["besides_write_seconds"] / floor
    return result


def calamine_read(path):
    """The floor: a bare read of the sheet's rows with python-calamine."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(path)
    return sum(1 for _ in book.get_sheet_by_index(0).iter_rows())


def read_and_copy(path):
    """The floor as issue 16 defines it: the python-calamine read of the sheet plus one COPY of its
    member rows (the profile columns the sheet has, the cells as read: PostgreSQL parses the
    dd/mm/yyyy texts, the name keys stay empty) into the members table, in a transaction rolled
    back. Returns (rows, seconds of the COPY)."""
    import python_calamine

    from partyblock.core.bulk import insert

    book = python_calamine.CalamineWorkbook.from_path(path)
    rows = book.get_sheet_by_index(0).iter_rows()
    for row in rows:
        if row and row[0] == "STT":
            break
    # Name, birth date, gender, ethnicity, religion, hometown, CCCD: as the bench writes them.
    members = [row[1:8] for row in rows]
    started = time.perf_counter()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL DateStyle = 'ISO, DMY'")
        insert(
            Member,
            ["full_name", "birth_date", "gender", "ethnicity", "religion", "hometown", "national_id"],
            members,
        )
        copied = time.perf_counter() - started
        transaction.set_rollback(True)
    return len(members), copied


def _timed(function, *args):
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


class StatementCounter:
    """Counts every statement sent (COPY included, see partyblock.core.bulk) and the time spent in
    INSERT / COPY ones (the rows written) and in reserving ids (`nextval`). Cheaper than
    Django's debug query log."""

    def __init__(self):
        self.count = 0
        self.write_seconds = 0.0
        self.ids_seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if sql.startswith(("INSERT", "COPY")):
                self.write_seconds += time.perf_counter() - started
            elif "nextval(" in sql[:120]:
                self.ids_seconds += time.perf_counter() - started


def _timed_commits():
    """Time the COMMITs of the connection from now on: PostgreSQL checks the deferred foreign keys
    of every row written then."""
    spent = {"seconds": 0.0}
    commit = connection._commit

    def timed():
        started = time.perf_counter()
        try:
            return commit()
        finally:
            spent["seconds"] += time.perf_counter() - started

    connection._commit = timed
    return spent


def _peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- data -------------------------------------------------------------------------------------------


def ensure_organisations():
    """The Khối root (if missing) and a bench TCCS with ten chi bộ founded long ago."""
    founded = datetime.date(1950, 1, 1)
    root = Organisation.objects.filter(kind=OrganisationKind.BLOC).first()
    if root is None:
        root = Organisation(
            code="KHOI", name="Đảng bộ Khối các cơ quan tỉnh", kind=OrganisationKind.BLOC, founded_on=founded
        )
        root.save()
    tccs = Organisation.objects.filter(code=BENCH_CODE).first()
    if tccs is None:
        tccs = Organisation(
            code=BENCH_CODE,
            name="Đảng bộ Sở Thử nghiệm",
            kind=OrganisationKind.DANG_BO_CO_SO,
            parent=root,
            founded_on=founded,
        )
        tccs.save()
        for number, name in enumerate(CHI_BO_NAMES, start=1):
            Organisation(
                code=f"{BENCH_CODE}-{number:02d}",
                name=name,
                kind=OrganisationKind.CHI_BO_TRUC_THUOC,
                parent=tccs,
                founded_on=founded,
            ).save()
    return tccs


def remove_bench_members(tccs):
    """Delete what earlier runs imported under the bench TCCS (raw deletes: this is test data), then,
    on PostgreSQL, VACUUM ANALYZE those tables: the next run meets them as a database that has not
    just lost tens of thousands of rows (dead rows would slow every scan the import makes)."""
    batches = ImportBatch.objects.filter(organisation=tccs)
    members = Member.objects.filter(import_batch__in=batches)
    models = (MembershipPeriod, MemberCard, MemberEvent)
    for model in models:
        model.objects.filter(member__in=members)._raw_delete(connection.alias)
    members._raw_delete(connection.alias)
    try:
        with transaction.atomic():
            batches._raw_delete(connection.alias)
    except IntegrityError:
        pass  # the audit trail refers to them: it is never pruned, so the batches stay too
    if connection.vendor == "postgresql" and connection.get_autocommit():
        tables = ", ".join(
            connection.ops.quote_name(model._meta.db_table) for model in (*models, Member, ImportBatch)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {tables}")


def write_sheet(path, count, chi_bo_names, seed=6):
    """A members sheet as a TCCS office sends it: title block, aliased headers, date cells mixed with
    dd/mm/yyyy texts, every member with a national ID and most with a card."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Danh sách")
    for line in (
        "ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH",
        "ĐẢNG BỘ SỞ THỬ NGHIỆM",
        "DANH SÁCH ĐẢNG VIÊN",
        "(Tính đến ngày 31/12/2024)",
    ):
        sheet.append([line])
    sheet.append([])
    sheet.append(
        [
            "STT",
            "Họ và tên",
            "Ngày, tháng, năm sinh",
            "Giới tính",
            "Dân tộc",
            "Tôn giáo",
            "Quê quán",
            "Số CCCD",
            "Ngày vào Đảng",
            "Ngày chính thức",
            "Số thẻ đảng viên",
            "Chi bộ",
        ]
    )
    weighted = lambda table: rng.choices([n for n, _ in table], weights=[w for _, w in table])[0]  # noqa: E731
    for number in range(1, count + 1):
        female = rng.random() < 0.52
        name = " ".join(
            [
                weighted(FAMILY_NAMES),
                weighted(FEMALE_MIDDLE if female else MALE_MIDDLE),
                rng.choice(FEMALE_GIVEN if female else MALE_GIVEN),
            ]
        )
        birth = datetime.date(rng.randint(1960, 1998), rng.randint(1, 12), rng.randint(1, 28))
        admitted = datetime.date(birth.year + rng.randint(22, 26), rng.randint(1, 12), rng.randint(1, 28))
        official = admitted.replace(year=admitted.year + 1) + datetime.timedelta(days=rng.randint(0, 40))
        probationary = official > datetime.date(2024, 12, 31)
        sheet.append(
            [
                number,
                name,
                birth if number % 3 else day_text(birth),
                "Nữ" if female else "Nam",
                "Kinh" if rng.random() < 0.97 else "Tày",
                "Không" if rng.random() < 0.95 else "Công giáo",
                f"{rng.choice(HOMETOWNS)}, Hải Dương",
                f"030{int(female) + (2 if birth.year >= 2000 else 0)}{birth.year % 100:02d}{number:06d}",
                admitted,
                None if probationary else (official if number % 2 else day_text(official)),
                None if probationary else f"30.{number:06d}",
                chi_bo_names[number % len(chi_bo_names)],
            ]
        )
    book.save(path)
