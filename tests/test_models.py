"""Schema invariants every model keeps."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Numeric

from models import db


def test_every_foreign_key_is_indexed() -> None:
    missing = []
    for table in db.metadata.sorted_tables:
        leading = {tuple(index.columns)[0].name for index in table.indexes}
        leading |= {tuple(c.columns)[0].name for c in table.constraints
                    if c.__class__.__name__ in ("UniqueConstraint", "PrimaryKeyConstraint")
                    and c.columns}
        for fk in table.foreign_keys:
            if fk.parent.name not in leading and not fk.parent.unique:
                missing.append(f"{table.name}.{fk.parent.name}")
    assert missing == []


def test_money_columns_are_decimal_with_cents() -> None:
    numeric = [c for t in db.metadata.sorted_tables for c in t.columns
               if isinstance(c.type, Numeric)]
    assert len(numeric) >= 10
    # Not money: a rate per km to a tenth of a cent, a distance to 100 m.
    measures = {"programme.km_rate": 3, "expense_claim.distance_km": 1}
    for column in numeric:
        assert column.type.asdecimal and column.type.python_type is Decimal, column
        expected = measures.get(f"{column.table.name}.{column.name}", 2)
        assert column.type.scale == expected, column  # euros to the cent; VAT as 21.00 %


def test_every_column_has_a_translatable_label() -> None:
    unlabeled = [
        f"{table.name}.{column.name}"
        for table in db.metadata.sorted_tables if table.name not in {
            "youth_risk_factor", "course_topic", "supervision_attendee", "invoice_sequence"}
        for column in table.columns
        if not column.primary_key and column.name not in {
            "password_hash", "session_version", "totp_secret", "totp_last_step", "recovery_codes"}
        and "label" not in column.info
    ]
    assert unlabeled == []


def test_sensitive_flags_match_the_access_policy() -> None:
    """A column flagged ``sensitive`` in the model is exactly one the policy hides from a role."""
    from mentoring.access import SENSITIVE_FOR

    flagged = {
        (mapper.class_, prop.key)
        for mapper in db.Model.registry.mappers
        for prop in [*mapper.column_attrs, *mapper.relationships]
        if (prop.info or getattr(getattr(prop, "columns", [None])[0], "info", {}) or {}).get(
            "sensitive")
    }
    hidden = {(model, name) for model, columns in SENSITIVE_FOR.items() for name in columns}
    assert flagged == hidden
