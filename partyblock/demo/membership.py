"""Demo members and their lifecycle events, planned so that the as-of queries give the term report's
figures: 4,925 members on the term's end date and 977 admissions during the term.

Nothing here stores a count. Each member gets a plausible story (admission, recognition, transfers,
exemptions, endings); every story is checked by the same `replay` the services use, and the
periods it derives are what all counts read.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from members.lifecycle import add_months, replay
from members.models import (
    EndingGround,
    EventKind,
    ExemptionGround,
    Gender,
    Member,
    MemberCard,
    MemberEvent,
    TheoryLevel,
    WorkSector,
)
from members.services import periods_replace_bulk
from partyblock.core.text import day_text
from units.models import Organisation

from .names import (
    FAMILY_NAMES,
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    HOMETOWNS,
    MALE_GIVEN,
    MALE_MIDDLE,
    PROFESSIONAL_LEVELS,
)
from .structure import TERM_END, TERM_START

END_MEMBERS = 4925
ADMISSIONS_IN_TERM = 977
# Of those admitted during the term, some are gone by its end.
ADMITTED_THEN_REMOVED = 6  # failed probation
ADMITTED_THEN_TRANSFERRED_OUT = 10
TRANSFERRED_IN_TO_OLD_CHI_BO = 90
# Members present at the term's start who left during it.
LEAVERS = {
    EventKind.DEATH: 38,
    EventKind.REMOVAL: 12,
    EventKind.EXPULSION: 3,
    EventKind.RESIGNATION: 1,
    EventKind.TRANSFER_OUT: 152,
}
# The ground recorded on each kind of leaver's ending (an expulsion's comes with its decision).
LEAVER_GROUNDS = {EventKind.REMOVAL: EndingGround.WANING, EventKind.RESIGNATION: EndingGround.FAMILY_HARDSHIP}
INTERNAL_TRANSFERS = 120
EXEMPTIONS = 45
TEMPORARY_TRANSFERS = 25
SUSPENSIONS = 2
READMISSIONS = 2
OUTSIDE_PARTIES = [
    "Đảng bộ huyện Thanh Hà",
    "Đảng bộ huyện Gia Lộc",
    "Đảng bộ thành phố Hải Dương",
    "Đảng bộ Quân sự tỉnh",
    "Đảng bộ Công an tỉnh",
    "Đảng bộ Trường Đại học Kinh tế Quốc dân",
    "Đảng bộ Học viện Hành chính Quốc gia",
    "Đảng bộ Khối Doanh nghiệp tỉnh",
    "Đảng bộ thị xã Kinh Môn",
    "Đảng bộ huyện Nam Sách",
]
STUDY_HOSTS = ["Học viện Chính trị quốc gia Hồ Chí Minh", "Học viện Chính trị khu vực I"]


def _weighted(rng, table):
    names, weights = zip(*table, strict=True)
    return rng.choices(names, weights=weights)[0]


def _days(n):
    return datetime.timedelta(days=n)


def _between(rng, start, end):
    if end < start:
        raise ValueError((start, end))
    return start + _days(rng.randint(0, (end - start).days))


@dataclass
class Story:
    """One member's planned life in the party, before it becomes rows."""

    member: Member
    events: list = field(default_factory=list)

    def add(self, kind, date, **fields):
        self.events.append(MemberEvent(kind=kind, date=date, **fields))

    def admit(self, rng, ceremony, holder=None, outside=None):
        self.add(
            EventKind.ADMISSION,
            ceremony,
            organisation=holder.organisation if holder else None,
            other_party=outside or "",
            decision_date=ceremony - _days(rng.randint(7, 28)),
            decision_number=f"{rng.randint(100, 999)}-QĐ/ĐUK" if holder else f"{rng.randint(100, 999)}-QĐ/ĐU",
            sponsors=self._sponsors(rng),
        )

    def recognise(self, rng, ceremony):
        due = add_months(ceremony, 12)
        self.add(
            EventKind.RECOGNITION,
            due,
            decision_date=due + _days(rng.randint(3, 40)),
            decision_number=f"{rng.randint(100, 999)}-QĐ/ĐUK",
        )
        return due

    @staticmethod
    def _sponsors(rng):
        return "Đảng viên chính thức trong chi bộ; Ban Chấp hành Công đoàn cơ sở"


class MembershipPlanner:
    def __init__(self, rng, holders):
        self.rng = rng
        self.holders = holders
        self.stories = []
        self.national_ids = set()
        self.card_numbers = set()
        # Chi bộ that exist throughout the term: where leavers and transfers come from.
        self.stable = [h for h in holders if not h.founded_in_term and h.merged_into is None]

    # --- people -----------------------------------------------------------------------------------
    def person(self, birth_year_range):
        rng = self.rng
        gender = Gender.FEMALE if rng.random() < 0.52 else Gender.MALE
        middle = _weighted(rng, FEMALE_MIDDLE if gender == Gender.FEMALE else MALE_MIDDLE)
        given = rng.choice(FEMALE_GIVEN if gender == Gender.FEMALE else MALE_GIVEN)
        family = _weighted(rng, FAMILY_NAMES)
        full_name = f"{family} {middle} {given}"
        second = _weighted(rng, FEMALE_MIDDLE if gender == Gender.FEMALE else MALE_MIDDLE)
        if rng.random() < 0.08 and second != middle:  # some have two middle names
            full_name = f"{family} {middle} {second} {given}"
        birth = datetime.date(rng.randint(*birth_year_range), rng.randint(1, 12), rng.randint(1, 28))
        hometown = rng.choice(HOMETOWNS)
        member = Member(
            full_name=full_name,
            gender=gender,
            birth_date=birth,
            birthplace=hometown,
            hometown=f"{hometown}, Hải Dương",
            ethnicity="Kinh" if rng.random() < 0.985 else rng.choice(["Tày", "Mường", "Nùng"]),
            religion="Không" if rng.random() < 0.97 else "Công giáo",
            residence=f"{rng.choice(HOMETOWNS)}, Hải Dương",
            occupation="Công chức" if rng.random() < 0.6 else "Viên chức",
            work_sector=WorkSector.STATE,
            education="12/12",
            professional_level=_weighted(rng, PROFESSIONAL_LEVELS),
            theory_level=_weighted(
                rng,
                [
                    (TheoryLevel.ELEMENTARY, 45),
                    (TheoryLevel.INTERMEDIATE, 35),
                    (TheoryLevel.ADVANCED, 12),
                    (TheoryLevel.BACHELOR, 3),
                    (TheoryLevel.NONE, 5),
                ],
            ),
            national_id=self._national_id(gender, birth) if rng.random() < 0.93 else None,
            phone=f"09{rng.randint(10000000, 99999999)}",
        )
        member.refresh_name_keys()
        story = Story(member=member)
        self.stories.append(story)
        return story

    def _national_id(self, gender, birth):
        century_gender = (0 if birth.year < 2000 else 2) + (1 if gender == Gender.FEMALE else 0)
        while True:
            value = f"030{century_gender}{birth.year % 100:02d}{self.rng.randint(0, 999999):06d}"
            if value not in self.national_ids:
                self.national_ids.add(value)
                return value

    def card_number(self):
        while True:
            value = f"30.{self.rng.randint(0, 999999):06d}"
            if value not in self.card_numbers:
                self.card_numbers.add(value)
                return value

    def ceremony_for(self, story, earliest, latest):
        """A ceremony date in [earliest, latest] when the person was 22–40 (18 at the very least)."""
        birth = story.member.birth_date
        low = max(earliest, add_months(birth, 12 * 22))
        high = min(latest, add_months(birth, 12 * 40))
        if high < low:
            low, high = max(earliest, add_months(birth, 12 * 18)), latest
        return _between(self.rng, low, high)

    # --- stories ----------------------------------------------------------------------------------
    def pre_term_history(self, story, holder, arrival_limit=None):
        """Admitted before the term, official, registered in `holder` by `arrival_limit`."""
        rng = self.rng
        arrival_limit = arrival_limit or TERM_START - _days(1)
        founded = holder.founded_on
        ceremony = self.ceremony_for(story, datetime.date(1985, 1, 1), arrival_limit - _days(400))
        admitted_here = ceremony >= founded and rng.random() < 0.7
        if admitted_here:
            story.admit(rng, ceremony, holder=holder)
            story.recognise(rng, ceremony)
        else:
            story.admit(rng, ceremony, outside=rng.choice(OUTSIDE_PARTIES))
            due = story.recognise(rng, ceremony)
            arrival = (
                _between(rng, max(founded, due + _days(1)), arrival_limit)
                if max(founded, due + _days(1)) <= arrival_limit
                else None
            )
            if arrival is None:
                # Could not have arrived from outside in time: admitted here instead.
                story.events.clear()
                ceremony = _between(rng, founded, arrival_limit - _days(400))
                story.admit(rng, ceremony, holder=holder)
                story.recognise(rng, ceremony)
            else:
                story.add(
                    EventKind.TRANSFER_IN,
                    arrival,
                    organisation=holder.organisation,
                    other_party=story.events[0].other_party,
                    decision_number=f"{rng.randint(10, 99)}-QĐ/ĐUK",
                )
        return ceremony

    def admitted_in_term(self, story, holder, earliest=None):
        rng = self.rng
        earliest = max(TERM_START, holder.founded_on, earliest or TERM_START)
        latest = TERM_END
        if holder.merged_into is not None:
            latest = holder.merged_on - _days(1)
        ceremony = self.ceremony_for(story, earliest, latest)
        story.admit(rng, ceremony, holder=holder)
        if add_months(ceremony, 12) <= TERM_END:
            story.recognise(rng, ceremony)
        return ceremony

    def plan(self):
        rng = self.rng
        end_holders = [h for h in self.holders if h.merged_into is None]
        self._size_holders(end_holders)
        slots = [h for h in end_holders for _ in range(h.target_end_members)]
        assert len(slots) == END_MEMBERS
        rng.shuffle(slots)

        admitted = ADMISSIONS_IN_TERM - ADMITTED_THEN_REMOVED - ADMITTED_THEN_TRANSFERRED_OUT
        new_slots = [h for h in slots if h.founded_in_term]
        old_slots = [h for h in slots if not h.founded_in_term]
        # Organisations founded in the term came with their members; some were admitted since.
        new_admitted = new_slots[: len(new_slots) // 4]
        new_arrivals = new_slots[len(new_slots) // 4 :]
        old_admitted = old_slots[: admitted - len(new_admitted)]
        old_arrivals = old_slots[len(old_admitted) : len(old_admitted) + TRANSFERRED_IN_TO_OLD_CHI_BO]
        old_stayers = old_slots[len(old_admitted) + TRANSFERRED_IN_TO_OLD_CHI_BO :]

        for holder in new_admitted + old_admitted:
            story = self.person((1975, 1997))
            self.admitted_in_term(story, holder)
        for holder in new_arrivals:
            self._arrival(holder, on=holder.founded_on)
        for holder in old_arrivals:
            self._arrival(holder, on=_between(rng, TERM_START, TERM_END))
        stayers = self._stayers(old_stayers)
        self._in_term_changes(stayers)
        self._leavers()
        self._admitted_leavers()
        return self.stories

    def _size_holders(self, end_holders):
        """End-of-term members per chi bộ: chi bộ cơ sở 12–29, chi bộ trực thuộc 5–20, total 4,925."""
        rng = self.rng
        receiving = {h.merged_into.organisation.pk for h in self.holders if h.merged_into is not None}
        for holder in end_holders:
            if holder.organisation.pk in receiving:
                holder.target_end_members = rng.randint(24, 28)
            elif holder.organisation.kind == "cbcs":
                holder.target_end_members = rng.randint(12, 25)
            else:
                holder.target_end_members = rng.randint(6, 14)
        total = sum(h.target_end_members for h in end_holders)
        while total != END_MEMBERS:
            holder = rng.choice(end_holders)
            limit = 29 if holder.organisation.kind == "cbcs" else 20
            if total < END_MEMBERS and holder.target_end_members < limit:
                holder.target_end_members += 1
                total += 1
            elif total > END_MEMBERS and holder.target_end_members > 5:
                holder.target_end_members -= 1
                total -= 1

    def _arrival(self, holder, on):
        """A member transferred in from outside the Khối on `on`."""
        rng = self.rng
        story = self.person((1965, 1990))
        outside = rng.choice(OUTSIDE_PARTIES)
        ceremony = self.ceremony_for(story, datetime.date(1988, 1, 1), on - _days(400))
        story.admit(rng, ceremony, outside=outside)
        story.recognise(rng, ceremony)
        story.add(
            EventKind.TRANSFER_IN,
            on,
            organisation=holder.organisation,
            other_party=outside,
            decision_number=f"{rng.randint(10, 99)}-QĐ/ĐUK",
        )
        return story

    def _stayers(self, slots):
        """Members there before the term who stay to its end. Those whose chi bộ received a merged
        organisation came from it on the merge date."""
        rng = self.rng
        moving_in = {}
        for holder in self.holders:
            if holder.merged_into is not None:
                moving_in.setdefault(holder.merged_into.organisation.pk, []).extend(
                    [holder] * rng.randint(5, 9)
                )
        stayers = []
        for holder in slots:
            story = self.person((1962, 1988))
            sources = moving_in.get(holder.organisation.pk)
            if sources:
                origin = sources.pop()
                self.pre_term_history(story, origin)
                story.add(
                    EventKind.TRANSFER,
                    origin.merged_on,
                    organisation=holder.organisation,
                    decision_number=f"{rng.randint(10, 99)}-QĐ/ĐUK",
                    note=f"Sáp nhập {origin.organisation.name} vào {origin.merged_into.organisation.name}",
                )
            else:
                self.pre_term_history(story, holder)
                stayers.append((story, holder))
        if any(moving_in.values()):
            raise RuntimeError("a receiving chi bộ had too few members for the merger plan")
        return stayers

    def _in_term_changes(self, stayers):
        """Transfers, exemptions, temporary transfers and suspensions among those who stay."""
        rng = self.rng
        pool = list(stayers)
        rng.shuffle(pool)
        cursor = 0

        def take(n):
            nonlocal cursor
            chosen = pool[cursor : cursor + n]
            cursor += n
            return chosen

        for story, holder in take(INTERNAL_TRANSFERS):
            # Moves into its end chi bộ from another chi bộ of the Khối during the term.
            origin = rng.choice([h for h in self.stable if h is not holder])
            on = _between(rng, TERM_START + _days(30), TERM_END - _days(30))
            self._move_history(story, origin, holder, on)
        for story, _ in take(EXEMPTIONS):
            on = _between(rng, TERM_START, TERM_END - _days(60))
            if rng.random() < 0.7:
                story.add(
                    EventKind.EXEMPTION,
                    on,
                    end_date=add_months(on, rng.randint(3, 11)),
                    exemption_ground=ExemptionGround.HEALTH,
                    decision_number="NQ chi bộ",
                )
            else:
                story.add(
                    EventKind.EXEMPTION, on, exemption_ground=ExemptionGround.AGE, decision_number="NQ chi bộ"
                )
        for story, holder in take(TEMPORARY_TRANSFERS):
            on = _between(rng, TERM_START, TERM_END - _days(120))
            until = add_months(on, rng.randint(3, 18)) - _days(1)
            if rng.random() < 0.6:
                story.add(
                    EventKind.TEMPORARY_TRANSFER,
                    on,
                    end_date=until,
                    other_party=rng.choice(STUDY_HOSTS),
                    decision_number=f"{rng.randint(10, 99)}-GGT",
                )
            else:
                host = rng.choice([h for h in self.stable if h is not holder])
                story.add(
                    EventKind.TEMPORARY_TRANSFER,
                    on,
                    end_date=until,
                    organisation=host.organisation,
                    decision_number=f"{rng.randint(10, 99)}-GGT",
                )
        for story, _ in take(SUSPENSIONS):
            on = _between(rng, TERM_START, TERM_END - _days(200))
            story.add(
                EventKind.SUSPENSION,
                on,
                end_date=on + _days(rng.randint(60, 180)),
                decision_number=f"{rng.randint(10, 99)}-QĐ/UBKT",
            )
        for story, holder in take(READMISSIONS):
            # Removed long ago, readmitted during the term: party age skips the gap.
            story.events.clear()
            story.member.birth_date = story.member.birth_date.replace(year=rng.randint(1965, 1975))
            ceremony = self.ceremony_for(story, datetime.date(1990, 1, 1), datetime.date(2005, 12, 31))
            story.admit(rng, ceremony, outside=rng.choice(OUTSIDE_PARTIES))
            due = story.recognise(rng, ceremony)
            story.add(
                EventKind.REMOVAL,
                due + _days(rng.randint(400, 1500)),
                ending_ground=EndingGround.UNPAID_DUES,
                note="Không đóng đảng phí",
            )
            again = _between(rng, max(TERM_START, holder.founded_on) + _days(30), TERM_END - _days(400))
            story.add(
                EventKind.READMISSION,
                again,
                organisation=holder.organisation,
                decision_date=again - _days(14),
                decision_number=f"{rng.randint(100, 999)}-QĐ/ĐUK",
                readmission_consent=f"Công văn đồng ý của Ban Thường vụ Tỉnh ủy ngày {day_text(again - _days(45))}",
            )
            story.recognise(rng, again)

    def _move_history(self, story, origin, destination, on):
        """Rewrite a stayer's history so that it lived in `origin` until `on`, then `destination`."""
        story.events.clear()
        self.pre_term_history(story, origin)
        story.add(
            EventKind.TRANSFER,
            on,
            organisation=destination.organisation,
            decision_number=f"{self.rng.randint(10, 99)}-QĐ/ĐUK",
        )

    def _leavers(self):
        rng = self.rng
        for kind, count in LEAVERS.items():
            for _ in range(count):
                holder = rng.choice(self.stable)
                birth_range = (1955, 1972) if kind == EventKind.DEATH else (1962, 1988)
                story = self.person(birth_range)
                self.pre_term_history(story, holder)
                on = _between(rng, TERM_START + _days(1), TERM_END)
                if kind == EventKind.TRANSFER_OUT:
                    story.add(
                        kind,
                        on,
                        other_party=rng.choice(OUTSIDE_PARTIES),
                        decision_number=f"{rng.randint(10, 99)}-QĐ/ĐUK",
                    )
                else:
                    story.add(
                        kind,
                        on,
                        decision_number=f"{rng.randint(10, 99)}-QĐ/ĐUK",
                        ending_ground=LEAVER_GROUNDS.get(kind, ""),
                    )

    def _admitted_leavers(self):
        rng = self.rng
        for kind, count in (
            (EventKind.REMOVAL, ADMITTED_THEN_REMOVED),
            (EventKind.TRANSFER_OUT, ADMITTED_THEN_TRANSFERRED_OUT),
        ):
            for _ in range(count):
                holder = rng.choice(self.stable)
                story = self.person((1980, 1996))
                ceremony = self.ceremony_for(story, TERM_START, TERM_END - _days(420))
                story.admit(rng, ceremony, holder=holder)
                if kind == EventKind.REMOVAL:
                    # Failed probation: removed when the 12 months were up.
                    story.add(
                        kind,
                        add_months(ceremony, 12) - _days(rng.randint(1, 20)),
                        ending_ground=EndingGround.NOT_RECOGNISED,
                    )
                else:
                    story.recognise(rng, ceremony)
                    on = _between(rng, add_months(ceremony, 12) + _days(30), TERM_END)
                    story.add(
                        kind,
                        on,
                        other_party=rng.choice(OUTSIDE_PARTIES),
                        decision_number=f"{rng.randint(10, 99)}-QĐ/ĐUK",
                    )


def write_members(planner):
    """Check every story with `replay`, then bulk-write members, events, periods and cards."""
    stories = planner.stories
    organisations = {o.pk: o for o in Organisation.objects.all()}
    members = Member.objects.bulk_create([s.member for s in stories], batch_size=1000)
    events, periods, cards = [], {}, []
    for story, member in zip(stories, members, strict=True):
        for event in story.events:
            event.member = member
        # The plan's expulsions are taken over by discipline decisions (demo/inspections.py).
        outcome = replay(member, story.events, organisations, by_discipline=True)
        events.extend(story.events)
        periods[member.pk] = outcome.rows
        official_since = next((e.date for e in story.events if e.kind == EventKind.RECOGNITION), None)
        if official_since:
            issued = official_since + _days(planner.rng.randint(60, 200))
            cards.append(MemberCard(member=member, number=planner.card_number(), issued_on=issued))
    MemberEvent.objects.bulk_create(events, batch_size=2000)
    periods_replace_bulk(periods)  # with their party age
    MemberCard.objects.bulk_create(cards, batch_size=2000)
    return Counter(e.kind for e in events)
