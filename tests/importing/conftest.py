import datetime
import io

import pytest
from openpyxl import Workbook

from members.models import Member, MemberCard, MemberEvent, MemberRating, MembershipPeriod
from tests.members.conftest import admitted, member  # noqa: F401  (fixtures)
from units.models import Organisation, OrganisationRating

TITLE = [
    ["ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH"],
    ["Đảng bộ Sở A"],
    ["DANH SÁCH ĐẢNG VIÊN"],
    ["(Tính đến ngày 31/7/2020)"],
    [],
]


def xlsx(rows, title=()):
    """An xlsx file (bytes) with `title` rows above `rows` (the header first)."""
    book = Workbook()
    sheet = book.active
    for row in [*title, *rows]:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(text, bom=True):
    return ("\ufeff" if bom else "").encode() + text.encode()


def record_counts():
    """Rows in every table an import writes to."""
    return {
        model.__name__: model.objects.count()
        for model in (
            Organisation,
            Member,
            MemberEvent,
            MembershipPeriod,
            MemberCard,
            MemberRating,
            OrganisationRating,
        )
    }


def office_user(django_user_model, username):
    """A user of the Khối's party office: a role that may import every kind of sheet."""
    from django.contrib.auth.models import Group

    from partyblock.accounts.access import ROLE_OFFICE

    user = django_user_model.objects.create_user(username, password="x")
    user.groups.set([Group.objects.get(name=ROLE_OFFICE)])
    return user


@pytest.fixture
def day():
    return datetime.date
