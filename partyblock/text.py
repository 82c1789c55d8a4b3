"""Vietnamese text: normalisation, accent-free search keys and dictionary sort keys.

Both keys are computed in Python and stored beside the name, so search and sorting behave the same
on SQLite and PostgreSQL whatever collation the database was created with.
"""

import re
import unicodedata

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


def search_key(value):
    """Lower-case, accent-free text for matching: "Nguyễn Văn Đức" -> "nguyen van duc".

    "đ" has no Unicode decomposition, so it is mapped to "d" explicitly.
    """
    text = unicodedata.normalize("NFD", normalize_text(value) or "").lower().replace("đ", "d")
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _letters(word):
    """Yield (base letter, tone) pairs of one word, lower-cased."""
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
            yield base, tone


def _collation_key(words):
    primary = _WORD_BREAK.join("".join(_PRIMARY[b] for b, _ in _letters(w)) for w in words)
    tones = "".join(str(t) for w in words for _, t in _letters(w))
    return primary + _END + tones + "0"


def name_sort_key(full_name):
    """Sort key for a Vietnamese full name: given name (the last word) first, then family and middle
    names; letters in Vietnamese order (a < ă < â, d < đ), tones compared after the letters."""
    words = (normalize_text(full_name) or "").split(" ")
    given, rest = words[-1:], words[:-1]
    return _collation_key(given) + _collation_key(rest)


def given_name(full_name):
    return (normalize_text(full_name) or "").rsplit(" ", 1)[-1]


_VIETNAMESE_MARKS = str.maketrans({",": ".", ".": ","})


def number_text(value, decimals=0):
    """4925 -> "4.925", 98.7 with one decimal -> "98,7": dots group thousands and a comma marks
    decimals, as Vietnamese write numbers."""
    return f"{value:,.{decimals}f}".translate(_VIETNAMESE_MARKS)


def thousands(number):
    """4925 -> "4.925": Vietnamese digit grouping, for counts shown to people; "—" when missing."""
    return number_text(number) if number is not None else "—"
