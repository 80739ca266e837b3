"""Bad input through the generated forms: a translated field error, nothing stored, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from common import clock
from models import Locality, Municipality, Pair, ServiceEntry, Youth


def youth_form(db: Any, **overrides: Any) -> dict[str, Any]:
    municipality = db.session.scalar(select(Municipality).where(Municipality.name == "Ogres novads"))
    locality = db.session.scalar(select(Locality).where(Locality.name == "Ķeipene"))
    data = {
        "case_number": "OGR-TEST-001", "first_name": "Jānis", "last_name": "Tests",
        "birth_date": "2010-03-16", "personal_code": "", "gender": "male",
        "municipality": str(municipality.id), "locality": str(locality.id), "school": "",
        "phone": "", "email": "", "guardian_name": "", "guardian_phone": "",
        "guardian_email": "", "consent_date": "", "notes": "",
    }
    data.update(overrides)
    return data


def count(db: Any, model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_valid_youth_is_created(admin_browser: Any, db: Any) -> None:
    before = count(db, Youth)
    response = admin_browser.post("/admin/youth/new/", data=youth_form(db))
    assert response.status_code == 302
    assert count(db, Youth) == before + 1


@pytest.mark.parametrize(("field", "value", "message"), [
    ("birth_date", "31.02.2010", "Nederīga datuma vērtība."),
    ("birth_date", "2099-01-01", "Datums nevar būt nākotnē."),
    ("first_name", "x" * 81, "Laukā var būt ne vairāk kā 80 rakstzīmes."),
    ("gender", "alien", "Nederīga vērtība; jābūt vienai no šīm"),
    ("municipality", "999999", "Nederīga izvēle."),
    ("personal_code", "161175-19998", "Nederīgs Latvijas personas kods."),
    ("personal_code", "010110-20000", "Nederīgs Latvijas personas kods."),
])
def test_bad_youth_input_gets_a_field_error(
    admin_browser: Any, db: Any, field: str, value: str, message: str
) -> None:
    before = count(db, Youth)
    response = admin_browser.post("/admin/youth/new/", data=youth_form(db, **{field: value}))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert count(db, Youth) == before


def test_personal_code_must_match_birth_date(admin_browser: Any, db: Any) -> None:
    response = admin_browser.post(
        "/admin/youth/new/", data=youth_form(db, personal_code="161175-19997")
    )
    assert "Personas kods neatbilst dzimšanas datumam." in response.get_data(as_text=True)


def test_duplicate_case_number_is_a_field_error(admin_browser: Any, db: Any) -> None:
    existing = db.session.scalar(select(Youth.case_number).limit(1))
    before = count(db, Youth)
    response = admin_browser.post("/admin/youth/new/", data=youth_form(db, case_number=existing))
    assert response.status_code == 200
    assert "Jau pastāv." in response.get_data(as_text=True)
    assert count(db, Youth) == before


@pytest.mark.parametrize(("minutes", "message"), [
    ("-30", "Ilgumam jābūt pozitīvam."),
    ("20", "Ievadiet ilgumu ar 15 minūšu soli."),
    ("abc", "Nederīga vesela skaitļa vērtība."),
])
def test_bad_duration_is_refused(admin_browser: Any, db: Any, minutes: str, message: str) -> None:
    pair = db.session.scalar(select(Pair).limit(1))
    before = count(db, ServiceEntry)
    response = admin_browser.post("/admin/service_entry/new/", data={
        "pair": str(pair.id), "day": clock.today().isoformat(), "minutes": minutes,
        "activity": "study", "mode": "in_person", "note": "", "billable": "y",
    })
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count(db, ServiceEntry) == before


def test_failed_edit_keeps_the_saved_record(admin_browser: Any, db: Any) -> None:
    youth = db.session.scalar(select(Youth).limit(1))
    saved_name = youth.first_name
    data = youth_form(db, case_number=youth.case_number, first_name="Mainīts",
                      birth_date="2099-01-01")
    response = admin_browser.post(f"/admin/youth/edit/?id={youth.id}", data=data)
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Youth, youth.id).first_name == saved_name
