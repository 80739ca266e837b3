"""The pair's life: forming it, goals, pause and resume, ending early, completing with an
evaluation. Rules 2, 3 and 5. Functions take a session and an explicit actor, flush only.

``proposed → active`` (at least one goal) ``→ paused ⇄ active → completed`` (evaluation),
``ended_early`` (reason) from any open state.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mentoring import audit, pairing
from mentoring.clock import today
from mentoring.enums import Achievement, GoalArea, PairStatus, ReferralStatus
from mentoring.errors import RuleViolation, RuleViolations
from mentoring.i18n import _l, _ln
from models import Contract, Goal, Mentor, Pair, PairStatusChange, Referral, ServiceEntry

P = PairStatus
OPEN = (P.proposed, P.active, P.paused)
TRANSITIONS: dict[PairStatus, frozenset[PairStatus]] = {
    P.proposed: frozenset({P.active, P.ended_early}),
    P.active: frozenset({P.paused, P.completed, P.ended_early}),
    P.paused: frozenset({P.active, P.ended_early}),
    P.completed: frozenset(),
    P.ended_early: frozenset(),
}


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later, moved back to the month's last day where needed."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    next_first = dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    last = (next_first - dt.timedelta(days=1)).day
    return dt.date(year, month + 1, min(day.day, last))


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
    return dict(db.execute(
        select(Pair.mentor_id, func.count()).where(
            Pair.mentor_id.in_(mentor_ids), Pair.status.in_(OPEN))
        .group_by(Pair.mentor_id)
    ).all())


def waiting_referrals(db: Session, provider_id: int) -> list[Referral]:
    """Accepted referrals to this provider with no pair yet, oldest first."""
    paired = select(Pair.referral_id).where(Pair.referral_id.is_not(None))
    return list(db.scalars(
        select(Referral).where(
            Referral.provider_id == provider_id, Referral.status == ReferralStatus.accepted,
            Referral.id.not_in(paired))
        .order_by(Referral.received_on, Referral.id)
    ))


def candidates(db: Session, referral: Referral, on: dt.date) -> list[pairing.Candidate]:
    mentors = list(db.scalars(select(Mentor).where(
        Mentor.provider_id == referral.provider_id, Mentor.archived.is_(False))))
    counts = active_pair_counts(db, [m.id for m in mentors])
    return pairing.rank(mentors, referral.youth, referral.programme, counts, on)


def _record(db: Session, pair: Pair, before: PairStatus | None, actor: Any, comment: str,
            ip: str) -> None:
    db.add(PairStatusChange(pair=pair, from_status=before, to_status=pair.status,
                            comment=comment, changed_by_id=getattr(actor, "id", None)))
    audit.record(db, actor, f"pair.{pair.status.value}", pair, ip=ip,
                 changes={"status": [before.value if before else None, pair.status.value]})


def form_pair(db: Session, *, referral: Referral, mentor: Mentor, starts_on: dt.date,
              planned_end_on: dt.date, goals: list[tuple[GoalArea, str, str]], actor: Any,
              ip: str = "") -> Pair:
    """Pair the referral's youth with ``mentor``: ``proposed``, or ``active`` with goals."""
    problems: list[RuleViolation] = []
    if referral.status != ReferralStatus.accepted or referral.provider_id is None:
        problems.append(RuleViolation(_l("Only an accepted referral can be paired.")))
    if mentor.provider_id != referral.provider_id:
        problems.append(RuleViolation(_l("The mentor works for another provider."), "mentor"))
    if db.scalar(select(Pair.id).where(Pair.referral_id == referral.id).limit(1)):
        problems.append(RuleViolation(_l("This referral already has a pair.")))
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
                starts_on=starts_on, planned_end_on=planned_end_on, status=P.proposed)
    db.add(pair)
    db.flush()
    _record(db, pair, None, actor, "", ip)
    for area, text, target in goals:
        add_goal(db, pair, area=area, description=text, target=target, actor=actor, ip=ip)
    db.flush()
    return pair


def add_goal(db: Session, pair: Pair, *, area: GoalArea, description: str, target: str,
             actor: Any, ip: str = "") -> Goal:
    """Add an agreed goal; the first one activates a proposed pair."""
    if not description.strip():
        raise RuleViolations([RuleViolation(_l("Describe the goal."), "description")])
    goal = Goal(pair=pair, area=area, description=description.strip(), target=target.strip())
    db.add(goal)
    if pair.status == P.proposed:
        pair.status = P.active
        _record(db, pair, P.proposed, actor, "", ip)
    db.flush()
    return goal


def transition(db: Session, pair: Pair, to: PairStatus, *, actor: Any, comment: str = "",
               on: dt.date | None = None, ip: str = "") -> None:
    """Pause, resume or end early (a reason required). Completing goes through ``complete``."""
    on = on or today()
    current = PairStatus(pair.status)
    problems = []
    if to not in TRANSITIONS[current] or to == P.completed:
        problems.append(RuleViolation(_l(
            "A pair cannot go from “%(current)s” to “%(target)s”.",
            current=current.label, target=to.label)))
    elif to == P.active and not pair.goals:
        problems.append(RuleViolation(_l("Agree on at least one goal first.")))
    elif to == P.ended_early and not comment.strip():
        problems.append(RuleViolation(_l("Give the reason for ending early."), "comment"))
    if problems:
        raise RuleViolations(problems)
    pair.status = to
    if to == P.ended_early:
        pair.end_reason = comment.strip()
        pair.ended_on = max(on, pair.starts_on)
    _record(db, pair, current, actor, comment.strip(), ip)
    db.flush()


def complete(db: Session, pair: Pair, *, achievements: dict[int, Achievement], summary: str,
             youth_feedback: str, actor: Any, on: dt.date | None = None, ip: str = "") -> None:
    """Complete an active pair with its evaluation: every goal's achievement, a summary and
    the youth's own feedback."""
    on = on or today()
    problems = []
    if pair.status != P.active:
        problems.append(RuleViolation(_l(
            "A pair cannot go from “%(current)s” to “%(target)s”.",
            current=PairStatus(pair.status).label, target=P.completed.label)))
    missing = [g for g in pair.goals if achievements.get(g.id) is None]
    if missing or not pair.goals:
        problems.append(RuleViolation(_l("Rate the achievement of every goal."), "achievements"))
    if not summary.strip():
        problems.append(RuleViolation(_l("Write the evaluation summary."), "summary"))
    if not youth_feedback.strip():
        problems.append(RuleViolation(_l("Record the youth's own feedback."), "youth_feedback"))
    if problems:
        raise RuleViolations(problems)
    for goal in pair.goals:
        goal.achievement = achievements[goal.id]
    pair.evaluation_summary = summary.strip()
    pair.youth_feedback = youth_feedback.strip()
    pair.ended_on = max(on, pair.starts_on)
    before = PairStatus(pair.status)
    pair.status = P.completed
    _record(db, pair, before, actor, "", ip)
    db.flush()


def monthly_figures(db: Session, pair: Pair) -> list[dict[str, Any]]:
    """Per calendar month: billable and other minutes, and in-person meetings, in SQL."""
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
    return [{"month": m, "billable": b or 0, "other": o or 0, "meetings": n, "cap": cap,
             "over": cap is not None and (b or 0) > cap} for m, b, o, n in rows]
