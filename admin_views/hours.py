"""Service entries."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from sqlalchemy.orm import joinedload

from admin_views.base import SecureModelView
from models import Pair, ServiceEntry


class ServiceEntryView(SecureModelView):
    column_list = ("pair", "day", "minutes", "activity", "mode", "billable", "status", "invoice")
    column_details_list = (
        "pair", "day", "minutes", "activity", "mode", "note", "billable", "status",
        "rejection_reason", "logged_by", "approved_by", "approved_at", "invoice", "created_at",
    )
    column_export_list = column_details_list
    form_columns = ("pair", "day", "minutes", "activity", "mode", "note", "billable")
    column_filters = ("day", "status", "activity", "mode", "billable")
    column_default_sort = [("day", True)]
    form_args = {"minutes": {"description": "15, 30, 45, 60 …"}}
    query_options = (
        joinedload(ServiceEntry.pair).joinedload(Pair.youth),
        joinedload(ServiceEntry.pair).joinedload(Pair.mentor),
        joinedload(ServiceEntry.invoice),
        joinedload(ServiceEntry.logged_by),
        joinedload(ServiceEntry.approved_by),
    )

    def on_model_change(self, form: Any, model: ServiceEntry, is_created: bool) -> None:
        if is_created:
            model.logged_by_id = current_user.id
        super().on_model_change(form, model, is_created)
