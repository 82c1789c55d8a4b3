import datetime
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from members.models import Member
from members.services import member_admit, member_ratings_save
from partyblock.accounts.sessions import SEEN_AT
from partyblock.audit.models import ActivityLog
from partyblock.core.xlsx import workbook
from tests.members.conftest import make_member

D = datetime.date
ROOT = Path(__file__).resolve().parent.parent


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def namesakes(tree):
    """Two members with the same name, one in each TCCS: a leak would show the other."""
    ours = make_member(full_name="Trần Thị Trùng", national_id="030190001111")
    member_admit(member=ours, organisation=tree["cb1"], ceremony_date=D(2010, 1, 1))
    theirs = make_member(full_name="Trần Thị Trùng", national_id="030190002222")
    member_admit(member=theirs, organisation=tree["cbcs"], ceremony_date=D(2010, 1, 1))
    return ours, theirs


def test_grassroots_staff_see_only_their_own_tccs(personas, namesakes, tree):
    ours, theirs = namesakes
    client = client_for(personas["coso_a"])
    listed = client.get(reverse("admin:members_member_changelist"), {"q": "tran thi trung"})
    assert [m.pk for m in listed.context["cl"].result_list] == [ours.pk]
    assert client.get(reverse("admin:members_member_change", args=[theirs.pk])).status_code == 404
    organisations = client.get(reverse("admin:units_organisation_changelist")).context["cl"].result_list
    assert sorted(o.code for o in organisations) == ["SOA", "SOA-KT", "SOA-VP"]
    autocomplete = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "members", "model_name": "memberevent", "field_name": "organisation", "term": ""},
    ).json()
    assert sorted(r["text"] for r in autocomplete["results"]) == [
        "Chi bộ Kế toán — Đảng bộ Sở A",
        "Chi bộ Văn phòng — Đảng bộ Sở A",
    ]


def test_grassroots_reports_and_drilldowns_cover_only_their_tccs(personas, namesakes, tree):
    from units.models import Term

    Term.objects.create(
        label="2015-2020", congress_ordinal="VIII", starts_on=D(2015, 7, 15), ends_on=D(2020, 7, 31)
    )
    client = client_for(personas["coso_a"])
    page = client.get(reverse("reports:term", args=["2015-2020"]))
    assert page.context["scope"].organisation == tree["dbcs"]
    drilldown = client.get(
        reverse("reports:drilldown", args=["members"]), {"nhiem-ky": "2015-2020", "to-chuc": "SOB"}
    )
    assert drilldown.status_code == 404
    own = client.get(reverse("reports:drilldown", args=["members"]), {"nhiem-ky": "2015-2020"})
    assert [row[1][0] for row in own.context["rows"]] == ["Trần Thị Trùng"]
    assert own.context["total"] == 1


def test_bulk_rating_screen_offers_only_the_users_organisations(personas, namesakes, tree):
    client = client_for(personas["coso_b"])
    page = client.get(reverse("admin:members_memberrating_bulk"))
    choices = [str(o) for o in page.context["chooser"].fields["to_chuc"].queryset]
    assert choices == ["Chi bộ Sở B"]


def test_national_id_is_masked_except_for_admins_and_office(personas, namesakes):
    ours, _ = namesakes
    url = reverse("admin:members_member_change", args=[ours.pk])
    assert "030190001111" in client_for(personas["vanphong"]).get(url).content.decode()
    leader_page = client_for(personas["lanhdao"]).get(url).content.decode()
    assert "030190001111" not in leader_page
    assert "••••••••1111" in leader_page


def test_leaders_read_but_cannot_change(personas, namesakes):
    ours, _ = namesakes
    client = client_for(personas["lanhdao"])
    url = reverse("admin:members_member_change", args=[ours.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"full_name": "Đổi tên"}).status_code == 403
    assert Member.objects.get(pk=ours.pk).full_name == "Trần Thị Trùng"


def test_audit_records_an_admin_change_with_before_and_after(personas, namesakes):
    ours, _ = namesakes
    client = client_for(personas["vanphong"])
    url = reverse("admin:members_member_change", args=[ours.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data.update({"full_name": "Trần Thị Trùng Khớp", "birth_date": "15/05/1990", "gender": "nu"})
    for prefix in ("events", "cards", "party_life_gaps", "periods"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    events = ours.events.all()
    data.update({"events-TOTAL_FORMS": str(len(events)), "events-INITIAL_FORMS": str(len(events))})
    for index, event in enumerate(events):
        data.update(
            {
                f"events-{index}-id": event.pk,
                f"events-{index}-member": ours.pk,
                f"events-{index}-kind": event.kind,
                f"events-{index}-date": event.date.strftime("%d/%m/%Y"),
                f"events-{index}-organisation": event.organisation_id,
            }
        )
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    entry = ActivityLog.objects.filter(model="members.member", object_id=str(ours.pk), action="change").get()
    assert entry.username == "vanphong"
    assert entry.changes["full_name"] == ["Trần Thị Trùng", "Trần Thị Trùng Khớp"]
    history = client.get(reverse("admin:members_member_history", args=[ours.pk]))
    assert "Trần Thị Trùng Khớp" in history.content.decode()


def test_audit_records_the_bulk_rating_screen(personas, namesakes, tree):
    ours, _ = namesakes
    client = client_for(personas["coso_a"])
    url = reverse("admin:members_memberrating_bulk") + f"?to_chuc={tree['dbcs'].pk}&nam=2016"
    client.post(url, {f"r_{ours.pk}": "httnv"})
    client.post(url, {f"r_{ours.pk}": "htxsnv"})
    entries = ActivityLog.objects.filter(model="members.memberrating").order_by("pk")
    assert [(e.action, e.username, e.changes.get("category")) for e in entries] == [
        ("create", "coso_a", [None, "httnv"]),
        ("change", "coso_a", ["httnv", "htxsnv"]),
    ]


def test_the_log_cannot_be_changed_or_deleted_from_the_app(personas, namesakes):
    member_ratings_save(year=2016, choices={namesakes[0].pk: ("httnv", None)})
    client = client_for(personas["quantri"])
    entry = ActivityLog.objects.create(action="create", object_repr="x")
    assert client.get(reverse("admin:audit_activitylog_change", args=[entry.pk])).status_code == 200
    assert client.post(reverse("admin:audit_activitylog_change", args=[entry.pk]), {}).status_code == 403
    assert (
        client.post(reverse("admin:audit_activitylog_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert ActivityLog.objects.filter(pk=entry.pk).exists()


def test_repeated_failures_lock_out_that_username_from_that_address_only(personas):
    url = reverse("admin:login")
    office = Client(REMOTE_ADDR="10.0.0.5")
    for _ in range(5):
        office.post(url, {"username": "vanphong", "password": "sai"})
    locked = office.post(url, {"username": "vanphong", "password": "mat-khau-thu"})
    assert "Tạm khóa đăng nhập" in locked.content.decode()
    colleague = Client(REMOTE_ADDR="10.0.0.5").post(url, {"username": "lanhdao", "password": "mat-khau-thu"})
    assert colleague.status_code == 302  # same office address, another person: not locked
    assert ActivityLog.objects.filter(action="login_failed", object_repr="vanphong").count() >= 5


def test_session_expires_after_inactivity(personas, settings):
    client = Client()
    client.post(reverse("admin:login"), {"username": "lanhdao", "password": "mat-khau-thu"})
    assert client.get(reverse("admin:index")).status_code == 200
    session = client.session
    session[SEEN_AT] = int(time.time()) - (settings.SESSION_IDLE_MINUTES * 60 + 5)
    session.save()
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_changing_the_password_logs_out_other_sessions(personas):
    desk, phone = Client(), Client()
    for client in (desk, phone):
        client.post(reverse("admin:login"), {"username": "lanhdao", "password": "mat-khau-thu"})
    desk.post(
        reverse("admin:password_change"),
        {
            "old_password": "mat-khau-thu",
            "new_password1": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )
    assert desk.get(reverse("admin:index")).status_code == 200
    assert phone.get(reverse("admin:index")).status_code == 302


def test_exports_write_formulas_as_text():
    book = workbook([("Danh sách", ["Họ và tên"], [['=HYPERLINK("http://x","y")'], ["+1"], ["Bình thường"]])])
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [(c.value, c.data_type) for c in sheet["A"][1:]] == [
        ('=HYPERLINK("http://x","y")', "s"),
        ("+1", "s"),
        ("Bình thường", "s"),
    ]


def test_production_settings_pass_the_deploy_check():
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k
            not in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "SECURE_SSL_REDIRECT", "DJANGO_SETTINGS_MODULE")
        },
        "ENV_FILE": "",
        "DEBUG": "false",
        "SECRET_KEY": "production-like-secret-key-with-enough-length-and-variety-0123456789-abcdefgh",
        "ALLOWED_HOSTS": "dangbokhoi.example.vn",
        "DJANGO_SETTINGS_MODULE": "partyblock.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_member_who_moved_on_belongs_to_the_receiving_tccs(personas, tree):
    from members.services import member_transfer

    mover = make_member(full_name="Lê Văn Chuyển")
    member_admit(member=mover, organisation=tree["cb1"], ceremony_date=D(2010, 1, 1))
    member_transfer(member=mover, to=tree["cbcs"], on=D(2019, 3, 1))
    url = reverse("admin:members_member_change", args=[mover.pk])
    assert client_for(personas["coso_a"]).get(url).status_code == 404
    assert client_for(personas["coso_b"]).get(url).status_code == 200


def test_role_changes_are_in_the_audit_trail(personas):
    from django.contrib.auth.models import Group

    from partyblock.accounts.access import ROLE_LEADER

    user = personas["coso_b"]
    user.groups.add(Group.objects.get(name=ROLE_LEADER))
    entry = ActivityLog.objects.filter(model="auth.user", object_id=str(user.pk), action="change").latest(
        "pk"
    )
    assert entry.changes == {"groups": [None, [ROLE_LEADER]]}
