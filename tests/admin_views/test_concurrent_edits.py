"""Two people editing one record: the second save is refused with a message, keeps its input,
and overwrites only when sent again knowingly."""

from __future__ import annotations

import datetime as dt
from typing import Any

import lxml.html
import pytest
from flask import Flask
from sqlalchemy import select

from common.enums import PairStatus
from common.months import add_months
from models import Pair, Provider, Youth
from tests.admin_views.test_hours_views import signed_in

CONFLICT = "Kāds cits saglabāja šo ierakstu"


def form_values(html: str) -> dict[str, list[str]]:
    """What the browser would send from the page's edit form, as shown."""
    form = next(f for f in lxml.html.fromstring(html).forms
                if "admin-form" in (f.get("class") or ""))
    data: dict[str, list[str]] = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    return data


def edit_form(browser: Any, url: str) -> dict[str, list[str]]:
    return form_values(browser.get(url).get_data(as_text=True))


def record(db: Any, kind: str) -> tuple[str, Any, str, str, tuple[Any, Any]]:
    """Who edits, the record, the field both change, the edit URL and their two values."""
    if kind == "youth":
        youth = db.session.scalar(select(Youth).where(Youth.case_number.like("LIE-%"))
                                  .order_by(Youth.id))
        return ("liepaja@mentori.lv", youth, "school", f"/admin/youth/edit/?id={youth.id}",
                ("Pirmā versija", "Otrā versija"))
    pair = db.session.scalar(select(Pair).join(Provider).where(
        Provider.invoice_prefix == "YOU", Pair.status == PairStatus.active).order_by(Pair.id))
    ends = (add_months(pair.starts_on, 4), add_months(pair.starts_on, 4) + dt.timedelta(days=7))
    return "you@mentori.lv", pair, "planned_end_on", f"/admin/pair/edit/?id={pair.id}", ends


@pytest.mark.parametrize("kind", ["youth", "pair"])
def test_second_save_is_refused_and_keeps_its_input(app: Flask, db: Any, demo_users: Any,
                                                    kind: str) -> None:
    email, obj, field, url, (one, two) = record(db, kind)
    start = obj.version
    first, second = signed_in(app, email), signed_in(app, email)
    mine, theirs = edit_form(first, url), edit_form(second, url)
    assert "version" in mine
    mine[field] = [str(one)]
    assert first.post(url, data=mine).status_code == 302
    theirs[field] = [str(two)]
    refused = second.post(url, data=theirs)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and CONFLICT in html and str(two) in html
    db.session.expire_all()
    assert getattr(db.session.get(type(obj), obj.id), field) == one
    # Sent again from the form as shown, it replaces the other save knowingly.
    again = form_values(html)
    assert again[field] == [str(two)]
    assert second.post(url, data=again).status_code == 302
    db.session.expire_all()
    saved = db.session.get(type(obj), obj.id)
    assert getattr(saved, field) == two and saved.version == start + 2

