"""Today's date where the service runs; one place so tests and demo data agree."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

RIGA = ZoneInfo("Europe/Riga")


def today() -> dt.date:
    return dt.datetime.now(RIGA).date()


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Full years of age on ``day``."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years
