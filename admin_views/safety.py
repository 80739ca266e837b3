"""Safety concerns: raised on a pair, followed up, closed with a resolution."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_admin import expose
from sqlalchemy.orm import joinedload

from admin_views.base import SecureModelView, current_actor, needs
from common.i18n import _
from mentoring import access, safety
from models import Pair, SafetyConcern, db


class SafetyConcernView(SecureModelView):
    """Raised by a coordinator or mentor; the youth's social service sees it at once on its
    tasks. Once raised, what happened stays as written: follow-ups go into the actions
    taken and the severity, each kept in the concern's history."""

    details_template = "mentoring/concern_details.html"
    column_list = ("pair", "raised_on", "category", "severity", "closed_on")
    column_details_list = ("pair", "raised_on", "category", "severity", "description",
                           "actions_taken", "raised_by", "closed_on", "resolution", "closed_by")
    column_export_list = column_details_list
    form_columns = ("pair", "raised_on", "category", "severity", "description",
                    "actions_taken")
    column_filters = ("raised_on", "category", "severity", "closed_on")
    column_default_sort = [("raised_on", True)]
    query_options = (
        joinedload(SafetyConcern.pair).joinedload(Pair.youth),
        joinedload(SafetyConcern.pair).joinedload(Pair.mentor),
        joinedload(SafetyConcern.raised_by), joinedload(SafetyConcern.closed_by),
    )
    form_fixed_once_created = ("pair", "raised_on", "category", "description")

    def on_model_change(self, form: Any, model: SafetyConcern, is_created: bool) -> None:
        super().on_model_change(form, model, is_created)
        if is_created:
            safety.raised(db.session(), model, actor=current_actor())
        else:
            safety.updated(db.session(), model, actor=current_actor())

    def details_context(self, model: SafetyConcern) -> dict[str, Any]:
        return {"can_close": model.is_open and self.allowed("close_view")}

    @expose("/close/", methods=("POST",))
    @needs(access.EDIT)
    def close_view(self) -> Any:
        return self.act_on_posted(lambda concern: safety.close(
            db.session(), concern, resolution=request.form.get("resolution", ""),
            actor=current_actor()), _("The concern is closed."))
