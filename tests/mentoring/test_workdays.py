"""Latvian working days (rule 8b): weekends, public holidays with the Monday off after a
weekend 4 May or 18 November, Christmas and New Year, and days the government moved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mentoring.workdays import Calendar

D = dt.date
LV = Calendar()
# A government order moving a working day (as an administrator records it): Monday
# 3 May 2027 off, worked on Saturday 8 May instead.
MOVED = Calendar(worked=frozenset({D(2027, 5, 8)}), off=frozenset({D(2027, 5, 3)}))


@pytest.mark.parametrize(("day", "working"), [
    (D(2026, 5, 4), False),    # Restoration of Independence, a Monday
    (D(2025, 5, 4), False),    # a Sunday …
    (D(2025, 5, 5), False),    # … so the Monday is off
    (D(2025, 5, 6), True),
    (D(2026, 11, 18), False),  # Proclamation Day, a Wednesday
    (D(2028, 11, 18), False),  # a Saturday …
    (D(2028, 11, 20), False),  # … so Monday 20 November is off
    (D(2029, 11, 19), False),  # a Sunday in 2029: Monday 19 November off
    (D(2029, 11, 20), True),
    (D(2026, 12, 24), False), (D(2026, 12, 25), False), (D(2026, 12, 28), True),
    (D(2026, 12, 31), False), (D(2027, 1, 1), False), (D(2027, 1, 4), True),
    (D(2026, 6, 23), False), (D(2026, 6, 24), False),  # Līgo and Jāņi
    (D(2026, 10, 14), True), (D(2026, 10, 17), False),  # an ordinary Wednesday, a Saturday
])
def test_working_days_of_latvia(day: dt.date, working: bool) -> None:
    assert LV.is_working_day(day) is working


@pytest.mark.parametrize(("calendar", "start", "days", "expected"), [
    # Ogre's round: training ends Wednesday 25.02, a decision within 5 working days.
    (LV, D(2026, 2, 25), 5, D(2026, 3, 4)),
    # Over Christmas and New Year: 24–26 and 31 December, 1 January are off.
    (LV, D(2026, 12, 23), 5, D(2027, 1, 5)),
    # Over 4 May on a Sunday in 2025: Monday 5 May off too.
    (LV, D(2025, 4, 30), 2, D(2025, 5, 6)),
    # A moved day: Monday 3 May 2027 off, Saturday 8 May worked.
    (LV, D(2027, 4, 30), 1, D(2027, 5, 3)),
    (MOVED, D(2027, 4, 30), 1, D(2027, 5, 5)),  # 3 off, 4 May holiday
    (MOVED, D(2027, 5, 7), 1, D(2027, 5, 8)),
    (LV, D(2027, 5, 7), 1, D(2027, 5, 10)),
    (LV, D(2026, 10, 14), 0, D(2026, 10, 14)),
])
def test_adding_working_days(calendar: Calendar, start: dt.date, days: int,
                             expected: dt.date) -> None:
    assert calendar.add(start, days) == expected
    assert calendar.between(start, expected) == days


def test_a_deadline_on_a_day_off_moves_to_the_next_working_day() -> None:
    assert LV.on_or_after(D(2026, 12, 24)) == D(2026, 12, 28)
    assert LV.on_or_after(D(2028, 11, 18)) == D(2028, 11, 21)
    assert MOVED.on_or_after(D(2027, 5, 8)) == D(2027, 5, 8)
    assert LV.on_or_after(D(2026, 10, 14)) == D(2026, 10, 14)


def test_the_logging_deadline_on_a_holiday_is_the_next_working_day() -> None:
    from mentoring.hours import logging_deadline

    assert logging_deadline(D(2026, 11, 1), 24) == D(2026, 12, 24)
    assert logging_deadline(D(2026, 11, 1), 24, LV) == D(2026, 12, 28)
    assert logging_deadline(D(2026, 9, 1), 5, LV) == D(2026, 10, 5)


def test_moved_days_are_read_from_the_database(db: Any) -> None:
    from mentoring import workdays
    from models import CalendarDay

    db.session.add_all([CalendarDay(day=D(2027, 5, 8), working=True, note="Pārcelta darba diena"),
                        CalendarDay(day=D(2027, 5, 3), working=False, note="Pārcelta brīvdiena")])
    db.session.flush()
    found = workdays.calendar(db.session, D(2027, 4, 30), D(2027, 5, 8))
    assert found == MOVED and found.add(D(2027, 4, 30), 1) == D(2027, 5, 5)
