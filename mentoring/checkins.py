"""Monitoring check-ins: the schedule a programme asks for and the next one due per pair."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from common.enums import PairStatus
from common.errors import RuleViolation
from common.i18n import _l
from common.months import add_months
from mentoring import rules
from mentoring.aggregates import as_dict
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


def due_for_active_pairs(db: Session, scope: Any) -> list[Due]:
    """The next check-in of every active pair in ``scope``, earliest first; two queries."""
    held = as_dict(db.execute(select(CheckIn.pair_id, func.count()).join(Pair)
                           .where(scope, Pair.status == PairStatus.active)
                           .group_by(CheckIn.pair_id)).all())
    found = []
    for pair_id, case, starts_on, first, per_month in db.execute(
            select(Pair.id, Youth.case_number, Pair.starts_on, Programme.checkins_first_month,
                   Programme.checkins_per_month)
            .join(Youth, Youth.id == Pair.youth_id)
            .join(Programme, Programme.id == Pair.programme_id)
            .where(scope, Pair.status == PairStatus.active)):
        day = next_due(starts_on, first, per_month, int(held.get(pair_id, 0)))
        if day is not None:
            found.append(Due(pair_id, case, day))
    return sorted(found, key=lambda d: (d.due_on, d.case_number))


# -- record rules (checked before every flush) ----------------------------------------
@rules.checks(CheckIn)
def _check_in(c: CheckIn) -> Iterator[RuleViolation]:
    """A check-in happened: not in the future, not before the pair began."""
    yield from rules.not_in_future(c.held_on, "held_on")
    pair = c.pair
    if pair is not None and c.held_on and c.held_on < pair.starts_on:
        yield RuleViolation(_l("The check-in cannot be before the pair's start."), "held_on")
