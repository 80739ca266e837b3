"""Retention: youths whose cases closed longer ago than their programme keeps them are
anonymised — names, personal code, contacts and every free-text note replaced, irreversibly.

Case numbers, dates, counts, hours and invoice lines (which carry the case number and the
initials as issued) stay, so statistics and invoices keep working. A youth with an unpaid
invoice is refused until it is paid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Column,
    String,
    Table,
    and_,
    case,
    cast,
    delete,
    exists,
    func,
    or_,
    select,
    update,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Session

from common.actor import Actor
from common.enums import InvoiceKind, InvoiceStatus, PairStatus, ReferralStatus
from common.months import add_months
from mentoring import audit
from models import (
    AuditLog,
    Document,
    ExpenseClaim,
    Invoice,
    InvoiceLine,
    Pair,
    Programme,
    QuestionnaireLink,
    Referral,
    SafetyConcern,
    Youth,
    search,
)
from models.base import Base

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
    document_keys: list[str] = field(default_factory=list)  # deleted with the case


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


# What stays of a case: its number, and the invoice lines as issued (case number and
# initials). Every other text of every record that leads to the youth goes.
KEPT = {("youth", "case_number"), ("invoice_line", "description"),
        # A hash of a random token says nothing about anyone, and must stay unique.
        ("questionnaire_link", "token_hash")}
# The youth's own identity is replaced by labels, not by the "erased" sign.
RENAMED = {("youth", "first_name"): ANONYMOUS_FIRST, ("youth", "last_name"): ANONYMOUS_LAST}


@dataclass
class CaseTable:
    """A table with rows about the youth: which rows, and its free-text columns."""

    table: Table
    where: Any  # finds the case's rows
    texts: list[Column[Any]]
    link: bool = False  # a many-to-many link (risk factors): its rows are deleted


def case_tables(youth_id: Any) -> list[CaseTable]:
    """Every table whose rows lead to the youth through foreign keys (referrals, their
    history, pairs, goals, hours, check-ins, concerns and their events, consents, support,
    invoice lines, the risk-factor links…), found by walking the schema from ``youth`` —
    so a table added later is covered without naming it here."""
    youth = Base.metadata.tables["youth"]
    ids: dict[str, Any] = {"youth": select(youth.c.id).where(youth.c.id == youth_id)}
    found = [CaseTable(youth, youth.c.id == youth_id, _texts(youth))]
    seen = {"youth"}
    grew = True
    while grew:
        grew = False
        for table in Base.metadata.sorted_tables:
            if table.name in seen:
                continue
            fk = next((fk for fk in table.foreign_keys
                       if fk.column.table.name in ids and fk.column.table is not table), None)
            if fk is None:
                continue
            where = fk.parent.in_(ids[fk.column.table.name])
            link = all(column.foreign_keys for column in table.columns)
            found.append(CaseTable(table, where, [] if link else _texts(table), link))
            if "id" in table.c:
                ids[table.name] = select(table.c.id).where(where)
            seen.add(table.name)
            grew = True
    return found


def _texts(table: Table) -> list[Column[Any]]:
    """Free-text columns: strings and texts that are not codes of an enum, keys or kept."""
    return [c for c in table.columns
            if isinstance(c.type, String) and not isinstance(c.type, SAEnum)
            and not c.primary_key and not c.foreign_keys and (table.name, c.name) not in KEPT]


def anonymise(db: Session, youth_id: int, *, actor: Actor, today: dt.date) -> list[str]:
    """Replace the youth's identifying data and every free text of the case; delete its
    personal links (risk factors); keep numbers, dates and codes.

    Plain statements, not the record rules: a rule such as "an early end needs its reason"
    must not stop the erasure of that reason. A text that must not be empty keeps the
    erased sign; an empty one stays empty; an optional one becomes NULL. The case's
    documents are deleted: returns their storage keys, for the caller to delete the files
    once this is committed. Flushes; never commits.
    """
    tables = case_tables(youth_id)
    model_of = {m.class_.__tablename__: m.class_.__name__ for m in Base.registry.mappers}
    # The audit trail keeps who did what and when, not the values that were erased: every
    # record of the case, whatever its kind (before the texts change, while ids are known).
    for case_table in tables:
        name = model_of.get(case_table.table.name)
        if name is None or case_table.link:
            continue
        if "id" not in case_table.table.c:
            continue
        ids = select(cast(case_table.table.c.id, String)).where(case_table.where)
        db.execute(update(AuditLog).where(AuditLog.model == name, AuditLog.record_id.in_(ids))
                   .values(changes={"anonymised": today.isoformat()}))
    for case_table in tables:
        table = case_table.table
        if case_table.link:
            db.execute(delete(table).where(case_table.where))
            continue
        values: dict[str, Any] = {}
        for column in case_table.texts:
            if (table.name, column.name) in RENAMED:
                values[column.name] = RENAMED[(table.name, column.name)]
            elif column.nullable:
                values[column.name] = None
            else:
                values[column.name] = case((column != "", ERASED), else_="")
        if table.name == "youth":
            values.update(archived=True, anonymised_on=today)
        if values:
            db.execute(update(table).where(case_table.where).values(values))
    # The case's papers go: their rows here, their files by the caller after the commit.
    keys = _case_documents(db, youth_id)
    # Questionnaire answers stay only as unlinked figures: no longer tied to the pair (their
    # programme, municipality and provider keep them in the reports' totals).
    pair_ids = select(Pair.id).where(Pair.youth_id == youth_id)
    db.execute(update(QuestionnaireLink).where(QuestionnaireLink.pair_id.in_(pair_ids))
               .values(pair_id=None))
    db.expire_all()
    audit.record(db, actor, "youth.anonymised", model="Youth", record_id=str(youth_id),
                 changes={"anonymised": today.isoformat(),
                          "tables": sorted(t.table.name for t in tables),
                          "documents_deleted": len(keys)})
    db.flush()
    return keys


def _case_documents(db: Session, youth_id: int) -> list[str]:
    """Delete the documents of the youth, their referrals, pairs and safety concerns."""
    pairs = select(Pair.id).where(Pair.youth_id == youth_id)
    owners = or_(
        and_(Document.record_type == "youth", Document.record_id == youth_id),
        and_(Document.record_type == "referral", Document.record_id.in_(
            select(Referral.id).where(Referral.youth_id == youth_id))),
        and_(Document.record_type == "pair", Document.record_id.in_(pairs)),
        and_(Document.record_type == "safety_concern", Document.record_id.in_(
            select(SafetyConcern.id).where(SafetyConcern.pair_id.in_(pairs)))),
        # A claim's receipt names the trip; the claim's amount stays for the books.
        and_(Document.record_type == "expense_claim", Document.record_id.in_(
            select(ExpenseClaim.id).where(ExpenseClaim.pair_id.in_(pairs)))))
    keys = list(db.scalars(select(Document.storage_key).where(owners)))
    db.execute(delete(Document).where(owners))
    return keys


def apply(db: Session, *, actor: Actor, today: dt.date) -> tuple[list[Candidate],
                                                                 list[Candidate]]:
    """Anonymise every youth due; returns (anonymised, refused for an unpaid invoice)."""
    done, refused = [], []
    for candidate in due(db, today):
        if candidate.unpaid_invoice:
            refused.append(candidate)
            continue
        candidate.document_keys = anonymise(db, candidate.youth_id, actor=actor, today=today)
        done.append(candidate)
    if done:
        search.forget_removed(db)
    return done, refused

