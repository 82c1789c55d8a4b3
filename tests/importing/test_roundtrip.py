"""Export → edit in Excel → re-import: the admin lists export in the template's columns."""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from members.models import Member, MemberCard, MemberEvent, MemberRating, MembershipPeriod
from members.services import card_issue, member_admit, member_ratings_save, member_recognise, member_transfer
from partyblock.importing.batches import commit, prepare
from partyblock.importing.models import ImportStatus
from tests.members.conftest import make_member
from units.models import Organisation, OrganisationRating
from units.services import organisation_ratings_save

D = datetime.date
MODELS = (Organisation, Member, MemberEvent, MembershipPeriod, MemberCard, MemberRating, OrganisationRating)


def snapshot():
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


def with_ethnicity(snapshot, member, ethnicity):
    """`snapshot` as it should be after `member`'s ethnicity was edited: the member's, and the copy
    each of its periods carries (`members.period_profile`)."""
    for row in snapshot["Member"]:
        if row["id"] == member.pk:
            row["ethnicity"] = ethnicity
    for row in snapshot["MembershipPeriod"]:
        if row["member_id"] == member.pk:
            row["ethnicity"] = ethnicity


@pytest.fixture
def records(tree):
    an = make_member(full_name="Nguyễn Văn An", national_id="030080000001", birth_date=D(1980, 1, 1))
    member_admit(member=an, organisation=tree["cb1"], ceremony_date=D(2010, 3, 1))
    member_recognise(member=an, decision_date=D(2011, 3, 9))
    card_issue(member=an, number="30.000001", issued_on=D(2011, 6, 1))
    member_transfer(member=an, to=tree["cb2"], on=D(2018, 5, 1))
    binh = make_member(full_name="=Trần Thị Bình", birth_date=D(1990, 2, 2), hometown="Gia Lộc, Hải Dương")
    member_admit(member=binh, organisation=tree["cbcs"], ceremony_date=D(2021, 6, 1))
    member_ratings_save(year=2022, choices={an.pk: ("htxsnv", None), binh.pk: ("httnv", None)})
    organisation_ratings_save(
        year=2022, choices={tree["dbcs"].pk: ("httnv", None), tree["cb1"].pk: ("htnv", None)}
    )
    return an, binh


def export(client, name):
    response = client.get(reverse(f"admin:{name}_export"))
    assert response.status_code == 200
    return response.content


@pytest.mark.django_db
def test_member_list_round_trips_and_only_the_edited_cell_changes(admin_client, records):
    an, binh = records
    book = load_workbook(io.BytesIO(export(admin_client, "members_member")))
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers == [
        "STT",
        "Họ và tên",
        "Ngày sinh",
        "Giới tính",
        "Dân tộc",
        "Tôn giáo",
        "Quê quán",
        "Số CCCD",
        "Ngày vào Đảng",
        "Ngày chính thức",
        "Số thẻ đảng viên",
        "Chi bộ",
        "Đảng bộ cơ sở",
        "Ngày chi bộ biểu quyết",
        "Ngày chuyển đến",
        "Huy hiệu Đảng",
    ]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Nguyễn Văn An"][7:] == (
        "030080000001",
        datetime.datetime(2010, 3, 1),
        datetime.datetime(2011, 3, 9),
        "30.000001",
        "Chi bộ Kế toán",
        "Đảng bộ Sở A",
        None,
        None,
        None,
    )
    assert sheet.cell(row=3, column=2).data_type == "s"  # "=Trần…" stays text, never a formula
    for row in sheet.iter_rows(min_row=2):
        if row[1].value == "Nguyễn Văn An":
            row[4].value = "Mường"  # the one edit made in Excel
    edited = io.BytesIO()
    book.save(edited)
    before = snapshot()
    preview = prepare("members", edited.getvalue(), file_name="sua.xlsx")
    assert preview.errors == [] and preview.warnings == []
    assert preview.updates == [[2, an.describe(), [["Dân tộc", "Kinh", "Mường"]]]]
    assert (preview.batch.created_count, preview.batch.unchanged_count) == (0, 1)
    commit(preview)
    after = snapshot()
    with_ethnicity(before, an, "Mường")
    assert after == before


@pytest.mark.django_db
def test_the_badges_a_member_holds_are_exported_and_read_back_unchanged(admin_client, tree):
    """The export carries the Huy hiệu Đảng held (not a revoked one), as the column reads them, so
    the list re-imported is unchanged and offices see the column in the files they get."""
    from members.models import PartyBadge
    from members.services import badges_received, member_admit_outside, member_transfer_in

    elder = make_member(full_name="Lê Văn Lão", birth_date=D(1948, 5, 5))
    member_admit_outside(member=elder, other_party="Đảng bộ huyện Thanh Hà", ceremony_date=D(1970, 3, 1))
    member_recognise(member=elder, decision_date=D(1971, 3, 1))
    member_transfer_in(member=elder, to=tree["cb1"], from_party="Đảng bộ huyện Thanh Hà", on=D(2005, 1, 3))
    badges_received(member=elder, badges=[(30, D(2001, 2, 3)), (40, None)])
    book = load_workbook(io.BytesIO(export(admin_client, "members_member")))
    sheet = book.worksheets[0]
    column = [c.value for c in sheet[1]].index("Huy hiệu Đảng")
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Lê Văn Lão"][column] == "30 năm (03/02/2001); 40 năm"
    exported = io.BytesIO()
    book.save(exported)
    before = snapshot(), list(PartyBadge.objects.values_list("years", "awarded_on"))
    preview = prepare("members", exported.getvalue(), file_name="lai.xlsx")
    assert (preview.errors, preview.updates) == ([], [])
    assert (preview.batch.created_count, preview.batch.unchanged_count) == (0, 1)
    assert (snapshot(), list(PartyBadge.objects.values_list("years", "awarded_on"))) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "admin_name, kind",
    [
        ("units_organisation", "organisations"),
        ("members_memberrating", "member_ratings"),
        ("units_organisationrating", "organisation_ratings"),
    ],
)
def test_other_lists_reimport_unchanged(admin_client, records, admin_name, kind):
    before = snapshot()
    preview = prepare(kind, export(admin_client, admin_name), file_name="xuat.xlsx")
    assert preview.errors == []
    assert preview.batch.status == ImportStatus.UNCHANGED
    assert (
        preview.batch.unchanged_count
        == {"organisations": 4, "member_ratings": 2, "organisation_ratings": 2}[kind]
    )
    assert snapshot() == before


@pytest.mark.django_db
def test_the_export_follows_the_changelist_filter(admin_client, records, tree):
    url = reverse("admin:units_organisation_export") + "?kind__exact=cbtt"
    book = load_workbook(io.BytesIO(admin_client.get(url).content))
    assert [r[1] for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)] == ["SOA-VP", "SOA-KT"]


@pytest.mark.django_db
def test_a_grassroots_users_export_with_masked_ids_imports_back(records, personas, tree):
    an, _ = records
    client = Client()
    client.force_login(personas["coso_a"])
    book = load_workbook(io.BytesIO(export(client, "members_member")))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(min_row=2))
    assert [(r[1].value, r[7].value) for r in rows] == [("Nguyễn Văn An", "••••••••0001")]
    rows[0][4].value = "Mường"
    edited = io.BytesIO()
    book.save(edited)
    before = snapshot()
    preview = prepare(
        "members", edited.getvalue(), organisation=tree["dbcs"], user=personas["coso_a"], file_name="sua.xlsx"
    )
    assert preview.errors == [] and preview.warnings == []
    assert preview.updates == [[2, an.describe(), [["Dân tộc", "Kinh", "Mường"]]]]
    commit(preview)
    with_ethnicity(before, an, "Mường")
    assert snapshot() == before
    assert Member.objects.get(pk=an.pk).national_id == "030080000001"
