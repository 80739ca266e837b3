"""Youths' records: the rules every stored youth meets (the intake lives in ``referrals``)."""

from __future__ import annotations

from collections.abc import Iterator

from common import identifiers
from common.errors import RuleViolation
from common.i18n import _l
from mentoring import rules
from models import Youth


@rules.normalises(Youth)
def _stored_personal_code(y: Youth) -> None:
    """A valid personal code is kept in one written form (DDMMYY-XNNNN)."""
    if y.personal_code and identifiers.is_personal_code(y.personal_code):
        y.personal_code = identifiers.normalise_personal_code(y.personal_code)


@rules.checks(Youth)
def _youth(y: Youth) -> Iterator[RuleViolation]:
    yield from rules.not_in_future(y.birth_date, "birth_date")
    if y.personal_code:
        if not identifiers.is_personal_code(y.personal_code):
            yield RuleViolation(_l("Not a valid Latvian personal code."), "personal_code")
        else:
            born = identifiers.birth_date_from_personal_code(y.personal_code)
            if born and y.birth_date and born != y.birth_date:
                yield RuleViolation(
                    _l("The personal code does not match the date of birth."), "personal_code"
                )
    municipality = rules.municipality_id_of(y)
    if y.locality and municipality and rules.municipality_id_of(y.locality) != municipality:
        yield RuleViolation(_l("The locality belongs to another municipality."), "locality")
