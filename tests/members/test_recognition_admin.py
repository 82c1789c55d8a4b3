import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from members.models import MemberRating, PartyBadge
from members.services import member_admit, member_admit_outside, member_recognise, member_transfer_in
from tests.conftest import page_queries
from tests.members.conftest import make_member
from units.models import Meeting, OrganisationRating

D = datetime.date
BULK = reverse("admin:members_memberrating_bulk")
CHECKS = reverse("admin:members_memberrating_checks")


@pytest.fixture
def staff(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("quantri", password="x"))
    return client


def admit_many(chi_bo, count, start=0):
    people = []
    for n in range(start, start + count):
        member = make_member(full_name=f"Trần Văn Số{n:02d}")
        member_admit(member=member, organisation=chi_bo, ceremony_date=D(2010, 1, 1))
        people.append(member)
    return people


def test_bulk_screen_lists_who_must_be_rated_with_that_years_categories(staff, tree):
    admit_many(tree["cb1"], 2)
    response = staff.get(BULK, {"to_chuc": tree["dbcs"].pk, "nam": 2016})
    form = response.context["form"]
    assert [row.cells[0] for row in form.rows] == ["Trần Văn Số00", "Trần Văn Số01"]
    field = form.fields[f"r_{form.rows[0].subject_id}"]
    assert [label for _, label in field.choices] == [
        "— chưa xếp loại —",
        "HTXSNV – Hoàn thành xuất sắc nhiệm vụ",
        "HTTNV – Hoàn thành tốt nhiệm vụ",
        "HTNV – Hoàn thành nhiệm vụ",
        "KHTNV – Không hoàn thành nhiệm vụ",
    ]


def test_bulk_screen_saves_every_row_or_none(staff, tree):
    an, binh = admit_many(tree["cb1"], 2)
    url = f"{BULK}?to_chuc={tree['dbcs'].pk}&nam=2016"
    bad = staff.post(url, {f"r_{an.pk}": "htxsnv", f"r_{binh.pk}": "tsvm"})  # tsvm is no member category
    assert bad.status_code == 200
    assert "tsvm" in str(bad.context["form"].errors[f"r_{binh.pk}"])
    assert MemberRating.objects.count() == 0

    good = staff.post(url, {f"r_{an.pk}": "htxsnv", f"r_{binh.pk}": "httnv"}, follow=True)
    assert [str(m) for m in good.context["messages"]] == [
        "Đã lưu xếp loại năm 2016: 2 mới, 0 sửa, 0 xóa, 0 không đổi."
    ]
    assert sorted(MemberRating.objects.values_list("member__full_name", "level")) == [
        ("Trần Văn Số00", 1),
        ("Trần Văn Số01", 2),
    ]
    prefilled = staff.get(url).context["form"]
    assert prefilled[f"r_{an.pk}"].value() == "htxsnv"


def test_bulk_screen_and_checks_page_queries_do_not_grow_with_members(staff, tree):
    admit_many(tree["cb1"], 1)
    bulk_one = page_queries(staff, BULK, to_chuc=tree["dbcs"].pk, nam=2016)
    checks_one = page_queries(staff, CHECKS, nam=2016)
    people = admit_many(tree["cb2"], 29, start=1)
    from members.services import member_ratings_save

    member_ratings_save(year=2016, choices={m.pk: ("httnv", None) for m in people})
    assert page_queries(staff, BULK, to_chuc=tree["dbcs"].pk, nam=2016) == bulk_one
    assert page_queries(staff, CHECKS, nam=2016) == checks_one


def test_organisation_bulk_screen_rates_the_tccs_or_one_tccs_with_its_chi_bo(staff, tree):
    url = reverse("admin:units_organisationrating_bulk")
    nothing = staff.get(url)
    assert nothing.context["form"].rows == [] and "errorlist" not in nothing.content.decode()

    every_tccs = staff.get(url, {"to_chuc": "tccs", "nam": 2017})
    assert [row.cells[0] for row in every_tccs.context["form"].rows] == ["Đảng bộ Sở A", "Chi bộ Sở B"]
    one_tccs = staff.get(url, {"to_chuc": tree["dbcs"].pk, "nam": 2017})
    assert [row.cells[0] for row in one_tccs.context["form"].rows] == [
        "Đảng bộ Sở A",
        "Chi bộ Văn phòng",
        "Chi bộ Kế toán",
    ]

    staff.post(
        f"{url}?to_chuc=tccs&nam=2017", {f"r_{tree['dbcs'].pk}": "tsvm", f"r_{tree['cbcs'].pk}": "yeu_kem"}
    )
    staff.post(
        f"{url}?to_chuc={tree['dbcs'].pk}&nam=2017",
        {f"r_{tree['dbcs'].pk}": "tsvm", f"r_{tree['cb1'].pk}": "httnv"},
    )
    assert sorted(OrganisationRating.objects.values_list("organisation__code", "level")) == [
        ("SOA", 1),
        ("SOA-VP", 2),
        ("SOB", 4),
    ]


def test_organisation_bulk_screen_queries_do_not_grow_with_organisations(staff, tree):
    from tests.conftest import make_organisation
    from units.models import OrganisationKind

    url = reverse("admin:units_organisationrating_bulk")
    one = page_queries(staff, url, to_chuc=tree["dbcs"].pk, nam=2017)
    every = page_queries(staff, url, to_chuc="tccs", nam=2017)
    for n in range(10):
        make_organisation(
            f"SOA-{n:02d}", OrganisationKind.CHI_BO_TRUC_THUOC, tree["dbcs"], name=f"Chi bộ {n}"
        )
        make_organisation(f"SO{n:02d}", OrganisationKind.CHI_BO_CO_SO, tree["bloc"], name=f"Chi bộ Sở {n}")
    assert len(staff.get(url, {"to_chuc": tree["dbcs"].pk, "nam": 2017}).context["form"].rows) == 13
    assert page_queries(staff, url, to_chuc=tree["dbcs"].pk, nam=2017) == one
    assert page_queries(staff, url, to_chuc="tccs", nam=2017) == every


def test_badge_due_page_lists_and_exports_the_same_rows(staff, tree):
    member = make_member(full_name="Nguyễn Văn Lâu", birth_date=D(1960, 1, 1))
    member_admit_outside(member=member, other_party="Đảng bộ huyện Thanh Hà", ceremony_date=D(1990, 5, 20))
    member_recognise(member=member, decision_date=D(1991, 6, 1))
    member_transfer_in(member=member, to=tree["cb1"], from_party="Đảng bộ huyện Thanh Hà", on=D(2005, 1, 1))
    url = reverse("admin:members_partybadge_due")

    page = staff.get(url, {"ngay": "02/09/2020"})
    assert [(d.member.full_name, d.milestone) for d in page.context["due"]] == [("Nguyễn Văn Lâu", 30)]
    export = staff.get(url, {"ngay": "02/09/2020", "xuat": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[2]][:6] == [
        1,
        "Nguyễn Văn Lâu",
        datetime.datetime(1960, 1, 1),
        "Chi bộ Văn phòng",
        30,
        "30 năm",
    ]

    not_award_day = staff.get(url, {"ngay": "03/09/2020"})
    assert not_award_day.context["chooser"].errors["ngay"] == [
        "03/09/2020 không phải ngày trao Huy hiệu Đảng; các đợt trao: 3/2, 19/5, 2/9, 7/11."
    ]
    PartyBadge.objects.create(member=member, years=30, awarded_on=D(2020, 9, 2))
    assert list(staff.get(url, {"ngay": "07/11/2020"}).context["due"]) == []


def test_meeting_list_shows_attendance_of_the_filtered_meetings(staff, tree):
    Meeting.objects.create(organisation=tree["cb1"], held_on=D(2016, 3, 5), expected=10, present=9)
    Meeting.objects.create(organisation=tree["cbcs"], held_on=D(2016, 3, 5), expected=10, present=6)
    url = reverse("admin:units_meeting_changelist")
    assert staff.get(url).context["attendance"] == {"present": 15, "expected": 20, "pct": 75.0}
    assert staff.get(url, {"tccs": tree["dbcs"].pk}).context["attendance"] == {
        "present": 9,
        "expected": 10,
        "pct": 90.0,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["memberrating", "organisationrating"])
def test_a_rating_form_without_a_year_shows_the_missing_field(staff, tree, model):
    """An empty year must be reported on the form, not end in a server error."""
    app = "members" if model == "memberrating" else "units"
    subject = {"member": ""} if model == "memberrating" else {"organisation": tree["dbcs"].pk}
    response = staff.post(reverse(f"admin:{app}_{model}_add"), {**subject, "year": "", "category": "htnv"})
    assert response.status_code == 200
    assert "year" in response.context["adminform"].form.errors


@pytest.mark.django_db
def test_award_list_finds_a_member_by_an_accented_name(staff, tree):
    """The award list (like the discipline list, through the same mixin) searches members as the
    member list does: "Nguyễn" with or without its accents."""
    from members.models import Award, AwardForm, IssuingBody

    member = make_member(full_name="Nguyễn Thị Hằng")
    member_admit(member=member, organisation=tree["cb1"], ceremony_date=datetime.date(2015, 3, 1))
    form = AwardForm.objects.create(code="giay-khen-thu", name="Giấy khen thử")
    body = IssuingBody.objects.create(code="co-quan-thu", name="Cơ quan thử")
    Award.objects.create(
        form=form,
        body=body,
        decision_number="1-QĐ",
        decision_date=datetime.date(2019, 1, 2),
        year=2018,
        member=member,
    )
    for query in ("Nguyễn Thị Hằng", "nguyen hang"):
        response = staff.get(reverse("admin:members_award_changelist"), {"q": query})
        assert response.context["cl"].result_count == 1, query
