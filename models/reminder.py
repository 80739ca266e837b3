"""Reminders already sent, so that sending again the same day sends nothing twice."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from common.i18n import _l
from models.base import Model, label, utcnow


class ReminderSent(Model):
    __tablename__ = "reminder_sent"
    __table_args__ = (UniqueConstraint("user_id", "kind", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"),
                                         index=True, info=label(_l("User")))
    kind: Mapped[str] = mapped_column(String(32), info=label(_l("Reminder")))
    # What makes a reminder the same one: sent once per user, kind and key.
    key: Mapped[str] = mapped_column(String(64), info=label(_l("Key")))
    sent_on: Mapped[dt.date] = mapped_column(index=True, info=label(_l("Sent on")))
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                 info=label(_l("Sent at")))
