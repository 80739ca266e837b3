"""Minutes per pair and calendar month, kept by the database itself.

Figures over millions of service entries (the dashboard's hours, the budget's unbilled hours,
the hours report) read this table instead. Triggers on ``service_entry`` update it in the same
statement as every insert, update and delete — whatever the path: a form, the domain layer, a
bulk update, an import or plain SQL — so it is never stale and the application never writes it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DDL, ForeignKey, event
from sqlalchemy.orm import Mapped, mapped_column

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
    f"ON service_entry BEGIN {_REMOVE_SQLITE} {_ADD_SQLITE} END",
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
    "CREATE TRIGGER entry_month_sync AFTER INSERT OR DELETE OR UPDATE OF pair_id, day, status, "
    "billable, minutes ON service_entry FOR EACH ROW EXECUTE FUNCTION entry_month_sync()",
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


def triggers(dialect: str) -> list[str]:
    return {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRESQL_TRIGGERS}.get(dialect, [])


# Databases built from the models (tests, the benchmark) get the triggers after every table.
for _dialect in ("sqlite", "postgresql"):
    for _statement in triggers(_dialect):
        ddl = DDL(_statement)  # type: ignore[no-untyped-call]  # untyped in SQLAlchemy
        event.listen(db.metadata, "after_create", ddl.execute_if(dialect=_dialect))
