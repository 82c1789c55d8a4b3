"""The ranges of dates and numbers records may hold: one check per kind of value, used both as model
field validators (so the admin forms refuse a value) and by the import's columns (so a sheet
refuses the same value with the same message, its first letter lower-cased to follow "Dòng N,
cột X, giá trị V: ").

    past_day        a day that has happened: from 01/01/1900 to today (births, events, decisions)
    day_ahead       a day that may be planned: from 01/01/1900 to 31/12 ten years ahead
    rating_year     a rating's year: from 1990 (the oldest sheets offices keep) to this year
    score           a rating's score: 0 to 100
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from partyblock.core.text import day_text

EARLIEST_DAY = datetime.date(1900, 1, 1)
YEARS_AHEAD = 10
FIRST_RATING_YEAR = 1990


def latest_day_ahead(today=None):
    today = today or timezone.localdate()
    return datetime.date(today.year + YEARS_AHEAD, 12, 31)


def past_day_problem(day, today=None):
    """Why `day` cannot be a day that has happened (None: it can)."""
    today = today or timezone.localdate()
    if day > today:
        return f"Ngày trong tương lai (hôm nay là {day_text(today)})."
    if day < EARLIEST_DAY:
        return "Năm trước 1900."
    return None


def day_ahead_problem(day, today=None):
    latest = latest_day_ahead(today)
    if day > latest:
        return f"Ngày quá xa: muộn nhất là {day_text(latest)}."
    if day < EARLIEST_DAY:
        return "Năm trước 1900."
    return None


def rating_year_problem(year, today=None):
    this_year = (today or timezone.localdate()).year
    if not FIRST_RATING_YEAR <= year <= this_year:
        return f"Năm phải từ {FIRST_RATING_YEAR} đến {this_year}."
    return None


def score_problem(score):
    if not 0 <= score <= 100:
        return "Điểm phải từ 0 đến 100."
    return None


def _refuse(problem):
    if problem:
        raise ValidationError(problem, code="out_of_range")


# Model field validators (plain functions: migrations refer to them by their path).
def past_day(value):
    _refuse(past_day_problem(value))


def day_ahead(value):
    _refuse(day_ahead_problem(value))


def rating_year(value):
    _refuse(rating_year_problem(value))


def score(value):
    _refuse(score_problem(value))


def lower_first(message):
    """A message as the import's reasons read: "Dòng N, cột X, giá trị V: ngày trong tương lai…"."""
    return message[:1].lower() + message[1:]
