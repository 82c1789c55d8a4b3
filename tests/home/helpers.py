import html
import re

TODO_LINE = re.compile(r'data-todo="([^"]+)">\s*<a class="todo-count" href="([^"]+)" data-count="(\d+)"')
FIRST_CELL = re.compile(r'<tr><td>\d+</td><td>(?:<a href="[^"]*">)?([^<]*)')
TOTAL = re.compile(r'data-total="(\d+)"')
NEXT_PAGE = re.compile(r'href="\?trang=(\d+)">Trang sau')


def todo_lines(page):
    """{to-do key: (count shown, link)} of a home page."""
    text = page.content.decode()
    return {key: (int(count), html.unescape(href)) for key, href, count in TODO_LINE.findall(text)}


def listed(client, url):
    """(total shown, first cells of every row over all pages) of a to-do list."""
    names, total, page_url = [], None, url
    while True:
        page = client.get(page_url)
        assert page.status_code == 200, page_url
        text = page.content.decode()
        if total is None:
            total = int(TOTAL.search(text).group(1))
        names += [html.unescape(name) for name in FIRST_CELL.findall(text)]
        following = NEXT_PAGE.search(text)
        if not following:
            return total, names
        page_url = f"{url}?trang={following.group(1)}"
