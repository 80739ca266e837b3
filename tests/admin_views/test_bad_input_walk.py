"""Bad input everywhere, generated (issue 20): every registered screen and every custom
endpoint, as each role that may use them, gets boundary values in every field and parameter
— empty, 10,000 characters, a NUL byte, emoji and right-to-left marks, script tags, wrong
and out-of-range dates, 2^63, inf, unknown codes, foreign ids, huge page numbers. No answer
may be a 5xx, and no markup sent may come back unescaped. New views are walked without
editing this test; it runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask_admin.contrib.sqla import ModelView
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select

from admin_views import VIEWS
from tests.admin_views.test_declared_permissions import admin_routes
from tests.conftest import Browser

SCRIPT = "<script>alert(1)</script>"
# Each value goes into every field and parameter at once, one request per value.
BAD = ["", "x" * 10_000, "a\x00b", "😀\u202eevil", SCRIPT, "31.02.2026", "9999-12-31",
       str(2**63), "inf", "-1"]
ROLES = ["admin@mentori.lv", "liepaja@mentori.lv", "you@mentori.lv", "mentors@mentori.lv"]
# Names the custom screens read from the query string or the form.
PARAMETERS = ["id", "month", "year", "provider", "municipality", "programme", "referral",
              "pair", "mentor", "report", "start", "end", "export", "format", "to",
              "decision", "reason", "comment", "contract", "fingerprint", "paid_on",
              "withdrawn_on", "note", "resolution", "archived", "area", "description",
              "target", "summary", "youth_feedback", "closure_reason", "action", "mode",
              "personal_code", "received_on", "decided_on", "chosen_by", "search", "page"]

SCREENS = [endpoint for _view, _model, _name, _category, endpoint in VIEWS]


def refusals(responses: list[tuple[str, Any]]) -> list[str]:
    """The requests answered with a 5xx or with the script tag sent back as markup."""
    found = []
    for label, response in responses:
        if response.status_code >= 500:
            found.append(f"{response.status_code} {label}")
        elif response.mimetype == "text/html" and SCRIPT in response.get_data(as_text=True):
            found.append(f"unescaped {label}")  # CSV and JSON carry values, not markup
    return found


def signed_in(app: Flask, email: str) -> Browser:
    browser = Browser(app.test_client())
    browser.sign_in(email)
    return browser


def first_id(db: Any, view: Any) -> int | None:
    return db.session.scalar(select(view.model.id).order_by(view.model.id.desc()).limit(1))


@pytest.mark.parametrize("endpoint", SCREENS)
def test_generated_screens_take_bad_input(app: Flask, db: Any, demo_users: Any,
                                          endpoint: str) -> None:
    view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == endpoint)
    record = first_id(db, view)
    responses: list[tuple[str, Any]] = []
    for email in ROLES:
        browser = signed_in(app, email)
        if browser.get(f"/admin/{endpoint}/").status_code != 200:
            continue  # not this role's screen (the access matrix checks the answer)
        # Lists, pages and look-ups run the same code for every role: the administrator
        # walks them; each role sends its own forms (they differ by role).
        everything = email == ROLES[0]
        filters = len(getattr(view, "_filters", None) or [])
        for value in BAD:
            label = f"{email} {value[:20]!r}"
            if everything:
                params = {"search": value, "page": value, "sort": value, "page_size": value,
                          **{f"flt{i}_{i}": value for i in range(filters)}}
                for path in (f"/admin/{endpoint}/", f"/admin/{endpoint}/export/csv/"):
                    responses.append((f"GET {path} {label}", browser.get(path,
                                                                        query_string=params)))
                for page in ("details", "edit"):
                    path = f"/admin/{endpoint}/{page}/"
                    responses.append((f"GET {path} {label}",
                                      browser.get(path, query_string={"id": value})))
                responses.append((f"ajax {label}", browser.get(
                    f"/admin/{endpoint}/ajax/lookup/", query_string={"name": value,
                                                                     "query": value})))
                responses.append((f"POST action {label}", browser.post(
                    f"/admin/{endpoint}/action/", data={"action": value, "rowid": [value]})))
            form = {name: value for name in _form_fields(view)}
            responses.append((f"POST new {label}",
                              browser.post(f"/admin/{endpoint}/new/", data=form)))
            if record is not None:
                responses.append((f"POST edit {label}", browser.post(
                    f"/admin/{endpoint}/edit/", query_string={"id": record},
                    data={**form, "version": value})))
    found = refusals(responses)
    assert found == [], "\n".join(found[:40])


def _form_fields(view: Any) -> list[str]:
    """Every column and relationship of the model: whatever a form of any role offers."""
    mapper = sa_inspect(view.model)
    return [prop.key for prop in (*mapper.column_attrs, *mapper.relationships)]


def custom_routes(app: Flask) -> list[tuple[str, str]]:
    """(route, methods) of every /admin endpoint that is not a generated screen's own."""
    generated = {"index_view", "details_view", "create_view", "edit_view", "delete_view",
                 "export", "action_view", "ajax_lookup", "ajax_update"}
    found = []
    for rule, view, method in admin_routes(app):
        if method in generated and isinstance(view, ModelView):
            continue
        full = next(r for r in app.url_map.iter_rules() if r.rule == rule)
        found.append((full, view, method))
    return found


@pytest.mark.parametrize("email", ROLES)
def test_custom_endpoints_take_bad_input(app: Flask, db: Any, demo_users: Any,
                                         email: str) -> None:
    browser = signed_in(app, email)
    responses: list[tuple[str, Any]] = []
    routes = custom_routes(app)
    assert len(routes) >= 25  # every custom screen and action is in the walk
    for rule, _view, _method in routes:
        for value in BAD:
            values = {name: value for name in PARAMETERS}
            path = rule.rule
            for argument in rule.arguments:  # <int:referral_id>, <export_type>
                path = path.replace(f"<int:{argument}>", "2147483647").replace(
                    f"<{argument}>", "csv")
            if "GET" in (rule.methods or ()):
                responses.append((f"GET {path} {value[:20]!r}",
                                  browser.get(path, query_string=values)))
            if "POST" in (rule.methods or ()):
                responses.append((f"POST {path} {value[:20]!r}",
                                  browser.post(path, data=values)))
    found = refusals(responses)
    assert found == [], "\n".join(found[:40])
