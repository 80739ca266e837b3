"""Every change, read of personal data and export leaves an audit row with who, what and where."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from models import AuditLog, Locality, User, Youth
from tests.admin_views.test_bad_input import youth_form


def last(db: Any, action: str) -> AuditLog:
    return db.session.scalars(
        select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id.desc())
    ).first()


def test_create_update_delete_are_recorded_with_field_diff(admin_browser: Any, db: Any) -> None:
    admin = db.session.scalar(select(User).where(User.email == "admin@mentori.lv"))
    response = admin_browser.post("/admin/youth/new/", data=youth_form(db))
    assert response.status_code == 302
    youth_id = db.session.scalar(select(Youth.id).where(Youth.case_number == "OGR-TEST-001"))
    created = last(db, "create")
    assert (created.model, created.record_id, created.user_id) == ("Youth", str(youth_id), admin.id)
    assert created.ip == "127.0.0.1"
    assert created.changes["first_name"] == "Jānis"

    data = youth_form(db, first_name="Juris", school="Ogres 1. vidusskola")
    admin_browser.post(f"/admin/youth/edit/?id={youth_id}", data=data)
    updated = last(db, "update")
    assert updated.changes == {"first_name": ["Jānis", "Juris"],
                               "school": ["", "Ogres 1. vidusskola"]}

    admin_browser.post("/admin/youth/delete/", data={"id": youth_id})
    deleted = last(db, "delete")
    assert deleted.record_id == str(youth_id)
    assert deleted.changes["last_name"] == "Tests"


def test_personal_codes_are_masked_in_the_log(admin_browser: Any, db: Any) -> None:
    youth = db.session.scalar(select(Youth).where(Youth.personal_code.is_not(None)))
    old = youth.personal_code
    locality = db.session.get(Locality, youth.locality_id)
    data = youth_form(db, case_number=youth.case_number, first_name=youth.first_name,
                      last_name=youth.last_name, birth_date=youth.birth_date.isoformat(),
                      personal_code="", municipality=str(youth.municipality_id),
                      locality=str(locality.id), gender=youth.gender.value)
    admin_browser.post(f"/admin/youth/edit/?id={youth.id}", data=data)
    entry = last(db, "update")
    before, after = entry.changes["personal_code"]
    assert before.startswith(old[:2]) and old not in str(entry.changes) and "*" in before


def test_reading_and_exporting_personal_data_is_recorded(admin_browser: Any, db: Any) -> None:
    youth = db.session.scalar(select(Youth).limit(1))
    admin_browser.get(f"/admin/youth/details/?id={youth.id}")
    read = last(db, "read")
    assert (read.model, read.record_id) == ("Youth", str(youth.id))
    admin_browser.get("/admin/youth/export/csv/")
    export = last(db, "export")
    assert export.model == "Youth" and export.changes["format"] == "csv"
    admin_browser.get("/admin/municipality/details/?id=1")
    assert last(db, "read").model == "Youth"  # organisations are not personal data


def test_audit_log_cannot_be_changed_through_the_ui(admin_browser: Any, db: Any) -> None:
    entry = db.session.scalars(select(AuditLog)).first()
    assert admin_browser.get("/admin/audit_log/").status_code == 200
    assert admin_browser.get(f"/admin/audit_log/edit/?id={entry.id}").status_code == 403
    assert admin_browser.get("/admin/audit_log/new/").status_code == 403
    response = admin_browser.post("/admin/audit_log/delete/", data={"id": entry.id})
    assert response.status_code == 403
    assert db.session.get(AuditLog, entry.id) is not None


def test_sign_in_and_out_are_recorded(browser: Any, demo_users: Any, db: Any) -> None:
    browser.sign_in("liepaja@mentori.lv")
    assert last(db, "sign_in").user.email == "liepaja@mentori.lv"
    browser.post("/logout")
    assert last(db, "sign_out").user.email == "liepaja@mentori.lv"
