"""Fixtures: one app per session, a clean database per test, demo data, signed-in clients.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest

os.environ.setdefault("MENTORING_NO_MODULE_APP", "1")

from flask import Flask  # noqa: E402
from flask.globals import _cv_app, _cv_request  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import create_engine, event, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app import create_app  # noqa: E402
from mentoring import demo, passwords  # noqa: E402
from models import User  # noqa: E402
from models import db as _db

passwords.use_fast_hashing()

DEMO_TODAY = None  # demo data are relative to the real today, as in `make run`


class IsolatedClient(FlaskClient):
    """Each request runs in its own application context, as in production.

    The test holds an app context for database access; without this, Flask would reuse it
    for every request, and ``g`` (where Flask-Login caches the signed-in user) and the
    SQLAlchemy session would leak from one request, or one user, to the next.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        def isolated() -> Any:
            _cv_app.set(None)  # type: ignore[arg-type]
            _cv_request.set(None)  # type: ignore[arg-type]
            kwargs.setdefault("buffered", True)  # streamed exports finish inside the request
            return super(IsolatedClient, self).open(*args, **kwargs)

        response = contextvars.copy_context().run(isolated)
        if _cv_app.get(None) is not None:
            _db.session.expire_all()  # the request may have changed what the test holds
        return response


def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_path_factory),
        "WTF_CSRF_ENABLED": False,
        "FLASK_ADMIN_RAISE_ON_VIEW_EXCEPTION": False,
        "SESSION_COOKIE_SECURE": False,
    })
    app.test_client_class = IsolatedClient
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


def _wipe() -> None:
    tables = list(reversed(_db.metadata.sorted_tables))
    if _db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        _db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            _db.session.execute(table.delete())
    _db.session.commit()


@pytest.fixture()
def db(app: Flask) -> Iterator[Any]:
    """A clean database for every test, inside an application context."""
    with app.app_context():
        yield _db
        _db.session.rollback()
        _wipe()
        _db.session.remove()


@pytest.fixture()
def demo_users(db: Any) -> dict[str, User]:
    users = demo.load(db.session)
    db.session.commit()
    return {u.email: u for u in users}


@pytest.fixture()
def client(app: Flask, db: Any) -> FlaskClient:
    return app.test_client()


def totp_now(secret: str) -> str:
    return pyotp.TOTP(secret).now()


class Browser:
    """A test client with sign-in helpers; completes two-factor steps like a user would."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def sign_in(self, email: str, password: str = demo.DEMO_PASSWORD) -> Any:
        response = self.client.post("/login", data={"email": email, "password": password})
        location = response.headers.get("Location", "")
        if location.endswith("/login/two-factor/setup"):
            page = self.client.get(location).get_data(as_text=True)
            secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
            response = self.client.post(location, data={"code": totp_now(secret)})
            assert 'id="recovery-codes"' in response.get_data(as_text=True)
            response = self.client.get("/account")  # signed in: account page answers
            assert response.status_code == 200
            response.headers["Location"] = "/admin/"
            response.status_code = 302
        return response

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        return self.client.post(url, **kwargs)


@pytest.fixture()
def browser(client: FlaskClient) -> Browser:
    return Browser(client)


@pytest.fixture()
def admin_browser(browser: Browser, demo_users: dict[str, User]) -> Browser:
    response = browser.sign_in("admin@mentori.lv")
    assert response.status_code == 302
    return browser


@pytest.fixture()
def count_queries(app: Flask) -> Any:
    """Context manager counting SQL statements sent to the database."""

    class Counter:
        def __init__(self) -> None:
            self.count = 0
            self.statements: list[str] = []

        def __enter__(self) -> Counter:
            event.listen(_db.engine, "before_cursor_execute", self._count)
            return self

        def __exit__(self, *exc: Any) -> None:
            event.remove(_db.engine, "before_cursor_execute", self._count)

        def _count(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE")):
                self.count += 1
                self.statements.append(statement)

    return Counter


def field_errors(html: str) -> list[str]:
    """The texts of the form field errors Flask-Admin renders."""
    return [
        re.sub(r"<[^>]+>", "", m).strip()
        for m in re.findall(r'class="[^"]*(?:invalid-feedback|help-block|form-text text-danger)[^"]*"[^>]*>(.*?)</', html, re.S)
    ]


def today() -> dt.date:
    from mentoring.clock import today as _today

    return _today()


@pytest.fixture()
def empty_database(tmp_path: Path) -> Iterator[str]:
    """A brand-new empty database of the kind the suite runs on."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    name = f"empty_{uuid.uuid4().hex[:10]}"
    server = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1)).set(
        database="postgres"
    )
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
