"""Latvian identifiers and the way dates and money read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from common import formatting, identifiers
from mentoring.demo import legal_number, new_personal_code, personal_code


@pytest.mark.parametrize(("code", "valid"), [
    ("161175-19997", True),
    ("16117519997", True),
    ("161175-19998", False),  # checksum
    ("311375-19997", False),  # no 13th month
    ("328673-00679", True),  # 2017 format
    ("328673-00677", False),
    ("40003521600", False),  # a company number is not a personal code
    ("12345", False),
])
def test_personal_code(code: str, valid: bool) -> None:
    assert identifiers.is_personal_code(code) is valid


def test_birth_date_only_from_old_format() -> None:
    assert identifiers.birth_date_from_personal_code("161175-19997") == dt.date(1975, 11, 16)
    assert identifiers.birth_date_from_personal_code("328673-00679") is None


def test_generated_demo_codes_are_valid() -> None:
    birth = dt.date(2009, 4, 3)
    code = personal_code(birth, 42)
    assert identifiers.is_personal_code(code)
    assert identifiers.birth_date_from_personal_code(code) == birth
    assert identifiers.is_personal_code(new_personal_code(77))
    assert identifiers.is_registration_number(legal_number("4000"))


@pytest.mark.parametrize(("number", "valid"), [
    ("40003521600", True), ("40003521601", False), ("161175-19997", False), ("4000352160", False),
])
def test_registration_number(number: str, valid: bool) -> None:
    assert identifiers.is_registration_number(number) is valid


@pytest.mark.parametrize(("number", "valid"), [
    ("LV40003521600", True), ("LV 4000 3521 600", True), ("40003521600", False),
    ("LV40003521601", False),
])
def test_vat_number(number: str, valid: bool) -> None:
    assert identifiers.is_vat_number(number) is valid


@pytest.mark.parametrize(("iban", "valid"), [
    ("LV87HABA0551012345678", True), ("LV87 HABA 0551 0123 4567 8", True),
    ("LV88HABA0551012345678", False),
])
def test_iban(iban: str, valid: bool) -> None:
    assert identifiers.is_iban(iban) is valid


def test_dates_read_day_first_in_latvian() -> None:
    assert formatting.format_date(dt.date(2026, 3, 7), "lv") == "07.03.2026"


@pytest.mark.parametrize(("amount", "text"), [
    (Decimal("1234.5"), "1\xa0234,50\xa0€"),
    (Decimal("0"), "0,00\xa0€"),
    (Decimal("45000"), "45\xa0000,00\xa0€"),
])
def test_money_reads_latvian(amount: Decimal, text: str) -> None:
    assert formatting.format_money(amount, "lv") == text


@pytest.mark.parametrize(("amount", "rounded"), [
    (Decimal("0.005"), Decimal("0.01")), (Decimal("2.345"), Decimal("2.35")),
    (Decimal("2.344"), Decimal("2.34")),
])
def test_money_rounds_half_up(amount: Decimal, rounded: Decimal) -> None:
    assert formatting.round_money(amount) == rounded


@pytest.mark.parametrize(("minutes", "text"), [
    (0, "0\u00a0h"), (45, "45\u00a0min"), (1200, "20\u00a0h"), (750, "12\u00a0h 30\u00a0min"),
    (-90, "−1\u00a0h 30\u00a0min"),
])
def test_minutes_read_as_hours(minutes: int, text: str) -> None:
    assert formatting.format_minutes(minutes) == text


def test_times_read_in_riga() -> None:
    moment = dt.datetime(2026, 7, 1, 9, 30, tzinfo=dt.UTC)
    assert formatting.format_date(moment) == "01.07.2026 12:30"  # EEST, UTC+3
    assert formatting.format_date(moment.replace(tzinfo=None, month=1)) == "01.01.2026 11:30"


@pytest.mark.parametrize(("value", "locale", "text"), [
    (Decimal("90.75"), "lv", "90,75 %"),
    (Decimal("90.75"), "en", "90.75 %"),
    (Decimal("1234.50"), "lv", "1\xa0234,5 %"),
    (Decimal("3.00"), "lv", "3 %"),
    (None, "lv", ""),
])
def test_format_percent(value: Decimal | None, locale: str, text: str) -> None:
    assert formatting.format_percent(value, locale) == text


@pytest.mark.parametrize(("value", "locale", "text"), [
    (5.5, "lv", "5,5"), (5.5, "en", "5.5"), (14.0, "lv", "14"), (1234.56, "lv", "1\xa0234,6"),
    (None, "lv", "–"),
])
def test_format_number(value: float | None, locale: str, text: str) -> None:
    assert formatting.format_number(value, locale) == text


@pytest.mark.parametrize("locale", ["lv", "en"])
def test_money_reads_exactly_as_babel_writes_it(locale: str) -> None:
    """Money is formatted by hand from Babel's pattern (for speed); it reads the same as a
    full Babel call, rounding halves and negatives included."""
    import random
    from decimal import Decimal

    from babel.numbers import format_currency

    from common.formatting import format_money

    rnd = random.Random(27)
    values = [Decimal(v) for v in ("0", "0.00", "-0.01", "0.005", "0.015", "999.995", "12.5",
                                   "1234567.891", "-98765.43", "-1000000")]
    values += [Decimal(rnd.randint(-10**9, 10**9)) / 100 for _ in range(500)]
    assert [format_money(v, locale) for v in values] == [
        format_currency(v, "EUR", locale=locale) for v in values]
