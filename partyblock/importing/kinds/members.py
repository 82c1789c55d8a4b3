"""Members sheets ("Danh sách đảng viên").

A row either matches an existing member (see `matching`) or creates one. A created member has
belonged to the row's chi bộ since admission: an admission event on "Ngày vào Đảng" in that chi bộ,
and, when "Ngày chính thức" is given, a recognition event. The lifecycle dates a recognition at
the end of 12 months of probation; the sheet's "Ngày chính thức" is the day the decision was
made, so it is stored as the decision date (and shown again on export). A "Ngày chính thức"
earlier than 12 months after admission is refused with the date it could be at the earliest.

New members, their events, periods and cards are bulk-written. Preview checks each new member's
story with the lifecycle's rules (`plain_admission`, else `replay_admission`) and stores, column by
column, one plan record per chunk of rows, what cannot be derived without a check: the profile and
search key, the chi bộ and days of admission and recognition, the card, and the periods of the few
stories that are not plain. Confirm adds the reserved ids and derives the rest in bulk (events,
periods by `admission_period_columns`, cards, sort keys), then COPYs. A row that changes an
existing member goes through the services the admin uses (`member_update`, `card_issue`,
`member_events_apply`), so a re-import of an edited sheet obeys the same rules as the member form;
only changed members cost queries. Empty cells never clear what is stored, and the sheet never
moves a member: a different chi bộ is reported as a warning (moves are lifecycle events).
"""

import datetime
import functools
import itertools
import operator

from django.core.exceptions import ValidationError
from django.utils import timezone

from members.lifecycle import (
    ADMITTED_OUTSIDE_UNKNOWN,
    PERIOD_FIELDS,
    PROBATION_MONTHS,
    add_months,
    add_months_each,
    admission_period_columns,
    plain_admission,
    plain_admissions,
    replay,
    replay_admission,
    replay_arrival,
)
from members.models import (
    EventKind,
    Gender,
    Member,
    MemberCard,
    MemberEvent,
    MembershipPeriod,
)
from members.services import card_issue, member_events_apply, member_update
from partyblock.audit import log_created_columns
from partyblock.text import _collation_key
from units.models import PATH_STEP, Organisation

from ..columns import (
    ChoiceColumn,
    CodeColumn,
    DateColumn,
    DigitsColumn,
    TextColumn,
    fmt,
    import_only,
    stt_column,
)
from ..plan import OUTDATED, day, iso, pack, unpack
from ..scope import locked_field_reason
from ..writing import Derived, insert_columns, reserve_ids
from .base import DISPLAY_LIMIT, Kind, organisations_by_id
from .matching import MemberIndex, NameKeys

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
            import_only(
                DateColumn(
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
            ),
            card_column(),
            chi_bo_column(),
            tccs_column(),
            import_only(
                CodeColumn(
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
            ),
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

    def look_ahead(self, directory, organisation):
        if organisation is not None:
            directory.has_had_members(organisation)  # namesakes are looked up only where it did

    # --- validation -----------------------------------------------------------------------------

    def process_chunk(self, chunk, ctx):
        """Check a chunk of rows, column by column: one pass to place rows and report refused ones,
        the chunk's candidates loaded at once (`MemberIndex`), then one pass that matches each row
        and checks the new members' stories; rows that match stored members are compared in bulk
        (`_existing`)."""
        if not hasattr(ctx, "seen"):
            ctx.seen = {"card": {}, "national_id": {}, "member": {}, "new": {}, "so_ly_lich": {}}
            ctx.name_key = NameKeys()
            ctx.places = {}
            ctx.dues = {}  # admission day -> the day probation ends (days repeat down a sheet)
        numbers, bad, column = chunk.numbers, chunk.bad, chunk.column
        names, births, genders = column("full_name"), column("birth_date"), column("gender")
        national_ids, cards = column("national_id"), column("card")
        admitted, official = column("admitted_on"), column("official_on")
        arrived = column("arrived_on")
        record_numbers = column("so_ly_lich")
        ctx.record_owners = _record_owners(record_numbers) if ctx.has("so_ly_lich") else {}
        seen_cards, seen_ids = ctx.seen["card"], ctx.seen["national_id"]
        places, dues = ctx.places, ctx.dues
        pairs = list(zip(column("tccs"), column("chi_bo"), strict=True))
        distinct_pairs = set(pairs)
        for pair in distinct_pairs.difference(places):
            places[pair] = self._placement(*pair, ctx)
        placements = list(map(places.__getitem__, pairs))
        distinct = [places[pair] for pair in distinct_pairs]
        # Rows in file order: every card and CCCD is first registered by the earliest row that has
        # it, whatever the chunks. The common chunk (every row placed, no refused cell, no card or
        # CCCD met twice) is registered at once; any other goes row by row.
        placed = self._register_at_once(distinct, numbers, cards, national_ids, bad, ctx)
        if placed is None:
            placed = []
            for i, (_, _, problem) in enumerate(placements):
                if problem is not None:
                    ctx.error(numbers[i], *problem)
                number, card, national_id = numbers[i], cards[i], national_ids[i]
                if i in bad:
                    # A refused cell stops the row, but its other checks still run: every error is listed.
                    self._unique_in_file(number, card, national_id, ctx)
                    if admitted[i] and official[i]:
                        self._due(number, admitted[i], official[i], ctx)
                    continue
                if problem is not None:
                    continue
                if (card and seen_cards.setdefault(card, number) != number) or (
                    national_id and seen_ids.setdefault(national_id, number) != number
                ):
                    self._unique_in_file(number, card, national_id, ctx)
                    continue
                placed.append(i)
        scopes = list(map(operator.itemgetter(0), placements))
        if len(placed) == len(numbers):
            index = MemberIndex.from_columns(
                cards,
                national_ids,
                names,
                births,
                ctx.directory,
                ctx.name_key,
                scopes=scopes,
                scope=ctx.scope,
            )
        else:
            index = MemberIndex(
                [(cards[i], national_ids[i], names[i], births[i]) for i in placed],
                ctx.directory,
                ctx.name_key,
                scopes=[scopes[i] for i in placed],
                scope=ctx.scope,
            )
        keys, stored, today = index.keys, bool(index.by_id), ctx.today
        if not stored and len(placed) == len(numbers) and self._create_all(chunk, placements, keys, ctx):
            return
        existing_changes = []
        locked_columns = [(key, column(key)) for key in sorted(ctx.scope.locked) if ctx.has(key)]
        new = NewMembers()
        for i in placed:
            number, card, national_id = numbers[i], cards[i], national_ids[i]
            scope, chi_bo, _ = placements[i]
            name, birth = names[i], births[i]
            if stored:
                known, problem = index.match(
                    card=card, national_id=national_id, full_name=name, birth_date=birth, within=scope
                )
                if problem:
                    key, reason = problem
                    ctx.error(number, key, chunk.column(key)[i], reason)
                    continue
                if known is not None:
                    first = ctx.seen["member"].setdefault(known.id, number)
                    if first != number:
                        ctx.row_error(number, f"cùng một đảng viên với dòng {first} ({known.describe()}).")
                        continue
                    existing_changes.append((chunk.row(i), known, chi_bo))
                    continue
            # A new member.
            locked = [(key, values[i]) for key, values in locked_columns if values[i] is not None]
            if locked:
                for key, value in locked:
                    ctx.error(number, key, value, locked_field_reason(self.labels[key]))
                continue
            admitted_on = admitted[i]
            if not (name and birth and genders[i] and admitted_on):
                for key, value in (
                    ("full_name", name),
                    ("birth_date", birth),
                    ("gender", genders[i]),
                    ("admitted_on", admitted_on),
                ):
                    if not value:
                        ctx.error(number, key, None, "trống: bắt buộc với đảng viên mới.")
                continue
            search_name = keys[name]
            if not (card or national_id):
                first = ctx.seen["new"].setdefault((search_name, birth, scope.pk), number)
                if first != number:
                    ctx.row_error(
                        number,
                        f"trùng họ tên và ngày sinh với dòng {first}: hãy ghi số thẻ hoặc số CCCD để phân biệt.",
                    )
                    continue
            official_on = official[i]
            if official_on is not None:
                due = dues.get(admitted_on)
                if due is None:
                    due = dues[admitted_on] = add_months(admitted_on, PROBATION_MONTHS)
                if official_on < due:
                    self._due(number, admitted_on, official_on, ctx)  # reports it
                    continue
            else:
                due = None
                if add_months(admitted_on, PROBATION_MONTHS) < today:
                    ctx.warn(number, _still_probationary(name))
            if not self._record_number_free(number, record_numbers[i], None, ctx):
                continue
            arrival = self._arrival(number, name, chi_bo, admitted_on, arrived[i], ctx)
            if arrival is False:
                continue
            if arrival is not None:
                try:
                    periods, warnings = replay_arrival(birth, chi_bo, admitted_on, arrival, official_on)
                except ValidationError as error:
                    self._refusals(number, chunk.row(i).get, error, ctx)
                    continue
                for warning in warnings:
                    ctx.warn(number, warning)
            elif plain_admission(birth, chi_bo, admitted_on):
                periods = None  # confirm derives them (`admission_period_columns`)
            else:
                try:
                    periods, warnings = replay_admission(birth, chi_bo, admitted_on, official_on)
                except ValidationError as error:
                    self._refusals(number, chunk.row(i).get, error, ctx)
                    continue
                for warning in warnings:
                    ctx.warn(number, warning)
            if len(ctx.creates) < DISPLAY_LIMIT:
                ctx.create(number, _new_label(name, birth, chi_bo), None)
            else:
                ctx.create(number, None, None)
            new.add(i, search_name, chi_bo.pk, due, periods, arrival)
        if new.count:
            ctx.plan.add(new.record(chunk))
        if existing_changes:
            self._existing(existing_changes, ctx)

    @staticmethod
    def _create_all(chunk, placements, keys, ctx):
        """The common chunk, checked column by column: every row (all of them placed, none matching
        a stored member) a new member with all a new member needs, no two without card and CCCD
        sharing name and birth date, no recognition decided before probation ends, a plain story
        (`lifecycle.plain_admissions`). Then reports and plans what the row-by-row checks would, in
        the same order, and returns True; otherwise False, having reported and planned nothing (the
        rows are then checked one by one)."""
        numbers, column = chunk.numbers, chunk.column
        names, births, admitted, official = (
            column("full_name"),
            column("birth_date"),
            column("admitted_on"),
            column("official_on"),
        )
        if None in names or None in births or None in admitted or None in column("gender"):
            return False
        if any(column(key).count(None) != len(numbers) for key in ctx.scope.locked):
            return False  # a field the user may not write: refused row by row
        search_names = list(map(keys.__getitem__, names))
        cards, national_ids = column("card"), column("national_id")
        if None in national_ids:
            # Rows with neither card nor CCCD are told apart by name and birth date within their
            # organisation; registering them is what the row-by-row checks would do first, too.
            seen = ctx.seen["new"]
            for i, (card, national_id) in enumerate(zip(cards, national_ids, strict=True)):
                if not (card or national_id):
                    key = (search_names[i], births[i], placements[i][0].pk)
                    if seen.setdefault(key, numbers[i]) != numbers[i]:
                        return False
        chi_bos = list(map(operator.itemgetter(1), placements))
        if not plain_admissions(births, chi_bos, admitted):
            return False
        if column("arrived_on").count(None) != len(numbers) or column("so_ly_lich").count(None) != len(
            numbers
        ):
            return False  # arrivals from outside the Khối: row by row
        joined = {id(c): ctx.directory.joined_on(c) or datetime.date.min for c in chi_bos}
        if not all(map(operator.ge, admitted, map(joined.__getitem__, map(id, chi_bos)))):
            return False  # admitted before the chi bộ came into the tree: row by row
        dues = add_months_each(admitted, PROBATION_MONTHS)
        if None in official:
            # Column-wise, in C: `decided` tells the rows with a "Ngày chính thức".
            decided = list(map(operator.is_not, official, itertools.repeat(None)))
            if not all(
                map(operator.ge, itertools.compress(official, decided), itertools.compress(dues, decided))
            ):
                return False
            # (None, due)[decided]: the end of probation where a recognition was decided, else None.
            recognised = list(map(operator.getitem, zip(itertools.repeat(None), dues), decided))
            for i in itertools.compress(range(len(official)), map(operator.not_, decided)):
                if dues[i] < ctx.today:
                    ctx.warn(numbers[i], _still_probationary(names[i]))
        else:
            if not all(map(operator.ge, official, dues)):
                return False
            recognised = dues
        ctx.create_rows(numbers, lambda i: _new_label(names[i], births[i], chi_bos[i]))
        new = NewMembers()
        new.add_all(search_names, list(map(_ORGANISATION_ID, chi_bos)), recognised)
        ctx.plan.add(new.record(chunk))
        return True

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

    def _record_number_free(self, number, value, member_id, ctx):
        """Whether the row's số lý lịch may go to member `member_id` (None: a new one): not given
        on an earlier row of the file, nor held by another stored member; reports it otherwise."""
        if not value:
            return True
        first = ctx.seen["so_ly_lich"].setdefault(value, number)
        if first != number:
            ctx.error(number, "so_ly_lich", value, f"số lý lịch trùng với dòng {first} trong tệp.")
            return False
        owner = ctx.record_owners.get(value)
        if owner is not None and owner[0] != member_id:
            ctx.error(number, "so_ly_lich", value, f"số lý lịch đã thuộc về đảng viên {owner[1]}.")
            return False
        return True

    def _arrival(self, number, name, chi_bo, admitted_on, arrived_on, ctx):
        """The day a new member came into `chi_bo` from outside the Khối, or None when the member
        was admitted there (DOMAIN.md §2 "History older than the Khối"): the sheet's "Ngày chuyển
        đến" when given (and after admission), else, for a member admitted before the chi bộ came
        into the tree, that day, with a warning; False after reporting an arrival before admission."""
        if arrived_on is not None and arrived_on < admitted_on:
            ctx.error(
                number, "arrived_on", arrived_on, f"trước ngày vào Đảng ({fmt(admitted_on)}) của {name}."
            )
            return False
        joined = ctx.directory.joined_on(chi_bo)
        early = joined is not None and admitted_on < joined
        if early:
            ctx.tally("early_members")
        if arrived_on is not None and arrived_on > admitted_on:
            return arrived_on
        if early:
            ctx.warn(
                number,
                f"{name} vào Đảng ngày {fmt(admitted_on)}, trước khi {chi_bo.name} thuộc Đảng bộ Khối "
                f"({fmt(joined)}): ghi là kết nạp ngoài Đảng bộ Khối, chuyển đến {chi_bo.name} ngày {fmt(joined)}.",
            )
            return joined
        return None

    @staticmethod
    def _register_at_once(placements, numbers, cards, national_ids, bad, ctx):
        """All the chunk's rows (a range) after registering their cards and CCCDs, when no row is
        refused, unplaced (`placements`: the chunk's distinct ones), or holds a card or CCCD met
        before (in this chunk or an earlier one); None otherwise, registering nothing (the rows are
        then taken one by one)."""
        if bad or any(problem is not None for _, _, problem in placements):
            return None
        registered = []
        for values, seen in ((cards, ctx.seen["card"]), (national_ids, ctx.seen["national_id"])):
            given = dict(zip(values, numbers, strict=True))  # cleaned values: None when empty, never ""
            blanks = values.count(None)
            if blanks:
                del given[None]
            if len(given) != len(values) - blanks or not seen.keys().isdisjoint(given):
                return None
            registered.append((seen, given))
        for seen, given in registered:
            seen.update(given)
        return range(len(numbers))

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
        """The day a recognition decided on `official_on` takes effect (the end of 12 months of
        probation), or None after reporting a decision made before it."""
        due = add_months(admitted_on, PROBATION_MONTHS)
        if official_on < due:
            ctx.error(
                number,
                "official_on",
                official_on,
                f"chưa đủ 12 tháng dự bị kể từ ngày vào Đảng {fmt(admitted_on)}: "
                f"ngày chính thức sớm nhất là {fmt(due)}.",
            )
            return None
        return due

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
            key = "official_on" if message.startswith("Công nhận") else "admitted_on"
            ctx.error(number, key, get(key), _lower_first(message))

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
        record_numbers = {}
        if ctx.has("so_ly_lich"):
            record_numbers = dict(
                Member.objects.filter(pk__in=[k.id for _, k, _ in matched]).values_list("pk", "so_ly_lich")
            )
        for row, known, chi_bo in matched:
            found = self._compare(row, known, chi_bo, stored.get(known.id, []), ctx)
            if found is None:
                continue
            value, old = row.get("so_ly_lich"), record_numbers.get(known.id)
            if value and value != old:
                if not self._record_number_free(row.number, value, known.id, ctx):
                    continue
                found[2]["so_ly_lich"], found[3]["so_ly_lich"] = old, value
                found[7].append((self.labels["so_ly_lich"], old, value))
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
        history, written = [], list(adds)
        for event in sorted(histories.get(known.id, []), key=lambda e: (e.date or datetime.date.max, e.pk)):
            if event.pk in edited:
                event = MemberEvent(
                    **{f.attname: getattr(event, f.attname) for f in MemberEvent._meta.concrete_fields}
                )
                for name, value in edited[event.pk].items():
                    setattr(event, name, value)
                written.append(event)
            history.append(event)
        return self._replay(row, member, history + adds, ctx, written=written) is not None

    # --- writing ----------------------------------------------------------------------------------

    def write(self, records, batch):
        created = updated = 0
        blocks, pending, upd = [], 0, []
        for record in records:
            if record[0] == NewMembers.TAG:
                blocks.append(record[1])
                pending += record[1]["n"]
                if pending >= WRITE_CHUNK:
                    created += self._write_new(blocks, batch)
                    blocks, pending = [], 0
            elif record[0] == "upd":
                upd.append(record)
            else:
                raise ValidationError(OUTDATED)
        created += self._write_new(blocks, batch)
        updated += self._write_updates(upd, batch)
        return created, updated

    def outside(self, records, scope):
        organisations = organisations_by_id()
        for record in records:
            if record[0] == NewMembers.TAG:
                block = record[1]
                count = block["n"]
                chi_bo_ids = set(unpack(block["chi_bo_id"], count))
                if not all(scope.has_organisation(organisations.get(pk)) for pk in chi_bo_ids):
                    return True
                if any(set(unpack(block[key], count)) != {None} for key in scope.locked):
                    return True
            elif record[0] == "upd":
                _, _, member_id, _, profile, _, adds, _ = record
                if not scope.has_member(member_id) or scope.locked.intersection(profile):
                    return True
                if not all(scope.has_organisation(organisations.get(add[2])) for add in adds if add[2]):
                    return True
        return False

    def _write_new(self, blocks, batch):
        """Members, their events, periods and cards, from the columns preview planned: one COPY per
        table (and one per audited table), whatever the chunk's size. Only the reserved ids are
        added here, and what follows from the plan without a check: the events and periods of each
        admission, the cards (`NewMembers`)."""
        count = sum(block["n"] for block in blocks)
        if not count:
            return 0
        planned = {name: [] for name in NewMembers.COLUMNS}
        explicit = {}  # member index -> the periods replay() made for a story that is not plain
        for block in blocks:
            offset = len(planned["full_name"])
            for name, values in planned.items():
                values.extend(unpack(block[name], block["n"]))
            for position, *row in block["periods"]:
                explicit.setdefault(offset + position, []).append(row)
        ids = reserve_ids(Member, count)
        members = {name: planned[name] for name in (*PROFILE, "search_name")}
        members["birth_date"] = iso_days(members["birth_date"])
        for name in PROFILE:
            column, default = members[name], _DEFAULTS[name]
            if default is not None and None in column:
                members[name] = [default if value is None else value for value in column]
        if any(planned["so_ly_lich"]):
            members["so_ly_lich"] = planned["so_ly_lich"]
        members["id"] = ids
        # The sort key is needed only here: made while the rows stream to the database.
        members["sort_key"] = Derived(functools.lru_cache(maxsize=None)(_sort_key), members["full_name"])
        chi_bo, admitted = planned["chi_bo_id"], planned["admitted_on"]
        recognised_on, decided_on = planned["recognised_on"], planned["decided_on"]
        recognised = list(itertools.compress(range(count), recognised_on))  # ordinals are never 0
        # Rows point at their member by position; the ids are put in while the rows are written.
        member_ids = functools.partial(Derived, ids.__getitem__)
        # Admitted outside the Khối (where unknown) and come into the chi bộ on the day planned:
        # the admission names no chi bộ, a transfer in follows (`arrived_on`, rare).
        arrived_on = planned["arrived_on"]
        came = list(itertools.compress(range(count), arrived_on))  # ordinals are never 0
        admitted_in = chi_bo
        if came:
            outside = set(came)
            admitted_in = [None if i in outside else c for i, c in enumerate(chi_bo)]
        events = {
            "member_id": member_ids([*range(count), *recognised, *came]),
            "kind": [EventKind.ADMISSION.value] * count
            + [EventKind.RECOGNITION.value] * len(recognised)
            + [EventKind.TRANSFER_IN.value] * len(came),
            "date": iso_days(
                [*admitted, *map(recognised_on.__getitem__, recognised), *map(arrived_on.__getitem__, came)]
            ),
            "organisation_id": [*admitted_in, *([None] * len(recognised)), *map(chi_bo.__getitem__, came)],
            "decision_date": iso_days(
                [*([None] * count), *map(decided_on.__getitem__, recognised), *([None] * len(came))]
            ),
        }
        if came:
            events["other_party"] = [ADMITTED_OUTSIDE_UNKNOWN if i in outside else "" for i in range(count)]
            events["other_party"] += [""] * (len(recognised) + len(came))
        periods = self._period_columns(member_ids, chi_bo, admitted, recognised_on, explicit)
        holders = list(itertools.compress(range(count), planned["card"]))
        cards = {"member_id": member_ids(holders), "number": list(map(planned["card"].__getitem__, holders))}
        tables = ((Member, members), (MemberEvent, events), (MembershipPeriod, periods), (MemberCard, cards))
        for model, columns in tables:
            if model in (MemberEvent, MemberCard):  # their ids too, for the audit trail
                columns["id"] = reserve_ids(model, len(columns["member_id"]))
            if model in (Member, MemberEvent):
                columns["import_batch_id"] = [batch.pk] * len(columns["id"])
            insert_columns(model, list(columns), list(columns.values()))
            if model in _AUDITED:
                log_created_columns(model, columns, _AUDITED[model](columns))
        return count

    @staticmethod
    def _period_columns(member_ids, chi_bo, admitted, recognised_on, explicit):
        """The periods of the new members: those of a plain admission derived in bulk, the others
        (`explicit`, few) as replay() made them at preview. `member_ids(positions)`: the column of
        member ids of those positions."""
        if explicit:
            plain = [position for position in range(len(chi_bo)) if position not in explicit]
            chi_bo, admitted, recognised_on = (
                list(map(values.__getitem__, plain)) for values in (chi_bo, admitted, recognised_on)
            )
            positions, columns = admission_period_columns(chi_bo, admitted, recognised_on)
            positions = list(map(plain.__getitem__, positions))
        else:
            positions, columns = admission_period_columns(chi_bo, admitted, recognised_on)
        for position, rows in explicit.items():
            positions.extend([position] * len(rows))
            for name, values in zip(PERIOD_FIELDS, zip(*rows, strict=True), strict=True):
                columns.setdefault(name, []).extend(values)
        columns = {"member_id": member_ids(positions), **columns}
        columns["starts_on"], columns["ends_on"] = (
            iso_days(columns["starts_on"]),
            iso_days(columns["ends_on"]),
        )
        return columns

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


def _record_owners(values):
    """{số lý lịch: (member id, description)} of the stored members holding any of `values`."""
    wanted = {value for value in values if value}
    if not wanted:
        return {}
    return {
        number: (pk, f"{name} (sinh {fmt(born)}, mã {pk})")
        for number, pk, name, born in Member.objects.filter(so_ly_lich__in=wanted).values_list(
            "so_ly_lich", "pk", "full_name", "birth_date"
        )
    }


def _new_label(name, birth_date, chi_bo):
    """A row that creates a member, as the preview lists it."""
    return f"{name} (sinh {fmt(birth_date)}) — {chi_bo.name}"


def _still_probationary(name):
    return f"{name}: không có ngày chính thức dù đã vào Đảng hơn 12 tháng; sẽ được ghi là đảng viên dự bị."


_ORGANISATION_ID = operator.attrgetter(Organisation._meta.pk.attname)
_DEFAULTS = {name: Member._meta.get_field(name).get_default() for name in PROFILE}


def _event_texts(columns):
    """str(event) of each new event, from its columns ("Kết nạp (03/02/2010)"), made while written."""
    labels = dict(EventKind.choices)
    shown = functools.lru_cache(maxsize=None)(lambda ordinal: fmt(datetime.date.fromordinal(ordinal)))
    return Derived(
        lambda pair: f"{labels[pair[0]]} ({shown(pair[1])})",
        list(zip(columns["kind"], columns["date"].values, strict=True)),
    )


# The records of a new member that the audit trail logs, with how to name each (as its __str__)
_AUDITED = {
    Member: lambda columns: columns["full_name"],
    MemberEvent: _event_texts,
    MemberCard: lambda columns: columns["number"],
}


class NewMembers:
    """The members one chunk of rows creates, as the plan stores them: one record holding a list
    per column (`COLUMNS`: the profile, the search name, the chi bộ and day of admission, the day
    the recognition takes effect and the day it was decided, both None while probationary, the
    card; days as ordinals, `ordinals`; a column of one repeated value packed, `plan.pack`), and, for the
    few members whose story is not a plain admission (`lifecycle.plain_admission`), the periods
    replay() made of it. Everything else follows from these without a check (the events, the
    periods of a plain admission, the cards), so confirm derives it while writing, with the ids
    and the names' sort keys."""

    TAG = "new-members-5"
    COLUMNS = (
        *PROFILE,
        "search_name",
        "chi_bo_id",
        "admitted_on",
        "recognised_on",
        "decided_on",
        "card",
        "arrived_on",
        "so_ly_lich",
    )

    def __init__(self):
        self.count = 0
        self.indexes = []  # in the chunk
        self.search_names = []
        self.chi_bo_ids = []
        self.dues = []  # when the recognitions take effect (None: probationary)
        self.periods = []  # [member index, *period row] of the stories that are not plain
        self.arrivals = []  # the day each came from outside the Khối (None: admitted in the chi bộ)

    def add(self, index, search_name, chi_bo_id, due, periods=None, arrived_on=None):
        """The chunk's row `index` creates a member admitted into `chi_bo_id` (or, with
        `arrived_on`, admitted outside the Khối and come into it that day), recognised on `due`;
        `periods`: the rows (PERIOD_FIELDS) replay() made when the story is not plain."""
        self.indexes.append(index)
        self.search_names.append(search_name)
        self.chi_bo_ids.append(chi_bo_id)
        self.dues.append(due)
        self.arrivals.append(arrived_on)
        for *state, starts_on, ends_on in periods or ():
            self.periods.append([self.count, *state, *ordinals([starts_on, ends_on])])
        self.count += 1

    def add_all(self, search_names, chi_bo_ids, dues):
        """Every row of the chunk creates a member, each story plain: `add` for all of them at once."""
        self.count = len(search_names)
        self.indexes = range(self.count)
        self.search_names, self.chi_bo_ids, self.dues = search_names, chi_bo_ids, dues
        self.arrivals = [None] * self.count

    def record(self, chunk):
        """The plan record: the profile columns taken from the chunk, the rest from `add`."""
        indexes, count = self.indexes, self.count

        def pick(key):  # the values of the rows that create members
            values = chunk.column(key)
            return list(values) if count == len(chunk) else [values[i] for i in indexes]

        columns = {name: pick(name) for name in PROFILE}
        columns.update(
            birth_date=ordinals(columns["birth_date"]),
            search_name=self.search_names,
            chi_bo_id=self.chi_bo_ids,
            admitted_on=ordinals(pick("admitted_on")),
            recognised_on=ordinals(self.dues),
            decided_on=ordinals(pick("official_on")),
            card=pick("card"),
            arrived_on=ordinals(self.arrivals),
            so_ly_lich=pick("so_ly_lich"),
        )
        record = {name: pack(values) for name, values in columns.items()}
        record.update(n=count, periods=self.periods)
        return [self.TAG, record]


def ordinals(days):
    """Days as the plan stores them: their ordinals (marshal has no dates, and an ordinal costs a
    tenth of what ISO text costs to make); None stays None. `iso_days` turns them back."""
    if None in days:  # each distinct day once, the look-ups in C
        distinct = set(days)
        distinct.discard(None)
        table = dict(zip(distinct, map(datetime.date.toordinal, distinct), strict=True))
        table[None] = None
        return list(map(table.__getitem__, days))
    return list(map(datetime.date.toordinal, days))


def iso_days(values):
    """A column of ordinals (`ordinals`) as ISO text, made while it is written (`Derived`)."""
    return Derived(_iso_of_ordinal, values)


@functools.lru_cache(maxsize=50_000)
def _iso_of_ordinal(ordinal):
    return None if ordinal is None else datetime.date.fromordinal(ordinal).isoformat()


@functools.lru_cache(maxsize=20000)
def _words_key(words):
    return _collation_key(words)


def _sort_key(full_name):
    """`partyblock.text.name_sort_key` of a cleaned name (NFC, single spaces: what normalize_text
    would make of it), with the keys of given names and of family + middle names memoised: they
    repeat throughout a sheet."""
    words = tuple(full_name.split(" "))
    return _words_key(words[-1:]) + _words_key(words[:-1])


_KIND_LABELS = dict(EventKind.choices)


class PlannedEvent:
    """An event a row implies for an existing member, as `replay` reads it (replay is duck-typed)."""

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


def _display(name, value):
    if name == "gender":
        return dict(Gender.choices).get(value, value)
    return value


def _stored(member, name):
    value = getattr(member, name)
    return iso(value) if name == "birth_date" else value


def _lower_first(message):
    return message[:1].lower() + message[1:]
