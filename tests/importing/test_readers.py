"""Reading files: formats, limits and hostile files (no database)."""

import io
import zipfile

import pytest

from partyblock.importing.columns import (
    CellError,
    DateColumn,
    DigitsColumn,
    ScoreColumn,
    YearColumn,
    header_key,
)
from partyblock.importing.readers import SheetError, check_zip, column_letter, read_table

from .conftest import csv_bytes, xlsx

KEYS = {header_key(h) for h in ("Họ và tên", "Ngày sinh", "Giới tính")}


def rows(table):
    return list(table.rows)


def test_headers_match_ignoring_case_diacritics_spacing_and_punctuation():
    assert header_key("  HỌ   VÀ TÊN ") == header_key("ho va ten") == "ho va ten"
    assert header_key("Ngày, tháng, năm sinh") == "ngay thang nam sinh"
    assert header_key("Số thẻ ĐV") == "so the dv"


def test_the_header_row_is_found_under_a_title_block():
    data = xlsx([["DANH SÁCH"], [], ["STT", "Họ và tên", "Ngày sinh"], [1, "An", "01/01/1990"], [], [None]])
    table = read_table(data, "a.xlsx", KEYS)
    assert table.header_row == 3
    assert table.headers == [("A", "STT"), ("B", "Họ và tên"), ("C", "Ngày sinh")]
    assert [n for n, cells in rows(table) if any(c not in ("", None) for c in cells)] == [4]


def test_a_header_below_row_20_is_not_searched():
    data = xlsx([[f"dòng {n}"] for n in range(20)] + [["Họ và tên", "Ngày sinh"], ["An", "01/01/1990"]])
    with pytest.raises(SheetError, match="Không tìm thấy dòng tiêu đề trong 20 dòng đầu"):
        read_table(data, "a.xlsx", KEYS)


def test_csv_comma_or_semicolon_with_or_without_bom():
    for text, bom in (
        ("Họ và tên,Ngày sinh\nAn,01/01/1990\n", True),
        ("Họ và tên;Ngày sinh\nAn;01/01/1990\n", False),
    ):
        table = read_table(csv_bytes(text, bom=bom), "a.csv", KEYS)
        assert [c for c in table.headers] == [("A", "Họ và tên"), ("B", "Ngày sinh")]
        assert rows(table) == [(2, ["An", "01/01/1990"])]


def test_csv_not_in_utf8():
    with pytest.raises(SheetError, match="không ở mã UTF-8"):
        read_table(b"H\xf4 va t\xean,Ng\xe0y sinh\n", "a.csv", KEYS)


def test_dates_are_day_first_and_checked():
    column = DateColumn("d", "Ngày")
    assert [column.clean(v).isoformat() for v in ("3/2/1990", "03/02/1990", "03-02-1990", "1990-02-03")] == [
        "1990-02-03"
    ] * 4
    with pytest.raises(CellError, match="tháng 2/2023 không có ngày 29"):
        column.clean("29/02/2023")
    with pytest.raises(CellError, match="không có tháng 13"):
        column.clean("01/13/1990")


def test_numbers_that_are_not_plain_digits_are_cell_errors():
    for column, text, reason in (
        (ScoreColumn("score", "Điểm"), "NaN", "điểm phải là số"),
        (ScoreColumn("score", "Điểm"), "Infinity", "điểm phải là số"),
        (YearColumn("year", "Năm"), "²⁰²⁰", "năm phải là số có 4 chữ số"),
        (DigitsColumn("national_id", "Số CCCD"), "٠٣٠٠٨٥٠٠١٢٣٤", "đúng 12 chữ số"),
    ):
        with pytest.raises(CellError, match=reason):
            column.clean(text)


def test_a_csv_field_too_long_for_the_csv_reader_is_a_sheet_error():
    data = csv_bytes("Họ và tên,Ngày sinh\n" + "A" * 200_000 + ",01/01/1990\n")
    with pytest.raises(SheetError, match="Dòng 2: tệp CSV không đọc được"):
        rows(read_table(data, "a.csv", KEYS))


def test_old_xls_and_encrypted_files_are_named():
    cfb = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    with pytest.raises(SheetError, match=r"Excel 97–2003 \(\.xls\)"):
        read_table(cfb, "a.xls", KEYS)
    with pytest.raises(SheetError, match="đặt mật khẩu"):
        read_table(cfb + "EncryptedPackage".encode("utf-16-le"), "a.xlsx", KEYS)


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_zip_bombs_are_refused_before_parsing():
    bomb = _zip({"xl/workbook.xml": "<workbook/>", "xl/worksheets/sheet1.xml": b"\0" * (40 * 1024 * 1024)})
    with pytest.raises(SheetError, match="nén bất thường"):
        check_zip(bomb)


def test_a_member_inflating_beyond_its_declared_size_is_refused():
    data = bytearray(_zip({"xl/workbook.xml": "<workbook/>", "xl/sharedStrings.xml": b"a" * 300_000}))
    # Lie in the central directory: declare 1,000 bytes where 300,000 inflate.
    entry = data.find(b"xl/sharedStrings.xml", data.find(b"PK\x01\x02")) - 46
    assert data[entry : entry + 4] == b"PK\x01\x02"
    data[entry + 24 : entry + 28] = (1000).to_bytes(4, "little")
    with pytest.raises(SheetError, match="nén bất thường"):
        check_zip(bytes(data))


def test_a_member_whose_compressed_data_is_damaged_is_refused():
    sheet = "".join(f"<row><c><v>{n}</v></c></row>" for n in range(5000)).encode()
    data = bytearray(_zip({"xl/workbook.xml": "<workbook/>", "xl/worksheets/sheet1.xml": sheet}))
    start = data.find(b"xl/worksheets/sheet1.xml") + len(
        "xl/worksheets/sheet1.xml"
    )  # its local header's name
    data[start + 10 : start + 60] = b"\xff" * 50  # garbage inside the deflate stream
    with pytest.raises(SheetError, match=r"tệp nén bị hỏng"):
        check_zip(bytes(data))


def test_a_zip_that_is_not_a_workbook():
    with pytest.raises(SheetError, match=r"không phải bảng tính Excel \(\.xlsx\)"):
        read_table(_zip({"word/document.xml": "<w/>"}), "a.docx", KEYS)


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 51, 52)] == ["A", "Z", "AA", "AB", "AZ", "BA"]
