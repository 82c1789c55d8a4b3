"""Each membership period carries its member's profile fields the composition groups by
(`members.period_profile`): after every kind of write the copies equal the member's fields — the
member services (create, edit, lifecycle events, rebuild, merge of a chi bộ), a profile saved
directly (the admin saves the model), and the importer's bulk paths (members created by COPY, their
profiles updated, events added to stored members). The demo and the benchmark copies are checked in
tests/demo/test_derived_totals.py and tests/reports/test_bench_scale.py."""

import datetime

from members import period_profile
from members.models import Gender, Member, MembershipPeriod, TheoryLevel
from members.services import member_admit, member_periods_rebuild, member_recognise, member_update
from partyblock.importing.batches import commit, prepare
from tests.importing.conftest import xlsx
from tests.members.conftest import make_member
from units.services import organisation_merge

D = datetime.date


def _copies(member):
    return set(member.periods.values_list(*period_profile.FIELDS))


def test_periods_follow_the_member_services(tree):
    member = make_member(full_name="Trần Thị Bình", gender=Gender.FEMALE, ethnicity="Tày", religion="")
    member_admit(member=member, organisation=tree["cb1"], ceremony_date=D(2015, 3, 2))
    member_recognise(member=member, decision_date=D(2016, 3, 2))
    assert member.periods.count() == 2
    assert _copies(member) == {("nu", D(1990, 5, 15), "Tày", "", "", "")}
    assert period_profile.mismatched() == []

    member_update(member, gender=Gender.MALE, birth_date=D(1985, 1, 31), education="12/12")
    assert _copies(member) == {("nam", D(1985, 1, 31), "Tày", "", "12/12", "")}

    member.theory_level, member.religion = TheoryLevel.ADVANCED, "Phật giáo"
    member.save()  # as the admin's change form saves it
    assert _copies(member) == {("nam", D(1985, 1, 31), "Tày", "Phật giáo", "12/12", "cao_cap")}

    MembershipPeriod.objects.filter(member=member).update(gender="")  # stale copies are rebuilt
    member_periods_rebuild(member)
    assert period_profile.mismatched() == []

    organisation_merge(organisation=tree["cb1"], into=tree["cb2"], on=D(2020, 1, 1))
    assert member.periods.count() == 3
    assert period_profile.mismatched() == []


def test_sync_leaves_equal_rows_alone_and_fixes_the_others(tree):
    members = [make_member(full_name=f"Lê Văn {name}") for name in ("Một", "Hai")]
    for member in members:
        member_admit(member=member, organisation=tree["cb2"], ceremony_date=D(2018, 6, 1))
    MembershipPeriod.objects.filter(member=members[0]).update(ethnicity="Khác", birth_date=None)
    assert [pk for pk, *_ in period_profile.mismatched()] == list(
        members[0].periods.values_list("pk", flat=True)
    )
    assert period_profile.sync([members[1].pk]) == 0
    assert period_profile.sync() == 1
    assert period_profile.mismatched() == []


HEADER = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Số CCCD",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Chi bộ",
]


def _row(n, **changes):
    row = dict(
        zip(
            HEADER,
            [
                f"Phạm Văn Số {n}",
                D(1975, 1, 1) + datetime.timedelta(days=40 * n),
                "Nam" if n % 2 else "Nữ",
                "Kinh" if n % 3 else "",
                f"0370900{n:05d}",
                "10/01/2012",
                D(2013, 1, 15) if n != 4 else None,
                "Chi bộ Văn phòng" if n % 2 else "SOA-KT",
            ],
            strict=True,
        )
    )
    row.update(changes)
    return list(row.values())


def test_periods_follow_the_imports_bulk_paths(tree):
    batch = commit(
        prepare("members", xlsx([HEADER] + [_row(n) for n in range(1, 9)]), organisation=tree["dbcs"])
    )
    assert batch.created_count == 8
    assert MembershipPeriod.objects.count() == 15
    assert period_profile.mismatched() == []
    assert Member.objects.get(national_id="037090000003").ethnicity == ""

    # Profiles changed, and the member without a recognition gets one (events added in bulk).
    rows = [HEADER] + [_row(n) for n in range(1, 9)]
    rows[2] = _row(2, **{"Giới tính": "Nam", "Dân tộc": "Mường"})
    rows[4] = _row(4, **{"Ngày chính thức": D(2013, 2, 1)})
    batch = commit(prepare("members", xlsx(rows), organisation=tree["dbcs"]))
    assert batch.updated_count == 2
    changed = Member.objects.get(national_id="037090000002")
    assert _copies(changed) == {("nam", changed.birth_date, "Mường", changed.religion, "", "")}
    assert MembershipPeriod.objects.count() == 16
    assert period_profile.mismatched() == []
