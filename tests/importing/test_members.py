"""Members sheets: matching, creating, updating, and every refused file writing nothing."""

import datetime
import unicodedata

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import EventKind, Member, MemberCard, MemberEvent, MembershipPeriod
from members.services import card_issue, member_admit, member_recognise
from partyblock.importing.batches import ImportRefused, commit, prepare
from partyblock.importing.models import ImportBatch, ImportStatus
from tests.members.conftest import make_member

from .conftest import TITLE, csv_bytes, office_user, record_counts, xlsx

D = datetime.date
HEADER = [
    "STT",
    "HỌ VÀ TÊN",
    "Ngày, tháng, năm sinh",
    "giới  tính",
    "Dân tộc",
    "Số CMND/CCCD",
    "Ngày kết nạp",
    "Ngày chính thức",
    "Số thẻ ĐV",
    "Chi bộ sinh hoạt",
    "Ghi chú",
]


def sheet_rows():
    return [
        HEADER,
        [
            1,
            "Nguyễn Văn An",
            D(1985, 5, 15),
            "Nam",
            "Kinh",
            "030085001234",
            D(2015, 1, 10),
            "20/01/2016",
            "30.000001",
            "Chi bộ Văn phòng",
            "x",
        ],
        [
            2,
            unicodedata.normalize("NFD", "Trần Thị Bích Ngọc"),
            "3/2/1990",
            "nữ",
            "Tày",
            None,
            "05-06-2018",
            None,
            None,
            "SOA-KT",
            None,
        ],
        [
            3,
            "Lê Văn Đức",
            "12/12/1980",
            "Nam",
            None,
            None,
            "1/7/2010",
            D(2011, 7, 1),
            "30.000003",
            "chi bộ  văn phòng",
            None,
        ],
        [None, None, None, None],
        [],
    ]


def one_row(**changes):
    row = dict(
        zip(
            HEADER,
            [
                1,
                "Phạm Văn Bình",
                "02/03/1988",
                "Nam",
                "Kinh",
                "030088000001",
                "10/01/2015",
                "15/01/2016",
                "30.100001",
                "Chi bộ Văn phòng",
                None,
            ],
            strict=True,
        )
    )
    row.update(changes)
    return [HEADER, list(row.values())]


def refused(preview):
    assert preview.batch.status == ImportStatus.INVALID
    with pytest.raises(ImportRefused):
        commit(preview)
    return preview.errors


@pytest.mark.django_db
def test_sheet_under_a_title_block_creates_members_with_their_history(tree):
    preview = prepare("members", xlsx(sheet_rows(), TITLE), organisation=tree["dbcs"], file_name="ds.xlsx")
    assert preview.errors == []
    assert preview.report["header_row"] == 6
    assert preview.notices == [
        "Cột A “STT”: số thứ tự, bỏ qua.",
        "Cột K “Ghi chú”: không thuộc mẫu nhập, bỏ qua.",
    ]
    assert [row for row, _ in preview.creates] == [7, 8, 9]
    assert preview.warnings == [
        "Dòng 8: Trần Thị Bích Ngọc: không có ngày chính thức dù thời kỳ dự bị đã hết ngày 05/06/2019; "
        "sẽ được ghi là đảng viên dự bị."
    ]
    batch = commit(preview)
    assert (batch.status, batch.created_count, batch.row_count) == (ImportStatus.COMMITTED, 3, 3)
    ngoc = Member.objects.get(full_name="Trần Thị Bích Ngọc")  # NFD in the sheet, NFC stored
    assert (ngoc.gender, ngoc.ethnicity, ngoc.birth_date, ngoc.import_batch) == (
        "nu",
        "Tày",
        D(1990, 2, 3),
        batch,
    )
    assert ngoc.events.get().organisation == tree["cb2"]
    an = Member.objects.get(national_id="030085001234")
    recognition = an.events.get(kind=EventKind.RECOGNITION)
    # Effective at the end of 12 months of probation; the sheet's day is the decision's.
    assert (recognition.date, recognition.decision_date, recognition.import_batch) == (
        D(2016, 1, 10),
        D(2016, 1, 20),
        batch,
    )
    assert list(
        MembershipPeriod.objects.filter(member=an).values_list("organisation__code", "status", "starts_on")
    ) == [
        ("SOA-VP", "du_bi", D(2015, 1, 10)),
        ("SOA-VP", "chinh_thuc", D(2016, 1, 10)),
    ]
    assert sorted(MemberCard.objects.values_list("number", flat=True)) == ["30.000001", "30.000003"]


@pytest.mark.django_db
def test_reimporting_the_same_file_changes_nothing_and_says_so(tree):
    commit(prepare("members", xlsx(sheet_rows(), TITLE), organisation=tree["dbcs"]))
    before = record_counts()
    again = prepare("members", xlsx(sheet_rows(), TITLE), organisation=tree["dbcs"])
    assert (again.errors, again.batch.status) == ([], ImportStatus.UNCHANGED)
    assert (again.batch.created_count, again.batch.updated_count, again.batch.unchanged_count) == (0, 0, 3)
    with pytest.raises(ImportRefused, match="Không có gì thay đổi"):
        commit(again)
    assert record_counts() == before


@pytest.mark.django_db
def test_chi_bo_co_so_rows_may_leave_chi_bo_empty_or_name_the_tccs(tree):
    rows = [
        ["Họ tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng", "Chi bộ"],
        ["Đỗ Văn Hải", "01/01/1980", "Nam", "01/01/2010", None],
        ["Đỗ Thị Hoa", "01/01/1981", "Nữ", "01/01/2010", "Chi bộ Sở B"],
    ]
    batch = commit(prepare("members", xlsx(rows), organisation=tree["cbcs"]))
    assert batch.created_count == 2
    assert set(MembershipPeriod.objects.values_list("organisation__code", flat=True)) == {"SOB"}


@pytest.mark.django_db
def test_csv_with_bom_and_semicolons(tree):
    text = "Họ và tên;Ngày sinh;Giới tính;Ngày vào Đảng;Chi bộ\nVũ Văn Long;09/09/1979;Nam;2/9/2005;SOA-VP\n"
    preview = prepare("members", csv_bytes(text), organisation=tree["dbcs"], file_name="ds.csv")
    assert (preview.errors, preview.batch.created_count) == ([], 1)


@pytest.mark.django_db
def test_a_changed_row_updates_the_member_through_the_services(tree):
    commit(prepare("members", xlsx(one_row()), organisation=tree["dbcs"]))
    member = Member.objects.get()
    preview = prepare(
        "members", xlsx(one_row(**{"Dân tộc": "Mường", "Số thẻ ĐV": "30.200001"})), organisation=tree["dbcs"]
    )
    assert preview.errors == []
    assert preview.updates == [
        [
            7 - 5,
            member.describe(),
            [["Dân tộc", "Kinh", "Mường"], ["Số thẻ đảng viên", "30.100001", "30.200001"]],
        ]
    ]
    commit(preview)
    member.refresh_from_db()
    assert member.ethnicity == "Mường"
    assert list(member.cards.order_by("pk").values_list("number", "replaced_on")) == [
        ("30.100001", timezone.localdate()),
        ("30.200001", None),
    ]


@pytest.mark.django_db
def test_existing_members_are_found_by_card_id_or_name_and_birth_date(tree, admitted):
    member_recognise(member=admitted, decision_date=D(2021, 1, 20))  # a card goes to official members only
    card_issue(member=admitted, number="30.555555", issued_on=D(2021, 3, 1))
    rows = [
        ["Họ và tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng", "Số thẻ", "Chi bộ"],
        ["NGUYEN VAN AN", "15/05/1990", "Nam", "10/01/2020", "30.555555", "Chi bộ Văn phòng"],
    ]
    preview = prepare("members", xlsx(rows), organisation=tree["dbcs"])
    assert preview.updates == [[2, admitted.describe(), [["Họ và tên", "Nguyễn Văn An", "NGUYEN VAN AN"]]]]
    by_name = [rows[0], ["Nguyễn Văn An", "15/05/1990", "Nam", "10/01/2020", None, "Chi bộ Văn phòng"]]
    again = prepare("members", xlsx(by_name), organisation=tree["dbcs"])
    assert (again.batch.status, again.batch.unchanged_count) == (ImportStatus.UNCHANGED, 1)


@pytest.mark.django_db
def test_name_and_birth_date_match_within_an_organisation_that_has_members_and_only_there(tree, admitted):
    """Two TCCS in one sheet: in Đảng bộ Sở A the row is the stored member (found by name and birth
    date); in Chi bộ Sở B, which has never had a member, the namesake is someone new."""
    rows = [
        ["Họ và tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng", "Chi bộ", "Đảng bộ cơ sở"],
        ["Nguyễn Văn An", "15/05/1990", "Nam", "10/01/2020", "Chi bộ Văn phòng", "SOA"],
        ["Nguyễn Văn An", "15/05/1990", "Nam", "10/01/2021", None, "SOB"],
    ]
    preview = prepare("members", xlsx(rows))
    assert preview.errors == []
    assert (preview.batch.unchanged_count, preview.batch.created_count) == (1, 1)
    assert preview.creates == [[3, "Nguyễn Văn An (sinh 15/05/1990) — Chi bộ Sở B"]]


@pytest.mark.django_db
def test_a_row_matching_two_members_is_an_error(tree):
    first = make_member(full_name="Hoàng Văn Nam", national_id="030090000001")
    card_issue(member=first, number="30.000777")
    make_member(full_name="Hoàng Văn Nam", national_id="030090000002", birth_date=D(1991, 1, 1))
    rows = [
        one_row()[0],
        one_row(**{"HỌ VÀ TÊN": "Hoàng Văn Nam", "Số CMND/CCCD": "030090000002", "Số thẻ ĐV": "30.000777"})[
            1
        ],
    ]
    errors = refused(prepare("members", xlsx(rows), organisation=tree["dbcs"]))
    assert errors == [
        "Dòng 2, cột F (Số CMND/CCCD), giá trị “030090000002”: dòng này khớp với hai đảng viên: số thẻ 30.000777 "
        f"là của {first.describe()}, còn số CCCD 030090000002 là của Hoàng Văn Nam (sinh 01/01/1991, chưa có thẻ đảng viên)."
    ]


BAD = [
    (
        "impossible date",
        {"Ngày, tháng, năm sinh": "31/02/1990"},
        "Dòng 2, cột C (Ngày, tháng, năm sinh), giá trị “31/02/1990”: ngày không có thật (tháng 2/1990 không có ngày 31).",
    ),
    (
        "unknown chi bộ",
        {"Chi bộ sinh hoạt": "Chi bộ Hậu cần"},
        "Dòng 2, cột J (Chi bộ sinh hoạt), giá trị “Chi bộ Hậu cần”: không có chi bộ có mã hoặc tên này trong Đảng bộ Sở A.",
    ),
    (
        "chính thức before 12 months",
        {"Ngày chính thức": "01/06/2015"},
        "Dòng 2, cột H (Ngày chính thức), giá trị “01/06/2015”: chưa đủ 12 tháng dự bị kể từ ngày vào Đảng "
        "10/01/2015: ngày chính thức sớm nhất là 10/01/2016.",
    ),
    (
        "under 18 at admission",
        {"Ngày, tháng, năm sinh": "01/01/2000"},
        "Dòng 2, cột G (Ngày kết nạp), giá trị “10/01/2015”: kết nạp ngày 10/01/2015: người được kết nạp phải đủ 18 tuổi "
        "(ngày 10/01/2015 mới 15 tuổi).",
    ),
    (
        "two-digit year",
        {"Ngày kết nạp": "10/1/15"},
        "Dòng 2, cột G (Ngày kết nạp), giá trị “10/1/15”: năm phải ghi đủ 4 chữ số (dd/mm/yyyy).",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case, changes, message", BAD, ids=[c[0] for c in BAD])
def test_a_bad_row_is_reported_exactly_and_nothing_is_written(tree, case, changes, message):
    before = record_counts()
    errors = refused(prepare("members", xlsx(one_row(**changes)), organisation=tree["dbcs"]))
    assert errors == [message]
    assert record_counts() == before


@pytest.mark.django_db
def test_a_future_admission_is_reported_exactly_and_nothing_is_written(tree):
    today = timezone.localdate()  # read when the test runs, not at collection: a suite may cross midnight
    typed = f"{today + datetime.timedelta(days=3):%d/%m/%Y}"
    before = record_counts()
    errors = refused(prepare("members", xlsx(one_row(**{"Ngày kết nạp": typed})), organisation=tree["dbcs"]))
    assert errors == [
        f"Dòng 2, cột G (Ngày kết nạp), giá trị “{typed}”: ngày trong tương lai (hôm nay là {today:%d/%m/%Y})."
    ]
    assert record_counts() == before


@pytest.mark.django_db
def test_every_error_is_listed_not_only_the_first(tree):
    rows = one_row(**{"Ngày, tháng, năm sinh": "31/02/1990", "Chi bộ sinh hoạt": "Không có"})
    rows.append(one_row(**{"Số CMND/CCCD": "12345", "HỌ VÀ TÊN": "Trịnh Văn Cường"})[1])
    errors = refused(prepare("members", xlsx(rows), organisation=tree["dbcs"]))
    assert errors == [
        "Dòng 2, cột C (Ngày, tháng, năm sinh), giá trị “31/02/1990”: ngày không có thật (tháng 2/1990 không có ngày 31).",
        "Dòng 2, cột J (Chi bộ sinh hoạt), giá trị “Không có”: không có chi bộ có mã hoặc tên này trong Đảng bộ Sở A.",
        "Dòng 3, cột F (Số CMND/CCCD), giá trị “12345”: phải gồm đúng 12 chữ số.",
        "Dòng 3, cột I (Số thẻ ĐV), giá trị “30.100001”: Số thẻ trùng với dòng 2 trong tệp.",
    ]


@pytest.mark.django_db
def test_duplicate_card_in_the_file_and_against_the_database(tree):
    rows = one_row()
    rows.append(one_row(**{"HỌ VÀ TÊN": "Mai Văn Tâm", "Số CMND/CCCD": "030088000002"})[1])
    assert refused(prepare("members", xlsx(rows), organisation=tree["dbcs"])) == [
        "Dòng 3, cột I (Số thẻ ĐV), giá trị “30.100001”: Số thẻ trùng với dòng 2 trong tệp."
    ]
    owner = make_member(full_name="Đinh Văn Sơn", birth_date=D(1970, 7, 7))
    card_issue(member=owner, number="30.100001")
    before = record_counts()
    assert refused(prepare("members", xlsx(one_row()), organisation=tree["dbcs"])) == [
        f"Dòng 2, cột I (Số thẻ ĐV), giá trị “30.100001”: Số thẻ 30.100001 đã thuộc về đảng viên {owner.describe()}; "
        "họ tên và ngày sinh trên dòng này đều khác, nên đây không thể là cùng một người."
    ]
    assert record_counts() == before


@pytest.mark.django_db
def test_missing_required_column(tree):
    rows = [["Họ và tên", "Giới tính", "Ngày vào Đảng", "Chi bộ"], ["A", "Nam", "01/01/2010", "SOA-VP"]]
    assert refused(prepare("members", xlsx(rows), organisation=tree["dbcs"])) == [
        "Thiếu cột bắt buộc “Ngày sinh” (hoặc “Ngày tháng năm sinh”, “Ngày, tháng, năm sinh”, “Sinh ngày”, "
        "“Ngày/tháng/năm sinh”) ở dòng tiêu đề 1."
    ]


@pytest.mark.django_db
def test_without_a_tccs_column_the_organisation_must_be_chosen(tree):
    assert refused(prepare("members", xlsx(one_row()))) == [
        "Hãy chọn tổ chức cơ sở đảng khi tải lên: tệp không có cột “Đảng bộ cơ sở” cho biết đảng viên thuộc tổ chức nào."
    ]


FILES = [
    ("empty file", b"", "Tệp rỗng (0 byte)."),
    ("empty sheet", xlsx([]), "Trang tính “Sheet” không có dữ liệu."),
    ("only a header", xlsx([HEADER]), "Tệp không có dòng dữ liệu nào dưới dòng tiêu đề (dòng 1)."),
    (
        "not a spreadsheet",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "Tệp không phải bảng tính: chỉ nhận tệp Excel (.xlsx) hoặc CSV (UTF-8).",
    ),
    (
        "no header found",
        xlsx([["Báo cáo công tác năm"], ["Nội dung", "Kết quả"], ["Họp", "Tốt"]]),
        "Không tìm thấy dòng tiêu đề trong 20 dòng đầu: cần ít nhất hai cột có tên như trong tệp mẫu "
        "(ví dụ “Họ và tên”, “Ngày sinh”).",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case, data, message", FILES, ids=[c[0] for c in FILES])
def test_a_bad_file_gets_a_clear_error(tree, case, data, message):
    before = record_counts()
    preview = prepare("members", data, organisation=tree["dbcs"], file_name="tep")
    assert refused(preview) == [message]
    assert record_counts() == before
    assert ImportBatch.objects.get().error_count == 1


def _rows(count):
    rows = [HEADER]
    for n in range(count):
        rows.append(
            [
                n + 1,
                f"Người Thứ {n}",
                D(1980, 1, 1) + datetime.timedelta(days=n),
                "Nữ",
                "Kinh",
                f"0300800{n:05d}",
                "10/01/2010",
                "10/01/2011",
                f"30.9{n:05d}",
                "Chi bộ Văn phòng" if n % 2 else "SOA-KT",
                None,
            ]
        )
    return rows


def _remove_members():
    for model in (MembershipPeriod, MemberCard, MemberEvent):
        model.objects.all().delete()
    Member.objects.all().delete()


@pytest.mark.django_db
def test_query_count_does_not_grow_with_rows(tree):
    """Preview + confirm of 10 and of 200 new members, then re-import of each unchanged file."""
    counts = {}
    for size in (10, 200):
        data = xlsx(_rows(size))
        with CaptureQueriesContext(connection) as queries:
            commit(prepare("members", data, organisation=tree["dbcs"]))
        counts[("import", size)] = len(queries)
        with CaptureQueriesContext(connection) as queries:
            again = prepare("members", data, organisation=tree["dbcs"])
        assert (again.batch.unchanged_count, Member.objects.count()) == (size, size)
        counts[("re-import", size)] = len(queries)
        _remove_members()
    assert counts[("import", 10)] == counts[("import", 200)]
    assert counts[("re-import", 10)] == counts[("re-import", 200)]


@pytest.mark.django_db
def test_admission_in_the_admin_then_the_sheet_adds_the_recognition(tree):
    member = make_member(full_name="Cao Văn Phúc", birth_date=D(1980, 1, 1), national_id="030080000009")
    member_admit(member=member, organisation=tree["cb1"], ceremony_date=D(2019, 3, 1))
    rows = [
        ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Ngày vào Đảng", "Ngày chính thức", "Chi bộ"],
        ["Cao Văn Phúc", "01/01/1980", "Nam", "030080000009", "01/03/2019", "05/03/2020", "Chi bộ Văn phòng"],
    ]
    preview = prepare("members", xlsx(rows), organisation=tree["dbcs"])
    assert preview.updates == [[2, member.describe(), [["Ngày chính thức", "(trống)", "05/03/2020"]]]]
    commit(preview)
    recognition = member.events.get(kind=EventKind.RECOGNITION)
    assert (recognition.date, recognition.decision_date) == (D(2020, 3, 1), D(2020, 3, 5))
    assert member.periods.order_by("starts_on").last().status == "chinh_thuc"


def test_an_import_is_audited_by_its_batch_and_changes_by_their_own_rows(tree, django_user_model):
    """Records an import creates carry the batch and are logged by the batch's own row (who, the
    file, the counts), not one row each; a member it changes gets its before/after row."""
    from partyblock.audit.models import ActivityLog

    staff = office_user(django_user_model, "vanphong")
    first = commit(prepare("members", xlsx(sheet_rows()), organisation=tree["dbcs"], user=staff), user=staff)
    assert set(Member.objects.values_list("import_batch", flat=True)) == {first.pk}
    assert set(MemberEvent.objects.values_list("import_batch", flat=True)) == {first.pk}
    logged = ActivityLog.objects.filter(import_batch=first)
    assert list(logged.values_list("action", "model", "object_id", "username", "source")) == [
        ("create", "importing.importbatch", str(first.pk), "vanphong", "nhập dữ liệu")
    ]
    changes = logged.get().changes
    assert (changes["file_name"], changes["created_count"], changes["updated_count"]) == (
        [None, first.file_name],
        [None, Member.objects.count()],
        [None, 0],
    )

    second = commit(
        prepare(
            "members",
            xlsx([row if n != 1 else [*row[:4], "Mường", *row[5:]] for n, row in enumerate(sheet_rows())]),
            organisation=tree["dbcs"],
            user=staff,
        ),
        user=staff,
    )
    change = ActivityLog.objects.get(import_batch=second, action="change", model="members.member")
    assert change.changes["ethnicity"] == ["Kinh", "Mường"]
    assert ActivityLog.objects.filter(import_batch=second, model="importing.importbatch").count() == 1


def test_an_imported_member_s_history_shows_the_batch_it_came_from(tree, django_user_model, admin_client):
    staff = office_user(django_user_model, "vanphong")
    batch = commit(prepare("members", xlsx(sheet_rows()), organisation=tree["dbcs"], user=staff), user=staff)
    member = Member.objects.get(national_id="030085001234")

    page = admin_client.get(reverse("admin:members_member_history", args=[member.pk])).content.decode()

    assert f"lần nhập số {batch.pk}: {batch}" in page
    assert "vanphong" in page and "Chưa có thay đổi nào" not in page


def test_a_member_list_uploaded_as_organisations_is_named_as_a_member_list(tree):
    preview = prepare("organisations", xlsx(sheet_rows()), file_name="dang-vien.xlsx")
    assert refused(preview) == [
        "Tệp này có vẻ là danh sách “Đảng viên” (có các cột tiêu đề của loại đó), không phải “Tổ chức đảng”: "
        "hãy chọn Loại dữ liệu “Đảng viên” rồi tải lên lại."
    ]
