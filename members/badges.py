"""Party age and the Huy hiệu Đảng due on an award day (DOMAIN.md §2; docs/rules.md).

Party age counts from the day the first admission decision was signed (the ceremony's day, the
card's "ngày vào Đảng", when the decision's date is not recorded), for a readmitted member from
the first admission too, minus the time out of the Party between memberships; only official
members have one (Điều lệ Điều 5.4; QĐ 24-QĐ/TW 2021 §4.5; HD 01-HD/TW 2021).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q

from units.models import Organisation

from .lifecycle import MEMBERSHIP_ENDING_KINDS, add_months, age_on
from .models import BADGE_MILESTONES, EventKind, MemberEvent, MembershipPeriod, MembershipStatus, PartyBadge
from .queries import members_as_of

AWARD_DAYS = ((2, 3), (5, 19), (9, 2), (11, 7))  # (month, day): 3/2, 19/5, 2/9, 7/11


def next_award_day(after):
    """The first award day on or after `after`."""
    for year in (after.year, after.year + 1):
        for month, day in AWARD_DAYS:
            candidate = datetime.date(year, month, day)
            if candidate >= after:
                return candidate
    raise AssertionError("unreachable")


def previous_award_day(before):
    """The last award day strictly before `before`."""
    for year in (before.year, before.year - 1):
        for month, day in reversed(AWARD_DAYS):
            candidate = datetime.date(year, month, day)
            if candidate < before:
                return candidate
    raise AssertionError("unreachable")


def is_award_day(day):
    return (day.month, day.day) in AWARD_DAYS


STARTS = (EventKind.ADMISSION, EventKind.READMISSION)


def memberships(events):
    """[(starts, ends)] of a member's memberships from (kind, date, decision_date) of their events:
    each starts on its (re)admission decision's day, else the ceremony's, and ends on the day an
    ending event (removal, expulsion, resignation, death) took effect (None: not ended)."""
    found = []
    for kind, date, decision_date in sorted(events, key=lambda e: e[1] or datetime.date.max):
        if kind in STARTS and date is not None:
            found.append([decision_date or date, None])
        elif kind in MEMBERSHIP_ENDING_KINDS and found and found[-1][1] is None:
            found[-1][1] = date
    return [tuple(membership) for membership in found]


def party_age(spans, day, official=True):
    """(whole years, the day the party age counts from as if without gaps) on `day`, or (None,
    None) for a member who is not official that day or not a member then. `spans`: the member's
    `memberships`; the gaps between them are skipped."""
    spans = sorted((start, end) for start, end in spans if start <= day)
    if not official or not spans or (spans[-1][1] is not None and spans[-1][1] <= day):
        return None, None
    gaps = sum(
        (start - previous_end).days
        for (_, previous_end), (start, _) in zip(spans, spans[1:], strict=False)
        if previous_end is not None and start > previous_end
    )
    counted_from = spans[0][0] + datetime.timedelta(days=gaps)
    return age_on(counted_from, day), counted_from


def memberships_of(member_ids, day):
    """{member id: memberships} from the events up to `day`, in one query."""
    events = defaultdict(list)
    for member_id, *event in MemberEvent.objects.filter(
        member_id__in=member_ids, kind__in=[*STARTS, *MEMBERSHIP_ENDING_KINDS], date__lte=day
    ).values_list("member_id", "kind", "date", "decision_date"):
        events[member_id].append(event)
    return {member_id: memberships(found) for member_id, found in events.items()}


@dataclass
class BadgeDue:
    member: object
    milestone: int
    party_age: int
    counted_from: datetime.date
    organisation: object

    @property
    def reached_on(self):
        return add_months(self.counted_from, 12 * self.milestone)

    def overdue(self, day):
        """Whether the milestone was reached before the award day preceding `day`: the badge
        should have been given at an earlier award."""
        return self.reached_on <= previous_award_day(day)


def badges_due(day, within=None):
    """Members of the Khối (or of `within`) on `day` whose party age on `day` reaches a badge
    milestone they have not been given: the highest such milestone each. Five queries.

    Party age is at most the time since the first admission decision (or ceremony), so only
    members admitted by the first milestone's anniversary are looked at."""
    cut = add_months(day, -12 * BADGE_MILESTONES[0])
    reachable = MemberEvent.objects.filter(kind__in=STARTS).filter(
        Q(decision_date__lte=cut) | Q(date__lte=cut)
    )
    members = (
        members_as_of(day, within)
        .filter(pk__in=reachable.values("member_id"))
        .only("pk", "full_name", "birth_date", "sort_key")
    )
    members = {m.pk: m for m in members}
    current = {}
    spans = MembershipPeriod.objects.filter(member_id__in=members, starts_on__lte=day)
    status = {}
    for span in spans.values_list(
        "member_id", "starts_on", "ends_on", "organisation_id", "status", named=True
    ):
        if span.ends_on is None or span.ends_on > day:
            current[span.member_id] = span.organisation_id
            status[span.member_id] = span.status
    given = defaultdict(int)
    for member_id, years in PartyBadge.objects.filter(member_id__in=members).values_list(
        "member_id", "years"
    ):
        given[member_id] = max(given[member_id], years)
    spans = memberships_of(members, day)
    due = []
    for member_id, member in members.items():
        official = status.get(member_id) == MembershipStatus.OFFICIAL
        years, counted_from = party_age(spans.get(member_id, []), day, official)
        if years is None:
            continue
        reached = [m for m in BADGE_MILESTONES if m <= years and m > given[member_id]]
        if reached:
            due.append(BadgeDue(member, reached[-1], years, counted_from, current[member_id]))
    organisations = Organisation.objects.in_bulk({d.organisation for d in due})
    for d in due:
        d.organisation = organisations[d.organisation]
    due.sort(key=lambda d: (-d.milestone, d.member.sort_key))
    return due


# Seriously ill members may be given a badge early: up to 12 months for 30–65 years, 24 months for
# 70–90 (HD 01-HD/TW 2021 §18). Sick leave covering the day stands for "seriously ill" here: the
# list is a proposal for the committee, which decides.
EARLY_MONTHS = {milestone: 24 if milestone >= 70 else 12 for milestone in BADGE_MILESTONES}


def early_badge_candidates(day, within=None):
    """Members of the Khối (or `within`) on `day`, on sick leave that day, whose next badge
    milestone falls within the early-award window after `day`: [BadgeDue] (party age as on `day`),
    the soonest first."""
    from .models import SickLeave

    sick = SickLeave.objects.filter(starts_on__lte=day, ends_on__gte=day).values("member_id")
    members = {m.pk: m for m in members_as_of(day, within).filter(pk__in=sick)}
    current = {}
    for period in MembershipPeriod.objects.filter(member_id__in=members, starts_on__lte=day).select_related(
        "organisation"
    ):
        if period.ends_on is None or period.ends_on > day:
            current[period.member_id] = period
    given = defaultdict(int)
    for member_id, years in PartyBadge.objects.filter(member_id__in=members).values_list(
        "member_id", "years"
    ):
        given[member_id] = max(given[member_id], years)
    spans = memberships_of(members, day)
    candidates = []
    for member_id, member in members.items():
        official = current[member_id].status == MembershipStatus.OFFICIAL
        years, counted_from = party_age(spans.get(member_id, []), day, official)
        if years is None:
            continue
        upcoming = [m for m in BADGE_MILESTONES if m > years and m > given[member_id]]
        if not upcoming:
            continue
        due = BadgeDue(member, upcoming[0], years, counted_from, current[member_id].organisation)
        if due.reached_on <= add_months(day, EARLY_MONTHS[due.milestone]):
            candidates.append(due)
    candidates.sort(key=lambda d: (d.reached_on, d.member.sort_key))
    return candidates
