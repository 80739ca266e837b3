"""Rules 6 and 7: the monthly cap per youth, the pair's period, invoiced months."""

from __future__ import annotations

import datetime as dt
import os
import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from common.actor import Actor
from common.clock import today
from common.enums import Activity, EntryStatus, Mode, Role
from common.errors import RuleViolations
from mentoring import hours
from models import Pair, Provider, ServiceEntry, User
from models.base import CheckedSession


@pytest.fixture()
def pair(create_pair: Any) -> Pair:
    """An active pair of a paid programme (cap 20 h) started 40 days ago, no entries yet:
    a world of a few rows from the factories, not the demo."""
    return create_pair()


def coordinator(db: Any) -> User:
    """The coordinator of the pair's provider (made once per test)."""
    found = db.session.scalar(select(User).where(User.role == Role.provider))
    if found is None:
        provider = db.session.scalar(select(Provider))
        found = User(email="koordinators@w.lv", name="Koordinatore", role=Role.provider,
                     provider_id=provider.id, password_hash="x")
        db.session.add(found)
        db.session.flush()
    return found


def log(db: Any, pair: Pair, day: dt.date, minutes: int, billable: bool = True) -> ServiceEntry:
    return hours.log_entry(db.session, pair=pair, actor=Actor.of(coordinator(db)), day=day,
                           minutes=minutes, activity=Activity.study, mode=Mode.in_person,
                           billable=billable)


def fill(db: Any, pair: Pair, day: dt.date, minutes: int) -> None:
    while minutes > 0:
        chunk = min(minutes, 240)
        log(db, pair, day, chunk)
        minutes -= chunk


def test_cap_boundary(db: Any, pair: Pair) -> None:
    day = today().replace(day=1)
    fill(db, pair, day, 19 * 60 + 45)
    log(db, pair, day, 15)  # exactly 20:00
    with pytest.raises(RuleViolations) as caught:
        log(db, pair, day, 15)
    assert {v.field for v in caught.value.violations} == {"minutes"}
    assert "pieejamas 0 h" in str(caught.value)


def test_cap_refuses_half_hour_over_and_says_what_is_left(db: Any, pair: Pair) -> None:
    day = today().replace(day=1)
    fill(db, pair, day, 19 * 60 + 45)
    with pytest.raises(RuleViolations) as caught:
        log(db, pair, day, 30)
    assert "pieejamas 15 min" in str(caught.value)
    db.session.rollback()


def test_cap_is_per_calendar_month_and_ignores_non_billable(db: Any, pair: Pair) -> None:
    this_month = today().replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    assert pair.starts_on < this_month  # the fixture picks a pair older than 40 days
    fill(db, pair, last_month + dt.timedelta(days=max(0, (pair.starts_on - last_month).days)),
         20 * 60)
    fill(db, pair, this_month, 20 * 60)  # a new month, a new 20 h
    log(db, pair, this_month, 120, billable=False)  # extra time, recorded, not counted
    assert hours.used_minutes(db.session, pair.youth_id, pair.programme_id, this_month) == 1200


def test_cap_holds_through_edit(db: Any, pair: Pair) -> None:
    day = today().replace(day=1)
    fill(db, pair, day, 19 * 60)
    entry = log(db, pair, day, 60)
    entry.minutes = 75
    with pytest.raises(RuleViolations):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("offset", [-1, "future", "after_end"])
def test_period_rules(db: Any, pair: Pair, offset: Any) -> None:
    day = {
        -1: pair.starts_on - dt.timedelta(days=1),
        "future": today() + dt.timedelta(days=1),
        "after_end": pair.planned_end_on + dt.timedelta(days=1),
    }[offset]
    with pytest.raises(RuleViolations) as caught:
        log(db, pair, day, 60)
    assert "day" in {v.field for v in caught.value.violations}
    db.session.rollback()


def test_late_hours_into_an_invoiced_month_are_taken(db: Any, demo_users: Any) -> None:
    """On the demo world, its months invoiced by the real invoicing run: an invoice for the
    month does not refuse hours logged late within the rules (a supplementary invoice bills
    them, tests/mentoring/test_frozen_invoices.py)."""
    def room(entry: ServiceEntry) -> int:
        cap = entry.pair.programme.monthly_cap_minutes or 24 * 60
        return cap - hours.used_minutes(db.session, entry.pair.youth_id,
                                        entry.pair.programme_id, entry.day)

    invoiced = next(e for e in db.session.scalars(select(ServiceEntry).where(
        ServiceEntry.status == EntryStatus.invoiced).order_by(ServiceEntry.id)) if room(e) >= 15)
    pair = invoiced.pair
    late = hours.log_entry(db.session, pair=pair, actor=Actor.of(demo_users["you@mentori.lv"]),
                           day=invoiced.day, minutes=15, activity=Activity.study,
                           mode=Mode.remote)
    assert late.status == EntryStatus.logged and late.invoice_id is None
    db.session.rollback()


def test_approve_and_reject(db: Any, pair: Pair) -> None:
    day = today().replace(day=1)
    first, second = log(db, pair, day, 60), log(db, pair, day, 60)
    assert hours.approve(db.session, [first], actor=Actor.of(coordinator(db))) == 1
    assert first.status == EntryStatus.approved and first.approved_by_id == coordinator(db).id
    with pytest.raises(RuleViolations):
        hours.reject(db.session, second, actor=Actor.of(coordinator(db)), reason=" ")
    hours.reject(db.session, second, actor=Actor.of(coordinator(db)), reason="Nenotika")
    assert second.status == EntryStatus.rejected
    # A rejected entry frees its minutes.
    assert hours.used_minutes(db.session, pair.youth_id, pair.programme_id, day) == 60


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                    reason="row locks need PostgreSQL; SQLite serialises writers anyway")
def test_two_concurrent_sessions_cannot_pass_the_cap_together(db: Any, pair: Pair) -> None:
    day = today().replace(day=1)
    fill(db, pair, day, 19 * 60)
    db.session.commit()
    engine = db.engine
    results: list[str] = []
    barrier = threading.Barrier(2)

    pair_id = pair.id

    def add() -> None:
        with CheckedSession(engine) as session:
            try:
                mine = session.get(Pair, pair_id)
                barrier.wait()
                hours.log_entry(session, pair=mine, actor=Actor.system(), day=day, minutes=60,
                                activity=Activity.sports, mode=Mode.in_person)
                session.commit()
                results.append("ok")
            except RuleViolations:
                session.rollback()
                results.append("refused")
            except Exception as exc:  # surfaces in the assertion below
                results.append(repr(exc))

    threads = [threading.Thread(target=add) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["ok", "refused"]
    total = db.session.scalar(select(func.sum(ServiceEntry.minutes)).where(
        ServiceEntry.pair_id == pair.id, ServiceEntry.day >= day))
    assert total == 20 * 60
