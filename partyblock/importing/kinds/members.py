"""Members sheets ("Danh sách đảng viên").

A row either matches an existing member (see `matching`: card, CCCD, số lý lịch, else name and
birth date) or creates one. A created member has belonged to the row's chi bộ since admission: an
admission event on "Ngày vào Đảng" in that chi bộ (with the chi bộ's vote, "Ngày chi bộ biểu
quyết", when given: the admission age is judged on it), and, when "Ngày chính thức" is given, a
recognition event. The lifecycle dates a recognition at the end of probation (12 months; the charter
of the admission's day for earlier members, `members.charters`); the sheet's "Ngày chính thức" is
the day the decision was made, so it is stored as the decision date (and shown again on export). A
"Ngày chính thức" before probation ends is refused with the date it could be at the earliest where
that charter's length is confirmed (the 1930 short charter, the 2011 Charter), and kept with the
lifecycle's warning where it is not, the one rule `members.charters.Probation.enforced`. A member admitted before the chi bộ came into the
Khối, or with a "Ngày chuyển đến", was admitted outside the Khối and transferred in that day.

Preview checks each row once, row by row: each new member's story with the lifecycle's rules
(`replay_admission` / `replay_arrival`, the rules `replay` applies) and plans the member, its
events, the periods replay made and its card; confirm writes them through
`members.services.members_create_bulk`. A row that changes an existing member goes through the
services the admin uses (`member_update`, `card_issue`, `member_events_apply`), so a re-import of
an edited sheet obeys the same rules as the member form; only changed members cost queries. Empty
cells never clear what is stored, and the sheet never moves a member: a different chi bộ is
reported as a warning (moves are lifecycle events).
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from members.badges import EARLY_MONTHS
from members.charters import probation, probation_ends
from members.lifecycle import (
    ADMITTED_OUTSIDE_UNKNOWN,
    add_months,
    replay,
    replay_admission,
    replay_arrival,
)
from members.models import (
    BADGE_MILESTONES,
    EventKind,
    Gender,
    Member,
    MemberCard,
    MemberEvent,
    MembershipPeriod,
    MembershipStatus,
    PartyBadge,
    card_status_problem,
)
from members.services import (
    NewMember,
    badges_received,
    card_issue,
    member_events_apply,
    member_update,
    members_create_bulk,
)
from partyblock.core.text import day_text
from units.models import PATH_STEP, Organisation

from ..columns import (
    BadgesColumn,
    ChoiceColumn,
    CodeColumn,
    DateColumn,
    DigitsColumn,
    TextColumn,
    field_length,
    import_only,
    stt_column,
)
from ..plan import OUTDATED, day, iso
from ..scope import locked_field_reason
from .base import Kind, organisations_by_id, with_edits
from .matching import MemberIndex, NameKeys, keys_of

PROFILE = ["full_name", "gender", "birth_date", "ethnicity", "religion", "hometown", "national_id"]
NEW_PROFILE = [*PROFILE, "so_ly_lich"]  # what a new member's row gives (the plan's order)


def _max(name):
    return field_length(Member, name)


def full_name_column(required=True):
    return TextColumn(
        "full_name",
        "Họ và tên",
        ("Họ tên", "Họ và tên đảng viên", "Họ, tên", "Tên đảng viên", "Họ và tên ĐV"),
        required=required,
        max_length=_max("full_name"),
        name=True,
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


def so_ly_lich_column():
    return CodeColumn(
        "so_ly_lich",
        "Số lý lịch",
        (
            "Số lý lịch đảng viên",
            "Số LLĐV",
            "Số LL",
            "Số lý lịch ĐV",
            "Số hồ sơ đảng viên",
            "Số phiếu đảng viên",
        ),
        max_length=_max("so_ly_lich"),
    )


def arrived_on_column():
    return DateColumn(
        "arrived_on",
        "Ngày chuyển đến",
        (
            "Ngày về sinh hoạt",
            "Ngày chuyển sinh hoạt đến",
            "Ngày về chi bộ",
            "Ngày đến sinh hoạt",
            "Ngày chuyển về",
        ),
    )


def vote_date_column():
    return DateColumn(
        "vote_date",
        "Ngày chi bộ biểu quyết",
        (
            "Ngày chi bộ xét kết nạp",
            "Ngày chi bộ họp xét kết nạp",
            "Ngày chi bộ biểu quyết kết nạp",
            "Ngày chi bộ xét",
            "Ngày biểu quyết",
            "Ngày chi bộ đề nghị kết nạp",
        ),
    )


def badges_column():
    return BadgesColumn(
        "badges",
        "Huy hiệu Đảng",
        (
            "Huy hiệu Đảng đã trao",
            "Huy hiệu Đảng đã được trao",
            "Huy hiệu Đảng đã nhận",
            "Đã được trao Huy hiệu Đảng",
            "Đã được tặng Huy hiệu Đảng",
            "Huy hiệu",
        ),
        milestones=BADGE_MILESTONES,
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
        "vote_date": "05/12/2014",
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
            import_only(so_ly_lich_column()),
            vote_date_column(),
            arrived_on_column(),
            badges_column(),
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
        return [Member, MemberEvent, MemberCard, MembershipPeriod, Organisation, PartyBadge]

    def look_ahead(self, directory, organisation):
        if organisation is not None:
            directory.has_had_members(organisation)  # namesakes are looked up only where it did

    # --- validation -----------------------------------------------------------------------------

    def process_chunk(self, chunk, ctx):
        """Check a chunk of rows: each row placed and its card, CCCD and số lý lịch registered (in
        file order: an earlier row keeps a value, a later one repeating it is refused), the chunk's
        candidates loaded at once (`MemberIndex`), then each row matched: a new member is checked
        (`_new`), the rows that match stored members are compared in bulk (`_existing`)."""
        if not hasattr(ctx, "seen"):
            ctx.seen = {"card": {}, "national_id": {}, "member": {}, "new": {}, "so_ly_lich": {}}
            ctx.name_key = NameKeys()
            ctx.places = {}
        placed = []
        for row in chunk.rows():
            pair = (row.get("tccs"), row.get("chi_bo"))
            if pair not in ctx.places:
                ctx.places[pair] = self._placement(*pair, ctx)
            scope, chi_bo, problem = ctx.places[pair]
            if problem is not None:
                ctx.error(row.number, *problem)
            if row.bad:
                # A refused cell stops the row, but its other checks still run: every error is listed.
                self._unique_in_file(row.number, row.get("card"), row.get("national_id"), ctx)
                if row.get("admitted_on") and row.get("official_on"):
                    self._due(row.number, row.get("admitted_on"), row.get("official_on"), ctx)
                continue
            if problem is None and self._unique_in_file(
                row.number, row.get("card"), row.get("national_id"), ctx
            ):
                placed.append((row, scope, chi_bo))
        index = MemberIndex(
            [keys_of(row) for row, _, _ in placed],
            ctx.directory,
            ctx.name_key,
            scopes=[scope for _, scope, _ in placed],
            scope=ctx.scope,
        )
        existing = []
        for row, scope, chi_bo in placed:
            known, problem = index.match_row(row, scope)
            if problem:
                key, reason = problem
                ctx.error(row.number, key, row.get(key), reason)
            elif known is None:
                self._new(
                    row,
                    scope,
                    chi_bo,
                    index.keys[row.get("full_name")] if row.get("full_name") else None,
                    ctx,
                )
            else:
                first = ctx.seen["member"].setdefault(known.id, row.number)
                if first != row.number:
                    ctx.row_error(row.number, f"cùng một đảng viên với dòng {first} ({known.describe()}).")
                else:
                    existing.append((row, known, chi_bo))
        if existing:
            self._existing(existing, ctx)

    def _new(self, row, scope, chi_bo, search_name, ctx):
        """Check a row that creates a member and plan it, or report why it cannot."""
        number, get = row.number, row.get
        locked = [(key, get(key)) for key in sorted(ctx.scope.locked) if get(key) is not None]
        if locked:
            for key, value in locked:
                ctx.error(number, key, value, locked_field_reason(self.labels[key]))
            return
        name, birth, admitted_on = get("full_name"), get("birth_date"), get("admitted_on")
        missing = [key for key in ("full_name", "birth_date", "gender", "admitted_on") if not get(key)]
        if missing:
            for key in missing:
                ctx.error(number, key, None, "trống: bắt buộc với đảng viên mới.")
            return
        if not (get("card") or get("national_id")):
            first = ctx.seen["new"].setdefault((search_name, birth, scope.pk), number)
            if first != number:
                ctx.row_error(
                    number,
                    f"trùng họ tên và ngày sinh với dòng {first}: hãy ghi số thẻ hoặc số CCCD để phân biệt.",
                )
                return
        official_on = get("official_on")
        if official_on is not None:
            due = self._due(number, admitted_on, official_on, ctx)  # reports a decision made too early
            if due is None:
                return
        else:
            due = None
            ends = probation_ends(admitted_on)
            if ends < ctx.today:
                ctx.warn(number, _still_probationary(name, ends))
        if not self._record_number_free(number, get("so_ly_lich"), None, ctx):
            return
        arrival = self._arrival(number, name, chi_bo, admitted_on, get("arrived_on"), ctx)
        if arrival is False:
            return
        if not self._badges_ok(number, get("badges"), admitted_on, due, ctx):
            return
        if get("card") and due is None:
            # Only official members get a card: the card's own rule (`MemberCard.clean`).
            problem = card_status_problem(name, MembershipStatus.PROBATIONARY, ctx.today)
            ctx.error(number, "card", get("card"), _lower_first(problem))
            return
        vote_date = get("vote_date")
        try:
            if arrival is not None:
                periods, warnings = replay_arrival(
                    birth, chi_bo, admitted_on, arrival, official_on, vote_date=vote_date
                )
            else:
                periods, warnings = replay_admission(
                    birth, chi_bo, admitted_on, official_on, vote_date=vote_date
                )
        except ValidationError as error:
            self._refusals(number, get, error, ctx)
            return
        for warning in warnings:
            ctx.warn(number, warning)
        admission = {
            "kind": EventKind.ADMISSION.value,
            "date": iso(admitted_on),
            "organisation_id": None if arrival else chi_bo.pk,
            "other_party": ADMITTED_OUTSIDE_UNKNOWN if arrival else "",
            "vote_date": iso(vote_date),
        }
        events = [admission]
        if due is not None:
            events.append(
                {"kind": EventKind.RECOGNITION.value, "date": iso(due), "decision_date": iso(official_on)}
            )
        if arrival is not None:
            events.append(
                {"kind": EventKind.TRANSFER_IN.value, "date": iso(arrival), "organisation_id": chi_bo.pk}
            )
        ctx.create(
            number,
            _new_label(name, birth, chi_bo, ctx.directory),
            [
                NEW_TAG,
                number,
                chi_bo.pk,
                [iso(get(key)) if key == "birth_date" else get(key) for key in NEW_PROFILE],
                events,
                [[*period[:-2], iso(period[-2]), iso(period[-1])] for period in periods],
                get("card"),
                get("badges") or [],
            ],
        )

    def _placement(self, tccs_text, chi_bo_text, ctx):
        """(scope, chi bộ, None) or (False, None, (column key, value, reason)) for a row naming
        `tccs_text` and `chi_bo_text`: the same for every such row, so found once per import."""
        directory = ctx.directory
        scope = ctx.organisation
        if tccs_text:
            tccs, reason = directory.tccs(tccs_text, within=ctx.organisation, today=ctx.today)
            if tccs is None:
                return False, None, ("tccs", tccs_text, reason)
            scope = tccs
        elif scope is None:
            return False, None, ("tccs", None, "thiếu tổ chức cơ sở đảng.")
        chi_bo, reason = directory.chi_bo(chi_bo_text, within=scope, today=ctx.today)
        if chi_bo is None:
            return False, None, ("chi_bo", chi_bo_text, reason)
        return scope, chi_bo, None

    def _badges_ok(self, number, badges, admitted_on, official, ctx):
        """Whether the Huy hiệu Đảng the row says the member received fit the row's admission:
        only an official member has a party age, and a badge is given when the milestone is
        reached, at most 12 months early (24 from 70 years) for the seriously ill (HD 01-HD/TW
        2021 §18; party age counted from "Ngày vào Đảng", the card's date). Reports each that does
        not; a member whose party age had gaps may need the badge recorded in the admin."""
        ok = True
        for years, awarded in badges or ():
            shown = BadgesColumn.text(years, day(awarded) if awarded else None)
            if official is None:
                ctx.error(
                    number,
                    "badges",
                    shown,
                    "chỉ đảng viên chính thức có tuổi đảng: dòng không có ngày chính thức.",
                )
                return False
            earliest = add_months(add_months(admitted_on, 12 * years), -EARLY_MONTHS[years])
            on = day(awarded) if awarded else ctx.today
            if on < earliest:
                reached = add_months(admitted_on, 12 * years)
                reason = (
                    f"tuổi đảng tính từ ngày vào Đảng {day_text(admitted_on)} đủ {years} năm ngày "
                    f"{day_text(reached)}; huy hiệu được trao sớm nhất ngày {day_text(earliest)}"
                )
                ctx.error(
                    number, "badges", shown, reason + (f", không phải {day_text(on)}." if awarded else ".")
                )
                ok = False
        return ok

    def _record_number_free(self, number, value, member_id, ctx):
        """Whether the row's số lý lịch may go to member `member_id` (None: a new one): not given
        on an earlier row of the file (one held by another stored member is found by matching,
        `MemberIndex.match`); reports it otherwise."""
        if not value:
            return True
        first = ctx.seen["so_ly_lich"].setdefault(value, number)
        if first != number:
            ctx.error(number, "so_ly_lich", value, f"số lý lịch trùng với dòng {first} trong tệp.")
            return False
        return True

    def _arrival(self, number, name, chi_bo, admitted_on, arrived_on, ctx):
        """The day a new member came into `chi_bo` from outside the Khối, or None when the member
        was admitted there (DOMAIN.md §2 "History older than the Khối"): the sheet's "Ngày chuyển
        đến" when given (and after admission), else, for a member admitted before the chi bộ came
        into the tree, that day, with a warning; False after reporting an arrival before admission."""
        if arrived_on is not None and arrived_on < admitted_on:
            ctx.error(
                number, "arrived_on", arrived_on, f"trước ngày vào Đảng ({day_text(admitted_on)}) của {name}."
            )
            return False
        joined = ctx.directory.joined_on(chi_bo)
        early = joined is not None and admitted_on < joined
        if early:
            ctx.tally("early_members")
        if arrived_on is not None and arrived_on > admitted_on:
            return arrived_on
        if early:
            place = ctx.directory.placed(chi_bo)
            ctx.warn(
                number,
                f"{name} vào Đảng ngày {day_text(admitted_on)}, trước khi {place} thuộc Đảng bộ Khối "
                f"({day_text(joined)}): ghi là kết nạp ngoài Đảng bộ Khối, chuyển đến {place} ngày {day_text(joined)}.",
            )
            return joined
        return None

    def _unique_in_file(self, number, card, national_id, ctx):
        """Register the row's card and national ID and report those an earlier row of the file
        has; False when there is one."""
        ok = True
        for key, label, value in (("card", "Số thẻ", card), ("national_id", "Số CCCD", national_id)):
            if value:
                first = ctx.seen[key].setdefault(value, number)
                if first != number:
                    ctx.error(number, key, value, f"{label} trùng với dòng {first} trong tệp.")
                    ok = False
        return ok

    def _due(self, number, admitted_on, official_on, ctx):
        """The day a recognition decided on `official_on` takes effect (the end of probation under
        the charter of the admission's day, `members.charters.probation`), or None after reporting
        a decision made before it where that charter's length is confirmed. Where it is not, the
        row is kept and the lifecycle's replay warns about it, as for the member form."""
        term = probation(admitted_on)
        if official_on < term.earliest and term.enforced:
            if term.charter.is_current_rule:
                reason = f"chưa đủ 12 tháng dự bị kể từ ngày vào Đảng {day_text(admitted_on)}"
            else:
                reason = f"chưa hết thời hạn dự bị ngắn nhất theo {term.charter.name} kể từ ngày vào Đảng {day_text(admitted_on)}"
            ctx.error(
                number,
                "official_on",
                official_on,
                f"{reason}: ngày chính thức sớm nhất là {day_text(term.earliest)}.",
            )
            return None
        return term.effective(official_on)

    def _recognition(self, row, admitted_on, ctx):
        """The recognition event the row's "Ngày chính thức" means; None without one; False after
        reporting a date earlier than the end of probation."""
        official_on = row.get("official_on")
        if official_on is None:
            return None
        due = self._due(row.number, admitted_on, official_on, ctx)
        if due is None:
            return False
        return PlannedEvent(EventKind.RECOGNITION, due, decision_date=official_on)

    def _replay(self, row, member, events, ctx, written=None):
        try:
            outcome = replay(member, events, ctx.directory.by_id, written=written)
        except ValidationError as error:
            self._refusals(row.number, row.get, error, ctx)
            return None
        for warning in outcome.warnings:
            ctx.warn(row.number, warning)
        return outcome

    def _refusals(self, number, get, error, ctx):
        """The lifecycle's refusal of a row's story, each message on the column it is about
        (`get(key)`: the row's value in that column)."""
        messages = error.messages
        if any(m.startswith("Kết nạp") for m in messages):
            # A refused admission makes every later event "out of order": say it once.
            messages = [m for m in messages if "chưa được kết nạp" not in m]
        for message in messages:
            if message.startswith("Công nhận"):
                key = "official_on"
            elif get("vote_date") and ("chi bộ xét kết nạp" in message or "tuổi" in message):
                key = "vote_date"
            else:
                key = "admitted_on"
            ctx.error(number, key, get(key), _lower_first(message))

    def _existing(self, matched, ctx):
        """Compare matched rows with the stored members; rows that change events are checked
        with each member's whole history (loaded in one query for the chunk)."""
        stored = {}
        for pk, member_id, kind, date, decision_date, vote_date in (
            MemberEvent.objects.filter(member_id__in=[k.id for _, k, _ in matched])
            .filter(kind__in=(EventKind.ADMISSION, EventKind.RECOGNITION))
            .order_by("date", "pk")
            .values_list("pk", "member_id", "kind", "date", "decision_date", "vote_date")
        ):
            stored.setdefault(member_id, []).append(_Stored(pk, kind, date, decision_date, vote_date))
        pending = []
        for row, known, chi_bo in matched:
            found = self._compare(row, known, chi_bo, stored.get(known.id, []), ctx)
            if found is None:
                continue
            value, old = row.get("so_ly_lich"), known.so_ly_lich
            if value and value != old:
                if not self._record_number_free(row.number, value, known.id, ctx):
                    continue
                found[2]["so_ly_lich"], found[3]["so_ly_lich"] = old, value
                found[7].append((self.labels["so_ly_lich"], old, value))
            pending.append(found)
        received = self._received(pending, stored, ctx)
        needing_history = [p for p in pending if p[4] or p[5]]
        histories = {}
        if needing_history:
            for event in MemberEvent.objects.filter(member_id__in=[p[1].id for p in needing_history]):
                histories.setdefault(event.member_id, []).append(event)
        for row, known, before, profile, adds, edited, card, shown in pending:
            if (adds or edited) and not self._history_ok(row, known, adds, edited, histories, ctx):
                continue
            badges = received.get(row.number)
            if badges is False:
                continue
            if badges:
                shown.append((self.labels["badges"], None, _badges_text(badges)))
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
                    badges or [],
                ],
            )

    def _received(self, pending, stored, ctx):
        """{row number: the row's badges not yet recorded for its member ([[years, iso day]]), or
        False after reporting one that does not fit the member's admission}: one query for the
        chunk's rows that give badges."""
        giving = [p for p in pending if p[0].get("badges")]
        if not giving:
            return {}
        recorded = set(
            PartyBadge.objects.filter(member_id__in=[p[1].id for p in giving]).values_list(
                "member_id", "years"
            )
        )
        found = {}
        for row, known, *_ in giving:
            events = stored.get(known.id, [])
            admission = next((e for e in events if e.kind == EventKind.ADMISSION), None)
            admitted_on = row.get("admitted_on") or (admission.date if admission else None)
            official = row.get("official_on") or next(
                (e.date for e in events if e.kind == EventKind.RECOGNITION), None
            )
            new = [b for b in row.get("badges") if (known.id, b[0]) not in recorded]
            if new and admitted_on is None:
                ctx.error(row.number, "badges", _badges_text(new), "đảng viên chưa có ngày vào Đảng.")
                found[row.number] = False
            elif new:
                found[row.number] = (
                    new if self._badges_ok(row.number, new, admitted_on, official, ctx) else False
                )
        return found

    def _compare(self, row, known, chi_bo, events, ctx):
        """What the row changes on the member: (row, known, before, profile, adds, edited, card,
        shown), or None after reporting a problem."""
        values = row.values
        labels = self.labels
        before, profile, shown = {}, {}, []
        locked = ctx.scope.locked
        for name in PROFILE:
            new = values.get(name)
            old = getattr(known, name)
            if new is not None and new != old:
                if name in locked:
                    ctx.error(row.number, name, new, locked_field_reason(labels[name]))
                    return None
                before[name], profile[name] = iso(old) if name == "birth_date" else old, new
                shown.append((labels[name], _display(name, old), _display(name, new)))
        card = values.get("card")
        if card and card not in known.cards:
            # Only official members get a card: the card's own rule (`MemberCard.clean`).
            problem = card_status_problem(known.full_name, known.status_on(ctx.today), ctx.today)
            if problem:
                ctx.error(row.number, "card", card, _lower_first(problem))
                return None
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
                f"{known.describe()} đang sinh hoạt tại {ctx.directory.placed(now) if now else 'ngoài Đảng bộ Khối'}, "
                f"không phải {ctx.directory.placed(chi_bo)}: danh sách đảng viên không ghi việc chuyển sinh hoạt "
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
        vote_date = row.get("vote_date")
        if admitted_on and admission is None:
            adds.append(
                PlannedEvent(EventKind.ADMISSION, admitted_on, organisation_id=chi_bo.pk, vote_date=vote_date)
            )
            shown.append((labels["admitted_on"], None, admitted_on))
            if vote_date:
                shown.append((labels["vote_date"], None, vote_date))
        if admitted_on and admission is not None and admission.date != admitted_on:
            edited.setdefault(admission.pk, {})["date"] = admitted_on
            shown.append((labels["admitted_on"], admission.date, admitted_on))
            if recognition and admission.date and recognition.date == probation_ends(admission.date):
                edited[recognition.pk] = {"date": probation_ends(admitted_on)}
        if vote_date and admission is not None and admission.vote_date != vote_date:
            edited.setdefault(admission.pk, {})["vote_date"] = vote_date
            shown.append((labels["vote_date"], admission.vote_date, vote_date))
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
        stored = sorted(histories.get(known.id, []), key=lambda e: (e.date or datetime.date.max, e.pk))
        history, copies = with_edits(stored, edited)
        return self._replay(row, member, history + adds, ctx, written=[*adds, *copies]) is not None

    # --- writing ----------------------------------------------------------------------------------

    def write(self, records, batch):
        new, updates = [], []
        for record in records:
            if record[0] == NEW_TAG:
                _, _, _, profile, events, periods, card, *badges = record  # no badges: an older plan
                badges = badges[0] if badges else []
                profile = dict(zip(NEW_PROFILE, profile, strict=True))
                profile["birth_date"] = day(profile["birth_date"])
                for event in events:
                    for name in ("date", "decision_date", "vote_date"):
                        event[name] = day(event.get(name))
                periods = [(*period[:-2], day(period[-2]), day(period[-1])) for period in periods]
                badges = [(years, day(awarded)) for years, awarded in badges]
                new.append(
                    NewMember(profile=profile, events=events, periods=periods, card=card, badges=badges)
                )
            elif record[0] == "upd":
                updates.append(record)
            else:
                raise ValidationError(OUTDATED)
        created = members_create_bulk(new, import_batch=batch)
        return created, self._write_updates(updates, batch)

    def outside(self, records, scope):
        organisations = organisations_by_id()
        for record in records:
            if record[0] == NEW_TAG:
                _, _, chi_bo_id, profile, *_ = record
                if not scope.has_organisation(organisations.get(chi_bo_id)):
                    return True
                given = dict(zip(NEW_PROFILE, profile, strict=True))
                if any(given.get(key) is not None for key in scope.locked):
                    return True
            elif record[0] == "upd":
                _, _, member_id, _, profile, _, adds, *_ = record
                if not scope.has_member(member_id) or scope.locked.intersection(profile):
                    return True
                if not all(scope.has_organisation(organisations.get(add[2])) for add in adds if add[2]):
                    return True
        return False

    def _write_updates(self, records, batch):
        if not records:
            return 0
        members = Member.objects.in_bulk([r[2] for r in records])
        today = timezone.localdate()
        for _, row, member_id, before, profile, card, adds, changes, *badges in records:
            member = members.get(member_id)
            if member is None or any(_stored(member, k) != v for k, v in before.items()):
                raise ValidationError(f"Dòng {row}: đảng viên đã được sửa sau khi xem trước.")
            if profile:
                if "birth_date" in profile:
                    profile["birth_date"] = day(profile["birth_date"])
                member_update(member, **profile)
            if card:
                card_issue(member=member, number=card, issued_on=today)
            if badges and badges[0]:
                badges_received(member=member, badges=[(years, day(awarded)) for years, awarded in badges[0]])
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
                        vote_date=day(vote_date),
                        import_batch=batch,
                    )
                    for kind, date, organisation_id, decision_date, vote_date in adds
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
        admission, recognition, arrival, card, last, badges = {}, {}, {}, {}, {}, {}
        for start in range(0, len(ids), 5000):
            part = ids[start : start + 5000]
            for event in MemberEvent.objects.filter(
                member_id__in=part,
                kind__in=(EventKind.ADMISSION, EventKind.RECOGNITION, EventKind.TRANSFER_IN),
            ).order_by("date", "pk"):
                target = {
                    EventKind.ADMISSION: admission,
                    EventKind.RECOGNITION: recognition,
                    EventKind.TRANSFER_IN: arrival,
                }[event.kind]
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
            for member_id, years, awarded_on in (
                PartyBadge.objects.filter(member_id__in=part, revoked_on__isnull=True)
                .order_by("years")
                .values_list("member_id", "years", "awarded_on")
            ):
                badges.setdefault(member_id, []).append(BadgesColumn.text(years, awarded_on))
        gender = dict(Gender.choices)
        for number, member in enumerate(members, start=1):
            chi_bo = directory.get(last.get(member.pk))
            tccs = by_path.get(chi_bo.path[: 2 * PATH_STEP]) if chi_bo is not None else None
            admitted = admission.get(member.pk)
            official = recognition.get(member.pk)
            came = arrival.get(member.pk)
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
                admitted.vote_date if admitted else None,
                # The day a member admitted outside the Khối came into it.
                came.date if came and admitted and not admitted.organisation_id else None,
                "; ".join(badges.get(member.pk, ())) or None,
            ]


NEW_TAG = "new-member"


def _badges_text(badges):
    """[[years, iso day or None]] as a sheet writes it: "30 năm (03/02/2015), 40 năm"."""
    return ", ".join(f"{years} năm" + (f" ({day_text(day(on))})" if on else "") for years, on in badges)


def _new_label(name, birth_date, chi_bo, directory):
    """A row that creates a member, as the preview lists it (the chi bộ with its TCCS)."""
    return f"{name} (sinh {day_text(birth_date)}) — {directory.placed(chi_bo)}"


def _still_probationary(name, ends):
    """The warning for a member with no recognition whose probation ended on `ends` (the length
    of the charter of their admission: `members.charters.probation_ends`)."""
    return (
        f"{name}: không có ngày chính thức dù thời kỳ dự bị đã hết ngày {day_text(ends)}; "
        "sẽ được ghi là đảng viên dự bị."
    )


_KIND_LABELS = dict(EventKind.choices)


class PlannedEvent:
    """An event a row implies for an existing member, as `replay` reads it (replay is duck-typed)."""

    __slots__ = ("kind", "date", "organisation_id", "decision_date", "vote_date")
    pk = None
    other_party = ""
    end_date = None
    exemption_ground = ""
    decision_number = ""

    def __init__(self, kind, date, *, organisation_id=None, decision_date=None, vote_date=None):
        self.kind, self.date = kind, date
        self.organisation_id, self.decision_date, self.vote_date = organisation_id, decision_date, vote_date

    def get_kind_display(self):
        return _KIND_LABELS[self.kind]


class _Stored:
    """A stored admission or recognition, as far as comparing with a row needs."""

    __slots__ = ("pk", "kind", "date", "decision_date", "vote_date")

    def __init__(self, pk, kind, date, decision_date, vote_date):
        self.pk, self.kind, self.date = pk, kind, date
        self.decision_date, self.vote_date = decision_date, vote_date


def _event_record(event):
    return [
        event.kind,
        iso(event.date),
        event.organisation_id,
        iso(event.decision_date),
        iso(getattr(event, "vote_date", None)),
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
