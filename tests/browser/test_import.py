"""An administrator imports a member sheet as an office keeps it: upload, preview, confirm; a sheet
with mistakes shows every row's error and writes nothing."""

import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from members.models import Member, MemberCard, MemberEvent, MembershipPeriod
from partyblock.importing.models import ImportBatch, ImportStatus
from tests.browser.helpers import ADMIN, GRASSROOTS, assert_vietnamese, login, persona, shot
from units.models import Organisation

pytestmark = pytest.mark.browser

TITLE = [
    ["ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH"],
    ["ĐẢNG BỘ SỞ TÀI CHÍNH"],
    ["DANH SÁCH ĐẢNG VIÊN KẾT NẠP MỚI"],
    [],
]
HEADER = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Số CCCD",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Chi bộ",
]
GOOD = [
    [
        1,
        "Hoàng Thị Mai Khanh",
        "03/04/1994",
        "Nữ",
        "030194007701",
        "20/05/2022",
        "20/05/2023",
        "Chi bộ Văn phòng",
    ],
    [
        2,
        "Vương Đình Khải",
        "11/09/1990",
        "Nam",
        "030090007702",
        "07/01/2021",
        "07/01/2022",
        "Chi bộ Thanh tra",
    ],
    [3, "Lã Thị Bích Ngọc", "25/12/1996", "Nữ", "030196007703", "02/09/2025", "", "Chi bộ Văn phòng"],
]
BAD = [
    [1, "Đàm Quang Vinh", "31/02/1991", "Nam", "030091007704", "15/06/2022", "", "Chi bộ Văn phòng"],
    [2, "Kiều Thị Hạnh", "08/08/1993", "Nữ", "0301930077", "15/06/2022", "", "Chi bộ Văn phòng"],
    [3, "Mạc Văn Tùng", "19/10/1989", "Nam", "030089007706", "15/06/2022", "", "Chi bộ Không Có Thật"],
]


def sheet(rows):
    book = Workbook()
    for row in [*TITLE, HEADER, *rows]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def record_counts():
    return {
        model.__name__: model.objects.count() for model in (Member, MemberEvent, MembershipPeriod, MemberCard)
    }


def upload(page, name, data):
    page.goto("/quan-tri/importing/importbatch/nhap/")
    expect(page.locator("h1")).to_have_text("Nhập dữ liệu")
    page.select_option("#id_kind", label="Đảng viên")
    tccs = Organisation.objects.get(name="Đảng bộ Sở Tài chính")
    page.select_option("#id_organisation", label=f"{tccs.name} ({tccs.code})")  # namesakes: the code tells
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": name,
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": data,
            }
        ],
    )
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator("h1")).to_have_text(f"Xem trước: {name}")


def test_admin_imports_a_member_sheet_through_preview_and_confirm(page):
    login(page, ADMIN)
    before = record_counts()
    upload(page, "dang-vien-so-tai-chinh.xlsx", sheet(GOOD))

    expect(page.locator(".import-section h2", has_text="Sẽ thêm mới")).to_have_text("Sẽ thêm mới (3)")
    expect(page.locator(".import-rows")).to_contain_text(
        "Vương Đình Khải (sinh 11/09/1990) — Chi bộ Thanh tra"
    )
    assert record_counts() == before  # the preview writes nothing
    shot(page, "import-1-preview")

    page.get_by_role("button", name="Xác nhận ghi 3 mới, 0 cập nhật").click()
    expect(page.locator("ul.messagelist li.success")).to_contain_text(
        "Đã ghi 3 bản ghi mới và cập nhật 0 từ tệp dang-vien-so-tai-chinh.xlsx."
    )
    expect(page.locator("h1")).to_have_text("Kết quả nhập: dang-vien-so-tai-chinh.xlsx")
    assert_vietnamese(page)
    shot(page, "import-2-confirmed")
    batch = ImportBatch.objects.get(file_name="dang-vien-so-tai-chinh.xlsx")
    assert batch.status == ImportStatus.COMMITTED
    assert sorted(Member.objects.filter(import_batch=batch).values_list("full_name", flat=True)) == sorted(
        row[1] for row in GOOD
    )

    # The imported members are in the member list like any other.
    page.goto("/quan-tri/members/member/?q=vuong+dinh+khai")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Chi bộ Thanh tra — Đảng bộ Sở Tài chính")


def test_a_bad_sheet_shows_its_row_errors_and_writes_nothing(page):
    login(page, ADMIN)
    before = record_counts()
    upload(page, "dang-vien-co-loi.xlsx", sheet(BAD))

    errors = page.locator(".import-errors li")
    expect(page.locator(".import-errors h2")).to_contain_text("chưa có gì được ghi")
    # Data rows start on row 6, under the title block and the header.
    expect(errors.filter(has_text="Dòng 6, cột C (Ngày sinh), giá trị “31/02/1991”")).to_have_count(1)
    expect(errors.filter(has_text="Dòng 7, cột E (Số CCCD), giá trị “0301930077”")).to_have_count(1)
    expect(errors.filter(has_text="Dòng 8, cột H (Chi bộ), giá trị “Chi bộ Không Có Thật”")).to_have_count(1)
    confirm = page.locator(".import-confirm input[type=submit]")
    expect(confirm).to_be_disabled()
    assert_vietnamese(page)
    shot(page, "import-3-bad-sheet-errors")

    assert record_counts() == before
    assert ImportBatch.objects.get(file_name="dang-vien-co-loi.xlsx").status == ImportStatus.INVALID
    page.goto("/quan-tri/members/member/?q=mac+van+tung")
    expect(page.locator("#result_list tbody tr")).to_have_count(0)


def test_grassroots_staff_cannot_reach_a_member_of_another_tccs_through_a_sheet(page):
    """Issue 14: coso's sheet carries the card and the CCCD of a member of another TCCS, with a
    new name. The preview refuses both rows without naming the member or showing the CCCD, and
    nothing is written."""
    from django.contrib.auth import get_user_model

    from partyblock.accounts.access import member_ids_of_tccs, scope_root

    coso = get_user_model().objects.get(username=persona(GRASSROOTS))
    root = scope_root(coso)
    inside = set(member_ids_of_tccs(root))
    outsider = next(
        m
        for m in Member.objects.exclude(pk__in=inside).exclude(national_id=None).order_by("pk")
        if m.cards.exists()
    )
    card = outsider.cards.order_by("pk").first().number
    chi_bo = root if root.holds_members else root.children.filter(kind="cbtt").order_by("pk").first()
    rows = [
        [1, "Người Đổi Tên", "01/01/1970", "Nam", None, "01/01/2000", None, chi_bo.name, card],
        [2, "Người Thử Số", "02/02/1972", "Nữ", outsider.national_id, "01/01/2001", None, chi_bo.name, None],
    ]
    book = Workbook()
    for row in [*TITLE, [*HEADER, "Số thẻ đảng viên"], *rows]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    before = (record_counts(), Member.objects.get(pk=outsider.pk).full_name)

    login(page, coso.username)
    page.goto("/quan-tri/importing/importbatch/nhap/")
    page.select_option("#id_kind", label="Đảng viên")
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "dang-vien-ngoai-pham-vi.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": buffer.getvalue(),
            }
        ],
    )
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator("h1")).to_have_text("Xem trước: dang-vien-ngoai-pham-vi.xlsx")
    outside = "số thẻ / số CCCD này thuộc một đảng viên ngoài phạm vi quản lý của bạn."
    errors = page.locator(".import-errors li")
    expect(errors).to_have_text(
        [
            f"Dòng 6, cột I (Số thẻ đảng viên), giá trị “{card}”: {outside}",
            f"Dòng 7, cột E (Số CCCD), giá trị “••••••••{outsider.national_id[-4:]}”: {outside}",
        ]
    )
    expect(page.locator(".import-confirm input[type=submit]")).to_be_disabled()
    html = page.content()
    assert outsider.full_name not in html and outsider.national_id not in html
    assert_vietnamese(page)
    shot(page, "import-4-grassroots-outside-scope")
    assert (record_counts(), Member.objects.get(pk=outsider.pk).full_name) == before
