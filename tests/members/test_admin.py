import datetime
import io

import pytest
from django.urls import reverse

from members import services
from members.models import EventKind, Member, MemberEvent, MembershipPeriod
from tests.conftest import inline_management, make_organisation, page_queries
from units.models import OrganisationKind

CHANGELIST = reverse("admin:members_member_changelist")
ADD = reverse("admin:members_member_add")


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser("quantri", password="mat-khau-thu")
    client.force_login(user)
    return client


def admitted(name, chi_bo, birth=datetime.date(1985, 6, 1), ceremony=datetime.date(2010, 5, 19), **profile):
    member = services.member_create(
        full_name=name, gender=profile.pop("gender", "nam"), birth_date=birth, **profile
    )
    services.member_admit(member=member, organisation=chi_bo, ceremony_date=ceremony)
    return member


def listed_names(response):
    return [row.full_name for row in response.context["cl"].result_list]


def add_member_payload(**overrides):
    payload = {
        "full_name": "Trần Thị Bích",
        "gender": "nu",
        "birth_date": "03/04/1990",
        "ethnicity": "Kinh",
        "religion": "Không",
        "theory_level": "",
        **inline_management("events", total=1),
        **inline_management("cards"),
        **inline_management("periods"),
    }
    payload.update(overrides)
    return payload


def test_search_ignores_diacritics_and_case(staff, tree):
    admitted("Nguyễn Văn An", tree["cb1"])
    admitted("Lê Minh Đức", tree["cb1"])
    admitted("Nguyễn Văn Anh", tree["cb2"])

    assert listed_names(staff.get(CHANGELIST, {"q": "nguyen van an"})) == ["Nguyễn Văn An", "Nguyễn Văn Anh"]
    assert listed_names(staff.get(CHANGELIST, {"q": "duc"})) == ["Lê Minh Đức"]
    assert listed_names(staff.get(CHANGELIST, {"q": "ĐỨC"})) == ["Lê Minh Đức"]
    assert listed_names(staff.get(CHANGELIST, {"q": "van anh"})) == ["Nguyễn Văn Anh"]


def test_search_finds_national_id_and_card_number(staff, tree):
    member = admitted("Phạm Thị Hoa", tree["cb1"], national_id="030190001234", gender="nu")
    services.member_recognise(member=member, decision_date=datetime.date(2011, 6, 1))  # cards: official only
    services.card_issue(member=member, number="30.123456", issued_on=datetime.date(2012, 1, 1))
    admitted("Phạm Thị Hoà", tree["cb1"], gender="nu")

    assert listed_names(staff.get(CHANGELIST, {"q": "030190001234"})) == ["Phạm Thị Hoa"]
    assert listed_names(staff.get(CHANGELIST, {"q": "30.123456"})) == ["Phạm Thị Hoa"]


def test_changelist_sorts_by_given_name_then_family_with_vietnamese_collation(staff, tree):
    for name in [
        "Trần Văn Đức",
        "Lê Thị Ánh",
        "Nguyễn Văn Dũng",
        "Bùi Thị Ân",
        "Vũ Văn An",
        "Đỗ Thị Ăn",
        "Đào Văn An",
    ]:
        admitted(name, tree["cb1"])

    assert listed_names(staff.get(CHANGELIST)) == [
        "Đào Văn An",  # An: family names Đào < Vũ (đ after d, before v)
        "Vũ Văn An",
        "Lê Thị Ánh",  # Ánh after An (primary letters first, tones later)
        "Đỗ Thị Ăn",  # ă after a
        "Bùi Thị Ân",  # â after ă
        "Nguyễn Văn Dũng",
        "Trần Văn Đức",  # đ after d
    ]


def test_changelist_filters_by_grassroots_organisation_and_status(staff, tree):
    admitted("Nguyễn Văn An", tree["cb1"])
    admitted("Nguyễn Văn Bình", tree["cbcs"])
    gone = admitted("Nguyễn Văn Cường", tree["cb2"])
    services.member_end(member=gone, kind=EventKind.DEATH, on=datetime.date(2020, 1, 1))

    assert listed_names(staff.get(CHANGELIST, {"tccs": tree["dbcs"].pk})) == ["Nguyễn Văn An"]
    assert listed_names(staff.get(CHANGELIST, {"tinh_trang": "da_ket_thuc"})) == ["Nguyễn Văn Cường"]
    assert listed_names(staff.get(CHANGELIST, {"tinh_trang": "du_bi"})) == [
        "Nguyễn Văn An",
        "Nguyễn Văn Bình",
    ]
    assert listed_names(staff.get(CHANGELIST, {"nam_ket_nap": "2010", "tinh_trang": "tat_ca"})) == [
        "Nguyễn Văn An",
        "Nguyễn Văn Bình",
        "Nguyễn Văn Cường",
    ]


def test_the_list_and_its_export_open_on_the_members_of_today_and_a_search_finds_everyone(staff, tree):
    """A member list is read as today's members (review F18: the export listed the departed as if
    current); "Tất cả" and a search by name reach those who left."""
    from openpyxl import load_workbook

    admitted("Nguyễn Văn An", tree["cb1"])
    gone = admitted("Nguyễn Văn Cường", tree["cb2"])
    services.member_end(member=gone, kind=EventKind.DEATH, on=datetime.date(2020, 1, 1))

    page = staff.get(CHANGELIST)
    assert listed_names(page) == ["Nguyễn Văn An"]
    assert "Đang sinh hoạt trong Khối" in page.content.decode()
    assert listed_names(staff.get(CHANGELIST, {"tinh_trang": "tat_ca"})) == [
        "Nguyễn Văn An",
        "Nguyễn Văn Cường",
    ]
    assert listed_names(staff.get(CHANGELIST, {"q": "cuong"})) == ["Nguyễn Văn Cường"]
    assert listed_names(staff.get(CHANGELIST, {"q": "cuong", "tinh_trang": "trong_khoi"})) == []

    def exported(params):
        response = staff.get(reverse("admin:members_member_export"), params)
        sheet = load_workbook(io.BytesIO(response.content)).active
        return [value for row in sheet.iter_rows(values_only=True) for value in row if value in names]

    names = {"Nguyễn Văn An", "Nguyễn Văn Cường"}
    assert exported({}) == ["Nguyễn Văn An"]
    assert exported({"tinh_trang": "tat_ca"}) == ["Nguyễn Văn An", "Nguyễn Văn Cường"]


def test_member_changelist_queries_do_not_grow_with_rows(staff, tree):
    admitted("Nguyễn Văn Mở", tree["cb1"])
    one = page_queries(staff, CHANGELIST)
    for number in range(29):
        member = admitted(f"Trần Văn Số{number}", tree["cb2" if number % 2 else "cb1"])
        services.member_recognise(member=member, decision_date=datetime.date(2011, 6, 1))
        services.card_issue(member=member, number=f"30.{number:06d}", issued_on=datetime.date(2012, 1, 1))
    assert Member.objects.count() == 30
    assert page_queries(staff, CHANGELIST) == one


def test_the_member_list_names_each_chi_bo_with_its_tccs_through_a_dang_bo_bo_phan(staff, tree):
    """A chi bộ under a đảng bộ bộ phận is named with its TCCS (not the bộ phận), like every
    chooser (`units.placing.placed`), and the list's queries do not grow for it."""
    part = make_organisation(
        "SOA-BP", OrganisationKind.DANG_BO_BO_PHAN, tree["dbcs"], name="Đảng bộ bộ phận Y tế"
    )
    deep = make_organisation("SOA-BP-1", OrganisationKind.CHI_BO_TRUC_THUOC, part, name="Chi bộ Khoa Nội")
    admitted("Nguyễn Văn Mở", tree["cb1"])
    one = page_queries(staff, CHANGELIST)
    admitted("Lê Thị Sâu", deep)
    page = staff.get(CHANGELIST).content.decode()
    assert "Chi bộ Khoa Nội — Đảng bộ Sở A" in page
    assert "Chi bộ Văn phòng — Đảng bộ Sở A" in page
    assert page_queries(staff, CHANGELIST) == one


def test_organisation_changelist_queries_do_not_grow_with_rows(staff, bloc):
    make_organisation("CB01", OrganisationKind.CHI_BO_CO_SO, bloc)
    url = reverse("admin:units_organisation_changelist")
    one = page_queries(staff, url)
    for number in range(2, 30):
        chi_bo = make_organisation(f"CB{number:02d}", OrganisationKind.CHI_BO_CO_SO, bloc)
        admitted(f"Lê Văn Số{number}", chi_bo)
    assert page_queries(staff, url) == one


def test_organisation_changelist_counts_members_below_each_row(staff, tree):
    admitted("Nguyễn Văn An", tree["cb1"])
    admitted("Nguyễn Văn Bình", tree["cb2"])
    admitted("Nguyễn Văn Cường", tree["cbcs"])
    response = staff.get(reverse("admin:units_organisation_changelist"))
    counts = {row.code: row.current_members for row in response.context["cl"].result_list}
    assert counts == {"KHOI": 3, "SOA": 2, "SOA-VP": 1, "SOA-KT": 1, "SOB": 1}


def test_add_form_reads_dates_day_first_and_records_admission(staff, tree):
    response = staff.post(
        ADD,
        add_member_payload(
            **{
                "events-0-kind": EventKind.ADMISSION,
                "events-0-date": "05/06/2015",
                "events-0-decision_date": "20-05-2015",
                "events-0-organisation": tree["cb1"].pk,
            }
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    member = Member.objects.get()
    assert member.birth_date == datetime.date(1990, 4, 3)
    event = member.events.get()
    assert (event.date, event.decision_date) == (datetime.date(2015, 6, 5), datetime.date(2015, 5, 20))
    assert list(MembershipPeriod.objects.values_list("organisation", "starts_on", "ends_on")) == [
        (tree["cb1"].pk, datetime.date(2015, 6, 5), None)
    ]

    page = staff.get(reverse("admin:members_member_change", args=[member.pk])).content.decode()
    assert 'value="03/04/1990"' in page
    assert 'value="05/06/2015"' in page


def test_add_form_refuses_an_underage_admission_and_writes_nothing(staff, tree):
    response = staff.post(
        ADD,
        add_member_payload(
            birth_date="01/01/2000",
            **{
                "events-0-kind": EventKind.ADMISSION,
                "events-0-date": "01/06/2017",
                "events-0-organisation": tree["cb1"].pk,
            },
        ),
    )
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors() == [
        "Kết nạp ngày 01/06/2017: người được kết nạp phải đủ 18 tuổi (ngày 01/06/2017 mới 17 tuổi)."
    ]
    assert Member.objects.count() == 0
    assert MemberEvent.objects.count() == 0


def test_change_form_warns_about_admission_over_sixty(staff, tree):
    response = staff.post(
        ADD,
        add_member_payload(
            birth_date="01/01/1950",
            **{
                "events-0-kind": EventKind.ADMISSION,
                "events-0-date": "01/06/2015",
                "events-0-organisation": tree["cb1"].pk,
            },
        ),
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert (
        "Kết nạp ngày 01/06/2015: người được kết nạp đã 65 tuổi 5 tháng (quá 60 tuổi): cần ý kiến đồng ý của Tỉnh ủy."
        in messages
    )
    assert Member.objects.count() == 1


def test_members_and_organisations_cannot_be_deleted_from_the_admin(staff, tree):
    member = admitted("Nguyễn Văn An", tree["cb1"])
    assert staff.get(reverse("admin:members_member_delete", args=[member.pk])).status_code == 403
    assert staff.get(reverse("admin:units_organisation_delete", args=[tree["cb1"].pk])).status_code == 403
    assert Member.objects.count() == 1


def test_national_id_duplicate_names_the_other_member(staff, tree):
    admitted("Nguyễn Văn An", tree["cb1"], national_id="030085000001")
    response = staff.post(ADD, add_member_payload(national_id="030085000001", **inline_management("events")))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["national_id"] == [
        "Số CCCD 030085000001 đã thuộc về đảng viên Nguyễn Văn An (sinh 01/06/1985, chưa có thẻ đảng viên)."
    ]


def _organisation_form(organisation, **changes):
    values = {
        "code": organisation.code,
        "name": organisation.name,
        "kind": organisation.kind,
        "parent": organisation.parent_id or "",
        "agency": organisation.agency,
        "founded_on": organisation.founded_on.strftime("%d/%m/%Y") if organisation.founded_on else "",
        "dissolved_on": "",
        "merged_into": "",
    }
    for prefix in ("inspection_subjects", "supervision_subjects", "letter_subjects", "discipline_decisions"):
        values.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    return {**values, **changes}


@pytest.mark.django_db
def test_dissolving_a_chi_bo_with_members_in_the_admin_is_refused_on_the_form(staff, tree):
    admitted("Nguyễn Văn Hùng", tree["cb1"])
    url = reverse("admin:units_organisation_change", args=[tree["cb1"].pk])
    response = staff.post(url, _organisation_form(tree["cb1"], dissolved_on="01/01/2021"))
    assert response.status_code == 200
    assert "còn đảng viên sinh hoạt" in " ".join(response.context["adminform"].form.errors["dissolved_on"])
    tree["cb1"].refresh_from_db()
    assert tree["cb1"].dissolved_on is None


@pytest.mark.django_db
def test_merging_a_chi_bo_in_the_admin_moves_its_members(staff, tree):
    member = admitted("Nguyễn Văn Hùng", tree["cb1"])
    url = reverse("admin:units_organisation_change", args=[tree["cb1"].pk])
    form = _organisation_form(tree["cb1"], dissolved_on="01/01/2021", merged_into=tree["cb2"].pk)
    response = staff.post(url, form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    tree["cb1"].refresh_from_db()
    assert (tree["cb1"].dissolved_on, tree["cb1"].merged_into) == (datetime.date(2021, 1, 1), tree["cb2"])
    assert member.periods.order_by("starts_on").last().organisation == tree["cb2"]


def _as_posted(form):
    """The data a browser would send back for `form` unchanged."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        shown = form[name].field.widget.format_value(value)
        data[form.add_prefix(name)] = shown if shown is not None else value
    return data


def change_page_data(response):
    data = _as_posted(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_as_posted(formset.management_form))
        for form in formset.forms:
            data.update(_as_posted(form))
    return data


@pytest.mark.django_db
def test_a_card_added_in_the_admin_replaces_the_current_one(staff, tree):
    member = admitted("Nguyễn Văn Hùng", tree["cb1"])
    services.member_recognise(member=member, decision_date=datetime.date(2011, 6, 1))  # cards: official only
    services.card_issue(member=member, number="30.000001", issued_on=datetime.date(2011, 6, 1))
    url = reverse("admin:members_member_change", args=[member.pk])
    data = change_page_data(staff.get(url))
    total = int(data["cards-TOTAL_FORMS"])
    data.update(
        {
            "cards-TOTAL_FORMS": total + 1,
            f"cards-{total}-number": "30.000002",
            f"cards-{total}-issued_on": "01/06/2020",
        }
    )
    response = staff.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert list(member.cards.order_by("issued_on").values_list("number", "replaced_on")) == [
        ("30.000001", datetime.date(2020, 6, 1)),
        ("30.000002", None),
    ]


def test_the_tccs_filter_names_namesakes_with_their_code(staff, tree):
    make_organisation("SOA-2", OrganisationKind.DANG_BO_CO_SO, tree["bloc"], name="Đảng bộ Sở A")
    page = staff.get(CHANGELIST).content.decode()
    assert "Đảng bộ Sở A (SOA)" in page and "Đảng bộ Sở A (SOA-2)" in page
    assert f"{tree['cbcs'].name} ({tree['cbcs'].code})" not in page
