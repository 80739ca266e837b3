"""The audit trail: every change and every read of personal data, with who, when and where."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from common.actor import Actor
from common.enums import MentorStatus, PairStatus, ReferralStatus
from common.i18n import _l
from models import AuditLog

# Personal codes never appear in the log in full.
MASKED = {"personal_code", "password_hash"}


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    if isinstance(value, (list, tuple, set)):
        return sorted(str(v) for v in value)
    if value is None or isinstance(value, (int, float, str, bool)):
        return value
    return str(value)


def mask(field: str, value: Any) -> Any:
    if field in MASKED and value:
        text = str(value)
        return text[:2] + "*" * max(len(text) - 2, 0) if field == "personal_code" else "***"
    return value


def snapshot(obj: Any) -> dict[str, Any]:
    """Column values of ``obj`` as JSON-friendly, masked values."""
    state = inspect(obj)
    return {
        attr.key: mask(attr.key, _plain(getattr(obj, attr.key)))
        for attr in state.mapper.column_attrs
    }


def changes(obj: Any) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every column the pending change touches."""
    state = inspect(obj)
    diff: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if _plain(old) != _plain(new):
                diff[attr.key] = [mask(attr.key, _plain(old)), mask(attr.key, _plain(new))]
    for rel in state.mapper.relationships:
        if rel.uselist and rel.secondary is not None:
            history = state.attrs[rel.key].history
            if history.added or history.deleted:
                before = [*history.unchanged, *history.deleted]
                after = [*history.unchanged, *history.added]
                diff[rel.key] = [_plain(before), _plain(after)]
    return diff


def record(
    db: Session,
    actor: Actor | None,
    action: str,
    obj: Any = None,
    *,
    changes: dict[str, Any] | None = None,
    model: str | None = None,
    record_id: str = "",
) -> AuditLog:
    """Add one audit row (who and from where: ``actor``); the caller's transaction commits
    it together with the change."""
    if obj is not None and not record_id:
        identity = inspect(obj).identity
        record_id = ",".join(str(part) for part in identity) if identity else ""
    entry = AuditLog(
        user_id=actor.user_id if actor is not None else None,
        # Bounded like their columns: an address or id taken from a request is not trusted.
        ip=(actor.ip if actor is not None else "")[:45],
        action=action,
        model=model or (type(obj).__name__ if obj is not None else ""),
        record_id=record_id[:40],
        changes=changes or {},
    )
    db.add(entry)
    return entry


# -- reading the log ------------------------------------------------------------------
ACTIONS: dict[str, Any] = {
    "create": _l("Created"), "update": _l("Changed"), "delete": _l("Deleted"),
    "read": _l("Opened"), "export": _l("Exported"), "lookup": _l("Looked up"),
    "archived": _l("Archived"), "restored": _l("Brought back from the archive"),
    "sign_in": _l("Signed in"), "sign_out": _l("Signed out"),
    "sign_in.failed": _l("Sign-in failed: wrong password"),
    "sign_in.failed_code": _l("Sign-in failed: wrong code"),
    "sign_in.blocked": _l("Sign-in blocked after failed attempts"),
    "two_factor.enabled": _l("Two-factor sign-in turned on"),
    "two_factor.disabled": _l("Two-factor sign-in turned off"),
    "two_factor.new_codes": _l("New recovery codes"),
    "user.created": _l("User created"), "user.deactivated": _l("User deactivated"),
    "user.password_set": _l("Password set"),
    "concern.raised": _l("Safety concern raised"), "concern.updated": _l("Safety concern updated"),
    "concern.closed": _l("Safety concern closed"),
    "consent.given": _l("Consent given"), "consent.withdrawn": _l("Consent withdrawn"),
    "entry.approved": _l("Hours approved"), "entry.rejected": _l("Hours rejected"),
    "entry.resubmitted": _l("Hours corrected and sent back for approval"),
    "invoice.issued": _l("Invoice issued"), "invoice.credited": _l("Invoice credited"),
    "invoice.paid": _l("Invoice marked paid"), "invoice.delivered": _l("Delivery recorded"),
    "timesheet.signed": _l("Timesheet signed off"),
    "application.received": _l("Application received with the public form"),
    "questionnaire.sent": _l("Questionnaire link sent"),
    "questionnaire.answered": _l("Questionnaire answered"),
    "subject_access.export": _l("Data subject export"),
    "youth.anonymised": _l("Youth anonymised"),
}
# Status changes are logged as "<record>.<new status>".
STATUS_ACTIONS: dict[str, tuple[Any, type[enum.Enum]]] = {
    "referral": (_l("Referral"), ReferralStatus), "mentor": (_l("Mentor"), MentorStatus),
    "pair": (_l("Pair"), PairStatus),
}


def action_label(code: str) -> str:
    """The action of a log row in the reader's language (an unknown code as it is)."""
    if code in ACTIONS:
        return str(ACTIONS[code])
    record, _, status = code.partition(".")
    if record in STATUS_ACTIONS:
        name, statuses = STATUS_ACTIONS[record]
        try:
            return f"{name}: {getattr(statuses(status), 'label', status)}"
        except ValueError:
            pass
    return code
