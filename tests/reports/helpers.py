"""Reading report pages the way a person does: the numbers shown and where they link."""

import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlparse

COUNT_LINK = re.compile(r"/bao-cao/chi-tiet/(?P<key>[a-z_0-9]+)/")


class _Counts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.cells = []
        self.values = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "a" and "count" in classes:
            self.cells.append((attributes["href"], attributes["data-value"]))
        if tag == "span" and "value" in classes and attributes.get("data-figure"):
            self.values[attributes["data-figure"]] = attributes["data-value"]


def shown_values(html):
    """{figure source: value as shown (raw string)} for the derived values on the page."""
    parser = _Counts()
    parser.feed(html)
    return parser.values


def count_links(html):
    """[(figure key, params dict, shown value as int, href)] for every count on the page."""
    parser = _Counts()
    parser.feed(html)
    found = []
    for href, shown in parser.cells:
        url = urlparse(href)
        key = COUNT_LINK.match(url.path).group("key")
        params = {
            k: v[0] for k, v in parse_qs(url.query).items() if k not in ("nhiem-ky", "nam", "ngay", "to-chuc")
        }
        found.append((key, params, int(shown), href))
    return found


def drilldown_total(client, href):
    response = client.get(href)
    assert response.status_code == 200, href
    return response.context["total"], response.context["page"].paginator.count


def drilldown_mismatches(client, links):
    """The links of `links` (as count_links gives them) whose drill-down does not list the count
    shown: [(key, params, shown, total, listed)]."""
    mismatches = []
    for key, params, shown, href in links:
        total, listed = drilldown_total(client, href)
        if not shown == total == listed:
            mismatches.append((key, params, shown, total, listed))
    return mismatches
