"""Every /admin route declares the right it needs, and an undeclared one answers 403.

Generated from ``app.url_map``: a new view or endpoint is covered without editing this test.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask_admin import expose

from admin_views.base import SecureView, needs
from app import create_app
from mentoring import access
from models import Youth
from tests.conftest import Browser, IsolatedClient


def admin_routes(app: Flask) -> list[tuple[str, Any, str]]:
    admin = app.extensions["admin"][0]
    views = {view.endpoint: view for view in [*admin._views, admin.index_view]}
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/admin") or rule.endpoint.endswith(".static"):
            continue
        blueprint, _, method = rule.endpoint.partition(".")
        found.append((rule.rule, views[blueprint], method))
    return found


def test_every_admin_route_declares_what_it_needs(app: Flask) -> None:
    routes = admin_routes(app)
    assert len(routes) > 200  # every generated and custom screen is in the walk
    missing = [rule for rule, view, method in routes if view.declared(method) is None]
    assert missing == []
    # The named acts are declared where the domain has them.
    declared = {view.declared(method)[0] for _rule, view, method in routes}
    assert {access.APPROVE, access.DECIDE, access.ISSUE, access.CREDIT, access.RECORD_PAYMENT,
            access.WITHDRAW, access.SIGN_OFF, access.SUBJECT_EXPORT} <= declared


class _Undeclared(SecureView):
    model = Youth

    @expose("/")
    @needs(access.LIST)
    def index(self) -> Any:
        return "index"

    @expose("/forgotten/")
    def forgotten(self) -> Any:
        return "should never be shown"


@pytest.fixture()
def undeclared_app(app: Flask, demo_users: Any) -> Flask:
    """An app of its own (the suite's stays as it is) with one more view whose second
    endpoint declares nothing, on the test's demo database."""
    probe = create_app(dict(app.config))
    probe.test_client_class = IsolatedClient
    probe.extensions["admin"][0].add_view(_Undeclared(
        name="x", endpoint="undeclared_probe", url="/admin/undeclared-probe"))
    return probe


def test_an_endpoint_without_a_declaration_answers_403(undeclared_app: Flask) -> None:
    browser = Browser(undeclared_app.test_client())
    browser.sign_in("liepaja@mentori.lv")
    assert browser.get("/admin/undeclared-probe/").status_code == 200
    response = browser.get("/admin/undeclared-probe/forgotten/")
    assert response.status_code == 403
    assert "should never be shown" not in response.get_data(as_text=True)
