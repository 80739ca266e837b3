"""The "My tasks" list: what needs doing now within the reader's scope, each line pointing
to the screen where it is done. The same lists feed the admin home, the tasks page and the
coordinators' reminder e-mails.

A task group is computed only for a role that may act on it (``access.can``), and always
within ``access.row_filter``, so nobody sees a task about a record they cannot reach.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Date, and_, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from common.actor import Actor
from common.enums import (
    CheckResult,
    InvoiceStatus,
    MentorStatus,
    PairStatus,
    ReferralStatus,
    Role,
    Severity,
)
from common.i18n import _l
from mentoring import access, checkins, recruitment
from mentoring.aggregates import days_between, first_and_total
from mentoring.dashboard import compliance_month, ending_without_evaluation, missed_supervision
from mentoring.pairs import waiting_for_a_mentor
from models import (
    Agreement,
    BackgroundCheck,
    CheckIn,
    Invoice,
    InvoiceDelivery,
    Mentor,
    Pair,
    Programme,
    QuestionnaireLink,
    RecruitmentRound,
    Referral,
    SafetyConcern,
    ServiceEntry,
    Supervision,
    Youth,
)
from models.service_entry import waiting

IDLE_DAYS = 14
EXPIRING_DAYS = 30
OPEN_REFERRALS = (ReferralStatus.new, ReferralStatus.in_review)


@dataclass
class Task:
    label: str
    detail: Any  # a date, a number of days, a severity: the template formats it by kind
    # The record the line is about, by its group's ``key``: a concern, a pair, a mentor or a
    # referral (the screens turn it into a link).
    record_id: int
    urgent: bool = False


@dataclass
class TaskGroup:
    key: str
    title: Any
    detail_kind: str  # "date", "count" or "text": how the template shows a task's detail
    detail_title: Any
    total: int = 0
    tasks: list[Task] = field(default_factory=list)


def has_tasks(actor: Actor) -> bool:
    """Whether ``actor``'s role has a task list at all (mentors get reminders instead)."""
    return access.role_of(actor) in (Role.admin, Role.municipality, Role.provider)


def build(db: Session, actor: Actor, today: dt.date, limit: int | None = None) -> list[TaskGroup]:
    """Every task group ``actor`` may act on, in the order of the issue's list; each with
    its total and at most ``limit`` tasks (all when None). A fixed number of queries."""
    groups: list[TaskGroup] = []
    role = access.role_of(actor)
    if not has_tasks(actor):
        return groups
    pairs = access.row_filter(actor, Pair)
    if access.can(actor, SafetyConcern, access.LIST):
        groups.append(_concerns(db, actor, limit))
    if access.can(actor, CheckIn, access.CREATE):
        groups.append(_rows(db, "check_ins", _l("Overdue check-ins"), "date", _l("Due"),
                            checkins.overdue_query(db, pairs, today), limit))
    if access.can(actor, ServiceEntry, access.EDIT):
        groups.append(_waiting_entries(db, pairs, limit))
    if access.can(actor, Pair, access.CREATE) and role != Role.municipality:
        groups.append(_rows(db, "pairing", _l("Youths waiting for a mentor"), "date",
                            _l("Waiting since"), _waiting_for_a_mentor(actor), limit))
    if access.can(actor, Pair, access.EDIT):
        groups.append(_rows(db, "ending", _l("Pairs ending within 30 days without an evaluation"),
                            "date", _l("Planned end"), ending_without_evaluation(pairs, today),
                            limit, today=today))
        groups.append(_rows(db, "idle", _l("Pairs with no service entry for 14 days"),
                            "date", _l("Last entry"), _idle(pairs, today), limit))
    if access.can(actor, Supervision, access.CREATE):
        month = compliance_month(today)
        groups.append(_rows(
            db, "supervision", _l("Mentors who missed the month's supervision"), "text",
            _l("Month"), missed_supervision(access.row_filter(actor, Mentor), month).add_columns(
                literal(f"{month:%m.%Y}")), limit))
    if access.can(actor, RecruitmentRound, access.EDIT):
        late = recruitment.overdue(db, access.row_filter(actor, RecruitmentRound),
                                   access.row_filter(actor, Mentor), today)
        groups.append(TaskGroup(
            key="recruitment", title=_l("Recruitment rounds with candidates not moved on"),
            detail_kind="count", detail_title=_l("Candidates"), total=len(late),
            tasks=[Task(label=str(r), detail=n, record_id=r.id)
                   for r, n in late[:limit] if limit is None or limit > 0]))
    if access.can(actor, QuestionnaireLink, access.CREATE):
        groups.append(_rows(db, "questionnaires",
                            _l("Questionnaire links not answered after 5 days"), "date",
                            _l("Valid until"), _unanswered_links(actor, today), limit))
    if access.can(actor, BackgroundCheck, access.CREATE):
        groups.append(_rows(db, "checks",
                            _l("Background checks expiring within 30 days"), "date",
                            _l("Valid until"), _expiring_checks(actor, today), limit,
                            today=today))
    if access.can(actor, Agreement, access.CREATE):
        groups.append(_rows(db, "agreements", _l("Agreements expiring within 30 days"),
                            "date", _l("Ends"), _expiring_agreements(actor, today), limit,
                            today=today))
    if access.can(actor, Invoice, access.ISSUE):
        groups.append(_rows(db, "undelivered", _l("Issued invoices not recorded as delivered"),
                            "date", _l("Issue date"), _undelivered(actor), limit))
    if access.can(actor, Referral, access.EDIT) and role != Role.provider:
        groups.append(_rows(db, "referrals",
                            _l("Referrals waiting for a decision longer than the target"),
                            "date", _l("Date received"), _late_referrals(db, actor, today),
                            limit))
    return groups


def _rows(db: Session, key: str, title: Any, kind: str, detail_title: Any, query: Any,
          limit: int | None, today: dt.date | None = None) -> TaskGroup:
    """(id, label, detail) rows and their total; a date already past ``today`` marks the
    line urgent."""
    today = today or dt.date.max
    rows, total = first_and_total(db, query, limit)
    group = TaskGroup(key, title, kind, detail_title, total=total)
    group.tasks = [Task(str(row[1]), row[2], row[0],
                        urgent=isinstance(row[2], dt.date) and row[2] < today)
                   for row in rows]
    return group


def _concerns(db: Session, actor: Actor, limit: int | None) -> TaskGroup:
    """Open safety concerns, the gravest and oldest first: shown to the youth's social
    service at once, and to the provider who must act."""
    rank = {s: i for i, s in enumerate(Severity)}
    rows = db.execute(
        select(SafetyConcern.id, Youth.case_number, SafetyConcern.severity,
               SafetyConcern.raised_on)
        .join(Pair, Pair.id == SafetyConcern.pair_id).join(Youth, Youth.id == Pair.youth_id)
        .where(access.row_filter(actor, SafetyConcern), SafetyConcern.closed_on.is_(None))
    ).all()
    rows = sorted(rows, key=lambda r: (-rank[r.severity], r.raised_on, r.id))
    group = TaskGroup("concerns", _l("Open safety concerns"), "text", _l("Severity"),
                      total=len(rows))
    group.tasks = [
        Task(f"{r.case_number} · {r.raised_on:%d.%m.%Y}", r.severity.label,
             r.id,
             urgent=r.severity in (Severity.high, Severity.critical))
        for r in rows[:limit]
    ]
    return group


def _waiting_entries(db: Session, pairs: Any, limit: int | None) -> TaskGroup:
    """Per pair: how many entries wait for approval (linked to the entry list, filtered)."""
    # Counted from the few waiting entries first, then labelled: the planner would otherwise
    # walk every pair in the order of the grouping.
    counts = (select(ServiceEntry.pair_id, func.count().label("entries"),
                     func.min(ServiceEntry.day).label("since"))
              .where(waiting()).group_by(ServiceEntry.pair_id).subquery())
    query = (select(Pair.id, Youth.case_number, counts.c.entries)
             .join(Pair, Pair.id == counts.c.pair_id).join(Youth, Youth.id == Pair.youth_id)
             .where(pairs).order_by(counts.c.since, Pair.id))
    rows, total = first_and_total(db, query, limit)
    group = TaskGroup("entries", _l("Service entries waiting for approval"), "count",
                      _l("Entries"), total=total)
    group.tasks = [Task(row[1], row[2], row[0])
                   for row in rows]
    return group


def _idle(pairs: Any, today: dt.date) -> Any:
    """Active pairs that began 14 or more days ago with no entry (not rejected) in the
    last 14 days: the latest entry, which the database keeps on the pair, is on or before
    today − 14."""
    since = today - dt.timedelta(days=IDLE_DAYS)
    return (select(Pair.id, Youth.case_number, Pair.last_entry_on)
            .join(Youth, Youth.id == Pair.youth_id)
            .where(pairs, Pair.status == PairStatus.active, Pair.starts_on <= since,
                   or_(Pair.last_entry_on.is_(None), Pair.last_entry_on <= since))
            .order_by(Pair.starts_on, Pair.id))


def _mentors_in_service(actor: Actor) -> Any:
    return and_(access.row_filter(actor, Mentor), Mentor.archived.is_(False),
                Mentor.status.in_([MentorStatus.certified, MentorStatus.active]))


def _expiring_checks(actor: Actor, today: dt.date) -> Any:
    """Each working mentor's latest statement, when it runs out within 30 days (or has)."""
    newer = aliased(BackgroundCheck)
    return (select(Mentor.id, Mentor.first_name + " " + Mentor.last_name,
                   BackgroundCheck.valid_until)
            .join(BackgroundCheck, BackgroundCheck.mentor_id == Mentor.id)
            .where(_mentors_in_service(actor),
                   BackgroundCheck.valid_until <= today + dt.timedelta(days=EXPIRING_DAYS),
                   ~select(newer.id).where(newer.mentor_id == Mentor.id,
                                           newer.result == CheckResult.clear,
                                           newer.valid_until > BackgroundCheck.valid_until)
                   .exists())
            .order_by(BackgroundCheck.valid_until, Mentor.id))


def _expiring_agreements(actor: Actor, today: dt.date) -> Any:
    newer = aliased(Agreement)
    return (select(Mentor.id, Mentor.first_name + " " + Mentor.last_name, Agreement.ends_on)
            .join(Agreement, Agreement.mentor_id == Mentor.id)
            .where(_mentors_in_service(actor), Agreement.signed.is_(True),
                   Agreement.ends_on <= today + dt.timedelta(days=EXPIRING_DAYS),
                   ~select(newer.id).where(newer.mentor_id == Mentor.id,
                                           newer.signed.is_(True),
                                           newer.ends_on > Agreement.ends_on).exists())
            .order_by(Agreement.ends_on, Mentor.id))


def _waiting_for_a_mentor(actor: Actor) -> Any:
    """Accepted referrals with no open pair (the pairing list), oldest decision first."""
    since = func.coalesce(Referral.decided_on, Referral.received_on)
    return (select(Referral.id, Youth.case_number, since)
            .join(Youth, Youth.id == Referral.youth_id)
            .where(access.row_filter(actor, Referral), Referral.provider_id.is_not(None),
                   Referral.status == ReferralStatus.accepted,
                   waiting_for_a_mentor())
            .order_by(since, Referral.id))


def _unanswered_links(actor: Actor, today: dt.date) -> Any:
    """Pairs with a questionnaire link sent at least 5 days ago, still open: the coordinator
    reminds the respondent or sends a new link (the reminders e-mail lists them too)."""
    open_links = (select(QuestionnaireLink.pair_id,
                         func.min(QuestionnaireLink.expires_on).label("until"))
                  .where(access.row_filter(actor, QuestionnaireLink),
                         QuestionnaireLink.answered_at.is_(None),
                         QuestionnaireLink.withdrawn.is_(False),
                         QuestionnaireLink.expires_on >= today,
                         QuestionnaireLink.sent_on <= today - dt.timedelta(days=5))
                  .group_by(QuestionnaireLink.pair_id).subquery())
    return (select(Pair.id, Youth.case_number, open_links.c.until)
            .join(Pair, Pair.id == open_links.c.pair_id)
            .join(Youth, Youth.id == Pair.youth_id)
            .order_by(open_links.c.until, Pair.id))


def _undelivered(actor: Actor) -> Any:
    """Issued invoices and credit notes with no delivery recorded, oldest first (a paid
    invoice has plainly arrived; a credited one is delivered through its credit note)."""
    return (select(Invoice.id, Invoice.number, Invoice.issued_on)
            .where(access.row_filter(actor, Invoice), Invoice.status == InvoiceStatus.issued,
                   ~select(InvoiceDelivery.id).where(InvoiceDelivery.invoice_id == Invoice.id)
                   .exists())
            .order_by(Invoice.issued_on, Invoice.id))


def _late_referrals(db: Session, actor: Actor, today: dt.date) -> Any:
    """Open referrals that have waited more days than their programme's target."""
    waited = days_between(db, Referral.received_on, literal(today, Date))
    return (select(Referral.id, Youth.case_number, Referral.received_on)
            .join(Youth, Youth.id == Referral.youth_id)
            .join(Programme, Programme.id == Referral.programme_id)
            .where(access.row_filter(actor, Referral), Referral.status.in_(OPEN_REFERRALS),
                   waited > Programme.decision_target_days)
            .order_by(Referral.received_on, Referral.id))
