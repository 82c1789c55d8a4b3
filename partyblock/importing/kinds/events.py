"""Lifecycle event sheets: admissions, recognitions, transfers, exemptions, endings of existing
members, one event per row.

The member is found like everywhere else (card, national ID, name and birth date). Every member's
new events are checked together with the whole stored history by `replay`, the rule the admin's
event form applies; a row restating an event already stored (same kind and day) is unchanged, or
an update of its decision and notes. Added events and the periods they imply are bulk-written
(`members.services.member_events_add_bulk`); members whose stored events change go through
`member_events_apply`.

"Chuyển đến" means a move from outside the Khối, or a move between two chi bộ of the Khối when the
member was registered in the Khối the day before. "Chuyển đến / từ" names a chi bộ of the Khối (by
code or name) or, when it names none, the organisation outside the Khối.
"""

import datetime

from django.core.exceptions import ValidationError

from members.lifecycle import EVENT_RULES, replay
from members.models import (
    EndingGround,
    EventKind,
    ExemptionGround,
    Member,
    MemberCard,
    MemberEvent,
    MembershipPeriod,
)
from members.services import NewEvents, member_events_add_bulk, member_events_apply
from partyblock.core.text import day_text
from units.models import MEMBER_HOLDING_KINDS, Organisation

from ..columns import ChoiceColumn, CodeColumn, DateColumn, TextColumn, field_length, import_only, stt_column
from ..plan import OUTDATED, day, iso
from ..scope import OUTSIDE_ORGANISATION
from .base import CHUNK_ROWS, Kind, organisations_by_id, with_edits
from .matching import MemberIndex, keys_of
from .members import (
    birth_date_column,
    card_column,
    chi_bo_column,
    full_name_column,
    national_id_column,
    so_ly_lich_column,
)

EVENT_SPELLINGS = {
    EventKind.ADMISSION: ("Kết nạp", "Kết nạp Đảng", "Kết nạp vào Đảng"),
    EventKind.READMISSION: ("Kết nạp lại vào Đảng",),
    EventKind.RECOGNITION: (
        "Chính thức",
        "Công nhận chính thức",
        "Đảng viên chính thức",
        "Chuyển chính thức",
    ),
    EventKind.TRANSFER: (
        "Chuyển trong Khối",
        "Chuyển sinh hoạt trong Khối",
        "Chuyển chi bộ",
        "Chuyển sinh hoạt",
    ),
    EventKind.TRANSFER_OUT: (
        "Chuyển đi",
        "Chuyển ra ngoài Khối",
        "Chuyển sinh hoạt đi",
        "Chuyển đi ngoài Khối",
    ),
    EventKind.TRANSFER_IN: ("Chuyển đến", "Chuyển đến từ ngoài Khối", "Chuyển sinh hoạt đến", "Tiếp nhận"),
    EventKind.TEMPORARY_TRANSFER: ("Chuyển tạm thời", "Sinh hoạt tạm thời"),
    EventKind.EXEMPTION: ("Miễn sinh hoạt", "Miễn công tác và sinh hoạt", "Miễn sinh hoạt đảng"),
    EventKind.SUSPENSION: ("Đình chỉ", "Đình chỉ sinh hoạt"),
    EventKind.REMOVAL: ("Xoá tên",),
    EventKind.EXPULSION: ("Khai trừ khỏi Đảng",),
    EventKind.RESIGNATION: ("Ra khỏi Đảng",),
    EventKind.DEATH: ("Chết", "Mất", "Qua đời"),
}
COMPARED = [
    "decision_number",
    "decision_date",
    "organisation_id",
    "other_party",
    "end_date",
    "exemption_ground",
    "ending_ground",
    "readmission_consent",
    "conviction_cleared_on",
    "note",
]
DATE_FIELDS = {"decision_date", "end_date", "conviction_cleared_on"}  # of COMPARED: ISO text in the plan
FIELD_LABELS = {
    "decision_number": "Số quyết định",
    "decision_date": "Ngày quyết định",
    "organisation_id": "Chi bộ",
    "other_party": "Chuyển đến / từ",
    "end_date": "Đến ngày",
    "exemption_ground": "Lý do miễn",
    "ending_ground": "Lý do ra khỏi Đảng",
    "readmission_consent": "Văn bản đồng ý kết nạp lại",
    "conviction_cleared_on": "Ngày được xóa án tích",
    "note": "Ghi chú",
}


class EventsKind(Kind):
    key = "events"
    label = "Quá trình sinh hoạt (sự kiện)"
    example = {
        "full_name": "Nguyễn Văn An",
        "birth_date": "15/05/1985",
        "card": "30.012345",
        "event": "Chuyển sinh hoạt chính thức trong Khối",
        "date": "01/07/2020",
        "decision_number": "125-QĐ/ĐUK",
        "decision_date": "25/06/2020",
        "place": "Chi bộ Phòng Kế hoạch",
    }

    def columns(self):
        return [
            stt_column(),
            full_name_column(),
            birth_date_column(required=False),
            card_column(),
            national_id_column(),
            import_only(so_ly_lich_column()),
            ChoiceColumn(
                "event",
                "Sự kiện",
                ("Loại sự kiện", "Nội dung", "Sự kiện sinh hoạt đảng"),
                required=True,
                choices=[(kind, kind.label, EVENT_SPELLINGS[kind]) for kind in EventKind],
            ),
            DateColumn("date", "Ngày", ("Ngày hiệu lực", "Ngày sự kiện", "Từ ngày"), required=True),
            CodeColumn(
                "decision_number",
                "Số quyết định",
                ("Số QĐ", "Quyết định số"),
                max_length=field_length(MemberEvent, "decision_number"),
            ),
            DateColumn("decision_date", "Ngày quyết định", ("Ngày QĐ", "Ngày ký quyết định")),
            TextColumn(
                "place",
                "Chuyển đến / từ",
                (
                    "Chuyển đến/từ",
                    "Nơi chuyển đến / từ",
                    "Nơi chuyển đến",
                    "Nơi chuyển đi",
                    "Chuyển từ",
                    "Tổ chức đảng",
                ),
                max_length=field_length(MemberEvent, "other_party"),
            ),
            chi_bo_column(),
            DateColumn("end_date", "Đến ngày", ("Ngày kết thúc", "Đến hết ngày"), allow_future=True),
            ChoiceColumn(
                "ground",
                "Lý do miễn",
                ("Lý do miễn sinh hoạt",),
                choices=[(g, g.label, ()) for g in ExemptionGround],
            ),
            ChoiceColumn(
                "ending_ground",
                "Lý do ra khỏi Đảng",
                ("Lý do xóa tên", "Lý do xoá tên", "Lý do ra khỏi Đảng"),
                choices=[(g, g.label, ()) for g in EndingGround],
            ),
            TextColumn(
                "readmission_consent",
                "Văn bản đồng ý kết nạp lại",
                ("Văn bản đồng ý", "Văn bản đồng ý của BTV Tỉnh ủy"),
                max_length=field_length(MemberEvent, "readmission_consent"),
            ),
            DateColumn(
                "conviction_cleared_on",
                "Ngày được xóa án tích",
                (
                    "Ngày xóa án tích",
                    "Ngày xoá án tích",
                    "Ngày được xoá án tích",
                    "Xóa án tích ngày",
                    "Ngày đương nhiên được xóa án tích",
                ),
            ),
            TextColumn("note", "Ghi chú", max_length=1000),
        ]

    def fingerprint_models(self):
        return [Member, MemberEvent, MemberCard, MembershipPeriod, Organisation]

    def process(self, rows, ctx):
        ctx.__dict__.setdefault("rows", []).extend(r for r in rows if not r.bad)

    def finish(self, ctx):
        rows = ctx.__dict__.get("rows", [])
        by_member, known_by_id = {}, {}
        for start in range(0, len(rows), CHUNK_ROWS):
            chunk = rows[start : start + CHUNK_ROWS]
            index = MemberIndex([keys_of(r) for r in chunk], ctx.directory, scope=ctx.scope)
            for row in chunk:
                known, problem = index.find_row(row, ctx.organisation)
                if problem:
                    ctx.error(row.number, problem[0], row.get(problem[0]), problem[1])
                else:
                    by_member.setdefault(known.id, []).append(row)
                    known_by_id[known.id] = known
        ids = list(by_member)
        for start in range(0, len(ids), CHUNK_ROWS):
            part = ids[start : start + CHUNK_ROWS]
            members = Member.objects.in_bulk(part)
            history = {}
            for event in MemberEvent.objects.filter(member_id__in=part).order_by("date", "pk"):
                history.setdefault(event.member_id, []).append(event)
            for member_id in part:
                self._member(
                    members[member_id],
                    known_by_id[member_id],
                    by_member[member_id],
                    history.get(member_id, []),
                    ctx,
                )

    def _event(self, row, known, ctx):
        """The MemberEvent a row describes (unsaved), or None after reporting why it cannot be."""
        missing = [key for key in ("event", "date") if row.get(key) is None]
        for key in missing:
            ctx.error(row.number, key, None, "trống: bắt buộc.")
        if missing:
            return None
        kind = row.get("event")
        event = MemberEvent(
            kind=kind,
            date=row.get("date"),
            decision_number=row.get("decision_number") or "",
            decision_date=row.get("decision_date"),
            end_date=row.get("end_date"),
            exemption_ground=row.get("ground") or "",
            ending_ground=row.get("ending_ground") or "",
            readmission_consent=row.get("readmission_consent") or "",
            conviction_cleared_on=row.get("conviction_cleared_on"),
            note=row.get("note") or "",
        )
        place = row.get("place")
        chi_bo = None
        if row.get("chi_bo"):
            chi_bo, reason = ctx.directory.find(
                row.get("chi_bo"), kinds=MEMBER_HOLDING_KINDS, within=ctx.organisation, today=ctx.today
            )
            if chi_bo is None:
                ctx.error(row.number, "chi_bo", row.get("chi_bo"), reason.replace("tổ chức đảng", "chi bộ"))
                return None
            if not ctx.scope.has_organisation(chi_bo):
                ctx.error(row.number, "chi_bo", row.get("chi_bo"), OUTSIDE_ORGANISATION)
                return None
        elif place:
            found, reason = ctx.directory.find(
                place, kinds=MEMBER_HOLDING_KINDS, within=ctx.organisation, today=ctx.today
            )
            if found is not None and not ctx.scope.has_organisation(found):
                ctx.error(row.number, "place", place, OUTSIDE_ORGANISATION)
                return None
            if found is not None:
                chi_bo, place = found, None
            elif "cùng tên" in reason:
                ctx.error(row.number, "place", place, reason)
                return None
        if (
            kind == EventKind.TRANSFER_IN
            and chi_bo is not None
            and _inside_on(known, event.date - datetime.timedelta(days=1))
        ):
            event.kind = kind = EventKind.TRANSFER
        if kind == EventKind.RECOGNITION:
            # The lifecycle dates a recognition at the end of probation; the sheet's day is the decision's.
            event.decision_date = event.decision_date or event.date
            event.date = None
        rule = EVENT_RULES[kind]
        if rule.needs_chi_bo or rule.starts_membership or kind == EventKind.TEMPORARY_TRANSFER:
            event.organisation = chi_bo
        if kind != EventKind.TRANSFER:
            event.other_party = place or ""
        return event

    def _member(self, member, known, rows, stored, ctx):
        adds, changes, unchanged = [], [], []
        edited = {}
        usable = True
        for row in rows:
            event = self._event(row, known, ctx)
            if event is None:
                usable = False
                continue
            same = next((e for e in stored if _same_event(e, event)), None)
            if same is None:
                adds.append((row, event))
                continue
            fields = {
                name: getattr(event, name)
                for name in COMPARED
                if getattr(event, name) not in (None, "") and getattr(event, name) != getattr(same, name)
            }
            if fields:
                edited[same.pk] = fields
                changes.append((row, same, fields))
            else:
                unchanged.append(row)
        if not usable:
            return
        history, written = with_edits(stored, edited)
        new_events = [e for _, e in adds]
        try:
            outcome = replay(member, history + new_events, ctx.directory.by_id, written=written + new_events)
        except ValidationError as error:
            for message in error.messages:
                row = next((r for r, e in adds if _mentions(message, e)), rows[0])
                ctx.row_error(row.number, f"{known.describe()}: {_lower_first(message)}")
            return
        for warning in outcome.warnings:
            ctx.warn(rows[0].number, f"{known.describe()}: {warning}")
        ctx.unchanged += len(unchanged)
        if not (adds or changes):
            return
        for row, event in adds:
            ctx.create(
                row.number,
                f"{known.describe()}: {event.get_kind_display()} ngày {day_text(event.date)}",
                None,
            )
        for row, same, fields in changes:
            shown = [
                (FIELD_LABELS[name], _shown(same, name, ctx), _shown(fields, name, ctx)) for name in fields
            ]
            ctx.update(
                row.number,
                f"{known.describe()}: {same.get_kind_display()} ngày {day_text(same.date)}",
                shown,
                None,
            )
        ctx.plan.add(
            [
                "member",
                member.pk,
                [[row.number, *_event_record(e)] for row, e in adds],
                [
                    [
                        row.number,
                        same.pk,
                        {k: iso(v) if isinstance(v, datetime.date) else v for k, v in fields.items()},
                    ]
                    for row, same, fields in changes
                ],
                [_period_record(p) for p in outcome.periods],
            ]
        )

    def outside(self, records, scope):
        organisations = organisations_by_id()
        for _, member_id, adds, _, _ in records:
            if not scope.has_member(member_id):
                return True
            if not all(scope.has_organisation(organisations.get(add[3])) for add in adds if add[3]):
                return True
        return False

    def write(self, records, batch):
        created = updated = 0
        simple = []
        for _, member_id, adds, changes, periods in records:
            added = [_event_fields(add) for add in adds]
            if not changes:
                simple.append(
                    NewEvents(member_id=member_id, events=added, periods=[_period(p) for p in periods])
                )
                continue
            member = Member.objects.get(pk=member_id)
            stored = {e.pk: e for e in member.events.all()}
            changed = []
            for _, pk, fields in changes:
                event = stored[pk]
                for name, value in fields.items():
                    setattr(event, name, day(value) if name in DATE_FIELDS else value)
                changed.append(event)
            member_events_apply(
                member,
                add=[MemberEvent(member_id=member_id, import_batch=batch, **fields) for fields in added],
                change=changed,
            )
            created += len(added)
            updated += len(changes)
        return created + member_events_add_bulk(simple, import_batch=batch), updated


def _event_fields(record):
    """The MemberEvent fields (by attname) of an added event's plan record (one of another length
    was made by an earlier version: the file is to be previewed again)."""
    if len(record) != 13:
        raise ValidationError(OUTDATED)
    (
        _,
        kind,
        date,
        organisation_id,
        other_party,
        decision_number,
        decision_date,
        end_date,
        ground,
        ending_ground,
        consent,
        cleared,
        note,
    ) = record
    return {
        "kind": kind,
        "date": day(date),
        "organisation_id": organisation_id,
        "other_party": other_party,
        "decision_number": decision_number,
        "decision_date": day(decision_date),
        "end_date": day(end_date),
        "exemption_ground": ground,
        "ending_ground": ending_ground,
        "readmission_consent": consent,
        "conviction_cleared_on": day(cleared),
        "note": note,
    }


def _period(record):
    """A period's plan record as `lifecycle.PERIOD_FIELDS` values."""
    return (*record[:6], day(record[6]), day(record[7]))


def _event_record(event):
    return [
        event.kind,
        iso(event.date),
        event.organisation_id,
        event.other_party,
        event.decision_number,
        iso(event.decision_date),
        iso(event.end_date),
        event.exemption_ground,
        event.ending_ground,
        event.readmission_consent,
        iso(event.conviction_cleared_on),
        event.note,
    ]


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


def _same_event(stored, event):
    if stored.kind != event.kind:
        return False
    if event.kind == EventKind.RECOGNITION:
        return event.decision_date in (stored.decision_date, stored.date)
    return stored.date == event.date


def _inside_on(known, day_before):
    return any(
        p[0] is not None and p[1] <= day_before and (p[2] is None or p[2] > day_before) for p in known.periods
    )


def _mentions(message, event):
    return message.startswith(event.get_kind_display()) and (
        event.date is None or day_text(event.date) in message
    )


def _shown(source, name, ctx):
    """A stored event's field (or an edited value from a dict) as people read it."""
    value = source[name] if isinstance(source, dict) else getattr(source, name)
    if name == "organisation_id" and value:
        return ctx.directory.placed(ctx.directory.by_id[value])
    if name == "exemption_ground" and value:
        return ExemptionGround(value).label
    if name == "ending_ground" and value:
        return EndingGround(value).label
    return value


def _lower_first(message):
    return message[:1].lower() + message[1:]
