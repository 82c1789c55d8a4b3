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

from members.models import Member, MemberCard, MembershipPeriod
from partyblock.text import search_key

from ..columns import fmt
from ..scope import OUTSIDE_MEMBER, OUTSIDE_NAMESAKE


class NameKeys:
    """The search key (`partyblock.text.search_key`) of every full name of an import, each name
    once, by `str.translate`: on a cleaned name (NFC, single spaces) search_key works letter by
    letter (decompose, lower-case, drop the marks, đ -> d), so a table of what it makes of each
    letter met so far gives the same key in one C call. (Greek capital sigma, the one letter whose
    lower case depends on its neighbours, is left to search_key itself.)"""

    def __init__(self):
        self.names = {}
        self.letters = {ord(" "): " "}

    def learn(self, names):
        """Key every name of `names` not keyed yet; returns {name: key} for at least those."""
        known = self.names
        new = set(names).difference(known)
        new.discard(None)
        if new:
            letters = self.letters
            new = list(new)
            joined = "\n".join(new)  # cleaned names hold no line break: all keyed in one call
            for letter in set(joined).difference(map(chr, letters), "\n"):
                letters[ord(letter)] = search_key(letter)
            keys = joined.translate(letters).split("\n")
            if len(keys) != len(new) or "\u03a3" in joined:  # a break after all, or a capital sigma
                keys = [search_key(name) if "\u03a3" in name else name.translate(letters) for name in new]
            known.update(zip(new, keys, strict=True))
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

    __slots__ = (
        "id",
        "full_name",
        "search_name",
        "birth_date",
        "gender",
        "ethnicity",
        "religion",
        "hometown",
        "national_id",
        "cards",
        "current_card",
        "periods",
    )

    def describe(self):
        return f"{self.full_name} (sinh {fmt(self.birth_date)}, mã {self.id})"

    def last_organisation_id(self):
        """The chi bộ of the member's latest registration in the Khối (today's if still a member)."""
        inside = [p for p in self.periods if p[0] is not None]
        return max(inside, key=lambda p: p[1])[0] if inside else None


class MemberIndex:
    def __init__(self, rows, directory, name_keys=None, scopes=None, *, scope):
        """`rows`: the chunk's (card, national_id, full_name, birth_date) tuples; `name_keys`, a
        NameKeys, remembers the names' search keys across chunks; `scopes`, when given, the
        organisation each row's name and birth date are matched `within` (see `match`); `scope`,
        the user's `ImportScope`: members are looked up in the whole Khối, but one outside it is
        never handed back (nor named)."""
        columns = tuple(zip(*rows, strict=True)) if rows else ((), (), (), ())
        self._build(*columns, directory, name_keys, scopes, scope)

    @classmethod
    def from_columns(
        cls, cards, national_ids, names, birth_dates, directory, name_keys=None, scopes=None, *, scope
    ):
        """The same from the chunk's columns (one value per row in each)."""
        index = cls.__new__(cls)
        index._build(cards, national_ids, names, birth_dates, directory, name_keys, scopes, scope)
        return index

    def _build(
        self, card_column, national_id_column, names, birth_dates, directory, name_keys, scopes, scope
    ):
        self.directory = directory
        self.scope = scope
        self.keys = (name_keys or NameKeys()).learn(names)
        cards = set(card_column).difference((None, ""))
        national_ids = set(national_id_column).difference((None, ""))
        self.card_owner = (
            dict(MemberCard.objects.filter(among("number", cards)).values_list("number", "member_id"))
            if cards
            else {}
        )
        self.by_id = {}
        owners = set(self.card_owner.values())
        if owners or national_ids:
            if owners and national_ids:
                condition = among("pk", owners) | among("national_id", national_ids)
            else:
                condition = among("pk", owners) if owners else among("national_id", national_ids)
            self._load(condition)
        # Name and birth date only for the rows no card or ID resolved (every name of the chunk
        # crossed with every birth date would fetch thousands of namesakes), and only where a
        # namesake could be found: within an organisation that has had members (the first list an
        # organisation sends needs no such look-up).
        found = {k.national_id for k in self.by_id.values() if k.national_id}
        owner = self.card_owner
        if scopes is None:
            scopes = [None] * len(names)
        # By identity: the rows of one organisation share its instance, and a model's own hash and
        # equality cost microseconds each, thousands of times.
        distinct = dict(zip(map(id, scopes), scopes, strict=True))
        searched = {key for key, scope in distinct.items() if directory.has_had_members(scope)}
        if not searched:
            pending = set()
        elif not owner and not found and len(searched) == len(distinct):
            pending = set(zip(names, birth_dates, strict=True))  # every named and dated row
            if any(name is None or birth_date is None for name, birth_date in pending):
                pending = {(name, birth_date) for name, birth_date in pending if name and birth_date}
        else:
            pending = {
                (name, birth_date)
                for card, national_id, name, birth_date, scope in zip(
                    card_column, national_id_column, names, birth_dates, scopes, strict=True
                )
                if name
                and birth_date
                and id(scope) in searched
                and card not in owner
                and (not national_id or national_id not in found)
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
            for member_id, organisation_id, starts_on, ends_on in MembershipPeriod.objects.filter(
                among("member_id", ids)
            ).values_list("member_id", "organisation_id", "starts_on", "ends_on"):
                self.by_id[member_id].periods.append((organisation_id, starts_on, ends_on))
        self.by_national_id = {k.national_id: k for k in self.by_id.values() if k.national_id}
        self.by_name_birth = {}
        for known in self.by_id.values():
            self.by_name_birth.setdefault((known.search_name, known.birth_date), []).append(known)

    def _load(self, condition):
        by_id = self.by_id
        for values in (
            Member.objects.filter(condition)
            .order_by()
            .values_list(
                "id",
                "full_name",
                "search_name",
                "birth_date",
                "gender",
                "ethnicity",
                "religion",
                "hometown",
                "national_id",
            )
        ):
            if values[0] in by_id:
                continue  # loaded by an earlier condition
            known = Known()
            (
                known.id,
                known.full_name,
                known.search_name,
                known.birth_date,
                known.gender,
                known.ethnicity,
                known.religion,
                known.hometown,
                known.national_id,
            ) = values
            known.cards, known.current_card, known.periods = set(), None, []
            by_id[known.id] = known

    def match(self, *, card, national_id, full_name, birth_date, within):
        """(Known or None, None) or (None, (column key, reason)). A member the card, the CCCD, or
        the name and birth date point at outside the user's scope is a problem naming no one."""
        if not self.by_id:
            return None, None  # nobody the chunk could mean is stored: every row is new
        by_card = self.by_id.get(self.card_owner.get(card)) if card else None
        by_id = self.by_national_id.get(national_id) if national_id else None
        scope = self.scope
        if scope.restricted:
            if by_card is not None and not scope.has_member(by_card.id):
                return None, ("card", OUTSIDE_MEMBER)
            if by_id is not None and not scope.has_member(by_id.id):
                return None, ("national_id", OUTSIDE_MEMBER)
        if by_card and by_id and by_card.id != by_id.id:
            return None, (
                "national_id",
                f"dòng này khớp với hai đảng viên: số thẻ {card} là của {by_card.describe()}, "
                f"còn số CCCD {scope.national_id(national_id)} là của {by_id.describe()}.",
            )
        key = (self.keys.get(full_name) or search_key(full_name)) if full_name else None
        for found, column, what in ((by_card, "card", f"Số thẻ {card}"), (by_id, "national_id", "Số CCCD")):
            if found is None:
                continue
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
            if within is None or self._inside(k, within)
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
