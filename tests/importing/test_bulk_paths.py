"""The bulk side of the import: chunks of any size, the stored plan, COPY (or executemany) of
awkward values, reserved ids, and what a committed batch hands back."""

import datetime
import unicodedata
import zlib
from decimal import Decimal

import pytest
from django.db import connection, transaction

from members.lifecycle import PERIOD_FIELDS, replay
from members.models import EventKind, Member, MemberCard, MemberEvent, MembershipPeriod
from partyblock.core import bulk as writing
from partyblock.core.text import day_text, name_sort_key, search_key
from partyblock.importing import batches
from partyblock.importing.batches import ImportRefused, commit, prepare
from partyblock.importing.columns import Cleaner, TextColumn
from partyblock.importing.kinds import base
from partyblock.importing.models import ImportBatch, ImportStatus
from partyblock.importing.plan import PlanWriter, read_plan

from .conftest import office_user, record_counts, xlsx

D = datetime.date
HEADER = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Số thẻ",
    "Chi bộ",
]


def member_row(n, **changes):
    row = dict(
        zip(
            HEADER,
            [
                f"Nguyễn Văn Thứ {n}",
                D(1980, 1, 1) + datetime.timedelta(days=n),
                "Nam" if n % 2 else "Nữ",
                f"0300800{n:05d}",
                "10/01/2010",
                D(2011, 1, 15),
                f"30.8{n:05d}",
                "Chi bộ Văn phòng" if n % 3 else "SOA-KT",
            ],
            strict=True,
        )
    )
    row.update(changes)
    return list(row.values())


# --- cleaning ---------------------------------------------------------------------------------------


def test_true_and_one_are_not_taken_for_each_other():
    cleaner = Cleaner(TextColumn("note", "Ghi chú"))
    assert cleaner.clean([1.0, True, 1]) == ["1", "True", "1"]
    assert cleaner.clean([True, 1.0]) == ["True", "1"]


@pytest.mark.django_db
def test_imported_members_have_the_keys_the_model_gives(tree):
    names = ["Đặng Thị Hương", unicodedata.normalize("NFD", "Ngô Bảo Châu"), "Nguyễn  Văn   Ân"]
    rows = [HEADER] + [member_row(n, **{"Họ và tên": name}) for n, name in enumerate(names)]
    commit(prepare("members", xlsx(rows), organisation=tree["dbcs"]))
    for member in Member.objects.all():
        assert member.search_name == search_key(member.full_name)
        assert member.sort_key == name_sort_key(member.full_name)
    assert list(Member.objects.order_by("sort_key").values_list("full_name", flat=True)) == [
        "Nguyễn Văn Ân",
        "Ngô Bảo Châu",
        "Đặng Thị Hương",
    ]


# --- rows -------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "blank, key, letter",
    [("Họ và tên", "Họ và tên", "A"), ("Ngày sinh", "Ngày sinh", "B")],
)
def test_a_new_member_without_name_or_birth_date_is_an_error_not_a_crash(tree, blank, key, letter):
    rows = [HEADER, member_row(1, **{blank: None})]
    preview = prepare("members", xlsx(rows), organisation=tree["dbcs"])
    assert preview.errors == [
        f"Dòng 2, cột {letter} ({key}), giá trị “(trống)”: trống: bắt buộc với đảng viên mới."
    ]


def sheet_with_problems():
    rows = [HEADER]
    for n in range(1, 13):
        rows.append(member_row(n))
    rows[3] = member_row(3, **{"Ngày sinh": "31/02/1990"})  # a refused cell
    rows[5] = member_row(5, **{"Số thẻ": "30.800002"})  # the card of row 3
    # before probation ends, under the 2011 Charter (12 months, refused; members.charters)
    rows[7] = member_row(7, **{"Ngày vào Đảng": "10/01/2012", "Ngày chính thức": D(2012, 6, 1)})
    rows[9] = member_row(9, **{"Chi bộ": "Không có"})
    rows[10] = [None] * len(HEADER)  # blank, in the middle
    rows[11] = member_row(11, **{"Số CCCD": "030080000012"})  # the CCCD of the next row
    rows[12] = member_row(12, **{"Ngày sinh": "31/02/1990", "Số CCCD": "030080000012"})
    return rows


@pytest.mark.django_db
@pytest.mark.parametrize("chunk_rows", [1, 2, 5, 5000])
def test_chunks_of_any_size_give_the_same_preview(tree, monkeypatch, chunk_rows):
    """Including which row a duplicate is reported on: the later one, even when the earlier one
    was refused for another reason."""
    monkeypatch.setattr(batches, "CHUNK_ROWS", chunk_rows)
    preview = prepare("members", xlsx(sheet_with_problems()), organisation=tree["dbcs"])
    assert preview.errors == [
        "Dòng 4, cột B (Ngày sinh), giá trị “31/02/1990”: ngày không có thật (tháng 2/1990 không có ngày 31).",
        "Dòng 6, cột G (Số thẻ), giá trị “30.800002”: Số thẻ trùng với dòng 3 trong tệp.",
        "Dòng 8, cột F (Ngày chính thức), giá trị “01/06/2012”: chưa đủ 12 tháng dự bị kể từ ngày vào Đảng "
        "10/01/2012: ngày chính thức sớm nhất là 10/01/2013.",
        "Dòng 10, cột H (Chi bộ), giá trị “Không có”: không có chi bộ có mã hoặc tên này trong Đảng bộ Sở A.",
        "Dòng 13, cột B (Ngày sinh), giá trị “31/02/1990”: ngày không có thật (tháng 2/1990 không có ngày 31).",
        "Dòng 13, cột D (Số CCCD), giá trị “030080000012”: Số CCCD trùng với dòng 12 trong tệp.",
    ]
    assert preview.batch.row_count == 11


@pytest.mark.django_db
@pytest.mark.parametrize("chunk_rows", [3, 5000])
def test_chunks_of_any_size_write_the_same(tree, monkeypatch, chunk_rows):
    monkeypatch.setattr(batches, "CHUNK_ROWS", chunk_rows)
    rows = [HEADER] + [member_row(n) for n in range(1, 11)]
    rows[4] = member_row(4, **{"Ngày chính thức": None, "Số thẻ": None})
    batch = commit(prepare("members", xlsx(rows), organisation=tree["dbcs"]))
    assert (batch.status, batch.created_count) == (ImportStatus.COMMITTED, 10)
    assert MemberEvent.objects.filter(kind=EventKind.ADMISSION).count() == 10
    assert MemberEvent.objects.filter(kind=EventKind.RECOGNITION).count() == 9
    assert MembershipPeriod.objects.count() == 19
    assert MemberCard.objects.count() == 9
    member = Member.objects.get(national_id="030080000007")
    assert list(
        member.periods.order_by("starts_on").values_list(
            "organisation__code", "status", "starts_on", "ends_on"
        )
    ) == [
        ("SOA-VP", "du_bi", D(2010, 1, 10), D(2011, 1, 10)),
        ("SOA-VP", "chinh_thuc", D(2011, 1, 10), None),
    ]
    recognition = member.events.get(kind=EventKind.RECOGNITION)
    assert (recognition.date, recognition.decision_date, recognition.import_batch) == (
        D(2011, 1, 10),
        D(2011, 1, 15),
        batch,
    )
    assert member.cards.get().number == "30.800007"


# --- the plan ---------------------------------------------------------------------------------------


def test_the_plan_reads_back_what_was_written_small_and_large_records():
    writer = PlanWriter()
    records = [
        ["upd", 2, {"full_name": "Nguyễn Văn Ân"}],
        ["new-members", {"n": 20_000, "names": [f"Trần Thị Bé {n}" for n in range(20_000)]}],
        ["upd", 3, None],
        ["new-members", {"n": 1, "names": ["Đỗ\\Hà\tNam"]}],
        ["new-members", {"n": 30_000, "days": ["2015-01-10"] * 30_000}],
    ]
    for record in records:
        writer.add(record)
    assert list(read_plan(writer.finish())) == records


def test_the_plan_keeps_dates_decimals_and_choices_as_plain_text():
    writer = PlanWriter()
    writer.add(["upd", 7, {"date": D(2016, 1, 20), "score": Decimal("92.50"), "kind": EventKind.ADMISSION}])
    (record,) = read_plan(writer.finish())
    assert record == ["upd", 7, {"date": "2016-01-20", "score": "92.50", "kind": "ket_nap"}]
    assert type(record[2]["kind"]) is str


@pytest.mark.django_db
def test_a_plan_from_an_older_version_is_refused_without_writing(tree):
    preview = prepare("members", xlsx([HEADER, member_row(1)]), organisation=tree["dbcs"])
    old = PlanWriter()
    old.add(["new", 2, ["Nguyễn Văn A", "nam", "1980-01-01", None, None, None, None], [], [], None])
    preview.batch.plan = old.finish()
    preview.batch.save()
    before = record_counts()
    with pytest.raises(ImportRefused, match="phiên bản cũ"):
        commit(preview)
    assert record_counts() == before


@pytest.mark.django_db
def test_a_plan_in_the_former_format_is_refused_without_writing(tree):
    """Plans were zlib-compressed JSON lines, then marshal records, before: a batch previewed then is
    refused, not misread."""
    preview = prepare("members", xlsx([HEADER, member_row(1)]), organisation=tree["dbcs"])
    preview.batch.plan = zlib.compress(b'["new-members",{"n":1}]\n')
    preview.batch.save()
    before = record_counts()
    with pytest.raises(ImportRefused, match="phiên bản cũ"):
        commit(preview)
    assert record_counts() == before


# --- writing ----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_awkward_values_are_written_as_they_are(tree):
    """COPY's text format on PostgreSQL (escapes, NULL, booleans), executemany elsewhere."""
    awkward = ["Hà\\Nam", "\\N", "tab\there", "line\nbreak", "cr\rhere", "", "Đông Triều"]
    with transaction.atomic():
        ids = writing.reserve_ids(Member, len(awkward))
        names = [
            "id",
            "full_name",
            "gender",
            "birth_date",
            "hometown",
            "national_id",
            "search_name",
            "sort_key",
        ]
        writing.insert(
            Member,
            names,
            [
                (
                    member_id,
                    f"Người {n}",
                    "nam",
                    D(1980, 1, 1) if n == 0 else D(1981, 2, 3) if n == 1 else D(1982, 3, 4),
                    hometown,
                    "030080000001" if n == 1 else None,
                    f"nguoi {n}",
                    f"K{n}",
                )
                for n, (member_id, hometown) in enumerate(zip(ids, awkward, strict=True))
            ],
        )
        periods = writing.insert(
            MembershipPeriod,
            [
                "member_id",
                "organisation_id",
                "status",
                "temporary_host_id",
                "on_temporary_transfer",
                "starts_on",
            ],
            [
                (ids[0], tree["cb1"].pk, "du_bi", None, True, D(2010, 1, 1)),
                (ids[1], None, "du_bi", None, False, D(2011, 1, 1)),
            ],
        )
    assert periods == 2
    stored = Member.objects.filter(pk__in=ids).order_by("pk")
    assert [m.hometown for m in stored] == awkward
    assert [m.birth_date for m in stored][:2] == [D(1980, 1, 1), D(1981, 2, 3)]
    assert [m.national_id for m in stored][:2] == [None, "030080000001"]
    assert [m.sort_key for m in stored][:2] == ["K0", "K1"]
    assert all(m.ethnicity == "Kinh" and m.created_at for m in stored)  # defaults
    assert list(
        MembershipPeriod.objects.order_by("member_id").values_list("on_temporary_transfer", "organisation_id")
    ) == [(True, tree["cb1"].pk), (False, None)]
    MembershipPeriod.objects.all().delete()
    Member.objects.filter(pk__in=ids).delete()


def test_the_chunk_of_a_kind_that_reads_rows():
    chunk = base.Chunk([7, 9], {"a": [1, None], "b": ["x", "y"]}, {1})
    rows = chunk.rows()
    assert [(r.number, r.values, r.bad) for r in rows] == [
        (7, {"a": 1, "b": "x"}, False),
        (9, {"a": None, "b": "y"}, True),
    ]
    assert connection.vendor in ("sqlite", "postgresql")


@pytest.mark.django_db
def test_new_members_periods_are_replay_s_whether_the_story_is_plain_or_not(tree):
    """The periods written are those replay() makes of the stored events, for a plain story, a
    story replay() warns about (admitted over 60) and a probationary member alike."""
    rows = [HEADER] + [member_row(n) for n in range(1, 7)]
    rows[2] = member_row(2, **{"Ngày sinh": D(1949, 1, 1)})  # over 60 at the ceremony
    rows[5] = member_row(5, **{"Ngày chính thức": None, "Số thẻ": None})  # still probationary
    preview = prepare("members", xlsx(rows), organisation=tree["dbcs"])
    assert any("quá 60 tuổi" in warning for warning in preview.warnings)
    commit(preview)
    assert Member.objects.count() == 6
    for member in Member.objects.all():
        stored = list(member.periods.order_by("starts_on").values_list(*PERIOD_FIELDS))
        assert stored == [
            tuple(getattr(period, name) for name in PERIOD_FIELDS)
            for period in replay(member, list(member.events.order_by("date")), None).periods
        ], member.full_name


@pytest.mark.django_db
def test_reserved_ids_are_fresh_and_increasing_consecutive_or_not():
    """Consecutive ids come back as a range (nothing else travels); when the sequence's values are
    not consecutive (another session took some meanwhile, shown here by stepping the sequence by 3)
    the ids themselves come back, still in increasing order."""
    first = writing.reserve_ids(Member, 5)
    assert isinstance(first, range) and len(first) == 5
    if connection.vendor != "postgresql":
        return  # SQLite: max + 1 …, ours while the transaction holds the write lock
    following = writing.reserve_ids(Member, 3)
    assert following[0] > first[-1] and len(following) == 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('members_member', 'id')")
        (sequence,) = cursor.fetchone()
        cursor.execute(f"ALTER SEQUENCE {sequence} INCREMENT BY 3")  # rolled back with the test
    scattered = writing.reserve_ids(Member, 4)
    assert list(scattered) == [scattered[0] + 3 * n for n in range(4)]
    assert scattered[0] > following[-1]


# --- the preview's lists ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("chunk_rows, listed", [(5000, 500), (4, 5)])
def test_new_members_are_counted_listed_and_warned_about_in_file_order(tree, monkeypatch, chunk_rows, listed):
    """Recognised members, members still probationary for over a year (a warning each), and members
    with neither card nor CCCD (told apart by name and birth date): counted exactly, listed up to
    the preview's limit, warned about in file order, whatever the chunks."""
    monkeypatch.setattr(batches, "CHUNK_ROWS", chunk_rows)
    monkeypatch.setattr(base, "DISPLAY_LIMIT", listed)
    rows = [HEADER] + [member_row(n) for n in range(1, 13)]
    rows[3] = old_probationary_row(3)
    rows[8] = old_probationary_row(8)
    rows[5] = member_row(5, **{"Số thẻ": None, "Số CCCD": None})
    rows[6] = member_row(6, **{"Số thẻ": None, "Số CCCD": None, "Ngày chính thức": None})
    batch = prepare("members", xlsx(rows), organisation=tree["dbcs"]).batch
    report = batch.report
    assert (batch.status, batch.row_count, batch.created_count, batch.error_count) == (
        ImportStatus.PREVIEWED,
        12,
        12,
        0,
    )
    assert len(report["creates"]) == min(listed, 12)
    assert [warning[:7] for warning in report["warnings"]] == ["Dòng 4:", "Dòng 7:", "Dòng 9:"]
    assert report["creates"][0] == [2, "Nguyễn Văn Thứ 1 (sinh 02/01/1980) — Chi bộ Văn phòng — Đảng bộ Sở A"]


def old_probationary_row(n):
    return member_row(n, **{"Ngày chính thức": None, "Số thẻ": None})


@pytest.mark.django_db
def test_a_committed_batch_comes_back_as_stored(tree, django_user_model):
    """commit() hands back the batch with what it saved (status, counts, time, the plan dropped,
    the user who confirmed a preview nobody signed), without reading it again."""
    staff = office_user(django_user_model, "nhapdulieu")  # a role that may import
    preview = prepare("members", xlsx([HEADER, member_row(1), member_row(2)]), organisation=tree["dbcs"])
    batch = commit(preview, user=staff)
    stored = ImportBatch.objects.get(pk=batch.pk)
    assert [getattr(batch, name) for name in batches.COMMITTED_FIELDS] == [
        getattr(stored, name) for name in batches.COMMITTED_FIELDS
    ]
    assert (batch.status, batch.created_count, batch.plan, batch.user) == (
        ImportStatus.COMMITTED,
        2,
        None,
        staff,
    )
    assert batch.committed_at is not None


def test_days_are_shown_as_strftime_shows_them():
    """The importer writes days through `day_text` (its own fast copy is gone)."""
    days = [D(1900, 1, 1) + datetime.timedelta(days=n) for n in range(0, 60000, 37)]
    assert [day_text(day) for day in days] == [f"{day:%d/%m/%Y}" for day in days]
    assert (day_text(D(2024, 3, 5)), day_text(None)) == ("05/03/2024", "")
