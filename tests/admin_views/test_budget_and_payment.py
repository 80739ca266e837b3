"""The recipient records payments; the budget overview per role and scope."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from models import AuditLog, Invoice
from tests.admin_views.test_hours_views import signed_in
from tests.conftest import today
from tests.mentoring.test_budgets import world  # noqa: F401  (fixture)
from tests.mentoring.test_einvoice import issued  # noqa: F401  (fixture)
from tests.mentoring.test_invoicing import billing  # noqa: F401  (fixture)


def money_input(amount: Any) -> str:
    """An amount as an accountant types it: comma decimals."""
    return f"{amount:.2f}".replace(".", ",")


def reload(db: Any, invoice: Any) -> Invoice:
    db.session.expire_all()
    return db.session.get(Invoice, invoice.id)


def test_municipality_marks_an_invoice_paid(app: Flask, db: Any, issued: Any) -> None:  # noqa: F811
    browser = signed_in(app, "liepaja@mentori.lv")
    page = browser.get(f"/admin/invoice/details/?id={issued.id}").get_data(as_text=True)
    assert 'name="paid_on"' in page
    assert 'name="paid_amount"' in page
    short = browser.post("/admin/invoice/paid/", data={
        "id": issued.id, "paid_on": today().isoformat(),
        "paid_amount": money_input(issued.total_amount - 1)}, follow_redirects=True)
    assert "nesakrīt ar rēķina summu" in short.get_data(as_text=True)
    assert reload(db, issued).status == "issued"
    response = browser.post("/admin/invoice/paid/", data={
        "id": issued.id, "paid_on": today().isoformat(),
        "paid_amount": money_input(issued.total_amount)}, follow_redirects=True)
    assert "apmaksāts" in response.get_data(as_text=True)
    invoice = reload(db, issued)
    assert invoice.status == "paid" and invoice.paid_on == today()
    assert invoice.paid_amount == invoice.total_amount
    assert db.session.scalar(select(AuditLog).where(
        AuditLog.action == "invoice.paid", AuditLog.record_id == str(invoice.id)))
    again = browser.post("/admin/invoice/paid/", data={
        "id": issued.id, "paid_on": today().isoformat(),
        "paid_amount": money_input(issued.total_amount)}, follow_redirects=True)
    assert "tikai izrakstītu, vēl neapmaksātu" in again.get_data(as_text=True)
    assert 'name="paid_on"' not in again.get_data(as_text=True)  # paid: nothing left to do
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "invoice.paid", AuditLog.record_id == str(invoice.id))) == 1


@pytest.mark.parametrize(("paid_on", "message"), [
    ("future", "nākotnē"),
    ("before", "agrāks par rēķina"),
    ("31.02.2026", "apmaksas datumu"),
    ("", "apmaksas datumu"),
])
def test_bad_payment_dates_change_nothing(app: Flask, db: Any, issued: Any, paid_on: str,  # noqa: F811
                                          message: str) -> None:
    value = {"future": (today() + dt.timedelta(days=1)).isoformat(),
             "before": (issued.issued_on - dt.timedelta(days=1)).isoformat()}.get(paid_on, paid_on)
    browser = signed_in(app, "liepaja@mentori.lv")
    response = browser.post("/admin/invoice/paid/", data={
        "id": issued.id, "paid_on": value, "paid_amount": money_input(issued.total_amount)},
        follow_redirects=True)
    assert message in response.get_data(as_text=True)
    invoice = reload(db, issued)
    assert invoice.status == "issued" and invoice.paid_on is None


def test_only_the_recipient_records_payment(app: Flask, db: Any, issued: Any) -> None:  # noqa: F811
    data = {"id": issued.id, "paid_on": today().isoformat()}
    assert signed_in(app, "ogre@mentori.lv").post("/admin/invoice/paid/", data=data).status_code == 404
    assert signed_in(app, "you@mentori.lv").post("/admin/invoice/paid/", data=data).status_code == 403
    assert signed_in(app, "mentors@mentori.lv").post(
        "/admin/invoice/paid/", data=data).status_code == 403
    assert reload(db, issued).status == "issued"


def cells(page: str, programme: str) -> list[str]:
    row = re.search(rf"<tr[^>]*>\s*<td>[^<]*</td><td>{programme}</td>(.*?)</tr>", page, re.S)
    assert row, programme
    return [re.sub(r"<[^>]+>|[\s\u00a0\u202f]+", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                       row.group(1), re.S)]


def test_budget_overview_for_the_municipality(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    page = signed_in(app, "liepaja@mentori.lv").get(
        "/admin/budget-overview/?year=2031").get_data(as_text=True)
    row = cells(page, "Budžeta tests")
    assert row[0].startswith("2 000,00") and row[1].startswith("300,00")
    assert row[4].startswith("67,50")
    # Commitments depend on today's date; in 2031 from here, every remaining month counts.
    assert "Ogres novada mentoru tīkls" not in page


def test_budget_overview_scope(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    page = signed_in(app, "ogre@mentori.lv").get(
        "/admin/budget-overview/?year=2031").get_data(as_text=True)
    assert "Budžeta tests" not in page and "Ogres novada mentoru tīkls" in page
    assert signed_in(app, "you@mentori.lv").get("/admin/budget-overview/").status_code == 403
    assert signed_in(app, "mentors@mentori.lv").get("/admin/budget-overview/").status_code == 403
    admin = signed_in(app, "admin@mentori.lv").get("/admin/budget-overview/?year=2031")
    assert "Budžeta tests" in admin.get_data(as_text=True)
    assert "Ogres novada mentoru tīkls" in admin.get_data(as_text=True)


def test_budget_overview_ignores_a_bad_year(app: Flask, world: dict[str, Any]) -> None:  # noqa: F811
    browser = signed_in(app, "liepaja@mentori.lv")
    for year in ("abc", "99999", "-1"):
        response = browser.get(f"/admin/budget-overview/?year={year}")
        assert response.status_code == 200
        assert str(today().year) in response.get_data(as_text=True)
