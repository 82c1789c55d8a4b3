"""Party age and the Huy hiệu Đảng due on an award day (DOMAIN.md §2).

Party age counts from the first admission and skips the gaps between memberships: it is the time
spent in membership periods (inside the Khối or outside it) up to the day.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from units.models import Organisation

from .lifecycle import add_months, age_on
from .models import BADGE_MILESTONES, MembershipPeriod, PartyBadge
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


def party_age(periods, day):
    """(whole years, the date the party age started counting as if without gaps) on `day`."""
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
    milestone they have not been given: the highest such milestone each. Four queries.

    Party age is at most the time since the first membership period began, so only members with
    a period begun by the first milestone's anniversary are looked at."""
    reachable = MembershipPeriod.objects.filter(starts_on__lte=add_months(day, -12 * BADGE_MILESTONES[0]))
    members = (
        members_as_of(day, within)
        .filter(pk__in=reachable.values("member_id"))
        .only("pk", "full_name", "birth_date", "sort_key")
    )
    members = {m.pk: m for m in members}
    periods = defaultdict(list)
    current = {}
    spans = MembershipPeriod.objects.filter(member_id__in=members, starts_on__lte=day)
    for span in spans.values_list("member_id", "starts_on", "ends_on", "organisation_id", named=True):
        periods[span.member_id].append(span)
        if span.ends_on is None or span.ends_on > day:
            current[span.member_id] = span.organisation_id
    given = defaultdict(int)
    for member_id, years in PartyBadge.objects.filter(member_id__in=members).values_list(
        "member_id", "years"
    ):
        given[member_id] = max(given[member_id], years)
    due = []
    for member_id, member in members.items():
        years, counted_from = party_age(periods[member_id], day)
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
    periods = defaultdict(list)
    current = {}
    for period in MembershipPeriod.objects.filter(member_id__in=members, starts_on__lte=day).select_related(
        "organisation"
    ):
        periods[period.member_id].append(period)
        if period.ends_on is None or period.ends_on > day:
            current[period.member_id] = period
    given = defaultdict(int)
    for member_id, years in PartyBadge.objects.filter(member_id__in=members).values_list(
        "member_id", "years"
    ):
        given[member_id] = max(given[member_id], years)
    candidates = []
    for member_id, member in members.items():
        years, counted_from = party_age(periods[member_id], day)
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
