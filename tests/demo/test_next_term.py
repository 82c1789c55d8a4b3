"""Congress IX (2020-2025) on the demo: its records fill the term report and the year reports
2021-2025, and the 2015-2020 figures stay the reference report's (tests/demo/test_figures.py)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from partyblock.reports.figures import Scope, value
from partyblock.reports.targets import judged_targets
from units.models import Term

YEARS = range(2021, 2026)


@pytest.fixture
def term(db):
    return Term.objects.get(label="2020-2025")


def test_the_next_term_has_records_for_every_section(term):
    scope = Scope.for_term(term)
    assert term.congress_ordinal == "IX"
    assert scope.rated_years == [2020, 2021, 2022, 2023, 2024]
    assert value("members", scope) > value("members", Scope.for_term(Term.objects.get(label="2015-2020")))
    admissions = value("admissions", scope)
    assert admissions >= value("admissions_target", scope)
    assert sum(value("admissions_in_year", scope, year=y) for y in range(2020, 2026)) == admissions
    shares = value("member_good_or_better_pct_by_year", scope)
    assert sorted(int(year) for year in shares) == scope.rated_years
    assert all(95 <= share < 100 for share in shares.values()), shares
    for key in (
        "breakthrough_tasks",
        "committee_inspections",
        "thematic_supervisions",
        "duty_inspected_orgs",
        "discipline_enforcement_members",
        "tccs_province_certificates",
        "tccs_bloc_certificates",
        "transfers_in",
        "transfers_out",
        "deaths",
        "removals",
        "badges_awarded",
        "admissions_outside_state_sector",
    ):
        assert value(key, scope) > 0, key
    assert value("meeting_attendance_pct", scope) > 90


def test_every_target_of_congress_ix_is_judged_on_records(term):
    judged = judged_targets(Scope.for_term(term))
    assert len(judged) == term.targets.count() == 5
    assert [(j.target.key, j.met) for j in judged if j.met is None or j.actual is None] == []


@pytest.mark.parametrize("year", YEARS)
def test_each_year_report_of_the_term_has_its_years_records(db, client, django_user_model, year):
    client.force_login(django_user_model.objects.create_superuser(f"lanhdao{year}", password="x"))
    assert client.get(reverse("reports:year", args=[year])).status_code == 200
    scope = Scope.for_year(year)
    for key in (
        "admissions",
        "meeting_attendance_pct",
        "breakthrough_tasks",
        "member_good_or_better_pct_by_year",
    ):
        assert value(key, scope), (year, key)


def test_the_leaders_home_shows_the_next_terms_figures(db, django_user_model):
    from partyblock.home import leader_summaries

    leader = django_user_model.objects.create_superuser("lanhdao", password="x")
    summaries = leader_summaries(leader, timezone.localdate())
    current = next(s for s in summaries if s.title.startswith("Nhiệm kỳ 2020-2025"))
    shown = [shown for _, shown, _ in current.figures]
    assert "0" not in shown and "—" not in shown, current.figures
