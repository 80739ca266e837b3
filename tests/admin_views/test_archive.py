"""Archived youths and mentors leave the lists and exports until asked for; opened by id, they
are still there."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from models import Youth
from tests.admin_views.test_hours_views import signed_in


def test_archived_youths_are_hidden_until_asked_for(app: Flask, db: Any,
                                                    demo_users: Any) -> None:
    youth = db.session.scalar(select(Youth).where(Youth.case_number.like("LIE-%"))
                              .order_by(Youth.id))
    youth.archived = True
    db.session.commit()
    browser = signed_in(app, "liepaja@mentori.lv")
    listing = browser.get("/admin/youth/?page_size=100").get_data(as_text=True)
    assert youth.case_number not in listing and "Rādīt arhivētos" in listing
    shown = browser.get("/admin/youth/?page_size=100&archived=1").get_data(as_text=True)
    assert youth.case_number in shown and "Slēpt arhivētos" in shown
    assert youth.case_number not in browser.get("/admin/youth/export/csv/").get_data(
        as_text=True)
    assert youth.case_number in browser.get("/admin/youth/export/csv/?archived=1").get_data(
        as_text=True)
    assert browser.get(f"/admin/youth/details/?id={youth.id}").status_code == 200
