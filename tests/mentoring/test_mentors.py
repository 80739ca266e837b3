"""Mentor recruitment: eligibility, lifecycle, certificates, activation, supervision."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select

from common.actor import Actor
from common.clock import today
from common.enums import CheckResult, Decision, Education, InterviewMode, MentorStatus
from common.errors import RuleViolations
from mentoring import mentors
from models import (
    Agreement,
    BackgroundCheck,
    Certificate,
    Interview,
    Mentor,
    Programme,
    Provider,
    Supervision,
    TrainingCourse,
    TrainingSession,
    User,
)

M = MentorStatus


@pytest.fixture()
def ogre(db: Any, demo_users: Any) -> dict[str, Any]:
    provider = db.session.scalar(select(Provider).where(Provider.invoice_prefix == "TK"))
    programme = db.session.scalar(select(Programme).where(Programme.name.like("Ogres%")))
    course = db.session.scalar(select(TrainingCourse).where(TrainingCourse.provider_id == provider.id))
    actor = db.session.scalar(select(User).where(User.email == "talanti@mentori.lv"))
    return {"provider": provider, "programme": programme, "course": course, "actor": actor}


def applicant(db: Any, ogre: dict[str, Any], **overrides: Any) -> Mentor:
    values: dict[str, Any] = {
        "provider": ogre["provider"], "programme": ogre["programme"], "first_name": "Jana",
        "last_name": "Jaunā", "birth_date": today().replace(year=today().year - 30),
        "education": Education.secondary, "questionnaire_score": 70,
    }
    values.update(overrides)
    mentor = Mentor(**values)
    db.session.add(mentor)
    db.session.flush()
    return mentor


@pytest.mark.parametrize(("years", "days", "eligible"), [
    (20, 0, True),  # the 20th birthday
    (20, -1, False),  # the day before
])
def test_minimum_age_boundary(db: Any, ogre: Any, years: int, days: int, eligible: bool) -> None:
    birth = today().replace(year=today().year - years) - dt.timedelta(days=days)
    mentor = applicant(db, ogre, birth_date=birth)
    unmet = mentors.unmet_requirements(mentor, ogre["programme"])
    assert (unmet == []) is eligible


@pytest.mark.parametrize(("education", "eligible"), [
    (Education.basic, False), (Education.secondary, True), (Education.vocational, True),
    (Education.higher, True),
])
def test_secondary_education_required(db: Any, ogre: Any, education: Education,
                                      eligible: bool) -> None:
    mentor = applicant(db, ogre, education=education)
    assert (mentors.unmet_requirements(mentor, ogre["programme"]) == []) is eligible


def prepare(db: Any, ogre: dict[str, Any], mentor: Mentor, target: MentorStatus) -> None:
    """Give ``mentor`` what stepping into ``target`` needs."""
    if target == M.interviewed:
        db.session.add(Interview(mentor=mentor, held_on=today(), mode=InterviewMode.online,
                                 interviewer="L", decision=Decision.passed))
    if target == M.certified:
        for session in db.session.scalars(select(TrainingSession).where(
                TrainingSession.course_id == ogre["course"].id)):
            session.attendees.append(mentor)
        db.session.flush()
        db.session.add(Certificate(mentor=mentor, course=ogre["course"],
                                   provider=ogre["provider"], number=f"T-{mentor.id}",
                                   issued_on=today()))
    if target == M.active:
        db.session.add(Agreement(mentor=mentor, signed=True, signed_on=today(),
                                 starts_on=today(), ends_on=today() + dt.timedelta(days=730)))
        db.session.add(BackgroundCheck(mentor=mentor, checked_on=today(),
                                       result=CheckResult.clear))
    db.session.flush()


# Every allowed step with its evidence, and two refused ones, on a database; the whole
# 8 × 8 table is checked without one in test_transitions.py.
STEPS_ON_A_DATABASE = sorted(
    {(a, b) for a in M for b in mentors.TRANSITIONS[a]}
    | {(M.applicant, M.active), (M.rejected, M.screened)},
    key=lambda step: (list(M).index(step[0]), list(M).index(step[1])))


@pytest.mark.parametrize(("start", "target"), STEPS_ON_A_DATABASE)
def test_every_transition(db: Any, ogre: Any, start: MentorStatus, target: MentorStatus) -> None:
    mentor = applicant(db, ogre)
    prepare(db, ogre, mentor, target)
    if start == M.active and target != M.active:
        prepare(db, ogre, mentor, M.active)  # an active mentor has the papers already
    mentor.status = start
    if start == M.rejected:
        mentor.rejection_reason = "x"
    db.session.flush()
    allowed = target in mentors.TRANSITIONS[start]
    if allowed:
        mentors.transition(db.session, mentor, target, actor=Actor.of(ogre["actor"]), reason="Nepiemērots")
        assert mentor.status == target
        assert mentor.history[-1].to_status == target if mentor.history else True
    else:
        with pytest.raises(RuleViolations):
            mentors.transition(db.session, mentor, target, actor=Actor.of(ogre["actor"]), reason="x")
        assert mentor.status == start


def test_steps_need_their_evidence(db: Any, ogre: Any) -> None:
    mentor = applicant(db, ogre, questionnaire_score=None)
    with pytest.raises(RuleViolations) as caught:
        mentors.transition(db.session, mentor, M.screened, actor=Actor.of(ogre["actor"]))
    assert {v.field for v in caught.value.violations} == {"questionnaire_score"}
    mentor.questionnaire_score = 80
    mentors.transition(db.session, mentor, M.screened, actor=Actor.of(ogre["actor"]))
    with pytest.raises(RuleViolations):  # no passed interview yet
        mentors.transition(db.session, mentor, M.interviewed, actor=Actor.of(ogre["actor"]))
    with pytest.raises(RuleViolations) as caught:
        mentors.transition(db.session, mentor, M.rejected, actor=Actor.of(ogre["actor"]), reason=" ")
    assert {v.field for v in caught.value.violations} == {"reason"}


def test_ineligible_applicant_is_not_screened(db: Any, ogre: Any) -> None:
    mentor = applicant(db, ogre, education=Education.basic)
    with pytest.raises(RuleViolations):
        mentors.transition(db.session, mentor, M.screened, actor=Actor.of(ogre["actor"]))


def test_certificate_needs_the_attendance_share(db: Any, ogre: Any) -> None:
    mentor = applicant(db, ogre)
    sessions = db.session.scalars(select(TrainingSession).where(
        TrainingSession.course_id == ogre["course"].id).order_by(TrainingSession.id)).all()
    required = ogre["programme"].training_attendance_percent  # 80 % of 6 sessions: 5
    attended = [s for i, s in enumerate(sessions) if i < 4]
    for session in attended:
        session.attendees.append(mentor)
    db.session.flush()
    assert mentors.attendance_share(db.session, mentor, ogre["course"]) * 100 < required
    db.session.add(Certificate(mentor=mentor, course=ogre["course"], provider=ogre["provider"],
                               number="T-1", issued_on=today()))
    with pytest.raises(RuleViolations) as caught:
        db.session.flush()
    assert {v.field for v in caught.value.violations} == {"mentor"}
    db.session.rollback()


def test_certificate_number_unique_per_provider(db: Any, ogre: Any) -> None:
    from sqlalchemy.exc import IntegrityError

    existing = db.session.scalar(select(Certificate).where(
        Certificate.provider_id == ogre["provider"].id))
    mentor = applicant(db, ogre)
    for session in db.session.scalars(select(TrainingSession).where(
            TrainingSession.course_id == ogre["course"].id)):
        session.attendees.append(mentor)
    db.session.flush()
    db.session.add(Certificate(mentor=mentor, course=ogre["course"], provider=ogre["provider"],
                               number=existing.number, issued_on=today()))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("problem", ["expired_check", "record_found", "unsigned", "expired_agreement"])
def test_activation_needs_signed_agreement_and_valid_check(db: Any, ogre: Any,
                                                           problem: str) -> None:
    mentor = applicant(db, ogre)
    prepare(db, ogre, mentor, M.active)
    agreement, check = mentor.agreements[0], mentor.background_checks[0]
    if problem == "expired_check":
        check.checked_on = today() - dt.timedelta(days=400)
        check.valid_until = today() - dt.timedelta(days=1)
    if problem == "record_found":
        check.result = CheckResult.record_found
    if problem == "unsigned":
        agreement.signed = False
        agreement.signed_on = None
    if problem == "expired_agreement":
        agreement.starts_on = today() - dt.timedelta(days=800)
        agreement.ends_on = today() - dt.timedelta(days=1)
    mentor.status = M.certified
    db.session.flush()
    with pytest.raises(RuleViolations):
        mentors.transition(db.session, mentor, M.active, actor=Actor.of(ogre["actor"]))
    # Nor can any other path set it directly.
    mentor.status = M.active
    with pytest.raises(RuleViolations):
        db.session.flush()
    db.session.rollback()


def test_background_check_validity_comes_from_the_programme(db: Any, ogre: Any) -> None:
    mentor = applicant(db, ogre)
    check = BackgroundCheck(mentor=mentor, checked_on=dt.date(2026, 1, 31),
                            result=CheckResult.clear)
    db.session.add(check)
    db.session.flush()
    assert check.valid_until == dt.date(2027, 1, 28)  # 12 months, month-end safe


def test_short_agreement_is_a_warning_not_a_refusal(db: Any, ogre: Any) -> None:
    mentor = applicant(db, ogre)
    short = Agreement(mentor=mentor, signed=True, signed_on=today(), starts_on=today(),
                      ends_on=today() + dt.timedelta(days=365))
    db.session.add(short)
    db.session.flush()
    assert mentors.agreement_warning(short, ogre["programme"]) is not None
    long = Agreement(mentor=mentor, signed=False, starts_on=dt.date(2026, 1, 1),
                     ends_on=dt.date(2028, 1, 1))
    assert mentors.agreement_warning(long, ogre["programme"]) is None


def test_supervision_month_with_and_without_attendance(db: Any, ogre: Any) -> None:
    active = db.session.scalars(select(Mentor).where(
        Mentor.provider_id == ogre["provider"].id, Mentor.status == M.active)).all()
    month = dt.date(2030, 3, 1)
    rows = mentors.supervision_month(db.session, ogre["provider"].id, 2030, 3)
    assert {r.mentor.id for r in rows} == {m.id for m in active}
    assert all(r.missed and r.attended == 0 and r.required == 1 for r in rows)
    db.session.add(Supervision(provider=ogre["provider"], held_on=month.replace(day=20),
                               supervisor="Sigita Batraga", attendees=active[:2]))
    db.session.flush()
    rows = {r.mentor.id: r for r in mentors.supervision_month(db.session, ogre["provider"].id,
                                                              2030, 3)}
    assert not rows[active[0].id].missed and rows[active[0].id].attended == 1
    assert rows[active[2].id].missed


def test_demo_ogre_mentors_cover_every_stage(db: Any, ogre: Any) -> None:
    stages = set(db.session.scalars(select(Mentor.status).where(
        Mentor.provider_id == ogre["provider"].id)))
    assert stages == set(M)
    assert len(db.session.scalars(select(Mentor.id).where(
        Mentor.provider_id == ogre["provider"].id)).all()) == 14
