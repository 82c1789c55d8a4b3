"""The organisation page has one breadcrumb line: home, then its parents as the tree was on the
as-of day (the screenshots of issue 15 showed two)."""

import re

from django.urls import reverse


def test_the_organisation_page_has_one_breadcrumb_line(tree, admin_client):
    page = admin_client.get(reverse("organisation", args=["SOA-VP"])).content.decode()

    crumbs = re.findall(r'class="breadcrumbs[^"]*"', page)
    assert crumbs == ['class="breadcrumbs no-print"']
    assert re.search(r'>Trang chủ</a> › <a href="/to-chuc/KHOI/">Đảng bộ Khối các cơ quan tỉnh</a> › ', page)
    assert "Đảng bộ Sở A</a> › Chi bộ Văn phòng</nav>" in page
