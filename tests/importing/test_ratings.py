"""Rating sheets: abbreviated categories, the year's scheme, who must be rated."""

import datetime

import pytest

from members.models import MemberRating
from members.services import card_issue, member_admit, member_recognise
from partyblock.importing.batches import commit, prepare
from partyblock.importing.models import ImportStatus
from tests.members.conftest import make_member
from units.models import OrganisationRating

from .conftest import record_counts, xlsx

D = datetime.date


@pytest.fixture
def rated(tree):
    """Two members of the đảng bộ cơ sở, official since 2016, and one admitted in 2021."""
    people = []
    for name, birth, chi_bo in (
        ("Nguyễn Văn An", D(1980, 1, 1), "cb1"),
        ("Lê Thị Hoa", D(1982, 2, 2), "cb2"),
    ):
        member = make_member(full_name=name, birth_date=birth)
        member_admit(member=member, organisation=tree[chi_bo], ceremony_date=D(2015, 3, 1))
        member_recognise(member=member, decision_date=D(2016, 3, 5))
        people.append(member)
    card_issue(member=people[0], number="30.000111")
    late = make_member(full_name="Trần Văn Mới", birth_date=D(1995, 5, 5))
    member_admit(member=late, organisation=tree["cb1"], ceremony_date=D(2021, 3, 1))
    return people + [late]


HEADER = ["TT", "Họ và tên", "Ngày sinh", "Số thẻ Đảng", "KẾT QUẢ XẾP LOẠI"]


@pytest.mark.django_db
def test_member_ratings_with_abbreviations_for_the_chosen_year(tree, rated):
    rows = [
        HEADER,
        [1, "Nguyễn Văn An", None, "30.000111", "HTXSNV"],
        [2, "Lê Thị Hoa", "02/02/1982", None, "httnv"],
    ]
    preview = prepare("member_ratings", xlsx(rows), organisation=tree["dbcs"], year=2020)
    assert preview.errors == []
    assert preview.creates == [
        [2, f"{rated[0].describe()}: Hoàn thành xuất sắc nhiệm vụ (2020)"],
        [3, f"{rated[1].describe()}: Hoàn thành tốt nhiệm vụ (2020)"],
    ]
    batch = commit(preview)
    ratings = MemberRating.objects.order_by("member__full_name")
    assert list(ratings.values_list("member__full_name", "category", "level", "organisation__code")) == [
        ("Lê Thị Hoa", "httnv", 2, "SOA-KT"),
        ("Nguyễn Văn An", "htxsnv", 1, "SOA-VP"),
    ]
    assert {r.import_batch_id for r in ratings} == {batch.pk}
    again = prepare("member_ratings", xlsx(rows), organisation=tree["dbcs"], year=2020)
    assert (again.batch.status, again.batch.unchanged_count) == (ImportStatus.UNCHANGED, 2)
    rows[2][4] = "Hoàn thành nhiệm vụ"
    changed = prepare("member_ratings", xlsx(rows), organisation=tree["dbcs"], year=2020)
    assert changed.updates == [
        [3, f"{rated[1].describe()} (2020)", [["Xếp loại", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ"]]]
    ]
    commit(changed)
    assert MemberRating.objects.get(member=rated[1]).level == 3


@pytest.mark.django_db
def test_rating_not_valid_for_the_year_and_member_not_rated_that_year(tree, rated):
    rows = [
        ["Năm", *HEADER],
        [2020, 1, "Nguyễn Văn An", None, "30.000111", "TSVM"],
        [2020, 2, "Trần Văn Mới", "05/05/1995", None, "HTTNV"],
    ]
    before = record_counts()
    preview = prepare("member_ratings", xlsx(rows), organisation=tree["dbcs"])
    assert preview.errors == [
        "Dòng 2, cột F (KẾT QUẢ XẾP LOẠI), giá trị “TSVM”: loại “TSVM” không dùng để xếp loại đảng viên năm 2020 "
        "(theo QĐ 132-QĐ/TW, HD 16-HD/BTCTW, HD 21-HD/BTCTW: Hoàn thành xuất sắc nhiệm vụ, Hoàn thành tốt nhiệm vụ, "
        "Hoàn thành nhiệm vụ, Không hoàn thành nhiệm vụ).",
        f"Dòng 3, cột C (Họ và tên), giá trị “Trần Văn Mới”: {rated[2].describe()} không thuộc diện xếp loại năm 2020: "
        "không sinh hoạt trong Đảng bộ Khối (Đảng bộ Sở A) vào 31/12/2020, đang được miễn hoặc bị đình chỉ sinh hoạt, "
        "hoặc được kết nạp chưa đủ 6 tháng.",
    ]
    assert record_counts() == before


@pytest.mark.django_db
def test_a_rating_sheet_needs_a_year(tree, rated):
    preview = prepare("member_ratings", xlsx([HEADER, [1, "Nguyễn Văn An", None, "30.000111", "HTTNV"]]))
    assert preview.errors == ["Hãy chọn năm xếp loại khi tải lên: tệp không có cột “Năm”."]


@pytest.mark.django_db
def test_organisation_ratings_by_code_or_name_with_the_old_scheme(tree):
    rows = [
        ["Mã", "Tên tổ chức", "Xếp loại"],
        ["SOA", None, "TSVM"],
        [None, "Chi bộ Kế toán", "Hoàn thành tốt nhiệm vụ"],
        [None, "Chi bộ Sở B", "yếu kém"],
    ]
    preview = prepare("organisation_ratings", xlsx(rows), year=2016)
    assert preview.errors == []
    commit(preview)
    assert list(
        OrganisationRating.objects.order_by("organisation__code").values_list(
            "organisation__code", "category", "tccs__code"
        )
    ) == [
        ("SOA", "tsvm", "SOA"),
        ("SOA-KT", "httnv", "SOA"),
        ("SOB", "yeu_kem", "SOB"),
    ]
    rows[2][1] = "Chi bộ Không Có"
    assert prepare("organisation_ratings", xlsx(rows), year=2016).errors == [
        "Dòng 3, cột B (Tên tổ chức), giá trị “Chi bộ Không Có”: không có tổ chức đảng có mã hoặc tên này."
    ]


@pytest.mark.django_db
def test_an_empty_rating_is_a_row_error(tree, rated):
    preview = prepare(
        "member_ratings",
        xlsx([HEADER, [1, "Nguyễn Văn An", None, "30.000111", None]]),
        organisation=tree["dbcs"],
        year=2020,
    )
    assert preview.errors == ["Dòng 2, cột E (KẾT QUẢ XẾP LOẠI), giá trị “(trống)”: trống: bắt buộc."]
