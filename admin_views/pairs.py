"""Pairs, their goals and the additional support arranged."""

from __future__ import annotations

from sqlalchemy.orm import joinedload

from admin_views.base import SecureModelView
from admin_views.youths import YOUTH_LOOKUP
from mentoring.i18n import _l
from models import AdditionalSupport, Goal, Pair

PAIR_LABEL = (joinedload(Pair.youth), joinedload(Pair.mentor))


class PairView(SecureModelView):
    column_list = ("youth", "mentor", "provider", "starts_on", "planned_end_on", "status")
    column_details_list = (
        "youth", "mentor", "provider", "programme", "contract", "referral", "starts_on",
        "planned_end_on", "ended_on", "status", "end_reason", "evaluation_summary",
        "youth_feedback", "created_at",
    )
    column_export_list = column_details_list
    form_columns = column_details_list[:-1]
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


class GoalView(SecureModelView):
    column_list = ("pair", "area", "target", "achievement")
    form_columns = ("pair", "area", "description", "target", "achievement")
    column_details_list = form_columns
    column_filters = ("area", "achievement")
    column_default_sort = "id"
    query_options = tuple(joinedload(Goal.pair).options(o) for o in PAIR_LABEL)


class AdditionalSupportView(SecureModelView):
    column_list = ("pair", "kind", "institution", "arranged_on")
    form_columns = ("pair", "kind", "institution", "arranged_on", "outcome")
    column_details_list = form_columns
    column_filters = ("kind", "arranged_on")
    column_default_sort = [("arranged_on", True)]
    query_options = tuple(joinedload(AdditionalSupport.pair).options(o) for o in PAIR_LABEL)
