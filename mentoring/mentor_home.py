"""What a mentor sees first: their active pairs with what is left this month, their latest
entries and the safety concerns they raised — only their own, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from common.actor import Actor
from common.enums import CheckResult, EntryStatus, Mode, PairStatus
from common.months import month_bounds
from mentoring import access, checkins, hours
from models import (
    Agreement,
    BackgroundCheck,
    Certificate,
    Mentor,
    Pair,
    SafetyConcern,
    ServiceEntry,
    Supervision,
    TrainingSession,
)

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


def left_in_month(db: Session, pair: Pair, day: dt.date,
                  without: ServiceEntry | None = None) -> int | None:
    """Billable minutes still available for ``pair`` in ``day``'s month besides the entry
    being changed (paid programmes; a volunteer programme bills nothing)."""
    if not pair.programme.paid:
        return None
    return hours.remaining_minutes(db, pair, day, without.id if without is not None else None)


SOON = dt.timedelta(days=60)


@dataclass
class Validity:
    """An agreement's or a statement's dates, and whether it runs out soon."""
    starts_on: dt.date
    ends_on: dt.date
    today: dt.date

    @property
    def expired(self) -> bool:
        return self.ends_on < self.today

    @property
    def ending_soon(self) -> bool:
        return not self.expired and self.ends_on - self.today <= SOON


@dataclass
class OwnRecord:
    mentor: Mentor
    training: list[TrainingSession]
    certificates: list[Certificate]
    agreement: Validity | None  # the latest signed one
    statement: Validity | None  # the latest statement without records
    supervisions: list[Supervision]
    supervision_per_month: int | None
    supervised_this_month: int


def own_record(db: Session, actor: Actor, today: dt.date) -> OwnRecord | None:
    """The signed-in mentor's own training, certificates, agreement, Punishment Register
    statement and supervision (``None`` for anyone without a mentor record of their own)."""
    if actor.mentor_id is None or not access.can(actor, Mentor, access.OWN_RECORD):
        return None
    mentor = db.get(Mentor, actor.mentor_id)
    if mentor is None:
        return None
    agreement = db.scalars(
        select(Agreement).where(Agreement.mentor_id == mentor.id, Agreement.signed.is_(True))
        .order_by(Agreement.ends_on.desc())).first()
    statement = db.scalars(
        select(BackgroundCheck).where(BackgroundCheck.mentor_id == mentor.id,
                                      BackgroundCheck.result == CheckResult.clear)
        .order_by(BackgroundCheck.valid_until.desc())).first()
    supervisions = list(db.scalars(
        select(Supervision).where(Supervision.attendees.any(Mentor.id == mentor.id))
        .order_by(Supervision.held_on.desc()).limit(12)))
    first, after = month_bounds(today)
    programme = mentor.programme
    return OwnRecord(
        mentor=mentor,
        training=list(db.scalars(
            select(TrainingSession).where(TrainingSession.attendees.any(Mentor.id == mentor.id))
            .options(joinedload(TrainingSession.course), joinedload(TrainingSession.topic))
            .order_by(TrainingSession.held_on))),
        certificates=list(db.scalars(
            select(Certificate).where(Certificate.mentor_id == mentor.id)
            .options(joinedload(Certificate.course)).order_by(Certificate.issued_on))),
        agreement=Validity(agreement.starts_on, agreement.ends_on, today)
        if agreement is not None else None,
        statement=Validity(statement.checked_on, statement.valid_until, today)
        if statement is not None else None,
        supervisions=supervisions,
        supervision_per_month=programme.supervision_per_month if programme else None,
        supervised_this_month=sum(first <= s.held_on < after for s in supervisions),
    )
