"""The pages people use without an account: a mentor's application for a recruitment
round (``/pieteikums/<round>``) and a youth's request for support (``/atbalsts/<form>``).

They use no staff session and reveal nothing about records: every accepted submission
gets the same answer. CSRF, a honeypot field and limits per address and per form (kept
in the database) hold off abuse; input is bounded field by field; the audit records that
a submission came, never its free text."""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import DateField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from admin_views.base import perform
from admin_views.forms import TranslatedForm
from common.actor import Actor
from common.clock import today
from common.enums import Education
from common.i18n import _, _l
from mentoring import mail, outcomes, public_limits, recruitment, referrals
from models import Locality, Programme, RecruitmentRound, db
from models.base import utcnow

bp = Blueprint("public", __name__)

EXPERIENCE = (
    ("non_formal", _l("Non-formal education")), ("schools", _l("Schools")),
    ("ngo", _l("Non-governmental organisations")), ("risk_groups", _l("Youth at risk")),
)


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _one_line(form: Any, field: Any) -> None:
    """Names and contacts are one line: no control characters (they would also break the
    confirmation e-mail's headers)."""
    if any(ord(ch) < 32 for ch in field.data or ""):
        raise ValidationError(_("Enter this on one line."))


LINE = {"filters": [_strip]}


def _born(form: Any, field: Any) -> None:
    if field.data is not None and not dt.date(1900, 1, 1) <= field.data <= today():
        raise ValidationError(_("Enter your date of birth (dd.mm.yyyy)."))


class Honeypot(StringField):
    """A field people never see; a form that fills it in is a robot's."""


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PublicForm(TranslatedForm):
    website = Honeypot(_l("Leave this empty"), validators=[Optional(), Length(max=200)])
    consent = BooleanField(validators=[DataRequired(_l("Agree to the processing of your data "
                                                       "to send the form."))])


class ApplicationForm(PublicForm):
    first_name = StringField(_l("First name"), validators=[
        DataRequired(), Length(max=80), _one_line], **LINE)
    last_name = StringField(_l("Last name"), validators=[
        DataRequired(), Length(max=80), _one_line], **LINE)
    birth_date = DateField(_l("Date of birth"), validators=[InputRequired(), _born])
    email = EmailField(_l("E-mail"), validators=[
        DataRequired(), Email(), Length(max=120)], **LINE)
    phone = StringField(_l("Phone"), validators=[
        DataRequired(), Length(min=6, max=40), _one_line], **LINE)
    locality = SelectField(_l("Where you live"), coerce=int, validators=[Optional()])
    education = RadioField(_l("Education"), choices=Education.choices(),
                           validators=[InputRequired(_l("Choose your education."))])
    experience_years = IntegerField(_l("Years of experience with young people"), default=0,
                                    validators=[InputRequired(), NumberRange(0, 80)])
    experience = MultiCheckboxField(_l("Where you have worked with young people"),
                                    choices=EXPERIENCE, validators=[Optional()])
    motivation = TextAreaField(_l("Why you want to be a mentor"),
                               validators=[DataRequired(), Length(min=20, max=3000)], **LINE)
    meetings_per_month = IntegerField(_l("Meetings a month you can give (at least 2)"),
                                      default=2, validators=[InputRequired(),
                                                             NumberRange(0, 31)])
    hours_per_month = IntegerField(_l("Hours a month you can give"), default=4,
                                   validators=[InputRequired(), NumberRange(0, 200)])
    in_person = BooleanField(_l("I can meet the young person in person"), default=True)
    languages = StringField(_l("Languages you speak"),
                            validators=[Length(max=200), _one_line], **LINE)
    interests = StringField(_l("Interests and hobbies"),
                            validators=[Length(max=300), _one_line], **LINE)


class RequestForm(PublicForm):
    first_name = StringField(_l("First name"), validators=[
        DataRequired(), Length(max=80), _one_line], **LINE)
    last_name = StringField(_l("Last name"), validators=[
        DataRequired(), Length(max=80), _one_line], **LINE)
    birth_date = DateField(_l("Date of birth"), validators=[InputRequired(), _born])
    phone = StringField(_l("Phone"), validators=[
        Optional(), Length(min=6, max=40), _one_line], **LINE)
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=120)], **LINE)
    help_with = TextAreaField(_l("What would you like help with?"),
                              validators=[DataRequired(), Length(max=1000)], **LINE)
    parent_name = StringField(_l("Parent's name (optional)"),
                              validators=[Length(max=160), _one_line], **LINE)
    parent_contact = StringField(_l("Parent's phone or e-mail (optional)"),
                                 validators=[Length(max=120), _one_line], **LINE)

    def validate_parent_contact(self, field: Any) -> None:
        value = field.data or ""
        if "@" in value:
            Email(_("Enter the parent's e-mail, or a phone number."))(self, field)
        elif len(value) > 40:
            raise ValidationError(_("A phone number has at most 40 characters."))

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.email.data or "").strip() and not (self.phone.data or "").strip():
            # Each is optional alone, so not an inline validator (Optional() stops those).
            self.phone.errors = [*self.phone.errors,
                                 _("Give a phone number or an e-mail, so we can reach you.")]
            return False
        return valid


def _ip() -> str:
    return request.remote_addr or ""


def _public_actor() -> Actor:
    return Actor.of(None, ip=_ip())  # nobody signed in is used, even when someone is


def _limited(form_key: str | None, contact: str) -> Any:
    """Count this post from its address (every post) or, with ``form_key``, a valid
    submission of that form; a polite page over a limit. Committed at once, so the count
    holds while the rest is checked."""
    if form_key is None:
        allowed = public_limits.allow_address(db.session(), _ip(), utcnow())
    else:
        allowed = public_limits.allow_form(db.session(), form_key, utcnow())
    db.session.commit()
    if allowed:
        return None
    return render_template("mentoring/public_limit.html", contact=contact), 429


def _retried(action: Any, form: Any) -> Any:
    """``perform`` once more when a parallel submission took the same case number."""
    for _attempt in range(3):
        try:
            return perform(action, form=form)
        except IntegrityError:
            db.session.rollback()
    abort(429)


def _round(slug: str) -> RecruitmentRound:
    found = db.session.scalar(select(RecruitmentRound).where(RecruitmentRound.slug == slug))
    if found is None:
        abort(404)
    return found


def _programme(slug: str) -> Programme:
    found = db.session.scalar(select(Programme).where(Programme.request_slug == slug))
    if found is None or found.self_referral_min_age is None:
        abort(404)
    return found


def _social_service(programme: Programme) -> str:
    """How to reach the programme's social service, for the request pages."""
    town = programme.municipality
    return " ".join(part for part in (town.social_service, town.phone, town.email) if part)


def open_forms(day: dt.date) -> tuple[list[RecruitmentRound], list[Programme]]:
    """The rounds taking applications and the request forms, for the sign-in page."""
    rounds = db.session.scalars(select(RecruitmentRound).where(
        RecruitmentRound.applications_until >= day).order_by(
        RecruitmentRound.applications_until)).all()
    requests = db.session.scalars(select(Programme).where(
        Programme.request_slug.is_not(None), Programme.self_referral_min_age.is_not(None))
        .order_by(Programme.name)).all()
    return list(rounds), list(requests)


@bp.route("/pieteikums/<slug>", methods=["GET", "POST"])
def application(slug: str) -> Any:
    round_ = _round(slug)
    if not round_.is_open(today()):
        return render_template("mentoring/public_closed.html", round=round_)
    form = ApplicationForm()
    localities = db.session.scalars(select(Locality).where(
        Locality.municipality_id == round_.programme.municipality_id)
        .order_by(Locality.remote.desc(), Locality.name)).all()
    form.locality.choices = [(0, str(_("Somewhere else")))] + [
        (loc.id, str(_("%(name)s — a remote locality, preferred", name=loc.name))
         if loc.remote else loc.name) for loc in localities]
    if request.method == "POST":
        limited = _limited(None, round_.contact)
        if limited:
            return limited
        if form.validate():
            if form.website.data:
                return redirect(url_for(".application_sent", slug=slug))
            limited = _limited(f"apply:{round_.id}", round_.contact)
            if limited:
                return limited
            sent = _retried(lambda: recruitment.apply(
                db.session(), round_, recruitment.Application(
                    first_name=form.first_name.data or "", last_name=form.last_name.data or "",
                    birth_date=form.birth_date.data, email=form.email.data or "",
                    phone=form.phone.data or "", locality_id=form.locality.data or None,
                    education=Education(form.education.data),
                    experience_years=form.experience_years.data or 0,
                    experience=[str(label) for value, label in EXPERIENCE
                                if value in (form.experience.data or [])],
                    motivation=form.motivation.data or "",
                    meetings_per_month=form.meetings_per_month.data or 0,
                    hours_per_month=form.hours_per_month.data or 0,
                    in_person=bool(form.in_person.data), languages=form.languages.data or "",
                    interests=form.interests.data or ""),
                actor=_public_actor(), today=today()), form)
            if sent.ok:
                _confirm(form.email.data or "", f"{form.first_name.data} {form.last_name.data}",
                         round_)
                return redirect(url_for(".application_sent", slug=slug))
    return render_template("mentoring/public_application.html", form=form, round=round_)


@bp.route("/pieteikums/<slug>/nosutits")
def application_sent(slug: str) -> Any:
    round_ = _round(slug)
    return render_template("mentoring/public_sent.html", contact=round_.contact,
                           title=round_.title, mail=True)


def _confirm(to: str, name: str, round_: RecruitmentRound) -> None:
    """The applicant's confirmation e-mail; a mail server that fails loses no application."""
    smtp = mail.Smtp.from_config(current_app.config)
    body = render_template("mentoring/public_application_mail.txt", round=round_, name=name)
    try:
        with smtp.connect() as connection:
            connection.send_message(smtp.message(
                to, name, str(_("Your application: %(title)s", title=round_.title)), body,
                str(get_locale() or "lv")))  # the language the form was filled in
    except (OSError, ValueError, smtplib.SMTPException) as exc:
        current_app.logger.warning("confirmation e-mail not sent: %s", exc)


@bp.route("/atbalsts/<slug>", methods=["GET", "POST"])
def support(slug: str) -> Any:
    programme = _programme(slug)
    form = RequestForm()
    contact = _social_service(programme)
    if request.method == "POST":
        limited = _limited(None, contact)
        if limited:
            return limited
        if form.validate():
            if form.website.data:
                return redirect(url_for(".support_sent", slug=slug))
            if referrals.too_young_to_ask(programme, form.birth_date.data, today()):
                # Nothing is stored: someone else refers a younger person.
                return render_template("mentoring/public_too_young.html", programme=programme)
            limited = _limited(f"support:{programme.id}", contact)
            if limited:
                return limited
            sent = _retried(lambda: referrals.request_support(
                db.session(), programme, first_name=form.first_name.data or "",
                last_name=form.last_name.data or "", birth_date=form.birth_date.data,
                phone=form.phone.data or "", email=form.email.data or "",
                help_with=form.help_with.data or "", parent_name=form.parent_name.data or "",
                parent_contact=form.parent_contact.data or "", actor=_public_actor(),
                today=today()), form)
            if sent.ok:
                return redirect(url_for(".support_sent", slug=slug))
    return render_template("mentoring/public_request.html", form=form, programme=programme)


@bp.route("/atbalsts/<slug>/nosutits")
def support_sent(slug: str) -> Any:
    programme = _programme(slug)
    return render_template("mentoring/public_sent.html", title=programme.name, mail=False,
                           contact=_social_service(programme))


@bp.route("/aptauja/<token>", methods=["GET", "POST"])
def questionnaire(token: str) -> Any:
    """One questionnaire by its personal link: the same answer for a wrong, used or expired
    link; only the youth's first name is shown."""
    link = outcomes.open_link(db.session(), token, today())
    if link is None:
        return render_template("mentoring/public_link_closed.html"), 404
    language = str(get_locale() or "lv")
    questions = link.questionnaire.questions
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        # No address limit: the link itself is the key (256 random bits, one use), and a
        # class or a family may answer from one address.
        raw = {q.id: request.form.get(f"q{q.id}", "")[:600] for q in questions}
        done = perform(lambda: outcomes.answer(db.session(), link, raw,
                                               actor=_public_actor()))
        if done.ok:
            return render_template("mentoring/public_sent.html", title=link.questionnaire.title(
                language), contact="", mail=False)
        errors = {}  # shown as messages by perform (each refers to its question)
    return render_template("mentoring/public_questionnaire.html", link=link,
                           questions=questions, language=language,
                           first_name=link.pair.youth.first_name if link.pair else "",
                           values=request.form, errors=errors)


def init_app(app: Any) -> None:
    app.register_blueprint(bp)
