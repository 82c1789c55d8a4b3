"""The import preview names each chi bộ with its TCCS, as every organisation chooser does
(`units.placing.placed`): the Khối has many a "Chi bộ Văn phòng" (issue 18)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partyblock.importing.batches import prepare
from partyblock.importing.models import ImportBatch
from tests.conftest import make_organisation
from units.models import OrganisationKind

from .conftest import xlsx

HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng", "Đảng bộ cơ sở", "Chi bộ"]


@pytest.fixture
def namesakes(tree):
    """A second "Chi bộ Văn phòng", in Đảng bộ Sở C under its đảng bộ bộ phận: its TCCS is not its
    parent."""
    dbcs = make_organisation("SOC", OrganisationKind.DANG_BO_CO_SO, tree["bloc"], name="Đảng bộ Sở C")
    part = make_organisation("SOC-BP", OrganisationKind.DANG_BO_BO_PHAN, dbcs, name="Đảng bộ bộ phận Khối I")
    cb = make_organisation("SOC-VP", OrganisationKind.CHI_BO_TRUC_THUOC, part, name="Chi bộ Văn phòng")
    return {**tree, "dbcs_c": dbcs, "cb_c": cb}


def sheet():
    return xlsx(
        [
            HEADER,
            ["Phan Văn Hùng", "01/01/1980", "Nam", "01/01/2010", "SOA", "Chi bộ Văn phòng"],
            ["Lý Thị Lan", "02/02/1982", "Nữ", "01/01/2012", "SOC", "Chi bộ Văn phòng"],
            ["Đỗ Văn Minh", "03/03/1983", "Nam", "01/01/2014", "SOB", "SOB"],
        ]
    )


@pytest.mark.django_db
def test_new_members_are_listed_with_their_chi_bo_and_its_tccs(namesakes):
    preview = prepare("members", sheet())

    assert preview.errors == []
    assert [label for _, label in preview.creates] == [
        "Phan Văn Hùng (sinh 01/01/1980) — Chi bộ Văn phòng — Đảng bộ Sở A",
        "Lý Thị Lan (sinh 02/02/1982) — Chi bộ Văn phòng — Đảng bộ Sở C",
        "Đỗ Văn Minh (sinh 03/03/1983) — Chi bộ Sở B",  # a chi bộ cơ sở is its own TCCS
    ]


@pytest.mark.django_db
def test_the_preview_page_shows_the_tccs_with_each_chi_bo(admin_client, namesakes):
    admin_client.post(
        reverse("admin:importing_importbatch_upload"),
        {"kind": "members", "file": SimpleUploadedFile("ds.xlsx", sheet())},
    )
    page = admin_client.get(
        reverse("admin:importing_importbatch_preview", args=[ImportBatch.objects.get().pk])
    )

    assert "Lý Thị Lan (sinh 02/02/1982) — Chi bộ Văn phòng — Đảng bộ Sở C" in page.text
    assert "Phan Văn Hùng (sinh 01/01/1980) — Chi bộ Văn phòng — Đảng bộ Sở A" in page.text


@pytest.mark.django_db
def test_an_event_changing_chi_bo_names_both_with_their_tccs(namesakes, admitted):
    rows = [
        ["Họ và tên", "Ngày sinh", "Sự kiện", "Ngày", "Chi bộ"],
        [admitted.full_name, admitted.birth_date, "Kết nạp", "10/01/2020", "SOA-KT"],
    ]
    preview = prepare("events", xlsx(rows), organisation=namesakes["dbcs"])

    assert preview.errors == []
    assert [shown for _, _, shown in preview.updates] == [
        [["Chi bộ", "Chi bộ Văn phòng — Đảng bộ Sở A", "Chi bộ Kế toán — Đảng bộ Sở A"]]
    ]


@pytest.mark.django_db
def test_organisation_ratings_name_the_chi_bo_with_its_tccs(namesakes):
    rows = [["Năm", "Mã tổ chức", "Xếp loại"], [2024, "SOC-VP", "Hoàn thành tốt nhiệm vụ"]]
    preview = prepare("organisation_ratings", xlsx(rows))

    assert preview.errors == []
    assert [label for _, label in preview.creates][0].startswith("Chi bộ Văn phòng — Đảng bộ Sở C")
