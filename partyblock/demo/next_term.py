"""Congress IX (2020-2025) as records: the term that follows the reference report, filled through
the same generators and services as 2015-2020 so that its term report and the year reports
2021-2025 have something to say.

Built after everything else of the demo (`build_demo`), with a random generator of its own, so the
2015-2020 records, and every figure of the reference report, are exactly what they were: every
record written here takes effect after 31/07/2020. What is typed in is the plan below (how many
admissions each year, how many leave, the shares of the ratings); the figures come out of the
records.

- Members: new admissions each year (new people admitted in a chi bộ of the Khối and recognised
  12 months later; `Story` and `write_members`, checked by `replay`), members transferred in from
  outside, and among the members already there deaths, removals, resignations, transfers out and
  moves between chi bộ (their whole history replayed with the new event). Members admitted in the
  last year of the 2015-2020 term are recognised when their probation ends, a few late.
- Ratings of 2020-2025 through the rating services, for exactly those who must be rated; awards,
  badges on each award day (`members.badges.badges_due`), breakthrough tasks, chi bộ meetings, the
  Khối's documents, and the inspection registers through the inspection services.

Admissions: the candidate pipeline of the demo (issue 20) may admit members of these years too; the
plan is the year's total, so what is already admitted when this runs is counted in it, not added on
top.
"""

import datetime
import random
from collections import defaultdict
from types import SimpleNamespace

from members.badges import AWARD_DAYS, badges_due
from members.lifecycle import add_months, replay
from members.models import (
    Award,
    AwardForm,
    EndingGround,
    EventKind,
    IssuingBody,
    Member,
    MemberCard,
    MemberEvent,
    MembershipPeriod,
    MembershipStatus,
    PartyBadge,
    WorkSector,
)
from members.queries import admissions_between, periods_to_rate
from members.services import member_ratings_save, periods_replace_bulk
from partyblock.core import rating_schemes
from units.models import (
    GRASSROOTS_KINDS,
    BreakthroughTask,
    Document,
    DocumentKind,
    Organisation,
    OrganisationKind,
    TaskResult,
    Term,
)
from units.queries import organisations_to_rate
from units.services import organisation_ratings_save

from .inspections import build_next_term_registers
from .membership import OUTSIDE_PARTIES, MembershipPlanner, write_members
from .recognition import TASK_TITLES, meetings_between

SEED = 20202025
D = datetime.date
TERM_START, TERM_END = D(2020, 8, 1), D(2025, 7, 31)
# Records run to the end of 2025 so that the year report of 2025 is whole, and decisions that fell
# due before the demo's last recorded day (the letters of 2026) are taken.
LAST_DAY = D(2025, 12, 31)
DECIDED_BY = D(2026, 10, 31)
YEARS = range(2020, 2026)
# The year's window: 2020 from the congress (the months before belong to 2015-2020).
WINDOWS = {year: (max(D(year, 1, 1), TERM_START), D(year, 12, 31)) for year in YEARS}

ADMISSIONS = {2020: 92, 2021: 214, 2022: 221, 2023: 216, 2024: 208, 2025: 212}
ARRIVALS = {2020: 8, 2021: 18, 2022: 16, 2023: 17, 2024: 15, 2025: 14}
LEAVERS = {
    EventKind.DEATH: {2020: 3, 2021: 8, 2022: 7, 2023: 9, 2024: 8, 2025: 7},
    EventKind.REMOVAL: {2021: 2, 2022: 1, 2023: 2, 2024: 1, 2025: 1},
    EventKind.RESIGNATION: {2022: 1, 2024: 1},
    EventKind.TRANSFER_OUT: {2020: 12, 2021: 30, 2022: 28, 2023: 31, 2024: 27, 2025: 26},
}
LEAVER_GROUNDS = {
    EventKind.REMOVAL: EndingGround.LEFT_ACTIVITY,
    EventKind.RESIGNATION: EndingGround.FAMILY_HARDSHIP,
}
INTERNAL_TRANSFERS = {2020: 8, 2021: 22, 2022: 20, 2023: 24, 2024: 19, 2025: 18}
# Admitted in the Khối's enterprises, some since equitised: outside the state sector.
BUSINESSES = ("Công ty", "Ngân hàng TMCP")
NON_STATE_SHARE = 0.4
LATE_RECOGNITIONS = 3  # members of the 2019-2020 intake left unrecognised past the deadline

RATED_YEARS = range(2020, 2026)
MEMBER_GOOD_SHARE = {2020: 95.6, 2021: 95.9, 2022: 96.2, 2023: 96.0, 2024: 96.4, 2025: 96.7}
TCCS_BELOW_GOOD = {2020: 1, 2021: 2, 2022: 1, 2023: 1, 2024: 0, 2025: 1}
EXCELLENT_SHARE_OF_GOOD = 0.16
# TCCS awards per rated year: (form, body, how many).
AWARDS = [("co-thi-dua", "tinh-uy", 1), ("bang-khen", "tinh-uy", 9), ("giay-khen", "btv-dang-uy-khoi", 21)]
TASKS_PER_YEAR = 68
# The congress's own breakthroughs, registered by the Khối's committee in its first full year.
CONGRESS_BREAKTHROUGHS = [
    "Đột phá về chuyển đổi số trong hoạt động của các cơ quan, tổ chức đảng",
    "Đột phá về nâng cao chất lượng sinh hoạt chi bộ và phát triển đảng viên trẻ",
    "Đột phá về siết chặt kỷ luật, kỷ cương, trách nhiệm nêu gương của người đứng đầu",
]
DOCUMENTS = [
    (
        DocumentKind.RESOLUTION,
        "01-NQ/ĐUK",
        D(2020, 10, 20),
        "Nghị quyết về chuyển đổi số trong các cơ quan, tổ chức đảng",
    ),
    (
        DocumentKind.RESOLUTION,
        "05-NQ/ĐUK",
        D(2021, 9, 15),
        "Nghị quyết về nâng cao chất lượng sinh hoạt chi bộ",
    ),
    (DocumentKind.CONCLUSION, "03-KL/ĐUK", D(2021, 3, 22), "Kết luận về công tác phát triển đảng viên trẻ"),
    (
        DocumentKind.CONCLUSION,
        "12-KL/ĐUK",
        D(2022, 6, 10),
        "Kết luận về thực hiện Quy định 144-QĐ/TW về chuẩn mực đạo đức",
    ),
    (
        DocumentKind.CONCLUSION,
        "20-KL/ĐUK",
        D(2023, 8, 28),
        "Kết luận về trách nhiệm nêu gương của người đứng đầu",
    ),
    (
        DocumentKind.DIRECTIVE,
        "02-CT/ĐUK",
        D(2022, 2, 14),
        "Chỉ thị về tăng cường kỷ luật, kỷ cương hành chính",
    ),
    (
        DocumentKind.PROJECT,
        "01-ĐA/ĐUK",
        D(2021, 5, 4),
        "Đề án chuyển đổi số trong công tác đảng giai đoạn 2021-2025",
    ),
    (
        DocumentKind.PLAN,
        "120-KH/ĐUK",
        D(2024, 9, 9),
        "Kế hoạch tổ chức đại hội đảng bộ cơ sở nhiệm kỳ 2025-2030",
    ),
]


def _day_in(rng, start, end):
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


class NextTermPlanner(MembershipPlanner):
    """The 2015-2020 planner's people and stories, knowing the numbers already issued."""

    def __init__(self, rng):
        super().__init__(rng, [])
        self.national_ids = set(
            Member.objects.exclude(national_id=None).values_list("national_id", flat=True)
        )
        self.card_numbers = set(MemberCard.objects.values_list("number", flat=True))


def _chi_bo():
    """Chi bộ that hold members and are still open after the congress, in tree order."""
    return list(
        Organisation.objects.filter(
            kind__in=[OrganisationKind.CHI_BO_TRUC_THUOC, OrganisationKind.CHI_BO_CO_SO], dissolved_on=None
        ).order_by("path")
    )


def _new_members(rng, chi_bo):
    """New admissions (the year's plan less what is already admitted) and arrivals from outside."""
    planner = NextTermPlanner(rng)
    for year in YEARS:
        start, end = WINDOWS[year]
        wanted = ADMISSIONS[year] - admissions_between(start, end).count()
        for _ in range(max(wanted, 0)):
            story = planner.person((1981, 2002))
            holder = SimpleNamespace(organisation=rng.choice(chi_bo))
            if holder.organisation.agency.startswith(BUSINESSES) and rng.random() < NON_STATE_SHARE:
                story.member.work_sector = WorkSector.NON_STATE  # an equitised firm
            ceremony = planner.ceremony_for(story, start, end)
            story.admit(rng, ceremony, holder=holder)
            if add_months(ceremony, 12) + datetime.timedelta(days=40) <= DECIDED_BY:
                story.recognise(rng, ceremony)
        for _ in range(ARRIVALS[year]):
            planner._arrival(SimpleNamespace(organisation=rng.choice(chi_bo)), on=_day_in(rng, start, end))
    return write_members(planner)


def _amend(changes):
    """Add events to members already written: `changes` maps a member id to its new events. Each
    member's whole history is replayed with them (the rules apply to the new events) and its
    periods rewritten."""
    members = Member.objects.in_bulk(changes)
    history = defaultdict(list)
    for event in MemberEvent.objects.filter(member_id__in=changes).order_by("date", "pk"):
        history[event.member_id].append(event)
    organisations = {o.pk: o for o in Organisation.objects.all()}
    events, periods = [], {}
    for member_id, added in changes.items():
        for event in added:
            event.member = members[member_id]
        outcome = replay(members[member_id], history[member_id] + added, organisations, written=added)
        events.extend(added)
        periods[member_id] = outcome.rows
    MemberEvent.objects.bulk_create(events, batch_size=2000)
    periods_replace_bulk(periods)  # with their party age


def _pending_recognitions(rng):
    """{member id: [recognition]} for the members still probationary whose 12 months ended in time
    for a decision (the 2019-2020 intake, and members the candidate pipeline admitted): the chi bộ
    decided within its 30 working days, except for a few of the 2019-2020 intake whose decision is
    still awaited."""
    probationary = MembershipPeriod.objects.filter(ends_on=None, status=MembershipStatus.PROBATIONARY)
    ceremonies = dict(
        MemberEvent.objects.filter(kind=EventKind.ADMISSION, member_id__in=probationary.values("member_id"))
        .order_by("member_id", "date")
        .values_list("member_id", "date")
    )
    changes = {}
    late = 0
    for member_id, ceremony in sorted(ceremonies.items()):
        due = add_months(ceremony, 12)
        if due + datetime.timedelta(days=40) > DECIDED_BY:
            continue
        if ceremony < TERM_START and late < LATE_RECOGNITIONS:
            late += 1
            continue
        changes[member_id] = [
            MemberEvent(
                kind=EventKind.RECOGNITION,
                date=due,
                decision_date=due + datetime.timedelta(days=rng.randint(3, 35)),
                decision_number=f"{rng.randint(100, 999)}-QĐ/ĐUK",
            )
        ]
    return changes


def _existing_member_changes(rng, chi_bo, pending):
    """{member id: [event]}: deaths, removals, resignations, transfers out and moves between chi bộ
    among the official members there at the congress; each member changes at most once."""
    settled = list(
        MembershipPeriod.objects.filter(
            ends_on=None,
            organisation__isnull=False,
            status=MembershipStatus.OFFICIAL,
            is_exempt=False,
            is_suspended=False,
            on_temporary_transfer=False,
            starts_on__lt=TERM_START,
        )
        .exclude(member_id__in=pending)
        .order_by("member_id")
        .values_list("member_id", "organisation_id")
    )
    rng.shuffle(settled)
    changes = {}
    for year in YEARS:
        start, end = WINDOWS[year]
        for kind, per_year in LEAVERS.items():
            for _ in range(per_year.get(year, 0)):
                member_id, _ = settled.pop()
                fields = {"decision_number": f"{rng.randint(10, 99)}-QĐ/ĐUK"}
                if kind == EventKind.TRANSFER_OUT:
                    fields["other_party"] = rng.choice(OUTSIDE_PARTIES)
                else:
                    fields["ending_ground"] = LEAVER_GROUNDS.get(kind, "")
                changes[member_id] = [MemberEvent(kind=kind, date=_day_in(rng, start, end), **fields)]
        for _ in range(INTERNAL_TRANSFERS[year]):
            member_id, organisation_id = settled.pop()
            destination = rng.choice([c for c in chi_bo if c.pk != organisation_id])
            changes[member_id] = [
                MemberEvent(
                    kind=EventKind.TRANSFER,
                    date=_day_in(rng, start, end),
                    organisation=destination,
                    decision_number=f"{rng.randint(10, 99)}-QĐ/ĐUK",
                )
            ]
    return changes


def _codes(subject, year):
    scheme = rating_schemes.scheme_for(subject, year)
    return {category.level: category.code for category in scheme.categories}, scheme.scored


SCORES = {1: (90, 98), 2: (75, 89), 3: (55, 74), 4: (30, 49)}


def _choice(rng, codes, scored, level):
    return codes[level], (rng.randint(*SCORES[level]) if scored else None)


def _member_ratings(rng):
    for year in RATED_YEARS:
        codes, scored = _codes(rating_schemes.MEMBER, year)
        periods = list(periods_to_rate(year).select_related("organisation").order_by("member_id"))
        rng.shuffle(periods)
        good_count = round(MEMBER_GOOD_SHARE[year] * len(periods) / 100)
        good, rest = periods[:good_count], periods[good_count:]
        by_tccs = defaultdict(list)
        for period in good:
            by_tccs[period.organisation.grassroots_id].append(period)
        choices = {}
        for _, group in sorted(by_tccs.items()):
            excellent = int(len(group) * EXCELLENT_SHARE_OF_GOOD)
            for position, period in enumerate(group):
                choices[period.member_id] = _choice(rng, codes, scored, 1 if position < excellent else 2)
        failures = max(1, len(periods) // 400)
        for position, period in enumerate(rest):
            choices[period.member_id] = _choice(rng, codes, scored, 4 if position < failures else 3)
        member_ratings_save(year=year, choices=choices)


def _organisation_ratings(rng):
    for year in RATED_YEARS:
        codes, scored = _codes(rating_schemes.ORGANISATION, year)
        organisations = list(organisations_to_rate(year).order_by("path"))
        tccs = [o.pk for o in organisations if o.kind in GRASSROOTS_KINDS]
        below = set(rng.sample(tccs, TCCS_BELOW_GOOD[year]))
        choices = {}
        for organisation in organisations:
            if organisation.pk in below:
                level = 3
            else:
                roll = rng.random()
                level = 3 if organisation.pk not in tccs and roll < 0.03 else 1 if roll < 0.18 else 2
            choices[organisation.pk] = _choice(rng, codes, scored, level)
        organisation_ratings_save(year=year, choices=choices)


def _awards(rng):
    forms = {f.code: f for f in AwardForm.objects.all()}
    bodies = {b.code: b for b in IssuingBody.objects.all()}
    awards = []
    for year in range(2020, 2025):
        tccs = list(Organisation.objects.active_on(D(year, 12, 31)).grassroots().order_by("path"))
        for form, body, count in [*AWARDS, ("tsvm-tieu-bieu", "btv-dang-uy-khoi", 3)]:
            for organisation in rng.sample(tccs, count):
                suffix = "QĐ/TU" if body == "tinh-uy" else "QĐ/ĐUK"
                awards.append(
                    Award(
                        form=forms[form],
                        body=bodies[body],
                        year=year,
                        organisation=organisation,
                        decision_date=D(year + 1, rng.randint(1, 3), rng.randint(1, 28)),
                        decision_number=f"{rng.randint(100, 999)}-{suffix}",
                    )
                )
    members = list(periods_to_rate(2024).order_by("member_id").values_list("member_id", flat=True))
    for member_id in rng.sample(members, 45):
        awards.append(
            Award(
                form=forms["htxsnv-5-nam"],
                body=bodies["btv-dang-uy-khoi"],
                year=2024,
                member_id=member_id,
                decision_date=D(2025, 2, rng.randint(1, 28)),
                decision_number=f"{rng.randint(100, 999)}-QĐ/ĐUK",
            )
        )
    Award.objects.bulk_create(awards)


def _badges(rng):
    """On each award day from the congress to the end of 2025 the badges then due are given, but
    for a few the committee has not decided on yet."""
    days = sorted(
        D(year, month, day)
        for year in YEARS
        for month, day in AWARD_DAYS
        if TERM_START <= D(year, month, day) <= LAST_DAY
    )
    undecided = set()  # members whose badge the committee has not decided on
    for day in days:
        badges = []
        for due in badges_due(day):
            if due.member.pk in undecided or rng.random() < 0.03:
                undecided.add(due.member.pk)
                continue
            badges.append(
                PartyBadge(
                    member_id=due.member.pk,
                    years=due.milestone,
                    awarded_on=day,
                    decision_number=f"{rng.randint(100, 999)}-QĐ/TU",
                )
            )
        PartyBadge.objects.bulk_create(badges)


def _tasks(rng):
    root = Organisation.objects.get(code="KHOI")
    tasks = [BreakthroughTask(organisation=root, year=2021, title=title) for title in CONGRESS_BREAKTHROUGHS]
    for year in range(2021, 2026):
        committees = list(
            Organisation.objects.active_on(D(year, 12, 31))
            .filter(kind__in=[*GRASSROOTS_KINDS, OrganisationKind.CHI_BO_TRUC_THUOC])
            .order_by("path")
        )
        for organisation in rng.sample(committees, TASKS_PER_YEAR):
            result = TaskResult.COMPLETED if rng.random() < 0.92 else TaskResult.NOT_COMPLETED
            tasks.append(
                BreakthroughTask(
                    organisation=organisation, year=year, title=rng.choice(TASK_TITLES), result=result
                )
            )
    BreakthroughTask.objects.bulk_create(tasks)


def _documents():
    Document.objects.bulk_create(
        Document(kind=kind, number=number, issued_on=issued, title=title)
        for kind, number, issued, title in DOCUMENTS
    )


def build_next_term():
    """Write the records of 2020-2025 (after the rest of the demo); returns the term."""
    rng = random.Random(SEED)
    chi_bo = _chi_bo()
    _new_members(rng, chi_bo)
    pending = _pending_recognitions(rng)
    changes = {**pending, **_existing_member_changes(rng, chi_bo, pending)}
    _amend(changes)
    _member_ratings(rng)
    _organisation_ratings(rng)
    _awards(rng)
    _badges(rng)
    _tasks(rng)
    meetings_between(rng, TERM_START, LAST_DAY)
    _documents()

    build_next_term_registers()
    return Term.objects.get(label="2020-2025")
