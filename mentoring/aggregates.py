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


def median_days(db: Session, start: Any, end: Any, where: Any) -> float | None:
    """The median number of days from ``start`` to ``end`` (date columns) over the rows
    ``where`` selects: the database counts each pair of dates (an index on both answers
    without reading the rows), the days and their middle are worked out here."""
    counts: dict[int, int] = {}
    for first, last, n in db.execute(
            select(start, end, func.count())
            .where(where, start.is_not(None), end.is_not(None)).group_by(start, end)):
        days = (last - first).days
        counts[days] = counts.get(days, 0) + n
    return median_of_counts(sorted(counts.items()))


def median_of_counts(counts: list[tuple[Any, int]]) -> float | None:
    """The median of values given with how many times each occurs, in order."""
    total = sum(n for _, n in counts)
    if not total:
        return None
    wanted = {(total - 1) // 2, total // 2}  # the middle one, or the middle two
    found, seen = [], 0
    for v, n in counts:
        found += [float(v)] * len({i for i in wanted if seen <= i < seen + n})
        seen += n
    return round(sum(found) / len(found), 1)


def first_and_total(db: Session, query: Any, limit: int | None) -> tuple[list[Any], int]:
    """The first ``limit`` rows of ``query`` (all when None) and how many there are in all:
    counted apart only when the rows reach the limit, and without the ordering (a window
    count would sort every match to show five)."""
    rows = list(db.execute(query.limit(limit) if limit else query).all())
    if limit is None or len(rows) < limit:
        return rows, len(rows)
    total = db.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return rows, int(total or 0)


def as_dict(rows: Iterable[Any]) -> dict[Any, Any]:
    """``{first: second}`` of (key, value) result rows, e.g. counts grouped by a column."""
    return {row[0]: row[1] for row in rows}
