import datetime

import pytest

from inspections.models import Competence, LetterKind
from inspections.services import letter_close, letter_receive
from inspections.workdays import complaint_deadline, working_days_after
from members.models import ExemptionGround
from members.services import (
    member_admit,
    member_admit_outside,
    member_exempt,
    member_ratings_save,
    member_recognise,
    member_transfer_in,
    member_transfer_temporarily,
)
from partyblock import home
from partyblock.importing.models import ImportBatch, ImportKind, ImportStatus
from tests.members.conftest import make_member
from units.models import Meeting
from units.services import organisation_ratings_save

D = datetime.date
TODAY = D(2026, 12, 7)  # a Monday; last month is 11/2026, the next award day 3/2/2027
BORN = D(1985, 4, 2)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(home, "today", lambda: TODAY)
    return TODAY


def admitted(name, chi_bo, ceremony, recognised=True, birth_date=BORN):
    member = make_member(full_name=name, birth_date=birth_date)
    member_admit(member=member, organisation=chi_bo, ceremony_date=ceremony)
    if recognised:
        member_recognise(member=member, decision_date=ceremony.replace(year=ceremony.year + 1))
    return member


@pytest.fixture
def office_data(tree):
    """Members, meetings, ratings, letters and imports each to-do line must find (or must not):
    Đảng bộ Sở A (Chi bộ Văn phòng cb1, Chi bộ Kế toán cb2) and Chi bộ Sở B (cbcs)."""
    cb1, cb2, cbcs = tree["cb1"], tree["cb2"], tree["cbcs"]
    people = {
        # probation ended 01/11/2026, not yet recognised: overdue
        "qua_han": admitted("Lê Thị Quá Hạn", cb1, D(2025, 11, 1), recognised=False),
        # probation ends 17/12/2026: within 30 days
        "sap_den": admitted("Trần Văn Sắp Đến", cb2, D(2025, 12, 17), recognised=False),
        # probation ends 20/01/2027: not yet
        "chua_den": admitted("Phạm Văn Chưa Đến", cb1, D(2026, 1, 20), recognised=False),
        # overdue too, but in Chi bộ Sở B (outside coso_a's TCCS)
        "ngoai": admitted("Đỗ Văn Ngoài", cbcs, D(2025, 10, 1), recognised=False),
        "mien": admitted("Hoàng Văn Miễn", cb2, D(2010, 5, 10)),
        "mot": admitted("Vũ Thị Một", cb2, D(2012, 3, 5)),
        "hai": admitted("Vũ Thị Hai", cb2, D(2012, 3, 6)),
        "tam": admitted("Bùi Văn Tạm", cb1, D(2012, 4, 1)),
    }
    # Admitted in 1965 elsewhere, long before the chi bộ existed; came to the Khối in 2001.
    old = make_member(full_name="Nguyễn Văn Lão Thành", birth_date=D(1940, 2, 10))
    member_admit_outside(
        member=old, other_party="Chi bộ xã Tân Dân", ceremony_date=D(1965, 3, 1), decision_date=D(1965, 2, 15)
    )
    member_recognise(member=old, decision_date=D(1966, 3, 5))
    member_transfer_in(member=old, to=cb1, from_party="Đảng bộ huyện Chí Linh", on=D(2001, 6, 1))
    people["lao_thanh"] = old
    member_exempt(
        member=people["mien"], on=D(2026, 11, 17), until=D(2026, 12, 27), ground=ExemptionGround.HEALTH
    )
    member_exempt(  # ends after the 30 days: not listed
        member=people["mot"], on=D(2026, 11, 17), until=D(2027, 2, 27), ground=ExemptionGround.HEALTH
    )
    member_transfer_temporarily(member=people["tam"], on=D(2026, 8, 29), until=D(2026, 12, 22), host=cbcs)
    Meeting.objects.create(organisation=cb2, held_on=D(2026, 11, 12), expected=4, present=4)
    Meeting.objects.create(organisation=cb1, held_on=D(2026, 10, 10), expected=4, present=3)
    Meeting.objects.create(organisation=cbcs, held_on=D(2026, 12, 1), expected=1, present=1)
    member_ratings_save(
        year=2025, choices={people[k].pk: ("httnv", None) for k in ("mien", "mot", "hai", "tam")}
    )
    organisation_ratings_save(year=2025, choices={tree["dbcs"].pk: ("httnv", None), cb2.pk: ("httnv", None)})
    for organisation, status, name in (
        (tree["dbcs"], ImportStatus.PREVIEWED, "dang-vien-SOA.xlsx"),
        (tree["dbcs"], ImportStatus.COMMITTED, "dang-vien-SOA-cu.xlsx"),
        (cbcs, ImportStatus.PREVIEWED, "dang-vien-SOB.xlsx"),
    ):
        ImportBatch.objects.create(
            kind=ImportKind.MEMBERS, file_name=name, sha256="0" * 64, organisation=organisation, status=status
        )
    horizon = working_days_after(TODAY, 10)
    due_receipt = next(
        day
        for day in (D(2026, 7, 1) + datetime.timedelta(days=n) for n in range(90))
        if TODAY <= complaint_deadline(day) <= horizon
    )
    letters = {}
    for key, received in (
        ("overdue", D(2026, 6, 1)),
        ("due", due_receipt),
        ("later", D(2026, 11, 2)),
        ("closed", D(2026, 5, 4)),
    ):
        letters[key] = letter_receive(
            reference=f"ĐT-{key}",
            received_on=received,
            kind=LetterKind.COMPLAINT,
            sender="Nguyễn Văn Khiếu",
            summary="Khiếu nại quyết định kỷ luật",
            competence=Competence.HANDLED,
        )
    letter_close(letter=letters["closed"], on=D(2026, 9, 1), result="Đã trả lời")
    people["letters"] = letters
    return people
