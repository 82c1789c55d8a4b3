"""How the report figures reach the database (docs/benchmarks.md): figures that share their records
are counted in one pass, and PostgreSQL does not JIT-compile the report queries. Times are measured
by `manage.py bench_reports`, never here; these tests pin the number of queries and the settings."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import Member, WorkSector
from partyblock.reports.composition import ADMISSION_BREAKDOWNS, MEMBER_BREAKDOWNS, OUTSIDE
from partyblock.reports.figures import FIGURES, Scope, value

D = datetime.date


def test_the_member_breakdowns_but_party_age_are_one_grouped_query(people, term):
    scope = Scope.for_term(term)
    assert scope.within is None  # the tree's roots, read once per report: only the Khối here
    one_pass = [key for key in MEMBER_BREAKDOWNS if key != "members_by_party_age_band"]
    with CaptureQueriesContext(connection) as captured:
        counts = {key: value(key, scope) for key in one_pass}
    assert len(captured) == 1
    # the pass answers each breakdown with exactly its drill-down's records
    for key, groups in counts.items():
        assert sum(groups.values()) == value("members", scope)
        for group, n in groups.items():
            assert FIGURES[key].records(scope, group=group).count() == n, (key, group)


def test_party_age_bands_are_one_row_of_counts_equal_to_their_drill_downs(people, term):
    """Counted with a filter per band (`party_age.band_conditions`), not grouped by the CASE the
    drill-down annotates: each cell still counts exactly the drill-down's members."""
    scope = Scope.for_term(term)
    assert scope.within is None  # the tree's roots, read once per report: only the Khối here
    with CaptureQueriesContext(connection) as captured:
        counts = value("members_by_party_age_band", scope)
    assert len(captured) == 1
    assert sum(counts.values()) == value("members", scope)
    assert len([n for n in counts.values() if n]) > 1, "the fixture's members fall in several bands"
    for group, n in counts.items():
        assert FIGURES["members_by_party_age_band"].records(scope, group=group).count() == n, group


def test_the_admission_breakdowns_are_one_grouped_query(people, term):
    """With the admissions from outside the state sector, counted in the same pass."""
    scope = Scope.for_term(term)
    assert scope.within is None  # the tree's roots, read once per report: only the Khối here
    admitted = FIGURES["admissions"].records(scope)
    Member.objects.filter(pk=admitted.first().member_id).update(work_sector=WorkSector.NON_STATE)
    with CaptureQueriesContext(connection) as captured:
        counts = {key: value(key, scope) for key in ADMISSION_BREAKDOWNS}
        outside = value(OUTSIDE, scope)
    assert len(captured) == 1
    assert 0 < outside == FIGURES[OUTSIDE].records(scope).count() < admitted.count()
    for key, groups in counts.items():
        assert sum(groups.values()) == value("admissions", scope)
        for group, n in groups.items():
            assert FIGURES[key].records(scope, group=group).count() == n, (key, group)


def test_an_organisations_breakdowns_are_counted_apart_from_the_khois(people, term, tree):
    """The pass is kept per scope: another organisation or day is counted again, not reused."""
    whole, part = Scope.for_term(term), Scope.for_term(term, organisation=tree["dbcs"])
    assert value("members_by_gender", whole) != value("members_by_gender", part)
    for key in ("members_by_gender", "admissions_by_gender"):
        for group, n in value(key, part).items():
            assert FIGURES[key].records(part, group=group).count() == n, (key, group)


def test_tccs_without_admission_reads_the_admissions_once(people, term, tree):
    """One query whatever the number of TCCS (it was a prefix match per TCCS and admission)."""
    scope = Scope.for_term(term)
    assert scope.within is None  # the tree's roots, read once per report: only the Khối here
    with CaptureQueriesContext(connection) as captured:
        found = list(FIGURES["tccs_without_admission"].records(scope))
    assert len(captured) == 1
    admitted_under = {e.organisation.path[:14] for e in FIGURES["admissions"].records(scope)}
    tccs = {o.path for o in FIGURES["tccs"].records(scope)}
    assert admitted_under & tccs, "the fixture has TCCS that admitted"
    assert {o.path for o in found} == tccs - admitted_under


@pytest.mark.django_db
def test_postgresql_connections_neither_jit_compile_nor_sort_on_disk():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL session settings")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone()[0] == "16MB"
