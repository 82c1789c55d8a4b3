"""The member page shows each event's fields for its kind only (`members.lifecycle.EVENT_FIELDS`):
a recognition does not offer "Ngày được xóa án tích", an admission offers the vote and sponsors.
The server marks the unused empty fields (`data-other-kind`, hidden by admin.css); a field that
holds a value stays shown; an event being added shows all until its kind is chosen."""

import datetime
import re

import pytest
from django.urls import reverse

from members import services
from members.lifecycle import EVENT_FIELDS
from members.models import EventKind
from tests.members.test_admin import admitted, staff  # noqa: F401 (fixture)

OPTIONAL = set(EVENT_FIELDS)


def marked(html, prefix):
    """{field: marked as unused} for the event form `prefix` ("events-0") on the page."""
    found = {}
    for field in OPTIONAL:
        tag = re.search(rf'<(?:input|select|textarea)[^>]*name="{prefix}-{field}"[^>]*>', html)
        if tag:
            found[field] = "data-other-kind" in tag.group(0)
    return found


def event_prefixes(html):
    """{kind: form prefix} of the stored events, from their selected kind."""
    prefixes = {}
    for match in re.finditer(r'<select name="(events-\d+)-kind"[^>]*>(.*?)</select>', html, re.S):
        kind = re.search(r'<option value="([^"]*)" selected>', match.group(2))
        prefixes[kind.group(1) if kind else ""] = match.group(1)
    return prefixes


@pytest.mark.django_db
def test_each_event_shows_the_fields_of_its_kind_only(staff, tree):  # noqa: F811
    member = admitted("Nguyễn Văn Hùng", tree["cb1"])
    services.member_recognise(member=member, decision_date=datetime.date(2011, 6, 1))
    html = staff.get(reverse("admin:members_member_change", args=[member.pk])).content.decode()
    prefixes = event_prefixes(html)

    recognition = marked(html, prefixes[EventKind.RECOGNITION])
    assert recognition["conviction_cleared_on"] and recognition["vote_date"] and recognition["end_date"]
    assert not recognition["decision_date"]  # the recognition's own decision
    assert {f for f, hidden in recognition.items() if not hidden} == {
        f for f, kinds in EVENT_FIELDS.items() if EventKind.RECOGNITION in kinds
    }

    admission = marked(html, prefixes[EventKind.ADMISSION])
    assert not admission["vote_date"] and not admission["sponsors"] and not admission["organisation"]
    assert admission["conviction_cleared_on"] and admission["ending_ground"] and admission["exemption_ground"]

    added = marked(html, prefixes[""])  # the blank form for a new event: all until a kind is chosen
    assert not any(added.values())
    assert "data-event-fields" in html and "partyblock/event_fields.js" in html


@pytest.mark.django_db
def test_a_field_holding_a_value_stays_shown_whatever_the_kind(staff, tree):  # noqa: F811
    member = admitted("Trần Thị Lan", tree["cb1"])
    services.member_recognise(member=member, decision_date=datetime.date(2011, 6, 1))
    member.events.filter(kind=EventKind.RECOGNITION).update(sponsors="Nguyễn Văn A")  # an old record
    html = staff.get(reverse("admin:members_member_change", args=[member.pk])).content.decode()
    recognition = marked(html, event_prefixes(html)[EventKind.RECOGNITION])
    assert recognition["sponsors"] is False and recognition["vote_date"] is True
