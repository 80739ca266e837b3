"""Ranking mentors for a youth, the hard requirements, and the pair's lifecycle (rules 2, 3, 5)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace as NS
from typing import Any

import pytest
from sqlalchemy import select

from common.actor import Actor
from common.clock import today
from common.enums import (
    Achievement,
    CheckResult,
    ClosureKind,
    Gender,
    GoalArea,
    MentorStatus,
    PairStatus,
)
from common.errors import RuleViolations
from common.months import add_months
from mentoring import pairing, pairs
from models import ClosureReason, Mentor, Pair, Referral, User

DAY = dt.date(2026, 6, 15)
PROGRAMME = NS(min_mentor_age=20, mentor_older_than_youth=True, mentor_capacity=2,
               min_months=3, max_months=5)
KEIPENE, OGRE = NS(id=1, remote=True), NS(id=2, remote=False)


def mentor(id: int, last: str, **kw: Any) -> Any:
    values = dict(
        id=id, first_name="M", last_name=last, status=MentorStatus.active,
        birth_date=dt.date(1990, 1, 1), locality_id=OGRE.id, locality=OGRE, interests="",
        languages="latviešu", gender=Gender.female, meetings_per_month=2,
        agreements=[NS(is_current=lambda d: True)],
        background_checks=[NS(is_valid=lambda d: True)],
    )
    values.update(kw)
    return NS(**values)


YOUTH = NS(birth_date=dt.date(2010, 5, 1), locality_id=KEIPENE.id, interests="sports, mūzika",
           languages="latviešu, krievu", mentor_gender=Gender.male)


def test_known_mentors_rank_in_a_known_order_with_reasons() -> None:
    near = mentor(1, "Ābele", locality_id=KEIPENE.id, locality=KEIPENE, interests="mūzika")
    shared = mentor(2, "Bērziņa", interests="sports, mūzika", languages="latviešu, krievu")
    preferred = mentor(3, "Celms", gender=Gender.male)
    plain = mentor(4, "Dābols", meetings_per_month=4)
    ranked = pairing.rank([plain, preferred, shared, near], YOUTH, PROGRAMME,
                          {4: 1}, DAY)
    assert [c.mentor.id for c in ranked] == [1, 2, 3, 4]
    w = pairing.WEIGHTS
    assert ranked[0].score == (w["same_locality"] + w["remote_priority"] + 2 * w["free_capacity"]
                               + w["shared_interest"] + w["shared_language"]
                               + 2 * w["availability"])
    assert ranked[1].score == (2 * w["free_capacity"] + 2 * w["shared_interest"]
                               + 2 * w["shared_language"] + 2 * w["availability"])
    assert ranked[3].score == w["free_capacity"] + w["shared_language"] + 4 * w["availability"]
    reasons = [str(r) for r, _ in ranked[0].reasons]
    assert any("same locality" in r or "apdzīvotajā vietā" in r for r in reasons)
    assert all(c.eligible for c in ranked)


@pytest.mark.parametrize(("change", "load", "expected"), [
    ({"status": MentorStatus.in_training}, 0, "Not certified."),
    ({"agreements": [NS(is_current=lambda d: False)]}, 0, "No signed cooperation agreement"),
    ({"background_checks": []}, 0, "No valid Punishment Register statement"),
    ({"birth_date": dt.date(2010, 5, 1)}, 0, "Not older than the youth."),
    ({"birth_date": dt.date(2007, 1, 1)}, 0, "minimum mentor age"),  # 19 on DAY
    ({}, 2, "Capacity full"),
])
def test_each_hard_requirement_excludes_and_is_listed(
    app: Any, change: dict[str, Any], load: int, expected: str
) -> None:
    blocked = mentor(9, "Zīle", **change)
    fine = mentor(8, "Ozola")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        from flask_babel import force_locale

        with force_locale("en"):
            ranked = pairing.rank([blocked, fine], YOUTH, PROGRAMME, {9: load}, DAY)
            listed = [str(e) for e in ranked[-1].excluded]
    assert ranked[-1].mentor is blocked and any(expected in e for e in listed), listed
    assert ranked[0].mentor is fine and ranked[0].eligible


def accepted_referral(db: Any, provider_id: int, name: str) -> Referral:
    """A fresh referral accepted for the provider, through the referral workflow."""
    from common.enums import ChosenBy, ReferralSource
    from mentoring import referrals
    from models import Municipality, Programme, Provider

    staff = db.session.scalar(select(User).where(User.email == "liepaja@mentori.lv"))
    liepaja = db.session.get(Municipality, staff.municipality_id)
    programme = db.session.scalar(select(Programme).where(Programme.municipality_id == liepaja.id))
    referral = referrals.register(db.session, referrals.Intake(
        municipality=liepaja, programme=programme, source=ReferralSource.school,
        received_on=today(), first_name=name, last_name="Testa",
        birth_date=today().replace(year=today().year - 15), consent_youth=True,
        consent_guardian=True), actor=Actor.of(staff))
    referrals.transition(db.session, referral, referrals.S.in_review, actor=Actor.of(staff), comment="ok")
    referrals.transition(db.session, referral, referrals.S.accepted, actor=Actor.of(staff), comment="ok",
                         provider=db.session.get(Provider, provider_id),
                         chosen_by=ChosenBy.parent)
    return referral


@pytest.fixture()
def setup(db: Any, demo_users: Any) -> dict[str, Any]:
    actor = db.session.scalar(select(User).where(User.email == "you@mentori.lv"))
    referral = accepted_referral(db, actor.provider_id, "Pirmā")
    other = accepted_referral(db, actor.provider_id, "Otrā")
    ranked = pairs.candidates(db.session, referral, today())
    chosen = next(c.mentor for c in ranked if c.eligible)
    return {"actor": actor, "referral": referral, "mentor": chosen, "other": other}


def form(db: Any, setup: dict[str, Any], months: int = 4, goals: Any = None) -> Pair:
    start = today()
    return pairs.form_pair(
        db.session, referral=setup["referral"], mentor=setup["mentor"], starts_on=start,
        planned_end_on=add_months(start, months),
        goals=goals if goals is not None else [(GoalArea.education, "Matemātika", "7 balles")],
        actor=Actor.of(setup["actor"]))


@pytest.mark.parametrize(("months", "ok"), [(2, False), (3, True), (5, True), (6, False)])
def test_pair_length_within_programme_months(db: Any, setup: Any, months: int, ok: bool) -> None:
    if ok:
        assert form(db, setup, months).status == PairStatus.active
    else:
        with pytest.raises(RuleViolations) as caught:
            form(db, setup, months)
        assert {v.field for v in caught.value.violations} == {"planned_end_on"}


def test_proposed_until_a_goal_then_active(db: Any, setup: Any) -> None:
    pair = form(db, setup, goals=[])
    assert pair.status == PairStatus.proposed
    with pytest.raises(RuleViolations):
        pairs.transition(db.session, pair, PairStatus.active, actor=Actor.of(setup["actor"]))
    pairs.add_goal(db.session, pair, area=GoalArea.social, description="Pulciņš", target="1",
                   actor=Actor.of(setup["actor"]))
    assert pair.status == PairStatus.active
    assert [h.to_status for h in pair.history] == [PairStatus.proposed, PairStatus.active]


def test_pause_resume_and_end_early_needs_a_reason(db: Any, setup: Any) -> None:
    pair = form(db, setup)
    pairs.transition(db.session, pair, PairStatus.paused, actor=Actor.of(setup["actor"]), comment="Slims")
    pairs.transition(db.session, pair, PairStatus.active, actor=Actor.of(setup["actor"]))
    with pytest.raises(RuleViolations) as caught:
        pairs.transition(db.session, pair, PairStatus.ended_early, actor=Actor.of(setup["actor"]),
                         comment="Pārcēlās")
    assert {v.field for v in caught.value.violations} == {"closure_reason"}
    moved = reason(db, ClosureKind.unplanned)
    pairs.transition(db.session, pair, PairStatus.ended_early, actor=Actor.of(setup["actor"]),
                     comment="Pārcēlās", closure=pairs.Closure(reason_id=moved.id))
    assert pair.status == PairStatus.ended_early and pair.end_reason == "Pārcēlās"
    assert pair.closure_kind == ClosureKind.unplanned and pair.closure_reason is moved
    with pytest.raises(RuleViolations):
        pairs.transition(db.session, pair, PairStatus.active, actor=Actor.of(setup["actor"]))


def test_complete_only_with_a_full_evaluation(db: Any, setup: Any) -> None:
    pair = form(db, setup)
    goal = pair.goals[0]
    for achievements, summary, feedback in [({}, "Labi", "Patika"),
                                            ({goal.id: Achievement.achieved}, "", "Patika"),
                                            ({goal.id: Achievement.achieved}, "Labi", "")]:
        with pytest.raises(RuleViolations):
            pairs.complete(db.session, pair, achievements=achievements, summary=summary,
                           youth_feedback=feedback, actor=Actor.of(setup["actor"]))
        assert pair.status == PairStatus.active
    with pytest.raises(RuleViolations) as caught:  # the closure reason, planned, is required
        pairs.complete(db.session, pair, achievements={goal.id: Achievement.partly},
                       summary="Labi", youth_feedback="Patika", actor=Actor.of(setup["actor"]),
                       closure=pairs.Closure(reason_id=reason(db, ClosureKind.unplanned).id))
    assert {v.field for v in caught.value.violations} == {"closure_reason"}
    pairs.complete(db.session, pair, achievements={goal.id: Achievement.partly},
                   summary="Labi", youth_feedback="Patika", actor=Actor.of(setup["actor"]),
                   closure=pairs.Closure(reason_id=reason(db, ClosureKind.planned).id))
    assert pair.status == PairStatus.completed and goal.achievement == Achievement.partly
    # No path skips the evaluation: setting the status directly is refused at flush.
    other = form(db, {**setup, "referral": setup["other"]})
    other.status = PairStatus.completed
    with pytest.raises(RuleViolations):
        db.session.flush()
    db.session.rollback()


def reason(db: Any, kind: ClosureKind) -> ClosureReason:
    return pairs.closure_reasons(db.session, kind)[0]


def test_an_excluded_mentor_cannot_be_paired(db: Any, setup: Any) -> None:
    blocked: Mentor = setup["mentor"]
    for check in blocked.background_checks:
        check.result = CheckResult.record_found
    db.session.flush()
    with pytest.raises(RuleViolations) as caught:
        form(db, setup)
    assert "mentor" in {v.field for v in caught.value.violations}
