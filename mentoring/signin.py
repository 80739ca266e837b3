"""Sign-in throttling and two-factor codes (TOTP with recovery codes).

Failed attempts are counted in the database per account and per IP address over a sliding
window, so the limit holds across gunicorn workers and lifts by itself: a legitimate user is
kept out for at most ``WINDOW``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any, cast

import pyotp
from sqlalchemy import CursorResult, delete, func, or_, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from models import SignInAttempt, User

WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_IP = 20
RECOVERY_CODES = 10
ISSUER = "Mentoru pakalpojums"


def _failures_since(db: Session, column: Any, value: str, since: dt.datetime,
                    before: int | None = None) -> list[dt.datetime]:
    query = (select(SignInAttempt.at)
             .where(column == value, SignInAttempt.success.is_(False), SignInAttempt.at >= since)
             .order_by(SignInAttempt.at.desc()))
    if before is not None:
        query = query.where(SignInAttempt.id < before)
    return list(db.scalars(query))


def minutes_blocked(db: Session, email: str, ip: str, now: dt.datetime,
                    before: int | None = None) -> int:
    """Minutes until this account or address may try again; 0 when it may try now.
    ``before``: count only the attempts claimed before that one."""
    since = now - WINDOW
    waits = []
    for column, value, limit in (
        (SignInAttempt.email, email.lower(), MAX_FAILURES_PER_ACCOUNT),
        (SignInAttempt.ip, ip, MAX_FAILURES_PER_IP),
    ):
        failures = _failures_since(db, column, value, since, before)
        if len(failures) >= limit:
            oldest_counted = _aware(failures[limit - 1])
            waits.append(oldest_counted + WINDOW - now)
    if not waits:
        return 0
    return max(1, int(max(waits).total_seconds() // 60) + 1)


def begin_attempt(db: Session, email: str, ip: str, now: dt.datetime
                  ) -> tuple[SignInAttempt | None, int]:
    """Claim a place in the account's and the address's count before the password (or code)
    is looked at: the attempt is stored as a failure first, serialised with any parallel
    attempt for the same account or address, then the earlier failures are counted — so
    parallel requests can never get more evaluations than the limit allows.

    Returns the attempt to pass to ``finish_attempt``, and the minutes the sign-in stays
    blocked; when blocked, nothing is stored and the attempt is None.
    """
    _serialise(db, f"sign-in:{email.lower()}", f"sign-in-ip:{ip}")
    attempt = SignInAttempt(email=email.lower(), ip=ip, success=False, at=now)
    db.add(attempt)
    db.flush()
    wait = minutes_blocked(db, email, ip, now, before=attempt.id)
    if wait:
        db.delete(attempt)
        db.flush()
        return None, wait
    return attempt, 0


def finish_attempt(db: Session, attempt: SignInAttempt, outcome: str) -> None:
    """``failed`` keeps the claimed failure; ``succeeded`` forgives the account's earlier
    failures; ``continues`` (a right password, a code still to come) counts neither way."""
    email, at = attempt.email, attempt.at
    if outcome == "continues":
        db.delete(attempt)
    elif outcome == "succeeded":
        attempt.success = True
        db.execute(delete(SignInAttempt).where(
            SignInAttempt.email == email, SignInAttempt.success.is_(False),
            SignInAttempt.id != attempt.id))
    # Old rows have no further use here (the audit log keeps every failed sign-in).
    db.execute(delete(SignInAttempt).where(SignInAttempt.at < at - 4 * WINDOW))
    db.flush()


def _serialise(db: Session, *keys: str) -> None:
    """Hold the transaction's lock on each key until it commits. PostgreSQL: advisory locks
    (always taken in the same order, so no deadlock). SQLite needs none: the write that
    follows takes the database's single write lock for the rest of the transaction."""
    if db.get_bind().dialect.name == "postgresql":
        for key in keys:
            db.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})


def lock_user(db: Session, user: User) -> None:
    """Take the user's row for this transaction and read it afresh, so two requests cannot
    both use one code (PostgreSQL: a row lock; SQLite: the database's write lock)."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(select(User.id).where(User.id == user.id).with_for_update())
    else:
        db.execute(update(User).where(User.id == user.id).values(id=User.id))
    db.refresh(user)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


# -- two-factor ----------------------------------------------------------------------------
def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def verify_totp(db: Session, user: User, code: str, secret: str | None = None) -> bool:
    """Check a 6-digit code (one step of clock drift allowed). The step it belongs to is
    claimed in one statement, so a code works once even when sent twice in parallel."""
    secret = secret or user.totp_secret
    code = code.replace(" ", "")
    if not secret or not code.isdigit():
        return False
    totp = pyotp.TOTP(secret)
    now = dt.datetime.now(dt.UTC)
    step = int(now.timestamp()) // totp.interval
    for candidate in (step, step - 1, step + 1):
        if user.totp_last_step is not None and candidate <= user.totp_last_step:
            continue
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            claimed = cast(CursorResult[Any], db.execute(
                update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None),
                                                          User.totp_last_step < candidate))
                .values(totp_last_step=candidate).execution_options(synchronize_session=False)))
            if claimed.rowcount != 1:
                return False  # another request used this step a moment ago
            set_committed_value(user, "totp_last_step", candidate)
            return True
    return False


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Give ``user`` fresh recovery codes; only their hashes are stored."""
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    user.recovery_codes = [_hash_code(c) for c in codes]
    return codes


def use_recovery_code(db: Session, user: User, code: str) -> bool:
    """Spend one recovery code; the user's row is locked first, so it is spent once."""
    lock_user(db, user)
    digest = _hash_code(code)
    if digest in (user.recovery_codes or []):
        user.recovery_codes = [c for c in user.recovery_codes if c != digest]
        return True
    return False


def enable_totp(user: User, secret: str) -> list[str]:
    user.totp_secret = secret
    user.totp_enabled = True
    return new_recovery_codes(user)


def disable_totp(user: User) -> None:
    """Turn two-factor sign-in off and forget the key and recovery codes."""
    user.totp_secret = None
    user.totp_enabled = False
    user.totp_last_step = None
    user.recovery_codes = []


def count_attempts(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(SignInAttempt)) or 0
