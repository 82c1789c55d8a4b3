"""Columns of an import sheet: one object per field, holding its template header, the other headers
offices use for it (matched ignoring case, diacritics, spacing and punctuation), how a cell is
cleaned into a value, and how the value is assigned to a record.

A cell that cannot be cleaned raises CellError with the reason; the caller turns it into
"Dòng N, cột X, giá trị V: lý do".
"""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from partyblock.text import search_key

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2,4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")


class CellError(Exception):
    """A cell's value is not acceptable; `reason` is the Vietnamese explanation."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def header_key(text):
    """ "Ngày, tháng, năm sinh" -> "ngay thang nam sinh": case, diacritics (đ = d), punctuation and
    spacing do not matter when a header is matched."""
    return _NOT_ALNUM.sub(" ", search_key(str(text))).strip()


def clean_text(value):
    """NFC, trimmed, inner white space folded; numbers from Excel lose a trailing ".0". None for empty."""
    if value is None:
        return None
    if isinstance(value, float):
        value = str(int(value)) if value.is_integer() else str(value)
    elif not isinstance(value, str):
        value = str(value)
    if not value.isascii():
        value = unicodedata.normalize("NFC", value)
    value = " ".join(value.split())
    return value or None


def show(value):
    """A cell's value as people see it, for messages."""
    if value is None or value == "":
        return "(trống)"
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = clean_text(value) or ""
    return text if len(text) <= 60 else text[:57] + "…"


def fmt(day):
    return f"{day:%d/%m/%Y}" if day else ""


class Column:
    """One field of a sheet. `key` names the cleaned value, `header` is the template's heading."""

    def __init__(self, key, header, aliases=(), *, required=False, field=None, note=""):
        self.key = key
        self.header = header
        self.aliases = tuple(aliases)
        self.required = required
        self.field = field  # model attribute set by assign(); None when the kind sets it itself
        self.note = note  # shown on the upload page
        self.keys = {header_key(h) for h in (header, *self.aliases)}

    def clean(self, value):
        return clean_text(value)

    def assign(self, target, value):
        setattr(target, self.field or self.key, value)

    def export(self, value):
        return value


class TextColumn(Column):
    def __init__(self, *args, max_length=255, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_length = max_length
        self._seen = {}  # repeated values (chi bộ, dân tộc, …) share one string

    def clean(self, value):
        text = clean_text(value)
        if text is None:
            return None
        if len(text) > self.max_length:
            raise CellError(f"dài quá {self.max_length} ký tự.")
        if len(text) <= 40:
            text = self._seen.setdefault(text, text)
        return text


class DateColumn(Column):
    """Real date cells, or text d/m/yyyy, dd/mm/yyyy, dd-mm-yyyy (day first, always); never in the
    future."""

    def __init__(self, *args, allow_future=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_future = allow_future
        self.today = timezone.localdate()

    def clean(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, datetime.datetime):
            day = value.date()
        elif isinstance(value, datetime.date):
            day = value
        elif isinstance(value, (int, float)):
            raise CellError("không phải ngày; hãy ghi ngày dạng dd/mm/yyyy.")
        else:
            day = parse_date_text(clean_text(value))
            if day is None:
                return None
        if not self.allow_future and day > self.today:
            raise CellError(f"ngày trong tương lai (hôm nay là {self.today:%d/%m/%Y}).")
        if day.year < 1900:
            raise CellError("năm trước 1900.")
        return day

    def export(self, value):
        return value


def parse_date_text(text):
    if text is None:
        return None
    match = _DATE_TEXT.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        if len(match.group(3)) != 4:
            raise CellError("năm phải ghi đủ 4 chữ số (dd/mm/yyyy).")
    else:
        match = _ISO_DATE.match(text)
        if not match:
            raise CellError("không phải ngày; hãy ghi ngày dạng dd/mm/yyyy.")
        year, month, day = (int(part) for part in match.groups())
    if not 1 <= month <= 12:
        raise CellError(f"ngày không có thật (không có tháng {month}).")
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellError(f"ngày không có thật (tháng {month}/{year} không có ngày {day}).") from None


class ChoiceColumn(Column):
    """A value from a fixed list, typed as its label, its code or an abbreviation."""

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.choices = choices  # [(value, label, (other spellings…)), …]
        self.lookup = {}
        for value, label, others in choices:
            for spelling in (value, label, *others):
                self.lookup[header_key(spelling)] = value
        self.labels = {value: label for value, label, _ in choices}

    def clean(self, value):
        text = clean_text(value)
        if text is None:
            return None
        found = self.lookup.get(text)
        if found is None:
            found = self.lookup[text] = self.lookup.get(header_key(text))
        if found is None:
            raise CellError(f"không thuộc danh mục ({', '.join(self.labels.values())}).")
        return found

    def export(self, value):
        return self.labels.get(value, value)


class DigitsColumn(Column):
    """Số CCCD: exactly 12 digits. A number cell lost its leading zero in Excel: put it back."""

    def __init__(self, *args, digits=12, **kwargs):
        super().__init__(*args, **kwargs)
        self.digits = digits

    def clean(self, value):
        if isinstance(value, float) and value.is_integer():
            value = f"{int(value):0{self.digits}d}"
        text = clean_text(value)
        if text is None:
            return None
        text = text.replace(" ", "").replace(".", "")
        if not (text.isdigit() and len(text) == self.digits):
            raise CellError(f"phải gồm đúng {self.digits} chữ số.")
        return text


class CodeColumn(Column):
    """Free-text identifiers (số thẻ, mã tổ chức): numbers keep no ".0"."""

    def __init__(self, *args, max_length=30, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_length = max_length

    def clean(self, value):
        text = clean_text(value)
        if text is not None and len(text) > self.max_length:
            raise CellError(f"dài quá {self.max_length} ký tự.")
        return text


class YearColumn(Column):
    def clean(self, value):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = clean_text(value)
        if text is None:
            return None
        if not (text.isdigit() and len(text) == 4):
            raise CellError("năm phải là số có 4 chữ số.")
        year = int(text)
        this_year = timezone.localdate().year
        if not 1990 <= year <= this_year:
            raise CellError(f"năm phải từ 1990 đến {this_year}.")
        return year


class ScoreColumn(Column):
    def clean(self, value):
        if isinstance(value, (int, float)):
            value = repr(value)
        text = clean_text(value)
        if text is None:
            return None
        try:
            score = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise CellError("điểm phải là số.") from None
        if not 0 <= score <= 100:
            raise CellError("điểm phải từ 0 đến 100.")
        return score.quantize(Decimal("0.01"))

    def export(self, value):
        return float(value) if value is not None else None


class IgnoredColumn(Column):
    """STT and similar: recognised so the header row is found, then left out (and listed)."""

    def clean(self, value):
        return None


def stt_column():
    return IgnoredColumn("stt", "STT", ("TT", "Số TT", "Số thứ tự"))
