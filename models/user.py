"""Users of the back office: a role and at most one organisation they are scoped to."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.enums import Language, Role
from common.i18n import _l
from models.base import CreatedAt, Model, enum_column, label
from models.organisation import Municipality, Provider

if TYPE_CHECKING:
    from models.mentor import Mentor


class User(CreatedAt, Model):
    __tablename__ = "app_user"
    __table_args__ = (
        # The scope follows from the role: the database refuses a mentor without a provider.
        CheckConstraint(
            "(role = 'admin' AND municipality_id IS NULL AND provider_id IS NULL)"
            " OR (role = 'municipality' AND municipality_id IS NOT NULL AND provider_id IS NULL)"
            " OR (role = 'provider' AND provider_id IS NOT NULL AND municipality_id IS NULL)"
            " OR (role = 'mentor' AND provider_id IS NOT NULL AND municipality_id IS NULL"
            " AND mentor_id IS NOT NULL)",
            name="scope_matches_role",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(120), unique=True, info=label(_l("E-mail")))
    name: Mapped[str] = mapped_column(String(160), info=label(_l("Full name")))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), index=True, info=label(_l("Role")))
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True,
        info=label(_l("Municipality")),
    )
    provider_id: Mapped[int | None] = mapped_column(
        ForeignKey("provider.id", ondelete="RESTRICT"), index=True, info=label(_l("Provider"))
    )
    mentor_id: Mapped[int | None] = mapped_column(
        ForeignKey("mentor.id", ondelete="RESTRICT"), unique=True, info=label(_l("Mentor"))
    )
    language: Mapped[Language] = mapped_column(
        enum_column(Language, "language"), default=Language.lv, info=label(_l("Language"))
    )
    active: Mapped[bool] = mapped_column(default=True, info=label(_l("Active")))
    # Bumped on sign-out and password change so that copied session cookies stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), info=label(_l("Last sign-in"))
    )
    # Two-factor sign-in (TOTP). The secret is never shown after enrolment.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled: Mapped[bool] = mapped_column(
        default=False, info=label(_l("Two-factor sign-in"))
    )
    totp_last_step: Mapped[int | None] = mapped_column()  # refuses a code used twice
    recovery_codes: Mapped[list[str]] = mapped_column(JSON, default=list)  # sha256 hashes

    municipality: Mapped[Municipality | None] = relationship(info=label(_l("Municipality")))
    provider: Mapped[Provider | None] = relationship(info=label(_l("Provider")))
    mentor: Mapped[Mentor | None] = relationship(info=label(_l("Mentor")))

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def __str__(self) -> str:
        return self.name  # shown in histories to other organisations: no e-mail
