"""The record history page names each changed field as a reader does (its Vietnamese verbose name),
never by its code name (issue 15's screenshots found `national_id`)."""

import pytest
from django.urls import reverse

from members.services import member_update
from partyblock.audit.log import labelled_changes
from tests.members.conftest import make_member


def test_changes_are_labelled_with_the_verbose_names():
    assert labelled_changes("members.member", {"national_id": ["a", "b"], "full_name": ["x", "y"]}) == {
        "số CCCD": ["a", "b"],
        "họ và tên": ["x", "y"],
    }
    assert labelled_changes("units.organisation", {"placement_correction": ["A", "B"]}) == {
        "sửa sai hồ sơ trực thuộc (không phải chuyển)": ["A", "B"]
    }
    assert labelled_changes("no.such", {"x": [1, 2]}) == {"x": [1, 2]}


@pytest.mark.django_db
def test_the_history_page_shows_verbose_names(admin_client):
    member = make_member(full_name="Nguyễn Văn An")
    member_update(member, phone="0912345678")

    page = admin_client.get(reverse("admin:members_member_history", args=[member.pk])).content.decode()

    assert "<strong>điện thoại</strong>" in page
    assert "<strong>phone</strong>" not in page
