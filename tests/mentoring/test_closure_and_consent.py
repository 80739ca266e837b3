"""Closure with a reason from the list, rematch keeping history, and consent withdrawal
stopping pairing and billing after its date — on every path."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from common import months
from common.actor import Actor
from common.clock import today
from common.enums import (
    Activity,
    ClosureKind,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    EntryStatus,
    GoalArea,
    Mode,
    PairStatus,
)
from common.errors import RuleViolations
from mentoring import consents, hours, invoicing, pairs
from models import Pair, ServiceEntry
from tests.mentoring.test_pairing import accepted_referral, reason


@pytest.fixture()
def formed(db: Any, demo_users: Any) -> dict[str, Any]:
    from models import User

    actor = db.session.scalar(select(User).where(User.email == "you@mentori.lv"))
    referral = accepted_referral(db, actor.provider_id, "Rematča")
    start = today() - dt.timedelta(days=40)
    for consent in referral.youth.consents:  # given at the intake, some weeks ago
        consent.given_on = start - dt.timedelta(days=10)
    mentors = [c.mentor for c in pairs.candidates(db.session, referral, start) if c.eligible]
    pair = pairs.form_pair(db.session, referral=referral, mentor=mentors[0], starts_on=start,
                           planned_end_on=months.add_months(start, 4),
                           goals=[(GoalArea.education, "Matemātika", "7")], actor=Actor.of(actor))
    return {"actor": actor, "referral": referral, "pair": pair, "mentors": mentors,
            "start": start}


def end_early(db: Any, f: dict[str, Any], **closure: Any) -> None:
    pairs.transition(db.session, f["pair"], PairStatus.ended_early, actor=Actor.of(f["actor"]),
                     closure=pairs.Closure(reason_id=reason(db, ClosureKind.unplanned).id,
                                           **closure))


def test_exit_notes_are_kept_and_a_rematch_needs_an_offer(db: Any, formed: Any) -> None:
    with pytest.raises(RuleViolations) as caught:
        end_early(db, formed, rematch_accepted=True)
    assert {v.field for v in caught.value.violations} == {"rematch_accepted"}
    end_early(db, formed, exit_note_mentor=" Paldies ", exit_note_youth="Bija labi",
              exit_note_parent="Paldies mentoram")
    pair = formed["pair"]
    assert (pair.exit_note_mentor, pair.exit_note_youth, pair.exit_note_parent) == (
        "Paldies", "Bija labi", "Paldies mentoram")
    # Without a rematch accepted, the referral is done: it does not wait for another mentor.
    waiting = pairs.waiting_referrals(db.session, formed["actor"].provider_id)
    assert formed["referral"] not in waiting
    with pytest.raises(RuleViolations):
        pairs.form_pair(db.session, referral=formed["referral"], mentor=formed["mentors"][1],
                        starts_on=today(), planned_end_on=months.add_months(today(), 4),
                        goals=[], actor=Actor.of(formed["actor"]))


def test_rematch_makes_a_new_pair_for_the_same_referral_with_the_old_one_visible(
        db: Any, formed: Any) -> None:
    old = formed["pair"]
    end_early(db, formed, rematch_offered=True, rematch_accepted=True)
    assert formed["referral"] in pairs.waiting_referrals(db.session, formed["actor"].provider_id)
    ranked = {c.mentor.id: c for c in pairs.candidates(db.session, formed["referral"], today())}
    assert not ranked[old.mentor_id].eligible  # the earlier mentor is not offered again
    new = pairs.form_pair(db.session, referral=formed["referral"], mentor=formed["mentors"][1],
                          starts_on=today(), planned_end_on=months.add_months(today(), 4),
                          goals=[(GoalArea.social, "Pulciņš", "1")], actor=Actor.of(formed["actor"]))
    assert new.referral is old.referral and new.previous_pair is old and new.youth is old.youth
    assert new.mentor is not old.mentor and new.starts_on >= old.ended_on
    assert pairs.earlier_pairs(db.session, new, Pair.provider_id == old.provider_id) == [old]
    assert pairs.earlier_pairs(db.session, new, Pair.provider_id == -1) == []  # scope holds
    assert formed["referral"] not in pairs.waiting_referrals(
        db.session, formed["actor"].provider_id)


def test_a_rematch_is_another_mentor_after_the_earlier_pair(db: Any, formed: Any) -> None:
    old = formed["pair"]
    end_early(db, formed, rematch_offered=True, rematch_accepted=True)
    assert old.ended_on == today()

    def again(mentor: Any, start: dt.date) -> Any:
        return lambda: pairs.form_pair(
            db.session, referral=formed["referral"], mentor=mentor, starts_on=start,
            planned_end_on=months.add_months(start, 4),
            goals=[(GoalArea.social, "Pulciņš", "1")], actor=Actor.of(formed["actor"]))

    assert refused(db, again(formed["mentors"][0], today())) == {"mentor"}
    assert refused(db, again(formed["mentors"][1], today() - dt.timedelta(days=1))) == {
        "starts_on"}


def withdraw(db: Any, youth: Any, on: dt.date, actor: Any) -> None:
    consent = next(c for c in youth.consents if c.purpose == ConsentPurpose.service)
    consents.withdraw(db.session, consent, on=on, actor=Actor.of(actor), note="Vecāki atsauca")
    db.session.flush()
    db.session.expire(youth, ["consent_withdrawn_on"])


def test_withdrawal_flags_the_youth_everywhere(db: Any, formed: Any) -> None:
    youth = formed["pair"].youth
    assert youth.consent_withdrawn_on is None and "⚠" not in str(formed["pair"])
    withdraw(db, youth, today() - dt.timedelta(days=3), formed["actor"])
    assert youth.consent_withdrawn_on == today() - dt.timedelta(days=3)
    assert "⚠" in str(youth) and "⚠" in str(formed["pair"])
    # Given again (even the same day as the withdrawal): the flag goes, the history stays.
    consents.record(db.session, youth, given_by=ConsentGiver.parent,
                    purpose=ConsentPurpose.service, method=ConsentMethod.written,
                    given_on=today() - dt.timedelta(days=3), actor=Actor.of(formed["actor"]))
    db.session.flush()
    db.session.expire(youth, ["consent_withdrawn_on"])
    assert youth.consent_withdrawn_on is None and len(youth.consents) >= 3


def refused(db: Any, action: Any) -> set[str]:
    """Run ``action`` in a savepoint that its refusal rolls back; the refused fields."""
    with pytest.raises(RuleViolations) as caught, db.session.begin_nested():
        action()
        db.session.flush()
    return {v.field for v in caught.value.violations}


def log(db: Any, pair: Pair, day: dt.date, actor: Any) -> ServiceEntry:
    return hours.log_entry(db.session, pair=pair, actor=Actor.of(actor), day=day, minutes=60,
                           activity=Activity.study, mode=Mode.in_person)


def test_no_hours_after_the_withdrawal_on_any_path(db: Any, formed: Any) -> None:
    pair, actor = formed["pair"], formed["actor"]
    withdrawn = today() - dt.timedelta(days=5)
    before = log(db, pair, withdrawn, actor)  # the day itself is still covered
    after = log(db, pair, withdrawn + dt.timedelta(days=2), actor)
    withdraw(db, pair.youth, withdrawn, actor)
    assert refused(db, lambda: log(db, pair, withdrawn + dt.timedelta(days=1), actor)) == {"day"}
    # Approving an entry dated after the withdrawal is refused; rejecting it is not.
    assert refused(db, lambda: hours.approve(db.session, [after], actor=Actor.of(actor))) == {"day"}
    hours.reject(db.session, after, actor=Actor.of(actor), reason="Piekrišana atsaukta")
    assert after.status == EntryStatus.rejected and before.status == EntryStatus.logged
    hours.approve(db.session, [before], actor=Actor.of(actor))  # the day of the withdrawal itself
    assert before.status == EntryStatus.approved


def test_invoices_leave_out_hours_after_the_withdrawal(db: Any, formed: Any) -> None:
    pair, actor = formed["pair"], formed["actor"]
    first = today().replace(day=1)
    days = [first, first + dt.timedelta(days=1)]
    assert pair.starts_on <= days[0] and days[1] <= today()  # the frozen day is mid-month
    entries = [log(db, pair, day, actor) for day in days]
    hours.approve(db.session, entries, actor=Actor.of(actor))
    db.session.flush()
    contract = pair.contract
    ids = {row[0] for row in invoicing.billable_entries(db.session, contract, first.year,
                                                        first.month)}
    assert {e.id for e in entries} <= ids
    # Approved before the withdrawal was recorded: the day after it is no longer billed.
    withdraw(db, pair.youth, days[0], actor)
    ids = {row[0] for row in invoicing.billable_entries(db.session, contract, first.year,
                                                        first.month)}
    assert entries[0].id in ids and entries[1].id not in ids


def test_no_pair_starts_after_the_withdrawal(db: Any, formed: Any) -> None:
    pair, actor = formed["pair"], formed["actor"]
    end_early(db, formed, rematch_offered=True, rematch_accepted=True)
    withdraw(db, pair.youth, today() - dt.timedelta(days=1), actor)
    assert "starts_on" in refused(db, lambda: pairs.form_pair(
        db.session, referral=formed["referral"], mentor=formed["mentors"][1],
        starts_on=today(), planned_end_on=months.add_months(today(), 4),
        goals=[(GoalArea.social, "Pulciņš", "1")], actor=Actor.of(actor)))

    # The record rule holds for any other path too, e.g. moving a pair's start.
    def move() -> None:
        pair.starts_on = today()
        pair.planned_end_on = months.add_months(today(), 4)

    assert "starts_on" in refused(db, move)


def test_a_youth_never_served_is_deleted_with_their_consents(db: Any, demo_users: Any) -> None:
    from models import Consent, Municipality, Youth

    youth = Youth(case_number="DEL-1", first_name="Dzēšamais", last_name="Tests",
                  birth_date=dt.date(2010, 1, 1),
                  municipality=db.session.scalars(select(Municipality)).first())
    db.session.add(youth)
    db.session.flush()
    consents.record(db.session, youth, given_by=ConsentGiver.youth,
                    purpose=ConsentPurpose.service, method=ConsentMethod.written,
                    given_on=today(), actor=Actor.system())
    db.session.delete(youth)
    db.session.flush()
    assert db.session.scalar(select(Consent).where(Consent.youth_id == youth.id)) is None
