"""Values the demo's writes derive are equal to its records: the Khối's meeting totals per day and
kind (`MeetingDayTotal`) are the meetings added up; each membership period carries its member's
profile fields (`members.period_profile`)."""

from django.db.models import Count, Sum

from members import period_profile
from members.models import MembershipPeriod
from units.models import Meeting, MeetingDayTotal


def test_the_meeting_totals_are_the_demos_meetings_added_up(db):
    # `db` keeps this test with the package's other database tests: pytest-django runs tests that
    # ask for no database last, after transactional tests elsewhere have flushed the reference
    # data the demo needs (award forms), and the package's demo would be built again there.
    rows = Meeting.objects.values("held_on", "kind").annotate(
        n=Count("pk"), p=Sum("present"), e=Sum("expected")
    )
    from_meetings = sorted((r["held_on"], r["kind"], r["n"], r["p"], r["e"]) for r in rows)
    stored = sorted(MeetingDayTotal.objects.values_list("held_on", "kind", "meetings", "present", "expected"))
    assert len(stored) > 100
    assert stored == from_meetings


def test_the_demos_periods_carry_their_members_profile_fields(db):
    assert MembershipPeriod.objects.count() > 1000
    assert MembershipPeriod.objects.filter(birth_date__isnull=True).count() == 0
    assert period_profile.mismatched() == []
