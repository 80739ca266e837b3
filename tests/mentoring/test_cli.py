"""Operator commands: demo data and user management."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from common.errors import RuleViolation
from mentoring.passwords import check_password_rules, verify_password
from models import AuditLog, Municipality, User


@pytest.fixture()
def runner(app: Flask, db: Any) -> Any:
    return app.test_cli_runner()


def test_demo_loads_once_and_prints_the_users(runner: Any, db: Any) -> None:
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "admin@mentori.lv" in result.output and "Mentors-demo-2026" in result.output
    assert db.session.scalar(select(func.count()).select_from(Municipality)) == 2
    again = runner.invoke(args=["demo"])
    assert again.exit_code != 0
    quiet = runner.invoke(args=["demo", "--if-empty"])
    assert quiet.exit_code == 0 and db.session.scalar(
        select(func.count()).select_from(Municipality)) == 2


def test_users_create_set_password_deactivate(runner: Any, db: Any, demo_users: Any) -> None:
    result = runner.invoke(args=[
        "users", "create", "--email", "Jauna@Ogre.lv", "--name", "Jauna Darbiniece",
        "--role", "municipality", "--municipality", "Ogres novads",
        "--password", "garāka-parole-2026"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "jauna@ogre.lv"))
    assert user.municipality.name == "Ogres novads"
    assert verify_password(user.password_hash, "garāka-parole-2026")

    short = runner.invoke(args=["users", "set-password", "jauna@ogre.lv", "--password", "short"])
    assert short.exit_code != 0 and "12" in short.output
    version = user.session_version
    ok = runner.invoke(args=["users", "set-password", "jauna@ogre.lv",
                             "--password", "vēl-garāka-parole-2026"])
    assert ok.exit_code == 0
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.session_version == version + 1
    assert runner.invoke(args=["users", "deactivate", "jauna@ogre.lv"]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(User, user.id).active is False
    # Each command is in the audit log, from the console, without the password (finding 8).
    trail = db.session.scalars(select(AuditLog).where(
        AuditLog.model == "User", AuditLog.record_id == str(user.id)).order_by(AuditLog.id)).all()
    assert [(e.action, e.ip) for e in trail] == [
        ("user.created", "cli"), ("user.password_set", "cli"), ("user.deactivated", "cli")]
    assert "garāka-parole" not in str([e.changes for e in trail])


def test_users_create_refuses_a_scope_that_does_not_fit_the_role(runner: Any, db: Any,
                                                                 demo_users: Any) -> None:
    result = runner.invoke(args=[
        "users", "create", "--email", "x@y.lv", "--name", "X", "--role", "municipality",
        "--password", "garāka-parole-2026"])
    assert result.exit_code != 0
    assert db.session.scalar(select(User).where(User.email == "x@y.lv")) is None


@pytest.mark.parametrize(("password", "ok"), [
    ("short", False), ("Ķeipene-zie", False), ("Ķeipene-zie-", True),  # 11 and 12 characters
    ("anna@ogre.lv", False), ("ANNA@ogre.lv", False),
    # Long enough, yet common or a pattern: refused (finding 6).
    ("123456789012", False), ("passwordpassword", False), ("aaaaaaaaaaaa", False),
    ("qwertyuiopas", False), ("bērziņaanna1", False),  # the person's own name and a digit
    ("laiva-smilga-pulkstenis", True), ("Mentors-demo-2026", True),
])
def test_password_rules(password: str, ok: bool) -> None:
    if ok:
        check_password_rules(password, "anna@ogre.lv", "Anna Bērziņa")
    else:
        with pytest.raises(RuleViolation):
            check_password_rules(password, "anna@ogre.lv", "Anna Bērziņa")


def test_user_form_applies_password_rules_and_ends_sessions(admin_browser: Any, db: Any) -> None:
    user = db.session.scalar(select(User).where(User.email == "hoh@mentori.lv"))
    data = {"name": user.name, "email": user.email, "role": "provider",
            "provider": str(user.provider_id), "municipality": "__None", "mentor": "__None",
            "language": "lv", "active": "y", "new_password": "short"}
    page = admin_browser.post(f"/admin/user/edit/?id={user.id}", data=data)
    assert "vismaz 12" in page.get_data(as_text=True)
    version = user.session_version
    data["new_password"] = "pavisam-jauna-parole"
    assert admin_browser.post(f"/admin/user/edit/?id={user.id}", data=data).status_code == 302
    user = db.session.get(User, user.id)
    assert verify_password(user.password_hash, "pavisam-jauna-parole")
    assert user.session_version == version + 1
