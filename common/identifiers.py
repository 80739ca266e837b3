"""Latvian identifiers: personal codes, registration and VAT numbers, IBANs (python-stdnum)."""

from __future__ import annotations

import datetime as dt

from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError
from stdnum.lv import pvn


def normalise_personal_code(value: str) -> str:
    """``DDMMYY-XNNNN`` for both formats, the way Latvians write it."""
    digits = pvn.compact(value)
    return f"{digits[:6]}-{digits[6:]}"


def is_personal_code(value: str) -> bool:
    digits = pvn.compact(value)
    return len(digits) == 11 and digits[0] <= "3" and pvn.is_valid(digits)


def birth_date_from_personal_code(value: str) -> dt.date | None:
    """The birth date an old-format code carries; ``None`` for the 2017 format (starts 32)."""
    digits = pvn.compact(value)
    if digits.startswith("32"):
        return None
    try:
        return pvn.get_birth_date(digits)
    except ValidationError:
        return None


def is_registration_number(value: str) -> bool:
    """An 11-digit legal-entity number (Uzņēmumu reģistrs), checksum included."""
    digits = value.strip()
    return len(digits) == 11 and digits.isdigit() and digits[0] > "3" and pvn.is_valid(digits)


def normalise_vat_number(value: str) -> str:
    return "LV" + pvn.compact(value)


def is_vat_number(value: str) -> bool:
    compact = value.replace(" ", "").upper()
    return compact.startswith("LV") and is_registration_number(compact[2:])


def normalise_iban(value: str) -> str:
    return stdnum_iban.compact(value)


def is_iban(value: str) -> bool:
    return stdnum_iban.is_valid(value)
