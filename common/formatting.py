"""How dates, money and durations read in the UI and documents, per locale."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency, format_decimal

from common.clock import RIGA

CENT = Decimal("0.01")


def format_date(value: dt.date | None, locale: str = "lv") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:  # SQLite hands back naive UTC
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(RIGA).strftime("%d.%m.%Y %H:%M")
    if locale == "lv":
        return value.strftime("%d.%m.%Y")
    return babel_format_date(value, "d MMM yyyy", locale=locale)


def format_month(value: dt.date | None, locale: str = "lv", long: bool = False) -> str:
    """A calendar month: ``11.2026`` in tables, ``novembris 2026`` in titles (``long``)."""
    if value is None:
        return ""
    if long:
        return babel_format_date(value, "LLLL yyyy", locale=locale)
    return value.strftime("%m.%Y")


def format_money(amount: Decimal | None, locale: str = "lv") -> str:
    """``1 234,50 €`` in Latvian, ``€1,234.50`` in English."""
    if amount is None:
        return ""
    return format_currency(amount, "EUR", locale=locale)


def format_decimal_hours(minutes: int | None, locale: str = "lv") -> str:
    """``2,5`` — hours as a number, for dense tables whose heading says "h"."""
    if minutes is None:
        return ""
    return format_decimal(Decimal(minutes) / 60, "#,##0.##", locale=locale)


def format_number(value: Decimal | float | None, locale: str = "lv") -> str:
    """``5,5`` in Latvian, ``5.5`` in English; at most one decimal."""
    if value is None:
        return "–"
    return format_decimal(value, "#,##0.#", locale=locale)


def format_percent(value: Decimal | None, locale: str = "lv") -> str:
    """``90,75 %`` in Latvian, ``90.75 %`` in English (a share already times 100)."""
    if value is None:
        return ""
    return f"{format_decimal(value, '#,##0.##', locale=locale)} %"


def round_money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def format_minutes(minutes: int | None) -> str:
    """``2 h 45 min``, ``20 h``, ``45 min`` — a duration, never a clock time (the same
    abbreviations in Latvian and English)."""
    if minutes is None:
        return ""
    sign = "−" if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    if not rest:
        return f"{sign}{hours}\u00a0h"
    if not hours:
        return f"{sign}{rest}\u00a0min"
    return f"{sign}{hours}\u00a0h {rest}\u00a0min"


_NUMBER = re.compile(r"^-?\d[\d\s.,]*$")


def spreadsheet_safe(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula: text starting with = + - @ (or a
    tab or carriage return) gets a leading apostrophe; numbers, also negative ones written
    as text, stay as they are (OWASP's CSV injection advice)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") \
            and not _NUMBER.match(value):
        return "'" + value
    return value


def parse_money(text: str) -> Decimal:
    """An amount as people type it ("1 234,50", "1234.5", "529,18 €") in cents; ValueError
    for anything that is not one."""
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace("€", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite() or abs(value) >= Decimal("1e10"):
        raise ValueError(text)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
