"""Congress targets (chỉ tiêu Đại hội) and how each is judged: the one rule, stated once on the
report (JUDGEMENT_RULE) and applied by `judge`.

A target is a `units.TermTarget` record; its key names what it measures. `MEASURES` says which
figure answers a target key and on what basis (the term's total, the lowest rated year, the mean
of the rated years); a key that is itself a figure's key is measured by that figure over the term.
A target whose key no figure answers is still listed, without a judgement.
"""

from dataclasses import dataclass
from decimal import Decimal

from partyblock.core.figures import FIGURES, value
from partyblock.core.text import rounded
from partyblock.reports.figures import plain_number, term_targets


@dataclass(frozen=True)
class Measure:
    figure: str  # the figure compared with the target
    basis: str  # how the figure reads the period, as the page says it
    section: str = ""  # the report section it belongs to (targets are listed in the report's order)
    at_most: bool = False  # a ceiling (e.g. members disciplined) rather than a floor


MEASURES = {
    "meeting_attendance_pct": Measure("meeting_attendance_pct", "cả kỳ", "sinh_hoat"),
    "breakthrough_tasks": Measure("breakthrough_tasks", "tổng số trong kỳ", "hoc_tap"),
    "admissions": Measure("admissions", "tổng số trong kỳ", "ket_nap"),
    "member_good_or_better_pct": Measure("member_good_or_better_min_pct", "năm thấp nhất", "xep_loai"),
    "tccs_good_or_better_pct": Measure("tccs_good_or_better_avg_pct", "bình quân các năm", "xep_loai"),
}
SECTION_ORDER = (
    "to_chuc",
    "van_ban",
    "sinh_hoat",
    "hoc_tap",
    "kiem_tra",
    "ket_nap",
    "xep_loai",
    "khen_thuong",
)

JUDGEMENT_RULE = (
    "Cách đánh giá chỉ tiêu: kết quả thực hiện được làm tròn (từ 5 trở lên làm tròn lên) đến cùng số "
    "chữ số thập phân với chỉ tiêu rồi so với chỉ tiêu; “Đạt” khi không thấp hơn chỉ tiêu (không cao "
    "hơn, với chỉ tiêu mức tối đa). Ví dụ: 94,9% làm tròn thành 95% nên đạt chỉ tiêu 95%; 94,4% làm "
    "tròn thành 94% là chưa đạt. Chỉ tiêu tỷ lệ đảng viên “hằng năm” xét năm thấp nhất trong các năm "
    "đánh giá; chỉ tiêu tỷ lệ tổ chức cơ sở đảng xét bình quân các năm, như báo cáo của Đảng bộ Khối. Trong báo cáo năm, chỉ tiêu tính cho cả nhiệm kỳ "
    "(như số kết nạp) được so theo tiến độ: “đúng tiến độ” khi phần trăm chỉ tiêu đã đạt từ đầu nhiệm kỳ "
    "không thấp hơn phần trăm thời gian nhiệm kỳ đã qua."
)


def decimal_places(target):
    """Decimals the target is written with: 95 → 0, 12.5 → 1."""
    exponent = Decimal(target).normalize().as_tuple().exponent
    return max(0, -exponent)


def target_source(key):
    """What a target cell names as its source: the figure printing that target when there is one
    (`admissions_target`, `member_good_or_better_target_pct`), else the target's key."""
    figure = f"{key[:-4]}_target_pct" if key.endswith("_pct") else f"{key}_target"
    return figure if figure in FIGURES else f"target:{key}"


def judge(actual, target, at_most=False):
    """True (Đạt) / False (Chưa đạt) / None (nothing to compare), by JUDGEMENT_RULE."""
    if actual is None or target is None:
        return None
    shown = Decimal(str(rounded(actual, decimal_places(target))))  # 12.45 as people read it
    return shown <= Decimal(target) if at_most else shown >= Decimal(target)


def measure_of(key):
    if key in MEASURES:
        return MEASURES[key]
    figure = FIGURES.get(key)
    if figure is not None and not figure.params:
        return Measure(key, "tổng số trong kỳ")
    return None


@dataclass
class Judged:
    target: object  # the TermTarget
    measure: Measure | None
    actual: object
    met: bool | None

    @property
    def value(self):
        return plain_number(self.target.value)


def _report_order(target):
    measure = measure_of(target.key)
    if measure is None:
        return (2, 0, 0)
    known = list(MEASURES)
    section = SECTION_ORDER.index(measure.section) if measure.section in SECTION_ORDER else len(SECTION_ORDER)
    return (
        0 if target.key in MEASURES else 1,
        section,
        known.index(target.key) if target.key in known else 0,
    )


def in_report_order(stored):
    """Targets in the order of the report's sections (those no figure answers last)."""
    return sorted(stored, key=_report_order)


def judged_targets(scope):
    """Every target of the term with what the records say and the judgement, in the report's
    order (targets no figure answers last)."""
    rows = []
    for target in in_report_order(term_targets(scope)):
        measure = measure_of(target.key)
        actual = value(measure.figure, scope) if measure else None
        met = judge(actual, target.value, measure.at_most) if measure else None
        rows.append(Judged(target, measure, actual, met))
    return rows


# --- pace: a term's total target read part-way through (the admission pipeline board) ----------------
PACE_RULE = (
    "Cách tính tiến độ: kết nạp dự kiến = số đã kết nạp từ đầu kỳ + số quần chúng đã được chi bộ (và "
    "đảng ủy cơ sở) đề nghị, đang chờ quyết định hoặc chờ lễ kết nạp; so với chỉ tiêu tính theo số ngày "
    "đã qua (chỉ tiêu nhiệm kỳ × số ngày đã qua ÷ số ngày của nhiệm kỳ, làm tròn đến đơn vị); phần chỉ "
    "tiêu của một năm là phần ứng với số ngày của năm đó trong nhiệm kỳ."
)


def pro_rata(target, term, start, end):
    """The part of `term`'s total `target` that falls to the days from `start` to `end` (both
    counted, clipped to the term), in proportion to the days: a Decimal, 0 for no day."""
    start, end = max(start, term.starts_on), min(end, term.ends_on)
    if start > end or target is None:
        return Decimal(0)
    days = (end - start).days + 1
    return Decimal(str(target)) * days / ((term.ends_on - term.starts_on).days + 1)


def on_pace(projected, expected):
    """Whether `projected` reaches `expected` (the target pro rata, already rounded): JUDGEMENT_RULE
    applied to the pace."""
    return judge(projected, expected)


def pace_text(projected, expected, share):
    """ "dự kiến 130/120 theo tiến độ (chỉ tiêu cả kỳ 200)" as the board says it."""
    return f"dự kiến {projected} so với {expected} theo tiến độ" + (
        f" (chỉ tiêu cả kỳ {share})" if share is not None else ""
    )
