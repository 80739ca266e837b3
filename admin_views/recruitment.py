"""Recruitment rounds (the provider's dates as data, its candidates against them) and the
working-day calendar's moved days."""

from __future__ import annotations

from typing import Any

from flask import url_for
from markupsafe import Markup

from admin_views.base import SecureModelView, current_actor
from common.clock import today
from common.i18n import _l
from mentoring import access, recruitment
from models import Mentor, RecruitmentRound, db


class RecruitmentRoundView(SecureModelView):
    """A round's page shows its public form's address and where each candidate stands."""

    details_template = "mentoring/round_details.html"
    column_list = ("title", "provider", "programme", "applications_until", "training_until",
                   "mentoring_starts_on", "form")
    column_details_list = (
        "title", "provider", "programme", "slug", "applications_until", "interviews_from",
        "interviews_until", "training_course", "training_from", "training_until",
        "decision_working_days", "pairing_month", "mentoring_starts_on", "supervision_until",
        "contact", "data_controller", "retention_months")
    form_columns = column_details_list
    column_labels = {"form": _l("Public form")}
    column_default_sort = [("applications_until", True)]
    column_searchable_list = ("title",)
    form_args = {
        "slug": {"description": _l("The form is at /pieteikums/<this>: lower-case letters, "
                                   "digits and hyphens.")},
        "contact": {"description": _l("Shown on the form, also once it is closed: phone, "
                                      "e-mail, address.")},
        "data_controller": {"description": _l("Who controls the applicants' data, for the "
                                              "data-protection notice.")},
        "pairing_month": {"description": _l("Any day of the month.")},
    }
    column_formatters = {"form": lambda v, c, m, n: Markup('<a href="{0}">{0}</a>').format(
        url_for("public.application", slug=m.slug))}

    def details_context(self, model: RecruitmentRound) -> dict[str, Any]:
        decide_by, rows = recruitment.standing(
            db.session(), model, today(), access.row_filter(current_actor(), Mentor))
        return {"decide_by": decide_by, "candidates": rows, "today_date": today(),
                "public_url": url_for("public.application", slug=model.slug, _external=True)}


class CalendarDayView(SecureModelView):
    """Days the government moved: a Saturday worked, a weekday given off."""

    column_list = ("day", "working", "note")
    form_columns = column_list
    column_default_sort = [("day", True)]
