"""Every generated screen answers for an administrator, over the demo data."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask

from admin_views import VIEWS
from common.actor import Actor
from common.enums import Role
from mentoring import access

ENDPOINTS = [endpoint for *_, endpoint in VIEWS]


def first_id(html: str, endpoint: str) -> str | None:
    match = re.search(rf"/admin/{endpoint}/details/\?id=([^&\"]+)", html)
    return match.group(1) if match else None


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_details_edit_create_export_answer(
    admin_browser: Any, db: Any, endpoint: str
) -> None:
    listing = admin_browser.get(f"/admin/{endpoint}/")
    assert listing.status_code == 200, endpoint
    html = listing.get_data(as_text=True)
    assert 'lang="lv"' in html
    record = first_id(html, endpoint)
    assert record is not None, f"{endpoint}: demo data should show at least one row"
    assert admin_browser.get(f"/admin/{endpoint}/details/?id={record}").status_code == 200
    view = next(v for v in VIEWS if v[-1] == endpoint)
    can_edit = access.can(_Admin(), view[1], access.EDIT)
    can_create = access.can(_Admin(), view[1], access.CREATE)
    if can_edit:
        still_open = access.can_change(_Admin(), db.session.get(view[1], int(record)))
        status = admin_browser.get(f"/admin/{endpoint}/edit/?id={record}").status_code
        assert status == (200 if still_open else 403), endpoint
    if can_create:
        create = admin_browser.get(f"/admin/{endpoint}/new/")
        if create.status_code == 302:  # a custom form takes over, e.g. the referral intake
            create = admin_browser.get(create.headers["Location"])
        assert create.status_code == 200
    for kind in ("csv", "xlsx"):
        export = admin_browser.get(f"/admin/{endpoint}/export/{kind}/")
        assert export.status_code == 200, (endpoint, kind)
        assert len(export.data) > 20


def _Admin() -> Actor:  # noqa: N802 (reads like the class it replaced)
    return Actor(user_id=None, role=Role.admin)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_delete_answers_without_error(admin_browser: Any, endpoint: str, app: Flask) -> None:
    """Deleting answers with a redirect; rows still referred to are refused with a message."""
    view = next(v for v in VIEWS if v[-1] == endpoint)
    if not access.can(_Admin(), view[1], access.DELETE):
        response = admin_browser.post(f"/admin/{endpoint}/delete/", data={"id": "1"})
        assert response.status_code == 403
        return
    html = admin_browser.get(f"/admin/{endpoint}/").get_data(as_text=True)
    record = first_id(html, endpoint)
    response = admin_browser.post(
        f"/admin/{endpoint}/delete/", data={"id": record, "url": f"/admin/{endpoint}/"}
    )
    assert response.status_code == 302
    page = admin_browser.get(f"/admin/{endpoint}/").get_data(as_text=True)
    deleted = first_id(page, endpoint) != record
    refused = any(text in page for text in ("netika saglabāts", "vairs nevar mainīt",
                                            "tāpēc tas tiek saglabāts"))
    assert deleted or refused, endpoint
