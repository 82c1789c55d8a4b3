"""The demo's admission pipeline, 2020–2025 (issue 20): a few hundred candidates developed by the
chi bộ of the Khối after the 2015–2020 term, taken step by step through the same services staff use
(`partyblock.admission.services`), so every rule is applied to them. Some are admitted (the ceremony
admits them through `members.services`), some withdrawn or not admitted, the others wait at every
step, some of them past the usual time.

Every date lies after the 2015–2020 term (identification from 01/08/2020), so the reference figures
of that term do not move, and no later than `SNAPSHOT` (the 2020–2025 term's last day): the demo
shows the pipeline as the term ended. It has its own random generator, so the rest of the demo
draws the same numbers as before.
"""

import datetime
import random

from django.db.models import Count, Q

from members.lifecycle import add_months
from members.models import Gender, Member, MembershipStatus, TheoryLevel
from members.queries import periods_as_of
from partyblock.admission import services
from partyblock.admission.models import Status, Step, UnionBody
from units.models import MEMBER_HOLDING_KINDS, Organisation

from .membership import _between, _days, _weighted
from .names import FAMILY_NAMES, FEMALE_GIVEN, FEMALE_MIDDLE, HOMETOWNS, MALE_GIVEN, MALE_MIDDLE
from .structure import TERM_END

SEED = 20202025
CANDIDATES = 360
FIRST_DAY = TERM_END + _days(1)
SNAPSHOT = datetime.date(2025, 7, 31)
# How far each candidate is meant to go (weights); a step that would fall after SNAPSHOT stops it
# earlier, where it waits.
FATES = [
    (Step.COURSE, 10),
    (Step.RESUME, 10),
    (Step.SPONSORED, 8),
    (Step.CHI_BO_VOTE, 7),
    (Step.RESOLUTION, 5),
    (Step.DECISION, 5),
    (Step.ADMITTED, 40),
    (Step.IDENTIFIED, 7),
    (Status.WITHDRAWN, 4),
    (Status.REJECTED, 4),
]
# Days from one step to the next: (shortest, longest); some candidates wait far longer (stuck).
GAPS = {
    Step.COURSE: (20, 240),
    Step.RESUME: (40, 170),
    Step.SPONSORED: (7, 80),
    Step.CHI_BO_VOTE: (7, 70),
    Step.RESOLUTION: (5, 30),
    Step.DECISION: (7, 60),
    Step.ADMITTED: (5, 38),
}
SLOW_SHARE = 0.12  # waits three times as long at one step
ISSUERS = ["Trung tâm Chính trị thành phố Hải Dương", "Ban Tuyên giáo Đảng ủy Khối các cơ quan tỉnh"]
CLOSING_REASONS = {
    Status.WITHDRAWN: ["Chuyển công tác ra ngoài tỉnh", "Xin rút khỏi danh sách vì lý do gia đình"],
    Status.REJECTED: ["Chi bộ không đề nghị kết nạp: chưa đủ tiêu chuẩn", "Kết quả thẩm tra lý lịch chưa rõ"],
}


def build_admission_pipeline():
    """Candidates through the step services; returns {"candidates": n, "admitted": n}."""
    rng = random.Random(SEED)
    chi_bo = _chi_bo_with_official_members()
    used_ids = set(Member.objects.exclude(national_id=None).values_list("national_id", flat=True))
    admitted = 0
    for _ in range(CANDIDATES):
        organisation = rng.choice(chi_bo)
        candidate = services.candidate_identify(
            organisation=organisation,
            identified_on=_between(rng, FIRST_DAY, SNAPSHOT - _days(30)),
            **_person(rng, used_ids),
        ).candidate
        fate = _weighted(rng, FATES)
        if _walk(rng, candidate, fate):
            admitted += 1
    return {"candidates": CANDIDATES, "admitted": admitted}


def _chi_bo_with_official_members():
    """Chi bộ active over the whole pipeline with at least three official members on its first day
    (sponsors and a vote of their own)."""
    counts = (
        periods_as_of(FIRST_DAY)
        .filter(status=MembershipStatus.OFFICIAL)
        .values("organisation")
        .annotate(n=Count("pk"))
        .filter(n__gte=3)
        .values("organisation")
    )
    return list(
        Organisation.objects.filter(kind__in=MEMBER_HOLDING_KINDS, pk__in=counts)
        .filter(Q(founded_on__isnull=True) | Q(founded_on__lte=FIRST_DAY))
        .filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=SNAPSHOT))
        .order_by("pk")
    )


def _person(rng, used_ids):
    gender = Gender.FEMALE if rng.random() < 0.55 else Gender.MALE
    female = gender == Gender.FEMALE
    name = (
        f"{_weighted(rng, FAMILY_NAMES)} {_weighted(rng, FEMALE_MIDDLE if female else MALE_MIDDLE)} "
        f"{rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)}"
    )
    birth = datetime.date(rng.randint(1986, 2001), rng.randint(1, 12), rng.randint(1, 28))
    national_id = None
    while national_id is None or national_id in used_ids:
        century_gender = (0 if birth.year < 2000 else 2) + (1 if female else 0)
        national_id = f"030{century_gender}{birth.year % 100:02d}{rng.randint(0, 999999):06d}"
    used_ids.add(national_id)
    hometown = rng.choice(HOMETOWNS)
    return {
        "full_name": name,
        "gender": gender,
        "birth_date": birth,
        "birthplace": hometown,
        "hometown": f"{hometown}, Hải Dương",
        "residence": f"{rng.choice(HOMETOWNS)}, Hải Dương",
        "occupation": "Công chức" if rng.random() < 0.5 else "Viên chức",
        "education": "12/12",
        "professional_level": rng.choice(["Đại học", "Đại học", "Thạc sĩ", "Cao đẳng"]),
        "theory_level": TheoryLevel.ELEMENTARY if rng.random() < 0.6 else TheoryLevel.NONE,
        "national_id": national_id,
        "phone": f"09{rng.randint(10000000, 99999999)}",
    }


def _walk(rng, candidate, fate):
    """Record the candidate's steps towards `fate` while they fall before SNAPSHOT; True when admitted."""
    last = candidate.identified_on
    target = fate if isinstance(fate, Step) else Step.SPONSORED
    slow = rng.choice(list(GAPS)) if rng.random() < SLOW_SHARE else None
    for step in candidate.steps():
        if step == Step.IDENTIFIED:
            continue
        if step > target:
            break
        low, high = GAPS[step]
        day = last + _days(rng.randint(low, high) * (3 if step == slow else 1))
        if day > SNAPSHOT:
            return False
        if not _record(rng, candidate, step, day):
            return False
        last = day
    if isinstance(fate, Status):
        on = min(SNAPSHOT, last + _days(rng.randint(20, 200)))
        services.candidate_close(candidate, status=fate, on=on, reason=rng.choice(CLOSING_REASONS[fate]))
    return candidate.status == Status.ADMITTED


def _record(rng, candidate, step, day):
    """Record `step` on `day` with plausible documents; False when the chi bộ cannot (no sponsors)."""
    year = day.year
    if step == Step.COURSE:
        services.candidate_record_course(
            candidate,
            certificate_on=day,
            certificate_number=f"{rng.randint(100, 999)}-CN/TTCT/{year}",
            issuer=rng.choice(ISSUERS),
        )
    elif step == Step.RESUME:
        services.candidate_record_resume(candidate, verified_on=day, document=f"{rng.randint(10, 99)}-KL/ĐU")
    elif step == Step.SPONSORED:
        return _sponsor(rng, candidate, day)
    elif step == Step.CHI_BO_VOTE:
        total = (
            periods_as_of(day, within=candidate.organisation).filter(status=MembershipStatus.OFFICIAL).count()
        )
        present = total - (1 if total > 5 and rng.random() < 0.5 else 0)
        services.candidate_record_vote(
            candidate, voted_on=day, votes_for=present, votes_against=0, present=present, total=total
        )
    elif step == Step.RESOLUTION:
        members_total = rng.choice([5, 7, 9, 11])
        services.candidate_record_resolution(
            candidate,
            resolved_on=day,
            number=f"{rng.randint(10, 199)}-NQ/ĐU",
            votes_for=members_total - rng.randint(0, 1),
            members_total=members_total,
        )
    elif step == Step.DECISION:
        services.candidate_record_decision(
            candidate,
            decided_on=day,
            number=f"{rng.randint(100, 999)}-QĐ/ĐUK",
            body="Ban Thường vụ Đảng ủy Khối",
        )
    elif step == Step.ADMITTED:
        services.candidate_admit(candidate, ceremony_on=day)
    return True


def _sponsor(rng, candidate, day):
    """Two official members of the candidate's TCCS that day (or one and the Đoàn's resolution for
    the young), who have worked with the candidate for one to five years."""
    tccs = Organisation.objects.get(pk=candidate.organisation.grassroots_id)
    officials = list(
        periods_as_of(day, within=tccs)
        .filter(status=MembershipStatus.OFFICIAL)
        .order_by("member_id")
        .values_list("member_id", flat=True)[:40]
    )
    if len(officials) < 2:
        return False
    first, second = (Member.objects.get(pk=pk) for pk in rng.sample(officials, 2))
    youth = add_months(candidate.birth_date, 12 * 30) > day and rng.random() < 0.4
    services.candidate_record_sponsors(
        candidate,
        sponsored_on=day,
        sponsor_1=first,
        sponsor_1_since=add_months(day, -rng.randint(13, 60)),
        sponsor_2=None if youth else second,
        sponsor_2_since=None if youth else add_months(day, -rng.randint(13, 60)),
        union_body=UnionBody.YOUTH_UNION if youth else "",
        union_document=f"{rng.randint(10, 99)}-NQ/ĐTN" if youth else "",
    )
    return True
