"""The figures of the admin home page, each a SQL aggregate within the reader's scope.

Every figure is filtered by ``access.row_filter`` for the model it counts, so a social
worker sees their municipality's service, a coordinator their provider's, a mentor their
own pairs; a figure about a model the role may not list is left out (``None``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import True_

from common.actor import Actor
from common.enums import (
    EntryStatus,
    InvoiceStatus,
    MentorStatus,
    PairStatus,
    ReferralStatus,
)
from common.months import month_bounds
from mentoring import access
from mentoring.aggregates import as_dict, first_and_total, median_days
from models import (
    Budget,
    Contract,
    EntryMonth,
    Goal,
    Invoice,
    MeetingMonth,
    Mentor,
    Pair,
    Programme,
    Referral,
    ServiceEntry,
    Supervision,
    Youth,
)
from models.mentor import supervision_attendee

OPEN = (ReferralStatus.new, ReferralStatus.in_review)
PIPELINE = (MentorStatus.applicant, MentorStatus.screened, MentorStatus.interviewed,
            MentorStatus.in_training, MentorStatus.certified, MentorStatus.active)
GOALS_WITHIN_DAYS = 14
ENDING_WITHIN_DAYS = 30
LISTED = 10  # rows shown per compliance list; the count covers all


@dataclass
class Listed:
    """A compliance list: how many in all, and the first rows (id, label)."""

    total: int = 0
    rows: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class BudgetChart:
    programme: str
    budget: Decimal
    cumulative: list[Decimal]  # invoiced by the end of each month so far this year


@dataclass
class Dashboard:
    today: dt.date
    referrals_by_status: dict[ReferralStatus, int] | None = None
    oldest_waiting: list[tuple[int, str, dt.date]] | None = None
    median_days_to_decision: float | None = None
    median_days_to_start: float | None = None
    active_pairs: int = 0
    hours_by_month: list[tuple[dt.date, int]] = field(default_factory=list)
    budgets: list[BudgetChart] | None = None
    pipeline: dict[MentorStatus, int] | None = None
    below_meetings: Listed | None = None
    without_goals: Listed | None = None

    @property
    def open_referrals(self) -> int:
        counts = self.referrals_by_status or {}
        return sum(counts.get(status, 0) for status in OPEN)

    @property
    def compliance_month(self) -> dt.date:
        return compliance_month(self.today)


def compliance_month(today: dt.date) -> dt.date:
    """The last complete calendar month, which the monthly indicators look at."""
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def last_months(today: dt.date, count: int = 12) -> list[dt.date]:
    """First days of the ``count`` months ending with today's, oldest first."""
    months = [today.replace(day=1)]
    while len(months) < count:
        months.insert(0, (months[0] - dt.timedelta(days=1)).replace(day=1))
    return months


def build(db: Session, actor: Actor, today: dt.date) -> Dashboard:
    board = Dashboard(today=today)
    if access.can(actor, Referral, access.LIST):
        _referrals(db, actor, board)
    if access.can(actor, Pair, access.LIST):
        pairs = access.row_filter(actor, Pair)
        board.active_pairs = db.scalar(select(func.count()).select_from(Pair).where(
            pairs, Pair.status == PairStatus.active)) or 0
        board.without_goals = _listed(db, _without_goals(pairs, today))
        board.below_meetings = _listed(db, _below_meetings(pairs, board.compliance_month))
    if access.can(actor, ServiceEntry, access.LIST):
        board.hours_by_month = _hours(db, actor, today)
    if access.can(actor, Budget, access.LIST):
        board.budgets = _budgets(db, actor, today)
    if access.can(actor, Mentor, access.CREATE):  # those who recruit see the pipeline
        mentors = access.row_filter(actor, Mentor)
        counts = as_dict(db.execute(select(Mentor.status, func.count()).where(mentors)
                                 .group_by(Mentor.status)).all())
        board.pipeline = {status: int(counts.get(status, 0)) for status in PIPELINE}
    return board


def _referrals(db: Session, actor: Actor, board: Dashboard) -> None:
    scope = access.row_filter(actor, Referral)
    counts = as_dict(db.execute(select(Referral.status, func.count()).where(scope)
                             .group_by(Referral.status)).all())
    board.referrals_by_status = {status: int(counts.get(status, 0)) for status in ReferralStatus}
    board.oldest_waiting = [
        (row.id, row.case_number, row.received_on) for row in db.execute(
            select(Referral.id, Youth.case_number, Referral.received_on)
            .join(Youth, Youth.id == Referral.youth_id)
            .where(scope, Referral.status.in_(OPEN))
            .order_by(Referral.received_on, Referral.id).limit(5))
    ]
    year_ago = board.today - dt.timedelta(days=365)
    recent = and_(scope, Referral.received_on > year_ago)
    board.median_days_to_decision = median_days(
        db, Referral.received_on, Referral.decided_on, recent)
    # The first start beyond a proposal, which the database keeps on the referral.
    board.median_days_to_start = median_days(
        db, Referral.received_on, Referral.first_started_on, recent)


def _listed(db: Session, query: Any) -> Listed:
    """The first rows (id, label) of a query and how many there are in all."""
    rows, total = first_and_total(db, query, LISTED)
    return Listed(total=total, rows=[(row[0], row[1]) for row in rows])


def _pair_rows(where: Any) -> Any:
    return (select(Pair.id, Youth.case_number).join(Youth, Youth.id == Pair.youth_id)
            .where(where).order_by(Pair.starts_on, Pair.id))


def _without_goals(pairs: Any, today: dt.date) -> Any:
    return _pair_rows(and_(
        pairs, Pair.status.in_([PairStatus.proposed, PairStatus.active]),
        Pair.starts_on <= today - dt.timedelta(days=GOALS_WITHIN_DAYS),
        ~select(Goal.id).where(Goal.pair_id == Pair.id).exists()))


def ending_without_evaluation(pairs: Any, today: dt.date) -> Any:
    """(id, case number, planned end) of active pairs ending within 30 days, or already past
    their planned end, not evaluated."""
    return _pair_rows(and_(
        pairs, Pair.status == PairStatus.active,
        Pair.planned_end_on <= today + dt.timedelta(days=ENDING_WITHIN_DAYS),
        Pair.evaluation_summary == "")).add_columns(Pair.planned_end_on)


def _below_meetings(pairs: Any, month: dt.date) -> Any:
    """Active pairs that ran the whole month with fewer meetings than their programme asks:
    in-person, not rejected, at least the programme's minimum length (counted from the
    in-person entries per month and length the database keeps)."""
    first, _after = month_bounds(month)
    meetings = (
        select(func.coalesce(func.sum(MeetingMonth.entries), 0))
        .where(MeetingMonth.pair_id == Pair.id, MeetingMonth.month == first,
               MeetingMonth.minutes >= func.coalesce(Programme.min_meeting_minutes, 0))
        .scalar_subquery()
    )
    return (select(Pair.id, Youth.case_number).join(Youth, Youth.id == Pair.youth_id)
            .join(Programme, Programme.id == Pair.programme_id)
            .where(pairs, Pair.status == PairStatus.active, Pair.starts_on <= first,
                   Programme.min_meetings_per_month.is_not(None),
                   meetings < Programme.min_meetings_per_month)
            .order_by(Pair.starts_on, Pair.id))


def missed_supervision(mentors: Any, month: dt.date) -> Any:
    """(id, name) of active mentors with fewer supervisions in ``month`` than asked."""
    first, after = month_bounds(month)
    attended = (
        select(func.count()).select_from(supervision_attendee)
        .join(Supervision, Supervision.id == supervision_attendee.c.supervision_id)
        .where(supervision_attendee.c.mentor_id == Mentor.id,
               Supervision.held_on >= first, Supervision.held_on < after)
        .scalar_subquery()
    )
    return (select(Mentor.id, Mentor.first_name + " " + Mentor.last_name)
            .join(Programme, Programme.id == Mentor.programme_id)
            .where(mentors, Mentor.status == MentorStatus.active,
                   Programme.supervision_per_month.is_not(None),
                   attended < Programme.supervision_per_month)
            .order_by(Mentor.last_name, Mentor.id))


def _of_pairs(scope: Any) -> Any:
    """Month totals of the scope's pairs, each read by its key (pair, month) rather than every
    pair's months; everyone's, read by month, when the scope is everything."""
    if isinstance(scope, True_):
        return scope
    return EntryMonth.pair_id.in_(select(Pair.id).where(scope))


def _hours(db: Session, actor: Actor, today: dt.date) -> list[tuple[dt.date, int]]:
    """Minutes not rejected per month, from the per-month totals the database keeps."""
    months = last_months(today)
    minutes = {
        month: int(total) for month, total in db.execute(
            select(EntryMonth.month, func.sum(EntryMonth.minutes))
            .where(_of_pairs(access.row_filter(actor, Pair)),
                   EntryMonth.status != EntryStatus.rejected,
                   EntryMonth.month >= months[0], EntryMonth.month <= months[-1])
            .group_by(EntryMonth.month))
    }
    return [(first, minutes.get(first, 0)) for first in months]


def _budgets(db: Session, actor: Actor, today: dt.date) -> list[BudgetChart]:
    """Per programme with a budget this year: invoices less credit notes, month by month."""
    lines = db.execute(
        select(Budget.programme_id, Programme.name, Budget.amount)
        .join(Programme, Programme.id == Budget.programme_id)
        .where(access.row_filter(actor, Budget), Budget.year == today.year, Budget.amount > 0)
        .order_by(Programme.name)
    ).all()
    monthly: dict[tuple[int, int], Decimal] = {
        (programme_id, int(month)): Decimal(total) for programme_id, month, total in db.execute(
            select(Contract.programme_id, Invoice.month, func.sum(Invoice.total_amount))
            .join(Contract, Contract.id == Invoice.contract_id)
            .where(Contract.programme_id.in_([line[0] for line in lines]),
                   Invoice.year == today.year, Invoice.status != InvoiceStatus.draft)
            .group_by(Contract.programme_id, Invoice.month))
    } if lines else {}
    charts = []
    for programme_id, name, amount in lines:
        running, cumulative = Decimal("0.00"), []
        for month in range(1, today.month + 1):
            running += monthly.get((programme_id, month), Decimal("0.00"))
            cumulative.append(running)
        charts.append(BudgetChart(programme=name, budget=amount, cumulative=cumulative))
    return charts
