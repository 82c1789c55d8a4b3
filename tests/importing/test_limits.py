"""One rule for names and for the ranges of dates and numbers, applied by the admin forms (model
field validators) and the import alike: the same values refused with the same message (the import's
first letter lower-cased, after "Dòng N, cột X (tiêu đề), giá trị “V”: ")."""

import datetime
import io
import zipfile

import pytest
from django.contrib import admin
from django.utils import timezone

from members.models import Member
from partyblock.core import limits
from partyblock.core.text import name_problem
from partyblock.importing.batches import prepare
from partyblock.importing.readers import DTD_MESSAGE
from units.models import Meeting, Organisation, OrganisationRating

from .conftest import xlsx


def future():
    """The refusal of a day after today, read when the test runs (a suite may cross midnight)."""
    return f"Ngày trong tương lai (hôm nay là {timezone.localdate():%d/%m/%Y})."


MEMBERS_HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng", "Chi bộ"]


def form_errors(model, user, data, instance=None):
    """The errors of `model`'s admin change form for `user`, field by field."""
    from django.test import RequestFactory

    request = RequestFactory().post("/")
    request.user = user
    form_class = admin.site._registry[model].get_form(request, instance)
    form = form_class(data=data, instance=instance)
    form.is_valid()
    return form.errors


def member_data(**fields):
    return {
        "full_name": "Nguyễn Văn An",
        "gender": "nam",
        "birth_date": "15/05/1985",
        "ethnicity": "Kinh",
        "religion": "Không",
        "theory_level": "",
        **fields,
    }


def import_errors(rows, tree, kind="members"):
    organisation = tree["dbcs"] if kind == "members" else None
    return prepare(kind, xlsx(rows), organisation=organisation).errors


HOSTILE_NAMES = [
    "Nguyễn Văn \u202eAn",  # right-to-left override
    "Nguyễn\u2066 Văn An\u2069",  # isolate
    "Nguyễn Văn\u200b An",  # zero-width space
    "Nguyễn Văn An\ufeff",  # zero-width no-break space
    "\u200fNguyễn Văn An",  # right-to-left mark
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.django_db
def test_a_name_with_hidden_or_bidi_characters_is_refused_by_form_and_import(personas, tree, name):
    message = name_problem(name)
    assert message.startswith("Tên chứa ký tự ẩn hoặc ký tự đảo chiều chữ (U+")
    assert form_errors(Member, personas["quantri"], member_data(full_name=name))["full_name"] == [message]
    shown = name.replace("\u202e", "<U+202E>").replace("\u2066", "<U+2066>").replace("\u2069", "<U+2069>")
    shown = shown.replace("\u200b", "<U+200B>").replace("\ufeff", "<U+FEFF>").replace("\u200f", "<U+200F>")
    errors = import_errors(
        [MEMBERS_HEADER, [name, "15/05/1985", "Nam", "01/01/2010", "Chi bộ Văn phòng"]], tree
    )
    assert errors == [f"Dòng 2, cột A (Họ và tên), giá trị “{shown.strip()}”: {limits.lower_first(message)}"]
    assert Member.objects.count() == 0


@pytest.mark.django_db
def test_an_organisation_name_with_an_override_is_refused_by_form_and_import(personas, tree):
    name = "Chi bộ \u202eVăn phòng"
    message = name_problem(name)
    data = {"code": "SOA-X", "name": name, "kind": "cbtt", "parent": tree["dbcs"].pk}
    assert form_errors(Organisation, personas["quantri"], data)["name"] == [message]
    errors = import_errors(
        [["Mã", "Tên tổ chức", "Loại", "Trực thuộc"], ["SOA-X", name, "Chi bộ trực thuộc", "SOA"]],
        tree,
        kind="organisations",
    )
    assert errors == [
        f"Dòng 2, cột B (Tên tổ chức), giá trị “Chi bộ <U+202E>Văn phòng”: {limits.lower_first(message)}"
    ]


def test_names_of_every_day_pass():
    assert [name_problem(n) for n in ("Nguyễn Thị Ánh Tuyết", "H'Hen Niê", "Lê Văn Tám")] == [None] * 3


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("01/01/0001", "Năm trước 1900."),
        ("31/12/1899", "Năm trước 1900."),
        ("tomorrow", None),
    ],
)
@pytest.mark.django_db
def test_a_birth_date_out_of_range_is_refused_by_form_and_import_alike(personas, tree, typed, message):
    if typed == "tomorrow":
        typed, message = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y"), future()
    assert form_errors(Member, personas["quantri"], member_data(birth_date=typed))["birth_date"] == [message]
    errors = import_errors(
        [MEMBERS_HEADER, ["Nguyễn Văn An", typed, "Nam", "01/01/2010", "Chi bộ Văn phòng"]], tree
    )
    assert errors == [f"Dòng 2, cột B (Ngày sinh), giá trị “{typed}”: {limits.lower_first(message)}"]


@pytest.mark.django_db
def test_a_meeting_on_31_12_9999_is_refused_like_an_event_on_that_day(personas, tree):
    data = {
        "organisation": tree["cb1"].pk,
        "held_on": "31/12/9999",
        "kind": "thuong_ky",
        "expected": 10,
        "present": 9,
    }
    assert form_errors(Meeting, personas["quantri"], data)["held_on"] == [future()]
    errors = import_errors(
        [
            ["Họ và tên", "Số thẻ đảng viên", "Sự kiện", "Ngày"],
            ["Nguyễn Văn An", "30.1", "Đình chỉ", "31/12/9999"],
        ],
        tree,
        kind="events",
    )
    assert errors == [f"Dòng 2, cột D (Ngày), giá trị “31/12/9999”: {limits.lower_first(future())}"]


@pytest.mark.django_db
def test_an_end_date_may_be_planned_but_not_forever(tree):
    latest = limits.latest_day_ahead()
    assert (
        limits.day_ahead_problem(latest),
        limits.day_ahead_problem(latest + datetime.timedelta(days=1)),
    ) == (
        None,
        f"Ngày quá xa: muộn nhất là {latest:%d/%m/%Y}.",
    )
    errors = import_errors(
        [
            ["Họ và tên", "Số thẻ đảng viên", "Sự kiện", "Ngày", "Đến ngày"],
            ["Nguyễn Văn An", "30.1", "Miễn sinh hoạt", "01/01/2024", "31/12/9999"],
        ],
        tree,
        kind="events",
    )
    assert errors[0] == (
        f"Dòng 2, cột E (Đến ngày), giá trị “31/12/9999”: ngày quá xa: muộn nhất là {latest:%d/%m/%Y}."
    )


@pytest.mark.django_db
def test_rating_years_and_scores_share_their_ranges(tree):
    this_year = timezone.localdate().year
    rating = OrganisationRating(organisation=tree["cb1"], year=1989, category="HTTNV", score=101)
    with pytest.raises(Exception) as raised:
        rating.full_clean()
    assert raised.value.message_dict["year"] == [f"Năm phải từ 1990 đến {this_year}."]
    assert raised.value.message_dict["score"] == ["Điểm phải từ 0 đến 100."]
    errors = import_errors(
        [["Năm", "Mã", "Xếp loại", "Điểm"], [1989, "SOA-VP", "Hoàn thành tốt nhiệm vụ", 101]],
        tree,
        kind="organisation_ratings",
    )
    assert errors == [
        f"Dòng 2, cột A (Năm), giá trị “1989”: năm phải từ 1990 đến {this_year}.",
        "Dòng 2, cột D (Điểm), giá trị “101”: điểm phải từ 0 đến 100.",
    ]


# --- XML with a document type declaration ---------------------------------------------------------

XXE = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
)


def with_dtd(data, compression):
    """`data` (an xlsx) with a DTD declaring an external entity put into its first sheet."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = content.split(b"?>", 1)[-1]  # without its XML declaration, if any
                content = XXE + body.replace(b"<t>", b"<t>&xxe;", 1).replace(b"<v>", b"<v>&xxe;", 1)
            target.writestr(info.filename, content)
    return out.getvalue()


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
@pytest.mark.django_db
def test_a_sheet_declaring_a_dtd_is_refused_in_vietnamese(tree, compression):
    sheet = with_dtd(
        xlsx([MEMBERS_HEADER, ["Nguyễn Văn An", "15/05/1985", "Nam", "01/01/2010", "Chi bộ Văn phòng"]]),
        compression,
    )
    preview = prepare("members", sheet, organisation=tree["dbcs"])
    assert preview.errors == [DTD_MESSAGE]
    assert "root:" not in str(preview.batch.report) and Member.objects.count() == 0


@pytest.mark.django_db
def test_a_sheet_the_parser_cannot_read_is_refused_in_vietnamese(tree):
    data = xlsx([MEMBERS_HEADER])
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/workbook.xml":
                content = b"<workbook><sheets><sheet name="
            target.writestr(info.filename, content)
    assert prepare("members", out.getvalue(), organisation=tree["dbcs"]).errors == [
        "Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx. "
        "Hãy mở bằng Excel, lưu lại rồi tải lên lại."
    ]


def test_a_dtd_split_between_two_inflated_chunks_is_found():
    from partyblock.importing.readers import SheetError, _DtdScan

    scan = _DtdScan()
    scan.feed(b'<?xml version="1.0"?><worksheet><v>Xin ch\xc3\xa0o!</v>')  # a "!" that is no DTD
    with pytest.raises(SheetError, match="khai báo DTD"):
        scan.feed(b"<!DOC")
        scan.feed(b"TYPE worksheet []>")
    utf16 = _DtdScan()
    text = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x []>'.encode("utf-16-le")
    with pytest.raises(SheetError, match="khai báo DTD"):
        utf16.feed(text[:45])
        utf16.feed(text[45:])
