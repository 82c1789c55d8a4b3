"""A TCCS that leaves the Khối (moved under a new provincial committee, KL 121-KL/TW) stops counting
in the Khối's figures from the day it left, and counts as before on every earlier day; each
figure still equals its drill-down (`Scope.within`)."""

import datetime

import pytest
from django.urls import reverse

from inspections.models import DecidingBody, DisciplineForm
from inspections.services import discipline_decide
from members.models import EndingGround
from members.services import member_transfer
from partyblock.core.figures import FIGURES, value
from partyblock.reports.figures import Scope
from tests.reports.test_flows import _official
from units.models import Organisation, OrganisationKind, Term
from units.services import organisation_move

D = datetime.date
LEFT_ON = D(2025, 7, 1)


def official(name, chi_bo):
    """An official member of `chi_bo`, admitted on 01/04/2010 (the shape of `test_flows._official`)."""
    return _official(name, chi_bo, D(2010, 4, 1))


def decide(member, form, number, day, **ground):
    return discipline_decide(
        member=member,
        form=form,
        deciding_body=DecidingBody.UBKT,
        decision_number=number,
        decision_date=day,
        reason="Vi phạm.",
        **ground,
    )


@pytest.fixture
def moved_out(tree):
    for name, chi_bo in (("Trần Văn Ở Lại", tree["cb1"]), ("Lê Thị Ra Đi", tree["cbcs"])):
        official(name, chi_bo)
    province = Organisation(
        code="TINH", name="Đảng bộ tỉnh (mới)", kind=OrganisationKind.PROVINCE, founded_on=LEFT_ON
    )
    province.full_clean()
    province.save()
    organisation_move(organisation=tree["cbcs"], parent=province, on=LEFT_ON)
    return tree


def figures_on(day):
    scope = Scope(D(2025, 1, 1), D(2025, 12, 31), day)
    found = {}
    for key in ("members", "members_official", "tccs", "tccs_chi_bo_co_so"):
        found[key] = value(key, scope)
        assert FIGURES[key].records(scope).count() == found[key], key
    return found


@pytest.mark.django_db
def test_a_tccs_that_left_the_khoi_counts_before_the_day_it_left_and_not_after(moved_out):
    before = {"members": 2, "members_official": 2, "tccs": 2, "tccs_chi_bo_co_so": 1}
    assert figures_on(LEFT_ON - datetime.timedelta(days=1)) == before
    assert figures_on(LEFT_ON) == {"members": 1, "members_official": 1, "tccs": 1, "tccs_chi_bo_co_so": 0}


@pytest.mark.django_db
def test_while_the_khoi_is_the_only_root_the_whole_khoi_needs_no_tree_test(tree):
    assert Scope(D(2025, 1, 1), D(2025, 12, 31), D(2025, 12, 31)).within is None
    assert Scope(D(2025, 1, 1), D(2025, 12, 31), D(2025, 12, 31), tree["dbcs"]).within == tree["dbcs"]


@pytest.mark.django_db
def test_an_expulsion_counts_in_the_organisation_the_member_was_registered_in_until_that_day(tree):
    """An expulsion ends the registration on its own day: it is counted where the member was until
    then, for the organisation as for the Khối (it was missing from every organisation's count)."""
    member = official("Phạm Văn Kỷ", tree["cb1"])
    decide(
        member,
        DisciplineForm.EXPULSION,
        "9-QĐ/UBKTĐUK",
        D(2019, 5, 6),
        expulsion_ground=EndingGround.CORRUPTION,
    )
    for organisation in (None, tree["dbcs"], tree["cb1"]):
        scope = Scope(D(2019, 1, 1), D(2019, 12, 31), D(2019, 12, 31), organisation)
        assert value("discipline_decisions", scope, form=DisciplineForm.EXPULSION) == 1, organisation
    assert (
        value("discipline_decisions", Scope(D(2019, 1, 1), D(2019, 12, 31), D(2019, 12, 31), tree["cbcs"]))
        == 0
    )


@pytest.mark.django_db
def test_a_drilldown_says_how_many_counted_records_the_grassroots_user_may_not_see(client, personas, tree):
    """Grassroots staff's figure counts a member who was theirs on the day and has since moved to
    another TCCS; the access rule keeps that member out of their list, and the page says so, so that
    the list's length and the figure read together. The Khối's roles see every row and no note."""
    Term.objects.create(
        label="2015-2020", congress_ordinal="VIII", starts_on=D(2015, 7, 15), ends_on=D(2020, 7, 31)
    )
    member = official("Võ Văn Chuyển", tree["cb1"])
    member_transfer(member=member, to=tree["cbcs"], on=D(2018, 3, 1))
    url = reverse("reports:drilldown", args=["members"])
    query = {"nhiem-ky": "2015-2020", "ngay": "31/12/2016", "to-chuc": tree["dbcs"].code}

    client.force_login(personas["coso_a"])
    page = client.get(url, query)
    assert page.context["total"] == 0 and page.context["hidden"] == 1
    assert (
        "Số liệu tính 1 đảng viên; 1 đảng viên nay sinh hoạt ở tổ chức cơ sở đảng khác không hiển thị"
        in page.content.decode()
    )
    assert "Võ Văn Chuyển" not in page.content.decode()

    client.force_login(personas["vanphong"])
    page = client.get(url, query)
    assert page.context["total"] == 1 and page.context["hidden"] == 0
    assert "không hiển thị" not in page.content.decode()


@pytest.mark.django_db
def test_a_reprimand_on_the_day_of_a_move_counts_where_the_member_went_only(tree):
    member = official("Đinh Văn Chuyển", tree["cb1"])
    member_transfer(member=member, to=tree["cbcs"], on=D(2019, 5, 6))
    decide(member, DisciplineForm.REPRIMAND, "10-QĐ/UBKTĐUK", D(2019, 5, 6))
    counted = {
        key: value("discipline_decisions", Scope(D(2019, 1, 1), D(2019, 12, 31), D(2019, 12, 31), tree[key]))
        for key in ("dbcs", "cbcs")
    }
    assert counted == {"dbcs": 0, "cbcs": 1}


@pytest.mark.django_db
def test_the_note_on_hidden_organisations_speaks_of_organisations_not_members(client, personas, tree):
    """A chi bộ that moved to another TCCS still counts in its old TCCS's structure on earlier days;
    the old TCCS's staff do not see it, and the note says an organisation now under another TCCS is
    left out (not "records of members")."""
    Term.objects.create(
        label="2015-2020", congress_ordinal="VIII", starts_on=D(2015, 7, 15), ends_on=D(2020, 7, 31)
    )
    other = Organisation(
        code="SOC", name="Đảng bộ Sở C", kind=OrganisationKind.DANG_BO_CO_SO, parent=tree["bloc"]
    )
    other.founded_on = D(2000, 1, 1)
    other.full_clean()
    other.save()
    organisation_move(organisation=tree["cb2"], parent=other, on=D(2018, 3, 1))
    url = reverse("reports:drilldown", args=["chi_bo_truc_thuoc"])
    query = {"nhiem-ky": "2015-2020", "ngay": "31/12/2016", "to-chuc": tree["dbcs"].code}

    client.force_login(personas["coso_a"])
    page = client.get(url, query)
    text = page.content.decode()
    assert page.context["total"] == 1 and page.context["hidden"] == 1
    assert "Số liệu tính 2 tổ chức; 1 tổ chức nay thuộc tổ chức cơ sở đảng khác không hiển thị" in text
    assert "đảng viên" not in text.split("hidden-records", 1)[1].split("</p>", 1)[0]
    assert "Chi bộ Kế toán" not in text
