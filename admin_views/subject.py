"""The data subject's access export (JSON and a readable PDF) on youth and mentor pages."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, render_template, request
from flask_babel import force_locale
from flask_login import current_user
from sqlalchemy import inspect as sa_inspect

from admin_views.base import (
    SecureModelView,
    current_actor,
    download,
    model_labels,
    pdf_download,
    perform,
)
from common.enums import Role
from mentoring import documents, subject_access
from models import db
from models.base import Base


def table_titles() -> dict[str, Any]:
    """Each table's name as its screen is called in the menu."""
    return {str(sa_inspect(view.model).local_table.name): view.name
            for view in current_app.extensions["admin"][0]._views
            if isinstance(view, SecureModelView)}


def column_labels() -> dict[str, dict[str, Any]]:
    return {mapper.class_.__tablename__: model_labels(mapper.class_)
            for mapper in Base.registry.mappers}


def export(view: Any) -> Any:
    """Administrators only; the export is audited before it is handed out."""
    if current_user.role != Role.admin:
        abort(403)
    person = view.get_one(request.args.get("id", ""))
    fmt = "pdf" if request.args.get("format") == "pdf" else "json"
    data = subject_access.collect(db.session(), person)
    perform(lambda: subject_access.record_export(db.session(), current_actor(), person, fmt))
    stem = f"datu-eksports-{type(person).__name__.lower()}-{person.id}"
    if fmt == "json":
        return download(subject_access.as_json(data), f"{stem}.json",
                        "application/json; charset=utf-8")
    with force_locale("lv"):
        html = render_template("mentoring/subject_access_pdf.html", data=data,
                               titles=table_titles(), labels=column_labels(),
                               css=documents.BASE_CSS)
    return pdf_download(html, f"{stem}.pdf")
