"""Mentor–youth pairs (mentorpāris), their goals and the additional support arranged."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    func,
    select,
    text,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from common.enums import (
    Achievement,
    CheckInChannel,
    CheckInContact,
    ClosureKind,
    GoalArea,
    PairStatus,
    SupportKind,
)
from common.i18n import _l
from models.base import CreatedAt, Model, Versioned, enum_column, label, utcnow
from models.mentor import Mentor
from models.organisation import Contract, Programme, Provider
from models.referral import Referral
from models.user import User
from models.youth import Youth


class ClosureReason(Model):
    """A reason a pair closes, from the list administrators keep (planned or unplanned)."""

    __tablename__ = "closure_reason"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ClosureKind] = mapped_column(
        enum_column(ClosureKind, "kind"), info=label(_l("Closure"))
    )
    name_lv: Mapped[str] = mapped_column(String(200), unique=True,
                                         info=label(_l("Name in Latvian")))
    name_en: Mapped[str] = mapped_column(String(200), default="",
                                         info=label(_l("Name in English")))
    active: Mapped[bool] = mapped_column(default=True, info=label(_l("In use")))

    def __str__(self) -> str:
        from flask_babel import get_locale

        locale = get_locale()
        english = locale is not None and locale.language == "en"
        return (self.name_en if english and self.name_en else self.name_lv)


class Pair(Versioned, CreatedAt, Model):
    __tablename__ = "pair"
    __table_args__ = (
        CheckConstraint("planned_end_on >= starts_on", name="planned_end"),
        CheckConstraint("ended_on IS NULL OR ended_on >= starts_on", name="ended"),
        CheckConstraint("status != 'ended_early' OR end_reason != ''", name="early_end_reason"),
        Index("ix_pair_mentor_status", "mentor_id", "status"),
        # The task lists' idle pairs and overdue check-ins: a range in the active pairs.
        Index("ix_pair_status_last_entry", "status", "last_entry_on"),
        Index("ix_pair_status_next_check_in", "status", "next_check_in_on"),
        CheckConstraint("rematch_offered OR NOT rematch_accepted", name="rematch_offered"),
        # One running pair per referral, and a pair is rematched at most once.
        Index("uq_pair_running_referral", "referral_id", unique=True,
              sqlite_where=text("status IN ('proposed', 'active', 'paused')"),
              postgresql_where=text("status IN ('proposed', 'active', 'paused')")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(
        ForeignKey("youth.id", ondelete="RESTRICT"), index=True, info=label(_l("Youth"))
    )
    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("mentor.id", ondelete="RESTRICT"), index=True, info=label(_l("Mentor"))
    )
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("provider.id", ondelete="RESTRICT"), index=True, info=label(_l("Provider"))
    )
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="RESTRICT"), index=True, info=label(_l("Programme"))
    )
    contract_id: Mapped[int | None] = mapped_column(
        ForeignKey("contract.id", ondelete="RESTRICT"), index=True, info=label(_l("Contract"))
    )
    referral_id: Mapped[int | None] = mapped_column(
        ForeignKey("referral.id", ondelete="RESTRICT"), index=True, info=label(_l("Referral"))
    )
    starts_on: Mapped[dt.date] = mapped_column(index=True, info=label(_l("Start")))
    planned_end_on: Mapped[dt.date] = mapped_column(info=label(_l("Planned end")))
    ended_on: Mapped[dt.date | None] = mapped_column(info=label(_l("Ended on")))
    status: Mapped[PairStatus] = mapped_column(
        enum_column(PairStatus, "status"), default=PairStatus.proposed, index=True,
        info=label(_l("Status")),
    )
    end_reason: Mapped[str] = mapped_column(Text, default="", info=label(_l("Reason for ending")))
    evaluation_summary: Mapped[str] = mapped_column(
        Text, default="", info=label(_l("Evaluation summary"))
    )
    youth_feedback: Mapped[str] = mapped_column(
        Text, default="", info=label(_l("Youth's feedback"))
    )
    closure_kind: Mapped[ClosureKind | None] = mapped_column(
        enum_column(ClosureKind, "closure_kind"), info=label(_l("Closure"))
    )
    closure_reason_id: Mapped[int | None] = mapped_column(
        ForeignKey("closure_reason.id", ondelete="RESTRICT"), index=True,
        info=label(_l("Reason for closing")),
    )
    exit_note_mentor: Mapped[str] = mapped_column(
        Text, default="", server_default="", info=label(_l("Mentor's exit note")))
    exit_note_youth: Mapped[str] = mapped_column(
        Text, default="", server_default="", info=label(_l("Youth's exit note")))
    exit_note_parent: Mapped[str] = mapped_column(
        Text, default="", server_default="", info=label(_l("Parent's exit note")))
    rematch_offered: Mapped[bool] = mapped_column(
        default=False, server_default="0", info=label(_l("Rematch offered")))
    rematch_accepted: Mapped[bool] = mapped_column(
        default=False, server_default="0", info=label(_l("Rematch accepted")))
    previous_pair_id: Mapped[int | None] = mapped_column(
        ForeignKey("pair.id", ondelete="RESTRICT"), unique=True,
        info=label(_l("Previous pair (rematch)")),
    )
    # Kept by the database (models/kept.py), never written by the application: the day of
    # the latest entry not rejected, and the date the next check-in is due.
    last_entry_on: Mapped[dt.date | None] = mapped_column(info=label(_l("Last entry")))
    next_check_in_on: Mapped[dt.date | None] = mapped_column(
        info=label(_l("Next check-in due")))

    youth: Mapped[Youth] = relationship(info=label(_l("Youth")))
    mentor: Mapped[Mentor] = relationship(info=label(_l("Mentor")))
    provider: Mapped[Provider] = relationship(info=label(_l("Provider")))
    programme: Mapped[Programme] = relationship(info=label(_l("Programme")))
    contract: Mapped[Contract | None] = relationship(info=label(_l("Contract")))
    referral: Mapped[Referral | None] = relationship(info=label(_l("Referral")))
    closure_reason: Mapped[ClosureReason | None] = relationship(
        info=label(_l("Reason for closing")))
    previous_pair: Mapped[Pair | None] = relationship(
        remote_side=[id], info=label(_l("Previous pair (rematch)")))
    goals: Mapped[list[Goal]] = relationship(
        back_populates="pair", order_by="Goal.id", info=label(_l("Goals")))
    history: Mapped[list[PairStatusChange]] = relationship(
        back_populates="pair", order_by="PairStatusChange.changed_at", info=label(_l("History")))
    supports: Mapped[list[AdditionalSupport]] = relationship(
        back_populates="pair", order_by="AdditionalSupport.arranged_on",
        info=label(_l("Additional support")))

    def __str__(self) -> str:
        return f"{self.youth.case_number} {self.youth.initials}{self.youth.flag} — {self.mentor}"


class PairStatusChange(Model):
    __tablename__ = "pair_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("pair.id", ondelete="CASCADE"), index=True, info=label(_l("Pair"))
    )
    from_status: Mapped[PairStatus | None] = mapped_column(
        enum_column(PairStatus, "from_status"), info=label(_l("From status"))
    )
    to_status: Mapped[PairStatus] = mapped_column(
        enum_column(PairStatus, "to_status"), info=label(_l("To status"))
    )
    comment: Mapped[str] = mapped_column(Text, default="", info=label(_l("Comment")))
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True, info=label(_l("Changed by"))
    )
    changed_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, info=label(_l("Changed at"))
    )

    pair: Mapped[Pair] = relationship(back_populates="history", info=label(_l("Pair")))
    changed_by: Mapped[User | None] = relationship(info=label(_l("Changed by")))

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Goal(Model):
    """A cooperation goal (sadarbības mērķis) agreed at the start, evaluated at the end."""

    __tablename__ = "goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("pair.id", ondelete="CASCADE"), index=True, info=label(_l("Pair"))
    )
    area: Mapped[GoalArea] = mapped_column(enum_column(GoalArea, "area"), info=label(_l("Area")))
    description: Mapped[str] = mapped_column(
        Text, info=label(_l("Description"))
    )
    target: Mapped[str] = mapped_column(String(250), default="", info=label(_l("Target")))
    achievement: Mapped[Achievement | None] = mapped_column(
        enum_column(Achievement, "achievement"), info=label(_l("Achievement"))
    )

    pair: Mapped[Pair] = relationship(back_populates="goals", info=label(_l("Pair")))

    def __str__(self) -> str:
        return f"{self.area.label}: {self.target or self.description[:40]}"


class CheckIn(Model):
    """A coordinator's monitoring contact about a pair (with the mentor, youth or parent)."""

    __tablename__ = "check_in"
    __table_args__ = (
        CheckConstraint("relationship_quality BETWEEN 1 AND 5", name="quality_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("pair.id", ondelete="CASCADE"), index=True, info=label(_l("Pair"))
    )
    held_on: Mapped[dt.date] = mapped_column(index=True, info=label(_l("Date")))
    channel: Mapped[CheckInChannel] = mapped_column(
        enum_column(CheckInChannel, "channel"), info=label(_l("Channel"))
    )
    contact: Mapped[CheckInContact] = mapped_column(
        enum_column(CheckInContact, "contact"), info=label(_l("With whom"))
    )
    relationship_quality: Mapped[int] = mapped_column(
        info=label(_l("Relationship quality (1–5)"))
    )
    goal_progress: Mapped[str] = mapped_column(
        Text, default="", info=label(_l("Progress on goals"))
    )
    notes: Mapped[str] = mapped_column(Text, default="", info=label(_l("Notes"), sensitive=True))
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True,
        info=label(_l("Recorded by")),
    )

    pair: Mapped[Pair] = relationship(info=label(_l("Pair")))

    def __str__(self) -> str:
        return f"{self.held_on:%d.%m.%Y} {self.contact.label}"


class AdditionalSupport(Model):
    __tablename__ = "additional_support"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("pair.id", ondelete="CASCADE"), index=True, info=label(_l("Pair"))
    )
    kind: Mapped[SupportKind] = mapped_column(
        enum_column(SupportKind, "kind"), info=label(_l("Kind of support"))
    )
    institution: Mapped[str] = mapped_column(String(200), default="", info=label(_l("Institution")))
    arranged_on: Mapped[dt.date] = mapped_column(info=label(_l("Arranged on")))
    outcome: Mapped[str] = mapped_column(Text, default="", info=label(_l("Outcome")))

    pair: Mapped[Pair] = relationship(back_populates="supports", info=label(_l("Pair")))

    def __str__(self) -> str:
        return f"{self.kind.label} {self.arranged_on:%d.%m.%Y}"


# The first pair's start, for waiting-time figures, loaded with the referral in one query.
Referral.pair_started_on = column_property(  # type: ignore[assignment]  # declared on Referral
    select(func.min(Pair.starts_on))
    .where(Pair.referral_id == Referral.id)
    .correlate_except(Pair)
    .scalar_subquery(),
    info=label(_l("Pair started on")),
)
