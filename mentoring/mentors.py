"""Mentor recruitment: eligibility, the selection lifecycle, training, certificates, activation
and supervision compliance. Functions take a session and an explicit actor, flush, never commit.

``applicant → screened → interviewed → in_training → certified → active → inactive``, and
``rejected`` (with a reason) from any selection step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, object_session

from common.actor import Actor
from common.clock import age_on, today
from common.enums import Decision, Education, MentorStatus
from common.errors import RuleViolation, RuleViolations
from common.i18n import _l
from common.months import month_bounds
from mentoring import audit, rules
from mentoring.aggregates import as_dict
from models import (
    Agreement,
    BackgroundCheck,
    Certificate,
    Interview,
    Mentor,
    MentorStatusChange,
    Programme,
    Supervision,
    TrainingCourse,
    TrainingSession,
)
from models.mentor import session_attendee, supervision_attendee

M = MentorStatus
SELECTION = (M.applicant, M.screened, M.interviewed, M.in_training)
TRANSITIONS: dict[MentorStatus, frozenset[MentorStatus]] = {
    M.applicant: frozenset({M.screened, M.rejected}),
    M.screened: frozenset({M.interviewed, M.rejected}),
    M.interviewed: frozenset({M.in_training, M.rejected}),
    M.in_training: frozenset({M.certified, M.rejected}),
    M.certified: frozenset({M.active, M.inactive}),
    M.active: frozenset({M.inactive}),
    M.inactive: frozenset({M.active}),
    M.rejected: frozenset(),
}
SECONDARY_OR_MORE = (Education.secondary, Education.vocational, Education.higher)


def step_refusal(current: MentorStatus, to: MentorStatus) -> RuleViolation | None:
    """Why a mentor cannot go from ``current`` to ``to`` at all (None: the step exists)."""
    if to in TRANSITIONS[current]:
        return None
    return RuleViolation(_l("A mentor cannot go from “%(current)s” to “%(target)s”.",
                            current=current.label, target=to.label))


def unmet_requirements(mentor: Mentor, programme: Programme | None,
                       on: dt.date | None = None) -> list[Any]:
    """The programme's entry requirements this applicant does not meet (empty: eligible)."""
    on = on or today()
    unmet: list[Any] = []
    if programme is None:
        return [_l("Choose the programme the mentor applies for.")]
    if mentor.birth_date is not None and age_on(mentor.birth_date, on) < programme.min_mentor_age:
        unmet.append(_l("At least %(age)d years old (now %(now)d).", age=programme.min_mentor_age,
                        now=age_on(mentor.birth_date, on)))
    if mentor.education not in SECONDARY_OR_MORE:
        unmet.append(_l("Secondary education completed."))
    return unmet


def attendance_share(db: Session, mentor: Mentor, course: TrainingCourse) -> Decimal:
    """Share of the course's sessions the mentor attended, 0–1 (planned sessions at least)."""
    held = db.scalar(select(func.count()).select_from(TrainingSession)
                     .where(TrainingSession.course_id == course.id)) or 0
    attended = db.scalar(
        select(func.count()).select_from(session_attendee)
        .join(TrainingSession, TrainingSession.id == session_attendee.c.session_id)
        .where(TrainingSession.course_id == course.id,
               session_attendee.c.mentor_id == mentor.id)) or 0
    sessions = max(held, course.sessions or 0)
    return Decimal(attended) / Decimal(sessions) if sessions else Decimal(0)


def check_certificate(db: Session, certificate: Certificate) -> list[RuleViolation]:
    """A certificate goes only to a mentor of the course's provider who attended enough."""
    mentor, course = certificate.mentor, certificate.course
    if mentor is None or course is None:
        return []
    problems = []
    if course.provider_id != mentor.provider_id:
        problems.append(RuleViolation(_l("The course belongs to another provider."), "course"))
    required = Decimal(course.programme.training_attendance_percent) / 100
    with db.no_autoflush:
        share = attendance_share(db, mentor, course)
    if share < required:
        problems.append(RuleViolation(_l(
            "The mentor attended %(share)d%% of the course; %(required)d%% is required.",
            share=int(share * 100), required=int(required * 100)), "mentor"))
    if certificate.issued_on and certificate.issued_on < course.ends_on:
        problems.append(RuleViolation(
            _l("A certificate is issued after the course ends."), "issued_on"))
    return problems


def current_agreement(mentor: Mentor, on: dt.date) -> Agreement | None:
    return next((a for a in mentor.agreements if a.is_current(on)), None)


def valid_check(mentor: Mentor, on: dt.date) -> BackgroundCheck | None:
    return next((c for c in mentor.background_checks if c.is_valid(on)), None)


def activation_problems(mentor: Mentor, on: dt.date) -> list[RuleViolation]:
    problems = []
    if current_agreement(mentor, on) is None:
        problems.append(RuleViolation(_l("No signed cooperation agreement current on that date.")))
    if valid_check(mentor, on) is None:
        problems.append(RuleViolation(
            _l("No valid Punishment Register statement without records on that date.")))
    return problems


def agreement_warning(agreement: Agreement, programme: Programme | None) -> Any:
    """A reminder (not a refusal) when the agreement is shorter than the preferred length."""
    months = programme.agreement_months if programme else 24
    if agreement.starts_on and agreement.ends_on:
        length = (agreement.ends_on.year - agreement.starts_on.year) * 12 + (
            agreement.ends_on.month - agreement.starts_on.month)
        if agreement.ends_on.day < agreement.starts_on.day - 1:
            length -= 1
        if length < months:
            return _l("Shorter than the preferred %(months)d months.", months=months)
    return None


def check_valid_until(check: BackgroundCheck, programme: Programme | None) -> dt.date:
    months = programme.background_check_months if programme else 12
    index = check.checked_on.year * 12 + check.checked_on.month - 1 + months
    year, month = divmod(index, 12)
    day = min(check.checked_on.day, 28)
    return dt.date(year, month + 1, day)


def transition(db: Session, mentor: Mentor, to: MentorStatus, *, actor: Actor, comment: str = "",
               reason: str = "", on: dt.date | None = None) -> MentorStatusChange:
    """Move ``mentor`` along an allowed step, checking what each step needs.

    screened: eligible and a questionnaire score; interviewed: a passed interview;
    certified: a certificate; active: a current signed agreement and a valid background check;
    rejected: a reason. Raises ``RuleViolations``; flushes.
    """
    on = on or today()
    current = MentorStatus(mentor.status)
    problems: list[RuleViolation] = []
    refusal = step_refusal(current, to)
    if refusal is not None:
        problems.append(refusal)
    elif to == M.screened:
        problems += [RuleViolation(m, "programme") for m in unmet_requirements(
            mentor, mentor.programme, on)]
        if mentor.questionnaire_score is None:
            problems.append(RuleViolation(_l("Enter the questionnaire score first."),
                                          "questionnaire_score"))
    elif to == M.interviewed:
        passed = db.scalar(select(Interview.id).where(
            Interview.mentor_id == mentor.id, Interview.decision == Decision.passed).limit(1))
        if passed is None:
            problems.append(RuleViolation(_l("Record a passed interview first.")))
    elif to == M.certified:
        if not db.scalar(select(Certificate.id).where(Certificate.mentor_id == mentor.id).limit(1)):
            problems.append(RuleViolation(_l("Issue the certificate first.")))
    elif to == M.active:
        problems += activation_problems(mentor, on)
    elif to == M.rejected and not reason.strip():
        problems.append(RuleViolation(_l("Give the reason for rejecting the applicant."),
                                      "reason"))
    if problems:
        raise RuleViolations(problems)
    mentor.status = to
    if to == M.rejected:
        mentor.rejection_reason = reason.strip()
    change = MentorStatusChange(mentor=mentor, from_status=current, to_status=to,
                                comment=(reason or comment).strip(),
                                changed_by_id=actor.user_id)
    db.add(change)
    db.flush()
    audit.record(db, actor, f"mentor.{to.value}", mentor,
                 changes={"status": [current.value, to.value]})
    return change


@dataclass
class SupervisionRow:
    mentor: Mentor
    attended: int
    required: int

    @property
    def missed(self) -> bool:
        return self.attended < self.required


def supervision_month(db: Session, provider_id: int, year: int,
                      month: int) -> list[SupervisionRow]:
    """Active mentors of a provider with the supervisions they attended that month, against
    their programme's monthly minimum (one query for the counts)."""
    first, after = month_bounds(dt.date(year, month, 1))
    counts = as_dict(db.execute(
        select(supervision_attendee.c.mentor_id, func.count())
        .join(Supervision, Supervision.id == supervision_attendee.c.supervision_id)
        .where(Supervision.provider_id == provider_id, Supervision.held_on >= first,
               Supervision.held_on < after)
        .group_by(supervision_attendee.c.mentor_id)
    ).all())
    mentors = db.scalars(
        select(Mentor).where(Mentor.provider_id == provider_id, Mentor.status == M.active,
                             Mentor.archived.is_(False))
        .order_by(Mentor.last_name, Mentor.first_name)
    ).all()
    programmes = {p.id: p for p in db.scalars(select(Programme)).all()}
    return [
        SupervisionRow(
            mentor=m, attended=counts.get(m.id, 0),
            required=(programmes[m.programme_id].supervision_per_month or 0)
            if m.programme_id in programmes else 0,
        )
        for m in mentors
    ]


# -- record rules (checked before every flush) ----------------------------------------
@rules.checks(Mentor)
def _mentor(m: Mentor) -> Iterator[RuleViolation]:
    yield from rules.not_in_future(m.birth_date, "birth_date")
    status = str(getattr(m.status, "value", m.status))
    became = sa_inspect(m).attrs["status"].history.added
    if status == "active" and became:
        # Rule 3's first half: nobody is active without a signed agreement and a valid check.
        yield from activation_problems(m, today())
    if status == "rejected" and not (m.rejection_reason or "").strip():
        yield RuleViolation(_l("Give the reason for rejecting the applicant."), "rejection_reason")

    if m.experience_years is not None and m.experience_years < 0:
        yield RuleViolation(_l("Cannot be negative."), "experience_years")
    if m.questionnaire_score is not None and not 0 <= m.questionnaire_score <= 100:
        yield RuleViolation(_l("Enter a score from 0 to 100."), "questionnaire_score")
    for field in ("meetings_per_month", "hours_per_month"):
        if (getattr(m, field) or 0) < 0:
            yield RuleViolation(_l("Cannot be negative."), field)


@rules.checks(TrainingCourse)
def _course(c: TrainingCourse) -> Iterator[RuleViolation]:
    yield from rules.dates_in_order(c.starts_on, c.ends_on, "ends_on")
    if c.sessions is not None and c.sessions < 1:
        yield RuleViolation(_l("Must be at least 1."), "sessions")


@rules.checks(Agreement)
def _agreement(a: Agreement) -> Iterator[RuleViolation]:
    yield from rules.dates_in_order(a.starts_on, a.ends_on, "ends_on")
    if a.signed and a.signed_on is None:
        yield RuleViolation(_l("Enter the date the agreement was signed."), "signed_on")
    yield from rules.not_in_future(a.signed_on, "signed_on")


@rules.normalises(BackgroundCheck)
def _valid_until(b: BackgroundCheck) -> None:
    """A statement without its own end date is valid for the programme's period."""
    if b.checked_on is not None and b.valid_until is None and b.mentor is not None:
        b.valid_until = check_valid_until(b, b.mentor.programme)


@rules.checks(BackgroundCheck)
def _background_check(b: BackgroundCheck) -> Iterator[RuleViolation]:
    yield from rules.not_in_future(b.checked_on, "checked_on")
    yield from rules.dates_in_order(b.checked_on, b.valid_until, "valid_until")


@rules.normalises(Certificate)
def _issuing_provider(c: Certificate) -> None:
    """A certificate is issued by the mentor's provider unless one is named."""
    if c.mentor is not None and c.provider_id is None and c.provider is None:
        c.provider_id = c.mentor.provider_id


@rules.checks(Certificate)
def _certificate(c: Certificate) -> Iterator[RuleViolation]:
    session = object_session(c)
    if session is not None:
        yield from check_certificate(session, c)
