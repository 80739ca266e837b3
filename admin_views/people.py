"""Users and the audit log (administrators only, by the access policy)."""

from __future__ import annotations

from typing import Any

from flask import request
from sqlalchemy.orm import joinedload
from wtforms import PasswordField
from wtforms.validators import DataRequired, Optional

from admin_views.base import FormRejected, SecureModelView
from common.errors import RuleViolation
from common.i18n import _l
from mentoring.passwords import check_password_rules, hash_password
from models import AuditLog, User


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


class AuditLogView(SecureModelView):
    column_list = ("at", "user", "ip", "action", "model", "record_id", "changes")
    column_searchable_list = ("action", "model", "record_id", "ip")
    column_filters = ("at", "action", "model", "user.email")
    column_default_sort = [("at", True)]
    query_options = (joinedload(AuditLog.user),)


