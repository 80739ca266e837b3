"""Safety concerns raised about a pair, followed up and closed with a resolution."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.enums import ConcernCategory, ConcernEvent, Severity
from common.i18n import _l
from models.base import CreatedAt, Model, enum_column, label, utcnow
from models.pair import Pair
from models.user import User


class SafetyConcern(CreatedAt, Model):
    __tablename__ = "safety_concern"
    __table_args__ = (
        CheckConstraint("closed_on IS NULL OR resolution != ''", name="resolution_on_close"),
        CheckConstraint("closed_on IS NULL OR closed_on >= raised_on", name="closed_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("pair.id", ondelete="RESTRICT"), index=True, info=label(_l("Pair"))
    )
    raised_on: Mapped[dt.date] = mapped_column(info=label(_l("Raised on")))
    category: Mapped[ConcernCategory] = mapped_column(
        enum_column(ConcernCategory, "category"), info=label(_l("Category"))
    )
    severity: Mapped[Severity] = mapped_column(
        enum_column(Severity, "severity"), index=True, info=label(_l("Severity"))
    )
    description: Mapped[str] = mapped_column(
        Text, info=label(_l("What happened"))
    )
    actions_taken: Mapped[str] = mapped_column(
        Text, default="", info=label(_l("Actions taken"))
    )
    raised_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True, info=label(_l("Raised by"))
    )
    closed_on: Mapped[dt.date | None] = mapped_column(index=True, info=label(_l("Closed on")))
    resolution: Mapped[str] = mapped_column(
        Text, default="", info=label(_l("Resolution"))
    )
    closed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True, info=label(_l("Closed by"))
    )

    pair: Mapped[Pair] = relationship(info=label(_l("Pair")))
    raised_by: Mapped[User | None] = relationship(
        foreign_keys=[raised_by_id], info=label(_l("Raised by")))
    closed_by: Mapped[User | None] = relationship(
        foreign_keys=[closed_by_id], info=label(_l("Closed by")))
    events: Mapped[list[SafetyConcernEvent]] = relationship(
        back_populates="concern", order_by="SafetyConcernEvent.id", info=label(_l("History")))

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def __str__(self) -> str:
        return f"{self.raised_on:%d.%m.%Y} {self.category.label} ({self.severity.label})"


class SafetyConcernEvent(Model):
    """One step of a concern's history: raised, an update of the actions taken, closed."""

    __tablename__ = "safety_concern_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(
        ForeignKey("safety_concern.id", ondelete="CASCADE"), index=True,
        info=label(_l("Safety concern")),
    )
    kind: Mapped[ConcernEvent] = mapped_column(
        enum_column(ConcernEvent, "kind"), info=label(_l("Event"))
    )
    text: Mapped[str] = mapped_column(Text, default="", info=label(_l("Text")))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True, info=label(_l("By"))
    )
    at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, info=label(_l("When"))
    )

    concern: Mapped[SafetyConcern] = relationship(back_populates="events",
                                                  info=label(_l("Safety concern")))
    actor: Mapped[User | None] = relationship(info=label(_l("By")))

    def __str__(self) -> str:
        return f"{self.kind.label} {self.at:%d.%m.%Y %H:%M}"
