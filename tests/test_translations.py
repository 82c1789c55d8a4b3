"""Our `vi` catalogs (locale/vi) fill the gaps in Django's shipped Vietnamese translations."""

import ast
import gettext
import json
import re

import pytest
from django.conf import settings
from django.urls import reverse

LOCALE_DIR = settings.BASE_DIR / "locale" / "vi" / "LC_MESSAGES"


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser("quantri", password="mat-khau-thu")
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "english, vietnamese",
    [
        ("Show counts", "Hiện số lượng"),
        ("Skip to main content", "Chuyển đến nội dung chính"),
        ("Toggle theme", "Đổi giao diện"),
        ("Breadcrumbs", "Đường dẫn điều hướng"),
    ],
    ids=["show-counts", "skip-link", "theme-toggle", "breadcrumbs"],
)
def test_member_changelist_has_no_english_admin_chrome(staff, english, vietnamese):
    response = staff.get(reverse("admin:members_member_changelist"))

    assert response.status_code == 200
    html = response.content.decode()
    assert english not in html
    assert vietnamese in html


@pytest.mark.django_db
def test_form_errors_are_announced_in_vietnamese(staff):
    response = staff.post(reverse("admin:auth_group_add"), {"name": ""})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Please correct the error" not in html
    assert "Vui lòng sửa lỗi dưới đây." in html
    assert "<title>Lỗi: " in html


# English day name -> (Django's abbreviation msgid, Vietnamese name, Vietnamese abbreviation)
DAYS = {
    "Sunday": ("Sun", "Chủ Nhật", "CN"),
    "Monday": ("Mon", "Thứ Hai", "T2"),
    "Tuesday": ("Tue", "Thứ Ba", "T3"),
    "Wednesday": ("Wed", "Thứ Tư", "T4"),
    "Thursday": ("Thur", "Thứ Năm", "T5"),
    "Friday": ("Fri", "Thứ Sáu", "T6"),
    "Saturday": ("Sat", "Thứ Bảy", "T7"),
}


def js_catalog(response):
    match = re.search(r"const newcatalog = (\{.*?\});\n", response.content.decode(), re.S)
    assert match, "no catalog in the JavaScript i18n response"
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_javascript_catalog_has_vietnamese_day_names(staff):
    catalog = js_catalog(staff.get(reverse("admin:jsi18n")))

    for day, (abbreviation, name, short) in DAYS.items():
        assert catalog.get(day) == name
        assert catalog.get(f"abbrev. day {day}\x04{abbreviation}") == short
    assert catalog.get("Choose all %s") == "Chọn tất cả %s"


def po_entries(path):
    """(context, msgid, msgstr) of every entry of a .po file (msgstr[0] for plural entries)."""
    entries, current, field = [], {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            if current.get("msgid"):
                entries.append((current.get("msgctxt"), current["msgid"], current["msgstr"]))
            current, field = {}, None
        elif line.startswith('"'):
            if field:
                current[field] += ast.literal_eval(line)
        elif not line.startswith("#"):
            keyword, _, value = line.partition(" ")
            field = {"msgstr[0]": "msgstr"}.get(keyword, keyword)
            current[field] = "" if keyword == "msgid_plural" else ast.literal_eval(value)
            if keyword == "msgid_plural":
                field = None
    return entries


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_compiled_catalog_matches_its_source(domain):
    """The .mo files are committed: each must be compiled from the current .po (msgfmt -o X.mo X.po)."""
    with open(LOCALE_DIR / f"{domain}.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    entries = po_entries(LOCALE_DIR / f"{domain}.po")

    assert entries
    for context, msgid, msgstr in entries:
        assert msgstr, f"untranslated: {msgid!r}"
        if context:
            assert compiled.pgettext(context, msgid) == msgstr
        else:
            assert compiled.gettext(msgid) == msgstr or compiled.ngettext(msgid, msgid, 1) == msgstr
