"""Error pages as production (DEBUG off, as in the tests) shows them: each in Vietnamese, from the
project's templates, and the browser tab names the Đảng bộ Khối, not the code name."""

import re

import pytest
from django.test import Client
from django.urls import reverse

SITE = "Đảng bộ Khối các cơ quan tỉnh"


def title(response):
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def test_a_missing_page_answers_in_vietnamese(db):
    response = Client().get("/khong-co/")
    assert response.status_code == 404
    assert '<html lang="vi">' in response.content.decode()
    assert title(response) == f"Không tìm thấy trang | {SITE}"


def test_a_nul_character_in_the_address_answers_400_in_vietnamese(client, personas):
    client.force_login(personas["vanphong"])
    response = client.get("/tim-kiem/", {"q": "\x00"})
    assert response.status_code == 400
    assert title(response) == f"Yêu cầu không hợp lệ | {SITE}"
    assert "SuspiciousOperation" not in response.content.decode()


def test_a_refused_admin_page_answers_403_in_vietnamese(client, personas):
    client.force_login(personas["lanhdao"])  # leaders read, never add
    response = client.get(reverse("admin:members_member_add"))
    assert response.status_code == 403
    assert title(response) == f"Không có quyền truy cập | {SITE}"


def test_a_form_without_its_csrf_token_answers_403_in_vietnamese(db):
    response = Client(enforce_csrf_checks=True).post(
        reverse("admin:login"), {"username": "x", "password": "y"}
    )
    assert response.status_code == 403
    assert title(response) == f"Không có quyền truy cập | {SITE}"


@pytest.mark.urls("tests.urls_failing")
def test_a_server_error_answers_500_in_vietnamese(db):
    response = Client(raise_request_exception=False).get("/hong/")
    assert response.status_code == 500
    assert title(response) == f"Lỗi máy chủ | {SITE}"


def test_admin_tabs_name_the_dang_bo_khoi(client, personas):
    assert title(Client().get(reverse("admin:login"))).endswith(f"| {SITE}")
    client.force_login(personas["vanphong"])
    page = client.get(reverse("admin:members_member_changelist"))
    assert title(page).endswith(f"| {SITE}")
    assert "partyblock" not in title(page)
