"""The upload form offers what the user may choose: TCCS in Vietnamese order, and only the kinds of
sheet the user may import (the rule that refuses an upload, applied to the choices)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partyblock.core.text import text_sort_key
from partyblock.importing.models import ImportBatch, ImportKind
from tests.conftest import make_organisation
from units.models import OrganisationKind

UPLOAD = reverse("admin:importing_importbatch_upload")


def offered(page, field):
    return [label for _, label in page.context["form"].fields[field].choices]


def test_tccs_are_offered_in_vietnamese_order(client, personas, tree):
    for code, name in (("BV1", "Bệnh viện Y học cổ truyền"), ("BV2", "Bệnh viện Đa khoa tỉnh"), ("AN", "Ấn")):
        make_organisation(code, OrganisationKind.DANG_BO_CO_SO, tree["bloc"], name=name)
    client.force_login(personas["vanphong"])
    page = client.get(UPLOAD)
    assert offered(page, "organisation") == [
        "— Toàn Đảng bộ Khối —",
        "Ấn (AN)",
        "Bệnh viện Đa khoa tỉnh (BV2)",
        "Bệnh viện Y học cổ truyền (BV1)",
        "Chi bộ Sở B (SOB)",
        "Đảng bộ Sở A (SOA)",
    ]
    assert text_sort_key("Đa") > text_sort_key("Da") and text_sort_key("Ấn") < text_sort_key("Bệnh")


def test_grassroots_staff_are_offered_only_the_kinds_they_may_import(client, personas, tree):
    client.force_login(personas["coso_a"])
    page = client.get(UPLOAD)
    grassroots = [ImportKind.MEMBERS, ImportKind.MEMBER_RATINGS, ImportKind.CANDIDATES]
    assert offered(page, "kind") == [kind.label for kind in grassroots]
    assert [kind["key"] for kind in page.context["kinds"]] == grassroots
    assert f'<option value="{ImportKind.ORGANISATIONS}"' not in page.content.decode()
    assert offered(page, "organisation") == ["Đảng bộ Sở A (SOA)"]
    refused = client.post(
        UPLOAD,
        {
            "kind": ImportKind.ORGANISATIONS,
            "organisation": tree["dbcs"].pk,
            "file": SimpleUploadedFile("to-chuc.csv", "Mã,Tên\nX,Y\n".encode()),
        },
    )
    assert refused.status_code == 200 and "kind" in refused.context["form"].errors
    assert ImportBatch.objects.count() == 0


def test_office_staff_are_offered_every_kind(client, personas):
    client.force_login(personas["vanphong"])
    assert offered(client.get(UPLOAD), "kind") == [label for _, label in ImportKind.choices]
