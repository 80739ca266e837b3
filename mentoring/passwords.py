"""Password hashing with argon2id and the password rules."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from common.errors import RuleViolation
from common.i18n import _l

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


def use_fast_hashing() -> None:
    """Cheap argon2id parameters for the test suite only; never call this in production."""
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

MIN_LENGTH = 12


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_password_rules(password: str, email: str) -> None:
    """Raise ``RuleViolation`` when ``password`` is too short or is the e-mail itself."""
    if len(password) < MIN_LENGTH:
        raise RuleViolation(
            _l("The password must be at least %(n)d characters long.", n=MIN_LENGTH), "password"
        )
    if password.strip().lower() in {email.lower(), email.split("@")[0].lower()}:
        raise RuleViolation(_l("The password must not be your e-mail address."), "password")
