"""Mentors, selection, training, certificates, agreements, background checks, supervision."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_admin import expose
from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.validators import Optional

from admin_views import subject
from admin_views.base import (
    SecureModelView,
    SecureView,
    current_actor,
    needs,
    pdf_download,
    perform,
)
from common.clock import today
from common.enums import MentorStatus
from common.i18n import _, _l
from mentoring import access, cases, documents, mentors
from models import (
    Agreement,
    BackgroundCheck,
    Certificate,
    Interview,
    Mentor,
    MentorStatusChange,
    Supervision,
    TrainingCourse,
    TrainingSession,
    db,
)


class MentorView(SecureModelView):
    """Mentors; the status moves only through the selection steps on the mentor's page."""

    details_template = "mentoring/mentor_details.html"

    @expose("/subject/")
    @needs(access.SUBJECT_EXPORT)
    def subject_view(self) -> Any:
        """Every record about this person, as JSON or a readable PDF (administrators)."""
        return subject.export(self)

    @expose("/status/", methods=("POST",))
    @needs(access.EDIT)
    def status_view(self) -> Any:
        mentor = self.get_one(request.form.get("id", ""))
        if not access.can_change(current_actor(), mentor):
            abort(403)
        try:
            target = MentorStatus(request.form.get("to", ""))
        except ValueError:
            abort(400)
        perform(lambda: mentors.transition(db.session(), mentor, target, actor=current_actor(),
                                           comment=request.form.get("comment", ""),
                                           reason=request.form.get("reason", "")),
                done=_("Status changed to “%(status)s”.", status=target.label))
        return redirect(url_for(".details_view", id=mentor.id))

    def details_context(self, model: Mentor) -> dict[str, Any]:
        """The selection block (eligibility, next steps, status history) only for those the
        policy lets see a mentor's selection: not social workers, who see name and provider."""
        actor = current_actor()
        way = {"way": cases.mentor_way(db.session(), actor, model, today()),
               "today_date": today()}
        if not access.can(actor, MentorStatusChange, access.LIST):
            return way
        return {**way, "unmet": mentors.unmet_requirements(model, model.programme),
                "next_steps": sorted(mentors.TRANSITIONS[MentorStatus(model.status)],
                                     key=list(MentorStatus).index),
                "history": db.session.scalars(
                    select(MentorStatusChange).where(
                        MentorStatusChange.mentor_id == model.id,
                        access.row_filter(actor, MentorStatusChange))
                    .order_by(MentorStatusChange.changed_at, MentorStatusChange.id)).all()}

    column_list = (
        "first_name", "last_name", "provider", "locality", "education", "experience_years",
        "questionnaire_score", "status", "archived",
    )
    column_details_list = (
        "first_name", "last_name", "provider", "programme", "birth_date", "gender", "email",
        "phone", "locality", "education", "experience_years", "motivation",
        "meetings_per_month", "hours_per_month", "languages", "interests",
        "questionnaire_score", "status", "rejection_reason", "recruitment_round",
        "applied_online", "archived", "created_at",
    )
    column_export_list = column_details_list
    form_columns = (
        "first_name", "last_name", "provider", "programme", "birth_date", "gender", "email",
        "phone", "locality", "education", "experience_years", "motivation",
        "meetings_per_month", "hours_per_month", "languages", "interests",
        "questionnaire_score", "recruitment_round", "archived",
    )
    column_formatters = {
        "locality": lambda v, c, m, n: (
            f"{m.locality} ★" if m.locality is not None and m.locality.remote else (m.locality or "")
        ),
    }
    column_searchable_list = ("first_name", "last_name", "interests", "languages")
    column_filters = ("status", "education", "locality.name", "provider.name",
                      "recruitment_round.title", "archived")
    column_default_sort = "last_name"
    query_options = (joinedload(Mentor.provider), joinedload(Mentor.locality))


class InterviewView(SecureModelView):
    column_list = ("mentor", "held_on", "mode", "interviewer", "decision")
    form_columns = ("mentor", "held_on", "mode", "interviewer", "notes", "decision")
    column_filters = ("mode", "decision", "held_on")
    column_default_sort = [("held_on", True)]
    query_options = (joinedload(Interview.mentor),)


class MentorStatusChangeView(SecureModelView):
    column_list = ("mentor", "from_status", "to_status", "comment", "changed_at")
    column_filters = ("to_status", "changed_at")
    column_default_sort = [("changed_at", True)]
    query_options = (joinedload(MentorStatusChange.mentor),)


class TrainingTopicView(SecureModelView):
    column_list = ("name",)
    column_searchable_list = ("name",)
    column_default_sort = "name"


class TrainingCourseView(SecureModelView):
    column_list = ("title", "provider", "programme", "starts_on", "ends_on", "venue", "trainers",
                   "sessions")
    form_columns = ("title", "provider", "programme", "starts_on", "ends_on", "venue",
                    "trainers", "sessions", "topics")
    column_details_list = form_columns
    column_searchable_list = ("title", "venue", "trainers")
    column_filters = ("starts_on",)
    column_default_sort = [("starts_on", True)]
    query_options = (
        joinedload(TrainingCourse.provider), joinedload(TrainingCourse.programme),
    )


class TrainingSessionView(SecureModelView):
    column_list = ("course", "held_on", "topic", "attendees")
    form_columns = ("course", "held_on", "topic", "attendees")
    column_details_list = form_columns
    column_filters = ("held_on",)
    column_default_sort = [("held_on", True)]
    query_options = (joinedload(TrainingSession.course), joinedload(TrainingSession.topic))


class CertificateView(SecureModelView):
    """Certificates; issuing one to a mentor in training certifies them."""

    column_list = ("number", "mentor", "course", "provider", "issued_on", "pdf")
    form_columns = ("mentor", "course", "number", "issued_on")
    column_labels = {"pdf": _l("Print")}
    column_formatters = {"pdf": lambda v, c, m, n: Markup(
        '<a href="{}">PDF</a>').format(url_for(".pdf_view", id=m.id))}
    column_formatters_export = {"pdf": lambda v, c, m, n: ""}

    def on_model_change(self, form: Any, model: Certificate, is_created: bool) -> None:
        if model.mentor is not None:
            model.provider_id = model.mentor.provider_id
        super().on_model_change(form, model, is_created)
        if is_created and model.mentor.status == MentorStatus.in_training:
            mentors.transition(db.session(), model.mentor, MentorStatus.certified,
                               actor=current_actor(), comment=model.number)

    @expose("/pdf/")
    @needs(access.VIEW)
    def pdf_view(self) -> Any:
        certificate = self.get_one(request.args.get("id", ""))
        with force_locale("lv"):
            html = render_template("mentoring/certificate_pdf.html", certificate=certificate,
                                   css=documents.BASE_CSS)
        return pdf_download(html, f"sertifikats-{certificate.number}.pdf")
    column_searchable_list = ("number",)
    column_filters = ("issued_on",)
    column_default_sort = [("issued_on", True)]
    query_options = (
        joinedload(Certificate.mentor), joinedload(Certificate.course),
        joinedload(Certificate.provider),
    )


class AgreementView(SecureModelView):
    column_list = ("mentor", "signed", "signed_on", "starts_on", "ends_on", "length", "pdf")
    form_columns = ("mentor", "signed", "signed_on", "starts_on", "ends_on")
    column_labels = {"length": _l("Length"), "pdf": _l("Print")}
    column_formatters = {
        "length": lambda v, c, m, n: mentors.agreement_warning(
            m, m.mentor.programme if m.mentor else None) or "✓",
        "pdf": lambda v, c, m, n: Markup('<a href="{}">PDF</a>').format(
            url_for(".pdf_view", id=m.id)),
    }
    column_formatters_export = {"pdf": lambda v, c, m, n: "",
                                "length": column_formatters["length"]}

    def after_model_change(self, form: Any, model: Agreement, is_created: bool) -> None:
        warning = mentors.agreement_warning(model, model.mentor.programme)
        if warning:
            flash(str(warning), "warning")

    @expose("/pdf/")
    @needs(access.VIEW)
    def pdf_view(self) -> Any:
        agreement = self.get_one(request.args.get("id", ""))
        with force_locale("lv"):
            html = render_template("mentoring/agreement_pdf.html", agreement=agreement,
                                   css=documents.BASE_CSS,
                                   warning=mentors.agreement_warning(
                                       agreement, agreement.mentor.programme))
        return pdf_download(html, f"vienosanas-{agreement.id}.pdf")
    column_filters = ("ends_on",)
    column_default_sort = [("ends_on", True)]
    query_options = (joinedload(Agreement.mentor).joinedload(Mentor.programme),)


class BackgroundCheckView(SecureModelView):
    column_list = ("mentor", "checked_on", "valid_until", "result")
    form_columns = ("mentor", "checked_on", "result", "valid_until")
    form_args = {"valid_until": {
        "validators": [Optional()],
        "description": _l("Leave empty to use the programme's validity period."),
    }}
    column_filters = ("result", "valid_until")
    column_default_sort = [("valid_until", True)]
    query_options = (joinedload(BackgroundCheck.mentor),)


class SupervisionView(SecureModelView):
    column_list = ("held_on", "provider", "supervisor", "topic", "attendees")
    column_searchable_list = ("supervisor", "topic")
    column_filters = ("held_on",)
    column_default_sort = [("held_on", True)]
    query_options = (joinedload(Supervision.provider),)


class SupervisionMonthView(SecureView):
    """Who attended the month's supervision and who missed it, per provider."""

    model = Supervision

    @expose("/")
    @needs(access.LIST)
    def index(self) -> Any:
        providers, provider = self.chosen_provider()
        year, month = self.chosen_month(today())
        rows = mentors.supervision_month(db.session(), provider.id, year, month)
        return self.render("mentoring/supervision_month.html", rows=rows, providers=providers,
                           provider=provider, month=f"{year:04d}-{month:02d}")
