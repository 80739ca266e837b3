"""Service entries: the mentor's logged minutes, approved and eventually invoiced."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    DateTime,
    ForeignKey,
    Index,
    Text,
    UniqueConstraint,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from common.enums import Activity, EntryStatus, Mode
from common.i18n import _l
from models.base import CreatedAt, Model, enum_column, label, utcnow
from models.organisation import Provider
from models.pair import Pair
from models.user import User

if TYPE_CHECKING:
    from models.invoice import Invoice


class ServiceEntry(CreatedAt, Model):
    __tablename__ = "service_entry"
    __table_args__ = (
        CheckConstraint("minutes > 0 AND minutes <= 1440 AND minutes % 15 = 0", name="minutes"),
        CheckConstraint("status != 'invoiced' OR invoice_id IS NOT NULL", name="invoiced_has_invoice"),
        CheckConstraint("status != 'rejected' OR rejection_reason != ''", name="rejected_has_reason"),
        Index("ix_service_entry_pair_day", "pair_id", "day"),
        # Lists filtered by status and sorted by date (the approval queue) read it in order.
        Index("ix_service_entry_status_day", "status", "day"),
        # The few entries waiting for approval among millions: the home pages' task and the
        # approval queue read this small index (through ``waiting()``).
        Index("ix_service_entry_waiting", "pair_id", "day",
              sqlite_where=text("status = 'logged'"), postgresql_where=text("status = 'logged'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(
        ForeignKey("pair.id", ondelete="RESTRICT"), index=True, info=label(_l("Pair"))
    )
    day: Mapped[dt.date] = mapped_column(index=True, info=label(_l("Date")))
    minutes: Mapped[int] = mapped_column(info=label(_l("Duration (minutes)"),
                                                               shown=_l("Duration")))
    activity: Mapped[Activity] = mapped_column(
        enum_column(Activity, "activity"), info=label(_l("Activity"))
    )
    mode: Mapped[Mode] = mapped_column(
        enum_column(Mode, "mode"), default=Mode.in_person, info=label(_l("Mode"))
    )
    note: Mapped[str] = mapped_column(Text, default="", info=label(_l("Note"), sensitive=True))
    billable: Mapped[bool] = mapped_column(default=True, info=label(_l("Billable")))
    status: Mapped[EntryStatus] = mapped_column(
        enum_column(EntryStatus, "status"), default=EntryStatus.logged,
        info=label(_l("Status")),
    )
    rejection_reason: Mapped[str] = mapped_column(
        Text, default="", info=label(_l("Rejection reason"))
    )
    logged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True, info=label(_l("Logged by"))
    )
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True, info=label(_l("Approved by"))
    )
    approved_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), info=label(_l("Approved at"))
    )
    invoice_id: Mapped[int | None] = mapped_column(
        ForeignKey("invoice.id", ondelete="RESTRICT"), index=True, info=label(_l("Invoice"))
    )

    pair: Mapped[Pair] = relationship(info=label(_l("Pair")))
    logged_by: Mapped[User | None] = relationship(
        foreign_keys=[logged_by_id], info=label(_l("Logged by"))
    )
    approved_by: Mapped[User | None] = relationship(
        foreign_keys=[approved_by_id], info=label(_l("Approved by"))
    )
    invoice: Mapped[Invoice | None] = relationship(info=label(_l("Invoice")))

    def __str__(self) -> str:
        return f"{self.day:%d.%m.%Y} {self.minutes} min"


def waiting() -> ColumnElement[bool]:
    """Entries waiting for approval, with the status written out: a bound parameter would
    hide the value from the planner, which then could not use the partial index."""
    return ServiceEntry.status == literal_column("'logged'")


class TimesheetSignoff(Model):
    """A provider coordinator's sign-off of one month's timesheet."""

    __tablename__ = "timesheet_signoff"
    __table_args__ = (
        UniqueConstraint("provider_id", "year", "month"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("provider.id", ondelete="RESTRICT"), index=True, info=label(_l("Provider"))
    )
    year: Mapped[int] = mapped_column(info=label(_l("Year")))
    month: Mapped[int] = mapped_column(info=label(_l("Month")))
    signed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("app_user.id", ondelete="SET NULL"), index=True, info=label(_l("Signed by"))
    )
    signed_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, info=label(_l("Signed at"))
    )

    provider: Mapped[Provider] = relationship(info=label(_l("Provider")))
    signed_by: Mapped[User | None] = relationship(info=label(_l("Signed by")))

    def __str__(self) -> str:
        return f"{self.provider} {self.year}-{self.month:02d}"
