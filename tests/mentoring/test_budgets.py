"""The budget overview: invoiced, paid, not yet invoiced, committed and the forecast, by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import insert, select, true, update

from common.enums import Activity, EntryStatus, InvoiceKind, InvoiceStatus, Mode, PairStatus
from mentoring import budgets
from models import (
    Budget,
    Contract,
    Invoice,
    Municipality,
    Pair,
    Programme,
    Provider,
    ServiceEntry,
)

YEAR = 2031
TODAY = dt.date(YEAR, 10, 15)


@pytest.fixture()
def world(db: Any, demo_users: Any) -> dict[str, Any]:
    """A programme of Liepāja in 2031 with a 20 h cap, a 15.00 €/h contract, a 2 000 € budget,
    two active pairs and one completed, known entries and invoices (written with plain SQL:
    the figures are about a year that has not come yet)."""
    s = db.session
    city = s.scalar(select(Municipality).where(Municipality.case_prefix == "LIE"))
    provider = s.scalar(select(Provider).where(Provider.invoice_prefix == "YOU"))
    programme = Programme(name="Budžeta tests", municipality=city, paid=True,
                          monthly_cap_minutes=1200, min_months=3, max_months=5)
    s.add(programme)
    s.flush()
    contract = Contract(number="T-2031/1", municipality=city, provider=provider,
                        programme=programme, valid_from=dt.date(YEAR, 1, 1),
                        valid_to=dt.date(YEAR, 12, 31), hourly_rate=Decimal("15.00"))
    s.add_all([contract, Budget(municipality=city, programme=programme, year=YEAR,
                                amount=Decimal("2000.00"))])
    s.flush()
    a, b, done = s.scalars(select(Pair).where(Pair.provider_id == provider.id)
                           .order_by(Pair.id).limit(3)).all()
    for pair, status, end in ((a, PairStatus.active, dt.date(YEAR, 12, 15)),
                              (b, PairStatus.active, dt.date(YEAR, 11, 30)),
                              (done, PairStatus.completed, dt.date(YEAR, 12, 31))):
        s.execute(update(Pair).where(Pair.id == pair.id).values(
            programme_id=programme.id, contract_id=contract.id, status=status,
            planned_end_on=end))
    entry = {"activity": Activity.study, "mode": Mode.in_person, "billable": True}
    s.execute(insert(ServiceEntry), [
        {**entry, "pair_id": a.id, "day": dt.date(YEAR, 10, 3), "minutes": 120,
         "status": EntryStatus.approved},
        {**entry, "pair_id": a.id, "day": dt.date(YEAR, 9, 10), "minutes": 60,
         "status": EntryStatus.logged},
        {**entry, "pair_id": b.id, "day": dt.date(YEAR, 10, 5), "minutes": 30,
         "status": EntryStatus.rejected, "rejection_reason": "dubults"},
        {**entry, "pair_id": b.id, "day": dt.date(YEAR, 10, 6), "minutes": 90,
         "status": EntryStatus.approved},
        {**entry, "pair_id": b.id, "day": dt.date(YEAR, 10, 7), "minutes": 60,
         "status": EntryStatus.approved, "billable": False},
        {**entry, "pair_id": done.id, "day": dt.date(YEAR + 1, 1, 7), "minutes": 60,
         "status": EntryStatus.approved},  # another year
    ])
    head = {"provider_id": provider.id, "municipality_id": city.id,
            "contract_id": contract.id, "year": YEAR, "vat_amount": Decimal("0.00"),
            "kind": InvoiceKind.invoice}
    rows = [
        ("T-1", 8, InvoiceStatus.paid, Decimal("300.00"), dt.date(YEAR, 9, 20)),
        ("T-2", 9, InvoiceStatus.credited, Decimal("150.00"), None),
        ("T-3", 9, InvoiceStatus.draft, None, None),
    ]
    for number, month, status, total, paid_on in rows:
        s.execute(insert(Invoice).values(
            **head, number=number if status != InvoiceStatus.draft else None, month=month,
            status=status, issued_on=dt.date(YEAR, month + 1, 2) if total else None,
            due_on=None, paid_on=paid_on, paid_amount=total if paid_on else None,
            net_amount=total or Decimal("77.00"),
            total_amount=total or Decimal("77.00")))
    credited = s.scalar(select(Invoice.id).where(Invoice.number == "T-2"))
    s.execute(insert(Invoice).values(
        **{**head, "kind": InvoiceKind.credit_note}, number="T-4", month=9,
        status=InvoiceStatus.issued, issued_on=dt.date(YEAR, 10, 9), credited_invoice_id=credited,
        net_amount=Decimal("-150.00"), total_amount=Decimal("-150.00")))
    s.execute(insert(Invoice).values(**{**head, "year": YEAR - 1}, number="T-0", month=12,
                                     status=InvoiceStatus.issued, issued_on=dt.date(YEAR, 1, 3),
                                     net_amount=Decimal("999.00"), total_amount=Decimal("999.00")))
    s.commit()
    return {"programme": programme, "city": city}


def line_of(lines: list[budgets.BudgetLine], programme: Programme) -> budgets.BudgetLine:
    (line,) = [line for line in lines if line.programme_id == programme.id]
    return line


def test_figures_by_hand(db: Any, world: dict[str, Any]) -> None:
    line = line_of(budgets.overview(db.session, YEAR, true(), TODAY), world["programme"])
    assert line.budget == Decimal("2000.00")
    # T-1 300 + T-2 150 − credit note T-4 150; the draft and last year's invoice do not count.
    assert line.invoiced == Decimal("300.00") and line.paid == Decimal("300.00")
    assert line.outstanding == Decimal("0.00")
    # Not yet invoiced: 120 + 60 + 90 billable minutes = 4.5 h × 15 € (rejected, non-billable
    # and next year's entries left out).
    assert line.unbilled == Decimal("67.50")
    # Committed, today 15.10.: pair A Oct (1200 − 120) + Nov 1200 + Dec 1200 = 3480 min = 870 €;
    # pair B Oct (1200 − 90) + Nov 1200 = 2310 min = 577.50 €; the completed pair nothing.
    assert line.committed == Decimal("1447.50")
    assert line.forecast == Decimal("1815.00") and line.remaining == Decimal("185.00")
    assert line.percent(line.forecast) == Decimal("90.75") and line.level == "warning"


def test_a_past_year_commits_nothing_and_a_small_budget_is_over(
        db: Any, world: dict[str, Any]) -> None:
    after = line_of(budgets.overview(db.session, YEAR, true(), dt.date(YEAR + 1, 2, 1)),
                    world["programme"])
    assert after.committed == Decimal("0.00") and after.forecast == Decimal("367.50")
    db.session.execute(update(Budget).where(Budget.programme_id == world["programme"].id)
                       .values(amount=Decimal("1500.00")))
    line = line_of(budgets.overview(db.session, YEAR, true(), TODAY), world["programme"])
    assert line.level == "over" and line.remaining == Decimal("-315.00")
    db.session.rollback()


def test_scope_and_constant_queries(db: Any, world: dict[str, Any], count_queries: Any) -> None:
    ogre = db.session.scalar(select(Municipality).where(Municipality.case_prefix == "OGR"))
    lines = budgets.overview(db.session, YEAR, Programme.municipality_id == ogre.id, TODAY)
    assert lines and all(line.municipality == ogre.name for line in lines)
    with count_queries() as counted:
        budgets.overview(db.session, YEAR, true(), TODAY)
    assert counted.count <= 5  # whatever the number of programmes, pairs and entries
