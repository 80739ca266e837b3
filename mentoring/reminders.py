"""Reminder e-mails, sent by ``flask --app app reminders`` (meant for a daily cron job).

- Mentors whose active pair has had no session for the programme's ``reminder_idle_days``
  (again after each further such stretch);
- mentors in the days before the monthly logging deadline (``hours_deadline_day`` of the next
  month), once a month;
- coordinators with tasks waiting (``mentoring.tasks``), at most once a day.

Each reminder has a key; one sent is recorded in ``reminder_sent`` before the next is sent,
so running the command again — the same day, or after a failure half-way — sends nothing
twice. Texts are in the recipient's language.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import smtplib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from flask_babel import force_locale
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from common.actor import Actor
from common.enums import EntryStatus, PairStatus, Role
from common.i18n import gettext, ngettext
from common.months import month_bounds
from mentoring import tasks, workdays
from mentoring.hours import logging_deadline
from models import Pair, Programme, ReminderSent, ServiceEntry, User, Youth

DAYS_BEFORE_DEADLINE = 3
LOGGABLE = (PairStatus.active, PairStatus.paused, PairStatus.completed, PairStatus.ended_early)


@dataclass
class Reminder:
    user: User
    kind: str  # "idle", "deadline", "tasks"
    key: str
    subject: str = ""
    body: str = ""
    lines: list[Any] = field(default_factory=list)  # what the text lists, by kind


@dataclass
class Outcome:
    sent: list[Reminder] = field(default_factory=list)
    already: int = 0
    refused: list[tuple[Reminder, str]] = field(default_factory=list)  # by the SMTP server


def _digest(parts: list[str]) -> str:
    return hashlib.sha256("|".join(sorted(parts)).encode()).hexdigest()[:24]


def _mentor_users(db: Session) -> dict[int, User]:
    """Active mentor accounts with an address, by mentor id."""
    return {u.mentor_id: u for u in db.scalars(
        select(User).where(User.role == Role.mentor, User.active.is_(True),
                           User.mentor_id.is_not(None), User.email != ""))
        if u.mentor_id is not None}


def idle(db: Session, today: dt.date, mentors: dict[int, User]) -> list[Reminder]:
    last = (select(func.max(ServiceEntry.day))
            .where(ServiceEntry.pair_id == Pair.id, ServiceEntry.status != EntryStatus.rejected)
            .correlate(Pair).scalar_subquery())
    found: dict[int, Reminder] = {}
    for pair_id, mentor_id, case, starts_on, last_day, days in db.execute(
            select(Pair.id, Pair.mentor_id, Youth.case_number, Pair.starts_on, last,
                   Programme.reminder_idle_days)
            .join(Youth, Youth.id == Pair.youth_id)
            .join(Programme, Programme.id == Pair.programme_id)
            .where(Pair.status == PairStatus.active, Pair.mentor_id.in_(list(mentors)))
            .order_by(Pair.id)):
        since = last_day or starts_on
        waited = (today - since).days
        if waited < days:
            continue
        reminder = found.setdefault(mentor_id, Reminder(mentors[mentor_id], "idle", ""))
        # Once per stretch of ``days``: after 10 days idle, again after 20, …
        reminder.key += f"{pair_id}:{since}:{waited // days};"
        reminder.lines.append((case, since, waited))
    for reminder in found.values():
        reminder.key = _digest([reminder.key])
    return list(found.values())


def before_deadline(db: Session, today: dt.date, mentors: dict[int, User]) -> list[Reminder]:
    """Mentors with a pair in last month, in the days up to that month's logging deadline."""
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    first, after = month_bounds(month)
    calendar = workdays.calendar(db, after, after)
    found: dict[int, Reminder] = {}
    for mentor_id, day in db.execute(
            select(Pair.mentor_id, Programme.hours_deadline_day)
            .join(Programme, Programme.id == Pair.programme_id)
            .where(Pair.mentor_id.in_(list(mentors)), Pair.status.in_(LOGGABLE),
                   Pair.starts_on < after,
                   (Pair.ended_on.is_(None)) | (Pair.ended_on >= first))
            .distinct()):
        last_day = logging_deadline(month, day, calendar)
        if last_day - dt.timedelta(days=DAYS_BEFORE_DEADLINE) <= today <= last_day:
            reminder = Reminder(mentors[mentor_id], "deadline", f"{month:%Y-%m}")
            reminder.lines = [(month, last_day)]
            found.setdefault(mentor_id, reminder)
    return list(found.values())


def coordinators(db: Session, today: dt.date) -> list[Reminder]:
    found = []
    for user in db.scalars(select(User).where(User.role == Role.provider,
                                              User.active.is_(True), User.email != "")
                           .order_by(User.id)):
        waiting = [g for g in tasks.build(db, Actor.of(user), today, limit=3) if g.total]
        if waiting:
            reminder = Reminder(user, "tasks", today.isoformat())
            reminder.lines = waiting
            found.append(reminder)
    return found


def due(db: Session, today: dt.date) -> list[Reminder]:
    """Every reminder today's run would send, not yet knowing which went out already."""
    mentors = _mentor_users(db)
    return [*idle(db, today, mentors), *before_deadline(db, today, mentors),
            *coordinators(db, today)]


@dataclass(frozen=True)
class Links:
    """The addresses a reminder points to; the screens know them, the domain does not."""

    home: str
    log_hours: str
    tasks: str


def render(reminder: Reminder, links: Links) -> None:
    """Subject and body in the recipient's language (call inside an app context)."""
    language = reminder.user.language.value
    with force_locale(language):
        greeting = gettext("Hello, %(name)s!", name=reminder.user.name)
        closing = gettext("Mentor service back office: %(url)s", url=links.home)
        if reminder.kind == "idle":
            reminder.subject = gettext("No session logged lately")
            lines = [gettext("%(case)s: last session %(date)s, %(days)s days ago.",
                             case=case, date=f"{since:%d.%m.%Y}", days=days)
                     for case, since, days in reminder.lines]
            text = [gettext("These pairs have had no session logged for a while. If you met, "
                            "log the time; if something is in the way, tell your "
                            "coordinator."), *lines,
                    gettext("Log hours: %(url)s", url=links.log_hours)]
        elif reminder.kind == "deadline":
            ((month, last_day),) = reminder.lines
            reminder.subject = gettext("Log %(month)s hours by %(date)s",
                                       month=f"{month:%m.%Y}", date=f"{last_day:%d.%m.%Y}")
            text = [gettext("Please log all your sessions of %(month)s by %(date)s, so that "
                            "they can be approved and invoiced.",
                            month=f"{month:%m.%Y}", date=f"{last_day:%d.%m.%Y}"),
                    gettext("Log hours: %(url)s", url=links.log_hours)]
        else:
            total = sum(g.total for g in reminder.lines)
            reminder.subject = ngettext("%(num)d task waits for you",
                                        "%(num)d tasks wait for you", total)
            text = [f"- {g.title}: {g.total}" for g in reminder.lines]
            text.append(gettext("My tasks: %(url)s", url=links.tasks))
        reminder.body = "\n\n".join([greeting, *text, closing]) + "\n"


def send_due(db: Session, today: dt.date, *, links: Links,
             make: Callable[[Reminder], EmailMessage],
             transport: Callable[[], Any]) -> Outcome:
    """Send every due reminder not sent before; commit each one as it goes.

    ``make`` builds the message, ``transport`` opens an SMTP connection (used with ``with``).
    A reminder is claimed in ``reminder_sent`` (unique per user, kind and key) before it is
    sent and committed after: a second run, even a concurrent one, skips it. One the server
    refuses is not recorded and the others still go; a lost connection stops the run, and
    what it sent so far stays recorded."""
    outcome = Outcome()
    pending = due(db, today)
    already = {(r.user_id, r.kind, r.key) for r in db.execute(
        select(ReminderSent.user_id, ReminderSent.kind, ReminderSent.key)
        .where(ReminderSent.user_id.in_([r.user.id for r in pending])))} if pending else set()
    todo = [r for r in pending if (r.user.id, r.kind, r.key) not in already]
    outcome.already = len(pending) - len(todo)
    if not todo:
        return outcome
    with transport() as connection:
        for reminder in todo:
            render(reminder, links)
            # Each reminder is its own transaction (committed below), so a rollback here or
            # after a refusal undoes only this claim.
            db.add(ReminderSent(user_id=reminder.user.id, kind=reminder.kind,
                                key=reminder.key, sent_on=today))
            try:
                db.flush()
            except IntegrityError:
                db.rollback()
                outcome.already += 1  # another run claimed it meanwhile
                continue
            try:
                connection.send_message(make(reminder))
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError,
                    smtplib.SMTPSenderRefused) as exc:
                db.rollback()  # not sent: the next run tries again
                outcome.refused.append((reminder, str(exc)))
                continue
            db.commit()
            outcome.sent.append(reminder)
    return outcome


def by_kind(outcome: Outcome) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for reminder in outcome.sent:
        counts[reminder.kind] += 1
    return dict(counts)
