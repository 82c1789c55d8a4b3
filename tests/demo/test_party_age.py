"""The party age every demo period carries (`members.party_age`, written by the demo's bulk path)
equals a recount from the demo's records, for every member on the term's last day and at the end of
Congress IX's data; the demo records no interruption, so its figures do not depend on them."""

import datetime

import pytest

from members.models import MemberEvent, MembershipPeriod, PartyLifeGap, covering
from members.party_age import ENDS, STARTS, age_on, party_age_on


def recounted(events, day):
    """(years, counted from) on `day` from (kind, date, decision_date) events: the days from the
    first decision to `day` spent inside a membership (from its decision to its end), summed
    membership by membership."""
    memberships = []
    for kind, date, decision_date in sorted(events, key=lambda e: e[1]):
        if kind in STARTS:
            memberships.append([decision_date or date, None])
        elif memberships[-1][1] is None:
            memberships[-1][1] = date
    counted = sum(
        max(0, ((day if end is None else min(end, day)) - start).days) for start, end in memberships
    )
    counted_from = day - datetime.timedelta(days=counted)
    return age_on(counted_from, day), counted_from


@pytest.mark.parametrize("day", [datetime.date(2020, 7, 31), datetime.date(2025, 12, 31)])
def test_every_demo_members_party_age_equals_a_recount_from_the_records(demo, db, day):
    assert not PartyLifeGap.objects.exists()
    events = {}
    for member_id, *event in MemberEvent.objects.filter(kind__in=[*STARTS, *ENDS]).values_list(
        "member_id", "kind", "date", "decision_date"
    ):
        events.setdefault(member_id, []).append(event)
    periods = MembershipPeriod.objects.filter(covering(day), status="chinh_thuc")
    found = {p.member_id: party_age_on(p, day) for p in periods}
    assert len(found) > 4000
    assert found == {member_id: recounted(events[member_id], day) for member_id in found}
