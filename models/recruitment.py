"""A provider's recruitment round for a programme: its dates as data, and the public
address its application form lives at."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.i18n import _l
from models.base import CreatedAt, Model, label, utcnow

if TYPE_CHECKING:
    from models.mentor import TrainingCourse
    from models.organisation import Programme, Provider


class RecruitmentRound(CreatedAt, Model):
    __tablename__ = "recruitment_round"
    __table_args__ = (
        CheckConstraint("interviews_until >= interviews_from", name="interview_window"),
        CheckConstraint("training_until >= training_from", name="training_dates"),
        CheckConstraint("decision_working_days BETWEEN 0 AND 60", name="decision_days"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("provider.id", ondelete="RESTRICT"), index=True, info=label(_l("Provider")))
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="RESTRICT"), index=True,
        info=label(_l("Programme")))
    title: Mapped[str] = mapped_column(String(200), info=label(_l("Title")))
    slug: Mapped[str] = mapped_column(String(60), unique=True, info=label(_l("Public address")))
    applications_until: Mapped[dt.date] = mapped_column(
        info=label(_l("Applications until")))
    interviews_from: Mapped[dt.date] = mapped_column(info=label(_l("Interviews from")))
    interviews_until: Mapped[dt.date] = mapped_column(info=label(_l("Interviews until")))
    training_course_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_course.id", ondelete="SET NULL"), index=True,
        info=label(_l("Training course")))
    training_from: Mapped[dt.date] = mapped_column(info=label(_l("Training from")))
    training_until: Mapped[dt.date] = mapped_column(info=label(_l("Training until")))
    decision_working_days: Mapped[int] = mapped_column(
        default=5, info=label(_l("Decision within (working days after training)")))
    pairing_month: Mapped[dt.date] = mapped_column(info=label(_l("Pairs formed in")))
    mentoring_starts_on: Mapped[dt.date] = mapped_column(info=label(_l("Mentoring starts")))
    supervision_until: Mapped[dt.date | None] = mapped_column(
        info=label(_l("Supervision until")))
    contact: Mapped[str] = mapped_column(Text, default="", info=label(_l("Contact for applicants")))
    data_controller: Mapped[str] = mapped_column(Text, default="", info=label(_l("Data controller")))
    retention_months: Mapped[int] = mapped_column(default=12, info=label(
        _l("Applications of those not selected kept for (months)")))

    provider: Mapped[Provider] = relationship(info=label(_l("Provider")))
    programme: Mapped[Programme] = relationship(info=label(_l("Programme")))
    training_course: Mapped[TrainingCourse | None] = relationship(
        info=label(_l("Training course")))

    def is_open(self, today: dt.date) -> bool:
        return today <= self.applications_until

    def __str__(self) -> str:
        return self.title


class CalendarDay(Model):
    """A day the government moved: a Saturday worked in exchange (``working``) or a weekday
    given off (not ``working``). Public holidays come from the ``holidays`` package."""

    __tablename__ = "calendar_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(unique=True, info=label(_l("Date")))
    working: Mapped[bool] = mapped_column(info=label(_l("Working day")))
    note: Mapped[str] = mapped_column(String(200), default="", info=label(_l("Note")))

    def __str__(self) -> str:
        return f"{self.day:%d.%m.%Y}"


class PublicSubmission(Model):
    """One submission of a public form, counted for the limits per address and per form
    (kept in the database, so the limits hold across workers and hosts)."""

    __tablename__ = "public_submission"
    __table_args__ = (
        Index("ix_public_submission_form_at", "form", "at"),
        Index("ix_public_submission_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    form: Mapped[str] = mapped_column(String(80), info=label(_l("Form")))
    ip: Mapped[str] = mapped_column(String(45), info=label(_l("IP address")))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                            info=label(_l("Time")))
