"""Sign-in (with throttling and two-factor codes), sign-out, session timeouts, language switch."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urljoin, urlsplit

import segno
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import func, select
from werkzeug.wrappers import Response
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, Length

from common.actor import Actor
from common.clock import today
from common.enums import Language, Role
from common.i18n import _, _l
from mentoring import audit, signin
from mentoring.passwords import verify_password
from models import User, db
from models.base import utcnow

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to continue.")
login_manager.login_message_category = "info"

PENDING = "pending_2fa"
PENDING_SECONDS = 300


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """Load by ``id:session_version``; a bumped version ends every copied session."""
    try:
        user_id, version = (int(part) for part in token.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_version != version:
        return None
    return user


class SignInForm(FlaskForm):
    email = EmailField(
        _l("E-mail"), validators=[DataRequired(), Email(), Length(max=120)],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code"), validators=[DataRequired(), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True},
    )


def safe_next(target: str | None) -> str | None:
    """Only same-origin paths; anything pointing elsewhere is dropped."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    url = urlsplit(urljoin(request.host_url, target))
    if url.netloc != urlsplit(request.host_url).netloc:
        return None
    return target


def two_factor_required(user: User) -> bool:
    policy = current_app.config.get("TWO_FACTOR_REQUIRED", "admins")
    if policy == "staff":
        return True
    return policy == "admins" and user.role == Role.admin


def _client_ip() -> str:
    return request.remote_addr or ""


def _complete_sign_in(user: User, target: str | None) -> Response:
    session.pop(PENDING, None)
    session.permanent = True
    user.last_login_at = utcnow()
    login_user(user)
    now = int(time.time())
    session["signed_in_at"] = now
    session["last_seen"] = now
    audit.record(db.session(), Actor.of(user, _client_ip()), "sign_in", user)
    db.session.commit()
    return redirect(safe_next(target) or url_for("admin.index"))


def _pending_user() -> User | None:
    pending = session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    user = db.session.get(User, pending["user"])
    if user is None or not user.active or user.session_version != pending["version"]:
        return None
    return user


def _login_page(form: Any) -> Any:
    """The sign-in form, with the public forms open today (people without an account)."""
    from admin_views.public import open_forms

    rounds, requests = open_forms(today())
    return render_template("mentoring/login.html", form=form, open_rounds=rounds,
                           request_forms=requests)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = SignInForm()
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        attempt, wait = signin.begin_attempt(db.session(), email, _client_ip(), utcnow())
        if attempt is None:
            _audit_failure(email, "sign_in.blocked")
            db.session.commit()
            return _blocked(form, wait, "mentoring/login.html")
        db.session.commit()  # the claim is counted by parallel attempts from here on
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        # Checked even without an account (against a stand-in): the time tells nothing.
        right = verify_password(user.password_hash if user else None, form.password.data or "")
        ok = right and user is not None and user.active
        needs_code = ok and user is not None and (user.totp_enabled or two_factor_required(user))
        # A password alone clears earlier failures only when it completes the sign-in;
        # otherwise failed codes would be forgiven by entering the password again.
        signin.finish_attempt(db.session(), attempt, "failed" if not ok else
                              "continues" if needs_code else "succeeded")
        if not ok or user is None:
            _audit_failure(email, "sign_in.failed")
            db.session.commit()
            # One message for every failure: it must not tell which e-mails exist.
            flash(_("Wrong e-mail or password."), "error")
            return _login_page(form)
        db.session.commit()
        target = request.args.get("next")
        if needs_code:
            session.clear()  # nothing from before sign-in carries over
            session[PENDING] = {"user": user.id, "version": user.session_version,
                                "next": safe_next(target), "at": int(time.time())}
            if user.totp_enabled:
                return redirect(url_for("auth.two_factor"))
            return redirect(url_for("auth.two_factor_setup"))
        return _complete_sign_in(user, target)
    return _login_page(form)


def _blocked(form: Any, wait: int, template: str) -> Any:
    flash(_("Too many failed sign-in attempts. Try again in %(minutes)d min.", minutes=wait),
          "error")
    return render_template(template, form=form), 429


def _audit_failure(email: str, action: str) -> None:
    """Failed and refused sign-ins stay in the audit log (the attempt counter forgets)."""
    audit.record(db.session(), Actor.of(None, _client_ip()), action, model="User",
                 changes={"email": email[:120]})


@bp.route("/login/two-factor", methods=["GET", "POST"])
def two_factor() -> Any:
    user = _pending_user()
    if user is None or not user.totp_enabled:
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        attempt, wait = signin.begin_attempt(db.session(), user.email, _client_ip(), utcnow())
        if attempt is None:
            _audit_failure(user.email, "sign_in.blocked")
            db.session.commit()
            return _blocked(form, wait, "mentoring/two_factor.html")
        db.session.commit()
        code = form.code.data or ""
        ok = (signin.verify_totp(db.session(), user, code)
              or signin.use_recovery_code(db.session(), user, code))
        signin.finish_attempt(db.session(), attempt, "succeeded" if ok else "failed")
        if ok:
            db.session.commit()
            return _complete_sign_in(user, session[PENDING].get("next"))
        _audit_failure(user.email, "sign_in.failed_code")
        db.session.commit()
        form.code.errors = [_("The code is not valid.")]
    return render_template("mentoring/two_factor.html", form=form)


def _qr_svg(uri: str) -> Markup:
    return Markup(segno.make(uri, error="m").svg_inline(scale=4, title=_("QR code")))


@bp.route("/login/two-factor/setup", methods=["GET", "POST"])
def two_factor_setup() -> Any:
    """Enrol an authenticator app: during sign-in when required, or from the account page.

    Only for a user without two-factor sign-in: changing the app means turning it off first,
    which asks for the password and a current code. The key being enrolled is kept on the
    user's record (never in the cookie) until a code proves the app has it.
    """
    signed_in = current_user.is_authenticated
    user = db.session.get(User, current_user.id) if signed_in else _pending_user()
    if user is None:
        return redirect(url_for("auth.login"))
    if user.totp_enabled:
        return redirect(url_for("auth.account") if signed_in else url_for("auth.two_factor"))
    if not user.totp_secret:
        user.totp_secret = signin.new_secret()
        db.session.commit()
    form = CodeForm()
    if form.validate_on_submit():
        if signin.verify_totp(db.session(), user, form.code.data or "", secret=user.totp_secret):
            codes = signin.enable_totp(user, user.totp_secret)
            user.session_version += 1  # other sessions of this user end here
            audit.record(db.session(), Actor.of(user, _client_ip()), "two_factor.enabled", user)
            db.session.commit()
            target = session.get(PENDING, {}).get("next")
            if signed_in:
                login_user(user)  # this session continues under the new version
            else:
                _complete_sign_in(user, target)
            return render_template("mentoring/recovery_codes.html", codes=codes)
        form.code.errors = [_("The code is not valid.")]
    uri = signin.provisioning_uri(user, user.totp_secret)
    return render_template("mentoring/two_factor_setup.html", form=form,
                           secret=user.totp_secret, qr=_qr_svg(uri),
                           required=two_factor_required(user))


class ConfirmForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> Any:
    """Two-factor status; turning it off or renewing codes asks for the password and a code."""
    user = db.session.get(User, current_user.id)
    assert user is not None
    form = ConfirmForm()
    action = request.form.get("action")
    if request.method == "POST" and action in {"disable", "new_codes"} and user.totp_enabled:
        if form.validate_on_submit():
            confirmed = verify_password(user.password_hash, form.password.data or "") and (
                signin.verify_totp(db.session(), user, form.code.data or "")
                or signin.use_recovery_code(db.session(), user, form.code.data or ""))
            if not confirmed:
                form.code.errors = [_("The password or the code is not valid.")]
            elif action == "disable" and not two_factor_required(user):
                signin.disable_totp(user)
                user.session_version += 1
                audit.record(db.session(), Actor.of(user, _client_ip()), "two_factor.disabled", user)
                db.session.commit()
                login_user(user)
                flash(_("Two-factor sign-in is off."), "info")
                return redirect(url_for("auth.account"))
            elif action == "new_codes":
                codes = signin.new_recovery_codes(user)
                audit.record(db.session(), Actor.of(user, _client_ip()), "two_factor.new_codes", user)
                db.session.commit()
                return render_template("mentoring/recovery_codes.html", codes=codes)
        db.session.commit()
    return render_template("mentoring/account.html", user=user, form=form,
                           required=two_factor_required(user))


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    user = db.session.get(User, current_user.id)
    assert user is not None
    user.session_version += 1
    audit.record(db.session(), Actor.of(user, _client_ip()), "sign_out", user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str) -> Response:
    try:
        language = Language(code)
    except ValueError:
        abort(404)
    session["language"] = language.value
    if current_user.is_authenticated:
        user = db.session.get(User, current_user.id)
        assert user is not None
        user.language = language
        db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("admin.index"))


@bp.route("/")
def root() -> Response:
    return redirect(url_for("admin.index"))


def enforce_session_timeouts() -> Response | None:
    """End a sign-in that has been idle too long or has lived past its absolute lifetime.
    The public forms neither use a sign-in nor keep one alive."""
    if (request.blueprint == "public" or request.endpoint == "static"
            or not current_user.is_authenticated):
        return None
    now = int(time.time())
    idle = current_app.config["IDLE_MINUTES"] * 60
    lifetime = int(current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds())
    signed_in_at = session.get("signed_in_at", 0)
    last_seen = session.get("last_seen", 0)
    if now - last_seen > idle or now - signed_in_at > lifetime:
        logout_user()
        session.clear()
        flash(_("Your session has expired. Please sign in again."), "info")
        target = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("auth.login", next=target))
    session["last_seen"] = now
    return None


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.register_blueprint(bp)
    app.before_request(enforce_session_timeouts)
