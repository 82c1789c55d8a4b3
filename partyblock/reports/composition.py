"""Composition figures: members on the as-of day and admissions in the period, counted by gender,
ethnicity, religion, age band, education, political-theory level and (members) party-age band.

Each is a breakdown figure (`partyblock.reports.figures.register_breakdown`): its value is {group: count}
(printed by `manage.py figures`), one grouped query answers every cell, and `records(scope, group=…)`
is the drill-down of one cell. Members come from `members_as_of`, admissions from
`admissions_between`: no other rule decides who counts.

Ages are whole years on the as-of day (members) or on the admission ceremony (admissions). Party age
is the project's one definition (`members.party_age`, which the badges read too), carried by the
member's period covering the as-of day: the band is a CASE over that period's columns, grouped in
SQL; only official members have a party age, probationary members are their own group.
"""

from collections import Counter

from django.db.models import BooleanField, Case, CharField, Count, F, IntegerField, Q, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

from members import party_age
from members.lifecycle import add_months
from members.models import Gender, MembershipPeriod, TheoryLevel, WorkSector, covering
from members.queries import admissions_between, members_as_of, periods_as_of
from partyblock.core.figures import cache_key, register, register_breakdown
from units.models import Organisation, TreeSpan
from units.tree import PATH_STEP, segment

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


def _age_text(low, high):
    """An age band as the Party's statistics word it, from its bounds (whole years, inclusive)."""
    if low is None:
        return f"Từ {high} tuổi trở xuống"
    if high is None:
        return f"Trên {low - 1} tuổi"
    return f"Từ {low} đến {high} tuổi"


def _party_age_text(low, high):
    """A party-age band in words, from its bounds (whole years, inclusive: 10-19 is 10 to under 20)."""
    if low is None:
        return f"Dưới {high + 1} năm"
    if high is None:
        return f"Từ {low} năm trở lên"
    return f"Từ {low} đến dưới {high + 1} năm"


# How the bands are shown on pages and in xlsx; their keys ("<=30", ">=50") stay the figures'.
AGE_BAND_LABELS = {key: _age_text(low, high) for key, low, high in AGE_BANDS}
PARTY_AGE_BAND_LABELS = {key: _party_age_text(low, high) for key, low, high in PARTY_AGE_BANDS}
BAND_LABELS = {"age_band": AGE_BAND_LABELS, "party_age_band": PARTY_AGE_BAND_LABELS}


def years_before(day, years):
    """The day `years` whole years before `day` (29/2 falls back to 28/2): someone born on or before
    it is at least `years` old on `day`."""
    return add_months(day, -12 * years)


# --- members on the as-of day --------------------------------------------------------------------
def _members(scope):
    return members_as_of(scope.as_of, within=scope.within)


def _age_band_conditions(day):
    """[(label, Q)]: the birth dates of each age band on `day` (thresholds computed here, so the
    database compares dates only); the bands follow each other, a birth date is in at most one."""
    conditions = []
    for label, low, high in AGE_BANDS:
        condition = Q()
        if high is not None:  # age <= high  ⇔  born after the day high + 1 years before
            condition &= Q(birth_date__gt=years_before(day, high + 1))
        if low is not None:  # age >= low  ⇔  born on or before the day low years before
            condition &= Q(birth_date__lte=years_before(day, low))
        conditions.append((label, condition))
    return conditions


def _age_band_case(day):
    """The age band on `day` as a CASE over the birth date (`_age_band_conditions`)."""
    whens = [When(condition, then=Value(label)) for label, condition in _age_band_conditions(day)]
    return Case(*whens, default=Value(NOT_RECORDED), output_field=CharField())


def party_age_band(years):
    """The party-age group of `years` whole years of party age (None: no party age, probationary)."""
    if years is None:
        return PROBATIONARY
    for label, low, high in PARTY_AGE_BANDS:
        if (low is None or years >= low) and (high is None or years <= high):
            return label
    raise ValueError(f"no party-age band for {years!r}")


def _party_age_periods(scope):
    """The periods by which the members of the scope count on the as-of day (`periods_as_of`, the
    rule of `_members`), each with its party-age group (`group`): a CASE over the party age the
    period carries (`members.party_age.band`), so the composition and the badges agree."""
    day = scope.as_of
    return periods_as_of(day, scope.within).annotate(group=party_age.band(day, PARTY_AGE_BANDS, PROBATIONARY))


def _party_age_groups(scope):
    """{member id: party-age group} of the members of the scope on the as-of day: one query."""
    return dict(_party_age_periods(scope).values_list("member_id", "group"))


def _party_age_records(scope, group):
    if group not in FIXED_GROUPS["party_age_band"]:
        raise ValueError(f"no party-age group {group!r}")
    ids = _party_age_periods(scope).filter(group=group).values("member_id")
    return _members(scope).filter(pk__in=ids)


def _party_age_counts(scope):
    """{group: count}, counted in the members' one pass (`_members_together`, `MEMBER_BANDS`) with
    one `COUNT(*) FILTER (WHERE …)` per group over the conditions the CASE of `_party_age_periods`
    is made of (`party_age.band_conditions`): grouping by that CASE made PostgreSQL hash every
    period in one process."""
    return _members_together(scope)["party_age_band"]


def _choice_label(choices):
    return Case(
        *[When(Q(**{choices[0]: code}), then=Value(label)) for code, label in choices[1]],
        default=Value(NOT_RECORDED),
        output_field=CharField(),
    )


def counted_together(family, base, groupings, banded=None):
    """`counts(scope)` -> {grouping: {group: count}} for every grouping of a family of breakdowns
    (members on the as-of day, admissions in the period), from one query grouped by all of them at
    once: `base(scope)` is the family's records, `groupings` {name: scope -> group expression}.
    `banded` {name: (scope -> [(group, Q)], group of the records in none)} are counted in the same
    query with one `COUNT(*) FILTER (WHERE …)` per group instead of being grouped by: PostgreSQL
    estimates the groups of a CASE over dates (birth dates, party-age dates) as the rows themselves,
    and then sorts every row on disk instead of hashing a few groups in parallel workers. A
    breakdown's drill-down annotates the same expression (a CASE over the same conditions) on the
    same records, so each cell still counts exactly its records (tests: every cell against its
    drill-down)."""
    banded = banded or {}

    def counts(scope):
        key = ("counted_together", family)
        if key not in scope.cache:
            columns = {f"g_{name}": expression(scope) for name, expression in groupings.items()}
            bands = {name: conditions(scope) for name, (conditions, _) in banded.items()}
            filtered = {
                f"b_{name}_{i}": Count("pk", filter=condition)
                for name, conditions in bands.items()
                for i, (_, condition) in enumerate(conditions)
            }
            rows = (
                base(scope).annotate(**columns).values(*columns).annotate(n=Count("*"), **filtered).order_by()
            )
            found = {name: Counter() for name in [*groupings, *banded]}
            for row in rows:
                for name in groupings:
                    found[name][row[f"g_{name}"]] += row["n"]
                for name, conditions in bands.items():
                    in_none = row["n"]
                    for i, (group, _) in enumerate(conditions):
                        found[name][group] += row[f"b_{name}_{i}"]
                        in_none -= row[f"b_{name}_{i}"]
                    found[name][banded[name][1]] += in_none
            scope.cache[key] = {
                name: {group: n for group, n in counter.items() if n or name not in banded}
                for name, counter in found.items()
            }
        return scope.cache[key]

    return counts


def _recorded(field):
    """The stored value, or "Chưa ghi" when empty (never an assumed "Kinh" / "Không")."""
    return Case(When(**{field: ""}, then=Value(NOT_RECORDED)), default=F(field), output_field=CharField())


MEMBER_GROUPINGS = {
    "gender": lambda s: _choice_label(("gender", Gender.choices)),
    "ethnicity": lambda s: _recorded("ethnicity"),
    "religion": lambda s: _recorded("religion"),
    "age_band": lambda s: _age_band_case(s.as_of),
    "education": lambda s: _recorded("education"),
    "theory_level": lambda s: _choice_label(("theory_level", TheoryLevel.choices)),
}
# Counted by bands in the members' one pass (`counted_together`): [(group, Q)], group of the rest.
MEMBER_BANDS = {
    "age_band": (lambda s: _age_band_conditions(s.as_of), NOT_RECORDED),
    "party_age_band": (
        lambda s: party_age.band_conditions(s.as_of, PARTY_AGE_BANDS, PROBATIONARY),
        PROBATIONARY,
    ),
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


def _member_periods(scope):
    """The periods by which the members of the scope count on the as-of day (`periods_as_of`, one
    per member: `_members`'s rule), each carrying its member's profile fields (`members.period_profile`),
    so the groupings read the same names on them as on the members, without a join."""
    return periods_as_of(scope.as_of, scope.within)


# The six member breakdowns and the party-age bands: one grouped pass over the periods of the day.
_members_together = counted_together(
    "members",
    _member_periods,
    {name: expression for name, expression in MEMBER_GROUPINGS.items() if name not in MEMBER_BANDS},
    MEMBER_BANDS,
)

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
            group_labels=PARTY_AGE_BAND_LABELS,
        )
        continue
    register_breakdown(
        f"members_by_{_grouping}",
        _label,
        _member_records(_grouping),
        FIXED_GROUPS.get(_grouping),
        group_counts=lambda s, g=_grouping: _members_together(s)[g],
        group_labels=BAND_LABELS.get(_grouping),
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
    "ethnicity": lambda: _recorded("member__ethnicity"),
    "religion": lambda: _recorded("member__religion"),
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
    events = admissions_between(scope.starts_on, scope.activity_end, within=scope.within)
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


def _outside_state_sector():
    """Whether the admitted member works outside the state sector (the figure `OUTSIDE` below)."""
    return Case(
        When(member__work_sector=WorkSector.NON_STATE, then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


# Every admission breakdown and the admissions from outside the state sector, from one pass.
_admissions_together = counted_together(
    "admissions",
    _admissions,
    {
        **{name: (lambda s, e=e: e()) for name, e in ADMISSION_GROUPINGS.items()},
        "outside_state_sector": lambda s: _outside_state_sector(),
    },
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
        group_labels=BAND_LABELS.get(_grouping),
    )


def _admissions_outside_state_sector(scope):
    events = admissions_between(scope.starts_on, scope.activity_end, within=scope.within)
    return events.filter(member__work_sector=WorkSector.NON_STATE)


# The Party's statistics count new admissions from outside the state sector (issue 19).
OUTSIDE = "admissions_outside_state_sector"
register(
    OUTSIDE,
    "Kết nạp đảng viên ngoài khu vực nhà nước",
    records=_admissions_outside_state_sector,
    batch=lambda s: {cache_key(OUTSIDE, {}): _admissions_together(s)["outside_state_sector"].get(True, 0)},
)


MEMBER_BREAKDOWNS = [f"members_by_{grouping}" for grouping in MEMBER_LABELS]
ADMISSION_BREAKDOWNS = [f"admissions_by_{grouping}" for grouping in ADMISSION_LABELS]


# --- the same breakdowns, one line per organisation below the scope's ------------------------------
def _line_finder(scope):
    """A function (organisation id, day) -> the id of the organisation directly below the scope's
    (the TCCS, for the Khối) that it was in or was on that day, as the tree stood then; None when
    it was the scope's organisation itself. One query (the tree spans)."""
    spans = {}
    for organisation_id, starts_on, ends_on, path in TreeSpan.objects.values_list(
        "organisation_id", "starts_on", "ends_on", "path"
    ):
        spans.setdefault(organisation_id, []).append((starts_on, ends_on, path))
    anchor = segment(scope.organisation.pk) if scope.organisation else None

    def line(organisation_id, day):
        for starts_on, ends_on, path in spans.get(organisation_id, ()):
            if (starts_on is None or starts_on <= day) and (ends_on is None or ends_on > day):
                segments = [path[i : i + PATH_STEP] for i in range(0, len(path), PATH_STEP)]
                position = segments.index(anchor) + 1 if anchor in segments else 1 if anchor is None else None
                if position is None or position >= len(segments):
                    return None
                return int(segments[position][:-1])
        return None

    return line


def lines_below(scope):
    """[(organisation, {breakdown key: {group: count}})]: the lines of the Party's statistics forms,
    one per organisation directly below the scope's (the TCCS, for the Khối) in tree order: those
    in the tree on the as-of day and any other with a count (a TCCS dissolved after admitting in
    the period)."""
    line_of = _line_finder(scope)
    counts = breakdowns_by_line(scope, line_of)
    day = scope.as_of
    present = [
        pk
        for pk in Organisation.objects.active_on(day)
        .in_tree_on(day, scope.within)
        .values_list("pk", flat=True)
        if line_of(pk, day) == pk
    ]
    organisations = Organisation.objects.filter(pk__in={*present, *counts}).order_by("path")
    return [(organisation, counts.get(organisation.pk, {})) for organisation in organisations]


def breakdowns_by_line(scope, line_of=None):
    """{line organisation id: {breakdown key: {group: count}, OUTSIDE: count}}: every member and
    admission breakdown of the scope (and the admissions from outside the state sector), split by
    the organisation directly below the scope's (the TCCS, for the Khối) where each member was
    registered on the as-of day, or each admission was made on its day. The records and groups are the figures' own (the same querysets), so the lines add up to
    the figures. A fixed number of queries."""
    day = scope.as_of
    line_of = line_of or _line_finder(scope)
    members = _members(scope).values("pk")
    member_line = {
        member_id: line_of(organisation_id, day)
        for member_id, organisation_id in MembershipPeriod.objects.filter(
            covering(day), member__in=members, organisation__isnull=False
        ).values_list("member_id", "organisation_id")
    }
    lines = {}

    def add(line, key, group):
        if line is not None:
            counts = lines.setdefault(line, {}).setdefault(key, {})
            counts[group] = counts.get(group, 0) + 1

    for grouping in MEMBER_GROUPINGS:
        for member_id, group in _member_records(grouping)(scope).values_list("pk", "group"):
            add(member_line.get(member_id), f"members_by_{grouping}", group)
    for member_id, group in _party_age_groups(scope).items():
        add(member_line.get(member_id), "members_by_party_age_band", group)
    for grouping in ADMISSION_GROUPINGS:
        events = _admission_records(grouping)(scope).values_list("organisation_id", "date", "group")
        for organisation_id, date, group in events:
            add(line_of(organisation_id, date), f"admissions_by_{grouping}", group)
    for organisation_id, date in _admissions_outside_state_sector(scope).values_list(
        "organisation_id", "date"
    ):
        line = line_of(organisation_id, date)
        if line is not None:
            lines.setdefault(line, {})[OUTSIDE] = lines.get(line, {}).get(OUTSIDE, 0) + 1
    return lines
