"""Minutes per pair and calendar month, kept by the database itself.

Figures over millions of service entries (the dashboard's hours, the budget's unbilled hours,
the hours report) read this table instead. Triggers on ``service_entry`` update it in the same
statement as every insert, update and delete — whatever the path: a form, the domain layer, a
bulk update, an import or plain SQL — so it is never stale. The one change they leave out is
invoicing's move of a month's entries between approved and invoiced, which ``move_invoiced``
makes in one grouped statement in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import DDL, Date, ForeignKey, cast, event, func, literal, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from common.enums import EntryStatus
from common.i18n import _l
from models.base import Model, db, enum_column, label


class EntryMonth(Model):
    __tablename__ = "entry_month"

    pair_id: Mapped[int] = mapped_column(
        ForeignKey("pair.id", ondelete="CASCADE"), primary_key=True, info=label(_l("Pair"))
    )
    month: Mapped[dt.date] = mapped_column(primary_key=True, index=True,
                                           info=label(_l("Month")))
    status: Mapped[EntryStatus] = mapped_column(
        enum_column(EntryStatus, "status"), primary_key=True, info=label(_l("Status"))
    )
    billable: Mapped[bool] = mapped_column(primary_key=True, info=label(_l("Billable")))
    minutes: Mapped[int] = mapped_column(default=0, info=label(_l("Minutes"), shown=_l("Hours")))
    entries: Mapped[int] = mapped_column(default=0, info=label(_l("Entries")))


# Invoicing moves a month's entries between approved and invoiced (and a credit note back) by
# the thousand; the row triggers leave exactly that change to ``move_invoiced``, one grouped
# statement per issue instead of a trigger step per entry.
_INVOICING_MOVE = (
    "OLD.pair_id = NEW.pair_id AND OLD.day = NEW.day AND OLD.billable = NEW.billable"
    " AND OLD.minutes = NEW.minutes AND NEW.invoice_id {differs} OLD.invoice_id"
    " AND ((OLD.status = 'approved' AND NEW.status = 'invoiced')"
    " OR (OLD.status = 'invoiced' AND NEW.status = 'approved'))"
)
_ADD_SQLITE = """
INSERT INTO entry_month (pair_id, month, status, billable, minutes, entries)
VALUES (NEW.pair_id, date(NEW.day, 'start of month'), NEW.status, NEW.billable, NEW.minutes, 1)
ON CONFLICT (pair_id, month, status, billable)
DO UPDATE SET minutes = minutes + excluded.minutes, entries = entries + 1;
"""
_REMOVE_SQLITE = """
UPDATE entry_month SET minutes = minutes - OLD.minutes, entries = entries - 1
WHERE pair_id = OLD.pair_id AND month = date(OLD.day, 'start of month')
  AND status = OLD.status AND billable = OLD.billable;
"""
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER entry_month_insert AFTER INSERT ON service_entry BEGIN {_ADD_SQLITE} END",
    f"CREATE TRIGGER entry_month_delete AFTER DELETE ON service_entry BEGIN {_REMOVE_SQLITE} END",
    "CREATE TRIGGER entry_month_update AFTER UPDATE OF pair_id, day, status, billable, minutes "
    f"ON service_entry WHEN NOT ({_INVOICING_MOVE.format(differs='IS NOT')}) "
    f"BEGIN {_REMOVE_SQLITE} {_ADD_SQLITE} END",
]
POSTGRESQL_TRIGGERS = [
    """
CREATE OR REPLACE FUNCTION entry_month_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE entry_month SET minutes = minutes - OLD.minutes, entries = entries - 1
    WHERE pair_id = OLD.pair_id AND month = date_trunc('month', OLD.day)::date
      AND status = OLD.status AND billable = OLD.billable;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO entry_month (pair_id, month, status, billable, minutes, entries)
    VALUES (NEW.pair_id, date_trunc('month', NEW.day)::date, NEW.status, NEW.billable,
            NEW.minutes, 1)
    ON CONFLICT (pair_id, month, status, billable)
    DO UPDATE SET minutes = entry_month.minutes + EXCLUDED.minutes,
                  entries = entry_month.entries + 1;
  END IF;
  RETURN NULL;
END $$
""",
    "DROP TRIGGER IF EXISTS entry_month_sync ON service_entry",
    "DROP TRIGGER IF EXISTS entry_month_sync_update ON service_entry",
    "CREATE TRIGGER entry_month_sync AFTER INSERT OR DELETE ON service_entry "
    "FOR EACH ROW EXECUTE FUNCTION entry_month_sync()",
    "CREATE TRIGGER entry_month_sync_update AFTER UPDATE OF pair_id, day, status, billable, "
    "minutes ON service_entry FOR EACH ROW "
    f"WHEN (NOT ({_INVOICING_MOVE.format(differs='IS DISTINCT FROM')})) "
    "EXECUTE FUNCTION entry_month_sync()",
]
# Fills the table from existing entries when the triggers arrive on a database with data.
BACKFILL = {
    "sqlite": "INSERT INTO entry_month (pair_id, month, status, billable, minutes, entries) "
              "SELECT pair_id, date(day, 'start of month'), status, billable, SUM(minutes), "
              "COUNT(*) FROM service_entry GROUP BY 1, 2, 3, 4",
    "postgresql": "INSERT INTO entry_month (pair_id, month, status, billable, minutes, entries) "
                  "SELECT pair_id, date_trunc('month', day)::date, status, billable, "
                  "SUM(minutes), COUNT(*) FROM service_entry GROUP BY 1, 2, 3, 4",
}


def month_of(session: Session, day: Any) -> Any:
    """The first day of ``day``'s month, as the triggers compute it."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.date_trunc("month", day), Date)
    return func.date(day, "start of month")


def move_invoiced(session: Session, invoice_id: int, source: EntryStatus,
                  target: EntryStatus) -> None:
    """Move the totals of the entries ``invoice_id`` bills from ``source`` to ``target``:
    after issuing marked them invoiced, or before a credit note releases them (the triggers
    leave that change to this). Two grouped statements, however many entries."""
    from models.service_entry import ServiceEntry

    month = month_of(session, ServiceEntry.day)
    moved = (select(ServiceEntry.pair_id, month.label("month"), ServiceEntry.billable,
                    func.sum(ServiceEntry.minutes).label("minutes"),
                    func.count().label("entries"))
             .where(ServiceEntry.invoice_id == invoice_id)
             .group_by(ServiceEntry.pair_id, month, ServiceEntry.billable).subquery())
    session.execute(
        update(EntryMonth)
        .where(EntryMonth.pair_id == moved.c.pair_id, EntryMonth.month == moved.c.month,
               EntryMonth.billable == moved.c.billable, EntryMonth.status == source)
        .values(minutes=EntryMonth.minutes - moved.c.minutes,
                entries=EntryMonth.entries - moved.c.entries)
        .execution_options(synchronize_session=False))
    insert = (postgresql.insert if session.get_bind().dialect.name == "postgresql"
              else sqlite.insert)(EntryMonth)
    rows = select(moved.c.pair_id, moved.c.month, literal(target, EntryMonth.status.type),
                  moved.c.billable, moved.c.minutes, moved.c.entries).where(true())
    session.execute(insert.from_select(
        ["pair_id", "month", "status", "billable", "minutes", "entries"], rows)
        .on_conflict_do_update(
            index_elements=["pair_id", "month", "status", "billable"],
            set_={"minutes": EntryMonth.minutes + insert.excluded.minutes,
                  "entries": EntryMonth.entries + insert.excluded.entries}))


def drop(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS entry_month_{op}" for op in ("insert", "delete", "update")]
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS entry_month_sync{suffix} ON service_entry"
                for suffix in ("", "_update")]
    return []


def triggers(dialect: str) -> list[str]:
    return {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}.get(dialect, [])


# Databases built from the models (tests, the benchmark) get the triggers after every table.
for _dialect in ("sqlite", "postgresql"):
    for _statement in triggers(_dialect):
        ddl = DDL(_statement)  # type: ignore[no-untyped-call]  # untyped in SQLAlchemy
        event.listen(db.metadata, "after_create", ddl.execute_if(dialect=_dialect))
