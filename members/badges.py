"""The Huy hiệu Đảng due on an award day (DOMAIN.md §2; docs/rules.md), by party age as
`members.party_age` defines it and the periods carry it (counted from the first admission decision,
minus the time between memberships and the recorded interruptions; official members only).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from units.models import Organisation

from .lifecycle import add_months
from .models import BADGE_MILESTONES, Member, MembershipPeriod, MembershipStatus, PartyBadge, SickLeave
from .party_age import at_least, party_age_of, party_age_on
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


@dataclass
class BadgeDue:
    member: object
    milestone: int
    party_age: int
    counted_from: datetime.date
    organisation: object
    # The first day of the member's registration in the Khối (None: not known here).
    in_khoi_since: datetime.date | None = None

    @property
    def reached_on(self):
        return add_months(self.counted_from, 12 * self.milestone)

    @property
    def unknown(self):
        """The milestone was reached before the member's registration in the Khối began and no
        badge record exists: it was most likely awarded where the member then was, so it is listed
        as "chưa rõ" (to be checked), never as overdue (docs/rules.md, review F13)."""
        return self.in_khoi_since is not None and self.reached_on < self.in_khoi_since

    def overdue(self, day):
        """Whether the milestone was reached before the award day preceding `day`: the badge
        should have been given at an earlier award (never for a milestone whose record is unknown)."""
        return not self.unknown and self.reached_on <= previous_award_day(day)


@dataclass
class Standing:
    """Where an official member stands for badges on a day: the chi bộ then, party age and the day
    it counts from, and the highest milestone already given (0: none)."""

    organisation: object
    party_age: int
    counted_from: datetime.date
    given: int


def _given(member_ids):
    """{member id: highest milestone already given} (one query; `member_ids` may be a subquery)."""
    given = defaultdict(int)
    for member_id, years in PartyBadge.objects.filter(member_id__in=member_ids).values_list(
        "member_id", "years"
    ):
        given[member_id] = max(given[member_id], years)
    return given


def standings(members, day):
    """[(member, Standing)] on `day` of the official members among `members` ({id: member}), in
    their order: two queries (their periods then, with the party age they carry; badges given)."""
    periods = {
        period.member_id: period
        for period in periods_as_of(day).filter(member_id__in=members).select_related("organisation")
    }
    given = _given(members)
    found = []
    for member_id, member in members.items():
        period = periods.get(member_id)
        years, counted_from = party_age_on(period, day)
        if years is not None:
            found.append((member, Standing(period.organisation, years, counted_from, given[member_id])))
    return found


def badges_due(day, within=None):
    """Members of the Khối (or of `within`) on `day` whose party age on `day` reaches a badge
    milestone they have not been given: the highest such milestone each, with the first day of the
    member's registration in the Khối (`BadgeDue.unknown`). Four queries: the party age carried by
    the periods that day of the official members it gives the first milestone
    (`party_age.at_least`), with that first day, the badges they were given, then the members and
    chi bộ due only."""
    periods = periods_as_of(day, within).filter(
        at_least(BADGE_MILESTONES[0], day), status=MembershipStatus.OFFICIAL
    )
    given = _given(periods.values("member_id"))
    first_in_khoi = (
        MembershipPeriod.objects.filter(member_id=OuterRef("member_id"), organisation__isnull=False)
        .order_by("starts_on")
        .values("starts_on")[:1]
    )
    found = []
    for member_id, organisation_id, in_khoi_since, *columns in periods.annotate(
        in_khoi_since=Subquery(first_in_khoi)
    ).values_list(
        "member_id", "organisation_id", "in_khoi_since", "status", "party_age_from", "party_days_before"
    ):
        years, counted_from = party_age_of(*columns, day)
        reached = [m for m in BADGE_MILESTONES if given[member_id] < m <= years]
        if reached:
            found.append((member_id, organisation_id, reached[-1], years, counted_from, in_khoi_since))
    members = Member.objects.only("pk", "full_name", "birth_date", "sort_key").in_bulk([f[0] for f in found])
    organisations = Organisation.objects.in_bulk([f[1] for f in found])
    due = [
        BadgeDue(members[member_id], milestone, years, counted_from, organisations[organisation_id], since)
        for member_id, organisation_id, milestone, years, counted_from, since in found
    ]
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
