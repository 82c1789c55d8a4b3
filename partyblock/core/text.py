"""Vietnamese text: normalisation, accent-free search keys and dictionary sort keys.

Both keys are computed in Python and stored beside the name, so search and sorting behave the same
on SQLite and PostgreSQL whatever collation the database was created with.
"""

import datetime
import functools
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

_SPACES = re.compile(r"\s+")

# Vietnamese alphabet order (foreign letters f, j, w, z in their Latin places).
_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Combining marks that make a new letter (ă, â, ê, ô, ơ, ư) rather than a tone.
_LETTER_MARKS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
_WITH_MARK = {
    ("a", "breve"): "ă",
    ("a", "circumflex"): "â",
    ("e", "circumflex"): "ê",
    ("o", "circumflex"): "ô",
    ("o", "horn"): "ơ",
    ("u", "horn"): "ư",
}
# Tones in dictionary order: level, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 2, "\u0309": 3, "\u0303": 4, "\u0301": 5, "\u0323": 6}
_LEVEL_TONE = 1

# Fixed-width, digits-only codes: any collation orders such strings like plain bytes.
_PRIMARY = {ch: f"{i + 20:02d}" for i, ch in enumerate(_ALPHABET)}
_PRIMARY.update({str(d): f"{d + 10:02d}" for d in range(10)})
_WORD_BREAK = "01"
_END = "00"


def normalize_text(value):
    """NFC, trimmed, inner runs of white space folded to one space. None stays None."""
    if value is None:
        return None
    return _SPACES.sub(" ", unicodedata.normalize("NFC", str(value))).strip()


# Characters that change how the text around them is shown without showing themselves: bidi
# embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069), direction marks (U+200E,
# U+200F), zero-width space, non-joiner and joiner (U+200B–U+200D), word joiner (U+2060) and the
# zero-width no-break space (U+FEFF). None belongs in a Vietnamese name; in one they can make it
# display as another name, or two names that look alike differ.
HIDDEN_MARKS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u200b\u200c\u200d\u2060\ufeff"
)


def hidden_marks(value):
    """The hidden or direction-changing characters in `value`, as "U+202E" codes, in order."""
    if not value or str(value).isascii():
        return []
    return [f"U+{ord(ch):04X}" for ch in dict.fromkeys(str(value)) if ch in HIDDEN_MARKS]


def name_problem(value):
    """Why `value` cannot be a person's or an organisation's name (None: it can). The member and
    organisation forms (model validator `validate_name`) and the import refuse the same names with
    this message."""
    found = hidden_marks(value)
    if not found:
        return None
    return (
        f"Tên chứa ký tự ẩn hoặc ký tự đảo chiều chữ ({', '.join(found)}), có thể làm tên hiển thị sai: "
        "hãy gõ lại tên thay vì dán."
    )


def validate_name(value):
    problem = name_problem(value)
    if problem:
        raise ValidationError(problem, code="hidden_marks")


def visible_marks(text):
    """`text` with each hidden or direction-changing character written as its code ("<U+202E>"),
    for showing a refused value without letting it reorder the message around it."""
    if not text or text.isascii():
        return text
    return "".join(f"<U+{ord(ch):04X}>" if ch in HIDDEN_MARKS else ch for ch in text)


def search_key(value):
    """Lower-case, accent-free text for matching: "Nguyễn Văn Đức" -> "nguyen van duc".

    "đ" has no Unicode decomposition, so it is mapped to "d" explicitly.
    """
    text = unicodedata.normalize("NFD", normalize_text(value) or "").lower().replace("đ", "d")
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=4096)
def _word_key(word):
    """(letters, tones) of one word: each letter's code in Vietnamese order and each letter's tone,
    lower-cased. Cached: names are made of few words (a 5,000-member import has some hundreds)."""
    letters, tones = [], []
    for ch in unicodedata.normalize("NFC", word.lower()):
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        tone = _LEVEL_TONE
        for mark in marks:
            if mark in _LETTER_MARKS:
                base = _WITH_MARK.get((base, _LETTER_MARKS[mark]), base)
            elif mark in _TONES:
                tone = _TONES[mark]
        if base in _PRIMARY:
            letters.append(_PRIMARY[base])
            tones.append(str(tone))
    return "".join(letters), "".join(tones)


def _collation_key(words):
    keys = [_word_key(w) for w in words]
    return _WORD_BREAK.join(letters for letters, _ in keys) + _END + "".join(tones for _, tones in keys) + "0"


def name_sort_key(full_name):
    """Sort key for a Vietnamese full name: given name (the last word) first, then family and middle
    names; letters in Vietnamese order (a < ă < â, d < đ), tones compared after the letters."""
    words = (normalize_text(full_name) or "").split(" ")
    given, rest = words[-1:], words[:-1]
    return _collation_key(given) + _collation_key(rest)


def text_sort_key(text):
    """Sort key for a name read word by word from the first (an organisation's): the same Vietnamese
    collation as `name_sort_key`, so "Bệnh viện Đa khoa" comes before "Bệnh viện Y học"."""
    return _collation_key((normalize_text(text) or "").split(" "))


def given_name(full_name):
    return (normalize_text(full_name) or "").rsplit(" ", 1)[-1]


DAY_FORMAT = "%d/%m/%Y"  # 31/07/2020: how Vietnamese write a day, shown and typed


def day_text(day, missing=""):
    """`day` as dd/mm/yyyy (31/07/2020), `missing` when there is none. Every day the app writes as
    text (messages, labels, exports' titles, links' `?ngay=`, the templates' `ngay` filter) is
    written here."""
    return day.strftime(DAY_FORMAT) if day else missing


def moment_text(moment):
    """A moment in local time as the admin shows it (DATETIME_FORMAT "H:i d/m/Y"): 14:05 31/07/2020."""
    local = timezone.localtime(moment)
    return f"{local:%H:%M} {day_text(local)}"


def parse_day(text, *, iso=True):
    """The day in `text` typed day first (31/12/2018, as people write it) or, with `iso`, in ISO
    form (2018-12-31, as links and other systems carry it); None when it is neither."""
    for pattern in (DAY_FORMAT, "%Y-%m-%d") if iso else (DAY_FORMAT,):
        try:
            return datetime.datetime.strptime(str(text).strip(), pattern).date()
        except ValueError:
            continue
    return None


_VIETNAMESE_MARKS = str.maketrans({",": ".", ".": ","})


def _half_up(value, places):
    """`value` as a Decimal rounded half-up to `places` decimals. A float is taken as it prints
    (12.25 is 12.25, 0.15 is 0.15, not the binary fraction just below it)."""
    exact = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def rounded(value, places=1):
    """`value` rounded half-up, as people round (12.25 -> 12.3, where Python's `round` and string
    formatting give 12.2), as a float; None stays None. Every number the app shows with decimals is
    rounded here (`percent`, `number_text`). A whole number (int) stays as it is."""
    if value is None or isinstance(value, int):
        return value
    return float(_half_up(value, places))


def percent(numerator, denominator, places=1):
    """numerator / denominator in %, rounded half-up (`rounded`); None when the denominator is 0."""
    if not denominator:
        return None
    return rounded(Decimal(numerator) * 100 / Decimal(denominator), places)


def number_text(value, decimals=0):
    """4925 -> "4.925", 98.7 with one decimal -> "98,7", 12.25 -> "12,3" (half-up): dots group
    thousands and a comma marks decimals, as Vietnamese write numbers."""
    return f"{_half_up(value, decimals):,.{decimals}f}".translate(_VIETNAMESE_MARKS)


def thousands(number):
    """4925 -> "4.925": Vietnamese digit grouping, for counts shown to people; "—" when missing."""
    return number_text(number) if number is not None else "—"
