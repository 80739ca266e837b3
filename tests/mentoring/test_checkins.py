"""The check-in schedule around month ends, the next one due, and who may see check-ins."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import Date, func, literal, select

from common import clock
from common.actor import Actor
from common.months import add_months
from mentoring import access, checkins
from models import CheckIn, Pair, Provider
from models.schedule import next_due_sql
from tests.admin_views.test_hours_views import signed_in

D = dt.date


@pytest.mark.parametrize(("day", "months", "expected"), [
    (D(2026, 1, 31), 1, D(2026, 2, 28)), (D(2028, 1, 31), 1, D(2028, 2, 29)),
    (D(2026, 3, 31), 1, D(2026, 4, 30)), (D(2026, 12, 15), 1, D(2027, 1, 15)),
    (D(2026, 1, 31), 2, D(2026, 3, 31)),
])
def test_add_months_keeps_the_month_end(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.parametrize(("start", "first", "per_month", "expected"), [
    # Twice in the first month (midway and at its end), then monthly.
    (D(2026, 3, 1), 2, 1, [D(2026, 3, 17), D(2026, 4, 1), D(2026, 5, 1), D(2026, 6, 1)]),
    # Starting on 31 January: the first month ends on 28 February; then 31 March, 30 April.
    (D(2026, 1, 31), 2, 1, [D(2026, 2, 14), D(2026, 2, 28), D(2026, 3, 31), D(2026, 4, 30)]),
    (D(2026, 1, 15), 1, 2, [D(2026, 2, 15), D(2026, 3, 1), D(2026, 3, 15), D(2026, 3, 31)]),
])
def test_due_dates(start: dt.date, first: int, per_month: int,
                   expected: list[dt.date]) -> None:
    assert checkins.due_dates(start, first, per_month, 4) == expected
    assert checkins.next_due(start, first, per_month, 2) == expected[2]


def test_due_dates_in_sql_match_the_schedule(db: Any) -> None:
    """The database computes every pair's next due date itself (the task list filters and
    orders by it); it agrees with the schedule around month ends, leap days and half-day
    rounding, for every count held."""
    starts = [D(2026, 1, 31), D(2028, 1, 30), D(2028, 2, 29), D(2026, 3, 1), D(2026, 8, 31),
              D(2026, 12, 15), D(2027, 2, 28), D(2026, 4, 30)]
    cases = [(start, first, per_month, held) for start in starts
             for first, per_month in ((2, 1), (1, 2), (3, 2), (0, 1), (4, 3), (2, 0), (0, 0))
             for held in range(7)]
    columns = [next_due_sql(db.engine.dialect.name, literal(start, Date), literal(first),
                                     literal(per_month), literal(held))
               for start, first, per_month, held in cases]
    computed = []
    for chunk in range(0, len(columns), 100):
        computed += list(db.session.execute(select(*columns[chunk:chunk + 100])).one())
    expected = [checkins.next_due(*case) for case in cases]
    assert computed == expected


def test_no_check_ins_asked() -> None:
    assert checkins.next_due(D(2026, 1, 1), 0, 0, 0) is None


def test_next_due_per_pair_counts_what_was_held(db: Any, demo_users: Any) -> None:
    pair = db.session.scalar(select(Pair).join(Provider).where(
        Provider.invoice_prefix == "YOU", Pair.status == "active").order_by(Pair.id))
    before = {d.pair_id: d.due_on for d in checkins.due_for_active_pairs(db.session,
                                                                          Pair.id == pair.id)}
    db.session.add(CheckIn(pair_id=pair.id, held_on=pair.starts_on, channel="phone",
                           contact="mentor", relationship_quality=4))
    db.session.commit()
    after = {d.pair_id: d.due_on for d in checkins.due_for_active_pairs(db.session,
                                                                         Pair.id == pair.id)}
    first = pair.programme.checkins_first_month
    held = db.session.scalar(select(func.count()).select_from(CheckIn)
                             .where(CheckIn.pair_id == pair.id))
    dates = checkins.due_dates(pair.starts_on, first, pair.programme.checkins_per_month, held + 1)
    assert before[pair.id] == dates[held - 1] and after[pair.id] == dates[held]


def test_check_ins_through_the_screen_and_their_scope(app: Any, db: Any,
                                                      demo_users: Any) -> None:
    pair = db.session.scalar(select(Pair).join(Provider).where(
        Provider.invoice_prefix == "YOU", Pair.status == "active").order_by(Pair.id))
    coordinator = signed_in(app, "you@mentori.lv")
    page = coordinator.get(f"/admin/pair/details/?id={pair.id}").get_data(as_text=True)
    assert "Nākamā pārraudzības saruna" in page
    response = coordinator.post("/admin/check_in/new/", data={
        "pair": pair.id, "held_on": pair.starts_on.isoformat(), "contact": "youth",
        "channel": "in_person", "relationship_quality": "6", "notes": "Labi"})
    assert response.status_code == 200  # quality out of 1–5: refused at the field
    for day, message in ((pair.starts_on - dt.timedelta(days=1), "pirms mentorpāra sākuma"),
                         (clock.today() + dt.timedelta(days=2), "nākotnē")):
        refused = coordinator.post("/admin/check_in/new/", data={
            "pair": pair.id, "held_on": day.isoformat(), "contact": "youth",
            "channel": "in_person", "relationship_quality": "4"})
        assert refused.status_code == 200 and message in refused.get_data(as_text=True)
    response = coordinator.post("/admin/check_in/new/", data={
        "pair": pair.id, "held_on": pair.starts_on.isoformat(), "contact": "youth",
        "channel": "in_person", "relationship_quality": "5", "notes": "Labi"})
    assert response.status_code == 302
    check_in = db.session.scalar(select(CheckIn).where(CheckIn.pair_id == pair.id)
                                 .order_by(CheckIn.id.desc()))
    assert check_in.recorded_by_id == demo_users["you@mentori.lv"].id
    for email, status in (("hoh@mentori.lv", 404), ("ogre@mentori.lv", 404),
                          ("mentors@mentori.lv", 403)):
        assert signed_in(app, email).get(
            f"/admin/check_in/details/?id={check_in.id}").status_code == status
    social = signed_in(app, "liepaja@mentori.lv").get(
        f"/admin/check_in/details/?id={check_in.id}").get_data(as_text=True)
    assert "Labi" not in social  # the notes are the provider's
    assert access.can(Actor.of(demo_users["liepaja@mentori.lv"]), CheckIn, access.VIEW)
