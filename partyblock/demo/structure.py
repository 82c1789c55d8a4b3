"""Demo organisation tree: the Khối as the 2015–2020 term report describes it at the term's end
(68 TCCS: 47 đảng bộ cơ sở and 21 chi bộ cơ sở; 393 chi bộ trực thuộc), with the changes of the
term that make the counts differ by date: TCCS founded during the term, one chi bộ cơ sở merged into
another, and a few chi bộ trực thuộc merged into a sibling."""

import datetime
from dataclasses import dataclass, field

from units.models import Organisation, OrganisationKind, Term, TermTarget
from units.services import organisation_move, superior_change

from .names import (
    AGENCIES,
    DEPARTMENTS_BUSINESS,
    DEPARTMENTS_HOSPITAL,
    DEPARTMENTS_OFFICE,
    DEPARTMENTS_SCHOOL,
)

TERM_START = datetime.date(2015, 7, 15)
TERM_END = datetime.date(2020, 7, 31)
BLOC_FOUNDED = datetime.date(1991, 3, 1)

DANG_BO_COUNT = 47
CHI_BO_CO_SO_COUNT = 21
CHI_BO_TRUC_THUOC_COUNT = 393

# TCCS founded during the term (index in AGENCIES -> founding date): the party organisation of an
# agency that joined the Khối, with the members it brought along.
FOUNDED_IN_TERM = {
    42: datetime.date(2016, 3, 1),
    43: datetime.date(2017, 2, 1),
    44: datetime.date(2017, 3, 15),
    45: datetime.date(2018, 1, 15),
    46: datetime.date(2019, 2, 1),
    65: datetime.date(2016, 5, 1),
    66: datetime.date(2018, 9, 1),
    67: datetime.date(2019, 10, 1),
}
MERGED_TCCS_INDEX = 68  # a chi bộ cơ sở merged into another during the term
MERGED_TCCS_INTO_INDEX = 60
MERGED_TCCS_ON = datetime.date(2017, 7, 1)
# Chi bộ trực thuộc merged into a sibling during the term: (đảng bộ index, date).
MERGED_CHI_BO = [
    (3, datetime.date(2016, 9, 1)),
    (12, datetime.date(2018, 4, 1)),
    (30, datetime.date(2019, 6, 1)),
]


@dataclass
class Holder:
    """A chi bộ that holds members, with the demo plan for it."""

    organisation: Organisation
    tccs: Organisation
    target_end_members: int = 0
    merged_into: "Holder | None" = None
    merged_on: datetime.date | None = None
    end_slots: list = field(default_factory=list)

    @property
    def founded_on(self):
        return self.organisation.founded_on

    @property
    def founded_in_term(self):
        return self.founded_on > TERM_START


def _departments(agency):
    if agency.startswith(("Bệnh viện", "Trung tâm Kiểm soát")):
        return DEPARTMENTS_HOSPITAL
    if agency.startswith("Trường"):
        return DEPARTMENTS_SCHOOL
    if agency.startswith(("Công ty", "Ngân hàng", "Viễn thông", "Bưu điện")):
        return DEPARTMENTS_BUSINESS
    return DEPARTMENTS_OFFICE


def _party_name(kind, agency):
    prefix = "Đảng bộ" if kind == OrganisationKind.DANG_BO_CO_SO else "Chi bộ"
    return f"{prefix} {agency}"


def _save(organisation):
    organisation.full_clean()
    organisation.save()
    return organisation


def _random_date(rng, start, end):
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def chi_bo_counts(rng):
    """Split the 393 chi bộ trực thuộc (plus the merged ones) over the 47 đảng bộ, 4 to 15 each."""
    counts = [4] * DANG_BO_COUNT
    extra = {index for index, _ in MERGED_CHI_BO}
    remaining = CHI_BO_TRUC_THUOC_COUNT - sum(counts)
    while remaining:
        index = rng.randrange(DANG_BO_COUNT)
        if counts[index] < 15:
            counts[index] += 1
            remaining -= 1
    return [c + (1 if i in extra else 0) for i, c in enumerate(counts)]


def build_structure(rng):
    """Create the tree and the term; return (root, holders, term)."""
    root = _save(
        Organisation(
            code="KHOI",
            name="Đảng bộ Khối các cơ quan tỉnh",
            kind=OrganisationKind.BLOC,
            agency="Đảng ủy Khối các cơ quan tỉnh",
            founded_on=BLOC_FOUNDED,
        )
    )
    holders = []
    tccs_by_index = {}
    counts = chi_bo_counts(rng)
    for index, agency in enumerate(AGENCIES):
        kind = OrganisationKind.DANG_BO_CO_SO if index < DANG_BO_COUNT else OrganisationKind.CHI_BO_CO_SO
        founded = FOUNDED_IN_TERM.get(index) or _random_date(
            rng, datetime.date(1992, 1, 1), datetime.date(2011, 12, 31)
        )
        number = index + 1 if kind == OrganisationKind.DANG_BO_CO_SO else index + 1 - DANG_BO_COUNT
        code = f"DB{number:02d}" if kind == OrganisationKind.DANG_BO_CO_SO else f"CB{number:02d}"
        tccs = _save(
            Organisation(
                code=code,
                name=_party_name(kind, agency),
                kind=kind,
                parent=root,
                agency=agency,
                founded_on=founded,
            )
        )
        tccs_by_index[index] = tccs
        if kind == OrganisationKind.CHI_BO_CO_SO:
            holders.append(Holder(organisation=tccs, tccs=tccs))
            continue
        departments = _departments(agency)
        for number_in_tccs in range(counts[index]):
            department = departments[number_in_tccs % len(departments)]
            if number_in_tccs >= len(departments):
                department = f"{department} {number_in_tccs // len(departments) + 1}"
            chi_bo_founded = (
                founded
                if rng.random() < 0.7 or founded > TERM_START
                else _random_date(rng, founded, datetime.date(2012, 12, 31))
            )
            chi_bo = _save(
                Organisation(
                    code=f"{code}-{number_in_tccs + 1:02d}",
                    name=f"Chi bộ {department}",
                    kind=OrganisationKind.CHI_BO_TRUC_THUOC,
                    parent=tccs,
                    agency=agency,
                    founded_on=chi_bo_founded,
                )
            )
            holders.append(Holder(organisation=chi_bo, tccs=tccs))

    by_org = {h.organisation.pk: h for h in holders}
    merged = by_org[tccs_by_index[MERGED_TCCS_INDEX].pk]
    merged.merged_into, merged.merged_on = by_org[tccs_by_index[MERGED_TCCS_INTO_INDEX].pk], MERGED_TCCS_ON
    for tccs_index, on in MERGED_CHI_BO:
        siblings = [h for h in holders if h.tccs.pk == tccs_by_index[tccs_index].pk]
        siblings[-1].merged_into, siblings[-1].merged_on = siblings[0], on

    term = Term.objects.create(
        label="2015-2020", congress_ordinal="VIII", starts_on=TERM_START, ends_on=TERM_END
    )
    TermTarget.objects.bulk_create(
        [
            TermTarget(
                term=term,
                key="admissions",
                description="Kết nạp đảng viên mới trong nhiệm kỳ",
                value=750,
                unit="đảng viên",
            ),
            TermTarget(
                term=term,
                key="member_good_or_better_pct",
                description="Đảng viên hoàn thành tốt nhiệm vụ trở lên hằng năm",
                value=95,
                unit="%",
            ),
            TermTarget(
                term=term,
                key="tccs_good_or_better_pct",
                description="TCCS đảng đạt trong sạch, vững mạnh, hoàn thành tốt nhiệm vụ trở lên hằng năm",
                value=80,
                unit="%",
            ),
        ]
    )
    next_term(term)
    return root, holders, term


NEXT_TERM_TARGETS = [
    ("admissions", "Kết nạp đảng viên mới trong nhiệm kỳ", 1000, "đảng viên"),
    ("member_good_or_better_pct", "Đảng viên hoàn thành tốt nhiệm vụ trở lên hằng năm", 95, "%"),
    ("tccs_good_or_better_pct", "TCCS đảng hoàn thành tốt nhiệm vụ trở lên hằng năm", 90, "%"),
    ("meeting_attendance_pct", "Tỷ lệ cấp ủy viên, đảng viên dự sinh hoạt chi bộ", 92, "%"),
    ("breakthrough_tasks", "Công việc đột phá cấp ủy, chi bộ đăng ký trong nhiệm kỳ", 340, "việc"),
]


def next_term(previous):
    """Congress IX (2020-2025), the term that follows, with the targets it set: the report of the
    2015-2020 term lists them under "Phương hướng nhiệm kỳ tới" and the IX term's report judges them.
    (Demo values, not the Khối's published ones.)"""
    term = Term(
        label="2020-2025",
        congress_ordinal="IX",
        starts_on=previous.ends_on + datetime.timedelta(days=1),
        ends_on=datetime.date(2025, 7, 31),
    )
    term.full_clean()
    term.save()
    TermTarget.objects.bulk_create(
        [
            TermTarget(term=term, key=key, description=description, value=value, unit=unit)
            for key, description, value, unit in NEXT_TERM_TARGETS
        ]
    )
    return term


def close_merged(holders):
    """Mark merged organisations closed once their members have been transferred away."""
    for holder in holders:
        if holder.merged_into is not None:
            organisation = holder.organisation
            organisation.dissolved_on = holder.merged_on
            organisation.merged_into = holder.merged_into.organisation
            _save(organisation)


# After the term, a department of one agency went to another and its chi bộ with it (issue 15):
# the 2015-2020 figures, of the Khối and of both đảng bộ, must read the same as before the move.
RESTRUCTURED_CHI_BO, RESTRUCTURED_TO = "DB07-01", "DB08"
RESTRUCTURED_ON = datetime.date(2022, 1, 1)


def restructure_after_term():
    """Move one chi bộ trực thuộc to another đảng bộ cơ sở after the term (a dated move)."""
    return organisation_move(
        organisation=Organisation.objects.get(code=RESTRUCTURED_CHI_BO),
        parent=Organisation.objects.get(code=RESTRUCTURED_TO),
        on=RESTRUCTURED_ON,
        decision_number="15-QĐ/ĐUK",
    )


# The Khối's superior, outside its tree (DOMAIN.md §1): the provincial committee of Hải Dương until
# the provinces merged on 01/07/2025 (Hải Dương into Hải Phòng), the city's from that day. Printed
# reports read it for their own day (`partyblock.reports.document_form`).
SUPERIORS = [
    (None, "Tỉnh ủy Hải Dương", "Hải Dương"),
    (datetime.date(2025, 7, 1), "Thành ủy Hải Phòng", "Hải Phòng"),
]


def record_superiors(root):
    for on, name, place in SUPERIORS:
        superior_change(organisation=root, name=name, place=place, on=on)
