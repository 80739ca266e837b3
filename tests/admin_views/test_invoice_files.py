"""The invoice's PDF, e-invoice XML and CSV as downloaded, and who may download them."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from flask import Flask
from lxml import etree
from pypdf import PdfReader

from tests.admin_views.test_hours_views import signed_in
from tests.mentoring.test_einvoice import assert_schema_valid, en16931_findings, issued  # noqa: F401
from tests.mentoring.test_invoicing import billing  # noqa: F401  (fixture)


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_invoice_pdf_in_latvian_has_parties_lines_and_totals(
        app: Flask, issued: Any) -> None:  # noqa: F811
    response = signed_in(app, "you@mentori.lv").get(f"/admin/invoice/pdf/?id={issued.id}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = re.sub(r"\s+", " ", pdf_text(response.data))
    assert f"Rēķins Nr. {issued.number}" in text
    provider, municipality = issued.provider, issued.municipality
    for expected in (provider.name, provider.reg_number, provider.vat_number, provider.iban,
                     municipality.name, municipality.reg_number, "Klaipēdas iela 104C",
                     issued.contract.number, issued.contract.procurement):
        assert expected in text, expected
    # The by-hand figures of the fixture: 2:15 h → 32,63 €, 0:45 h → 10,88 €, total 43,51 €.
    flat = " ".join(text.split())
    assert "2 h 15 min" in flat and "32,63" in flat and "45 min" in flat and "10,88" in flat
    assert re.search(r"Kopā apmaksai 43,51", text)
    assert issued.due_on.strftime("%d.%m.%Y") in text
    assert "52. panta" in text  # the exemption note of the contract


def test_credit_note_pdf_names_the_credited_invoice(app: Flask, db: Any, issued: Any) -> None:  # noqa: F811
    browser = signed_in(app, "you@mentori.lv")
    assert browser.post("/admin/invoice/credit/", data={"id": issued.id}).status_code == 302
    from sqlalchemy import select

    from models import Invoice

    note = db.session.scalars(select(Invoice).order_by(Invoice.id.desc())).first()
    text = re.sub(r"\s+", " ", pdf_text(browser.get(f"/admin/invoice/pdf/?id={note.id}").data))
    assert f"Kredītrēķins Nr. {note.number}" in text and issued.number in text
    assert "-43,51" in text.replace("−", "-")
    xml = browser.get(f"/admin/invoice/xml/?id={note.id}")
    root = etree.fromstring(xml.data)
    assert_schema_valid(root, "CreditNote")
    assert en16931_findings(root) == []


def test_xml_and_csv_downloads(app: Flask, issued: Any) -> None:  # noqa: F811
    browser = signed_in(app, "liepaja@mentori.lv")  # the recipient downloads them too
    xml = browser.get(f"/admin/invoice/xml/?id={issued.id}")
    assert xml.status_code == 200 and "attachment" in xml.headers["Content-Disposition"]
    assert f"rekins-{issued.number}.xml" in xml.headers["Content-Disposition"]
    root = etree.fromstring(xml.data)
    assert_schema_valid(root, "Invoice")
    assert en16931_findings(root) == []
    response = browser.get(f"/admin/invoice/csv/?id={issued.id}")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][0] == "Rēķins" and len(rows) == 3
    assert [(r[6], r[7], r[10]) for r in rows[1:]] == [("135", "2:15", "32.63"),
                                                      ("45", "0:45", "10.88")]
    assert sum(float(r[10]) for r in rows[1:]) == pytest.approx(float(issued.total_amount))


@pytest.mark.parametrize("email", ["hoh@mentori.lv", "ogre@mentori.lv", "talanti@mentori.lv"])
@pytest.mark.parametrize("kind", ["pdf", "xml", "csv"])
def test_other_providers_and_municipalities_get_404(
        app: Flask, issued: Any, email: str, kind: str) -> None:  # noqa: F811
    response = signed_in(app, email).get(f"/admin/invoice/{kind}/?id={issued.id}")
    assert response.status_code == 404


def test_mentors_cannot_download_invoices(app: Flask, issued: Any) -> None:  # noqa: F811
    browser = signed_in(app, "mentors@mentori.lv")
    for kind in ("pdf", "xml", "csv"):
        assert browser.get(f"/admin/invoice/{kind}/?id={issued.id}").status_code == 403
