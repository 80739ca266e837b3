"""The e-invoice: UBL 2.1 schema validity and the EN 16931 / Peppol BIS 3.0 rules that apply."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree
from peppol.rules import check_rules
from peppol.xsd import SCHEMA_DIR

from common.actor import Actor
from mentoring import einvoice, invoicing
from tests.mentoring.test_invoicing import billing, issue  # noqa: F401  (fixture)

NS = einvoice.NS
SCHEMAS: dict[str, etree.XMLSchema] = {}


def schema(name: str) -> etree.XMLSchema:
    if name not in SCHEMAS:
        path = os.path.join(SCHEMA_DIR, "maindoc", f"UBL-{name}-2.1.xsd")
        SCHEMAS[name] = etree.XMLSchema(etree.parse(path))
    return SCHEMAS[name]


def parse(document: bytes) -> etree._Element:
    return etree.fromstring(document)


def text(root: etree._Element, path: str) -> str:
    found = root.xpath(path, namespaces=NS)
    assert found, f"{path} is missing"
    value = found[0] if isinstance(found[0], str) else found[0].text
    return (value or "").strip()


def money(root: etree._Element, path: str) -> Decimal:
    return Decimal(text(root, path))


@pytest.fixture()
def issued(db: Any, billing: dict[str, Any]) -> Any:  # noqa: F811
    from common.clock import today

    invoice = issue(db, billing, issued_on=min(billing["day"] + dt.timedelta(days=35), today()))
    db.session.commit()
    return invoice


@pytest.fixture()
def credited(db: Any, issued: Any, billing: dict[str, Any]) -> Any:  # noqa: F811
    note = invoicing.credit_note(db.session, issued, actor=Actor.of(billing["actor"]),
                                 issued_on=issued.issued_on + dt.timedelta(days=3))
    db.session.commit()
    return note


def assert_schema_valid(root: etree._Element, name: str) -> None:
    xsd = schema(name)
    assert xsd.validate(root), [f"{e.line}: {e.message}" for e in xsd.error_log]


def test_invoice_is_valid_ubl_with_the_by_hand_amounts(issued: Any, billing: dict) -> None:  # noqa: F811
    root = parse(einvoice.ubl_xml(issued))
    assert_schema_valid(root, "Invoice")
    assert etree.QName(root).localname == "Invoice"
    assert text(root, "cbc:InvoiceTypeCode") == "380"
    assert text(root, "cbc:DocumentCurrencyCode") == "EUR"
    # Lines of the fixture: 135 min and 45 min at 14.50 €/h → 2.25 h 32.63 €, 0.75 h 10.88 €.
    lines = root.xpath("cac:InvoiceLine", namespaces=NS)
    assert [text(line, "cbc:InvoicedQuantity") for line in lines] == ["2.25", "0.75"]
    assert [money(line, "cbc:LineExtensionAmount") for line in lines] == [
        Decimal("32.63"), Decimal("10.88")]
    assert money(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == Decimal("43.51")
    assert text(root, "cac:InvoicePeriod/cbc:StartDate") == billing["day"].isoformat()
    assert text(root, "cbc:DueDate") == issued.due_on.isoformat()


def test_credit_note_is_valid_ubl_and_refers_to_the_invoice(issued: Any, credited: Any) -> None:
    root = parse(einvoice.ubl_xml(credited))
    assert_schema_valid(root, "CreditNote")
    assert text(root, "cbc:CreditNoteTypeCode") == "381"
    # BR-55 / BG-3: the preceding invoice; amounts positive, the type carries the sign.
    assert text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == issued.number
    assert money(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == issued.total_amount
    quantities = [text(line, "cbc:CreditedQuantity")
                  for line in root.xpath("cac:CreditNoteLine", namespaces=NS)]
    assert quantities == ["2.25", "0.75"]


def en16931_findings(root: etree._Element) -> list[str]:
    """The EN 16931 core and Peppol rules this document type can break, as written in the
    standard (rule ids quoted); returns the ids of the rules that fail."""
    failed = []
    credit = etree.QName(root).localname == "CreditNote"
    line_tag = "cac:CreditNoteLine" if credit else "cac:InvoiceLine"
    quantity_tag = "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity"

    def has(path: str) -> bool:
        return bool([v for v in root.xpath(path, namespaces=NS)
                     if (v if isinstance(v, str) else v.text or len(v)) ])

    mandatory = {
        "BR-01": "cbc:CustomizationID", "BR-02": "cbc:ID", "BR-03": "cbc:IssueDate",
        "BR-04": "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode",
        "BR-05": "cbc:DocumentCurrencyCode",
        "BR-06": "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
        "BR-07": "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
        "BR-08": "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress",
        "BR-09": "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country"
                 "/cbc:IdentificationCode",
        "BR-10": "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress",
        "BR-11": "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:Country"
                 "/cbc:IdentificationCode",
        "BR-12": "cac:LegalMonetaryTotal/cbc:LineExtensionAmount",
        "BR-13": "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount",
        "BR-14": "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount",
        "BR-15": "cac:LegalMonetaryTotal/cbc:PayableAmount",
        "BR-16": line_tag,
        "PEPPOL-EN16931-R001": "cbc:ProfileID",
        "PEPPOL-EN16931-R003": "cbc:BuyerReference",
        "PEPPOL-EN16931-R010": "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID",
        "PEPPOL-EN16931-R020": "cac:AccountingSupplierParty/cac:Party/cbc:EndpointID",
    }
    failed += [rule for rule, path in mandatory.items() if not has(path)]
    if not text(root, "cbc:CustomizationID").startswith(einvoice.CUSTOMIZATION_ID):
        failed.append("PEPPOL-EN16931-R004")
    for path in ("cac:AccountingSupplierParty/cac:Party/cbc:EndpointID/@schemeID",
                 "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID/@schemeID"):
        if text(root, path) not in ("0218", "9939"):
            failed.append("PEPPOL-EN16931-R020/R010 scheme")
    lines = root.xpath(line_tag, namespaces=NS)
    line_total = Decimal(0)
    by_category: dict[tuple[str, Decimal | None], Decimal] = {}
    for line in lines:
        for path in ("cbc:ID", quantity_tag, "cbc:LineExtensionAmount", "cac:Item/cbc:Name",
                     "cac:Price/cbc:PriceAmount", "cac:Item/cac:ClassifiedTaxCategory/cbc:ID"):
            if not line.xpath(path, namespaces=NS):
                failed.append(f"BR-21..26/BR-CO-04 {path}")
        amount = money(line, "cbc:LineExtensionAmount")
        line_total += amount
        expected = (money(line, quantity_tag) * money(line, "cac:Price/cbc:PriceAmount")
                    / money(line, "cac:Price/cbc:BaseQuantity"))
        if abs(expected - amount) > Decimal("0.02"):
            failed.append("PEPPOL-EN16931-R120")
        if money(line, "cac:Price/cbc:PriceAmount") < 0:
            failed.append("BR-27")
        category = text(line, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID")
        percent_found = line.xpath("cac:Item/cac:ClassifiedTaxCategory/cbc:Percent",
                                   namespaces=NS)
        percent = Decimal(percent_found[0].text) if percent_found else None
        if category == "S" and not (percent and percent > 0):
            failed.append("BR-S-05")
        if category == "E" and percent != 0:
            failed.append("BR-E-05")
        if category == "O" and percent_found:
            failed.append("BR-O-05 line")
        by_category[(category, percent)] = by_category.get((category, percent), Decimal(0)) \
            + amount
    totals = "cac:LegalMonetaryTotal/"
    if money(root, totals + "cbc:LineExtensionAmount") != line_total:
        failed.append("BR-CO-10")
    if money(root, totals + "cbc:TaxExclusiveAmount") != line_total:  # no allowances/charges
        failed.append("BR-CO-13")
    tax = money(root, "cac:TaxTotal/cbc:TaxAmount")
    if money(root, totals + "cbc:TaxInclusiveAmount") != line_total + tax:
        failed.append("BR-CO-15")
    if money(root, totals + "cbc:PayableAmount") != money(root, totals + "cbc:TaxInclusiveAmount"):
        failed.append("BR-CO-16")
    subtotals = root.xpath("cac:TaxTotal/cac:TaxSubtotal", namespaces=NS)
    if not subtotals:
        failed.append("BR-CO-18")
    taxable_sum = Decimal(0)
    for subtotal in subtotals:
        category = text(subtotal, "cac:TaxCategory/cbc:ID")
        taxable = money(subtotal, "cbc:TaxableAmount")
        taxable_sum += taxable
        if category == "O":
            if subtotal.xpath("cac:TaxCategory/cbc:Percent", namespaces=NS):
                failed.append("BR-O-05")
            if root.xpath("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme",
                          namespaces=NS):
                failed.append("BR-O-02")
            if money(subtotal, "cbc:TaxAmount") != 0:
                failed.append("BR-O-09")
        else:
            percent = money(subtotal, "cac:TaxCategory/cbc:Percent")
            if money(subtotal, "cbc:TaxAmount") != (taxable * percent / 100).quantize(
                    Decimal("0.01")):
                failed.append("BR-CO-17")
            # BR-S-08 / BR-E-08: the category's taxable amount is the sum of its lines.
            if by_category.get((category, percent)) != taxable:
                failed.append(f"BR-{category}-08")
        if category == "S":
            if not root.xpath("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme"
                              "/cbc:CompanyID", namespaces=NS):
                failed.append("BR-S-02")
            if money(subtotal, "cac:TaxCategory/cbc:Percent") <= 0:
                failed.append("BR-S-09")
        if category == "E":
            if not root.xpath("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme"
                              "/cbc:CompanyID", namespaces=NS):
                failed.append("BR-E-02")
            if money(subtotal, "cbc:TaxAmount") != 0:
                failed.append("BR-E-09")
        if category in ("E", "O") and not has("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory"
                                              "/cbc:TaxExemptionReason"):
            failed.append(f"BR-{category}-10")
    if taxable_sum != money(root, totals + "cbc:TaxExclusiveAmount"):
        failed.append("BR-CO-18 sum")
    vat_ids = root.xpath("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID",
                         namespaces=NS)
    if vat_ids and not vat_ids[0].text.startswith("LV"):
        failed.append("BR-CO-09")
    if not credit:
        if not has("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID"):
            failed.append("BR-61")
        if money(root, totals + "cbc:PayableAmount") > 0 and not (
                has("cbc:DueDate") or has("cac:PaymentTerms/cbc:Note")):
            failed.append("BR-CO-25")
    elif not has("cac:PaymentTerms/cbc:Note") and not has("cac:PaymentMeans/cbc:PaymentDueDate"):
        failed.append("BR-CO-25")
    return failed


def test_en16931_rules_hold_for_invoice_and_credit_note(issued: Any, credited: Any) -> None:
    for document in (issued, credited):
        root = parse(einvoice.ubl_xml(document))
        assert en16931_findings(root) == []
        # A second, independent reading of the Peppol rules (a published re-implementation).
        fatal = [str(f) for f in check_rules(einvoice.ubl_xml(document)) if f.severity == "fatal"]
        assert fatal == []


def test_the_rules_catch_a_broken_document(issued: Any) -> None:
    """The rule checks are real: a tampered total and a missing reference are reported."""
    root = parse(einvoice.ubl_xml(issued))
    root.find("cac:LegalMonetaryTotal/cbc:PayableAmount", NS).text = "43.52"
    root.remove(root.find("cbc:BuyerReference", NS))
    assert {"BR-CO-16", "PEPPOL-EN16931-R003"} <= set(en16931_findings(root))
    root = parse(einvoice.ubl_xml(issued))
    root.insert(0, root.find("cbc:IssueDate", NS))  # out of the schema's order
    assert not schema("Invoice").validate(root)


def test_vat_categories_follow_the_provider_and_contract(issued: Any, db: Any) -> None:
    root = parse(einvoice.ubl_xml(issued))  # YOU+ is a VAT payer: exempt, with the note
    assert text(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == "E"
    assert "52. panta" in text(root, "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory"
                                     "/cbc:TaxExemptionReason")
    assert text(root, "cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID") \
        == issued.provider.vat_number
    # What a rebuild from a changed contract produced before issue 21: standard-rated lines
    # with no VAT. The rules this file checks catch it.
    categories = root.xpath("//cac:ClassifiedTaxCategory | //cac:TaxCategory", namespaces=NS)
    for category in categories:
        category.find("cbc:ID", NS).text = "S"
        category.find("cbc:Percent", NS).text = "21.00"
    assert "BR-CO-17" in en16931_findings(root)
    for category in categories:  # standard-rated at 0 %
        category.find("cbc:Percent", NS).text = "0.00"
    assert {"BR-S-05", "BR-S-09"} <= set(en16931_findings(root))


@pytest.mark.parametrize(("address", "parts"), [
    ("Klaipēdas iela 104C, Liepāja, LV-3416", ("Klaipēdas iela 104C", "Liepāja", "LV-3416")),
    ("Peldu iela 5, Liepāja", ("Peldu iela 5", "Liepāja", "")),
    ("Brīvības iela 33, Ogre, LV5001", ("Brīvības iela 33", "Ogre", "LV-5001")),
    ("Ķeipenes pagasts", ("Ķeipenes pagasts", "", "")),
    ("", ("", "", "")),
])
def test_split_address(address: str, parts: tuple[str, str, str]) -> None:
    assert einvoice.split_address(address) == parts
