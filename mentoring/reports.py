"""Standard reports for the people who run and fund the service: each a few SQL aggregates
within the reader's scope, narrowed by period, municipality, provider and programme.

Reports hold counts and sums only — no names, no personal codes — so their exports carry no
personal data beyond what the role may list anyway.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, case, distinct, extract, func, literal, select, true
from sqlalchemy.orm import Session

from common.actor import Actor
from common.enums import (
    Achievement,
    EntryStatus,
    Gender,
    GoalArea,
    InvoiceStatus,
    PairStatus,
    ReferralSource,
    ReferralStatus,
)
from common.i18n import _, _l
from mentoring import access
from mentoring import outcomes as outcome_figures
from mentoring.aggregates import age_years, as_dict
from models import (
    Agreement,
    Answer,
    Certificate,
    ClosureReason,
    EntryMonth,
    Goal,
    Invoice,
    Locality,
    Mentor,
    Pair,
    Provider,
    QuestionnaireLink,
    Referral,
    ServiceEntry,
    Supervision,
    TrainingSession,
    Youth,
)
from models.mentor import session_attendee, supervision_attendee

AGE_BANDS = ((13, 15), (16, 18), (19, 21), (22, 25))


@dataclass
class Filters:
    start: dt.date
    end: dt.date
    municipality_id: int | None = None
    provider_id: int | None = None
    programme_id: int | None = None


@dataclass
class Table:
    headers: list[str]
    #: per column: ``text``, ``count``, ``minutes`` or ``money`` — how to show and export it
    kinds: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    total: list[Any] | None = None
    #: rows fall in groups by their first column, each group adding up to the total (a
    #: breakdown of the same people by age, gender …): small-cell suppression follows them
    grouped: bool = False
    #: the count column every row's count columns must not reveal when one is hidden: a row
    #: of counts of different people (``None``: the row's counts are independent)
    row_total: int | None = None
    #: a column counting the people a row's other figures (means, shares) are computed from
    people: int | None = None
    #: ``number``: a mean; ``share``: a percentage of ``people`` (both hidden with them)


@dataclass
class Report:
    key: str
    title: Any
    needs: type  # the model the role must be able to list to see this report
    build: Callable[[Session, Any, Filters], Table]


def _served_pairs(actor: Actor, f: Filters) -> Any:
    """Pairs that ran on some day of the period, in scope and filters."""
    return and_(
        access.row_filter(actor, Pair), Pair.status != PairStatus.proposed,
        Pair.starts_on <= f.end, func.coalesce(Pair.ended_on, Pair.planned_end_on) >= f.start,
        Youth.municipality_id == f.municipality_id if f.municipality_id else true(),
        Pair.provider_id == f.provider_id if f.provider_id else true(),
        Pair.programme_id == f.programme_id if f.programme_id else true(),
    )


def youths_served(db: Session, actor: Actor, f: Filters) -> Table:
    """Distinct youths with a pair in the period by age band (age on the period's first day),
    gender, locality and source of their accepted referral."""
    served = (select(distinct(Pair.youth_id)).join(Youth, Youth.id == Pair.youth_id)
              .where(_served_pairs(actor, f)))
    age = age_years(db, Youth.birth_date, literal(f.start))
    band = case(*[(age.between(low, high), f"{low}–{high}") for low, high in AGE_BANDS],
                else_="other")
    youths = select(func.count(distinct(Youth.id))).where(Youth.id.in_(served))
    table = Table(headers=[_("Breakdown"), _("Group"), _("Youths")],
                  kinds=["text", "text", "count"])
    by_band = as_dict(db.execute(select(band, func.count(distinct(Youth.id)))
                              .where(Youth.id.in_(served)).group_by(band)).all())
    for low, high in AGE_BANDS:
        table.rows.append([_("Age"), f"{low}–{high}", int(by_band.get(f"{low}–{high}", 0))])
    if by_band.get("other"):
        table.rows.append([_("Age"), _("other"), int(by_band["other"])])
    by_gender = as_dict(db.execute(select(Youth.gender, func.count()).where(Youth.id.in_(served))
                                .group_by(Youth.gender)).all())
    table.rows += [[_("Gender"), g.label, int(by_gender[g])] for g in Gender if by_gender.get(g)]
    by_place = db.execute(
        select(func.coalesce(Locality.name, ""), func.count())
        .select_from(Youth).outerjoin(Locality, Locality.id == Youth.locality_id)
        .where(Youth.id.in_(served)).group_by(Locality.name).order_by(Locality.name)).all()
    table.rows += [[_("Locality"), name or _("not specified"), int(n)] for name, n in by_place]
    by_source = as_dict(db.execute(
        select(Referral.source, func.count(distinct(Referral.youth_id)))
        .where(Referral.youth_id.in_(served), Referral.status == ReferralStatus.accepted)
        .group_by(Referral.source)).all())
    table.rows += [[_("Source of referral"), s.label, int(by_source[s])]
                   for s in ReferralSource if by_source.get(s)]
    table.total = [_("Total"), "", int(db.scalar(youths) or 0)]
    table.grouped = True
    return table


def outcomes(db: Session, actor: Actor, f: Filters) -> Table:
    """Goals of the pairs that ended in the period, by area and how far they were achieved."""
    ended = and_(_served_pairs(actor, f),
                 Pair.status.in_([PairStatus.completed, PairStatus.ended_early]),
                 Pair.ended_on >= f.start, Pair.ended_on <= f.end)
    columns = [func.count().filter(Goal.achievement == a) for a in Achievement]
    rows = db.execute(
        select(Goal.area, *columns, func.count().filter(Goal.achievement.is_(None)),
               func.count())
        .join(Pair, Pair.id == Goal.pair_id).join(Youth, Youth.id == Pair.youth_id)
        .where(ended).group_by(Goal.area)).all()
    table = Table(headers=[_("Area"), *[a.label for a in Achievement], _("Not evaluated"),
                           _("Goals")], kinds=["text"] + ["count"] * (len(Achievement) + 2))
    by_area = {row[0]: [int(v) for v in row[1:]] for row in rows}
    table.rows = [[area.label, *by_area[area]] for area in GoalArea if area in by_area]
    table.total = [_("Total"), *[sum(row[i] for row in by_area.values())
                                 for i in range(len(Achievement) + 2)]]
    table.row_total = len(Achievement) + 2
    return table


def pairs_started_and_ended(db: Session, actor: Actor, f: Filters) -> Table:
    """Pairs started in the period, completed in it, ended early in it and why."""
    served = _served_pairs(actor, f)
    base = select(func.count(distinct(Pair.id))).join(Youth, Youth.id == Pair.youth_id)
    started = db.scalar(base.where(served, Pair.starts_on >= f.start, Pair.starts_on <= f.end))
    ended = and_(served, Pair.ended_on >= f.start, Pair.ended_on <= f.end)
    completed = db.scalar(base.where(ended, Pair.status == PairStatus.completed))
    early = db.execute(
        select(func.coalesce(ClosureReason.name_lv, ""), func.count(distinct(Pair.id)))
        .select_from(Pair).join(Youth, Youth.id == Pair.youth_id)
        .outerjoin(ClosureReason, ClosureReason.id == Pair.closure_reason_id)
        .where(ended, Pair.status == PairStatus.ended_early)
        .group_by(ClosureReason.name_lv).order_by(ClosureReason.name_lv)).all()
    table = Table(headers=[_("Pairs"), _("Reason"), _("Number")],
                  kinds=["text", "text", "count"])
    table.rows = [[_("Started"), "", int(started or 0)],
                  [_("Completed"), "", int(completed or 0)],
                  *[[_("Ended early"), reason or _("not specified"), int(n)]
                    for reason, n in early]]
    table.grouped = True
    return table


def hours_and_amounts(db: Session, actor: Actor, f: Filters) -> Table:
    """Per provider and calendar month (the period widened to whole months): hours logged
    (not rejected), of them approved, and the amount invoiced for that month (credit notes
    subtract) — from the per-month totals the database keeps."""
    first_month, last_month = f.start.replace(day=1), f.end.replace(day=1)
    hours = db.execute(
        select(Provider.name, EntryMonth.month, func.sum(EntryMonth.minutes),
               func.coalesce(func.sum(EntryMonth.minutes).filter(
                   EntryMonth.status.in_([EntryStatus.approved, EntryStatus.invoiced])), 0))
        .join(Pair, Pair.id == EntryMonth.pair_id).join(Youth, Youth.id == Pair.youth_id)
        .join(Provider, Provider.id == Pair.provider_id)
        .where(access.row_filter(actor, Pair), EntryMonth.status != EntryStatus.rejected,
               EntryMonth.month >= first_month, EntryMonth.month <= last_month,
               Youth.municipality_id == f.municipality_id if f.municipality_id else true(),
               Pair.provider_id == f.provider_id if f.provider_id else true(),
               Pair.programme_id == f.programme_id if f.programme_id else true())
        .group_by(Provider.name, EntryMonth.month)).all()
    months = [(first_month.year, first_month.month), (last_month.year, last_month.month)]
    period = [Invoice.year * 100 + Invoice.month >= months[0][0] * 100 + months[0][1],
              Invoice.year * 100 + Invoice.month <= months[-1][0] * 100 + months[-1][1]]
    amounts = db.execute(
        select(Provider.name, Invoice.year, Invoice.month, func.sum(Invoice.total_amount))
        .join(Provider, Provider.id == Invoice.provider_id)
        .where(access.row_filter(actor, Invoice) if access.can(actor, Invoice, access.LIST)
               else literal(False), Invoice.status != InvoiceStatus.draft, *period,
               Invoice.municipality_id == f.municipality_id if f.municipality_id else true(),
               Invoice.provider_id == f.provider_id if f.provider_id else true(),
               Invoice.contract.has(programme_id=f.programme_id) if f.programme_id else true())
        .group_by(Provider.name, Invoice.year, Invoice.month)).all()
    merged: dict[tuple[str, int, int], list[Any]] = {}
    for name, month, logged, approved in hours:
        merged[(name, month.year, month.month)] = [int(logged), int(approved), Decimal("0.00")]
    for name, y, m, total in amounts:
        merged.setdefault((name, int(y), int(m)), [0, 0, Decimal("0.00")])[2] = Decimal(total)
    table = Table(headers=[_("Provider"), _("Month"), _("Hours"), _("Approved hours"),
                           _("Invoiced amount")],
                  kinds=["text", "text", "minutes", "minutes", "money"])
    for (name, y, m), (logged, approved, amount) in sorted(merged.items()):
        table.rows.append([name, f"{m:02d}.{y:04d}", logged, approved, amount])
    table.total = [_("Total"), "", sum(r[2] for r in table.rows), sum(r[3] for r in table.rows),
                   sum((r[4] for r in table.rows), Decimal("0.00"))]
    return table


def mentors(db: Session, actor: Actor, f: Filters) -> Table:
    """Per provider: mentors recruited in the period (their first signed cooperation
    agreement starts in it), who attended training in it, were certified in it, and mentors
    with a pair running in it."""
    scope = and_(access.row_filter(actor, Mentor),
                 Mentor.provider_id == f.provider_id if f.provider_id else true(),
                 Mentor.programme_id == f.programme_id if f.programme_id else true())
    first_agreement = (select(Agreement.mentor_id, func.min(Agreement.starts_on).label("on"))
                       .where(Agreement.signed.is_(True)).group_by(Agreement.mentor_id)
                       .subquery())
    applied = as_dict(db.execute(
        select(Mentor.provider_id, func.count(distinct(Mentor.id)))
        .join(first_agreement, first_agreement.c.mentor_id == Mentor.id)
        .where(scope, first_agreement.c.on >= f.start, first_agreement.c.on <= f.end)
        .group_by(Mentor.provider_id)).all())
    trained = as_dict(db.execute(
        select(Mentor.provider_id, func.count(distinct(Mentor.id)))
        .join(session_attendee, session_attendee.c.mentor_id == Mentor.id)
        .join(TrainingSession, TrainingSession.id == session_attendee.c.session_id)
        .where(scope, TrainingSession.held_on >= f.start, TrainingSession.held_on <= f.end)
        .group_by(Mentor.provider_id)).all())
    certified = as_dict(db.execute(
        select(Mentor.provider_id, func.count(distinct(Mentor.id)))
        .join(Certificate, Certificate.mentor_id == Mentor.id)
        .where(scope, Certificate.issued_on >= f.start, Certificate.issued_on <= f.end)
        .group_by(Mentor.provider_id)).all())
    active = as_dict(db.execute(
        select(Mentor.provider_id, func.count(distinct(Mentor.id)))
        .join(Pair, Pair.mentor_id == Mentor.id).join(Youth, Youth.id == Pair.youth_id)
        .where(scope, _served_pairs(actor, f)).group_by(Mentor.provider_id)).all())
    names = as_dict(db.execute(select(Provider.id, Provider.name).where(
        Provider.id.in_(set(applied) | set(trained) | set(certified) | set(active)))).all())
    table = Table(headers=[_("Provider"), _("Recruited"), _("Trained"), _("Certified"),
                           _("Mentoring")], kinds=["text", "count", "count", "count", "count"])
    for provider_id, name in sorted(names.items(), key=lambda item: item[1]):
        table.rows.append([name, int(applied.get(provider_id, 0)),
                           int(trained.get(provider_id, 0)),
                           int(certified.get(provider_id, 0)), int(active.get(provider_id, 0))])
    table.total = [_("Total"), *[sum(r[i] for r in table.rows) for i in (1, 2, 3, 4)]]
    return table


def supervision(db: Session, actor: Actor, f: Filters) -> Table:
    """Per provider and month: supervision sessions held, attendances and mentors reached."""
    year, month = extract("year", Supervision.held_on), extract("month", Supervision.held_on)
    attendance = (select(supervision_attendee.c.supervision_id,
                         func.count().label("n")).group_by(supervision_attendee.c.supervision_id)
                  .subquery())
    rows = db.execute(
        select(Provider.name, year, month, func.count(Supervision.id),
               func.coalesce(func.sum(attendance.c.n), 0))
        .join(Provider, Provider.id == Supervision.provider_id)
        .outerjoin(attendance, attendance.c.supervision_id == Supervision.id)
        .where(access.row_filter(actor, Supervision),
               Supervision.held_on >= f.start, Supervision.held_on <= f.end,
               Supervision.provider_id == f.provider_id if f.provider_id else true())
        .group_by(Provider.name, year, month).order_by(Provider.name, year, month)).all()
    table = Table(headers=[_("Provider"), _("Month"), _("Supervisions"), _("Attendances")],
                  kinds=["text", "text", "count", "count"])
    table.rows = [[name, f"{int(m):02d}.{int(y):04d}", int(n), int(a)]
                  for name, y, m, n, a in rows]
    table.total = [_("Total"), "", sum(r[2] for r in table.rows), sum(r[3] for r in table.rows)]
    return table


def _links(actor: Actor, f: Filters) -> Any:
    return and_(access.row_filter(actor, QuestionnaireLink),
                QuestionnaireLink.municipality_id == f.municipality_id
                if f.municipality_id else true(),
                QuestionnaireLink.provider_id == f.provider_id if f.provider_id else true(),
                QuestionnaireLink.programme_id == f.programme_id if f.programme_id else true())


def questionnaire_change(db: Session, actor: Actor, f: Filters) -> Table:
    """Per respondent and goal area: the pairs whose end questionnaire was sent in the
    period and who answered at the start and the end; mean at each, the change and the
    share who improved (1–5 scales)."""
    found = outcome_figures.report(db, _links(actor, f), f.start, f.end)
    table = Table(headers=[_("Respondent"), _("Area"), _("Answered at start and end"),
                           _("Mean at start"), _("Mean at end"), _("Change"),
                           _("Improved, %")],
                  kinds=["text", "text", "count", "number", "number", "number", "share"],
                  people=2)
    table.rows = [[c.respondent.label, c.area.label, c.answered, c.mean_start, c.mean_end,
                   c.mean_change, c.improved_share] for c in found.changes]
    return table


def questionnaire_responses(db: Session, actor: Actor, f: Filters) -> Table:
    """Links sent in the period, per respondent and moment: answered, not answered, sent."""
    found = outcome_figures.report(db, _links(actor, f), f.start, f.end)
    table = Table(headers=[_("Respondent"), _("When"), _("Answered"), _("Not answered"),
                           _("Sent"), _("Answered, %")],
                  kinds=["text", "text", "count", "count", "count", "share"], row_total=4,
                  people=4)
    table.rows = [[r.respondent.label, r.moment.label, r.answered, r.sent - r.answered,
                   r.sent, r.share] for r in found.responses]
    return table


def questionnaire_satisfaction(db: Session, actor: Actor, f: Filters) -> Table:
    """At the end: each respondent's mean on satisfaction and relationship questions (1–5),
    averaged over the respondents."""
    found = outcome_figures.report(db, _links(actor, f), f.start, f.end)
    table = Table(headers=[_("Respondent"), _("Measures"), _("Answered"), _("Mean")],
                  kinds=["text", "text", "count", "number"], people=2)
    table.rows = [[s.respondent.label, s.topic.label, s.answered, s.mean]
                  for s in found.satisfaction]
    return table


REPORTS = {
    report.key: report for report in (
        Report("youths", _l("Youths served"), Pair, youths_served),
        Report("pairs", _l("Pairs started, completed and ended early"), Pair,
               pairs_started_and_ended),
        Report("outcomes", _l("Outcomes: goals by area"), Goal, outcomes),
        Report("change", _l("Outcomes: change from start to end (questionnaires)"), Answer,
               questionnaire_change),
        Report("responses", _l("Questionnaires: responses"), Answer,
               questionnaire_responses),
        Report("satisfaction", _l("Questionnaires: satisfaction and relationship"), Answer,
               questionnaire_satisfaction),
        Report("hours", _l("Hours and amounts by provider and month"), ServiceEntry,
               hours_and_amounts),
        Report("mentors", _l("Mentors trained, certified and mentoring"), Mentor, mentors),
        Report("supervision", _l("Supervision held and attendance"), Supervision, supervision),
    )
}


def available(actor: Actor) -> list[Report]:
    return [r for r in REPORTS.values() if access.can(actor, r.needs, access.LIST)]

