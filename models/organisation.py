"""Municipalities, localities, provider organisations, programmes, budgets and contracts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.i18n import _l
from models.base import CreatedAt, Model, label

if TYPE_CHECKING:
    from models.youth import Youth


class Municipality(CreatedAt, Model):
    __tablename__ = "municipality"
    __table_args__ = (CheckConstraint("length(reg_number) = 11", name="reg_number_11"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True, info=label(_l("Name")))
    reg_number: Mapped[str] = mapped_column(
        String(11), unique=True, info=label(_l("Registration number"))
    )
    social_service: Mapped[str] = mapped_column(String(200), info=label(_l("Social service")))
    case_prefix: Mapped[str | None] = mapped_column(
        String(10), unique=True, info=label(_l("Case number prefix"))
    )
    address: Mapped[str] = mapped_column(String(250), default="", info=label(_l("Address")))
    email: Mapped[str] = mapped_column(String(120), default="", info=label(_l("E-mail")))
    phone: Mapped[str] = mapped_column(String(40), default="", info=label(_l("Phone")))

    localities: Mapped[list[Locality]] = relationship(
        back_populates="municipality", info=label(_l("Localities"))
    )
    youths: Mapped[list[Youth]] = relationship(back_populates="municipality")

    def __str__(self) -> str:
        return self.name


class Locality(Model):
    """A town or parish; remote ones give mentors living there priority."""

    __tablename__ = "locality"
    __table_args__ = (UniqueConstraint("municipality_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True,
        info=label(_l("Municipality")),
    )
    name: Mapped[str] = mapped_column(String(120), info=label(_l("Name")))
    remote: Mapped[bool] = mapped_column(default=False, info=label(_l("Remote locality")))

    municipality: Mapped[Municipality] = relationship(
        back_populates="localities", info=label(_l("Municipality"))
    )

    def __str__(self) -> str:
        return self.name


class Provider(CreatedAt, Model):
    """A provider organisation chosen by procurement (pakalpojuma sniedzējs)."""

    __tablename__ = "provider"
    __table_args__ = (
        CheckConstraint("length(reg_number) = 11", name="reg_number_11"),
        CheckConstraint("vat_number IS NULL OR length(vat_number) = 13", name="vat_number_13"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, info=label(_l("Name")))
    invoice_prefix: Mapped[str] = mapped_column(
        String(10), unique=True, info=label(_l("Invoice number prefix"))
    )
    reg_number: Mapped[str] = mapped_column(
        String(11), unique=True, info=label(_l("Registration number"))
    )
    vat_number: Mapped[str | None] = mapped_column(
        String(13), unique=True, info=label(_l("VAT number"))
    )
    iban: Mapped[str] = mapped_column(String(34), info=label(_l("IBAN")))
    address: Mapped[str] = mapped_column(String(250), info=label(_l("Address")))
    email: Mapped[str] = mapped_column(String(120), default="", info=label(_l("E-mail")))
    phone: Mapped[str] = mapped_column(String(40), default="", info=label(_l("Phone")))

    contracts: Mapped[list[Contract]] = relationship(back_populates="provider")

    def __str__(self) -> str:
        return self.name


class Programme(Model):
    """The rules one mentor service runs under; no rule parameter lives in code."""

    __tablename__ = "programme"
    __table_args__ = (
        CheckConstraint("min_youth_age >= 0 AND min_youth_age <= max_youth_age", name="youth_ages"),
        CheckConstraint(
            "self_referral_min_age IS NULL OR self_referral_min_age >= min_youth_age",
            name="self_referral_age",
        ),
        CheckConstraint("min_mentor_age >= 18", name="mentor_age"),
        CheckConstraint(
            "min_months >= 1 AND (max_months IS NULL OR max_months >= min_months)",
            name="months",
        ),
        CheckConstraint(
            "monthly_cap_minutes IS NULL OR (monthly_cap_minutes > 0 AND monthly_cap_minutes % 15 = 0)",
            name="cap_minutes",
        ),
        CheckConstraint("mentor_capacity >= 1", name="capacity"),
        CheckConstraint(
            "training_attendance_percent BETWEEN 0 AND 100", name="attendance_percent"
        ),
        CheckConstraint(
            "background_check_months >= 1 AND agreement_months >= 1", name="validity_months"
        ),
        CheckConstraint("retention_months >= 1", name="retention_months"),
        CheckConstraint("checkins_first_month >= 0 AND checkins_per_month >= 0",
                        name="checkins"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, info=label(_l("Name")))
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True,
        info=label(_l("Municipality")),
    )
    paid: Mapped[bool] = mapped_column(default=True, info=label(_l("Paid service")))
    min_youth_age: Mapped[int] = mapped_column(default=13, info=label(_l("Youth age from")))
    max_youth_age: Mapped[int] = mapped_column(default=25, info=label(_l("Youth age to")))
    self_referral_min_age: Mapped[int | None] = mapped_column(
        info=label(_l("Self-referral from age"))
    )
    request_slug: Mapped[str | None] = mapped_column(String(60), unique=True, info=label(
        _l("Public request form address")))
    questionnaire_link_days: Mapped[int] = mapped_column(default=14, info=label(
        _l("Questionnaire links valid for (days)")))
    km_rate: Mapped[Decimal] = mapped_column(Numeric(6, 3), default=Decimal("0"), info=label(
        _l("Travel expenses per km (EUR)")))
    min_mentor_age: Mapped[int] = mapped_column(default=20, info=label(_l("Minimum mentor age")))
    mentor_older_than_youth: Mapped[bool] = mapped_column(
        default=True, info=label(_l("Mentor strictly older than youth"))
    )
    min_months: Mapped[int] = mapped_column(default=3, info=label(_l("Pair length from (months)")))
    max_months: Mapped[int | None] = mapped_column(info=label(_l("Pair length to (months)")))
    monthly_cap_minutes: Mapped[int | None] = mapped_column(
        info=label(_l("Billable minutes per youth per month"),
                   shown=_l("Billable hours per youth per month"))
    )
    min_meetings_per_month: Mapped[int | None] = mapped_column(
        info=label(_l("Minimum meetings per month"))
    )
    min_meeting_minutes: Mapped[int | None] = mapped_column(
        info=label(_l("Minimum meeting length (minutes)"), shown=_l("Minimum meeting length"))
    )
    supervision_per_month: Mapped[int | None] = mapped_column(
        info=label(_l("Supervisions per month"))
    )
    mentor_capacity: Mapped[int] = mapped_column(
        default=2, info=label(_l("Active pairs per mentor"))
    )
    training_attendance_percent: Mapped[int] = mapped_column(
        default=80, info=label(_l("Training attendance required (%)"))
    )
    background_check_months: Mapped[int] = mapped_column(
        default=12, server_default="12",
        info=label(_l("Background check valid for (months)")),
    )
    agreement_months: Mapped[int] = mapped_column(
        default=24, server_default="24", info=label(_l("Preferred agreement length (months)"))
    )
    checkins_first_month: Mapped[int] = mapped_column(
        default=2, server_default="2", info=label(_l("Check-ins in the pair's first month"))
    )
    checkins_per_month: Mapped[int] = mapped_column(
        default=1, server_default="1", info=label(_l("Check-ins a month afterwards"))
    )
    decision_target_days: Mapped[int] = mapped_column(
        default=14, server_default="14",
        info=label(_l("Referral decided within (days)")),
    )
    reminder_idle_days: Mapped[int] = mapped_column(
        default=10, server_default="10",
        info=label(_l("Remind a mentor after days without a session")),
    )
    hours_deadline_day: Mapped[int] = mapped_column(
        default=5, server_default="5",
        info=label(_l("Hours of a month logged by this day of the next")),
    )
    retention_months: Mapped[int] = mapped_column(
        default=60, server_default="60",
        info=label(_l("Closed cases kept for (months)")),
    )
    municipality: Mapped[Municipality] = relationship(info=label(_l("Municipality")))

    def __str__(self) -> str:
        return self.name


class Budget(Model):
    """A municipality's annual budget line for one programme."""

    __tablename__ = "budget"
    __table_args__ = (
        UniqueConstraint("municipality_id", "programme_id", "year"),
        CheckConstraint("amount >= 0", name="amount_positive"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True,
        info=label(_l("Municipality")),
    )
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="RESTRICT"), index=True,
        info=label(_l("Programme")),
    )
    year: Mapped[int] = mapped_column(info=label(_l("Year")))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), info=label(_l("Amount")))
    note: Mapped[str] = mapped_column(Text, default="", info=label(_l("Note")))

    municipality: Mapped[Municipality] = relationship(info=label(_l("Municipality")))
    programme: Mapped[Programme] = relationship(info=label(_l("Programme")))

    def __str__(self) -> str:
        return f"{self.programme} {self.year}"


class Contract(CreatedAt, Model):
    """A service contract municipality × provider × programme, from a procurement."""

    __tablename__ = "contract"
    __table_args__ = (
        UniqueConstraint("provider_id", "number"),
        CheckConstraint("valid_to >= valid_from", name="validity"),
        CheckConstraint("hourly_rate >= 0", name="rate_positive"),
        CheckConstraint("vat_rate >= 0 AND vat_rate <= 100", name="vat_rate_range"),
        CheckConstraint("ceiling IS NULL OR ceiling >= 0", name="ceiling_positive"),
        Index("ix_contract_validity", "municipality_id", "valid_from", "valid_to"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(60), info=label(_l("Contract number")))
    procurement: Mapped[str] = mapped_column(
        String(120), default="", info=label(_l("Procurement"))
    )
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True,
        info=label(_l("Municipality")),
    )
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("provider.id", ondelete="RESTRICT"), index=True, info=label(_l("Provider"))
    )
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="RESTRICT"), index=True, info=label(_l("Programme"))
    )
    valid_from: Mapped[dt.date] = mapped_column(info=label(_l("Valid from")))
    valid_to: Mapped[dt.date] = mapped_column(info=label(_l("Valid to")))
    hourly_rate: Mapped[Decimal] = mapped_column(
        Numeric(12, 2), info=label(_l("Hourly rate (EUR)"))
    )
    vat_rate: Mapped[Decimal] = mapped_column(
        Numeric(5, 2), default=Decimal("0"), info=label(_l("VAT rate (%)"))
    )
    vat_exemption_note: Mapped[str] = mapped_column(
        String(250), default="", info=label(_l("VAT exemption note"))
    )
    ceiling: Mapped[Decimal | None] = mapped_column(
        Numeric(12, 2), info=label(_l("Contract ceiling (EUR)"))
    )

    municipality: Mapped[Municipality] = relationship(info=label(_l("Municipality")))
    provider: Mapped[Provider] = relationship(
        back_populates="contracts", info=label(_l("Provider"))
    )
    programme: Mapped[Programme] = relationship(info=label(_l("Programme")))

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_to

    def __str__(self) -> str:
        return f"{self.number} ({self.provider})"
