"""Referral intake and the review queue for social service staff."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from admin_views.base import SecureView, current_actor, needs, perform
from admin_views.forms import TranslatedForm
from common.clock import today
from common.enums import ChosenBy, Gender, ReferralSource, ReferralStatus
from common.i18n import _, _l
from mentoring import access, referrals
from models import Locality, Municipality, Programme, Provider, Referral, RiskFactor, db


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class IntakeForm(TranslatedForm):
    municipality = SelectField(_l("Municipality"), coerce=_int_or_none)
    programme = SelectField(_l("Programme"), coerce=_int_or_none, validators=[DataRequired()])
    personal_code = StringField(_l("Personal code"), validators=[Optional(), Length(max=12)],
                                description=_l("DDMMYY-XNNNN or 32NNNN-NNNNN"))
    first_name = StringField(_l("First name"), validators=[Optional(), Length(max=80)])
    last_name = StringField(_l("Last name"), validators=[Optional(), Length(max=80)])
    birth_date = DateField(_l("Date of birth"), validators=[Optional()])
    gender = SelectField(_l("Gender"), choices=Gender.choices(), default=Gender.unspecified.value)
    locality = SelectField(_l("Locality"), coerce=_int_or_none, validators=[Optional()])
    school = StringField(_l("School"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=120)])
    guardian_name = StringField(_l("Parent or guardian"), validators=[Optional(), Length(max=160)])
    guardian_phone = StringField(_l("Guardian's phone"), validators=[Optional(), Length(max=40)])
    guardian_email = EmailField(_l("Guardian's e-mail"),
                                validators=[Optional(), Email(), Length(max=120)])
    source = SelectField(_l("Source"), choices=ReferralSource.choices(),
                         validators=[DataRequired()])
    referrer_institution = StringField(_l("Referring institution"),
                                       validators=[Optional(), Length(max=200)])
    referrer_name = StringField(_l("Referred by"), validators=[Optional(), Length(max=160)])
    referrer_contact = StringField(_l("Referrer's phone or e-mail"),
                                   validators=[Optional(), Length(max=160)])
    received_on = DateField(_l("Date received"), validators=[DataRequired()], default=today)
    needs = TextAreaField(_l("Needs"), validators=[Optional(), Length(max=4000)])
    risk_factors = SelectMultipleField(
        _l("Risk factors"), coerce=int, option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )
    consent_youth = BooleanField(_l("Consent of the youth"))
    consent_guardian = BooleanField(_l("Consent of parent or guardian"),
                                    description=_l("Required for a youth under 18."))


YOUTH_FIELDS = ("personal_code", "first_name", "last_name", "birth_date", "gender", "locality",
                "school", "phone", "email", "guardian_name", "guardian_phone", "guardian_email")


class IntakeView(SecureView):
    """Register a youth (or find them by personal code) and the referral in one step."""

    model = Referral

    def _municipality(self, form: IntakeForm) -> Municipality | None:
        allowed = db.session.scalars(select(Municipality).where(
            access.row_filter(current_actor(), Municipality)).order_by(Municipality.name)).all()
        form.municipality.choices = [(m.id, m.name) for m in allowed]
        if current_user.municipality_id:
            form.municipality.data = current_user.municipality_id
        elif request.method == "GET" and request.args.get("municipality"):
            form.municipality.data = _int_or_none(request.args.get("municipality"))
        chosen = form.municipality.data or (allowed[0].id if allowed else None)
        return next((m for m in allowed if m.id == chosen), None)

    def _choices(self, form: IntakeForm, municipality: Municipality | None) -> None:
        mid = municipality.id if municipality else -1
        form.programme.choices = [(p.id, p.name) for p in db.session.scalars(
            select(Programme).where(Programme.municipality_id == mid).order_by(Programme.name))]
        form.locality.choices = [(None, "—")] + [(loc.id, loc.name) for loc in db.session.scalars(
            select(Locality).where(Locality.municipality_id == mid).order_by(Locality.name))]
        form.risk_factors.choices = [(r.id, str(r)) for r in db.session.scalars(
            select(RiskFactor).order_by(RiskFactor.id))]

    @expose("/", methods=("GET", "POST"))
    @needs(access.CREATE)
    def index(self) -> Any:
        form = IntakeForm()
        municipality = self._municipality(form)
        self._choices(form, municipality)
        found = None
        code = request.args.get("personal_code", "").strip()
        if request.method == "GET" and code and municipality is not None:
            found = referrals.find_youth(db.session(), municipality.id, code)
            form.personal_code.data = code
            if found is not None:
                for name in YOUTH_FIELDS:
                    value = getattr(found, name if name != "locality" else "locality_id")
                    form[name].data = getattr(value, "value", value)
            else:
                flash(_("No youth with this personal code is registered here yet; "
                        "fill in the details."), "info")
        if request.method == "POST" and form.validate() and municipality is not None:
            programme = db.session.get(Programme, form.programme.data)
            if programme is None:  # the form offers only the municipality's programmes
                abort(400)
            locality = db.session.get(Locality, form.locality.data) if form.locality.data else None
            picked = set(form.risk_factors.data or [])
            intake = referrals.Intake(
                municipality=municipality, programme=programme,
                source=ReferralSource(form.source.data), received_on=form.received_on.data,
                first_name=form.first_name.data or "", last_name=form.last_name.data or "",
                birth_date=form.birth_date.data, personal_code=form.personal_code.data or "",
                gender=Gender(form.gender.data), locality=locality,
                school=form.school.data or "", phone=form.phone.data or "",
                email=form.email.data or "", guardian_name=form.guardian_name.data or "",
                guardian_phone=form.guardian_phone.data or "",
                guardian_email=form.guardian_email.data or "",
                consent_youth=form.consent_youth.data, consent_guardian=form.consent_guardian.data,
                referrer_institution=form.referrer_institution.data or "",
                referrer_name=form.referrer_name.data or "",
                referrer_contact=form.referrer_contact.data or "", needs=form.needs.data or "",
                risk_factors=[r for r in db.session.scalars(select(RiskFactor)) if r.id in picked],
            )
            outcome = perform(
                lambda: referrals.register(db.session(), intake, actor=current_actor()),
                form=form, aliases={"youth": "personal_code"},
                done=lambda referral: _("Referral of %(case)s registered.",
                                        case=referral.youth.case_number))
            if outcome.value is not None:
                return redirect(url_for("review.referral", referral_id=outcome.value.id))
        return self.render("mentoring/intake.html", form=form, found=found,
                           fixed_municipality=bool(current_user.municipality_id))


class DecisionForm(TranslatedForm):
    comment = TextAreaField(_l("Comment"), validators=[Length(max=2000)])
    reason = TextAreaField(_l("Rejection reason"), validators=[Length(max=2000)])
    provider = SelectField(_l("Chosen provider"), coerce=_int_or_none, default=None)
    chosen_by = SelectField(_l("Provider chosen by"), default="",
                            choices=[("", "—")] + ChosenBy.choices())
    decided_on = DateField(_l("Decision date"), validators=[DataRequired()], default=today)


ACTIONS = {
    "review": ReferralStatus.in_review,
    "accept": ReferralStatus.accepted,
    "reject": ReferralStatus.rejected,
    "withdraw": ReferralStatus.withdrawn,
}


class ReviewView(SecureView):
    """The queue of open referrals, oldest first, and the decision page of one referral."""

    model = Referral

    def _scoped(self) -> Any:
        return select(Referral).where(access.row_filter(current_actor(), Referral))

    @expose("/")
    @needs(access.DECIDE)
    def index(self) -> Any:
        rows = db.session.scalars(
            self._scoped().where(Referral.status.in_(referrals.OPEN))
            .options(joinedload(Referral.youth), joinedload(Referral.programme),
                     joinedload(Referral.municipality))
            .order_by(Referral.received_on, Referral.id)
        ).all()
        figures = referrals.waiting_figures(db.session(), access.row_filter(current_actor(), Referral))
        return self.render("mentoring/review_queue.html", rows=rows, figures=figures,
                           waiting=referrals.waiting_days, today=today())

    def _load(self, referral_id: int) -> Referral:
        referral = db.session.scalar(self._scoped().where(Referral.id == referral_id))
        if referral is None:
            abort(404)
        return referral

    def _form(self, referral: Referral, on: Any = None) -> DecisionForm:
        form = DecisionForm()
        day = form.decided_on.data or today()
        offered = referrals.offered_providers(
            db.session(), referral.municipality_id, referral.programme_id, day)
        form.provider.choices = [(None, "—")] + [(p.id, p.name) for p in offered]
        return form

    @expose("/<int:referral_id>/", methods=("GET", "POST"))
    @needs(access.DECIDE)
    def referral(self, referral_id: int) -> Any:
        referral = self._load(referral_id)
        form = self._form(referral)
        if request.method == "POST":
            action = request.form.get("action", "")
            target = ACTIONS.get(action)
            if target is None:
                abort(400)
            if not form.validate():
                shown = {"comment", "decided_on", "provider", "chosen_by", "reason"}
                for name, errors in form.errors.items():
                    if name not in shown:
                        flash(f"{form[name].label.text}: {' '.join(errors)}", "error")
            else:
                provider = db.session.get(Provider, form.provider.data) if form.provider.data else None
                chosen_by = ChosenBy(form.chosen_by.data) if form.chosen_by.data else None
                outcome = perform(
                    lambda: referrals.transition(
                        db.session(), referral, target, actor=current_actor(),
                        comment=form.comment.data or "", on=form.decided_on.data,
                        provider=provider, chosen_by=chosen_by, reason=form.reason.data or "",
                    ), form=form, aliases={"youth": "personal_code"},
                    done=_("The referral is now “%(status)s”.", status=target.label))
                if outcome.ok:
                    return redirect(url_for(".referral", referral_id=referral.id))
                referral = self._load(referral_id)  # as it was before the refused change
        allowed = [name for name, status in ACTIONS.items()
                   if status in referrals.TRANSITIONS[ReferralStatus(referral.status)]]
        return self.render("mentoring/review_referral.html", referral=referral, form=form,
                           allowed=allowed, waiting=referrals.waiting_days(referral))
