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


def test_a_coordinator_puts_a_mentor_they_entered_into_their_own_round(
        app: Any, db: Any, demo_users: Any) -> None:
    from models import Mentor
    from tests.admin_views.test_concurrent_edits import edit_form
    from tests.admin_views.test_hours_views import signed_in

    spring = db.session.scalar(select(RecruitmentRound).where(
        RecruitmentRound.slug == "talantu-kalve"))
    mentor = db.session.scalar(select(Mentor).where(
        Mentor.provider_id == spring.provider_id, Mentor.round_id.is_(None)).order_by(Mentor.id))
    coordinator = signed_in(app, "talanti@mentori.lv")
    url = f"/admin/mentor/edit/?id={mentor.id}"
    page = coordinator.get(url).get_data(as_text=True)
    assert "Mentoru atlase (pavasaris)" in page
    assert signed_in(app, "you@mentori.lv").get(url).status_code == 404
    data = {**edit_form(coordinator, url), "recruitment_round": [str(spring.id)]}
    assert coordinator.post(url, data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Mentor, mentor.id).round_id == spring.id
