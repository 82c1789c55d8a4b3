"""Every persona × every URL of the project → the expected status.

The role matrix below is the issue's table written as data: what each role may do to each kind of
record (v view, a add, c change, d delete). Statuses follow from it and from scope: a record outside
a grassroots user's TCCS answers 404 even where the role could see such records. A URL the project
adds without an entry here makes `test_every_url_has_an_expectation` fail.
"""

import datetime

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import get_resolver, reverse

from members.models import Award, AwardForm, IssuingBody, MemberRating, PartyBadge, SickLeave
from members.services import member_admit, member_ratings_save
from partyblock.admission.models import Candidate
from partyblock.admission.services import candidate_identify
from tests.conftest import PERSONAS
from tests.members.conftest import make_member
from units.models import BreakthroughTask, Document, Meeting, OrganisationRating, Term
from units.services import organisation_ratings_save

D = datetime.date
BLOC = ("quantri", "vanphong", "lanhdao", "ubkt")
GRASSROOTS = ("coso_a", "coso_b")

# model -> {persona kind: capabilities}; "admin" is everything (superuser-like role).
RECORDS = {"vanphong": "vac", "lanhdao": "v", "ubkt": "v", "coso": ""}
MATRIX = {
    "units.organisation": {**RECORDS, "coso": "v"},
    "units.term": {**RECORDS, "coso": "v"},
    "units.organisationrating": {**RECORDS, "coso": "v"},
    "units.meeting": {**RECORDS, "coso": "vac"},
    "units.breakthroughtask": {**RECORDS, "coso": "vac"},
    "units.document": {**RECORDS, "coso": "v"},
    "members.member": {**RECORDS, "coso": "vac"},
    "members.memberrating": {**RECORDS, "coso": "vac"},
    "members.sickleave": {**RECORDS, "coso": "vac"},
    "members.award": {**RECORDS, "coso": "v"},
    "members.awardform": {**RECORDS, "coso": "v"},
    "members.issuingbody": {**RECORDS, "coso": "v"},
    "members.partybadge": {**RECORDS, "coso": "v"},
    "admission.candidate": {**RECORDS, "coso": "vac"},
    "inspections.inspection": {"vanphong": "v", "lanhdao": "v", "ubkt": "vac", "coso": ""},
    "inspections.supervision": {"vanphong": "v", "lanhdao": "v", "ubkt": "vac", "coso": ""},
    "inspections.disciplinedecision": {"vanphong": "v", "lanhdao": "v", "ubkt": "vac", "coso": ""},
    "inspections.letter": {"vanphong": "v", "lanhdao": "v", "ubkt": "vac", "coso": ""},
    "inspections.holiday": {"vanphong": "v", "lanhdao": "v", "ubkt": "vac", "coso": ""},
    "importing.importbatch": {"vanphong": "va", "lanhdao": "v", "ubkt": "", "coso": "va"},
    "audit.activitylog": {"vanphong": "", "lanhdao": "", "ubkt": "", "coso": ""},
    "auth.user": {"vanphong": "", "lanhdao": "", "ubkt": "", "coso": ""},
    "auth.group": {"vanphong": "", "lanhdao": "", "ubkt": "", "coso": ""},
    "axes.accessattempt": {"vanphong": "", "lanhdao": "", "ubkt": "", "coso": ""},
    "axes.accessfailurelog": {"vanphong": "", "lanhdao": "", "ubkt": "", "coso": ""},
    "axes.accesslog": {"vanphong": "", "lanhdao": "", "ubkt": "", "coso": ""},
}
# Models the app never deletes (they end through events) and the read-only log.
NEVER_DELETED = {
    "members.member",
    "admission.candidate",
    "units.organisation",
    "audit.activitylog",
    "importing.importbatch",
}
NEVER_ADDED = {
    "audit.activitylog",
    "importing.importbatch",
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
}
NEVER_CHANGED = {"audit.activitylog", "importing.importbatch"}


def capabilities(persona, model):
    if persona == "quantri":
        return "vacd"
    return MATRIX[model]["coso" if persona in GRASSROOTS else persona]


@pytest.fixture
def records(personas, tree):
    """One record of each kind, all belonging to Đảng bộ Sở A (coso_a's TCCS)."""
    member = make_member(full_name="Nguyễn Văn Mẫu")
    member_admit(member=member, organisation=tree["cb1"], ceremony_date=D(2010, 1, 1))
    member_ratings_save(year=2016, choices={member.pk: ("httnv", None)})
    organisation_ratings_save(year=2016, choices={tree["dbcs"].pk: ("tsvm", None)})
    Term.objects.create(
        label="2015-2020", congress_ordinal="VIII", starts_on=D(2015, 7, 15), ends_on=D(2020, 7, 31)
    )
    objects = {
        "units.organisation": tree["cb1"],
        "units.term": Term.objects.get(),
        "units.organisationrating": OrganisationRating.objects.get(),
        "units.meeting": Meeting.objects.create(
            organisation=tree["cb1"], held_on=D(2016, 1, 5), expected=3, present=3
        ),
        "units.breakthroughtask": BreakthroughTask.objects.create(
            organisation=tree["dbcs"], year=2016, title="Việc"
        ),
        "units.document": Document.objects.create(
            kind="ket_luan", number="1-KL", issued_on=D(2016, 1, 1), title="K"
        ),
        "members.member": member,
        "members.memberrating": MemberRating.objects.get(),
        "members.sickleave": SickLeave.objects.create(
            member=member, starts_on=D(2016, 1, 1), ends_on=D(2016, 2, 1)
        ),
        "members.award": Award.objects.create(
            form=AwardForm.objects.first(),
            body=IssuingBody.objects.first(),
            organisation=tree["dbcs"],
            decision_number="1",
            decision_date=D(2016, 1, 1),
            year=2015,
        ),
        "members.awardform": AwardForm.objects.first(),
        "members.issuingbody": IssuingBody.objects.first(),
        "members.partybadge": PartyBadge.objects.create(member=member, years=30, awarded_on=D(2016, 2, 3)),
        "admission.candidate": candidate_identify(
            organisation=tree["cb1"],
            identified_on=D(2023, 1, 10),
            full_name="Lê Thị Mẫu",
            gender="nu",
            birth_date=D(2000, 1, 1),
        ).candidate,
        "auth.user": personas["coso_b"],
        "auth.group": personas["coso_b"].groups.get(),
    }
    return objects


def expected_for_model_url(persona, model, action, in_scope=True):
    can = capabilities(persona, model)
    if action == "changelist":
        return 200 if ("v" in can or "c" in can) else 403
    if action == "add":
        return 200 if "a" in can and model not in NEVER_ADDED else 403
    if action in ("change", "history"):
        if not ("v" in can or "c" in can):
            return 403
        return 200 if in_scope else 404
    if action == "delete":
        if "d" not in can or model in NEVER_DELETED:
            return 403
        return 200 if in_scope else 404
    raise AssertionError(action)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_every_url_has_an_expectation():
    admin_models = {model._meta.label_lower for model in admin.site._registry}
    assert admin_models - set(MATRIX) == set(), "add the new admin model to MATRIX"
    names = set(_url_names(get_resolver().url_patterns))
    standard = {
        n for n in names if n.rsplit("_", 1)[-1] in ("changelist", "add", "change", "delete", "history")
    }
    assert sorted(names - standard - set(CUSTOM)) == [], "add the new URL to CUSTOM"


def _url_names(patterns, prefix=""):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _url_names(
                pattern.url_patterns, prefix + (f"{pattern.namespace}:" if pattern.namespace else "")
            )
        elif pattern.name:
            yield prefix + pattern.name


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_model_urls_answer_as_the_role_matrix_says(persona, personas, records):
    client = client_for(personas[persona])
    mismatches = []
    for model_admin_model in admin.site._registry:
        label = model_admin_model._meta.label_lower
        info = label.replace(".", "_")
        urls = {"changelist": reverse(f"admin:{info}_changelist"), "add": reverse(f"admin:{info}_add")}
        obj = records.get(label)
        if obj is not None:
            for action in ("change", "history", "delete"):
                urls[action] = reverse(f"admin:{info}_{action}", args=[obj.pk])
        in_scope = not (persona == "coso_b" and label in SCOPED_MODELS)
        for action, url in urls.items():
            want = expected_for_model_url(persona, label, action, in_scope)
            got = client.get(url).status_code
            if got != want:
                mismatches.append((label, action, want, got))
    assert mismatches == []


# Models whose records belong to a TCCS (coso_b sees none of Đảng bộ Sở A's).
SCOPED_MODELS = {
    "units.organisation",
    "units.organisationrating",
    "units.meeting",
    "units.breakthroughtask",
    "members.member",
    "members.memberrating",
    "members.sickleave",
    "members.award",
    "members.partybadge",
    "admission.candidate",
}


def _custom_urls(tree):
    term, code = "2015-2020", tree["dbcs"].code
    candidate = Candidate.objects.get()  # Đảng bộ Sở A's (the records fixture)
    return {
        "admin:index": reverse("admin:index"),
        "admin:members_memberrating_bulk": reverse("admin:members_memberrating_bulk")
        + f"?to_chuc={tree['dbcs'].pk}&nam=2016",
        "admin:members_memberrating_checks": reverse("admin:members_memberrating_checks"),
        "admin:members_partybadge_due": reverse("admin:members_partybadge_due"),
        "admin:units_organisationrating_bulk": reverse("admin:units_organisationrating_bulk"),
        "admin:importing_importbatch_upload": reverse("admin:importing_importbatch_upload"),
        "admin:members_member_export": reverse("admin:members_member_export"),
        "admin:members_member_arrival": reverse("admin:members_member_arrival"),
        "admin:admission_candidate_step": reverse("admin:admission_candidate_step", args=[candidate.pk, 2]),
        "admin:admission_candidate_close": reverse("admin:admission_candidate_close", args=[candidate.pk]),
        "admin:units_organisation_export": reverse("admin:units_organisation_export"),
        "admin:members_memberrating_export": reverse("admin:members_memberrating_export"),
        "admin:units_organisationrating_export": reverse("admin:units_organisationrating_export"),
        "reports:index": reverse("reports:index"),
        "reports:term": reverse("reports:term", args=[term]),
        "reports:term@other": reverse("reports:term", args=[term]) + f"?to-chuc={code}",
        "reports:year": reverse("reports:year", args=[2016]),
        "reports:drilldown": reverse("reports:drilldown", args=["members"]) + f"?nhiem-ky={term}",
        "reports:composition": reverse("reports:composition"),
        "reports:composition@other": reverse("reports:composition") + f"?to-chuc={code}",
        "reports:admission_board": reverse("reports:admission_board"),
        "reports:admission_board@other": reverse("reports:admission_board") + f"?to-chuc={code}",
        "candidate_list": reverse("candidate_list"),
        "organisation": reverse("organisation", args=[code]),
        "home": reverse("home"),
        "search": reverse("search") + "?q=nguyen",
        "todo": reverse("todo", args=["du-bi-qua-han"]),
        "todo@inspection": reverse("todo", args=["ky-luat-trong-nam"]),
        "admin:app_list": reverse("admin:app_list", args=["members"]),
        "admin:group_index": reverse("admin:group_index", args=["dang-vien"]),
        "admin:importing_importbatch_template": reverse(
            "admin:importing_importbatch_template", args=["members"]
        ),
    }


ALL_200 = dict.fromkeys(PERSONAS, 200)
CUSTOM = {
    # name: {persona: status}; None: not requested here (covered elsewhere or needs an object)
    "admin:index": ALL_200,
    "admin:members_memberrating_bulk": {
        **dict.fromkeys(PERSONAS, 403),
        "quantri": 200,
        "vanphong": 200,
        "coso_a": 200,
        "coso_b": 200,
    },
    "admin:members_memberrating_checks": ALL_200,
    "admin:members_partybadge_due": ALL_200,
    "admin:units_organisationrating_bulk": {**dict.fromkeys(PERSONAS, 403), "quantri": 200, "vanphong": 200},
    "admin:importing_importbatch_upload": {
        **dict.fromkeys(PERSONAS, 403),
        "quantri": 200,
        "vanphong": 200,
        "coso_a": 200,
        "coso_b": 200,
    },
    "admin:members_member_export": {**ALL_200},
    # recording a member who came from outside the Khối: the roles that add members
    "admin:members_member_arrival": {
        **dict.fromkeys(PERSONAS, 403),
        "quantri": 200,
        "vanphong": 200,
        "coso_a": 200,
        "coso_b": 200,
    },
    # a candidate's step and closing forms: the roles that change candidates, in their scope
    "admin:admission_candidate_step": {
        **dict.fromkeys(PERSONAS, 403),
        "quantri": 200,
        "vanphong": 200,
        "coso_a": 200,
        "coso_b": 404,
    },
    "admin:admission_candidate_close": {
        **dict.fromkeys(PERSONAS, 403),
        "quantri": 200,
        "vanphong": 200,
        "coso_a": 200,
        "coso_b": 404,
    },
    "admin:units_organisation_export": {**ALL_200},
    "admin:members_memberrating_export": {**ALL_200},
    "admin:units_organisationrating_export": {**ALL_200},
    "reports:index": ALL_200,
    "reports:term": ALL_200,  # grassroots staff get their own TCCS's report
    "reports:term@other": {**ALL_200, "coso_b": 404},
    "reports:year": ALL_200,
    "reports:drilldown": ALL_200,
    "reports:composition": ALL_200,  # grassroots staff get their own TCCS's composition
    "reports:composition@other": {**ALL_200, "coso_b": 404},
    "reports:admission_board": ALL_200,  # grassroots staff get their own TCCS's board
    "reports:admission_board@other": {**ALL_200, "coso_b": 404},
    "candidate_list": ALL_200,  # the candidates of the user's scope, in the import template
    "organisation": {**ALL_200, "coso_b": 404},
    "home": ALL_200,
    "search": ALL_200,
    # to-do lists belong to the roles whose home shows them (office roles, the UBKT)
    "todo": {**ALL_200, "lanhdao": 404, "ubkt": 404},
    "todo@inspection": {**dict.fromkeys(PERSONAS, 404), "ubkt": 200},
    # Not walked: they need parameters the walk above does not build, or are Django's own.
    "admin:app_list": ALL_200,  # every role reads some member records
    "admin:group_index": ALL_200,  # the index's "Đảng viên" group: every role reads member records
    "admin:importing_importbatch_template": ALL_200,  # an empty template is no record
    "admin:autocomplete": None,
    "admin:jsi18n": None,
    "admin:login": None,
    "admin:logout": None,
    "admin:password_change_done": None,
    "admin:view_on_site": None,
    "admin:importing_importbatch_preview": None,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_custom_pages_answer_as_expected(persona, personas, records, tree):
    client = client_for(personas[persona])
    urls = _custom_urls(tree)
    mismatches = []
    for name, url in urls.items():
        want = CUSTOM[name][persona]
        got = client.get(url).status_code
        if got != want:
            mismatches.append((name, want, got))
    assert mismatches == []


def test_a_user_without_role_or_binding_sees_nothing(db, tree, django_user_model):
    from django.contrib.auth.models import Group

    from partyblock.accounts.access import ROLE_GRASSROOTS

    unbound = django_user_model.objects.create_user("chuagan", password="x", is_staff=True)
    unbound.groups.set([Group.objects.get(name=ROLE_GRASSROOTS)])
    client = client_for(unbound)
    assert client.get(reverse("admin:units_organisation_changelist")).context["cl"].result_count == 0
    assert client.get(reverse("reports:term", args=["2015-2020"])).status_code == 404
    # Pages listing records across organisations never fall back to the whole Khối for them.
    assert client.get(reverse("admin:members_memberrating_checks")).status_code == 404
    assert client.get(reverse("admin:members_partybadge_due")).status_code == 404


def test_roles_get_the_permissions_of_a_model_new_since_the_last_migrate(db):
    """post_migrate may reach the accounts app before apps whose permissions auth creates later: the
    roles must still get a permission that did not exist yet when the sync ran."""
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    from partyblock.accounts.access import ROLE_OFFICE
    from partyblock.accounts.apps import _sync_roles

    Permission.objects.filter(codename="change_memberrating").delete()  # as if the model were new
    _sync_roles(sender=apps.get_app_config("accounts"), using="default")
    office = Group.objects.get(name=ROLE_OFFICE)
    assert office.permissions.filter(codename="change_memberrating").exists()
