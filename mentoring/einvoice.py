"""Structured e-invoices: UBL 2.1 in the Peppol BIS Billing 3.0 (EN 16931) profile.

Latvian public bodies take B2G invoices only as structured e-invoices since 1 January 2025.
A credit note is a UBL ``CreditNote`` (type 381) with positive amounts: the document type
carries the sign, while the database keeps credit-note lines negative.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from lxml import etree

from common.enums import InvoiceKind
from common.formatting import round_money

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
INVOICE_TYPE = "380"
CREDIT_NOTE_TYPE = "381"
CURRENCY = "EUR"
LATVIAN_REGISTRATION = "0218"  # ISO 6523 ICD / Peppol EAS: Latvian unified registration number
LATVIAN_VAT = "9939"  # Peppol EAS: Latvian VAT number
SEPA_CREDIT_TRANSFER = "58"
HOUR = "HUR"  # UN/ECE Recommendation 20

NS = {
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
_POSTCODE = re.compile(r"\bLV-?(\d{4})\b")


def split_address(text: str) -> tuple[str, str, str]:
    """``"Klaipēdas iela 104C, Liepāja, LV-3416"`` → street, city and postcode."""
    match = _POSTCODE.search(text)
    postcode = f"LV-{match.group(1)}" if match else ""
    parts = [p.strip() for p in _POSTCODE.sub("", text).split(",") if p.strip()]
    if not parts:
        return "", "", postcode
    return parts[0], parts[-1] if len(parts) > 1 else "", postcode


def _amount(value: Decimal) -> str:
    return f"{round_money(abs(value)):.2f}"


def _quantity(minutes: int) -> str:
    hours = Decimal(abs(minutes)) / Decimal(60)
    return f"{hours.quantize(Decimal('0.0001')).normalize():f}"


class _Builder:
    """Appends UBL elements in schema order; ``None`` or empty values are left out."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root

    @staticmethod
    def add(parent: etree._Element, name: str, text: str | None = None,
            **attributes: str) -> etree._Element:
        prefix, local = name.split(":")
        element = etree.SubElement(parent, f"{{{NS[prefix]}}}{local}", attributes)
        if text is not None:
            element.text = text
        return element


def _party(b: _Builder, parent: etree._Element, wrapper: str, *, name: str, reg_number: str,
           address: str, vat_number: str | None, email: str, telephone: str) -> None:
    party = b.add(b.add(parent, wrapper), "cac:Party")
    b.add(party, "cbc:EndpointID", reg_number, schemeID=LATVIAN_REGISTRATION)
    b.add(b.add(party, "cac:PartyIdentification"), "cbc:ID", reg_number,
          schemeID=LATVIAN_REGISTRATION)
    b.add(b.add(party, "cac:PartyName"), "cbc:Name", name)
    street, city, postcode = split_address(address)
    postal = b.add(party, "cac:PostalAddress")
    if street:
        b.add(postal, "cbc:StreetName", street)
    if city:
        b.add(postal, "cbc:CityName", city)
    if postcode:
        b.add(postal, "cbc:PostalZone", postcode)
    b.add(b.add(postal, "cac:Country"), "cbc:IdentificationCode", "LV")
    if vat_number:
        tax = b.add(party, "cac:PartyTaxScheme")
        b.add(tax, "cbc:CompanyID", vat_number)
        b.add(b.add(tax, "cac:TaxScheme"), "cbc:ID", "VAT")
    legal = b.add(party, "cac:PartyLegalEntity")
    b.add(legal, "cbc:RegistrationName", name)
    b.add(legal, "cbc:CompanyID", reg_number, schemeID=LATVIAN_REGISTRATION)
    if email or telephone:
        contact = b.add(party, "cac:Contact")
        if telephone:
            b.add(contact, "cbc:Telephone", telephone)
        if email:
            b.add(contact, "cbc:ElectronicMail", email)


def _tax_category(b: _Builder, parent: etree._Element, element: str, code: str,
                  percent: Decimal, reason: str) -> None:
    category = b.add(parent, element)
    b.add(category, "cbc:ID", code)
    if code != "O":  # BR-O-05/BR-O-10: no rate when out of scope
        b.add(category, "cbc:Percent", f"{percent:.2f}")
    if reason:
        b.add(category, "cbc:TaxExemptionReason", reason)
    b.add(b.add(category, "cac:TaxScheme"), "cbc:ID", "VAT")


def ubl_xml(invoice: Any) -> bytes:
    """The invoice or credit note as a Peppol BIS Billing 3.0 UBL 2.1 document (UTF-8),
    built from what was frozen on it at issue (``invoice.document``) and its lines."""
    credit = invoice.kind == InvoiceKind.credit_note
    frozen = invoice.document
    supplier, customer = frozen["supplier"], frozen["customer"]
    vat, contract = frozen["vat"], frozen["contract"]
    root_ns = NS["cn"] if credit else NS["inv"]
    root = etree.Element(f"{{{root_ns}}}{'CreditNote' if credit else 'Invoice'}",
                         nsmap={None: root_ns, "cac": NS["cac"], "cbc": NS["cbc"]})
    b = _Builder(root)
    code, reason, rate = vat["category"], vat["reason"], Decimal(vat["rate"])

    b.add(root, "cbc:CustomizationID", CUSTOMIZATION_ID)
    b.add(root, "cbc:ProfileID", PROFILE_ID)
    b.add(root, "cbc:ID", invoice.number)
    b.add(root, "cbc:IssueDate", invoice.issued_on.isoformat())
    if not credit and invoice.due_on:
        b.add(root, "cbc:DueDate", invoice.due_on.isoformat())
    b.add(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode",
          CREDIT_NOTE_TYPE if credit else INVOICE_TYPE)
    preceding = frozen.get("credited") if credit else frozen.get("supplements")
    if preceding and not credit:
        b.add(root, "cbc:Note", f"Papildu rēķins rēķinam {preceding['number']}")
    b.add(root, "cbc:DocumentCurrencyCode", CURRENCY)
    b.add(root, "cbc:BuyerReference", contract["number"])
    period = b.add(root, "cac:InvoicePeriod")
    b.add(period, "cbc:StartDate", frozen["period"]["start"])
    b.add(period, "cbc:EndDate", frozen["period"]["end"])
    if preceding:  # BT-25: the credited invoice, or the one a supplementary invoice adds to
        reference = b.add(b.add(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        b.add(reference, "cbc:ID", preceding["number"])
        b.add(reference, "cbc:IssueDate", preceding["issued_on"])
    b.add(b.add(root, "cac:ContractDocumentReference"), "cbc:ID", contract["number"])
    if contract["procurement"]:
        procurement = b.add(root, "cac:AdditionalDocumentReference")
        b.add(procurement, "cbc:ID", contract["procurement"])
        b.add(procurement, "cbc:DocumentDescription", "Iepirkums")

    _party(b, root, "cac:AccountingSupplierParty", name=supplier["name"],
           reg_number=supplier["reg_number"], address=supplier["address"],
           vat_number=supplier["vat_number"] if code != "O" else None,
           email=supplier["email"], telephone=supplier["phone"])
    _party(b, root, "cac:AccountingCustomerParty", name=customer["name"],
           reg_number=customer["reg_number"], address=customer["address"], vat_number=None,
           email=customer["email"], telephone=customer["phone"])

    if credit:
        terms = f"Kredītrēķins rēķinam {preceding['number']}" if preceding else "Kredītrēķins"
        b.add(b.add(root, "cac:PaymentTerms"), "cbc:Note", terms)
    else:
        means = b.add(root, "cac:PaymentMeans")
        b.add(means, "cbc:PaymentMeansCode", SEPA_CREDIT_TRANSFER)
        b.add(means, "cbc:PaymentID", invoice.number)
        account = b.add(means, "cac:PayeeFinancialAccount")
        b.add(account, "cbc:ID", supplier["iban"])
        b.add(account, "cbc:Name", supplier["name"])
        days = (invoice.due_on - invoice.issued_on).days
        b.add(b.add(root, "cac:PaymentTerms"), "cbc:Note", f"Apmaksas termiņš {days} dienas")

    tax_total = b.add(root, "cac:TaxTotal")
    b.add(tax_total, "cbc:TaxAmount", _amount(invoice.vat_amount), currencyID=CURRENCY)
    subtotal = b.add(tax_total, "cac:TaxSubtotal")
    b.add(subtotal, "cbc:TaxableAmount", _amount(invoice.net_amount), currencyID=CURRENCY)
    b.add(subtotal, "cbc:TaxAmount", _amount(invoice.vat_amount), currencyID=CURRENCY)
    _tax_category(b, subtotal, "cac:TaxCategory", code, rate, reason)

    totals = b.add(root, "cac:LegalMonetaryTotal")
    for element, value in (("cbc:LineExtensionAmount", invoice.net_amount),
                           ("cbc:TaxExclusiveAmount", invoice.net_amount),
                           ("cbc:TaxInclusiveAmount", invoice.total_amount),
                           ("cbc:PayableAmount", invoice.total_amount)):
        b.add(totals, element, _amount(value), currencyID=CURRENCY)

    month = dt.date.fromisoformat(frozen["period"]["start"])
    for number, line in enumerate(sorted(invoice.lines, key=lambda item: item.id or 0), 1):
        node = b.add(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
        b.add(node, "cbc:ID", str(number))
        b.add(node, "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity",
              _quantity(line.minutes), unitCode=HOUR)
        b.add(node, "cbc:LineExtensionAmount", _amount(line.amount), currencyID=CURRENCY)
        item = b.add(node, "cac:Item")
        b.add(item, "cbc:Description", f"Mentora pakalpojums {month:%m.%Y}")
        b.add(item, "cbc:Name", f"Mentora pakalpojums: {line.description}")
        # Every line carries the category's rate (BR-S-05, BR-E-05, BR-O-05).
        _tax_category(b, item, "cac:ClassifiedTaxCategory", code, rate, "")
        price = b.add(node, "cac:Price")
        b.add(price, "cbc:PriceAmount", _amount(line.rate), currencyID=CURRENCY)
        b.add(price, "cbc:BaseQuantity", "1", unitCode=HOUR)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
