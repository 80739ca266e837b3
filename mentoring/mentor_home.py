"""What a mentor sees first: their active pairs with what is left this month, their latest
entries and the safety concerns they raised — only their own, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from common.actor import Actor
from common.enums import EntryStatus, Mode, PairStatus
from common.months import month_bounds
from mentoring import access, checkins, hours
from models import Pair, SafetyConcern, ServiceEntry

RECENT = 5


@dataclass
class PairCard:
    pair: Pair
    used: int  # billable minutes this month (not rejected)
    cap: int | None
    meetings: int  # in person, of the programme's minimum length
    min_meetings: int | None
    next_check_in: dt.date | None

    @property
    def left(self) -> int | None:
        return None if self.cap is None else max(self.cap - self.used, 0)

    @property
    def youth_name(self) -> str:
        youth = self.pair.youth
        return f"{youth.first_name} {youth.last_name[:1]}."


@dataclass
class MentorHome:
    cards: list[PairCard]
    recent: list[ServiceEntry]
    concerns: list[SafetyConcern]


def own_active_pairs(db: Session, actor: Actor) -> list[Pair]:
    return list(db.scalars(
        select(Pair).where(access.row_filter(actor, Pair), Pair.status == PairStatus.active)
        .options(joinedload(Pair.youth), joinedload(Pair.programme))
        .order_by(Pair.starts_on, Pair.id)))


def home(db: Session, actor: Actor, today: dt.date) -> MentorHome:
    pairs = own_active_pairs(db, actor)
    ids = [p.id for p in pairs]
    first, after = month_bounds(today)
    used: dict[int, int] = defaultdict(int)
    meetings: dict[int, int] = defaultdict(int)
    minimum = {p.id: p.programme.min_meeting_minutes or 0 for p in pairs}
    for pair_id, minutes, billable, mode in db.execute(
            select(ServiceEntry.pair_id, ServiceEntry.minutes, ServiceEntry.billable,
                   ServiceEntry.mode)
            .where(ServiceEntry.pair_id.in_(ids), ServiceEntry.day >= first,
                   ServiceEntry.day < after, ServiceEntry.status != EntryStatus.rejected)):
        if billable:
            used[pair_id] += minutes
        if mode == Mode.in_person and minutes >= minimum[pair_id]:
            meetings[pair_id] += 1
    due = {d.pair_id: d.due_on for d in checkins.due_for_active_pairs(db, Pair.id.in_(ids))} \
        if ids else {}
    cards = [PairCard(pair=p, used=used[p.id], cap=p.programme.monthly_cap_minutes
                      if p.programme.paid else None, meetings=meetings[p.id],
                      min_meetings=p.programme.min_meetings_per_month,
                      next_check_in=due.get(p.id)) for p in pairs]
    recent = list(db.scalars(
        select(ServiceEntry).where(access.row_filter(actor, ServiceEntry))
        .options(joinedload(ServiceEntry.pair).joinedload(Pair.youth))
        .order_by(ServiceEntry.day.desc(), ServiceEntry.id.desc()).limit(RECENT)))
    concerns = list(db.scalars(
        select(SafetyConcern).where(access.row_filter(actor, SafetyConcern),
                                    SafetyConcern.raised_by_id == actor.user_id,
                                    SafetyConcern.closed_on.is_(None))
        .order_by(SafetyConcern.raised_on.desc())))
    return MentorHome(cards=cards, recent=recent, concerns=concerns)


def left_in_month(db: Session, pair: Pair, day: dt.date) -> int | None:
    """Billable minutes still available for ``pair`` in ``day``'s month (paid programmes;
    a volunteer programme bills nothing)."""
    if not pair.programme.paid:
        return None
    return hours.remaining_minutes(db, pair, day)
