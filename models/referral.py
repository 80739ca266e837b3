"""Referrals of youths to the mentor service and their status history."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.enums import ChosenBy, ReferralSource, ReferralStatus
from common.i18n import _l
from models.base import CreatedAt, Model, Versioned, enum_column, label, utcnow
from models.organisation import Municipality, Programme, Provider
from models.user import User
from models.youth import Youth


class Referral(Versioned, CreatedAt, Model):
    __tablename__ = "referral"
    if TYPE_CHECKING:  # a column property defined with the pairs (models/pair.py)
        pair_started_on: dt.date | None
    __table_args__ = (
        CheckConstraint(
            "status != 'rejected' OR rejection_reason != ''", name="rejected_has_reason"
        ),
        CheckConstraint("status != 'accepted' OR provider_id IS NOT NULL", name="accepted_has_provider"),
        Index("ix_referral_queue", "municipality_id", "status", "received_on"),
        # The medians of days to decision and to start read these alone, not the rows.
        Index("ix_referral_received_decided", "received_on", "decided_on"),
        Index("ix_referral_received_started", "received_on", "first_started_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(
        ForeignKey("youth.id", ondelete="RESTRICT"), index=True, info=label(_l("Youth"))
    )
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="RESTRICT"), index=True, info=label(_l("Programme"))
    )
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True,
        info=label(_l("Municipality")),
    )
    source: Mapped[ReferralSource] = mapped_column(
        enum_column(ReferralSource, "source"), info=label(_l("Source"))
    )
    referrer_institution: Mapped[str] = mapped_column(
        String(200), default="", info=label(_l("Referring institution"))
    )
    referrer_name: Mapped[str] = mapped_column(
        String(160), default="", info=label(_l("Referred by"))
    )
    referrer_contact: Mapped[str] = mapped_column(
        String(160), default="", info=label(_l("Referrer's phone or e-mail"))
    )
    received_on: Mapped[dt.date] = mapped_column(index=True, info=label(_l("Date received")))
    needs: Mapped[str] = mapped_column(Text, default="", info=label(_l("Needs"), sensitive=True))
    status: Mapped[ReferralStatus] = mapped_column(
        enum_column(ReferralStatus, "status"), default=ReferralStatus.new, index=True,
        info=label(_l("Status")),
    )
    decided_on: Mapped[dt.date | None] = mapped_column(info=label(_l("Decision date")))
    # Kept by the database (models/kept.py): the start of the referral's first pair that got
    # beyond a proposal.
    first_started_on: Mapped[dt.date | None] = mapped_column(info=label(_l("First start")))
    # Kept likewise: a pair stands for the referral (open, or closed without a rematch
    # accepted), so it does not wait for a mentor.
    matched: Mapped[bool] = mapped_column(default=False, server_default="0",
                                          info=label(_l("Paired")))
    rejection_reason: Mapped[str] = mapped_column(
        Text, default="", info=label(_l("Rejection reason"))
    )
    provider_id: Mapped[int | None] = mapped_column(
        ForeignKey("provider.id", ondelete="RESTRICT"), index=True,
        info=label(_l("Chosen provider")),
    )
    chosen_by: Mapped[ChosenBy | None] = mapped_column(
        enum_column(ChosenBy, "chosen_by"), info=label(_l("Provider chosen by"))
    )
    via_web_form: Mapped[bool] = mapped_column(default=False, info=label(
        _l("Sent with the public request form"), domain_only=True))

    youth: Mapped[Youth] = relationship(info=label(_l("Youth")))
    programme: Mapped[Programme] = relationship(info=label(_l("Programme")))
    municipality: Mapped[Municipality] = relationship(info=label(_l("Municipality")))
    provider: Mapped[Provider | None] = relationship(info=label(_l("Chosen provider")))
    history: Mapped[list[ReferralStatusChange]] = relationship(
        back_populates="referral", order_by="ReferralStatusChange.changed_at",
        info=label(_l("History")),
    )

    def __str__(self) -> str:
        return f"{self.youth.case_number} {self.received_on:%d.%m.%Y}{self.youth.flag}"


class ReferralStatusChange(Model):
    __tablename__ = "referral_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True, info=label(_l("Referral"))
    )
    from_status: Mapped[ReferralStatus | None] = mapped_column(
        enum_column(ReferralStatus, "from_status"), info=label(_l("From status"))
    )
    to_status: Mapped[ReferralStatus] = mapped_column(
        enum_column(ReferralStatus, "to_status"), info=label(_l("To status"))
    )
    comment: Mapped[str] = mapped_column(Text, default="", info=label(_l("Comment")))
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True, info=label(_l("Changed by"))
    )
    changed_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, info=label(_l("Changed at"))
    )

    referral: Mapped[Referral] = relationship(back_populates="history", info=label(_l("Referral")))
    changed_by: Mapped[User | None] = relationship(info=label(_l("Changed by")))

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
