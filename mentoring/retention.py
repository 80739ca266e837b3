"""Retention: youths whose cases closed longer ago than their programme keeps them are
anonymised — names, personal code, contacts and every free-text note replaced, irreversibly.

Case numbers, dates, counts, hours and invoice lines (which carry the case number and the
initials as issued) stay, so statistics and invoices keep working. A youth with an unpaid
invoice is refused until it is paid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, case, cast, exists, func, select, update
from sqlalchemy.orm import Session

from common.actor import Actor
from common.enums import InvoiceKind, InvoiceStatus, PairStatus, ReferralStatus
from common.months import add_months
from mentoring import audit
from models import (
    AdditionalSupport,
    AuditLog,
    CheckIn,
    Consent,
    Goal,
    Invoice,
    InvoiceLine,
    Pair,
    PairStatusChange,
    Programme,
    Referral,
    ReferralStatusChange,
    SafetyConcern,
    SafetyConcernEvent,
    ServiceEntry,
    Youth,
)

ANONYMOUS_FIRST, ANONYMOUS_LAST = "Anonimizēts", "Jaunietis"
ERASED = "—"  # where a reason must stay non-empty (the database checks it)
RUNNING = (PairStatus.proposed, PairStatus.active, PairStatus.paused)
OPEN = (ReferralStatus.new, ReferralStatus.in_review)


@dataclass
class Candidate:
    youth_id: int
    case_number: str
    closed_on: dt.date
    keep_until: dt.date
    unpaid_invoice: bool


def _unpaid(youth_id: Any) -> Any:
    """An issued, unpaid invoice with a line for one of the youth's pairs, not credited."""
    credited = select(Invoice.credited_invoice_id).where(
        Invoice.kind == InvoiceKind.credit_note, Invoice.credited_invoice_id.is_not(None))
    return exists(select(InvoiceLine.id)
                  .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
                  .join(Pair, Pair.id == InvoiceLine.pair_id)
                  .where(Pair.youth_id == youth_id, Invoice.kind == InvoiceKind.invoice,
                         Invoice.status == InvoiceStatus.issued, Invoice.id.not_in(credited)))


def due(db: Session, today: dt.date) -> list[Candidate]:
    """Youths not yet anonymised with nothing open or running, whose last referral decision
    or pair end is older than the longest retention of their programmes."""
    closed_referral = (select(Referral.youth_id, func.max(Referral.decided_on).label("day"),
                              func.max(Programme.retention_months).label("months"))
                       .join(Programme, Programme.id == Referral.programme_id)
                       .group_by(Referral.youth_id).subquery())
    ended_pair = (select(Pair.youth_id, func.max(Pair.ended_on).label("day"),
                         func.max(Programme.retention_months).label("months"))
                  .join(Programme, Programme.id == Pair.programme_id)
                  .group_by(Pair.youth_id).subquery())
    rows = db.execute(
        select(Youth.id, Youth.case_number, closed_referral.c.day, closed_referral.c.months,
               ended_pair.c.day, ended_pair.c.months, _unpaid(Youth.id))
        .join(closed_referral, closed_referral.c.youth_id == Youth.id)
        .outerjoin(ended_pair, ended_pair.c.youth_id == Youth.id)
        .where(Youth.anonymised_on.is_(None),
               ~exists(select(Referral.id).where(Referral.youth_id == Youth.id,
                                                 Referral.status.in_(OPEN))),
               ~exists(select(Pair.id).where(Pair.youth_id == Youth.id,
                                             Pair.status.in_(RUNNING))))
        .order_by(Youth.case_number)
    ).all()
    found = []
    for youth_id, case_number, decided, months_r, ended, months_p, unpaid in rows:
        closed = max(d for d in (decided, ended) if d is not None) if (decided or ended) else None
        if closed is None:
            continue
        keep_until = add_months(closed, max(m for m in (months_r, months_p) if m))
        if keep_until < today:
            found.append(Candidate(youth_id, case_number, closed, keep_until, bool(unpaid)))
    return found


def anonymise(db: Session, youth_id: int, *, actor: Actor, today: dt.date) -> None:
    """Replace the youth's identifying data and free texts everywhere; keep numbers and dates.

    Plain statements, not the record rules: a rule such as "an early end needs its reason"
    must not stop the erasure of that reason. Flushes; never commits.
    """
    pairs = select(Pair.id).where(Pair.youth_id == youth_id)
    referrals = select(Referral.id).where(Referral.youth_id == youth_id)
    db.execute(update(Youth).where(Youth.id == youth_id).values(
        first_name=ANONYMOUS_FIRST, last_name=ANONYMOUS_LAST, personal_code=None, school="",
        phone="", email="", guardian_name="", guardian_phone="", guardian_email="",
        interests="", languages="", notes="", archived=True, anonymised_on=today))
    db.execute(update(Referral).where(Referral.id.in_(referrals)).values(
        referrer_name="", referrer_contact="", needs="",
        rejection_reason=case((Referral.rejection_reason != "", ERASED), else_="")))
    db.execute(update(ReferralStatusChange).where(
        ReferralStatusChange.referral_id.in_(referrals)).values(comment=""))
    db.execute(update(Pair).where(Pair.id.in_(pairs)).values(
        end_reason=case((Pair.end_reason != "", ERASED), else_=""), evaluation_summary="",
        youth_feedback="", exit_note_mentor="", exit_note_youth="", exit_note_parent=""))
    concerns = select(SafetyConcern.id).where(SafetyConcern.pair_id.in_(pairs))
    db.execute(update(SafetyConcern).where(SafetyConcern.id.in_(concerns)).values(
        description=ERASED, actions_taken="",
        resolution=case((SafetyConcern.resolution != "", ERASED), else_="")))
    db.execute(update(SafetyConcernEvent).where(SafetyConcernEvent.concern_id.in_(concerns))
               .values(text=""))
    db.execute(update(Consent).where(Consent.youth_id == youth_id).values(note=""))
    db.execute(update(PairStatusChange).where(PairStatusChange.pair_id.in_(pairs))
               .values(comment=""))
    db.execute(update(Goal).where(Goal.pair_id.in_(pairs)).values(description="—", target=""))
    db.execute(update(AdditionalSupport).where(AdditionalSupport.pair_id.in_(pairs))
               .values(outcome=""))
    db.execute(update(ServiceEntry).where(ServiceEntry.pair_id.in_(pairs)).values(note=""))
    db.execute(update(CheckIn).where(CheckIn.pair_id.in_(pairs)).values(
        goal_progress="", notes=""))
    # The audit trail keeps who did what and when, not the values that were erased: every
    # record of the youth, their referrals and pairs, whatever its kind.
    owners = ((Youth, Youth.id == youth_id), (Referral, Referral.id.in_(referrals)),
              (ReferralStatusChange, ReferralStatusChange.referral_id.in_(referrals)),
              (Pair, Pair.id.in_(pairs)), (Goal, Goal.pair_id.in_(pairs)),
              (AdditionalSupport, AdditionalSupport.pair_id.in_(pairs)),
              (ServiceEntry, ServiceEntry.pair_id.in_(pairs)),
              (PairStatusChange, PairStatusChange.pair_id.in_(pairs)),
              (CheckIn, CheckIn.pair_id.in_(pairs)),
              (SafetyConcern, SafetyConcern.id.in_(concerns)),
              (Consent, Consent.youth_id == youth_id))
    for model, owner in owners:
        ids = select(cast(model.id, String)).where(owner)
        db.execute(update(AuditLog).where(AuditLog.model == model.__name__,
                                          AuditLog.record_id.in_(ids))
                   .values(changes={"anonymised": today.isoformat()}))
    db.expire_all()
    audit.record(db, actor, "youth.anonymised", model="Youth", record_id=str(youth_id),
                 changes={"anonymised": today.isoformat()})
    db.flush()


def apply(db: Session, *, actor: Actor, today: dt.date) -> tuple[list[Candidate],
                                                                 list[Candidate]]:
    """Anonymise every youth due; returns (anonymised, refused for an unpaid invoice)."""
    done, refused = [], []
    for candidate in due(db, today):
        if candidate.unpaid_invoice:
            refused.append(candidate)
            continue
        anonymise(db, candidate.youth_id, actor=actor, today=today)
        done.append(candidate)
    return done, refused

