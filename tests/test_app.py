"""The factory, sign-in and the Latvian first impression."""

from __future__ import annotations

from typing import Any

import pytest

from app import create_app


def test_factory_refuses_to_start_without_secret_in_production(tmp_path: Any) -> None:
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"ENVIRONMENT": "production", "SECRET_KEY": None,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"})


def test_each_factory_call_builds_its_own_admin(tmp_path: Any) -> None:
    config = {"TESTING": True, "SECRET_KEY": "x",
              "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    first, second = create_app(config), create_app(config)
    assert first.extensions["admin"][0] is not second.extensions["admin"][0]


def test_sign_in_page_is_latvian(client: Any) -> None:
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="lv">' in html
    assert "Pierakstīties" in html
    assert "E-pasts" in html


def test_admin_pages_require_sign_in_and_return_afterwards(browser: Any, demo_users: Any) -> None:
    response = browser.get("/admin/youth/")
    assert response.status_code == 302
    assert "/login?next=/admin/youth/" in response.headers["Location"]
    response = browser.client.post(
        "/login?next=/admin/youth/",
        data={"email": "liepaja@mentori.lv", "password": "Mentors-demo-2026"},
    )
    assert response.headers["Location"] == "/admin/youth/"


def test_next_pointing_elsewhere_is_ignored(browser: Any, demo_users: Any) -> None:
    response = browser.client.post(
        "/login?next=//evil.example/x",
        data={"email": "liepaja@mentori.lv", "password": "Mentors-demo-2026"},
    )
    assert response.headers["Location"] == "/admin/"


def test_wrong_password_gives_one_generic_message(browser: Any, demo_users: Any) -> None:
    for email in ("liepaja@mentori.lv", "nobody@mentori.lv"):
        response = browser.sign_in(email, "wrong-password-123")
        assert response.status_code == 200
        assert "Nepareizs e-pasts vai parole." in response.get_data(as_text=True)


def test_sign_out_ends_copied_sessions(browser: Any, demo_users: Any) -> None:
    browser.sign_in("liepaja@mentori.lv")
    cookie = browser.client.get_cookie("session")
    assert cookie is not None
    assert browser.get("/admin/youth/").status_code == 200
    browser.post("/logout")
    browser.client.set_cookie("session", cookie.value)
    assert browser.get("/admin/youth/").status_code == 302


def test_language_switch_to_english_and_back(browser: Any, demo_users: Any) -> None:
    browser.sign_in("ogre@mentori.lv")
    browser.post("/language/en", data={"next": "/admin/"})
    html = browser.get("/admin/").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Sign out" in html
    browser.post("/language/lv", data={"next": "/admin/"})
    assert "Izrakstīties" in browser.get("/admin/").get_data(as_text=True)


@pytest.mark.parametrize("email", [
    "admin@mentori.lv", "liepaja@mentori.lv", "ogre@mentori.lv", "you@mentori.lv",
    "kgac@mentori.lv", "hoh@mentori.lv", "talanti@mentori.lv", "mentors@mentori.lv",
    "mentore@mentori.lv", "mentors.ogre@mentori.lv",
])
def test_every_demo_user_signs_in_and_sees_rows(browser: Any, demo_users: Any, email: str) -> None:
    assert email in demo_users
    assert browser.sign_in(email).status_code == 302
    home = browser.get("/admin/").get_data(as_text=True)
    links = sorted(set(__import__("re").findall(r'href="(/admin/[a-z_]+/)"', home)))
    assert links, "the home page lists the screens this user may open"
    with_rows = 0
    for link in links:
        page = browser.get(link)
        assert page.status_code == 200, link
        with_rows += "details/?id=" in page.get_data(as_text=True)
    assert with_rows >= 1


def test_an_error_inside_a_view_fails_the_test(app: Any, admin_browser: Any,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Flask-Admin turns a view's exception into a flash message unless told otherwise; the
    suite tells it (FLASK_ADMIN_RAISE_ON_VIEW_EXCEPTION), so a broken view cannot pass."""
    assert app.config["FLASK_ADMIN_RAISE_ON_VIEW_EXCEPTION"] is True
    view = next(v for v in app.extensions["admin"][0]._views
                if getattr(v, "endpoint", "") == "locality")

    def broken(*args: Any, **kwargs: Any) -> None:
        raise LookupError("a bug in a view")

    monkeypatch.setattr(view, "on_model_change", broken)
    municipality = admin_browser.get("/admin/locality/new/")
    assert municipality.status_code == 200
    with pytest.raises(LookupError, match="a bug in a view"):
        admin_browser.post("/admin/locality/new/", data={"municipality": "1", "name": "Ciems"})


def test_a_served_sqlite_database_runs_in_wal_mode(tmp_path: Any) -> None:
    """Readers never block the writer of an audited read: the served database keeps a
    write-ahead log and waits for a busy writer instead of failing at once."""
    from sqlalchemy import text

    from models import db
    from models.base import SQLITE

    was = SQLITE["wal"]
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'served.sqlite'}",
                          "SECRET_KEY": "x"})
        with app.app_context(), db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
            db.engine.dispose()
    finally:
        SQLITE["wal"] = was
