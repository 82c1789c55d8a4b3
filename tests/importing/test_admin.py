"""The admin pages: upload, preview (Confirm disabled on errors), history, templates."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from members.models import Member
from partyblock.importing.models import ImportBatch, ImportStatus
from tests.conftest import make_organisation
from units.models import OrganisationKind

from .conftest import xlsx

ROWS = [
    ["Họ và tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng", "Chi bộ"],
    ["Phan Văn Hùng", "01/01/1980", "Nam", "01/01/2010", "Chi bộ Văn phòng"],
]


def upload(client, data, **fields):
    return client.post(
        reverse("admin:importing_importbatch_upload"),
        {"kind": "members", "file": SimpleUploadedFile("ds.xlsx", data), **fields},
    )


@pytest.mark.django_db
def test_upload_preview_confirm(admin_client, tree):
    page = admin_client.get(reverse("admin:importing_importbatch_upload"))
    assert page.status_code == 200 and "Nhập dữ liệu" in page.text and "Tải mẫu (.xlsx)" in page.text
    response = upload(admin_client, xlsx(ROWS), organisation=tree["dbcs"].pk)
    batch = ImportBatch.objects.get()
    assert response.url == reverse("admin:importing_importbatch_preview", args=[batch.pk])
    preview = admin_client.get(response.url)
    assert (
        "Sẽ thêm mới (1)" in preview.text
        and "Phan Văn Hùng (sinh 01/01/1980) — Chi bộ Văn phòng" in preview.text
    )
    assert 'value="Xác nhận ghi 1 mới, 0 cập nhật">' in preview.text
    assert Member.objects.count() == 0
    done = admin_client.post(response.url, follow=True)
    assert "Đã ghi 1 bản ghi mới" in done.text
    batch.refresh_from_db()
    assert (batch.status, batch.user.username, Member.objects.get().import_batch) == (
        ImportStatus.COMMITTED,
        "admin",
        batch,
    )
    again = admin_client.post(response.url, follow=True)
    assert "Lần nhập này đã được ghi rồi." in again.text
    assert Member.objects.count() == 1


@pytest.mark.django_db
def test_errors_disable_the_confirm_button(admin_client, tree):
    bad = [ROWS[0], ["Phan Văn Hùng", "31/02/1980", "Nam", "01/01/2010", "Chi bộ Văn phòng"]]
    preview = admin_client.get(upload(admin_client, xlsx(bad), organisation=tree["dbcs"].pk).url)
    assert "Dòng 2, cột B (Ngày sinh), giá trị “31/02/1980”: ngày không có thật" in preview.text
    assert 'value="Xác nhận ghi 0 mới, 0 cập nhật" disabled>' in preview.text


@pytest.mark.django_db
def test_a_file_over_the_size_cap_is_refused_on_the_form(admin_client, tree, settings):
    settings.IMPORT_MAX_BYTES = 1000
    response = upload(admin_client, b"x" * 2000)
    assert "Tệp lớn hơn giới hạn 1000 byte: hãy tách thành nhiều tệp nhỏ hơn." in response.text
    assert ImportBatch.objects.count() == 0


@pytest.mark.django_db
def test_history_is_read_only_and_links_the_report(admin_client, tree):
    upload(admin_client, xlsx(ROWS), organisation=tree["dbcs"].pk)
    page = admin_client.get(reverse("admin:importing_importbatch_changelist"))
    assert page.status_code == 200
    assert "ds.xlsx" in page.text and "Xem chi tiết" in page.text and "Nhập dữ liệu" in page.text
    assert "Thêm lần nhập dữ liệu" not in page.text
    index = admin_client.get(reverse("admin:index"))
    assert reverse("admin:importing_importbatch_upload") in index.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind", ["members", "organisations", "member_ratings", "organisation_ratings", "events"]
)
def test_templates_have_headers_an_example_and_drop_downs(admin_client, kind):
    response = admin_client.get(reverse("admin:importing_importbatch_template", args=[kind]))
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[0]
    assert sheet.max_row == 2
    validations = sheet.data_validations.dataValidation
    assert validations and all(v.type == "list" for v in validations)
    assert book["Danh mục"].sheet_state == "hidden"


@pytest.mark.django_db
def test_staff_without_the_import_permission_cannot_upload(client, django_user_model):
    user = django_user_model.objects.create_user("xem", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:importing_importbatch_upload")).status_code == 403


@pytest.mark.django_db
def test_namesake_tccs_are_told_apart_by_code_on_the_upload_form(admin_client, tree):
    """An office's sheet of a TCCS the Khối already has under the same name: the chooser names each
    with its code, and the file goes to the one chosen."""
    twin = make_organisation("SOA-2", OrganisationKind.DANG_BO_CO_SO, tree["bloc"], name="Đảng bộ Sở A")
    page = admin_client.get(reverse("admin:importing_importbatch_upload")).content.decode()
    assert f'<option value="{tree["dbcs"].pk}">Đảng bộ Sở A (SOA)</option>' in page
    assert f'<option value="{twin.pk}">Đảng bộ Sở A (SOA-2)</option>' in page
    upload(admin_client, xlsx(ROWS), organisation=twin.pk)
    assert ImportBatch.objects.get().organisation == twin


def test_the_upload_form_says_beforehand_when_a_tccs_must_be_chosen(admin_client, tree):
    page = admin_client.get(reverse("admin:importing_importbatch_upload")).content.decode()
    assert "Bắt buộc với danh sách đảng viên không có cột “Đảng bộ cơ sở”" in page
