"""The youth's case page and the work lists tasks open (issue 22)."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from common.actor import Actor
from common.enums import EntryStatus, PairStatus
from mentoring import tasks
from models import Pair, ServiceEntry, User, Youth
from tests.admin_views.test_hours_views import signed_in
from tests.conftest import today


def paired_youth(db: Any) -> Youth:
    pair = db.session.scalar(select(Pair).where(Pair.status == PairStatus.active)
                             .order_by(Pair.id))
    return pair.youth


def test_the_case_shows_the_whole_way_through_the_service(app: Flask, db: Any,
                                                          demo_users: Any) -> None:
    youth = paired_youth(db)
    pair = db.session.scalar(select(Pair).where(Pair.youth_id == youth.id).order_by(Pair.id))
    page = signed_in(app, "liepaja@mentori.lv").get(
        f"/admin/youth/details/?id={youth.id}").get_data(as_text=True)
    for heading in ("Nosūtījumi", "Mentorpāri", "Sadarbības mērķi",
                    "Stundas un tikšanās pa mēnešiem", "Drošības bažas", "Piekrišanas",
                    "Rēķinu rindas"):
        assert heading in page, heading
    assert f"/admin/pair/details/?id={pair.id}" in page
    assert f"/admin/referral/details/?id={pair.referral_id}" in page
    assert str(pair.goals[0].area.label) in page
    assert f"{today():%m.%Y}" in page  # this month's hours, as 11.2026
    case = page.split("<main")[1].split("Reģistrētie personas dati")[0]
    assert not re.search(r"\b\d{1,2}:\d{2}\b", case)  # hours as "12 h 30 min", no clock
    # The pair and the referral lead back to the case.
    for url in (f"/admin/pair/details/?id={pair.id}",
                f"/admin/referral/details/?id={pair.referral_id}"):
        back = signed_in(app, "liepaja@mentori.lv").get(url).get_data(as_text=True)
        assert f"/admin/youth/details/?id={youth.id}" in back, url


def test_each_part_follows_the_policy(app: Flask, db: Any, demo_users: Any) -> None:
    youth = paired_youth(db)
    url = f"/admin/youth/details/?id={youth.id}"
    other = "ogre@mentori.lv" if youth.municipality.name.startswith("Liep") \
        else "liepaja@mentori.lv"
    assert signed_in(app, other).get(url).status_code == 404
    assert signed_in(app, "hoh@mentori.lv").get(url).status_code == 404
    assert signed_in(app, "mentors@mentori.lv").get(url).status_code == 403
    coordinator = signed_in(app, "you@mentori.lv").get(url).get_data(as_text=True)
    assert "Mentorpāri" in coordinator and "Rēķinu rindas" in coordinator


def test_the_case_takes_the_same_queries_however_long(app: Flask, db: Any, demo_users: Any,
                                                      count_queries: Any) -> None:
    browser = signed_in(app, "admin@mentori.lv")
    youths = db.session.scalars(select(Youth).order_by(Youth.id)).all()
    counts = set()
    for youth in youths[:6]:
        with count_queries() as counted:
            assert browser.get(f"/admin/youth/details/?id={youth.id}").status_code == 200
        counts.add(counted.count)
    assert max(counts) - min(counts) <= 3, counts


def test_the_waiting_hours_task_opens_exactly_its_entries(app: Flask, db: Any,
                                                          demo_users: Any) -> None:
    user = db.session.scalar(select(User).where(User.email == "you@mentori.lv"))
    (group,) = [g for g in tasks.build(db.session, Actor.of(user), today()) if g.key == "entries"]
    assert group.tasks
    browser = signed_in(app, "you@mentori.lv")
    home = browser.get("/admin/tasks/").get_data(as_text=True)
    for task in group.tasks:
        link = f"/admin/service_entry/?pair={task.record_id}&amp;waiting=1"
        assert link in home
        page = browser.get(link.replace("&amp;", "&")).get_data(as_text=True)
        rows = re.findall(r'class="action-checkbox" value="(\d+)"', page)
        waiting = db.session.scalars(select(ServiceEntry.id).where(
            ServiceEntry.pair_id == task.record_id,
            ServiceEntry.status == EntryStatus.logged)).all()
        assert len(rows) == task.detail == len(waiting)
        assert sorted(map(int, rows)) == sorted(waiting)
    # The bulk approval at the top of the list approves exactly those.
    task = group.tasks[0]
    page = browser.get(f"/admin/service_entry/?pair={task.record_id}&waiting=1").get_data(
        as_text=True)
    form = page[page.index('alert alert-warning d-flex'):]
    ids = re.findall(r'name="rowid" value="(\d+)"', form.split("</form>")[0])
    assert len(ids) == task.detail
    browser.post("/admin/service_entry/action/", data={"action": "approve", "rowid": ids})
    assert db.session.scalar(select(func.count()).select_from(ServiceEntry).where(
        ServiceEntry.pair_id == task.record_id, ServiceEntry.status == EntryStatus.logged)) == 0


def test_waiting_is_seen_at_a_glance(app: Flask, db: Any, demo_users: Any) -> None:
    page = signed_in(app, "you@mentori.lv").get("/admin/service_entry/").get_data(as_text=True)
    assert '<span class="badge badge-warning">Ievadīts</span>' in page
    assert '<span class="badge badge-success">Apstiprināts</span>' in page


def test_youths_waiting_for_a_mentor_lead_to_pairing(app: Flask, db: Any,
                                                     demo_users: Any) -> None:
    user = db.session.scalar(select(User).where(User.email == "you@mentori.lv"))
    (group,) = [g for g in tasks.build(db.session, Actor.of(user), today()) if g.key == "pairing"]
    assert group.total >= 1
    browser = signed_in(app, "you@mentori.lv")
    assert f"/admin/pairing/?referral={group.tasks[0].record_id}" in browser.get(
        "/admin/tasks/").get_data(as_text=True)
    pairing = browser.get(f"/admin/pairing/?referral={group.tasks[0].record_id}")
    assert pairing.status_code == 200
    days = (today() - group.tasks[0].detail).days
    assert f"gaida {days} dien" in pairing.get_data(as_text=True)
    admin = signed_in(app, "admin@mentori.lv").get(
        f"/admin/pairing/?referral={group.tasks[0].record_id}")
    assert admin.status_code == 200  # the provider follows the referral
    assert signed_in(app, "hoh@mentori.lv").get(
        f"/admin/pairing/?referral={group.tasks[0].record_id}").status_code == 404
