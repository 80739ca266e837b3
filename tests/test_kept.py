"""The figures the database keeps per pair equal what the data say, after any change: the
latest entry, the next check-in due and the in-person entries per month and length."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, func, insert, select, update

from common.enums import (
    Activity,
    CheckInChannel,
    CheckInContact,
    EntryStatus,
    Mode,
    PairStatus,
)
from mentoring import checkins, pairs
from models import CheckIn, MeetingMonth, Pair, Programme, Referral, ServiceEntry
from tests import small_world

D = dt.date


def assert_kept(db: Any) -> None:
    session = db.session
    session.expire_all()
    for pair in session.scalars(select(Pair)):
        latest = session.scalar(select(func.max(ServiceEntry.day)).where(
            ServiceEntry.pair_id == pair.id, ServiceEntry.status != EntryStatus.rejected))
        assert pair.last_entry_on == latest, pair.id
        held = session.scalar(select(func.count()).select_from(CheckIn)
                              .where(CheckIn.pair_id == pair.id))
        programme = pair.programme
        assert pair.next_check_in_on == checkins.next_due(
            pair.starts_on, programme.checkins_first_month, programme.checkins_per_month,
            held), pair.id
    for referral in session.scalars(select(Referral)):
        first = session.scalar(select(func.min(Pair.starts_on)).where(
            Pair.referral_id == referral.id, Pair.status != PairStatus.proposed))
        assert referral.first_started_on == first, referral.id
        assert referral.matched == session.scalar(
            select(pairs.matched_in_sql()).where(Referral.id == referral.id)), referral.id
    meetings: dict[tuple[int, str, int], int] = {}
    for entry in session.scalars(select(ServiceEntry).where(
            ServiceEntry.mode == Mode.in_person, ServiceEntry.status != EntryStatus.rejected)):
        key = (entry.pair_id, entry.day.replace(day=1).isoformat(), entry.minutes)
        meetings[key] = meetings.get(key, 0) + 1
    kept = {(m.pair_id, m.month.isoformat(), m.minutes): m.entries
            for m in session.scalars(select(MeetingMonth).where(MeetingMonth.entries > 0))}
    assert kept == meetings
    assert not session.scalar(select(func.count()).select_from(MeetingMonth)
                              .where(MeetingMonth.entries < 0))


def test_kept_figures_follow_every_kind_of_change(db: Any) -> None:
    ids = small_world.build(db.session)
    db.session.commit()
    assert_kept(db)
    # Entries: a new latest one, one rejected, the latest deleted, one moved to another
    # pair and month, a remote one made in-person and longer, a Core bulk update.
    db.session.execute(insert(ServiceEntry).values(
        pair_id=ids["pa"], day=D(2026, 6, 20), minutes=60, mode=Mode.in_person,
        activity=Activity.study, status=EntryStatus.logged))
    db.session.commit()
    assert_kept(db)
    first = db.session.scalars(select(ServiceEntry).where(ServiceEntry.pair_id == ids["pb"])
                               .order_by(ServiceEntry.day)).first()
    first.status, first.rejection_reason = EntryStatus.rejected, "kļūda"
    db.session.commit()
    assert_kept(db)
    db.session.execute(delete(ServiceEntry).where(ServiceEntry.pair_id == ids["pa"],
                                                  ServiceEntry.day == D(2026, 6, 20)))
    db.session.execute(update(ServiceEntry).where(ServiceEntry.pair_id == ids["pc"])
                       .values(pair_id=ids["pb"], day=D(2026, 3, 9)))
    db.session.execute(update(ServiceEntry).where(ServiceEntry.mode == Mode.remote)
                       .values(mode=Mode.in_person, minutes=ServiceEntry.minutes + 15))
    db.session.commit()
    assert_kept(db)
    # Check-ins held and withdrawn, a pair's start moved, a programme's schedule changed.
    for day in (D(2026, 5, 1), D(2026, 5, 20)):
        db.session.add(CheckIn(pair_id=ids["pa"], held_on=day, channel=CheckInChannel.phone,
                               contact=CheckInContact.mentor, relationship_quality=4))
    db.session.commit()
    assert_kept(db)
    db.session.execute(delete(CheckIn).where(CheckIn.held_on == D(2026, 5, 20)))
    db.session.execute(update(Pair).where(Pair.id == ids["pb"]).values(starts_on=D(2026, 1, 31)))
    db.session.commit()
    assert_kept(db)
    # A pair's status back to a proposal, a closed one moved to another referral, a rematch
    # accepted and withdrawn.
    db.session.execute(update(Pair).where(Pair.id == ids["pd"])
                       .values(rematch_offered=True, rematch_accepted=True))
    db.session.commit()
    assert_kept(db)
    db.session.execute(update(Pair).where(Pair.id == ids["pa"])
                       .values(status=PairStatus.proposed))
    db.session.execute(update(Pair).where(Pair.id == ids["pd"])
                       .values(referral_id=select(Pair.referral_id).where(Pair.id == ids["pb"])
                               .scalar_subquery()))
    db.session.commit()
    assert_kept(db)
    db.session.execute(update(Programme).values(checkins_first_month=3, checkins_per_month=2))
    db.session.commit()
    assert_kept(db)
    db.session.execute(update(Programme).values(checkins_first_month=0, checkins_per_month=0))
    db.session.commit()
    assert_kept(db)
    assert db.session.scalar(select(func.count()).select_from(Pair)
                             .where(Pair.next_check_in_on.is_not(None))) == 0


def test_kept_figures_in_the_demo(db: Any, demo_users: Any) -> None:
    assert_kept(db)
