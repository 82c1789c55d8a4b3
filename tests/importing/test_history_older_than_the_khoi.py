"""Issue 15: office lists of today's members, most admitted long before their chi bộ (or the Khối)
existed, and organisations older than the Khối, import with warnings, never errors.

The sheets are made by the shared sample generator (tests/importing/samples/make_samples.py, a
verbatim copy) and by `done_when_sheets` below (the issue's "Done when" case)."""

import datetime
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from members.lifecycle import add_months
from members.models import EventKind, MemberEvent
from members.queries import members_as_of
from partyblock.importing.batches import commit, prepare
from partyblock.importing.models import ImportStatus
from tests.conftest import make_organisation
from units.models import Organisation, OrganisationKind

from .conftest import record_counts, xlsx

D = datetime.date
KHOI_FOUNDED = D(1991, 3, 1)
TALLY_LABEL = "đảng viên vào Đảng trước khi chi bộ thuộc Đảng bộ Khối"
GENERATOR = Path(__file__).parent / "samples" / "make_samples.py"


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    folder = tmp_path_factory.mktemp("samples")
    subprocess.run([sys.executable, str(GENERATOR), str(folder)], check=True, capture_output=True)
    return folder


@pytest.fixture
def khoi(db):
    return make_organisation(
        "KHOI", OrganisationKind.BLOC, founded_on=KHOI_FOUNDED, name="Đảng bộ Khối các cơ quan tỉnh"
    )


def imported(kind, path, **options):
    preview = prepare(kind, path, **options)
    assert preview.errors == []
    commit(preview)
    return preview


def sheet_rows(path, header_row):
    """(header, rows) of a sample sheet, read independently of the importer."""
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    header = rows[header_row - 1]
    return header, [dict(zip(header, row, strict=False)) for row in rows[header_row:] if row[1]]


def day(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    d, m, y = (int(part) for part in value.replace("-", "/").split("/"))
    return D(y, m, d)


def test_organisations_older_than_the_khoi_join_it_on_its_founding_with_a_warning(khoi, samples):
    preview = imported("organisations", samples / "to-chuc.xlsx")

    assert preview.warnings == [
        "Dòng 4: Đảng bộ Sở Giáo dục và Đào tạo thành lập ngày 15/08/1986, trước Đảng bộ Khối các cơ quan tỉnh "
        "(01/03/1991): tính là trực thuộc từ ngày 01/03/1991.",
        "Dòng 8: Chi bộ Nhà xuất bản tỉnh thành lập ngày 19/05/1979, trước Đảng bộ Khối các cơ quan tỉnh "
        "(01/03/1991): tính là trực thuộc từ ngày 01/03/1991.",
    ]
    sgd = Organisation.objects.get(code="MAU-SGD")
    assert list(sgd.placements.values_list("parent__code", "starts_on", "ends_on")) == [
        ("KHOI", KHOI_FOUNDED, None)
    ]
    assert sgd.founded_on == D(1986, 8, 15)
    again = prepare("organisations", samples / "to-chuc.xlsx")
    assert (again.errors, again.batch.status, again.batch.unchanged_count) == ([], ImportStatus.UNCHANGED, 5)


def test_member_lists_of_todays_members_import_with_a_warning_per_early_member(khoi, samples):
    imported("organisations", samples / "to-chuc.xlsx")
    expected = json.loads((samples / "expected.json").read_text())
    joined = {
        "Chi bộ Văn phòng": D(1998, 3, 1),
        "Chi bộ Giáo dục Trung học": D(2004, 9, 1),
        "Chi bộ Khảo thí và Kiểm định": D(2012, 6, 1),
        "Chi bộ Nhà xuất bản tỉnh": KHOI_FOUNDED,  # founded 1979, in the Khối since 1991
    }
    early_rows, explicit = [], 0
    for code in ("MAU-SGD", "MAU-NXB"):
        header, rows = sheet_rows(samples / f"dang-vien-{code}.xlsx", 7)
        admitted_key, chi_bo_key = header[8], header[11]
        for row in rows:
            if day(row[admitted_key]) < joined[row[chi_bo_key]]:
                early_rows.append((code, row["STT"]))
                explicit += row["Ngày chuyển đến"] is not None

    previews = [
        imported(
            "members",
            samples / "dang-vien-MAU-SGD.xlsx",
            organisation=Organisation.objects.get(code="MAU-SGD"),
        ),
        imported(
            "members",
            samples / "dang-vien-MAU-NXB.xlsx",
            organisation=Organisation.objects.get(code="MAU-NXB"),
        ),
    ]

    assert sum(p.batch.created_count for p in previews) == 175
    early_warnings = [w for p in previews for w in p.warnings if "trước khi" in w]
    assert len(early_warnings) == len(early_rows) - explicit
    assert early_warnings[0].startswith("Dòng ")
    assert "ghi là kết nạp ngoài Đảng bộ Khối, chuyển đến" in early_warnings[0]
    assert previews[1].tallies == [(len([r for r in early_rows if r[0] == "MAU-NXB"]), TALLY_LABEL)]
    tallied = sum(p.batch.report["tallies"].get("early_members", 0) for p in previews)
    assert tallied == len(early_rows)
    assert f"{len([r for r in early_rows if r[0] == 'MAU-SGD'])} đảng viên vào Đảng trước khi chi bộ" in (
        previews[0].summary
    )
    as_of = D.fromisoformat(expected["as_of"])
    counts = {
        code: members_as_of(as_of, within=Organisation.objects.get(code=code)).count()
        for code in expected["members"]
    }
    assert counts == expected["members"]
    # Early members were admitted outside the Khối and came in: no admission is the Khối's own.
    assert MemberEvent.objects.filter(kind=EventKind.ADMISSION, organisation__isnull=True).count() == len(
        early_rows
    )
    assert MemberEvent.objects.filter(kind=EventKind.TRANSFER_IN).count() == len(early_rows)
    # Nobody counts before arriving.
    assert members_as_of(D(1990, 12, 31)).count() == 0

    before = record_counts()
    for code in ("MAU-SGD", "MAU-NXB"):
        again = prepare(
            "members", samples / f"dang-vien-{code}.xlsx", organisation=Organisation.objects.get(code=code)
        )
        assert (again.errors, again.batch.status) == ([], ImportStatus.UNCHANGED)
    assert record_counts() == before

    ratings = imported("member_ratings", samples / "xep-loai-2019.xlsx", year=2019)
    assert ratings.batch.created_count == sum(expected["ratings_2019"].values())


def test_an_arrival_before_admission_is_refused_with_row_column_and_value(khoi, samples):
    imported("organisations", samples / "to-chuc.xlsx")
    header = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng", "Chi bộ", "Ngày về sinh hoạt"]
    rows = [header, [1, "Nguyễn Văn An", "1/1/1960", "Nam", "12/2/1990", "Chi bộ Văn phòng", "1/1/1989"]]
    before = record_counts()

    preview = prepare("members", xlsx(rows), organisation=Organisation.objects.get(code="MAU-SGD"))

    assert preview.errors == [
        "Dòng 2, cột G (Ngày về sinh hoạt), giá trị “01/01/1989”: trước ngày vào Đảng (12/02/1990) của Nguyễn Văn An."
    ]
    assert record_counts() == before


def done_when_sheets(seed=15):
    """The issue's case: a TCCS whose chi bộ were founded 2000-2014, 240 members admitted
    1985-2020 with no arrival column, listed as of 31/12/2020, and their 2020 ratings."""
    rng = random.Random(seed)
    chi_bo = [
        (f"Chi bộ {n}", D(2000 + 2 * i, 1 + i, 1))
        for i, n in enumerate(
            ["Văn phòng", "Tổ chức", "Kế toán", "Pháp chế", "Thanh tra", "Kỹ thuật", "Dịch vụ", "Đào tạo"]
        )
    ]
    organisations = [
        ["Mã", "Tên tổ chức", "Loại", "Trực thuộc", "Ngày thành lập"],
        ["SOX", "Đảng bộ Sở X", "Đảng bộ cơ sở", None, "15/08/1984"],
    ]
    organisations += [
        [f"SOX-{i + 1}", name, "Chi bộ trực thuộc", "SOX", f"{founded:%d/%m/%Y}"]
        for i, (name, founded) in enumerate(chi_bo)
    ]
    title = [
        ["ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH"],
        ["ĐẢNG BỘ SỞ X"],
        ["DANH SÁCH ĐẢNG VIÊN"],
        ["(Tính đến ngày 31/12/2020)"],
        [],
    ]
    members = [
        [
            "STT",
            "Họ và tên",
            "Ngày sinh",
            "Giới tính",
            "Ngày vào Đảng",
            "Ngày chính thức",
            "Số thẻ đảng viên",
            "Chi bộ",
        ]
    ]
    ratings = [["STT", "Họ và tên", "Số thẻ đảng viên", "Xếp loại"]]
    per_chi_bo, early = {}, 0
    for i in range(240):
        admitted = D(1985, 1, 1) + datetime.timedelta(
            days=rng.randrange((D(2020, 6, 30) - D(1985, 1, 1)).days)
        )
        born = D(admitted.year - 20 - rng.randrange(15), rng.randrange(1, 13), rng.randrange(1, 29))
        name, founded = rng.choice(chi_bo)
        early += admitted < founded
        official = add_months(admitted, 12)
        official = official if official <= D(2020, 12, 31) else None
        card = f"45{i:06d}" if official else None
        members.append([i + 1, f"Đảng Viên Số {i + 1}", born, "Nam", admitted, official, card, name])
        per_chi_bo[name] = per_chi_bo.get(name, 0) + 1
        if official and admitted <= D(2020, 6, 30):
            ratings.append([len(ratings), f"Đảng Viên Số {i + 1}", card, "HTTNV"])
    return xlsx(organisations), xlsx(members, title), xlsx(ratings), per_chi_bo, early, len(ratings) - 1


def test_the_issues_done_when_sheets(khoi):
    organisations, members, ratings, per_chi_bo, early, rated = done_when_sheets()

    imported("organisations", organisations)
    tccs = Organisation.objects.get(code="SOX")
    preview = imported("members", members, organisation=tccs)

    assert preview.batch.created_count == 240
    assert len([w for w in preview.warnings if "trước khi" in w]) == early
    assert early > 100
    counts = {
        o.name: members_as_of(D(2020, 12, 31), within=o).count()
        for o in Organisation.objects.filter(parent=tccs)
    }
    assert counts == per_chi_bo
    rating_preview = imported("member_ratings", ratings, organisation=tccs, year=2020)
    assert rating_preview.batch.created_count == rated
    before = record_counts()
    for kind, data, options in (
        ("organisations", organisations, {}),
        ("members", members, {"organisation": tccs}),
        ("member_ratings", ratings, {"organisation": tccs, "year": 2020}),
    ):
        again = prepare(kind, data, **options)
        assert (again.errors, again.batch.status) == ([], ImportStatus.UNCHANGED)
    assert record_counts() == before
