"""Latvian working days: weekends and public holidays (the ``holidays`` package, with the
Monday off when 4 May or 18 November falls on a weekend), plus the days the government
moves — a Saturday worked in exchange, a weekday given off — kept as data
(``CalendarDay``) that an administrator edits. Every rule that counts working days asks
a ``Calendar``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache

import holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import CalendarDay

ONE_DAY = dt.timedelta(days=1)


@cache
def public_holidays(year: int) -> frozenset[dt.date]:
    """Latvia's public holidays (days off) of ``year``."""
    return frozenset(holidays.country_holidays("LV", years=year))


@dataclass(frozen=True)
class Calendar:
    """Working days with the moved days of a range of years."""

    worked: frozenset[dt.date] = field(default_factory=frozenset)  # e.g. a transferred Saturday
    off: frozenset[dt.date] = field(default_factory=frozenset)  # a weekday given off

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.worked:
            return True
        if day in self.off or day.weekday() >= 5:
            return False
        return day not in public_holidays(day.year)

    def add(self, start: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``start`` (``start`` itself with 0)."""
        day = start
        for _ in range(days):
            day += ONE_DAY
            while not self.is_working_day(day):
                day += ONE_DAY
        return day

    def on_or_after(self, day: dt.date) -> dt.date:
        """``day`` if it is a working day, else the next one (a deadline on a holiday)."""
        while not self.is_working_day(day):
            day += ONE_DAY
        return day

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end``."""
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_working_day(day)
        return count


def calendar(db: Session, start: dt.date, end: dt.date) -> Calendar:
    """The calendar for counting from ``start`` to ``end`` (with half a year after it, for
    deadlines counted forward from ``end``), in one query."""
    rows = db.execute(select(CalendarDay.day, CalendarDay.working).where(
        CalendarDay.day >= start - dt.timedelta(days=7),
        CalendarDay.day <= end + dt.timedelta(days=183))).all()
    return Calendar(worked=frozenset(d for d, working in rows if working),
                    off=frozenset(d for d, working in rows if not working))
