"""Volunteer mentors' expenses: a mentor files a claim for a pair they mentor (travel by
the programme's rate per km, fees, materials), the coordinator approves it against one of
the provider's funding sources — warned before a source is overspent — or rejects it with a
reason. Amounts are Decimal, rounded half-up to cents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import ColumnElement, extract, func, select
from sqlalchemy.orm import Session

from common.actor import Actor
from common.enums import ClaimStatus, ExpenseKind
from common.errors import RuleViolation, RuleViolations
from common.formatting import format_money
from common.i18n import _l
from mentoring import audit, rules
from models import ExpenseClaim, FundingSource, Pair
from models.base import utcnow

CENT = Decimal("0.01")


def travel_amount(distance_km: Decimal, rate: Decimal) -> Decimal:
    """Distance × the programme's rate per km, to the cent (half up)."""
    return (distance_km * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def file_claim(db: Session, *, actor: Actor, pair: Pair, day: dt.date, kind: ExpenseKind,
               amount: Decimal | None, distance_km: Decimal | None, purpose: str,
               today: dt.date) -> ExpenseClaim:
    """A mentor's claim for one of their pairs; travel is computed from the distance.
    Flushes."""
    problems = []
    if actor.mentor_id is None or pair.mentor_id != actor.mentor_id:
        raise RuleViolations([RuleViolation(_l("Claims are filed for your own pairs."), "pair")])
    if pair.programme.paid:
        raise RuleViolations([RuleViolation(_l(
            "Expenses are covered for volunteer programmes; a paid mentor's are in the rate."),
            "pair")])
    if day > today:
        problems.append(RuleViolation(_l("The date cannot be in the future."), "day"))
    if kind == ExpenseKind.travel:
        rate = pair.programme.km_rate or Decimal(0)
        if not distance_km or distance_km <= 0:
            problems.append(RuleViolation(_l("Enter the distance in km."), "distance_km"))
        elif rate <= 0:
            problems.append(RuleViolation(_l("The programme pays no travel by the km; ask "
                                             "your coordinator."), "kind"))
        else:
            amount = travel_amount(distance_km, rate)
    elif amount is None or amount <= 0:
        problems.append(RuleViolation(_l("Enter the amount."), "amount"))
    if not purpose.strip():
        problems.append(RuleViolation(_l("Say what it was for."), "purpose"))
    if problems:
        raise RuleViolations(problems)
    assert amount is not None
    claim = ExpenseClaim(mentor_id=pair.mentor_id, pair_id=pair.id, day=day, kind=kind,
                         distance_km=distance_km if kind == ExpenseKind.travel else None,
                         amount=amount.quantize(CENT, rounding=ROUND_HALF_UP),
                         purpose=purpose.strip(), status=ClaimStatus.submitted)
    db.add(claim)
    db.flush()
    audit.record(db, actor, "create", claim, changes=audit.snapshot(claim))
    return claim


@dataclass
class SourceFigures:
    source: FundingSource
    spent: Decimal

    @property
    def left(self) -> Decimal:
        return self.source.amount - self.spent


def spent(db: Session, source_id: int) -> Decimal:
    return Decimal(db.scalar(select(func.coalesce(func.sum(ExpenseClaim.amount), 0)).where(
        ExpenseClaim.funding_source_id == source_id,
        ExpenseClaim.status == ClaimStatus.approved)) or 0)


def figures(db: Session, where: ColumnElement[bool]) -> list[SourceFigures]:
    """Each funding source within ``where`` with what its approved claims spent; two
    queries."""
    sources = db.scalars(select(FundingSource).where(where)
                         .order_by(FundingSource.year.desc(), FundingSource.name)).all()
    totals: dict[int | None, Decimal] = {
        source_id: Decimal(total) for source_id, total in db.execute(
            select(ExpenseClaim.funding_source_id, func.sum(ExpenseClaim.amount))
            .where(ExpenseClaim.status == ClaimStatus.approved,
                   ExpenseClaim.funding_source_id.in_([s.id for s in sources]))
            .group_by(ExpenseClaim.funding_source_id))} if sources else {}
    return [SourceFigures(s, Decimal(totals.get(s.id) or 0)) for s in sources]


def approve(db: Session, claim: ExpenseClaim, source: FundingSource, *, actor: Actor,
            overspend: bool = False) -> None:
    """Approve a waiting claim, paid from ``source`` of the claim's provider. A claim that
    would take the source past its amount is refused with a warning unless ``overspend``
    (the coordinator confirmed). Flushes."""
    if claim.status != ClaimStatus.submitted:
        raise RuleViolations([RuleViolation(_l("Only waiting claims are decided."))])
    if source.provider_id != claim.mentor.provider_id:
        raise RuleViolations([RuleViolation(_l("Choose a funding source of this provider."),
                                            "funding_source")])
    left = source.amount - spent(db, source.id)
    if claim.amount > left and not overspend:
        raise RuleViolations([RuleViolation(_l(
            "%(source)s has %(left)s left; this claim is %(amount)s. Tick “Approve even so” "
            "to overspend it.", source=str(source), left=format_money(left),
            amount=format_money(claim.amount)), "overspend")])
    claim.status = ClaimStatus.approved
    claim.funding_source_id = source.id
    claim.decided_by_id, claim.decided_at = actor.user_id, utcnow()
    audit.record(db, actor, "expense.approved", claim,
                 changes={"source": source.id, "amount": str(claim.amount),
                          "overspent": bool(claim.amount > left)})
    db.flush()


def reject(db: Session, claim: ExpenseClaim, *, actor: Actor, reason: str) -> None:
    if claim.status != ClaimStatus.submitted:
        raise RuleViolations([RuleViolation(_l("Only waiting claims are decided."))])
    if not reason.strip():
        raise RuleViolations([RuleViolation(_l("Give the reason for rejecting the claim."),
                                            "reason")])
    claim.status, claim.rejection_reason = ClaimStatus.rejected, reason.strip()
    claim.decided_by_id, claim.decided_at = actor.user_id, utcnow()
    audit.record(db, actor, "expense.rejected", claim, changes={"reason": reason.strip()})
    db.flush()


def by_source_and_month(db: Session, where: ColumnElement[bool], year: int) -> list[
        tuple[str, int, int, Decimal]]:
    """Approved claims per funding source and month of ``year`` (for the bookkeeper):
    (source, month, claims, amount)."""
    month = extract("month", ExpenseClaim.day)
    rows = db.execute(
        select(FundingSource.name, FundingSource.project_number, month, func.count(),
               func.sum(ExpenseClaim.amount))
        .join(FundingSource, FundingSource.id == ExpenseClaim.funding_source_id)
        .where(where, ExpenseClaim.status == ClaimStatus.approved,
               extract("year", ExpenseClaim.day) == year)
        .group_by(FundingSource.name, FundingSource.project_number, month)
        .order_by(FundingSource.name, month)).all()
    return [(f"{name} ({number})" if number else name, int(m), int(n), Decimal(total))
            for name, number, m, n, total in rows]


# -- record rules (checked before every flush) ----------------------------------------
@rules.checks(ExpenseClaim)
def _claim(c: ExpenseClaim) -> Iterator[RuleViolation]:
    if c.amount is not None and not Decimal(0) < c.amount < Decimal(10) ** 7:
        yield RuleViolation(_l("Enter the amount."), "amount")
    if c.distance_km is not None and not Decimal(0) < c.distance_km < Decimal(10) ** 6:
        yield RuleViolation(_l("Enter the distance in km."), "distance_km")
    if c.status == ClaimStatus.rejected and not (c.rejection_reason or "").strip():
        yield RuleViolation(_l("Give the reason for rejecting the claim."), "rejection_reason")


@rules.checks(FundingSource)
def _source(s: FundingSource) -> Iterator[RuleViolation]:
    if s.amount is not None and not Decimal(0) <= s.amount < Decimal(10) ** 9:
        yield RuleViolation(_l("Enter an amount from 0 to 999 999 999."), "amount")
    if s.year is not None and not 2000 <= s.year <= 2100:
        yield RuleViolation(_l("Enter the year."), "year")

