"""Issued invoices at the screen (issue 21): documents byte for byte whatever changes after
issue, credited as a status with links both ways, the month's close with its confirmation
and reason, supplementary invoices, delivery records, and parallel credit requests."""

from __future__ import annotations

import datetime as dt
import re
import threading
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from peppol.rules import check_rules
from sqlalchemy import delete, func, select

from mentoring.demo import legal_number
from models import (
    AuditLog,
    Contract,
    Invoice,
    InvoiceDelivery,
    Municipality,
    Provider,
    TimesheetSignoff,
    Youth,
)
from tests.admin_views.test_hours_views import signed_in
from tests.mentoring.test_einvoice import NS, en16931_findings, issued, parse, text  # noqa: F401
from tests.mentoring.test_frozen_invoices import late_entry
from tests.mentoring.test_invoicing import billing  # noqa: F401  (fixture)

DOCUMENTS = ("pdf", "xml", "csv")


def downloads(browser: Any, invoice_id: int) -> dict[str, bytes]:
    found = {}
    for kind in DOCUMENTS:
        response = browser.get(f"/admin/invoice/{kind}/?id={invoice_id}")
        assert response.status_code == 200, kind
        found[kind] = response.data
    return found


def master_data_changes(db: Any, invoice: Invoice) -> list[tuple[str, Any]]:
    """Every source field the documents show, each with a valid new value: (name, change)."""
    contract = db.session.get(Contract, invoice.contract_id)
    provider, municipality = contract.provider, contract.municipality
    youth = db.session.scalar(select(Youth).where(Youth.id == invoice.lines[0].pair.youth_id))
    new_reg = legal_number("40103")

    def setter(record: Any, **values: Any) -> Any:
        return lambda: [setattr(record, k, v) for k, v in values.items()]

    return [
        ("contract.number", setter(contract, number="SD-2099/1")),
        ("contract.procurement", setter(contract, procurement="Cits iepirkums 2099/1")),
        ("contract.hourly_rate", setter(contract, hourly_rate=Decimal("19.99"))),
        ("contract.vat_rate", setter(contract, vat_rate=Decimal("21.00"))),
        ("contract.vat_exemption_note", setter(contract, vat_exemption_note="Cits pamatojums")),
        ("contract.ceiling", setter(contract, ceiling=Decimal("99999.00"))),
        ("provider.name", setter(provider, name="Pārdēvēta biedrība")),
        ("provider.reg_number+vat_number", setter(provider, reg_number=new_reg,
                                                  vat_number=f"LV{new_reg}")),
        ("provider.vat_number", setter(provider, vat_number=None)),
        ("provider.address", setter(provider, address="Jaunā iela 1, Rīga, LV-1001")),
        ("provider.iban", setter(provider, iban="LV04UNLA0050012345678")),
        ("provider.email", setter(provider, email="jauns@example.lv")),
        ("provider.phone", setter(provider, phone="+371 20000000")),
        ("municipality.name", setter(municipality, name="Pārdēvēta pašvaldība")),
        ("municipality.social_service", setter(municipality, social_service="Jauns dienests")),
        ("municipality.reg_number", setter(municipality, reg_number=legal_number("90009"))),
        ("municipality.address", setter(municipality, address="Cita iela 2, Liepāja, LV-3401")),
        ("municipality.email", setter(municipality, email="cits@example.lv")),
        ("municipality.phone", setter(municipality, phone="+371 63400000")),
        ("programme.name", setter(contract.programme, name="Pārdēvēta programma")),
        ("programme.hours_deadline_day", setter(contract.programme, hours_deadline_day=10)),
        ("youth.names", setter(youth, first_name="Zane", last_name="Ābele")),
    ]


def test_issued_documents_stay_byte_identical_and_the_credit_note_follows_them(
        app: Flask, db: Any, billing: dict[str, Any], issued: Any) -> None:  # noqa: F811
    coordinator = signed_in(app, "you@mentori.lv")
    recipient = signed_in(app, "liepaja@mentori.lv")
    first = downloads(coordinator, issued.id)
    assert downloads(recipient, issued.id) == first
    assert first["pdf"].startswith(b"%PDF")
    changed = []
    for name, change in master_data_changes(db, issued):
        change()
        db.session.commit()
        changed.append(name)
        assert downloads(coordinator, issued.id) == first, name
    assert len(changed) == 22
    # The credit note, issued after all of that, copies the invoice as issued: 0 % exempt,
    # the VAT number and names of then — and passes the rules.
    coordinator.post("/admin/invoice/credit/", data={"id": issued.id})
    note = db.session.scalar(select(Invoice).where(Invoice.credited_invoice_id == issued.id))
    assert note is not None and note.total_amount == -issued.total_amount
    xml = coordinator.get(f"/admin/invoice/xml/?id={note.id}").data
    root, original = parse(xml), parse(first["xml"])
    for path in ("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID",
                 "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
                 "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
                 "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID", "cbc:BuyerReference",
                 "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID",
                 "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReason"):
        if original.xpath(path, namespaces=NS) and root.xpath(path, namespaces=NS):
            assert text(root, path) == text(original, path), path
    assert text(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == "E"
    assert text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == issued.number
    assert en16931_findings(root) == []
    assert [f for f in check_rules(xml) if f.severity == "fatal"] == []
    assert downloads(coordinator, note.id) == downloads(coordinator, note.id)


def test_a_credited_invoice_reads_credited_and_cannot_be_paid(
        app: Flask, db: Any, billing: dict[str, Any], issued: Any) -> None:  # noqa: F811
    coordinator = signed_in(app, "you@mentori.lv")
    page = coordinator.get(f"/admin/invoice/details/?id={issued.id}").get_data(as_text=True)
    assert "Kredītrēķins" in page  # offered while issued
    response = coordinator.post("/admin/invoice/credit/", data={"id": issued.id},
                                follow_redirects=True)
    note = db.session.scalar(select(Invoice).where(Invoice.credited_invoice_id == issued.id))
    assert f"/admin/invoice/details/?id={issued.id}" in response.get_data(as_text=True)
    recipient = signed_in(app, "liepaja@mentori.lv")
    page = recipient.get(f"/admin/invoice/details/?id={issued.id}").get_data(as_text=True)
    assert "Kreditēts" in page and f"/admin/invoice/details/?id={note.id}" in page
    assert 'name="paid_on"' not in page and "Izrakstīts" not in page
    paid = recipient.post("/admin/invoice/paid/", data={
        "id": issued.id, "paid_on": issued.issued_on.isoformat(),
        "paid_amount": f"{issued.total_amount:.2f}".replace(".", ",")}, follow_redirects=True)
    assert "tikai izrakstītu, vēl neapmaksātu" in paid.get_data(as_text=True)
    again = coordinator.post("/admin/invoice/credit/", data={"id": issued.id},
                             follow_redirects=True)
    assert "kredītrēķins jau ir izrakstīts" in again.get_data(as_text=True)
    assert "Kredītrēķins</button>" not in again.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Invoice, issued.id).status == "credited"
    assert db.session.scalar(select(func.count()).select_from(Invoice).where(
        Invoice.credited_invoice_id == issued.id)) == 1
    back = recipient.get(f"/admin/invoice/details/?id={note.id}").get_data(as_text=True)
    assert f"/admin/invoice/details/?id={issued.id}" in back and issued.number in back
    from sqlalchemy import true

    from mentoring import budgets
    from tests.conftest import today

    for line in budgets.overview(db.session, issued.year, true(), today()):
        assert Decimal(0) <= line.paid <= line.invoiced, line


def test_issuing_before_the_close_asks_for_a_reason_and_keeps_it(
        app: Flask, db: Any, billing: dict[str, Any]) -> None:  # noqa: F811
    contract = billing["contract"]
    db.session.execute(delete(TimesheetSignoff).where(
        TimesheetSignoff.provider_id == contract.provider_id,
        TimesheetSignoff.year == billing["year"], TimesheetSignoff.month == billing["month"]))
    db.session.commit()
    month = f"{billing['year']:04d}-{billing['month']:02d}"
    coordinator = signed_in(app, "you@mentori.lv")
    preview = coordinator.get(f"/admin/invoicing/?month={month}").get_data(as_text=True)
    assert "Mēnesis vēl nav noslēgts" in preview and "tabele vēl nav apstiprināta" in preview
    confirm = coordinator.get(f"/admin/invoicing/confirm/?provider={contract.provider_id}"
                              f"&contract={contract.id}&month={month}").get_data(as_text=True)
    assert 'name="early_reason"' in confirm
    fingerprint = re.search(r'name="fingerprint" value="(\w+)"', confirm).group(1)
    data = {"provider": contract.provider_id, "contract": contract.id, "month": month,
            "fingerprint": fingerprint}
    before = db.session.scalar(select(func.count()).select_from(Invoice))
    refused = coordinator.post("/admin/invoicing/issue/", data={**data, "early_reason": " "},
                               follow_redirects=True)
    assert "norādiet iemeslu" in refused.get_data(as_text=True)
    assert 'name="early_reason"' in refused.get_data(as_text=True)  # back on the confirmation
    assert db.session.scalar(select(func.count()).select_from(Invoice)) == before
    issued = coordinator.post("/admin/invoicing/issue/", data={
        **data, "early_reason": "Budžeta gada slēgšana"})
    invoice = db.session.scalars(select(Invoice).order_by(Invoice.id.desc())).first()
    assert issued.headers["Location"].endswith(f"/admin/invoice/details/?id={invoice.id}")
    assert invoice.early_issue_reason == "Budžeta gada slēgšana"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "invoice.issued",
                                                     AuditLog.record_id == str(invoice.id)))
    assert entry.changes["early_reason"] == "Budžeta gada slēgšana"
    page = signed_in(app, "liepaja@mentori.lv").get(
        f"/admin/invoice/details/?id={invoice.id}").get_data(as_text=True)
    assert "Izrakstīts pirms mēneša noslēgšanas" in page and "Budžeta gada slēgšana" in page


def test_late_hours_are_offered_as_a_supplementary_invoice(
        app: Flask, db: Any, billing: dict[str, Any], issued: Any) -> None:  # noqa: F811
    late = late_entry(db, billing, 30)
    db.session.commit()
    month = f"{billing['year']:04d}-{billing['month']:02d}"
    coordinator = signed_in(app, "you@mentori.lv")
    page = coordinator.get(f"/admin/invoicing/?month={month}").get_data(as_text=True)
    assert "Izrakstīt papildu rēķinu" in page and issued.number in page
    confirm = coordinator.get(
        f"/admin/invoicing/confirm/?provider={billing['contract'].provider_id}"
        f"&contract={billing['contract'].id}&month={month}").get_data(as_text=True)
    fingerprint = re.search(r'name="fingerprint" value="(\w+)"', confirm).group(1)
    coordinator.post("/admin/invoicing/issue/", data={
        "provider": billing["contract"].provider_id, "contract": billing["contract"].id,
        "month": month, "fingerprint": fingerprint})
    supplement = db.session.scalar(select(Invoice).where(Invoice.supplements_id == issued.id))
    assert supplement is not None and supplement.lines[0].minutes == late.minutes
    original = coordinator.get(f"/admin/invoice/details/?id={issued.id}").get_data(as_text=True)
    assert f"/admin/invoice/details/?id={supplement.id}" in original
    details = coordinator.get(f"/admin/invoice/details/?id={supplement.id}").get_data(
        as_text=True)
    assert "Papildu rēķins rēķinam" in details
    assert f"/admin/invoice/details/?id={issued.id}" in details


def test_delivery_is_recorded_by_the_provider_and_seen_by_the_municipality(
        app: Flask, db: Any, billing: dict[str, Any], issued: Any) -> None:  # noqa: F811
    coordinator = signed_in(app, "you@mentori.lv")
    tasks = coordinator.get("/admin/tasks/").get_data(as_text=True)
    assert issued.number in tasks
    recipient = signed_in(app, "liepaja@mentori.lv")
    assert "Piegāde vēl nav reģistrēta" in recipient.get(
        f"/admin/invoice/details/?id={issued.id}").get_data(as_text=True)
    data = {"id": issued.id, "channel": "e_address", "reference": "EA-2026-1",
            "delivered_on": issued.issued_on.isoformat()}
    assert recipient.post("/admin/invoice/delivery/", data=data).status_code == 403
    assert signed_in(app, "hoh@mentori.lv").post("/admin/invoice/delivery/",
                                                 data=data).status_code == 404
    early = coordinator.post("/admin/invoice/delivery/", data={
        **data, "delivered_on": (issued.issued_on - dt.timedelta(days=1)).isoformat()},
        follow_redirects=True)
    assert "pirms tā izrakstīšanas" in early.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(InvoiceDelivery).where(
        InvoiceDelivery.invoice_id == issued.id)) == 0
    coordinator.post("/admin/invoice/delivery/", data=data)
    page = recipient.get(f"/admin/invoice/details/?id={issued.id}").get_data(as_text=True)
    assert "Oficiālā e-adrese" in page and "EA-2026-1" in page
    assert issued.number not in coordinator.get("/admin/tasks/").get_data(as_text=True)


@pytest.mark.parametrize("trial", range(2))
def test_two_coordinators_press_credit_at_once(app: Flask, db: Any, billing: dict[str, Any],  # noqa: F811
                                               issued: Any, trial: int) -> None:  # noqa: F811
    browsers = [signed_in(app, "you@mentori.lv") for _ in range(2)]
    barrier = threading.Barrier(2)
    codes: list[int] = []
    invoice_id = issued.id

    def press(browser: Any) -> None:
        barrier.wait()
        codes.append(browser.post("/admin/invoice/credit/", data={"id": invoice_id}).status_code)

    threads = [threading.Thread(target=press, args=(b,)) for b in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert codes == [302, 302]
    assert db.session.scalar(select(func.count()).select_from(Invoice).where(
        Invoice.credited_invoice_id == invoice_id)) == 1


def test_master_data_walk_covers_every_party_field(db: Any, billing: dict[str, Any],  # noqa: F811
                                                  issued: Any) -> None:  # noqa: F811
    """The walk above changes every field of the parties the document holds."""
    names = {name for name, _ in master_data_changes(db, issued)}
    for party, model in (("supplier", Provider), ("customer", Municipality)):
        for key in issued.document[party]:
            prefix = "provider" if model is Provider else "municipality"
            assert any(n.startswith(f"{prefix}.") and key in n for n in names), (party, key)
    for key in issued.document["contract"]:
        assert f"contract.{key}" in names
    assert any(n.startswith("programme.") for n in names)
