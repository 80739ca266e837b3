"""Outcomes: questionnaires at a pair's start and end (by the youth, the parent and the
mentor), answered through one-time links, and the change they show.

A link's token is long and random; only its SHA-256 is stored, so the database alone
cannot open a questionnaire. A link opens one questionnaire for one pair, once, until it
expires; a new link for the same respondent replaces the unanswered one."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from common.actor import Actor
from common.enums import GoalArea, Moment, PairStatus, QuestionKind, QuestionTopic, Respondent
from common.errors import RuleViolation, RuleViolations
from common.i18n import _l
from mentoring import audit, rules
from models import Answer, Pair, Programme, Question, Questionnaire, QuestionnaireLink
from models.base import utcnow

TOKEN_BYTES = 32
AREAS = (GoalArea.education, GoalArea.social, GoalArea.daily_life, GoalArea.family,
         GoalArea.leisure, GoalArea.risk)
AREA_TEXT = {
    GoalArea.education: ("Kā tev sokas ar mācībām?", "How are your studies going?"),
    GoalArea.social: ("Cik viegli tev ir sadzīvot un sadarboties ar citiem?",
                      "How easy is it for you to get on and work with others?"),
    GoalArea.daily_life: ("Cik labi tu tiec galā ar ikdienas lietām (dienas režīms, nauda, "
                          "mājas darbi)?", "How well do you manage everyday things (routine, "
                          "money, chores)?"),
    GoalArea.family: ("Kā tev klājas ģimenē?", "How are things in your family?"),
    GoalArea.leisure: ("Cik apmierināts esi ar to, kā pavadi brīvo laiku?",
                       "How happy are you with how you spend your free time?"),
    GoalArea.risk: ("Cik droši tu jūties no atkarību un citiem riskiem?",
                    "How safe do you feel from addictions and other risks?"),
}
PARENT_TEXT = {
    GoalArea.education: ("Kā jūsu bērnam sokas ar mācībām?", "How are your child's studies going?"),
    GoalArea.social: ("Cik viegli jūsu bērnam ir sadzīvot ar citiem?",
                      "How easily does your child get on with others?"),
    GoalArea.daily_life: ("Cik labi jūsu bērns tiek galā ar ikdienas lietām?",
                          "How well does your child manage everyday things?"),
    GoalArea.family: ("Kā jums klājas ģimenē?", "How are things in your family?"),
    GoalArea.leisure: ("Cik jēgpilni jūsu bērns pavada brīvo laiku?",
                       "How meaningfully does your child spend free time?"),
    GoalArea.risk: ("Cik droši jūsu bērns ir no atkarību un citiem riskiem?",
                    "How safe is your child from addictions and other risks?"),
}
BAD_GOOD = ("Ļoti slikti", "Very badly", "Ļoti labi", "Very well")
NOT_AT_ALL = ("Nemaz", "Not at all", "Pilnībā", "Completely")


def _scale(text: tuple[str, str], ends: tuple[str, str, str, str], area: GoalArea | None = None,
           topic: QuestionTopic = QuestionTopic.other) -> dict[str, Any]:
    return {"kind": QuestionKind.scale, "text_lv": text[0], "text_en": text[1],
            "low_lv": ends[0], "low_en": ends[1], "high_lv": ends[2], "high_en": ends[3],
            "area": area, "topic": topic}


def _text(lv: str, en: str) -> dict[str, Any]:
    return {"kind": QuestionKind.text, "text_lv": lv, "text_en": en}


def default_set() -> list[tuple[Moment, Respondent, str, str, list[dict[str, Any]]]]:
    """The questionnaires a programme starts with: written for this service (no licensed
    instrument), the youth's and the parent's view of the goal areas at the start and the
    end, satisfaction at the end, and the mentor's view of the relationship."""
    youth = [_scale(AREA_TEXT[a], BAD_GOOD, a) for a in AREAS]
    parent = [_scale(PARENT_TEXT[a], BAD_GOOD, a) for a in AREAS]
    satisfied = [
        _scale(("Cik apmierināts esi ar savu mentoru?", "How satisfied are you with your mentor?"),
               NOT_AT_ALL, topic=QuestionTopic.satisfaction_mentor),
        _scale(("Cik apmierināts esi ar pakalpojumu kopumā?",
                "How satisfied are you with the service as a whole?"),
               NOT_AT_ALL, topic=QuestionTopic.satisfaction_service),
        _text("Kas bija visnoderīgākais?", "What helped most?"),
    ]
    relationship = [
        _scale(("Cik uzticamas ir jūsu attiecības ar jaunieti?",
                "How trusting is your relationship with the young person?"),
               NOT_AT_ALL, topic=QuestionTopic.relationship),
        _scale(("Cik regulāri un jēgpilni notiek jūsu tikšanās?",
                "How regular and meaningful are your meetings?"),
               NOT_AT_ALL, topic=QuestionTopic.relationship),
        _text("Kas sadarbībā izdevās un kas bija grūti?", "What went well and what was hard?"),
    ]
    return [
        (Moment.start, Respondent.youth, "Jaunieša aptauja sākumā",
         "Youth's questionnaire at the start", youth),
        (Moment.end, Respondent.youth, "Jaunieša aptauja noslēgumā",
         "Youth's questionnaire at the end", [*youth, *satisfied]),
        (Moment.start, Respondent.parent, "Vecāka aptauja sākumā",
         "Parent's questionnaire at the start", parent),
        (Moment.end, Respondent.parent, "Vecāka aptauja noslēgumā",
         "Parent's questionnaire at the end", [*parent, satisfied[1]]),
        (Moment.end, Respondent.mentor, "Mentora aptauja noslēgumā",
         "Mentor's questionnaire at the end", relationship),
    ]


def _defaults(programme: Programme) -> list[Questionnaire]:
    found = []
    for moment, respondent, title_lv, title_en, questions in default_set():
        questionnaire = Questionnaire(programme_id=programme.id, moment=moment,
                                      respondent=respondent, title_lv=title_lv,
                                      title_en=title_en, active=True)
        questionnaire.questions = [Question(position=i, **q) for i, q in enumerate(questions)]
        found.append(questionnaire)
    return found


def questionnaires(db: Session, programme: Programme) -> list[Questionnaire]:
    """The programme's questionnaires; the default set, not yet stored, when it has none
    (reading writes nothing)."""
    found = list(db.scalars(select(Questionnaire).where(
        Questionnaire.programme_id == programme.id)
        .options(joinedload(Questionnaire.questions))).unique())
    return found or _defaults(programme)


def ensure_questionnaires(db: Session, programme: Programme) -> list[Questionnaire]:
    """The programme's questionnaires, the default set added when it has none. Flushes."""
    found = list(db.scalars(select(Questionnaire).where(
        Questionnaire.programme_id == programme.id)))
    if found:
        return found
    found = _defaults(programme)
    try:
        with db.begin_nested():  # a parallel first send may have added them meanwhile
            db.add_all(found)
    except IntegrityError:
        return list(db.scalars(select(Questionnaire).where(
            Questionnaire.programme_id == programme.id)))
    return found


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link(db: Session, pair: Pair, moment: Moment, respondent: Respondent, *,
               actor: Actor, today: dt.date, sent_to: str = "") -> tuple[QuestionnaireLink, str]:
    """A new personal link for ``pair``'s ``respondent`` (an unanswered earlier one is
    replaced) and its token — shown or sent once, never stored. Flushes."""
    if pair.status == PairStatus.proposed or pair.youth.anonymised_on is not None:
        raise RuleViolations([RuleViolation(
            _l("Questionnaires are sent for pairs that have started."))])
    questionnaire = next((q for q in ensure_questionnaires(db, pair.programme)
                          if q.moment == moment and q.respondent == respondent and q.active),
                         None)
    if questionnaire is None:
        raise RuleViolations([RuleViolation(_l("The programme has no such questionnaire."))])
    db.execute(update(QuestionnaireLink).where(
        QuestionnaireLink.pair_id == pair.id,
        QuestionnaireLink.questionnaire_id == questionnaire.id,
        QuestionnaireLink.answered_at.is_(None)).values(withdrawn=True))
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = QuestionnaireLink(
        pair_id=pair.id, questionnaire_id=questionnaire.id, programme_id=pair.programme_id,
        municipality_id=pair.youth.municipality_id, provider_id=pair.provider_id,
        token_hash=digest(token), sent_to=sent_to[:120], sent_on=today,
        expires_on=today + dt.timedelta(days=pair.programme.questionnaire_link_days))
    db.add(link)
    db.flush()
    audit.record(db, actor, "questionnaire.sent", link,
                 changes={"pair": pair.id, "questionnaire": questionnaire.id,
                          "channel": "email" if sent_to else "print"})
    return link, token


def open_link(db: Session, token: str, today: dt.date) -> QuestionnaireLink | None:
    """The link ``token`` opens: not answered, not replaced, not expired (else None)."""
    if not token or len(token) > 100:
        return None
    link = db.scalar(select(QuestionnaireLink).where(
        QuestionnaireLink.token_hash == digest(token))
        .options(joinedload(QuestionnaireLink.questionnaire)
                 .joinedload(Questionnaire.questions)))
    if link is None or link.answered_at is not None or link.withdrawn \
            or link.expires_on < today or link.pair_id is None:
        return None
    return link


def check_values(questions: list[Question], raw: dict[int, str]) -> tuple[
        dict[int, tuple[int | None, str]], list[RuleViolation]]:
    """Each answer read and checked against its question (unanswered ones are allowed)."""
    values: dict[int, tuple[int | None, str]] = {}
    problems = []
    for q in questions:
        given = (raw.get(q.id) or "").strip()
        if not given:
            continue
        if q.kind == QuestionKind.text:
            if len(given) > 500:
                problems.append(RuleViolation(_l("At most 500 characters."), f"q{q.id}"))
            values[q.id] = (None, given[:500])
            continue
        top = 5 if q.kind == QuestionKind.scale else len(q.options("lv"))
        if not (given.isascii() and given.isdigit() and len(given) <= 2) \
                or not 1 <= int(given) <= top:
            problems.append(RuleViolation(_l("Choose one of the answers."), f"q{q.id}"))
            continue
        values[q.id] = (int(given), "")
    return values, problems


def answer(db: Session, link: QuestionnaireLink, raw: dict[int, str], *, actor: Actor) -> None:
    """Store the answers and close the link — once, even when sent twice at the same
    moment. The audit keeps that it was answered, not what. Flushes."""
    values, problems = check_values(link.questionnaire.questions, raw)
    if problems:
        raise RuleViolations(problems)
    claimed = db.execute(update(QuestionnaireLink).where(
        QuestionnaireLink.id == link.id, QuestionnaireLink.answered_at.is_(None),
        QuestionnaireLink.withdrawn.is_(False)).values(answered_at=utcnow()))
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise RuleViolations([RuleViolation(_l("This questionnaire has been answered."))])
    db.add_all([Answer(link_id=link.id, question_id=qid, number=number, text=text)
                for qid, (number, text) in values.items()])
    audit.record(db, actor, "questionnaire.answered", link, changes={"pair": link.pair_id})
    db.flush()


# -- reading the answers -----------------------------------------------------------------
@dataclass
class Side:
    """One questionnaire of a pair as it stands: the link's state and the answers."""

    questionnaire: Questionnaire
    link: QuestionnaireLink | None = None
    answers: dict[int, Answer] = field(default_factory=dict)


@dataclass
class Comparison:
    respondent: Respondent
    start: Side | None
    end: Side | None
    rows: list[tuple[str, Any, Any]]  # question text, start answer, end answer


def pair_outcomes(db: Session, pair: Pair, language: str) -> list[Comparison]:
    """Per respondent, start and end side by side (question text, start, end), with each
    questionnaire's latest link: not sent, sent, expired or answered."""
    links = db.scalars(select(QuestionnaireLink).where(QuestionnaireLink.pair_id == pair.id)
                       .options(joinedload(QuestionnaireLink.answers))
                       .order_by(QuestionnaireLink.id)).unique().all()
    sides: dict[Any, Side] = {q.id or (q.moment, q.respondent): Side(q)
                              for q in questionnaires(db, pair.programme) if q.active}
    for link in links:
        side = sides.get(link.questionnaire_id)
        if side is not None and (side.link is None or side.link.answered_at is None):
            side.link = link
            side.answers = {a.question_id: a for a in link.answers}
    found = []
    for respondent in Respondent:
        start = next((s for s in sides.values() if s.questionnaire.respondent == respondent
                      and s.questionnaire.moment == Moment.start), None)
        end = next((s for s in sides.values() if s.questionnaire.respondent == respondent
                    and s.questionnaire.moment == Moment.end), None)
        if start is None and end is None:
            continue
        rows: list[tuple[str, Any, Any]] = []
        keyed: dict[Any, list[Any]] = {}
        for side, index in ((start, 1), (end, 2)):
            for q in side.questionnaire.questions if side else []:
                # A goal area's question matches its counterpart at the other moment; any
                # other question only itself (or its same-worded twin).
                key = ("area", q.area) if q.area else ("q", q.topic, q.text_lv)
                entry = keyed.setdefault(key, [q.text(language), None, None])
                answered = side.answers.get(q.id) if side else None
                if answered is not None:
                    entry[index] = answered.text or answered.number
        rows = [tuple(v) for v in keyed.values()]
        found.append(Comparison(respondent, start, end, rows))
    return found


def end_answered(db: Session, pair: Pair) -> dict[Respondent, bool]:
    """Whether each respondent's end questionnaire was answered (shown at completion)."""
    answered = set(db.scalars(select(Questionnaire.respondent).join(
        QuestionnaireLink, QuestionnaireLink.questionnaire_id == Questionnaire.id).where(
        QuestionnaireLink.pair_id == pair.id, Questionnaire.moment == Moment.end,
        QuestionnaireLink.answered_at.is_not(None))))
    respondents = set(db.scalars(select(Questionnaire.respondent).where(
        Questionnaire.programme_id == pair.programme_id, Questionnaire.moment == Moment.end,
        Questionnaire.active.is_(True))))
    return {r: r in answered for r in Respondent if r in respondents}


def scope_links(where_pairs: ColumnElement[bool]) -> Any:
    return QuestionnaireLink.pair_id.in_(select(Pair.id).where(where_pairs))


# -- the outcome report ------------------------------------------------------------------
@dataclass
class Change:
    """Start to end for one goal area and respondent, over the pairs that answered both."""

    respondent: Respondent
    area: GoalArea
    answered: int = 0
    start_total: int = 0
    end_total: int = 0
    improved: int = 0

    @property
    def mean_start(self) -> Decimal | None:
        return _mean(self.start_total, self.answered)

    @property
    def mean_end(self) -> Decimal | None:
        return _mean(self.end_total, self.answered)

    @property
    def mean_change(self) -> Decimal | None:
        return _mean(self.end_total - self.start_total, self.answered)

    @property
    def improved_share(self) -> Decimal | None:
        return _mean(100 * self.improved, self.answered, places="0.1")


@dataclass
class Satisfaction:
    """A topic at the end (satisfaction, relationship): each respondent once."""

    respondent: Respondent
    topic: QuestionTopic
    answered: int = 0
    total_mean: Decimal = Decimal(0)  # the sum of each respondent's mean

    @property
    def mean(self) -> Decimal | None:
        if not self.answered:
            return None
        return (self.total_mean / self.answered).quantize(Decimal("0.01"),
                                                          rounding=ROUND_HALF_UP)


@dataclass
class ResponseRate:
    respondent: Respondent
    moment: Moment
    sent: int = 0
    answered: int = 0

    @property
    def share(self) -> Decimal | None:
        return _mean(100 * self.answered, self.sent, places="0.1")


@dataclass
class OutcomeReport:
    changes: list[Change]
    satisfaction: list[Satisfaction]
    responses: list[ResponseRate]


def _mean(total: int | Decimal, count: int, places: str = "0.01") -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def report(db: Session, where: ColumnElement[bool], first: dt.date, last: dt.date) -> OutcomeReport:
    """Outcomes of the links within ``where`` sent from ``first`` to ``last``: per goal area
    and respondent the change from start to end over the pairs that answered both (means,
    share improved), satisfaction at the end, and response rates. Three queries."""
    links = db.execute(
        select(QuestionnaireLink.id, QuestionnaireLink.pair_id, QuestionnaireLink.sent_on,
               QuestionnaireLink.answered_at, QuestionnaireLink.withdrawn,
               Questionnaire.moment, Questionnaire.respondent)
        .join(Questionnaire, Questionnaire.id == QuestionnaireLink.questionnaire_id)
        .where(where)).all()
    responses: dict[tuple[Respondent, Moment], ResponseRate] = {}
    for link in links:
        if link.withdrawn or not first <= link.sent_on <= last:
            continue
        rate = responses.setdefault((link.respondent, link.moment),
                                    ResponseRate(link.respondent, link.moment))
        rate.sent += 1
        rate.answered += link.answered_at is not None
    answered_ids = [link.id for link in links if link.answered_at is not None]
    values = db.execute(
        select(Answer.link_id, Answer.number, Question.area, Question.topic)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.link_id.in_(answered_ids), Answer.number.is_not(None),
               Question.kind == QuestionKind.scale)
        .order_by(Answer.link_id, Answer.id)).all() if answered_ids else []
    by_link = {link.id: link for link in links}
    scores: dict[tuple[Respondent, GoalArea, int], dict[Moment, tuple[dt.date, int]]] = {}
    per_link: dict[tuple[Respondent, QuestionTopic], dict[int, list[int]]] = {}
    for link_id, number, area, topic in values:
        link = by_link[link_id]
        if area is not None and link.pair_id is not None:  # an anonymised pair's: unlinked
            # The first answered link of each moment counts (a re-sent one does not).
            scores.setdefault((link.respondent, area, link.pair_id), {}).setdefault(
                link.moment, (link.sent_on, number))
        elif topic != QuestionTopic.other and link.moment == Moment.end \
                and first <= link.sent_on <= last:
            per_link.setdefault((link.respondent, topic), {}).setdefault(
                link_id, []).append(number)
    satisfaction: dict[tuple[Respondent, QuestionTopic], Satisfaction] = {}
    for (respondent, topic), answers in per_link.items():
        # One respondent counts once, with the mean of their answers on the topic.
        entry = satisfaction[(respondent, topic)] = Satisfaction(respondent, topic)
        entry.answered = len(answers)
        entry.total_mean = sum((Decimal(sum(v)) / len(v) for v in answers.values()),
                               Decimal(0))
    ends_in_period = {(link.respondent, link.pair_id) for link in links
                      if link.moment == Moment.end and link.answered_at is not None
                      and first <= link.sent_on <= last}
    changes: dict[tuple[Respondent, GoalArea], Change] = {}
    for (respondent, area, pair_id), by_moment in scores.items():
        if (respondent, pair_id) not in ends_in_period or Moment.start not in by_moment \
                or Moment.end not in by_moment \
                or by_moment[Moment.start][0] > by_moment[Moment.end][0]:
            continue
        before, after = by_moment[Moment.start][1], by_moment[Moment.end][1]
        change = changes.setdefault((respondent, area), Change(respondent, area))
        change.answered += 1
        change.start_total += before
        change.end_total += after
        change.improved += after > before
    order = {r: i for i, r in enumerate(Respondent)}
    area_order = {a: i for i, a in enumerate(GoalArea)}
    return OutcomeReport(
        changes=sorted(changes.values(), key=lambda c: (order[c.respondent],
                                                         area_order[c.area])),
        satisfaction=sorted(satisfaction.values(), key=lambda s: (order[s.respondent],
                                                                   s.topic.value)),
        responses=sorted(responses.values(), key=lambda r: (order[r.respondent],
                                                             r.moment != Moment.start)))


# -- record rules (checked before every flush) ----------------------------------------
@rules.checks(Question)
def _question(q: Question) -> Iterator[RuleViolation]:
    if q.kind == QuestionKind.choice:
        for name in ("options_lv", "options_en"):
            count = len([line for line in (getattr(q, name) or "").splitlines() if line.strip()])
            if count > 20:
                yield RuleViolation(_l("At most 20 choices."), name)
        if not (q.options_lv or "").strip():
            yield RuleViolation(_l("Write the choices, one a line."), "options_lv")
