"""Issuing invoices and credit notes through the screens."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from mentoring import invoicing
from models import Invoice, ServiceEntry
from tests.admin_views.test_hours_views import signed_in
from tests.mentoring.test_invoicing import billing  # noqa: F401  (fixture)


def invoices(db: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(Invoice))


def month(data: dict[str, Any]) -> str:
    return f"{data['year']:04d}-{data['month']:02d}"


def test_preview_issue_and_credit(app: Flask, db: Any, billing: dict[str, Any]) -> None:  # noqa: F811
    browser = signed_in(app, "you@mentori.lv")
    page = browser.get(f"/admin/invoicing/?month={month(billing)}").get_data(as_text=True)
    assert "43,51" in page  # the by-hand total of the fixture's hours
    link = re.search(rf'href="(/admin/invoicing/confirm/\?[^"]*contract={billing["contract"].id}'
                     rf'[^"]*)"', page).group(1).replace("&amp;", "&")
    before = invoices(db)
    confirm = browser.get(link).get_data(as_text=True)
    assert invoices(db) == before  # the confirmation issues nothing
    assert "nevar mainīt" in confirm and "43,51" in confirm and "Izrakstīt tagad" in confirm
    for pair in billing["pairs"]:
        assert pair.youth.case_number in confirm
    form = confirm[confirm.index('action="/admin/invoicing/issue/"'):]
    fingerprint = re.search(r'name="fingerprint" value="(\w+)"', form).group(1)
    entry_ids = invoicing.preview(db.session, billing["contract"], billing["year"],
                                  billing["month"]).entry_ids
    assert fingerprint == invoicing.fingerprint(entry_ids)
    before = invoices(db)
    for tampered in (invoicing.fingerprint([*entry_ids, 999999]), "", "x" * 32):
        response = browser.post("/admin/invoicing/issue/", data={
            "month": month(billing), "contract": billing["contract"].id,
            "fingerprint": tampered}, follow_redirects=True)
        assert "mainījušās" in response.get_data(as_text=True) and invoices(db) == before
    issued = browser.post("/admin/invoicing/issue/", data={
        "month": month(billing), "contract": billing["contract"].id,
        "fingerprint": fingerprint})
    assert invoices(db) == before + 1
    invoice = db.session.scalars(select(Invoice).order_by(Invoice.id.desc())).first()
    # It lands on the invoice just issued, not on an emptied preview.
    assert issued.status_code == 302
    assert issued.headers["Location"].endswith(f"/admin/invoice/details/?id={invoice.id}")
    assert invoice.total_amount == sum(line.amount for line in invoice.lines)
    # Issued: no path changes it — the edit form refuses, a direct POST too.
    assert browser.get(f"/admin/invoice/edit/?id={invoice.id}").status_code == 403
    assert browser.post(f"/admin/invoice/edit/?id={invoice.id}",
                        data={"status": "draft"}).status_code == 403
    assert browser.post("/admin/invoice/delete/", data={"id": invoice.id}).status_code == 403
    credit = browser.post("/admin/invoice/credit/", data={"id": invoice.id})
    assert credit.status_code == 302
    note = db.session.scalars(select(Invoice).order_by(Invoice.id.desc())).first()
    assert note.kind == "credit_note" and note.total_amount == -invoice.total_amount
    released = db.session.scalar(select(func.count()).select_from(ServiceEntry).where(
        ServiceEntry.id.in_(entry_ids), ServiceEntry.invoice_id.is_(None)))
    assert released == len(entry_ids)


def test_nothing_to_bill_and_other_roles(app: Flask, db: Any, billing: dict[str, Any]) -> None:  # noqa: F811
    browser = signed_in(app, "you@mentori.lv")
    before = invoices(db)
    response = browser.post("/admin/invoicing/issue/", data={
        "month": "2000-01", "contract": billing["contract"].id})
    assert response.status_code == 302 and invoices(db) == before
    other = signed_in(app, "hoh@mentori.lv")
    assert other.post("/admin/invoicing/issue/", data={
        "month": month(billing), "contract": billing["contract"].id}).status_code == 404
    assert invoices(db) == before
    assert signed_in(app, "liepaja@mentori.lv").get("/admin/invoicing/").status_code == 403
    assert signed_in(app, "mentors@mentori.lv").get("/admin/invoicing/").status_code == 403


def test_budget_warnings_in_the_preview(app: Flask, db: Any, billing: dict[str, Any]) -> None:  # noqa: F811
    from decimal import Decimal

    from sqlalchemy import update

    from mentoring import invoicing
    from models import Budget

    contract = billing["contract"]
    preview = invoicing.preview(db.session, contract, billing["year"], billing["month"])
    use = invoicing.budget_use(db.session, contract, billing["year"], preview.total)
    spent = use.invoiced + use.adding
    browser = signed_in(app, "you@mentori.lv")
    for amount, message in (((spent / Decimal("0.9")).quantize(Decimal("0.01")), "pārsniedz 80 %"),
                            (spent / 2, "virs 100 %")):
        db.session.execute(update(Budget).where(
            Budget.programme_id == contract.programme_id, Budget.year == billing["year"])
            .values(amount=amount))
        db.session.commit()
        page = browser.get(f"/admin/invoicing/?month={month(billing)}")
        assert page.status_code == 200 and message in page.get_data(as_text=True)


def test_waiting_entries_are_listed_and_the_ceiling_warns(
        app: Flask, db: Any, billing: dict[str, Any]) -> None:  # noqa: F811
    from decimal import Decimal

    from common.enums import Activity, EntryStatus

    waiting = ServiceEntry(pair=billing["pairs"][0], day=billing["day"], minutes=30,
                           activity=Activity.study, status=EntryStatus.logged)
    db.session.add(waiting)
    billing["contract"].ceiling = Decimal("10.00")
    db.session.commit()
    page = signed_in(app, "you@mentori.lv").get(
        f"/admin/invoicing/?month={month(billing)}").get_data(as_text=True)
    assert f"/admin/service_entry/details/?id={waiting.id}" in page
    assert "gaida apstiprinājumu" in page
    assert "Ar šo rēķinu tiek pārsniegta līguma summa." in page


def test_administrators_narrow_to_one_municipality(
        app: Flask, db: Any, billing: dict[str, Any]) -> None:  # noqa: F811
    from models import Municipality

    provider = billing["contract"].provider_id
    browser = signed_in(app, "admin@mentori.lv")
    page = browser.get(f"/admin/invoicing/?provider={provider}&month={month(billing)}")
    assert "43,51" in page.get_data(as_text=True)
    ogre = db.session.scalar(select(Municipality).where(Municipality.case_prefix == "OGR"))
    narrowed = browser.get(
        f"/admin/invoicing/?provider={provider}&month={month(billing)}&municipality={ogre.id}")
    assert "43,51" not in narrowed.get_data(as_text=True)
