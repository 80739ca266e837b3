"""Volunteer mentors' expenses (travel, fees, materials) and the provider's funding
sources that pay them: a donations budget, a project with its number and funder."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.enums import ClaimStatus, ExpenseKind
from common.formatting import format_money
from common.i18n import _l
from models.base import CreatedAt, Model, enum_column, label

if TYPE_CHECKING:
    from models.mentor import Mentor
    from models.organisation import Provider
    from models.pair import Pair
    from models.user import User


class FundingSource(Model):
    __tablename__ = "funding_source"
    __table_args__ = (CheckConstraint("amount >= 0", name="amount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id", ondelete="RESTRICT"),
                                             index=True, info=label(_l("Provider")))
    name: Mapped[str] = mapped_column(String(160), info=label(_l("Name")))
    funder: Mapped[str] = mapped_column(String(160), default="", info=label(_l("Funder")))
    project_number: Mapped[str] = mapped_column(String(60), default="",
                                                info=label(_l("Project number")))
    year: Mapped[int] = mapped_column(info=label(_l("Year")))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2), info=label(_l("Amount for the year")))

    provider: Mapped[Provider] = relationship(info=label(_l("Provider")))

    def __str__(self) -> str:
        number = f" ({self.project_number})" if self.project_number else ""
        return f"{self.name}{number} {self.year}"


class ExpenseClaim(CreatedAt, Model):
    __tablename__ = "expense_claim"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount"),
        CheckConstraint("distance_km IS NULL OR distance_km > 0", name="distance"),
        CheckConstraint("status != 'rejected' OR rejection_reason != ''", name="rejected_reason"),
        CheckConstraint("status != 'approved' OR funding_source_id IS NOT NULL",
                        name="approved_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(ForeignKey("mentor.id", ondelete="RESTRICT"),
                                           index=True, info=label(_l("Mentor")))
    pair_id: Mapped[int | None] = mapped_column(ForeignKey("pair.id", ondelete="SET NULL"),
                                                index=True, info=label(_l("Pair")))
    day: Mapped[dt.date] = mapped_column(info=label(_l("Date")))
    kind: Mapped[ExpenseKind] = mapped_column(enum_column(ExpenseKind, "kind"),
                                              info=label(_l("Kind")))
    distance_km: Mapped[Decimal | None] = mapped_column(Numeric(8, 1),
                                                        info=label(_l("Distance (km)")))
    amount: Mapped[Decimal] = mapped_column(Numeric(10, 2), info=label(_l("Amount")))
    purpose: Mapped[str] = mapped_column(Text, default="", info=label(_l("What it was for")))
    status: Mapped[ClaimStatus] = mapped_column(
        enum_column(ClaimStatus, "status"), default=ClaimStatus.submitted, index=True,
        info=label(_l("Status")))
    rejection_reason: Mapped[str] = mapped_column(Text, default="",
                                                  info=label(_l("Rejection reason")))
    funding_source_id: Mapped[int | None] = mapped_column(
        ForeignKey("funding_source.id", ondelete="RESTRICT"), index=True,
        info=label(_l("Paid from")))
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True,
        info=label(_l("Decided by")))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True),
                                                           info=label(_l("Decided")))

    mentor: Mapped[Mentor] = relationship(info=label(_l("Mentor")))
    pair: Mapped[Pair | None] = relationship(info=label(_l("Pair")))
    funding_source: Mapped[FundingSource | None] = relationship(info=label(_l("Paid from")))
    decided_by: Mapped[User | None] = relationship(info=label(_l("Decided by")))

    def __str__(self) -> str:
        return f"{self.day:%d.%m.%Y} {self.kind.label} {format_money(self.amount)}"
