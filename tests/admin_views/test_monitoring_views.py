"""Tasks, safety concerns, consent withdrawal and closure through the screens, with the
scope of each municipality, provider and mentor kept."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Flask
from sqlalchemy import select

from common.actor import Actor
from common.clock import today
from common.enums import ClosureKind, ConcernCategory, ConsentPurpose, PairStatus, Severity
from mentoring import safety
from models import ClosureReason, Consent, Pair, Referral, SafetyConcern, User, Youth
from tests.admin_views.test_pairing_views import coordinator


def user(db: Any, email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def own_active_pair(db: Any, mentor_email: str) -> Pair:
    mentor = user(db, mentor_email)
    return db.session.scalar(select(Pair).where(
        Pair.mentor_id == mentor.mentor_id, Pair.status == PairStatus.active).order_by(Pair.id))


def test_a_mentors_concern_reaches_the_youths_social_service_and_no_one_else(
        app: Flask, db: Any, demo_users: Any) -> None:
    pair = own_active_pair(db, "mentors@mentori.lv")
    other_pair = own_active_pair(db, "mentore@mentori.lv")
    mentor = coordinator(app, "mentors@mentori.lv")
    form = mentor.get(f"/admin/safety_concern/new/?pair={pair.id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{pair.id}"|value="{pair.id}" selected', form)
    assert f'value="{other_pair.id}"' not in form  # another mentor's pair is not offered
    refused = mentor.post("/admin/safety_concern/new/", data={
        "pair": other_pair.id, "raised_on": today().isoformat(), "category": "violence",
        "severity": "critical", "description": "Draudi"})
    assert refused.status_code == 200
    assert db.session.scalar(select(SafetyConcern).where(
        SafetyConcern.description == "Draudi")) is None
    raised = mentor.post("/admin/safety_concern/new/", data={
        "pair": pair.id, "raised_on": today().isoformat(), "category": "violence",
        "severity": "critical", "description": "Jaunietim draud vienaudži",
        "actions_taken": "Informēju koordinatoru"})
    assert raised.status_code == 302
    concern = db.session.scalar(select(SafetyConcern).where(
        SafetyConcern.description == "Jaunietim draud vienaudži"))
    assert concern.raised_by_id == user(db, "mentors@mentori.lv").id
    case = pair.youth.case_number

    social = coordinator(app, "liepaja@mentori.lv")
    home = social.get("/admin/").get_data(as_text=True)
    assert "Mani uzdevumi" in home and f"/admin/safety_concern/details/?id={concern.id}" in home
    assert case in social.get("/admin/tasks/").get_data(as_text=True)
    for outsider in ("ogre@mentori.lv", "hoh@mentori.lv", "mentore@mentori.lv"):
        other = coordinator(app, outsider)
        if outsider != "mentore@mentori.lv":
            assert f"?id={concern.id}\"" not in other.get("/admin/tasks/").get_data(as_text=True)
        assert other.get(f"/admin/safety_concern/details/?id={concern.id}").status_code == 404
        assert other.post("/admin/safety_concern/close/", data={
            "id": concern.id, "resolution": "x"}).status_code in (403, 404)
    # The mentor may raise, not edit or close; nor see concerns others raised (they may be
    # about the mentor).
    others = safety.raise_concern(
        db.session, db.session.get(Pair, pair.id), category=ConcernCategory.boundaries,
        severity=Severity.medium, description="Par mentora uzvedību",
        actor=Actor.of(user(db, "you@mentori.lv")))
    db.session.commit()
    assert mentor.get(f"/admin/safety_concern/details/?id={others.id}").status_code == 404
    assert "Par mentora uzvedību" not in mentor.get("/admin/safety_concern/").get_data(
        as_text=True)
    assert f"?id={concern.id}" in mentor.get("/admin/safety_concern/").get_data(as_text=True)
    assert mentor.post("/admin/safety_concern/close/", data={
        "id": concern.id, "resolution": "x"}).status_code == 403
    assert mentor.get(f"/admin/safety_concern/edit/?id={concern.id}").status_code == 403

    # The coordinator follows up; what happened stays as first written.
    you = coordinator(app, "you@mentori.lv")
    you.post(f"/admin/safety_concern/edit/?id={concern.id}", data={
        "severity": "high", "actions_taken": "Sazinājāmies ar skolu",
        "description": "Pārrakstīts"})
    db.session.refresh(concern)
    assert concern.description == "Jaunietim draud vienaudži"
    assert concern.actions_taken == "Sazinājāmies ar skolu"
    empty = social.post("/admin/safety_concern/close/", data={"id": concern.id, "resolution": ""})
    assert empty.status_code == 302
    db.session.refresh(concern)
    assert concern.closed_on is None
    social.post("/admin/safety_concern/close/", data={
        "id": concern.id, "resolution": "Skola un policija iesaistītas"})
    db.session.refresh(concern)
    assert concern.closed_on == today() and concern.closed_by_id == user(db, "liepaja@mentori.lv").id
    page = social.get(f"/admin/safety_concern/details/?id={concern.id}").get_data(as_text=True)
    for step in ("Ziņots", "Papildinājums", "Slēgts", "Sazinājāmies ar skolu",
                 "Skola un policija iesaistītas"):
        assert step in page
    assert you.get(f"/admin/safety_concern/edit/?id={concern.id}").status_code == 403


def test_withdrawing_consent_flags_the_youth_and_stops_new_hours(
        app: Flask, db: Any, demo_users: Any) -> None:
    pair = own_active_pair(db, "mentors@mentori.lv")
    youth = pair.youth
    consent = db.session.scalar(select(Consent).where(
        Consent.youth_id == youth.id, Consent.purpose == ConsentPurpose.service))
    when = max(consent.given_on, today() - dt.timedelta(days=1))
    assert coordinator(app, "you@mentori.lv").post("/admin/consent/withdraw/", data={
        "id": consent.id, "withdrawn_on": when.isoformat()}).status_code == 403
    assert coordinator(app, "ogre@mentori.lv").post("/admin/consent/withdraw/", data={
        "id": consent.id, "withdrawn_on": when.isoformat()}).status_code == 404
    social = coordinator(app, "liepaja@mentori.lv")
    social.post("/admin/consent/withdraw/", data={"id": consent.id,
                                                  "withdrawn_on": when.isoformat(),
                                                  "note": "Vecāki atsauca rakstiski"})
    db.session.refresh(consent)
    assert consent.withdrawn_on == when
    flag = f"piekrišana atsaukta {when:%d.%m.%Y}"
    assert flag in social.get(f"/admin/youth/?search={youth.case_number}").get_data(as_text=True)
    assert "Piekrišana atsaukta" in social.get(
        f"/admin/youth/details/?id={youth.id}").get_data(as_text=True)
    you = coordinator(app, "you@mentori.lv")
    assert flag in you.get(f"/admin/pair/details/?id={pair.id}").get_data(as_text=True)
    assert flag in you.get(f"/admin/pair/?search={youth.case_number}").get_data(as_text=True)
    if when < today():
        refused = you.post("/admin/service_entry/new/", data={
            "pair": pair.id, "day": today().isoformat(), "minutes": "60",
            "activity": "study", "mode": "in_person", "billable": "y"})
        assert "piekrišana atsaukta pirms šī datuma" in refused.get_data(as_text=True)
    # A withdrawn consent is history: not edited, and shown struck on the youth's page.
    assert social.get(f"/admin/consent/edit/?id={consent.id}").status_code == 403


def test_ending_early_with_a_rematch_sends_the_referral_back_to_pairing(
        app: Flask, db: Any, demo_users: Any) -> None:
    pair = own_active_pair(db, "mentors@mentori.lv")
    referral = db.session.get(Referral, pair.referral_id)
    reason = db.session.scalar(select(ClosureReason).where(
        ClosureReason.kind == ClosureKind.unplanned).order_by(ClosureReason.id))
    you = coordinator(app, "you@mentori.lv")
    page = you.get(f"/admin/pair/details/?id={pair.id}").get_data(as_text=True)
    assert str(reason.name_lv) in page
    missing = you.post("/admin/pair/status/", data={"id": pair.id, "to": "ended_early"})
    assert missing.status_code == 302
    assert db.session.get(Pair, pair.id).status == PairStatus.active
    you.post("/admin/pair/status/", data={
        "id": pair.id, "to": "ended_early", "closure_reason": reason.id,
        "exit_note_mentor": "Pārcēlos uz citu pilsētu", "rematch_offered": "y",
        "rematch_accepted": "y"})
    closed = db.session.get(Pair, pair.id)
    assert closed.status == PairStatus.ended_early and closed.closure_reason_id == reason.id
    assert closed.exit_note_mentor == "Pārcēlos uz citu pilsētu" and closed.rematch_accepted
    waiting = you.get("/admin/pairing/").get_data(as_text=True)
    assert f"referral={referral.id}" in waiting


def test_tasks_page_is_for_coordinators_and_social_workers(
        app: Flask, db: Any, demo_users: Any) -> None:
    assert coordinator(app, "mentors@mentori.lv").get("/admin/tasks/").status_code == 403
    page = coordinator(app, "you@mentori.lv").get("/admin/tasks/").get_data(as_text=True)
    assert "Nokavētas pārraudzības sarunas" in page and "Atvērtas drošības bažas" in page
    # Every link on it opens: the task lines lead where the work is done.
    you = coordinator(app, "you@mentori.lv")
    for link in sorted(set(re.findall(r'href="(/admin/[^"]+)"', page)))[:40]:
        assert you.get(link.replace("&amp;", "&")).status_code == 200, link


def test_prefill_never_reaches_outside_the_scope(app: Flask, db: Any, demo_users: Any) -> None:
    # A many-valued field is not prefilled (and does not break the form).
    assert coordinator(app, "liepaja@mentori.lv").get(
        "/admin/youth/new/?risk_factors=1").status_code == 200
    foreign = db.session.scalar(select(Pair).join(Youth).where(
        Pair.provider_id != user(db, "you@mentori.lv").provider_id))
    page = coordinator(app, "you@mentori.lv").get(
        f"/admin/check_in/new/?pair={foreign.id}").get_data(as_text=True)
    assert f'value="{foreign.id}"' not in page and foreign.youth.case_number not in page
