"""The per-month totals the triggers keep equal what the entries say, after any change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, func, select, update

from common.enums import EntryStatus
from models import EntryMonth, ServiceEntry
from tests import small_world


def from_entries(db: Any) -> dict[tuple, tuple[int, int]]:
    month = func.date(ServiceEntry.day, "start of month") \
        if db.engine.dialect.name == "sqlite" else func.date_trunc("month", ServiceEntry.day)
    rows = db.session.execute(
        select(ServiceEntry.pair_id, month, ServiceEntry.status, ServiceEntry.billable,
               func.sum(ServiceEntry.minutes), func.count())
        .group_by(ServiceEntry.pair_id, month, ServiceEntry.status, ServiceEntry.billable)).all()
    return {(p, str(m)[:10], str(getattr(s, "value", s)), bool(b)): (int(n), int(c))
            for p, m, s, b, n, c in rows}


def from_totals(db: Any) -> dict[tuple, tuple[int, int]]:
    return {(t.pair_id, t.month.isoformat(), t.status.value, t.billable): (t.minutes, t.entries)
            for t in db.session.scalars(select(EntryMonth).where(EntryMonth.entries > 0))}


def test_totals_follow_every_kind_of_change(db: Any) -> None:
    ids = small_world.build(db.session)
    assert from_totals(db) == from_entries(db) and len(from_totals(db)) >= 6
    # ORM change of status and minutes, a Core bulk update, a move to another month, deletes.
    entry = db.session.scalars(select(ServiceEntry).where(ServiceEntry.pair_id == ids["pa"])
                               .order_by(ServiceEntry.id)).first()
    entry.status = EntryStatus.rejected
    entry.rejection_reason = "kļūda"
    db.session.commit()
    db.session.execute(update(ServiceEntry).where(ServiceEntry.pair_id == ids["pb"])
                       .values(minutes=ServiceEntry.minutes + 15))
    db.session.execute(update(ServiceEntry).where(ServiceEntry.pair_id == ids["pc"])
                       .values(day=dt.date(2026, 3, 3), billable=False))
    db.session.commit()
    assert from_totals(db) == from_entries(db)
    db.session.execute(delete(ServiceEntry).where(ServiceEntry.pair_id == ids["pa"]))
    db.session.commit()
    assert from_totals(db) == from_entries(db)
    assert not [t for t in db.session.scalars(select(EntryMonth)) if t.minutes < 0]


def test_issuing_and_crediting_move_the_totals(db: Any, demo_users: Any) -> None:
    """Invoicing moves a month's entries in one grouped statement, not through the triggers;
    the totals still equal the entries after the invoice and after its credit note."""
    from common.actor import Actor
    from mentoring import invoicing
    from models import Contract, Pair, User

    assert from_totals(db) == from_entries(db)
    contract, year, month = db.session.execute(
        select(Contract, func.extract("year", ServiceEntry.day),
               func.extract("month", ServiceEntry.day))
        .join(Pair, Pair.contract_id == Contract.id).join(ServiceEntry)
        .where(ServiceEntry.status == EntryStatus.approved, ServiceEntry.billable.is_(True))
        .order_by(ServiceEntry.day).limit(1)).one()
    admin = Actor.of(db.session.scalar(select(User).where(User.email == "admin@mentori.lv")))
    invoice = invoicing.issue_invoice(db.session, contract=contract, year=int(year),
                                      month=int(month), actor=admin,
                                      issued_on=dt.date(2026, 10, 14), early_reason="tests")
    db.session.commit()
    totals = from_totals(db)
    assert totals == from_entries(db)
    assert any(key[2] == "invoiced" for key in totals)
    invoicing.credit_note(db.session, invoice, actor=admin, issued_on=dt.date(2026, 10, 14))
    db.session.commit()
    assert from_totals(db) == from_entries(db)
    assert not [t for t in db.session.scalars(select(EntryMonth)) if t.minutes < 0]
