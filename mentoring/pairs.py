"""The pair's life: forming it, goals, pause and resume, ending early, completing with an
evaluation. Rules 2, 3 and 5. Functions take a session and an explicit actor, flush only.

``proposed → active`` (at least one goal) ``→ paused ⇄ active → completed`` (evaluation),
``ended_early`` (reason) from any open state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, object_session

from common.actor import Actor
from common.clock import today
from common.enums import Achievement, ClosureKind, GoalArea, PairStatus, ReferralStatus
from common.errors import RuleViolation, RuleViolations
from common.i18n import _l, _ln
from common.months import add_months
from mentoring import audit, pairing, rules
from mentoring.aggregates import as_dict
from models import (
    ClosureReason,
    Contract,
    Goal,
    Mentor,
    Pair,
    PairStatusChange,
    Referral,
    ServiceEntry,
)
from models.consent import withdrawal_in_force

P = PairStatus
OPEN = (P.proposed, P.active, P.paused)
TRANSITIONS: dict[PairStatus, frozenset[PairStatus]] = {
    P.proposed: frozenset({P.active, P.ended_early}),
    P.active: frozenset({P.paused, P.completed, P.ended_early}),
    P.paused: frozenset({P.active, P.ended_early}),
    P.completed: frozenset(),
    P.ended_early: frozenset(),
}


def step_refusal(current: PairStatus, to: PairStatus, *,
                 evaluated: bool = False) -> RuleViolation | None:
    """Why a pair cannot go from ``current`` to ``to`` at all (None: the step exists).
    Completing is a step only with the evaluation (``complete``), never a bare transition."""
    if to in TRANSITIONS[current] and (to != P.completed or evaluated):
        return None
    return RuleViolation(_l("A pair cannot go from “%(current)s” to “%(target)s”.",
                            current=current.label, target=to.label))


@dataclass
class Closure:
    """How a pair closes: a reason from the managed list, the three exit notes, and
    whether a rematch with another mentor was offered and accepted."""

    reason_id: int | None = None
    exit_note_mentor: str = ""
    exit_note_youth: str = ""
    exit_note_parent: str = ""
    rematch_offered: bool = False
    rematch_accepted: bool = False


# The list a new installation starts with (the migration adds the same); administrators
# keep it under Settings.
DEFAULT_CLOSURE_REASONS = [
    (ClosureKind.planned, "Sadarbības laiks beidzās, mērķi sasniegti",
     "Agreed period over, goals met"),
    (ClosureKind.planned, "Sadarbības laiks beidzās, mērķi daļēji sasniegti",
     "Agreed period over, goals partly met"),
    (ClosureKind.unplanned, "Jaunietis atteicās turpināt", "The youth chose to stop"),
    (ClosureKind.unplanned, "Mentors nevar turpināt", "The mentor cannot continue"),
    (ClosureKind.unplanned, "Jaunietis pārcēlās", "The youth moved away"),
    (ClosureKind.unplanned, "Drošības apsvērumi", "Safety concerns"),
    (ClosureKind.unplanned, "Pāris nesadarbojās", "The pair did not work out"),
    (ClosureKind.unplanned, "Piekrišana atsaukta", "Consent withdrawn"),
]


def ensure_closure_reasons(db: Session) -> None:
    if db.scalar(select(ClosureReason.id).limit(1)) is None:
        db.add_all(ClosureReason(kind=kind, name_lv=lv, name_en=en)
                   for kind, lv, en in DEFAULT_CLOSURE_REASONS)
        db.flush()


def closure_reasons(db: Session, kind: ClosureKind) -> list[ClosureReason]:
    return list(db.scalars(select(ClosureReason).where(
        ClosureReason.kind == kind, ClosureReason.active.is_(True)).order_by(ClosureReason.id)))


def _closure_problems(db: Session, closure: Closure | None,
                      kind: ClosureKind) -> tuple[ClosureReason | None, list[RuleViolation]]:
    reason = db.get(ClosureReason, closure.reason_id) if closure and closure.reason_id else None
    if reason is None or reason.kind != kind or not reason.active:
        return None, [RuleViolation(_l("Choose the reason for closing from the list."),
                                    "closure_reason")]
    if closure is not None and closure.rematch_accepted and not closure.rematch_offered:
        return reason, [RuleViolation(_l("A rematch can be accepted only once it is offered."),
                                      "rematch_accepted")]
    return reason, []


def _apply_closure(pair: Pair, closure: Closure, reason: ClosureReason) -> None:
    pair.closure_kind = reason.kind
    pair.closure_reason = reason
    pair.exit_note_mentor = closure.exit_note_mentor.strip()
    pair.exit_note_youth = closure.exit_note_youth.strip()
    pair.exit_note_parent = closure.exit_note_parent.strip()
    pair.rematch_offered = closure.rematch_offered
    pair.rematch_accepted = closure.rematch_accepted


def consent_withdrawn(db: Session, youth_id: int, day: dt.date) -> bool:
    """Whether a consent the service needs stands withdrawn for ``day``."""
    return bool(db.scalar(select(withdrawal_in_force(youth_id, day))))


def length_problems(programme: Any, starts_on: dt.date | None,
                    planned_end_on: dt.date | None) -> list[RuleViolation]:
    """Rule 5: the planned end within the programme's months."""
    if programme is None or starts_on is None or planned_end_on is None:
        return []
    problems = []
    if planned_end_on < add_months(starts_on, programme.min_months):
        problems.append(RuleViolation(_ln(
            "The pair lasts at least %(num)d month: end on %(date)s or later.",
            "The pair lasts at least %(num)d months: end on %(date)s or later.",
            programme.min_months, date=add_months(starts_on, programme.min_months)
            .strftime("%d.%m.%Y")), "planned_end_on"))
    if programme.max_months and planned_end_on > add_months(starts_on, programme.max_months):
        problems.append(RuleViolation(_ln(
            "The pair lasts at most %(num)d month: end on %(date)s or earlier.",
            "The pair lasts at most %(num)d months: end on %(date)s or earlier.",
            programme.max_months, date=add_months(starts_on, programme.max_months)
            .strftime("%d.%m.%Y")), "planned_end_on"))
    return problems


def active_pair_counts(db: Session, mentor_ids: list[int]) -> dict[int, int]:
    return as_dict(db.execute(
        select(Pair.mentor_id, func.count()).where(
            Pair.mentor_id.in_(mentor_ids), Pair.status.in_(OPEN))
        .group_by(Pair.mentor_id)
    ).all())


def waiting_referrals(db: Session, provider_id: int) -> list[Referral]:
    """Accepted referrals to this provider with no pair yet, or whose last pair closed with
    a rematch accepted, oldest first."""
    return list(db.scalars(
        select(Referral).where(
            Referral.provider_id == provider_id, Referral.status == ReferralStatus.accepted,
            waiting_for_a_mentor())
        .order_by(Referral.received_on, Referral.id)
    ))


def waiting_for_a_mentor() -> Any:
    """A referral has no open pair, and no closed one without a rematch accepted (a pair whose
    rematch a later pair took up is outweighed by that later pair): what the database keeps
    as ``referral.matched`` (models/kept.py; a test holds it to ``matched_in_sql``)."""
    return Referral.matched.is_(False)


def matched_in_sql() -> Any:
    """``referral.matched`` as the pairs say it."""
    return select(Pair.id).where(
        Pair.referral_id == Referral.id,
        or_(Pair.status.in_(OPEN), ~Pair.rematch_accepted)).exists()


def rematch_problems(previous: Pair, mentor_id: int | None,
                     starts_on: dt.date | None) -> list[RuleViolation]:
    """A rematch is with another mentor, and starts no earlier than the day the earlier
    pair ended."""
    problems = []
    if mentor_id is not None and mentor_id == previous.mentor_id:
        problems.append(RuleViolation(_l("A rematch is with another mentor."), "mentor"))
    ended = previous.ended_on
    if starts_on is not None and ended is not None and starts_on < ended:
        problems.append(RuleViolation(_l(
            "The new pair cannot start before the earlier one ended (%(date)s).",
            date=ended.strftime("%d.%m.%Y")), "starts_on"))
    return problems


def last_pair(db: Session, referral: Referral) -> Pair | None:
    return db.scalar(select(Pair).where(Pair.referral_id == referral.id)
                     .order_by(Pair.id.desc()).limit(1))


def candidates(db: Session, referral: Referral, on: dt.date) -> list[pairing.Candidate]:
    mentors = list(db.scalars(select(Mentor).where(
        Mentor.provider_id == referral.provider_id, Mentor.archived.is_(False))))
    counts = active_pair_counts(db, [m.id for m in mentors])
    previous = last_pair(db, referral)
    return pairing.rank(mentors, referral.youth, referral.programme, counts, on,
                        earlier_mentor_id=previous.mentor_id if previous else None)


def _record(db: Session, pair: Pair, before: PairStatus | None, actor: Actor, comment: str) -> None:
    db.add(PairStatusChange(pair=pair, from_status=before, to_status=pair.status,
                            comment=comment, changed_by_id=actor.user_id))
    audit.record(db, actor, f"pair.{pair.status.value}", pair,
                 changes={"status": [before.value if before else None, pair.status.value]})


def form_pair(db: Session, *, referral: Referral, mentor: Mentor, starts_on: dt.date,
              planned_end_on: dt.date, goals: list[tuple[GoalArea, str, str]], actor: Actor) -> Pair:
    """Pair the referral's youth with ``mentor``: ``proposed``, or ``active`` with goals."""
    problems: list[RuleViolation] = []
    if referral.status != ReferralStatus.accepted or referral.provider_id is None:
        problems.append(RuleViolation(_l("Only an accepted referral can be paired.")))
    if mentor.provider_id != referral.provider_id:
        problems.append(RuleViolation(_l("The mentor works for another provider."), "mentor"))
    # One pairing of a referral at a time: concurrent attempts wait here for each other.
    db.execute(select(Referral.id).where(Referral.id == referral.id).with_for_update())
    previous = last_pair(db, referral)
    if previous is not None and (previous.status in OPEN or not previous.rematch_accepted):
        problems.append(RuleViolation(_l("This referral already has a pair.")))
    elif previous is not None:
        problems += rematch_problems(previous, mentor.id, starts_on)
    if consent_withdrawn(db, referral.youth_id, starts_on):
        problems.append(RuleViolation(_l(
            "The youth's consent was withdrawn: no pair can start after the withdrawal."),
            "starts_on"))
    load = active_pair_counts(db, [mentor.id]).get(mentor.id, 0)
    problems += [RuleViolation(m, "mentor") for m in pairing.exclusions(
        mentor, referral.youth, referral.programme, load, starts_on)]
    problems += length_problems(referral.programme, starts_on, planned_end_on)
    contract = db.scalar(select(Contract).where(
        Contract.provider_id == referral.provider_id,
        Contract.municipality_id == referral.municipality_id,
        Contract.programme_id == referral.programme_id,
        Contract.valid_from <= starts_on, Contract.valid_to >= starts_on))
    if contract is None:
        problems.append(RuleViolation(
            _l("The provider has no contract for this programme valid on the start date."),
            "starts_on"))
    goals = [(area, text.strip(), target.strip()) for area, text, target in goals if text.strip()]
    if problems:
        raise RuleViolations(problems)
    pair = Pair(youth_id=referral.youth_id, mentor=mentor, provider_id=referral.provider_id,
                programme_id=referral.programme_id, contract=contract, referral=referral,
                starts_on=starts_on, planned_end_on=planned_end_on, status=P.proposed,
                previous_pair=previous)
    db.add(pair)
    db.flush()
    _record(db, pair, None, actor, "")
    for area, text, target in goals:
        add_goal(db, pair, area=area, description=text, target=target, actor=actor)
    db.flush()
    return pair


def add_goal(db: Session, pair: Pair, *, area: GoalArea, description: str, target: str,
             actor: Actor) -> Goal:
    """Add an agreed goal; the first one activates a proposed pair."""
    if not description.strip():
        raise RuleViolations([RuleViolation(_l("Describe the goal."), "description")])
    goal = Goal(pair=pair, area=area, description=description.strip(), target=target.strip())
    db.add(goal)
    if pair.status == P.proposed:
        pair.status = P.active
        _record(db, pair, P.proposed, actor, "")
    db.flush()
    return goal


def transition(db: Session, pair: Pair, to: PairStatus, *, actor: Actor, comment: str = "",
               on: dt.date | None = None, closure: Closure | None = None) -> None:
    """Pause, resume or end early (unplanned closure: a reason from the list, exit notes,
    rematch). Completing goes through ``complete``."""
    on = on or today()
    current = PairStatus(pair.status)
    problems = []
    reason = None
    refusal = step_refusal(current, to)
    if refusal is not None:
        problems.append(refusal)
    elif to == P.active and not pair.goals:
        problems.append(RuleViolation(_l("Agree on at least one goal first.")))
    elif to == P.ended_early:
        reason, found = _closure_problems(db, closure, ClosureKind.unplanned)
        problems += found
    if problems:
        raise RuleViolations(problems)
    pair.status = to
    if to == P.ended_early and closure is not None and reason is not None:
        _apply_closure(pair, closure, reason)
        pair.end_reason = comment.strip() or reason.name_lv
        pair.ended_on = max(on, pair.starts_on)
    _record(db, pair, current, actor, comment.strip())
    db.flush()


def complete(db: Session, pair: Pair, *, achievements: dict[int, Achievement], summary: str,
             youth_feedback: str, actor: Actor, closure: Closure | None = None,
             on: dt.date | None = None) -> None:
    """Complete an active pair (planned closure) with its evaluation: every goal's
    achievement, a summary, the youth's own feedback, and the reason from the list."""
    on = on or today()
    problems = []
    refusal = step_refusal(PairStatus(pair.status), P.completed, evaluated=True)
    if refusal is not None:
        problems.append(refusal)
    missing = [g for g in pair.goals if achievements.get(g.id) is None]
    if missing or not pair.goals:
        problems.append(RuleViolation(_l("Rate the achievement of every goal."), "achievements"))
    if not summary.strip():
        problems.append(RuleViolation(_l("Write the evaluation summary."), "summary"))
    if not youth_feedback.strip():
        problems.append(RuleViolation(_l("Record the youth's own feedback."), "youth_feedback"))
    reason, found = _closure_problems(db, closure, ClosureKind.planned)
    problems += found
    if problems or closure is None or reason is None:
        raise RuleViolations(problems)
    _apply_closure(pair, closure, reason)
    for goal in pair.goals:
        goal.achievement = achievements[goal.id]
    pair.evaluation_summary = summary.strip()
    pair.youth_feedback = youth_feedback.strip()
    pair.ended_on = max(on, pair.starts_on)
    before = PairStatus(pair.status)
    pair.status = P.completed
    _record(db, pair, before, actor, "")
    db.flush()


def earlier_pairs(db: Session, pair: Pair, scope: Any) -> list[Pair]:
    """The pairs this one follows by rematch, latest first, as far as ``scope`` reaches."""
    found: list[Pair] = []
    current = pair
    while current.previous_pair_id is not None and len(found) < 20:
        earlier = db.scalar(select(Pair).where(Pair.id == current.previous_pair_id, scope))
        if earlier is None:
            break
        found.append(earlier)
        current = earlier
    return found


def monthly_figures(db: Session, pair: Pair) -> list[dict[str, Any]]:
    """Per calendar month (its first day): billable and other minutes, and in-person
    meetings, in SQL."""
    month = func.strftime("%Y-%m", ServiceEntry.day) if db.get_bind().dialect.name == "sqlite" \
        else func.to_char(ServiceEntry.day, "YYYY-MM")
    rows = db.execute(
        select(month.label("month"),
               func.sum(ServiceEntry.minutes).filter(ServiceEntry.billable.is_(True)),
               func.sum(ServiceEntry.minutes).filter(ServiceEntry.billable.is_(False)),
               func.count().filter(ServiceEntry.mode == "in_person"))
        .where(ServiceEntry.pair_id == pair.id, ServiceEntry.status != "rejected")
        .group_by(month).order_by(month)
    ).all()
    cap = pair.programme.monthly_cap_minutes
    return [{"month": dt.date(int(m[:4]), int(m[5:7]), 1), "billable": b or 0, "other": o or 0, "meetings": n, "cap": cap,
             "over": cap is not None and (b or 0) > cap} for m, b, o, n in rows]


# -- record rules (checked before every flush) ----------------------------------------
@rules.checks(Pair)
def _pair(p: Pair) -> Iterator[RuleViolation]:
    yield from rules.dates_in_order(p.starts_on, p.planned_end_on, "planned_end_on")
    yield from length_problems(p.programme, p.starts_on, p.planned_end_on)
    status = str(getattr(p.status, "value", p.status))
    if status in ("active", "paused", "completed") and not p.goals:
        yield RuleViolation(_l("Agree on at least one goal first."), "status")
    if status == "completed" and (
        not (p.evaluation_summary or "").strip() or any(g.achievement is None for g in p.goals)
    ):
        yield RuleViolation(_l("Complete the evaluation first."), "status")
    yield from rules.dates_in_order(p.starts_on, p.ended_on, "ended_on")
    if p.status == "ended_early" and not (p.end_reason or "").strip():
        yield RuleViolation(_l("Give the reason for ending early."), "end_reason")
    if p.rematch_accepted and not p.rematch_offered:
        yield RuleViolation(_l("A rematch can be accepted only once it is offered."),
                            "rematch_accepted")
    if p.previous_pair is not None:
        yield from rematch_problems(p.previous_pair, p.mentor_id, p.starts_on)
    session, state = object_session(p), sa_inspect(p)
    youth_id = p.youth_id if p.youth_id is not None else getattr(p.youth, "id", None)
    moved = state.pending or state.transient or state.attrs["starts_on"].history.has_changes()
    if session is not None and moved and youth_id is not None and p.starts_on is not None \
            and consent_withdrawn(session, youth_id, p.starts_on):
        yield RuleViolation(_l(
            "The youth's consent was withdrawn: no pair can start after the withdrawal."),
            "starts_on")
