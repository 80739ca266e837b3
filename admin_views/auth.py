"""Sign-in, sign-out and the language switch."""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.wrappers import Response
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length

from mentoring import audit
from mentoring.enums import Language
from mentoring.i18n import _, _l
from mentoring.passwords import verify_password
from models import User, db
from models.base import utcnow

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to continue.")
login_manager.login_message_category = "info"


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


def safe_next(target: str | None) -> str | None:
    """Only same-origin paths; anything pointing elsewhere is dropped."""
    if not target:
        return None
    host_url = urlsplit(request.host_url)
    url = urlsplit(urljoin(request.host_url, target))
    if url.scheme in {"http", "https"} and url.netloc == host_url.netloc and target.startswith("/") \
            and not target.startswith("//"):
        return target
    return None


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = SignInForm()
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None or not user.active or not verify_password(
            user.password_hash, form.password.data or ""
        ):
            # One message for every failure: it must not tell which e-mails exist.
            flash(_("Wrong e-mail or password."), "error")
        else:
            user.last_login_at = utcnow()
            session.permanent = True
            login_user(user)
            audit.record(db.session, user, "sign_in", user, ip=request.remote_addr)
            db.session.commit()
            return redirect(safe_next(request.args.get("next")) or url_for("admin.index"))
    return render_template("mentoring/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    user = db.session.get(User, current_user.id)
    assert user is not None
    user.session_version += 1
    audit.record(db.session, user, "sign_out", user, ip=request.remote_addr)
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


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.register_blueprint(bp)
