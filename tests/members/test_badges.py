import datetime

import pytest

from members.badges import badges_due, next_award_day
from members.lifecycle import add_months
from members.models import EndingGround, EventKind, PartyBadge, covering
from members.party_age import memberships, party_age_on, with_party_age
from members.services import (
    member_admit_outside,
    member_end,
    member_recognise,
    member_transfer_in,
)
from tests.members.conftest import make_member

D = datetime.date


def veteran(name, birth, ceremony, chi_bo):
    """Admitted elsewhere on `ceremony`, in the Khối's `chi_bo` since 2005."""
    member = make_member(full_name=name, birth_date=birth)
    member_admit_outside(member=member, other_party="Đảng bộ huyện Thanh Hà", ceremony_date=ceremony)
    member_recognise(member=member, decision_date=add_months(ceremony, 13))
    member_transfer_in(member=member, to=chi_bo, from_party="Đảng bộ huyện Thanh Hà", on=D(2005, 3, 1))
    return member


def age(member, day):
    """(years, counted from) on `day`, read off the member's stored period covering it."""
    return party_age_on(member.periods.filter(covering(day)).first(), day)


def due_names(day):
    return [(d.member.full_name, d.milestone, d.party_age) for d in badges_due(day)]


@pytest.mark.parametrize(
    ("after", "award_day"),
    [
        (D(2020, 1, 1), D(2020, 2, 3)),
        (D(2020, 2, 3), D(2020, 2, 3)),
        (D(2020, 2, 4), D(2020, 5, 19)),
        (D(2020, 9, 3), D(2020, 11, 7)),
        (D(2020, 11, 8), D(2021, 2, 3)),
    ],
)
def test_next_award_day(after, award_day):
    assert next_award_day(after) == award_day


def test_badge_is_due_on_the_first_award_day_after_30_years(tree):
    member = veteran("Nguyễn Văn Lâu", D(1960, 1, 1), D(1990, 5, 20), tree["cb1"])

    assert due_names(D(2020, 5, 19)) == []  # one day short of 30 years
    assert due_names(D(2020, 9, 2)) == [("Nguyễn Văn Lâu", 30, 30)]
    PartyBadge.objects.create(member=member, years=30, awarded_on=D(2020, 9, 2))
    assert due_names(D(2020, 11, 7)) == []


def test_a_membership_gap_delays_the_badge(tree):
    member = make_member(full_name="Trần Văn Gián", birth_date=D(1960, 1, 1))
    member_admit_outside(member=member, other_party="Đảng bộ huyện Thanh Hà", ceremony_date=D(1985, 2, 3))
    member_recognise(member=member, decision_date=D(1986, 3, 1))
    member_end(
        member=member, kind=EventKind.REMOVAL, on=D(1990, 2, 3), ground=EndingGround.WANING
    )  # 5 years in
    member_admit_outside(  # after a 5-year gap
        member=member, other_party="Đảng bộ huyện Thanh Hà", ceremony_date=D(1995, 2, 3), readmission=True
    )
    member_recognise(member=member, decision_date=D(1996, 3, 1))  # only official members have a party age
    member_transfer_in(member=member, to=tree["cb1"], from_party="Đảng bộ huyện Thanh Hà", on=D(2005, 3, 1))
    # Without the gap the 30 years would be reached on 3/2/2015; with it, on 3/2/2020.
    assert due_names(D(2019, 11, 7)) == []
    assert due_names(D(2020, 2, 3)) == [("Trần Văn Gián", 30, 30)]


def test_the_highest_milestone_not_yet_given_is_listed(tree):
    member = veteran("Lê Văn Cao", D(1950, 1, 1), D(1975, 1, 1), tree["cb1"])
    PartyBadge.objects.create(member=member, years=40, awarded_on=D(2015, 2, 3))

    assert due_names(D(2020, 2, 3)) == [("Lê Văn Cao", 45, 45)]


def test_a_milestone_reached_before_the_member_came_into_the_khoi_is_unknown_not_overdue(tree):
    """Review F13: a milestone reached before the member's registration in the Khối began, with no
    badge record, was most likely awarded where the member then was: "chưa rõ", never overdue."""
    member = make_member(full_name="Đỗ Văn Xưa", birth_date=D(1950, 1, 1))
    member_admit_outside(member=member, other_party="Đảng bộ huyện", ceremony_date=D(1975, 1, 1))
    member_recognise(member=member, decision_date=D(1976, 2, 1))
    member_transfer_in(member=member, to=tree["cb1"], from_party="Đảng bộ huyện", on=D(2010, 3, 1))

    (due,) = badges_due(D(2014, 2, 3))  # 39 years: the 30 years were reached in 2005, outside
    assert (due.milestone, due.in_khoi_since, due.unknown, due.overdue(D(2014, 2, 3))) == (
        30,
        D(2010, 3, 1),
        True,
        False,
    )
    (due,) = badges_due(D(2015, 2, 3))  # the 40 years reached in the Khối: due, not unknown
    assert (due.milestone, due.unknown, due.overdue(D(2015, 2, 3))) == (40, False, False)
    (due,) = badges_due(D(2016, 2, 3))  # and overdue a year later
    assert (due.milestone, due.unknown, due.overdue(D(2016, 2, 3))) == (40, False, True)


def test_a_milestone_reached_in_the_khoi_without_a_badge_is_overdue(tree):
    member = veteran("Vũ Văn Lâu", D(1950, 1, 1), D(1970, 1, 1), tree["cb1"])  # in the Khối since 2005
    PartyBadge.objects.create(member=member, years=30, awarded_on=D(2000, 2, 3))  # given outside

    (due,) = badges_due(D(2012, 2, 3))  # the 40 years reached on 01/01/2010, in the Khối
    assert (due.milestone, due.unknown, due.overdue(D(2012, 2, 3))) == (40, False, True)


# Party age, rule by rule (docs/rules.md; Điều lệ Điều 5.4, QĐ 24-QĐ/TW 2021 §4.5, HD 01-HD/TW 2021).


def test_party_age_counts_from_the_admission_decision_not_the_ceremony(tree):
    member = make_member(full_name="Phạm Văn Quyết", birth_date=D(1960, 1, 1))
    member_admit_outside(
        member=member, other_party="Đảng bộ huyện", ceremony_date=D(1990, 6, 1), decision_date=D(1990, 5, 10)
    )
    member_recognise(member=member, decision_date=D(1991, 6, 10))
    member_transfer_in(member=member, to=tree["cb1"], from_party="Đảng bộ huyện", on=D(2005, 3, 1))

    assert age(member, D(2020, 5, 10)) == (30, D(1990, 5, 10))
    assert age(member, D(2020, 5, 9)) == (29, D(1990, 5, 10))
    assert due_names(D(2020, 5, 19)) == [("Phạm Văn Quyết", 30, 30)]  # ceremony + 30 years is 01/06


def test_party_age_counts_from_the_card_date_when_the_decision_is_lost(tree):
    member = veteran("Đỗ Văn Thẻ", D(1960, 1, 1), D(1990, 5, 20), tree["cb1"])  # no decision date kept

    assert age(member, D(2020, 9, 2)) == (30, D(1990, 5, 20))


class Period:
    """A period as `party_age_on` reads it."""

    def __init__(self, row, status="chinh_thuc"):
        self.status, (self.party_age_from, self.party_days_before) = status, row[-2:]


def rows_of(events, periods, gaps=()):
    return with_party_age([("state", *days) for days in periods], events, gaps)


def test_a_readmitted_member_counts_from_the_first_decision_minus_the_time_out(tree):
    events = [
        (EventKind.ADMISSION, D(1980, 3, 1), D(1980, 2, 1)),
        (EventKind.EXPULSION, D(1985, 2, 1), None),
        (EventKind.READMISSION, D(1990, 3, 1), D(1990, 2, 1)),
    ]
    assert memberships(events) == [(D(1980, 2, 1), D(1985, 2, 1)), (D(1990, 2, 1), None)]
    rows = rows_of(events, [(D(1980, 3, 1), D(1985, 2, 1)), (D(1990, 3, 1), None)])

    # Five years out (01/02/1985 - 01/02/1990, 1,826 days): counted as if from 1,826 days after
    # 01/02/1980, i.e. 31/01/1985 (the gap is counted in days; 1980 and 1984 had 29 February).
    assert D(1990, 2, 1) - D(1985, 2, 1) == datetime.timedelta(days=1826)
    assert rows[1][-2] == D(1985, 1, 31)
    assert party_age_on(Period(rows[1]), D(2015, 1, 31)) == (30, D(1985, 1, 31))
    assert party_age_on(Period(rows[1]), D(2015, 1, 30)) == (29, D(1985, 1, 31))


def test_only_official_members_have_a_party_age():
    (row,) = rows_of([(EventKind.ADMISSION, D(1990, 1, 1), None)], [(D(1990, 1, 1), None)])

    assert party_age_on(Period(row, status="du_bi"), D(2020, 1, 1)) == (None, None)
    assert party_age_on(Period(row), D(2020, 1, 1)) == (30, D(1990, 1, 1))


def test_a_member_whose_membership_ended_has_no_party_age():
    events = [(EventKind.ADMISSION, D(1980, 1, 1), None), (EventKind.REMOVAL, D(2000, 1, 1), None)]
    (row,) = rows_of(events, [(D(1980, 1, 1), D(2000, 1, 1))])

    assert party_age_on(None, D(2010, 1, 1)) == (None, None)  # no period covers the day
    assert party_age_on(Period(row), D(1999, 12, 31)) == (19, D(1980, 1, 1))


def test_a_probationary_readmitted_member_is_not_listed_for_a_badge(tree):
    member = make_member(full_name="Vũ Văn Chờ", birth_date=D(1940, 1, 1))
    member_admit_outside(member=member, other_party="Đảng bộ huyện", ceremony_date=D(1960, 2, 3))
    member_recognise(member=member, decision_date=D(1961, 3, 1))
    member_end(member=member, kind=EventKind.REMOVAL, on=D(2010, 2, 3), ground=EndingGround.WANING)
    member_admit_outside(
        member=member, other_party="Đảng bộ huyện", ceremony_date=D(2015, 6, 1), readmission=True
    )
    member_transfer_in(member=member, to=tree["cb1"], from_party="Đảng bộ huyện", on=D(2015, 7, 1))

    # 50 years in the Party minus the gap, but probationary again until 01/06/2016.
    assert due_names(D(2016, 2, 3)) == []
    member_recognise(member=member, decision_date=D(2016, 6, 10))
    assert due_names(D(2016, 9, 2)) == [("Vũ Văn Chờ", 50, 51)]


def test_the_badge_due_page_and_its_xlsx_flag_an_unknown_milestone(tree, admin_client):
    import io

    import openpyxl
    from django.urls import reverse

    member = make_member(full_name="Đỗ Văn Xưa", birth_date=D(1950, 1, 1))
    member_admit_outside(member=member, other_party="Đảng bộ huyện", ceremony_date=D(1975, 1, 1))
    member_recognise(member=member, decision_date=D(1976, 2, 1))
    member_transfer_in(member=member, to=tree["cb1"], from_party="Đảng bộ huyện", on=D(2010, 3, 1))
    url = reverse("admin:members_partybadge_due")

    page = admin_client.get(url, {"ngay": "03/02/2014"}).content.decode()
    assert '<strong class="unknown-flag">Chưa rõ</strong>' in page
    assert "1 chưa rõ" in page and "overdue-flag" not in page
    book = openpyxl.load_workbook(
        io.BytesIO(admin_client.get(url, {"ngay": "03/02/2014", "xuat": "xlsx"}).content)
    )
    rows = [row for row in book.active.iter_rows(values_only=True) if "Đỗ Văn Xưa" in row]
    assert len(rows) == 1 and rows[0][-1].startswith("Chưa rõ")
