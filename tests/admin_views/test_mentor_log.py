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
        changeable = f"/admin/log/{entry.id}/\"" in page
        assert changeable == (entry.status in (EntryStatus.logged, EntryStatus.rejected)), \
            entry.status
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


def actor_of(db: Any, email: str) -> Any:
    from common.actor import Actor

    return Actor.of(db.session.scalar(select(User).where(User.email == email)))


def coordinator_of(db: Any, pair: Pair) -> str:
    from common.enums import Role

    return db.session.scalar(select(User.email).where(
        User.role == Role.provider, User.provider_id == pair.provider_id).order_by(User.id))


def waiting_entry(db: Any, pair: Pair, minutes: int = 60) -> ServiceEntry:
    from common.enums import Activity, Mode
    from mentoring import hours

    entry = hours.log_entry(db.session, pair=pair, actor=actor_of(db, "mentors@mentori.lv"),
                            day=max(pair.starts_on, today().replace(day=1)), minutes=minutes,
                            activity=Activity.study, mode=Mode.in_person)
    db.session.commit()
    return entry


def form_of(entry: ServiceEntry, **changes: Any) -> dict[str, Any]:
    return {"pair": entry.pair_id, "day": entry.day.isoformat(), "minutes": entry.minutes,
            "activity": entry.activity.value, "mode": entry.mode.value, "note": entry.note,
            **changes}


def test_a_rejected_entry_shows_why_and_goes_back_when_corrected(
        app: Flask, db: Any, demo_users: Any) -> None:
    from mentoring import hours
    from models import AuditLog

    entry = waiting_entry(db, own_pair(db))
    hours.reject(db.session, entry, actor=actor_of(db, coordinator_of(db, entry.pair)),
                 reason="Tikšanās bija tiešsaistē")
    db.session.commit()
    mentor = signed_in(app, "mentors@mentori.lv")
    cards = mentor.get("/admin/log/entries/").get_data(as_text=True)
    assert "Tikšanās bija tiešsaistē" in cards and f"/admin/log/{entry.id}/" in cards
    page = mentor.get(f"/admin/log/{entry.id}/").get_data(as_text=True)
    assert "Tikšanās bija tiešsaistē" in page and 'id="minutes-60" value="60" checked' in page
    done = mentor.post(f"/admin/log/{entry.id}/", data=form_of(entry, mode="remote",
                                                              minutes=45))
    assert done.status_code == 302 and done.location.endswith("/admin/log/entries/")
    db.session.expire_all()
    entry = db.session.get(ServiceEntry, entry.id)
    assert (entry.status, entry.minutes, entry.mode.value, entry.rejection_reason) == (
        EntryStatus.logged, 45, "remote", "")
    trail = db.session.scalars(select(AuditLog.action).where(
        AuditLog.model == "ServiceEntry", AuditLog.record_id == str(entry.id))).all()
    assert "entry.resubmitted" in trail and "update" in trail


def test_a_waiting_entry_is_deleted_an_approved_one_is_kept(app: Flask, db: Any,
                                                           demo_users: Any) -> None:
    from mentoring import hours

    pair = own_pair(db)
    gone, kept = waiting_entry(db, pair, 30), waiting_entry(db, pair, 30)
    hours.approve(db.session, [kept], actor=actor_of(db, coordinator_of(db, pair)))
    db.session.commit()
    gone_id, kept_id = gone.id, kept.id
    mentor = signed_in(app, "mentors@mentori.lv")
    assert mentor.post(f"/admin/log/{gone_id}/delete").status_code == 302
    assert mentor.post(f"/admin/log/{kept_id}/delete").status_code == 302
    refused = mentor.get(f"/admin/log/{kept_id}/", follow_redirects=True).get_data(
        as_text=True)
    assert "vairs nevar mainīt" in refused
    changed = mentor.post(f"/admin/log/{kept_id}/", data=form_of(kept, minutes=120))
    assert changed.status_code == 302
    db.session.expire_all()
    assert db.session.get(ServiceEntry, gone_id) is None
    assert db.session.get(ServiceEntry, kept_id).minutes == 30  # approved stays as approved


def test_another_mentors_entry_cannot_be_opened_changed_or_deleted(
        app: Flask, db: Any, demo_users: Any) -> None:
    mine = own_pair(db)
    foreign = db.session.scalar(select(ServiceEntry).join(Pair).where(
        Pair.mentor_id != mine.mentor_id, ServiceEntry.status == EntryStatus.logged))
    before = (foreign.minutes, foreign.status)
    mentor = signed_in(app, "mentors@mentori.lv")
    assert mentor.get(f"/admin/log/{foreign.id}/").status_code == 404
    assert mentor.post(f"/admin/log/{foreign.id}/",
                       data=form_of(foreign, minutes=15)).status_code == 404
    assert mentor.post(f"/admin/log/{foreign.id}/delete").status_code == 404
    assert signed_in(app, "liepaja@mentori.lv").post(
        f"/admin/log/{foreign.id}/delete").status_code == 403
    db.session.expire_all()
    again = db.session.get(ServiceEntry, foreign.id)
    assert (again.minutes, again.status) == before


def test_my_details_show_own_training_supervision_and_validity_only(
        app: Flask, db: Any, demo_users: Any) -> None:
    from models import Agreement, BackgroundCheck, Mentor

    user = db.session.scalar(select(User).where(User.email == "mentors@mentori.lv"))
    me = db.session.get(Mentor, user.mentor_id)
    others = db.session.scalars(select(Mentor).where(Mentor.id != me.id,
                                                     Mentor.provider_id == me.provider_id)).all()
    page = signed_in(app, "mentors@mentori.lv").get("/admin/log/me/").get_data(as_text=True)
    assert "Mani dati" in page and me.full_name in page
    agreement = db.session.scalars(select(Agreement).where(
        Agreement.mentor_id == me.id, Agreement.signed.is_(True))
        .order_by(Agreement.ends_on.desc())).first()
    check = db.session.scalars(select(BackgroundCheck).where(
        BackgroundCheck.mentor_id == me.id).order_by(BackgroundCheck.valid_until.desc())).first()
    assert agreement.ends_on.strftime("%d.%m.%Y") in page
    assert check.valid_until.strftime("%d.%m.%Y") in page
    assert not any(o.full_name in page for o in others)
    for other in ("hoh@mentori.lv", "liepaja@mentori.lv"):
        assert signed_in(app, other).get("/admin/log/me/").status_code == 403


def test_editing_a_rejected_entry_anywhere_sends_it_back(app: Flask, db: Any,
                                                         demo_users: Any) -> None:
    from mentoring import hours

    entry = waiting_entry(db, own_pair(db))
    hours.reject(db.session, entry, actor=actor_of(db, coordinator_of(db, entry.pair)),
                 reason="Par garu")
    db.session.commit()
    from tests.admin_views.test_concurrent_edits import edit_form

    coordinator = signed_in(app, coordinator_of(db, entry.pair))
    url = f"/admin/service_entry/edit/?id={entry.id}"
    data = {**edit_form(coordinator, url), "minutes": ["30"]}
    assert coordinator.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(ServiceEntry, entry.id).status == EntryStatus.logged


def test_volunteer_hours_are_not_labelled_billable(app: Flask, db: Any, demo_users: Any,
                                                   admin_browser: Any) -> None:
    from models import Programme

    volunteer = db.session.scalar(select(ServiceEntry).join(Pair).join(
        Programme, Programme.id == Pair.programme_id).where(Programme.paid.is_(False)))
    paid = db.session.scalar(select(ServiceEntry).join(Pair).join(
        Programme, Programme.id == Pair.programme_id).where(Programme.paid.is_(True)))
    label = "Apmaksājams"
    assert label in admin_browser.get(
        f"/admin/service_entry/details/?id={paid.id}").get_data(as_text=True)
    assert label not in admin_browser.get(
        f"/admin/service_entry/details/?id={volunteer.id}").get_data(as_text=True)
    pair_page = admin_browser.get(
        f"/admin/pair/details/?id={volunteer.pair_id}").get_data(as_text=True)
    assert "Apmaksājamās stundas" not in pair_page
