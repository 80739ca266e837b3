"""Archiving youths and mentors: out of lists and pickers, kept with everything that rests
on them. A step of its own (audited), never a form field."""

from __future__ import annotations

from sqlalchemy.orm import Session

from common.actor import Actor
from mentoring import audit
from models import Mentor, Youth


def set_archived(db: Session, record: Youth | Mentor, archived: bool, *, actor: Actor) -> None:
    """Archive ``record`` or bring it back; flushes."""
    if record.archived == archived:
        return
    record.archived = archived
    audit.record(db, actor, "archived" if archived else "restored", record,
                 changes={"archived": [not archived, archived]})
    db.flush()
