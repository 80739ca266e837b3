"""Monitoring check-ins: the schedule a programme asks for and the next one due per pair."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from common.enums import PairStatus
from common.errors import RuleViolation
from common.i18n import _l
from common.months import add_months
from mentoring import rules
from models import CheckIn, Pair, Youth


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


def due_query(db: Session, scope: Any) -> Any:
    """(pair id, case number, next due date) of every active pair in ``scope`` with a
    check-in still asked, earliest first: the date the database keeps on the pair
    (``models.kept``), by the same schedule as ``due_dates``."""
    return (select(Pair.id, Youth.case_number, Pair.next_check_in_on)
            .join(Youth, Youth.id == Pair.youth_id)
            .where(scope, Pair.status == PairStatus.active, Pair.next_check_in_on.is_not(None))
            .order_by(Pair.next_check_in_on, Pair.id))


def due_for_active_pairs(db: Session, scope: Any) -> list[Due]:
    """The next check-in of every active pair in ``scope``, earliest first; one query."""
    return [Due(*row) for row in db.execute(due_query(db, scope))]


def overdue_query(db: Session, scope: Any, today: dt.date) -> Any:
    """Active pairs in ``scope`` whose next check-in was due before ``today``."""
    return due_query(db, scope).where(Pair.next_check_in_on < today)


# -- record rules (checked before every flush) ----------------------------------------
@rules.checks(CheckIn)
def _check_in(c: CheckIn) -> Iterator[RuleViolation]:
    """A check-in happened: not in the future, not before the pair began."""
    yield from rules.not_in_future(c.held_on, "held_on")
    pair = c.pair
    if pair is not None and c.held_on and c.held_on < pair.starts_on:
        yield RuleViolation(_l("The check-in cannot be before the pair's start."), "held_on")
