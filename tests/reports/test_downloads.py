"""Review F3 (issue 18): every downloaded file is named in one pattern, in Vietnamese without
diacritics, with the code of the organisation it covers and the day its records are as of
(dd-mm-yyyy), by one function (`partyblock.core.xlsx.download_name`)."""

import datetime
import re
from pathlib import Path

from django.urls import reverse

from partyblock.core.xlsx import download_name

D = datetime.date
ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_name_is_made_in_one_place():
    sources = [
        p
        for p in ROOT.rglob("*.py")
        if not {"tests", ".venv", "migrations"} & set(p.relative_to(ROOT).parts)
        and "Content-Disposition" in p.read_text(encoding="utf-8")
    ]
    assert [str(p.relative_to(ROOT)) for p in sources] == ["partyblock/core/xlsx.py"]


def test_the_pattern():
    assert download_name("Chi tiết Đảng viên", code="DB05", day=D(2026, 12, 7)) == (
        "chi-tiet-dang-vien-DB05-07-12-2026.xlsx"
    )
    assert download_name("báo cáo nhiệm kỳ 2015-2020", day=D(2020, 7, 31)) == (
        "bao-cao-nhiem-ky-2015-2020-31-07-2020.xlsx"
    )
    assert download_name("Kết nạp (%/năm)", code="soa-vp") == "ket-nap-nam-SOA-VP.xlsx"


def _name(response):
    assert response.status_code == 200
    found = re.fullmatch(
        r'attachment; filename="([a-z0-9-]+-?[A-Z0-9-]*\.xlsx)"', response["Content-Disposition"]
    )
    assert found, response["Content-Disposition"]
    return found.group(1)


def test_each_download_of_the_reports_is_named_so(client, personas, people, term):
    client.force_login(personas["coso_a"])  # narrowed to Đảng bộ Sở A (SOA)
    term_query = {"nhiem-ky": "2015-2020", "xuat": "xlsx"}
    drill = client.get(reverse("reports:drilldown", args=["members"]), term_query)
    assert _name(drill) == "chi-tiet-dang-vien-SOA-31-07-2020.xlsx"
    report = client.get(reverse("reports:term", args=["2015-2020"]), {"xuat": "xlsx"})
    assert _name(report) == "bao-cao-nhiem-ky-2015-2020-SOA-31-07-2020.xlsx"
    composition = client.get(reverse("reports:composition"), {"ngay": "31/07/2020", "xuat": "xlsx"})
    assert _name(composition) == "co-cau-dang-vien-SOA-31-07-2020.xlsx"

    client.force_login(personas["lanhdao"])  # the whole Khối: no code
    composition = client.get(reverse("reports:composition"), {"ngay": "31/07/2020", "xuat": "xlsx"})
    assert _name(composition) == "co-cau-dang-vien-31-07-2020.xlsx"
    year = client.get(reverse("reports:year", args=[2019]), {"xuat": "xlsx", "to-chuc": "SOB"})
    assert _name(year) == "bao-cao-nam-2019-SOB-31-12-2019.xlsx"


def test_the_badges_due_are_named_so(client, personas, people):
    client.force_login(personas["vanphong"])
    response = client.get(reverse("admin:members_partybadge_due"), {"ngay": "19/05/2026", "xuat": "xlsx"})
    assert _name(response) == "huy-hieu-dang-19-05-2026.xlsx"
