"""Figures about each pair that the database keeps itself, so the home pages' task lists read
a column or a small table instead of passing over millions of entries:

- ``pair.last_entry_on``: the day of the pair's latest entry not rejected (idle pairs);
- ``pair.next_check_in_on``: when its next check-in is due (overdue check-ins), by the
  programme's schedule (``models.schedule``) and the check-ins held;
- ``meeting_month``: in-person entries not rejected per pair, month and length (pairs below
  the month's meetings, whatever length the programme asks for);
- ``referral.first_started_on``: the start of the referral's first pair beyond a proposal
  (the median days from referral to start), and ``referral.matched``: a pair stands for it,
  open or closed without a rematch accepted (youths waiting for a mentor are the rest).

Triggers keep them in the same statement as every change of an entry, a check-in, a pair's
start, status, referral or programme, or a programme's schedule — whatever the path. (On
SQLite a batch migration that rebuilds ``pair`` drops its triggers: create them again.) Like ``entry_month``,
invoicing's move between approved and invoiced changes none of them and fires nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, event, func, literal_column, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from common.i18n import _l
from models.base import Model, db, label
from models.organisation import Programme
from models.pair import CheckIn, Pair
from models.schedule import next_due_sql


class MeetingMonth(Model):
    __tablename__ = "meeting_month"

    pair_id: Mapped[int] = mapped_column(
        ForeignKey("pair.id", ondelete="CASCADE"), primary_key=True, info=label(_l("Pair")))
    month: Mapped[dt.date] = mapped_column(primary_key=True, info=label(_l("Month")))
    minutes: Mapped[int] = mapped_column(primary_key=True, info=label(_l("Duration")))
    entries: Mapped[int] = mapped_column(default=0, info=label(_l("Entries")))


def _sql(statement: Any, dialect: str) -> str:
    chosen: Any = (postgresql.dialect if dialect == "postgresql" else sqlite.dialect)()
    compiled = statement.compile(dialect=chosen, compile_kwargs={"literal_binds": True})
    return str(compiled)


def _next_check_in(dialect: str, where: str) -> str:
    """UPDATE pair SET next_check_in_on = its due date, for the pairs ``where`` selects
    (written on the tables: the mappers may not be configured yet)."""
    pair, check_in, programme = (Pair.__table__.c, CheckIn.__table__.c,
                                 Programme.__table__.c)
    held = (select(func.count()).select_from(CheckIn.__table__)
            .where(check_in.pair_id == pair.id).correlate(Pair.__table__).scalar_subquery())
    due = (select(next_due_sql(dialect, pair.starts_on, programme.checkins_first_month,
                               programme.checkins_per_month, held))
           .where(programme.id == pair.programme_id).correlate(Pair.__table__)
           .scalar_subquery())
    pairs: Any = Pair.__table__
    return _sql(update(pairs).values(next_check_in_on=due)
                .where(literal_column(where)), dialect)


def _month(dialect: str, day: str) -> str:
    if dialect == "postgresql":
        return f"date_trunc('month', {day})::date"
    return f"date({day}, 'start of month')"


def _meeting(row: str) -> str:
    return f"{row}.mode = 'in_person' AND {row}.status <> 'rejected'"


_FIRST_START = ("(SELECT min(starts_on) FROM pair WHERE pair.referral_id = referral.id"
                " AND pair.status <> 'proposed')")
# ``mentoring.pairs.waiting_for_a_mentor``'s condition, kept.
_MATCHED = ("EXISTS (SELECT 1 FROM pair WHERE pair.referral_id = referral.id"
            " AND (pair.status IN ('proposed', 'active', 'paused') OR NOT pair.rematch_accepted))")
_REFERRAL = f"first_started_on = {_FIRST_START}, matched = {_MATCHED}"
_LATEST = ("(SELECT max(day) FROM service_entry WHERE service_entry.pair_id = pair.id"
           " AND service_entry.status <> 'rejected')")
# An entry's change that can move its pair's latest day, or its meetings.
_DAY_MOVED = ("OLD.pair_id <> NEW.pair_id OR OLD.day <> NEW.day"
              " OR (OLD.status = 'rejected') <> (NEW.status = 'rejected')")
_MEETING_MOVED = (f"{_DAY_MOVED} OR OLD.minutes <> NEW.minutes OR OLD.mode <> NEW.mode")


def _meeting_counts(dialect: str) -> tuple[str, str]:
    """The statements that count an entry into ``meeting_month`` (NEW) and out of it (OLD),
    each only for an in-person entry not rejected."""
    counted = "meeting_month.entries" if dialect == "postgresql" else "entries"
    add = (f"INSERT INTO meeting_month (pair_id, month, minutes, entries) "
           f"SELECT NEW.pair_id, {_month(dialect, 'NEW.day')}, NEW.minutes, 1 "
           f"WHERE {_meeting('NEW')} ON CONFLICT (pair_id, month, minutes) "
           f"DO UPDATE SET entries = {counted} + 1;")
    remove = (f"UPDATE meeting_month SET entries = entries - 1 WHERE {_meeting('OLD')}"
              f" AND pair_id = OLD.pair_id AND month = {_month(dialect, 'OLD.day')}"
              f" AND minutes = OLD.minutes;")
    return add, remove


def _sqlite() -> list[str]:
    add, remove = _meeting_counts("sqlite")
    return [
        "CREATE TRIGGER pair_kept_entry_insert AFTER INSERT ON service_entry BEGIN "
        "UPDATE pair SET last_entry_on = NEW.day WHERE id = NEW.pair_id"
        " AND NEW.status <> 'rejected' AND (last_entry_on IS NULL OR last_entry_on < NEW.day);"
        f" {add} END",
        "CREATE TRIGGER pair_kept_entry_delete AFTER DELETE ON service_entry BEGIN "
        f"UPDATE pair SET last_entry_on = {_LATEST} WHERE id = OLD.pair_id"
        f" AND last_entry_on = OLD.day; {remove} END",
        "CREATE TRIGGER pair_kept_entry_update AFTER UPDATE OF pair_id, day, status, minutes,"
        f" mode ON service_entry WHEN {_MEETING_MOVED} BEGIN "
        f"UPDATE pair SET last_entry_on = {_LATEST} WHERE id IN (OLD.pair_id, NEW.pair_id);"
        f" {remove} {add} END",
        "CREATE TRIGGER pair_kept_check_in_insert AFTER INSERT ON check_in BEGIN "
        f"{_next_check_in('sqlite', 'pair.id = NEW.pair_id')}; END",
        "CREATE TRIGGER pair_kept_check_in_delete AFTER DELETE ON check_in BEGIN "
        f"{_next_check_in('sqlite', 'pair.id = OLD.pair_id')}; END",
        "CREATE TRIGGER pair_kept_check_in_update AFTER UPDATE OF pair_id ON check_in BEGIN "
        f"{_next_check_in('sqlite', 'pair.id IN (OLD.pair_id, NEW.pair_id)')}; END",
        "CREATE TRIGGER pair_kept_insert AFTER INSERT ON pair BEGIN "
        f"{_next_check_in('sqlite', 'pair.id = NEW.id')}; END",
        "CREATE TRIGGER pair_kept_update AFTER UPDATE OF starts_on, programme_id ON pair BEGIN "
        f"{_next_check_in('sqlite', 'pair.id = NEW.id')}; END",
        "CREATE TRIGGER pair_kept_programme AFTER UPDATE OF checkins_first_month,"
        " checkins_per_month ON programme BEGIN "
        f"{_next_check_in('sqlite', 'pair.programme_id = NEW.id')}; END",
        "CREATE TRIGGER referral_kept_pair_insert AFTER INSERT ON pair BEGIN "
        f"UPDATE referral SET {_REFERRAL} WHERE id = NEW.referral_id; END",
        "CREATE TRIGGER referral_kept_pair_delete AFTER DELETE ON pair BEGIN "
        f"UPDATE referral SET {_REFERRAL} WHERE id = OLD.referral_id; END",
        "CREATE TRIGGER referral_kept_pair_update AFTER UPDATE OF referral_id, status, starts_on,"
        f" rematch_accepted ON pair BEGIN UPDATE referral SET {_REFERRAL}"
        " WHERE id IN (OLD.referral_id, NEW.referral_id); END",
    ]


def _lock(table: str, ids: str) -> str:
    """Lock the rows first, in a statement of their own: under READ COMMITTED the recount
    that follows then takes a snapshot that includes whatever a transaction we waited for
    wrote (computed in the same statement that waits, it would miss it)."""
    return f"PERFORM 1 FROM {table} WHERE id IN ({ids}) ORDER BY id FOR UPDATE;"


def _postgresql() -> list[str]:
    add, remove = _meeting_counts("postgresql")

    def function(name: str, body: str) -> str:
        return (f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN\n{body}\nRETURN NULL;\nEND $$")

    entry = function("pair_kept_entry", f"""
IF TG_OP = 'INSERT' THEN
  UPDATE pair SET last_entry_on = NEW.day WHERE id = NEW.pair_id
    AND NEW.status <> 'rejected' AND (last_entry_on IS NULL OR last_entry_on < NEW.day);
  {add}
ELSIF TG_OP = 'DELETE' THEN
  {_lock('pair', 'OLD.pair_id')}
  UPDATE pair SET last_entry_on = {_LATEST} WHERE id = OLD.pair_id AND last_entry_on = OLD.day;
  {remove}
ELSE
  {_lock('pair', 'OLD.pair_id, NEW.pair_id')}
  UPDATE pair SET last_entry_on = {_LATEST} WHERE id IN (OLD.pair_id, NEW.pair_id);
  {remove}
  {add}
END IF;""")
    check_in = function("pair_kept_check_in", f"""
IF TG_OP IN ('DELETE', 'UPDATE') THEN
  {_lock('pair', 'OLD.pair_id')}
  {_next_check_in('postgresql', 'pair.id = OLD.pair_id')};
END IF;
IF TG_OP IN ('INSERT', 'UPDATE') THEN
  {_lock('pair', 'NEW.pair_id')}
  {_next_check_in('postgresql', 'pair.id = NEW.pair_id')};
END IF;""")
    pair = function("pair_kept_pair", f"{_next_check_in('postgresql', 'pair.id = NEW.id')};")
    programme = function("pair_kept_programme",
                         f"{_next_check_in('postgresql', 'pair.programme_id = NEW.id')};")
    first_start = function("referral_kept_start", f"""
IF TG_OP IN ('DELETE', 'UPDATE') THEN
  {_lock('referral', 'OLD.referral_id')}
  UPDATE referral SET {_REFERRAL} WHERE id = OLD.referral_id;
END IF;
IF TG_OP IN ('INSERT', 'UPDATE') THEN
  {_lock('referral', 'NEW.referral_id')}
  UPDATE referral SET {_REFERRAL} WHERE id = NEW.referral_id;
END IF;""")
    return [
        entry, check_in, pair, programme, first_start, *drop("postgresql"),
        "CREATE TRIGGER pair_kept_entry AFTER INSERT OR DELETE ON service_entry"
        " FOR EACH ROW EXECUTE FUNCTION pair_kept_entry()",
        "CREATE TRIGGER pair_kept_entry_update AFTER UPDATE OF pair_id, day, status, minutes,"
        f" mode ON service_entry FOR EACH ROW WHEN ({_MEETING_MOVED})"
        " EXECUTE FUNCTION pair_kept_entry()",
        "CREATE TRIGGER pair_kept_check_in AFTER INSERT OR DELETE OR UPDATE OF pair_id"
        " ON check_in FOR EACH ROW EXECUTE FUNCTION pair_kept_check_in()",
        "CREATE TRIGGER pair_kept_pair AFTER INSERT OR UPDATE OF starts_on, programme_id"
        " ON pair FOR EACH ROW EXECUTE FUNCTION pair_kept_pair()",
        "CREATE TRIGGER pair_kept_programme AFTER UPDATE OF checkins_first_month,"
        " checkins_per_month ON programme FOR EACH ROW EXECUTE FUNCTION pair_kept_programme()",
        "CREATE TRIGGER referral_kept_start AFTER INSERT OR DELETE OR UPDATE OF referral_id,"
        " status, starts_on, rematch_accepted ON pair FOR EACH ROW"
        " EXECUTE FUNCTION referral_kept_start()",
    ]


_NAMES = {
    "sqlite": ["pair_kept_entry_insert", "pair_kept_entry_delete", "pair_kept_entry_update",
               "pair_kept_check_in_insert", "pair_kept_check_in_delete",
               "pair_kept_check_in_update", "pair_kept_insert", "pair_kept_update",
               "pair_kept_programme", "referral_kept_pair_insert", "referral_kept_pair_delete",
               "referral_kept_pair_update"],
    "postgresql": ["pair_kept_entry ON service_entry", "pair_kept_entry_update ON service_entry",
                   "pair_kept_check_in ON check_in", "pair_kept_pair ON pair",
                   "pair_kept_programme ON programme", "referral_kept_start ON pair"],
}


def triggers(dialect: str) -> list[str]:
    return {"sqlite": _sqlite, "postgresql": _postgresql}[dialect]() \
        if dialect in _NAMES else []


FUNCTIONS = ["pair_kept_entry", "pair_kept_check_in", "pair_kept_pair", "pair_kept_programme",
             "referral_kept_start"]


def drop(dialect: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {name}" for name in _NAMES.get(dialect, [])]


def drop_functions(dialect: str) -> list[str]:
    return [f"DROP FUNCTION IF EXISTS {name}()" for name in FUNCTIONS] \
        if dialect == "postgresql" else []


def backfill(dialect: str) -> list[str]:
    """Fill the kept figures from the data as it stands (a migration, a bulk load)."""
    if dialect not in _NAMES:
        return []
    return [
        f"UPDATE pair SET last_entry_on = {_LATEST}",
        f"UPDATE referral SET {_REFERRAL}",
        _next_check_in(dialect, "1 = 1"),
        "DELETE FROM meeting_month",
        "INSERT INTO meeting_month (pair_id, month, minutes, entries) "
        f"SELECT pair_id, {_month(dialect, 'day')}, minutes, count(*) FROM service_entry "
        f"WHERE {_meeting('service_entry')} GROUP BY 1, 2, 3",
    ]


@event.listens_for(db.metadata, "after_create")
def _install(_target: Any, connection: Any, **_kw: Any) -> None:
    """Databases built from the models (tests, the benchmark) get the triggers after every
    table."""
    for statement in triggers(connection.dialect.name):
        connection.exec_driver_sql(statement)
