"""Demo ratings, awards, badges, breakthrough tasks, meetings and documents for the 2015–2020 term.

Who is rated each year comes from the same `periods_to_rate` / `organisations_to_rate` the bulk
rating screens use, and ratings are written through the rating services. The shares below are
what the Khối decided; the report's percentages are computed from the rows they produce.
"""

import datetime
from collections import defaultdict

from members.badges import next_award_day
from members.lifecycle import add_months, age_on
from members.models import (
    Award,
    AwardForm,
    IssuingBody,
    MemberRating,
    MembershipPeriod,
    PartyBadge,
    SickLeave,
)
from members.quality import disciplined_rated_above_allowed
from members.queries import periods_to_rate
from members.services import member_ratings_save
from partyblock.core import rating_schemes
from units.models import (
    GRASSROOTS_KINDS,
    BreakthroughTask,
    Document,
    DocumentKind,
    Meeting,
    MeetingKind,
    Organisation,
    OrganisationKind,
    TaskResult,
)
from units.queries import organisations_to_rate
from units.services import meetings_create_bulk, organisation_ratings_save

from .structure import TERM_END, TERM_START

RATED_YEARS = range(2015, 2020)
# Share of rated members at level 1–2, per year (the report: "95% every year").
MEMBER_GOOD_SHARE = {2015: 95.2, 2016: 95.4, 2017: 94.9, 2018: 95.1, 2019: 95.3}
# TCCS not reaching level 2 in each year: with 61, 63, 64, 65 and 67 rated TCCS this averages 98.7%.
TCCS_BELOW_GOOD = {2015: 1, 2016: 1, 2017: 1, 2018: 1, 2019: 0}
EXCELLENT_SHARE_OF_GOOD = 0.15  # within the 20% cap (level 1 ≤ 20% of level 2)
CAP_BREACH = (2019, 7)  # (year, nth TCCS) where the Khối let the cap slip: the check shows it
FLAG_AWARDS = 6
PROVINCE_CERTIFICATES = 46
BLOC_CERTIFICATES = 100
BREAKTHROUGH_TASKS = 327
TASK_TITLES = [
    "Nâng cao chất lượng sinh hoạt chi bộ",
    "Đẩy mạnh cải cách hành chính, ứng dụng công nghệ thông tin",
    "Thực hiện trách nhiệm nêu gương của người đứng đầu",
    "Nâng cao chất lượng phát triển đảng viên mới",
    "Xây dựng cơ quan văn hóa, văn minh",
    "Siết chặt kỷ luật, kỷ cương hành chính",
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Nâng cao chất lượng tham mưu của cơ quan",
]


def build_recognition(rng):
    sick = _sick_leaves(rng)
    _member_ratings(rng, sick)
    _organisation_ratings(rng)
    _awards(rng)
    _badges(rng)
    _tasks(rng)
    _meetings(rng)
    _documents()


def _codes(subject, year):
    scheme = rating_schemes.scheme_for(subject, year)
    return {category.level: category.code for category in scheme.categories}


def _sick_leaves(rng):
    """A few long sick leaves in 2019; one of them is rated too high (the warning has a case)."""
    periods = list(periods_to_rate(2019).order_by("member_id")[:400])
    chosen = rng.sample(periods, 4)
    SickLeave.objects.bulk_create(
        SickLeave(
            member_id=p.member_id,
            starts_on=datetime.date(2019, 3, 1),
            ends_on=datetime.date(2019, 6, 30),
            note="Điều trị dài ngày",
        )
        for p in chosen
    )
    return [p.member_id for p in chosen]


def _member_ratings(rng, sick):
    failed_before = []
    for year in RATED_YEARS:
        codes = _codes(rating_schemes.MEMBER, year)
        periods = list(periods_to_rate(year).select_related("organisation").order_by("member_id"))
        if year == 2019:
            periods = periods[2:]  # two members left unrated: the check lists them
        rng.shuffle(periods)
        # Long sick leave (2019) is rated level 3, except one rated level 2 all the same (a warning);
        # last year's failures fail again (two years running: a ground for removal).
        sick_ids = set(sick) if year == 2019 else set()
        force_good = {sick[0]} & sick_ids
        force_rest = (sick_ids - force_good) | set(failed_before[:2])
        periods = (
            [p for p in periods if p.member_id in force_good]
            + [p for p in periods if p.member_id not in force_good | force_rest]
            + [p for p in periods if p.member_id in force_rest]
        )
        good_count = round(MEMBER_GOOD_SHARE[year] * len(periods) / 100)
        good, rest = periods[:good_count], periods[good_count:]
        choices = {}
        by_tccs = defaultdict(list)
        for period in good:
            by_tccs[period.organisation.grassroots_id].append(period)
        for index, (_, group) in enumerate(sorted(by_tccs.items())):
            excellent = int(len(group) * EXCELLENT_SHARE_OF_GOOD)
            if (year, index) == CAP_BREACH:
                excellent = int(len(group) * 0.3)
            for position, period in enumerate(group):
                choices[period.member_id] = (codes[1] if position < excellent else codes[2], None)
        repeat = [p for p in rest if p.member_id in failed_before[:2]]
        failures = (repeat + [p for p in rest if p not in repeat and p.member_id not in sick_ids])[
            : max(len(repeat) + 1, len(periods) // 300)
        ]
        for period in rest:
            choices[period.member_id] = (codes[4] if period in failures else codes[3], None)
        failed_before = [p.member_id for p in failures]
        member_ratings_save(year=year, choices=choices)


def _organisation_ratings(rng):
    for year in RATED_YEARS:
        codes = _codes(rating_schemes.ORGANISATION, year)
        organisations = list(organisations_to_rate(year).order_by("path"))
        tccs = [o for o in organisations if o.kind in GRASSROOTS_KINDS]
        chi_bo = [o for o in organisations if o.kind == OrganisationKind.CHI_BO_TRUC_THUOC]
        top_share = 0.6 if year < 2018 else 0.18  # since 2018 the 20% cap applies to organisations too
        choices = {}
        below = set(rng.sample([o.pk for o in tccs], TCCS_BELOW_GOOD[year]))
        for organisation in tccs:
            level = 3 if organisation.pk in below else (1 if rng.random() < top_share else 2)
            choices[organisation.pk] = (codes[level], None)
        for organisation in chi_bo:
            roll = rng.random()
            level = 3 if roll < 0.03 else 1 if roll < 0.03 + top_share else 2
            choices[organisation.pk] = (codes[level], None)
        organisation_ratings_save(year=year, choices=choices)


def _awards(rng):
    forms = {f.code: f for f in AwardForm.objects.all()}
    bodies = {b.code: b for b in IssuingBody.objects.all()}
    awards = []

    def award(form, body, year, number="", **recipient):
        decided = datetime.date(year + 1, rng.randint(1, 3), rng.randint(1, 28))
        awards.append(
            Award(
                form=forms[form],
                body=bodies[body],
                year=year,
                decision_date=decided,
                decision_number=number or f"{rng.randint(100, 999)}-QĐ/TU",
                **recipient,
            )
        )

    def existing_tccs(year):
        return list(Organisation.objects.active_on(datetime.date(year, 12, 31)).grassroots().order_by("path"))

    flagged = set()
    for _ in range(FLAG_AWARDS):
        year = rng.choice(list(RATED_YEARS))
        organisation = rng.choice([o for o in existing_tccs(year) if o.pk not in flagged])
        flagged.add(organisation.pk)
        award("co-thi-dua", "tinh-uy", organisation=organisation, year=year)
    for _ in range(PROVINCE_CERTIFICATES):
        year = rng.choice(list(RATED_YEARS))
        award("bang-khen", "tinh-uy", organisation=rng.choice(existing_tccs(year)), year=year)
    for _ in range(BLOC_CERTIFICATES):
        year = rng.choice(list(RATED_YEARS))
        award(
            "giay-khen",
            "btv-dang-uy-khoi",
            organisation=rng.choice(existing_tccs(year)),
            year=year,
            number=f"{rng.randint(100, 999)}-QĐ/ĐUK",
        )
    # Before the term (not counted in it) and to chi bộ and members (not TCCS figures).
    for _ in range(5):
        award("bang-khen", "tinh-uy", organisation=rng.choice(existing_tccs(2013)), year=2013)
    for year in RATED_YEARS:
        for organisation in rng.sample(existing_tccs(year), 3):
            award(
                "tsvm-tieu-bieu",
                "btv-dang-uy-khoi",
                organisation=organisation,
                year=year,
                number=f"{rng.randint(100, 999)}-QĐ/ĐUK",
            )
    members = list(periods_to_rate(2019).values_list("member_id", flat=True)[:2000])
    for member_id in rng.sample(members, 40):
        award(
            "htxsnv-5-nam",
            "btv-dang-uy-khoi",
            year=2019,
            number=f"{rng.randint(100, 999)}-QĐ/ĐUK",
            member_id=member_id,
        )
    Award.objects.bulk_create(awards)


def _periods_age(periods, day):
    """The demo's own record of how its badges were once decided (time in membership periods from
    the first ceremony, gaps skipped): kept so the demo's badges, and the figures that count them,
    stay what they were. The rules the app applies are `members.badges.party_age`."""
    spans = sorted((p.starts_on, p.ends_on) for p in periods if p.starts_on <= day)
    if not spans:
        return None, None
    gaps = 0
    previous_end = None
    for start, end in spans:
        if previous_end is not None and start > previous_end:
            gaps += (start - previous_end).days
        previous_end = end if end is not None else day
        if end is None or end > day:
            break
    else:  # membership ended before `day`: count only to its end
        gaps += (day - previous_end).days
    counted_from = spans[0][0] + datetime.timedelta(days=gaps)
    return age_on(counted_from, day), counted_from


def _badges(rng):
    """Badges given on award days for milestones reached by the term's end; a few left due."""
    periods = defaultdict(list)
    for period in MembershipPeriod.objects.filter(starts_on__lte=TERM_END):
        periods[period.member_id].append(period)
    badges = []
    for member_id, spans in periods.items():
        years, counted_from = _periods_age(spans, TERM_END)
        if years is None or years < 30 or rng.random() < 0.1:
            continue
        reached = add_months(counted_from, 12 * 30)
        awarded = next_award_day(reached)
        if awarded <= TERM_END:
            badges.append(
                PartyBadge(
                    member_id=member_id,
                    years=30,
                    awarded_on=awarded,
                    decision_number=f"{rng.randint(100, 999)}-QĐ/TU",
                )
            )
    PartyBadge.objects.bulk_create(badges)


def _tasks(rng):
    years = list(range(TERM_START.year, TERM_END.year + 1))
    committees = list(
        Organisation.objects.filter(kind__in=[*GRASSROOTS_KINDS, OrganisationKind.CHI_BO_TRUC_THUOC])
    )
    tasks = []
    while len(tasks) < BREAKTHROUGH_TASKS:
        year = rng.choice(years)
        organisation = rng.choice(committees)
        if not organisation.is_active_on(datetime.date(year, 12, 31) if year < TERM_END.year else TERM_END):
            continue
        result = (
            TaskResult.REGISTERED
            if year == TERM_END.year
            else (TaskResult.COMPLETED if rng.random() < 0.9 else TaskResult.NOT_COMPLETED)
        )
        tasks.append(
            BreakthroughTask(
                organisation=organisation, year=year, title=rng.choice(TASK_TITLES), result=result
            )
        )
    BreakthroughTask.objects.bulk_create(tasks)


def _meetings(rng):
    meetings_between(rng, TERM_START, TERM_END)


def meetings_between(rng, start, end):
    """A regular meeting each month and a thematic one each quarter in every chi bộ, from `start`
    to `end`; expected are the members registered there that day, not exempted and not away on
    temporary transfer."""
    days = []
    month = datetime.date(start.year, start.month, 1)
    while month <= end:
        days.append(month.replace(day=5))
        month = add_months(month, 1)
    expected = defaultdict(int)
    for period in MembershipPeriod.objects.filter(
        organisation__isnull=False, is_exempt=False, on_temporary_transfer=False, starts_on__lte=days[-1]
    ).exclude(ends_on__lte=days[0]):
        for day in days:
            if period.starts_on <= day and (period.ends_on is None or period.ends_on > day):
                expected[(period.organisation_id, day)] += 1
    meetings = []
    for (organisation_id, day), count in sorted(expected.items()):
        absent = sum(1 for _ in range(count) if rng.random() < 0.065)
        meetings.append(
            Meeting(
                organisation_id=organisation_id,
                held_on=day,
                kind=MeetingKind.REGULAR,
                expected=count,
                present=count - absent,
            )
        )
        if day.month % 3 == 0:
            absent = sum(1 for _ in range(count) if rng.random() < 0.08)
            meetings.append(
                Meeting(
                    organisation_id=organisation_id,
                    held_on=day + datetime.timedelta(days=12),
                    kind=MeetingKind.THEMATIC,
                    topic="Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
                    expected=count,
                    present=count - absent,
                )
            )
    meetings_create_bulk(meetings)


def _documents():
    documents = [
        (
            DocumentKind.RESOLUTION,
            "12-NQ/ĐUK",
            datetime.date(2014, 12, 20),
            "Nghị quyết về nhiệm vụ năm 2015",
        ),
        (
            DocumentKind.RESOLUTION,
            "03-NQ/ĐUK",
            datetime.date(2015, 10, 12),
            "Nghị quyết về nâng cao năng lực lãnh đạo, sức chiến đấu của tổ chức cơ sở đảng và đảng viên",
        ),
        (
            DocumentKind.RESOLUTION,
            "07-NQ/ĐUK",
            datetime.date(2016, 8, 25),
            "Nghị quyết về nâng cao chất lượng sinh hoạt cấp ủy, chi bộ",
        ),
        (
            DocumentKind.CONCLUSION,
            "02-KL/ĐUK",
            datetime.date(2015, 11, 30),
            "Kết luận về công tác phát triển đảng viên trong các cơ quan",
        ),
        (
            DocumentKind.CONCLUSION,
            "09-KL/ĐUK",
            datetime.date(2016, 12, 15),
            "Kết luận về thực hiện quy chế dân chủ ở cơ sở",
        ),
        (
            DocumentKind.CONCLUSION,
            "15-KL/ĐUK",
            datetime.date(2017, 9, 8),
            "Kết luận về trách nhiệm nêu gương của cán bộ, đảng viên",
        ),
        (
            DocumentKind.CONCLUSION,
            "21-KL/ĐUK",
            datetime.date(2018, 10, 22),
            "Kết luận về tăng cường công tác kiểm tra, giám sát",
        ),
        (
            DocumentKind.PROJECT,
            "01-ĐA/ĐUK",
            datetime.date(2015, 12, 1),
            "Đề án nâng cao năng lực lãnh đạo, sức chiến đấu của tổ chức cơ sở đảng",
        ),
        (
            DocumentKind.PROJECT,
            "02-ĐA/ĐUK",
            datetime.date(2016, 3, 1),
            "Đề án nâng cao chất lượng sinh hoạt cấp ủy, chi bộ",
        ),
        (
            DocumentKind.DIRECTIVE,
            "04-CT/ĐUK",
            datetime.date(2017, 2, 10),
            "Chỉ thị về tăng cường kỷ luật, kỷ cương trong cơ quan",
        ),
        (
            DocumentKind.PLAN,
            "45-KH/ĐUK",
            datetime.date(2019, 3, 5),
            "Kế hoạch tổ chức đại hội chi bộ trực thuộc",
        ),
    ]
    Document.objects.bulk_create(
        Document(kind=kind, number=number, issued_on=issued, title=title)
        for kind, number, issued, title in documents
    )


def ratings_follow_discipline():
    """A member disciplined in a year is rated “không hoàn thành nhiệm vụ” that year (HD 21-HD/BTCTW
    §II.B.2; docs/rules.md). The demo draws its ratings before its discipline decisions, so each
    disciplined member rated higher swaps ratings with an undisciplined member rated level 4 the
    same year (of the same TCCS when there is one): every count by year and level, and so every
    figure of the term, stays as it was. Through the rating service."""
    swapped = 0
    for year in RATED_YEARS:
        flagged = disciplined_rated_above_allowed(year)
        if not flagged:
            continue
        disciplined = {rating.member_id for rating in flagged}
        spare = list(
            MemberRating.objects.filter(year=year, level=4)
            .exclude(member__discipline_decisions__decision_date__year=year)
            .exclude(member_id__in=disciplined)
            .order_by("pk")
        )
        choices = {}
        for rating in flagged:
            partner = next((r for r in spare if r.tccs_id == rating.tccs_id), spare[0] if spare else None)
            if partner is None:
                break
            spare.remove(partner)
            choices[rating.member_id] = (partner.category, partner.score)
            choices[partner.member_id] = (rating.category, rating.score)
            swapped += 1
        if choices:
            member_ratings_save(year=year, choices=choices)
    return swapped
