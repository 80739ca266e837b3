"""Security headers, the CSP nonce and translated error pages."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from flask import (
    Flask,
    abort,
    current_app,
    g,
    make_response,
    render_template,
    request,
    session,
)
from flask_babel import force_locale
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import (
    DisconnectionError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

from common.i18n import _
from models import db


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return str(g.csp_nonce)


def _headers(response: Any) -> Any:
    nonce = csp_nonce()
    # Bootstrap and Select2 set inline style attributes; scripts need our nonce or origin.
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure:  # behind a proxy: with TRUSTED_PROXIES, from its X-Forwarded-Proto
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint not in {"static", "admin.static"}:
        # Pages, exports and look-ups carry personal data: never keep them in any cache.
        response.headers["Cache-Control"] = "no-store"
    return response


ERRORS: dict[int, tuple[Callable[[], str], Callable[[], str]]] = {
    400: (lambda: _("Bad request"), lambda: _("The request could not be understood.")),
    403: (lambda: _("Access denied"), lambda: _("You do not have permission to do this.")),
    404: (lambda: _("Not found"), lambda: _("This page or record does not exist.")),
    405: (lambda: _("Not allowed"), lambda: _("This action is not available here.")),
    429: (lambda: _("Too many requests"), lambda: _("Please wait a moment and try again.")),
    500: (lambda: _("Something went wrong"),
          lambda: _("The error has been logged. Please try again later.")),
}


def _error_page(error: HTTPException) -> Any:
    code = error.code or 500
    title, text = ERRORS.get(code, ERRORS[500])
    try:
        if code >= 500:
            # A failed flush leaves the session unusable; the page itself needs the
            # signed-in user (language, menu), so start over before rendering it.
            db.session.rollback()
        return render_template("mentoring/error.html", code=code, title=title(),
                               text=text()), code
    except SQLAlchemyError:
        return _unavailable(error)


RETRY_SECONDS = 30


def _unavailable(error: Exception) -> Any:
    """The database cannot be reached: a page that needs neither it nor the signed-in
    user, in the language of the session (or the browser), with ``Retry-After``."""
    chosen = session.get("language")
    language = chosen if chosen in ("lv", "en") else (
        request.accept_languages.best_match(["lv", "en"]) or "lv")
    with force_locale(language):
        # Straight from Jinja: Flask's context processors would load the signed-in user.
        html = current_app.jinja_env.get_template("mentoring/unavailable.html").render(
            language=language,
            title=_("The service is briefly unavailable"),
            text=_("The back office cannot reach its database just now. Nothing you saved "
                   "before is lost. Please try again in a minute."))
    response = make_response(html, 503)
    response.headers["Retry-After"] = str(RETRY_SECONDS)
    return response


def _csrf_error(error: CSRFError) -> Any:
    text = _("The form has expired or did not come from this site. Go back, reload the page "
             "and try again.")
    return render_template("mentoring/error.html", code=400, title=_("Bad request"),
                           text=text), 400


def _refuse_nul() -> None:
    """No text of this service holds a NUL character, and PostgreSQL refuses to store one:
    a request carrying one is refused as a whole before anything reads it."""
    values = [*request.args.values(), *request.form.values(), request.path]
    if any("\x00" in value for value in values):
        abort(400)


def init_app(app: Flask) -> None:
    app.before_request(_refuse_nul)
    app.after_request(_headers)
    app.register_error_handler(CSRFError, _csrf_error)
    for code in ERRORS:
        app.register_error_handler(code, _error_page)
    # Also when loading the signed-in user fails, before any view runs.
    for failure in (OperationalError, InterfaceError, DisconnectionError, PoolTimeout):
        app.register_error_handler(failure, _unavailable)
