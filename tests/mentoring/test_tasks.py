"""Each task rule on the small world, per role, and at its boundary."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import update

from common.enums import (
    CheckInChannel,
    CheckInContact,
    ConcernCategory,
    DeliveryChannel,
    Severity,
)
from mentoring import safety, tasks
from models import (
    Agreement,
    BackgroundCheck,
    CheckIn,
    InvoiceDelivery,
    Pair,
    Programme,
    Referral,
    ServiceEntry,
)
from tests import small_world
from tests.small_world import TODAY

D = dt.date


@pytest.fixture()
def world(db: Any) -> dict[str, int]:
    return small_world.build(db.session)


def groups(db: Any, world: dict[str, int], email: str, on: dt.date = TODAY) -> dict[str, Any]:
    actor = small_world.actor(db.session, world, email)
    return {g.key: g for g in tasks.build(db.session, actor, on)}


def labels(group: Any) -> list[str]:
    return [t.label for t in group.tasks]


# Who gets which lists: coordinators the pair work, social workers decisions and safety.
KEYS = {
    "admin@w.lv": ["concerns", "check_ins", "entries", "pairing", "ending", "idle", "supervision",
                   "recruitment", "questionnaires", "checks", "agreements", "undelivered",
                   "referrals"],
    "alfa@w.lv": ["concerns", "referrals"],
    "v1@w.lv": ["concerns", "check_ins", "entries", "pairing", "ending", "idle", "supervision",
                "recruitment", "questionnaires", "checks", "agreements", "undelivered"],
    "mn1@w.lv": [],
}


@pytest.mark.parametrize("email", KEYS)
def test_each_role_gets_the_lists_it_acts_on(db: Any, world: dict[str, int], email: str) -> None:
    assert list(groups(db, world, email)) == KEYS[email]


# Check-ins (programme default: 2 in the first month, then monthly), none held yet: the
# first due half-way through the first month — pc 01.03. → 17.03., pa 21.03. → 06.04.,
# pb 15.04. → 30.04.
CHECK_INS = {"admin@w.lv": ["C-5", "C-1", "C-2"], "v1@w.lv": ["C-1", "C-2"],
             "v2@w.lv": ["C-5"]}


@pytest.mark.parametrize("email", CHECK_INS)
def test_overdue_check_ins(db: Any, world: dict[str, int], email: str) -> None:
    group = groups(db, world, email)["check_ins"]
    assert labels(group) == CHECK_INS[email] and group.total == len(CHECK_INS[email])
    pairs = {db.session.get(Pair, t.record_id).youth.case_number: t for t in group.tasks}
    assert set(pairs) == set(CHECK_INS[email])  # each line names the pair it is about


def test_a_check_in_due_today_is_not_yet_overdue(db: Any, world: dict[str, int]) -> None:
    pa = world["pa"]
    assert "C-1" in labels(groups(db, world, "v1@w.lv", D(2026, 4, 7))["check_ins"])
    assert "C-1" not in labels(groups(db, world, "v1@w.lv", D(2026, 4, 6))["check_ins"])
    # Once held, the next one (end of the first month, 21.04.) is what counts.
    db.session.add(CheckIn(pair_id=pa, held_on=D(2026, 4, 6), channel=CheckInChannel.phone,
                           contact=CheckInContact.mentor, relationship_quality=4))
    db.session.flush()
    assert "C-1" not in labels(groups(db, world, "v1@w.lv", D(2026, 4, 21))["check_ins"])
    assert "C-1" in labels(groups(db, world, "v1@w.lv", D(2026, 4, 22))["check_ins"])


def test_entries_waiting_for_approval(db: Any, world: dict[str, int]) -> None:
    group = groups(db, world, "v1@w.lv")["entries"]
    assert [(t.label, t.detail) for t in group.tasks] == [("C-1", 1)]
    assert group.tasks[0].record_id == world["pa"]
    assert groups(db, world, "v2@w.lv")["entries"].total == 0


def test_ending_within_thirty_days_without_evaluation(db: Any, world: dict[str, int]) -> None:
    # pa ends 30.06.: in the list from 31.05. (30 days before) to the day itself.
    assert labels(groups(db, world, "v1@w.lv", D(2026, 5, 31))["ending"]) == ["C-1"]
    assert labels(groups(db, world, "v1@w.lv", D(2026, 5, 30))["ending"]) == []
    assert labels(groups(db, world, "v1@w.lv", D(2026, 6, 30))["ending"]) == ["C-1"]
    # Past its planned end and still not evaluated: kept, and marked urgent.
    (late,) = groups(db, world, "v1@w.lv", D(2026, 7, 1))["ending"].tasks
    assert late.label == "C-1" and late.urgent
    db.session.execute(update(Pair).where(Pair.id == world["pa"])
                       .values(evaluation_summary="Izvērtēts"))
    assert labels(groups(db, world, "v1@w.lv")["ending"]) == []


def test_pairs_without_an_entry_for_fourteen_days(db: Any, world: dict[str, int]) -> None:
    # pb's last entry not rejected is 17.05. (the rejected 25.05. does not count), pc's 10.05.,
    # pa's 02.06.
    assert labels(groups(db, world, "admin@w.lv")["idle"]) == ["C-5", "C-2"]
    # pa: idle from 16.06. (02.06. + 14 days), not on the 15th.
    assert "C-1" not in labels(groups(db, world, "v1@w.lv", D(2026, 6, 15))["idle"])
    assert "C-1" in labels(groups(db, world, "v1@w.lv", D(2026, 6, 16))["idle"])
    db.session.execute(update(ServiceEntry).where(ServiceEntry.pair_id == world["pb"],
                                                  ServiceEntry.day == D(2026, 5, 17))
                       .values(day=D(2026, 6, 2)))
    assert labels(groups(db, world, "v1@w.lv")["idle"]) == []


def test_mentors_who_missed_the_months_supervision(db: Any, world: dict[str, int]) -> None:
    # Alfa's programme asks one a month: in May mn1 came, mn2 did not; Beta asks none.
    group = groups(db, world, "v1@w.lv")["supervision"]
    assert labels(group) == ["Mentors2 M2"] and group.tasks[0].detail == "05.2026"
    assert groups(db, world, "v2@w.lv")["supervision"].total == 0


def test_background_checks_and_agreements_expiring(db: Any, world: dict[str, int]) -> None:
    mn1, mn2 = world["mn1"], world["mn2"]
    db.session.add_all([
        BackgroundCheck(mentor_id=mn1, checked_on=D(2025, 7, 15), valid_until=D(2026, 7, 15),
                        result="clear"),
        BackgroundCheck(mentor_id=mn2, checked_on=D(2025, 7, 16), valid_until=D(2026, 7, 16),
                        result="clear"),
        Agreement(mentor_id=mn1, signed=True, signed_on=D(2024, 7, 1), starts_on=D(2024, 7, 1),
                  ends_on=D(2026, 7, 15)),
        Agreement(mentor_id=mn2, signed=True, signed_on=D(2024, 7, 1), starts_on=D(2024, 7, 1),
                  ends_on=D(2026, 7, 16)),
    ])
    db.session.flush()
    found = groups(db, world, "v1@w.lv")  # 15.07. is 30 days away, 16.07. is 31
    assert labels(found["checks"]) == ["Mentors1 M1"]
    assert labels(found["agreements"]) == ["Mentors1 M1"]
    assert found["checks"].tasks[0].record_id == mn1
    assert groups(db, world, "v2@w.lv")["checks"].total == 0
    # A newer statement with a record found, or an agreement not signed, replaces nothing;
    # a clear statement and a signed agreement do.
    db.session.add_all([
        BackgroundCheck(mentor_id=mn1, checked_on=D(2026, 6, 10), valid_until=D(2027, 6, 10),
                        result="record_found"),
        Agreement(mentor_id=mn1, signed=False, starts_on=D(2026, 7, 16),
                  ends_on=D(2028, 7, 15))])
    db.session.flush()
    found = groups(db, world, "v1@w.lv")
    assert labels(found["checks"]) == ["Mentors1 M1"]
    assert labels(found["agreements"]) == ["Mentors1 M1"]
    db.session.add_all([
        BackgroundCheck(mentor_id=mn1, checked_on=D(2026, 6, 11), valid_until=D(2027, 6, 11),
                        result="clear"),
        Agreement(mentor_id=mn1, signed=True, signed_on=D(2026, 6, 1),
                  starts_on=D(2026, 7, 16), ends_on=D(2028, 7, 15))])
    db.session.flush()
    found = groups(db, world, "v1@w.lv")
    assert labels(found["checks"]) == [] and labels(found["agreements"]) == []


def test_referrals_waiting_longer_than_the_target(db: Any, world: dict[str, int]) -> None:
    # r3 (Alfa) received 01.06.: 14 days on the 15th, the default target, so not yet late.
    assert labels(groups(db, world, "alfa@w.lv")["referrals"]) == []
    assert labels(groups(db, world, "alfa@w.lv", D(2026, 6, 16))["referrals"]) == ["C-3"]
    assert labels(groups(db, world, "beta@w.lv")["referrals"]) == ["C-4"]
    db.session.execute(update(Programme).where(Programme.id == world["p1"])
                       .values(decision_target_days=13))
    assert labels(groups(db, world, "alfa@w.lv")["referrals"]) == ["C-3"]
    assert groups(db, world, "alfa@w.lv")["referrals"].tasks[0].record_id == world["r3"]


def test_youths_waiting_for_a_mentor(db: Any, world: dict[str, int]) -> None:
    # Every accepted referral of the small world has its pair: nobody waits.
    assert labels(groups(db, world, "v1@w.lv")["pairing"]) == []
    db.session.execute(update(Referral).where(Referral.id == world["r3"]).values(
        status="accepted", decided_on=D(2026, 6, 10), provider_id=world["v1"]))
    found = groups(db, world, "v1@w.lv")["pairing"]
    assert labels(found) == ["C-3"] and found.tasks[0].detail == D(2026, 6, 10)
    assert found.tasks[0].record_id == world["r3"] and found.total == 1
    assert labels(groups(db, world, "admin@w.lv")["pairing"]) == ["C-3"]
    assert labels(groups(db, world, "v2@w.lv")["pairing"]) == []  # another provider's
    assert "pairing" not in groups(db, world, "alfa@w.lv")  # social workers do not pair


def test_issued_invoices_not_yet_delivered(db: Any, world: dict[str, int]) -> None:
    # i1 issued and i3 (its credit note) issued, neither delivered; i2 paid, so it arrived.
    assert labels(groups(db, world, "v1@w.lv")["undelivered"]) == ["PIR-2026-0001",
                                                                   "PIR-2026-0003"]
    assert "undelivered" not in groups(db, world, "v2@w.lv") or \
        labels(groups(db, world, "v2@w.lv")["undelivered"]) == []
    db.session.add(InvoiceDelivery(invoice_id=world["i1"], channel=DeliveryChannel.e_address,
                                   delivered_on=D(2026, 4, 4), reference="EA-1"))
    db.session.flush()
    found = groups(db, world, "v1@w.lv")["undelivered"]
    assert labels(found) == ["PIR-2026-0003"] and found.tasks[0].record_id == world["i3"]
    assert "undelivered" not in groups(db, world, "alfa@w.lv")  # the recipient does not issue


def test_a_safety_concern_shows_at_once_to_the_youths_social_service(
        db: Any, world: dict[str, int]) -> None:
    coordinator = small_world.actor(db.session, world, "v1@w.lv")
    pair = db.session.get(Pair, world["pa"])
    concern = safety.raise_concern(db.session, pair, category=ConcernCategory.substances,
                                   severity=Severity.high, description="Reibumā",
                                   raised_on=TODAY, actor=coordinator)
    for email in ("alfa@w.lv", "v1@w.lv", "admin@w.lv"):
        (task,) = groups(db, world, email)["concerns"].tasks
        assert task.urgent and task.record_id == concern.id
    for email in ("beta@w.lv", "v2@w.lv"):  # another municipality, another provider
        assert groups(db, world, email)["concerns"].total == 0
    safety.close(db.session, concern, resolution="Sarunāts ar ģimeni", actor=coordinator)
    assert groups(db, world, "alfa@w.lv")["concerns"].total == 0
    assert [e.kind.value for e in concern.events] == ["raised", "closed"]


def test_constant_queries(db: Any, world: dict[str, int], count_queries: Any) -> None:
    actor = small_world.actor(db.session, world, "admin@w.lv")
    with count_queries() as counted:
        tasks.build(db.session, actor, TODAY, limit=5)
    assert counted.count <= 14  # one per list; the recruitment rounds in one query too
