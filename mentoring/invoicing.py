"""Invoicing: which entries a month's invoice takes, the amounts, and gap-free numbering."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from sqlalchemy import extract, select
from sqlalchemy.orm import Session

from mentoring import audit
from mentoring.enums import EntryStatus, InvoiceKind, InvoiceStatus
from mentoring.errors import RuleViolation
from mentoring.formatting import round_money
from mentoring.i18n import _l
from models import Contract, Invoice, InvoiceLine, InvoiceSequence, Pair, ServiceEntry

PAYMENT_DAYS = 30


def billable_entries(db: Session, contract: Contract, year: int, month: int) -> list[ServiceEntry]:
    """Approved, billable, not yet invoiced entries of ``contract``'s pairs in that month."""
    return list(
        db.scalars(
            select(ServiceEntry)
            .join(Pair, ServiceEntry.pair_id == Pair.id)
            .where(
                Pair.contract_id == contract.id,
                ServiceEntry.status == EntryStatus.approved,
                ServiceEntry.billable.is_(True),
                ServiceEntry.invoice_id.is_(None),
                extract("year", ServiceEntry.day) == year,
                extract("month", ServiceEntry.day) == month,
            )
            .order_by(ServiceEntry.pair_id, ServiceEntry.day, ServiceEntry.id)
            .with_for_update(of=ServiceEntry)
        )
    )


def line_amount(minutes: int, rate: Decimal) -> Decimal:
    """Hours × rate, rounded half-up to cents, computed in Decimal from integer minutes."""
    return round_money(Decimal(minutes) * rate / Decimal(60))


def next_number(db: Session, provider: Any, year: int) -> str:
    """Allocate the next number of the provider's yearly sequence, e.g. ``YOU-2026-0007``.

    The sequence row is locked (``SELECT … FOR UPDATE`` on PostgreSQL) until the issuing
    transaction ends, so concurrent issues queue instead of repeating or skipping a number.
    """
    sequence = db.scalars(
        select(InvoiceSequence)
        .where(InvoiceSequence.provider_id == provider.id, InvoiceSequence.year == year)
        .with_for_update()
    ).one_or_none()
    if sequence is None:
        sequence = InvoiceSequence(provider_id=provider.id, year=year, last_number=0)
        db.add(sequence)
    sequence.last_number += 1
    db.flush()
    return f"{provider.invoice_prefix}-{year}-{sequence.last_number:04d}"


def issue_invoice(
    db: Session, *, contract: Contract, year: int, month: int, actor: Any, issued_on: dt.date
) -> Invoice:
    """Create and issue the month's invoice for ``contract`` in the caller's transaction.

    Raises ``RuleViolation`` when there is nothing to invoice. Flushes; never commits.
    """
    entries = billable_entries(db, contract, year, month)
    if not entries:
        raise RuleViolation(_l("There are no approved billable hours to invoice for that month."))
    minutes_by_pair: dict[int, int] = defaultdict(int)
    pairs: dict[int, Pair] = {}
    for entry in entries:
        minutes_by_pair[entry.pair_id] += entry.minutes
        pairs[entry.pair_id] = entry.pair
    number = next_number(db, contract.provider, year)
    lines = []
    net = Decimal("0.00")
    vat = Decimal("0.00")
    for pair_id, minutes in minutes_by_pair.items():
        youth = pairs[pair_id].youth
        amount = line_amount(minutes, contract.hourly_rate)
        lines.append(InvoiceLine(
            pair_id=pair_id, description=f"{youth.case_number} {youth.initials}",
            minutes=minutes, rate=contract.hourly_rate, vat_rate=contract.vat_rate, amount=amount,
        ))
        net += amount
        vat += round_money(amount * contract.vat_rate / Decimal(100))
    # Built complete before it is added: an issued invoice may not change after its insert.
    invoice = Invoice(
        number=number,
        kind=InvoiceKind.invoice,
        provider_id=contract.provider_id,
        municipality_id=contract.municipality_id,
        contract=contract,
        year=year,
        month=month,
        status=InvoiceStatus.issued,
        issued_on=issued_on,
        due_on=issued_on + dt.timedelta(days=PAYMENT_DAYS),
        net_amount=net,
        vat_amount=vat,
        total_amount=net + vat,
        lines=lines,
    )
    db.add(invoice)
    db.flush()
    for entry in entries:
        entry.invoice_id = invoice.id
        entry.status = EntryStatus.invoiced
    db.flush()
    audit.record(db, actor, "invoice.issued", invoice, changes={"number": invoice.number})
    return invoice
