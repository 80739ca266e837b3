"""Record-level rules that hold on every path: forms, actions, imports, CLI.

Each concept module registers its own rules for its models — ``@rules.checks(ServiceEntry)``
in ``hours.py`` — and, where a value is put in its stored form first, a separate normaliser
(``@rules.normalises(Youth)``). ``install`` hooks both into every flush of the application's
sessions: the normalisers run, then every check, and one ``RuleViolations`` lists every
problem with the field it concerns, so no path can store a record that breaks them. This
module knows no workflow module; they build on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import event, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from common.clock import today
from common.errors import RuleViolation, RuleViolations
from common.i18n import _l
from models import Contract, Invoice, Mentor, Pair, ServiceEntry, Youth

Checker = Callable[[Any], Iterator[RuleViolation]]
Normaliser = Callable[[Any], None]
_CHECKERS: dict[type, list[Checker]] = {}
_NORMALISERS: dict[type, list[Normaliser]] = {}

MINUTE_STEP = 15


def checks(model: type) -> Callable[[Checker], Checker]:
    """Register a check of ``model``'s records: it yields violations and changes nothing."""
    def register(fn: Checker) -> Checker:
        _CHECKERS.setdefault(model, []).append(fn)
        return fn

    return register


def normalises(model: type) -> Callable[[Normaliser], Normaliser]:
    """Register a step that puts values of ``model``'s records in their stored form (a
    normalised personal code, a derived date) before the checks see them."""
    def register(fn: Normaliser) -> Normaliser:
        _NORMALISERS.setdefault(model, []).append(fn)
        return fn

    return register


def normalise(obj: Any) -> None:
    for fn in _NORMALISERS.get(type(obj), []):
        fn(obj)


# Dates a record of this service can plausibly carry; beyond them a typing slip (9999-12-31,
# 0001-01-01) would slip past every "before" and "after" rule.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)


def dates_in_range(obj: Any) -> Iterator[RuleViolation]:
    """Every date column of any record lies between ``EARLIEST`` and ``LATEST``."""
    for attr in sa_inspect(type(obj)).column_attrs:
        value = getattr(obj, attr.key, None)
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            continue
        if value > LATEST:
            yield RuleViolation(_l("The date is too far in the future."), attr.key)
        elif value < EARLIEST:
            yield RuleViolation(_l("The date is too far in the past."), attr.key)


def record_problems(obj: Any) -> list[RuleViolation]:
    """Every record rule ``obj`` breaks, to be shown together with a form's other errors.
    A date outside the service's years is reported alone: the other rules would compute
    months and periods from it."""
    out_of_range = list(dates_in_range(obj))
    if out_of_range:
        return out_of_range
    return [v for fn in _CHECKERS.get(type(obj), []) for v in fn(obj)]


def check_record(obj: Any) -> None:
    """Raise ``RuleViolations`` when ``obj`` breaks any record rule; return quietly otherwise."""
    problems = record_problems(obj)
    if problems:
        raise RuleViolations(problems)


def prepare(obj: Any) -> None:
    """Normalise ``obj``, then check it: what every flush does to a new or changed record."""
    normalise(obj)
    check_record(obj)


def install(session_cls: type[Session]) -> None:
    """Run ``prepare`` on every new or changed object before a session of ``session_cls``
    (the application's own class, not SQLAlchemy's) flushes it."""
    if event.contains(session_cls, "before_flush", _before_flush):
        return
    event.listen(session_cls, "before_flush", _before_flush)


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in list(session.new) + list(session.dirty):
        if obj in session.new or session.is_modified(obj):
            prepare(obj)
    for obj in list(session.deleted):
        problem = deletion_refused(session, obj)
        if problem is not None:
            raise RuleViolations([problem])


def deletion_refused(session: Session, obj: Any) -> RuleViolation | None:
    """Records that service hours or invoices rest on are kept: archived or ended, never
    deleted (a youth, a mentor, a pair, a contract)."""
    pairs = {Youth: Pair.youth_id, Mentor: Pair.mentor_id, Pair: Pair.id,
             Contract: Pair.contract_id}.get(type(obj))
    if pairs is None:
        return None
    used = select(Pair.id).where(pairs == obj.id)
    hours = session.scalar(select(ServiceEntry.id).where(ServiceEntry.pair_id.in_(used)).limit(1))
    billed = session.scalar(select(Invoice.id).where(Invoice.contract_id == obj.id).limit(1)) \
        if isinstance(obj, Contract) else None
    if hours is None and billed is None:
        return None
    if isinstance(obj, Youth | Mentor):
        return RuleViolation(_l("Service hours or invoices rest on this record, so it is kept: "
                                "archive it instead of deleting it."))
    if isinstance(obj, Pair):
        return RuleViolation(_l("Service hours rest on this pair, so it is kept: end it "
                                "instead of deleting it."))
    return RuleViolation(_l("Service hours or invoices rest on this contract, so it is kept."))


def municipality_id_of(obj: Any) -> Any:
    """The municipality id of ``obj``, also before its first flush."""
    if obj is None:
        return None
    if getattr(obj, "municipality_id", None) is not None:
        return obj.municipality_id
    municipality = getattr(obj, "municipality", None)
    return municipality.id if municipality is not None else None


def dates_in_order(start: Any, end: Any, field: str) -> Iterator[RuleViolation]:
    if start and end and end < start:
        yield RuleViolation(_l("The end date cannot be before the start date."), field)


def not_in_future(day: Any, field: str) -> Iterator[RuleViolation]:
    if day and day > today():
        yield RuleViolation(_l("The date cannot be in the future."), field)
