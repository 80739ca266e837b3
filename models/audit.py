"""The append-only audit log: who did what, when and from where."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.i18n import _l
from models.base import Model, label, utcnow
from models.user import User


class AuditLog(Model):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_record", "model", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True, info=label(_l("Time"))
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True, info=label(_l("User"))
    )
    ip: Mapped[str] = mapped_column(String(45), default="", info=label(_l("IP address")))
    action: Mapped[str] = mapped_column(String(40), index=True, info=label(_l("Action")))
    model: Mapped[str] = mapped_column(String(60), info=label(_l("Record type")))
    record_id: Mapped[str] = mapped_column(String(40), default="", info=label(_l("Record")))
    changes: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict, info=label(_l("Changes"))
    )

    user: Mapped[User | None] = relationship(info=label(_l("User")))

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.action} {self.model} {self.record_id}"
