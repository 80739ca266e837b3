"""Logging and approving hours through the screens."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import delete, func, select

from common.clock import today
from common.enums import EntryStatus, PairStatus
from models import Pair, ServiceEntry, User
from tests.conftest import Browser


def signed_in(app: Flask, email: str) -> Browser:
    browser = Browser(app.test_client())
    browser.sign_in(email)
    return browser


def mentors_pair(db: Any) -> Pair:
    user = db.session.scalar(select(User).where(User.email == "mentors@mentori.lv"))
    pair = db.session.scalar(select(Pair).where(Pair.mentor_id == user.mentor_id,
                                                Pair.status == PairStatus.active))
    db.session.execute(delete(ServiceEntry).where(ServiceEntry.pair_id == pair.id,
                                                  ServiceEntry.invoice_id.is_(None)))
    db.session.commit()
    return pair


def entry_form(pair: Pair, minutes: int, **extra: Any) -> dict[str, Any]:
    return {"pair": str(pair.id), "day": today().replace(day=1).isoformat(),
            "minutes": str(minutes), "activity": "study", "mode": "in_person", "note": "",
            **extra}


def test_mentor_logs_until_the_cap_refuses(app: Flask, db: Any, demo_users: Any) -> None:
    pair = mentors_pair(db)
    mentor = signed_in(app, "mentors@mentori.lv")
    page = mentor.get(f"/admin/service_entry/new/?pair={pair.id}").get_data(as_text=True)
    assert "20 h" in page and 'name="billable"' not in page
    for _ in range(5):
        assert mentor.post("/admin/service_entry/new/",
                           data=entry_form(pair, 240)).status_code == 302
    refused = mentor.post("/admin/service_entry/new/", data=entry_form(pair, 15))
    assert refused.status_code == 200
    assert "šajā mēnesī vēl pieejamas 0 h" in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.sum(ServiceEntry.minutes)).where(
        ServiceEntry.pair_id == pair.id, ServiceEntry.day >= today().replace(day=1))) == 1200
    # The coordinator may record the extra time as non-billable.
    coordinator = signed_in(app, "you@mentori.lv")
    extra = coordinator.post("/admin/service_entry/new/",
                             data=entry_form(pair, 60, billable=""))
    assert extra.status_code == 302


def test_approval_rights(app: Flask, db: Any, demo_users: Any) -> None:
    pair = mentors_pair(db)
    mentor = signed_in(app, "mentors@mentori.lv")
    mentor.post("/admin/service_entry/new/", data=entry_form(pair, 60))
    entry = db.session.scalars(select(ServiceEntry).where(ServiceEntry.pair_id == pair.id)
                               .order_by(ServiceEntry.id.desc())).first()
    assert mentor.post("/admin/service_entry/action/",
                       data={"action": "approve", "rowid": entry.id}).status_code == 403
    assert mentor.post("/admin/service_entry/decide/",
                       data={"id": entry.id, "decision": "approve"}).status_code == 403
    other = signed_in(app, "kgac@mentori.lv")
    assert other.post("/admin/service_entry/decide/",
                      data={"id": entry.id, "decision": "approve"}).status_code == 404
    assert db.session.get(ServiceEntry, entry.id).status == EntryStatus.logged
    coordinator = signed_in(app, "you@mentori.lv")
    coordinator.post("/admin/service_entry/action/", data={"action": "approve", "rowid": entry.id})
    assert db.session.get(ServiceEntry, entry.id).status == EntryStatus.approved
    # Approved: the mentor can no longer edit it; the coordinator can reject it with a reason.
    assert mentor.get(f"/admin/service_entry/edit/?id={entry.id}").status_code == 403
    coordinator.post("/admin/service_entry/decide/",
                     data={"id": entry.id, "decision": "reject", "reason": ""})
    assert db.session.get(ServiceEntry, entry.id).status == EntryStatus.approved
    coordinator.post("/admin/service_entry/decide/",
                     data={"id": entry.id, "decision": "reject", "reason": "Dublikāts"})
    assert db.session.get(ServiceEntry, entry.id).status == EntryStatus.rejected


def test_edit_through_the_form_respects_the_cap(app: Flask, db: Any, demo_users: Any) -> None:
    pair = mentors_pair(db)
    mentor = signed_in(app, "mentors@mentori.lv")
    for _ in range(4):
        mentor.post("/admin/service_entry/new/", data=entry_form(pair, 240))
    mentor.post("/admin/service_entry/new/", data=entry_form(pair, 180))
    last = db.session.scalars(select(ServiceEntry).where(ServiceEntry.pair_id == pair.id)
                              .order_by(ServiceEntry.id.desc())).first()
    page = mentor.post(f"/admin/service_entry/edit/?id={last.id}", data=entry_form(pair, 300))
    assert page.status_code == 200 and "vēl pieejamas 4 h" in page.get_data(as_text=True)
    assert db.session.get(ServiceEntry, last.id).minutes == 180


def test_entry_export_is_plain_text_with_minutes_named(app: Flask, demo_users: Any) -> None:
    """The CSV carries no list badges, and its minutes say they are minutes."""
    browser = signed_in(app, "admin@mentori.lv")
    export = browser.get("/admin/service_entry/export/csv/").get_data(as_text=True)
    head, first = export.splitlines()[:2]
    assert "Ilgums (minūtes)" in head.split(",") and "<span" not in export
    assert first.split(",")[2].isdigit()
