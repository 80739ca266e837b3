"""Users' records: each belongs to the organisation its role works for."""

from __future__ import annotations

from collections.abc import Iterator

from common.enums import Role
from common.errors import RuleViolation
from common.i18n import _l
from mentoring import rules
from models import User


@rules.checks(User)
def _user(u: User) -> Iterator[RuleViolation]:
    role = u.role
    has_m = u.municipality_id is not None or u.municipality is not None
    has_p = u.provider_id is not None or u.provider is not None
    if role == Role.admin and (has_m or has_p):
        yield RuleViolation(_l("An administrator is not tied to an organisation."), "role")
    if role == Role.municipality and (not has_m or has_p):
        yield RuleViolation(_l("Social service staff belong to one municipality."), "municipality")
    if role in (Role.provider, Role.mentor) and (not has_p or has_m):
        yield RuleViolation(_l("Choose the provider organisation."), "provider")
    if role == Role.mentor and u.mentor_id is None and u.mentor is None:
        yield RuleViolation(_l("Link the mentor record this user signs in for."), "mentor")
