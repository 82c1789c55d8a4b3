"""Path arithmetic of the organisation tree over time, and the derivation of its spans: pure
functions, no model (the models, their queries and the migrations use them).

A `Placement` says that an organisation sat under a parent (None: it was a root) from one day
(None: since it was founded) until the day before another (None: still). A `TreeSpan` is a span of
days in which an organisation's whole chain of ancestors stayed the same, with the materialised
path of those days ("000001/000012/000345/"); every segment is six digits and a slash, so a
segment can only match at a boundary. `derive()` computes the spans from the placements (tuples
in, tuples out; the migration that introduced the tree history calls it too);
`units.models.tree_rebuild()` writes what changed.
"""

import datetime
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat, Right

from partyblock.core.text import day_text

PATH_STEP = 7  # characters per level of a path: 6 digits and "/"


def segment(organisation_id):
    return f"{organisation_id:06d}/"


def segment_of(within):
    """The path segment of `within`: an organisation, or an expression of an organisation's id
    (OuterRef("pk")), whose segment the database builds."""
    if hasattr(within, "pk"):
        return segment(within.pk)
    digits = Concat(Value("0" * (PATH_STEP - 1)), Cast(within, CharField()))
    return Concat(Right(digits, PATH_STEP - 1), Value("/"))


def covering(day, prefix=""):
    """Q of rows (placements or spans) in force on `day`: started on or before it (or since
    founding) and not yet ended (the end is exclusive). `prefix` reaches them from another model;
    `day` may be an expression (OuterRef)."""
    return (Q(**{f"{prefix}starts_on__isnull": True}) | Q(**{f"{prefix}starts_on__lte": day})) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gt": day})
    )


def _later(a, b):
    return b if a is None else a if b is None else max(a, b)


def _earlier(a, b):
    return b if a is None else a if b is None else min(a, b)


def check_overlaps(placements, names):
    """Refuse two placements of one organisation that overlap; `placements` are tuples
    (organisation_id, parent_id, starts_on, ends_on), `names` id -> name for the messages."""
    by_org = defaultdict(list)
    for organisation_id, _, starts_on, ends_on in placements:
        by_org[organisation_id].append((starts_on, ends_on))
    errors = []
    for organisation_id, periods in by_org.items():
        periods.sort(key=lambda p: p[0] or datetime.date.min)
        for (start, end), (next_start, _) in zip(periods, periods[1:], strict=False):
            if end is None or next_start is None or end > next_start:
                errors.append(
                    f"{names.get(organisation_id, organisation_id)}: giai đoạn trực thuộc từ {day_text(next_start, 'ngày thành lập')} "
                    f"chồng lên giai đoạn từ {day_text(start, 'ngày thành lập')}"
                    + (f" đến trước ngày {day_text(end)}." if end else " (chưa kết thúc).")
                )
    if errors:
        raise ValidationError(errors)


def derive(placements, names=None):
    """Tree spans and filing places of every organisation from `placements` (tuples
    (organisation_id, parent_id, starts_on, ends_on)).

    Returns (spans, filing): spans {organisation_id: [(starts_on, ends_on, path)]} (adjacent spans
    with one path joined), filing {organisation_id: (parent_id, path)}. Raises ValidationError when
    an organisation would sit below itself on some day: a cycle is judged day by day, so A under B
    in 2000-2010 and B under A from 2015 is history, not a cycle.
    """
    names = names or {}
    by_org = defaultdict(list)
    for organisation_id, parent_id, starts_on, ends_on in placements:
        by_org[organisation_id].append((parent_id, starts_on, ends_on))

    def cycle(organisation_id, start=None, end=None):
        days = ""
        if start is not None or end is not None:
            days = f" (từ {day_text(start, 'ngày thành lập')}" + (
                f" đến trước ngày {day_text(end)})" if end else ")"
            )
        return ValidationError(
            f"{names.get(organisation_id, organisation_id)} không thể trực thuộc chính nó hoặc tổ chức "
            f"cấp dưới của nó{days}."
        )

    windows = {}  # (organisation_id, start, end) -> spans within those days

    def spans_within(organisation_id, start, end, chain):
        """The organisation's spans clipped to [start, end); `chain` holds the organisations whose
        spans on these days wait for this one's: meeting one of them again is a real cycle (the
        window narrows at every step, so those days are shared)."""
        if organisation_id in chain:
            raise cycle(organisation_id, start, end)
        key = (organisation_id, start, end)
        if key in windows:
            return windows[key]
        own = segment(organisation_id)
        found = []
        for parent_id, starts_on, ends_on in by_org.get(organisation_id, [(None, None, None)]):
            s, e = _later(starts_on, start), _earlier(ends_on, end)
            if not (s is None or e is None or s < e):
                continue
            if parent_id is None:
                found.append((s, e, own))
                continue
            for parent_start, parent_end, parent_path in spans_within(
                parent_id, s, e, chain | {organisation_id}
            ):
                if own in parent_path:  # found through a window computed for another chain
                    raise cycle(organisation_id, parent_start, parent_end)
                found.append((parent_start, parent_end, parent_path + own))
        found.sort(key=lambda span: span[0] or datetime.date.min)
        windows[key] = found
        return found

    spans = {}
    for organisation_id in by_org:
        joined = []
        for span in spans_within(organisation_id, None, None, frozenset()):
            if joined and joined[-1][2] == span[2] and joined[-1][1] == span[0]:
                joined[-1] = (joined[-1][0], span[1], span[2])
            else:
                joined.append(span)
        spans[organisation_id] = joined

    filing = {}

    def filing_of(organisation_id, stack):
        if organisation_id in filing:
            return filing[organisation_id]
        if organisation_id in stack:
            raise cycle(organisation_id)
        own = by_org.get(organisation_id)
        parent_id = max(own, key=lambda p: p[1] or datetime.date.min)[0] if own else None
        prefix = filing_of(parent_id, stack | {organisation_id})[1] if parent_id is not None else ""
        filing[organisation_id] = (parent_id, prefix + segment(organisation_id))
        return filing[organisation_id]

    for organisation_id in by_org:
        filing_of(organisation_id, frozenset())
    return spans, filing
