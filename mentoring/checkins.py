"""Monitoring check-ins: the schedule a programme asks for and the next one due per pair."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, Integer, case, cast, func, select, type_coerce
from sqlalchemy.orm import Session

from common.enums import PairStatus
from common.errors import RuleViolation
from common.i18n import _l
from common.months import add_months
from mentoring import rules
from models import CheckIn, Pair, Programme, Youth


def due_dates(starts_on: dt.date, first_month: int, per_month: int, count: int) -> list[dt.date]:
    """The first ``count`` due dates: ``first_month`` spread evenly over the first month
    (the last on its final day), then ``per_month`` in each month after."""
    dates: list[dt.date] = []
    span = (add_months(starts_on, 1) - starts_on).days
    dates += [starts_on + dt.timedelta(days=round(span * k / first_month))
              for k in range(1, first_month + 1)]
    month = 1
    while len(dates) < count and per_month > 0:
        start, end = add_months(starts_on, month), add_months(starts_on, month + 1)
        days = (end - start).days
        dates += [start + dt.timedelta(days=round(days * k / per_month))
                  for k in range(1, per_month + 1)]
        month += 1
    return dates[:count]


def next_due(starts_on: dt.date, first_month: int, per_month: int,
             held: int) -> dt.date | None:
    """After ``held`` check-ins, the date the next one is due (None when none are asked)."""
    dates = due_dates(starts_on, first_month, per_month, held + 1)
    return dates[held] if len(dates) > held else None


@dataclass
class Due:
    pair_id: int
    case_number: str
    due_on: dt.date

    def overdue(self, today: dt.date) -> bool:
        return self.due_on < today


def _add_months(db: Session, day: Any, months: Any) -> Any:
    """``add_months`` in SQL: the same day ``months`` later, or that month's last day."""
    if db.get_bind().dialect.name == "postgresql":
        return cast(day.op("+")(func.make_interval(0, cast(months, Integer))), Date)
    return func.min(
        func.date(day, "start of month", func.printf("%+d months", months),
                  func.printf("%+d days", cast(func.strftime("%d", day), Integer) - 1)),
        func.date(day, "start of month", func.printf("%+d months", months + 1), "-1 day"))


def _days(db: Session, start: Any, end: Any) -> Any:
    if db.get_bind().dialect.name == "postgresql":
        return cast(end.op("-")(start), Integer)
    return cast(func.julianday(end) - func.julianday(start), Integer)


def _plus_days(db: Session, day: Any, days: Any) -> Any:
    if db.get_bind().dialect.name == "postgresql":
        return day.op("+")(cast(days, Integer))
    return func.date(day, func.printf("%+d days", days))


def _spread(db: Session, start: Any, end: Any, k: Any, n: Any) -> Any:
    """``start`` + round(days(start, end) × k / n), rounding half to even as Python does."""
    x = _days(db, start, end) * k
    q, r = x // n, x % n
    return _plus_days(db, start, q + case((2 * r > n, 1), (2 * r == n, q % 2), else_=0))


def next_due_sql(db: Session, starts_on: Any, first_month: Any, per_month: Any,
                 held: Any) -> Any:
    """``next_due`` as a SQL expression (NULL when no more check-ins are asked), so the due
    dates of every pair are computed, filtered and ordered in the database."""
    later = held - first_month  # check-ins held after the first month's
    month = later // per_month + 1
    return type_coerce(case(
        (held < first_month, _spread(db, starts_on, _add_months(db, starts_on, 1), held + 1,
                                     first_month)),
        (per_month > 0, _spread(db, _add_months(db, starts_on, month),
                                _add_months(db, starts_on, month + 1),
                                later % per_month + 1, per_month)),
        else_=None), Date)


def due_query(db: Session, scope: Any) -> Any:
    """(pair id, case number, next due date) of every active pair in ``scope`` with a
    check-in still asked, earliest first."""
    held = (select(func.count()).select_from(CheckIn).where(CheckIn.pair_id == Pair.id)
            .correlate(Pair).scalar_subquery())
    due = next_due_sql(db, Pair.starts_on, Programme.checkins_first_month,
                       Programme.checkins_per_month, held).label("due_on")
    inner = (select(Pair.id.label("pair_id"), Youth.case_number, due)
             .join(Youth, Youth.id == Pair.youth_id)
             .join(Programme, Programme.id == Pair.programme_id)
             .where(scope, Pair.status == PairStatus.active).subquery())
    return (select(inner.c.pair_id, inner.c.case_number, inner.c.due_on)
            .where(inner.c.due_on.is_not(None))
            .order_by(inner.c.due_on, inner.c.case_number, inner.c.pair_id))


def due_for_active_pairs(db: Session, scope: Any) -> list[Due]:
    """The next check-in of every active pair in ``scope``, earliest first; one query."""
    return [Due(*row) for row in db.execute(due_query(db, scope))]


def overdue_query(db: Session, scope: Any, today: dt.date) -> Any:
    """Active pairs in ``scope`` whose next check-in was due before ``today``."""
    query = due_query(db, scope)
    due = query.selected_columns.due_on
    return query.where(due < today)


# -- record rules (checked before every flush) ----------------------------------------
@rules.checks(CheckIn)
def _check_in(c: CheckIn) -> Iterator[RuleViolation]:
    """A check-in happened: not in the future, not before the pair began."""
    yield from rules.not_in_future(c.held_on, "held_on")
    pair = c.pair
    if pair is not None and c.held_on and c.held_on < pair.starts_on:
        yield RuleViolation(_l("The check-in cannot be before the pair's start."), "held_on")
