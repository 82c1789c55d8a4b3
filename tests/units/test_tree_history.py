"""Issue 15: the tree has a history. Moves are dated; counts read the tree of the day they count;
bad moves are refused with a Vietnamese message and nothing written."""

import datetime
import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from members.queries import admissions_between, headcounts, members_as_of
from members.services import member_admit
from tests.conftest import make_organisation
from tests.members.conftest import make_member
from units.models import GRASSROOTS_KINDS, Organisation, OrganisationKind, Placement, TreeSpan
from units.queries import organisations_as_of
from units.services import organisation_move
from units.tree import derive, tree_rebuild

D = datetime.date
Kind = OrganisationKind
MOVED_ON = D(2022, 3, 1)


@pytest.fixture
def people(tree):
    """An in Chi bộ Văn phòng (Đảng bộ Sở A), Cường in Chi bộ Sở B, both admitted 10/01/2020."""
    found = {}
    for name, chi_bo in (("Nguyễn Văn An", "cb1"), ("Lê Văn Cường", "cbcs")):
        member = make_member(full_name=name)
        member_admit(member=member, organisation=tree[chi_bo], ceremony_date=D(2020, 1, 10))
        found[name.rsplit(" ", 1)[-1]] = member
    return found


@pytest.fixture
def second_dang_bo(tree):
    return make_organisation("SOC", Kind.DANG_BO_CO_SO, tree["bloc"], name="Đảng bộ Sở C")


def names(queryset):
    return [m.full_name.rsplit(" ", 1)[-1] for m in queryset]


def spans(organisation):
    return list(
        TreeSpan.objects.filter(organisation=organisation).values_list("starts_on", "ends_on", "path")
    )


def test_a_moved_chi_bo_counts_under_its_old_parent_before_and_its_new_one_after(
    tree, people, second_dang_bo
):
    organisation_move(organisation=tree["cb1"], parent=second_dang_bo, on=MOVED_ON)

    day_before, day_of = MOVED_ON - datetime.timedelta(days=1), MOVED_ON
    assert names(members_as_of(day_before, within=tree["dbcs"])) == ["An"]
    assert names(members_as_of(day_before, within=second_dang_bo)) == []
    assert names(members_as_of(day_of, within=tree["dbcs"])) == []
    assert names(members_as_of(day_of, within=second_dang_bo)) == ["An"]
    assert names(members_as_of(day_of, within=tree["cb1"])) == ["An"]
    assert headcounts([day_before, day_of], within=tree["dbcs"]) == {day_before: 1, day_of: 0}
    assert headcounts([day_before, day_of], within=second_dang_bo) == {day_before: 0, day_of: 1}
    assert list(
        organisations_as_of(day_before, [Kind.CHI_BO_TRUC_THUOC], within=tree["dbcs"]).order_by("code")
    ) == [tree["cb2"], tree["cb1"]]
    assert list(organisations_as_of(day_of, [Kind.CHI_BO_TRUC_THUOC], within=tree["dbcs"])) == [tree["cb2"]]
    # Admitted in 2020 under Sở A: still Sở A's admission after the move.
    assert admissions_between(D(2020, 1, 1), D(2020, 12, 31), within=tree["dbcs"]).count() == 1
    assert admissions_between(D(2020, 1, 1), D(2020, 12, 31), within=second_dang_bo).count() == 0


def test_a_move_ends_the_placement_and_derives_a_span_per_path(tree, second_dang_bo):
    bloc, dbcs, cb1 = tree["bloc"], tree["dbcs"], tree["cb1"]

    organisation_move(organisation=cb1, parent=second_dang_bo, on=MOVED_ON, decision_number="12-QĐ/ĐUK")

    cb1.refresh_from_db()
    assert list(cb1.placements.values_list("parent_id", "starts_on", "ends_on", "decision_number")) == [
        (dbcs.pk, None, MOVED_ON, ""),
        (second_dang_bo.pk, MOVED_ON, None, "12-QĐ/ĐUK"),
    ]
    base = f"{bloc.pk:06d}/"
    assert spans(cb1) == [
        (None, MOVED_ON, f"{base}{dbcs.pk:06d}/{cb1.pk:06d}/"),
        (MOVED_ON, None, f"{base}{second_dang_bo.pk:06d}/{cb1.pk:06d}/"),
    ]
    assert (cb1.parent, cb1.path) == (second_dang_bo, f"{base}{second_dang_bo.pk:06d}/{cb1.pk:06d}/")
    # Derived again from the placements, nothing changes.
    assert tree_rebuild() == (0, 0, 0)


def test_moving_a_dang_bo_moves_its_chi_bo_spans_with_it(tree):
    bloc, dbcs, cb2 = tree["bloc"], tree["dbcs"], tree["cb2"]
    province = make_organisation("TINH", Kind.PROVINCE, founded_on=D(2021, 1, 1), name="Đảng bộ tỉnh")

    organisation_move(organisation=dbcs, parent=province, on=MOVED_ON)

    assert spans(cb2) == [
        (None, MOVED_ON, f"{bloc.pk:06d}/{dbcs.pk:06d}/{cb2.pk:06d}/"),
        (MOVED_ON, None, f"{province.pk:06d}/{dbcs.pk:06d}/{cb2.pk:06d}/"),
    ]
    assert list(organisations_as_of(D(2022, 12, 31), GRASSROOTS_KINDS, within=province)) == [dbcs]
    assert list(organisations_as_of(D(2021, 12, 31), GRASSROOTS_KINDS, within=province)) == []


def refusal(**arguments):
    placements, spans_before = list(Placement.objects.values_list()), list(TreeSpan.objects.values_list())
    with pytest.raises(ValidationError) as excinfo:
        organisation_move(**arguments)
    assert list(Placement.objects.values_list()) == placements
    assert list(TreeSpan.objects.values_list()) == spans_before
    return excinfo.value.message_dict


def test_a_move_after_today_is_refused(tree, second_dang_bo):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert refusal(organisation=tree["cb1"], parent=second_dang_bo, on=tomorrow) == {
        "on": [f"Ngày chuyển {tomorrow:%d/%m/%Y} sau ngày hôm nay."]
    }


def test_a_move_below_itself_is_refused(tree):
    assert refusal(organisation=tree["dbcs"], parent=tree["dbcs"], on=MOVED_ON) == {
        "parent": ["Đảng bộ cơ sở không thể trực thuộc đảng bộ cơ sở (Đảng bộ Sở A)."]
    }
    bbp = make_organisation("SOA-BP", Kind.DANG_BO_BO_PHAN, tree["dbcs"], name="Đảng bộ bộ phận 1")
    cb = make_organisation("SOA-BP1", Kind.CHI_BO_TRUC_THUOC, bbp, name="Chi bộ 1")
    other = make_organisation("SOD", Kind.DANG_BO_CO_SO, tree["bloc"], name="Đảng bộ Sở D")
    organisation_move(organisation=bbp, parent=other, on=D(2021, 1, 1))
    assert refusal(organisation=cb, parent=bbp, on=D(2021, 1, 1)) == {
        "parent": ["Chi bộ 1 đã trực thuộc Đảng bộ bộ phận 1 vào ngày 01/01/2021."]
    }


def test_a_move_to_a_descendant_is_refused(tree):
    bbp = make_organisation("SOA-BP", Kind.DANG_BO_BO_PHAN, tree["dbcs"], name="Đảng bộ bộ phận 1")
    other_bbp = make_organisation("SOA-BP2", Kind.DANG_BO_BO_PHAN, tree["dbcs"], name="Đảng bộ bộ phận 2")
    # A đảng bộ bộ phận under a đảng bộ cơ sở only; the parent kind rule speaks first:
    assert refusal(organisation=bbp, parent=other_bbp, on=MOVED_ON) == {
        "parent": ["Đảng bộ bộ phận không thể trực thuộc đảng bộ bộ phận (Đảng bộ bộ phận 2)."]
    }
    chi_bo = make_organisation("SOA-BP-1", Kind.CHI_BO_TRUC_THUOC, bbp, name="Chi bộ 1")
    assert refusal(organisation=chi_bo, parent=chi_bo, on=MOVED_ON) == {
        "parent": ["Chi bộ trực thuộc không thể trực thuộc chi bộ trực thuộc (Chi bộ 1)."]
    }


def test_a_cycle_through_a_descendant_is_refused(bloc):
    # Kinds allow a đảng bộ cơ sở under a provincial committee only: build the cycle by placements.
    dbcs = make_organisation("SOA", Kind.DANG_BO_CO_SO, bloc, name="Đảng bộ Sở A")
    chi_bo = make_organisation("SOA-1", Kind.CHI_BO_TRUC_THUOC, dbcs, name="Chi bộ 1")
    Placement.objects.filter(organisation=dbcs).update(parent=chi_bo)
    with pytest.raises(ValidationError) as excinfo:
        tree_rebuild()
    assert excinfo.value.messages == [
        "Đảng bộ Sở A không thể trực thuộc chính nó hoặc tổ chức cấp dưới của nó."
    ]


def test_a_place_below_a_former_descendant_is_history_not_a_cycle():
    # A under B in 2000-2010, B under A from 2015 (R a root above both): legal history.
    A, B, R = 1, 2, 3
    placements = [
        (R, None, None, None),
        (A, B, D(2000, 1, 1), D(2010, 1, 1)),
        (A, R, D(2010, 1, 1), None),
        (B, R, None, D(2015, 1, 1)),
        (B, A, D(2015, 1, 1), None),
    ]
    spans, filing = derive(placements)
    assert spans[A] == [
        (D(2000, 1, 1), D(2010, 1, 1), "000003/000002/000001/"),
        (D(2010, 1, 1), None, "000003/000001/"),
    ]
    assert spans[B] == [
        (None, D(2015, 1, 1), "000003/000002/"),
        (D(2015, 1, 1), None, "000003/000001/000002/"),
    ]
    assert filing == {R: (None, "000003/"), A: (R, "000003/000001/"), B: (A, "000003/000001/000002/")}


def test_a_cycle_on_shared_days_is_refused_with_its_days():
    # A under B from 2000 until 2016, B under A from 2015: both hold in 2015.
    A, B, R = 1, 2, 3
    placements = [
        (R, None, None, None),
        (A, B, D(2000, 1, 1), D(2016, 1, 1)),
        (A, R, D(2016, 1, 1), None),
        (B, R, None, D(2015, 1, 1)),
        (B, A, D(2015, 1, 1), None),
    ]
    with pytest.raises(ValidationError) as excinfo:
        derive(placements, {A: "Đảng bộ A", B: "Đảng bộ B"})
    assert excinfo.value.messages == [
        "Đảng bộ A không thể trực thuộc chính nó hoặc tổ chức cấp dưới của nó (từ 01/01/2015 đến trước ngày 01/01/2016)."
    ]


def test_a_move_below_a_former_child_is_allowed(bloc):
    # A đảng bộ bộ phận of Sở A until 2015 becomes a đảng bộ cơ sở, and Sở A a part of it from 2020.
    soa = make_organisation("SOA", Kind.DANG_BO_CO_SO, bloc, name="Đảng bộ Sở A")
    part = make_organisation("SOA-BP", Kind.DANG_BO_BO_PHAN, soa, name="Đảng bộ bộ phận 1")
    Organisation.objects.filter(pk=part.pk).update(kind=Kind.DANG_BO_CO_SO)
    part.refresh_from_db()
    organisation_move(organisation=part, parent=bloc, on=D(2015, 1, 1))
    Organisation.objects.filter(pk=soa.pk).update(kind=Kind.DANG_BO_BO_PHAN)
    soa.refresh_from_db()

    organisation_move(organisation=soa, parent=part, on=D(2020, 1, 1))

    assert set(spans(soa)) == {
        (None, D(2020, 1, 1), f"{bloc.path}{soa.pk:06d}/"),
        (D(2020, 1, 1), None, f"{bloc.path}{part.pk:06d}/{soa.pk:06d}/"),
    }
    assert set(spans(part)) == {
        (None, D(2015, 1, 1), f"{bloc.path}{soa.pk:06d}/{part.pk:06d}/"),
        (D(2015, 1, 1), None, f"{bloc.path}{part.pk:06d}/"),
    }
    assert list(Organisation.objects.in_tree_on(D(2010, 1, 1), within=soa).order_by("pk")) == [soa, part]
    assert list(Organisation.objects.in_tree_on(D(2021, 1, 1), within=part).order_by("pk")) == [soa, part]


def test_a_move_before_a_later_placement_is_refused_as_an_overlap(tree, second_dang_bo):
    organisation_move(organisation=tree["cb1"], parent=second_dang_bo, on=MOVED_ON)
    assert refusal(organisation=tree["cb1"], parent=tree["dbcs"], on=D(2021, 6, 1)) == {
        "on": ["Chi bộ Văn phòng đã có giai đoạn trực thuộc từ ngày 01/03/2022, sau ngày 01/06/2021."]
    }


def test_overlapping_placements_are_refused(tree, second_dang_bo):
    Placement.objects.create(organisation=tree["cb1"], parent=second_dang_bo, starts_on=D(2021, 1, 1))
    with pytest.raises(ValidationError) as excinfo:
        tree_rebuild()
    assert excinfo.value.messages == [
        "Chi bộ Văn phòng: giai đoạn trực thuộc từ 01/01/2021 chồng lên giai đoạn từ ngày thành lập (chưa kết thúc)."
    ]


def test_a_move_into_an_organisation_not_yet_founded_is_refused(tree):
    later = make_organisation("SOE", Kind.DANG_BO_CO_SO, tree["bloc"], founded_on=D(2023, 1, 1))
    assert refusal(organisation=tree["cb1"], parent=later, on=MOVED_ON) == {
        "parent": ["Tổ chức SOE không hoạt động vào ngày 01/03/2022."]
    }


def test_move_organisation_command(tree, second_dang_bo):
    out = io.StringIO()
    call_command("move_organisation", "SOA-VP", "--to", "SOC", "--on", "01/03/2022", stdout=out)
    assert out.getvalue() == "Đã chuyển Chi bộ Văn phòng về trực thuộc Đảng bộ Sở C từ ngày 01/03/2022.\n"
    with pytest.raises(CommandError) as excinfo:
        call_command("move_organisation", "SOA-VP", "--to", "SOA-KT", "--on", "01/04/2022")
    assert str(excinfo.value) == "Chi bộ trực thuộc không thể trực thuộc chi bộ trực thuộc (Chi bộ Kế toán)."
    with pytest.raises(CommandError) as excinfo:
        call_command("move_organisation", "SOA-VP", "--to", "SOA", "--on", "2022-04-01")
    assert str(excinfo.value) == "--on: “2022-04-01” không phải ngày dạng dd/mm/yyyy."


def test_the_organisation_page_shows_the_tree_of_its_day_and_the_history(
    tree, people, second_dang_bo, admin_client
):
    organisation_move(
        organisation=tree["cb1"], parent=second_dang_bo, on=MOVED_ON, decision_number="12-QĐ/ĐUK"
    )

    url = reverse("organisation", args=["SOA"])
    before = admin_client.get(url, {"ngay": "28/02/2022"}).content.decode()
    after = admin_client.get(url, {"ngay": "01/03/2022"}).content.decode()
    assert 'Chi bộ Văn phòng</a></td><td>Chi bộ trực thuộc</td><td class="num">1</td>' in before
    assert "Chi bộ Văn phòng</a>" not in after
    history = admin_client.get(reverse("organisation", args=["SOA-VP"])).content.decode()
    assert (
        "<tr><td>khi thành lập</td><td>01/03/2022</td><td>Đảng bộ Sở A</td><td>—</td></tr>"
        "<tr><td>01/03/2022</td><td>nay</td><td>Đảng bộ Sở C</td><td>12-QĐ/ĐUK</td></tr>"
    ) in history
    old_crumbs = admin_client.get(
        reverse("organisation", args=["SOA-VP"]), {"ngay": "01/01/2021"}
    ).content.decode()
    assert "Đảng bộ Sở A</a> › Chi bộ Văn phòng" in old_crumbs
    assert "Đảng bộ Sở C</a> › Chi bộ Văn phòng" in history


MOVE_URL = reverse("admin:units_organisation_changelist")


def test_the_admin_moves_the_chosen_organisations_from_a_day(tree, second_dang_bo, admin_client):
    chosen = [tree["cb1"].pk, tree["cb2"].pk]
    page = admin_client.post(MOVE_URL, {"action": "move_selected", "_selected_action": chosen})
    assert "Chuyển trực thuộc" in page.content.decode()

    response = admin_client.post(
        MOVE_URL,
        {
            "action": "move_selected",
            "_selected_action": chosen,
            "apply": "1",
            "parent": second_dang_bo.pk,
            "on": "01/03/2022",
            "decision_number": "12-QĐ/ĐUK",
        },
        follow=True,
    )

    assert "Đã chuyển 2 tổ chức về trực thuộc Đảng bộ Sở C từ ngày 01/03/2022." in response.content.decode()
    assert sorted(
        Placement.objects.filter(starts_on=MOVED_ON).values_list("organisation__code", "parent__code")
    ) == [("SOA-KT", "SOC"), ("SOA-VP", "SOC")]


def test_the_admin_move_writes_nothing_when_one_organisation_is_refused(tree, second_dang_bo, admin_client):
    late = make_organisation("SOA-MOI", Kind.CHI_BO_TRUC_THUOC, tree["dbcs"], founded_on=D(2023, 1, 1))
    before = list(Placement.objects.values_list())

    response = admin_client.post(
        MOVE_URL,
        {
            "action": "move_selected",
            "_selected_action": [tree["cb1"].pk, late.pk],
            "apply": "1",
            "parent": second_dang_bo.pk,
            "on": "01/03/2022",
        },
        follow=True,
    )

    assert "Không chuyển: Tổ chức SOA-MOI không hoạt động vào ngày 01/03/2022." in response.content.decode()
    assert list(Placement.objects.values_list()) == before


def test_a_new_organisation_in_the_admin_may_join_its_parent_after_its_founding(tree, admin_client):
    form = admin_client.get(reverse("admin:units_organisation_add")).content.decode()
    prefixes = re.findall(r'name="([^"]+)-TOTAL_FORMS"', form)
    response = admin_client.post(
        reverse("admin:units_organisation_add"),
        {
            "code": "SOA-CU",
            "name": "Chi bộ Lâu năm",
            "kind": Kind.CHI_BO_TRUC_THUOC,
            "parent": tree["dbcs"].pk,
            "placed_on": "01/01/2015",
            "founded_on": "01/01/1985",
            **{f"{prefix}-{key}": value for prefix in prefixes for key, value in EMPTY_INLINE.items()},
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    created = Organisation.objects.get(code="SOA-CU")
    assert list(created.placements.values_list("parent__code", "starts_on", "ends_on")) == [
        ("SOA", D(2015, 1, 1), None)
    ]
    assert organisations_as_of(D(2014, 12, 31), [Kind.CHI_BO_TRUC_THUOC], within=tree["dbcs"]).count() == 2


EMPTY_INLINE = {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}
