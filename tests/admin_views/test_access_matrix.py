"""Tenant isolation, generated from the registered views, the models and the demo users.

For every view and every scoped demo user (two municipalities, several providers, mentors of
two providers) the test compares what the access policy says with what the screens do: list
and count, details, edit and delete by id, export, the bulk action and ajax look-ups, against
rows inside and outside the user's scope, with exact status codes, and checks that no
out-of-scope youth's case number, personal code or name appears in any response.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import inspect, select

from admin_views import VIEWS
from common.actor import Actor
from common.enums import Role
from mentoring import access
from models import Mentor, User, Youth
from tests.conftest import Browser

ENDPOINTS = [endpoint for *_, endpoint in VIEWS]
SAMPLE = 4


def sample(ids: set[int]) -> list[int]:
    ordered = sorted(ids)
    if len(ordered) <= SAMPLE:
        return ordered
    step = len(ordered) / SAMPLE
    return [ordered[int(i * step)] for i in range(SAMPLE)]


def ids_where(db: Any, model: type, clause: Any) -> set[int]:
    pk = inspect(model).primary_key[0]
    return set(db.session.scalars(select(pk).where(clause)))


def secrets_outside(db: Any, user: User) -> set[str]:
    """Identifying strings of youths this user must never see."""
    inside = ids_where(db, Youth, access.known_youths(Actor.of(user)))
    visible_names = {f"{y.first_name} {y.last_name}" for y in db.session.scalars(
        select(Youth).where(Youth.id.in_(inside)))}
    visible_names |= {m.full_name for m in db.session.scalars(select(Mentor))}
    secrets: set[str] = set()
    for youth in db.session.scalars(select(Youth).where(Youth.id.not_in(inside))):
        secrets.add(youth.case_number)
        if youth.personal_code:
            secrets.add(youth.personal_code)
        name = f"{youth.first_name} {youth.last_name}"
        if name not in visible_names:
            secrets.add(name)
    return secrets


def assert_no_secret(body: str, secrets: set[str], where: str) -> None:
    leaked = sorted(s for s in secrets if s in body)
    assert leaked == [], f"{where} shows out-of-scope youths: {leaked[:5]}"


def scoped_users(db: Any) -> list[User]:
    users = list(db.session.scalars(select(User).where(User.role != Role.admin).order_by(User.id)))
    roles = {u.role for u in users}
    assert roles == {Role.municipality, Role.provider, Role.mentor}
    assert sum(u.role == Role.municipality for u in users) >= 2
    assert sum(u.role == Role.provider for u in users) >= 2
    return users


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_every_role_reaches_exactly_its_scope(
    app: Flask, db: Any, demo_users: Any, endpoint: str
) -> None:
    view = next(v for v in VIEWS if v[-1] == endpoint)
    model = view[1]
    admin_view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == endpoint)
    all_ids = ids_where(db, model, True)
    assert all_ids, f"{endpoint}: demo data should hold rows"
    for user in scoped_users(db):
        browser = Browser(app.test_client())
        assert browser.sign_in(user.email).status_code == 302
        can = {a: access.can(Actor.of(user), model, a) for a in
               (access.LIST, access.VIEW, access.CREATE, access.EDIT, access.DELETE,
                access.EXPORT)}
        inside = ids_where(db, model, access.row_filter(Actor.of(user), model))
        outside = all_ids - inside
        where = f"{endpoint} as {user.email}"
        secrets = secrets_outside(db, user)

        listing = browser.get(f"/admin/{endpoint}/?page_size=100")
        if not (can[access.LIST] or can[access.VIEW]):
            assert listing.status_code == 403, where
            any_id = sorted(all_ids)[0]
            assert browser.get(f"/admin/{endpoint}/details/?id={any_id}").status_code == 403
            assert browser.get(f"/admin/{endpoint}/edit/?id={any_id}").status_code == 403
            assert browser.post(f"/admin/{endpoint}/delete/", data={"id": any_id}).status_code == 403
            assert browser.get(f"/admin/{endpoint}/export/csv/").status_code == 403
            continue

        assert listing.status_code == 200, where
        body = listing.get_data(as_text=True)
        shown = {int(i) for i in re.findall(rf"/admin/{endpoint}/details/\?id=(\d+)", body)}
        assert shown <= inside, where
        counted = re.search(r"\((\d+)\)</a>", body)
        if admin_view.simple_list_pager:  # the biggest tables are listed without counting them
            assert counted is None, where
        else:
            assert (int(counted.group(1)) if counted else 0) == len(inside), where
        if len(inside) <= 100:
            assert shown == inside, where
        assert_no_secret(body, secrets, where)
        create = browser.get(f"/admin/{endpoint}/new/")
        if create.status_code == 302 and can[access.CREATE]:  # e.g. referrals: the intake form
            create = browser.get(create.headers["Location"])
        assert create.status_code == (200 if can[access.CREATE] else 403), where
        assert_no_secret(create.get_data(as_text=True), secrets, f"{where} create form")

        for record in sample(inside):
            details = browser.get(f"/admin/{endpoint}/details/?id={record}")
            assert details.status_code == (200 if can[access.VIEW] else 403), where
            assert_no_secret(details.get_data(as_text=True), secrets, where)
            edit = browser.get(f"/admin/{endpoint}/edit/?id={record}")
            obj = db.session.get(model, record)
            expected = 200 if can[access.EDIT] and access.can_change(Actor.of(user), obj) else 403
            assert edit.status_code == expected, (where, record)
            assert_no_secret(edit.get_data(as_text=True), secrets, f"{where} edit form")
        for record in sample(outside):
            gone = 404 if can[access.VIEW] else 403
            assert browser.get(f"/admin/{endpoint}/details/?id={record}").status_code == gone
            gone = 404 if can[access.EDIT] else 403
            assert browser.get(f"/admin/{endpoint}/edit/?id={record}").status_code == gone
            gone = 404 if can[access.DELETE] else 403
            response = browser.post(f"/admin/{endpoint}/delete/", data={"id": record})
            assert response.status_code == gone, (where, record)
        if outside:
            response = browser.post(f"/admin/{endpoint}/action/",
                                    data={"action": "delete", "rowid": sample(outside)})
            assert response.status_code == (302 if can[access.DELETE] else 403), where
            assert ids_where(db, model, True) >= outside, f"{where}: bulk delete escaped scope"

        export = browser.get(f"/admin/{endpoint}/export/csv/")
        if can[access.EXPORT]:
            assert export.status_code == 200, where
            text = export.get_data(as_text=True)
            assert len(text.strip().splitlines()) - 1 >= min(len(inside), 1), where
            assert_no_secret(text, secrets, where)
        else:
            assert export.status_code == 403, where

        for field, loader in getattr(admin_view, "_form_ajax_refs", {}).items():
            lookup = browser.get(f"/admin/{endpoint}/ajax/lookup/?name={field}&query=&limit=500")
            if not can[access.LIST]:
                assert lookup.status_code == 403, where
                continue
            assert lookup.status_code == 200, where
            returned = {row[0] for row in lookup.get_json()}
            allowed = ids_where(db, loader.model, access.row_filter(Actor.of(user), loader.model))
            assert returned <= allowed, f"{where}: ajax {field} leaks"
            assert_no_secret(lookup.get_data(as_text=True), secrets, where)
