"""Declarative base, the Flask-SQLAlchemy handle and column helpers shared by every model."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import TYPE_CHECKING, Any

from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import DDL, DateTime, Engine, Index, MetaData, event, func
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column

from common.i18n import _l

# Named constraints so Alembic can alter them on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class CheckedSession(Session):
    """The application's sessions: their flushes run the record rules (hooked in by
    ``mentoring.rules.install`` on this class only, never on SQLAlchemy's own). Use it for a
    session of one's own, e.g. in a thread: ``CheckedSession(db.engine)``."""


class RequestSession(FlaskSession, CheckedSession):
    """Flask-SQLAlchemy's session of an application context, checked like the others."""


db = SQLAlchemy(model_class=Base, session_options={"class_": RequestSession})

SQLITE = {"wal": True}  # set by the app factory (tests' throwaway copies keep a plain journal)


@event.listens_for(Engine, "connect")
def _sqlite_settings(connection: Any, _record: Any) -> None:
    """SQLite in WAL mode: readers never block a writer (an audited read writes its row while
    the page's own read is still open), and a writer waits up to 5 s for another. Every
    commit is still synced (``synchronous`` stays FULL: an issued invoice must survive)."""
    if isinstance(connection, sqlite3.Connection):
        connection.execute("PRAGMA busy_timeout = 5000")
        if SQLITE["wal"]:
            connection.execute("PRAGMA journal_mode = WAL")


# Substring search (ILIKE '%…%') on PostgreSQL reads trigram indexes (``trigram_index``).
event.listen(Base.metadata, "before_create", DDL(  # type: ignore[no-untyped-call]
    "CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))


def trigram_index(table: str, column: str) -> Index:
    """A GIN trigram index on PostgreSQL, for the list's search box; none elsewhere."""
    return Index(f"ix_{table}_{column}_trgm", column, postgresql_using="gin",
                 postgresql_ops={column: "gin_trgm_ops"}).ddl_if(dialect="postgresql")

# Every model's base class: Flask-SQLAlchemy's ``db.Model`` (which binds it to the app),
# seen by the type checker as the declarative base it is built on.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model


def enum_column(enum_cls: Any, column: str, **kwargs: Any) -> Any:
    """A portable enum type: VARCHAR plus a CHECK constraint, never a native PG type.

    ``column`` names the CHECK constraint, so two columns of one enum in a table don't clash.
    """
    return SAEnum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=32,
        validate_strings=True,
        values_callable=lambda e: [m.value for m in e],
        name=f"{column}_enum",
        **kwargs,
    )


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class CreatedAt:
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now(),
        info={"label": _l("Created")},
    )


class Versioned:
    """Optimistic concurrency: the mapper counts the saves of a record, and an edit form
    carries the count its editor saw, so two people cannot silently overwrite each other."""

    version: Mapped[int] = mapped_column(default=1, server_default="1",
                                         info={"label": _l("Version")})

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        table = cls.__table__  # type: ignore[attr-defined]  # set on the mapped subclass
        return {"version_id_col": table.c.version}


def label(text: Any, **extra: Any) -> dict[str, Any]:
    """Column ``info`` holding the translated label every screen uses for it; also
    ``sensitive=True`` (special-category data) and ``domain_only=True`` (set only by the
    domain's own steps, never offered in a form)."""
    return {"label": text, **extra}
