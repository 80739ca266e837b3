"""The monthly timesheet of a provider: pairs × days, totals against the cap, meetings
against the programme minimum, entries waiting for approval — from two SQL aggregates."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from common.actor import Actor
from common.enums import EntryStatus
from common.errors import RuleViolation, RuleViolations
from common.i18n import _l, _ln
from common.months import month_bounds
from mentoring import audit
from models import Pair, ServiceEntry, TimesheetSignoff


@dataclass
class Row:
    pair: Pair
    days: dict[int, int] = field(default_factory=dict)
    billable: int = 0
    other: int = 0
    meetings: int = 0
    waiting: int = 0

    @property
    def cap(self) -> int | None:
        return self.pair.programme.monthly_cap_minutes

    @property
    def over_cap(self) -> bool:
        return self.cap is not None and self.billable > self.cap

    @property
    def few_meetings(self) -> bool:
        minimum = self.pair.programme.min_meetings_per_month
        return minimum is not None and self.meetings < minimum


@dataclass
class Timesheet:
    year: int
    month: int
    rows: list[Row]
    signoff: TimesheetSignoff | None

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def days(self) -> list[int]:
        return list(range(1, calendar.monthrange(self.year, self.month)[1] + 1))

    @property
    def waiting(self) -> int:
        return sum(r.waiting for r in self.rows)


def month_to_sign(db: Session, provider_id: int, today: dt.date) -> dt.date:
    """The month a coordinator opens the timesheet on: last month while it waits for the
    sign-off, else this month."""
    last = month_bounds(today)[0] - dt.timedelta(days=1)
    signed = db.scalar(select(TimesheetSignoff.id).where(
        TimesheetSignoff.provider_id == provider_id, TimesheetSignoff.year == last.year,
        TimesheetSignoff.month == last.month).limit(1))
    return today if signed is not None else last


def build(db: Session, provider_id: int, year: int, month: int) -> Timesheet:
    first, after = month_bounds(dt.date(year, month, 1))
    counted = ServiceEntry.status != EntryStatus.rejected
    per_day = db.execute(
        select(ServiceEntry.pair_id, ServiceEntry.day, func.sum(ServiceEntry.minutes))
        .join(Pair, Pair.id == ServiceEntry.pair_id)
        .where(Pair.provider_id == provider_id, ServiceEntry.day >= first,
               ServiceEntry.day < after, counted)
        .group_by(ServiceEntry.pair_id, ServiceEntry.day)
    ).all()
    totals = db.execute(
        select(ServiceEntry.pair_id,
               func.coalesce(func.sum(ServiceEntry.minutes).filter(
                   ServiceEntry.billable.is_(True)), 0),
               func.coalesce(func.sum(ServiceEntry.minutes).filter(
                   ServiceEntry.billable.is_(False)), 0),
               func.count().filter(ServiceEntry.mode == "in_person"),
               func.count().filter(ServiceEntry.status == EntryStatus.logged))
        .join(Pair, Pair.id == ServiceEntry.pair_id)
        .where(Pair.provider_id == provider_id, ServiceEntry.day >= first,
               ServiceEntry.day < after, counted)
        .group_by(ServiceEntry.pair_id)
    ).all()
    pairs = db.scalars(
        select(Pair).where(Pair.provider_id == provider_id, Pair.starts_on < after,
                           func.coalesce(Pair.ended_on, Pair.planned_end_on) >= first)
        .options(joinedload(Pair.youth), joinedload(Pair.mentor), joinedload(Pair.programme))
        .order_by(Pair.id)
    ).all()
    rows = {p.id: Row(pair=p) for p in pairs}
    for pair_id, day, minutes in per_day:
        if pair_id in rows:
            rows[pair_id].days[_day(day)] = int(minutes)
    for pair_id, billable, other, meetings, waiting in totals:
        if pair_id in rows:
            row = rows[pair_id]
            row.billable, row.other = int(billable), int(other)
            row.meetings, row.waiting = int(meetings), int(waiting)
    signoff = db.scalar(select(TimesheetSignoff).where(
        TimesheetSignoff.provider_id == provider_id, TimesheetSignoff.year == year,
        TimesheetSignoff.month == month))
    return Timesheet(year=year, month=month, rows=list(rows.values()), signoff=signoff)


def _day(value: Any) -> int:
    return value.day if isinstance(value, dt.date) else int(str(value)[8:10])


def sign_off(db: Session, *, provider_id: int, year: int, month: int, actor: Actor) -> TimesheetSignoff:
    """The coordinator signs the month off; only when no entry waits for approval."""
    sheet = build(db, provider_id, year, month)
    problems = []
    if sheet.signoff is not None:
        problems.append(RuleViolation(_l("This month is already signed off.")))
    if sheet.waiting:
        problems.append(RuleViolation(_ln(
            "%(num)d entry still waits for approval.", "%(num)d entries still wait for approval.",
            sheet.waiting)))
    if problems:
        raise RuleViolations(problems)
    signoff = TimesheetSignoff(provider_id=provider_id, year=year, month=month,
                               signed_by_id=actor.user_id)
    db.add(signoff)
    db.flush()
    audit.record(db, actor, "timesheet.signed", signoff)
    return signoff
