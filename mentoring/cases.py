"""A youth's case at a glance: everything recorded about their way through the service, each
part within what the reader may see, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from common.actor import Actor
from common.enums import EntryStatus, Mode
from common.months import month_bounds
from mentoring import access, checkins
from models import (
    AdditionalSupport,
    Agreement,
    BackgroundCheck,
    Certificate,
    CheckIn,
    Consent,
    Goal,
    Interview,
    InvoiceLine,
    Mentor,
    Pair,
    Referral,
    SafetyConcern,
    ServiceEntry,
    Supervision,
    TrainingSession,
    Youth,
)


@dataclass
class MonthHours:
    month: dt.date
    billable: int = 0
    other: int = 0
    meetings: int = 0  # in person, at least the programme's minimum length
    waiting: int = 0  # entries logged, not yet approved


@dataclass
class PairCase:
    pair: Pair
    goals: list[Goal]
    months: list[MonthHours]
    check_ins: list[CheckIn]
    next_check_in: dt.date | None
    cap: int | None
    min_meetings: int | None


@dataclass
class YouthCase:
    youth: Youth
    age: int
    referrals: list[Referral] | None
    pairs: list[PairCase] | None
    concerns: list[SafetyConcern] | None
    supports: list[AdditionalSupport] | None
    consents: list[Consent] | None
    invoice_lines: list[InvoiceLine] | None
    open_concerns: list[SafetyConcern] = field(default_factory=list)

    @property
    def consent_withdrawn(self) -> bool:
        return getattr(self.youth, "consent_withdrawn_on", None) is not None


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _visible(actor: Actor, model: type) -> bool:
    return access.can(actor, model, access.LIST)


def youth_case(db: Session, actor: Actor, youth: Youth, today: dt.date) -> YouthCase:
    """The case of ``youth`` as ``actor`` may see it: a part is ``None`` when the policy
    hides that kind of record from the role, and within a part only rows in their scope."""
    referrals = db.scalars(
        select(Referral).where(Referral.youth_id == youth.id,
                               access.row_filter(actor, Referral))
        .options(joinedload(Referral.provider), joinedload(Referral.programme))
        .order_by(Referral.received_on.desc(), Referral.id.desc())).all() \
        if _visible(actor, Referral) else None
    pairs = db.scalars(
        select(Pair).where(Pair.youth_id == youth.id, access.row_filter(actor, Pair))
        .options(joinedload(Pair.mentor), joinedload(Pair.programme),
                 selectinload(Pair.goals))
        .order_by(Pair.starts_on.desc(), Pair.id.desc())).all() \
        if _visible(actor, Pair) else None
    pair_ids = [p.id for p in pairs or []]
    pair_cases = None
    if pairs is not None:
        months = _months(db, pairs)
        held = defaultdict(list)
        if _visible(actor, CheckIn):
            for check_in in db.scalars(select(CheckIn).where(
                    CheckIn.pair_id.in_(pair_ids), access.row_filter(actor, CheckIn))
                    .order_by(CheckIn.held_on.desc())):
                held[check_in.pair_id].append(check_in)
        due = {d.pair_id: d.due_on for d in checkins.due_for_active_pairs(
            db, Pair.id.in_(pair_ids))} if pair_ids else {}
        pair_cases = [PairCase(
            pair=p, goals=sorted(p.goals, key=lambda g: g.id),
            months=months.get(p.id, []), check_ins=held[p.id], next_check_in=due.get(p.id),
            cap=p.programme.monthly_cap_minutes,
            min_meetings=p.programme.min_meetings_per_month) for p in pairs]
    concerns = db.scalars(
        select(SafetyConcern).where(SafetyConcern.pair_id.in_(pair_ids),
                                    access.row_filter(actor, SafetyConcern))
        .order_by(SafetyConcern.raised_on.desc())).all() \
        if _visible(actor, SafetyConcern) else None
    supports = db.scalars(
        select(AdditionalSupport).where(AdditionalSupport.pair_id.in_(pair_ids),
                                        access.row_filter(actor, AdditionalSupport))
        .order_by(AdditionalSupport.arranged_on)).all() \
        if _visible(actor, AdditionalSupport) else None
    consents = db.scalars(
        select(Consent).where(Consent.youth_id == youth.id, access.row_filter(actor, Consent))
        .order_by(Consent.given_on, Consent.id)).all() if _visible(actor, Consent) else None
    lines = db.scalars(
        select(InvoiceLine).where(InvoiceLine.pair_id.in_(pair_ids),
                                  access.row_filter(actor, InvoiceLine))
        .options(joinedload(InvoiceLine.invoice))
        .order_by(InvoiceLine.id)).all() if _visible(actor, InvoiceLine) else None
    return YouthCase(
        youth=youth, age=age_on(youth.birth_date, today), referrals=list(referrals)
        if referrals is not None else None, pairs=pair_cases,
        concerns=list(concerns) if concerns is not None else None,
        supports=list(supports) if supports is not None else None,
        consents=list(consents) if consents is not None else None,
        invoice_lines=list(lines) if lines is not None else None,
        open_concerns=[c for c in concerns or [] if c.is_open])


def _months(db: Session, pairs: Any) -> dict[int, list[MonthHours]]:
    """Per pair and calendar month: billable and other minutes, meetings in person of the
    programme's minimum length, and entries waiting — one query for all the pairs."""
    minimum = {p.id: p.programme.min_meeting_minutes or 0 for p in pairs}
    found: dict[int, dict[dt.date, MonthHours]] = defaultdict(dict)
    rows = db.execute(
        select(ServiceEntry.pair_id, ServiceEntry.day, ServiceEntry.minutes,
               ServiceEntry.billable, ServiceEntry.mode, ServiceEntry.status)
        .where(ServiceEntry.pair_id.in_(list(minimum)),
               ServiceEntry.status != EntryStatus.rejected)
        .order_by(ServiceEntry.day))
    for pair_id, day, minutes, billable, mode, status in rows:
        first = month_bounds(day)[0]
        month = found[pair_id].setdefault(first, MonthHours(first))
        if billable:
            month.billable += minutes
        else:
            month.other += minutes
        if mode == Mode.in_person and minutes >= minimum[pair_id]:
            month.meetings += 1
        if status == EntryStatus.logged:
            month.waiting += 1
    return {pair_id: sorted(months.values(), key=lambda m: m.month, reverse=True)
            for pair_id, months in found.items()}



@dataclass
class MentorWay:
    mentor: Mentor
    interviews: list[Interview] | None
    training: list[TrainingSession] | None
    certificates: list[Certificate] | None
    agreements: list[Agreement] | None
    checks: list[BackgroundCheck] | None
    supervisions: list[Supervision] | None
    pairs: list[PairCase] | None


def mentor_way(db: Session, actor: Actor, mentor: Mentor, today: dt.date) -> MentorWay:
    """The mentor's way through selection, training, certificate, agreement, checks,
    supervision and pairs, each part as ``actor`` may see it (``None`` when hidden)."""

    def of(model: Any, *where: Any, order: Any, options: tuple[Any, ...] = ()) -> Any:
        if not _visible(actor, model):
            return None
        return list(db.scalars(select(model).where(*where, access.row_filter(actor, model))
                               .options(*options).order_by(order)))

    pairs = of(Pair, Pair.mentor_id == mentor.id, order=Pair.starts_on.desc(),
               options=(joinedload(Pair.youth), joinedload(Pair.programme)))
    months = _months(db, pairs) if pairs else {}
    return MentorWay(
        mentor=mentor,
        interviews=of(Interview, Interview.mentor_id == mentor.id, order=Interview.held_on),
        training=of(TrainingSession, TrainingSession.attendees.any(Mentor.id == mentor.id),
                    order=TrainingSession.held_on,
                    options=(joinedload(TrainingSession.course),
                             joinedload(TrainingSession.topic))),
        certificates=of(Certificate, Certificate.mentor_id == mentor.id,
                        order=Certificate.issued_on),
        agreements=of(Agreement, Agreement.mentor_id == mentor.id, order=Agreement.starts_on),
        checks=of(BackgroundCheck, BackgroundCheck.mentor_id == mentor.id,
                  order=BackgroundCheck.checked_on),
        supervisions=of(Supervision, Supervision.attendees.any(Mentor.id == mentor.id),
                        order=Supervision.held_on.desc()),
        pairs=[PairCase(pair=p, goals=[], months=months.get(p.id, [])[:1], check_ins=[],
                        next_check_in=None, cap=p.programme.monthly_cap_minutes,
                        min_meetings=p.programme.min_meetings_per_month)
               for p in pairs] if pairs is not None else None,
    )
