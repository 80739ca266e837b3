"""The public forms (issue 24): a mentor's application for a recruitment round and a
youth's request for support — no sign-in, nothing revealed, bounded, limited, audited
without their free text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from common.enums import MentorStatus, ReferralSource, ReferralStatus
from models import AuditLog, Mentor, PublicSubmission, RecruitmentRound, Referral, Youth
from tests.admin_views.test_hours_views import signed_in
from tests.conftest import today

MOTIVATION = "Gribu palīdzēt jauniešiem atrast savu ceļu un ticēt sev."


def count(db: Any, model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def application(**changes: Any) -> dict[str, Any]:
    return {"first_name": "Marta", "last_name": "Kalniņa", "birth_date": "1990-04-02",
            "email": "marta@example.lv", "phone": "26123456", "locality": "0",
            "education": "higher", "experience_years": "3", "experience": ["schools", "ngo"],
            "motivation": MOTIVATION, "meetings_per_month": "2", "hours_per_month": "4",
            "in_person": "y", "languages": "latviešu, angļu", "interests": "sports",
            "consent": "y", **changes}


def support_request(**changes: Any) -> dict[str, Any]:
    born = today().replace(year=today().year - 16) - dt.timedelta(days=3)
    return {"first_name": "Kārlis", "last_name": "Ozoliņš", "birth_date": born.isoformat(),
            "phone": "29111222", "email": "", "help_with": "Mācības un draugi",
            "parent_name": "", "parent_contact": "", "consent": "y", **changes}


def test_an_application_becomes_an_applicant_of_the_rounds_provider(
        app: Flask, db: Any, demo_users: Any) -> None:
    round_ = db.session.scalar(select(RecruitmentRound).where(
        RecruitmentRound.slug == "talantu-kalve"))
    public = app.test_client()
    page = public.get("/pieteikums/talantu-kalve").get_data(as_text=True)
    assert 'lang="lv"' in page and "Kļūt par mentoru" in page and "priekšroka" in page
    assert "Datu pārzinis" not in page and "Kā tiek izmantoti jūsu dati" in page
    young = (today().replace(year=today().year - 19)).isoformat()
    sent = public.post("/pieteikums/talantu-kalve", data=application(
        birth_date=young, education="basic", first_name="<script>alert(1)</script>"))
    assert sent.status_code == 302 and sent.location.endswith("/pieteikums/talantu-kalve/nosutits")
    assert "Paldies" in public.get(sent.location).get_data(as_text=True)
    mentor = db.session.scalars(select(Mentor).order_by(Mentor.id.desc())).first()
    assert (mentor.status, mentor.round_id, mentor.provider_id, mentor.applied_online) == (
        MentorStatus.applicant, round_.id, round_.provider_id, True)
    assert MOTIVATION in mentor.motivation and "Skolas" in mentor.motivation
    trail = db.session.scalars(select(AuditLog).where(
        AuditLog.action == "application.received")).all()
    assert trail and trail[-1].user_id is None and MOTIVATION not in str(trail[-1].changes)
    coordinator = signed_in(app, "talanti@mentori.lv")
    details = coordinator.get(f"/admin/recruitment_round/details/?id={round_.id}").get_data(
        as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in details and "<script>alert" not in details
    assert "Vismaz 20 gadi" in details or "vismaz 20" in details.lower()
    assert "vidējā izglītība" in details.lower() or "Vidējā izglītība" in details
    for other in ("you@mentori.lv", "hoh@mentori.lv"):
        assert signed_in(app, other).get(
            f"/admin/recruitment_round/details/?id={round_.id}").status_code == 404


def test_a_closed_round_says_so_and_stores_nothing(app: Flask, db: Any,
                                                   demo_users: Any) -> None:
    public = app.test_client()
    page = public.get("/pieteikums/talantu-kalve-rudens").get_data(as_text=True)
    assert "Pieteikšanās slēgta" in page and "info@talantukalve.lv" in page
    before = count(db, Mentor)
    assert "Pieteikšanās slēgta" in public.post("/pieteikums/talantu-kalve-rudens",
                                                data=application()).get_data(as_text=True)
    assert count(db, Mentor) == before
    assert public.get("/pieteikums/nav-tadas").status_code == 404


def test_bad_input_gets_field_messages_and_stores_nothing(app: Flask, db: Any,
                                                          demo_users: Any) -> None:
    public = app.test_client()
    before = count(db, Mentor), count(db, Youth)
    for bad in ({"first_name": "x" * 81}, {"birth_date": "1850-01-01"},
                {"birth_date": "2026-02-31"}, {"email": "nav-epasts"}, {"motivation": "īsi"},
                {"consent": ""}, {"experience_years": "900"}, {"education": "doctor"},
                {"locality": "999999"}, {"motivation": "x" * 5000}, {"first_name": "   "},
                {"last_name": "Kalniņa\r\nBcc: x@example.lv"}, {"phone": "      "},
                {"experience_years": "99999999999999999999"}):
        answer = public.post("/pieteikums/talantu-kalve", data=application(**bad),
                             environ_base={"REMOTE_ADDR": f"10.0.0.{len(str(bad))}"})
        assert answer.status_code == 200, bad
        assert "invalid-feedback" in answer.get_data(as_text=True), bad
    for bad in ({"birth_date": "x"}, {"help_with": "y" * 1001}, {"phone": "", "email": ""},
                {"consent": ""}, {"parent_contact": "2" * 41}, {"parent_contact": "x@"},
                {"first_name": "Kārlis\nOtrs"}, {"help_with": "  "}):
        answer = public.post("/atbalsts/liepaja", data=support_request(**bad),
                             environ_base={"REMOTE_ADDR": f"10.0.1.{len(str(bad))}"})
        assert answer.status_code == 200 and "invalid-feedback" in answer.get_data(
            as_text=True), bad
    assert (count(db, Mentor), count(db, Youth)) == before


def test_a_filled_honeypot_is_thanked_and_forgotten(app: Flask, db: Any,
                                                    demo_users: Any) -> None:
    before = count(db, Mentor)
    sent = app.test_client().post("/pieteikums/talantu-kalve",
                                  data=application(website="http://spam.example"))
    assert sent.status_code == 302 and count(db, Mentor) == before


def test_a_flood_from_one_address_meets_a_polite_limit(app: Flask, db: Any,
                                                       demo_users: Any) -> None:
    public = app.test_client()
    before = count(db, Mentor)
    answers = [public.post("/pieteikums/talantu-kalve",
                           data=application(email=f"m{i}@example.lv")).status_code
               for i in range(8)]
    assert answers[:5] == [302] * 5 and answers[5:] == [429] * 3
    assert count(db, Mentor) == before + 5
    assert "Lūdzu, uzgaidiet" in public.post("/pieteikums/talantu-kalve",
                                             data=application()).get_data(as_text=True)
    assert public.post("/pieteikums/talantu-kalve", data=application(),
                       environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 302
    assert count(db, PublicSubmission) >= 10


def test_a_youth_of_14_is_told_who_can_refer_them_and_nothing_is_kept(
        app: Flask, db: Any, demo_users: Any) -> None:
    born = (today().replace(year=today().year - 15) + dt.timedelta(days=1)).isoformat()
    before = count(db, Youth), count(db, Referral)
    page = app.test_client().post("/atbalsts/liepaja", data=support_request(birth_date=born))
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "skola" in text and "Nekas no ievadītā nav saglabāts" in text
    assert (count(db, Youth), count(db, Referral)) == before


def test_a_youth_of_15_lands_in_that_municipalitys_queue_only(app: Flask, db: Any,
                                                              demo_users: Any) -> None:
    born = today().replace(year=today().year - 15).isoformat()
    sent = app.test_client().post("/atbalsts/liepaja", data=support_request(
        birth_date=born, parent_contact="mamma@example.lv"))
    assert sent.status_code == 302
    referral = db.session.scalars(select(Referral).order_by(Referral.id.desc())).first()
    assert (referral.source, referral.status, referral.via_web_form) == (
        ReferralSource.self_referral, ReferralStatus.new, True)
    assert referral.municipality.name.startswith("Liepāja")
    assert referral.youth.guardian_email == "mamma@example.lv"
    trail = db.session.scalars(select(AuditLog).where(
        AuditLog.model == "Referral", AuditLog.record_id == str(referral.id))).all()
    assert trail and all("Mācības" not in str(t.changes) for t in trail)
    queue = signed_in(app, "liepaja@mentori.lv").get("/admin/review/").get_data(as_text=True)
    assert referral.youth.case_number in queue
    assert referral.youth.case_number not in signed_in(app, "ogre@mentori.lv").get(
        "/admin/review/").get_data(as_text=True)


def test_the_answer_is_the_same_for_a_known_person_and_a_staff_session_is_not_used(
        app: Flask, db: Any, demo_users: Any) -> None:
    known = db.session.scalar(select(Youth).where(Youth.case_number.like("LIE-%")))
    data = support_request(first_name=known.first_name, last_name=known.last_name,
                           birth_date=known.birth_date.isoformat())
    staff = signed_in(app, "liepaja@mentori.lv")
    if dt.date.fromisoformat(data["birth_date"]) > today().replace(year=today().year - 15):
        data["birth_date"] = support_request()["birth_date"]
    first = staff.post("/atbalsts/liepaja", data=data)
    second = app.test_client().post("/atbalsts/liepaja", data=support_request(
        first_name="Nezināms", last_name="Cilvēks"))
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    created = db.session.scalars(select(AuditLog).where(
        AuditLog.action == "create", AuditLog.model == "Referral")
        .order_by(AuditLog.id.desc()).limit(2)).all()
    assert [entry.user_id for entry in created] == [None, None]


def test_the_sign_in_page_links_to_the_open_forms(app: Flask, db: Any, demo_users: Any) -> None:
    page = app.test_client().get("/login").get_data(as_text=True)
    assert "/pieteikums/talantu-kalve\"" in page and "/atbalsts/liepaja\"" in page
    assert "/pieteikums/talantu-kalve-rudens" not in page  # closed


def test_invalid_posts_from_many_addresses_do_not_close_a_form(app: Flask, db: Any,
                                                               demo_users: Any) -> None:
    from mentoring import public_limits

    public = app.test_client()
    for i in range(public_limits.PER_FORM_PER_DAY // 50):
        public.post("/atbalsts/liepaja", data=support_request(consent=""),
                    environ_base={"REMOTE_ADDR": f"10.9.{i}.1"})
    assert db.session.scalar(select(func.count()).select_from(PublicSubmission).where(
        PublicSubmission.form.like("support:%"))) == 0
    assert public.post("/atbalsts/liepaja", data=support_request(),
                       environ_base={"REMOTE_ADDR": "10.9.99.1"}).status_code == 302


def test_the_public_forms_speak_english_too(app: Flask, db: Any, demo_users: Any) -> None:
    public = app.test_client()
    public.post("/language/en", data={"next": "/pieteikums/talantu-kalve"})
    page = public.get("/pieteikums/talantu-kalve").get_data(as_text=True)
    assert 'lang="en"' in page and "Become a mentor" in page and "How your data are used" in page
    assert "Ask for a mentor" in public.get("/atbalsts/liepaja").get_data(as_text=True)
