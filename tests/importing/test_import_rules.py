"""The import leftovers of issues 15 and 17: số lý lịch as a matching key, dates after today, cards
of probationary members, the chi bộ's vote date, and templates/exports that carry the arrival and
vote columns. Every refusal names row, column and value and writes nothing, through the preview
(`prepare`), the command and the upload page."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from members.models import EventKind, Member, MemberRating
from members.services import card_issue, member_admit, member_recognise
from partyblock.importing.batches import commit, prepare
from partyblock.importing.models import ImportBatch, ImportStatus
from partyblock.importing.templates import headers
from tests.members.conftest import make_member

from .conftest import record_counts, xlsx

D = datetime.date
ONE_DAY = datetime.timedelta(days=1)
MEMBERS = ["Họ và tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng", "Ngày chính thức", "Số thẻ", "Chi bộ"]


def refused(kind, rows, expected, organisation, **options):
    """The sheet is refused with exactly `expected` and nothing is written."""
    before = record_counts()
    preview = prepare(kind, xlsx(rows), organisation=organisation, **options)
    assert preview.errors == expected
    assert (preview.batch.status, record_counts()) == (ImportStatus.INVALID, before)


def official(tree, name, birth, *, so_ly_lich=None, card=None):
    member = make_member(full_name=name, birth_date=birth, so_ly_lich=so_ly_lich)
    member_admit(member=member, organisation=tree["cb1"], ceremony_date=D(2015, 3, 1))
    member_recognise(member=member, decision_date=D(2016, 3, 5))
    if card:
        card_issue(member=member, number=card, issued_on=D(2016, 6, 1))
    return member


# --- số lý lịch ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_members_row_finds_its_member_by_so_ly_lich(tree):
    known = official(tree, "Nguyễn Văn An", D(1980, 1, 1), so_ly_lich="LL-0001")
    rows = [
        [*MEMBERS, "Số lý lịch"],
        ["Nguyễn Văn Ân", "01/01/1980", "Nam", "01/03/2015", None, None, "Chi bộ Văn phòng", "LL-0001"],
    ]
    preview = prepare("members", xlsx(rows), organisation=tree["dbcs"])
    assert preview.errors == []
    assert preview.updates == [[2, known.describe(), [["Họ và tên", "Nguyễn Văn An", "Nguyễn Văn Ân"]]]]
    commit(preview)
    assert list(Member.objects.values_list("full_name", "so_ly_lich")) == [("Nguyễn Văn Ân", "LL-0001")]


@pytest.mark.django_db
def test_so_ly_lich_tells_namesakes_apart_in_rating_and_event_sheets(tree):
    first = official(tree, "Nguyễn Văn An", D(1980, 1, 1), so_ly_lich="LL-0001")
    second = official(tree, "Nguyễn Văn An", D(1980, 1, 1), so_ly_lich="LL-0002")
    ratings = [["Họ và tên", "Ngày sinh", "Số lý lịch đảng viên", "Xếp loại"]]
    ambiguous = prepare(
        "member_ratings", xlsx([*ratings, ["Nguyễn Văn An", "01/01/1980", None, "HTTNV"]]), year=2020
    )
    assert ambiguous.errors[0].startswith("Dòng 2, cột A (Họ và tên), giá trị “Nguyễn Văn An”: khớp với 2")

    commit(
        prepare(
            "member_ratings", xlsx([*ratings, ["Nguyễn Văn An", "01/01/1980", "LL-0002", "HTTNV"]]), year=2020
        )
    )
    assert list(MemberRating.objects.values_list("member", "year", "category")) == [
        (second.pk, 2020, "httnv")
    ]

    events = [["Họ và tên", "Số LLĐV", "Sự kiện", "Ngày", "Chuyển đến / từ"]]
    preview = prepare(
        "events",
        xlsx([*events, ["Nguyễn Văn An", "LL-0001", "Chuyển đến", "01/07/2022", "Chi bộ Kế toán"]]),
        organisation=tree["dbcs"],
    )
    assert preview.errors == []
    commit(preview)
    assert list(first.events.filter(kind=EventKind.TRANSFER).values_list("date", "organisation__code")) == [
        (D(2022, 7, 1), "SOA-KT")
    ]
    assert not second.events.filter(kind=EventKind.TRANSFER).exists()


@pytest.mark.django_db
def test_a_row_whose_card_and_so_ly_lich_are_two_members_is_refused(tree):
    carded = official(tree, "Nguyễn Văn An", D(1980, 1, 1), card="30.000001")
    numbered = official(tree, "Lê Thị Hoa", D(1982, 2, 2), so_ly_lich="LL-0002")
    rows = [
        [*MEMBERS, "Số lý lịch"],
        [
            "Nguyễn Văn An",
            "01/01/1980",
            "Nam",
            "01/03/2015",
            None,
            "30.000001",
            "Chi bộ Văn phòng",
            "LL-0002",
        ],
    ]
    refused(
        "members",
        rows,
        [
            "Dòng 2, cột H (Số lý lịch), giá trị “LL-0002”: dòng này khớp với hai đảng viên: số thẻ 30.000001 "
            f"là của {carded.describe()}, còn số lý lịch LL-0002 là của {numbered.describe()}."
        ],
        tree["dbcs"],
    )


# --- dates after today --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dates_after_today_are_refused_in_every_kind(tree):
    today = timezone.localdate()  # read when the test runs: a suite may cross midnight
    future = f"{today + ONE_DAY:%d/%m/%Y}"
    reason = f"ngày trong tương lai (hôm nay là {today:%d/%m/%Y})."
    refused(
        "members",
        [MEMBERS, ["Phan Văn Hùng", "01/01/1980", "Nam", future, None, None, "Chi bộ Văn phòng"]],
        [f"Dòng 2, cột D (Ngày vào Đảng), giá trị “{future}”: {reason}"],
        tree["dbcs"],
    )
    member = official(tree, "Nguyễn Văn An", D(1980, 1, 1), card="30.000001")
    refused(
        "events",
        [["Họ và tên", "Số thẻ", "Sự kiện", "Ngày"], [member.full_name, "30.000001", "Từ trần", future]],
        [f"Dòng 2, cột D (Ngày), giá trị “{future}”: {reason}"],
        tree["dbcs"],
    )
    refused(
        "organisations",
        [
            ["Mã", "Tên tổ chức", "Loại", "Trực thuộc", "Ngày thành lập"],
            ["SOA-TV", "Chi bộ Thư viện", "Chi bộ trực thuộc", "SOA", future],
        ],
        [f"Dòng 2, cột E (Ngày thành lập), giá trị “{future}”: {reason}"],
        None,
    )
    next_year = str(today.year + 1)
    refused(
        "member_ratings",
        [["Năm", "Họ và tên", "Số thẻ", "Xếp loại"], [next_year, member.full_name, "30.000001", "HTTNV"]],
        [f"Dòng 2, cột A (Năm), giá trị “{next_year}”: năm phải từ 1990 đến {today.year}."],
        None,
    )


# --- cards of probationary members ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_card_for_a_probationary_member_is_refused_new_or_known(tree):
    reason = "thẻ đảng viên chỉ cấp cho đảng viên chính thức; ngày {today} {name} còn là đảng viên dự bị."
    day = timezone.localdate()
    today = f"{day:%d/%m/%Y}"
    new = [
        MEMBERS,
        ["Phan Văn Hùng", "01/01/1980", "Nam", "01/01/2010", None, "30.000009", "Chi bộ Văn phòng"],
    ]
    refused(
        "members",
        new,
        [f"Dòng 2, cột F (Số thẻ), giá trị “30.000009”: {reason.format(today=today, name='Phan Văn Hùng')}"],
        tree["dbcs"],
    )
    known = make_member(full_name="Trần Văn Mới", birth_date=D(1995, 5, 5))
    member_admit(member=known, organisation=tree["cb1"], ceremony_date=day - datetime.timedelta(days=30))
    joined = (day - datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    refused(
        "members",
        [MEMBERS, ["Trần Văn Mới", "05/05/1995", "Nam", joined, None, "30.000010", "Chi bộ Văn phòng"]],
        [f"Dòng 2, cột F (Số thẻ), giá trị “30.000010”: {reason.format(today=today, name='Trần Văn Mới')}"],
        tree["dbcs"],
    )
    # Recognised official: the card is taken.
    rows = [
        MEMBERS,
        ["Phan Văn Hùng", "01/01/1980", "Nam", "01/01/2010", "15/01/2011", "30.000009", "Chi bộ Văn phòng"],
    ]
    commit(prepare("members", xlsx(rows), organisation=tree["dbcs"]))
    assert Member.objects.get(full_name="Phan Văn Hùng").cards.get().number == "30.000009"


# --- the chi bộ's vote ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_vote_date_is_stored_and_the_age_is_judged_on_it(tree):
    header = [*MEMBERS, "Ngày chi bộ biểu quyết"]
    rows = [
        header,
        ["Phan Văn Hùng", "01/03/2000", "Nam", "10/04/2018", None, None, "Chi bộ Văn phòng", "20/02/2018"],
    ]
    refused(
        "members",
        rows,
        [
            "Dòng 2, cột H (Ngày chi bộ biểu quyết), giá trị “20/02/2018”: kết nạp ngày 10/04/2018: người được "
            "kết nạp phải đủ 18 tuổi (ngày 20/02/2018 mới 17 tuổi)."
        ],
        tree["dbcs"],
    )
    rows[1][-1] = "05/03/2018"
    preview = prepare("members", xlsx(rows), organisation=tree["dbcs"])
    assert preview.errors == [] and not any("18 tuổi" in warning for warning in preview.warnings)
    commit(preview)
    admission = Member.objects.get().events.get(kind=EventKind.ADMISSION)
    assert (admission.date, admission.vote_date) == (D(2018, 4, 10), D(2018, 3, 5))


# --- templates and exports --------------------------------------------------------------------------------


def test_the_members_template_has_the_vote_arrival_and_badge_columns():
    assert headers("members")[-3:] == ["Ngày chi bộ biểu quyết", "Ngày chuyển đến", "Huy hiệu Đảng"]


@pytest.mark.django_db
def test_an_early_member_s_export_reimports_unchanged(admin_client, tree):
    """A member admitted in 1990, before the chi bộ came into the Khối (2000), is recorded as
    admitted outside and transferred in; the export carries that arrival and the vote date, and
    imports back with nothing to change."""
    rows = [
        [*MEMBERS, "Ngày chi bộ biểu quyết"],
        [
            "Lê Văn Cũ",
            "01/01/1960",
            "Nam",
            "12/02/1990",
            "20/02/1991",
            "30.000077",
            "Chi bộ Văn phòng",
            "05/01/1990",
        ],
    ]
    preview = prepare("members", xlsx(rows), organisation=tree["dbcs"])
    assert preview.errors == [] and len(preview.warnings) == 1
    commit(preview)
    response = admin_client.get(reverse("admin:members_member_export"))
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    exported = {
        c.value: v for c, v in zip(sheet[1], next(sheet.iter_rows(min_row=2, values_only=True)), strict=True)
    }
    assert (exported["Ngày chi bộ biểu quyết"], exported["Ngày chuyển đến"]) == (
        datetime.datetime(1990, 1, 5),
        datetime.datetime(2000, 1, 1),
    )
    before = record_counts()
    again = prepare("members", response.content, file_name="xuat.xlsx")
    assert (again.errors, again.warnings, again.batch.status) == ([], [], ImportStatus.UNCHANGED)
    assert record_counts() == before


# --- the command and the upload page say the same ---------------------------------------------------------


@pytest.mark.django_db
def test_refusals_read_the_same_in_the_command_and_on_the_upload_page(tree, admin_client, tmp_path, capsys):
    today = timezone.localdate()  # read when the test runs: a suite may cross midnight
    rows = [
        [*MEMBERS, "Ngày chuyển đến"],
        [
            "Phan Văn Hùng",
            "01/01/1980",
            "Nam",
            "01/01/2010",
            None,
            "30.000009",
            "Chi bộ Văn phòng",
            "01/01/2009",
        ],
        ["Lê Văn Hai", "01/01/1981", "Nam", "01/01/2010", None, None, "Chi bộ Văn phòng", today + ONE_DAY],
    ]
    expected = [
        "Dòng 2, cột H (Ngày chuyển đến), giá trị “01/01/2009”: trước ngày vào Đảng (01/01/2010) của Phan Văn Hùng.",
        f"Dòng 3, cột H (Ngày chuyển đến), giá trị “{today + ONE_DAY:%d/%m/%Y}”: ngày trong tương lai "
        f"(hôm nay là {today:%d/%m/%Y}).",
    ]
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx(rows))
    before = record_counts()
    with pytest.raises(CommandError, match="nothing written"):
        call_command("import_sheet", "members", str(path), "--organisation", "SOA")
    err = capsys.readouterr().err
    assert all(message in err for message in expected)

    response = admin_client.post(
        reverse("admin:importing_importbatch_upload"),
        {
            "kind": "members",
            "file": SimpleUploadedFile("ds.xlsx", xlsx(rows)),
            "organisation": tree["dbcs"].pk,
        },
    )
    page = admin_client.get(response.url).text
    assert all(message in page for message in expected)
    assert ImportBatch.objects.filter(status=ImportStatus.INVALID).count() == 2
    assert record_counts() == before
