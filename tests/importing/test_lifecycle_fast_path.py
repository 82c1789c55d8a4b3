"""`replay_admission`, the lifecycle's answer for the story a members sheet tells thousands of times,
against `replay` itself: the same periods, warnings and refusals for demo-like stories and for every
way the story can be refused; and the plain stories never reach `replay`."""

import datetime
import random

import pytest
from django.core.exceptions import ValidationError

from members import lifecycle
from members.lifecycle import PERIOD_FIELDS, add_months, replay, replay_admission
from members.models import EventKind, Member, MemberEvent
from units.models import Organisation, OrganisationKind

D = datetime.date
LONG_AGO = D(1950, 1, 1)


def organisation(pk, kind=OrganisationKind.CHI_BO_TRUC_THUOC, founded=LONG_AGO, dissolved=None):
    return Organisation(
        pk=pk, code=f"CB{pk}", name=f"Chi bộ {pk}", kind=kind, founded_on=founded, dissolved_on=dissolved
    )


CHI_BO = organisation(1)
CHI_BO_CO_SO = organisation(2, kind=OrganisationKind.CHI_BO_CO_SO)
DANG_BO = organisation(3, kind=OrganisationKind.DANG_BO_CO_SO)
DISSOLVED = organisation(4, dissolved=D(2010, 6, 30))
YOUNG = organisation(5, founded=D(2018, 3, 1))


def by_replay(birth_date, chi_bo, admitted_on, decided_on=None):
    """What replay() makes of the same story, told with real (unsaved) MemberEvent instances."""
    events = [MemberEvent(kind=EventKind.ADMISSION, date=admitted_on, organisation=chi_bo)]
    if decided_on is not None:
        events.append(MemberEvent(kind=EventKind.RECOGNITION, decision_date=decided_on))
    organisations = {chi_bo.pk: chi_bo} if chi_bo is not None else None
    outcome = replay(Member(birth_date=birth_date), events, organisations)
    rows = [tuple(getattr(period, name) for name in PERIOD_FIELDS) for period in outcome.periods]
    return rows, outcome.warnings


def outcome(function, *story):
    try:
        return "ok", function(*story)
    except ValidationError as error:
        return "refused", error.messages


def demo_like_stories(count=400, seed=6):
    """Stories as the demo and bench_import make them: born 1960–1998, admitted at 22–26, most
    recognised 0–40 days after probation ends, some still probationary; days up to the 31st."""
    rng = random.Random(seed)
    for _ in range(count):
        birth = D(rng.randint(1960, 1998), rng.randint(1, 12), rng.randint(1, 28))
        admitted = D(birth.year + rng.randint(22, 26), rng.randint(1, 12), rng.randint(1, 28))
        if rng.random() < 0.2:  # the last day of its month: probation ends on a shorter month's last
            admitted = add_months(admitted.replace(day=1), 1) - datetime.timedelta(days=1)
        decided = None
        if rng.random() < 0.8:
            decided = add_months(admitted, 12) + datetime.timedelta(days=rng.randint(0, 40))
        yield birth, rng.choice([CHI_BO, CHI_BO_CO_SO]), admitted, decided


# Every way the story can be refused or warned about, and the edges around them.
EDGES = [
    ("under 18 at the ceremony", D(2000, 1, 10), CHI_BO, D(2015, 1, 10), None),
    ("18 the day before", D(1997, 1, 11), CHI_BO, D(2015, 1, 10), None),
    ("18 on the day", D(1997, 1, 10), CHI_BO, D(2015, 1, 10), None),
    ("born on 29 February, 18 on 1 March", D(1996, 2, 29), CHI_BO, D(2014, 3, 1), None),
    ("60 on the day", D(1955, 1, 10), CHI_BO, D(2015, 1, 10), None),
    ("over 60: a warning", D(1955, 1, 9), CHI_BO, D(2015, 1, 10), D(2016, 2, 1)),
    ("long over 60", D(1940, 5, 5), CHI_BO, D(2015, 1, 10), None),
    ("a đảng bộ is not a chi bộ", D(1980, 1, 1), DANG_BO, D(2010, 1, 10), None),
    ("chi bộ dissolved before", D(1980, 1, 1), DISSOLVED, D(2011, 1, 10), D(2012, 2, 1)),
    ("chi bộ dissolved that day", D(1980, 1, 1), DISSOLVED, D(2010, 6, 30), None),
    ("chi bộ dissolved the day after", D(1980, 1, 1), DISSOLVED, D(2010, 6, 29), None),
    ("chi bộ not founded yet", D(1980, 1, 1), YOUNG, D(2017, 1, 10), D(2018, 2, 1)),
    ("chi bộ founded that day", D(1980, 1, 1), YOUNG, D(2018, 3, 1), None),
    ("decided a day before probation ends", D(1980, 1, 1), CHI_BO, D(2010, 1, 10), D(2011, 1, 9)),
    ("decided the day probation ends", D(1980, 1, 1), CHI_BO, D(2010, 1, 10), D(2011, 1, 10)),
    ("decided before the ceremony", D(1980, 1, 1), CHI_BO, D(2010, 1, 10), D(2009, 12, 1)),
    ("admitted on the 31st", D(1980, 1, 1), CHI_BO, D(2010, 1, 31), D(2011, 2, 1)),
    ("admitted on 29 February", D(1980, 1, 1), CHI_BO, D(2012, 2, 29), D(2013, 3, 1)),
    ("under 18, decided too early", D(2000, 1, 10), CHI_BO, D(2015, 1, 10), D(2015, 6, 1)),
    ("no chi bộ at all", D(1980, 1, 1), None, D(2010, 1, 10), None),
    ("no chi bộ, decided", D(1980, 1, 1), None, D(2010, 1, 10), D(2011, 2, 1)),
]


def test_demo_like_stories_give_what_replay_gives():
    stories = list(demo_like_stories())
    assert sum(story[3] is None for story in stories) > 40  # some still probationary
    for story in stories:
        assert outcome(replay_admission, *story) == outcome(by_replay, *story), story


@pytest.mark.parametrize("case, birth, chi_bo, admitted, decided", EDGES, ids=[e[0] for e in EDGES])
def test_every_refusal_and_warning_is_replay_s_own(case, birth, chi_bo, admitted, decided):
    assert outcome(replay_admission, birth, chi_bo, admitted, decided) == outcome(
        by_replay, birth, chi_bo, admitted, decided
    )


def test_the_edges_cover_refusals_warnings_and_passes():
    results = [outcome(replay_admission, *edge[1:]) for edge in EDGES]
    assert {status for status, _ in results} == {"ok", "refused"}
    assert any(status == "ok" and found[1] for status, found in results)  # a warning


def test_plain_stories_never_reach_replay_and_the_others_always_do(monkeypatch):
    calls = []
    real = lifecycle.replay

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(lifecycle, "replay", counting)
    for story in demo_like_stories(100):
        replay_admission(*story)
    assert calls == []
    for case, *story in EDGES:
        calls.clear()
        status, found = outcome(replay_admission, *story)
        plain = status == "ok" and not found[1]  # accepted without a warning
        assert len(calls) == (0 if plain else 1), case


def test_periods_of_the_plain_story():
    rows, warnings = replay_admission(D(1985, 5, 15), CHI_BO, D(2015, 1, 10), D(2016, 1, 20))
    assert warnings == []
    assert rows == [
        (CHI_BO.pk, "du_bi", None, False, False, False, D(2015, 1, 10), D(2016, 1, 10)),
        (CHI_BO.pk, "chinh_thuc", None, False, False, False, D(2016, 1, 10), None),
    ]
    assert replay_admission(D(1985, 5, 15), CHI_BO, D(2015, 1, 10)) == (
        [(CHI_BO.pk, "du_bi", None, False, False, False, D(2015, 1, 10), None)],
        [],
    )


def test_period_columns_of_many_admissions_are_each_admission_s_periods():
    stories = [story for story in demo_like_stories(200) if lifecycle.plain_admission(*story[:3])]
    dues = [add_months(admitted, 12) if decided else None for _, _, admitted, decided in stories]
    members, columns = lifecycle.admission_period_columns(
        [chi_bo.pk for _, chi_bo, _, _ in stories], [story[2] for story in stories], dues
    )
    assert list(columns) == list(PERIOD_FIELDS)
    rows = sorted(zip(members, *columns.values(), strict=True), key=lambda row: (row[0], row[-2]))
    expected = [
        (index, *row)
        for index, ((birth, chi_bo, admitted, decided), due) in enumerate(zip(stories, dues, strict=True))
        for row in replay_admission(birth, chi_bo, admitted, decided)[0]
    ]
    assert rows == expected
    assert sum(due is None for due in dues) > 20  # probationary ones among them


def test_plain_admission_decides_ages_as_the_admission_rules_do():
    """The whole-years shortcut agrees with the admission age rule (on the vote, else the day, with
    the warning near 18) on every day around 18 and 60."""
    birth = D(1996, 2, 29)
    for years in (17, 18, 19, 20, 59, 60, 61):
        start = D(birth.year + years, 1, 1)
        for offset in range(0, 366, 3):
            day = start + datetime.timedelta(days=offset)
            for born in (birth, D(1996, 3, 1), D(1995, 12, 31), D(1996, 1, 1)):
                rules = lifecycle._admission_age_at_vote(born, None, day) == (None, None)
                assert lifecycle.plain_admission(born, CHI_BO, day) == rules, (born, day)


def test_plain_admissions_of_columns_is_each_row_s_plain_admission():
    """Told at once where the bounds allow it, row by row otherwise: always what every row's
    plain_admission says, for columns mixing demo-like stories with the edges (ages around the
    limits, a chi bộ dissolved or founded within the columns' days, no chi bộ, not a chi bộ)."""
    rng = random.Random(11)
    stories = [story[:3] for story in demo_like_stories(200)] + [tuple(edge[1:4]) for edge in EDGES]
    answers = set()
    for _ in range(400):
        picked = rng.sample(stories, rng.randint(1, 6))
        columns = [list(column) for column in zip(*picked, strict=True)]
        expected = all(lifecycle.plain_admission(*story) for story in picked)
        assert lifecycle.plain_admissions(*columns) == expected, picked
        answers.add(expected)
    assert answers == {True, False}
    # All ages fine and the chi bộ existing on some of the days only: the bounds alone say no.
    assert (
        lifecycle.plain_admissions([D(1980, 1, 1)] * 2, [DISSOLVED] * 2, [D(2010, 1, 10), D(2010, 7, 1)])
        is False
    )
    assert (
        lifecycle.plain_admissions([D(1980, 1, 1)] * 2, [YOUNG] * 2, [D(2017, 1, 10), D(2018, 3, 1)]) is False
    )
    assert lifecycle.plain_admissions([], [], []) is True


@pytest.mark.parametrize("months", [12, 24, 1, 13])
def test_months_added_to_a_column_are_each_day_s(months):
    days = [D(2012, 2, 29), D(2011, 1, 31), D(2015, 12, 31), D(2016, 2, 28), D(2019, 8, 30)]
    days += [D(2000, 1, 1) + datetime.timedelta(days=n) for n in range(0, 4000, 7)]
    assert lifecycle.add_months_each(days, months) == [add_months(day, months) for day in days]
    assert lifecycle.add_months_each(days[1:], months) == [add_months(day, months) for day in days[1:]]
