"""Review F13: a members sheet carries the Huy hiệu Đảng already received ("Huy hiệu Đảng": the
milestones, each optionally with its day), so long-serving members are not listed as due for them."""

import datetime

import pytest

from members.badges import badges_due, next_award_day
from members.models import Member, PartyBadge
from partyblock.importing.batches import commit, prepare
from partyblock.importing.models import ImportStatus

from .conftest import TITLE, record_counts, xlsx
from .test_members import HEADER, refused

D = datetime.date
BADGE_HEADER = [*HEADER, "Huy hiệu Đảng"]


def row(name, cccd, admitted, official, badges, card=""):
    return [
        1,
        name,
        "02/03/1950",
        "Nam",
        "Kinh",
        cccd,
        admitted,
        official,
        card,
        "Chi bộ Văn phòng",
        None,
        badges,
    ]


def sheet(*rows):
    return xlsx([BADGE_HEADER, *rows], TITLE)


@pytest.mark.django_db
def test_new_members_bring_the_badges_they_received(tree):
    preview = prepare(
        "members",
        sheet(
            row("Phạm Minh Bình", "030050000001", "10/01/1975", "15/01/1976", "30 năm (03/02/2005), 40 năm"),
            row("Hoàng Văn Cường", "030050000002", "10/01/1975", "15/01/1976", None),
        ),
        organisation=tree["dbcs"],
    )
    assert preview.errors == []
    commit(preview)
    binh = Member.objects.get(full_name="Phạm Minh Bình")
    assert sorted(binh.badges.values_list("years", "awarded_on")) == [(30, D(2005, 2, 3)), (40, None)]
    day = next_award_day(D(2025, 2, 1))  # 50 years reached on 10/01/2025
    due = {d.member.full_name: d.milestone for d in badges_due(day)}
    assert due == {"Phạm Minh Bình": 50, "Hoàng Văn Cường": 50}

    again = prepare(
        "members",
        sheet(row("Phạm Minh Bình", "030050000001", "10/01/1975", "15/01/1976", "30, 40")),
        organisation=tree["dbcs"],
    )
    assert (again.errors, again.batch.status) == ([], ImportStatus.UNCHANGED)


@pytest.mark.django_db
def test_a_stored_member_gains_the_badges_the_sheet_adds(tree):
    commit(
        prepare(
            "members",
            sheet(row("Phạm Minh Bình", "030050000001", "10/01/1975", "15/01/1976", "30 năm")),
            organisation=tree["dbcs"],
        )
    )
    preview = prepare(
        "members",
        sheet(
            row("Phạm Minh Bình", "030050000001", "10/01/1975", "15/01/1976", "30 năm; 40 năm (19/05/2015)")
        ),
        organisation=tree["dbcs"],
    )
    assert preview.errors == []
    assert preview.batch.status == ImportStatus.PREVIEWED
    commit(preview)
    binh = Member.objects.get(full_name="Phạm Minh Bình")
    assert sorted(binh.badges.values_list("years", "awarded_on")) == [(30, None), (40, D(2015, 5, 19))]


@pytest.mark.django_db
def test_badges_that_cannot_be_are_refused_naming_row_column_and_value_and_nothing_is_written(tree):
    before = record_counts(), PartyBadge.objects.count()
    errors = refused(
        prepare(
            "members",
            sheet(
                row("Phạm Minh Bình", "030050000001", "10/01/1975", "15/01/1976", "30 năm, 35 năm"),
                row("Hoàng Văn Cường", "030050000002", "10/01/2000", "15/01/2001", "30 năm"),
                row("Lê Văn Dũng", "030050000003", "10/01/1985", "15/01/1986", "40 năm (03/02/2015)"),
                row("Trần Văn Em", "030050000004", "10/01/1975", "15/01/1976", "30 năm (3/2/2005)"),
            ),
            organisation=tree["dbcs"],
        )
    )
    assert errors == [
        "Dòng 7, cột L (Huy hiệu Đảng), giá trị “30 năm, 35 năm”: 35 năm không phải mốc Huy hiệu Đảng "
        "(30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90 năm).",
        "Dòng 8, cột L (Huy hiệu Đảng), giá trị “30 năm”: tuổi đảng tính từ ngày vào Đảng 10/01/2000 đủ 30 "
        "năm ngày 10/01/2030; huy hiệu được trao sớm nhất ngày 10/01/2029.",
        "Dòng 9, cột L (Huy hiệu Đảng), giá trị “40 năm (03/02/2015)”: tuổi đảng tính từ ngày vào Đảng "
        "10/01/1985 đủ 40 năm ngày 10/01/2025; huy hiệu được trao sớm nhất ngày 10/01/2024, không phải 03/02/2015.",
    ]
    assert (record_counts(), PartyBadge.objects.count()) == before
