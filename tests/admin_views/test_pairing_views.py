"""The pairing view and the pair's page, as a provider coordinator uses them."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from sqlalchemy import select

from common import months
from common.clock import today
from common.enums import PairStatus
from models import Mentor, Pair, Provider, User
from tests.conftest import Browser
from tests.mentoring.test_pairing import accepted_referral


def coordinator(app: Flask, email: str = "you@mentori.lv") -> Browser:
    browser = Browser(app.test_client())
    browser.sign_in(email)
    return browser


def test_pairing_view_offers_only_the_providers_own(app: Flask, db: Any, demo_users: Any) -> None:
    you = db.session.scalar(select(User).where(User.email == "you@mentori.lv"))
    referral = accepted_referral(db, you.provider_id, "Līva")
    db.session.commit()
    page = coordinator(app).get(f"/admin/pairing/?referral={referral.id}").get_data(as_text=True)
    offered = {int(i) for i in re.findall(r'name="mentor" id="mentor-(\d+)"', page)}
    listed = {int(i) for i in re.findall(r'id="mentor-(\d+)"', page)}
    assert offered
    owners = {m.provider_id for m in db.session.scalars(select(Mentor).where(Mentor.id.in_(listed)))}
    assert owners == {you.provider_id}
    own = set(db.session.scalars(select(Mentor.id).where(
        Mentor.provider_id == you.provider_id, Mentor.archived.is_(False))))
    assert listed == own  # excluded mentors are listed with their reasons, not hidden
    other = coordinator(app, "hoh@mentori.lv")
    assert other.get(f"/admin/pairing/?referral={referral.id}").status_code == 404
    hope = db.session.scalar(select(Provider).where(Provider.name == "House of Hope"))
    assert referral.youth.case_number not in other.get(
        f"/admin/pairing/?provider={hope.id}").get_data(as_text=True)
    assert other.get(f"/admin/pairing/?provider={you.provider_id}").status_code == 404
    assert coordinator(app, "liepaja@mentori.lv").get("/admin/pairing/").status_code == 403


def test_forming_a_pair_and_moving_it_on(app: Flask, db: Any, demo_users: Any) -> None:
    you = db.session.scalar(select(User).where(User.email == "you@mentori.lv"))
    referral = accepted_referral(db, you.provider_id, "Laima")
    db.session.commit()
    browser = coordinator(app)
    page = browser.get(f"/admin/pairing/?referral={referral.id}").get_data(as_text=True)
    mentor_id = re.search(r'name="mentor" id="mentor-(\d+)"', page).group(1)
    too_long = months.add_months(today(), 6)
    refused = browser.post(f"/admin/pairing/?referral={referral.id}", data={
        "mentor": mentor_id, "starts_on": today().isoformat(),
        "planned_end_on": too_long.isoformat(), "goal_area": "education",
        "goal_description": "Matemātika", "goal_target": "7"})
    assert refused.status_code == 200 and "ne ilgāk kā 5 mēnešus" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Pair).where(Pair.referral_id == referral.id)) is None
    done = browser.post(f"/admin/pairing/?referral={referral.id}", data={
        "mentor": mentor_id, "starts_on": today().isoformat(),
        "planned_end_on": months.add_months(today(), 4).isoformat(), "goal_area": "education",
        "goal_description": "Matemātika", "goal_target": "7"})
    assert done.status_code == 302
    pair = db.session.scalar(select(Pair).where(Pair.referral_id == referral.id))
    assert pair.status == PairStatus.active and pair.goals[0].target == "7"
    details = browser.get(f"/admin/pair/details/?id={pair.id}").get_data(as_text=True)
    assert "Matemātika" in details
    browser.post("/admin/pair/status/", data={"id": pair.id, "to": "paused", "comment": "Slimība"})
    assert db.session.get(Pair, pair.id).status == PairStatus.paused
    other = coordinator(app, "kgac@mentori.lv")
    assert other.post("/admin/pair/status/", data={"id": pair.id, "to": "active"}).status_code == 404
    assert db.session.get(Pair, pair.id).status == PairStatus.paused
    mentor_user = coordinator(app, "mentors@mentori.lv")
    assert mentor_user.post("/admin/pair/status/",
                            data={"id": pair.id, "to": "active"}).status_code == 403
