"""The demo registers reproduce the term report's inspection figures through the figure functions,
and their discipline decisions act on the membership records."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections.models import (
    Body,
    Competence,
    DisciplineDecision,
    DisciplineForm,
    Inspection,
    InspectionKind,
    Letter,
    LetterKind,
    LetterStatus,
)
from inspections.queries import letters_overdue
from members.models import EventKind, MemberEvent
from members.queries import members_as_of
from partyblock.core.figures import FIGURES, value
from partyblock.reports.figures import Scope, compute_all
from tests.demo.reference import INSPECTION_FIGURES
from tests.inspections.test_figures import KEYS
from units.models import GRASSROOTS_KINDS, Organisation, Term

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


def test_the_discipline_and_letter_cells_are_one_grouped_query_each_and_equal_their_drill_downs(demo, db):
    """The report's discipline table (by form, by subject, after an inspection) and letter table (by
    kind and status, overdue) are answered by one grouped query each, for the Khối as for a TCCS
    (whose members are counted where they were registered on each record's day); every cell counts
    exactly its drill-down's records."""
    cells = [("discipline_decisions", {}), ("discipline_after_inspection", {}), ("letters", {})]
    cells += [("discipline_decisions", {"form": form}) for form in DisciplineForm.values]
    cells += [("discipline_decisions", {"subject": subject}) for subject in ("member", "organisation")]
    cells += [("letters", {"kind": k, "status": s}) for k in LetterKind.values for s in LetterStatus.values]
    cells += [("letters", {"overdue": "1"})]
    periods = [Scope.for_term(Term.objects.get(label="2015-2020")), Scope.for_year(2024)]
    tccs = Organisation.objects.filter(kind__in=GRASSROOTS_KINDS).order_by("path")
    checked = 0
    for period in periods:
        for within in [None, *tccs]:
            scope = Scope(period.starts_on, period.ends_on, period.as_of, within, period.term)
            assert scope.within == within  # the roots, read once per scope (not a cell's query)
            with CaptureQueriesContext(connection) as captured:
                found = {(key, tuple(params.items())): value(key, scope, **params) for key, params in cells}
            assert len(captured) == 2
            if within is not None and not found[("discipline_decisions", ())] + found[("letters", ())]:
                continue
            checked += 1
            for (key, params), n in found.items():
                assert FIGURES[key].records(scope, **dict(params)).count() == n, (within, key, params)
    assert checked > 4  # the Khối in both periods, and TCCS with decisions or letters
