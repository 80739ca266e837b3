"""Mentor screens for provider coordinators: selection steps, certificates, PDFs, supervision."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from common.clock import today
from common.enums import MentorStatus
from models import Agreement, Certificate, Mentor, Provider, TrainingCourse
from tests.conftest import Browser


def coordinator(app: Flask, email: str = "talanti@mentori.lv") -> Browser:
    browser = Browser(app.test_client())
    browser.sign_in(email)
    return browser


def ogre_mentor(db: Any, status: MentorStatus) -> Mentor:
    return db.session.scalar(select(Mentor).where(
        Mentor.status == status, Mentor.provider.has(invoice_prefix="TK")))


def test_mentor_page_shows_eligibility_history_and_next_steps(app: Flask, db: Any,
                                                              demo_users: Any) -> None:
    mentor = ogre_mentor(db, MentorStatus.applicant)
    page = coordinator(app).get(f"/admin/mentor/details/?id={mentor.id}").get_data(as_text=True)
    assert "Pabeigta vidējā izglītība." in page  # the demo applicant has basic education
    assert 'value="screened"' in page and 'value="rejected"' in page
    assert "Vēsture" in page


def test_reject_from_the_page_needs_a_reason(app: Flask, db: Any, demo_users: Any) -> None:
    mentor = ogre_mentor(db, MentorStatus.screened)
    browser = coordinator(app)
    response = browser.post("/admin/mentor/status/", data={"id": mentor.id, "to": "rejected"})
    assert response.status_code == 302
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Norādiet kandidāta noraidīšanas iemeslu." in page
    assert db.session.get(Mentor, mentor.id).status == MentorStatus.screened
    browser.post("/admin/mentor/status/", data={"id": mentor.id, "to": "rejected",
                                                "reason": "Nepietiekama motivācija"})
    mentor = db.session.get(Mentor, mentor.id)
    assert mentor.status == MentorStatus.rejected
    assert mentor.history[-1].changed_by.email == "talanti@mentori.lv"


def test_another_provider_cannot_move_or_see_the_mentor(app: Flask, db: Any,
                                                        demo_users: Any) -> None:
    mentor = ogre_mentor(db, MentorStatus.screened)
    other = coordinator(app, "you@mentori.lv")
    assert other.post("/admin/mentor/status/",
                      data={"id": mentor.id, "to": "rejected", "reason": "x"}).status_code == 404
    assert other.get(f"/admin/mentor/details/?id={mentor.id}").status_code == 404
    assert db.session.get(Mentor, mentor.id).status == MentorStatus.screened
    social = coordinator(app, "ogre@mentori.lv")
    assert social.post("/admin/mentor/status/", data={"id": mentor.id, "to": "rejected",
                                                      "reason": "x"}).status_code == 403


def test_generated_form_cannot_set_the_status(app: Flask, db: Any, demo_users: Any) -> None:
    mentor = ogre_mentor(db, MentorStatus.applicant)
    page = coordinator(app).get(f"/admin/mentor/edit/?id={mentor.id}").get_data(as_text=True)
    assert 'name="status"' not in page


def test_issuing_a_certificate_certifies_the_mentor(app: Flask, db: Any, demo_users: Any) -> None:
    mentor = ogre_mentor(db, MentorStatus.in_training)
    course = db.session.scalar(select(TrainingCourse).where(
        TrainingCourse.provider_id == mentor.provider_id))
    browser = coordinator(app)
    # The demo trainee missed three of six sessions: refused, at the field, nothing stored.
    page = browser.post("/admin/certificate/new/", data={
        "mentor": mentor.id, "course": course.id, "number": "TK-C-900",
        "issued_on": today().isoformat()})
    assert page.status_code == 200 and "ir nepieciešami 80%" in page.get_data(as_text=True)
    assert db.session.scalar(select(Certificate).where(Certificate.number == "TK-C-900")) is None
    for session in course_sessions(db, course):
        if mentor not in session.attendees:
            session.attendees.append(mentor)
    db.session.commit()
    response = browser.post("/admin/certificate/new/", data={
        "mentor": mentor.id, "course": course.id, "number": "TK-C-900",
        "issued_on": today().isoformat()})
    assert response.status_code == 302
    assert db.session.get(Mentor, mentor.id).status == MentorStatus.certified


def course_sessions(db: Any, course: TrainingCourse) -> list[Any]:
    from models import TrainingSession

    return list(db.session.scalars(select(TrainingSession).where(
        TrainingSession.course_id == course.id)))


def test_certificate_and_agreement_print_as_pdf(app: Flask, db: Any, demo_users: Any) -> None:
    provider = db.session.scalar(select(Provider).where(Provider.invoice_prefix == "TK"))
    certificate = db.session.scalar(select(Certificate).where(
        Certificate.provider_id == provider.id))
    agreement = db.session.scalar(select(Agreement).join(Mentor).where(
        Mentor.provider_id == provider.id))
    browser = coordinator(app)
    for url in (f"/admin/certificate/pdf/?id={certificate.id}",
                f"/admin/agreement/pdf/?id={agreement.id}"):
        response = browser.get(url)
        assert response.status_code == 200
        assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    other = coordinator(app, "you@mentori.lv")
    assert other.get(f"/admin/certificate/pdf/?id={certificate.id}").status_code == 404


def test_supervision_month_page_lists_who_missed(app: Flask, db: Any, demo_users: Any) -> None:
    page = coordinator(app).get(f"/admin/supervision-month/?month={today():%Y-%m}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Nav apmeklējis" in body
    assert "YOU+" not in body  # one provider only
    other = coordinator(app, "you@mentori.lv")
    provider = db.session.scalar(select(Provider).where(Provider.invoice_prefix == "TK"))
    assert other.get(f"/admin/supervision-month/?provider={provider.id}").status_code == 404
