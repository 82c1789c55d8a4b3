"""Query parameters of the report pages, checked in one place. A value a page cannot use is a
Vietnamese message on the page (or a 404 for a link no page offers), never a 500, and never work
out of proportion: an as-of day is bounded by the period the page reports on, so `?ngay=31/12/9999`
cannot make a report count members once per year for eight thousand years.

The bounds (docs/architecture.md, "Parameters"):
- a term or year report, and its drill-downs: from the period's first day to its last day (the
  as-of day moves headcounts inside the period; activity is counted up to it);
- an organisation page: from the organisation's founding (the Party's founding, 03/02/1930, when
  unknown) to today.
"""

import datetime
import unicodedata

from django.core.management.base import CommandError

from partyblock.core.text import day_text, parse_day

PARTY_FOUNDED = datetime.date(1930, 2, 3)
# Years a figure parameter may name: the Party's founding to the far end of any term in the data.
YEARS = range(1930, 2101)
MAX_TEXT = 100


def as_of_day(text, earliest, latest):
    """(day or None, message or None) for the text of `?ngay`: None and no message when empty; None
    and a message naming the value and the accepted range when it cannot be used."""
    text = (text or "").strip()
    if not text:
        return None, None
    shown = text if len(text) <= 20 else text[:20] + "…"
    day = parse_day(text)
    if day is None:
        return None, f"Ngày “{shown}” không hợp lệ; nhập theo dạng ngày/tháng/năm, ví dụ 31/12/2018."
    if not earliest <= day <= latest:
        return None, (
            f"Ngày “{shown}” nằm ngoài khoảng có thể xem ({day_text(earliest)} – "
            f"{day_text(latest)}); số liệu dưới đây tính đến ngày mặc định."
        )
    return day, None


def year_value(text):
    """A year as a figure parameter: a whole number in YEARS, else ValueError."""
    text = str(text).strip()
    if not (text.isascii() and text.isdigit()) or int(text) not in YEARS:
        raise ValueError(f"năm “{text[:20]}” không hợp lệ")
    return int(text)


def text_value(text):
    """A short printable text (a code or a choice), else ValueError: no control or format
    characters (NUL, bidi overrides), at most MAX_TEXT characters."""
    text = str(text)
    if len(text) > MAX_TEXT or any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in text):
        raise ValueError("giá trị không hợp lệ")
    return text


def command_day(option):
    """An argparse `type` for a day typed dd/mm/yyyy after `option` on the command line (the
    commands that change the tree: move_organisation, set_superior), refused in Vietnamese."""

    def day(text):
        parsed = parse_day(text, iso=False)
        if parsed is None:
            raise CommandError(f"{option}: “{text}” không phải ngày dạng dd/mm/yyyy.")
        return parsed

    return day
