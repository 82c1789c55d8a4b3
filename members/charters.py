"""How long probation lasted under the Party Charter (Điều lệ Đảng) in force on the day a member was
admitted: data keyed by the day each charter was adopted, and the one rule on a recognition's days
(`probation`, `Probation.effective`, `Probation.enforced`), read by the lifecycle's recognition
check (`members.lifecycle.replay`), the members import (its "Ngày chính thức" check), the
recognition deadline (`members.deadlines`) and the to-dos.

Twelve months for everyone is the Charter of 2011 (Điều 5.1). Earlier charters set other lengths,
some by social group (the 1930 short charter: workers 3 months; poor craftsmen, peasants and
soldiers 6; students and others 9). The group a member was admitted as is not recorded, so any of a
charter's lengths is accepted. Where a charter's length could not be confirmed (`months` None), the
recognition is taken as recorded and warned about, never refused (docs/rules.md, *chưa xác nhận*).
"""

import datetime
from dataclasses import dataclass
from functools import cached_property

from partyblock.core.workdays import add_months

CURRENT_MONTHS = 12


@dataclass(frozen=True)
class Charter:
    name: str
    adopted_on: datetime.date
    months: tuple | None  # the probation lengths it set (by social group); None: not confirmed
    source: str = ""

    @property
    def confirmed(self):
        return self.months is not None

    @property
    def is_current_rule(self):
        """Twelve months for everyone: the rule applied without question."""
        return self.months == (CURRENT_MONTHS,)

    @property
    def default_months(self):
        """The length assumed when a record does not say: the longest the charter allows, 12
        months when not confirmed."""
        return max(self.months) if self.months else CURRENT_MONTHS


D = datetime.date
CHARTERS = (
    Charter(
        "Điều lệ vắn tắt của Đảng (1930)",
        D(1930, 2, 3),
        (3, 6, 9),
        "Điều lệ vắn tắt, mục III “Lệ vào Đảng” (thợ 3 tháng; thủ công nghiệp nghèo, dân cày, lính 6 tháng; "
        "học sinh, các giai cấp khác 9 tháng)",
    ),
    Charter("Điều lệ Đảng Cộng sản Đông Dương (10/1930)", D(1930, 10, 31), None),
    Charter("Điều lệ Đảng (Đại hội I, 1935)", D(1935, 3, 31), None),
    Charter("Điều lệ Đảng Lao động Việt Nam (Đại hội II, 1951)", D(1951, 2, 19), None),
    Charter("Điều lệ Đảng (Đại hội III, 1960)", D(1960, 9, 10), None),
    Charter("Điều lệ Đảng (Đại hội IV, 1976)", D(1976, 12, 20), None),
    Charter("Điều lệ Đảng (Đại hội V, 1982)", D(1982, 3, 31), None),
    Charter("Điều lệ Đảng (Đại hội VI, 1986)", D(1986, 12, 18), None),
    Charter("Điều lệ Đảng (Đại hội VII, 1991)", D(1991, 6, 27), None),
    Charter("Điều lệ Đảng (Đại hội VIII, 1996)", D(1996, 7, 1), None),
    Charter("Điều lệ Đảng (Đại hội IX, 2001)", D(2001, 4, 22), None),
    Charter("Điều lệ Đảng (Đại hội X, 2006)", D(2006, 4, 25), None),
    Charter(
        "Điều lệ Đảng (Đại hội XI, 2011)",
        D(2011, 1, 19),
        (CURRENT_MONTHS,),
        "Điều lệ Đảng 2011 Điều 5.1 (thời kỳ dự bị mười hai tháng, tính từ ngày lễ kết nạp)",
    ),
)


def charter_on(ceremony):
    """The charter in force on the day of the admission ceremony (the earliest one before 1930)."""
    found = CHARTERS[0]
    for charter in CHARTERS:
        if charter.adopted_on <= ceremony:
            found = charter
    return found


def probation_ends(ceremony):
    """The day probation ends for a member admitted on `ceremony`, as assumed when the record does
    not say: the charter's longest length (12 months when not confirmed)."""
    return add_months(ceremony, charter_on(ceremony).default_months)


@dataclass(frozen=True)
class Probation:
    """The probation of a member whose admission ceremony was on `ceremony`, under `charter` (the
    one in force that day)."""

    ceremony: datetime.date
    charter: Charter

    @cached_property  # read three or four times per admission checked (an import checks thousands)
    def ends(self):
        """The days it may end, earliest first: one per length the charter set (12 months when the
        charter's length is not confirmed)."""
        return tuple(
            sorted(add_months(self.ceremony, months) for months in self.charter.months or (CURRENT_MONTHS,))
        )

    @property
    def earliest(self):
        """No recognition may be decided before this day (where `enforced`)."""
        return self.ends[0]

    @property
    def enforced(self):
        """The rule: a recognition decided before `earliest`, or taking effect on another day than
        one of `ends`, is refused where the charter's length is confirmed, and kept as recorded
        with a warning where it is not (docs/rules.md)."""
        return self.charter.confirmed

    def effective(self, decided=None):
        """The day a recognition decided on `decided` (None: not said) takes effect: of a confirmed
        charter, the longest probation ended by the decision (effective at its end even if decided
        later); of one not confirmed, 12 months, or the decision's day when earlier."""
        if self.enforced:
            fitting = [end for end in self.ends if decided is None or end <= decided]
            return fitting[-1] if fitting else self.ends[-1]
        due = self.ends[0]
        return decided if decided is not None and decided < due else due


def probation(ceremony):
    """The `Probation` of a member admitted at a ceremony on `ceremony`."""
    return Probation(ceremony, charter_on(ceremony))
