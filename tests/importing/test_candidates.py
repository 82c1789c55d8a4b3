"""Candidate lists (issue 20): one row per candidate with each step's date and documents, written
through the admission app's step services, all or nothing, within the user's scope; the export
imports back without a change."""

import datetime
import io

import pytest

from members.models import Gender
from partyblock.admission import services
from partyblock.admission.models import Candidate, Step
from partyblock.importing.batches import ImportDenied, ImportRefused, commit, prepare
from partyblock.importing.templates import export_book, template_book
from tests.admission.conftest import official_member
from tests.importing.conftest import xlsx

D = datetime.date
HEADER = [
    "STT",
    "Họ và tên",
    "Giới tính",
    "Ngày sinh",
    "Số CCCD",
    "Chi bộ",
    "Ngày xác định quần chúng ưu tú",
    "Ngày cấp GCN",  # an alias
    "Số giấy chứng nhận",
    "Nơi cấp",
    "Ngày thẩm tra lý lịch",
    "Ngày giới thiệu",
    "Người giới thiệu 1",
    "Cùng công tác với người thứ nhất từ ngày",
    "Người giới thiệu 2",
    "Cùng công tác với người thứ hai từ ngày",
    "Ngày chi bộ xét",
    "Tổng số đảng viên chính thức",
    "Số có mặt",
    "Số tán thành",
    "Số không tán thành",
]
FIRST = [1, "Phạm Thị Thu", "Nữ", "12/03/1997", "030197001111", "SOA-VP", "05/01/2023"]
COURSE = ["20/03/2023", "88-CN/TTCT", "Trung tâm Chính trị tỉnh", "02/06/2023"]
VOTE = ["03/07/2023", "Trần Văn Bảo", "01/01/2020", "Lê Thị Cúc", "01/05/2021", "10/08/2023", 2, 2, 2, 0]
SECOND = [2, "Đoàn Văn Tâm", "Nam", "30/08/1995", "030195002222", "SOA-KT", "15/02/2024"]


@pytest.fixture
def sponsors(tree):
    return [official_member("Trần Văn Bảo", tree["cb1"]), official_member("Lê Thị Cúc", tree["cb1"])]


def sheet(*rows):
    return xlsx([HEADER, *[row + [None] * (len(HEADER) - len(row)) for row in rows]])


def test_a_good_sheet_records_each_candidate_up_to_its_last_dated_step(tree, sponsors, personas):
    preview = prepare("candidates", sheet(FIRST + COURSE + VOTE, SECOND), organisation=tree["dbcs"])
    assert preview.errors == []
    assert preview.batch.created_count == 2
    commit(preview)
    thu, tam = (Candidate.objects.get(full_name=name) for name in ("Phạm Thị Thu", "Đoàn Văn Tâm"))
    assert (thu.step, thu.course_certificate_number, thu.vote_on, thu.sponsor_1, thu.sponsor_2) == (
        Step.CHI_BO_VOTE,
        "88-CN/TTCT",
        D(2023, 8, 10),
        *sponsors,
    )
    assert (tam.step, tam.organisation, tam.identified_on) == (Step.IDENTIFIED, tree["cb2"], D(2024, 2, 15))


@pytest.mark.parametrize(
    "row, message",
    [
        (FIRST[:3] + ["31/02/1997"] + FIRST[4:], "Dòng 2, cột D (Ngày sinh), giá trị “31/02/1997”"),
        (FIRST[:5] + ["SOB"] + FIRST[6:], "Dòng 2, cột F (Chi bộ), giá trị “SOB”"),
        (FIRST[:6] + [None], "Dòng 2, cột G (Ngày xác định quần chúng ưu tú), giá trị “(trống)”"),
        (FIRST + [None, None, None, "02/06/2023"], "Dòng 2: Trình tự kết nạp"),  # résumé before the course
        (FIRST + COURSE + VOTE[:1] + ["Không Có Ai"] + VOTE[2:], "Dòng 2, cột M (Người giới thiệu 1)"),
        (FIRST + COURSE + VOTE[:6] + [3, 3, 1, 0], "Dòng 2: Chi bộ xét kết nạp"),  # 1 of 3: not two thirds
    ],
    ids=[
        "bad date",
        "chi bo of another tccs",
        "missing day",
        "steps out of order",
        "unknown sponsor",
        "vote",
    ],
)
def test_each_bad_row_is_refused_and_nothing_is_written(tree, sponsors, row, message):
    preview = prepare("candidates", sheet(row, SECOND), organisation=tree["dbcs"])
    assert any(error.startswith(message) for error in preview.errors), preview.errors
    with pytest.raises(ImportRefused):
        commit(preview)
    assert Candidate.objects.count() == 0


def test_a_row_of_another_tccs_is_refused_naming_no_one(tree, sponsors, personas):
    outsider = services.candidate_identify(
        organisation=tree["cbcs"],
        identified_on=D(2023, 1, 2),
        full_name="Hoàng Văn Ngoài",
        gender=Gender.MALE,
        birth_date=D(1990, 1, 1),
        national_id="030190009999",
    ).candidate
    row = [1, "Tên Khác Hẳn", "Nam", "01/01/1990", outsider.national_id, "SOA-VP", "05/01/2023"]
    preview = prepare("candidates", sheet(row), organisation=tree["dbcs"], user=personas["coso_a"])
    assert [e for e in preview.errors if "ngoài phạm vi" in e]
    assert all("Ngoài" not in error for error in preview.errors)
    with pytest.raises(ImportDenied):
        prepare("candidates", sheet(row), organisation=tree["cbcs"], user=personas["coso_a"])


def test_export_then_import_changes_nothing(tree, sponsors, personas):
    commit(prepare("candidates", sheet(FIRST + COURSE + VOTE, SECOND), organisation=tree["dbcs"]))
    before = list(Candidate.objects.order_by("pk").values())
    for user in (personas["vanphong"], personas["coso_a"]):  # coso_a exports the CCCD masked
        book = export_book("candidates", Candidate.objects.all(), user=user)
        buffer = io.BytesIO()
        book.save(buffer)
        preview = prepare("candidates", buffer.getvalue(), organisation=tree["dbcs"], user=user)
        assert (
            preview.errors,
            preview.batch.created_count,
            preview.batch.updated_count,
            preview.batch.unchanged_count,
        ) == ([], 0, 0, 2)
    assert list(Candidate.objects.order_by("pk").values()) == before


def test_template_has_the_vietnamese_headers(db):
    headers = [cell.value for cell in template_book("candidates").worksheets[0][1]]
    assert headers[:4] == ["STT", "Họ và tên", "Giới tính", "Ngày sinh"]
    assert "Ngày lễ kết nạp" in headers and "Người giới thiệu thứ nhất" in headers


def test_a_later_sheet_records_the_next_steps_through_the_services(tree, sponsors):
    commit(prepare("candidates", sheet(FIRST + COURSE), organisation=tree["dbcs"]))
    assert Candidate.objects.get().step == Step.RESUME
    preview = prepare("candidates", sheet(FIRST + COURSE + VOTE), organisation=tree["dbcs"])
    assert (preview.errors, preview.batch.created_count, preview.batch.updated_count) == ([], 0, 1)
    commit(preview)
    assert Candidate.objects.get().step == Step.CHI_BO_VOTE


def test_the_boards_list_download_is_the_export_in_the_template(client, tree, sponsors, personas):
    commit(prepare("candidates", sheet(FIRST + COURSE + VOTE, SECOND), organisation=tree["dbcs"]))
    client.force_login(personas["coso_a"])
    response = client.get("/bao-cao/ket-nap/danh-sach/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="quan-chung-uu-tu-SOA-')
    preview = prepare("candidates", response.content, organisation=tree["dbcs"], user=personas["coso_a"])
    assert (preview.errors, preview.batch.unchanged_count) == ([], 2)
    assert "••••••••1111" in xlsx_text(response.content)


def xlsx_text(content):
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(
        str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row
    )
