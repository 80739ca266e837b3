"""Users and the audit log (administrators only, by the access policy)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from flask import request, url_for
from markupsafe import Markup
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import joinedload
from wtforms import PasswordField
from wtforms.validators import DataRequired, Optional

from admin_views.base import FormRejected, SecureModelView, endpoint_of, model_labels
from admin_views.formatting import date_filter, money_filter
from common.enums import DeliveryChannel
from common.errors import RuleViolation
from common.i18n import _, _l
from mentoring import audit
from mentoring.passwords import check_password_rules, hash_password
from models import AuditLog, User
from models.base import Model


class UserView(SecureModelView):
    column_list = ("name", "email", "role", "municipality", "provider", "active", "last_login_at")
    column_searchable_list = ("name", "email")
    column_filters = ("role", "active")
    column_default_sort = "name"
    column_details_list = ("name", "email", "role", "municipality", "provider", "mentor",
                           "language", "active", "totp_enabled", "last_login_at", "created_at")
    column_export_list = column_details_list
    form_columns = (
        "name", "email", "role", "municipality", "provider", "mentor", "language", "active",
        "new_password",
    )
    form_extra_fields = {
        "new_password": PasswordField(
            _l("New password"), validators=[Optional()],
            description=_l("At least 12 characters; leave empty to keep the current one."),
        )
    }
    query_options = (joinedload(User.municipality), joinedload(User.provider))

    def create_form(self, obj: Any = None) -> Any:
        """A new user's role is chosen, never defaulted (it decides everything they see)."""
        form = super().create_form(obj)
        if "role" in form:
            form.role.allow_blank = True
            form.role.validators = [DataRequired(), *form.role.validators]
            if request.method == "GET":
                form.role.data = None
        return form

    def on_model_change(self, form: Any, model: User, is_created: bool) -> None:
        password = form.new_password.data
        if password:
            try:
                check_password_rules(password, model.email or "", model.name or "")
            except RuleViolation as exc:
                form.new_password.errors = [*form.new_password.errors, str(exc.message)]
                raise FormRejected() from exc
            model.password_hash = hash_password(password)
            model.session_version = (model.session_version or 0) + 1
        super().on_model_change(form, model, is_created)


def model_class(name: str) -> type | None:
    found = Model.registry._class_registry.get(name)
    return found if isinstance(found, type) else None


# What a log row may hold besides the record's own columns.
OTHER_FIELDS: dict[str, Any] = {
    "page": _l("Page"), "parameters": _l("Parameters"), "format": _l("Format"),
    "channel": _l("Delivered by"), "delivered_on": _l("Delivered on"),
    "reference": _l("Reference (message or tracking number)"), "credit_note": _l("Credit note"),
    "early_reason": _l("Reason for issuing early"), "email": _l("E-mail"),
}
OTHER_ENUMS: dict[str, type] = {"channel": DeliveryChannel}
MONEY = re.compile(r"^-?\d+\.\d{2}$")


def _shown(model: type | None, field: str, value: Any) -> str:
    """A logged value as people read it: enum codes as their labels, ISO dates as dates,
    amounts as money."""
    if value is None or value == "":
        return "—"
    column = sa_inspect(model).columns.get(field) if model is not None else None
    enum_class = getattr(getattr(column, "type", None), "enum_class", None) \
        or OTHER_ENUMS.get(field)
    if enum_class is not None:
        try:
            return str(enum_class(value).label)
        except ValueError:
            pass
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
        try:
            return date_filter(dt.date.fromisoformat(value))
        except ValueError:
            pass
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "—"
    if isinstance(value, str) and MONEY.match(value):
        return money_filter(Decimal(value))
    return str(value)


def _changes(view: Any, context: Any, row: AuditLog, name: str) -> Any:
    """Field / before / after, with the fields' labels; a read names the page it was."""
    changes = row.changes or {}
    if not changes:
        return ""
    model = model_class(row.model)
    labels = {**OTHER_FIELDS, **(model_labels(model) if model is not None else {})}
    rows = []
    for field, value in changes.items():
        before, after = (value if isinstance(value, list) and len(value) == 2
                         and field not in ("parameters",) else (None, value))
        rows.append(Markup("<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td></tr>").format(
            labels.get(field, field), _shown(model, field, before) if before is not None
            else "", _shown(model, field, after)))
    return Markup('<table class="table table-sm mb-0"><thead><tr><th scope="col">{}</th>'
                  '<th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{}'
                  '</tbody></table>').format(_("Field"), _("Before"), _("After"),
                                             Markup("").join(rows))


def _record(view: Any, context: Any, row: AuditLog, name: str) -> Any:
    model = model_class(row.model)
    endpoint = endpoint_of(model) if model is not None else None
    if not row.record_id or endpoint is None or not row.record_id.isdigit():
        return row.record_id
    return Markup('<a href="{}">{}</a>').format(
        url_for(f"{endpoint}.details_view", id=row.record_id), row.record_id)


def _record_type(view: Any, context: Any, row: AuditLog, name: str) -> str:
    model = model_class(row.model)
    label = VIEW_NAMES.get(row.model)
    return str(label) if label is not None and model is not None else row.model


# The record types' names, as the menu calls their lists.
VIEW_NAMES: dict[str, Any] = {}


class AuditLogView(SecureModelView):
    # Millions of rows: the pager offers the next page without counting them all.
    simple_list_pager = True
    column_list = ("at", "user", "ip", "action", "model", "record_id", "changes")
    column_formatters = {
        "action": lambda v, c, m, n: audit.action_label(m.action),
        "model": _record_type, "record_id": _record, "changes": _changes,
    }
    column_formatters_detail = column_formatters
    column_formatters_export = {"action": lambda v, c, m, n: audit.action_label(m.action),
                                "model": _record_type}
    column_searchable_list = ("action", "model", "record_id", "ip")
    column_filters = ("at", "action", "model", "user.email")
    column_default_sort = [("at", True)]
    query_options = (joinedload(AuditLog.user),)


