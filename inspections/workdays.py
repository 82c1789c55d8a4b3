"""Working days: Monday to Friday, except the days off kept in the `Holiday` table."""

import datetime

from .models import Holiday

COMPLAINT_WORKING_DAYS = 90  # time to settle a complaint at the Khối's level (DOMAIN.md §5)
_WINDOW = datetime.timedelta(days=200)  # holidays are read this many days at a time


def working_days_after(day, count):
    """The `count`-th working day after `day` (`day` itself is not counted, whatever it is)."""
    current, counted = day, 0
    holidays, loaded_until = set(), day
    while counted < count:
        current += datetime.timedelta(days=1)
        if current > loaded_until:
            holidays = set(
                Holiday.objects.filter(date__gt=loaded_until, date__lte=loaded_until + _WINDOW).values_list(
                    "date", flat=True
                )
            )
            loaded_until += _WINDOW
        if current.weekday() < 5 and current not in holidays:
            counted += 1
    return current


def complaint_deadline(received_on):
    """90 working days after the day the letter was received."""
    return working_days_after(received_on, COMPLAINT_WORKING_DAYS)
