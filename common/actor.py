"""Who acts: the signed-in user (or an operator's command), as a frozen value.

Built once at the edge — per request by the screens, per command by the CLI — and passed to
the access policy and every domain function, so none of them reads a request or a session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from common.enums import Role


class _UserLike(Protocol):
    id: int
    role: Role
    municipality_id: int | None
    provider_id: int | None
    mentor_id: int | None


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    role: Role | None
    municipality_id: int | None = None
    provider_id: int | None = None
    mentor_id: int | None = None
    ip: str = ""

    @classmethod
    def of(cls, user: _UserLike | None, ip: str = "") -> Actor:
        """The actor for ``user`` (``None`` or an anonymous user: nobody, no rights)."""
        if user is None or not getattr(user, "is_authenticated", True):
            return cls(user_id=None, role=None, ip=ip)
        return cls(user_id=user.id, role=Role(user.role), municipality_id=user.municipality_id,
                   provider_id=user.provider_id, mentor_id=user.mentor_id, ip=ip)

    @classmethod
    def system(cls, ip: str = "") -> Actor:
        """An operator's command or the demo loader: every right, no user to record."""
        return cls(user_id=None, role=Role.admin, ip=ip)

    @property
    def signed_in(self) -> bool:
        return self.role is not None
