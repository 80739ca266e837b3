"""The mentor's home and phone log form (issue 23, first part): only their own pairs."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from common.enums import EntryStatus, PairStatus
from models import Pair, ServiceEntry, User
from tests.admin_views.test_hours_views import signed_in
from tests.conftest import today


def own_pair(db: Any) -> Pair:
    user = db.session.scalar(select(User).where(User.email == "mentors@mentori.lv"))
    return db.session.scalar(select(Pair).where(Pair.mentor_id == user.mentor_id,
                                                Pair.status == PairStatus.active))


def entries(db: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(ServiceEntry))


def test_the_home_shows_own_pairs_and_logging_takes_one_form(app: Flask, db: Any,
                                                             demo_users: Any) -> None:
    pair = own_pair(db)
    mentor = signed_in(app, "mentors@mentori.lv")
    home = mentor.get("/admin/").get_data(as_text=True)
    assert "Reģistrēt tikšanos" in home and f"{pair.youth.first_name} {pair.youth.last_name[:1]}." in home
    assert pair.youth.last_name not in home  # first name and initial only
    form = mentor.get("/admin/log/").get_data(as_text=True)
    assert re.search(rf'name="pair" id="pair-{pair.id}" value="{pair.id}" checked', form)
    assert f'value="{today().isoformat()}"' in form
    before = entries(db)
    done = mentor.post("/admin/log/", data={"pair": pair.id, "day": today().isoformat(),
                                            "minutes": 45, "activity": "study",
                                            "mode": "in_person", "note": ""})
    assert done.status_code == 302 and entries(db) == before + 1
    entry = db.session.scalars(select(ServiceEntry).order_by(ServiceEntry.id.desc())).first()
    assert (entry.pair_id, entry.minutes, entry.status, entry.billable) == (
        pair.id, 45, EntryStatus.logged, True)


def test_another_mentors_pair_is_not_offered_nor_taken(app: Flask, db: Any,
                                                       demo_users: Any) -> None:
    mine = own_pair(db)
    other = db.session.scalar(select(Pair).where(Pair.mentor_id != mine.mentor_id,
                                                 Pair.status == PairStatus.active))
    mentor = signed_in(app, "mentors@mentori.lv")
    assert f'value="{other.id}"' not in mentor.get("/admin/log/").get_data(as_text=True)
    before = entries(db)
    refused = mentor.post("/admin/log/", data={"pair": other.id, "day": today().isoformat(),
                                               "minutes": 60, "activity": "study",
                                               "mode": "in_person"})
    assert refused.status_code == 200 and entries(db) == before
    assert other.youth.first_name not in refused.get_data(as_text=True)
    assert signed_in(app, "liepaja@mentori.lv").get("/admin/log/").status_code == 403


def test_hours_left_follow_the_chosen_date_and_the_cap_refuses(app: Flask, db: Any,
                                                               demo_users: Any) -> None:
    from mentoring import hours

    pair = own_pair(db)
    mentor = signed_in(app, "mentors@mentori.lv")
    earlier = (today().replace(day=1) - dt.timedelta(days=1)).replace(day=2)
    if earlier < pair.starts_on:
        earlier = pair.starts_on
    page = mentor.get(f"/admin/log/?pair={pair.id}&day={earlier.isoformat()}").get_data(
        as_text=True)
    left = hours.remaining_minutes(db.session, pair, earlier)
    from common.formatting import format_minutes
    assert f"{format_minutes(left)}" in page.split('id="hours-left"')[1][:200]
    now_left = hours.remaining_minutes(db.session, pair, today())
    refused = mentor.post("/admin/log/", data={
        "pair": pair.id, "day": today().isoformat(), "minutes": 0,
        "other_minutes": now_left + 15, "activity": "study", "mode": "in_person"})
    text = refused.get_data(as_text=True)
    assert "pārsniegts mēneša limits" in text and "non-billable" not in text


def test_own_entries_as_cards_only_own_and_changeable_while_waiting(
        app: Flask, db: Any, demo_users: Any) -> None:
    pair = own_pair(db)
    mine = db.session.scalars(select(ServiceEntry).where(ServiceEntry.pair_id == pair.id)
                              .order_by(ServiceEntry.day.desc(), ServiceEntry.id.desc())).all()
    foreign = db.session.scalar(select(ServiceEntry).join(Pair).where(
        Pair.mentor_id != pair.mentor_id))
    page = signed_in(app, "mentors@mentori.lv").get("/admin/log/entries/").get_data(
        as_text=True)
    shown = set(map(int, re.findall(r'/admin/service_entry/details/\?id=(\d+)', page)))
    assert shown and shown <= {e.id for e in mine} and foreign.id not in shown
    for entry in mine[:30]:
        changeable = f"/admin/service_entry/edit/?id={entry.id}\"" in page
        assert changeable == (entry.status == EntryStatus.logged), entry.status
    other = signed_in(app, "hoh@mentori.lv").get("/admin/log/entries/").get_data(as_text=True)
    assert not shown & set(map(int, re.findall(r'/admin/service_entry/details/\?id=(\d+)',
                                               other)))  # another provider sees none of them


def test_odd_dates_never_break_the_form(app: Flask, db: Any, demo_users: Any) -> None:
    mentor = signed_in(app, "mentors@mentori.lv")
    for day in ("9999-12-31", "0001-01-01", "2026-02-31", "x"):
        page = mentor.get(f"/admin/log/?day={day}")
        assert page.status_code == 200 and f'value="{today().isoformat()}"' in page.get_data(
            as_text=True), day
    refused = mentor.post("/admin/log/", data={
        "pair": own_pair(db).id, "day": "9999-12-31", "minutes": 60, "activity": "study",
        "mode": "in_person"})
    assert refused.status_code == 200 and "Reģistrēt tikšanos" in refused.get_data(as_text=True)
