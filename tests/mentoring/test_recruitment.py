"""A recruitment round's candidates against its dates, and the tasks that follow."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, true

from common.actor import Actor
from common.enums import MentorStatus
from mentoring import recruitment, tasks, workdays
from models import RecruitmentRound, User
from tests.conftest import today


def test_candidates_not_moved_on_are_overdue_and_on_the_tasks_page(db: Any,
                                                                    demo_users: Any) -> None:
    autumn = db.session.scalar(select(RecruitmentRound).where(
        RecruitmentRound.slug == "talantu-kalve-rudens"))
    decide_by, rows = recruitment.standing(db.session, autumn, today(), true())
    assert decide_by == workdays.Calendar().add(autumn.training_until, 5)
    late = {row.mentor.status: str(row.late) for row in rows if row.late}
    assert set(late) == {MentorStatus.applicant, MentorStatus.screened,
                         MentorStatus.interviewed, MentorStatus.in_training}
    assert "darba dienas" in late[MentorStatus.in_training] or "working days" in \
        late[MentorStatus.in_training]
    coordinator = Actor.of(db.session.scalar(select(User).where(
        User.email == "talanti@mentori.lv")))
    group = next(g for g in tasks.build(db.session, coordinator, today())
                 if g.key == "recruitment")
    assert [(t.record_id, t.detail) for t in group.tasks] == [(autumn.id, 4)]
    other = Actor.of(db.session.scalar(select(User).where(User.email == "you@mentori.lv")))
    assert next(g for g in tasks.build(db.session, other, today())
                if g.key == "recruitment").total == 0


def test_a_round_on_time_has_nothing_overdue(db: Any, demo_users: Any) -> None:
    spring = db.session.scalar(select(RecruitmentRound).where(
        RecruitmentRound.slug == "talantu-kalve"))
    _, rows = recruitment.standing(db.session, spring, today(), true())
    assert all(row.late is None for row in rows)
    assert spring.is_open(today()) and not spring.is_open(spring.applications_until
                                                          + dt.timedelta(days=1))


def test_a_round_takes_only_its_providers_mentors(db: Any, demo_users: Any) -> None:
    import pytest

    from common.errors import RuleViolation
    from models import Mentor

    spring = db.session.scalar(select(RecruitmentRound).where(
        RecruitmentRound.slug == "talantu-kalve"))
    stranger = db.session.scalar(select(Mentor).where(Mentor.provider_id != spring.provider_id))
    stranger.recruitment_round = spring
    with pytest.raises(RuleViolation, match="another provider|citam"):
        db.session.flush()
    db.session.rollback()
