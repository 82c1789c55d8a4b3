"""The bulk rating screen's scores as Vietnamese write them: shown "79" or "79,5", typed with a
comma or a point."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from members.models import MemberRating
from members.services import member_admit
from tests.members.conftest import make_member

BULK = reverse("admin:members_memberrating_bulk")


@pytest.fixture
def staff(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("quantri", password="x"))
    return client


def test_scores_are_typed_with_a_comma_or_a_point_and_shown_the_vietnamese_way(staff, tree):
    people = []
    for name in ("Trần Văn An", "Lê Thị Bình", "Phạm Văn Cường"):
        member = make_member(full_name=name)
        member_admit(member=member, organisation=tree["cb1"], ceremony_date=datetime.date(2010, 1, 1))
        people.append(member)
    an, binh, cuong = people
    url = f"{BULK}?to_chuc={tree['dbcs'].pk}&nam=2025"
    typed = {
        f"r_{an.pk}": "httnv",
        f"s_{an.pk}": "79,5",
        f"r_{binh.pk}": "httnv",
        f"s_{binh.pk}": "80.25",
        f"r_{cuong.pk}": "htnv",
        f"s_{cuong.pk}": "70",
    }
    saved = staff.post(url, typed, follow=True)
    assert saved.status_code == 200
    assert dict(MemberRating.objects.values_list("member__full_name", "score")) == {
        "Trần Văn An": Decimal("79.5"),
        "Lê Thị Bình": Decimal("80.25"),
        "Phạm Văn Cường": Decimal("70"),
    }
    text = staff.get(url).content.decode()
    for member, shown in ((an, "79,5"), (binh, "80,25"), (cuong, "70")):
        assert f'name="s_{member.pk}" value="{shown}"' in text
    assert "79.50" not in text and "70.00" not in text


def test_the_rating_choices_begin_with_their_abbreviation(staff, tree):
    """Review F21: on a phone the select is cut to "Hoàn thành…" for three of the four levels."""
    member = make_member(full_name="Trần Văn An")
    member_admit(member=member, organisation=tree["cb1"], ceremony_date=datetime.date(2010, 1, 1))
    page = staff.get(f"{BULK}?to_chuc={tree['dbcs'].pk}&nam=2024")
    options = re.findall(r"<option[^>]*>([^<]*)</option>", str(page.context["form"][f"r_{member.pk}"]))
    assert options == [
        "— chưa xếp loại —",
        "HTXSNV – Hoàn thành xuất sắc nhiệm vụ",
        "HTTNV – Hoàn thành tốt nhiệm vụ",
        "HTNV – Hoàn thành nhiệm vụ",
        "KHTNV – Không hoàn thành nhiệm vụ",
    ]
