"""Invoicing (rule 8): exact lines and totals, gap-free concurrent numbering, credit notes."""

from __future__ import annotations

import datetime as dt
import os
import threading
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import delete, select, update

from common.actor import Actor
from common.enums import Activity, EntryStatus, InvoiceKind, Mode, PairStatus
from common.errors import RuleViolation
from mentoring import invoicing
from models import Contract, Invoice, InvoiceSequence, Pair, ServiceEntry, User
from models.base import CheckedSession


@pytest.fixture()
def billing(db: Any, demo_users: Any) -> dict[str, Any]:
    """YOU+'s contract with two of its pairs given known, approved hours last month."""
    from common.clock import today

    last = (today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    contract = db.session.scalar(select(Contract).join(Contract.provider).where(
        Contract.number == "SD-2025/17"))
    pairs = db.session.scalars(select(Pair).where(
        Pair.contract_id == contract.id, Pair.starts_on <= last,
        Pair.status == PairStatus.active).order_by(Pair.id)).all()[:2]
    assert len(pairs) == 2
    every_pair = select(Pair.id).where(Pair.contract_id == contract.id)
    db.session.execute(delete(ServiceEntry).where(
        ServiceEntry.pair_id.in_(every_pair), ServiceEntry.invoice_id.is_(None),
        ServiceEntry.day >= last, ServiceEntry.day < today().replace(day=1)))
    actor = db.session.scalar(select(User).where(User.email == "you@mentori.lv"))
    entries = []
    for pair, minutes in [(pairs[0], 95 - 5), (pairs[0], 45), (pairs[1], 25 + 5), (pairs[1], 15)]:
        entries.append(ServiceEntry(pair=pair, day=max(last, pair.starts_on), minutes=minutes,
                                    activity=Activity.study, mode=Mode.in_person,
                                    status=EntryStatus.approved))
    db.session.add_all(entries)
    db.session.commit()
    return {"contract": contract, "pairs": pairs, "year": last.year, "month": last.month,
            "actor": actor, "day": last}


def issue(db: Any, billing: dict[str, Any], **kw: Any) -> Invoice:
    kw.setdefault("issued_on", billing["day"] + dt.timedelta(days=35))
    return invoicing.issue_invoice(
        db.session, contract=billing["contract"], year=billing["year"], month=billing["month"],
        actor=Actor.of(billing["actor"]), **kw)


def test_lines_and_totals_by_hand(db: Any, billing: dict[str, Any]) -> None:
    preview = invoicing.preview(db.session, billing["contract"], billing["year"], billing["month"])
    invoice = issue(db, billing, expected=preview.fingerprint)
    by_pair = {line.pair_id: line for line in invoice.lines}
    first, second = billing["pairs"]
    # 135 min × 14.50 €/h = 32.625 → 32.63 (half-up); 45 min × 14.50 = 10.875 → 10.88
    assert by_pair[first.id].minutes == 135 and by_pair[first.id].amount == Decimal("32.63")
    assert by_pair[second.id].minutes == 45 and by_pair[second.id].amount == Decimal("10.88")
    assert invoice.net_amount == Decimal("43.51") and invoice.vat_amount == Decimal("0.00")
    assert invoice.total_amount == sum(line.amount for line in invoice.lines)
    assert by_pair[first.id].description == f"{first.youth.case_number} {first.youth.initials}"
    assert first.youth.last_name not in by_pair[first.id].description
    billed = db.session.scalars(select(ServiceEntry).where(
        ServiceEntry.invoice_id == invoice.id)).all()
    assert len(billed) == 4 and all(e.status == EntryStatus.invoiced for e in billed)


def test_only_approved_billable_entries_are_billed(db: Any, billing: dict[str, Any]) -> None:
    first = billing["pairs"][0]
    db.session.add_all([
        ServiceEntry(pair=first, day=billing["day"], minutes=60, activity=Activity.study,
                     status=EntryStatus.logged),
        ServiceEntry(pair=first, day=billing["day"], minutes=60, activity=Activity.study,
                     status=EntryStatus.approved, billable=False),
    ])
    db.session.commit()
    preview = invoicing.preview(db.session, billing["contract"], billing["year"], billing["month"])
    assert preview.waiting >= 1
    assert sum(line.minutes for line in preview.lines) == 180


def test_numbers_are_gap_free_per_provider_and_year(db: Any, billing: dict[str, Any]) -> None:
    sequence = db.session.get(InvoiceSequence, (billing["contract"].provider_id,
                                                 billing["day"].year + 1))
    assert sequence is None
    numbers = [invoicing.next_number(db.session, billing["contract"].provider,
                                     billing["day"].year + 1) for _ in range(3)]
    year = billing["day"].year + 1
    assert numbers == [f"YOU-{year}-0001", f"YOU-{year}-0002", f"YOU-{year}-0003"]
    db.session.rollback()
    assert invoicing.next_number(db.session, billing["contract"].provider,
                                 year) == f"YOU-{year}-0001"  # a rolled-back issue gives it back
    db.session.rollback()


def preview_ids(db: Any, billing: dict[str, Any]) -> list[int]:
    return invoicing.preview(db.session, billing["contract"], billing["year"],
                             billing["month"]).entry_ids


def test_bad_requests_change_nothing(db: Any, billing: dict[str, Any]) -> None:
    with pytest.raises(RuleViolation):
        issue(db, billing, expected=invoicing.fingerprint([*preview_ids(db, billing), 999999]))
    db.session.rollback()
    contract = billing["contract"]
    with pytest.raises(RuleViolation):
        invoicing.issue_invoice(db.session, contract=contract, year=contract.valid_to.year + 1,
                                month=1, actor=Actor.of(billing["actor"]), issued_on=billing["day"])
    db.session.rollback()
    issue(db, billing)
    db.session.commit()
    with pytest.raises(RuleViolation):  # nothing left to bill in that month
        issue(db, billing)
    db.session.rollback()


def test_issued_invoice_cannot_change_by_any_path(db: Any, billing: dict[str, Any]) -> None:
    from common.errors import RuleViolations

    invoice = issue(db, billing)
    db.session.commit()
    invoice.total_amount = Decimal("1.00")
    with pytest.raises(RuleViolations):
        db.session.flush()
    db.session.rollback()


def test_credit_note_reverses_and_releases_the_entries(db: Any, billing: dict[str, Any]) -> None:
    invoice = issue(db, billing)
    db.session.commit()
    note = invoicing.credit_note(db.session, invoice, actor=Actor.of(billing["actor"]),
                                 issued_on=invoice.issued_on)
    db.session.commit()
    assert note.kind == InvoiceKind.credit_note and note.credited_invoice_id == invoice.id
    assert note.total_amount == -invoice.total_amount
    assert sorted(line.amount for line in note.lines) == sorted(-line.amount for line in invoice.lines)
    again = issue(db, billing)
    assert again.total_amount == invoice.total_amount
    assert again.number != invoice.number != note.number
    with pytest.raises(RuleViolation):
        invoicing.credit_note(db.session, invoice, actor=Actor.of(billing["actor"]),
                              issued_on=invoice.issued_on)
    db.session.rollback()


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"),
                    reason="row locks need PostgreSQL; SQLite serialises writers anyway")
def test_concurrent_issues_never_share_skip_or_double_bill(db: Any,
                                                          billing: dict[str, Any]) -> None:
    engine = db.engine
    contract_id, year, month = billing["contract"].id, billing["year"], billing["month"]
    # A second contract of the same provider, with its own hours, issued at the same time.
    other_id = db.session.scalar(select(Contract.id).where(
        Contract.provider_id == billing["contract"].provider_id, Contract.id != contract_id))
    if other_id is None:
        source = billing["contract"]
        copy = Contract(number="SD-X", municipality_id=source.municipality_id,
                        provider_id=source.provider_id, programme_id=source.programme_id,
                        valid_from=source.valid_from, valid_to=source.valid_to,
                        hourly_rate=source.hourly_rate, vat_exemption_note="x")
        db.session.add(copy)
        db.session.flush()
        other_id = copy.id
        db.session.execute(update(Pair).where(Pair.id == billing["pairs"][1].id)
                           .values(contract_id=other_id))
        db.session.commit()
    results: list[str] = []
    barrier = threading.Barrier(3)

    def run(contract_id: int) -> None:
        with CheckedSession(engine) as session:
            try:
                contract = session.get(Contract, contract_id)
                barrier.wait()
                invoice = invoicing.issue_invoice(session, contract=contract, year=year,
                                                  month=month, actor=Actor.system(),
                                                  issued_on=billing["day"]
                                                  + dt.timedelta(days=35))
                session.commit()
                results.append(invoice.number)
            except RuleViolation:
                session.rollback()
                results.append("nothing")
            except Exception as exc:
                results.append(repr(exc))

    threads = [threading.Thread(target=run, args=(cid,)) for cid in (contract_id, contract_id,
                                                                      other_id)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    numbers = sorted(r for r in results if r != "nothing")
    assert results.count("nothing") == 1 and len(numbers) == 2, results
    taken = sorted(n for n in db.session.scalars(select(Invoice.number).where(
        Invoice.provider_id == billing["contract"].provider_id, Invoice.year == year)))
    serials = sorted(int(n.rsplit("-", 1)[1]) for n in taken)
    assert serials == list(range(1, len(serials) + 1))  # no gap, no repeat
    twice = db.session.execute(select(ServiceEntry.id).where(
        ServiceEntry.invoice_id.is_not(None)).group_by(ServiceEntry.id)).all()
    assert len(twice) == len(set(twice))
