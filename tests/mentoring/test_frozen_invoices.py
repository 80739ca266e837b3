"""Issued means frozen (issue 21): VAT categories, the month's close, supplementary invoices
at the cap, one credit note under concurrency, credited invoices never paid."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import pytest
from peppol.rules import check_rules
from sqlalchemy import delete, func, select

from common.actor import Actor
from common.enums import Activity, EntryStatus, InvoiceKind, InvoiceStatus, Mode
from common.errors import RuleViolation, RuleViolations
from mentoring import budgets, einvoice, hours, invoicing
from mentoring.hours import logging_deadline
from models import Invoice, ServiceEntry, TimesheetSignoff
from models.base import CheckedSession
from tests.mentoring.test_einvoice import (
    NS,
    assert_schema_valid,
    en16931_findings,
    issued,  # noqa: F401  (fixture)
    parse,
    text,
)
from tests.mentoring.test_invoicing import billing, issue  # noqa: F401  (fixture)


def after_close(billing: dict[str, Any]) -> dt.date:
    """The first day the fixture's month may be issued without a reason."""
    first = billing["day"].replace(day=1)
    return logging_deadline(first, billing["contract"].programme.hours_deadline_day) \
        + dt.timedelta(days=1)


@pytest.mark.parametrize(("rate", "vat_number", "note", "expected"), [
    (Decimal("21"), "LV40003000001", "", ("S", "")),
    (Decimal("21"), None, "ignored", ("S", "")),
    (Decimal("0"), "LV40003000001", "PVN likuma 52. pants", ("E", "PVN likuma 52. pants")),
    (Decimal("0"), None, "", ("O", invoicing.NOT_A_VAT_PAYER)),
    (Decimal("0"), None, "Nav PVN maksātājs", ("O", "Nav PVN maksātājs")),
])
def test_vat_category(rate: Decimal, vat_number: str | None, note: str,
                      expected: tuple[str, str]) -> None:
    assert invoicing.vat_category(rate, vat_number, note) == expected


@pytest.mark.parametrize(("net", "rate", "vat"), [
    # On the category's taxable amount, rounded once: 3 × 10.05 at 21 % is 6.33, where
    # rounding each line (2.11 × 3) would give 6.33 … and 0.335 lines would drift.
    (Decimal("30.15"), Decimal("21"), Decimal("6.33")),
    (Decimal("0.05"), Decimal("21"), Decimal("0.01")),
    (Decimal("43.51"), Decimal("0"), Decimal("0.00")),
    (Decimal("-43.51"), Decimal("21"), Decimal("-9.14")),
])
def test_vat_on_the_category_total(net: Decimal, rate: Decimal, vat: Decimal) -> None:
    assert invoicing.category_vat(net, rate) == vat


def standard_rated(db: Any, billing: dict[str, Any]) -> Invoice:
    contract = billing["contract"]
    contract.vat_rate = Decimal("21.00")
    db.session.flush()
    invoice = issue(db, billing, issued_on=after_close(billing))
    db.session.commit()
    return invoice


def test_a_standard_rated_invoice_passes_the_rules(db: Any, billing: dict[str, Any]) -> None:
    invoice = standard_rated(db, billing)
    # 43.51 net at 21 % = 9.1371 → 9.14, computed on the category's taxable amount.
    assert invoice.vat_amount == Decimal("9.14") and invoice.total_amount == Decimal("52.65")
    root = parse(invoice.xml_file)
    assert text(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == "S"
    assert {t.text for t in root.xpath("cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory"
                                       "/cbc:Percent", namespaces=NS)} == {"21.00"}
    assert en16931_findings(root) == []
    assert [f for f in check_rules(invoice.xml_file) if f.severity == "fatal"] == []
    assert_schema_valid(root, "Invoice")


def test_a_provider_without_vat_number_is_outside_the_scope_for_good(
        db: Any, billing: dict[str, Any]) -> None:
    provider, contract = billing["contract"].provider, billing["contract"]
    registered = provider.vat_number
    provider.vat_number, contract.vat_exemption_note = None, ""  # no note to invent
    db.session.flush()
    invoice = issue(db, billing, issued_on=after_close(billing))
    db.session.commit()
    root = parse(invoice.xml_file)
    assert text(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == "O"
    assert en16931_findings(root) == []
    assert [f for f in check_rules(invoice.xml_file) if f.severity == "fatal"] == []
    # It gets a VAT number later: the issued invoice keeps what it was issued with.
    provider.vat_number, contract.vat_exemption_note = registered, "PVN likuma 52. pants"
    db.session.commit()
    db.session.expire_all()
    again = db.session.get(Invoice, invoice.id)
    assert einvoice.ubl_xml(again) == again.xml_file
    assert not parse(again.xml_file).xpath(
        "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme", namespaces=NS)


def test_the_month_closes_after_the_deadline_and_the_sign_off(
        db: Any, billing: dict[str, Any]) -> None:
    contract, year, month = billing["contract"], billing["year"], billing["month"]
    deadline = after_close(billing) - dt.timedelta(days=1)
    problems = invoicing.close_problems(db.session, contract, year, month, deadline)
    assert [p.field for p in problems] == ["early_reason"]
    assert deadline.strftime("%d.%m.%Y") in str(problems[0].message)
    assert invoicing.close_problems(db.session, contract, year, month, after_close(billing)) == []
    db.session.execute(delete(TimesheetSignoff).where(
        TimesheetSignoff.provider_id == contract.provider_id, TimesheetSignoff.year == year,
        TimesheetSignoff.month == month))
    assert len(invoicing.close_problems(db.session, contract, year, month,
                                        after_close(billing))) == 1
    # Not closed: refused without a reason, nothing written …
    with pytest.raises(RuleViolations) as caught:
        issue(db, billing, issued_on=deadline)
    assert {v.field for v in caught.value.violations} == {"early_reason"}
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Invoice).where(
        Invoice.contract_id == contract.id, Invoice.year == year,
        Invoice.month == month)) == 0
    # … issued with one, which is kept on the invoice.
    invoice = issue(db, billing, issued_on=deadline, early_reason="  Gada beigu slēgšana ")
    assert invoice.early_issue_reason == "Gada beigu slēgšana"
    db.session.rollback()


def late_entry(db: Any, billing: dict[str, Any], minutes: int) -> ServiceEntry:
    pair = billing["pairs"][0]
    entry = hours.log_entry(db.session, pair=pair, actor=Actor.of(billing["actor"]),
                            day=max(billing["day"], pair.starts_on), minutes=minutes,
                            activity=Activity.study, mode=Mode.in_person)
    hours.approve(db.session, [entry], actor=Actor.of(billing["actor"]))
    return entry


def test_late_hours_go_on_a_supplementary_invoice_within_the_cap(
        db: Any, billing: dict[str, Any], issued: Any) -> None:  # noqa: F811
    pair = billing["pairs"][0]
    cap = pair.programme.monthly_cap_minutes
    used = hours.used_minutes(db.session, pair.youth_id, pair.programme_id, billing["day"])
    assert cap is not None and used < cap
    # Up to the cap exactly, the original and the supplement together …
    late = late_entry(db, billing, cap - used)
    db.session.commit()
    preview = invoicing.preview(db.session, billing["contract"], billing["year"],
                                billing["month"], on=after_close(billing))
    assert preview.supplements is not None and preview.supplements.id == issued.id
    assert preview.entry_ids == [late.id]
    supplement = issue(db, billing, issued_on=after_close(billing))
    db.session.commit()
    assert supplement.supplements_id == issued.id and supplement.kind == InvoiceKind.invoice
    assert [line.minutes for line in supplement.lines] == [cap - used]
    root = parse(supplement.xml_file)
    assert text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == issued.number
    assert en16931_findings(root) == []
    assert [f for f in check_rules(supplement.xml_file) if f.severity == "fatal"] == []
    billed = db.session.scalar(select(func.sum(ServiceEntry.minutes)).where(
        ServiceEntry.pair_id.in_([p.id for p in billing["pairs"]]),
        ServiceEntry.invoice_id.in_([issued.id, supplement.id])))
    assert billed == 135 + 45 + cap - used
    # … and not one minute over it.
    with pytest.raises(RuleViolations) as caught:
        late_entry(db, billing, 1)
    assert "minutes" in {v.field for v in caught.value.violations}
    db.session.rollback()


def credit_in_parallel(db: Any, invoice_id: int, on: dt.date) -> list[str]:
    results: list[str] = []
    barrier = threading.Barrier(2)
    engine = db.engine

    def run() -> None:
        with CheckedSession(engine) as session:
            try:
                invoice = session.get(Invoice, invoice_id)
                assert invoice is not None
                barrier.wait()
                note = invoicing.credit_note(session, invoice, actor=Actor.system(),
                                             issued_on=on)
                session.commit()
                results.append(note.number or "")
            except RuleViolation as refused:
                session.rollback()
                results.append(f"refused: {refused.message}")
            except Exception as exc:  # a lock timeout would show here, and fail the test
                session.rollback()
                results.append(repr(exc))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.parametrize("trial", range(3))
def test_two_parallel_credit_requests_give_one_credit_note(
        db: Any, billing: dict[str, Any], issued: Any, trial: int) -> None:  # noqa: F811
    billed = db.session.scalars(select(ServiceEntry.id).where(
        ServiceEntry.invoice_id == issued.id)).all()
    assert len(billed) == 4
    results = credit_in_parallel(db, issued.id, issued.issued_on)
    notes = db.session.scalars(select(Invoice).where(
        Invoice.credited_invoice_id == issued.id)).all()
    assert len(notes) == 1, results
    assert sorted(r.startswith("refused") for r in results) == [False, True], results
    db.session.expire_all()
    assert db.session.get(Invoice, issued.id).status == InvoiceStatus.credited
    # The month nets to nothing, and its hours are billable again.
    assert db.session.scalar(select(func.sum(Invoice.total_amount)).where(
        Invoice.id.in_([issued.id, notes[0].id]))) == 0
    assert db.session.scalar(select(func.count()).select_from(ServiceEntry).where(
        ServiceEntry.id.in_(billed), ServiceEntry.status == EntryStatus.approved,
        ServiceEntry.invoice_id.is_(None))) == 4


def test_the_database_holds_one_credit_note_per_invoice(
        db: Any, billing: dict[str, Any], issued: Any) -> None:  # noqa: F811
    from sqlalchemy.exc import IntegrityError

    invoicing.credit_note(db.session, issued, actor=Actor.system(), issued_on=issued.issued_on)
    db.session.commit()
    second = Invoice(number="X-1", kind=InvoiceKind.credit_note, provider_id=issued.provider_id,
                     municipality_id=issued.municipality_id, contract_id=issued.contract_id,
                     credited_invoice_id=issued.id, year=issued.year, month=issued.month,
                     status=InvoiceStatus.draft)
    with CheckedSession(db.engine) as session:  # past the domain, straight to the table
        session.add(second)
        with pytest.raises(IntegrityError):
            session.flush()


def test_a_credited_invoice_is_never_paid_nor_credited_again(
        db: Any, billing: dict[str, Any], issued: Any) -> None:  # noqa: F811
    invoicing.credit_note(db.session, issued, actor=Actor.system(), issued_on=issued.issued_on)
    db.session.commit()
    with pytest.raises(RuleViolation):
        invoicing.mark_paid(db.session, issued, paid_on=issued.issued_on,
                            amount=issued.total_amount, actor=Actor.system())
    db.session.rollback()
    with pytest.raises(RuleViolation):
        invoicing.credit_note(db.session, issued, actor=Actor.system(),
                              issued_on=issued.issued_on)
    db.session.rollback()
    day, total = issued.issued_on, issued.total_amount
    with db.session.no_autoflush:  # past the domain: the record rules refuse it
        issued.status = InvoiceStatus.paid
        issued.paid_on, issued.paid_amount = day, total
    with pytest.raises(RuleViolations):
        db.session.flush()
    db.session.rollback()


def test_a_payment_must_match_the_total(db: Any, issued: Any) -> None:  # noqa: F811
    for amount in (issued.total_amount - Decimal("0.01"), issued.total_amount * 2):
        with pytest.raises(RuleViolation) as caught:
            invoicing.mark_paid(db.session, issued, paid_on=issued.issued_on, amount=amount,
                                actor=Actor.system())
        assert caught.value.field == "paid_amount"
        db.session.rollback()
    invoicing.mark_paid(db.session, issued, paid_on=issued.issued_on,
                        amount=issued.total_amount, actor=Actor.system())
    assert issued.paid_amount == issued.total_amount


def test_paid_never_exceeds_invoiced_in_the_demo(db: Any, demo_users: Any) -> None:
    from sqlalchemy import true

    from tests.conftest import today

    for year in (today().year - 1, today().year):
        for line in budgets.overview(db.session, year, true(), today()):
            assert line.paid <= line.invoiced, line
