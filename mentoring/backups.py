"""Consistent copies of the database and their restore into an empty one.

SQLite copies through its online backup API (a consistent snapshot while the service runs);
PostgreSQL through ``pg_dump`` in its custom format and ``pg_restore``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from common.databases import normalise_database_url
from common.errors import RuleViolation
from common.i18n import _l
from mentoring.storage import Storage


def _libpq(url: str) -> str:
    """The URL as libpq tools read it (no SQLAlchemy driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _sqlite_path(url: str) -> str:
    database = make_url(url).database
    if not database:
        raise RuleViolation(_l("An in-memory database cannot be backed up."))
    return database


def backup(url: str, directory: Path, now: dt.datetime | None = None) -> Path:
    """Write a timestamped copy of the database at ``url`` into ``directory``."""
    url = normalise_database_url(url)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%d-%H%M%S")
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        target = directory / f"mentoring-{stamp}.sqlite"
        with sqlite3.connect(_sqlite_path(url)) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        return target
    if backend == "postgresql":
        _need("pg_dump")
        target = directory / f"mentoring-{stamp}.dump"
        subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}",
                        _libpq(url)], check=True, capture_output=True)
        return target
    raise RuleViolation(_l("Backups support SQLite and PostgreSQL only."))


def restore(path: Path, url: str) -> None:
    """Load a copy made by :func:`backup` into the empty database at ``url``.

    Refuses a database that holds any table, so a restore never mixes with live data.
    """
    url = normalise_database_url(url)
    if not path.exists():
        raise RuleViolation(_l("The backup file does not exist."))
    engine = create_engine(url)
    try:
        if inspect(engine).get_table_names():
            raise RuleViolation(_l("Restore only into an empty database: this one has tables."))
    finally:
        engine.dispose()
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        with sqlite3.connect(path) as source, sqlite3.connect(_sqlite_path(url)) as target:
            source.backup(target)
        return
    if backend == "postgresql":
        _need("pg_restore")
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_libpq(url)}",
                        str(path)], check=True, capture_output=True)
        return
    raise RuleViolation(_l("Backups support SQLite and PostgreSQL only."))


def _need(tool: str) -> None:
    if shutil.which(tool) is None:
        raise RuleViolation(_l("%(tool)s is not installed on this host.", tool=tool))


def table_counts(url: str) -> dict[str, int]:
    """Rows per table, for a quick check after a restore."""
    url = normalise_database_url(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {name: conn.execute(text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one()
                    for name in sorted(inspect(conn).get_table_names())}
    finally:
        engine.dispose()


def documents_folder(backup_file: Path) -> Path:
    """Where a backup keeps the document files, beside the database copy."""
    return backup_file.with_name(backup_file.stem + "-documents")


def backup_documents(storage: Storage, backup_file: Path) -> int:
    """Copy every document file beside the database copy; returns how many."""
    folder = documents_folder(backup_file)
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for key in storage.keys():
        if not key.isalnum():
            continue  # not a document's key: nothing of ours, never a path
        (folder / key).write_bytes(storage.get(key))
        count += 1
    return count


def restore_documents(backup_file: Path, storage: Storage) -> int:
    """Put the backup's document files into ``storage``; returns how many."""
    folder = documents_folder(backup_file)
    count = 0
    for path in sorted(folder.glob("*")) if folder.exists() else []:
        if not path.name.isalnum():
            continue
        storage.put(path.name, path.read_bytes())
        count += 1
    return count


def check_documents(url: str, storage: Storage) -> list[str]:
    """Every document row's file, compared with its checksum: the names that are missing
    or differ (empty: all match)."""
    engine = create_engine(normalise_database_url(url))
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT storage_key, sha256, filename FROM document")).all()
    finally:
        engine.dispose()
    problems = []
    for key, checksum, filename in rows:
        try:
            data = storage.get(key)
        except Exception:  # noqa: BLE001 - a missing file, whatever the storage says
            problems.append(f"{filename}: missing")
            continue
        if hashlib.sha256(data).hexdigest() != checksum:
            problems.append(f"{filename}: differs")
    return problems
