"""Outcome questionnaires (issue 25): one-time links, the change they show, and the
funder pack's small-cell suppression."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete, select

from common.actor import Actor
from common.enums import GoalArea, Moment, PairStatus, QuestionKind, Respondent
from common.errors import RuleViolation
from mentoring import funder_pack, outcomes, reports
from models import Pair, QuestionnaireLink
from tests.conftest import today

SYSTEM = Actor.system()


def fresh_pairs(db: Any, count: int) -> list[Pair]:
    """Active Liepāja pairs with no questionnaire links (the demo's removed)."""
    found = db.session.scalars(select(Pair).where(Pair.status == PairStatus.active)
                               .order_by(Pair.id)).all()
    programme = found[0].programme_id
    chosen = [p for p in found if p.programme_id == programme][:count]
    db.session.execute(delete(QuestionnaireLink).where(
        QuestionnaireLink.programme_id == programme))
    db.session.flush()
    return chosen


def answer_all(db: Any, pair: Pair, moment: Moment, respondent: Respondent,
               score: int | dict[GoalArea, int], day: dt.date) -> QuestionnaireLink:
    link, token = outcomes.issue_link(db.session, pair, moment, respondent, actor=SYSTEM,
                                      today=day)
    opened = outcomes.open_link(db.session, token, day)
    assert opened is not None and opened.id == link.id
    raw = {}
    for q in link.questionnaire.questions:
        if q.kind == QuestionKind.scale:
            value = score.get(q.area, 3) if isinstance(score, dict) else score
            raw[q.id] = str(value)
    outcomes.answer(db.session, link, raw, actor=SYSTEM)
    return link


def test_a_link_works_once_expires_and_reveals_nothing_when_wrong(db: Any,
                                                                  demo_users: Any) -> None:
    first, second = fresh_pairs(db, 2)
    day = today()
    link, token = outcomes.issue_link(db.session, first, Moment.start, Respondent.youth,
                                      actor=SYSTEM, today=day)
    assert len(token) >= 40 and link.token_hash == outcomes.digest(token)
    assert token not in str(db.session.scalars(select(QuestionnaireLink.token_hash)).all())
    assert outcomes.open_link(db.session, token + "x", day) is None
    assert outcomes.open_link(db.session, "", day) is None
    days = first.programme.questionnaire_link_days
    assert outcomes.open_link(db.session, token, day + dt.timedelta(days=days)) is not None
    assert outcomes.open_link(db.session, token, day + dt.timedelta(days=days + 1)) is None
    # A link opens its own pair's questionnaire: answers to another's questions are ignored.
    other, other_token = outcomes.issue_link(db.session, second, Moment.end, Respondent.parent,
                                             actor=SYSTEM, today=day)
    foreign = {q.id: "5" for q in other.questionnaire.questions}
    outcomes.answer(db.session, link, foreign, actor=SYSTEM)
    assert link.answers == [] or {a.question_id for a in link.answers} <= {
        q.id for q in link.questionnaire.questions}
    assert outcomes.open_link(db.session, token, day) is None  # used
    with pytest.raises(RuleViolation):
        outcomes.answer(db.session, link, {}, actor=SYSTEM)
    # A new link replaces an unanswered one.
    _newer, newer_token = outcomes.issue_link(db.session, second, Moment.end,
                                              Respondent.parent, actor=SYSTEM, today=day)
    assert outcomes.open_link(db.session, other_token, day) is None
    assert outcomes.open_link(db.session, newer_token, day) is not None


def test_answers_out_of_range_are_refused(db: Any, demo_users: Any) -> None:
    (pair,) = fresh_pairs(db, 1)
    link, token = outcomes.issue_link(db.session, pair, Moment.start, Respondent.youth,
                                      actor=SYSTEM, today=today())
    question = link.questionnaire.questions[0]
    for bad in ("0", "6", "x", "-1", "99999999999999999999"):
        with pytest.raises(RuleViolation):
            outcomes.answer(db.session, link, {question.id: bad}, actor=SYSTEM)
    assert outcomes.open_link(db.session, token, today()) is not None  # still open


def test_the_outcome_report_matches_a_hand_computation(db: Any, demo_users: Any) -> None:
    pairs = fresh_pairs(db, 3)
    start, end = dt.date(2026, 3, 2), dt.date(2026, 9, 1)
    # Studies: 2 → 4, 3 → 3, 1 → 2; the third pair's parent never answers.
    for pair, before, after in zip(pairs, (2, 3, 1), (4, 3, 2), strict=True):
        answer_all(db, pair, Moment.start, Respondent.youth, {GoalArea.education: before},
                   start)
        answer_all(db, pair, Moment.end, Respondent.youth, {GoalArea.education: after}, end)
    answer_all(db, pairs[0], Moment.start, Respondent.parent, 2, start)
    outcomes.issue_link(db.session, pairs[0], Moment.end, Respondent.parent, actor=SYSTEM,
                        today=end)  # sent, not answered
    programme = pairs[0].programme_id
    found = outcomes.report(db.session, QuestionnaireLink.programme_id == programme,
                            dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    studies = next(c for c in found.changes
                   if c.respondent == Respondent.youth and c.area == GoalArea.education)
    assert (studies.answered, studies.mean_start, studies.mean_end, studies.mean_change,
            studies.improved_share) == (3, Decimal("2.00"), Decimal("3.00"), Decimal("1.00"),
                                        Decimal("66.7"))
    family = next(c for c in found.changes
                  if c.respondent == Respondent.youth and c.area == GoalArea.family)
    assert (family.answered, family.mean_change, family.improved_share) == (
        3, Decimal("0.00"), Decimal("0.0"))
    assert not [c for c in found.changes if c.respondent == Respondent.parent]
    rates = {(r.respondent, r.moment): (r.sent, r.answered, r.share) for r in found.responses}
    assert rates[(Respondent.youth, Moment.start)] == (3, 3, Decimal("100.0"))
    assert rates[(Respondent.parent, Moment.end)] == (1, 0, Decimal("0.0"))
    satisfaction = {s.topic.value: (s.answered, s.mean) for s in found.satisfaction}
    assert satisfaction["satisfaction_mentor"] == (3, Decimal("3.00"))
    # A pair's second link for a moment does not count again, nor does a start after the end.
    again = answer_all(db, pairs[0], Moment.end, Respondent.youth, {GoalArea.education: 1}, end)
    assert again.answered_at is not None
    recount = outcomes.report(db.session, QuestionnaireLink.programme_id == programme,
                              dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert next(c for c in recount.changes if c.respondent == Respondent.youth
                and c.area == GoalArea.education).mean_end == Decimal("3.00")
    # The period counts the end questionnaires sent in it.
    earlier = outcomes.report(db.session, QuestionnaireLink.programme_id == programme,
                              dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert earlier.changes == []


def table(rows: list[list[Any]], total: list[Any] | None, kinds: list[str],
          **hints: Any) -> reports.Table:
    return reports.Table(headers=[str(i) for i in range(len(kinds))], kinds=kinds,
                         rows=rows, total=total, **hints)


@pytest.mark.parametrize(("given", "expected"), [
    # One small cell in a column with a total: the next smallest is hidden too.
    (table([["a", 10], ["b", 3], ["c", 7]], ["T", 20], ["text", "count"]),
     [["a", 10], ["b", "<5"], ["c", "<5"]]),
    # Two small cells: neither can be worked out; zeros stay.
    (table([["a", 10], ["b", 3], ["c", 2], ["d", 0]], ["T", 15], ["text", "count"]),
     [["a", 10], ["b", "<5"], ["c", "<5"], ["d", 0]]),
    # Alone in its group but for zeros: the group's total is hidden instead.
    (table([["Age", "13–15", 4], ["Age", "16–17", 0], ["Gender", "f", 2], ["Gender", "m", 2]],
           ["T", "", 4], ["text", "text", "count"], grouped=True),
     [["Age", "13–15", "<5"], ["Age", "16–17", 0], ["Gender", "f", "<5"],
      ["Gender", "m", "<5"]]),
    # A row total gives away a single hidden cell of its row.
    (table([["x", 2, 8, 10]], None, ["text", "count", "count", "count"], row_total=3),
     [["x", "<5", "<5", 10]]),
    # Means over fewer than five people are hidden with them.
    (table([["y", 3, Decimal("2.5")], ["z", 9, Decimal("3.1")]], None,
           ["text", "count", "number"], people=1),
     [["y", "<5", "<5"], ["z", 9, Decimal("3.1")]]),
])
def test_small_cells_are_suppressed_also_against_subtraction(given: reports.Table,
                                                              expected: list[list[Any]]) -> None:
    assert funder_pack.suppress(given).rows == expected


def test_a_total_is_hidden_when_it_would_give_a_cell_away() -> None:
    found = funder_pack.suppress(table([["a", 4], ["b", 0]], ["T", 4], ["text", "count"]))
    assert found.rows == [["a", "<5"], ["b", 0]] and found.total == ["T", "<5"]


def test_no_table_of_the_pack_shows_fewer_than_five_people(db: Any, demo_users: Any) -> None:
    admin = Actor.system()
    filters = reports.Filters(start=dt.date(today().year - 1, 1, 1), end=today())
    sections = funder_pack.build(db.session, admin, filters)
    assert [s.title for s in sections] and len(sections) == len(funder_pack.SECTIONS)
    hidden = 0
    for section in sections:
        t = section.table
        for row in [*t.rows, *([t.total] if t.total else [])]:
            for value, kind in zip(row, t.kinds, strict=True):
                if kind == "count":
                    assert value == "<5" or value == "" or value == 0 or value >= 5, (
                        section.title, row)
                    hidden += value == "<5"
    assert hidden > 0  # the demo has small groups, and they are hidden


def test_subject_access_and_anonymisation_cover_the_answers(db: Any, demo_users: Any) -> None:
    from mentoring import retention, subject_access
    from models import Answer

    (pair,) = fresh_pairs(db, 1)
    link = answer_all(db, pair, Moment.end, Respondent.youth, 4, today())
    text_question = next(q for q in link.questionnaire.questions if q.kind == QuestionKind.text)
    db.session.add(Answer(link_id=link.id, question_id=text_question.id,
                          text="Mans mentors Jānis palīdzēja"))
    db.session.flush()
    export = subject_access.collect(db.session, pair.youth)
    assert "questionnaire_link" in export["tables"] and "answer" in export["tables"]
    assert any(row["text"] == "Mans mentors Jānis palīdzēja"
               for row in export["tables"]["answer"])
    retention.anonymise(db.session, pair.youth_id, actor=SYSTEM, today=today())
    kept = db.session.get(QuestionnaireLink, link.id)
    assert kept.pair_id is None and kept.programme_id == pair.programme_id
    texts = db.session.scalars(select(Answer.text).where(Answer.link_id == link.id)).all()
    assert "Mans mentors Jānis palīdzēja" not in texts
    numbers = db.session.scalars(select(Answer.number).where(
        Answer.link_id == link.id, Answer.number.is_not(None))).all()
    assert numbers and set(numbers) == {4}
    found = outcomes.report(db.session, QuestionnaireLink.id == link.id, today(), today())
    assert found.satisfaction and found.changes == []  # a figure, tied to no one


def test_unanswered_links_are_the_coordinators_task_and_reminder(db: Any,
                                                                  demo_users: Any) -> None:
    from mentoring import tasks
    from models import User

    (pair,) = fresh_pairs(db, 1)
    outcomes.issue_link(db.session, pair, Moment.start, Respondent.parent, actor=SYSTEM,
                        today=today() - dt.timedelta(days=6))
    outcomes.issue_link(db.session, pair, Moment.start, Respondent.youth, actor=SYSTEM,
                        today=today() - dt.timedelta(days=2))  # too recent to remind
    coordinator = db.session.scalar(select(User).where(
        User.provider_id == pair.provider_id, User.role == "provider").order_by(User.id))
    group = next(g for g in tasks.build(db.session, Actor.of(coordinator), today())
                 if g.key == "questionnaires")
    assert [t.record_id for t in group.tasks] == [pair.id]
    assert group.tasks[0].label == pair.youth.case_number
