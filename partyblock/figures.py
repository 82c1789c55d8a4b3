"""The report figures: one function per key of DOMAIN.md §6, shared by `manage.py figures` and the
report pages. A figure either counts the records of a drill-down queryset (`records`) or derives a
value from other figures (`compute`); nothing is computed twice.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from members.queries import admissions_between, members_as_of
from units.models import GRASSROOTS_KINDS, OrganisationKind, Term
from units.queries import organisations_as_of


@dataclass
class Scope:
    """What a report covers: a period (a term or a year), the as-of day for headcounts, and the
    organisation (None: the whole Khối)."""

    starts_on: datetime.date
    ends_on: datetime.date
    as_of: datetime.date
    organisation: object = None
    term: Term | None = None
    cache: dict = field(default_factory=dict, repr=False)

    @classmethod
    def for_term(cls, term, as_of=None, organisation=None):
        return cls(term.starts_on, term.ends_on, as_of or term.ends_on, organisation, term)

    @classmethod
    def for_year(cls, year, as_of=None, organisation=None):
        end = datetime.date(year, 12, 31)
        return cls(datetime.date(year, 1, 1), end, as_of or end, organisation)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    records: object = None  # scope -> queryset whose count is the figure (and its drill-down)
    compute: object = None  # scope -> value, for figures derived from others

    def value(self, scope):
        if self.key not in scope.cache:
            if self.records is not None:
                scope.cache[self.key] = self.records(scope).count()
            else:
                scope.cache[self.key] = self.compute(scope)
        return scope.cache[self.key]


FIGURES = {}


def register(key, label, *, records=None, compute=None):
    FIGURES[key] = Figure(key, label, records, compute)


def value(key, scope):
    return FIGURES[key].value(scope)


def percent(numerator, denominator, places=1):
    """Percentage rounded half-up (as people round, not banker's rounding); None when undefined."""
    if not denominator:
        return None
    exact = Decimal(numerator) * 100 / Decimal(denominator)
    return float(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _term_target(key):
    def compute(scope):
        target = scope.term.target(key) if scope.term else None
        return None if target is None else float(target) if target % 1 else int(target)

    return compute


# --- structure (units) ---------------------------------------------------------------------------
register(
    "tccs",
    "Tổ chức cơ sở đảng",
    records=lambda s: organisations_as_of(s.as_of, GRASSROOTS_KINDS, within=s.organisation),
)
register(
    "tccs_dang_bo_co_so",
    "Đảng bộ cơ sở",
    records=lambda s: organisations_as_of(s.as_of, [OrganisationKind.DANG_BO_CO_SO], within=s.organisation),
)
register(
    "tccs_chi_bo_co_so",
    "Chi bộ cơ sở",
    records=lambda s: organisations_as_of(s.as_of, [OrganisationKind.CHI_BO_CO_SO], within=s.organisation),
)
register(
    "chi_bo_truc_thuoc",
    "Chi bộ trực thuộc đảng bộ cơ sở",
    records=lambda s: organisations_as_of(
        s.as_of, [OrganisationKind.CHI_BO_TRUC_THUOC], within=s.organisation
    ),
)

# --- membership (members) ------------------------------------------------------------------------
register("members", "Đảng viên", records=lambda s: members_as_of(s.as_of, within=s.organisation))
register(
    "admissions",
    "Kết nạp đảng viên mới",
    records=lambda s: admissions_between(s.starts_on, min(s.ends_on, s.as_of), within=s.organisation),
)
register("admissions_target", "Chỉ tiêu kết nạp", compute=_term_target("admissions"))


def _admissions_over_target(scope):
    target = value("admissions_target", scope)
    if not target:
        return None
    exact = (Decimal(value("admissions", scope)) / Decimal(target) - 1) * 100
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


register("admissions_over_target_pct", "Vượt chỉ tiêu kết nạp (%)", compute=_admissions_over_target)


def compute_all(scope, keys=None):
    """Every figure (or those in `keys`) for `scope`, in registration order."""
    return {key: FIGURES[key].value(scope) for key in (keys or FIGURES)}
