"""Youths and referrals."""

from __future__ import annotations

from sqlalchemy.orm import joinedload, selectinload

from admin_views.base import SecureModelView
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
    column_list = (
        "case_number", "first_name", "last_name", "birth_date", "gender", "municipality",
        "locality", "school", "risk_factors", "archived",
    )
    column_details_list = (
        "case_number", "first_name", "last_name", "birth_date", "personal_code", "gender",
        "municipality", "locality", "school", "phone", "email", "guardian_name",
        "guardian_phone", "guardian_email", "risk_factors", "consent_youth",
        "consent_guardian", "consent_date", "notes", "archived", "created_at",
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


class ReferralView(SecureModelView):
    column_list = (
        "youth", "programme", "source", "referrer_institution", "received_on", "status",
        "provider", "decided_on",
    )
    column_details_list = (
        "youth", "programme", "municipality", "source", "referrer_institution",
        "referrer_name", "received_on", "needs", "status", "decided_on", "rejection_reason",
        "provider", "created_at",
    )
    column_export_list = column_details_list
    form_columns = column_details_list[:-1]
    column_searchable_list = ("referrer_institution", "referrer_name")
    column_filters = ("status", "source", "received_on", "provider.name")
    form_ajax_refs = {"youth": YOUTH_LOOKUP}
    column_default_sort = [("received_on", True)]
    query_options = (
        joinedload(Referral.youth), joinedload(Referral.programme),
        joinedload(Referral.provider), joinedload(Referral.municipality),
    )


class ReferralStatusChangeView(SecureModelView):
    column_list = ("referral", "from_status", "to_status", "comment", "changed_by", "changed_at")
    column_filters = ("to_status", "changed_at")
    column_default_sort = [("changed_at", True)]
    query_options = (
        joinedload(ReferralStatusChange.referral).joinedload(Referral.youth),
        joinedload(ReferralStatusChange.changed_by),
    )
