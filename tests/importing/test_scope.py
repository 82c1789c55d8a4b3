"""The import under the user's scope (issue 14): a row matching a member outside it is an error that
names no one, in preview, at confirm and in `import_sheet --user`; nothing the import shows a
grassroots user names the member or shows the CCCD; the fields the member form keeps read-only are
refused by the import too."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from members.models import Member
from members.services import card_issue, member_admit, member_recognise, member_transfer
from partyblock.accounts.access import locked_member_fields
from partyblock.accounts.models import UserScope
from partyblock.importing.batches import ImportDenied, commit, prepare
from partyblock.importing.kinds import KINDS
from partyblock.importing.models import ImportBatch, ImportStatus
from partyblock.importing.plan import read_plan
from partyblock.importing.scope import OUTSIDE_PLAN, ImportScope
from tests.members.conftest import make_member

from .conftest import record_counts, xlsx

D = datetime.date
HEADER = ["Họ và tên", "Ngày sinh", "Giới tính", "Ngày vào Đảng", "Chi bộ", "Số thẻ đảng viên", "Số CCCD"]
OUTSIDE = "số thẻ / số CCCD này thuộc một đảng viên ngoài phạm vi quản lý của bạn."
NAMESAKE_OUTSIDE = (
    "họ tên và ngày sinh này trùng với một đảng viên ngoài phạm vi quản lý của bạn: nếu là người "
    "khác, hãy ghi số thẻ đảng viên hoặc số CCCD."
)
SECRET_NAME = "Trịnh Thị Bí Mật"
SECRET_ID = "030165987654"
SECRET_CARD = "30.777001"
MOVED_NAME = "Đỗ Văn Đã Chuyển"


@pytest.fixture
def people(personas, tree):
    """A member of Chi bộ Sở B (coso_b's) with a distinctive name, CCCD and card; one who was in
    Đảng bộ Sở A (coso_a's) and moved to Chi bộ Sở B; one who is in Đảng bộ Sở A."""
    secret = make_member(SECRET_NAME, D(1965, 3, 4), national_id=SECRET_ID)
    member_admit(member=secret, organisation=tree["cbcs"], ceremony_date=D(2005, 6, 1))
    member_recognise(member=secret, decision_date=D(2006, 6, 15))  # a card goes to official members only
    card_issue(member=secret, number=SECRET_CARD, issued_on=D(2006, 9, 1))
    moved = make_member(MOVED_NAME, D(1970, 7, 8))
    member_admit(member=moved, organisation=tree["cb1"], ceremony_date=D(2003, 2, 3))
    member_transfer(member=moved, to=tree["cbcs"], on=D(2015, 4, 1))
    own = make_member("Lê Văn Trong", D(1980, 1, 2), national_id="030180111222")
    member_admit(member=own, organisation=tree["cb1"], ceremony_date=D(2008, 3, 4))
    member_recognise(member=own, decision_date=D(2009, 3, 20))
    card_issue(member=own, number="30.111001", issued_on=D(2009, 4, 1))
    return {"secret": secret, "moved": moved, "own": own}


def row(
    name, birth, card=None, national_id=None, chi_bo="Chi bộ Văn phòng", gender="Nữ", admitted="01/06/2005"
):
    return [name, birth, gender, admitted, chi_bo, card, national_id]


def own_row(name="Lê Văn Trong", **fields):
    """A row of the member of Sở A as stored, but for `name` and `fields`."""
    return row(name, "02/01/1980", card="30.111001", gender="Nam", admitted="04/03/2008", **fields)


BY_CARD = row("Kẻ Đổi Tên", "04/03/1965", card=SECRET_CARD)
BY_ID = row("Kẻ Đổi Tên", "04/03/1965", national_id=SECRET_ID)
BY_NAME = row(MOVED_NAME, "08/07/1970")
CASES = {
    "card": (BY_CARD, f"Dòng 2, cột F (Số thẻ đảng viên), giá trị “{SECRET_CARD}”: {OUTSIDE}"),
    "national_id": (BY_ID, f"Dòng 2, cột G (Số CCCD), giá trị “••••••••7654”: {OUTSIDE}"),
    "name_and_birth_date": (
        BY_NAME,
        f"Dòng 2, cột A (Họ và tên), giá trị “{MOVED_NAME}”: {NAMESAKE_OUTSIDE}",
    ),
}


def profiles():
    return {m.pk: (m.full_name, m.national_id, m.gender) for m in Member.objects.all()}


def assert_names_no_one(text, people, typed=()):
    """Neither member outside coso_a's scope is named (unless the sheet itself named them: `typed`)
    or identified, nor the CCCD shown."""
    for member in (people["secret"], people["moved"]):
        if member.full_name not in typed:
            assert member.full_name not in text
        assert member.describe() not in text
    assert SECRET_ID not in text and "1965987654" not in text


@pytest.mark.parametrize("case", CASES)
@pytest.mark.django_db
def test_preview_refuses_a_member_outside_the_users_scope(personas, people, tree, case):
    sheet, error = CASES[case]
    before = (record_counts(), profiles())
    preview = prepare("members", xlsx([HEADER, sheet]), organisation=tree["dbcs"], user=personas["coso_a"])
    assert preview.errors == [error]
    assert preview.batch.status == ImportStatus.INVALID
    assert (record_counts(), profiles()) == before
    assert_names_no_one(json.dumps(preview.batch.report, ensure_ascii=False), people, typed=sheet)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.django_db
def test_the_same_rows_match_for_the_bloc_office(personas, people, tree, case):
    """The scope, not the matching, makes the difference: the office's import finds the member."""
    sheet, _ = CASES[case]
    preview = prepare("members", xlsx([HEADER, sheet]), organisation=tree["dbcs"], user=personas["vanphong"])
    assert preview.errors == []
    assert len(preview.updates) + preview.batch.unchanged_count == 1


@pytest.mark.parametrize("case", CASES)
@pytest.mark.django_db
def test_upload_page_shows_the_error_and_names_no_one(client, personas, people, tree, case):
    sheet, error = CASES[case]
    client.force_login(personas["coso_a"])
    response = client.post(
        reverse("admin:importing_importbatch_upload"),
        {
            "kind": "members",
            "organisation": tree["dbcs"].pk,
            "file": SimpleUploadedFile("ds.xlsx", xlsx([HEADER, sheet])),
        },
    )
    page = client.get(response.url)
    assert page.status_code == 200
    assert error in page.text
    assert_names_no_one(page.text, people, typed=sheet)
    assert 'value="Xác nhận ghi 0 mới, 0 cập nhật" disabled>' in page.text


@pytest.mark.parametrize("case", CASES)
@pytest.mark.django_db
def test_import_sheet_as_coso_exits_1_names_no_one_and_changes_nothing(
    personas, people, tree, tmp_path, capsys, case
):
    sheet, error = CASES[case]
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx([HEADER, sheet]))
    before = (record_counts(), profiles())
    with pytest.raises(CommandError, match="1 errors; nothing written") as raised:
        call_command("import_sheet", "members", str(path), "--organisation", "SOA", "--user", "coso_a")
    output = capsys.readouterr()
    assert output.err.splitlines() == [error]
    assert (record_counts(), profiles()) == before
    assert_names_no_one(output.out + output.err + str(raised.value), people, typed=sheet)


@pytest.mark.django_db
def test_import_sheet_user_is_refused_what_the_page_refuses(personas, tree, tmp_path):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(xlsx([HEADER, row("Phan Văn Hùng", "01/01/1980")]))
    refusals = {
        ("lanhdao", "SOA"): "Tài khoản của bạn không có quyền nhập loại dữ liệu này.",
        ("coso_a", "SOB"): "Tổ chức đảng này ngoài phạm vi quản lý của bạn.",
        ("coso_a", None): "Hãy chọn tổ chức cơ sở đảng của bạn (Đảng bộ Sở A) khi nhập.",
    }
    for (username, organisation), message in refusals.items():
        options = ["--organisation", organisation] if organisation else []
        with pytest.raises(CommandError) as raised:
            call_command("import_sheet", "members", str(path), *options, "--user", username)
        assert str(raised.value) == f"Permission denied: {message}"
    with pytest.raises(CommandError, match="No active user 'khongco'"):
        call_command("import_sheet", "members", str(path), "--organisation", "SOA", "--user", "khongco")
    assert ImportBatch.objects.count() == 0 and Member.objects.count() == 0
    call_command("import_sheet", "members", str(path), "--organisation", "SOA", "--user", "coso_a")
    assert list(Member.objects.values_list("full_name", "import_batch__user__username")) == [
        ("Phan Văn Hùng", "coso_a")
    ]


@pytest.mark.django_db
def test_ratings_cannot_tell_a_member_outside_the_scope_from_no_one(personas, people, tree):
    """A ratings sheet refers to existing members: one outside coso_a's scope is "not found" in the
    same words as a number nobody holds, and matching goes on with the rest of the row, so the
    sheet cannot test whether a card, a CCCD or a name and birth date belong to someone elsewhere
    in the Khối (DOMAIN.md §8)."""
    header = ["Năm", "Họ và tên", "Ngày sinh", "Số thẻ đảng viên", "Số CCCD", "Xếp loại"]
    good = "Hoàn thành tốt nhiệm vụ"

    def errors(name, birth, card=None, national_id=None):
        sheet = xlsx([header, [2024, name, birth, card, national_id, good]])
        preview = prepare("member_ratings", sheet, organisation=tree["dbcs"], user=personas["coso_a"])
        assert_names_no_one(json.dumps(preview.batch.report, ensure_ascii=False), people, typed=(name,))
        return preview.errors

    not_found = (
        "Dòng 2, cột B (Họ và tên), giá trị “Ai Đó”: không tìm thấy đảng viên này trong phạm vi quản lý "
        "của bạn (theo số thẻ, số CCCD, hoặc họ tên và ngày sinh)."
    )
    assert errors("Ai Đó", "01/01/1970", card=SECRET_CARD) == [not_found]
    assert errors("Ai Đó", "01/01/1970", card="30.999999") == [not_found]
    assert errors("Ai Đó", "01/01/1970", national_id=SECRET_ID) == [not_found]
    assert errors("Ai Đó", "01/01/1970", national_id="030199999999") == [not_found]
    by_name = errors(SECRET_NAME, "04/03/1965")
    assert by_name == [not_found.replace("“Ai Đó”", f"“{SECRET_NAME}”")]
    # The member of Sở A, with the card of Sở B's member or with a card nobody holds: found alike.
    assert errors("Lê Văn Trong", "02/01/1980", card=SECRET_CARD) == []
    assert errors("Lê Văn Trong", "02/01/1980", card="30.999999") == []


@pytest.mark.django_db
def test_a_conflict_between_card_and_cccd_names_no_one_outside(personas, people, tree):
    """The card is coso_a's member's, the CCCD the other TCCS's: refused as outside, not as a
    conflict between two named members."""
    sheet = row("Lê Văn Trong", "02/01/1980", card="30.111001", national_id=SECRET_ID)
    preview = prepare("members", xlsx([HEADER, sheet]), organisation=tree["dbcs"], user=personas["coso_a"])
    assert preview.errors == [f"Dòng 2, cột G (Số CCCD), giá trị “••••••••7654”: {OUTSIDE}"]


@pytest.mark.django_db
def test_namesakes_inside_and_outside_name_only_those_inside(personas, people, tree):
    twin = make_member(MOVED_NAME, D(1970, 7, 8))
    member_admit(member=twin, organisation=tree["cb2"], ceremony_date=D(2004, 5, 6))
    preview = prepare("members", xlsx([HEADER, BY_NAME]), organisation=tree["dbcs"], user=personas["coso_a"])
    assert preview.errors == [
        f"Dòng 2, cột A (Họ và tên), giá trị “{MOVED_NAME}”: khớp với 2 đảng viên cùng họ tên và ngày sinh "
        f"({MOVED_NAME} (sinh 08/07/1970, chưa có thẻ đảng viên); và 1 đảng viên ngoài phạm vi quản lý của bạn): "
        "hãy ghi số thẻ đảng viên hoặc số CCCD để phân biệt."
    ]


# --- confirm does not trust the plan ------------------------------------------------------------


@pytest.mark.django_db
def test_confirm_rechecks_the_plan_against_the_confirming_user(personas, people, tree):
    """The office previews a sheet (for Sở A) that renames the member of Sở B; coso_a may not
    confirm it, through commit() or the page (which does not even show it)."""
    sheet = xlsx([HEADER, row("Tên Mới Hoàn Toàn", "04/03/1965", card=SECRET_CARD)])
    preview = prepare("members", sheet, organisation=tree["dbcs"], user=personas["vanphong"])
    assert preview.can_commit and len(preview.updates) == 1
    before = (record_counts(), profiles())
    with pytest.raises(ImportDenied, match=OUTSIDE_PLAN):
        commit(preview, user=personas["coso_a"])
    assert (record_counts(), profiles()) == before
    assert ImportBatch.objects.get(pk=preview.batch.pk).status == ImportStatus.PREVIEWED
    url = reverse("admin:importing_importbatch_preview", args=[preview.batch.pk])
    from django.test import Client

    client = Client()
    client.force_login(personas["coso_a"])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert (record_counts(), profiles()) == before


@pytest.mark.django_db
def test_confirm_is_refused_when_the_users_scope_changed_since_the_preview(personas, people, tree):
    coso = personas["coso_a"]
    sheet = xlsx(
        [HEADER, row("Phan Văn Hùng", "01/01/1980"), row("Lê Văn Trong", "02/01/1980", card="30.999999")]
    )
    preview = prepare("members", sheet, organisation=tree["dbcs"], user=coso)
    assert (preview.errors, preview.batch.created_count, preview.batch.updated_count) == ([], 1, 1)
    UserScope.objects.filter(user=coso).update(tccs=tree["cbcs"])
    moved = type(coso).objects.get(pk=coso.pk)
    before = (record_counts(), profiles())
    with pytest.raises(ImportDenied, match="Tổ chức đảng này ngoài phạm vi quản lý của bạn."):
        commit(preview, user=moved)
    assert (record_counts(), profiles()) == before


@pytest.mark.django_db
def test_a_batch_of_another_tccs_cannot_be_opened_nor_confirmed(client, personas, people, tree):
    preview = prepare(
        "members",
        xlsx([HEADER, row("Phan Văn Hùng", "01/01/1980", chi_bo="")]),
        organisation=tree["cbcs"],
        user=personas["coso_b"],
    )
    assert preview.can_commit
    client.force_login(personas["coso_a"])
    url = reverse("admin:importing_importbatch_preview", args=[preview.batch.pk])
    assert (client.get(url).status_code, client.post(url).status_code) == (404, 404)
    assert Member.objects.filter(full_name="Phan Văn Hùng").count() == 0


@pytest.mark.django_db
def test_every_kind_checks_its_plan_against_the_scope(personas, people, tree):
    """Plans the office made, read back against coso_a's scope: outside for a record of Sở B,
    inside (or nothing to check) for one of Sở A."""
    office = personas["vanphong"]
    member_sheet = xlsx([HEADER, row("Tên Mới", "04/03/1965", card=SECRET_CARD, chi_bo="")])
    own_sheet = xlsx([HEADER, row("Lê Văn Trọng", "02/01/1980", card="30.111001")])
    sheets = {  # kind: ((sheet touching Sở B, organisation), (sheet touching Sở A, organisation))
        "members": ((member_sheet, tree["cbcs"]), (own_sheet, tree["dbcs"])),
        "events": (
            (
                xlsx(
                    [
                        ["Họ và tên", "Số thẻ đảng viên", "Sự kiện", "Ngày"],
                        ["X", SECRET_CARD, "Đình chỉ", "01/02/2024"],
                    ]
                ),
                None,
            ),
            (
                xlsx(
                    [
                        ["Họ và tên", "Số thẻ đảng viên", "Sự kiện", "Ngày"],
                        ["X", "30.111001", "Đình chỉ", "01/02/2024"],
                    ]
                ),
                None,
            ),
        ),
        "member_ratings": (
            (
                xlsx(
                    [
                        ["Năm", "Họ và tên", "Số thẻ đảng viên", "Xếp loại"],
                        [2024, "X", SECRET_CARD, "Hoàn thành tốt nhiệm vụ"],
                    ]
                ),
                None,
            ),
            (
                xlsx(
                    [
                        ["Năm", "Họ và tên", "Số thẻ đảng viên", "Xếp loại"],
                        [2024, "X", "30.111001", "Hoàn thành tốt nhiệm vụ"],
                    ]
                ),
                None,
            ),
        ),
        "organisation_ratings": (
            (xlsx([["Năm", "Mã", "Xếp loại"], [2024, "SOB", "Hoàn thành tốt nhiệm vụ"]]), None),
            (xlsx([["Năm", "Mã", "Xếp loại"], [2024, "SOA-VP", "Hoàn thành tốt nhiệm vụ"]]), None),
        ),
        "organisations": (
            (xlsx([["Mã", "Tên tổ chức", "Loại"], ["SOB", "Chi bộ Sở B (tên mới)", "Chi bộ cơ sở"]]), None),
            (
                xlsx(
                    [
                        ["Mã", "Tên tổ chức", "Loại", "Trực thuộc"],
                        ["SOA-VP", "Chi bộ Văn phòng (tên mới)", "Chi bộ trực thuộc", "SOA"],
                    ]
                ),
                None,
            ),
        ),
    }
    scope = ImportScope(personas["coso_a"])
    found = {}
    for kind, pair in sheets.items():
        results = []
        for sheet, organisation in pair:
            preview = prepare(kind, sheet, user=office, organisation=organisation)
            assert preview.errors == [] and preview.can_commit, (kind, preview.errors)
            results.append(KINDS[kind].outside(read_plan(preview.batch.plan), scope))
        found[kind] = results
    assert found == {kind: [True, False] for kind in sheets}


@pytest.mark.django_db
def test_one_sheet_of_every_probe_leaks_nothing_anywhere(client, personas, people, tree, tmp_path, capsys):
    """Every way of pointing at the members outside Sở A in one sheet: the preview page, its errors,
    the stored report and the command's output never name them nor show the CCCD."""
    rows = [HEADER, BY_CARD, BY_ID, own_row(national_id=SECRET_ID), BY_NAME]
    sheet = xlsx(rows)
    client.force_login(personas["coso_a"])
    response = client.post(
        reverse("admin:importing_importbatch_upload"),
        {"kind": "members", "organisation": tree["dbcs"].pk, "file": SimpleUploadedFile("ds.xlsx", sheet)},
    )
    page = client.get(response.url).text
    batch = ImportBatch.objects.get()
    assert batch.report["errors"] == [
        CASES["card"][1],
        CASES["national_id"][1].replace("Dòng 2", "Dòng 3"),
        "Dòng 4, cột G (Số CCCD), giá trị “••••••••7654”: Số CCCD trùng với dòng 3 trong tệp.",
        CASES["name_and_birth_date"][1].replace("Dòng 2", "Dòng 5"),
    ]
    path = tmp_path / "ds.xlsx"
    path.write_bytes(sheet)
    with pytest.raises(CommandError):
        call_command("import_sheet", "members", str(path), "--organisation", "SOA", "--user", "coso_a")
    output = capsys.readouterr()
    for text in (page, json.dumps(batch.report, ensure_ascii=False), output.out + output.err):
        assert_names_no_one(text, people, typed=[MOVED_NAME])
        assert all(error in text for error in batch.report["errors"])


# --- what the user may write ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_import_refuses_the_fields_the_member_form_keeps_read_only(client, personas, people, tree):
    coso = personas["coso_a"]
    assert locked_member_fields(coso) == ("national_id",) and locked_member_fields(personas["vanphong"]) == ()
    client.force_login(coso)
    form = client.get(reverse("admin:members_member_change", args=[people["own"].pk])).text
    assert 'name="full_name"' in form and 'name="national_id"' not in form and "••••••••1222" in form
    reason = (
        "tài khoản của bạn không được ghi hay sửa số CCCD (biểu mẫu đảng viên cũng không cho sửa): "
        "hãy để trống ô này, hoặc ghi đúng số đang lưu."
    )
    sheet = xlsx(
        [
            HEADER,
            own_row(national_id="030180999999"),
            row("Người Mới", "01/01/1990", national_id="030190000001"),
        ]
    )
    before = profiles()
    preview = prepare("members", sheet, organisation=tree["dbcs"], user=coso)
    assert preview.errors == [
        f"Dòng 2, cột G (Số CCCD), giá trị “••••••••9999”: {reason}",
        f"Dòng 3, cột G (Số CCCD), giá trị “••••••••0001”: {reason}",
    ]
    same = xlsx([HEADER, own_row("Lê Văn Trọng", national_id="030180111222")])
    preview = prepare("members", same, organisation=tree["dbcs"], user=coso)
    assert (preview.errors, preview.updates) == (
        [],
        [
            [
                2,
                "Lê Văn Trong (sinh 02/01/1980, thẻ 30.111001)",
                [["Họ và tên", "Lê Văn Trong", "Lê Văn Trọng"]],
            ]
        ],
    )
    commit(preview, user=coso)
    assert Member.objects.get(pk=people["own"].pk).full_name == "Lê Văn Trọng"
    assert {pk: p for pk, p in profiles().items() if pk != people["own"].pk} == {
        pk: p for pk, p in before.items() if pk != people["own"].pk
    }


@pytest.mark.django_db
def test_the_office_changes_a_cccd_and_sees_it_whole(personas, people, tree):
    sheet = xlsx([HEADER, own_row(national_id="030180999999")])
    preview = prepare("members", sheet, organisation=tree["dbcs"], user=personas["vanphong"])
    assert preview.updates == [
        [
            2,
            "Lê Văn Trong (sinh 02/01/1980, thẻ 30.111001)",
            [["Số CCCD", "030180111222", "030180999999"]],
        ]
    ]
    commit(preview, user=personas["vanphong"])
    assert Member.objects.get(pk=people["own"].pk).national_id == "030180999999"


@pytest.mark.django_db
def test_a_report_shows_national_ids_as_its_reader_sees_them(client, personas, people, tree):
    """The office's report holds whole numbers; the leader, who sees them masked, reads it masked."""
    sheet = xlsx(
        [
            HEADER,
            row("Người Một", "01/01/1980", national_id="030190000001"),
            row("Người Hai", "02/01/1980", national_id="030190000001"),
        ]
    )
    preview = prepare("members", sheet, organisation=tree["dbcs"], user=personas["vanphong"])
    error = "Dòng 3, cột G (Số CCCD), giá trị “{}”: Số CCCD trùng với dòng 2 trong tệp."
    assert preview.errors == [error.format("030190000001")]
    url = reverse("admin:importing_importbatch_preview", args=[preview.batch.pk])
    shown = {}
    for username in ("vanphong", "lanhdao"):
        client.force_login(personas[username])
        page = client.get(url).text
        shown[username] = (error.format("030190000001") in page, error.format("••••••••0001") in page)
    assert shown == {"vanphong": (True, False), "lanhdao": (False, True)}


@pytest.mark.django_db
def test_a_cccd_exported_masked_is_read_as_an_empty_cell(personas, people, tree):
    """A list coso exported (CCCD masked) and sends back unchanged matches by card and changes
    nothing; a masked cell never counts as a CCCD."""
    sheet = xlsx(
        [
            HEADER,
            own_row(national_id="••••••••1222"),
            row("Người Mới", "01/01/1980", national_id="••••••••0001"),
        ]
    )
    preview = prepare("members", sheet, organisation=tree["dbcs"], user=personas["coso_a"])
    assert (preview.errors, preview.updates, preview.batch.unchanged_count) == ([], [], 1)
    assert [label for _, label in preview.creates] == [
        "Người Mới (sinh 01/01/1980) — Chi bộ Văn phòng — Đảng bộ Sở A"
    ]
    commit(preview, user=personas["coso_a"])
    assert Member.objects.get(full_name="Người Mới").national_id is None
