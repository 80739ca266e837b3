"""Test databases: built once per test session (and xdist worker), restored for every test.

Each worker has one test database. When the worker starts, the state worth reusing — the
empty schema, the demo world — is built in it once and kept as a *snapshot*; before every test
the database is put back to one of them, so a test starts from a known state however the one
before it ended, and may really commit. On SQLite a snapshot is a copy of the file, taken and
put back with the online backup API; on PostgreSQL it is a schema of copied tables in the same
database, put back in one transaction (milliseconds, where a ``CREATE DATABASE … TEMPLATE``
per test costs half a second).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import uuid
from pathlib import Path

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import NullPool

from config import normalise_database_url

# The administrator's authenticator key in the demo snapshot (tests sign in with its codes).
ADMIN_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
POSTGRES_URL_VARIABLE = "TEST_DATABASE_URL"


def on_postgresql() -> bool:
    return bool(os.environ.get(POSTGRES_URL_VARIABLE))


class Databases:
    """The worker's test database, its snapshots and any extra databases tests ask for."""

    def __init__(self, worker: str) -> None:
        self.names: list[str] = ["test"]
        self._sequences: dict[str, list[tuple[str, int, bool]]] = {}
        server = os.environ.get(POSTGRES_URL_VARIABLE)
        self._server: URL | None = None
        self._admin: Engine | None = None
        self._dir: Path | None = None
        if server:
            self._server = make_url(normalise_database_url(server))
            self._admin = create_engine(self._server.set(database="postgres"),
                                        isolation_level="AUTOCOMMIT", poolclass=NullPool)
            self._prefix = f"{self._server.database}_{worker}"
        else:
            # tmpfs where there is one: the suite commits thousands of times.
            base = "/dev/shm" if Path("/dev/shm").is_dir() else None
            self._dir = Path(tempfile.mkdtemp(prefix=f"mentoring-{worker}-", dir=base))

    def url(self, name: str) -> str:
        """SQLAlchemy URL of one of the worker's databases (``test``, ``e2e``…)."""
        if self._server is not None:
            return self._server.set(database=f"{self._prefix}_{name}").render_as_string(
                hide_password=False)
        return f"sqlite:///{self._path(name)}"

    def _path(self, name: str) -> Path:
        assert self._dir is not None, "SQLite only"
        return self._dir / f"{name}.sqlite"

    # -- whole databases ---------------------------------------------------------------------
    def create(self, name: str, template: str | None = None) -> str:
        """Create (or replace) database ``name``: empty, or a copy of ``template`` (a
        database, or on SQLite also a snapshot). Returns its URL."""
        if name not in self.names:
            self.names.append(name)
        if self._admin is not None:
            copy = f' TEMPLATE "{self._prefix}_{template}"' if template else ""
            with self._admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self._prefix}_{name}" WITH (FORCE)'))
                conn.execute(text(f'CREATE DATABASE "{self._prefix}_{name}"{copy}'))
        else:
            self._path(name).unlink(missing_ok=True)
            if template:
                copy_sqlite(self._path(template), self._path(name))
        return self.url(name)

    def scratch(self) -> tuple[str, str]:
        """A new empty database with a unique name: its name and URL."""
        name = f"x{uuid.uuid4().hex[:10]}"
        return name, self.create(name)

    def drop(self, name: str) -> None:
        if self._admin is not None:
            with self._admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self._prefix}_{name}" WITH (FORCE)'))
        else:
            self._path(name).unlink(missing_ok=True)

    def drop_all(self) -> None:
        if self._admin is not None:
            for name in self.names:
                self.drop(name)
            self._admin.dispose()
        elif self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)

    # -- snapshots of the test database ------------------------------------------------------
    def snapshot(self, name: str, *, copy_database: bool = False) -> None:
        """Keep what the test database holds now as snapshot ``name``; with
        ``copy_database`` also as a database of that name (for a server of its own). The
        caller has released every connection to the test database."""
        if self._admin is None:
            copy_sqlite(self._path("test"), self._path(name))
            return
        schema = f"snapshot_{name}"
        with self._test_connection() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            for table in _tables(conn):
                conn.execute(text(f'CREATE TABLE "{schema}"."{table}" AS TABLE public."{table}"'))
            self._sequences[name] = [
                (seq, value, value is not None) for seq, value in conn.execute(text(
                    "SELECT sequencename, last_value FROM pg_sequences "
                    "WHERE schemaname = 'public'"))]
        if copy_database:
            self.create(name, template="test")

    def restore(self, name: str) -> None:
        """Put the test database back to snapshot ``name``; every connection to it that is
        still open is ended first, so nothing a test left behind reaches the next one."""
        if self._admin is None:
            copy_sqlite(self._path(name), self._path("test"))
            return
        schema = f"snapshot_{name}"
        with self._test_connection() as conn:
            conn.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
            tables = _tables(conn)
            # Rows go back as they were: no triggers (the kept monthly totals are copied
            # too) and no foreign-key checks half-way (needs a superuser, as on CI).
            statements = ["SET LOCAL session_replication_role = replica"]
            statements += [f'DELETE FROM public."{table}"' for table in tables]
            statements += [f'INSERT INTO public."{table}" SELECT * FROM "{schema}"."{table}"'
                           for table in tables]
            statements += [f"SELECT setval('public.\"{seq}\"', {value or 1}, {called})"
                           for seq, value, called in self._sequences[name]]
            conn.exec_driver_sql(";\n".join(statements))

    def _test_connection(self) -> _DisposingConnection:
        assert self._server is not None
        engine = create_engine(self.url("test"), poolclass=NullPool)
        return _DisposingConnection(engine)


class _DisposingConnection:
    """A connection in one transaction, committed on success; its engine goes with it."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def __enter__(self) -> Connection:
        self._context = self._engine.begin()
        return self._context.__enter__()

    def __exit__(self, *exc: object) -> None:
        try:
            self._context.__exit__(*exc)
        finally:
            self._engine.dispose()


def _tables(conn: Connection) -> list[str]:
    return list(conn.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")).scalars())


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a SQLite database page by page with the online backup API (milliseconds here)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
