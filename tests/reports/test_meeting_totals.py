"""The Khối's meeting totals per day and kind (`MeetingDayTotal`, derived) equal the meetings after
every kind of write: one meeting saved, moved to another day or kind, deleted; many deleted (the
admin's bulk action) or created at once (the demo); and the whole Khối's meeting figures read them."""

import datetime

from django.db.models import Count, Sum
from django.urls import reverse

from partyblock.reports.figures import FIGURES, Scope, value
from units.models import Meeting, MeetingDayTotal, MeetingKind, meeting_totals_refresh
from units.services import meetings_create_bulk, meetings_delete

D = datetime.date


def _from_meetings():
    rows = Meeting.objects.values("held_on", "kind").annotate(
        n=Count("pk"), p=Sum("present"), e=Sum("expected")
    )
    return sorted((r["held_on"], r["kind"], r["n"], r["p"], r["e"]) for r in rows)


def _stored():
    rows = MeetingDayTotal.objects.values_list("held_on", "kind", "meetings", "present", "expected")
    return sorted(rows)


def test_totals_follow_each_meeting_saved_moved_and_deleted(tree):
    a = Meeting.objects.create(organisation=tree["cb1"], held_on=D(2016, 3, 5), expected=10, present=9)
    Meeting.objects.create(organisation=tree["cbcs"], held_on=D(2016, 3, 5), expected=20, present=19)
    Meeting.objects.create(
        organisation=tree["cb2"], held_on=D(2016, 3, 5), kind=MeetingKind.THEMATIC, expected=8, present=8
    )
    assert (
        _stored()
        == _from_meetings()
        == [
            (D(2016, 3, 5), MeetingKind.THEMATIC, 1, 8, 8),
            (D(2016, 3, 5), MeetingKind.REGULAR, 2, 28, 30),
        ]
    )
    a.held_on, a.present = D(2016, 4, 5), 7
    a.save()
    assert _stored() == _from_meetings()
    assert (D(2016, 4, 5), MeetingKind.REGULAR, 1, 7, 10) in _stored()
    a.kind = MeetingKind.THEMATIC
    a.save()
    assert _stored() == _from_meetings()
    a.delete()
    assert _stored() == _from_meetings()
    assert MeetingDayTotal.objects.filter(held_on=D(2016, 4, 5)).count() == 0


def test_totals_follow_many_meetings_created_and_deleted(tree):
    meetings_create_bulk(
        [
            Meeting(organisation=tree[code], held_on=D(2017, month, 5), expected=12, present=month)
            for code in ("cb1", "cb2", "cbcs")
            for month in range(1, 13)
        ]
    )
    assert len(_stored()) == 12
    assert _stored() == _from_meetings()
    meetings_delete(Meeting.objects.filter(organisation=tree["cb1"], held_on__month__lte=6))
    assert _stored() == _from_meetings()
    meetings_delete(Meeting.objects.filter(held_on__month__gt=6))
    assert _stored() == _from_meetings()
    assert len(_stored()) == 6


def test_the_admins_bulk_delete_keeps_the_totals(tree, client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("quantri", password="x"))
    kept = Meeting.objects.create(organisation=tree["cb1"], held_on=D(2016, 3, 5), expected=10, present=9)
    gone = Meeting.objects.create(organisation=tree["cbcs"], held_on=D(2016, 3, 5), expected=20, present=19)
    response = client.post(
        reverse("admin:units_meeting_changelist"),
        {"action": "delete_selected", "_selected_action": [gone.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert list(Meeting.objects.all()) == [kept]
    assert _stored() == _from_meetings() == [(D(2016, 3, 5), MeetingKind.REGULAR, 1, 9, 10)]


def test_rebuilding_every_day_writes_the_same_totals(tree):
    Meeting.objects.create(organisation=tree["cb1"], held_on=D(2016, 3, 5), expected=10, present=9)
    Meeting.objects.create(organisation=tree["cbcs"], held_on=D(2019, 3, 5), expected=20, present=19)
    before = _stored()
    MeetingDayTotal.objects.all().delete()
    meeting_totals_refresh()
    assert _stored() == before == _from_meetings()


def test_the_khois_meeting_figures_read_the_totals_and_match_their_drill_downs(tree, term):
    Meeting.objects.create(organisation=tree["cb1"], held_on=D(2016, 3, 5), expected=10, present=9)
    Meeting.objects.create(
        organisation=tree["cbcs"], held_on=D(2016, 3, 17), kind=MeetingKind.THEMATIC, expected=20, present=15
    )
    Meeting.objects.create(organisation=tree["cbcs"], held_on=D(2014, 3, 5), expected=20, present=1)  # before
    for scope in (Scope.for_term(term), Scope.for_term(term, organisation=tree["dbcs"])):
        assert value("meetings", scope) == FIGURES["meetings"].records(scope).count()
        for kind in MeetingKind.values:
            assert (
                value("meetings", scope, kind=kind) == FIGURES["meetings"].records(scope, kind=kind).count()
            )
    whole = Scope.for_term(term)
    assert value("meetings", whole) == 2
    assert value("meeting_attendance_pct", whole) == 80.0  # 24 of 30
    assert value("meeting_attendance_pct", Scope.for_term(term, organisation=tree["dbcs"])) == 90.0
