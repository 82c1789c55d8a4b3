import datetime

import pytest
from django.core.exceptions import ValidationError

from members.models import ExemptionGround, MemberRating, SickLeave
from members.quality import rating_checks
from members.queries import periods_to_rate
from members.services import (
    member_admit,
    member_exempt,
    member_ratings_save,
    member_suspend,
    member_transfer,
)
from partyblock.core import rating_schemes
from tests.members.conftest import make_member

D = datetime.date


ADMITTED = D(2010, 5, 19)


def admit(name, chi_bo, ceremony=ADMITTED):
    member = make_member(full_name=name)
    member_admit(member=member, organisation=chi_bo, ceremony_date=ceremony)
    return member


def given(periods):
    return sorted(p.member.full_name.rsplit(" ", 1)[-1] for p in periods)


# --- schemes -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("subject", "year", "code", "level"),
    [
        (rating_schemes.MEMBER, 2013, "dtc_xuat_sac", 1),
        (rating_schemes.MEMBER, 2013, "vi_pham", 4),
        (rating_schemes.MEMBER, 2016, "httnv", 2),
        (rating_schemes.MEMBER, 2019, "khtnv", 4),
        (rating_schemes.ORGANISATION, 2017, "tsvm", 1),
        (rating_schemes.ORGANISATION, 2017, "yeu_kem", 4),
        (rating_schemes.ORGANISATION, 2018, "htxsnv", 1),
        (rating_schemes.MEMBER, 2025, "htnv", 3),
    ],
)
def test_each_category_maps_to_its_level_in_its_years(subject, year, code, level):
    assert rating_schemes.resolve(subject, year, code).level == level


def test_a_category_outside_its_years_is_refused_with_the_valid_ones_named():
    with pytest.raises(ValueError) as refused:
        rating_schemes.resolve(rating_schemes.ORGANISATION, 2019, "tsvm")
    assert str(refused.value) == (
        "Loại “Trong sạch, vững mạnh” không dùng để xếp loại tổ chức đảng năm 2019 (theo QĐ 132-QĐ/TW, HD 16-HD/BTCTW, "
        "QĐ 124-QĐ/TW: Hoàn thành xuất sắc nhiệm vụ, Hoàn thành tốt nhiệm vụ, Hoàn thành nhiệm vụ, "
        "Không hoàn thành nhiệm vụ)."
    )


@pytest.mark.parametrize(
    ("subject", "year", "text", "code"),
    [
        (rating_schemes.MEMBER, 2019, "HTXSNV", "htxsnv"),
        (rating_schemes.MEMBER, 2019, "hoàn thành tốt nhiệm vụ", "httnv"),
        (rating_schemes.MEMBER, 2019, "HOAN THANH NHIEM VU", "htnv"),
        (rating_schemes.MEMBER, 2012, "Đủ tư cách, hoàn thành tốt nhiệm vụ", "dtc_tot"),
        (rating_schemes.ORGANISATION, 2016, "TSVM", "tsvm"),
        (rating_schemes.ORGANISATION, 2016, "Trong sạch, vững mạnh", "tsvm"),
    ],
)
def test_typed_categories_are_read_in_full_or_abbreviated(subject, year, text, code):
    assert rating_schemes.parse(subject, year, text).code == code


def test_member_rating_form_refuses_a_category_of_another_year(tree):
    member = admit("Nguyễn Văn An", tree["cb1"])
    rating = MemberRating(member=member, year=2019, category="dtc_tot")
    with pytest.raises(ValidationError) as refused:
        rating.full_clean()
    assert refused.value.message_dict["category"][0].startswith(
        "Loại “Đủ tư cách, hoàn thành tốt nhiệm vụ” không dùng để xếp loại đảng viên năm 2019"
    )


def test_score_is_accepted_only_from_2025(tree):
    member = admit("Nguyễn Văn An", tree["cb1"])
    with pytest.raises(ValidationError) as refused:
        member_ratings_save(year=2019, choices={member.pk: ("htxsnv", "92")})
    assert refused.value.messages == ["Nguyễn Văn An: năm 2019 chưa chấm điểm khi xếp loại (từ năm 2025)."]
    member_ratings_save(year=2025, choices={member.pk: ("htxsnv", "92,5")})
    assert MemberRating.objects.get(year=2025).score == 92.5


# --- who must be rated ---------------------------------------------------------------------------
def test_who_must_be_rated_leaves_out_exempt_suspended_and_recently_admitted(tree):
    admit("Nguyễn Văn An", tree["cb1"])
    exempt = admit("Nguyễn Văn Bình", tree["cb1"])
    member_exempt(member=exempt, on=D(2019, 10, 1), ground=ExemptionGround.AGE)
    suspended = admit("Nguyễn Văn Cường", tree["cb1"])
    member_suspend(member=suspended, on=D(2019, 11, 1), until=D(2020, 2, 1))
    admit("Nguyễn Văn Dũng", tree["cb1"], ceremony=D(2019, 7, 1))  # under 6 months by 31/12
    admit("Nguyễn Văn Giang", tree["cb1"], ceremony=D(2019, 6, 30))  # exactly 6 months

    assert given(periods_to_rate(2019)) == ["An", "Giang"]


def test_a_member_transferred_during_the_year_is_rated_by_the_receiving_chi_bo(tree):
    member = admit("Nguyễn Văn An", tree["cb1"])
    member_transfer(member=member, to=tree["cbcs"], on=D(2019, 9, 1))

    assert given(periods_to_rate(2019, within=tree["cbcs"])) == ["An"]
    assert given(periods_to_rate(2019, within=tree["dbcs"])) == []
    member_ratings_save(year=2019, choices={member.pk: ("httnv", None)})
    rating = MemberRating.objects.get()
    assert (rating.organisation, rating.tccs, rating.level) == (tree["cbcs"], tree["cbcs"], 2)


def test_bulk_save_writes_all_rows_or_none(tree):
    an = admit("Nguyễn Văn An", tree["cb1"])
    binh = admit("Nguyễn Văn Bình", tree["cb2"])
    with pytest.raises(ValidationError) as refused:
        member_ratings_save(year=2019, choices={an.pk: ("htxsnv", None), binh.pk: ("tsvm", None)})
    assert refused.value.messages[0].startswith(
        "Nguyễn Văn Bình: Loại “tsvm” không dùng để xếp loại đảng viên năm 2019"
    )
    assert MemberRating.objects.count() == 0

    saved = member_ratings_save(year=2019, choices={an.pk: ("htxsnv", None), binh.pk: ("httnv", None)})
    assert (saved.created, saved.updated, saved.cleared) == (2, 0, 0)
    saved = member_ratings_save(year=2019, choices={an.pk: ("htxsnv", None), binh.pk: ("", None)})
    assert (saved.created, saved.updated, saved.cleared, saved.unchanged) == (0, 0, 1, 1)
    assert list(MemberRating.objects.values_list("member__full_name", "category")) == [
        ("Nguyễn Văn An", "htxsnv")
    ]


def test_bulk_save_refuses_someone_who_need_not_be_rated(tree):
    an = admit("Nguyễn Văn An", tree["cb1"])
    newcomer = admit("Trần Văn Mới", tree["cb1"], ceremony=D(2019, 11, 1))
    with pytest.raises(ValidationError) as refused:
        member_ratings_save(year=2019, choices={an.pk: ("httnv", None), newcomer.pk: ("httnv", None)})
    assert refused.value.messages == ["Không thuộc diện xếp loại năm 2019: Trần Văn Mới."]
    assert MemberRating.objects.count() == 0


# --- data-quality checks -------------------------------------------------------------------------
def findings(year):
    return {check.key: check.findings for check in rating_checks(year)}


def test_each_check_finds_its_planted_case_and_nothing_else(tree):
    # Đảng bộ Sở A: 2 excellent for 5 good is over 20% (at most 1).
    people = [admit(f"Trần Văn Số{n}", tree["cb1"]) for n in range(7)]
    choices = {m.pk: ("htxsnv" if n < 2 else "httnv", None) for n, m in enumerate(people)}
    # Chi bộ Sở B: within the cap; one failing two years running; one long sick leave rated good.
    failing = admit("Lê Văn Hỏng", tree["cbcs"])
    sick = admit("Lê Thị Ốm", tree["cbcs"])
    unrated = admit("Lê Văn Quên", tree["cbcs"])
    SickLeave.objects.create(member=sick, starts_on=D(2019, 2, 1), ends_on=D(2019, 5, 31))
    member_ratings_save(year=2018, choices={failing.pk: ("khtnv", None)})
    member_ratings_save(year=2019, choices={**choices, failing.pk: ("khtnv", None), sick.pk: ("httnv", None)})

    found = findings(2019)
    assert [(f.tccs, f.excellent, f.good, f.allowed) for f in found["tran_20"]] == [(tree["dbcs"], 2, 5, 1)]
    assert [p.member for p in found["chua_xep_loai"]] == [unrated]
    assert found["khong_phai_dang_vien"] == []
    assert [r.member for r in found["hai_nam_khong_hoan_thanh"]] == [failing]
    assert [(r.member, r.sick_days) for r in found["nghi_om"]] == [(sick, 120)]


def test_rating_of_someone_no_longer_a_member_is_found(tree):
    from members.models import EventKind
    from members.services import member_end

    member = admit("Nguyễn Văn An", tree["cb1"])
    member_ratings_save(year=2019, choices={member.pk: ("httnv", None)})
    member_end(member=member, kind=EventKind.DEATH, on=D(2019, 12, 1))  # recorded after the rating

    assert [r.member for r in findings(2019)["khong_phai_dang_vien"]] == [member]


def test_a_category_typed_without_its_last_words_nhiem_vu_is_read_as_offices_write_it():
    """Offices write "Hoàn thành tốt" for "Hoàn thành tốt nhiệm vụ" (review F9); each short form
    names one category of the year's scheme."""
    from partyblock.core import rating_schemes

    typed = [
        "Hoàn thành xuất sắc",
        "hoàn thành tốt",
        "Hoàn thành",
        "Không hoàn thành",
        "Đủ tư cách, hoàn thành tốt",
    ]
    years = [2020, 2020, 2020, 2020, 2012]
    assert [
        rating_schemes.parse(rating_schemes.MEMBER, y, t).code for y, t in zip(years, typed, strict=True)
    ] == [
        "htxsnv",
        "httnv",
        "htnv",
        "khtnv",
        "dtc_tot",
    ]
    with pytest.raises(ValueError, match="Loại “Hoàn thành tốt lắm”"):
        rating_schemes.parse(rating_schemes.MEMBER, 2020, "Hoàn thành tốt lắm")
