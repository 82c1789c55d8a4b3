"""Issue 15: a restructuring after the term changes nothing of what the records said about the term.

On the demo data every TCCS moves to one of two new provincial committees on 01/02/2025 and the
Khối ends that day (KL 121-KL/TW): the 2015-2020 figures, command and term page, read the same
before and after, counts after the move find the members under the new roots, and grassroots staff
keep seeing their TCCS's whole history."""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from members.models import Member, MemberEvent, MembershipPeriod
from members.queries import admissions_between, members_as_of
from partyblock.accounts import access
from partyblock.accounts.models import UserScope
from units.models import GRASSROOTS_KINDS, Organisation, OrganisationKind, Term
from units.queries import organisations_as_of
from units.services import organisation_dissolve, organisation_move

MOVED_ON = datetime.date(2025, 2, 1)
TERM_END = datetime.date(2020, 7, 31)


def figures_json():
    out = io.StringIO()
    call_command("figures", "--term", "2015-2020", "--format", "json", stdout=out)
    return out.getvalue()


def term_page_figures(client):
    """The term page's figures: every table row and every counted value, sorted (lists of TCCS are
    ordered by the tree of today, which a move changes; their rows and values must not)."""
    page = client.get(reverse("reports:term", args=["2015-2020"])).content.decode()
    body = page[page.index("<main") :]
    rows = sorted(re.findall(r"<tr>.*?</tr>", body, re.S))
    values = sorted(re.findall(r'data-figure="[^"]*"[^>]*data-value="[^"]*"', body))
    return rows, values


def restructure():
    """Two provincial committees, founded on the day of the move; TCCS alternate between them."""
    khoi = Organisation.objects.get(kind=OrganisationKind.BLOC)
    roots = []
    for code, name in (("TINH-A", "Đảng bộ tỉnh A"), ("TINH-B", "Đảng bộ tỉnh B")):
        root = Organisation(code=code, name=name, kind=OrganisationKind.PROVINCE, founded_on=MOVED_ON)
        root.full_clean()
        root.save()
        roots.append(root)
    tccs = list(organisations_as_of(MOVED_ON, GRASSROOTS_KINDS, within=khoi).order_by("code"))
    for index, organisation in enumerate(tccs):
        organisation_move(organisation=organisation, parent=roots[index % 2], on=MOVED_ON)
    organisation_dissolve(organisation=khoi, on=MOVED_ON)
    return khoi, roots, tccs


@pytest.fixture
def leader(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("lanhdao-r", password="x"))
    return client


def test_moving_every_tccs_and_ending_the_khoi_keeps_the_term_figures(demo, db, leader):
    before_json, before_page = figures_json(), term_page_figures(leader)
    day = datetime.date(2025, 12, 31)
    khoi_members_then = members_as_of(day).count()  # admissions of 2025 included (the demo's pipeline)
    events_then = MemberEvent.objects.count()

    khoi, roots, tccs = restructure()

    assert len(tccs) == 68
    assert figures_json() == before_json
    assert term_page_figures(leader) == before_page
    # After the move: the members are under the new roots, none under the ended Khối.
    under_roots = [members_as_of(day, within=root).count() for root in roots]
    assert sum(under_roots) == members_as_of(day).count() == khoi_members_then
    assert min(under_roots) > 0
    assert members_as_of(day, within=khoi).count() == 0
    assert organisations_as_of(day, GRASSROOTS_KINDS, within=khoi).count() == 0
    assert [organisations_as_of(day, GRASSROOTS_KINDS, within=root).count() for root in roots] == [34, 34]
    # Before it: the tree of that day, whatever happened since.
    assert members_as_of(TERM_END, within=khoi).count() == 4925
    assert organisations_as_of(TERM_END, GRASSROOTS_KINDS, within=khoi).count() == 68
    assert [members_as_of(TERM_END, within=root).count() for root in roots] == [0, 0]
    # No member event was written for the move (the demo's own events of that day were there before).
    assert MemberEvent.objects.count() == events_then


def test_a_moved_tccs_counts_the_same_before_the_move_and_under_its_new_root_after(demo, db):
    term = Term.objects.get(label="2015-2020")
    khoi = Organisation.objects.get(kind=OrganisationKind.BLOC)
    organisation = organisations_as_of(TERM_END, [OrganisationKind.DANG_BO_CO_SO], within=khoi).order_by(
        "code"
    )[0]
    before = (
        members_as_of(TERM_END, within=organisation).count(),
        admissions_between(term.starts_on, term.ends_on, within=organisation).count(),
        organisations_as_of(TERM_END, [OrganisationKind.CHI_BO_TRUC_THUOC], within=organisation).count(),
    )

    _, roots, _ = restructure()

    organisation.refresh_from_db()
    assert organisation.parent in roots
    assert (
        members_as_of(TERM_END, within=organisation).count(),
        admissions_between(term.starts_on, term.ends_on, within=organisation).count(),
        organisations_as_of(TERM_END, [OrganisationKind.CHI_BO_TRUC_THUOC], within=organisation).count(),
    ) == before
    assert members_as_of(datetime.date(2025, 12, 31), within=organisation).count() == members_as_of(
        datetime.date(2025, 12, 31), within=organisation.parent
    ).count() - sum(
        members_as_of(datetime.date(2025, 12, 31), within=other).count()
        for other in organisations_as_of(
            datetime.date(2025, 12, 31), GRASSROOTS_KINDS, within=organisation.parent
        )
        if other.pk != organisation.pk
    )


def test_grassroots_staff_keep_seeing_their_tccs_whole_history_after_it_moves(demo, db, django_user_model):
    khoi = Organisation.objects.get(kind=OrganisationKind.BLOC)
    tccs = organisations_as_of(TERM_END, [OrganisationKind.DANG_BO_CO_SO], within=khoi).order_by("code")[1]
    user = django_user_model.objects.create_user("coso-r", password="x")
    user.groups.add(Group.objects.get(name=access.ROLE_GRASSROOTS))
    UserScope.objects.create(user=user, tccs=tccs)

    def seen():
        fresh = django_user_model.objects.get(pk=user.pk)  # no cached scope
        return (
            sorted(access.visible(Member.objects.all(), fresh).values_list("pk", flat=True)),
            sorted(access.visible(MembershipPeriod.objects.all(), fresh).values_list("pk", flat=True)),
            sorted(access.visible(Organisation.objects.all(), fresh).values_list("pk", flat=True)),
        )

    before = seen()
    restructure()

    assert before[0] and before[2]
    assert seen() == before


def test_the_demo_moves_a_chi_bo_after_the_term_and_its_term_counts_stay_with_its_old_dang_bo(demo, db):
    moved = Organisation.objects.get(code="DB07-01")
    old, new = Organisation.objects.get(code="DB07"), Organisation.objects.get(code="DB08")
    after = datetime.date(2022, 1, 1)
    moved_members = set(members_as_of(TERM_END, within=moved).values_list("pk", flat=True))

    assert moved.parent == new
    assert list(moved.placements.values_list("parent__code", "starts_on", "ends_on")) == [
        ("DB07", None, after),
        ("DB08", after, None),
    ]
    assert moved_members
    assert moved_members <= set(members_as_of(TERM_END, within=old).values_list("pk", flat=True))
    assert not moved_members & set(members_as_of(TERM_END, within=new).values_list("pk", flat=True))
    chi_bo = [OrganisationKind.CHI_BO_TRUC_THUOC]
    assert moved in organisations_as_of(TERM_END, chi_bo, within=old)
    assert moved not in organisations_as_of(TERM_END, chi_bo, within=new)
    assert moved in organisations_as_of(after, chi_bo, within=new)
    assert moved not in organisations_as_of(after, chi_bo, within=old)
