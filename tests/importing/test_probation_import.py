"""The members import applies the probation rule of the member form (members.charters.Probation):
a "Ngày chính thức" before 12 months is refused for admissions under the 2011 Charter, and kept
with the lifecycle's warning under the charters whose length is not confirmed (2006 and earlier)."""

import datetime

import pytest

from members.models import MemberEvent
from partyblock.core.text import day_text
from partyblock.importing.batches import commit, prepare
from partyblock.importing.models import ImportStatus

from .conftest import xlsx

D = datetime.date
HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng", "Ngày chính thức", "Chi bộ"]


def preview_of(admitted_on, official_on, tree):
    rows = [
        HEADER,
        ["Lê Văn Mới", "01/01/1985", "Nam", day_text(admitted_on), day_text(official_on), "SOA-VP"],
    ]
    return prepare("members", xlsx(rows), organisation=tree["dbcs"])


@pytest.mark.django_db
def test_a_day_short_of_twelve_months_under_the_2006_charter_is_imported_with_a_warning(tree):
    preview = preview_of(D(2011, 1, 18), D(2012, 1, 17), tree)

    assert preview.errors == []
    assert preview.warnings == [
        "Dòng 2: Công nhận đảng viên chính thức ngày 17/01/2012: kết nạp ngày 18/01/2011 theo Điều lệ Đảng "
        "(Đại hội X, 2006), thời hạn dự bị của Điều lệ đó chưa xác nhận nên ghi nhận theo hồ sơ "
        "(không buộc đủ 12 tháng)."
    ]
    assert commit(preview).status == ImportStatus.COMMITTED
    assert MemberEvent.objects.get(kind="chinh_thuc").date == D(2012, 1, 17)


@pytest.mark.django_db
def test_a_2010_admission_recognised_after_five_months_is_imported_with_a_warning(tree):
    """What tests/importing/test_bulk_paths.py refused before the rule followed the charters."""
    preview = preview_of(D(2010, 1, 10), D(2010, 6, 1), tree)

    assert preview.errors == []
    assert len(preview.warnings) == 1 and "chưa xác nhận" in preview.warnings[0]


@pytest.mark.django_db
def test_a_day_short_of_twelve_months_under_the_2011_charter_is_refused(tree):
    preview = preview_of(D(2011, 1, 19), D(2012, 1, 18), tree)

    assert preview.batch.status == ImportStatus.INVALID
    assert preview.errors == [
        "Dòng 2, cột E (Ngày chính thức), giá trị “18/01/2012”: chưa đủ 12 tháng dự bị kể từ ngày vào Đảng "
        "19/01/2011: ngày chính thức sớm nhất là 19/01/2012."
    ]


@pytest.mark.django_db
def test_twelve_months_to_the_day_under_the_2011_charter_is_imported_without_a_warning(tree):
    preview = preview_of(D(2011, 1, 19), D(2012, 1, 19), tree)

    assert (preview.errors, preview.warnings) == ([], [])
    commit(preview)
    assert MemberEvent.objects.get(kind="chinh_thuc").date == D(2012, 1, 19)


@pytest.mark.django_db
def test_the_1930_charter_refuses_a_decision_before_its_shortest_probation_in_the_import_too(tree):
    rows = [HEADER, ["Trần Văn Cũ", "01/01/1905", "Nam", "01/03/1930", "01/05/1930", "SOA-VP"]]
    preview = prepare("members", xlsx(rows), organisation=tree["dbcs"])

    assert preview.errors == [
        "Dòng 2, cột E (Ngày chính thức), giá trị “01/05/1930”: chưa hết thời hạn dự bị ngắn nhất theo "
        "Điều lệ vắn tắt của Đảng (1930) kể từ ngày vào Đảng 01/03/1930: ngày chính thức sớm nhất là 01/06/1930."
    ]
