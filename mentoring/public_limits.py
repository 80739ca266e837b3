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


def allow(db: Session, form: str, ip: str, now: dt.datetime,
          per_address: int = PER_ADDRESS_PER_HOUR, per_form: int = PER_FORM_PER_DAY) -> bool:
    """Count one submission of ``form`` from ``ip``; whether it is within the limits.
    Submissions over a limit are counted too, so a flood stays stopped. Flushes."""
    ip = ip[:45]
    from_address = db.scalar(select(func.count()).select_from(PublicSubmission).where(
        PublicSubmission.ip == ip, PublicSubmission.at > now - dt.timedelta(hours=1)))
    on_form = db.scalar(select(func.count()).select_from(PublicSubmission).where(
        PublicSubmission.form == form, PublicSubmission.at > now - dt.timedelta(days=1)))
    db.add(PublicSubmission(form=form[:80], ip=ip, at=now))
    db.execute(delete(PublicSubmission).where(PublicSubmission.at < now - KEPT))
    db.flush()
    return (from_address or 0) < per_address and (on_form or 0) < per_form
