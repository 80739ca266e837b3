"""Configuration: defaults, overridden by environment variables, overridden by the caller."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from common.databases import normalise_database_url

__all__ = ["ROOT", "DefaultConfig", "normalise_database_url"]

ROOT = Path(__file__).resolve().parent


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


class DefaultConfig:
    # "development" for `make run`; anything else is production and needs a real SECRET_KEY.
    ENVIRONMENT = os.environ.get("MENTORING_ENV", "production")
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'mentoring.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "lv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Riga"
    LANGUAGES = ("lv", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    PERMANENT_SESSION_LIFETIME = dt.timedelta(hours=int(os.environ.get("SESSION_HOURS", "8")))
    IDLE_MINUTES = int(os.environ.get("IDLE_MINUTES", "30"))
    # "admins" (default), "staff" (every user) or "none" (tests of other features only).
    TWO_FACTOR_REQUIRED = os.environ.get("TWO_FACTOR_REQUIRED", "admins")
    WTF_CSRF_TIME_LIMIT = None  # the session lifetime bounds the token
    FLASK_ADMIN_SWATCH = "default"
    PAGE_SIZE = 25
    # Reminder e-mails (`flask --app app reminders`): the SMTP server and the sender.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_STARTTLS = _bool("MAIL_STARTTLS", False)
    MAIL_SSL = _bool("MAIL_SSL", False)
    MAIL_FROM = os.environ.get("MAIL_FROM", "mentori@localhost")
    # Reverse proxies in front of the app (TLS terminated there): how many X-Forwarded-*
    # hops to trust for the client's address and the scheme. 0: none, the app is reached
    # directly. Wrong here means wrong addresses in the audit and the per-address limits.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # The address people open the back office at, for the links in e-mails.
    APP_URL = os.environ.get("APP_URL", "http://127.0.0.1:5000")
    # Documents attached to records: a directory outside the web root by default, or an
    # S3-compatible bucket when DOCUMENTS_S3_BUCKET is set (several application servers).
    DOCUMENTS_DIR = os.environ.get("DOCUMENTS_DIR", str(ROOT / "instance" / "documents"))
    DOCUMENTS_MAX_MB = int(os.environ.get("DOCUMENTS_MAX_MB", "10"))
    # No request body larger than a document and its form (nothing bigger is buffered).
    MAX_CONTENT_LENGTH = (DOCUMENTS_MAX_MB + 2) * 1024 * 1024
    DOCUMENTS_S3_URL = os.environ.get("DOCUMENTS_S3_URL", "")
    DOCUMENTS_S3_BUCKET = os.environ.get("DOCUMENTS_S3_BUCKET", "")
    DOCUMENTS_S3_KEY = os.environ.get("DOCUMENTS_S3_KEY", "")
    DOCUMENTS_S3_SECRET = os.environ.get("DOCUMENTS_S3_SECRET", "")
    DOCUMENTS_S3_REGION = os.environ.get("DOCUMENTS_S3_REGION", "us-east-1")
