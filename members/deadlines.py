"""Deadlines staff are held to about members (docs/rules.md), as plain query functions: the role
homes show them as to-dos and the checks page lists them. Working days skip weekends and the days
off kept as data (`partyblock.core.workdays`).

- Recognition: within 30 working days after probation ends (12 months; the charter of the
  admission's day for earlier members, `members.charters.probation_ends`), the chi bộ must
  consider the probationary member and propose recognition (or removal) (QĐ 29-QĐ/TW 2016 §4.2a,
  kept by QĐ 24-QĐ/TW 2021 and QĐ 232-QĐ/TW 2025).
- Ceremony: within 30 working days of receiving the admission decision, the chi bộ holds the
  ceremony; later needs the consent of the committee above (QĐ 29-QĐ/TW 2016 §4.1, same since).
  The day the decision was received is not recorded: the decision's date stands for it.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Max

from partyblock.core.workdays import holidays_between, working_days_after

from .charters import probation_ends
from .models import EventKind, MemberEvent, MembershipStatus
from .queries import periods_as_of

RECOGNITION_WORKING_DAYS = 30
CEREMONY_WORKING_DAYS = 30
STARTS = (EventKind.ADMISSION, EventKind.READMISSION)


@dataclass
class RecognitionDue:
    """A probationary member whose recognition is overdue on the day asked."""

    member: object
    organisation: object  # the chi bộ of registration that day
    ceremony: datetime.date
    probation_ends: datetime.date
    deadline: datetime.date  # last working day for the chi bộ to decide


def recognition_overdue(day, within=None):
    """Members of the Khối (or `within`) still probationary on `day` although the 30 working days
    after their 12 months of probation ended before `day`; earliest deadline first."""
    periods = list(
        periods_as_of(day, within)
        .filter(status=MembershipStatus.PROBATIONARY)
        .select_related("member", "organisation")
    )
    ceremonies = dict(
        MemberEvent.objects.filter(
            member_id__in=[p.member_id for p in periods], kind__in=STARTS, date__lte=day
        )
        .values("member_id")
        .annotate(last=Max("date"))
        .values_list("member_id", "last")
        .order_by()
    )
    ends = {p.member_id: probation_ends(ceremonies[p.member_id]) for p in periods}
    if not ends:
        return []
    holidays = holidays_between(min(ends.values()), day + datetime.timedelta(days=120))
    overdue = []
    for period in periods:
        ends_on = ends[period.member_id]
        deadline = working_days_after(ends_on, RECOGNITION_WORKING_DAYS, holidays)
        if deadline < day:
            overdue.append(
                RecognitionDue(
                    period.member, period.organisation, ceremonies[period.member_id], ends_on, deadline
                )
            )
    return sorted(overdue, key=lambda due: (due.deadline, due.member.sort_key, due.member.pk))


@dataclass
class LateCeremony:
    event: MemberEvent  # the admission (or readmission), its date the ceremony
    deadline: datetime.date  # last working day for the ceremony after the decision

    @property
    def organisation(self):
        return self.event.organisation


def late_ceremonies(start, end, within=None):
    """Admissions and readmissions into the Khối (or `within`) with the ceremony in [start, end]
    held more than 30 working days after the admission decision; in ceremony order."""
    events = MemberEvent.objects.filter(
        kind__in=STARTS,
        date__gte=start,
        date__lte=end,
        decision_date__isnull=False,
        organisation__isnull=False,
    ).select_related("member", "organisation")
    if within is not None:
        events = events.filter(organisation__path__startswith=within.path)
    events = list(events.order_by("date", "pk"))
    if not events:
        return []
    holidays = holidays_between(min(e.decision_date for e in events), end)
    late = []
    for event in events:
        deadline = working_days_after(event.decision_date, CEREMONY_WORKING_DAYS, holidays)
        if event.date > deadline:
            late.append(LateCeremony(event, deadline))
    return late
