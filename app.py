"""The application factory; ``flask --app app`` finds the module-level ``app``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, has_request_context, session
from flask_babel import Babel, refresh
from flask_login import current_user
from flask_migrate import Migrate
from flask_wtf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from config import ROOT, DefaultConfig, normalise_database_url

TRANSLATIONS = ROOT / "translations"

babel = Babel()
csrf = CSRFProtect()
migrate = Migrate()


def select_locale() -> str:
    """The signed-in user's language, else the one chosen in this session, else Latvian."""
    languages = ("lv", "en")
    if not has_request_context():
        return "lv"
    if current_user and current_user.is_authenticated:
        return str(current_user.language.value)
    chosen = session.get("language")
    if chosen in languages:
        return str(chosen)
    return "lv"


def create_app(config: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "admin_views" / "templates"),
        static_folder=str(ROOT / "admin_views" / "static"),
    )
    app.config.from_object(DefaultConfig)
    if config:
        app.config.update(config)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    _check_secret(app)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # The client's address and https as the proxy saw them (audit, limits, HSTS).
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    Path(app.instance_path).mkdir(exist_ok=True)

    from mentoring import rules
    from models import db
    from models.base import SQLITE as sqlite_settings
    from models.base import CheckedSession

    # WAL for every served database; the tests restore a throwaway copy before each test,
    # which a write-ahead log only slows (their served copies, started as in production, use it).
    sqlite_settings["wal"] = bool(app.config.get("SQLITE_WAL", not app.testing))
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(TRANSLATIONS),
        default_timezone="Europe/Riga",
    )
    csrf.init_app(app)
    rules.install(CheckedSession)

    from admin_views import assets, auth, init_admin, public, reminder_links, security
    from admin_views.formatting import register_template_filters
    from mentoring.cli import register_cli

    auth.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    public.init_app(app)
    init_admin(app)
    register_template_filters(app)
    register_cli(app, reminder_links)

    @app.before_request
    def _fresh_locale() -> None:
        # Flask-Babel caches the locale on the app context; tests reuse one across requests.
        refresh()

    @app.context_processor
    def _locale() -> dict[str, Any]:
        from admin_views.formatting import locale

        return {"current_locale": locale}

    return app


def _check_secret(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    if app.config.get("TESTING") or app.config.get("ENVIRONMENT") == "development":
        app.config["SECRET_KEY"] = _development_secret(Path(app.instance_path))
        app.config["SESSION_COOKIE_SECURE"] = False
        return
    raise RuntimeError("SECRET_KEY must be set outside development and tests.")


def _development_secret(instance: Path) -> str:
    """A random key kept under instance/ so development sessions survive restarts."""
    import secrets

    instance.mkdir(exist_ok=True)
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
    return key_file.read_text().strip()


def _module_app() -> Flask | None:
    import os

    # `flask --app app …` and gunicorn `app:app` both use this; imports in tests do not.
    if os.environ.get("MENTORING_NO_MODULE_APP"):
        return None
    return create_app()


app = _module_app()
