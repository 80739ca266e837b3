"""Password hashing with argon2id and the password rules."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from common.errors import RuleViolation
from common.i18n import _l

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
_dummy_hash: str | None = None

MIN_LENGTH = 12
# zxcvbn's scale 0–4; 3 is "safely unguessable" against an offline attack of moderate means.
MIN_STRENGTH = 3


def use_fast_hashing() -> None:
    """Cheap argon2id parameters for the test suite only; never call this in production."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    _dummy_hash = None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; without a hash (an unknown account) the same work is
    done against a stand-in, so the answer takes as long and tells nothing."""
    global _dummy_hash
    if not password_hash:
        _dummy_hash = _dummy_hash or _hasher.hash("no account has this password")
        password_hash, password = _dummy_hash, password + "\0"  # never matches
        try:
            _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            pass
        return False
    try:
        return bool(_hasher.verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def check_password_rules(password: str, email: str, name: str = "") -> None:
    """Raise ``RuleViolation`` when ``password`` is too short, is the e-mail itself, or is
    common or easy to guess (zxcvbn's lists of leaked passwords, words, names, keyboard
    patterns and repeats, with the person's own e-mail and name counted as known words)."""
    if len(password) < MIN_LENGTH:
        raise RuleViolation(
            _l("The password must be at least %(n)d characters long.", n=MIN_LENGTH), "password"
        )
    if password.strip().lower() in {email.lower(), email.split("@")[0].lower()}:
        raise RuleViolation(_l("The password must not be your e-mail address."), "password")
    strength = zxcvbn(password[:100], user_inputs=[email, *email.split("@"), *name.split()])
    if strength["score"] < MIN_STRENGTH:
        raise RuleViolation(_l("This password is too easy to guess: it is common, or made of "
                               "a word, a name or a simple pattern. Use a longer phrase of "
                               "unrelated words."), "password")
