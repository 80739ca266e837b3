"""Calendar-month arithmetic, one rule everywhere: month ends are kept.

31 January + 1 month is the last day of February (28 or 29); 29 February + 12 months is
28 February. Pure functions of dates, no imports of the rest of the project.
"""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier), or that month's last day when shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def month_start(day: dt.date, back: int = 0) -> dt.date:
    """The first day of ``day``'s month, or of the month ``back`` months before it."""
    return add_months(day.replace(day=1), -back)


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """The first day of ``day``'s month and the first day of the month after it."""
    first = day.replace(day=1)
    return first, add_months(first, 1)
