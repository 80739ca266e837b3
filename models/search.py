"""Substring search on SQLite through FTS5 trigram indexes (PostgreSQL has ``pg_trgm``, see
``models.base.trigram_index``).

Each table listed in ``INDEXED`` has an external-content FTS5 table ``<table>_search`` over
those columns, kept by triggers on every insert, update and delete, whatever the path. The
trigram tokenizer matches any substring of three characters or more, folding case beyond
ASCII (ā finds Ā, which SQLite's own LIKE does not).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import column, event, select, text
from sqlalchemy import table as sql_table

from models.base import db

INDEXED: dict[str, tuple[str, ...]] = {
    "youth": ("case_number", "first_name", "last_name", "school"),
    "mentor": ("first_name", "last_name"),
}
SHORTEST = 3  # trigrams: a shorter term cannot use the index


def compared(name: str | None, type_: str, dialect: str) -> bool:
    """Whether Alembic compares a schema object on ``dialect``: trigram indexes exist on
    PostgreSQL only, and SQLite's FTS5 search tables (models/search.py) no model describes."""
    name = name or ""
    if type_ == "index" and name.endswith("_trgm") and dialect != "postgresql":
        return False
    return not (type_ == "table" and any(name.startswith(f"{t}_search") for t in INDEXED))


def _triggers(table: str, columns: tuple[str, ...]) -> list[str]:
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    fts = f"{table}_search"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({names}, content='{table}',"
        f" content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts} (rowid, {names}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts} ({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF {names} ON {table} BEGIN "
        f"INSERT INTO {fts} ({fts}, rowid, {names}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {fts} (rowid, {names}) VALUES (new.id, {new}); END",
    ]


def statements(dialect: str) -> list[str]:
    """Create the indexes and their triggers (SQLite only), then fill them from the rows."""
    if dialect != "sqlite":
        return []
    created = [s for table, columns in INDEXED.items() for s in _triggers(table, columns)]
    return created + [f"INSERT INTO {table}_search ({table}_search) VALUES ('rebuild')"
                      for table in INDEXED]


def drop(dialect: str) -> list[str]:
    if dialect != "sqlite":
        return []
    return [s for table in INDEXED for s in (
        *(f"DROP TRIGGER IF EXISTS {table}_search_{op}" for op in ("insert", "delete", "update")),
        f"DROP TABLE IF EXISTS {table}_search")]


def forget_removed(session: Any) -> None:
    """Rewrite the indexes so the words of changed or removed rows are gone from them, not
    only hidden (an FTS5 delete leaves its trigrams until the next merge): after
    anonymisation nothing of a name is left in the database or its backups."""
    if session.get_bind().dialect.name == "sqlite":
        for table in INDEXED:
            session.execute(text(f"INSERT INTO {table}_search ({table}_search) "
                                 "VALUES ('optimize')"))


def matching(table: str, columns: list[str], term: str) -> Any | None:
    """Ids of ``table``'s rows with ``term`` in one of ``columns``, as a subquery; None when
    the index cannot answer (no index, a column outside it, a term too short)."""
    indexed = INDEXED.get(table, ())
    if len(term) < SHORTEST or not columns or any(c not in indexed for c in columns):
        return None
    phrase = '"' + term.replace('"', '""') + '"'
    fts = sql_table(f"{table}_search", column("rowid"), column(f"{table}_search"))
    return select(fts.c.rowid).where(
        fts.c[f"{table}_search"].op("MATCH")(f"{{{' '.join(columns)}}} : {phrase}"))


@event.listens_for(db.metadata, "after_create")
def _install(_target: Any, connection: Any, **_kw: Any) -> None:
    for statement in statements(connection.dialect.name):
        connection.exec_driver_sql(statement)
