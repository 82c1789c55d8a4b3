"""The report figures of DOMAIN.md §6 on inspection and supervision, registered in
`partyblock.core.figures` when `InspectionsConfig.ready` imports this module.

Each is a queryset over the scope's period by decision date (up to `scope.activity_end`, like the other
activity figures), narrowed to subjects inside `scope.organisation` when one is given.
"""

import functools
from collections import defaultdict

from django.db.models import Count, Q

from members.models import Member
from partyblock.core import figures
from partyblock.core.figures import cache_key
from units.models import Organisation

from . import queries
from .models import RECORDS_PERMISSION, DisciplineForm, InspectionKind, LetterKind, LetterStatus

# Every figure here counts inspection records: only users who may read them see it (page, drill-down,
# xlsx, `manage.py figures --user`).
register = functools.partial(figures.register, permission=RECORDS_PERMISSION)


def _period(queryset_function):
    return lambda s: queryset_function(s.starts_on, s.activity_end, within=s.within)


# The figures that count the distinct organisations or members that were subjects of the period's
# records (an organisation inspected twice is one organisation; its drill-down lists it once): key ->
# (records(start, end), Organisation or Member), filled by `register_subjects`.
SUBJECT_FIGURES = {}


def register_subjects(key, label, records, model):
    """A figure of the distinct `model` subjects of `records(start, end)` inside the scope's
    organisation (`queries.distinct_subjects`, its drill-down), counted with every other such
    figure by `_subjects_batch`."""
    SUBJECT_FIGURES[key] = (records, model)
    register(
        key,
        label,
        records=lambda s: queries.distinct_subjects(records(s.starts_on, s.activity_end), model, s.within),
        batch=_subjects_batch,
    )


def _subjects_batch(scope):
    """Every `SUBJECT_FIGURES` figure of the scope in one query per kind of record (inspections,
    supervisions): the tests of the scope's organisation are built and run once, not per figure."""
    by_records = defaultdict(dict)
    for key, (records, model) in SUBJECT_FIGURES.items():
        found = records(scope.starts_on, scope.activity_end)
        by_records[found.model][key] = (found, model)
    cells = {}
    for wanted in by_records.values():
        counts = queries.distinct_subject_counts(wanted, scope.within)
        cells.update({cache_key(key, {}): n for key, n in counts.items()})
    return cells


def _ubkt(kind):
    """The UBKT's inspections of `kind` in [start, end]."""
    return lambda start, end: queries.ubkt_inspections(start, end, kind)


register(
    "committee_inspections",
    "Cuộc kiểm tra của Đảng ủy Khối",
    records=_period(queries.committee_inspections),
)
register_subjects(
    "committee_inspected_orgs",
    "Tổ chức đảng được Đảng ủy Khối kiểm tra",
    queries.committee_inspections,
    Organisation,
)
register(
    "thematic_supervisions",
    "Cuộc giám sát chuyên đề của Đảng ủy Khối",
    records=_period(queries.thematic_supervisions),
)
register_subjects(
    "supervised_orgs",
    "Tổ chức đảng được giám sát chuyên đề",
    queries.thematic_supervisions,
    Organisation,
)
register_subjects(
    "supervised_members",
    "Đảng viên được giám sát chuyên đề",
    queries.thematic_supervisions,
    Member,
)
register_subjects(
    "violation_inspected_orgs",
    "Tổ chức đảng được UBKT kiểm tra khi có dấu hiệu vi phạm",
    _ubkt(InspectionKind.VIOLATION),
    Organisation,
)
register_subjects(
    "violation_inspected_members",
    "Đảng viên được UBKT kiểm tra khi có dấu hiệu vi phạm",
    _ubkt(InspectionKind.VIOLATION),
    Member,
)
register_subjects(
    "duty_inspected_orgs",
    "Tổ chức đảng được UBKT kiểm tra thực hiện nhiệm vụ kiểm tra, giám sát",
    _ubkt(InspectionKind.DUTIES),
    Organisation,
)
register_subjects(
    "discipline_enforcement_members",
    "Đảng viên được UBKT kiểm tra việc thi hành kỷ luật",
    _ubkt(InspectionKind.DISCIPLINE_ENFORCEMENT),
    Member,
)
register_subjects(
    "discipline_enforcement_committees",
    "Cấp ủy được UBKT kiểm tra việc thi hành kỷ luật",
    _ubkt(InspectionKind.DISCIPLINE_ENFORCEMENT),
    Organisation,
)


register(
    "inspection_violations_found",
    "Lượt đối tượng kiểm tra được kết luận có vi phạm",
    records=_period(queries.violations_found),
)
register(
    "discipline_after_inspection",
    "Quyết định kỷ luật sau kiểm tra",
    records=_period(queries.discipline_after_inspection),
    batch=lambda s: _decisions_batch(s),
)
register(
    "tccs_own_inspections",
    "Cuộc kiểm tra do cấp ủy cơ sở tiến hành",
    records=_period(queries.grassroots_inspections),
)


# Counts behind the report's discipline and letter tables (parametrised: not printed by the command).
def _decisions(scope, form=None, subject=None):
    decisions = queries.discipline_decisions_between(scope.starts_on, scope.activity_end, within=scope.within)
    if form:
        decisions = decisions.filter(form=form)
    if subject == "member":
        decisions = decisions.filter(member__isnull=False)
    elif subject == "organisation":
        decisions = decisions.filter(organisation__isnull=False)
    return decisions


def _letters(scope, kind=None, status=None, overdue=None):
    letters = queries.letters_received_between(scope.starts_on, scope.activity_end, within=scope.within)
    if kind:
        letters = letters.filter(kind=kind)
    if status:
        letters = letters.filter(status=status)
    if overdue:
        letters = letters.filter(pk__in=queries.letters_overdue(scope.activity_end).values("pk"))
    return letters


def _decisions_batch(scope):
    """The report's discipline cells (all decisions, by form, by subject, after an inspection) from
    one grouped query over `_decisions(scope)`, each counting what its drill-down lists."""
    rows = (
        _decisions(scope)
        .values("form")
        .annotate(
            n=Count("*"),
            member=Count("pk", filter=Q(member__isnull=False)),
            organisation=Count("pk", filter=Q(organisation__isnull=False)),
            after_inspection=Count("pk", filter=Q(inspection__isnull=False)),
        )
        .order_by()
    )
    found = {row["form"]: row for row in rows}
    cells = {cache_key("discipline_decisions", {"form": form}): 0 for form in DisciplineForm.values}
    cells.update({cache_key("discipline_decisions", {"form": form}): row["n"] for form, row in found.items()})
    cells[cache_key("discipline_decisions", {})] = sum(row["n"] for row in found.values())
    for subject in ("member", "organisation"):
        cells[cache_key("discipline_decisions", {"subject": subject})] = sum(
            row[subject] for row in found.values()
        )
    cells[cache_key("discipline_after_inspection", {})] = sum(
        row["after_inspection"] for row in found.values()
    )
    return cells


def _letters_batch(scope):
    """The report's letter cells (all letters, by kind and status, overdue at the period's end) from
    one grouped query over `_letters(scope)`."""
    rows = (
        _letters(scope)
        .values("kind", "status")
        .annotate(
            n=Count("*"),
            overdue=Count("pk", filter=Q(pk__in=queries.letters_overdue(scope.activity_end).values("pk"))),
        )
        .order_by()
    )
    found = {(row["kind"], row["status"]): row for row in rows}
    cells = {
        cache_key("letters", {"kind": kind, "status": status}): found[kind, status]["n"]
        if (kind, status) in found
        else 0
        for kind in LetterKind.values
        for status in LetterStatus.values
    }
    cells[cache_key("letters", {})] = sum(row["n"] for row in found.values())
    cells[cache_key("letters", {"overdue": "1"})] = sum(row["overdue"] for row in found.values())
    return cells


register(
    "discipline_decisions",
    "Quyết định kỷ luật",
    records=_decisions,
    params=["form", "subject"],
    batch=_decisions_batch,
)
register(
    "letters",
    "Đơn thư khiếu nại, tố cáo",
    records=_letters,
    params=["kind", "status", "overdue"],
    batch=_letters_batch,
)
