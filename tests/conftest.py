"""Fixtures: one app per worker, each test on a copy of a template database, a frozen day.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set; with
pytest-xdist each worker has its own databases (``tests/databases.py``). The demo world is
built once per worker on ``FROZEN_TODAY`` and copied for every test that asks for it.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest

os.environ.setdefault("MENTORING_NO_MODULE_APP", "1")

from flask import Flask  # noqa: E402
from flask.globals import _cv_app, _cv_request  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import event, select  # noqa: E402

from app import create_app  # noqa: E402
from common import clock  # noqa: E402
from mentoring import demo, passwords, signin  # noqa: E402
from models import User  # noqa: E402
from models import db as _db  # noqa: E402
from tests.databases import ADMIN_TOTP_SECRET, Databases, on_postgresql  # noqa: E402

passwords.use_fast_hashing()
pytest_plugins = ["tests.factories"]

# Every test sees this day as today (a Wednesday in mid-October: no month end, no holiday);
# tests of other days move the clock themselves with ``clock.frozen``.
FROZEN_TODAY = dt.date(2026, 10, 14)
DEMO_TODAY = FROZEN_TODAY
clock.freeze(FROZEN_TODAY)

# Fixtures that reach a database: on the PostgreSQL pass, tests without one are not run again.
DATABASE_FIXTURES = {"db", "databases", "empty_database", "server"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not on_postgresql():
        return
    keep, skip = [], []
    for item in items:
        uses_db = DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        (keep if uses_db else skip).append(item)
    if skip:
        config.hook.pytest_deselected(items=skip)
        items[:] = keep


@pytest.fixture(autouse=True)
def _frozen_clock() -> Iterator[None]:
    """Every test starts on ``FROZEN_TODAY``, whatever the test before it did to the clock."""
    clock.freeze(FROZEN_TODAY)
    yield
    clock.freeze(FROZEN_TODAY)


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


@pytest.fixture(scope="session")
def databases() -> Iterator[Databases]:
    found = Databases(os.environ.get("PYTEST_XDIST_WORKER", "main"))
    try:
        yield found
    finally:
        found.drop_all()


@pytest.fixture(scope="session")
def app(databases: Databases) -> Iterator[Flask]:
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": databases.url("test"),
        "WTF_CSRF_ENABLED": False,
        "FLASK_ADMIN_RAISE_ON_VIEW_EXCEPTION": True,
        "SESSION_COOKIE_SECURE": False,
        "DOCUMENTS_DIR": str(Path(tempfile.mkdtemp(prefix="mentoring-documents-"))),
        "DOCUMENTS_MAX_MB": 1,
    })
    app.test_client_class = IsolatedClient
    with app.app_context():
        _build_templates(databases)
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _release() -> None:
    """Give back every connection, so the database file or template can be replaced."""
    _db.session.remove()
    _db.engine.dispose()


def _build_templates(databases: Databases) -> None:
    """The empty schema, then the demo world on ``FROZEN_TODAY`` with the admin enrolled."""
    databases.create("test")
    _db.create_all()
    _release()
    databases.snapshot("empty")
    demo.load(_db.session, on=FROZEN_TODAY)
    admin = _db.session.scalar(select(User).where(User.email == "admin@mentori.lv"))
    signin.enable_totp(admin, ADMIN_TOTP_SECRET)
    _db.session.commit()
    _release()
    databases.snapshot("demo", copy_database=True)  # the browser tests' server copies it


@pytest.fixture()
def db(app: Flask, databases: Databases, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The test's own database, inside an application context: the demo world when the
    test asks for ``demo_users`` (directly or through another fixture), else empty."""
    snapshot = "demo" if "demo_users" in request.fixturenames else "empty"
    with app.app_context():
        _release()
        databases.restore(snapshot)
        yield _db
        _db.session.rollback()
        _release()


@pytest.fixture()
def demo_users(db: Any) -> dict[str, User]:
    """The demo world (copied from the worker's template): its users by e-mail."""
    return {u.email: u for u in db.session.scalars(select(User))}


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
        """Sign in like a user would; two-factor steps are completed with a valid code."""
        response = self.client.post("/login", data={"email": email, "password": password})
        location = response.headers.get("Location", "")
        if location.endswith("/login/two-factor"):
            response = self.enter_code(ADMIN_TOTP_SECRET)
        elif location.endswith("/login/two-factor/setup"):
            page = self.client.get(location).get_data(as_text=True)
            secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
            response = self.client.post(location, data={"code": totp_now(secret)})
            assert 'id="recovery-codes"' in response.get_data(as_text=True)
            response = self.client.get("/account")  # signed in: account page answers
            assert response.status_code == 200
            response.headers["Location"] = "/admin/"
            response.status_code = 302
        return response

    def enter_code(self, secret: str) -> Any:
        """Send the current code, or the next one when this step was used already."""
        totp = pyotp.TOTP(secret)
        now = dt.datetime.now(dt.UTC)
        for offset in (0, 1):
            response = self.client.post("/login/two-factor", data={
                "code": totp.at(now, counter_offset=offset)})
            if response.status_code == 302:
                break
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
    return clock.today()


@pytest.fixture()
def empty_database(databases: Databases) -> Iterator[str]:
    """A brand-new empty database of the kind the suite runs on."""
    name, url = databases.scratch()
    try:
        yield url
    finally:
        databases.drop(name)
