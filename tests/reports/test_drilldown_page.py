"""The drill-down page as people read it: its table fits a phone, its heading names what it lists."""

import re

from django.conf import settings
from django.urls import reverse

DRILLDOWN_TCCS = reverse("reports:drilldown", args=["tccs"])


def test_the_records_table_scrolls_inside_its_box_on_a_phone(client, personas, term):
    client.force_login(personas["vanphong"])
    page = client.get(DRILLDOWN_TCCS, {"nhiem-ky": "2015-2020"})
    assert page.status_code == 200
    text = page.content.decode()
    assert len(re.findall(r"<table\b", text)) == 1
    assert '<div class="table-scroll"><table class="records">' in text
    css = (settings.BASE_DIR / "static" / "partyblock" / "reports.css").read_text()
    assert ".table-scroll { overflow-x: auto;" in css


ADMISSIONS_OF_TCCS = reverse("reports:drilldown", args=["admissions_of_tccs"])


def test_the_heading_names_the_organisation_a_drilldown_is_narrowed_to(client, personas, term):
    for persona in ("vanphong", "coso_a"):
        client.force_login(personas[persona])
        page = client.get(ADMISSIONS_OF_TCCS, {"nhiem-ky": "2015-2020", "tccs": "SOA"})
        assert page.status_code == 200
        assert re.search(r"<h1>(.*?)</h1>", page.content.decode()).group(1) == (
            "Kết nạp đảng viên của tổ chức cơ sở đảng — Đảng bộ Sở A (SOA)"
        )


def test_a_drilldown_of_an_organisation_outside_the_users_scope_is_not_found(client, personas, term):
    client.force_login(personas["coso_b"])
    assert client.get(ADMISSIONS_OF_TCCS, {"nhiem-ky": "2015-2020", "tccs": "SOA"}).status_code == 404
    assert client.get(ADMISSIONS_OF_TCCS, {"nhiem-ky": "2015-2020", "tccs": "SOB"}).status_code == 200
    client.force_login(personas["vanphong"])
    assert client.get(ADMISSIONS_OF_TCCS, {"nhiem-ky": "2015-2020", "tccs": "KHONGCO"}).status_code == 404
