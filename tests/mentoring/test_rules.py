"""Record rules hold on every path — here the plain session, as the CLI and imports use it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from common.errors import RuleViolations
from models import Contract, Pair, Provider, ServiceEntry, Youth


def fields_of(exc: RuleViolations) -> set[str | None]:
    return {v.field for v in exc.violations}


@pytest.mark.parametrize(("minutes", "ok"), [(15, True), (1440, True), (0, False), (-15, False),
                                             (20, False), (1455, False)])
def test_service_entry_minutes(db: Any, demo_users: Any, minutes: int, ok: bool) -> None:
    from common.clock import today
    from common.enums import PairStatus

    pair = db.session.scalar(select(Pair).where(Pair.status == PairStatus.active).limit(1))
    entry = ServiceEntry(pair=pair, day=today(), minutes=minutes, activity="study",
                         billable=False)
    db.session.add(entry)
    if ok:
        db.session.flush()
        assert entry.id is not None
    else:
        with pytest.raises(RuleViolations) as caught:
            db.session.flush()
        assert fields_of(caught.value) == {"minutes"}


def test_contract_dates_and_exemption_note(db: Any, demo_users: Any) -> None:
    contract = db.session.scalar(select(Contract).limit(1))
    contract.valid_to = contract.valid_from - dt.timedelta(days=1)
    contract.vat_exemption_note = ""
    with pytest.raises(RuleViolations) as caught:
        db.session.flush()
    assert fields_of(caught.value) == {"valid_to", "vat_exemption_note"}


def test_provider_vat_number_is_lv_plus_registration(db: Any, demo_users: Any) -> None:
    provider = db.session.scalar(select(Provider).where(Provider.vat_number.is_not(None)))
    provider.vat_number = "LV40003521600"
    with pytest.raises(RuleViolations) as caught:
        db.session.flush()
    assert fields_of(caught.value) == {"vat_number"}


def test_youth_personal_code_is_normalised(db: Any, demo_users: Any) -> None:
    youth = db.session.scalar(select(Youth).limit(1))
    youth.birth_date = dt.date(1975, 11, 16)
    youth.personal_code = "16117519997"
    db.session.flush()
    assert youth.personal_code == "161175-19997"


def test_database_constraints_back_the_rules(db: Any, demo_users: Any) -> None:
    """Even a raw UPDATE that skips the ORM cannot store a negative rate."""
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError):
        db.session.execute(update(Contract).values(hourly_rate=Decimal("-1")))
    db.session.rollback()


def _issued_invoice(db: Any) -> Any:
    from common.enums import InvoiceStatus
    from models import Invoice

    return db.session.scalar(select(Invoice).where(Invoice.status == InvoiceStatus.issued))


def test_issued_invoice_cannot_go_back_to_draft(db: Any, demo_users: Any) -> None:
    invoice = _issued_invoice(db)
    invoice.status = "draft"
    with pytest.raises(RuleViolations) as caught:
        db.session.flush()
    assert "status" in fields_of(caught.value)


def test_issued_invoice_cannot_move_to_another_municipality(db: Any, demo_users: Any) -> None:
    from models import Municipality

    invoice = _issued_invoice(db)
    other = db.session.scalar(select(Municipality).where(Municipality.id != invoice.municipality_id))
    invoice.municipality_id = other.id
    with pytest.raises(RuleViolations) as caught:
        db.session.flush()
    assert {"municipality", "contract"} <= fields_of(caught.value)


def test_paid_needs_a_payment_date(db: Any, demo_users: Any) -> None:
    invoice = _issued_invoice(db)
    invoice.status = "paid"
    with pytest.raises(RuleViolations) as caught:
        db.session.flush()
    assert fields_of(caught.value) == {"paid_on"}


def test_an_issued_invoice_has_no_edit_form_for_anyone(app: Any, db: Any,
                                                        demo_users: Any) -> None:
    """Issued means frozen: the generic edit form offers nothing to change to anybody, by
    GET or POST; payment, delivery and credit have their own actions on the invoice's page."""
    from tests.conftest import Browser

    invoice = _issued_invoice(db)
    recipient = "liepaja@mentori.lv" if invoice.municipality.name.startswith("Liep") \
        else "ogre@mentori.lv"
    for email in (recipient, "you@mentori.lv", "admin@mentori.lv"):
        browser = Browser(app.test_client())
        browser.sign_in(email)
        assert browser.get(f"/admin/invoice/edit/?id={invoice.id}").status_code in (403, 404)
        assert browser.post(f"/admin/invoice/edit/?id={invoice.id}", data={
            "status": "paid", "paid_on": invoice.issued_on.isoformat()}).status_code in (403, 404)
        page = browser.get(f"/admin/invoice/details/?id={invoice.id}").get_data(as_text=True)
        assert "/admin/invoice/edit/" not in page
    db.session.expire_all()
    assert db.session.get(type(invoice), invoice.id).status == "issued"


def test_rules_run_once_per_save_and_only_in_the_applications_sessions(
        app: Any, db: Any, admin_browser: Any) -> None:
    """A generated save flushes once and the flush checks once; the hook sits on the
    application's session class, not on SQLAlchemy's (other sessions are left alone)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from mentoring import rules
    from models import Locality, Municipality
    from models.base import CheckedSession

    seen: list[str] = []

    def counting(locality: Locality) -> Any:
        seen.append(locality.name)
        return iter(())

    rules.checks(Locality)(counting)
    try:
        municipality = db.session.scalar(select(Municipality).limit(1))
        response = admin_browser.post("/admin/locality/new/", data={
            "municipality": str(municipality.id), "name": "Jaunciems"})
        assert response.status_code == 302
        assert seen == ["Jaunciems"]
    finally:
        rules._CHECKERS[Locality].remove(counting)
    assert event.contains(CheckedSession, "before_flush", rules._before_flush)
    assert not event.contains(Session, "before_flush", rules._before_flush)
