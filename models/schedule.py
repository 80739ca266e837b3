"""The check-in schedule (``mentoring.checkins.due_dates``) as a SQL expression, so the
database computes each pair's next due date itself: in queries and in the triggers that keep
``pair.next_check_in_on`` (models/kept.py). A test compares both around month ends."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Integer, case, cast, func, type_coerce


def _add_months(dialect: str, day: Any, months: Any) -> Any:
    """``add_months`` in SQL: the same day ``months`` later, or that month's last day."""
    if dialect == "postgresql":
        return cast(day.op("+")(func.make_interval(0, cast(months, Integer))), Date)
    return func.min(
        func.date(day, "start of month", func.printf("%+d months", months),
                  func.printf("%+d days", cast(func.strftime("%d", day), Integer) - 1)),
        func.date(day, "start of month", func.printf("%+d months", months + 1), "-1 day"))


def _days(dialect: str, start: Any, end: Any) -> Any:
    if dialect == "postgresql":
        return cast(end.op("-")(start), Integer)
    return cast(func.julianday(end) - func.julianday(start), Integer)


def _plus_days(dialect: str, day: Any, days: Any) -> Any:
    if dialect == "postgresql":
        return day.op("+")(cast(days, Integer))
    return func.date(day, func.printf("%+d days", days))


def _spread(dialect: str, start: Any, end: Any, k: Any, n: Any) -> Any:
    """``start`` + round(days(start, end) × k / n), rounding half to even as Python does."""
    x = _days(dialect, start, end) * k
    q, r = x // n, x % n
    return _plus_days(dialect, start, q + case((2 * r > n, 1), (2 * r == n, q % 2), else_=0))


def next_due_sql(dialect: str, starts_on: Any, first_month: Any, per_month: Any,
                 held: Any) -> Any:
    """``next_due`` as a SQL expression (NULL when no more check-ins are asked), so the due
    dates of every pair are computed, filtered and ordered in the database."""
    later = held - first_month  # check-ins held after the first month's
    month = later // per_month + 1
    return type_coerce(case(
        (held < first_month, _spread(dialect, starts_on, _add_months(dialect, starts_on, 1), held + 1,
                                     first_month)),
        (per_month > 0, _spread(dialect, _add_months(dialect, starts_on, month),
                                _add_months(dialect, starts_on, month + 1),
                                later % per_month + 1, per_month)),
        else_=None), Date)
