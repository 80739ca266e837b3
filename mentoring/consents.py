"""Consent records: giving and withdrawing. A withdrawn consent the service needs stops new
pairs and billable hours for dates after the withdrawal (``pairs``, ``hours``, ``invoicing``
ask ``models.consent.withdrawal_in_force``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy.orm import Session

from common.actor import Actor
from common.clock import today
from common.enums import ConsentGiver, ConsentMethod, ConsentPurpose
from common.errors import RuleViolation, RuleViolations
from common.i18n import _l
from mentoring import audit, rules
from models import Consent, Youth


def record(db: Session, youth: Youth, *, given_by: ConsentGiver, purpose: ConsentPurpose,
           method: ConsentMethod, given_on: dt.date, actor: Actor, note: str = "") -> Consent:
    consent = Consent(youth=youth, given_by=given_by, purpose=purpose, method=method,
                      given_on=given_on, note=note.strip(),
                      recorded_by_id=actor.user_id)
    db.add(consent)
    db.flush()
    audit.record(db, actor, "consent.given", consent,
                 changes={"purpose": [None, purpose.value], "given_on": [None, str(given_on)]})
    return consent


def withdraw(db: Session, consent: Consent, *, on: dt.date, actor: Actor, note: str = "") -> None:
    """Record the withdrawal; the record and its history stay."""
    if consent.withdrawn_on is not None:
        raise RuleViolations([RuleViolation(_l("This consent is already withdrawn."),
                                            "withdrawn_on")])
    consent.withdrawn_on = on
    if note.strip():
        consent.note = f"{consent.note}\n{note.strip()}".strip()
    db.flush()
    audit.record(db, actor, "consent.withdrawn", consent,
                 changes={"withdrawn_on": [None, str(on)]})


def problems(consent: Consent) -> list[RuleViolation]:
    """Dates that can be true: not in the future, a withdrawal not before the consent."""
    found = []
    if consent.given_on and consent.given_on > today():
        found.append(RuleViolation(_l("The date cannot be in the future."), "given_on"))
    if consent.withdrawn_on and consent.withdrawn_on > today():
        found.append(RuleViolation(_l("The date cannot be in the future."), "withdrawn_on"))
    if consent.withdrawn_on and consent.given_on and consent.withdrawn_on < consent.given_on:
        found.append(RuleViolation(
            _l("A consent cannot be withdrawn before it was given."), "withdrawn_on"))
    return found


# -- record rules (checked before every flush) ----------------------------------------
@rules.checks(Consent)
def _consent(c: Consent) -> Iterator[RuleViolation]:
    yield from problems(c)
