"""Composition figures: members on the as-of day and admissions in the period, counted by gender,
ethnicity, religion, age band, education, political-theory level and (members) party-age band.

Each is a breakdown figure (`partyblock.reports.figures.register_breakdown`): its value is {group: count}
(printed by `manage.py figures`), one grouped query answers every cell, and `records(scope, group=…)`
is the drill-down of one cell. Members come from `members_as_of`, admissions from
`admissions_between`: no other rule decides who counts.

Ages are whole years on the as-of day (members) or on the admission ceremony (admissions). Party age
is the project's one definition (`members.badges.party_age`): the time spent in membership periods up
to the day, gaps skipped; only official members have one, probationary members are their own group.
"""

from collections import Counter

from django.db.models import Case, CharField, Count, F, Func, IntegerField, Max, Q, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear, Least

from members.lifecycle import add_months
from members.models import Gender, MembershipPeriod, MembershipStatus, TheoryLevel, covering
from members.queries import admissions_between, members_as_of, periods_as_of
from partyblock.core.figures import register_breakdown

AGE_BANDS = [("<=30", None, 30), ("31-40", 31, 40), ("41-50", 41, 50), ("51-60", 51, 60), (">60", 61, None)]
PROBATIONARY = "Dự bị"
PARTY_AGE_BANDS = [
    ("<10", None, 9),
    ("10-19", 10, 19),
    ("20-29", 20, 29),
    ("30-39", 30, 39),
    ("40-49", 40, 49),
    (">=50", 50, None),
]
NOT_RECORDED = "Chưa ghi"


def years_before(day, years):
    """The day `years` whole years before `day` (29/2 falls back to 28/2): someone born on or before
    it is at least `years` old on `day`."""
    return add_months(day, -12 * years)


# --- members on the as-of day --------------------------------------------------------------------
def _members(scope):
    return members_as_of(scope.as_of, within=scope.organisation)


def _age_band_case(day):
    """The age band on `day` as a CASE over the birth date (thresholds computed here, so the
    database compares dates only)."""
    whens = []
    for label, low, high in AGE_BANDS:
        condition = Q()
        if high is not None:  # age <= high  ⇔  born after the day high + 1 years before
            condition &= Q(birth_date__gt=years_before(day, high + 1))
        if low is not None:  # age >= low  ⇔  born on or before the day low years before
            condition &= Q(birth_date__lte=years_before(day, low))
        whens.append(When(condition, then=Value(label)))
    return Case(*whens, default=Value(NOT_RECORDED), output_field=CharField())


class DaysBetween(Func):
    """Whole days from the second date to the first, as an integer, on SQLite and PostgreSQL."""

    output_field = IntegerField()
    arity = 2

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra)


def _party_ages(scope):
    """One row per member of the scope on the as-of day: `covered`, the days spent in membership
    periods up to that day (gaps skipped, `members.badges.party_age`), and `official`, 1 when the
    registration on that day is official."""
    day = scope.as_of
    # The members of `_members(scope)`, read straight off the periods it selects them by (no pass
    # over the members table).
    in_scope = periods_as_of(day, scope.organisation).values("member_id")
    return (
        MembershipPeriod.objects.filter(starts_on__lte=day, member_id__in=in_scope)
        .values("member")
        .annotate(
            covered=Sum(DaysBetween(Least(Coalesce("ends_on", Value(day)), Value(day)), F("starts_on"))),
            official=Max(
                Case(
                    When(covering(day) & Q(status=MembershipStatus.OFFICIAL), then=Value(1)),
                    default=Value(0),
                    output_field=IntegerField(),
                )
            ),
        )
        .order_by()
    )


def _party_age_condition(day, group):
    """The condition on `covered` / `official` for a party-age group on `day`."""
    if group == PROBATIONARY:
        return Q(official=0)
    for label, low, high in PARTY_AGE_BANDS:
        if label == group:
            condition = Q(official=1)
            if low is not None:  # whole years >= low  ⇔  counted from on or before `low` years back
                condition &= Q(covered__gte=(day - years_before(day, low)).days)
            if high is not None:
                condition &= Q(covered__lt=(day - years_before(day, high + 1)).days)
            return condition
    raise ValueError(f"no party-age group {group!r}")


def _party_age_records(scope, group):
    members = _party_ages(scope).filter(_party_age_condition(scope.as_of, group)).values("member")
    return _members(scope).filter(pk__in=members)


def _party_age_counts(scope):
    groups = FIXED_GROUPS["party_age_band"]
    counts = _party_ages(scope).aggregate(
        **{
            f"g{i}": Count("member", filter=_party_age_condition(scope.as_of, g))
            for i, g in enumerate(groups)
        }
    )
    return {group: counts[f"g{i}"] for i, group in enumerate(groups)}


def _choice_label(choices):
    return Case(
        *[When(Q(**{choices[0]: code}), then=Value(label)) for code, label in choices[1]],
        default=Value(NOT_RECORDED),
        output_field=CharField(),
    )


def counted_together(family, base, groupings):
    """`counts(scope)` -> {grouping: {group: count}} for every grouping of a family of breakdowns
    (members on the as-of day, admissions in the period), from one query grouped by all of them at
    once: `base(scope)` is the family's records, `groupings` {name: scope -> group expression}. A
    breakdown's drill-down annotates the same expression on the same records, so each cell still
    counts exactly its records (tests: every cell against its drill-down)."""

    def counts(scope):
        key = ("counted_together", family)
        if key not in scope.cache:
            columns = {f"g_{name}": expression(scope) for name, expression in groupings.items()}
            rows = base(scope).annotate(**columns).values(*columns).annotate(n=Count("pk")).order_by()
            found = {name: Counter() for name in groupings}
            for row in rows:
                for name in groupings:
                    found[name][row[f"g_{name}"]] += row["n"]
            scope.cache[key] = {name: dict(counter) for name, counter in found.items()}
        return scope.cache[key]

    return counts


MEMBER_GROUPINGS = {
    "gender": lambda s: _choice_label(("gender", Gender.choices)),
    "ethnicity": lambda s: F("ethnicity"),
    "religion": lambda s: F("religion"),
    "age_band": lambda s: _age_band_case(s.as_of),
    "education": lambda s: Case(
        When(education="", then=Value(NOT_RECORDED)), default=F("education"), output_field=CharField()
    ),
    "theory_level": lambda s: _choice_label(("theory_level", TheoryLevel.choices)),
}
FIXED_GROUPS = {
    "gender": [label for _, label in Gender.choices],
    "age_band": [label for label, _, _ in AGE_BANDS],
    "theory_level": [label for _, label in TheoryLevel.choices],
    "party_age_band": [PROBATIONARY, *[label for label, _, _ in PARTY_AGE_BANDS]],
}


def _member_records(grouping):
    def records(scope):
        return _members(scope).annotate(group=MEMBER_GROUPINGS[grouping](scope))

    return records


_members_together = counted_together("members", _members, MEMBER_GROUPINGS)

MEMBER_LABELS = {
    "gender": "Đảng viên theo giới tính",
    "age_band": "Đảng viên theo độ tuổi",
    "ethnicity": "Đảng viên theo dân tộc",
    "religion": "Đảng viên theo tôn giáo",
    "education": "Đảng viên theo trình độ giáo dục phổ thông",
    "theory_level": "Đảng viên theo trình độ lý luận chính trị",
    "party_age_band": "Đảng viên theo tuổi đảng",
}
for _grouping, _label in MEMBER_LABELS.items():
    if _grouping == "party_age_band":
        register_breakdown(
            "members_by_party_age_band",
            _label,
            fixed_groups=FIXED_GROUPS[_grouping],
            group_records=_party_age_records,
            group_counts=_party_age_counts,
        )
        continue
    register_breakdown(
        f"members_by_{_grouping}",
        _label,
        _member_records(_grouping),
        FIXED_GROUPS.get(_grouping),
        group_counts=lambda s, g=_grouping: _members_together(s)[g],
    )


# --- admissions in the period --------------------------------------------------------------------
def _age_at_event():
    """Whole years between the member's birth date and the event's date, in SQL."""
    before_birthday = Q(event_month__lt=F("birth_month")) | Q(
        event_month=F("birth_month"), event_day__lt=F("birth_day")
    )
    return (
        ExtractYear("date")
        - ExtractYear("member__birth_date")
        - Case(When(before_birthday, then=Value(1)), default=Value(0), output_field=IntegerField())
    )


def _age_band_of_age():
    whens = []
    for label, low, high in AGE_BANDS:
        condition = Q()
        if high is not None:
            condition &= Q(age__lte=high)
        if low is not None:
            condition &= Q(age__gte=low)
        whens.append(When(condition, then=Value(label)))
    return Case(*whens, default=Value(NOT_RECORDED), output_field=CharField())


ADMISSION_GROUPINGS = {
    "gender": lambda: _choice_label(("member__gender", Gender.choices)),
    "ethnicity": lambda: F("member__ethnicity"),
    "religion": lambda: F("member__religion"),
    "age_band": _age_band_of_age,
    "education": lambda: Case(
        When(member__education="", then=Value(NOT_RECORDED)),
        default=F("member__education"),
        output_field=CharField(),
    ),
    "theory_level": lambda: _choice_label(("member__theory_level", TheoryLevel.choices)),
}


def _admissions(scope):
    """The admissions of the period, with the age at admission the age band reads."""
    events = admissions_between(scope.starts_on, scope.activity_end, within=scope.organisation)
    return events.annotate(
        event_month=ExtractMonth("date"),
        event_day=ExtractDay("date"),
        birth_month=ExtractMonth("member__birth_date"),
        birth_day=ExtractDay("member__birth_date"),
    ).annotate(age=_age_at_event())


def _admission_records(grouping):
    def records(scope):
        return _admissions(scope).annotate(group=ADMISSION_GROUPINGS[grouping]())

    return records


_admissions_together = counted_together(
    "admissions", _admissions, {name: (lambda s, e=e: e()) for name, e in ADMISSION_GROUPINGS.items()}
)


ADMISSION_LABELS = {
    "gender": "Kết nạp theo giới tính",
    "age_band": "Kết nạp theo độ tuổi (khi kết nạp)",
    "ethnicity": "Kết nạp theo dân tộc",
    "religion": "Kết nạp theo tôn giáo",
    "education": "Kết nạp theo trình độ giáo dục phổ thông",
    "theory_level": "Kết nạp theo trình độ lý luận chính trị",
}
for _grouping, _label in ADMISSION_LABELS.items():
    register_breakdown(
        f"admissions_by_{_grouping}",
        _label,
        _admission_records(_grouping),
        FIXED_GROUPS.get(_grouping),
        group_counts=lambda s, g=_grouping: _admissions_together(s)[g],
    )


MEMBER_BREAKDOWNS = [f"members_by_{grouping}" for grouping in MEMBER_LABELS]
ADMISSION_BREAKDOWNS = [f"admissions_by_{grouping}" for grouping in ADMISSION_LABELS]
