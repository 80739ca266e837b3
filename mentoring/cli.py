"""Operator commands: ``flask --app app demo``, ``users …``, ``backup``, ``restore``,
``retention`` and ``reminders``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from flask import Flask
from sqlalchemy import func, select

from common.actor import Actor
from common.clock import today
from common.enums import Role
from common.errors import RuleViolation
from mentoring import audit, backups, demo, mail, reminders, retention, storage
from mentoring.passwords import check_password_rules, hash_password
from models import Municipality, Provider, User, db


def _print_users(users: list[User]) -> None:
    rows = [(u.email, str(u.role.label), str(u.municipality or u.provider or "—")) for u in users]
    widths = [max(len(r[i]) for r in rows + [("E-mail", "Role", "Organisation")]) for i in range(3)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    click.echo(line.format("E-mail", "Role", "Organisation"))
    for row in rows:
        click.echo(line.format(*row))
    click.echo(f"\nPassword for every demo user: {demo.DEMO_PASSWORD}")


def _database_url() -> str:
    return db.engine.url.render_as_string(hide_password=False)


# An operator's command acts for nobody signed in; the audit says it came from the console.
OPERATOR = Actor.system(ip="cli")


def register_cli(app: Flask, reminder_links: Callable[[str], reminders.Links]) -> None:
    """The operator commands; ``reminder_links`` turns the back office's address into the
    links reminders carry (the screens know their routes)."""
    @app.cli.command("reminders")
    @click.option("--dry-run", is_flag=True, help="Only list who would get what.")
    @click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="Run as on this day (to catch up a missed run).")
    def reminders_command(dry_run: bool, on: Any) -> None:
        """Send today's reminder e-mails (for a daily cron job; running again sends nothing
        twice)."""
        day = on.date() if on else today()
        if dry_run:
            for reminder in reminders.due(db.session(), day):
                click.echo(f"{reminder.kind:<9} {reminder.user.email}")
            return
        smtp = mail.Smtp.from_config(app.config)
        outcome = reminders.send_due(
            db.session(), day, links=reminder_links(app.config["APP_URL"].rstrip("/")),
            make=lambda r: smtp.message(r.user.email, r.user.name, r.subject, r.body,
                                        r.user.language.value),
            transport=smtp.connect)
        counts = reminders.by_kind(outcome)
        click.echo(f"Sent {len(outcome.sent)} reminder(s) "
                   f"({', '.join(f'{k}: {n}' for k, n in sorted(counts.items())) or 'none'}); "
                   f"{outcome.already} already sent earlier.")
        for reminder, reason in outcome.refused:
            click.echo(f"Refused by the mail server, to try again: {reminder.kind} "
                       f"{reminder.user.email}: {reason}", err=True)
        if outcome.refused:
            raise SystemExit(1)

    @app.cli.command("retention")
    @click.option("--apply", "apply_", is_flag=True, help="Anonymise (irreversible).")
    @click.option("--dry-run", is_flag=True, help="Only list (the default).")
    def retention_command(apply_: bool, dry_run: bool) -> None:
        """List, or with --apply anonymise, youths kept longer than their programme allows."""
        day = today()
        found = retention.due(db.session(), day)
        for c in found:
            state = "unpaid invoice: refused" if c.unpaid_invoice else (
                "anonymise" if apply_ and not dry_run else "due")
            click.echo(f"{c.case_number:16} closed {c.closed_on}  kept until {c.keep_until}"
                       f"  {state}")
        if not apply_ or dry_run:
            click.echo(f"{len(found)} due; nothing changed (use --apply to anonymise).")
            return
        done, refused = retention.apply(db.session(), actor=Actor.system(), today=day)
        keys = [key for candidate in done for key in candidate.document_keys]
        db.session.commit()
        files = storage.from_config(app.config)
        for key in keys:
            files.delete(key)  # once the anonymisation is committed
        click.echo(f"{len(done)} anonymised, {len(refused)} refused (unpaid invoice); "
                   f"{len(keys)} documents deleted from storage.")

    @app.cli.command("backup")
    @click.option("--to", "directory", type=click.Path(file_okay=False),
                  help="Folder for the copy (default: instance/backups).")
    def backup_command(directory: str | None) -> None:
        """Write a consistent, timestamped copy of the database."""
        target = Path(directory) if directory else Path(app.instance_path) / "backups"
        try:
            path = backups.backup(_database_url(), target)
        except RuleViolation as exc:
            raise click.ClickException(str(exc.message)) from exc
        files = backups.backup_documents(storage.from_config(app.config), path)
        click.echo(f"Backup written: {path}")
        click.echo(f"{files} document files copied to {backups.documents_folder(path)}")

    @app.cli.command("restore")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--database", help="Target database URL (default: the configured one).")
    def restore_command(file: str, database: str | None) -> None:
        """Restore a backup into an empty database (it refuses one with tables)."""
        url = database or _database_url()
        db.engine.dispose()
        try:
            backups.restore(Path(file), url)
        except RuleViolation as exc:
            raise click.ClickException(str(exc.message)) from exc
        for table, rows in backups.table_counts(url).items():
            click.echo(f"{table:24} {rows:>8}")
        files = storage.from_config(app.config)
        click.echo(f"{backups.restore_documents(Path(file), files)} document files restored.")
        problems = backups.check_documents(url, files)
        for problem in problems:
            click.echo(f"Document check: {problem}")
        click.echo("Restored." if not problems else "Restored, with the document problems above.")

    @app.cli.command("demo")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database has data.")
    def demo_command(if_empty: bool) -> None:
        """Load the demo data set into an empty, migrated database."""
        if not demo.is_empty(db.session()):
            if if_empty:
                click.echo("Database already has data; demo not loaded.")
                return
            raise click.ClickException("The database is not empty; demo data go into an empty one.")
        users = demo.load(db.session())
        db.session.commit()
        _print_users(users)

    users = click.Group("users", help="Create users, set passwords, deactivate.")
    app.cli.add_command(users)

    @users.command("create")
    @click.option("--email", required=True)
    @click.option("--name", required=True)
    @click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
    @click.option("--municipality", help="Municipality name (social service staff).")
    @click.option("--provider", help="Provider name (coordinators and mentors).")
    @click.password_option()
    def create_user(email: str, name: str, role: str, municipality: str | None,
                    provider: str | None, password: str) -> None:
        """Create a user."""
        try:
            check_password_rules(password, email, name)
        except RuleViolation as exc:
            raise click.ClickException(str(exc.message)) from exc
        user = User(email=email.strip().lower(), name=name, role=Role(role),
                    password_hash=hash_password(password))
        if municipality:
            user.municipality = db.session.scalar(
                select(Municipality).where(Municipality.name == municipality))
            if user.municipality is None:
                raise click.ClickException(f"No municipality named {municipality!r}.")
        if provider:
            user.provider = db.session.scalar(select(Provider).where(Provider.name == provider))
            if user.provider is None:
                raise click.ClickException(f"No provider named {provider!r}.")
        db.session.add(user)
        try:
            db.session.flush()
            audit.record(db.session(), OPERATOR, "user.created", user,
                         changes=audit.snapshot(user))
            db.session.commit()
        except RuleViolation as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Created {user.email} ({user.role.value}).")

    def _user(email: str) -> User:
        user = db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))
        if user is None:
            raise click.ClickException(f"No user {email!r}.")
        return user

    @users.command("set-password")
    @click.argument("email")
    @click.password_option()
    def set_password(email: str, password: str) -> None:
        """Set a user's password and end all their sessions."""
        user = _user(email)
        try:
            check_password_rules(password, user.email, user.name)
        except RuleViolation as exc:
            raise click.ClickException(str(exc.message)) from exc
        user.password_hash = hash_password(password)
        user.session_version += 1
        audit.record(db.session(), OPERATOR, "user.password_set", user)
        db.session.commit()
        click.echo(f"Password set for {user.email}.")

    @users.command("deactivate")
    @click.argument("email")
    def deactivate(email: str) -> None:
        """Deactivate a user and end all their sessions."""
        user = _user(email)
        user.active = False
        user.session_version += 1
        audit.record(db.session(), OPERATOR, "user.deactivated", user)
        db.session.commit()
        click.echo(f"Deactivated {user.email}.")
