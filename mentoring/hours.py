"""Service hours: the monthly cap (rule 6), the pair's period (rule 7), approval.

The cap counts a youth's billable minutes in one calendar month over all their pairs of the
programme; rejected entries do not count. ``check_entry`` locks the youth's row first, so two
transactions adding hours to the same youth's month run one after the other and can never
together pass the cap (PostgreSQL; SQLite serialises writers anyway).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, object_session

from common.actor import Actor
from common.enums import EntryStatus, PairStatus, Role
from common.errors import RuleViolation, RuleViolations
from common.formatting import format_minutes
from common.i18n import _l
from common.months import month_bounds
from mentoring import access, audit, rules
from mentoring.workdays import Calendar
from models import Pair, ServiceEntry, Youth
from models.base import utcnow
from models.consent import withdrawal_in_force

LOGGABLE = (PairStatus.active, PairStatus.paused, PairStatus.completed, PairStatus.ended_early)


def logging_deadline(month: dt.date, day: int, calendar: Calendar | None = None) -> dt.date:
    """The last day to log ``month``'s hours: ``day`` of the following month, or the next
    working day when that is a day off (with a ``calendar``)."""
    deadline = month_bounds(month)[1].replace(day=day)
    return calendar.on_or_after(deadline) if calendar is not None else deadline


def used_minutes(db: Session, youth_id: int, programme_id: int, day: dt.date,
                 exclude_id: int | None = None) -> int:
    """Billable minutes already counted for the youth in ``day``'s month."""
    first, after = month_bounds(day)
    query = (
        select(func.coalesce(func.sum(ServiceEntry.minutes), 0))
        .join(Pair, Pair.id == ServiceEntry.pair_id)
        .where(Pair.youth_id == youth_id, Pair.programme_id == programme_id,
               ServiceEntry.billable.is_(True), ServiceEntry.status != EntryStatus.rejected,
               ServiceEntry.day >= first, ServiceEntry.day < after)
    )
    if exclude_id is not None:
        query = query.where(ServiceEntry.id != exclude_id)
    with db.no_autoflush:
        return int(db.scalar(query) or 0)


def remaining_minutes(db: Session, pair: Pair, day: dt.date,
                      exclude_id: int | None = None) -> int | None:
    """Billable minutes still available in ``day``'s month (besides entry ``exclude_id``,
    the one being changed); ``None`` when there is no cap."""
    cap = pair.programme.monthly_cap_minutes
    if cap is None:
        return None
    return max(cap - used_minutes(db, pair.youth_id, pair.programme_id, day, exclude_id), 0)


def _lock_youth(db: Session, youth_id: int) -> None:
    # Serialises concurrent additions to one youth's month (SELECT … FOR UPDATE).
    with db.no_autoflush:
        db.execute(select(Youth.id).where(Youth.id == youth_id).with_for_update())


def check_entry(db: Session, entry: ServiceEntry) -> list[RuleViolation]:
    """Rules 6 and 7 for a new or changed entry (the record rules check duration and date)."""
    pair = entry.pair
    if pair is None or entry.day is None or entry.minutes is None:
        return []
    problems: list[RuleViolation] = []
    end = pair.ended_on or pair.planned_end_on
    if pair.status not in LOGGABLE:
        problems.append(RuleViolation(_l("Hours are logged only for an active pair."), "pair"))
    elif not pair.starts_on <= entry.day <= end:
        problems.append(RuleViolation(_l(
            "The date is outside the pair's period (%(start)s – %(end)s).",
            start=pair.starts_on.strftime("%d.%m.%Y"), end=end.strftime("%d.%m.%Y")), "day"))
    if entry.status != EntryStatus.rejected and db.scalar(
            select(withdrawal_in_force(pair.youth_id, entry.day))):
        problems.append(RuleViolation(_l(
            "The youth's consent was withdrawn before this date: no hours after the "
            "withdrawal."), "day"))
    cap = pair.programme.monthly_cap_minutes
    counts = entry.billable and entry.status != EntryStatus.rejected
    if cap is not None and counts:
        _lock_youth(db, pair.youth_id)
        used = used_minutes(db, pair.youth_id, pair.programme_id, entry.day, exclude_id=entry.id)
        if used + entry.minutes > cap:
            problems.append(RuleViolation(_l(
                "This would exceed the monthly cap of %(cap)s: %(left)s are still available "
                "in that month.",
                cap=format_minutes(cap), left=format_minutes(max(cap - used, 0))), "minutes"))
    return problems


def log_entry(db: Session, *, pair: Pair, actor: Actor, day: dt.date, minutes: int,
              activity: Any, mode: Any, note: str = "", billable: bool = True) -> ServiceEntry:
    """Log minutes for a pair; every rule is checked at flush. Flushes, never commits.
    Mentors log billable time only: recording time as non-billable is the coordinator's."""
    if not billable and actor.role == Role.mentor:
        raise RuleViolations([RuleViolation(
            _l("Only the coordinator records time as non-billable."), "billable")])
    entry = ServiceEntry(pair=pair, day=day, minutes=minutes, activity=activity, mode=mode,
                         note=note, billable=billable, status=EntryStatus.logged,
                         logged_by_id=actor.user_id)
    db.add(entry)
    db.flush()
    audit.record(db, actor, "create", entry, changes=audit.snapshot(entry))
    return entry


def change_entry(db: Session, entry: ServiceEntry, *, actor: Actor, pair: Pair, day: dt.date,
                 minutes: int, activity: Any, mode: Any, note: str = "") -> None:
    """Change an entry ``actor`` may still change (a mentor: their own, until approved); every
    rule is checked at flush, and a rejected entry so corrected goes back for approval."""
    if not access.can_change(actor, entry):
        raise RuleViolations([RuleViolation(
            _l("This entry can no longer be changed: it is approved or invoiced."))])
    entry.pair, entry.day, entry.minutes = pair, day, minutes
    entry.activity, entry.mode, entry.note = activity, mode, note
    changes = audit.changes(entry)
    reason = entry.rejection_reason
    resubmitted = send_back_if_rejected(entry)
    db.flush()
    audit.record(db, actor, "update", entry, changes=changes)
    if resubmitted:
        audit.record(db, actor, "entry.resubmitted", entry, changes={"reason": reason})


def send_back_if_rejected(entry: ServiceEntry) -> bool:
    """A rejected entry that was corrected waits for approval again (its reason is kept in
    the audit). Returns whether it was sent back."""
    if entry.status != EntryStatus.rejected:
        return False
    entry.status = EntryStatus.logged
    entry.rejection_reason = ""
    return True


def delete_entry(db: Session, entry: ServiceEntry, *, actor: Actor) -> None:
    """Delete an entry not yet approved (or rejected); the audit keeps what it was."""
    if not access.can_change(actor, entry) or entry.status == EntryStatus.invoiced:
        raise RuleViolations([RuleViolation(
            _l("This entry can no longer be deleted: it is approved or invoiced."))])
    audit.record(db, actor, "delete", entry, changes=audit.snapshot(entry))
    db.delete(entry)
    db.flush()


def approve(db: Session, entries: list[ServiceEntry], *, actor: Actor) -> int:
    """Approve logged entries; others are left as they are. Returns how many were approved."""
    count = 0
    for entry in entries:
        if entry.status == EntryStatus.logged:
            entry.status = EntryStatus.approved
            entry.approved_by_id = actor.user_id
            entry.approved_at = utcnow()
            audit.record(db, actor, "entry.approved", entry)
            count += 1
    db.flush()
    return count


def reject(db: Session, entry: ServiceEntry, *, actor: Actor, reason: str) -> None:
    if entry.status not in (EntryStatus.logged, EntryStatus.approved):
        raise RuleViolations([RuleViolation(_l("Only entries not yet invoiced can be rejected."))])
    if not reason.strip():
        raise RuleViolations([RuleViolation(_l("Give the reason for rejecting the entry."),
                                            "reason")])
    entry.status = EntryStatus.rejected
    entry.rejection_reason = reason.strip()
    audit.record(db, actor, "entry.rejected", entry, changes={"reason": reason.strip()})
    db.flush()


# -- record rules (checked before every flush) ----------------------------------------
@rules.checks(ServiceEntry)
def _service_entry(e: ServiceEntry) -> Iterator[RuleViolation]:
    session = object_session(e)
    state = sa_inspect(e)
    relevant = ("day", "minutes", "billable", "pair_id", "pair", "status")
    changed = state.pending or state.transient or any(
        state.attrs[name].history.has_changes() for name in relevant)
    if session is not None and changed and e.minutes is not None and e.minutes > 0:
        yield from check_entry(session, e)
    if e.minutes is not None:
        if e.minutes <= 0:
            yield RuleViolation(_l("The duration must be positive."), "minutes")
        elif e.minutes % rules.MINUTE_STEP:
            yield RuleViolation(_l("Enter the duration in 15-minute steps."), "minutes")
        elif e.minutes > 24 * 60:
            yield RuleViolation(_l("A day has no more than 1440 minutes."), "minutes")
    yield from rules.not_in_future(e.day, "day")
