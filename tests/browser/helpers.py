"""Constants and helpers of the browser scenarios (fixtures are in conftest.py)."""

import os
import re
from pathlib import Path

from django.contrib.auth import get_user_model

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
RUN_VARIABLE = "PARTYBLOCK_BROWSER_TESTS"
PASSWORD = os.environ.get("DEMO_PASSWORD") or "mat-khau-kiem-thu-trinh-duyet"

# The demo logins, one per role (issue 7), all with DEMO_PASSWORD. `persona()` falls back to
# `quantri` when a role's login is missing, so the scenarios that need no role run without them.
ADMIN = "quantri"
OFFICE = "vanphong"  # Văn phòng Đảng ủy Khối: edits every record
LEADER = "lanhdao"  # Lãnh đạo: reads everything, changes nothing
GRASSROOTS = "coso"  # Cán bộ TCCS: bound to one TCCS


# --- helpers --------------------------------------------------------------------------------------


def persona(username):
    """`username` if seed_demo created it (issue 7), else the administrator."""
    return username if get_user_model().objects.filter(username=username).exists() else ADMIN


def login(page, username, password=PASSWORD):
    page.goto("/quan-tri/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"^https?://[^/]+/$"))  # everyone lands on the home page


def shot(page, name):
    """A full-page screenshot in artifacts/screenshots/NAME.png."""
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def assert_vietnamese(page):
    """The page is in Vietnamese: html lang="vi" and a few words with Vietnamese diacritics."""
    assert page.locator("html").get_attribute("lang") == "vi"
    text = page.locator("body").inner_text()
    assert (
        len(re.findall(r"[ạảãàáâậầấẩẫăắằặẳẵđêềếểễệôồốổỗộơờớởỡợưừứửữựịỉĩìíọỏõòóụủũùúỳýỷỹỵ]", text, re.I)) >= 5
    )
