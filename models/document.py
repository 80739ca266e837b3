"""Documents kept with the record they prove: a youth's consents, a mentor's agreement or
Punishment Register statement, a pair's goal agreement… The file itself lives in the
document storage (a local directory or an S3-compatible bucket) under a random key."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.i18n import _l
from models.base import Model, label, utcnow
from models.user import User


class DocumentKind(Model):
    """A managed list: consent, referral letter, agreement, statement, receipt…"""

    __tablename__ = "document_kind"

    id: Mapped[int] = mapped_column(primary_key=True)
    name_lv: Mapped[str] = mapped_column(String(120), unique=True, info=label(_l("Name")))
    name_en: Mapped[str] = mapped_column(String(120), default="",
                                         info=label(_l("Name in English")))
    special_category: Mapped[bool] = mapped_column(default=False, info=label(
        _l("Special-category data (shown only to those who see the record's sensitive data)")))
    active: Mapped[bool] = mapped_column(default=True, info=label(_l("In use")))

    def __str__(self) -> str:
        return self.name_lv


class Document(Model):
    __tablename__ = "document"
    __table_args__ = (Index("ix_document_record", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The record it belongs to: a table name and an id (access follows that record).
    record_type: Mapped[str] = mapped_column(String(40), info=label(_l("Record")))
    record_id: Mapped[int] = mapped_column(info=label(_l("Record")))
    kind_id: Mapped[int] = mapped_column(ForeignKey("document_kind.id", ondelete="RESTRICT"),
                                         index=True, info=label(_l("Kind")))
    filename: Mapped[str] = mapped_column(String(160), info=label(_l("File")))
    content_type: Mapped[str] = mapped_column(String(80), info=label(_l("Type")))
    size: Mapped[int] = mapped_column(info=label(_l("Size")))
    sha256: Mapped[str] = mapped_column(String(64), info=label(_l("Checksum")))
    storage_key: Mapped[str] = mapped_column(String(80), unique=True,
                                             info=label(_l("Storage key")))
    note: Mapped[str] = mapped_column(String(500), default="", info=label(_l("Note")))
    valid_until: Mapped[dt.date | None] = mapped_column(info=label(_l("Valid until")))
    # For e-signed containers (.edoc, .asice): what is signed and by whom.
    signed_files: Mapped[list[Any]] = mapped_column(JSON, default=list,
                                                    info=label(_l("Signed files")))
    signers: Mapped[list[Any]] = mapped_column(JSON, default=list, info=label(_l("Signers")))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True,
        info=label(_l("Uploaded by")))
    uploaded_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, info=label(_l("Uploaded")))

    kind: Mapped[DocumentKind] = relationship(info=label(_l("Kind")))
    uploaded_by: Mapped[User | None] = relationship(info=label(_l("Uploaded by")))

    def __str__(self) -> str:
        return self.filename
