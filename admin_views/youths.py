"""Youths and referrals."""

from __future__ import annotations

from typing import Any

from flask import redirect, url_for
from flask_admin import expose
from sqlalchemy.orm import joinedload, selectinload

from admin_views import subject
from admin_views.base import SecureModelView
from mentoring import referrals
from mentoring.i18n import _l
from models import Referral, ReferralStatusChange, Youth

YOUTH_LOOKUP = {
    "fields": ("case_number", "last_name", "first_name"), "page_size": 10,
    "placeholder": _l("Case number or name"), "minimum_input_length": 0,
}


class RiskFactorView(SecureModelView):
    column_list = ("code",)
    column_default_sort = "code"


class YouthView(SecureModelView):
    details_template = "mentoring/youth_details.html"

    @expose("/subject/")
    def subject_view(self) -> Any:
        """Every record about this person, as JSON or a readable PDF (administrators)."""
        return subject.export(self)

    column_list = (
        "case_number", "first_name", "last_name", "birth_date", "gender", "municipality",
        "locality", "school", "risk_factors", "archived",
    )
    column_details_list = (
        "case_number", "first_name", "last_name", "birth_date", "personal_code", "gender",
        "municipality", "locality", "school", "phone", "email", "guardian_name",
        "guardian_phone", "guardian_email", "risk_factors", "interests", "languages",
        "mentor_gender", "consent_youth",
        "consent_guardian", "consent_date", "notes", "archived", "anonymised_on", "created_at",
    )
    column_export_list = column_details_list
    form_columns = column_details_list[:-1]
    column_searchable_list = ("case_number", "first_name", "last_name", "school")
    column_filters = ("gender", "birth_date", "locality.name", "archived", "municipality.name")
    column_default_sort = "case_number"
    query_options = (
        joinedload(Youth.municipality), joinedload(Youth.locality),
        selectinload(Youth.risk_factors),
    )


def _waiting(view: Any, context: Any, model: Referral, name: str) -> int:
    return referrals.waiting_days(model)


def _days_to_pair(view: Any, context: Any, model: Referral, name: str) -> Any:
    if model.decided_on is None or model.pair_started_on is None:
        return ""
    return (model.pair_started_on - model.decided_on).days


class ReferralView(SecureModelView):
    """Referrals as records; status changes only through the review page."""

    column_list = (
        "youth", "programme", "source", "received_on", "status", "provider", "decided_on",
        "waiting_days", "days_to_pair",
    )
    column_details_list = (
        "youth", "programme", "municipality", "source", "referrer_institution",
        "referrer_name", "referrer_contact", "received_on", "needs", "status", "decided_on",
        "rejection_reason", "provider", "chosen_by", "pair_started_on", "created_at",
    )
    column_export_list = (*column_details_list, "waiting_days", "days_to_pair")
    form_columns = ("youth", "programme", "source", "referrer_institution", "referrer_name",
                    "referrer_contact", "received_on", "needs")
    column_labels = {"waiting_days": _l("Days to decision"),
                     "days_to_pair": _l("Days from decision to pair start")}
    column_formatters = {"waiting_days": _waiting, "days_to_pair": _days_to_pair}
    column_formatters_export = column_formatters
    column_searchable_list = ("referrer_institution", "referrer_name", "youth.case_number")
    column_filters = ("status", "source", "received_on", "decided_on", "provider.name")
    column_default_sort = [("received_on", True)]
    form_ajax_refs = {"youth": YOUTH_LOOKUP}
    details_template = "mentoring/referral_details.html"
    query_options = (
        joinedload(Referral.youth), joinedload(Referral.programme),
        joinedload(Referral.provider), joinedload(Referral.municipality),
    )

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self) -> Any:
        """New referrals go through the intake form, which registers the youth as well."""
        return redirect(url_for("intake.index"))

    def on_model_change(self, form: Any, model: Referral, is_created: bool) -> None:
        if model.municipality_id is None and model.youth is not None:
            model.municipality_id = model.youth.municipality_id
        super().on_model_change(form, model, is_created)


class ReferralStatusChangeView(SecureModelView):
    column_list = ("referral", "from_status", "to_status", "comment", "changed_by", "changed_at")
    column_filters = ("to_status", "changed_at")
    column_default_sort = [("changed_at", True)]
    query_options = (
        joinedload(ReferralStatusChange.referral).joinedload(Referral.youth),
        joinedload(ReferralStatusChange.changed_by),
    )
