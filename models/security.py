"""Sign-in attempts, kept in the database so limits hold across every worker and host."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from common.i18n import _l
from models.base import Model, label, utcnow


class SignInAttempt(Model):
    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        Index("ix_sign_in_attempt_email_at", "email", "at"),
        Index("ix_sign_in_attempt_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, info=label(_l("Time"))
    )
    email: Mapped[str] = mapped_column(String(120), info=label(_l("E-mail")))
    ip: Mapped[str] = mapped_column(String(45), default="", info=label(_l("IP address")))
    success: Mapped[bool] = mapped_column(default=False, info=label(_l("Successful")))

    def __str__(self) -> str:
        return f"{self.email} {self.at:%d.%m.%Y %H:%M}"
