"""The demo registers reproduce the term report's inspection figures through the figure functions,
and their discipline decisions act on the membership records."""

import datetime

from inspections.models import (
    Body,
    Competence,
    DisciplineDecision,
    DisciplineForm,
    Inspection,
    InspectionKind,
    Letter,
    LetterKind,
)
from inspections.queries import letters_overdue
from members.models import EventKind, MemberEvent
from members.queries import members_as_of
from partyblock.reports.figures import Scope, compute_all
from tests.demo.reference import INSPECTION_FIGURES
from tests.inspections.test_figures import KEYS
from units.models import Term

TERM_END = datetime.date(2020, 7, 31)


def test_demo_inspection_figures_are_the_reports(demo, db):
    scope = Scope.for_term(Term.objects.get(label="2015-2020"))
    assert compute_all(scope, keys=KEYS) == INSPECTION_FIGURES


def test_demo_committee_inspections_revisit_some_organisations(demo, db):
    # 90 visits by the 8 inspections of the term reach 86 distinct organisations.
    rows = Inspection.objects.filter(
        body=Body.COMMITTEE, kind=InspectionKind.THEMATIC, decision_date__lte=TERM_END
    ).values_list("subjects__organisation", flat=True)
    assert (len(rows), len(set(rows))) == (90, 86)


def test_demo_expulsions_end_memberships_through_their_events(demo, db):
    expulsions = DisciplineDecision.objects.filter(form=DisciplineForm.EXPULSION, withdrawn_on__isnull=True)
    assert expulsions.count() == 4
    assert MemberEvent.objects.filter(kind=EventKind.EXPULSION).count() == 4
    for decision in expulsions.select_related("member_event"):
        assert (decision.member_event.kind, decision.member_event.date) == (
            EventKind.EXPULSION,
            decision.effective_on,
        )
        day_before = decision.effective_on - datetime.timedelta(days=1)
        assert members_as_of(day_before).filter(pk=decision.member_id).exists()
        assert not members_as_of(decision.effective_on).filter(pk=decision.member_id).exists()
    assert members_as_of(TERM_END).count() == 4925


def test_demo_letters_include_overdue_complaints_and_a_denunciation(demo, db):
    overdue = Letter.objects.overdue(datetime.date(2026, 1, 1))
    assert sorted(overdue.values_list("received_on", flat=True)) == [
        datetime.date(2024, 10, 21),
        datetime.date(2025, 3, 17),
        datetime.date(2025, 6, 9),
        datetime.date(2025, 8, 4),  # a denunciation: 90 working days too (docs/rules.md)
    ]
    denunciations = letters_overdue(datetime.date(2026, 1, 1), LetterKind.DENUNCIATION)
    assert list(denunciations.values_list("received_on", flat=True)) == [datetime.date(2025, 8, 4)]
    anonymous = Letter.objects.filter(anonymous=True, kind=LetterKind.DENUNCIATION)
    assert anonymous.exists()
    assert set(anonymous.values_list("competence", flat=True)) == {Competence.FILED}
    assert DisciplineDecision.objects.filter(withdrawn_on__isnull=False).count() == 1
