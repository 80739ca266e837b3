"""A backup of the demo data restores, table by table, row by row, into an empty database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import MetaData, create_engine, select

from common.errors import RuleViolation
from mentoring import backups


def every_row(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    try:
        with engine.connect() as conn:
            return {name: sorted(conn.execute(select(table)).all(), key=repr)
                    for name, table in metadata.tables.items()}
    finally:
        engine.dispose()


def test_backup_round_trip(db: Any, demo_users: Any, tmp_path: Path,
                           empty_database: str) -> None:
    source = db.engine.url.render_as_string(hide_password=False)
    path = backups.backup(source, tmp_path / "backups")
    assert path.exists() and path.name.startswith("mentoring-")
    backups.restore(path, empty_database)
    original, restored = every_row(source), every_row(empty_database)
    assert set(restored) == set(original) and len(original) >= 35
    for table, rows in original.items():
        assert restored[table] == rows, table
    assert sum(map(len, original.values())) > 1000  # the demo data, not an empty shell


def test_restore_refuses_a_database_with_tables(db: Any, demo_users: Any,
                                                tmp_path: Path) -> None:
    source = db.engine.url.render_as_string(hide_password=False)
    path = backups.backup(source, tmp_path)
    with pytest.raises(RuleViolation, match="tukš"):
        backups.restore(path, source)
    with pytest.raises(RuleViolation):
        backups.restore(tmp_path / "missing.sqlite", source)


def test_backup_and_restore_commands(app: Any, db: Any, demo_users: Any, tmp_path: Path,
                                     empty_database: str) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", "--to", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = Path(result.output.split("Backup written: ")[1].splitlines()[0].strip())
    assert "document files copied" in result.output
    refused = runner.invoke(args=["restore", str(written)])  # the live database has tables
    assert refused.exit_code != 0 and "tukš" in refused.output
    # The URL as hosts hand it out, as README shows it (finding 12: psycopg2 was asked for).
    plain = empty_database.replace("postgresql+psycopg://", "postgresql://")
    restored = runner.invoke(args=["restore", str(written), "--database", plain])
    assert restored.exit_code == 0, restored.output
    assert "Restored." in restored.output and "service_entry" in restored.output
