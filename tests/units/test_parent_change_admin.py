"""Issue 15: an organisation's new parent in the admin is said to be a dated move (through
`organisation_move`) or a correction of the record (the current placement rewritten, logged as
such); neither is written silently."""

import datetime
import re

import pytest
from django.urls import reverse

from members.queries import members_as_of
from members.services import member_admit
from tests.conftest import make_organisation
from tests.members.conftest import make_member
from tests.units.test_tree_history import EMPTY_INLINE, MOVED_ON, names
from units.models import OrganisationKind

D = datetime.date
Kind = OrganisationKind


@pytest.fixture
def people(tree):
    """An, admitted into Chi bộ Văn phòng (Đảng bộ Sở A) on 10/01/2020."""
    member = make_member(full_name="Nguyễn Văn An")
    member_admit(member=member, organisation=tree["cb1"], ceremony_date=D(2020, 1, 10))
    return {"An": member}


@pytest.fixture
def second_dang_bo(tree):
    return make_organisation("SOC", Kind.DANG_BO_CO_SO, tree["bloc"], name="Đảng bộ Sở C")


def change_parent(client, organisation, parent, **fields):
    """Post the organisation's change form with another parent and `fields` (the choice of what
    the change is, its day)."""
    url = reverse("admin:units_organisation_change", args=[organisation.pk])
    form = client.get(url).content.decode()
    prefixes = re.findall(r'name="([^"]+)-TOTAL_FORMS"', form)
    data = {
        "code": organisation.code,
        "name": organisation.name,
        "kind": organisation.kind,
        "parent": parent.pk,
        "founded_on": f"{organisation.founded_on:%d/%m/%Y}",
        **{f"{prefix}-{key}": value for prefix in prefixes for key, value in EMPTY_INLINE.items()},
        **fields,
    }
    return client.post(url, data, follow=True)


def placements_of(organisation):
    return list(organisation.placements.order_by("pk").values_list("parent__code", "starts_on", "ends_on"))


def test_a_new_parent_in_the_admin_must_say_whether_it_is_a_move_or_a_correction(
    tree, second_dang_bo, admin_client
):
    page = change_parent(admin_client, tree["cb1"], second_dang_bo).content.decode()

    assert "Đã đổi tổ chức cấp trên: chọn “chuyển trực thuộc từ một ngày” hoặc “sửa sai hồ sơ”." in page
    assert placements_of(tree["cb1"]) == [("SOA", None, None)]
    page = change_parent(admin_client, tree["cb1"], second_dang_bo, parent_change="chuyen").content.decode()
    assert "Chuyển trực thuộc: ghi ngày chuyển (dd/mm/yyyy)." in page
    assert placements_of(tree["cb1"]) == [("SOA", None, None)]


def test_a_new_parent_in_the_admin_as_a_dated_move(tree, people, second_dang_bo, admin_client):
    page = change_parent(
        admin_client,
        tree["cb1"],
        second_dang_bo,
        parent_change="chuyen",
        moved_on="01/03/2022",
        move_decision="12-QĐ/ĐUK",
    ).content.decode()

    assert (
        "Đã chuyển Chi bộ Văn phòng về trực thuộc Đảng bộ Sở C từ ngày 01/03/2022; "
        "trước ngày đó vẫn tính thuộc cấp trên cũ."
    ) in page
    assert placements_of(tree["cb1"]) == [("SOA", None, MOVED_ON), ("SOC", MOVED_ON, None)]
    assert names(members_as_of(D(2022, 2, 28), within=tree["dbcs"])) == ["An"]
    assert names(members_as_of(MOVED_ON, within=second_dang_bo)) == ["An"]


def test_a_refused_move_in_the_admin_writes_nothing(tree, second_dang_bo, admin_client):
    later = make_organisation("SOE", Kind.DANG_BO_CO_SO, tree["bloc"], founded_on=D(2023, 1, 1))
    page = change_parent(
        admin_client, tree["cb1"], later, parent_change="chuyen", moved_on="01/03/2022"
    ).content.decode()

    assert "Tổ chức SOE không hoạt động vào ngày 01/03/2022." in page
    assert placements_of(tree["cb1"]) == [("SOA", None, None)]


def test_a_new_parent_in_the_admin_as_a_correction_of_the_record(tree, people, second_dang_bo, admin_client):
    from partyblock.audit.models import ActivityLog

    page = change_parent(admin_client, tree["cb1"], second_dang_bo, parent_change="sua_sai").content.decode()

    assert (
        "Đã sửa hồ sơ: Chi bộ Văn phòng trực thuộc Đảng bộ Sở C trong suốt giai đoạn trực thuộc hiện tại"
        in page
    )
    assert placements_of(tree["cb1"]) == [("SOC", None, None)]
    assert names(members_as_of(D(2021, 1, 1), within=second_dang_bo)) == ["An"]
    assert names(members_as_of(D(2021, 1, 1), within=tree["dbcs"])) == []
    logged = ActivityLog.objects.filter(model="units.organisation", object_id=str(tree["cb1"].pk))
    assert [
        log.changes["placement_correction"] for log in logged if "placement_correction" in log.changes
    ] == [["Đảng bộ Sở A", "Đảng bộ Sở C"]]
