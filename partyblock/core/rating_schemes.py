"""The annual rating schemes (DOMAIN.md §3) as data: which categories were valid in which years, for
members and for organisations, and the level (1 best … 4 worst) each maps to so that reports can
compare years across schemes. Nothing else in the code knows when a scheme changed.
"""

from dataclasses import dataclass

from partyblock.core.text import search_key

MEMBER = "member"
ORGANISATION = "organisation"
GOOD_OR_BETTER_LEVELS = (1, 2)
LEVEL_SHORT = {1: "Mức 1", 2: "Mức 2", 3: "Mức 3", 4: "Mức 4"}


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    abbreviation: str
    level: int


@dataclass(frozen=True)
class Scheme:
    subject: str  # MEMBER or ORGANISATION
    first_year: int
    last_year: int | None
    basis: str  # the guidance that set it
    categories: tuple
    scored: bool = False  # from 2025 ratings also carry points (excellent ≥ 90)

    @property
    def years_label(self):
        return f"{self.first_year}–{self.last_year}" if self.last_year else f"từ {self.first_year}"

    def covers(self, year):
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    def category(self, code):
        return next((c for c in self.categories if c.code == code), None)


_MEMBER_PRE_2014 = (
    Category("dtc_xuat_sac", "Đủ tư cách, hoàn thành xuất sắc nhiệm vụ", "HTXSNV", 1),
    Category("dtc_tot", "Đủ tư cách, hoàn thành tốt nhiệm vụ", "HTTNV", 2),
    Category("dtc_hoan_thanh", "Đủ tư cách, hoàn thành nhiệm vụ", "HTNV", 3),
    Category("vi_pham", "Vi phạm tư cách hoặc không hoàn thành nhiệm vụ", "VPTC", 4),
)
_FOUR_LEVELS = (
    Category("htxsnv", "Hoàn thành xuất sắc nhiệm vụ", "HTXSNV", 1),
    Category("httnv", "Hoàn thành tốt nhiệm vụ", "HTTNV", 2),
    Category("htnv", "Hoàn thành nhiệm vụ", "HTNV", 3),
    Category("khtnv", "Không hoàn thành nhiệm vụ", "KHTNV", 4),
)
_ORGANISATION_TO_2017 = (
    Category("tsvm", "Trong sạch, vững mạnh", "TSVM", 1),
    Category("httnv", "Hoàn thành tốt nhiệm vụ", "HTTNV", 2),
    Category("htnv", "Hoàn thành nhiệm vụ", "HTNV", 3),
    Category("yeu_kem", "Yếu kém", "YK", 4),
)

SCHEMES = (
    Scheme(MEMBER, 1990, 2013, "Hướng dẫn đánh giá chất lượng đảng viên trước năm 2014", _MEMBER_PRE_2014),
    Scheme(MEMBER, 2014, 2017, "HD 27-HD/BTCTW (2014)", _FOUR_LEVELS),
    Scheme(MEMBER, 2018, 2024, "QĐ 132-QĐ/TW, HD 16-HD/BTCTW, HD 21-HD/BTCTW", _FOUR_LEVELS),
    Scheme(MEMBER, 2025, None, "QĐ 366-QĐ/TW (2025)", _FOUR_LEVELS, scored=True),
    Scheme(ORGANISATION, 1990, 2017, "HD 27-HD/BTCTW (2014) và trước đó", _ORGANISATION_TO_2017),
    Scheme(ORGANISATION, 2018, 2024, "QĐ 132-QĐ/TW, HD 16-HD/BTCTW, QĐ 124-QĐ/TW", _FOUR_LEVELS),
    Scheme(ORGANISATION, 2025, None, "QĐ 366-QĐ/TW (2025)", _FOUR_LEVELS, scored=True),
)
SUBJECT_LABELS = {MEMBER: "đảng viên", ORGANISATION: "tổ chức đảng"}


def scheme_for(subject, year):
    """The scheme in force for `subject` in `year`, or None before the first one."""
    return next((s for s in SCHEMES if s.subject == subject and s.covers(year)), None)


def schemes_of(subject):
    return [s for s in SCHEMES if s.subject == subject]


def all_category_choices(subject):
    """Grouped choices for a form where the year is not yet known: one group per scheme."""
    return [
        (f"{scheme.years_label} ({scheme.basis})", [(c.code, c.label) for c in scheme.categories])
        for scheme in schemes_of(subject)
    ]


def category_choices(subject, year):
    scheme = scheme_for(subject, year)
    return [(c.code, c.label) for c in scheme.categories] if scheme else []


def category_label(subject, year, code):
    scheme = scheme_for(subject, year)
    category = scheme.category(code) if scheme else None
    return category.label if category else code


def resolve(subject, year, code):
    """The category `code` means in `year`; raises ValueError with a Vietnamese message when the
    code is not a category of that year's scheme."""
    scheme = scheme_for(subject, year)
    if scheme is None:
        raise ValueError(f"Chưa có quy định xếp loại {SUBJECT_LABELS[subject]} cho năm {year}.")
    category = scheme.category(code)
    if category is None:
        valid = ", ".join(c.label for c in scheme.categories)
        known = next((c.label for other in schemes_of(subject) if (c := other.category(code))), code)
        raise ValueError(
            f"Loại “{known}” không dùng để xếp loại {SUBJECT_LABELS[subject]} năm {year} "
            f"(theo {scheme.basis}: {valid})."
        )
    return category


def parse(subject, year, text):
    """A category typed by people: full label, the label without its last words "nhiệm vụ" as
    offices often write it ("Hoàn thành tốt"), or abbreviation, any case or accents ("HTXSNV",
    "hoàn thành tốt nhiệm vụ", "TSVM"). Raises ValueError like `resolve`."""
    scheme = scheme_for(subject, year)
    wanted = search_key(text).replace(",", "").replace(".", "").strip()
    if scheme is not None:
        for category in scheme.categories:
            label = search_key(category.label).replace(",", "")
            names = {label, label.removesuffix(" nhiem vu"), search_key(category.abbreviation), category.code}
            if wanted in names:
                return category
    return resolve(subject, year, text)
