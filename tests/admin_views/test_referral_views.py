"""Intake and review through the screens, as social service staff use them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from common.clock import today
from common.enums import ReferralStatus
from models import Locality, Programme, Provider, Referral, ReferralStatusChange, RiskFactor, Youth
from tests.conftest import Browser


def staff(app: Flask, email: str = "liepaja@mentori.lv") -> Browser:
    browser = Browser(app.test_client())
    browser.sign_in(email)
    return browser


def intake_data(db: Any, **overrides: Any) -> dict[str, Any]:
    programme = db.session.scalar(select(Programme).where(Programme.name.like("Liep%")))
    locality = db.session.scalar(select(Locality).where(Locality.name == "Karosta"))
    risk = db.session.scalars(select(RiskFactor).limit(2)).all()
    birth = today().replace(year=today().year - 16) - dt.timedelta(days=3)
    data: dict[str, Any] = {
        "programme": str(programme.id), "personal_code": "", "first_name": "Elza",
        "last_name": "Jaunā", "birth_date": birth.isoformat(), "gender": "female",
        "locality": str(locality.id), "school": "Liepājas 5. vidusskola", "phone": "",
        "email": "", "guardian_name": "Inese Jaunā", "guardian_phone": "29000000",
        "guardian_email": "", "source": "school", "referrer_institution": "Liepājas 5. vidusskola",
        "referrer_name": "Ilze Ābele", "referrer_contact": "ilze@skola.lv",
        "received_on": today().isoformat(), "needs": "Mācību atbalsts",
        "risk_factors": [str(r.id) for r in risk], "consent_youth": "y", "consent_guardian": "y",
    }
    data.update(overrides)
    return data


def counts(db: Any) -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(Youth)),
            db.session.scalar(select(func.count()).select_from(Referral)))


def test_intake_registers_youth_and_referral(app: Flask, db: Any, demo_users: Any) -> None:
    browser = staff(app)
    before = counts(db)
    response = browser.post("/admin/intake/", data=intake_data(db))
    assert response.status_code == 302, re.findall(r'invalid-feedback[^>]*>([^<]+)', response.get_data(as_text=True))
    assert counts(db) == (before[0] + 1, before[1] + 1)
    youth = db.session.scalar(select(Youth).where(Youth.last_name == "Jaunā"))
    assert youth.case_number.startswith(f"LIE-{today().year}-") and len(youth.risk_factors) == 2
    referral = db.session.scalar(select(Referral).where(Referral.youth_id == youth.id))
    assert referral.status == ReferralStatus.new and referral.history[0].to_status == "new"
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert youth.case_number in page and "Paņemt izskatīšanā" in page


def test_missing_consent_is_refused_with_a_translated_message(app: Flask, db: Any,
                                                              demo_users: Any) -> None:
    browser = staff(app)
    before = counts(db)
    data = intake_data(db)
    del data["consent_guardian"]
    page = browser.post("/admin/intake/", data=data)
    assert page.status_code == 200
    assert "Nepilngadīgam jaunietim nepieciešama vecāka vai aizbildņa piekrišana." in page.get_data(as_text=True)
    assert counts(db) == before


def test_every_intake_error_shows_at_once(app: Flask, db: Any, demo_users: Any) -> None:
    """The missing consent does not hide the personal code that contradicts the birth date."""
    from mentoring.demo import personal_code

    browser = staff(app)
    before = counts(db)
    data = intake_data(db, personal_code=personal_code(dt.date(2009, 1, 2), 7))
    del data["consent_guardian"]
    page = browser.post("/admin/intake/", data=data).get_data(as_text=True)
    assert "Nepilngadīgam jaunietim nepieciešama vecāka vai aizbildņa piekrišana." in page
    assert "Personas kods neatbilst dzimšanas datumam." in page
    assert counts(db) == before


def test_age_outside_the_range_is_refused_at_the_field(app: Flask, db: Any,
                                                       demo_users: Any) -> None:
    browser = staff(app)
    before = counts(db)
    birth = today().replace(year=today().year - 12)
    page = browser.post("/admin/intake/", data=intake_data(db, birth_date=birth.isoformat()))
    assert "šī programma paredzēta vecumā no 13 līdz 25 gadiem" in page.get_data(as_text=True)
    assert counts(db) == before


def test_find_by_personal_code_prefills_and_reuses(app: Flask, db: Any, demo_users: Any) -> None:
    browser = staff(app)
    youth = db.session.scalar(select(Youth).where(
        Youth.case_number.like("LIE-%"), Youth.personal_code.is_not(None)))
    page = browser.get(f"/admin/intake/?personal_code={youth.personal_code}").get_data(as_text=True)
    assert youth.case_number in page and f'value="{youth.first_name}"' in page
    other = db.session.scalar(select(Youth).where(
        Youth.case_number.like("OGR-%"), Youth.personal_code.is_not(None)))
    page = browser.get(f"/admin/intake/?personal_code={other.personal_code}").get_data(as_text=True)
    assert other.first_name not in page and other.case_number not in page


def open_referral(db: Any) -> Referral:
    return db.session.scalar(select(Referral).where(
        Referral.status == ReferralStatus.in_review, Referral.municipality.has(case_prefix="LIE")))


def test_review_queue_lists_open_referrals_oldest_first(app: Flask, db: Any,
                                                        demo_users: Any) -> None:
    page = staff(app).get("/admin/review/").get_data(as_text=True)
    shown = re.findall(r"<td>(\d\d\.\d\d\.\d{4})</td>", page)
    dates = [dt.datetime.strptime(d, "%d.%m.%Y").date() for d in shown]
    assert dates and dates == sorted(dates)
    assert "OGR-" not in page  # another municipality's queue


def test_accept_with_unknown_provider_posted_by_hand_changes_nothing(
    app: Flask, db: Any, demo_users: Any
) -> None:
    referral = open_referral(db)
    talanti = db.session.scalar(select(Provider).where(Provider.invoice_prefix == "TK"))
    history = len(referral.history)
    for provider_id in (str(talanti.id), "999999"):
        page = staff(app).post(f"/admin/review/{referral.id}/", data={
            "action": "accept", "comment": "Ģimene izvēlējās", "provider": provider_id,
            "chosen_by": "parent", "decided_on": today().isoformat()})
        assert page.status_code == 200
        assert "Nederīga izvēle." in page.get_data(as_text=True)
    db.session.expire_all()
    referral = db.session.get(Referral, referral.id)
    assert referral.status == ReferralStatus.in_review and len(referral.history) == history


def test_transition_not_allowed_from_current_status(app: Flask, db: Any, demo_users: Any) -> None:
    referral = db.session.scalar(select(Referral).where(
        Referral.status == ReferralStatus.new, Referral.municipality.has(case_prefix="LIE")))
    page = staff(app).post(f"/admin/review/{referral.id}/", data={
        "action": "accept", "comment": "x", "decided_on": today().isoformat()})
    assert "Nosūtījumu nevar pārvietot no statusa" in page.get_data(as_text=True)
    assert db.session.get(Referral, referral.id).status == ReferralStatus.new


def test_reject_needs_reason_and_comment(app: Flask, db: Any, demo_users: Any) -> None:
    referral = open_referral(db)
    page = staff(app).post(f"/admin/review/{referral.id}/", data={
        "action": "reject", "comment": "", "reason": "", "decided_on": today().isoformat()})
    body = page.get_data(as_text=True)
    assert "Komentārs ir obligāts." in body and "Norādiet nosūtījuma noraidīšanas iemeslu" in body
    assert db.session.get(Referral, referral.id).status == ReferralStatus.in_review


def test_provider_sees_the_referral_only_after_it_is_assigned(app: Flask, db: Any,
                                                              demo_users: Any) -> None:
    referral = open_referral(db)
    hope = db.session.scalar(select(Provider).where(Provider.name == "House of Hope"))
    coordinator = staff(app, "hoh@mentori.lv")
    assert coordinator.get(f"/admin/referral/details/?id={referral.id}").status_code == 404
    assert coordinator.get(f"/admin/youth/details/?id={referral.youth_id}").status_code == 404
    response = staff(app).post(f"/admin/review/{referral.id}/", data={
        "action": "accept", "comment": "Ģimene izvēlējās", "provider": str(hope.id),
        "chosen_by": "parent", "decided_on": today().isoformat()})
    assert response.status_code == 302
    referral = db.session.get(Referral, referral.id)
    assert referral.status == ReferralStatus.accepted and referral.chosen_by == "parent"
    change = db.session.scalars(select(ReferralStatusChange).where(
        ReferralStatusChange.referral_id == referral.id).order_by(ReferralStatusChange.id.desc())).first()
    assert change.comment == "Ģimene izvēlējās" and change.changed_by.email == "liepaja@mentori.lv"
    assert coordinator.get(f"/admin/referral/details/?id={referral.id}").status_code == 200
    assert coordinator.get(f"/admin/youth/details/?id={referral.youth_id}").status_code == 200


def test_other_municipality_cannot_open_the_review_page(app: Flask, db: Any,
                                                        demo_users: Any) -> None:
    referral = open_referral(db)
    assert staff(app, "ogre@mentori.lv").get(f"/admin/review/{referral.id}/").status_code == 404
    assert staff(app, "you@mentori.lv").get(f"/admin/review/{referral.id}/").status_code == 403
    assert staff(app, "you@mentori.lv").get("/admin/intake/").status_code == 403
    response = staff(app, "ogre@mentori.lv").post(f"/admin/review/{referral.id}/", data={
        "action": "withdraw", "comment": "x", "decided_on": today().isoformat()})
    assert response.status_code == 404
    assert db.session.get(Referral, referral.id).status == ReferralStatus.in_review


def test_generated_referral_form_cannot_change_the_status(app: Flask, db: Any,
                                                          demo_users: Any) -> None:
    referral = open_referral(db)
    page = staff(app).get(f"/admin/referral/edit/?id={referral.id}").get_data(as_text=True)
    assert 'name="status"' not in page and 'name="provider"' not in page
