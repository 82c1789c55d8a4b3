"""Rating, award, task, meeting and document figures on small hand-made data."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from members.models import Award, AwardForm, IssuingBody
from members.services import member_admit, member_ratings_save
from partyblock.reports.figures import Scope, compute_all
from tests.conftest import make_organisation
from tests.members.conftest import make_member
from units.models import (
    BreakthroughTask,
    Document,
    DocumentKind,
    Meeting,
    OrganisationKind,
    OrganisationRating,
    Term,
)
from units.queries import organisations_to_rate
from units.services import organisation_ratings_save

D = datetime.date
KEYS = [
    "member_good_or_better_pct_by_year",
    "tccs_good_or_better_pct_by_year",
    "tccs_good_or_better_avg_pct",
    "tccs_flag_awards",
    "tccs_province_certificates",
    "tccs_bloc_certificates",
    "breakthrough_tasks",
    "meeting_attendance_pct",
    "conclusions",
    "resolutions",
]


@pytest.fixture
def term(db):
    return Term.objects.create(
        label="2015-2020", congress_ordinal="VIII", starts_on=D(2015, 7, 15), ends_on=D(2020, 7, 31)
    )


def test_organisations_founded_under_six_months_before_year_end_are_not_rated(tree):
    late = make_organisation("SOC", OrganisationKind.CHI_BO_CO_SO, tree["bloc"], founded_on=D(2019, 7, 1))
    on_time = make_organisation("SOD", OrganisationKind.CHI_BO_CO_SO, tree["bloc"], founded_on=D(2019, 6, 30))
    rated = set(organisations_to_rate(2019))
    assert on_time in rated
    assert late not in rated
    assert rated == {tree["dbcs"], tree["cb1"], tree["cb2"], tree["cbcs"], on_time}


def test_organisation_ratings_refuse_a_category_of_another_scheme(tree):
    with pytest.raises(ValidationError) as refused:
        organisation_ratings_save(year=2018, choices={tree["cbcs"].pk: ("tsvm", None)})
    assert refused.value.messages[0].startswith(
        "Chi bộ Sở B: Loại “Trong sạch, vững mạnh” không dùng để xếp loại tổ chức đảng năm 2018"
    )
    assert OrganisationRating.objects.count() == 0


def test_rating_figures_per_year_and_average(tree, term):
    members = []
    for n in range(4):
        member = make_member(full_name=f"Nguyễn Văn Số{n}")
        member_admit(member=member, organisation=tree["cb1"], ceremony_date=D(2010, 1, 1))
        members.append(member)
    # 2015: 3 of 4 good or better; 2016: all 4.
    member_ratings_save(
        year=2015, choices={m.pk: ("httnv" if i else "htnv", None) for i, m in enumerate(members)}
    )
    member_ratings_save(
        year=2016, choices={m.pk: ("htxsnv" if i == 0 else "httnv", None) for i, m in enumerate(members)}
    )
    # TCCS: 2015 one of two good (50%), 2016 both (100%): average 75%.
    organisation_ratings_save(
        year=2015, choices={tree["dbcs"].pk: ("tsvm", None), tree["cbcs"].pk: ("htnv", None)}
    )
    organisation_ratings_save(
        year=2016, choices={tree["dbcs"].pk: ("httnv", None), tree["cbcs"].pk: ("tsvm", None)}
    )
    # A chi bộ trực thuộc's rating is not a TCCS rating.
    organisation_ratings_save(year=2017, choices={tree["cb1"].pk: ("yeu_kem", None)})

    figures = compute_all(Scope.for_term(term), KEYS[:3])
    assert figures == {
        "member_good_or_better_pct_by_year": {
            "2015": 75.0,
            "2016": 100.0,
            "2017": None,
            "2018": None,
            "2019": None,
        },
        "tccs_good_or_better_pct_by_year": {
            "2015": 50.0,
            "2016": 100.0,
            "2017": None,
            "2018": None,
            "2019": None,
        },
        "tccs_good_or_better_avg_pct": 75.0,
    }
    within = compute_all(Scope.for_year(2015, organisation=tree["cbcs"]), KEYS[:3])
    assert within == {
        "member_good_or_better_pct_by_year": {"2015": None},
        "tccs_good_or_better_pct_by_year": {"2015": 0.0},
        "tccs_good_or_better_avg_pct": 0.0,
    }


def test_award_task_meeting_and_document_figures(tree, term):
    forms = {f.code: f for f in AwardForm.objects.all()}
    bodies = {b.code: b for b in IssuingBody.objects.all()}

    def award(form, body, organisation, decided):
        Award.objects.create(
            form=forms[form],
            body=bodies[body],
            organisation=organisation,
            decision_number="1-QĐ/TU",
            decision_date=decided,
            year=decided.year - 1,
        )

    award("co-thi-dua", "tinh-uy", tree["dbcs"], D(2016, 1, 20))
    award("co-thi-dua", "tinh-uy", tree["dbcs"], D(2018, 1, 20))  # the same TCCS twice: one TCCS
    award("co-thi-dua", "tinh-uy", tree["cb1"], D(2018, 1, 20))  # a chi bộ trực thuộc: not a TCCS
    award("bang-khen", "tinh-uy", tree["cbcs"], D(2017, 2, 1))
    award("bang-khen", "tinh-uy", tree["cbcs"], D(2019, 2, 1))
    award("bang-khen", "tinh-uy", tree["cbcs"], D(2015, 2, 1))  # before the term
    award("giay-khen", "btv-dang-uy-khoi", tree["dbcs"], D(2017, 2, 1))
    award("giay-khen", "tinh-uy", tree["dbcs"], D(2017, 2, 1))  # another body
    BreakthroughTask.objects.create(organisation=tree["dbcs"], year=2016, title="Cải cách hành chính")
    BreakthroughTask.objects.create(organisation=tree["cb1"], year=2020, title="Sinh hoạt chi bộ")
    BreakthroughTask.objects.create(organisation=tree["cb1"], year=2021, title="Sau nhiệm kỳ")
    Meeting.objects.create(organisation=tree["cb1"], held_on=D(2016, 3, 5), expected=10, present=9)
    Meeting.objects.create(organisation=tree["cbcs"], held_on=D(2016, 3, 5), expected=20, present=19)
    Meeting.objects.create(organisation=tree["cbcs"], held_on=D(2014, 3, 5), expected=20, present=1)  # before
    Document.objects.create(
        kind=DocumentKind.CONCLUSION, number="01-KL/ĐUK", issued_on=D(2016, 1, 1), title="A"
    )
    Document.objects.create(
        kind=DocumentKind.RESOLUTION, number="01-NQ/ĐUK", issued_on=D(2015, 1, 1), title="B"
    )

    figures = compute_all(Scope.for_term(term), KEYS[3:])
    assert figures == {
        "tccs_flag_awards": 1,
        "tccs_province_certificates": 2,
        "tccs_bloc_certificates": 1,
        "breakthrough_tasks": 2,
        "meeting_attendance_pct": 93.3,
        "conclusions": 1,
        "resolutions": 0,
    }
    assert compute_all(Scope.for_term(term, organisation=tree["cbcs"]), ["meeting_attendance_pct"]) == {
        "meeting_attendance_pct": 95.0
    }


def test_meeting_present_cannot_exceed_expected(tree):
    meeting = Meeting(organisation=tree["cb1"], held_on=D(2016, 3, 5), expected=5, present=6)
    with pytest.raises(ValidationError) as refused:
        meeting.full_clean()
    assert refused.value.messages == ["Số đảng viên dự không thể nhiều hơn số phải dự."]
