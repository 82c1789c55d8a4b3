"""Calendar arithmetic: whole months (`add_months`, the probation and the ages) and working days
(Monday to Friday, except the days off kept in the holiday table).

Shared by every deadline counted in working days (letters in `inspections`, the ceremony and the
recognition in `members.deadlines`). The days off are data kept by staff in `inspections.Holiday`;
the inspections app says where to read them (`register_days_off`, from its `AppConfig.ready()`), so
neither this module nor the member app imports it. With no source registered, no day is off.
"""

import datetime

_WINDOW = datetime.timedelta(days=200)  # holidays are read this many days at a time
_days_off = []  # at most one function (after, until) -> the days off in ]after, until]


def add_months(day, months):
    """Same day `months` later; the 29th–31st fall back to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if day.day <= 28:  # every month has it
        return datetime.date(year, month, day.day)
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise ValueError(day)


def register_days_off(source):
    """Read the days off from `source(after, until)` (an iterable of dates in ]after, until])."""
    _days_off[:] = [source]


def _holidays(after, until):
    return set(_days_off[0](after, until)) if _days_off else set()


def working_days_after(day, count, holidays=None):
    """The `count`-th working day after `day` (`day` itself is not counted, whatever it is).
    `holidays` (a set of days off) saves the queries when many deadlines are computed at once."""
    current, counted = day, 0
    loaded, loaded_until = set(), day
    while counted < count:
        current += datetime.timedelta(days=1)
        if holidays is None and current > loaded_until:
            loaded = _holidays(loaded_until, loaded_until + _WINDOW)
            loaded_until += _WINDOW
        if current.weekday() < 5 and current not in (loaded if holidays is None else holidays):
            counted += 1
    return current


def holidays_between(start, end):
    """The days off in [start, end], for `working_days_after(..., holidays=)`."""
    return _holidays(start - datetime.timedelta(days=1), end)
