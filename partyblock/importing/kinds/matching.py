"""Finding the existing member a row means: by party card number (any card the member ever held),
else by national ID, else by full name and birth date among the members of the organisation.
A row whose keys point at two different members is refused, and so is a card or ID whose owner's
name and birth date both differ from the row (a typo must never rename someone else).

`MemberIndex` loads what one chunk of rows may refer to in a fixed number of queries; on
PostgreSQL each list of keys is one array parameter (`= ANY(%s)`), so a statement stays short and
quick to build however many rows the chunk has.
"""

import datetime

from django.db import connection
from django.db.models import F, Lookup, Q

from members.models import Member, MemberCard, MembershipPeriod, describe_member
from partyblock.core.text import search_key

from ..scope import OUTSIDE_MEMBER, OUTSIDE_NAMESAKE


class NameKeys:
    """The search key (`partyblock.core.text.search_key`) of every full name of an import, each name once."""

    def __init__(self):
        self.names = {}

    def learn(self, names):
        """Key every name of `names` not keyed yet; returns {name: key} for at least those."""
        known = self.names
        for name in names:
            if name and name not in known:
                known[name] = search_key(name)
        return known

    def __call__(self, name):
        key = self.names.get(name)
        return key if key is not None else self.learn([name])[name]


class AnyOf(Lookup):
    """`field = ANY(…)` with the values sent as one text parameter, split by PostgreSQL itself: a
    statement as short, and as quick to send and to plan, for 5,000 keys as for one (an IN list,
    or an array literal built by the driver, costs milliseconds per chunk)."""

    lookup_name = "any_of"  # used directly, never registered
    prepare_rhs = False

    def get_prep_lookup(self):
        return self.rhs  # a list of plain values, used as they are

    def as_sql(self, compiler, connection):
        sql, params = self.process_lhs(compiler, connection)
        kind = self.lhs.output_field.get_internal_type()
        values = self.rhs
        if kind == "DateField":
            array, text = "date[]", "\n".join(map(datetime.date.isoformat, values))
        elif kind in ("CharField", "TextField"):
            array, text = "text[]", "\n".join(values)
            if text.count("\n") != len(values) - 1:  # a value holds the separator
                return f"{sql} IN ({', '.join(['%s'] * len(values))})", [*params, *values]
        else:
            array, text = "bigint[]", "\n".join(map(str, values))
        return f"{sql} = ANY(string_to_array(%s, E'\\n')::{array})", [*params, text]


def among(field, values):
    """Q of `field` being one of `values` (not empty)."""
    if connection.vendor == "postgresql":
        return Q(AnyOf(F(field), list(values)))
    return Q(**{f"{field}__in": list(values)})


class Known:
    """An existing member as the importer sees it (plain values, no model instance)."""

    STORED = (  # Member fields, as loaded
        "id",
        "full_name",
        "search_name",
        "birth_date",
        "gender",
        "ethnicity",
        "religion",
        "hometown",
        "national_id",
        "so_ly_lich",
    )
    __slots__ = (*STORED, "cards", "current_card", "periods")

    def __init__(self, values):
        for name, value in zip(self.STORED, values, strict=True):
            setattr(self, name, value)
        self.cards, self.current_card, self.periods = set(), None, []

    def describe(self):
        return describe_member(self.full_name, self.birth_date, self.current_card, self.so_ly_lich)

    def last_organisation_id(self):
        """The chi bộ of the member's latest registration in the Khối (today's if still a member)."""
        inside = [p for p in self.periods if p[0] is not None]
        return max(inside, key=lambda p: p[1])[0] if inside else None

    def status_on(self, day):
        """The member's status (MembershipStatus) on `day`, or None when not a member then."""
        return next((p[3] for p in self.periods if p[1] <= day and (p[2] is None or day < p[2])), None)


MATCHING_KEYS = ("card", "national_id", "so_ly_lich", "full_name", "birth_date")


def keys_of(row):
    """The values of a row (anything with `get(key)`) that find its member, as MemberIndex takes them."""
    return tuple(row.get(key) for key in MATCHING_KEYS)


class MemberIndex:
    def __init__(self, rows, directory, name_keys=None, scopes=None, *, scope):
        """`rows`: the chunk's (card, national_id, so_ly_lich, full_name, birth_date) tuples;
        `name_keys`, a NameKeys, remembers the names' search keys across chunks; `scopes`, when
        given, the organisation each row's name and birth date are matched `within` (see `match`);
        `scope`, the user's `ImportScope`: members are looked up in the whole Khối, but one outside
        it is never handed back (nor named)."""
        card_column, national_id_column, record_column, names, birth_dates = (
            tuple(zip(*rows, strict=True)) if rows else ((), (), (), (), ())
        )
        self.directory = directory
        self.scope = scope
        self.keys = (name_keys or NameKeys()).learn(names)
        cards = set(card_column).difference((None, ""))
        national_ids = set(national_id_column).difference((None, ""))
        records = set(record_column).difference((None, ""))
        self.card_owner = (
            dict(MemberCard.objects.filter(among("number", cards)).values_list("number", "member_id"))
            if cards
            else {}
        )
        self.by_id = {}
        owners = set(self.card_owner.values())
        conditions = [
            among(field, values)
            for field, values in (("pk", owners), ("national_id", national_ids), ("so_ly_lich", records))
            if values
        ]
        if conditions:
            condition = conditions[0]
            for other in conditions[1:]:
                condition |= other
            self._load(condition)
        # Name and birth date only for the rows no key resolved (every name of the chunk crossed
        # with every birth date would fetch thousands of namesakes), and only where a namesake
        # could be found: within an organisation that has had members (the first list an
        # organisation sends needs no such look-up).
        # A key held by a member outside the user's scope does not count as resolved: the row's
        # name is looked up as for a key nobody holds (`find_row` treats such a member as unknown).
        inside = {k.id: k for k in self.by_id.values() if not scope.restricted or scope.has_member(k.id)}
        found_cards = {number for number, member_id in self.card_owner.items() if member_id in inside}
        found_ids = {k.national_id for k in inside.values() if k.national_id}
        found_records = {k.so_ly_lich for k in inside.values() if k.so_ly_lich}
        if scopes is None:
            scopes = [None] * len(names)
        distinct = {scope.pk if scope else None: scope for scope in scopes}
        searched = {pk for pk, scope in distinct.items() if directory.has_had_members(scope)}
        pending = {
            (name, birth_date)
            for card, national_id, record, name, birth_date, scope in zip(
                card_column, national_id_column, record_column, names, birth_dates, scopes, strict=True
            )
            if name
            and birth_date
            and (scope.pk if scope else None) in searched
            and card not in found_cards
            and (not national_id or national_id not in found_ids)
            and (not record or record not in found_records)
        }
        if pending:
            search_names, days = (set(values) for values in zip(*pending, strict=True))
            self._load(
                among("search_name", {self.keys[name] for name in search_names}) & among("birth_date", days)
            )
        ids = list(self.by_id)
        if ids:
            for member_id, number, replaced_on in (
                MemberCard.objects.filter(among("member_id", ids))
                .order_by("member_id", "issued_on", "pk")
                .values_list("member_id", "number", "replaced_on")
            ):
                known = self.by_id[member_id]
                known.cards.add(number)
                self.card_owner.setdefault(number, member_id)
                if replaced_on is None:
                    known.current_card = number  # the latest card not replaced
            for member_id, organisation_id, status, starts_on, ends_on in MembershipPeriod.objects.filter(
                among("member_id", ids)
            ).values_list("member_id", "organisation_id", "status", "starts_on", "ends_on"):
                self.by_id[member_id].periods.append((organisation_id, starts_on, ends_on, status))
        self.by_national_id = {k.national_id: k for k in self.by_id.values() if k.national_id}
        self.by_record = {k.so_ly_lich: k for k in self.by_id.values() if k.so_ly_lich}
        self.by_name_birth = {}
        for known in self.by_id.values():
            self.by_name_birth.setdefault((known.search_name, known.birth_date), []).append(known)

    def _load(self, condition):
        by_id = self.by_id
        for values in Member.objects.filter(condition).order_by().values_list(*Known.STORED):
            if values[0] not in by_id:  # else loaded by an earlier condition
                by_id[values[0]] = Known(values)

    def match_row(self, row, within, *, outside_unknown=False):
        """`match` of a row (anything with `get(key)`)."""
        return self.match(
            card=row.get("card"),
            national_id=row.get("national_id"),
            so_ly_lich=row.get("so_ly_lich"),
            full_name=row.get("full_name"),
            birth_date=row.get("birth_date"),
            within=within,
            outside_unknown=outside_unknown,
        )

    def find_row(self, row, within):
        """(Known, None) or (None, (column key, reason)): the stored member a row about existing
        members (ratings, events) refers to. A member outside the user's scope is not found, in
        the same words as one who does not exist, so such a sheet cannot test whether a card, a
        CCCD or a name belongs to someone elsewhere in the Khối (DOMAIN.md §8)."""
        known, problem = self.match_row(row, within, outside_unknown=True)
        if problem is None and known is None:
            scoped = "" if self.scope.everything else " trong phạm vi quản lý của bạn"
            problem = (
                "full_name",
                f"không tìm thấy đảng viên này{scoped} (theo số thẻ, số CCCD, hoặc họ tên và ngày sinh).",
            )
        return known, problem

    def match(
        self, *, card, national_id, full_name, birth_date, within, so_ly_lich=None, outside_unknown=False
    ):
        """(Known or None, None) or (None, (column key, reason)): by card, CCCD or số lý lịch (all
        that the row gives must point at one member), else by name and birth date. A member a key,
        or the name and birth date, point at outside the user's scope is a problem naming no one;
        with `outside_unknown` (rows about existing members only: `find_row`) they are as unknown
        as a number nobody holds, and matching goes on with what is left."""
        if not self.by_id:
            return None, None  # nobody the chunk could mean is stored: every row is new
        by_card = self.by_id.get(self.card_owner.get(card)) if card else None
        by_id = self.by_national_id.get(national_id) if national_id else None
        by_record = self.by_record.get(so_ly_lich) if so_ly_lich else None
        scope = self.scope
        if outside_unknown and scope.restricted:
            by_card, by_id, by_record = (
                found if found is None or scope.has_member(found.id) else None
                for found in (by_card, by_id, by_record)
            )
        found_by = [
            (found, column)
            for found, column in ((by_card, "card"), (by_id, "national_id"), (by_record, "so_ly_lich"))
            if found is not None
        ]
        if scope.restricted:
            for found, column in found_by:
                if not scope.has_member(found.id):
                    return None, (column, OUTSIDE_MEMBER)
        if by_card and by_id and by_card.id != by_id.id:
            return None, (
                "national_id",
                f"dòng này khớp với hai đảng viên: số thẻ {card} là của {by_card.describe()}, "
                f"còn số CCCD {scope.national_id(national_id)} là của {by_id.describe()}.",
            )
        first = by_card or by_id
        if by_record and first and by_record.id != first.id:
            what = f"số thẻ {card}" if by_card else f"số CCCD {scope.national_id(national_id)}"
            return None, (
                "so_ly_lich",
                f"dòng này khớp với hai đảng viên: {what} là của {first.describe()}, "
                f"còn số lý lịch {so_ly_lich} là của {by_record.describe()}.",
            )
        key = (self.keys.get(full_name) or search_key(full_name)) if full_name else None
        for found, column, what in (
            (by_card, "card", f"Số thẻ {card}"),
            (by_id, "national_id", "Số CCCD"),
            (by_record, "so_ly_lich", "Số lý lịch"),
        ):
            if found is None:
                continue
            if column == "so_ly_lich" and key and key != found.search_name:
                # A số lý lịch is typed from the phiếu đảng viên: the name must be the holder's.
                return None, (column, f"số lý lịch đã thuộc về đảng viên {found.describe()}.")
            if key and birth_date and key != found.search_name and birth_date != found.birth_date:
                return None, (
                    column,
                    f"{what} đã thuộc về đảng viên {found.describe()}; họ tên và ngày sinh trên dòng này "
                    "đều khác, nên đây không thể là cùng một người.",
                )
            return found, None
        if not (key and birth_date):
            return None, None
        namesakes = [
            k
            for k in self.by_name_birth.get((key, birth_date), ())
            if (within is None or self._inside(k, within))
            and not (outside_unknown and not scope.has_member(k.id))
        ]
        if scope.restricted and namesakes:
            inside = [k for k in namesakes if scope.has_member(k.id)]
            if not inside:
                return None, ("full_name", OUTSIDE_NAMESAKE)
            if len(inside) < len(namesakes):
                names = "; ".join(k.describe() for k in inside)
                others = len(namesakes) - len(inside)
                return None, (
                    "full_name",
                    f"khớp với {len(namesakes)} đảng viên cùng họ tên và ngày sinh ({names}; và {others} "
                    "đảng viên ngoài phạm vi quản lý của bạn): hãy ghi số thẻ đảng viên hoặc số CCCD để "
                    "phân biệt.",
                )
        if len(namesakes) > 1:
            names = "; ".join(k.describe() for k in namesakes)
            return None, (
                "full_name",
                f"khớp với {len(namesakes)} đảng viên cùng họ tên và ngày sinh ({names}): "
                "hãy ghi số thẻ đảng viên hoặc số CCCD để phân biệt.",
            )
        return (namesakes[0] if namesakes else None), None

    def _inside(self, known, within):
        organisations = self.directory.by_id
        return any(
            p[0] is not None and organisations[p[0]].path.startswith(within.path) for p in known.periods
        )
