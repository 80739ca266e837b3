"""Recruitment rounds: applications through the public form, and where each candidate
stands against the round's dates (interviews, training, the decision within working days
after training)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, joinedload

from common.actor import Actor
from common.enums import Education, MentorStatus
from common.errors import RuleViolation, RuleViolations
from common.i18n import _l
from mentoring import audit, mentors, rules, workdays
from models import Locality, Mentor, MentorStatusChange, RecruitmentRound

M = MentorStatus
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,58}[a-z0-9]")  # the public address's last part
# Statuses still waiting for the round's next step.
SELECTING = (M.applicant, M.screened, M.interviewed, M.in_training)


@dataclass
class Application:
    """What the public form collects (bounded by the form; checked again here)."""

    first_name: str
    last_name: str
    birth_date: dt.date
    email: str
    phone: str
    locality_id: int | None
    education: Education
    experience_years: int
    experience: list[str] = field(default_factory=list)  # where: schools, NGOs …
    motivation: str = ""
    meetings_per_month: int = 2
    hours_per_month: int = 2
    in_person: bool = True
    languages: str = ""
    interests: str = ""


def decision_deadline(round_: RecruitmentRound, calendar: workdays.Calendar) -> dt.date:
    """The day a decision on each trained candidate is due (working days after training)."""
    return calendar.add(round_.training_until, round_.decision_working_days)


def apply(db: Session, round_: RecruitmentRound, application: Application, *,
          actor: Actor, today: dt.date) -> Mentor:
    """An application becomes an applicant in the round's provider pipeline. The
    programme's requirements are shown to the coordinator, never used to refuse; the audit
    keeps that an application came, not what it says. Flushes."""
    problems = []
    if not round_.is_open(today):
        problems.append(RuleViolation(_l("Applications for this round are closed.")))
    locality = db.get(Locality, application.locality_id) if application.locality_id else None
    if application.locality_id and (
            locality is None or locality.municipality_id != round_.programme.municipality_id):
        problems.append(RuleViolation(_l("Choose a locality from the list."), "locality"))
    if problems:
        raise RuleViolations(problems)
    notes = [str(_l("Where: %(places)s", places=", ".join(application.experience)))] \
        if application.experience else []
    if not application.in_person:
        notes.append(str(_l("Cannot meet in person.")))
    mentor = Mentor(
        provider_id=round_.provider_id, programme_id=round_.programme_id, round_id=round_.id,
        applied_online=True, first_name=application.first_name.strip(),
        last_name=application.last_name.strip(), birth_date=application.birth_date,
        email=application.email.strip(), phone=application.phone.strip(),
        locality_id=locality.id if locality else None, education=application.education,
        experience_years=application.experience_years,
        motivation="\n\n".join([application.motivation.strip(), *notes]).strip(),
        meetings_per_month=application.meetings_per_month,
        hours_per_month=application.hours_per_month, languages=application.languages.strip(),
        interests=application.interests.strip(), status=M.applicant)
    db.add(mentor)
    db.flush()
    db.add(MentorStatusChange(mentor=mentor, from_status=None, to_status=M.applicant,
                              comment=str(_l("Applied with the public form"))))
    audit.record(db, actor, "application.received", mentor,
                 changes={"round": round_.id})
    db.flush()
    return mentor


@dataclass
class Standing:
    """One candidate against the round's dates."""

    mentor: Mentor
    unmet: list[Any]
    late: Any = None  # what is overdue, or None


def _late(mentor: Mentor, round_: RecruitmentRound, decide_by: dt.date,
          today: dt.date) -> Any:
    if mentor.status in (M.applicant, M.screened) and today > round_.interviews_until:
        return _l("Not interviewed by %(date)s.", date=f"{round_.interviews_until:%d.%m.%Y}")
    if mentor.status == M.interviewed and today > round_.training_until:
        return _l("Not in the training that ended %(date)s.",
                  date=f"{round_.training_until:%d.%m.%Y}")
    if mentor.status == M.in_training and today > decide_by:
        return _l("No decision by %(date)s (%(days)d working days after training).",
                  date=f"{decide_by:%d.%m.%Y}", days=round_.decision_working_days)
    return None


def standing(db: Session, round_: RecruitmentRound, today: dt.date,
             where: ColumnElement[bool]) -> tuple[dt.date, list[Standing]]:
    """The round's decision deadline and its candidates (within ``where``), each with the
    requirements they do not meet and what is overdue."""
    decide_by = decision_deadline(round_, workdays.calendar(
        db, round_.training_until, round_.training_until))
    candidates = db.scalars(select(Mentor).where(Mentor.round_id == round_.id, where)
                            .options(joinedload(Mentor.locality))
                            .order_by(Mentor.created_at, Mentor.id)).all()
    return decide_by, [
        Standing(mentor=m, unmet=mentors.unmet_requirements(m, round_.programme,
                                                            round_.applications_until),
                 late=_late(m, round_, decide_by, today) if m.status in SELECTING else None)
        for m in candidates]


def overdue(db: Session, where: ColumnElement[bool], candidates: ColumnElement[bool],
            today: dt.date) -> list[tuple[RecruitmentRound, int]]:
    """Rounds (within ``where``) with candidates (within ``candidates``) not moved on after
    a date passed, and how many — for the tasks page, in two queries however many rounds
    there are."""
    rows = db.execute(
        select(Mentor, RecruitmentRound).join(RecruitmentRound,
                                              RecruitmentRound.id == Mentor.round_id)
        .where(where, candidates, RecruitmentRound.interviews_until < today,
               Mentor.status.in_(SELECTING))
        .order_by(RecruitmentRound.applications_until, RecruitmentRound.id)).all()
    if not rows:
        return []
    ends = [r.training_until for _m, r in rows]
    calendar = workdays.calendar(db, min(ends), max(ends))
    late: dict[int, int] = {}
    rounds: dict[int, RecruitmentRound] = {}
    for mentor, round_ in rows:
        rounds[round_.id] = round_
        if _late(mentor, round_, decision_deadline(round_, calendar), today) is not None:
            late[round_.id] = late.get(round_.id, 0) + 1
    return [(rounds[i], n) for i, n in late.items()]


# -- record rules (checked before every flush) ----------------------------------------
@rules.checks(Mentor)
def _candidate(m: Mentor) -> Iterator[RuleViolation]:
    round_ = m.recruitment_round
    if round_ is None:
        return
    mine = m.provider if m.provider is not None else m.provider_id
    theirs = round_.provider if round_.provider is not None else round_.provider_id
    if mine is not None and theirs is not None and mine != theirs:
        yield RuleViolation(_l("The round belongs to another provider."), "recruitment_round")


@rules.checks(RecruitmentRound)
def _round(r: RecruitmentRound) -> Iterator[RuleViolation]:
    yield from rules.dates_in_order(r.interviews_from, r.interviews_until, "interviews_until")
    yield from rules.dates_in_order(r.training_from, r.training_until, "training_until")
    if r.applications_until and r.interviews_until and r.interviews_until < r.applications_until:
        yield RuleViolation(_l("Interviews end after the application deadline."),
                            "interviews_until")
    if r.training_until and r.mentoring_starts_on and r.mentoring_starts_on < r.training_until:
        yield RuleViolation(_l("Mentoring starts after the training."), "mentoring_starts_on")
    if r.slug is not None and not SLUG.fullmatch(r.slug or ""):
        yield RuleViolation(_l("Use lower-case letters, digits and hyphens (3–60)."), "slug")
    if r.decision_working_days is not None and not 0 <= r.decision_working_days <= 60:
        yield RuleViolation(_l("Between 0 and 60 working days."), "decision_working_days")

