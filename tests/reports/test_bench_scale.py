"""`partyblock.demo.bench.scale_to`, which `manage.py bench_reports` builds its 10× and 100× data with:
records of the Khối itself (the tasks its committee registers) keep pointing at the one Khối, which is
not copied; everything below it is."""

import datetime

from members import period_profile
from members.models import GapGround, Member
from members.services import member_admit_outside, member_recognise, member_transfer_in, party_life_gap_record
from partyblock.demo.bench import base_sizes, scale_to
from tests.members.conftest import make_member
from units.models import BreakthroughTask, Organisation


def test_copies_keep_the_khois_own_records_on_the_khoi(tree):
    BreakthroughTask.objects.create(organisation=tree["bloc"], year=2018, title="Chuyển đổi số")
    BreakthroughTask.objects.create(organisation=tree["cb1"], year=2018, title="Sinh hoạt đúng kỳ")
    organisations = Organisation.objects.count()

    scale_to(3, 1, base_sizes())

    assert Organisation.objects.count() == 1 + 3 * (organisations - 1)
    assert BreakthroughTask.objects.filter(organisation=tree["bloc"]).count() == 3
    copies = BreakthroughTask.objects.exclude(organisation=tree["bloc"])
    assert sorted(copies.values_list("organisation__code", flat=True)) == ["SOA-VP", "SOA-VP-x1", "SOA-VP-x2"]


def test_copies_carry_each_members_gaps_in_party_life(tree):
    """A copied member's periods carry a party age that leaves out the original's gaps, so the
    copy must carry the gaps too (the member page and a recount read them)."""
    member = make_member(full_name="Lý Văn Lạc", birth_date=datetime.date(1960, 1, 1))
    member_admit_outside(
        member=member,
        other_party="Đảng bộ huyện",
        ceremony_date=datetime.date(1990, 2, 3),
        decision_date=datetime.date(1990, 2, 3),
    )
    member_recognise(member=member, decision_date=datetime.date(1991, 2, 10))
    member_transfer_in(
        member=member, to=tree["cb1"], from_party="Đảng bộ huyện", on=datetime.date(2005, 3, 1)
    )
    party_life_gap_record(
        member=member,
        ground=GapGround.LOST_CONTACT,
        starts_on=datetime.date(1995, 1, 1),
        ends_on=datetime.date(1996, 12, 31),
    )

    scale_to(3, 1, base_sizes())

    copies = Member.objects.exclude(pk=member.pk)
    assert copies.count() == 2
    assert all(copy.periods.exists() for copy in copies)
    assert period_profile.mismatched() == []  # the copies' periods carry their members' profile
    for copy in copies:
        assert list(copy.party_life_gaps.values_list("ground", "starts_on", "ends_on")) == list(
            member.party_life_gaps.values_list("ground", "starts_on", "ends_on")
        )
