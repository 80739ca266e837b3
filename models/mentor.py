"""Mentors and their path: selection, training, certificate, agreement, checks, supervision."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.enums import CheckResult, Decision, Education, Gender, InterviewMode, MentorStatus
from common.i18n import _l
from models.base import CreatedAt, Model, Versioned, enum_column, label, trigram_index, utcnow
from models.organisation import Locality, Programme, Provider
from models.user import User

if TYPE_CHECKING:
    from models.recruitment import RecruitmentRound


class Mentor(Versioned, CreatedAt, Model):
    __tablename__ = "mentor"
    __table_args__ = (
        trigram_index("mentor", "first_name"),
        trigram_index("mentor", "last_name"),
        CheckConstraint("experience_years >= 0 AND experience_years <= 80", name="experience"),
        CheckConstraint(
            "questionnaire_score IS NULL OR questionnaire_score BETWEEN 0 AND 100",
            name="score_range",
        ),
        CheckConstraint(
            "meetings_per_month >= 0 AND hours_per_month >= 0", name="availability_positive"
        ),
        CheckConstraint("status != 'rejected' OR rejection_reason != ''", name="rejected_has_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("provider.id", ondelete="RESTRICT"), index=True, info=label(_l("Provider"))
    )
    programme_id: Mapped[int | None] = mapped_column(
        ForeignKey("programme.id", ondelete="RESTRICT"), index=True,
        info=label(_l("Programme")),
    )
    first_name: Mapped[str] = mapped_column(String(80), info=label(_l("First name")))
    last_name: Mapped[str] = mapped_column(String(80), index=True, info=label(_l("Last name")))
    birth_date: Mapped[dt.date] = mapped_column(info=label(_l("Date of birth"), sensitive=True))
    gender: Mapped[Gender] = mapped_column(
        enum_column(Gender, "gender"), default=Gender.unspecified, info=label(_l("Gender"), sensitive=True)
    )
    email: Mapped[str] = mapped_column(String(120), default="", info=label(_l("E-mail"), sensitive=True))
    phone: Mapped[str] = mapped_column(String(40), default="", info=label(_l("Phone"), sensitive=True))
    locality_id: Mapped[int | None] = mapped_column(
        ForeignKey("locality.id", ondelete="SET NULL"), index=True, info=label(_l("Residence"))
    )
    education: Mapped[Education] = mapped_column(
        enum_column(Education, "education"), info=label(_l("Education"), sensitive=True)
    )
    experience_years: Mapped[int] = mapped_column(
        default=0, info=label(_l("Experience with youth (years)"), sensitive=True)
    )
    motivation: Mapped[str] = mapped_column(Text, default="", info=label(_l("Motivation"), sensitive=True))
    meetings_per_month: Mapped[int] = mapped_column(
        default=2, info=label(_l("Available meetings per month"), sensitive=True)
    )
    hours_per_month: Mapped[int] = mapped_column(
        default=8, info=label(_l("Available hours per month"), sensitive=True)
    )
    languages: Mapped[str] = mapped_column(String(200), default="", info=label(_l("Languages"), sensitive=True))
    interests: Mapped[str] = mapped_column(String(300), default="", info=label(_l("Interests"), sensitive=True))
    questionnaire_score: Mapped[int | None] = mapped_column(
        info=label(_l("Questionnaire score"), sensitive=True)
    )
    status: Mapped[MentorStatus] = mapped_column(
        enum_column(MentorStatus, "status"), default=MentorStatus.applicant, index=True,
        info=label(_l("Status"), sensitive=True),
    )
    rejection_reason: Mapped[str] = mapped_column(
        Text, default="", info=label(_l("Rejection reason"), sensitive=True)
    )
    archived: Mapped[bool] = mapped_column(default=False, index=True, info=label(
        _l("Archived"), sensitive=True, domain_only=True))
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("recruitment_round.id", ondelete="SET NULL"), index=True,
        info=label(_l("Recruitment round")))
    applied_online: Mapped[bool] = mapped_column(default=False, info=label(
        _l("Applied with the public form"), domain_only=True))

    provider: Mapped[Provider] = relationship(info=label(_l("Provider")))
    recruitment_round: Mapped[RecruitmentRound | None] = relationship(
        info=label(_l("Recruitment round")))
    programme: Mapped[Programme | None] = relationship(info=label(_l("Programme")))
    locality: Mapped[Locality | None] = relationship(info=label(_l("Residence"), sensitive=True))
    history: Mapped[list[MentorStatusChange]] = relationship(
        order_by="MentorStatusChange.changed_at", viewonly=True)
    interviews: Mapped[list[Interview]] = relationship(back_populates="mentor")
    agreements: Mapped[list[Agreement]] = relationship(back_populates="mentor")
    background_checks: Mapped[list[BackgroundCheck]] = relationship(back_populates="mentor")
    certificates: Mapped[list[Certificate]] = relationship(back_populates="mentor")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def __str__(self) -> str:
        return self.full_name


class Interview(Model):
    """Round two of selection."""

    __tablename__ = "interview"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("mentor.id", ondelete="CASCADE"), index=True, info=label(_l("Mentor"))
    )
    held_on: Mapped[dt.date] = mapped_column(index=True, info=label(_l("Date")))
    mode: Mapped[InterviewMode] = mapped_column(
        enum_column(InterviewMode, "mode"), info=label(_l("Mode"))
    )
    interviewer: Mapped[str] = mapped_column(String(160), info=label(_l("Interviewer")))
    notes: Mapped[str] = mapped_column(Text, default="", info=label(_l("Notes")))
    decision: Mapped[Decision] = mapped_column(
        enum_column(Decision, "decision"), default=Decision.pending, info=label(_l("Decision"))
    )

    mentor: Mapped[Mentor] = relationship(back_populates="interviews", info=label(_l("Mentor")))

    def __str__(self) -> str:
        return f"{self.mentor} {self.held_on:%d.%m.%Y}"


class MentorStatusChange(Model):
    __tablename__ = "mentor_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("mentor.id", ondelete="CASCADE"), index=True, info=label(_l("Mentor"))
    )
    from_status: Mapped[MentorStatus | None] = mapped_column(
        enum_column(MentorStatus, "from_status"), info=label(_l("From status"))
    )
    to_status: Mapped[MentorStatus] = mapped_column(
        enum_column(MentorStatus, "to_status"), info=label(_l("To status"))
    )
    comment: Mapped[str] = mapped_column(Text, default="", info=label(_l("Comment")))
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True, info=label(_l("Changed by"))
    )
    changed_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, info=label(_l("Changed at"))
    )

    mentor: Mapped[Mentor] = relationship(info=label(_l("Mentor")))
    changed_by: Mapped[User | None] = relationship(info=label(_l("Changed by")))

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class TrainingTopic(Model):
    """A managed list of the mentoring topics a course may cover."""

    __tablename__ = "training_topic"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True, info=label(_l("Topic")))

    def __str__(self) -> str:
        return self.name


course_topic = Table(
    "course_topic",
    Model.metadata,
    Column("course_id", ForeignKey("training_course.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "topic_id", ForeignKey("training_topic.id", ondelete="RESTRICT"), primary_key=True,
        index=True,
    ),
)


class TrainingCourse(Model):
    __tablename__ = "training_course"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates"),
        CheckConstraint("sessions >= 1", name="sessions_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("provider.id", ondelete="RESTRICT"), index=True, info=label(_l("Provider"))
    )
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="RESTRICT"), index=True, info=label(_l("Programme"))
    )
    title: Mapped[str] = mapped_column(String(200), info=label(_l("Title")))
    starts_on: Mapped[dt.date] = mapped_column(index=True, info=label(_l("Starts")))
    ends_on: Mapped[dt.date] = mapped_column(info=label(_l("Ends")))
    venue: Mapped[str] = mapped_column(String(200), default="", info=label(_l("Venue")))
    trainers: Mapped[str] = mapped_column(String(250), default="", info=label(_l("Trainers")))
    sessions: Mapped[int] = mapped_column(default=1, info=label(_l("Number of sessions")))

    provider: Mapped[Provider] = relationship(info=label(_l("Provider")))
    programme: Mapped[Programme] = relationship(info=label(_l("Programme")))
    topics: Mapped[list[TrainingTopic]] = relationship(
        secondary=course_topic, info=label(_l("Topics"))
    )

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on:%d.%m.%Y})"


session_attendee = Table(
    "session_attendee",
    Model.metadata,
    Column("session_id", ForeignKey("training_session.id", ondelete="CASCADE"),
           primary_key=True),
    Column("mentor_id", ForeignKey("mentor.id", ondelete="RESTRICT"), primary_key=True,
           index=True),
)


class TrainingSession(Model):
    """One session of a course, with the mentors who attended it."""

    __tablename__ = "training_session"
    __table_args__ = (UniqueConstraint("course_id", "held_on", "topic_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(
        ForeignKey("training_course.id", ondelete="CASCADE"), index=True,
        info=label(_l("Course")),
    )
    held_on: Mapped[dt.date] = mapped_column(info=label(_l("Date")))
    topic_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_topic.id", ondelete="RESTRICT"), index=True,
        info=label(_l("Topic")),
    )

    course: Mapped[TrainingCourse] = relationship(info=label(_l("Course")))
    topic: Mapped[TrainingTopic | None] = relationship(info=label(_l("Topic")))
    attendees: Mapped[list[Mentor]] = relationship(
        secondary=session_attendee, info=label(_l("Attendees"))
    )

    def __str__(self) -> str:
        return f"{self.course.title} {self.held_on:%d.%m.%Y}"


class Certificate(Model):
    __tablename__ = "certificate"
    __table_args__ = (UniqueConstraint("provider_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("provider.id", ondelete="RESTRICT"), index=True, info=label(_l("Provider"))
    )
    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("mentor.id", ondelete="RESTRICT"), index=True, info=label(_l("Mentor"))
    )
    course_id: Mapped[int] = mapped_column(
        ForeignKey("training_course.id", ondelete="RESTRICT"), index=True,
        info=label(_l("Course")),
    )
    number: Mapped[str] = mapped_column(String(40), info=label(_l("Certificate number")))
    issued_on: Mapped[dt.date] = mapped_column(info=label(_l("Issued on")))

    provider: Mapped[Provider] = relationship(info=label(_l("Provider")))
    mentor: Mapped[Mentor] = relationship(back_populates="certificates", info=label(_l("Mentor")))
    course: Mapped[TrainingCourse] = relationship(info=label(_l("Course")))

    def __str__(self) -> str:
        return self.number


class Agreement(Model):
    """The cooperation agreement (vienošanās par sadarbību), two years preferred."""

    __tablename__ = "agreement"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates"),
        CheckConstraint("signed = false OR signed_on IS NOT NULL", name="signed_has_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("mentor.id", ondelete="RESTRICT"), index=True, info=label(_l("Mentor"))
    )
    signed: Mapped[bool] = mapped_column(
        default=False, server_default=sa_false(), info=label(_l("Signed"))
    )
    signed_on: Mapped[dt.date | None] = mapped_column(info=label(_l("Signed on")))
    starts_on: Mapped[dt.date] = mapped_column(info=label(_l("Starts")))
    ends_on: Mapped[dt.date] = mapped_column(index=True, info=label(_l("Ends")))

    mentor: Mapped[Mentor] = relationship(back_populates="agreements", info=label(_l("Mentor")))

    def is_current(self, day: dt.date) -> bool:
        return self.signed and self.starts_on <= day <= self.ends_on

    def __str__(self) -> str:
        return f"{self.mentor} {self.starts_on:%d.%m.%Y}–{self.ends_on:%d.%m.%Y}"


class BackgroundCheck(Model):
    """A statement from the Punishment Register (Sodu reģistrs), required to work with children."""

    __tablename__ = "background_check"
    __table_args__ = (CheckConstraint("valid_until >= checked_on", name="dates"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mentor_id: Mapped[int] = mapped_column(
        ForeignKey("mentor.id", ondelete="RESTRICT"), index=True, info=label(_l("Mentor"))
    )
    checked_on: Mapped[dt.date] = mapped_column(info=label(_l("Statement date")))
    valid_until: Mapped[dt.date] = mapped_column(index=True, info=label(_l("Valid until")))
    result: Mapped[CheckResult] = mapped_column(
        enum_column(CheckResult, "result"), info=label(_l("Result"))
    )

    mentor: Mapped[Mentor] = relationship(
        back_populates="background_checks", info=label(_l("Mentor"))
    )

    def is_valid(self, day: dt.date) -> bool:
        return self.result == CheckResult.clear and self.checked_on <= day <= self.valid_until

    def __str__(self) -> str:
        return f"{self.mentor} {self.checked_on:%d.%m.%Y}"


supervision_attendee = Table(
    "supervision_attendee",
    Model.metadata,
    Column(
        "supervision_id", ForeignKey("supervision.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("mentor_id", ForeignKey("mentor.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Supervision(Model):
    __tablename__ = "supervision"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("provider.id", ondelete="RESTRICT"), index=True, info=label(_l("Provider"))
    )
    held_on: Mapped[dt.date] = mapped_column(index=True, info=label(_l("Date")))
    supervisor: Mapped[str] = mapped_column(String(160), info=label(_l("Supervisor")))
    topic: Mapped[str] = mapped_column(String(250), default="", info=label(_l("Topic")))

    provider: Mapped[Provider] = relationship(info=label(_l("Provider")))
    attendees: Mapped[list[Mentor]] = relationship(
        secondary=supervision_attendee, info=label(_l("Attendees"))
    )

    def __str__(self) -> str:
        return f"{self.held_on:%d.%m.%Y} {self.supervisor}"
