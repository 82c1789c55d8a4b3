"""Members sheets ("Danh sách đảng viên").

A row either matches an existing member (see `matching`) or creates one. A created member has
belonged to the row's chi bộ since admission: an admission event on "Ngày vào Đảng" in that chi bộ,
and, when "Ngày chính thức" is given, a recognition event. The lifecycle dates a recognition at
the end of 12 months of probation; the sheet's "Ngày chính thức" is the day the decision was
made, so it is stored as the decision date (and shown again on export). A "Ngày chính thức"
earlier than 12 months after admission is refused with the date it could be at the earliest.

New members, their events, periods (from `replay`, in memory) and cards are bulk-written. A row
that changes an existing member goes through the services the admin uses (`member_update`,
`card_issue`, `member_events_apply`), so a re-import of an edited sheet obeys the same rules as the
member form; only changed members cost queries. Empty cells never clear what is stored, and the
sheet never moves a member: a different chi bộ is reported as a warning (moves are lifecycle
events).
"""

import datetime
import functools

from django.core.exceptions import ValidationError
from django.utils import timezone

from members.lifecycle import PROBATION_MONTHS, add_months, replay
from members.models import (
    EventKind,
    Gender,
    Member,
    MemberCard,
    MemberEvent,
    MembershipPeriod,
)
from members.services import card_issue, member_events_apply, member_update
from partyblock.text import _collation_key, normalize_text, search_key
from units.models import PATH_STEP, Organisation

from ..columns import (
    ChoiceColumn,
    CodeColumn,
    DateColumn,
    DigitsColumn,
    TextColumn,
    fmt,
    stt_column,
)
from ..plan import day, iso
from ..writing import insert, reserve_ids
from .base import Kind
from .matching import MemberIndex

PROFILE = ["full_name", "gender", "birth_date", "ethnicity", "religion", "hometown", "national_id"]
WRITE_CHUNK = 5000


def _max(name):
    return Member._meta.get_field(name).max_length


def full_name_column(required=True):
    return TextColumn(
        "full_name",
        "Họ và tên",
        ("Họ tên", "Họ và tên đảng viên", "Họ, tên", "Tên đảng viên", "Họ và tên ĐV"),
        required=required,
        max_length=_max("full_name"),
    )


def birth_date_column(required=True):
    return DateColumn(
        "birth_date",
        "Ngày sinh",
        ("Ngày tháng năm sinh", "Ngày, tháng, năm sinh", "Sinh ngày", "Ngày/tháng/năm sinh"),
        required=required,
    )


def national_id_column():
    return DigitsColumn(
        "national_id",
        "Số CCCD",
        (
            "CCCD",
            "Số định danh cá nhân",
            "Số CMND/CCCD",
            "Số căn cước công dân",
            "Căn cước công dân",
            "Số căn cước",
        ),
    )


def card_column():
    return CodeColumn(
        "card",
        "Số thẻ đảng viên",
        ("Số thẻ ĐV", "Số thẻ", "Số thẻ Đảng", "Số thẻ đảng viên (mới)"),
        max_length=MemberCard._meta.get_field("number").max_length,
    )


def chi_bo_column():
    return TextColumn("chi_bo", "Chi bộ", ("Chi bộ sinh hoạt", "Chi bộ đang sinh hoạt", "Mã chi bộ"))


def tccs_column():
    return TextColumn(
        "tccs",
        "Đảng bộ cơ sở",
        ("TCCS", "Tổ chức cơ sở đảng", "Đảng bộ, chi bộ cơ sở", "Đảng bộ cơ sở, chi bộ cơ sở", "Mã TCCS"),
    )


class MembersKind(Kind):
    key = "members"
    label = "Đảng viên"
    needs_organisation = True
    example = {
        "full_name": "Nguyễn Văn An",
        "birth_date": "15/05/1985",
        "gender": "Nam",
        "ethnicity": "Kinh",
        "religion": "Không",
        "hometown": "Thanh Hà, Hải Dương",
        "national_id": "030085001234",
        "admitted_on": "10/01/2015",
        "official_on": "20/01/2016",
        "card": "30.012345",
        "chi_bo": "Chi bộ Văn phòng",
        "tccs": "Đảng bộ Sở Tài chính",
    }

    def columns(self):
        return [
            stt_column(),
            full_name_column(),
            birth_date_column(),
            ChoiceColumn(
                "gender",
                "Giới tính",
                ("Nam/Nữ", "Nam, nữ", "Phái"),
                required=True,
                choices=[(Gender.MALE, "Nam", ("M", "Male")), (Gender.FEMALE, "Nữ", ("F", "Female"))],
            ),
            TextColumn("ethnicity", "Dân tộc", max_length=_max("ethnicity")),
            TextColumn("religion", "Tôn giáo", max_length=_max("religion")),
            TextColumn("hometown", "Quê quán", max_length=_max("hometown")),
            national_id_column(),
            DateColumn(
                "admitted_on",
                "Ngày vào Đảng",
                ("Ngày kết nạp", "Ngày kết nạp Đảng", "Ngày kết nạp vào Đảng"),
                required=True,
            ),
            DateColumn(
                "official_on",
                "Ngày chính thức",
                ("Ngày công nhận chính thức", "Ngày được công nhận chính thức", "Ngày công nhận ĐVCT"),
            ),
            card_column(),
            chi_bo_column(),
            tccs_column(),
        ]

    @property
    def labels(self):
        if not hasattr(self, "_labels"):
            self._labels = {c.key: c.header for c in self.columns()}
        return self._labels

    def check(self, ctx):
        if ctx.organisation is None and not ctx.has("tccs"):
            return [
                "Hãy chọn tổ chức cơ sở đảng khi tải lên: tệp không có cột “Đảng bộ cơ sở” cho biết "
                "đảng viên thuộc tổ chức nào."
            ]
        return []

    def fingerprint_models(self):
        return [Member, MemberEvent, MemberCard, MembershipPeriod, Organisation]

    # --- validation -----------------------------------------------------------------------------

    def process(self, rows, ctx):
        if not hasattr(ctx, "seen"):
            ctx.seen = {"card": {}, "national_id": {}, "member": {}, "new": {}}
        directory = ctx.directory
        placed = []
        for row in rows:
            scope, chi_bo = self._place(row, ctx)
            if row.bad:
                # A refused cell stops the row, but its other checks still run: every error is listed.
                self._unique_in_file(row, ctx)
                if row.get("admitted_on") and row.get("official_on"):
                    self._recognition(row, row.get("admitted_on"), ctx)
                continue
            if scope is not False:
                placed.append((row, scope, chi_bo))
        index = MemberIndex(
            [
                (r.get("card"), r.get("national_id"), r.get("full_name"), r.get("birth_date"))
                for r, _, _ in placed
            ],
            directory,
        )
        existing_changes = []
        for row, scope, chi_bo in placed:
            if not self._unique_in_file(row, ctx):
                continue
            known, problem = index.match(
                card=row.get("card"),
                national_id=row.get("national_id"),
                full_name=row.get("full_name"),
                birth_date=row.get("birth_date"),
                within=scope,
            )
            if problem:
                key, reason = problem
                ctx.error(row.number, key, row.get(key), reason)
                continue
            if known is None:
                self._new(row, scope, chi_bo, ctx)
                continue
            first = ctx.seen["member"].setdefault(known.id, row.number)
            if first != row.number:
                ctx.row_error(row.number, f"cùng một đảng viên với dòng {first} ({known.describe()}).")
                continue
            existing_changes.append((row, known, chi_bo))
        if existing_changes:
            self._existing(existing_changes, ctx)

    def _place(self, row, ctx):
        """(TCCS scope, chi bộ) of a row, or (False, None) after reporting why it cannot be placed."""
        directory = ctx.directory
        scope = ctx.organisation
        if row.get("tccs"):
            tccs, reason = _cached(ctx, ("tccs", row.get("tccs")), directory.tccs, row.get("tccs"), ctx)
            if tccs is None:
                ctx.error(row.number, "tccs", row.get("tccs"), reason)
                return False, None
            scope = tccs
        elif scope is None:
            ctx.error(row.number, "tccs", None, "thiếu tổ chức cơ sở đảng.")
            return False, None
        chi_bo, reason = _cached(
            ctx, ("chi_bo", row.get("chi_bo"), scope), directory.chi_bo, row.get("chi_bo"), ctx, scope
        )
        if chi_bo is None:
            ctx.error(row.number, "chi_bo", row.get("chi_bo"), reason)
            return False, None
        return scope, chi_bo

    def _unique_in_file(self, row, ctx):
        ok = True
        for key, label in (("card", "Số thẻ"), ("national_id", "Số CCCD")):
            value = row.get(key)
            if value:
                first = ctx.seen[key].setdefault(value, row.number)
                if first != row.number:
                    ctx.error(row.number, key, value, f"{label} trùng với dòng {first} trong tệp.")
                    ok = False
        return ok

    def _new(self, row, scope, chi_bo, ctx):
        values = row.values
        missing = [k for k in ("gender", "admitted_on") if not values.get(k)]
        for key in missing:
            ctx.error(row.number, key, None, "trống: bắt buộc với đảng viên mới.")
        if missing:
            return
        if not (values.get("card") or values.get("national_id")):
            twin_key = (search_key(values["full_name"]), values["birth_date"], scope.pk)
            first = ctx.seen["new"].setdefault(twin_key, row.number)
            if first != row.number:
                ctx.row_error(
                    row.number,
                    f"trùng họ tên và ngày sinh với dòng {first}: hãy ghi số thẻ hoặc số CCCD để phân biệt.",
                )
                return
        # replay() reads only the birth date; the periods it returns are serialised, not kept, so
        # one unsaved Member serves every new row.
        member = ctx.__dict__.get("scratch_member")
        if member is None:
            member = ctx.scratch_member = Member()
        member.full_name, member.birth_date = values["full_name"], values["birth_date"]
        admitted_on = values["admitted_on"]
        events = [PlannedEvent(EventKind.ADMISSION, admitted_on, organisation_id=chi_bo.pk)]
        recognition = self._recognition(row, admitted_on, ctx)
        if recognition is False:
            return
        if recognition is not None:
            events.append(recognition)
        elif add_months(admitted_on, PROBATION_MONTHS) < ctx.today:
            ctx.warn(
                row.number,
                f"{values['full_name']}: không có ngày chính thức dù đã vào Đảng hơn 12 tháng; "
                "sẽ được ghi là đảng viên dự bị.",
            )
        outcome = self._replay(row, member, events, ctx)
        if outcome is None:
            return
        profile = [values.get(name) for name in PROFILE]
        ctx.create(
            row.number,
            f"{values['full_name']} (sinh {fmt(values['birth_date'])}) — {chi_bo.name}",
            [
                "new",
                row.number,
                profile,
                [_event_record(e) for e in events],
                [_period_record(p) for p in outcome.periods],
                values.get("card"),
            ],
        )

    def _recognition(self, row, admitted_on, ctx):
        """The recognition event the row's "Ngày chính thức" means; None without one; False after
        reporting a date earlier than the end of probation."""
        official_on = row.get("official_on")
        if official_on is None:
            return None
        due = add_months(admitted_on, PROBATION_MONTHS)
        if official_on < due:
            ctx.error(
                row.number,
                "official_on",
                official_on,
                f"chưa đủ 12 tháng dự bị kể từ ngày vào Đảng {fmt(admitted_on)}: "
                f"ngày chính thức sớm nhất là {fmt(due)}.",
            )
            return False
        return PlannedEvent(EventKind.RECOGNITION, due, decision_date=official_on)

    def _replay(self, row, member, events, ctx):
        try:
            outcome = replay(member, events, ctx.directory.by_id)
        except ValidationError as error:
            messages = error.messages
            if any(m.startswith("Kết nạp") for m in messages):
                # A refused admission makes every later event "out of order": say it once.
                messages = [m for m in messages if "chưa được kết nạp" not in m]
            for message in messages:
                key = "official_on" if message.startswith("Công nhận") else "admitted_on"
                ctx.error(row.number, key, row.get(key), _lower_first(message))
            return None
        for warning in outcome.warnings:
            ctx.warn(row.number, warning)
        return outcome

    def _existing(self, matched, ctx):
        """Compare matched rows with the stored members; rows that change events are checked
        with each member's whole history (loaded in one query for the chunk)."""
        stored = {}
        for pk, member_id, kind, date, decision_date in (
            MemberEvent.objects.filter(member_id__in=[k.id for _, k, _ in matched])
            .filter(kind__in=(EventKind.ADMISSION, EventKind.RECOGNITION))
            .order_by("date", "pk")
            .values_list("pk", "member_id", "kind", "date", "decision_date")
        ):
            stored.setdefault(member_id, []).append(_Stored(pk, kind, date, decision_date))
        pending = []
        for row, known, chi_bo in matched:
            found = self._compare(row, known, chi_bo, stored.get(known.id, []), ctx)
            if found is not None:
                pending.append(found)
        needing_history = [p for p in pending if p[4] or p[5]]
        histories = {}
        if needing_history:
            for event in MemberEvent.objects.filter(member_id__in=[p[1].id for p in needing_history]):
                histories.setdefault(event.member_id, []).append(event)
        for row, known, before, profile, adds, edited, card, shown in pending:
            if (adds or edited) and not self._history_ok(row, known, adds, edited, histories, ctx):
                continue
            if not shown:
                ctx.unchanged += 1
                continue
            changes = [[pk, {k: iso(v) for k, v in fields.items()}] for pk, fields in edited.items()]
            ctx.update(
                row.number,
                known.describe(),
                shown,
                [
                    "upd",
                    row.number,
                    known.id,
                    before,
                    profile,
                    card,
                    [_event_record(e) for e in adds],
                    changes,
                ],
            )

    def _compare(self, row, known, chi_bo, events, ctx):
        """What the row changes on the member: (row, known, before, profile, adds, edited, card,
        shown), or None after reporting a problem."""
        values = row.values
        labels = self.labels
        before, profile, shown = {}, {}, []
        for name in PROFILE:
            new = values.get(name)
            old = getattr(known, name)
            if new is not None and new != old:
                before[name], profile[name] = iso(old) if name == "birth_date" else old, new
                shown.append((labels[name], _display(name, old), _display(name, new)))
        card = values.get("card")
        if card and card not in known.cards:
            shown.append((labels["card"], known.current_card, card))
        else:
            card = None
        found = self._event_changes(row, chi_bo, events, shown, labels, ctx)
        if found is None:
            return None
        adds, edited = found
        if chi_bo is not None and known.periods and chi_bo.pk != known.last_organisation_id():
            now = ctx.directory.by_id.get(known.last_organisation_id())
            ctx.warn(
                row.number,
                f"{known.describe()} đang sinh hoạt tại {now.name if now else 'ngoài Đảng bộ Khối'}, "
                f"không phải {chi_bo.name}: danh sách đảng viên không ghi việc chuyển sinh hoạt "
                "(hãy nhập sự kiện chuyển sinh hoạt nếu cần).",
            )
        return row, known, before, profile, adds, edited, card, shown

    def _event_changes(self, row, chi_bo, events, shown, labels, ctx):
        """Admission and recognition the row implies for an existing member: ([new events],
        {event id: {field: value}}), or None after reporting a problem."""
        admitted_on, official_on = row.get("admitted_on"), row.get("official_on")
        admission = next((e for e in events if e.kind == EventKind.ADMISSION), None)
        recognition = next((e for e in events if e.kind == EventKind.RECOGNITION), None)
        adds, edited = [], {}
        if admitted_on and admission is None:
            adds.append(PlannedEvent(EventKind.ADMISSION, admitted_on, organisation_id=chi_bo.pk))
            shown.append((labels["admitted_on"], None, admitted_on))
        elif admitted_on and admission.date != admitted_on:
            edited[admission.pk] = {"date": admitted_on}
            shown.append((labels["admitted_on"], admission.date, admitted_on))
            if (
                recognition
                and admission.date
                and recognition.date == add_months(admission.date, PROBATION_MONTHS)
            ):
                edited[recognition.pk] = {"date": add_months(admitted_on, PROBATION_MONTHS)}
        ceremony = admitted_on or (admission.date if admission else None)
        if official_on and ceremony:
            stored = (recognition.decision_date or recognition.date) if recognition else None
            if stored != official_on:
                event = self._recognition(row, ceremony, ctx)
                if event is False:
                    return None
                shown.append((labels["official_on"], stored, official_on))
                if recognition is None:
                    adds.append(event)
                else:
                    edited.setdefault(recognition.pk, {}).update(
                        {"decision_date": official_on, "date": event.date}
                    )
        return adds, edited

    def _history_ok(self, row, known, adds, edited, histories, ctx):
        """The member's whole history with the row's edits still obeys the lifecycle rules."""
        member = Member(
            pk=known.id, full_name=known.full_name, birth_date=row.get("birth_date") or known.birth_date
        )
        history = []
        for event in sorted(histories.get(known.id, []), key=lambda e: (e.date or datetime.date.max, e.pk)):
            if event.pk in edited:
                event = MemberEvent(
                    **{f.attname: getattr(event, f.attname) for f in MemberEvent._meta.concrete_fields}
                )
                for name, value in edited[event.pk].items():
                    setattr(event, name, value)
            history.append(event)
        return self._replay(row, member, history + adds, ctx) is not None

    # --- writing ----------------------------------------------------------------------------------

    def write(self, records, batch):
        created = updated = 0
        new, upd = [], []
        for record in records:
            (new if record[0] == "new" else upd).append(record)
            if len(new) >= WRITE_CHUNK:
                created += self._write_new(new, batch)
                new = []
        created += self._write_new(new, batch)
        updated += self._write_updates(upd, batch)
        return created, updated

    def _write_new(self, records, batch):
        """Members, their events, periods and cards: five statements per chunk, whatever its size."""
        if not records:
            return 0
        ids = reserve_ids(Member, len(records))
        defaults = {name: Member._meta.get_field(name).get_default() for name in PROFILE}
        members, events, periods, cards = [], [], [], []
        for member_id, record in zip(ids, records, strict=True):
            profile = [
                defaults[name] if value is None else value
                for name, value in zip(PROFILE, record[2], strict=True)
            ]
            profile[2] = day(profile[2])
            full_name = profile[0]
            members.append((member_id, *profile, search_key(full_name), _sort_key(full_name), batch.pk))
            for kind, date, organisation_id, decision_date in record[3]:
                events.append((member_id, kind, day(date), organisation_id, day(decision_date), batch.pk))
            for organisation_id, status, host_id, temporary, exempt, suspended, starts, ends in record[4]:
                periods.append(
                    (
                        member_id,
                        organisation_id,
                        status,
                        host_id,
                        temporary,
                        exempt,
                        suspended,
                        day(starts),
                        day(ends),
                    )
                )
            if record[5]:
                cards.append((member_id, record[5]))
        insert(Member, ["id", *PROFILE, "search_name", "sort_key", "import_batch_id"], members)
        insert(
            MemberEvent,
            ["member_id", "kind", "date", "organisation_id", "decision_date", "import_batch_id"],
            events,
        )
        insert(
            MembershipPeriod,
            [
                "member_id",
                "organisation_id",
                "status",
                "temporary_host_id",
                "on_temporary_transfer",
                "is_exempt",
                "is_suspended",
                "starts_on",
                "ends_on",
            ],
            periods,
        )
        insert(MemberCard, ["member_id", "number"], cards)
        return len(members)

    def _write_updates(self, records, batch):
        if not records:
            return 0
        members = Member.objects.in_bulk([r[2] for r in records])
        today = timezone.localdate()
        for _, row, member_id, before, profile, card, adds, changes in records:
            member = members.get(member_id)
            if member is None or any(_stored(member, k) != v for k, v in before.items()):
                raise ValidationError(f"Dòng {row}: đảng viên đã được sửa sau khi xem trước.")
            if profile:
                if "birth_date" in profile:
                    profile["birth_date"] = day(profile["birth_date"])
                member_update(member, **profile)
            if card:
                card_issue(member=member, number=card, issued_on=today)
            if adds or changes:
                history = {e.pk: e for e in member.events.all()}
                changed = []
                for pk, fields in changes:
                    event = history[pk]
                    for name, value in fields.items():
                        setattr(event, name, day(value))
                    changed.append(event)
                new = [
                    MemberEvent(
                        kind=kind,
                        date=day(date),
                        organisation_id=organisation_id,
                        decision_date=day(decision_date),
                        import_batch=batch,
                    )
                    for kind, date, organisation_id, decision_date in adds
                ]
                member_events_apply(member, add=new, change=changed)
        return len(records)

    # --- export -----------------------------------------------------------------------------------

    def export_rows(self, queryset):
        """Rows in the template's columns for `queryset` of members, in a fixed number of queries."""
        members = list(queryset)
        ids = [m.pk for m in members]
        directory = {o.pk: o for o in Organisation.objects.only("pk", "name", "kind", "path", "depth")}
        by_path = {o.path: o for o in directory.values()}
        admission, recognition, card, last = {}, {}, {}, {}
        for start in range(0, len(ids), 5000):
            part = ids[start : start + 5000]
            for event in MemberEvent.objects.filter(
                member_id__in=part, kind__in=(EventKind.ADMISSION, EventKind.RECOGNITION)
            ).order_by("date", "pk"):
                target = admission if event.kind == EventKind.ADMISSION else recognition
                target.setdefault(event.member_id, event)
            for member_id, number in (
                MemberCard.objects.filter(member_id__in=part, replaced_on__isnull=True)
                .order_by("issued_on", "pk")
                .values_list("member_id", "number")
            ):
                card[member_id] = number
            for member_id, organisation_id in (
                MembershipPeriod.objects.filter(member_id__in=part, organisation__isnull=False)
                .order_by("starts_on")
                .values_list("member_id", "organisation_id")
            ):
                last[member_id] = organisation_id
        gender = dict(Gender.choices)
        for number, member in enumerate(members, start=1):
            chi_bo = directory.get(last.get(member.pk))
            tccs = by_path.get(chi_bo.path[: 2 * PATH_STEP]) if chi_bo is not None else None
            admitted = admission.get(member.pk)
            official = recognition.get(member.pk)
            yield [
                number,
                member.full_name,
                member.birth_date,
                gender.get(member.gender, member.gender),
                member.ethnicity,
                member.religion,
                member.hometown,
                member.national_id,
                admitted.date if admitted else None,
                (official.decision_date or official.date) if official else None,
                card.get(member.pk),
                chi_bo.name if chi_bo else None,
                tccs.name if tccs else None,
            ]


@functools.lru_cache(maxsize=20000)
def _words_key(words):
    return _collation_key(words)


def _sort_key(full_name):
    """`partyblock.text.name_sort_key`, with the keys of given names and of family + middle names
    memoised: they repeat throughout a sheet, and the key is the slowest part of writing a member."""
    words = tuple((normalize_text(full_name) or "").split(" "))
    return _words_key(words[-1:]) + _words_key(words[:-1])


def _cached(ctx, key, find, text, ctx_, within=False):
    """Organisation look-ups repeat on every row of a sheet: resolve each text once per import."""
    cache = ctx.__dict__.setdefault("lookups", {})
    if key not in cache:
        scope = ctx_.organisation if within is False else within
        cache[key] = find(text, within=scope, today=ctx_.today)
    return cache[key]


_KIND_LABELS = dict(EventKind.choices)


class PlannedEvent:
    """An event a row implies, as `replay` reads it (replay is duck-typed): far lighter than an
    unsaved MemberEvent when thousands of new members are checked."""

    __slots__ = ("kind", "date", "organisation_id", "decision_date")
    pk = None
    other_party = ""
    end_date = None
    exemption_ground = ""
    decision_number = ""

    def __init__(self, kind, date, *, organisation_id=None, decision_date=None):
        self.kind, self.date = kind, date
        self.organisation_id, self.decision_date = organisation_id, decision_date

    def get_kind_display(self):
        return _KIND_LABELS[self.kind]


class _Stored:
    """A stored admission or recognition, as far as comparing with a row needs."""

    __slots__ = ("pk", "kind", "date", "decision_date")

    def __init__(self, pk, kind, date, decision_date):
        self.pk, self.kind, self.date, self.decision_date = pk, kind, date, decision_date


def _event_record(event):
    return [event.kind, iso(event.date), event.organisation_id, iso(event.decision_date)]


def _period_record(period):
    return [
        period.organisation_id,
        period.status,
        period.temporary_host_id,
        period.on_temporary_transfer,
        period.is_exempt,
        period.is_suspended,
        iso(period.starts_on),
        iso(period.ends_on),
    ]


def _display(name, value):
    if name == "gender":
        return dict(Gender.choices).get(value, value)
    return value


def _stored(member, name):
    value = getattr(member, name)
    return iso(value) if name == "birth_date" else value


def _lower_first(message):
    return message[:1].lower() + message[1:]
