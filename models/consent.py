"""Consent records: who agreed to what, how and when, and its withdrawal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    DateTime,
    ForeignKey,
    Text,
    and_,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, aliased, column_property, mapped_column, relationship

from common.enums import CONSENT_REQUIRED, ConsentGiver, ConsentMethod, ConsentPurpose
from common.i18n import _l
from models.base import Model, enum_column, label, utcnow
from models.user import User
from models.youth import Youth


class Consent(Model):
    __tablename__ = "consent"
    __table_args__ = (
        CheckConstraint("withdrawn_on IS NULL OR withdrawn_on >= given_on",
                        name="withdrawn_after_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(
        ForeignKey("youth.id", ondelete="CASCADE"), index=True, info=label(_l("Youth"))
    )
    given_by: Mapped[ConsentGiver] = mapped_column(
        enum_column(ConsentGiver, "given_by"), info=label(_l("Given by"))
    )
    purpose: Mapped[ConsentPurpose] = mapped_column(
        enum_column(ConsentPurpose, "purpose"), info=label(_l("Purpose"))
    )
    method: Mapped[ConsentMethod] = mapped_column(
        enum_column(ConsentMethod, "method"), info=label(_l("How it was given"))
    )
    given_on: Mapped[dt.date] = mapped_column(info=label(_l("Given on")))
    withdrawn_on: Mapped[dt.date | None] = mapped_column(
        index=True, info=label(_l("Withdrawn on"))
    )
    note: Mapped[str] = mapped_column(Text, default="", info=label(_l("Note")))
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True,
        info=label(_l("Recorded by")),
    )
    recorded_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, info=label(_l("Recorded at"))
    )

    youth: Mapped[Youth] = relationship(back_populates="consents", info=label(_l("Youth")))
    recorded_by: Mapped[User | None] = relationship(info=label(_l("Recorded by")))

    def __str__(self) -> str:
        return f"{self.purpose.label} ({self.given_by.label}, {self.given_on:%d.%m.%Y})"


# A youth deleted (never served: hours and referrals keep them) takes their consents along.
Youth.consents = relationship(Consent, back_populates="youth", order_by=Consent.given_on,
                              cascade="all, delete-orphan",
                              info=label(_l("Consents")))


def withdrawal_in_force(youth_id: Any, day: Any) -> ColumnElement[bool]:
    """SQL: a consent the service needs was withdrawn before ``day`` and not given again
    by ``day``. Both arguments are column expressions or values."""
    again = aliased(Consent)
    return (
        select(Consent.id)
        .where(Consent.youth_id == youth_id, Consent.purpose.in_(CONSENT_REQUIRED),
               Consent.withdrawn_on.is_not(None), Consent.withdrawn_on < day,
               ~select(again.id).where(
                   again.id != Consent.id, again.youth_id == Consent.youth_id,
                   again.purpose == Consent.purpose,
                   again.given_on >= Consent.withdrawn_on, again.given_on <= day,
                   or_(again.withdrawn_on.is_(None), again.withdrawn_on >= day))
               .correlate_except(again).exists())
        .correlate_except(Consent)
        .exists()
    )


_renewed = aliased(Consent)

# The withdrawal that stands today: the latest one of a needed consent not given again since.
Youth.consent_withdrawn_on = column_property(  # type: ignore[assignment]  # declared on Youth
    select(func.max(Consent.withdrawn_on))
    .where(Consent.youth_id == Youth.id, Consent.purpose.in_(CONSENT_REQUIRED),
           Consent.withdrawn_on.is_not(None),
           ~select(_renewed.id).where(and_(
               _renewed.id != Consent.id, _renewed.youth_id == Consent.youth_id,
               _renewed.purpose == Consent.purpose,
               _renewed.given_on >= Consent.withdrawn_on, _renewed.withdrawn_on.is_(None)))
           .exists())
    .correlate_except(Consent, _renewed)
    .scalar_subquery(),
    info=label(_l("Consent withdrawn on")),
)
