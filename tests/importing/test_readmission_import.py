"""The events import takes "Ngày được xóa án tích" on a readmission row: the day the readmission
rule after a conviction counts its 60 months from (members.lifecycle, QĐ 294-QĐ/TW §3.5.1)."""

import datetime

import pytest

from members.models import EventKind, MemberEvent
from members.services import card_issue, member_recognise
from partyblock.importing.batches import commit, prepare
from partyblock.importing.templates import headers
from tests.members.test_party_rules import CONSENT, expelled_after_a_conviction

from .conftest import record_counts, xlsx

D = datetime.date
HEADER = [
    "Họ và tên",
    "Số thẻ",
    "Sự kiện",
    "Ngày",
    "Ngày quyết định",
    "Chi bộ",
    "Văn bản đồng ý kết nạp lại",
    "Ngày xóa án tích",  # an alias of "Ngày được xóa án tích"
]


@pytest.fixture
def convicted(admitted):
    """Official from 10/01/2021, expelled on 01/06/2021 after a conviction of a less serious crime."""
    member_recognise(member=admitted, decision_date=D(2021, 1, 20))
    card_issue(member=admitted, number="30.000777", issued_on=D(2021, 2, 1))
    return expelled_after_a_conviction(admitted)


def readmission_rows(decided, cleared):
    return [
        HEADER,
        [
            "Nguyễn Văn An",
            "30.000777",
            "Kết nạp lại",
            decided + datetime.timedelta(days=14),
            decided,
            "SOA-VP",
            CONSENT,
            cleared,
        ],
    ]


def test_the_template_has_the_column():
    assert "Ngày được xóa án tích" in headers("events")


@pytest.mark.django_db
def test_a_readmission_60_months_after_the_clearing_is_imported_with_its_day(tree, convicted):
    preview = prepare(
        "events", xlsx(readmission_rows(D(2026, 3, 1), "01/03/2021")), organisation=tree["dbcs"]
    )

    assert preview.errors == []
    commit(preview)
    readmission = convicted.events.get(kind=EventKind.READMISSION)
    assert (readmission.date, readmission.conviction_cleared_on) == (D(2026, 3, 15), D(2021, 3, 1))


@pytest.mark.django_db
def test_a_readmission_a_day_short_of_60_months_is_refused_with_the_lifecycle_rule(tree, convicted):
    before = record_counts()
    preview = prepare(
        "events", xlsx(readmission_rows(D(2026, 2, 28), "01/03/2021")), organisation=tree["dbcs"]
    )

    assert preview.errors == [
        f"Dòng 2: {convicted.describe()}: kết nạp lại ngày 14/03/2026: chưa đủ 60 tháng kể từ ngày được xóa "
        "án tích (01/03/2021); sớm nhất xét kết nạp lại ngày 01/03/2026."
    ]
    assert record_counts() == before


@pytest.mark.django_db
def test_a_readmission_without_the_day_is_refused(tree, convicted):
    preview = prepare("events", xlsx(readmission_rows(D(2026, 6, 1), None)), organisation=tree["dbcs"])

    assert preview.errors == [
        f"Dòng 2: {convicted.describe()}: kết nạp lại ngày 15/06/2026: đã ra khỏi Đảng vì bị kết án về tội phạm "
        "ít nghiêm trọng: cần ghi ngày được xóa án tích (chỉ xét kết nạp lại sau 60 tháng kể từ ngày đó)."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value, reason",
    [
        ("31/02/2021", "ngày không có thật (tháng 2/2021 không có ngày 31)."),
        ("sau khi mãn hạn", "không phải ngày; hãy ghi ngày dạng dd/mm/yyyy."),
    ],
)
def test_a_bad_clearing_day_names_row_column_and_value(tree, convicted, value, reason):
    before = record_counts()
    preview = prepare("events", xlsx(readmission_rows(D(2026, 3, 1), value)), organisation=tree["dbcs"])

    # The column is named as the file names it (an alias of "Ngày được xóa án tích").
    assert preview.errors == [f"Dòng 2, cột H (Ngày xóa án tích), giá trị “{value}”: {reason}"]
    assert record_counts() == before
    assert MemberEvent.objects.filter(kind=EventKind.READMISSION).count() == 0
