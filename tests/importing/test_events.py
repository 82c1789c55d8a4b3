import datetime

import pytest

from members.models import EventKind, MemberEvent
from members.services import card_issue, member_recognise, member_update
from partyblock.importing.batches import commit, prepare
from partyblock.importing.models import ImportStatus

from .conftest import record_counts, xlsx

D = datetime.date
HEADER = ["Họ và tên", "Số thẻ", "Sự kiện", "Ngày", "Số QĐ", "Chuyển đến / từ"]
# A probationary member has no party card yet: such rows name the member by CCCD.
CCCD_HEADER = ["Họ và tên", "Số CCCD", "Sự kiện", "Ngày", "Số QĐ", "Chuyển đến / từ"]


@pytest.mark.django_db
def test_recognition_and_a_move_between_chi_bo(tree, admitted):
    member_update(admitted, national_id="001090000222")
    rows = [
        CCCD_HEADER,
        ["Nguyễn Văn An", "001090000222", "Chính thức", "15/01/2021", "12-QĐ/ĐUK", None],
        ["Nguyễn Văn An", "001090000222", "Chuyển đến", "01/07/2022", "45-QĐ/ĐUK", "Chi bộ Kế toán"],
    ]
    preview = prepare("events", xlsx(rows), organisation=tree["dbcs"])
    assert preview.errors == []
    assert [label for _, label in preview.creates] == [
        f"{admitted.describe()}: Công nhận đảng viên chính thức ngày 10/01/2021",
        f"{admitted.describe()}: Chuyển sinh hoạt chính thức trong Khối ngày 01/07/2022",
    ]
    batch = commit(preview)
    recognition = admitted.events.get(kind=EventKind.RECOGNITION)
    assert (recognition.date, recognition.decision_date, recognition.import_batch) == (
        D(2021, 1, 10),
        D(2021, 1, 15),
        batch,
    )
    assert list(admitted.periods.order_by("starts_on").values_list("organisation__code", "status")) == [
        ("SOA-VP", "du_bi"),
        ("SOA-VP", "chinh_thuc"),
        ("SOA-KT", "chinh_thuc"),
    ]
    again = prepare("events", xlsx(rows), organisation=tree["dbcs"])
    assert (again.batch.status, again.batch.unchanged_count) == (ImportStatus.UNCHANGED, 2)


@pytest.mark.django_db
def test_an_event_against_the_history_is_refused_with_the_lifecycle_rule(tree, admitted):
    member_recognise(member=admitted, decision_date=D(2021, 1, 20))
    card_issue(member=admitted, number="30.000333")
    rows = [
        HEADER,
        ["Nguyễn Văn An", "30.000333", "Từ trần", "01/03/2022", None, None],
        ["Nguyễn Văn An", "30.000333", "Chuyển đi", "01/04/2022", None, "Đảng bộ huyện Thanh Hà"],
    ]
    before = record_counts()
    preview = prepare("events", xlsx(rows), organisation=tree["dbcs"])
    assert preview.errors == [
        f"Dòng 3: {admitted.describe()}: chuyển sinh hoạt chính thức ra ngoài Khối ngày 01/04/2022: "
        "đảng viên đã từ trần nên không thể ghi thêm sự kiện này."
    ]
    assert record_counts() == before
    assert MemberEvent.objects.count() == 2


@pytest.mark.django_db
def test_a_member_is_not_found_by_name_alone(tree, admitted):
    preview = prepare("events", xlsx([HEADER, ["Nguyễn Văn An", None, "Từ trần", "01/03/2022", None, None]]))
    assert preview.errors == [
        "Dòng 2, cột A (Họ và tên), giá trị “Nguyễn Văn An”: không tìm thấy đảng viên này "
        "(theo số thẻ, số CCCD, hoặc họ tên và ngày sinh)."
    ]


@pytest.mark.django_db
def test_an_empty_event_or_day_is_a_row_error_not_a_crash(tree, admitted):
    member_update(admitted, national_id="001090000444")
    rows = [
        CCCD_HEADER,
        ["Nguyễn Văn An", "001090000444", None, "01/03/2022", None, None],
        ["Nguyễn Văn An", "001090000444", "Chuyển đến", None, None, "Chi bộ Kế toán"],
    ]
    before = record_counts()
    preview = prepare("events", xlsx(rows), organisation=tree["dbcs"])
    assert preview.errors == [
        "Dòng 2, cột C (Sự kiện), giá trị “(trống)”: trống: bắt buộc.",
        "Dòng 3, cột D (Ngày), giá trị “(trống)”: trống: bắt buộc.",
    ]
    assert record_counts() == before
