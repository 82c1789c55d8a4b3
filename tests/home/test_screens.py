"""The admin screens of issue 18: the index grouped by task, Vietnamese wording, grouped counts."""

import datetime
import re

from django.conf import settings
from django.urls import reverse

from members.services import member_admit
from tests.members.conftest import make_member


def test_the_index_is_grouped_by_task_with_members_first(client, personas):
    client.force_login(personas["quantri"])
    page = client.get(reverse("admin:index"))
    groups = [(app["name"], [m["object_name"] for m in app["models"]]) for app in page.context["app_list"]]
    assert [name for name, _ in groups] == [
        "Đảng viên",
        "Xếp loại, khen thưởng, Huy hiệu Đảng",
        "Tổ chức đảng",
        "Kiểm tra, giám sát, kỷ luật, đơn thư",
        "Nhập dữ liệu, nhật ký",
        "Tài khoản, đăng nhập",
    ]
    assert groups[0][1] == ["Member", "SickLeave", "Candidate"]
    text = page.content.decode()
    assert "Access attempts" not in text and "Access logs" not in text
    assert "Nhật ký đăng nhập" in text


def test_grassroots_index_shows_only_their_models_in_the_same_order(client, personas):
    client.force_login(personas["coso_a"])
    page = client.get(reverse("admin:index"))
    assert [app["name"] for app in page.context["app_list"]] == [
        "Đảng viên",
        "Xếp loại, khen thưởng, Huy hiệu Đảng",
        "Tổ chức đảng",
        "Nhập dữ liệu, nhật ký",
    ]


def test_each_index_group_links_to_a_page_titled_as_the_group(client, personas):
    client.force_login(personas["quantri"])
    groups = client.get(reverse("admin:index")).context["app_list"]
    for group in groups:
        page = client.get(group["app_url"])
        assert page.status_code == 200
        assert page.context["title"] == group["name"]
        assert [m["object_name"] for m in page.context["app_list"][0]["models"]] == [
            m["object_name"] for m in group["models"]
        ]


def test_a_group_outside_the_users_models_is_not_found(client, personas):
    client.force_login(personas["coso_a"])
    assert client.get(reverse("admin:group_index", args=["kiem-tra"])).status_code == 404
    assert client.get(reverse("admin:group_index", args=["khong-co"])).status_code == 404


def test_history_filters_and_counts_read_vietnamese(client, personas, tree):
    for name in ("Nguyễn Văn Số 1", "Nguyễn Văn Số 2", "Nguyễn Văn Số 3", "Trần Thị Khác"):
        member = make_member(full_name=name)
        member_admit(member=member, organisation=tree["cb1"], ceremony_date=datetime.date(2015, 1, 5))
    client.force_login(personas["vanphong"])
    text = client.get(reverse("admin:members_member_changelist") + "?q=nguyen").content.decode()
    assert "Theo " in text and "Bởi " not in text
    assert "3 kết quả (<a" in text and "tổng số 4</a>" in text
    change = client.get(reverse("admin:members_member_change", args=[member.pk])).content.decode()
    assert "Lịch sử thay đổi" in change and "Bản ghi nhớ" not in change


def test_the_bulk_rating_screen_shows_no_error_before_a_choice(client, personas, tree):
    client.force_login(personas["vanphong"])
    page = client.get(reverse("admin:members_memberrating_bulk"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "errorlist" not in text
    groups = [
        (group, [label for _, label in options])
        for group, options in page.context["chooser"].fields["to_chuc"].choices[1:]
    ]
    assert groups == [
        (
            "Đảng bộ Sở A",
            ["Đảng bộ Sở A", "Chi bộ Văn phòng — Đảng bộ Sở A", "Chi bộ Kế toán — Đảng bộ Sở A"],
        ),
        ("Chi bộ Sở B", ["Chi bộ Sở B"]),
    ]
    assert '<optgroup label="Đảng bộ Sở A">' in text
    chosen = client.get(reverse("admin:members_memberrating_bulk"), {"to_chuc": tree["cb1"].pk, "nam": 2024})
    assert "errorlist" not in chosen.content.decode()
    assert chosen.context["chooser"].is_valid()


CHECKS = reverse("admin:members_memberrating_checks")


def test_checks_open_on_the_last_rated_year_with_a_per_tccs_summary_and_pages(client, personas, tree):
    from members.services import member_ratings_save
    from tests.members.test_recognition_admin import admit_many

    in_a = admit_many(tree["cb1"], 55)
    in_b = admit_many(tree["cbcs"], 3, start=60)
    member_ratings_save(year=2016, choices={in_b[0].pk: ("httnv", None)})  # the last rated year
    client.force_login(personas["vanphong"])
    page = client.get(CHECKS)
    assert page.context["year"] == 2016
    position = [check.key for check in page.context["checks"]].index("chua_xep_loai")
    summary = [(row.tccs.code, row.counts[position], row.total) for row in page.context["summary"]]
    # Besides the unrated: everyone admitted in 2010 and never recognised is overdue for recognition.
    assert summary == [("SOA", 55, 110), ("SOB", 2, 5)]
    unrated = next(c for c in page.context["checks"] if c.key == "chua_xep_loai")
    assert unrated.total == 57
    assert len(unrated.page.object_list) == 50
    assert unrated.page.object_list[0].placed == "Chi bộ Văn phòng — Đảng bộ Sở A"
    second = client.get(CHECKS, {"nam": 2016, "trang-chua_xep_loai": 2})
    rest = next(c for c in second.context["checks"] if c.key == "chua_xep_loai").page.object_list
    assert len(rest) == 7
    # One TCCS picked from the summary: its findings only.
    narrowed = client.get(CHECKS, {"nam": 2016, "tccs": tree["cbcs"].pk})
    unrated = next(c for c in narrowed.context["checks"] if c.key == "chua_xep_loai")
    assert [p.member.full_name for p in unrated.page.object_list] == [m.full_name for m in in_b[1:]]
    assert {m.pk for m in in_a}.isdisjoint(p.member_id for p in unrated.page.object_list)


def test_checks_do_not_jump_to_a_year_whose_rating_has_only_begun(client, personas, tree):
    """One chi bộ's first ratings of a year do not make the page list everyone else as not yet
    rated (review F23): it opens on the last year rated for at least half as many members as the
    most rated year, and on the new year once half are in."""
    from members.services import member_ratings_save
    from tests.members.test_recognition_admin import admit_many

    members = admit_many(tree["cb1"], 10)
    member_ratings_save(year=2016, choices={m.pk: ("httnv", None) for m in members})
    member_ratings_save(year=2017, choices={m.pk: ("httnv", None) for m in members[:1]})
    client.force_login(personas["vanphong"])
    assert client.get(CHECKS).context["year"] == 2016
    member_ratings_save(year=2017, choices={m.pk: ("httnv", None) for m in members[1:5]})
    assert client.get(CHECKS).context["year"] == 2017
    assert client.get(CHECKS, {"nam": 2016}).context["year"] == 2016


def test_the_checks_year_is_one_count_the_ratings_year_index_answers(tree):
    """The year the checks open on is one grouped COUNT(*) over the ratings: the (year, level)
    index answers it alone (a count of the key read the whole table on every open)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from members.admin_recognition import mostly_rated_year
    from members.services import member_ratings_save
    from tests.members.test_recognition_admin import admit_many

    members = admit_many(tree["cb1"], 2)
    member_ratings_save(year=2016, choices={m.pk: ("httnv", None) for m in members})
    with CaptureQueriesContext(connection) as queries:
        assert mostly_rated_year() == 2016
    assert len(queries) == 1
    sql = queries[0]["sql"]
    assert "COUNT(*)" in sql and '"members_memberrating"."id"' not in sql


def test_grassroots_checks_summary_holds_only_their_tccs(client, personas, tree):
    from tests.members.test_recognition_admin import admit_many

    admit_many(tree["cb1"], 2)
    admit_many(tree["cbcs"], 2, start=10)
    client.force_login(personas["coso_b"])
    page = client.get(CHECKS, {"nam": 2016})
    assert [row.tccs.code for row in page.context["summary"]] == ["SOB"]
    assert "Trần Văn Số00" not in page.content.decode()


def test_badges_due_are_grouped_by_tccs_and_flag_the_overdue(client, personas, tree):
    from members.services import member_admit_outside, member_recognise, member_transfer_in
    from tests.members.conftest import make_member

    def veteran(name, admitted, chi_bo):
        member = make_member(full_name=name, birth_date=datetime.date(1960, 1, 1))
        member_admit_outside(member=member, other_party="Đảng bộ huyện", ceremony_date=admitted)
        member_recognise(member=member, decision_date=admitted.replace(year=admitted.year + 1))
        member_transfer_in(member=member, to=chi_bo, from_party="Đảng bộ huyện", on=datetime.date(2001, 1, 2))

    veteran("Lê Văn Quá", datetime.date(1985, 6, 1), tree["cbcs"])  # 30 years on 01/06/2015
    veteran("Lê Văn Đúng", datetime.date(1986, 3, 1), tree["cb1"])  # 30 years on 01/03/2016
    client.force_login(personas["vanphong"])
    page = client.get(reverse("admin:members_partybadge_due"), {"ngay": "19/05/2016"})
    rows = [(d.tccs_name, d.chi_bo, d.member.full_name, d.is_overdue) for d in page.context["page"]]
    assert rows == [
        ("Đảng bộ Sở A", "Chi bộ Văn phòng", "Lê Văn Đúng", False),
        ("Chi bộ Sở B", "", "Lê Văn Quá", True),
    ]
    text = page.content.decode()
    assert '<tr class="group-row"><th colspan="8">Đảng bộ Sở A</th></tr>' in text
    assert "1 quá hạn" in text


def test_the_audit_log_names_record_types_and_the_member_in_local_time(client, personas, tree):
    from django.utils import timezone

    from partyblock.audit.models import ActivityLog
    from partyblock.importing.models import ImportBatch, ImportKind, ImportStatus

    member = make_member(full_name="Phạm Thị Nhật Ký")
    member_admit(member=member, organisation=tree["cb1"], ceremony_date=datetime.date(2015, 1, 5))
    client.force_login(personas["quantri"])
    page = client.get(reverse("admin:audit_activitylog_changelist"))
    rows = {(e.model, e.member_name) for e in page.context["cl"].result_list}
    assert ("members.memberevent", "Phạm Thị Nhật Ký") in rows
    assert ("members.member", "Phạm Thị Nhật Ký") in rows
    text = page.content.decode()
    assert "Sự kiện đảng viên" in text
    assert "members.memberevent" not in text.replace('model=members.memberevent"', "")
    batch = ImportBatch.objects.create(
        kind=ImportKind.MEMBERS, file_name="a.xlsx", sha256="0" * 64, status=ImportStatus.COMMITTED
    )
    local = timezone.localtime(batch.created_at)
    assert str(batch) == f"Đảng viên: a.xlsx ({local:%d/%m/%Y %H:%M})"
    assert ActivityLog.objects.filter(model="members.memberevent").exists()


def test_downloaded_files_have_vietnamese_names(client, personas, tree):
    from django.utils import timezone

    day = timezone.localdate().strftime("%d-%m-%Y")
    client.force_login(personas["coso_a"])
    export = client.get(reverse("admin:members_member_export"))
    assert export["Content-Disposition"] == f'attachment; filename="dang-vien-SOA-{day}.xlsx"'
    client.force_login(personas["vanphong"])
    export = client.get(reverse("admin:members_memberrating_export"))
    assert export["Content-Disposition"] == f'attachment; filename="xep-loai-dang-vien-{day}.xlsx"'
    template = client.get(reverse("admin:importing_importbatch_template", args=["members"]))
    assert template["Content-Disposition"] == 'attachment; filename="mau-nhap-dang-vien.xlsx"'


def test_the_import_page_shows_no_hash(client, personas, tree):
    from partyblock.importing.models import ImportBatch, ImportKind, ImportStatus

    batch = ImportBatch.objects.create(
        kind=ImportKind.MEMBERS,
        file_name="dang-vien.xlsx",
        sha256="ab" * 32,
        status=ImportStatus.INVALID,
        row_count=5147,
        report={"errors": [], "warnings": []},
    )
    client.force_login(personas["vanphong"])
    page = client.get(reverse("admin:importing_importbatch_preview", args=[batch.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "ab" * 32 not in text and "SHA-256" not in text
    assert "<span>5.147</span> dòng dữ liệu" in text


def test_organisation_autocomplete_names_the_tccs_within_the_users_scope(client, personas, tree):
    from tests.conftest import make_organisation
    from units.models import OrganisationKind

    make_organisation("SOB-VP", OrganisationKind.CHI_BO_TRUC_THUOC, tree["dbcs"], name="Chi bộ Văn phòng 2")
    url = reverse("admin:autocomplete")
    params = {
        "app_label": "members",
        "model_name": "memberevent",
        "field_name": "organisation",
        "term": "Văn phòng",
    }
    client.force_login(personas["vanphong"])
    assert [r["text"] for r in client.get(url, params).json()["results"]] == [
        "Chi bộ Văn phòng — Đảng bộ Sở A",
        "Chi bộ Văn phòng 2 — Đảng bộ Sở A",
    ]
    client.force_login(personas["coso_b"])
    assert client.get(url, params).json()["results"] == []


def _autocompleted(client, model_name, field_name, term, app_label="members"):
    params = {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term}
    return [r["text"] for r in client.get(reverse("admin:autocomplete"), params).json()["results"]]


def test_organisation_autocomplete_matches_without_diacritics(client, personas, tree):
    """Typed as staff type on a phone or an unset keyboard: no diacritics, đ as d, any case."""
    from tests.conftest import make_organisation
    from units.models import OrganisationKind

    make_organisation(
        "SOA-UB", OrganisationKind.CHI_BO_TRUC_THUOC, tree["dbcs"], name="Chi bộ Văn phòng Ủy ban Đô thị"
    )
    client.force_login(personas["vanphong"])
    wanted = ["Chi bộ Văn phòng Ủy ban Đô thị — Đảng bộ Sở A"]
    assert _autocompleted(client, "memberevent", "organisation", "van phong uy ban") == wanted
    assert _autocompleted(client, "memberevent", "organisation", "VAN PHONG do thi") == wanted
    assert _autocompleted(client, "memberevent", "organisation", "Văn phòng Ủy ban") == wanted
    assert _autocompleted(client, "memberevent", "organisation", "soa-ub") == wanted  # the code
    # The label as the chooser shows it, typed or pasted back.
    assert _autocompleted(client, "memberevent", "organisation", "Chi bộ Văn phòng — Đảng bộ Sở A") == [
        "Chi bộ Văn phòng — Đảng bộ Sở A",
        "Chi bộ Văn phòng Ủy ban Đô thị — Đảng bộ Sở A",
    ]
    # The organisation list's search, with the same rule: the TCCS, then its chi bộ (named with it).
    listed = client.get(reverse("admin:units_organisation_changelist"), {"q": "dang bo so a"})
    assert [o.code for o in listed.context["cl"].result_list] == ["SOA", "SOA-VP", "SOA-KT", "SOA-UB"]


def test_organisation_autocomplete_offers_only_the_kinds_the_field_takes(client, personas, tree):
    """A member's chi bộ (events) and a meeting's are chi bộ: the đảng bộ cơ sở named like the
    term is not offered there; an organisation's parent is never a chi bộ."""
    client.force_login(personas["vanphong"])
    assert _autocompleted(client, "memberevent", "organisation", "") == [
        "Chi bộ Văn phòng — Đảng bộ Sở A",
        "Chi bộ Kế toán — Đảng bộ Sở A",
        "Chi bộ Sở B",
    ]
    assert "Đảng bộ Sở A" not in _autocompleted(client, "meeting", "organisation", "", app_label="units")
    assert _autocompleted(client, "organisation", "parent", "so", app_label="units") == ["Đảng bộ Sở A"]
    # A field with no such rule (an award may go to any organisation) offers every kind.
    assert "Đảng bộ Sở A" in _autocompleted(client, "award", "organisation", "so")


def test_member_choosers_tell_namesakes_apart(client, personas, tree):
    """Twenty "Nguyễn Thị An" in a chooser cannot be told apart by name (review F10): each choice
    shows the birth date, the card and today's chi bộ with its TCCS, within the user's scope only."""
    from members.services import card_issue

    from .conftest import admitted

    d = datetime.date
    first = admitted("Nguyễn Thị An", tree["cb1"], d(2010, 3, 1), birth_date=d(1980, 4, 3))
    card_issue(member=first, number="30.100001", issued_on=d(2011, 6, 1))
    admitted("Nguyễn Thị An", tree["cbcs"], d(2012, 3, 1), recognised=False, birth_date=d(1985, 7, 9))
    client.force_login(personas["vanphong"])
    assert sorted(_autocompleted(client, "memberrating", "member", "nguyen thi an")) == [
        "Nguyễn Thị An (sinh 03/04/1980, thẻ 30.100001) · Chi bộ Văn phòng — Đảng bộ Sở A",
        "Nguyễn Thị An (sinh 09/07/1985) · Chi bộ Sở B",
    ]
    client.force_login(personas["coso_a"])
    assert _autocompleted(client, "memberrating", "member", "nguyen thi an") == [
        "Nguyễn Thị An (sinh 03/04/1980, thẻ 30.100001) · Chi bộ Văn phòng — Đảng bộ Sở A",
    ]


def test_an_organisation_chosen_on_a_form_is_shown_with_its_tccs(client, personas, tree):
    from units.models import Meeting

    meeting = Meeting.objects.create(
        organisation=tree["cb1"], held_on=datetime.date(2024, 3, 5), kind="thuong_ky", expected=5, present=5
    )
    client.force_login(personas["vanphong"])
    page = client.get(reverse("admin:units_meeting_change", args=[meeting.pk])).content.decode()
    assert "Chi bộ Văn phòng — Đảng bộ Sở A" in page


def wrapped_tables(text):
    """(tables, tables inside a horizontally scrolling box): at 390 pixels a wide table scrolls in
    its box instead of widening the page (issue 18 review)."""
    return len(re.findall(r"<table\b", text)), len(
        re.findall(r'<div class="[^"]*\btable-scroll\b[^"]*">\s*<table\b', text)
    )


def test_todo_lists_and_search_results_scroll_inside_their_box_on_a_phone(client, personas, office_data):
    client.force_login(personas["vanphong"])
    todo = client.get(reverse("todo", args=["du-bi-qua-han"])).content.decode()
    assert wrapped_tables(todo) == (1, 1)
    results = client.get(reverse("search"), {"q": "van"}).content.decode()
    assert wrapped_tables(results) == (2, 2)
    css = (settings.BASE_DIR / "static" / "partyblock" / "admin.css").read_text()
    assert ".table-scroll { overflow-x: auto;" in css


def test_the_audit_log_tells_a_missing_record_from_one_outside_the_scope(client, personas, tree):
    """Review F14: refused requests read "members.member #99999999999", and a record that does not
    exist was logged as a refusal."""
    from partyblock.audit.models import ActivityLog

    member = make_member(full_name="Phạm Văn Ngoài")
    member_admit(member=member, organisation=tree["cbcs"], ceremony_date=datetime.date(2015, 1, 5))
    client.force_login(personas["coso_a"])
    for object_id in (member.pk, 99999999999, "abc"):
        assert client.get(reverse("admin:members_member_change", args=[object_id])).status_code == 404
    logged = ActivityLog.objects.filter(username="coso_a", action__in=["denied", "not_found"]).order_by("pk")
    assert [(e.action, e.model, e.object_id) for e in logged] == [
        ("denied", "members.member", str(member.pk)),
        ("not_found", "members.member", "99999999999"),
        ("not_found", "members.member", "abc"),
    ]
    client.force_login(personas["quantri"])
    page = client.get(reverse("admin:audit_activitylog_changelist"))
    refusals = [e for e in page.context["cl"].result_list if e.action in ("denied", "not_found")]
    assert len(refusals) == 3 and {e.member_name for e in refusals} == {""}
    text = page.content.decode()
    assert "Không tìm thấy" in text and "Bị từ chối truy cập" in text
    assert "Đảng viên #99999999999" in text
    assert "members.member #" not in text
