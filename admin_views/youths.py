"""Youths and referrals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload, selectinload, subqueryload

from admin_views import subject
from admin_views.base import SecureModelView, current_actor, needs
from admin_views.formatting import locale
from admin_views.forms import YOUTH_LOOKUP
from common.clock import today
from common.errors import RuleViolation
from common.i18n import _, _l
from mentoring import access, cases, consents, outcomes, referrals
from models import Answer, Consent, Referral, ReferralStatusChange, Youth, db


class RiskFactorView(SecureModelView):
    column_list = ("code",)
    column_default_sort = "code"


def _withdrawn(view: Any, context: Any, model: Youth, name: str) -> Any:
    if model.consent_withdrawn_on is None:
        return ""
    return Markup('<span class="badge badge-danger">⚠ {}</span>').format(
        _("consent withdrawn %(date)s", date=model.consent_withdrawn_on.strftime("%d.%m.%Y")))


class YouthView(SecureModelView):
    details_template = "mentoring/youth_details.html"
    column_formatters = {"consent_withdrawn_on": _withdrawn}

    def details_context(self, model: Youth) -> dict[str, Any]:
        """The youth's page is their case: everything about it the reader may see."""
        actor = current_actor()
        case = cases.youth_case(db.session(), actor, model, today())
        return {
            "case": case,
            # Start and end answers per pair (a youth has a pair or two).
            "outcomes_by_pair": {pc.pair.id: outcomes.pair_outcomes(db.session(), pc.pair,
                                                                    locale())
                                 for pc in case.pairs or []}
            if access.can(actor, Answer, access.LIST) else {},
            "can_send_questionnaire": False,
            "can_add_consent": access.can(actor, Consent, access.CREATE),
            "can_decide": access.can(actor, Referral, access.DECIDE),
            "today_date": today(),
        }

    @expose("/subject/")
    @needs(access.SUBJECT_EXPORT)
    def subject_view(self) -> Any:
        """Every record about this person, as JSON or a readable PDF (administrators)."""
        return subject.export(self)

    column_list = (
        "case_number", "first_name", "last_name", "birth_date", "gender", "municipality",
        "locality", "school", "risk_factors", "consent_withdrawn_on", "archived",
    )
    column_details_list = (
        "case_number", "first_name", "last_name", "birth_date", "personal_code", "gender",
        "municipality", "locality", "school", "phone", "email", "guardian_name",
        "guardian_phone", "guardian_email", "risk_factors", "interests", "languages",
        "mentor_gender", "consent_youth", "consent_guardian", "consent_date",
        "consent_withdrawn_on", "notes", "archived", "anonymised_on", "created_at",
    )
    column_export_list = column_details_list
    form_columns = tuple(c for c in column_details_list
                         if c not in ("consent_withdrawn_on", "created_at"))
    column_searchable_list = ("case_number", "first_name", "last_name", "school")
    column_filters = ("gender", "birth_date", "locality.name", "archived", "municipality.name")
    column_default_sort = "case_number"
    query_options = (
        joinedload(Youth.municipality), joinedload(Youth.locality),
        selectinload(Youth.risk_factors),
    )
    # An export loads the risk factors in one query however many youths (a select-in load
    # would send one per 500).
    export_query_options = (
        joinedload(Youth.municipality), joinedload(Youth.locality),
        subqueryload(Youth.risk_factors),
    )


class ConsentView(SecureModelView):
    """Consent records. A withdrawal is recorded on the consent's page, never by deleting:
    it flags the youth everywhere and stops pairing and billing after its date."""

    details_template = "mentoring/consent_details.html"
    column_list = ("youth", "given_by", "purpose", "method", "given_on", "withdrawn_on")
    column_details_list = ("youth", "given_by", "purpose", "method", "given_on",
                           "withdrawn_on", "note", "recorded_by", "recorded_at")
    column_export_list = column_details_list
    form_columns = ("youth", "given_by", "purpose", "method", "given_on", "note")
    column_filters = ("purpose", "given_by", "given_on", "withdrawn_on")
    column_searchable_list = ("youth.case_number",)
    column_default_sort = [("given_on", True)]
    form_ajax_refs = {"youth": YOUTH_LOOKUP}
    query_options = (joinedload(Consent.youth), joinedload(Consent.recorded_by))

    # Who consented to what and when stays as recorded (a back-dated consent would cure a
    # withdrawal after the fact); a mistake is corrected by a new record.
    form_fixed_once_created = ("youth", "given_by", "purpose", "given_on")

    def on_model_change(self, form: Any, model: Consent, is_created: bool) -> None:
        if is_created:
            model.recorded_by_id = current_user.id
        super().on_model_change(form, model, is_created)

    def details_context(self, model: Consent) -> dict[str, Any]:
        return {"can_withdraw": model.withdrawn_on is None and self.allowed("withdraw_view"),
                "today_date": today()}

    @expose("/withdraw/", methods=("POST",))
    @needs(access.WITHDRAW)
    def withdraw_view(self) -> Any:
        def withdraw(consent: Consent) -> None:
            try:
                on = dt.date.fromisoformat(request.form.get("withdrawn_on", ""))
            except ValueError:
                raise RuleViolation(_l("Enter the date of the withdrawal."),
                                    "withdrawn_on") from None
            consents.withdraw(db.session(), consent, on=on, actor=current_actor(),
                              note=request.form.get("note", ""))

        return self.act_on_posted(withdraw, _("The withdrawal is recorded."))


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
