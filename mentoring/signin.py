"""Sign-in throttling and two-factor codes (TOTP with recovery codes).

Failed attempts are counted in the database per account and per IP address over a sliding
window, so the limit holds across gunicorn workers and lifts by itself: a legitimate user is
kept out for at most ``WINDOW``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

import pyotp
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from models import SignInAttempt, User

WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_IP = 20
RECOVERY_CODES = 10
ISSUER = "Mentoru pakalpojums"


def _failures_since(db: Session, column: Any, value: str, since: dt.datetime) -> list[dt.datetime]:
    return list(db.scalars(
        select(SignInAttempt.at)
        .where(column == value, SignInAttempt.success.is_(False), SignInAttempt.at >= since)
        .order_by(SignInAttempt.at.desc())
    ))


def minutes_blocked(db: Session, email: str, ip: str, now: dt.datetime) -> int:
    """Minutes until this account or address may try again; 0 when it may try now."""
    since = now - WINDOW
    waits = []
    for column, value, limit in (
        (SignInAttempt.email, email.lower(), MAX_FAILURES_PER_ACCOUNT),
        (SignInAttempt.ip, ip, MAX_FAILURES_PER_IP),
    ):
        failures = _failures_since(db, column, value, since)
        if len(failures) >= limit:
            oldest_counted = _aware(failures[limit - 1])
            waits.append(oldest_counted + WINDOW - now)
    if not waits:
        return 0
    return max(1, int(max(waits).total_seconds() // 60) + 1)


def record_attempt(db: Session, email: str, ip: str, success: bool, now: dt.datetime) -> None:
    db.add(SignInAttempt(email=email.lower(), ip=ip, success=success, at=now))
    if success:
        # A successful sign-in forgives the account's earlier failures.
        db.execute(delete(SignInAttempt).where(
            SignInAttempt.email == email.lower(), SignInAttempt.success.is_(False)
        ))
    # Old rows have no further use.
    db.execute(delete(SignInAttempt).where(SignInAttempt.at < now - 4 * WINDOW))


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


# -- two-factor ----------------------------------------------------------------------------
def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def verify_totp(user: User, code: str, secret: str | None = None) -> bool:
    """Check a 6-digit code (one step of clock drift allowed); a used step cannot repeat."""
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
            user.totp_last_step = candidate
            return True
    return False


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Give ``user`` fresh recovery codes; only their hashes are stored."""
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    user.recovery_codes = [_hash_code(c) for c in codes]
    return codes


def use_recovery_code(user: User, code: str) -> bool:
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
