"""Finding the existing member a row means: by party card number (any card the member ever held),
else by national ID, else by full name and birth date among the members of the organisation.
A row whose keys point at two different members is refused, and so is a card or ID whose owner's
name and birth date both differ from the row (a typo must never rename someone else).

`MemberIndex` loads what one chunk of rows may refer to in a fixed number of queries.
"""

from django.db.models import Q

from members.models import Member, MemberCard, MembershipPeriod
from partyblock.text import search_key

from ..columns import fmt


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
    def __init__(self, rows, directory):
        """`rows`: the chunk's (card, national_id, full_name, birth_date) tuples."""
        self.directory = directory
        self.keys = {r[2]: search_key(r[2]) for r in rows if r[2]}
        cards = {r[0] for r in rows if r[0]}
        national_ids = {r[1] for r in rows if r[1]}
        self.card_owner = dict(
            MemberCard.objects.filter(number__in=cards).values_list("number", "member_id") if cards else ()
        )
        self.by_id = {}
        if self.card_owner or national_ids:
            self._load(Q(pk__in=set(self.card_owner.values())) | Q(national_id__in=national_ids))
        # Name and birth date only for the rows no card or ID resolved: every name of the chunk
        # crossed with every birth date would fetch thousands of namesakes.
        found = {k.national_id for k in self.by_id.values() if k.national_id}
        pending = [
            r
            for r in rows
            if r[2] and r[3] and r[0] not in self.card_owner and (not r[1] or r[1] not in found)
        ]
        if pending:
            self._load(
                Q(search_name__in={self.keys[r[2]] for r in pending}, birth_date__in={r[3] for r in pending})
            )
        ids = list(self.by_id)
        if ids:
            for member_id, number, replaced_on in (
                MemberCard.objects.filter(member_id__in=ids)
                .order_by("member_id", "issued_on", "pk")
                .values_list("member_id", "number", "replaced_on")
            ):
                known = self.by_id[member_id]
                known.cards.add(number)
                self.card_owner.setdefault(number, member_id)
                if replaced_on is None:
                    known.current_card = number  # the latest card not replaced
            for member_id, organisation_id, starts_on, ends_on in MembershipPeriod.objects.filter(
                member_id__in=ids
            ).values_list("member_id", "organisation_id", "starts_on", "ends_on"):
                self.by_id[member_id].periods.append((organisation_id, starts_on, ends_on))
        self.by_national_id = {k.national_id: k for k in self.by_id.values() if k.national_id}
        self.by_name_birth = {}
        for known in self.by_id.values():
            self.by_name_birth.setdefault((known.search_name, known.birth_date), []).append(known)

    def _load(self, condition):
        for values in (
            Member.objects.filter(condition)
            .exclude(pk__in=list(self.by_id))
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
            self.by_id[known.id] = known

    def match(self, *, card, national_id, full_name, birth_date, within):
        """(Known or None, None) or (None, (column key, reason))."""
        by_card = self.by_id.get(self.card_owner.get(card)) if card else None
        by_id = self.by_national_id.get(national_id) if national_id else None
        if by_card and by_id and by_card.id != by_id.id:
            return None, (
                "national_id",
                f"dòng này khớp với hai đảng viên: số thẻ {card} là của {by_card.describe()}, "
                f"còn số CCCD {national_id} là của {by_id.describe()}.",
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
