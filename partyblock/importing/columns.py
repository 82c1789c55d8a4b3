"""Columns of an import sheet: one object per field, holding its template header, the other headers
offices use for it (matched ignoring case, diacritics, spacing and punctuation), how a cell is
cleaned into a value, and how the value is assigned to a record.

A cell that cannot be cleaned raises CellError with the reason; the caller turns it into
"Dòng N, cột X, giá trị V: lý do". `Cleaner` cleans a whole column of a chunk of rows at once,
each distinct value once: sheets repeat their values down a column (chi bộ, dates, dân tộc, …).
"""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from unicodedata import is_normalized

from django.utils import timezone

from partyblock import limits
from partyblock.access import is_masked_national_id
from partyblock.text import name_problem, search_key, visible_marks

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_DATE_TEXT = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2,4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")


class CellError(Exception):
    """A cell's value is not acceptable; `reason` is the Vietnamese explanation."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


_FIRST_DAY = limits.EARLIEST_DAY


def _tidy(text):
    """`text` is not empty and clean_text() would leave its spacing as it is: printable (no tab,
    line break, non-breaking or other odd space: str.isprintable() refuses them all), single
    spaces only, none at either end."""
    return text.isprintable() and text != "" and "  " not in text and text[0] != " " and text[-1] != " "


def _all_tidy(texts):
    """`_tidy` and NFC for every one of `texts`, checked on them joined (in C): a joined text is
    printable, NFC and free of double or edge spaces only if each part is (the separator "|" is a
    printable starter that composes with nothing); a false "no" (a part holding "| ") only sends
    the texts to the one-by-one check."""
    joined = "|".join(texts)
    return (
        joined != ""
        and joined.isprintable()
        and "  " not in joined
        and "| " not in joined
        and " |" not in joined
        and joined[0] != " "
        and joined[-1] != " "
        and "||" not in joined
        and joined[0] != "|"
        and joined[-1] != "|"
        and is_normalized("NFC", joined)
    )


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
    text = visible_marks(clean_text(value) or "")
    return text if len(text) <= 60 else text[:57] + "…"


def fmt(day):
    """dd/mm/yyyy (without strftime, five times slower: previews label thousands of rows)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}" if day else ""


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

    def plain(self, cells):
        """Those of the distinct `cells` that clean() would return unchanged, found in bulk (a
        cheaper test than clean() itself); the others go through clean() one by one."""
        texts = [cell for cell in cells if type(cell) is str]
        if texts and self.all_plain(texts):
            return texts  # checked all at once, as nearly always
        return [cell for cell in texts if self.one_plain(cell)]

    def all_plain(self, texts):
        """Whether clean() returns every one of `texts` (a list of str) unchanged, decided for them
        all at once, in C; False also when that cannot be told at once."""
        return False

    def one_plain(self, text):
        """Whether clean() returns the str `text` unchanged (a cheaper test than clean() itself)."""
        return False

    def quick(self, cells):
        """{cell: clean(cell)} for those of the distinct `cells` that are cleaned in bulk: by
        default the plain() ones."""
        plain = self.plain(cells)
        return dict(zip(plain, plain, strict=True)) if plain else {}


class TextColumn(Column):
    """Free text; `name=True` for a person's or organisation's name, refused as the forms refuse it
    (`text.name_problem`: hidden or direction-changing characters). Such characters are never
    "plain" (str.isprintable() refuses them), so a name holding one always reaches clean()."""

    def __init__(self, *args, max_length=255, name=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_length = max_length
        self.name = name
        self._seen = {}  # repeated values (chi bộ, dân tộc, …) share one string

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
        if len(text) <= 40:
            text = self._seen.setdefault(text, text)
        return text

    def all_plain(self, texts):
        return _all_tidy(texts) and max(map(len, texts)) <= self.max_length

    def one_plain(self, text):
        return _tidy(text) and len(text) <= self.max_length and is_normalized("NFC", text)


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

    def quick(self, cells):
        """Date cells in range stay as they are; dd/mm/yyyy texts of real days in range are read
        without the regex. Anything else (and every refusal) is left to clean()."""
        first = _FIRST_DAY
        last = limits.latest_day_ahead(self.today) if self.allow_future else self.today
        date = datetime.date
        days = [cell for cell in cells if type(cell) is date]
        if days and first <= min(days) and max(days) <= last:
            found = dict(zip(days, days, strict=True))  # all in range, as nearly always
        else:
            found = {day: day for day in days if first <= day <= last}
        from_iso = date.fromisoformat
        for cell in cells:
            if type(cell) is str and len(cell) == 10 and cell[2] == "/" and cell[5] == "/":
                # dd/mm/yyyy read as yyyy-mm-dd, in C: ASCII digits of a real day only (anything
                # else, non-ASCII digits included, is left to clean()).
                try:
                    value = from_iso(f"{cell[6:]}-{cell[3:5]}-{cell[:2]}")
                except ValueError:
                    continue
                if first <= value <= last:
                    found[cell] = value
        return found


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

    def all_plain(self, texts):
        joined = "".join(texts)
        return joined.isascii() and joined.isdigit() and set(map(len, texts)) == {self.digits}

    def one_plain(self, text):
        return len(text) == self.digits and text.isascii() and text.isdigit()


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

    # ASCII codes without spaces (nearly all): nothing for clean_text to change.
    def all_plain(self, texts):
        joined, lengths = "".join(texts), set(map(len, texts))
        return (
            joined.isascii()
            and joined.isprintable()
            and " " not in joined
            and 0 < min(lengths) <= max(lengths) <= self.max_length
        )

    def one_plain(self, text):
        return 0 < len(text) <= self.max_length and text.isascii() and text.isprintable() and " " not in text


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


# Cell types whose equal values clean alike (True == 1 == 1.0 must not share a cache entry).
_CACHEABLE = frozenset({str, float, datetime.date, datetime.datetime, type(None)})
_TEXTS, _TEXTS_AND_EMPTY = {str}, {str, type(None)}


class Cleaner:
    """Cleans one column of a sheet, chunk by chunk: `clean(cells)` -> cleaned values (None for
    empty cells, a Refused for refused ones). Each distinct cell value is cleaned once and remembered
    (up to CACHE_LIMIT values, then forgotten, so that unique columns like Số CCCD do not hold
    memory); the look-ups of a whole chunk then run in C."""

    CACHE_LIMIT = 10_000

    def __init__(self, column):
        self.column = column
        self.cache = {None: None, "": None}
        self.refused = set()  # cell values refused so far

    def clean(self, cells):
        kinds = set(map(type, cells))
        sample = cells[:200]
        if kinds in (_TEXTS, _TEXTS_AND_EMPTY) and 2 * len(set(sample)) > len(sample):
            # Mostly distinct texts (Số CCCD, names), which the cache would not help with: when
            # clean() leaves every one unchanged, told for the whole column at once in C, the cells
            # are taken as they are, without hashing or looking up a single value.
            texts = cells if kinds == _TEXTS else [cell for cell in cells if cell is not None]
            if self.column.all_plain(texts):
                return list(cells)
        if not _CACHEABLE.issuperset(kinds):  # True == 1 == 1.0 must not share a cache entry
            return [self._one(cell) for cell in cells]
        cache = self.cache
        distinct = set(cells)
        new = distinct.difference(cache)
        if new:
            if len(cache) + len(new) > self.CACHE_LIMIT:  # start afresh with this chunk's values
                cache = self.cache = {None: None, "": None}
                new = distinct.difference(cache)
            quick = self.column.quick(new)
            if quick:
                cache.update(quick)
                new.difference_update(quick)
            for cell in new:
                cache[cell] = self._one(cell)
        try:
            return list(map(cache.__getitem__, cells))
        except KeyError:  # a value unequal to itself (NaN)
            return [self._one(cell) for cell in cells]

    def has_refused(self, cells):
        return bool(self.refused) and not self.refused.isdisjoint(cells)

    def _one(self, cell):
        if cell is None or cell == "":
            return None
        try:
            return self.column.clean(cell)
        except CellError as error:
            self.refused.add(cell)
            return Refused(error.reason)


def import_only(column):
    """`column`, accepted on import but left out of templates and exports (a sheet that has it
    says more than the app's own lists do, e.g. the day a member arrived)."""
    column.in_template = False
    return column
