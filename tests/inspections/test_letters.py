"""Letters: the complaint deadline in working days, and overdue letters."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from inspections.models import Competence, Holiday, Letter, LetterKind, LetterStatus
from inspections.queries import letters_overdue
from inspections.services import letter_close, letter_deadlines_refresh, letter_receive
from inspections.workdays import working_days_after

D = datetime.date
# 2030 lies beyond the seeded holiday list: these tests choose their own holidays.
FRIDAY = D(2030, 1, 4)


def receive(day=FRIDAY, kind=LetterKind.COMPLAINT, competence=Competence.HANDLED, **fields):
    return letter_receive(
        received_on=day,
        sender=fields.pop("sender", "Nguyễn Văn Thành"),
        kind=kind,
        summary="Khiếu nại quyết định kỷ luật.",
        competence=competence,
        **fields,
    )


def test_complaint_deadline_is_90_working_days_skipping_weekends(db):
    # 18 weeks of five working days from Monday 07/01/2030.
    assert receive().deadline == D(2030, 5, 10)
    assert receive(D(2030, 1, 5)).deadline == D(2030, 5, 10)  # received on a Saturday: the same
    assert receive(D(2030, 1, 7)).deadline == D(2030, 5, 13)  # the receipt day itself is not counted


def test_complaint_deadline_skips_the_holidays_kept_as_data(db):
    for day in [D(2030, 2, 4), D(2030, 2, 5), D(2030, 2, 6), D(2030, 2, 7), D(2030, 2, 8)]:
        Holiday.objects.create(date=day, name="Tết Nguyên đán")
    Holiday.objects.create(date=D(2030, 3, 2), name="Ngày nghỉ rơi vào thứ Bảy")  # changes nothing
    Holiday.objects.create(date=D(2030, 4, 30), name="Ngày Chiến thắng 30/4")
    Holiday.objects.create(date=D(2030, 5, 1), name="Ngày Quốc tế Lao động 1/5")

    # Seven working days off: the deadline moves from Friday 10/05 by seven working days.
    assert receive().deadline == D(2030, 5, 21)


def test_seeded_holidays_count_in_the_deadline(db):
    # Tết 2020 (23–29/01, five working days), Giỗ Tổ 02/04, 30/04 and 01/05 fall in the window.
    assert working_days_after(D(2020, 1, 2), 90) == D(2020, 5, 19)
    assert working_days_after(D(2020, 1, 2), 90) == _by_hand(D(2020, 1, 2), 90, off=8)


def _by_hand(day, count, off):
    plain = day
    for _ in range(count + off):
        plain += datetime.timedelta(days=1)
        while plain.weekday() >= 5:
            plain += datetime.timedelta(days=1)
    return plain


def test_a_mixed_letter_is_handled_as_a_complaint(db):
    mixed = receive(kind=LetterKind.MIXED)
    denunciation = receive(kind=LetterKind.DENUNCIATION)
    forwarded = receive(competence=Competence.FORWARDED, forwarded_to="Ủy ban Kiểm tra Tỉnh ủy")

    assert (mixed.handled_as, mixed.deadline) == (LetterKind.COMPLAINT, D(2030, 5, 10))
    assert (denunciation.handled_as, denunciation.deadline) == (LetterKind.DENUNCIATION, D(2030, 5, 10))
    assert forwarded.deadline is None


def test_open_letters_past_their_deadline_are_overdue(db):
    late = receive(reference="01/2030")
    settled = receive(reference="02/2030")
    letter_close(letter=settled, on=D(2030, 6, 1), result="Giữ nguyên quyết định kỷ luật.")
    working = receive(reference="03/2030", status=LetterStatus.IN_PROGRESS)
    receive(reference="04/2030", kind=LetterKind.DENUNCIATION, competence=Competence.FILED)  # no deadline

    assert list(Letter.objects.overdue(D(2030, 5, 10))) == []  # the deadline day is still in time
    assert sorted(Letter.objects.overdue(D(2030, 5, 11)).values_list("reference", flat=True)) == [
        "01/2030",
        "03/2030",
    ]
    assert [late.is_overdue(D(2030, 5, 11)), working.is_overdue(D(2030, 5, 11))] == [True, True]
    assert settled.is_overdue(D(2030, 5, 11)) is False


def test_deadlines_follow_a_changed_holiday_list(db):
    letter = receive()
    Holiday.objects.create(date=D(2030, 3, 4), name="Nghỉ bù")

    assert letter_deadlines_refresh() == 1
    letter.refresh_from_db()
    assert letter.deadline == D(2030, 5, 13)


def test_letters_overdue_by_kind(db):
    receive(reference="01/2030")
    receive(reference="02/2030", kind=LetterKind.MIXED)
    receive(reference="03/2030", kind=LetterKind.DENUNCIATION)
    receive(reference="04/2030", kind=LetterKind.DENUNCIATION, competence=Competence.FILED)

    def references(kind=None):
        return list(letters_overdue(D(2030, 5, 11), kind).values_list("reference", flat=True))

    assert references(LetterKind.COMPLAINT) == ["01/2030", "02/2030"]
    assert references(LetterKind.DENUNCIATION) == ["03/2030"]
    assert references() == ["01/2030", "02/2030", "03/2030"]
    assert list(letters_overdue(D(2030, 5, 10)).values_list("reference", flat=True)) == []


ANONYMOUS_REFUSAL = (
    "Đơn tố cáo nặc danh (giấu tên, mạo tên, không rõ địa chỉ) không được xem xét, giải quyết: "
    "chọn “Lưu đơn (không đủ điều kiện xem xét)”."
)


@pytest.mark.parametrize("competence", [Competence.HANDLED, Competence.FORWARDED])
def test_an_anonymous_denunciation_is_filed_not_handled(db, competence):
    with pytest.raises(ValidationError) as refused:
        receive(
            kind=LetterKind.DENUNCIATION,
            sender="",
            anonymous=True,
            competence=competence,
            forwarded_to="Thanh tra tỉnh",
        )
    assert refused.value.message_dict == {"competence": [ANONYMOUS_REFUSAL]}
    assert Letter.objects.count() == 0

    filed = receive(kind=LetterKind.DENUNCIATION, sender="", anonymous=True, competence=Competence.FILED)
    assert (filed.competence, filed.deadline) == (Competence.FILED, None)


def test_an_anonymous_complaint_is_not_routed_by_the_denunciation_rule(db):
    letter = receive(sender="", anonymous=True)
    assert letter.deadline == D(2030, 5, 10)


def test_the_admin_form_shows_the_anonymous_denunciation_refusal(admin_client):
    from django.urls import reverse

    response = admin_client.post(
        reverse("admin:inspections_letter_add"),
        {
            "received_on": "04/01/2030",
            "anonymous": "on",
            "kind": LetterKind.DENUNCIATION,
            "summary": "Tố cáo đảng viên.",
            "competence": Competence.HANDLED,
            "status": LetterStatus.RECEIVED,
            "subjects-TOTAL_FORMS": "0",
            "subjects-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"competence": [ANONYMOUS_REFUSAL]}
    assert Letter.objects.count() == 0


def test_a_letter_names_its_sender_or_is_anonymous_and_closes_with_a_result(db):
    with pytest.raises(ValidationError) as refused:
        receive(sender="")
    assert refused.value.message_dict == {"sender": ["Ghi người gửi, hoặc đánh dấu đơn nặc danh."]}
    assert receive(sender="", anonymous=True).sender_display() == "Nặc danh"

    letter = receive()
    with pytest.raises(ValidationError) as refused:
        letter_close(letter=letter, on=D(2030, 2, 1), result="")
    assert refused.value.message_dict == {"result": ["Đơn đã kết thúc cần ghi kết quả giải quyết."]}
