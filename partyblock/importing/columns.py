"""Columns of an import sheet: one object per field, holding its template header, the other headers
offices use for it (matched ignoring case, diacritics, spacing and punctuation), how a cell is
cleaned into a value, and how the value is assigned to a record.

A cell that cannot be cleaned raises CellError with the reason; the caller turns it into
"Dòng N, cột X, giá trị V: lý do". `Cleaner` cleans a column of a chunk of rows.
"""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from partyblock.accounts.access import is_masked_national_id
from partyblock.core import limits
from partyblock.core.text import day_text, name_problem, search_key, visible_marks

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
        return day_text(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = visible_marks(clean_text(value) or "")
    return text if len(text) <= 60 else text[:57] + "…"


def field_length(model, name):
    """The max_length of a model's field: a text column holds no more than its field stores."""
    return model._meta.get_field(name).max_length


class Column:
    """One field of a sheet. `key` names the cleaned value, `header` is the template's heading."""

    in_template = True  # False: accepted when a sheet has it, but not in templates and exports

    def __init__(self, key, header, aliases=(), *, required=False):
        self.key = key
        self.header = header
        self.aliases = tuple(aliases)
        self.required = required
        self.keys = {header_key(h) for h in (header, *self.aliases)}

    def clean(self, value):
        return clean_text(value)


class TextColumn(Column):
    """Free text; `name=True` for a person's or organisation's name, refused as the forms refuse it
    (`text.name_problem`: hidden or direction-changing characters)."""

    def __init__(self, *args, max_length=255, name=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_length = max_length
        self.name = name

    def clean(self, value):
        text = clean_text(value)
        if text is None:
            return None
        if len(text) > self.max_length:
            raise CellError(f"dài quá {self.max_length} ký tự.")
        if self.name:
            problem = name_problem(text)
            if problem:
                raise CellError(limits.lower_first(problem))
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
        if self.allow_future:
            problem = limits.day_ahead_problem(day, self.today)
        else:
            problem = limits.past_day_problem(day, self.today)
        if problem:
            raise CellError(limits.lower_first(problem))
        return day


def parse_date_text(text):
    if text is None:
        return None
    if len(text) == 10 and text[2] == "/" and text[5] == "/":
        # dd/mm/yyyy, what nearly every typed date is: the same checks without the regex.
        day, month, year = text[:2], text[3:5], text[6:]
        if day.isdecimal() and month.isdecimal() and year.isdecimal():
            return _checked_date(int(year), int(month), int(day))
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
    return _checked_date(year, month, day)


def _checked_date(year, month, day):
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
            plain = getattr(value, "value", value)  # a choice's value: what the plan stores as is
            for spelling in (value, label, *others):
                self.lookup[header_key(spelling)] = plain
        self.labels = {getattr(value, "value", value): label for value, label, _ in choices}

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


class DigitsColumn(Column):
    """Số CCCD: exactly 12 digits. A number cell lost its leading zero in Excel: put it back. A
    masked number (`••••••••5380`, as the export shows it to users who see it masked) is read as
    an empty cell: the stored number stays, so such a user's export imports back."""

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
        if is_masked_national_id(text):
            return None
        if not (text.isascii() and text.isdigit() and len(text) == self.digits):  # not "²" nor "١"
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
        if not (text.isascii() and text.isdigit() and len(text) == 4):
            raise CellError("năm phải là số có 4 chữ số.")
        year = int(text)
        problem = limits.rating_year_problem(year)
        if problem:
            raise CellError(limits.lower_first(problem))
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
        if not score.is_finite():  # "NaN", "Infinity" parse as decimals
            raise CellError("điểm phải là số.")
        problem = limits.score_problem(score)
        if problem:
            raise CellError(limits.lower_first(problem))
        return score.quantize(Decimal("0.01"))


class IgnoredColumn(Column):
    """STT and similar: recognised so the header row is found, then left out (and listed)."""

    def clean(self, value):
        return None


def stt_column():
    return IgnoredColumn("stt", "STT", ("TT", "Số TT", "Số thứ tự"))


class Refused:
    """What `Cleaner` gives for a cell that `Column.clean` refused."""

    __slots__ = ("reason",)

    def __init__(self, reason):
        self.reason = reason


class Cleaner:
    """Cleans one column of a sheet, chunk by chunk: `clean(cells)` -> cleaned values (None for
    empty cells, a Refused for refused ones). A chunk's cells repeat (chi bộ, dates, dân tộc, …):
    each distinct one is cleaned once per chunk."""

    def __init__(self, column):
        self.column = column

    def clean(self, cells):
        cleaned = {}
        values = []
        for cell in cells:
            key = (type(cell), cell)  # True == 1 == 1.0 must not share a value
            value = cleaned.get(key, cleaned)
            if value is cleaned:
                value = cleaned[key] = self._one(cell)
            values.append(value)
        return values

    def _one(self, cell):
        if cell is None or cell == "":
            return None
        try:
            return self.column.clean(cell)
        except CellError as error:
            return Refused(error.reason)


_BADGE_PART = re.compile(r"^(\d{1,3})\s*(?:nam)?\s*(?:[(:,-]\s*(?:ngay\s*)?([0-9][0-9/.-]*[0-9])\s*\)?)?$")


class BadgesColumn(Column):
    """The Huy hiệu Đảng a member has received: milestones separated by "," or ";", each
    optionally with the award day ("30 năm, 40 năm"; "30 năm (03/02/2015); 40 năm (19/05/2025)").
    The value is [[years, iso day or None], …] by milestone; `milestones` are those that exist."""

    def __init__(self, *args, milestones, **kwargs):
        super().__init__(*args, **kwargs)
        self.milestones = tuple(milestones)
        self.day = DateColumn("_", "_")

    @staticmethod
    def text(years, awarded_on=None):
        """One badge as the column writes it and `clean` reads it back: "30 năm (03/02/2015)"."""
        return f"{years} năm" + (f" ({day_text(awarded_on)})" if awarded_on else "")

    def clean(self, value):
        text = clean_text(value)
        if text is None:
            return None
        found = {}
        for part in re.split(r"[;\n]|,(?!\s*\d{1,2}[/.-])", text):
            part = part.strip()
            if not part:
                continue
            match = _BADGE_PART.match(search_key(part).replace("huy hieu", "").strip())
            if match is None:
                raise CellError(
                    f"không đọc được “{visible_marks(part)}”: hãy ghi các mốc đã được trao, "
                    "cách nhau dấu phẩy, ví dụ “30 năm, 40 năm” hoặc “30 năm (03/02/2015)”."
                )
            years = int(match.group(1))
            if years not in self.milestones:
                shown = ", ".join(str(m) for m in self.milestones)
                raise CellError(f"{years} năm không phải mốc Huy hiệu Đảng ({shown} năm).")
            if years in found:
                raise CellError(f"mốc {years} năm ghi hai lần.")
            found[years] = self.day.clean(match.group(2)) if match.group(2) else None
        return [
            [years, found[years].isoformat() if found[years] else None] for years in sorted(found)
        ] or None


def import_only(column):
    """`column`, accepted on import but left out of templates and exports (a sheet that has it
    says more than the app's own lists do, e.g. the day a member arrived)."""
    column.in_template = False
    return column
