"""Sign-in under parallel requests: the attempt limit and one-time codes hold (finding 5),
and an unknown account costs a password check too (finding 4). Both databases."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

import pyotp
from sqlalchemy import func, select

from mentoring import passwords, signin
from models import SignInAttempt, User
from models.base import CheckedSession
from tests.databases import ADMIN_TOTP_SECRET


def in_parallel(db: Any, count: int, work: Callable[[Any, int], Any]) -> list[Any]:
    """Run ``work(session, n)`` in ``count`` threads started together, each in a session
    of its own that it commits; the results in thread order."""
    results: list[Any] = [None] * count
    barrier = threading.Barrier(count)
    engine = db.engine

    def run(n: int) -> None:
        with CheckedSession(engine) as session:
            barrier.wait()
            try:
                results[n] = work(session, n)
                session.commit()
            except Exception as exc:  # shown by the assertion that follows
                results[n] = exc
    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_parallel_wrong_passwords_are_never_evaluated_beyond_the_limit(db: Any) -> None:
    now = dt.datetime.now(dt.UTC)

    def attempt(session: Any, n: int) -> bool:
        claimed, _wait = signin.begin_attempt(session, "anna@ogre.lv", f"10.0.0.{n}", now)
        session.commit()
        if claimed is None:
            return False
        time.sleep(0.05)  # the password check
        signin.finish_attempt(session, claimed, "failed")
        return True

    evaluated = in_parallel(db, 12, attempt)
    assert evaluated.count(True) == signin.MAX_FAILURES_PER_ACCOUNT, evaluated
    assert db.session.scalar(select(func.count()).select_from(SignInAttempt).where(
        SignInAttempt.email == "anna@ogre.lv")) == signin.MAX_FAILURES_PER_ACCOUNT


def test_a_code_sent_twice_in_parallel_works_once(db: Any, demo_users: Any) -> None:
    admin_id = demo_users["admin@mentori.lv"].id
    code = pyotp.TOTP(ADMIN_TOTP_SECRET).now()

    def use(session: Any, n: int) -> bool:
        return signin.verify_totp(session, session.get(User, admin_id), code)

    assert sorted(in_parallel(db, 2, use)) == [False, True]


def test_recovery_code_sent_twice_in_parallel_works_once(db: Any, demo_users: Any) -> None:
    admin = demo_users["admin@mentori.lv"]
    codes = signin.new_recovery_codes(admin)
    db.session.commit()
    admin_id = admin.id

    def use(session: Any, n: int) -> bool:
        return signin.use_recovery_code(session, session.get(User, admin_id), codes[0])

    assert sorted(in_parallel(db, 2, use)) == [False, True]


def test_an_unknown_account_costs_a_password_check(monkeypatch: Any) -> None:
    checked: list[str] = []
    real = passwords._hasher

    class Counting:
        def hash(self, password: str) -> str:
            return real.hash(password)

        def verify(self, hash_: str, password: str) -> bool:
            checked.append(hash_)
            return bool(real.verify(hash_, password))

    monkeypatch.setattr(passwords, "_hasher", Counting())
    monkeypatch.setattr(passwords, "_dummy_hash", None)
    assert passwords.verify_password(None, "Mentors-demo-2026") is False
    assert passwords.verify_password("", "") is False
    assert len(checked) == 2  # the stand-in hash was verified each time
