"""The Alembic history builds exactly the schema the models describe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from models import db
from models.search import compared

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def test_migrations_build_the_models_schema(empty_database: str) -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        with db.engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True,
                            "include_object": lambda _obj, name, type_, *_: compared(
                                name, type_, conn.dialect.name)}
            )
            diff: list[Any] = compare_metadata(context, db.metadata)
            # The per-month totals depend on triggers that no model describes.
            if conn.dialect.name == "sqlite":
                triggers = set(conn.execute(text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())
                expected = {"entry_month_insert", "entry_month_update", "entry_month_delete",
                            "pair_kept_entry_insert", "pair_kept_check_in_insert",
                            "pair_kept_programme"}
            else:
                triggers = set(conn.execute(text(
                    "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).scalars())
                expected = {"entry_month_sync", "entry_month_sync_update", "pair_kept_entry",
                            "pair_kept_check_in", "pair_kept_pair", "pair_kept_programme"}
        db.engine.dispose()
    assert diff == []
    assert expected <= triggers


def _triggers_and_functions(conn: Any) -> dict[str, str]:
    """Every trigger (and, on PostgreSQL, trigger function) with its definition."""
    if conn.dialect.name == "sqlite":
        return dict(conn.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all())
    found = {f"trigger {name}": sql for name, sql in conn.execute(text(
        "SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal"))}
    found.update({f"function {name}": sql for name, sql in conn.execute(text(
        "SELECT proname, prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname = 'public' AND p.prorettype = 'trigger'::regtype"))})
    return found


def test_migrations_install_the_triggers_the_models_do(databases: Any) -> None:
    """The frozen statements of the migrations leave the same triggers as the models build:
    a change of the models' triggers needs a migration (and its frozen statements)."""
    built: dict[str, dict[str, str]] = {}
    for how in ("migrated", "created"):
        name, url = databases.scratch()
        try:
            app = create_app({"TESTING": True, "SECRET_KEY": "x",
                              "SQLALCHEMY_DATABASE_URI": url})
            with app.app_context():
                if how == "migrated":
                    upgrade(directory=MIGRATIONS)
                else:
                    db.create_all()
                with db.engine.connect() as conn:
                    built[how] = _triggers_and_functions(conn)
                db.engine.dispose()
        finally:
            databases.drop(name)
    assert built["migrated"] == built["created"]
    assert len(built["created"]) >= 10
