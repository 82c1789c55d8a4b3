"""Read-side questions about members, answered from the stored membership periods.

Every count of members anywhere in the project comes from `periods_as_of` (whose members are
`members_as_of`): the report figures, `headcounts` over several days, `headcounts_of_children` on
the organisation page, the organisation list's column (`headcount`), the to-dos and drill-downs.
"""

import datetime

from django.db.models import Count, Exists, Func, OuterRef, Q, Subquery

from partyblock.core.text import search_key
from units.models import GRASSROOTS_KINDS, TreeSpan
from units.tree import below_on, placed_within, segment, under_in_year, under_on

from .lifecycle import add_months
from .models import (
    Award,
    EventKind,
    Member,
    MemberCard,
    MemberEvent,
    MemberRating,
    MembershipPeriod,
    PartyBadge,
    covering,
)


def periods_as_of(day, within=None):
    """Periods in force on `day` with the official registration in the Khối (or in `within` and
    below it, in the tree of `day`). `day` may be an expression (the date of each row of an outer
    query) and `within` the id of each row of an outer query (OuterRef("pk")): `placed_within`."""
    periods = MembershipPeriod.objects.covering(day).in_bloc()
    return periods.filter(placed_within(within, day)) if within is not None else periods


def members_as_of(day, within=None):
    """Members of the Khối (or of organisation `within` and everything below it) on `day`.

    Membership covers `day` and the official registration is there: a member on temporary
    transfer counts at home, never at the host. Probationary and official members both count.
    """
    return Member.objects.filter(pk__in=periods_as_of(day, within).values("member_id"))


def admissions_between(start, end, within=None):
    """Admission events (not readmissions) whose ceremony fell in [start, end], in the Khối or `within`."""
    events = MemberEvent.objects.filter(kind=EventKind.ADMISSION, date__gte=start, date__lte=end)
    events = events.filter(organisation__isnull=False)
    return events.filter(under_on(within, "organisation_id", "date")) if within is not None else events


def rating_day(year):
    """Ratings are made at year end; who must be rated is judged on this day."""
    return datetime.date(year, 12, 31)


def periods_to_rate(year, within=None):
    """Members who must be rated for `year` (DOMAIN.md §3), as their year-end periods: registered
    in the Khối on 31/12 (rated by that chi bộ, so a transferred member by the receiving one and a
    temporarily transferred one at home), not exempted or suspended then, and not admitted (or
    readmitted) in the last 6 months."""
    day = rating_day(year)
    recently_admitted = MemberEvent.objects.filter(
        kind__in=(EventKind.ADMISSION, EventKind.READMISSION), date__gt=add_months(day, -6), date__lte=day
    ).values("member_id")
    return (
        periods_as_of(day, within)
        .filter(is_exempt=False, is_suspended=False)
        .exclude(member_id__in=recently_admitted)
    )


def member_ratings(year, within=None):
    ratings = MemberRating.objects.filter(year=year)
    return ratings.filter(under_in_year(within, "organisation_id", "year")) if within is not None else ratings


def awards_to_grassroots(start, end, form_code=None, body_code=None, within=None):
    """Awards ("lượt") to TCCS decided in [start, end], of `form_code` by `body_code` when given."""
    awards = Award.objects.filter(
        organisation__kind__in=GRASSROOTS_KINDS, decision_date__gte=start, decision_date__lte=end
    )
    if form_code is not None:
        awards = awards.filter(form__code=form_code)
    if body_code is not None:
        awards = awards.filter(body__code=body_code)
    return (
        awards.filter(under_on(within, "organisation_id", "decision_date")) if within is not None else awards
    )


def member_ratings_within(within=None):
    ratings = MemberRating.objects.all()
    return ratings.filter(under_in_year(within, "organisation_id", "year")) if within is not None else ratings


SEARCH_MIN_CHARACTERS = 2
SEARCH_TOO_SHORT = f"Gõ ít nhất {SEARCH_MIN_CHARACTERS} ký tự (chữ hoặc số) để tìm."


def search_too_short(term):
    """Whether `term` is too short to be searched: fewer than two letters or digits once folded
    (one letter is in nearly every name, so it would list everyone). Such a search is not run: it
    finds nothing and the page says `SEARCH_TOO_SHORT`."""
    return len("".join(search_key(term).split())) < SEARCH_MIN_CHARACTERS


def name_words(term, field):
    """Q: the folded name in `field` (a `search_name`) holds every word of `term`, ignoring case and
    diacritics (đ = d); a one-letter word only as the start of a word, an initial ("Nguyen V An")."""
    found = Q()
    for word in search_key(term).split():
        if len(word) == 1:
            found &= Q(**{f"{field}__startswith": word}) | Q(**{f"{field}__contains": f" {word}"})
        else:
            found &= Q(**{f"{field}__contains": word})
    return found


def name_search(term, *, national_id=False, prefix=""):
    """Q matching members whose name has every word of `term` (`name_words`), or whose party card
    number is exactly `term`, or, when `national_id` (the searching user sees national IDs whole:
    `partyblock.accounts.access.may_look_up`, no search by a value seen masked), whose national ID
    is. `prefix` reaches the member from another model ("member__"). A term `search_too_short`
    matches no one."""
    term = term.strip()
    if search_too_short(term):
        return Q(pk__in=[])
    name_match = name_words(term, f"{prefix}search_name")
    cards = MemberCard.objects.filter(number=term).values("member_id")
    # The national database's key is not personal data (DOMAIN.md §8): everyone may look it up.
    found = name_match | Q(**{f"{prefix}pk__in": cards}) | Q(**{f"{prefix}so_ly_lich": term})
    if national_id:
        found |= Q(**{f"{prefix}national_id": term})
    return found


def headcount(day, within):
    """Subquery: the number of members of `within` on `day` (`within`: OuterRef of an organisation
    id), e.g. a column of a list of organisations: one correlated count inside the list's query."""
    periods = periods_as_of(day, within).order_by().annotate(n=Func("pk", function="COUNT"))
    return Subquery(periods.values("n"))


def headcounts_of_children(day, within):
    """{organisation id: members on `day`} for each organisation directly below `within` in the tree
    of `day`: what `members_as_of(day, child)` counts, for all of them in two queries."""
    children, _ = below_on(day, within)
    if not children:
        return {}
    direct = dict(
        periods_as_of(day, within).values_list("organisation_id").annotate(n=Count("pk")).order_by()
    )
    return {child: sum(direct.get(pk, 0) for pk in subtree) for child, subtree in children.items()}


def last_registered_within(root):
    """Sorted ids of the members whose last registration in the Khối is in `root` or below it by
    the filing path (not the tree of a day: an access scope keeps a TCCS's whole history): its
    current members and those who ended their membership there, not those who moved on elsewhere.
    Two indexed queries."""
    candidates = set(
        MembershipPeriod.objects.filter(organisation__path__startswith=root.path).values_list(
            "member_id", flat=True
        )
    )
    last = {}
    periods = MembershipPeriod.objects.filter(member_id__in=candidates).in_bloc()
    for member_id, starts_on, path in periods.values_list("member_id", "starts_on", "organisation__path"):
        if member_id not in last or starts_on > last[member_id][0]:
            last[member_id] = (starts_on, path)
    return sorted(member_id for member_id, (_, path) in last.items() if path.startswith(root.path))


def members_with_status(day, status, within=None):
    """Members of the Khối (or `within`) on `day` who are probationary or official then."""
    return Member.objects.filter(pk__in=periods_as_of(day, within).filter(status=status).values("member_id"))


def headcounts(days, within=None, statuses=()):
    """{day: members of the Khối (or `within`) on that day} for several days in one query: the same
    periods `members_as_of` selects, counted once per day (periods of a member never overlap).
    `statuses`, pairs (day, status), adds {(day, status): count} for each."""
    periods = MembershipPeriod.objects.in_bloc()
    every_day = [*days, *(day for day, _ in statuses)]
    if every_day:  # only periods covering one of the days count: begun by the last, not ended by the first
        periods = periods.filter(starts_on__lte=max(every_day)).exclude(ends_on__lte=min(every_day))
    if within is not None:
        # Registered below `within` at some time (the tree of any day), then per day the tree of that day.
        periods = periods.filter(
            organisation_id__in=TreeSpan.objects.filter(path__contains=segment(within.pk)).values(
                "organisation_id"
            )
        )
    wanted = {f"d{i}": (day, None) for i, day in enumerate(days)}
    wanted.update({f"d{i}_{status}": (day, status) for i, (day, status) in enumerate(statuses)})

    def placed(day):  # the condition periods_as_of(day, within) puts on the organisation
        return placed_within(within, day) if within is not None else Q()

    counts = periods.aggregate(
        **{
            name: Count(
                "starts_on", filter=covering(day) & placed(day) & (Q(status=status) if status else Q())
            )
            for name, (day, status) in wanted.items()
        }
    )
    return {
        (day if status is None else (day, status)): counts[name] for name, (day, status) in wanted.items()
    }


def _period_in(within, day_field, *, ending):
    """Exists: the member's registration, in the Khối (or in `within`), that ends on the event's
    day (`ending`) or covers it."""
    periods = MembershipPeriod.objects.filter(member=OuterRef("member_id"), organisation__isnull=False)
    if ending:
        periods = periods.filter(ends_on=OuterRef(day_field))
    else:
        periods = periods.filter(starts_on__lte=OuterRef(day_field)).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gt=OuterRef(day_field))
        )
    if within is not None:  # where the registration was on the event's day, as the tree stood then
        periods = periods.filter(
            under_on(within, "organisation_id", OuterRef(OuterRef(day_field)), day_before=ending)
        )
    return Exists(periods.values("pk"))


def _period_outside(within, day_field, *, ending):
    """Exists: the member's registration on that day (`ending`: the one ending then) was not in
    `within` (outside the Khối, or elsewhere in it)."""
    periods = MembershipPeriod.objects.filter(member=OuterRef("member_id"))
    if ending:
        periods = periods.filter(ends_on=OuterRef(day_field))
    else:
        periods = periods.filter(starts_on__lte=OuterRef(day_field)).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gt=OuterRef(day_field))
        )
    periods = periods.filter(
        Q(organisation__isnull=True)
        | ~under_on(within, "organisation_id", OuterRef(OuterRef(day_field)), day_before=ending)
    )
    return Exists(periods.values("pk"))


ENDING_KINDS = (EventKind.REMOVAL, EventKind.EXPULSION, EventKind.RESIGNATION, EventKind.DEATH)


def events_between(start, end, kinds):
    return MemberEvent.objects.filter(kind__in=kinds, date__gte=start, date__lte=end)


def transfers_in_between(start, end, within=None):
    """Official transfers into the Khối (or into `within`) effective in [start, end]: from outside
    the Khối, and with `within`, also moves inside the Khối from elsewhere into it."""
    events = events_between(start, end, [EventKind.TRANSFER_IN, EventKind.TRANSFER])
    if within is None:
        return events.filter(kind=EventKind.TRANSFER_IN, organisation__isnull=False)
    return events.filter(under_on(within, "organisation_id", "date")).filter(
        Q(kind=EventKind.TRANSFER_IN) | _period_outside(within, "date", ending=True)
    )


def transfers_out_between(start, end, within=None):
    """Official transfers out of the Khối (or out of `within`) effective in [start, end]: the
    registration that ended that day was there, the next one is not."""
    if within is None:
        return events_between(start, end, [EventKind.TRANSFER_OUT]).filter(
            _period_in(None, "date", ending=True)
        )
    events = events_between(start, end, [EventKind.TRANSFER_OUT, EventKind.TRANSFER])
    return events.filter(_period_in(within, "date", ending=True)).exclude(
        under_on(within, "organisation_id", "date")
    )


def memberships_ended_between(start, end, kind, within=None):
    """Removals, expulsions, resignations or deaths (`kind`) in [start, end] of members registered
    in the Khối (or in `within`) until that day."""
    if kind not in ENDING_KINDS:
        raise ValueError(f"not a membership-ending event: {kind}")
    return events_between(start, end, [kind]).filter(_period_in(within, "date", ending=True))


def badges_awarded_between(start, end, within=None):
    """Huy hiệu Đảng awarded in [start, end] to members registered in the Khối (or `within`) that day."""
    return PartyBadge.objects.filter(awarded_on__gte=start, awarded_on__lte=end).filter(
        _period_in(within, "awarded_on", ending=False)
    )
