"""Portable SQL building blocks for figures computed in the database, on SQLite and
PostgreSQL alike: days between dates, full years of age, and the median."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session


def days_between(db: Session, start: Any, end: Any) -> Any:
    if db.get_bind().dialect.name == "postgresql":
        return end - start  # date - date is an integer number of days
    return func.julianday(end) - func.julianday(start)


def age_years(db: Session, birth: Any, on: Any) -> Any:
    """Full years from ``birth`` to ``on`` (both dates), as an integer expression."""
    if db.get_bind().dialect.name == "postgresql":
        return cast(func.date_part("year", func.age(on, birth)), Integer)
    years = cast(func.strftime("%Y", on), Integer) - cast(func.strftime("%Y", birth), Integer)
    return years - cast(func.strftime("%m-%d", on) < func.strftime("%m-%d", birth), Integer)


def median(db: Session, values: Any) -> float | None:
    """The median of a one-column select, computed in SQL with window functions."""
    inner = values.subquery()
    value = inner.c[0]
    ranked = select(
        value.label("v"),
        func.row_number().over(order_by=value).label("rn"),
        func.count().over().label("n"),
    ).where(value.is_not(None)).subquery()
    result = db.scalar(select(func.avg(ranked.c.v)).where(
        ranked.c.rn.between((ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2)))
    return None if result is None else round(float(result), 1)


def as_dict(rows: Iterable[Any]) -> dict[Any, Any]:
    """``{first: second}`` of (key, value) result rows, e.g. counts grouped by a column."""
    return {row[0]: row[1] for row in rows}
