"""Invoices and credit notes to municipalities, their lines and the gap-free numbering."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.enums import DeliveryChannel, InvoiceKind, InvoiceStatus
from common.i18n import _l
from models.base import CreatedAt, Model, enum_column, label, utcnow
from models.organisation import Contract, Municipality, Provider
from models.pair import Pair


class Invoice(CreatedAt, Model):
    __tablename__ = "invoice"
    __table_args__ = (
        UniqueConstraint("provider_id", "number"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month_range"),
        CheckConstraint("status = 'draft' OR number IS NOT NULL", name="issued_has_number"),
        CheckConstraint(
            "kind != 'credit_note' OR credited_invoice_id IS NOT NULL", name="credit_refers"
        ),
        # One credit note per invoice, whatever happens in parallel.
        UniqueConstraint("credited_invoice_id"),
        CheckConstraint("status != 'paid' OR paid_amount IS NOT NULL", name="paid_amount"),
        Index("ix_invoice_period", "contract_id", "year", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(String(30), info=label(_l("Number")))
    kind: Mapped[InvoiceKind] = mapped_column(
        enum_column(InvoiceKind, "kind"), default=InvoiceKind.invoice, info=label(_l("Kind"))
    )
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("provider.id", ondelete="RESTRICT"), index=True, info=label(_l("Provider"))
    )
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True,
        info=label(_l("Municipality")),
    )
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("contract.id", ondelete="RESTRICT"), index=True, info=label(_l("Contract"))
    )
    credited_invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoice.id", ondelete="RESTRICT"), index=True,
        info=label(_l("Credited invoice")),
    )
    year: Mapped[int] = mapped_column(info=label(_l("Year")))
    month: Mapped[int] = mapped_column(info=label(_l("Month")))
    status: Mapped[InvoiceStatus] = mapped_column(
        enum_column(InvoiceStatus, "status"), default=InvoiceStatus.draft, index=True,
        info=label(_l("Status")),
    )
    issued_on: Mapped[dt.date | None] = mapped_column(index=True, info=label(_l("Issue date")))
    due_on: Mapped[dt.date | None] = mapped_column(info=label(_l("Due date")))
    paid_on: Mapped[dt.date | None] = mapped_column(info=label(_l("Paid on")))
    paid_amount: Mapped[Decimal | None] = mapped_column(
        Numeric(12, 2), info=label(_l("Amount paid")))
    supplements_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoice.id", ondelete="RESTRICT"), index=True,
        info=label(_l("Supplements invoice")))
    # Issued before the month was closed (logging deadline, sign-off): why.
    early_issue_reason: Mapped[str] = mapped_column(
        Text, default="", server_default="", info=label(_l("Reason for issuing early")))
    # What the documents show, as of the issue (parties, identifiers, addresses, IBAN,
    # contract, VAT category, rate and reason, terms): they are built from this only, so a
    # later change of the contract or the provider never reaches an issued invoice.
    document: Mapped[dict[str, Any] | None] = mapped_column(
        JSON, info=label(_l("Document as issued")))
    # The e-invoice as issued, and the PDF as first produced from ``document``: served as
    # they are, byte for byte.
    xml_file: Mapped[bytes | None] = mapped_column(
        LargeBinary, deferred=True, info=label(_l("E-invoice (XML)")))
    pdf_file: Mapped[bytes | None] = mapped_column(
        LargeBinary, deferred=True, info=label(_l("Invoice (PDF)")))
    net_amount: Mapped[Decimal] = mapped_column(
        Numeric(12, 2), default=Decimal("0.00"), info=label(_l("Amount without VAT"))
    )
    vat_amount: Mapped[Decimal] = mapped_column(
        Numeric(12, 2), default=Decimal("0.00"), info=label(_l("VAT"))
    )
    total_amount: Mapped[Decimal] = mapped_column(
        Numeric(12, 2), default=Decimal("0.00"), info=label(_l("Total"))
    )

    provider: Mapped[Provider] = relationship(info=label(_l("Provider")))
    municipality: Mapped[Municipality] = relationship(info=label(_l("Municipality")))
    contract: Mapped[Contract] = relationship(info=label(_l("Contract")))
    credited_invoice: Mapped[Invoice | None] = relationship(
        remote_side=[id], foreign_keys=[credited_invoice_id], info=label(_l("Credited invoice"))
    )
    supplements: Mapped[Invoice | None] = relationship(
        remote_side=[id], foreign_keys=[supplements_id], info=label(_l("Supplements invoice"))
    )
    deliveries: Mapped[list[InvoiceDelivery]] = relationship(
        back_populates="invoice", order_by="InvoiceDelivery.delivered_on",
        info=label(_l("Deliveries")))
    lines: Mapped[list[InvoiceLine]] = relationship(
        back_populates="invoice", info=label(_l("Lines"))
    )

    def __str__(self) -> str:
        return self.number or f"#{self.id} ({self.status.label})"


class InvoiceLine(Model):
    """One pair's hours on an invoice; the youth appears only by case number and initials."""

    __tablename__ = "invoice_line"
    __table_args__ = (CheckConstraint("vat_rate >= 0 AND vat_rate <= 100", name="vat_rate"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoice.id", ondelete="CASCADE"), index=True, info=label(_l("Invoice"))
    )
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("pair.id", ondelete="RESTRICT"), index=True, info=label(_l("Pair"))
    )
    description: Mapped[str] = mapped_column(String(200), info=label(_l("Description")))
    minutes: Mapped[int] = mapped_column(info=label(_l("Minutes"), shown=_l("Hours")))
    rate: Mapped[Decimal] = mapped_column(Numeric(12, 2), info=label(_l("Rate")))
    vat_rate: Mapped[Decimal] = mapped_column(
        Numeric(5, 2), default=Decimal("0"), info=label(_l("VAT rate (%)"))
    )
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), info=label(_l("Amount")))

    invoice: Mapped[Invoice] = relationship(back_populates="lines", info=label(_l("Invoice")))
    pair: Mapped[Pair] = relationship(info=label(_l("Pair")))

    def __str__(self) -> str:
        return self.description


class InvoiceDelivery(Model):
    """How and when an issued invoice or credit note reached the municipality."""

    __tablename__ = "invoice_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoice.id", ondelete="CASCADE"), index=True, info=label(_l("Invoice")))
    channel: Mapped[DeliveryChannel] = mapped_column(
        enum_column(DeliveryChannel, "channel"), info=label(_l("Delivered by")))
    delivered_on: Mapped[dt.date] = mapped_column(info=label(_l("Delivered on")))
    reference: Mapped[str] = mapped_column(
        String(200), default="", info=label(_l("Reference (message or tracking number)")))
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True,
        info=label(_l("Recorded by")))
    recorded_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, info=label(_l("Recorded at")))

    invoice: Mapped[Invoice] = relationship(back_populates="deliveries",
                                            info=label(_l("Invoice")))

    def __str__(self) -> str:
        return f"{self.channel.label} {self.delivered_on:%d.%m.%Y}"


class InvoiceSequence(Model):
    """The last number used per provider and year; locked row by row when issuing."""

    __tablename__ = "invoice_sequence"
    __table_args__ = (CheckConstraint("last_number >= 0", name="positive"),)

    provider_id: Mapped[int] = mapped_column(
        ForeignKey("provider.id", ondelete="RESTRICT"), primary_key=True
    )
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)
