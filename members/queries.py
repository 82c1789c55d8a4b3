"""Read-side questions about members, answered from the stored membership periods.

Every count of members anywhere in the project comes from `members_as_of`.
"""

from .models import EventKind, Member, MemberEvent, MembershipPeriod


def periods_as_of(day, within=None):
    """Periods in force on `day` with the official registration in the Khối (or in `within`)."""
    periods = MembershipPeriod.objects.covering(day).in_bloc()
    return periods.within(within) if within is not None else periods


def members_as_of(day, within=None):
    """Members of the Khối (or of organisation `within` and everything below it) on `day`.

    Membership covers `day` and the official registration is there: a member on temporary
    transfer counts at home, never at the host. Probationary and official members both count.
    """
    return Member.objects.filter(pk__in=periods_as_of(day, within).values("member_id"))


def admissions_between(start, end, within=None):
    """Admission events (not readmissions) whose ceremony fell in [start, end], in the Khối or `within`."""
    events = MemberEvent.objects.filter(kind=EventKind.ADMISSION, date__gte=start, date__lte=end)
    events = events.filter(organisation__isnull=False)
    return events.filter(organisation__path__startswith=within.path) if within is not None else events
