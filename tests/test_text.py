import unicodedata

import pytest

from members.models import Gender, Member
from partyblock.core.text import given_name, name_sort_key, normalize_text, search_key


def nfd(text):
    return unicodedata.normalize("NFD", text)


def vietnamese_sorted(names):
    return sorted(names, key=name_sort_key)


# Normalisation


def test_normalize_text_turns_decomposed_input_into_nfc():
    decomposed = nfd("Nguyễn Văn Đức")
    assert decomposed != "Nguyễn Văn Đức"

    normalised = normalize_text(decomposed)

    assert normalised == "Nguyễn Văn Đức"
    assert unicodedata.is_normalized("NFC", normalised)


def test_normalize_text_trims_and_folds_white_space():
    assert normalize_text("  Nguyễn \t Văn\u00a0 Đức \n") == "Nguyễn Văn Đức"


def test_normalize_text_keeps_none():
    assert normalize_text(None) is None


def test_given_name_is_the_last_word():
    assert given_name("  Nguyễn  Văn   Đức ") == "Đức"


# Search key


def test_search_key_drops_accents_and_case():
    assert search_key("Nguyễn Văn Đức") == "nguyen van duc"


def test_search_key_maps_d_with_stroke_in_both_cases():
    assert search_key("ĐẶNG THỊ ĐÀO đào") == "dang thi dao dao"


def test_search_key_of_decomposed_input_equals_that_of_composed_input():
    assert search_key(nfd("Nguyễn Văn Đức")) == "nguyen van duc"


def test_search_key_covers_every_vietnamese_vowel():
    assert search_key("ăâêôơư ẮẰẲẴẶ ỨỪỬỮỰ ỳýỷỹỵ") == "aaeoou aaaaa uuuuu yyyyy"


# Sort key


def test_sort_key_of_decomposed_input_equals_that_of_composed_input():
    assert name_sort_key(nfd("Nguyễn Văn Đức")) == name_sort_key("Nguyễn Văn Đức")


def test_sort_key_ignores_case_and_spacing():
    assert name_sort_key("NGUYỄN  VĂN ĐỨC ") == name_sort_key("nguyễn văn đức")


def test_names_sort_by_given_name_then_family_and_middle_names():
    names = ["Trần Văn Bình", "Nguyễn Văn An", "Nguyễn Thị An", "Lê An", "Đặng Cường"]

    assert vietnamese_sorted(names) == [
        "Lê An",
        "Nguyễn Thị An",
        "Nguyễn Văn An",
        "Trần Văn Bình",
        "Đặng Cường",
    ]


def test_shorter_family_and_middle_names_come_first():
    assert vietnamese_sorted(["Nguyễn Văn An", "Nguyễn An", "Nguyễn Văn Anh"]) == [
        "Nguyễn An",
        "Nguyễn Văn An",
        "Nguyễn Văn Anh",
    ]


def test_the_whole_given_name_decides_before_the_family_name():
    assert vietnamese_sorted(["Trần Bá", "Nguyễn Bá", "Trần Ba"]) == ["Trần Ba", "Nguyễn Bá", "Trần Bá"]


@pytest.mark.parametrize(
    "expected",
    [
        ["Anh", "Ăn", "Ân", "Bảo"],
        ["Dung", "Dũng", "Đào", "Đức", "Em"],
        ["Em", "Êm", "Gấm"],
        ["Oanh", "Ôn", "Ơn", "Phúc"],
        ["Uyên", "Ưng", "Vân"],
        ["Huy", "Hy", "Ý", "Yến"],
    ],
    ids=["a-ă-â", "d-đ", "e-ê", "o-ô-ơ", "u-ư", "i-y"],
)
def test_letters_follow_the_vietnamese_alphabet(expected):
    assert vietnamese_sorted(reversed(expected)) == expected


def test_new_letters_sort_after_their_base_letter_regardless_of_tone():
    assert vietnamese_sorted(["Ân", "Ăn", "An", "Ấn", "Ắn", "Án"]) == ["An", "Án", "Ăn", "Ắn", "Ân", "Ấn"]


def test_tones_sort_level_grave_hook_tilde_acute_dot():
    assert vietnamese_sorted(["Bạ", "Bá", "Bã", "Bả", "Bà", "Ba"]) == ["Ba", "Bà", "Bả", "Bã", "Bá", "Bạ"]


def test_tones_count_only_after_all_letters():
    assert vietnamese_sorted(["Bac", "Bạ", "Bá", "Bã", "Bả", "Bà", "Ba"]) == [
        "Ba",
        "Bà",
        "Bả",
        "Bã",
        "Bá",
        "Bạ",
        "Bac",
    ]
    assert vietnamese_sorted(["Anh", "Án", "An"]) == ["An", "Án", "Anh"]


def test_tones_of_the_family_name_decide_only_between_equal_letters():
    assert vietnamese_sorted(["Lý An", "Lê An", "Lã An", "La An"]) == ["La An", "Lã An", "Lê An", "Lý An"]


def test_decomposed_names_sort_like_composed_ones():
    names = [nfd("Trần Thị Ân"), "Lê Văn Ăn", nfd("Phạm An")]

    assert [normalize_text(n) for n in vietnamese_sorted(names)] == ["Phạm An", "Lê Văn Ăn", "Trần Thị Ân"]


def test_members_are_listed_in_vietnamese_order(db):
    for full_name in [
        "Đỗ Văn Em",
        "Trần Thị Ân",
        "Nguyễn Văn Đức",
        "Lê Thị An",
        "Phạm Văn Dũng",
        "Bùi Thị Ăn",
    ]:
        Member.objects.create(full_name=full_name, gender=Gender.MALE, birth_date="1990-01-01")

    assert list(Member.objects.values_list("full_name", flat=True)) == [
        "Lê Thị An",
        "Bùi Thị Ăn",
        "Trần Thị Ân",
        "Phạm Văn Dũng",
        "Nguyễn Văn Đức",
        "Đỗ Văn Em",
    ]


# Numbers: one half-up rounding for every number shown with decimals


def test_numbers_round_half_up_as_people_do():
    from partyblock.core.text import number_text, percent, rounded

    assert percent(49, 400) == 12.3  # 12.25: Python's round() and "%.1f" give 12.2
    assert rounded(12.25) == 12.3
    assert rounded(0.15) == 0.2  # the float as it prints, not the binary 0.1499…
    assert rounded(-0.25) == -0.3
    assert number_text(12.25, 1) == "12,3"
    assert number_text(4925) == "4.925"
    assert number_text(2.5) == "3"
    assert percent(1, 0) is None and rounded(None) is None


# Days: one dd/mm/yyyy helper


def test_days_are_written_and_read_by_one_helper():
    import datetime

    from partyblock.core.text import day_text, parse_day
    from partyblock.reports.templatetags.reports import ngay

    day = datetime.date(2020, 7, 31)
    assert (day_text(day), day_text(None), day_text(None, "—"), ngay(day)) == (
        "31/07/2020",
        "",
        "—",
        "31/07/2020",
    )
    assert parse_day("31/07/2020") == parse_day("2020-07-31") == day
    assert parse_day("2020-07-31", iso=False) is None and parse_day("31/13/2020") is None


def test_no_other_code_or_template_formats_a_day():
    """Every dd/mm/yyyy the app writes goes through `partyblock.core.text.day_text` (the `ngay`
    filter in templates), the importer's too."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    skipped = {"tests", "migrations", "formats", ".venv"}
    sources = [p for p in root.rglob("*.py") if not set(p.relative_to(root).parts) & skipped]
    found = [str(p.relative_to(root)) for p in sources if "%d/%m/%Y" in p.read_text(encoding="utf-8")]
    found += [
        str(p.relative_to(root))
        for p in (root / "templates").rglob("*.html")
        if re.search(r"""date:["']d/m/Y["']""", p.read_text(encoding="utf-8"))
    ]
    assert found == ["partyblock/core/text.py"]


def test_today_is_the_local_date_everywhere():
    """Today is the Khối's day (`timezone.localdate()`, Asia/Ho_Chi_Minh), never the process's
    date: between 17:00 and 24:00 UTC the two differ, and a check against one with a
    message naming the other reads wrong. Tests read it when they run, never at collection."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    skipped = {"migrations", ".venv"}
    sources = [p for p in root.rglob("*.py") if not set(p.relative_to(root).parts) & skipped]
    process_date = "date." + "today("
    assert [str(p.relative_to(root)) for p in sources if process_date in p.read_text(encoding="utf-8")] == []
