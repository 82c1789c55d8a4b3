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
