"""The Party's rules on how a membership ends and on readmission (docs/rules.md), enforced by the
services that write member events: in the service, through the admin's event table and through the
events import, each with the message that says which rule refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from inspections.models import DecidingBody, DisciplineForm
from inspections.services import discipline_decide
from members.models import EndingGround, EventKind, MemberEvent
from members.services import (
    card_issue,
    member_admit,
    member_admit_outside,
    member_end,
    member_events_apply,
    member_recognise,
)
from partyblock.importing.batches import commit, prepare
from tests.importing.conftest import record_counts, xlsx
from tests.members.test_admin import change_page_data

D = datetime.date
BARE_EXPULSION = (
    "khai trừ là hình thức kỷ luật đảng: chỉ ghi được bằng quyết định kỷ luật "
    "(Kiểm tra, kỷ luật › Kỷ luật), quyết định đó tự ghi sự kiện khai trừ."
)
CONSENT = "Công văn 120-CV/TU ngày 10/5/2024"


def refused(function, **arguments):
    with pytest.raises(ValidationError) as error:
        function(**arguments)
    return error.value.messages


def stored_events(member):
    return list(member.events.order_by("date", "pk").values_list("kind", "date", "ending_ground"))


@pytest.fixture
def official(admitted):
    """Admitted 10/01/2020, official from 10/01/2021."""
    member_recognise(member=admitted, decision_date=D(2021, 1, 20))
    return admitted


LEFT_ON = D(2021, 6, 1)


def removed(member, on=LEFT_ON, ground=EndingGround.UNPAID_DUES):
    member_end(member=member, kind=EventKind.REMOVAL, on=on, ground=ground)
    return member


def readmit(member, decided, consent=CONSENT, **fields):
    return member_admit(
        member=member,
        organisation=member.events.get(kind=EventKind.ADMISSION).organisation,
        ceremony_date=decided + datetime.timedelta(days=14),
        decision_date=decided,
        readmission=True,
        readmission_consent=consent,
        **fields,
    )


def expel(member, decided, reason, number="5-QĐ/UBKTĐUK", **fields):
    """An expulsion the one way it is written: by a discipline decision of the UBKT."""
    return discipline_decide(
        member=member,
        form=DisciplineForm.EXPULSION,
        deciding_body=DecidingBody.UBKT,
        decision_number=number,
        decision_date=decided,
        reason=reason,
        **fields,
    )


# --- expulsion only through a discipline decision ------------------------------------------------


def test_a_bare_expulsion_is_refused_by_the_service(official):
    before = stored_events(official)

    messages = refused(member_end, member=official, kind=EventKind.EXPULSION, on=D(2022, 3, 1))

    assert messages == [f"Khai trừ ngày 01/03/2022: {BARE_EXPULSION}"]
    assert stored_events(official) == before


def test_an_expulsion_by_a_discipline_decision_is_written_and_linked(official):
    decision = expel(official, D(2022, 3, 1), "Vi phạm nghiêm trọng.")

    assert stored_events(official)[-1] == (EventKind.EXPULSION, D(2022, 3, 1), "")
    assert decision.member_event.kind == EventKind.EXPULSION


def test_a_probationary_member_is_not_expelled_even_by_the_discipline_path(admitted):
    messages = refused(
        member_end, member=admitted, kind=EventKind.EXPULSION, on=D(2020, 6, 1), by_discipline=True
    )

    assert messages == [
        "Khai trừ ngày 01/06/2020: đảng viên dự bị không bị kỷ luật khai trừ (chỉ khiển trách hoặc cảnh cáo); "
        "nếu không còn đủ tư cách đảng viên thì xóa tên."
    ]


def test_the_expulsion_event_of_a_decision_is_not_deleted_by_hand(official):
    decision = expel(official, D(2022, 3, 1), "Vi phạm nghiêm trọng.")

    messages = refused(member_events_apply, member=official, delete=[decision.member_event])

    assert messages == [
        "Khai trừ ngày 01/03/2022 được ghi theo quyết định kỷ luật; "
        "muốn bỏ sự kiện này hãy hủy bỏ quyết định kỷ luật đó."
    ]
    assert MemberEvent.objects.filter(pk=decision.member_event_id).exists()


def test_a_stored_bare_expulsion_does_not_block_other_edits(official):
    """Records written before the rule stay editable; the checks page lists them."""
    legacy = MemberEvent.objects.create(member=official, kind=EventKind.EXPULSION, date=D(2023, 1, 1))
    official.refresh_from_db()

    warnings = member_events_apply(
        official,
        change=[
            _with(MemberEvent.objects.get(kind=EventKind.ADMISSION, member=official), note="Sửa ghi chú")
        ],
    )

    assert warnings == []
    assert MemberEvent.objects.filter(pk=legacy.pk).exists()


def _with(event, **changes):
    for name, value in changes.items():
        setattr(event, name, value)
    return event


# --- grounds of removal and resignation -----------------------------------------------------------


def test_a_removal_needs_its_ground(official):
    messages = refused(member_end, member=official, kind=EventKind.REMOVAL, on=D(2022, 3, 1))

    assert messages == [
        "Xóa tên ngày 01/03/2022: cần chọn lý do xóa tên (các trường hợp do Điều lệ Đảng và quy định thi hành nêu)."
    ]


def test_a_ground_must_fit_the_kind_of_ending(official):
    messages = refused(
        member_end, member=official, kind=EventKind.RESIGNATION, on=D(2022, 3, 1), ground=EndingGround.WANING
    )

    assert messages == [
        "Xin ra khỏi Đảng ngày 01/03/2022: lý do “Giảm sút ý chí phấn đấu, không làm nhiệm vụ đảng viên, "
        "giáo dục không tiến bộ” không dùng cho xin ra khỏi đảng."
    ]


def test_not_recognised_as_official_is_a_ground_for_probationary_members_only(admitted, official):
    messages = refused(
        member_end,
        member=official,
        kind=EventKind.REMOVAL,
        on=D(2022, 3, 1),
        ground=EndingGround.NOT_RECOGNISED,
    )

    assert messages == [
        "Xóa tên ngày 01/03/2022: chỉ đảng viên dự bị mới bị xóa tên vì không được công nhận đảng viên chính "
        "thức; đảng viên này đã là đảng viên chính thức."
    ]


def test_a_probationary_member_not_recognised_is_removed_with_that_ground(admitted):
    member_end(member=admitted, kind=EventKind.REMOVAL, on=D(2021, 1, 20), ground=EndingGround.NOT_RECOGNISED)

    assert stored_events(admitted)[-1] == (EventKind.REMOVAL, D(2021, 1, 20), EndingGround.NOT_RECOGNISED)


# --- readmission ----------------------------------------------------------------------------------


def test_readmission_exactly_36_months_after_leaving_is_accepted(official):
    outcome = readmit(removed(official, on=D(2021, 6, 1)), decided=D(2024, 6, 1))

    assert outcome.warnings == []
    assert stored_events(official)[-1][:2] == (EventKind.READMISSION, D(2024, 6, 15))


def test_readmission_a_day_short_of_36_months_is_refused(official):
    messages = refused(readmit, member=removed(official, on=D(2021, 6, 1)), decided=D(2024, 5, 31))

    assert messages == [
        "Kết nạp lại ngày 14/06/2024: chưa đủ 36 tháng kể từ khi ra khỏi Đảng (xóa tên ngày 01/06/2021); "
        "sớm nhất xét kết nạp lại ngày 01/06/2024."
    ]


def test_readmission_needs_the_province_consent(official):
    messages = refused(readmit, member=removed(official), decided=D(2024, 6, 1), consent="  ")

    assert messages == [
        "Kết nạp lại ngày 15/06/2024: cần ghi văn bản đồng ý của Ban Thường vụ Tỉnh ủy (hoặc tương đương) "
        "về việc kết nạp lại."
    ]


def test_readmission_happens_once_only(official):
    readmit(removed(official, on=D(2021, 6, 1)), decided=D(2024, 6, 1))
    member_recognise(member=official, decision_date=D(2025, 7, 1))
    removed(official, on=D(2026, 1, 5))

    messages = refused(readmit, member=official, decided=D(2026, 6, 1))

    assert messages == [
        "Kết nạp lại ngày 15/06/2026: đã được kết nạp lại một lần (ngày 15/06/2024); "
        "mỗi người chỉ được kết nạp lại một lần."
    ]


@pytest.mark.parametrize(
    ("kind", "ground"),
    [
        (EventKind.REMOVAL, EndingGround.LEFT_ACTIVITY),
        (EventKind.RESIGNATION, EndingGround.RESIGNED),
    ],
)
def test_readmission_is_refused_after_an_excluded_ground(official, kind, ground):
    member_end(member=official, kind=kind, on=D(2021, 6, 1), ground=ground)

    messages = refused(readmit, member=official, decided=D(2024, 6, 1))

    assert messages == [
        f"Kết nạp lại ngày 15/06/2024: không xem xét kết nạp lại người đã ra khỏi Đảng vì lý do “{ground.label}”."
    ]


def test_resignation_for_family_hardship_does_not_exclude_readmission(official):
    member_end(
        member=official, kind=EventKind.RESIGNATION, on=D(2021, 6, 1), ground=EndingGround.FAMILY_HARDSHIP
    )

    assert readmit(official, decided=D(2024, 6, 1)).warnings == []


def test_readmission_before_the_2016_rules_is_warned_about_not_refused(tree):
    from tests.members.conftest import make_member

    veteran = make_member(full_name="Trần Văn Cựu", birth_date=D(1950, 1, 1))
    member_admit_outside(member=veteran, other_party="Đảng bộ huyện Thanh Hà", ceremony_date=D(1980, 5, 19))
    member_recognise(member=veteran, decision_date=D(1981, 6, 1))
    MemberEvent.objects.create(member=veteran, kind=EventKind.REMOVAL, date=D(1990, 3, 1))  # no ground stored

    outcome = member_admit_outside(
        member=veteran,
        other_party="Đảng bộ huyện Thanh Hà",
        ceremony_date=D(1992, 5, 19),
        decision_date=D(1992, 5, 1),
        readmission=True,
    )

    assert outcome.warnings == [
        "Kết nạp lại ngày 19/05/1992: chưa đủ 36 tháng kể từ khi ra khỏi Đảng (xóa tên ngày 01/03/1990); "
        "sớm nhất xét kết nạp lại ngày 01/03/1993 (quy định trước ngày 25/7/2016 chưa xác nhận: chỉ cảnh báo).",
        "Kết nạp lại ngày 19/05/1992: cần ghi văn bản đồng ý của Ban Thường vụ Tỉnh ủy (hoặc tương đương) về "
        "việc kết nạp lại (quy định trước ngày 25/7/2016 chưa xác nhận: chỉ cảnh báo).",
        "Kết nạp lại ngày 19/05/1992: lần ra khỏi Đảng trước (xóa tên ngày 01/03/1990) chưa ghi lý do: chưa "
        "kiểm tra được các trường hợp không xem xét kết nạp lại.",
    ]


# --- through the admin's event table --------------------------------------------------------------


@pytest.fixture
def staff(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("quantri", password="mat-khau-thu"))
    return client


def _post_new_event(staff, member, **fields):
    url = reverse("admin:members_member_change", args=[member.pk])
    data = change_page_data(staff.get(url))
    total = int(data["events-TOTAL_FORMS"])
    data["events-TOTAL_FORMS"] = total + 1
    data.update({f"events-{total}-{name}": value for name, value in fields.items()})
    return staff.post(url, data)


def _inline_errors(response):
    formset = next(
        f.formset for f in response.context["inline_admin_formsets"] if f.formset.model is MemberEvent
    )
    return formset.non_form_errors()


@pytest.mark.django_db
def test_the_admin_refuses_a_typed_expulsion(staff, official):
    response = _post_new_event(staff, official, kind=EventKind.EXPULSION, date="01/03/2022")

    assert response.status_code == 200
    assert _inline_errors(response) == [f"Khai trừ ngày 01/03/2022: {BARE_EXPULSION}"]
    assert official.events.filter(kind=EventKind.EXPULSION).count() == 0


@pytest.mark.django_db
def test_the_admin_refuses_a_removal_without_ground_and_accepts_it_with_one(staff, official):
    response = _post_new_event(staff, official, kind=EventKind.REMOVAL, date="01/03/2022")
    assert _inline_errors(response) == [
        "Xóa tên ngày 01/03/2022: cần chọn lý do xóa tên (các trường hợp do Điều lệ Đảng và quy định thi hành nêu)."
    ]

    response = _post_new_event(
        staff, official, kind=EventKind.REMOVAL, date="01/03/2022", ending_ground=EndingGround.UNPAID_DUES
    )
    assert response.status_code == 302
    assert stored_events(official)[-1] == (EventKind.REMOVAL, D(2022, 3, 1), EndingGround.UNPAID_DUES)


@pytest.mark.django_db
def test_the_admin_refuses_deleting_the_expulsion_of_a_decision(staff, official):
    decision = expel(official, D(2022, 3, 1), "Vi phạm nghiêm trọng.")
    url = reverse("admin:members_member_change", args=[official.pk])
    data = change_page_data(staff.get(url))
    index = next(
        key.split("-")[1]
        for key, value in data.items()
        if key.endswith("-id") and key.startswith("events-") and str(value) == str(decision.member_event_id)
    )
    data[f"events-{index}-DELETE"] = "on"

    response = staff.post(url, data)

    assert _inline_errors(response) == [
        "Khai trừ ngày 01/03/2022 được ghi theo quyết định kỷ luật; "
        "muốn bỏ sự kiện này hãy hủy bỏ quyết định kỷ luật đó."
    ]
    assert MemberEvent.objects.filter(pk=decision.member_event_id).exists()


# --- through the events import --------------------------------------------------------------------

HEADER = [
    "Họ và tên",
    "Số thẻ",
    "Sự kiện",
    "Ngày",
    "Lý do ra khỏi Đảng",
    "Văn bản đồng ý kết nạp lại",
    "Chuyển đến / từ",
]


@pytest.mark.django_db
def test_the_import_refuses_a_bare_expulsion_and_writes_nothing(tree, official):
    card_issue(member=official, number="30.000555")
    before = record_counts()

    preview = prepare(
        "events",
        xlsx([HEADER, ["Nguyễn Văn An", "30.000555", "Khai trừ", "01/03/2022", None, None, None]]),
        organisation=tree["dbcs"],
    )

    assert preview.errors == [f"Dòng 2: {official.describe()}: khai trừ ngày 01/03/2022: {BARE_EXPULSION}"]
    assert record_counts() == before


@pytest.mark.django_db
def test_the_import_takes_grounds_and_the_readmission_consent(tree, official):
    card_issue(member=official, number="30.000666")
    rows = [
        HEADER,
        [
            "Nguyễn Văn An",
            "30.000666",
            "Xóa tên",
            "01/06/2021",
            "Không đóng đảng phí 3 tháng trong năm không có lý do chính đáng",
            None,
            None,
        ],
        ["Nguyễn Văn An", "30.000666", "Kết nạp lại", "01/06/2024", None, CONSENT, "Chi bộ Văn phòng"],
    ]

    preview = prepare("events", xlsx(rows), organisation=tree["dbcs"])
    assert preview.errors == []
    commit(preview)

    assert stored_events(official)[-2:] == [
        (EventKind.REMOVAL, D(2021, 6, 1), EndingGround.UNPAID_DUES),
        (EventKind.READMISSION, D(2024, 6, 1), ""),
    ]
    assert official.events.get(kind=EventKind.READMISSION).readmission_consent == CONSENT


@pytest.mark.django_db
def test_the_import_refuses_a_removal_without_ground_and_a_readmission_too_early(tree, official):
    card_issue(member=official, number="30.000777")
    rows = [
        HEADER,
        ["Nguyễn Văn An", "30.000777", "Xóa tên", "01/06/2021", None, None, None],
    ]
    preview = prepare("events", xlsx(rows), organisation=tree["dbcs"])
    assert preview.errors == [
        f"Dòng 2: {official.describe()}: xóa tên ngày 01/06/2021: cần chọn lý do xóa tên "
        "(các trường hợp do Điều lệ Đảng và quy định thi hành nêu)."
    ]

    removed(official, on=D(2021, 6, 1))
    rows = [
        HEADER,
        ["Nguyễn Văn An", "30.000777", "Kết nạp lại", "31/05/2024", None, CONSENT, "Chi bộ Văn phòng"],
    ]
    preview = prepare("events", xlsx(rows), organisation=tree["dbcs"])
    assert preview.errors == [
        f"Dòng 2: {official.describe()}: kết nạp lại ngày 31/05/2024: chưa đủ 36 tháng kể từ khi ra khỏi Đảng "
        "(xóa tên ngày 01/06/2021); sớm nhất xét kết nạp lại ngày 01/06/2024."
    ]


# --- admission age on the chi bộ's vote -----------------------------------------------------------


def test_the_age_is_judged_on_the_chi_bo_vote(tree):
    from tests.members.conftest import make_member

    young = make_member(full_name="Trần Văn Trẻ", birth_date=D(2002, 3, 1))
    messages = refused(
        member_admit,
        member=young,
        organisation=tree["cb1"],
        vote_date=D(2020, 2, 28),  # the day before the 18th birthday
        decision_date=D(2020, 3, 20),
        ceremony_date=D(2020, 4, 2),
    )
    assert messages == [
        "Kết nạp ngày 02/04/2020: người được kết nạp phải đủ 18 tuổi (ngày 28/02/2020 mới 17 tuổi)."
    ]

    outcome = member_admit(
        member=young,
        organisation=tree["cb1"],
        vote_date=D(2020, 3, 1),
        decision_date=D(2020, 3, 20),
        ceremony_date=D(2020, 4, 2),
    )
    assert outcome.warnings == []


def test_without_the_vote_date_an_age_near_18_is_warned_about(tree):
    from tests.members.conftest import make_member

    near = make_member(full_name="Lê Văn Vừa", birth_date=D(2002, 3, 1))
    outcome = member_admit(
        member=near, organisation=tree["cb1"], decision_date=D(2020, 5, 31), ceremony_date=D(2020, 6, 10)
    )
    assert outcome.warnings == [
        "Kết nạp ngày 10/06/2020: chưa ghi ngày chi bộ xét kết nạp: tuổi được tính theo ngày 31/05/2020; "
        "người được kết nạp đủ 18 tuổi ngày 01/03/2020, hãy kiểm tra ngày chi bộ xét."
    ]
    older = make_member(full_name="Lê Văn Đủ", birth_date=D(2002, 2, 28))
    outcome = member_admit(
        member=older, organisation=tree["cb1"], decision_date=D(2020, 5, 31), ceremony_date=D(2020, 6, 10)
    )
    assert outcome.warnings == []  # 18 more than 3 months before the decision


@pytest.mark.django_db
def test_the_admin_judges_the_age_on_the_vote_date(staff, tree):
    from tests.members.test_admin import ADD, add_member_payload

    response = staff.post(
        ADD,
        add_member_payload(
            birth_date="01/03/2002",
            **{
                "events-0-kind": EventKind.ADMISSION,
                "events-0-date": "02/04/2020",
                "events-0-decision_date": "20/03/2020",
                "events-0-vote_date": "28/02/2020",
                "events-0-organisation": tree["cb1"].pk,
            },
        ),
    )
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors() == [
        "Kết nạp ngày 02/04/2020: người được kết nạp phải đủ 18 tuổi (ngày 28/02/2020 mới 17 tuổi)."
    ]


def test_an_expulsion_ground_from_the_decision_excludes_readmission(official):
    expel(official, D(2021, 6, 1), "Bị kết án về tội tham nhũng.", expulsion_ground=EndingGround.CORRUPTION)
    assert stored_events(official)[-1] == (EventKind.EXPULSION, D(2021, 6, 1), EndingGround.CORRUPTION)

    messages = refused(readmit, member=official, decided=D(2024, 6, 1))

    assert messages == [
        "Kết nạp lại ngày 15/06/2024: không xem xét kết nạp lại người đã ra khỏi Đảng vì lý do "
        "“Bị kết án hình sự về tội tham nhũng”."
    ]


def test_an_expulsion_ground_only_on_an_expulsion(official):
    with pytest.raises(ValidationError) as refused_decision:
        discipline_decide(
            member=official,
            form=DisciplineForm.WARNING,
            deciding_body=DecidingBody.UBKT,
            decision_number="6-QĐ/UBKTĐUK",
            decision_date=D(2021, 6, 1),
            reason="Vi phạm.",
            expulsion_ground=EndingGround.CORRUPTION,
        )
    assert refused_decision.value.message_dict == {
        "expulsion_ground": ["Chỉ ghi lý do khai trừ cho quyết định khai trừ."]
    }


# --- readmission after a conviction (QĐ 294-QĐ/TW 2025 §3.5.1) -------------------------------------


def expelled_after_a_conviction(member):
    expel(
        member,
        D(2021, 6, 1),
        "Bị kết án về tội phạm ít nghiêm trọng.",
        number="7-QĐ/UBKTĐUK",
        expulsion_ground=EndingGround.LESS_SERIOUS_CRIME,
    )
    return member


def readmit_after_conviction(member, decided, cleared):
    return readmit(member, decided, conviction_cleared_on=cleared)


CLEARED_ON = D(2021, 3, 1)  # 60 months later: 01/03/2026


def test_readmission_after_a_conviction_waits_60_months_from_its_clearing(official):
    expelled_after_a_conviction(official)
    assert stored_events(official)[-1] == (
        EventKind.EXPULSION,
        D(2021, 6, 1),
        EndingGround.LESS_SERIOUS_CRIME,
    )

    assert refused(readmit_after_conviction, member=official, decided=D(2026, 2, 28), cleared=CLEARED_ON) == [
        "Kết nạp lại ngày 14/03/2026: chưa đủ 60 tháng kể từ ngày được xóa án tích (01/03/2021); "
        "sớm nhất xét kết nạp lại ngày 01/03/2026."
    ]
    assert stored_events(official)[-1][0] == EventKind.EXPULSION

    outcome = readmit_after_conviction(official, decided=D(2026, 3, 1), cleared=CLEARED_ON)
    assert outcome.warnings == []
    assert stored_events(official)[-1] == (EventKind.READMISSION, D(2026, 3, 15), "")


def test_readmission_after_a_conviction_needs_the_day_it_was_cleared(official):
    expelled_after_a_conviction(official)

    assert refused(readmit_after_conviction, member=official, decided=D(2026, 6, 1), cleared=None) == [
        "Kết nạp lại ngày 15/06/2026: đã ra khỏi Đảng vì bị kết án về tội phạm ít nghiêm trọng: cần ghi ngày "
        "được xóa án tích (chỉ xét kết nạp lại sau 60 tháng kể từ ngày đó)."
    ]


def test_readmission_after_a_conviction_before_qd_294_is_warned_about(official):
    expelled_after_a_conviction(official)

    outcome = readmit_after_conviction(official, decided=D(2024, 6, 3), cleared=CLEARED_ON)

    assert outcome.warnings == [
        "Kết nạp lại ngày 17/06/2024: chưa đủ 60 tháng kể từ ngày được xóa án tích (01/03/2021); sớm nhất "
        "xét kết nạp lại ngày 01/03/2026 (trước QĐ 294-QĐ/TW ngày 01/7/2025 chưa xác nhận: chỉ cảnh báo)."
    ]
    assert stored_events(official)[-1][0] == EventKind.READMISSION


def test_the_admin_takes_the_day_a_conviction_was_cleared(staff, official):
    expelled_after_a_conviction(official)
    response = _post_new_event(
        staff,
        official,
        kind=EventKind.READMISSION,
        date="15/06/2026",
        decision_date="01/06/2026",
        organisation=official.events.get(kind=EventKind.ADMISSION).organisation_id,
        readmission_consent=CONSENT,
        conviction_cleared_on="02/06/2021",
    )

    assert response.status_code == 200
    assert _inline_errors(response) == [
        "Kết nạp lại ngày 15/06/2026: chưa đủ 60 tháng kể từ ngày được xóa án tích (02/06/2021); sớm nhất "
        "xét kết nạp lại ngày 02/06/2026."
    ]
