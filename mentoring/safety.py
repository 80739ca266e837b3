"""Safety concerns about a pair: raised by a coordinator or mentor, shown at once to the
youth's social service, followed up, closed with a resolution. Every step is kept as an
event, so the history survives later edits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy.orm import Session

from common.actor import Actor
from common.clock import today
from common.enums import ConcernCategory, ConcernEvent, Severity
from common.errors import RuleViolation, RuleViolations
from common.i18n import _l
from mentoring import audit, rules
from models import Pair, SafetyConcern, SafetyConcernEvent


def _event(db: Session, concern: SafetyConcern, kind: ConcernEvent, text: str,
           actor: Actor) -> None:
    db.add(SafetyConcernEvent(concern=concern, kind=kind, text=text,
                              actor_id=actor.user_id))


def raise_concern(db: Session, pair: Pair, *, category: ConcernCategory, severity: Severity,
                  description: str, actions_taken: str = "", raised_on: dt.date | None = None,
                  actor: Actor) -> SafetyConcern:
    concern = SafetyConcern(pair=pair, category=category, severity=severity,
                            description=description.strip(),
                            actions_taken=actions_taken.strip(),
                            raised_on=raised_on or today(),
                            raised_by_id=actor.user_id)
    db.add(concern)
    db.flush()
    raised(db, concern, actor=actor)
    return concern


def raised(db: Session, concern: SafetyConcern, *, actor: Actor) -> None:
    """The history's first step for a concern just stored (by any path)."""
    concern.raised_by_id = concern.raised_by_id or actor.user_id
    text = concern.description
    if concern.actions_taken:
        text += "\n" + concern.actions_taken
    _event(db, concern, ConcernEvent.raised, text, actor)
    db.flush()
    audit.record(db, actor, "concern.raised", concern,
                 changes={"severity": [None, Severity(concern.severity).value]})


def updated(db: Session, concern: SafetyConcern, *, actor: Actor) -> None:
    """Keep what changed on an open concern (actions taken, severity) in its history."""
    _event(db, concern, ConcernEvent.update,
           f"{Severity(concern.severity).label}: {concern.actions_taken}", actor)
    db.flush()
    audit.record(db, actor, "concern.updated", concern)


def close(db: Session, concern: SafetyConcern, *, resolution: str, actor: Actor,
          on: dt.date | None = None) -> None:
    on = on or today()
    problems = []
    if concern.closed_on is not None:
        problems.append(RuleViolation(_l("This concern is already closed.")))
    if not resolution.strip():
        problems.append(RuleViolation(_l("Describe the resolution."), "resolution"))
    if concern.raised_on and on < concern.raised_on:
        problems.append(RuleViolation(
            _l("A concern cannot be closed before it was raised."), "closed_on"))
    if problems:
        raise RuleViolations(problems)
    concern.closed_on = on
    concern.resolution = resolution.strip()
    concern.closed_by_id = actor.user_id
    _event(db, concern, ConcernEvent.closed, concern.resolution, actor)
    db.flush()
    audit.record(db, actor, "concern.closed", concern,
                 changes={"closed_on": [None, str(on)]})


# -- record rules (checked before every flush) ----------------------------------------
@rules.checks(SafetyConcern)
def _safety_concern(c: SafetyConcern) -> Iterator[RuleViolation]:
    yield from rules.not_in_future(c.raised_on, "raised_on")
    if not (c.description or "").strip():
        yield RuleViolation(_l("Describe what happened."), "description")
    if c.closed_on is not None and not (c.resolution or "").strip():
        yield RuleViolation(_l("Describe the resolution."), "resolution")
