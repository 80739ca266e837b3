"""The referral workflow: rule 1 at its boundaries, rule 4's offer, transitions, duplicates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from common.actor import Actor
from common.enums import ChosenBy, ReferralSource, ReferralStatus
from common.errors import RuleViolations
from mentoring import referrals
from mentoring.demo import personal_code
from models import Contract, Municipality, Programme, Provider, Referral, User, Youth

S = ReferralStatus
DAY = dt.date(2026, 6, 15)


def years_before(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year - years)


@pytest.fixture()
def world(db: Any, demo_users: Any) -> dict[str, Any]:
    liepaja = db.session.scalar(select(Municipality).where(Municipality.case_prefix == "LIE"))
    ogre = db.session.scalar(select(Municipality).where(Municipality.case_prefix == "OGR"))
    return {
        "liepaja": liepaja, "ogre": ogre,
        "paid": db.session.scalar(select(Programme).where(Programme.municipality_id == liepaja.id)),
        "volunteer": db.session.scalar(select(Programme).where(Programme.municipality_id == ogre.id)),
        "staff": db.session.scalar(select(User).where(User.email == "liepaja@mentori.lv")),
    }


def intake(world: dict[str, Any], **overrides: Any) -> referrals.Intake:
    values: dict[str, Any] = {
        "municipality": world["liepaja"], "programme": world["paid"],
        "source": ReferralSource.school, "received_on": DAY, "first_name": "Anna",
        "last_name": "Testa", "birth_date": years_before(DAY, 16), "consent_youth": True,
        "consent_guardian": True,
    }
    values.update(overrides)
    return referrals.Intake(**values)


def fields(exc: RuleViolations) -> set[str | None]:
    return {v.field for v in exc.violations}


@pytest.mark.parametrize(("age", "days_after_birthday", "ok"), [
    (12, 364, False),  # the day before the 13th birthday
    (13, 0, True),  # the 13th birthday is the referral date
    (25, 364, True),  # still 25 the day before turning 26
    (26, 0, False),  # the 26th birthday
])
def test_age_range_boundaries(db: Any, world: Any, age: int, days_after_birthday: int,
                              ok: bool) -> None:
    birth = years_before(DAY - dt.timedelta(days=days_after_birthday), age)
    if ok:
        referral = referrals.register(db.session, intake(world, birth_date=birth),
                                      actor=Actor.of(world["staff"]))
        assert referral.status == S.new and referral.youth.case_number.startswith("LIE-2026-")
    else:
        with pytest.raises(RuleViolations) as caught:
            referrals.register(db.session, intake(world, birth_date=birth), actor=Actor.of(world["staff"]))
        assert fields(caught.value) == {"birth_date"}


@pytest.mark.parametrize(("age", "ok"), [(14, False), (15, True)])
def test_self_referral_from_programme_age(db: Any, world: Any, age: int, ok: bool) -> None:
    data = intake(world, source=ReferralSource.self_referral, birth_date=years_before(DAY, age))
    if ok:
        assert referrals.register(db.session, data, actor=Actor.of(world["staff"])).id
    else:
        with pytest.raises(RuleViolations) as caught:
            referrals.register(db.session, data, actor=Actor.of(world["staff"]))
        assert fields(caught.value) == {"source"}


def test_no_self_referral_where_programme_has_none(db: Any, world: Any) -> None:
    data = intake(world, municipality=world["ogre"], programme=world["volunteer"],
                  source=ReferralSource.self_referral, birth_date=years_before(DAY, 20))
    with pytest.raises(RuleViolations) as caught:
        referrals.register(db.session, data, actor=Actor.of(world["staff"]))
    assert fields(caught.value) == {"source"}


@pytest.mark.parametrize(("age", "youth", "guardian", "missing"), [
    (16, False, True, {"consent_youth"}),
    (16, True, False, {"consent_guardian"}),
    (18, True, False, set()),
])
def test_consent(db: Any, world: Any, age: int, youth: bool, guardian: bool,
                 missing: set[str]) -> None:
    data = intake(world, birth_date=years_before(DAY, age), consent_youth=youth,
                  consent_guardian=guardian)
    if not missing:
        assert referrals.register(db.session, data, actor=Actor.of(world["staff"])).id
        return
    with pytest.raises(RuleViolations) as caught:
        referrals.register(db.session, data, actor=Actor.of(world["staff"]))
    assert fields(caught.value) == missing


def test_personal_code_must_match_birth_date(db: Any, world: Any) -> None:
    data = intake(world, personal_code="161175-19997", birth_date=years_before(DAY, 16))
    with pytest.raises(RuleViolations) as caught:
        referrals.register(db.session, data, actor=Actor.of(world["staff"]))
    assert "personal_code" in fields(caught.value)


def test_existing_youth_is_found_not_duplicated(db: Any, world: Any) -> None:
    code = "150610-21234"

    birth = dt.date(2010, 6, 15)
    code = personal_code(birth, 123)
    first = referrals.register(db.session, intake(world, personal_code=code, birth_date=birth),
                               actor=Actor.of(world["staff"]))
    db.session.commit()
    before = db.session.query(Youth).count()
    # The same youth again for the same programme: refused while the first is open.
    with pytest.raises(RuleViolations) as caught:
        referrals.register(db.session, intake(world, personal_code=code.replace("-", ""),
                                              first_name="Other"), actor=Actor.of(world["staff"]))
    assert fields(caught.value) == {"youth"}
    db.session.rollback()
    # Once the first is withdrawn, a new referral reuses the same youth record.
    referrals.transition(db.session, first, S.withdrawn, actor=Actor.of(world["staff"]), comment="Moved",
                         on=DAY)
    second = referrals.register(db.session, intake(world, personal_code=code), actor=Actor.of(world["staff"]))
    db.session.commit()
    assert second.youth_id == first.youth_id
    assert db.session.query(Youth).count() == before


def test_another_municipalitys_youth_is_neither_revealed_nor_touched(
        db: Any, world: Any) -> None:
    """Finding 1: a personal code known to another social service gives the same answer as
    an unknown one; registering it makes this municipality's own record of the person."""
    other = db.session.scalar(select(Youth).where(
        Youth.municipality_id == world["ogre"].id, Youth.personal_code.is_not(None)))
    unknown = dict(personal_code=personal_code(other.birth_date, 777), birth_date=other.birth_date)
    known = dict(personal_code=other.personal_code, birth_date=other.birth_date)
    answers = []
    for values in (unknown, known):
        with pytest.raises(RuleViolations) as caught:
            referrals.register(db.session, intake(world, consent_youth=False,
                                                  consent_guardian=False, **values),
                               actor=Actor.of(world["staff"]))
        answers.append(sorted((v.field, str(v.message)) for v in caught.value.violations))
        db.session.rollback()
    assert answers[0] == answers[1]
    referral = referrals.register(db.session, intake(world, **known),
                                  actor=Actor.of(world["staff"]))
    assert referral.youth.id != other.id
    assert referral.youth.municipality_id == world["liepaja"].id
    assert db.session.get(Youth, other.id).municipality_id == world["ogre"].id


def _fresh(db: Any, world: Any, status: ReferralStatus) -> Referral:
    referral = referrals.register(db.session, intake(world), actor=Actor.of(world["staff"]))
    provider = referrals.offered_providers(db.session, world["liepaja"].id, world["paid"].id,
                                           DAY)[0]
    referral.status = status
    if status == S.rejected:
        referral.rejection_reason = "x"
    if status == S.accepted:
        referral.provider = provider
        referral.decided_on = DAY
    db.session.flush()
    return referral


# Every allowed step and two refused ones on a database; the whole table is checked
# without one in test_transitions.py.
STEPS_ON_A_DATABASE = sorted(
    {(a, b) for a in S for b in referrals.TRANSITIONS[a]}
    | {(S.new, S.accepted), (S.rejected, S.in_review)},
    key=lambda step: (list(S).index(step[0]), list(S).index(step[1])))


@pytest.mark.parametrize(("start", "target"), STEPS_ON_A_DATABASE)
def test_every_transition(db: Any, world: Any, start: ReferralStatus,
                          target: ReferralStatus) -> None:
    referral = _fresh(db, world, start)
    provider = referrals.offered_providers(db.session, world["liepaja"].id, world["paid"].id,
                                           DAY)[0]
    kwargs = {"comment": "Ok", "on": DAY, "provider": provider, "chosen_by": ChosenBy.parent,
              "reason": "Cits pakalpojums"}
    allowed = target in referrals.TRANSITIONS[start]
    history = len(referral.history)
    if allowed:
        referrals.transition(db.session, referral, target, actor=Actor.of(world["staff"]), **kwargs)
        assert referral.status == target
        assert len(referral.history) == history + 1
        assert referral.history[-1].changed_by_id == world["staff"].id
        if target in (S.accepted, S.rejected, S.withdrawn):
            assert referral.decided_on == DAY
    else:
        with pytest.raises(RuleViolations):
            referrals.transition(db.session, referral, target, actor=Actor.of(world["staff"]), **kwargs)
        assert referral.status == start and len(referral.history) == history


def test_transition_needs_comment_reason_and_choice(db: Any, world: Any) -> None:
    referral = _fresh(db, world, S.in_review)
    with pytest.raises(RuleViolations) as caught:
        referrals.transition(db.session, referral, S.rejected, actor=Actor.of(world["staff"]), comment="",
                             on=DAY)
    assert fields(caught.value) == {"comment", "reason"}
    with pytest.raises(RuleViolations) as caught:
        referrals.transition(db.session, referral, S.accepted, actor=Actor.of(world["staff"]),
                             comment="Ok", on=DAY)
    assert fields(caught.value) == {"provider", "chosen_by"}


def test_provider_offer_follows_contracts(db: Any, world: Any) -> None:
    offered = {p.name for p in referrals.offered_providers(
        db.session, world["liepaja"].id, world["paid"].id, DAY)}
    assert offered == {"Attīstības platforma YOU+", "Kurzemes ģimeņu atbalsta centrs",
                       "House of Hope"}
    hope = db.session.scalar(select(Provider).where(Provider.name == "House of Hope"))
    contract = db.session.scalar(select(Contract).where(Contract.provider_id == hope.id))
    contract.valid_to = DAY - dt.timedelta(days=1)  # expired the day before
    db.session.flush()
    offered = {p.name for p in referrals.offered_providers(
        db.session, world["liepaja"].id, world["paid"].id, DAY)}
    assert "House of Hope" not in offered
    # A contract with another municipality, or for another programme, offers nothing here.
    talanti = db.session.scalar(select(Provider).where(Provider.invoice_prefix == "TK"))
    assert talanti.name not in offered
    other_programme = Programme(name="Cita programma", municipality=world["liepaja"],
                                min_months=1)
    db.session.add(other_programme)
    db.session.add(Contract(number="X-1", municipality=world["liepaja"], provider=talanti,
                            programme=other_programme, valid_from=DAY, valid_to=DAY,
                            hourly_rate=Decimal("10"), vat_exemption_note="x"))
    db.session.flush()
    offered = {p.name for p in referrals.offered_providers(
        db.session, world["liepaja"].id, world["paid"].id, DAY)}
    assert talanti.name not in offered
    referral = _fresh(db, world, S.in_review)
    with pytest.raises(RuleViolations) as caught:
        referrals.transition(db.session, referral, S.accepted, actor=Actor.of(world["staff"]),
                             comment="Ok", on=DAY, provider=hope, chosen_by=ChosenBy.youth)
    assert fields(caught.value) == {"provider"}


def test_waiting_figures_are_computed_per_municipality_and_provider(db: Any, world: Any) -> None:
    from sqlalchemy import true

    figures = referrals.waiting_figures(db.session, true())
    assert {f["municipality"] for f in figures} == {"Liepājas valstspilsēta", "Ogres novads"}
    accepted = [f for f in figures if f["provider"]]
    assert accepted and all(f["days_to_decision"] >= 0 for f in accepted)
    assert any(f["paired"] and f["days_to_start"] is not None for f in accepted)
