"""Party age (tuổi đảng): the project's one definition (DOMAIN.md §2; docs/rules.md).

Party age counts from the day the first admission decision was signed (the ceremony's day, the
card's "ngày vào Đảng", when the decision's date is not recorded), also for a readmitted member, minus
every day out of party life: the time between memberships (expelled, removed, resigned, then
readmitted) and the recorded interruptions inside a membership (`PartyLifeGap`: lost contact, a
transfer not registered in time, a fixed-term expulsion under the 1951 charter). Only official
members have one (Điều lệ Điều 5.4; QĐ 24-QĐ/TW 2021 §4.5.1-4.5.2; HD 01-HD/TW 2021).

It is derived when periods are written (`with_party_age`, run by every writer of periods through
`members.services`), so each `MembershipPeriod` carries
  - `party_age_from`: the day party age counts from on every day of the period, as if there had been
    no gap (the first decision plus the days not counted before the period); NULL for a period
    inside an interruption, where party age stands still;
  - `party_days_before`: the days of party age served before the period starts.
Party age on D is read off the one period covering D: `party_age_on` in Python, `at_least` / `band`
in SQL (the composition's bands, the badges' candidates), so no report walks events.
"""

import datetime

from django.db.models import Case, CharField, Q, Value, When

from partyblock.core.text import day_text
from partyblock.core.workdays import add_months

from .models import EventKind, MembershipStatus

STARTS = (EventKind.ADMISSION, EventKind.READMISSION)
ENDS = (EventKind.REMOVAL, EventKind.EXPULSION, EventKind.RESIGNATION, EventKind.DEATH)
FIELDS = ("party_age_from", "party_days_before")
ONE_DAY = datetime.timedelta(days=1)


def age_on(since, day):
    """Whole years from `since` to `day` (a birthday on 29/2 comes on 1/3 in other years)."""
    return day.year - since.year - ((day.month, day.day) < (since.month, since.day))


def memberships(events):
    """[(starts, ends)] of a member's memberships from (kind, date, decision_date) of their events:
    each starts on its (re)admission decision's day, else the ceremony's, and ends on the day an
    ending event (removal, expulsion, resignation, death) took effect (None: not ended)."""
    found = []
    for kind, date, decision_date in sorted(events, key=lambda e: e[1] or datetime.date.max):
        if kind in STARTS and date is not None:
            found.append([decision_date or date, None])
        elif kind in ENDS and found and found[-1][1] is None:
            found[-1][1] = date
    return [tuple(membership) for membership in found]


def gap_spans(gaps):
    """The recorded interruptions [(starts_on, ends_on)] (ends_on inclusive, None: still) as
    half-open spans [(first day, first day counted again or None)], in order."""
    return sorted((starts, None if ends is None else ends + ONE_DAY) for starts, ends in gaps)


def not_counted(spans, gaps):
    """The half-open spans of days party age does not count after the first decision: between
    memberships and the recorded interruptions, merged (a day is never deducted twice)."""
    found = [
        (previous_end, start)
        for (_, previous_end), (start, _) in zip(spans, spans[1:], strict=False)
        if previous_end is not None and start > previous_end
    ]
    found += gap_spans(gaps)
    merged = []
    for start, end in sorted(found, key=lambda span: (span[0], span[1] or datetime.date.max)):
        if merged and (merged[-1][1] is None or start <= merged[-1][1]):
            last_start, last_end = merged[-1]
            merged[-1] = (last_start, None if end is None or last_end is None else max(end, last_end))
        else:
            merged.append((start, end))
    return merged


def counted_days(first, day, out):
    """Days of party age from `first` (the first decision) to `day` (exclusive), `out` not counted."""
    total = (day - first).days
    for start, end in out:
        until = day if end is None else min(end, day)
        if until > start:
            total -= (until - start).days
    return max(total, 0)


def with_party_age(rows, events, gaps=()):
    """The period rows (tuples ending with starts_on, ends_on, as `lifecycle.period_rows` makes
    them) split at the recorded interruptions and each extended with `FIELDS`. `events`: (kind,
    date, decision_date) of the member's events; `gaps`: (starts_on, ends_on) of the recorded
    interruptions."""
    rows = list(rows)
    if not rows:
        return []
    spans = memberships(events)
    first = spans[0][0] if spans else rows[0][-2]
    out = not_counted(spans, gaps)
    interruptions = gap_spans(gaps)
    cuts = sorted({day for span in interruptions for day in span if day is not None})
    extended = []
    for row in rows:
        starts, ends = row[-2], row[-1]
        inner = [day for day in cuts if starts < day and (ends is None or day < ends)]
        bounds = [starts, *inner, ends]
        for piece_starts, piece_ends in zip(bounds, bounds[1:], strict=False):
            days = counted_days(first, piece_starts, out)
            stands_still = any(
                start <= piece_starts and (end is None or piece_starts < end) for start, end in interruptions
            )
            counts_from = None if stands_still else piece_starts - datetime.timedelta(days=days)
            extended.append((*row[:-2], piece_starts, piece_ends, counts_from, days))
    return extended


def gap_problems(gaps, rows):
    """Why the recorded interruptions `gaps` ((starts_on, ends_on), ends_on inclusive) do not fit
    the member's periods `rows` (tuples ending with starts_on, ends_on): each must lie within one
    membership (from the ceremony until it ended) and they may not overlap. Messages in Vietnamese."""
    memberships_held = []  # contiguous periods merged: [starts, ends)
    for row in sorted(rows, key=lambda r: r[-2]):
        starts, ends = row[-2], row[-1]
        if memberships_held and memberships_held[-1][1] == starts:
            memberships_held[-1][1] = ends
        else:
            memberships_held.append([starts, ends])
    problems = []
    previous = None
    for starts, ends in sorted(gaps, key=lambda g: g[0]):
        label = f"Gián đoạn sinh hoạt đảng từ {day_text(starts)}" + (
            f" đến hết {day_text(ends)}" if ends else " (chưa kết thúc)"
        )
        if ends is not None and ends < starts:
            problems.append(f"{label}: ngày kết thúc trước ngày bắt đầu.")
            continue
        last_day = ends or datetime.date.max
        inside = any(
            held_starts <= starts and (held_ends is None or (ends is not None and last_day < held_ends))
            for held_starts, held_ends in memberships_held
        )
        if not inside:
            problems.append(
                f"{label}: không nằm trọn trong thời gian là đảng viên (từ lễ kết nạp đến khi ra khỏi "
                "Đảng); thời gian giữa hai lần vào Đảng đã được trừ theo các sự kiện."
            )
        if previous is not None and (previous[1] is None or starts <= previous[1]):
            problems.append(f"{label}: trùng với thời gian gián đoạn từ {day_text(previous[0])}.")
        previous = (starts, ends)
    return problems


def party_age_on(period, day):
    """(whole years, the day party age counts from as if without gaps) on `day`, read off `period`
    (a MembershipPeriod covering `day`, or None), or (None, None) for someone who is not an official
    member that day."""
    if period is None:
        return None, None
    return party_age_of(period.status, period.party_age_from, period.party_days_before, day)


def party_age_of(status, party_age_from, party_days_before, day):
    """`party_age_on` from a period's three columns (a values_list row)."""
    if status != MembershipStatus.OFFICIAL:
        return None, None
    counts_from = party_age_from or day - datetime.timedelta(days=party_days_before)
    return age_on(counts_from, day), counts_from


def at_least(years, day, prefix=""):
    """Q over the period covering `day` (fields under `prefix`, e.g. "periods__"): its member's party
    age that day is at least `years` whole years (status not checked). Dates and integers only: a
    running period counts from on or before the day `years` years before `day`; a period inside an
    interruption served at least the days from then to `day`."""
    cut = add_months(day, -12 * years)
    return Q(**{f"{prefix}party_age_from__lte": cut}) | Q(
        **{f"{prefix}party_age_from__isnull": True, f"{prefix}party_days_before__gte": (day - cut).days}
    )


def band_conditions(day, bands, probationary, prefix=""):
    """[(label, Q)]: for each party-age band (label, lowest years or None, highest years or None) and
    for `probationary`, the periods covering `day` in it. The bands follow each other, so every
    period is in exactly one: probationary members (no party age) in `probationary`, official ones
    in the band of their party age that day."""
    is_probationary = Q(**{f"{prefix}status": MembershipStatus.PROBATIONARY})
    conditions = [(probationary, is_probationary)]
    for label, low, high in bands:
        condition = ~is_probationary
        if low is not None:
            condition &= at_least(low, day, prefix)
        if high is not None:
            condition &= ~at_least(high + 1, day, prefix)
        conditions.append((label, condition))
    return conditions


def band(day, bands, probationary, prefix=""):
    """CASE: the label of the party-age band of the period covering `day` (`band_conditions`)."""
    whens = [
        When(condition, then=Value(label))
        for label, condition in band_conditions(day, bands, probationary, prefix)
    ]
    return Case(*whens, default=Value(probationary), output_field=CharField())
