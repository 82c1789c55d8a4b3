"""Every write to members goes through these functions: the admin, the importer, the commands and
the demo seeder all call them, so each rule of DOMAIN.md §2 lives once (in `members.lifecycle`).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from partyblock.core.bulk import insert, reserve_ids
from partyblock.core.text import day_text, name_sort_key, search_key
from units import services as units_services

from . import party_age, period_profile
from .lifecycle import PERIOD_FIELDS, replay
from .models import (
    EventKind,
    Member,
    MemberCard,
    MemberEvent,
    MemberRating,
    MembershipPeriod,
    PartyBadge,
    PartyLifeGap,
)
from .queries import members_as_of, periods_to_rate


@dataclass
class Outcome:
    """What a lifecycle write did: the event written (if one) and warnings for the user."""

    event: MemberEvent | None = None
    warnings: list = field(default_factory=list)


def member_create(**profile):
    member = Member(**profile)
    member.full_clean()
    member.save()
    return member


def member_update(member, **changes):
    for name, value in changes.items():
        setattr(member, name, value)
    member.full_clean()
    member.save()
    return member


def card_issue(*, member, number, issued_on=None, replaces_current=True):
    """Issue a party card; the member's current card (if any) is marked replaced on that day."""
    card = MemberCard(member=member, number=number, issued_on=issued_on)
    card.full_clean()
    with transaction.atomic():
        if replaces_current and issued_on:
            MemberCard.objects.filter(member=member, replaced_on__isnull=True).update(replaced_on=issued_on)
        card.save()
    return card


def member_events_apply(member, *, add=(), change=(), delete=(), by_discipline=False, gaps=None):
    """Validate the member's whole history with these edits, then write it and its periods.

    Nothing is written when any event breaks a rule: the ValidationError lists every problem.
    `change` holds already-modified (unsaved) instances; `delete` instances to remove as corrections.
    The rules on what is written (`lifecycle.replay`'s `written`) apply to `add` and `change`.
    `by_discipline` is passed by `inspections.services` only: an expulsion event is written,
    changed and deleted by its discipline decision, never by hand (`discipline_event_problems`).
    The member's interruptions of party life must still lie within a membership; `gaps`
    ((starts_on, ends_on) pairs) stands for them when the same form changes them too (the member
    page, which then writes them through `party_life_gaps_apply`).
    """
    if not by_discipline:
        problems = discipline_event_problems(delete)
        if problems:
            raise ValidationError(problems)
    deleted_ids = {e.pk for e in delete}
    changed = {e.pk: e for e in change}
    events = [changed.get(e.pk, e) for e in member.events.exclude(pk__in=deleted_ids)]
    events += list(add)
    for event in events:
        event.member = member
        event.full_clean(exclude=["member"], validate_unique=False)
    outcome = replay(member, events, written=[*change, *add], by_discipline=by_discipline)
    gaps = _gaps_of(member) if gaps is None else list(gaps)
    problems = party_age.gap_problems(gaps, outcome.rows)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        if deleted_ids:
            MemberEvent.objects.filter(pk__in=deleted_ids).delete()
        for event in [*change, *add]:
            event.save()
        _store_periods(member, outcome.rows, events, gaps)
    return outcome.warnings


def party_life_gaps_apply(member, *, add=(), change=(), delete=()):
    """Record, correct or delete a member's interruptions of party life that do not end membership
    (`PartyLifeGap`: lost contact, a transfer not registered in time, …): each checked alone (days
    not after today, end not before start), then all together with the member's history (within a
    membership, no overlap: `party_age.gap_problems`); then the periods are rewritten, since party
    age does not run during them. Nothing is written when any is refused. `change` holds modified
    (unsaved) instances, `delete` instances to remove."""
    deleted_ids = {gap.pk for gap in delete}
    changed = {gap.pk: gap for gap in change}
    gaps = [changed.get(gap.pk, gap) for gap in member.party_life_gaps.exclude(pk__in=deleted_ids)]
    gaps += list(add)
    for gap in [*change, *add]:
        gap.member = member
        gap.full_clean(exclude=["member"])
    events = list(member.events.all())
    outcome = replay(member, events, written=())
    spans = [(gap.starts_on, gap.ends_on) for gap in gaps]
    problems = party_age.gap_problems(spans, outcome.rows)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        if deleted_ids:
            PartyLifeGap.objects.filter(pk__in=deleted_ids).delete()
        for gap in [*change, *add]:
            gap.save()
        _store_periods(member, outcome.rows, events, spans)


def party_life_gap_record(*, member, ground, starts_on, ends_on=None, note=""):
    """One interruption of party life (see `party_life_gaps_apply`)."""
    gap = PartyLifeGap(member=member, ground=ground, starts_on=starts_on, ends_on=ends_on, note=note)
    party_life_gaps_apply(member, add=[gap])
    return gap


def discipline_event_problems(deleted):
    """Messages refusing the deletion of events written by a discipline decision (an expulsion):
    only withdrawing the decision (`inspections.services.discipline_withdraw`) removes them."""
    linked = [
        e for e in deleted if e.pk and e.kind == EventKind.EXPULSION and e.discipline_decisions.exists()
    ]
    return [
        f"{e.get_kind_display()} ngày {day_text(e.date)} được ghi theo quyết định kỷ luật; "
        "muốn bỏ sự kiện này hãy hủy bỏ quyết định kỷ luật đó."
        for e in linked
    ]


def badges_revoke(*, member, on):
    """An expelled member loses the Huy hiệu Đảng (DOMAIN.md §2): the badges given by `on` are
    marked revoked that day (and those whose day is not known). Called by
    `inspections.services.discipline_decide`."""
    return PartyBadge.objects.filter(
        Q(awarded_on__lte=on) | Q(awarded_on__isnull=True), member=member, revoked_on__isnull=True
    ).update(revoked_on=on)


def badges_restore(*, member, on):
    """Undo `badges_revoke(member, on)` when the expulsion is withdrawn."""
    return PartyBadge.objects.filter(member=member, revoked_on=on).update(revoked_on=None)


@dataclass
class NewMember:
    """A member an import creates, as its preview checked the story with the lifecycle's rules
    (`lifecycle.replay_admission` / `replay_arrival`): the profile (Member fields), the events (dicts
    of MemberEvent fields), the periods replay made of them (tuples of `lifecycle.PERIOD_FIELDS`)
    and the party card, if any."""

    profile: dict
    events: list
    periods: list
    card: str | None = None
    badges: list = field(default_factory=list)  # [(years, awarded_on or None)] received before


def members_create_bulk(new_members, *, import_batch):
    """Write the members an import creates, with their events, periods and cards: one statement per
    table (COPY on PostgreSQL), however many. The rules were applied when the import was previewed
    (the same functions `member_events_apply` runs), and the import refuses a plan whose tables
    changed since (`importing.plan.fingerprint`); here nothing is checked again, so this is for the
    importer only. No signals are sent: the members and events carry `import_batch` and are audited
    by the batch's own log row (`audit.log_import`). Returns the number of members written."""

    new_members = list(new_members)
    if not new_members:
        return 0
    ids = reserve_ids(Member, len(new_members))
    profile_fields = list(new_members[0].profile)
    defaults = {
        name: "" if name in Member.NOT_ASSUMED else Member._meta.get_field(name).get_default()
        for name in profile_fields
    }
    # A profile field the sheet does not give gets the column's default (`bulk.insert`); the
    # periods carry what the member row gets (`period_profile`).
    unwritten = {name: Member._meta.get_field(name).get_default() for name in period_profile.FIELDS}
    members, events, periods, cards, badges = [], [], [], [], []
    for member_id, new in zip(ids, new_members, strict=True):
        profile = new.profile
        full_name = profile["full_name"]
        written = {
            name: defaults[name] if profile[name] is None else profile[name] for name in profile_fields
        }
        members.append(
            (member_id, *written.values(), search_key(full_name), name_sort_key(full_name), import_batch.pk)
        )
        events.extend((member_id, event) for event in new.events)
        story = [(event["kind"], event["date"], event.get("decision_date")) for event in new.events]
        copied = tuple(written.get(name, unwritten[name]) for name in period_profile.FIELDS)
        periods.extend((member_id, *row, *copied) for row in party_age.with_party_age(new.periods, story))
        if new.card:
            cards.append((member_id, new.card))
        badges.extend((member_id, years, awarded_on) for years, awarded_on in new.badges)
    insert(Member, ["id", *profile_fields, "search_name", "sort_key", "import_batch_id"], members)
    _insert_events(events, import_batch)
    insert(MembershipPeriod, PERIOD_COLUMNS, periods)
    insert(MemberCard, ["member_id", "number"], cards)
    insert(PartyBadge, ["member_id", "years", "awarded_on"], badges)
    return len(new_members)


def badges_received(*, member, badges):
    """Record the Huy hiệu Đảng `member` received before (an import's [(years, awarded_on or
    None)]): each milestone not yet recorded, checked by `PartyBadge.clean`. Returns how many."""
    known = set(member.badges.values_list("years", flat=True))
    written = 0
    for years, awarded_on in badges:
        if years in known:
            continue
        badge = PartyBadge(member=member, years=years, awarded_on=awarded_on)
        badge.full_clean(exclude=["awarded_on"] if awarded_on is None else None)
        badge.save()
        written += 1
    return written


@dataclass
class NewEvents:
    """Events an import adds to a stored member whose stored events it leaves as they are, as its
    preview checked the whole history with `lifecycle.replay`: the events (dicts of MemberEvent
    fields by attname) and every period replay made of the history (tuples of
    `lifecycle.PERIOD_FIELDS`), which replace the stored ones."""

    member_id: int
    events: list
    periods: list


def member_events_add_bulk(additions, *, import_batch):
    """Write the events an import adds to stored members (`NewEvents`) and their members' periods
    again: one statement per table, however many. Like `members_create_bulk`, nothing is checked
    again (for the importer only) and no signals are sent: the events carry `import_batch` and are
    audited by the batch's own log row. A member whose stored events the import also changes goes
    through `member_events_apply`. Returns the number of events written."""
    additions = list(additions)
    written = _insert_events(
        [(new.member_id, event) for new in additions for event in new.events], import_batch
    )
    # The periods with their party age, read from the events as now stored (`periods_replace_bulk`).
    periods_replace_bulk({new.member_id: new.periods for new in additions})
    return written


def _insert_events(events, import_batch):
    """Insert (member id, {MemberEvent field attname: value}) pairs; a field a dict leaves out gets
    its default."""
    names = sorted({name for _, event in events for name in event})
    defaults = {name: MemberEvent._meta.get_field(name).get_default() for name in names}
    return insert(
        MemberEvent,
        ["member_id", *names, "import_batch_id"],
        [
            (member_id, *(event.get(name, defaults[name]) for name in names), import_batch.pk)
            for member_id, event in events
        ],
    )


def member_periods_rebuild(member):
    """Re-derive stored periods from events (after a change of the rules, or for repairs)."""
    events = list(member.events.all())
    outcome = replay(member, events, written=())
    with transaction.atomic():
        _store_periods(member, outcome.rows, events, _gaps_of(member))


def _gaps_of(member):
    if member.pk is None:
        return []
    return list(member.party_life_gaps.values_list("starts_on", "ends_on"))


def _story(events):
    return [(event.kind, event.date, event.decision_date) for event in events]


# What a stored period is written with: replay's fields, its party age, its member's profile copies.
PERIOD_COLUMNS = ["member_id", *PERIOD_FIELDS, *party_age.FIELDS, *period_profile.FIELDS]


def _period_instances(member_id, rows):
    names = PERIOD_COLUMNS[1:]
    return [MembershipPeriod(member_id=member_id, **dict(zip(names, row, strict=True))) for row in rows]


def _store_periods(member, rows, events, gaps):
    """Rewrite the member's periods from replay's `rows`, with party age (`party_age.with_party_age`)
    and the member's profile as stored (`period_profile`)."""
    copied = period_profile.values_of([member.pk])[member.pk]
    MembershipPeriod.objects.filter(member=member).delete()
    MembershipPeriod.objects.bulk_create(
        _period_instances(
            member.pk, [(*row, *copied) for row in party_age.with_party_age(rows, _story(events), gaps)]
        )
    )


def periods_replace_bulk(rows_by_member, *, chunk=5000):
    """Rewrite the periods of many members at once: {member id: replay's rows (tuples of
    `PERIOD_FIELDS`)}, each with its party age from the member's stored events and interruptions
    (`party_age.with_party_age`), four statements per `chunk` members (`bulk.insert`: COPY on
    PostgreSQL). For bulk writers whose events are already stored and checked by replay
    (`member_events_add_bulk`, the demo)."""
    member_ids = list(rows_by_member)
    for start in range(0, len(member_ids), chunk):
        ids = member_ids[start : start + chunk]
        stories, gaps = {}, {}
        for member_id, *event in MemberEvent.objects.filter(
            member_id__in=ids, kind__in=[*party_age.STARTS, *party_age.ENDS]
        ).values_list("member_id", "kind", "date", "decision_date"):
            stories.setdefault(member_id, []).append(event)
        for member_id, *gap in PartyLifeGap.objects.filter(member_id__in=ids).values_list(
            "member_id", "starts_on", "ends_on"
        ):
            gaps.setdefault(member_id, []).append(gap)
        profiles = period_profile.values_of(ids)
        periods = [
            (member_id, *row, *profiles[member_id])
            for member_id in ids
            for row in party_age.with_party_age(
                rows_by_member[member_id], stories.get(member_id, []), gaps.get(member_id, [])
            )
        ]
        MembershipPeriod.objects.filter(member_id__in=ids).delete()
        insert(MembershipPeriod, PERIOD_COLUMNS, periods)


def _record(member, kind, by_discipline=False, **fields):
    event = MemberEvent(member=member, kind=kind, **fields)
    warnings = member_events_apply(member, add=[event], by_discipline=by_discipline)
    return Outcome(event=event, warnings=warnings)


def member_admit(
    *,
    member,
    organisation,
    ceremony_date,
    decision_date=None,
    decision_number="",
    sponsors="",
    readmission=False,
    readmission_consent="",
    conviction_cleared_on=None,
    vote_date=None,
    note="",
):
    """Admission (kết nạp) or readmission: probationary from the ceremony. The age is judged on the
    chi bộ's `vote_date`. A readmission needs the written consent of the province's standing
    committee (`readmission_consent`)."""
    kind = EventKind.READMISSION if readmission else EventKind.ADMISSION
    return _record(
        member,
        kind,
        organisation=organisation,
        date=ceremony_date,
        vote_date=vote_date,
        conviction_cleared_on=conviction_cleared_on,
        decision_date=decision_date,
        decision_number=decision_number,
        sponsors=sponsors,
        readmission_consent=readmission_consent,
        note=note,
    )


def member_admit_outside(
    *,
    member,
    other_party,
    ceremony_date,
    decision_date=None,
    decision_number="",
    readmission=False,
    readmission_consent="",
):
    """(Re)admission in a party organisation outside the Khối, recorded for party age and status."""
    kind = EventKind.READMISSION if readmission else EventKind.ADMISSION
    return _record(
        member,
        kind,
        other_party=other_party,
        date=ceremony_date,
        decision_date=decision_date,
        decision_number=decision_number,
        readmission_consent=readmission_consent,
    )


def member_recognise(*, member, decision_date, decision_number=""):
    """Recognition as official member, effective 12 months after the ceremony however late decided."""
    return _record(
        member, EventKind.RECOGNITION, decision_date=decision_date, decision_number=decision_number
    )


def member_transfer(*, member, to, on, decision_number="", decision_date=None, note=""):
    """Official transfer between two chi bộ of the Khối: counts move on `on`."""
    return _record(
        member,
        EventKind.TRANSFER,
        organisation=to,
        date=on,
        decision_number=decision_number,
        decision_date=decision_date,
        note=note,
    )


def member_transfer_out(*, member, to_party, on, decision_number="", decision_date=None):
    return _record(
        member,
        EventKind.TRANSFER_OUT,
        other_party=to_party,
        date=on,
        decision_number=decision_number,
        decision_date=decision_date,
    )


def member_transfer_in(*, member, to, from_party, on, decision_number="", decision_date=None):
    return _record(
        member,
        EventKind.TRANSFER_IN,
        organisation=to,
        other_party=from_party,
        date=on,
        decision_number=decision_number,
        decision_date=decision_date,
    )


def member_transfer_temporarily(*, member, on, until, host=None, host_outside="", decision_number=""):
    """Temporary transfer (3 months to 2 years): the member still counts at home."""
    return _record(
        member,
        EventKind.TEMPORARY_TRANSFER,
        organisation=host,
        other_party=host_outside,
        date=on,
        end_date=until,
        decision_number=decision_number,
    )


def member_exempt(*, member, on, ground, until=None, decision_number=""):
    return _record(
        member,
        EventKind.EXEMPTION,
        date=on,
        end_date=until,
        exemption_ground=ground,
        decision_number=decision_number,
    )


def member_suspend(*, member, on, until=None, decision_number=""):
    return _record(member, EventKind.SUSPENSION, date=on, end_date=until, decision_number=decision_number)


def member_end(
    *, member, kind, on, ground="", decision_number="", decision_date=None, note="", by_discipline=False
):
    """Removal, expulsion, resignation or death: membership ends on `on`.

    Removal and resignation need their `ground` (`lifecycle.ENDING_GROUNDS`). Expulsion is a
    discipline form: only `inspections.services.discipline_decide` writes it (`by_discipline`)."""
    if kind not in (EventKind.REMOVAL, EventKind.EXPULSION, EventKind.RESIGNATION, EventKind.DEATH):
        raise ValueError(f"not a membership-ending event: {kind}")
    return _record(
        member,
        kind,
        by_discipline=by_discipline,
        date=on,
        ending_ground=ground,
        decision_number=decision_number,
        decision_date=decision_date,
        note=note,
    )


def _transfer_members_on_merge(*, organisation, into, on, decision_number=""):
    """Merging `organisation` into `into` (`units.services.organisation_merge`) transfers its members."""
    for member in members_as_of(on, within=organisation):
        member_transfer(
            member=member,
            to=into,
            on=on,
            decision_number=decision_number,
            note=f"Sáp nhập {organisation.name} vào {into.name}",
        )


def _members_left(organisation, on):
    """Why `organisation` cannot be dissolved on `on` (`units.services.organisation_dissolve`): members
    still registered there."""
    if members_as_of(on, within=organisation).exists():
        return f"{organisation.name} còn đảng viên sinh hoạt vào ngày {day_text(on)}; hãy chuyển sinh hoạt trước khi giải thể."
    return None


def register_organisation_closing():
    """Merging and dissolving organisations live in `units.services`; what they mean for members is
    added from here (`MembersConfig.ready`)."""
    units_services.register_closing(merge=_transfer_members_on_merge, refuse=_members_left)


def member_ratings_save(*, year, choices, within=None, import_batch=None):
    """Bulk-save member ratings for `year`: `choices` maps member id -> (category, score). Only
    members who must be rated that year may be rated; each is rated by its year-end chi bộ."""
    periods = {p.member_id: p for p in periods_to_rate(year, within).select_related("member", "organisation")}
    unknown = [pk for pk in choices if pk not in periods]
    if unknown:
        names = ", ".join(str(m) for m in Member.objects.filter(pk__in=unknown))
        raise ValidationError(f"Không thuộc diện xếp loại năm {year}: {names}.")
    entries = [
        units_services.RatingEntry(
            subject=periods[pk].member, organisation=periods[pk].organisation, category=category, score=score
        )
        for pk, (category, score) in choices.items()
    ]
    return units_services.ratings_save(
        model=MemberRating, subject_field="member", year=year, entries=entries, import_batch=import_batch
    )
