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

from .lifecycle import MEMBERSHIP_ENDING_KINDS, add_months, age_on
from .models import BADGE_MILESTONES, EventKind, MemberEvent, MembershipStatus, PartyBadge, SickLeave
from .queries import members_as_of, periods_as_of

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


@dataclass
class Standing:
    """Where an official member stands for badges on a day: the chi bộ then, party age and the day
    it counts from, and the highest milestone already given (0: none)."""

    organisation: object
    party_age: int
    counted_from: datetime.date
    given: int


def standings(members, day):
    """[(member, Standing)] on `day` of the official members among `members` ({id: member}), in
    their order: three queries (their periods then, badges given, admission and ending events)."""
    periods = {
        period.member_id: period
        for period in periods_as_of(day).filter(member_id__in=members).select_related("organisation")
    }
    given = defaultdict(int)
    for member_id, years in PartyBadge.objects.filter(member_id__in=members).values_list(
        "member_id", "years"
    ):
        given[member_id] = max(given[member_id], years)
    spans = memberships_of(members, day)
    found = []
    for member_id, member in members.items():
        official = periods[member_id].status == MembershipStatus.OFFICIAL
        years, counted_from = party_age(spans.get(member_id, []), day, official)
        if years is not None:
            found.append(
                (member, Standing(periods[member_id].organisation, years, counted_from, given[member_id]))
            )
    return found


def badges_due(day, within=None):
    """Members of the Khối (or of `within`) on `day` whose party age on `day` reaches a badge
    milestone they have not been given: the highest such milestone each. Four queries.

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
    due = []
    for member, standing in standings(members, day):
        reached = [m for m in BADGE_MILESTONES if standing.given < m <= standing.party_age]
        if reached:
            due.append(
                BadgeDue(
                    member, reached[-1], standing.party_age, standing.counted_from, standing.organisation
                )
            )
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
    sick = SickLeave.objects.filter(starts_on__lte=day, ends_on__gte=day).values("member_id")
    members = {m.pk: m for m in members_as_of(day, within).filter(pk__in=sick)}
    candidates = []
    for member, standing in standings(members, day):
        upcoming = [m for m in BADGE_MILESTONES if m > max(standing.party_age, standing.given)]
        if not upcoming:
            continue
        due = BadgeDue(member, upcoming[0], standing.party_age, standing.counted_from, standing.organisation)
        if due.reached_on <= add_months(day, EARLY_MONTHS[due.milestone]):
            candidates.append(due)
    candidates.sort(key=lambda d: (d.reached_on, d.member.sort_key))
    return candidates
