"""Today's date where the service runs; one place so tests and demo data agree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

RIGA = ZoneInfo("Europe/Riga")

# Set only by ``frozen`` (the test suite, and its browser server): every rule that reads the
# date then sees the same day, whatever the machine's clock says.
_frozen_day: dt.date | None = None


def today() -> dt.date:
    if _frozen_day is not None:
        return _frozen_day
    return dt.datetime.now(RIGA).date()


def freeze(day: dt.date | None) -> None:
    """Make ``today()`` answer ``day`` from now on (``None`` follows the real clock again)."""
    global _frozen_day
    _frozen_day = day


@contextmanager
def frozen(day: dt.date) -> Iterator[dt.date]:
    """``today()`` answers ``day`` inside the block."""
    before = _frozen_day
    freeze(day)
    try:
        yield day
    finally:
        freeze(before)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Full years of age on ``day``."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years
