"""How dates, money and durations read in the UI and documents, per locale."""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
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
    """``1 234,50 €`` in Latvian, ``€1,234.50`` in English: Babel's pattern, learnt once per
    locale and applied by hand (a full Babel call per figure made a 1,000-line invoice
    preview spend most of its time here)."""
    if amount is None:
        return ""
    return _money(Decimal(amount), locale)


@lru_cache(maxsize=4096)
def _money(amount: Decimal, locale: str) -> str:
    shape = _money_shape(locale)
    if shape is None or not amount.is_finite():
        return format_currency(amount, "EUR", locale=locale)
    prefix, suffix, negative_prefix, negative_suffix, group, point = shape
    cents = amount.quantize(CENT, rounding=ROUND_HALF_EVEN)
    digits = f"{abs(cents):,.2f}".translate({ord(","): group, ord("."): point})
    if cents < 0:
        return f"{negative_prefix}{digits}{negative_suffix}"
    return f"{prefix}{digits}{suffix}"


@lru_cache(maxsize=16)
def _money_shape(locale: str) -> tuple[str, str, str, str, str, str] | None:
    """What Babel puts around the digits, and its separators, read off two samples; None
    when the locale's pattern is not the plain grouped-with-cents kind."""
    sample = format_currency(Decimal("1234567.89"), "EUR", locale=locale)
    negative = format_currency(Decimal("-1234567.89"), "EUR", locale=locale)
    found = re.fullmatch(r"(\D*)1(\D)234(\D)567(\D)89(\D*)", sample)
    found_negative = re.fullmatch(r"(\D*)1\D234\D567\D89(\D*)", negative)
    if not found or not found_negative or found[2] != found[3]:
        return None
    return (found[1], found[5], found_negative[1], found_negative[2], found[2], found[4])


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
