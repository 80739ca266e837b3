"""Domain errors: what a rule refuses, in words people can read, and which field it is about."""

from __future__ import annotations

from typing import Any


class RuleViolation(Exception):
    """A business rule refused a change.

    ``message`` is a lazy translatable string; ``field`` names the attribute the
    message belongs to (``None`` for the record as a whole).
    """

    def __init__(self, message: Any, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field


class RuleViolations(RuleViolation):
    """Several violations found at once, so a form can show them all together."""

    def __init__(self, violations: list[RuleViolation]) -> None:
        super().__init__("; ".join(str(v.message) for v in violations))
        self.violations = violations
