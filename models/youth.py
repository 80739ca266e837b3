"""Youths (special-category personal data about minors) and their risk factors."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.enums import Gender, RiskFactorCode
from common.i18n import _, _l
from models.base import CreatedAt, Model, Versioned, enum_column, label, trigram_index
from models.organisation import Locality, Municipality

youth_risk_factor = Table(
    "youth_risk_factor",
    Model.metadata,
    Column("youth_id", ForeignKey("youth.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "risk_factor_id", ForeignKey("risk_factor.id", ondelete="RESTRICT"), primary_key=True,
        index=True,
    ),
)


class RiskFactor(Model):
    """One of DESIGN.md's risk factors; the row exists so youths can link to it."""

    __tablename__ = "risk_factor"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[RiskFactorCode] = mapped_column(
        enum_column(RiskFactorCode, "code"), unique=True, info=label(_l("Risk factor"))
    )

    def __str__(self) -> str:
        return str(self.code.label)


class Youth(Versioned, CreatedAt, Model):
    __tablename__ = "youth"
    # Each social service keeps its own record of a person (its own controller): the same
    # personal code may stand in two municipalities, and one never learns of the other's.
    __table_args__ = (
        UniqueConstraint("municipality_id", "personal_code"),
        *(trigram_index("youth", c) for c in ("case_number", "first_name", "last_name", "school")),
    )
    if TYPE_CHECKING:  # a column property defined with the consents (models/consent.py)
        consent_withdrawn_on: dt.date | None

    id: Mapped[int] = mapped_column(primary_key=True)
    case_number: Mapped[str] = mapped_column(
        String(30), unique=True, info=label(_l("Case number"))
    )
    first_name: Mapped[str] = mapped_column(String(80), info=label(_l("First name")))
    last_name: Mapped[str] = mapped_column(String(80), index=True, info=label(_l("Last name")))
    birth_date: Mapped[dt.date] = mapped_column(info=label(_l("Date of birth")))
    personal_code: Mapped[str | None] = mapped_column(
        String(12), info=label(_l("Personal code"), sensitive=True)
    )
    gender: Mapped[Gender] = mapped_column(
        enum_column(Gender, "gender"), default=Gender.unspecified, info=label(_l("Gender"))
    )
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="RESTRICT"), index=True,
        info=label(_l("Municipality")),
    )
    locality_id: Mapped[int | None] = mapped_column(
        ForeignKey("locality.id", ondelete="SET NULL"), index=True, info=label(_l("Locality"))
    )
    school: Mapped[str] = mapped_column(String(200), default="", info=label(_l("School")))
    phone: Mapped[str] = mapped_column(String(40), default="", info=label(_l("Phone"), sensitive=True))
    email: Mapped[str] = mapped_column(String(120), default="", info=label(_l("E-mail"), sensitive=True))
    guardian_name: Mapped[str] = mapped_column(
        String(160), default="", info=label(_l("Parent or guardian"), sensitive=True)
    )
    guardian_phone: Mapped[str] = mapped_column(
        String(40), default="", info=label(_l("Guardian's phone"), sensitive=True)
    )
    guardian_email: Mapped[str] = mapped_column(
        String(120), default="", info=label(_l("Guardian's e-mail"), sensitive=True)
    )
    consent_youth: Mapped[bool] = mapped_column(
        default=False, info=label(_l("Consent of the youth"))
    )
    consent_guardian: Mapped[bool] = mapped_column(
        default=False, info=label(_l("Consent of parent or guardian"))
    )
    consent_date: Mapped[dt.date | None] = mapped_column(info=label(_l("Consent date")))
    interests: Mapped[str] = mapped_column(
        String(300), default="", server_default="", info=label(_l("Interests"))
    )
    languages: Mapped[str] = mapped_column(
        String(200), default="", server_default="", info=label(_l("Languages"))
    )
    mentor_gender: Mapped[Gender | None] = mapped_column(
        enum_column(Gender, "mentor_gender"), info=label(_l("Preferred mentor gender"))
    )
    notes: Mapped[str] = mapped_column(Text, default="", info=label(_l("Notes"), sensitive=True))
    # Set only by the domain: archiving on the record's page, anonymising by retention.
    archived: Mapped[bool] = mapped_column(default=False, index=True,
                                           info=label(_l("Archived"), domain_only=True))
    anonymised_on: Mapped[dt.date | None] = mapped_column(
        info=label(_l("Anonymised on"), domain_only=True))

    municipality: Mapped[Municipality] = relationship(
        back_populates="youths", info=label(_l("Municipality"))
    )
    locality: Mapped[Locality | None] = relationship(info=label(_l("Locality")))
    risk_factors: Mapped[list[RiskFactor]] = relationship(
        secondary=youth_risk_factor, info=label(_l("Risk factors"), sensitive=True)
    )

    @property
    def flag(self) -> str:
        """A warning that follows the youth's name wherever it is shown."""
        withdrawn = getattr(self, "consent_withdrawn_on", None)
        if withdrawn is None:
            return ""
        return " ⚠ " + str(_(  # noqa: RUF001 - the sign is meant
            "consent withdrawn %(date)s", date=withdrawn.strftime("%d.%m.%Y")))

    @property
    def initials(self) -> str:
        return f"{self.first_name[:1]}. {self.last_name[:1]}."

    def __str__(self) -> str:
        return f"{self.case_number} {self.first_name} {self.last_name}{self.flag}"
