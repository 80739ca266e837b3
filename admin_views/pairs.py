"""Pairs, their goals and the additional support arranged."""

from __future__ import annotations

from typing import Any

import segno
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_admin import expose
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, StopValidation

from admin_views.base import (
    SecureModelView,
    SecureView,
    arg_id,
    current_actor,
    needs,
    pdf_download,
    perform,
    record_id,
)
from admin_views.formatting import locale
from admin_views.forms import YOUTH_LOOKUP, TranslatedForm
from common.clock import today
from common.enums import Achievement, ClosureKind, GoalArea, Moment, PairStatus, Respondent
from common.i18n import _, _l
from common.months import add_months
from mentoring import access, checkins, outcomes, outcomes_mail, pairing, pairs
from models import (
    AdditionalSupport,
    Answer,
    CheckIn,
    Goal,
    Mentor,
    Pair,
    QuestionnaireLink,
    Referral,
    SafetyConcern,
    db,
)

PAIR_LABEL = (joinedload(Pair.youth), joinedload(Pair.mentor))


class PairView(SecureModelView):
    """Pairs; formed in the pairing view, their status moved on the pair's page."""

    details_template = "mentoring/pair_details.html"
    column_list = ("youth", "mentor", "provider", "starts_on", "planned_end_on", "status")
    column_details_list = (
        "youth", "mentor", "provider", "programme", "contract", "referral", "starts_on", "planned_end_on", "ended_on", "status", "closure_kind", "closure_reason",
        "end_reason", "evaluation_summary", "youth_feedback", "exit_note_mentor",
        "exit_note_youth", "exit_note_parent", "rematch_offered", "rematch_accepted",
        "created_at",
    )
    details_hidden_when_empty = (
        "ended_on", "closure_kind", "closure_reason", "end_reason", "evaluation_summary",
        "youth_feedback", "exit_note_mentor", "exit_note_youth", "exit_note_parent",
        "rematch_offered", "rematch_accepted")
    column_export_list = column_details_list
    form_columns = ("starts_on", "planned_end_on")
    column_filters = ("status", "starts_on", "provider.name")
    column_searchable_list = ("youth.case_number", "mentor.last_name")
    form_ajax_refs = {
        "youth": YOUTH_LOOKUP,
        "mentor": {"fields": ("last_name", "first_name"), "page_size": 10,
                   "placeholder": _l("Mentor's name"), "minimum_input_length": 0},
    }
    column_default_sort = [("starts_on", True)]
    query_options = (
        joinedload(Pair.youth), joinedload(Pair.mentor), joinedload(Pair.provider),
        joinedload(Pair.programme), joinedload(Pair.contract), joinedload(Pair.referral),
    )

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self) -> Any:
        """Pairs are formed in the pairing view, from a referral and a ranked mentor."""
        return redirect(url_for("pairing.index"))

    def details_context(self, pair: Pair) -> dict[str, Any]:
        actor = current_actor()
        steps = pairs.TRANSITIONS[PairStatus(pair.status)]
        due = checkins.due_for_active_pairs(db.session(), Pair.id == pair.id)
        return {
            "figures": pairs.monthly_figures(db.session(), pair),
            "next_steps": [s for s in steps
                           if s not in (PairStatus.completed, PairStatus.ended_early)],
            "can_end_early": PairStatus.ended_early in steps,
            "planned_reasons": pairs.closure_reasons(db.session(), ClosureKind.planned),
            "unplanned_reasons": pairs.closure_reasons(db.session(), ClosureKind.unplanned),
            "earlier": pairs.earlier_pairs(db.session(), pair, access.row_filter(actor, Pair)),
            "can_raise_concern": access.can(actor, SafetyConcern, access.CREATE),
            "can_check_in": access.can(actor, CheckIn, access.CREATE),
            "outcomes": outcomes.pair_outcomes(db.session(), pair, locale())
            if access.can(actor, Answer, access.LIST) else None,
            "can_send_questionnaire": access.can(actor, QuestionnaireLink, access.CREATE)
            and pair.status != PairStatus.proposed,
            "end_answered": outcomes.end_answered(db.session(), pair)
            if pair.status == PairStatus.active else {},
            "concerns": db.session.scalars(
                select(SafetyConcern).where(SafetyConcern.pair_id == pair.id,
                                            access.row_filter(actor, SafetyConcern))
                .order_by(SafetyConcern.raised_on.desc())).all(),
            "can_complete": pair.status == PairStatus.active,
            # The evaluation opens by itself only when the planned end is near.
            "ending_soon": (pair.planned_end_on - today()).days <= 30,
            "achievements": Achievement.choices(),
            "areas": GoalArea.choices(),
            "check_in_due": due[0].due_on if due else None,
            # Support arranged (a psychologist, a crisis centre…) is health data: shown only
            # to the roles the policy lets see it.
            "supports": db.session.scalars(
                select(AdditionalSupport).where(AdditionalSupport.pair_id == pair.id,
                                                access.row_filter(actor, AdditionalSupport))
                .order_by(AdditionalSupport.arranged_on, AdditionalSupport.id)).all()
            if access.can(actor, AdditionalSupport, access.LIST) else None,
            "today_date": today(),
        }

    @staticmethod
    def _closure() -> pairs.Closure:
        form = request.form
        return pairs.Closure(
            reason_id=record_id(form.get("closure_reason")),
            exit_note_mentor=form.get("exit_note_mentor", ""),
            exit_note_youth=form.get("exit_note_youth", ""),
            exit_note_parent=form.get("exit_note_parent", ""),
            rematch_offered=form.get("rematch_offered") == "y",
            rematch_accepted=form.get("rematch_accepted") == "y")

    @expose("/status/", methods=("POST",))
    @needs(access.EDIT)
    def status_view(self) -> Any:
        """Pause, resume, or end early (an unplanned closure with its reason and notes)."""
        try:
            target = PairStatus(request.form.get("to", ""))
        except ValueError:
            abort(400)
        return self.act_on_posted(lambda pair: pairs.transition(
            db.session(), pair, target, actor=current_actor(),
            comment=request.form.get("comment", ""), closure=self._closure()))

    @expose("/goal/", methods=("POST",))
    @needs(access.EDIT)
    def goal_view(self) -> Any:
        try:
            area = GoalArea(request.form.get("area", ""))
        except ValueError:
            abort(400)
        return self.act_on_posted(lambda pair: pairs.add_goal(
            db.session(), pair, area=area, description=request.form.get("description", ""),
            target=request.form.get("target", ""), actor=current_actor()))

    @expose("/complete/", methods=("POST",))
    @needs(access.EDIT)
    def complete_view(self) -> Any:
        def rated(pair: Pair) -> dict[int, Achievement]:
            found = {}
            for goal in pair.goals:
                try:
                    found[goal.id] = Achievement(request.form.get(f"goal-{goal.id}", ""))
                except ValueError:
                    continue
            return found

        return self.act_on_posted(lambda pair: pairs.complete(
            db.session(), pair, achievements=rated(pair),
            summary=request.form.get("summary", ""),
            youth_feedback=request.form.get("youth_feedback", ""), actor=current_actor(),
            closure=self._closure()))


    @expose("/questionnaire/", methods=("POST",))
    @needs(access.CREATE, QuestionnaireLink)
    def questionnaire_view(self) -> Any:
        """A personal questionnaire link for the youth, the parent or the mentor: sent by
        e-mail, or printed on a one-page handout with a QR code (the token is in the
        handout only, never stored)."""
        pair = self.get_one(request.form.get("id", ""))
        if pair is None:
            abort(404)
        try:
            moment = Moment(request.form.get("moment", ""))
            respondent = Respondent(request.form.get("respondent", ""))
        except ValueError:
            abort(400)
        address = {Respondent.youth: pair.youth.email,
                   Respondent.parent: pair.youth.guardian_email,
                   Respondent.mentor: pair.mentor.email}[respondent].strip()
        printed = request.form.get("channel") == "print"
        if not printed and not address:
            flash(_("No e-mail address is recorded for them: print the handout instead."),
                  "error")
            return redirect(url_for(".details_view", id=pair.id))
        issued = perform(lambda: outcomes.issue_link(
            db.session(), pair, moment, respondent, actor=current_actor(), today=today(),
            sent_to="" if printed else address))
        if not issued.ok or issued.value is None:
            return redirect(url_for(".details_view", id=pair.id))
        link, token = issued.value
        url = current_app.config["APP_URL"].rstrip("/") + url_for("public.questionnaire",
                                                                  token=token)
        first_name = pair.youth.first_name
        if printed:
            qr = Markup(segno.make(url, error="m").svg_inline(scale=5, title=_("QR code")))
            return pdf_download(render_template(
                "mentoring/questionnaire_handout.html", link=link, url=url, qr=qr,
                first_name=first_name, respondent=respondent), "aptauja.pdf")
        if not outcomes_mail.send_link(current_app.config, address, link, url, first_name):
            flash(_("The e-mail could not be sent now; print the handout or try again."),
                  "error")
        else:
            flash(_("The questionnaire link was sent by e-mail."), "success")
        return redirect(url_for(".details_view", id=pair.id))


class GoalView(SecureModelView):
    column_list = ("pair", "area", "target", "achievement")
    form_columns = ("pair", "area", "description", "target", "achievement")
    column_details_list = form_columns
    column_filters = ("area", "achievement")
    column_default_sort = "id"
    query_options = tuple(joinedload(Goal.pair).options(o) for o in PAIR_LABEL)


class CheckInView(SecureModelView):
    """Monitoring contacts; the pair's page shows when the next one is due."""

    column_list = ("pair", "held_on", "contact", "channel", "relationship_quality")
    form_columns = ("pair", "held_on", "contact", "channel", "relationship_quality",
                    "goal_progress", "notes")
    column_details_list = (*form_columns, "recorded_by_id")
    column_filters = ("held_on", "contact", "channel")
    column_default_sort = [("held_on", True)]
    form_args = {"relationship_quality": {"validators": [NumberRange(min=1, max=5)]}}
    query_options = tuple(joinedload(CheckIn.pair).options(o) for o in PAIR_LABEL)

    def on_model_change(self, form: Any, model: CheckIn, is_created: bool) -> None:
        if is_created:
            model.recorded_by_id = current_user.id
        super().on_model_change(form, model, is_created)


class ClosureReasonView(SecureModelView):
    """The managed list of reasons a pair closes; retire a reason by taking it out of use."""

    # The English name is for English readers: edited in the form, not listed.
    column_list = ("kind", "name_lv", "active")
    form_columns = ("kind", "name_lv", "name_en", "active")
    column_default_sort = "id"
    column_filters = ("kind", "active")


class AdditionalSupportView(SecureModelView):
    column_list = ("pair", "kind", "institution", "arranged_on")
    form_columns = ("pair", "kind", "institution", "arranged_on", "outcome")
    column_details_list = form_columns
    column_filters = ("kind", "arranged_on")
    column_default_sort = [("arranged_on", True)]
    query_options = tuple(joinedload(AdditionalSupport.pair).options(o) for o in PAIR_LABEL)


class MentorChoice(RadioField):
    """Nothing chosen reads as such, not as an invalid choice."""

    def pre_validate(self, form: Any) -> None:
        if not self.raw_data:
            raise StopValidation(str(_l("Choose a mentor from the list.")))
        super().pre_validate(form)


class PairingForm(TranslatedForm):
    mentor = MentorChoice(_l("Mentor"), coerce=int, validate_choice=True)
    starts_on = DateField(_l("Start"), validators=[DataRequired()], default=today)
    planned_end_on = DateField(_l("Planned end"), validators=[DataRequired()])
    goal_area = SelectField(_l("Area"), choices=GoalArea.choices())
    goal_description = TextAreaField(_l("Description"), validators=[Length(max=2000)])
    goal_target = StringField(_l("Target"), validators=[Length(max=250)])


class PairingView(SecureView):
    """Referred youths waiting for a mentor, and the provider's mentors ranked for each."""

    model = Pair

    @expose("/", methods=("GET", "POST"))
    @needs(access.CREATE)
    def index(self) -> Any:
        referral_id = arg_id("referral")
        # A task line names only the referral: its provider is the one to pair for.
        of_referral = db.session.scalar(select(Referral.provider_id).where(
            Referral.id == referral_id, access.row_filter(current_actor(), Referral))) \
            if referral_id else None
        providers, provider = self.chosen_provider(default=of_referral)
        waiting = pairs.waiting_referrals(db.session(), provider.id)
        referral = None
        ranked: list[Any] = []
        form = PairingForm()
        if referral_id is not None:
            referral = next((r for r in waiting if r.id == referral_id), None)
            if referral is None:
                abort(404)
            day = form.starts_on.data or today()
            ranked = pairs.candidates(db.session(), referral, day)
            form.mentor.choices = [(c.mentor.id, c.mentor.full_name) for c in ranked
                                   if c.eligible]
            if request.method == "GET":
                months = referral.programme.max_months or referral.programme.min_months
                form.planned_end_on.data = add_months(day, months)
            if request.method == "POST" and form.validate():
                mentor = db.session.get(Mentor, form.mentor.data)
                if mentor is None:  # the form offers only ranked, eligible mentors
                    abort(400)
                goals = [(GoalArea(form.goal_area.data), form.goal_description.data or "",
                          form.goal_target.data or "")]
                outcome = perform(
                    lambda: pairs.form_pair(
                        db.session(), referral=referral, mentor=mentor,
                        starts_on=form.starts_on.data, planned_end_on=form.planned_end_on.data,
                        goals=goals, actor=current_actor()),
                    form=form, done=lambda pair: _("Pair formed: %(pair)s.", pair=str(pair)))
                if outcome.value is not None:
                    return redirect(url_for("pair.details_view", id=outcome.value.id))
        elif request.method == "POST":
            abort(400)
        return self.render("mentoring/pairing.html", providers=providers, provider=provider,
                           waiting=waiting, referral=referral, ranked=ranked, form=form,
                           weights=pairing.WEIGHTS, today=today())
