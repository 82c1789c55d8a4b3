"""Reading a spreadsheet as offices send it: xlsx (python-calamine) or csv (UTF-8, with or without
BOM, comma or semicolon), the first sheet unless one is named; the header row is found within the
first 20 rows; trailing and blank rows are skipped.

Every way a file can be unusable ends in SheetError with a Vietnamese message: too large, empty,
not a spreadsheet, encrypted, an old .xls, a zip bomb, damaged, no recognisable header, too many
rows. Nothing here touches the database.

Why python-calamine: on a 5,000-row member sheet it reads in 0.07 s where openpyxl's read-only
mode takes 0.77 s (50,000 rows: 0.65 s against 8.1 s); `manage.py bench_import` measures both.
openpyxl stays for writing templates and exports.
"""

import csv
import io
import itertools
import logging
import struct
import zipfile
import zlib
from dataclasses import dataclass, field

import python_calamine

from partyblock.core.text import thousands

from .columns import clean_text, header_key

HEADER_SEARCH_ROWS = 20
MAX_ROWS = 200_000
MAX_COLUMNS = 200
# Zip bombs: limits on what the members of an xlsx may inflate to.
MAX_UNCOMPRESSED_TOTAL = 400 * 1024 * 1024
MAX_RATIO = 200  # inflated / compressed, for members over 1 MB
RATIO_FLOOR = 1024 * 1024
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
# A document type declaration (and the entities it declares) in any XML part: Excel never writes
# one, and it is how XXE and "billion laughs" attacks are made. Looked for in UTF-8 and UTF-16.
_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_DTD_OVERLAP = max(map(len, _DTD_MARKERS)) - 1
DTD_MESSAGE = (
    "Tệp chứa khai báo DTD / thực thể XML (<!DOCTYPE>, <!ENTITY>), thứ Excel không bao giờ ghi và có "
    "thể dùng để tấn công máy chủ: không đọc. Hãy mở bằng Excel, lưu lại rồi tải lên lại."
)
logger = logging.getLogger("partyblock.importing")


class SheetError(Exception):
    """The file as a whole cannot be imported; the message says why, in Vietnamese."""


class NoHeaderError(SheetError):
    """No row among the first ones has the headers of the kind asked for (the caller may look for
    another kind's headers to say the wrong kind was chosen)."""


@dataclass
class Table:
    header_row: int  # 1-based row number of the header in the sheet
    headers: list  # [(column letter, header text)] for every non-empty header cell
    positions: list  # index in the row list of each header above
    rows: object  # iterator of (row number, list of cells)
    estimated_rows: int = 0
    sheet_name: str = ""
    notes: list = field(default_factory=list)


def column_letter(index):
    """0 -> "A", 27 -> "AB"."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_table(data, file_name, header_keys, sheet=None):
    """Open `data` (bytes) and find its header row: the row among the first 20 with the most cells
    matching `header_keys` (at least two)."""
    if not data:
        raise SheetError("Tệp rỗng (0 byte).")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _read_xlsx(data, header_keys, sheet)
    if data.startswith(_CFB_MAGIC):
        if data.find(_ENCRYPTED_STREAM) >= 0:
            raise SheetError("Tệp Excel được đặt mật khẩu (mã hóa): hãy gỡ mật khẩu rồi tải lên lại.")
        raise SheetError(
            "Tệp Excel 97–2003 (.xls) chưa được hỗ trợ: hãy mở bằng Excel và lưu lại dưới dạng .xlsx."
        )
    return _read_csv(data, file_name, header_keys)


# --- xlsx -------------------------------------------------------------------------------------------


def check_zip(data):
    """Refuse zip bombs before any parser inflates them: declared sizes within limits, and every
    XML member actually inflating to no more than it declares (its real size is counted here,
    in 64 KB steps, so a lying header cannot make a parser inflate gigabytes)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise SheetError("Tệp không phải bảng tính hợp lệ (tệp nén bị hỏng).") from None
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        if "content.xml" in names and "mimetype" in names:
            raise SheetError("Tệp OpenDocument (.ods) chưa được hỗ trợ: hãy lưu lại dưới dạng .xlsx.")
        raise SheetError("Tệp không phải bảng tính Excel (.xlsx) hoặc CSV.")
    if any(info.flag_bits & 0x1 for info in infos):
        raise SheetError("Tệp Excel được đặt mật khẩu (mã hóa): hãy gỡ mật khẩu rồi tải lên lại.")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_TOTAL:
        raise SheetError(_bomb_message())
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise SheetError(_bomb_message())
        if info.filename.endswith((".xml", ".rels", ".vml")):
            _check_inflated_size(data, info)


def _bomb_message():
    return (
        "Tệp bị nén bất thường (giải nén ra quá lớn, có thể là tệp độc hại): không đọc. "
        "Hãy mở bằng Excel, lưu lại rồi tải lên lại."
    )


class _DtdScan:
    """Looks for a DTD in an XML part as it is inflated, chunk by chunk: each chunk scanned once for
    "!" (one byte, found by memchr: rare in a sheet's XML, where "<" is everywhere), the markers
    themselves looked for only where there is one, and across the joins of chunks."""

    def __init__(self):
        self.tail = b""

    def feed(self, chunk):
        joint = self.tail + chunk[:_DTD_OVERLAP]
        if (b"!" in chunk or b"!" in joint) and any(
            marker in chunk or marker in joint for marker in _DTD_MARKERS
        ):
            raise SheetError(DTD_MESSAGE)
        self.tail = chunk[-_DTD_OVERLAP:]


def _check_inflated_size(data, info):
    """The XML part `info` inflates to no more than it declares, and declares no DTD."""
    if info.compress_type == zipfile.ZIP_STORED:
        if info.compress_size != info.file_size:
            raise SheetError("Tệp không phải bảng tính hợp lệ (tệp nén bị hỏng).")
        start = info.header_offset + _LOCAL_HEADER.size
        if len(data) < start:
            raise SheetError("Tệp không phải bảng tính hợp lệ (tệp nén bị hỏng).")
        fields = _LOCAL_HEADER.unpack(data[info.header_offset : start])
        start += fields[10] + fields[11]
        _DtdScan().feed(data[start : start + info.compress_size])
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise SheetError("Tệp Excel dùng kiểu nén không được hỗ trợ: hãy lưu lại bằng Excel.")
    header = data[info.header_offset : info.header_offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size:
        raise SheetError("Tệp không phải bảng tính hợp lệ (tệp nén bị hỏng).")
    fields = _LOCAL_HEADER.unpack(header)
    start = info.header_offset + _LOCAL_HEADER.size + fields[10] + fields[11]
    stream = memoryview(data)[start : start + info.compress_size]
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    produced = 0
    limit = info.file_size
    step = 64 * 1024
    dtd = _DtdScan()
    try:
        for offset in range(0, len(stream), step):
            chunk = inflater.decompress(stream[offset : offset + step], limit - produced + 1)
            produced += len(chunk)
            dtd.feed(chunk)
            while inflater.unconsumed_tail and produced <= limit:
                chunk = inflater.decompress(inflater.unconsumed_tail, limit - produced + 1)
                produced += len(chunk)
                dtd.feed(chunk)
            if produced > limit:
                raise SheetError(_bomb_message())
    except zlib.error:
        raise SheetError("Tệp không phải bảng tính hợp lệ (tệp nén bị hỏng).") from None


def _read_xlsx(data, header_keys, sheet_name):
    check_zip(data)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        if sheet_name:
            if sheet_name not in book.sheet_names:
                raise SheetError(
                    f"Không có trang tính “{sheet_name}” (các trang: {', '.join(book.sheet_names)})."
                )
            sheet = book.get_sheet_by_name(sheet_name)
        else:
            visible = [
                meta.name
                for meta in book.sheets_metadata
                if meta.visible == python_calamine.SheetVisibleEnum.Visible
                and meta.typ == python_calamine.SheetTypeEnum.WorkSheet
            ]
            if not visible:
                raise SheetError("Tệp không có trang tính nào.")
            sheet = book.get_sheet_by_name(visible[0])
    except python_calamine.PasswordError:
        raise SheetError("Tệp Excel được đặt mật khẩu (mã hóa): hãy gỡ mật khẩu rồi tải lên lại.") from None
    except python_calamine.CalamineError as error:
        # The parser's own words are English and technical: kept for the log, not shown.
        logger.warning("xlsx refused by the parser: %s", error)
        raise SheetError(
            "Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx. "
            "Hãy mở bằng Excel, lưu lại rồi tải lên lại."
        ) from None
    start = sheet.start
    if start is None:
        raise SheetError(f"Trang tính “{sheet.name}” không có dữ liệu.")
    first_column = start[1]
    if sheet.width > MAX_COLUMNS:
        raise SheetError(
            f"Trang tính có {sheet.width} cột, quá {MAX_COLUMNS} cột: không phải danh sách cần nhập."
        )
    last_row = sheet.end[0] + 1  # 1-based number of the last row with data
    if last_row > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise SheetError(
            f"Trang tính có {thousands(last_row)} dòng, quá giới hạn {thousands(MAX_ROWS)} dòng."
        )
    # iter_rows() yields every row from the sheet's first row, cells from its first used column.
    rows = enumerate(sheet.iter_rows(), start=1)
    table = _find_header(rows, header_keys, first_column)
    table.sheet_name = sheet.name
    table.estimated_rows = max(last_row - table.header_row, 0)
    return table


# --- csv --------------------------------------------------------------------------------------------


def _read_csv(data, file_name, header_keys):
    if b"\x00" in data[:4096]:
        raise SheetError("Tệp không phải bảng tính: chỉ nhận tệp Excel (.xlsx) hoặc CSV (UTF-8).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SheetError(
            "Tệp CSV không ở mã UTF-8 (hoặc không phải bảng tính): hãy lưu lại với kiểu “CSV UTF-8”."
        ) from None
    if not text.strip():
        raise SheetError("Tệp rỗng: không có dòng nào.")
    lines = text.splitlines()
    if len(lines) > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise SheetError(f"Tệp có {thousands(len(lines))} dòng, quá giới hạn {thousands(MAX_ROWS)} dòng.")
    best = None
    head = lines[:HEADER_SEARCH_ROWS]
    for delimiter in (",", ";", "\t"):
        sample = list(_csv_rows(head, delimiter))
        score = max((_header_score(row, header_keys) for row in sample), default=0)
        if best is None or score > best[0]:
            best = (score, delimiter)
    rows = enumerate(_csv_rows(io.StringIO(text, newline=""), best[1]), start=1)
    table = _find_header(rows, header_keys, 0)
    table.estimated_rows = max(len(lines) - table.header_row, 0)
    return table


def _csv_rows(lines, delimiter):
    """csv.reader's rows; what it cannot parse (a field over its size limit, a stray quote in
    strict mode) ends the import with the line named, like any unusable file."""
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        yield from reader
    except csv.Error:
        raise SheetError(
            f"Dòng {reader.line_num}: tệp CSV không đọc được (một ô dài quá giới hạn hoặc dấu ngoặc kép "
            "không khớp): hãy mở bằng Excel, kiểm tra dòng này rồi lưu lại."
        ) from None


# --- header -----------------------------------------------------------------------------------------


def _header_score(cells, header_keys):
    return sum(1 for cell in cells if isinstance(cell, str) and cell and header_key(cell) in header_keys)


def _find_header(rows, header_keys, first_column):
    seen = []
    best = None
    for number, cells in rows:
        seen.append((number, cells))
        score = _header_score(cells, header_keys)
        if score >= 2 and (best is None or score > best[0]):
            best = (score, number, cells)
        if len(seen) >= HEADER_SEARCH_ROWS:
            break
    if not any(any(cell not in ("", None) for cell in cells) for _, cells in seen):
        raise SheetError("Tệp rỗng: không có dữ liệu.")
    if best is None:
        raise NoHeaderError(
            f"Không tìm thấy dòng tiêu đề trong {HEADER_SEARCH_ROWS} dòng đầu: cần ít nhất hai cột có tên "
            "như trong tệp mẫu (ví dụ “Họ và tên”, “Ngày sinh”)."
        )
    _, header_row, header_cells = best
    headers, positions = [], []
    for index, cell in enumerate(header_cells):
        text = clean_text(cell) if cell not in ("", None) else None
        if text:
            headers.append((column_letter(first_column + index), text))
            positions.append(index)
    remaining = [(n, c) for n, c in seen if n > header_row]
    return Table(
        header_row=header_row, headers=headers, positions=positions, rows=itertools.chain(remaining, rows)
    )
