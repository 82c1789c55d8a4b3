"""Issue 15: the national member database's key (số lý lịch đảng viên) on the profile: optional,
unique, searchable, importable."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from members.models import Member, MemberCard
from members.services import card_issue, member_admit, member_recognise, member_update
from partyblock.accounts.access import member_search
from partyblock.importing.batches import commit, prepare
from partyblock.importing.models import ImportStatus
from tests.importing.conftest import record_counts, xlsx
from tests.members.conftest import make_member

D = datetime.date
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng", "Chi bộ", "Số LLĐV"]


def test_the_number_is_optional_and_unique_with_a_message_naming_no_one(db):
    """Grassroots staff write số lý lịch and the holder may be outside their scope (DOMAIN.md §8)."""
    make_member(full_name="Nguyễn Văn An", so_ly_lich="LL-0001")
    make_member(full_name="Trần Văn Bình")  # none: allowed, twice
    make_member(full_name="Lê Văn Cường")

    with pytest.raises(ValidationError) as excinfo:
        make_member(full_name="Phạm Văn Dũng", so_ly_lich=" LL-0001 ")

    assert excinfo.value.message_dict == {
        "so_ly_lich": ["Số lý lịch LL-0001 đã thuộc về một đảng viên khác."]
    }
    assert Member.objects.filter(so_ly_lich__isnull=True).count() == 2


def test_a_card_number_already_issued_is_refused_naming_no_one(tree):
    """The card inline is open to grassroots staff; the holder may be outside their scope."""
    holder = make_member(full_name="Trịnh Thị Bí Mật", birth_date=D(1965, 3, 4))
    member_admit(member=holder, organisation=tree["cb2"], ceremony_date=D(2005, 6, 1))
    member_recognise(member=holder, decision_date=D(2006, 6, 15))
    card_issue(member=holder, number="30.777001", issued_on=D(2006, 9, 1))
    other = make_member(full_name="Lê Văn Trong")
    with pytest.raises(ValidationError) as excinfo:
        MemberCard(member=other, number="30.777001", issued_on=D(2010, 1, 1)).full_clean()
    assert excinfo.value.message_dict["number"] == ["Số thẻ 30.777001 đã cấp cho một đảng viên khác."]


def test_members_are_found_by_the_number(db, django_user_model):
    found = make_member(full_name="Nguyễn Văn An", so_ly_lich="30.05.012345")
    make_member(full_name="Trần Văn Bình", so_ly_lich="30.05.012346")
    user = django_user_model.objects.create_user("x")

    assert list(Member.objects.filter(member_search("30.05.012345", user))) == [found]


def test_a_sheet_sets_the_number_of_new_and_known_members_and_reimports_unchanged(tree):
    known = make_member(full_name="Lê Văn Cũ", birth_date=D(1980, 1, 1))
    member_admit(member=known, organisation=tree["cb1"], ceremony_date=D(2010, 1, 10))
    rows = [
        HEADER,
        [1, "Nguyễn Văn Mới", "15/05/1990", "Nam", "10/01/2015", "Chi bộ Văn phòng", "LL-1001"],
        [2, "Lê Văn Cũ", "01/01/1980", "Nam", "10/01/2010", "Chi bộ Văn phòng", "LL-1002"],
    ]

    preview = prepare("members", xlsx(rows), organisation=tree["dbcs"])
    assert preview.errors == []
    assert preview.updates == [[3, known.describe(), [["Số lý lịch", "(trống)", "LL-1002"]]]]
    commit(preview)

    assert dict(Member.objects.values_list("full_name", "so_ly_lich")) == {
        "Nguyễn Văn Mới": "LL-1001",
        "Lê Văn Cũ": "LL-1002",
    }
    again = prepare("members", xlsx(rows), organisation=tree["dbcs"])
    assert (again.errors, again.batch.status) == ([], ImportStatus.UNCHANGED)


def test_a_number_held_by_another_member_or_repeated_in_the_file_is_refused(tree):
    holder = make_member(full_name="Đỗ Văn Giữ", so_ly_lich="LL-2001")
    member_update(holder, note="")
    rows = [
        HEADER,
        [1, "Nguyễn Văn Một", "15/05/1990", "Nam", "10/01/2015", "Chi bộ Văn phòng", "LL-2001"],
        [2, "Nguyễn Văn Hai", "15/05/1991", "Nam", "10/01/2015", "Chi bộ Văn phòng", "LL-2002"],
        [3, "Nguyễn Văn Ba", "15/05/1992", "Nam", "10/01/2015", "Chi bộ Văn phòng", "LL-2002"],
    ]
    before = record_counts()

    preview = prepare("members", xlsx(rows), organisation=tree["dbcs"])

    assert preview.errors == [
        f"Dòng 2, cột G (Số LLĐV), giá trị “LL-2001”: số lý lịch đã thuộc về đảng viên {holder.describe()}.",
        "Dòng 4, cột G (Số LLĐV), giá trị “LL-2002”: số lý lịch trùng với dòng 3 trong tệp.",
    ]
    assert record_counts() == before
