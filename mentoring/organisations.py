"""Municipalities, providers, programmes, budgets and contracts: the rules their records
meet (identifiers, programme parameters, amounts, who a contract binds)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from common import identifiers
from common.errors import RuleViolation
from common.i18n import _l
from mentoring import rules
from models import Budget, Contract, Municipality, Programme, Provider


@rules.checks(Municipality)
def _municipality(m: Municipality) -> Iterator[RuleViolation]:
    if m.reg_number is not None and not identifiers.is_registration_number(m.reg_number):
        yield RuleViolation(_l("Not a valid Latvian registration number (11 digits)."), "reg_number")


@rules.checks(Provider)
def _provider(p: Provider) -> Iterator[RuleViolation]:
    if p.reg_number is not None and not identifiers.is_registration_number(p.reg_number):
        yield RuleViolation(_l("Not a valid Latvian registration number (11 digits)."), "reg_number")
    if p.vat_number:
        if not identifiers.is_vat_number(p.vat_number):
            yield RuleViolation(_l("Not a valid Latvian VAT number (LV and 11 digits)."), "vat_number")
        elif identifiers.normalise_vat_number(p.vat_number) != f"LV{p.reg_number}":
            yield RuleViolation(
                _l("A Latvian VAT number is LV followed by the registration number."), "vat_number"
            )
    if p.iban is not None and not identifiers.is_iban(p.iban):
        yield RuleViolation(_l("Not a valid IBAN."), "iban")


@rules.checks(Programme)
def _programme(p: Programme) -> Iterator[RuleViolation]:
    if p.min_youth_age is not None and p.max_youth_age is not None:
        if p.min_youth_age > p.max_youth_age:
            yield RuleViolation(_l("The lower age cannot exceed the upper age."), "max_youth_age")
    if p.self_referral_min_age is not None and p.min_youth_age is not None:
        if p.self_referral_min_age < p.min_youth_age:
            yield RuleViolation(
                _l("Self-referral age cannot be below the programme's lowest age."),
                "self_referral_min_age",
            )
    if p.min_mentor_age is not None and p.min_mentor_age < 18:
        yield RuleViolation(_l("A mentor must be an adult (18 or older)."), "min_mentor_age")
    if p.min_months is not None and p.min_months < 1:
        yield RuleViolation(_l("Must be at least 1."), "min_months")
    if p.max_months is not None and p.min_months is not None and p.max_months < p.min_months:
        yield RuleViolation(_l("The upper length cannot be below the lower length."), "max_months")
    cap = p.monthly_cap_minutes
    if cap is not None and (cap <= 0 or cap % rules.MINUTE_STEP):
        yield RuleViolation(
            _l("Enter a positive number of minutes in 15-minute steps."), "monthly_cap_minutes"
        )
    if p.mentor_capacity is not None and p.mentor_capacity < 1:
        yield RuleViolation(_l("Must be at least 1."), "mentor_capacity")
    percent = p.training_attendance_percent
    if percent is not None and not 0 <= percent <= 100:
        yield RuleViolation(_l("Enter a percentage from 0 to 100."), "training_attendance_percent")
    for name in ("decision_target_days", "reminder_idle_days"):
        if getattr(p, name) is not None and getattr(p, name) < 1:
            yield RuleViolation(_l("Must be at least 1."), name)
    if p.hours_deadline_day is not None and not 1 <= p.hours_deadline_day <= 28:
        yield RuleViolation(_l("Enter a day from 1 to 28."), "hours_deadline_day")


@rules.checks(Budget)
def _budget(b: Budget) -> Iterator[RuleViolation]:
    if b.amount is not None and b.amount < 0:
        yield RuleViolation(_l("The amount cannot be negative."), "amount")
    if b.year is not None and not 2000 <= b.year <= 2100:
        yield RuleViolation(_l("Enter a year between 2000 and 2100."), "year")
    if b.programme and b.municipality and rules.municipality_id_of(b.programme) != b.municipality.id:
        yield RuleViolation(_l("The programme belongs to another municipality."), "programme")


@rules.checks(Contract)
def _contract(c: Contract) -> Iterator[RuleViolation]:
    yield from rules.dates_in_order(c.valid_from, c.valid_to, "valid_to")
    if c.hourly_rate is not None and c.hourly_rate < 0:
        yield RuleViolation(_l("The rate cannot be negative."), "hourly_rate")
    if c.vat_rate is not None and not Decimal(0) <= c.vat_rate <= Decimal(100):
        yield RuleViolation(_l("Enter a VAT rate from 0 to 100."), "vat_rate")
    # Exempt (E) needs its reason on the invoice; a provider that is no VAT payer is outside
    # the scope of VAT (O) and needs none of its own.
    provider = c.provider
    registered = provider is not None and bool(provider.vat_number)
    if c.vat_rate == 0 and registered and not (c.vat_exemption_note or "").strip():
        yield RuleViolation(
            _l("A VAT-exempt contract needs the exemption note printed on invoices."),
            "vat_exemption_note",
        )
    if c.ceiling is not None and c.ceiling < 0:
        yield RuleViolation(_l("The amount cannot be negative."), "ceiling")
    if c.programme and c.municipality and rules.municipality_id_of(c.programme) != c.municipality.id:
        yield RuleViolation(_l("The programme belongs to another municipality."), "programme")
