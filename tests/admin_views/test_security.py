"""CSRF, hidden columns, throttling, two-factor sign-in, session endings, headers."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import pyotp
import pytest
from flask import Flask
from sqlalchemy import select

from admin_views import VIEWS, auth
from common.actor import Actor
from common.enums import Role
from mentoring import access, signin
from models import User, Youth
from tests.conftest import Browser

PASSWORD = "Mentors-demo-2026"


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', html).group(1) or ""


@pytest.fixture()
def csrf_on(app: Flask, monkeypatch: Any) -> None:
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def test_post_without_csrf_token_is_refused(csrf_on: None, browser: Browser, demo_users: Any) -> None:
    response = browser.post("/login", data={"email": "liepaja@mentori.lv", "password": PASSWORD})
    assert response.status_code == 400
    assert "Veidlapas derīgums ir beidzies" in response.get_data(as_text=True)


def test_post_with_csrf_token_passes_and_delete_without_it_fails(
    csrf_on: None, browser: Browser, demo_users: Any, db: Any
) -> None:
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      browser.get("/login").get_data(as_text=True)).group(1)
    response = browser.post("/login", data={"email": "liepaja@mentori.lv", "password": PASSWORD,
                                            "csrf_token": token})
    assert response.status_code == 302
    youth = db.session.scalar(select(Youth).where(Youth.case_number.like("LIE-%")))
    for url, data in [("/admin/youth/delete/", {"id": youth.id}),
                      ("/admin/youth/action/", {"action": "delete", "rowid": youth.id}),
                      ("/admin/youth/new/", {"first_name": "X"}),
                      ("/logout", {}), ("/language/en", {})]:
        assert browser.post(url, data=data).status_code == 400, url
    assert db.session.get(Youth, youth.id) is not None


def hidden_cases() -> list[tuple[str, str, str]]:
    """(endpoint, column, role) for every special-category column hidden from a role."""
    cases = []
    for *_, endpoint in VIEWS:
        model = next(v[1] for v in VIEWS if v[-1] == endpoint)
        for column, roles in access.SENSITIVE_FOR.get(model, {}).items():
            for role in Role:
                if role not in roles and access.can(_Role(role), model, access.LIST):
                    cases.append((endpoint, column, role.value))
    return cases


def _Role(role: Role) -> Actor:  # noqa: N802
    return Actor(user_id=None, role=role)


@pytest.mark.parametrize(("endpoint", "column", "role"), hidden_cases())
def test_hidden_column_is_absent_everywhere(
    app: Flask, db: Any, demo_users: Any, endpoint: str, column: str, role: str
) -> None:
    user = db.session.scalar(select(User).where(User.role == role).order_by(User.id))
    model = next(v[1] for v in VIEWS if v[-1] == endpoint)
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == endpoint)
    label = str(view.column_labels.get(column, column))
    browser = Browser(app.test_client())
    browser.sign_in(user.email)
    pages = [browser.get(f"/admin/{endpoint}/")]
    first = re.search(rf"/admin/{endpoint}/details/\?id=(\d+)", pages[0].get_data(as_text=True))
    if first:
        pages.append(browser.get(f"/admin/{endpoint}/details/?id={first.group(1)}"))
        if access.can(Actor.of(user), model, access.EDIT):
            pages.append(browser.get(f"/admin/{endpoint}/edit/?id={first.group(1)}"))
    if access.can(Actor.of(user), model, access.CREATE):
        pages.append(browser.get(f"/admin/{endpoint}/new/"))
    if access.can(Actor.of(user), model, access.EXPORT):
        pages.append(browser.get(f"/admin/{endpoint}/export/csv/"))
    for page in pages:
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        assert f'name="{column}"' not in body
        assert f">{label}<" not in body and f",{label}," not in body and f"{label}," not in body[:500]
    if column == "personal_code":
        codes = db.session.scalars(select(Youth.personal_code).where(Youth.personal_code.is_not(None)))
        for page in pages:
            body = page.get_data(as_text=True)
            assert not [c for c in codes if c in body]


def test_sign_in_limit_triggers_and_lifts(browser: Browser, demo_users: Any, monkeypatch: Any) -> None:
    for _ in range(signin.MAX_FAILURES_PER_ACCOUNT):
        assert browser.sign_in("ogre@mentori.lv", "wrong-password-1").status_code == 200
    blocked = browser.sign_in("ogre@mentori.lv", PASSWORD)
    assert blocked.status_code == 429
    assert "Pārāk daudz neveiksmīgu" in blocked.get_data(as_text=True)
    later = dt.datetime.now(dt.UTC) + signin.WINDOW + dt.timedelta(minutes=1)
    monkeypatch.setattr(auth, "utcnow", lambda: later)
    assert browser.sign_in("ogre@mentori.lv", PASSWORD).status_code == 302


def test_sign_in_limit_per_address_spans_accounts(browser: Browser, demo_users: Any) -> None:
    for n in range(signin.MAX_FAILURES_PER_IP):
        browser.sign_in(f"nobody{n}@mentori.lv", "wrong-password-1")
    assert browser.sign_in("ogre@mentori.lv", PASSWORD).status_code == 429


def test_administrator_must_enrol_and_then_use_two_factor(
    app: Flask, db: Any, demo_users: Any
) -> None:
    # The demo template has the administrator enrolled; this test starts before enrolment.
    signin.disable_totp(demo_users["admin@mentori.lv"])
    db.session.commit()
    first = Browser(app.test_client())
    response = first.client.post("/login", data={"email": "admin@mentori.lv", "password": PASSWORD})
    assert response.headers["Location"].endswith("/login/two-factor/setup")
    assert first.get("/admin/youth/").status_code == 302  # not signed in until enrolled
    first.sign_in("admin@mentori.lv")
    assert first.get("/account").status_code == 200
    admin = db.session.scalar(select(User).where(User.email == "admin@mentori.lv"))
    assert admin.totp_enabled and len(admin.recovery_codes) == signin.RECOVERY_CODES

    second = Browser(app.test_client())
    response = second.client.post("/login", data={"email": "admin@mentori.lv", "password": PASSWORD})
    assert response.headers["Location"].endswith("/login/two-factor")
    wrong = second.post("/login/two-factor", data={"code": "000000"})
    assert "Kods nav derīgs." in wrong.get_data(as_text=True)
    # A code already used (by the enrolment) is refused: it cannot be replayed.
    used_step = admin.totp_last_step
    replay = pyotp.TOTP(admin.totp_secret).generate_otp(used_step)
    assert "Kods nav derīgs." in second.post(
        "/login/two-factor", data={"code": replay}).get_data(as_text=True)
    codes = signin.new_recovery_codes(admin)
    db.session.commit()
    ok = second.post("/login/two-factor", data={"code": codes[0]})
    assert ok.status_code == 302
    assert second.get("/admin/user/").status_code == 200
    third = Browser(app.test_client())
    third.client.post("/login", data={"email": "admin@mentori.lv", "password": PASSWORD})
    again = third.post("/login/two-factor", data={"code": codes[0]})
    assert "Kods nav derīgs." in again.get_data(as_text=True)


def test_two_factor_is_optional_for_staff(browser: Browser, demo_users: Any, db: Any) -> None:
    browser.sign_in("liepaja@mentori.lv")
    page = browser.get("/login/two-factor/setup").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page).group(1)
    done = browser.post("/login/two-factor/setup", data={"code": pyotp.TOTP(secret).now()})
    assert 'id="recovery-codes"' in done.get_data(as_text=True)
    assert "Set-Cookie" not in done.headers or secret not in done.headers["Set-Cookie"]
    user = db.session.scalar(select(User).where(User.email == "liepaja@mentori.lv"))
    assert user.totp_enabled
    assert browser.get("/admin/youth/").status_code == 200  # this session goes on
    # Re-enrolling, or turning it off without password and code, is refused.
    again = browser.get("/login/two-factor/setup")
    assert again.status_code == 302 and again.headers["Location"].endswith("/account")
    browser.post("/account", data={"action": "disable", "password": PASSWORD, "code": "000000"})
    assert db.session.get(User, user.id).totp_enabled
    codes = signin.new_recovery_codes(user)
    db.session.commit()
    browser.post("/account", data={"action": "disable", "password": PASSWORD, "code": codes[0]})
    assert not db.session.get(User, user.id).totp_enabled


def test_pending_two_factor_cannot_re_enrol(app: Flask, db: Any, demo_users: Any) -> None:
    first = Browser(app.test_client())
    first.sign_in("admin@mentori.lv")
    admin = db.session.scalar(select(User).where(User.email == "admin@mentori.lv"))
    secret = admin.totp_secret
    attacker = Browser(app.test_client())
    attacker.client.post("/login", data={"email": "admin@mentori.lv", "password": PASSWORD})
    setup = attacker.get("/login/two-factor/setup")
    assert setup.status_code == 302 and setup.headers["Location"].endswith("/login/two-factor")
    assert attacker.get("/admin/youth/").status_code == 302
    assert db.session.get(User, admin.id).totp_secret == secret


def test_failed_codes_are_not_forgiven_by_the_password(
    app: Flask, db: Any, demo_users: Any
) -> None:
    browser = Browser(app.test_client())  # the administrator is enrolled in the demo
    for _ in range(signin.MAX_FAILURES_PER_ACCOUNT):
        browser.client.post("/login", data={"email": "admin@mentori.lv", "password": PASSWORD})
        browser.post("/login/two-factor", data={"code": "000000"})
    browser.client.post("/login", data={"email": "admin@mentori.lv", "password": PASSWORD})
    admin = db.session.scalar(select(User).where(User.email == "admin@mentori.lv"))
    blocked = browser.post("/login/two-factor", data={"code": pyotp.TOTP(admin.totp_secret).now()})
    assert "Pārāk daudz neveiksmīgu" in blocked.get_data(as_text=True)


def test_deactivation_and_password_change_end_sessions(
    app: Flask, browser: Browser, demo_users: Any, db: Any
) -> None:
    browser.sign_in("kgac@mentori.lv")
    assert browser.get("/admin/mentor/").status_code == 200
    user = db.session.scalar(select(User).where(User.email == "kgac@mentori.lv"))
    user.session_version += 1  # what set-password does
    db.session.commit()
    assert browser.get("/admin/mentor/").status_code == 302
    browser.sign_in("kgac@mentori.lv")
    assert browser.get("/admin/mentor/").status_code == 200
    user = db.session.get(User, user.id)
    user.active = False
    db.session.commit()
    assert browser.get("/admin/mentor/").status_code == 302
    assert browser.sign_in("kgac@mentori.lv").status_code == 200  # refused, generic message


def test_idle_and_absolute_timeouts(browser: Browser, demo_users: Any, monkeypatch: Any,
                                    app: Flask) -> None:
    browser.sign_in("hoh@mentori.lv")
    assert browser.get("/admin/pair/").status_code == 200
    real = time.time

    class Clock:
        offset = 0.0

        @staticmethod
        def time() -> float:
            return real() + Clock.offset

    monkeypatch.setattr(auth, "time", Clock)
    Clock.offset = (app.config["IDLE_MINUTES"] - 1) * 60
    assert browser.get("/admin/pair/").status_code == 200  # activity keeps it alive
    Clock.offset += (app.config["IDLE_MINUTES"] + 1) * 60
    response = browser.get("/admin/pair/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    browser.sign_in("hoh@mentori.lv")
    lifetime = app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    steps = int(lifetime // ((app.config["IDLE_MINUTES"] - 1) * 60)) + 1
    for _ in range(steps):  # active all day long still ends at the absolute limit
        Clock.offset += (app.config["IDLE_MINUTES"] - 1) * 60
        last = browser.get("/admin/pair/")
    assert last.status_code == 302


def test_security_headers_and_nonce(browser: Browser, demo_users: Any) -> None:
    browser.sign_in("liepaja@mentori.lv")
    response = browser.get("/admin/youth/")
    csp = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp).group(1)
    body = response.get_data(as_text=True)
    assert "frame-ancestors 'none'" in csp and "'unsafe-inline'" not in csp.split("style-src")[0]
    assert f'nonce="{nonce}"' in body
    assert "onclick=" not in body  # handlers are bound by static/mentoring.js instead
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


def test_cookie_flags(app: Flask) -> None:
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    from config import DefaultConfig

    assert DefaultConfig.SESSION_COOKIE_SECURE is True  # production default


def test_forbidden_page_is_translated(browser: Browser, demo_users: Any) -> None:
    browser.sign_in("mentors@mentori.lv")
    response = browser.get("/admin/youth/")
    assert response.status_code == 403
    assert "Piekļuve liegta" in response.get_data(as_text=True)
    missing = browser.get("/admin/pair/details/?id=999999")
    assert missing.status_code == 404
    assert "Nav atrasts" in missing.get_data(as_text=True)


def test_mentor_edits_own_entry_only_until_approved(
    app: Flask, browser: Browser, demo_users: Any, db: Any
) -> None:
    from common.enums import EntryStatus
    from models import Pair, ServiceEntry

    mentor_user = db.session.scalar(select(User).where(User.email == "mentors@mentori.lv"))
    entries = db.session.scalars(select(ServiceEntry).join(Pair).where(
        Pair.mentor_id == mentor_user.mentor_id)).all()
    logged = next(e for e in entries if e.status == EntryStatus.logged)
    approved = next(e for e in entries if e.status == EntryStatus.approved)
    invoiced = next((e for e in entries if e.status == EntryStatus.invoiced), None)
    browser.sign_in("mentors@mentori.lv")
    assert browser.get(f"/admin/service_entry/edit/?id={logged.id}").status_code == 200
    assert browser.get(f"/admin/service_entry/edit/?id={approved.id}").status_code == 403
    if invoiced is not None:
        assert browser.get(f"/admin/service_entry/edit/?id={invoiced.id}").status_code == 403
