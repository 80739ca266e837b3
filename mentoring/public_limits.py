"""Limits on the public forms, counted in the database so they hold across workers and
hosts: so many submissions per address per hour, so many per form per day."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from models import PublicSubmission

PER_ADDRESS_PER_HOUR = 5
PER_FORM_PER_DAY = 300
KEPT = dt.timedelta(days=2)


def allow_address(db: Session, ip: str, now: dt.datetime,
                  limit: int = PER_ADDRESS_PER_HOUR) -> bool:
    """Count one post of any public form from ``ip``; whether it is within the address's
    limit. Posts over the limit are counted too, so a flood stays stopped. Flushes."""
    ip = ip[:45]
    seen = db.scalar(select(func.count()).select_from(PublicSubmission).where(
        PublicSubmission.ip == ip, PublicSubmission.at > now - dt.timedelta(hours=1)))
    db.add(PublicSubmission(form="", ip=ip, at=now))
    db.execute(delete(PublicSubmission).where(PublicSubmission.at < now - KEPT))
    db.flush()
    return (seen or 0) < limit


def allow_form(db: Session, form: str, now: dt.datetime, limit: int = PER_FORM_PER_DAY) -> bool:
    """Count one valid submission of ``form``; whether the form is within its daily limit
    (only valid ones count, so invalid posts from many addresses cannot close it)."""
    seen = db.scalar(select(func.count()).select_from(PublicSubmission).where(
        PublicSubmission.form == form[:80], PublicSubmission.at > now - dt.timedelta(days=1)))
    db.add(PublicSubmission(form=form[:80], ip="", at=now))
    db.flush()
    return (seen or 0) < limit
